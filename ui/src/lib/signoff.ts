// Reading what a person types on the sign-off screens into what the commands take. Pure, so it
// is tested on its own; every rule about sign-offs (quorum, status, who may sign) stays in core.
import type { Labelled } from "../bindings/Labelled";
import type { RoleRequirement } from "../bindings/RoleRequirement";
import type { SignoffRole } from "../bindings/SignoffRole";

/**
 * "business_unit" -> "Business unit": a heading for a name no vocabulary labels, such as a field
 * of a request's snapshot. A closed value set's label comes from core's vocabulary instead.
 */
export function keyLabel(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Reads "legal=1, compliance=1" (commas, semicolons or spaces between) into role requirements,
 * each role one of `roles` (core's vocabulary); on a bad part, says which part and what would be
 * accepted.
 */
export function parseRequirements(
  text: string,
  roles: Labelled<SignoffRole>[],
): { roles: RoleRequirement[] } | { error: string } {
  const keys = roles.map((r) => r.key);
  const out: RoleRequirement[] = [];
  for (const part of text.split(/[,;\s]+/).filter((p) => p !== "")) {
    const m = /^([a-z_]+)=(\d+)$/i.exec(part);
    if (!m) return { error: `"${part}" is not ROLE=N, e.g. legal=1` };
    const role = m[1].toLowerCase() as SignoffRole;
    if (!keys.includes(role)) return { error: `"${m[1]}" is not a role; use one of ${keys.join(", ")}` };
    out.push({ role, required: Number(m[2]) });
  }
  if (out.length === 0) return { error: "name at least one role, e.g. legal=1" };
  return { roles: out };
}

/** The number typed into a whole-number field, or null when it is not one. */
export function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}
