// Presentation helpers of the sign-off screens. What a person types into a rule is read by core
// (`RuleForm::parse`, the same reader as the CLI's --require); every rule about sign-offs
// (quorum, status, who may sign) stays in core.
import type { AiSystem } from "../bindings/AiSystem";
import type { FieldChange } from "../bindings/FieldChange";
import type { Labelled } from "../bindings/Labelled";
import type { ProposedChange } from "../bindings/ProposedChange";
import type { SystemDraft } from "../bindings/SystemDraft";
import type { Vocabulary } from "../bindings/Vocabulary";
import { formatDay } from "./format";
import { formatMoney } from "./tco";
import { labelOf } from "./vocab";

export { formatDay };

/**
 * "business_unit" -> "Business unit": a heading for a name no vocabulary labels, such as a field
 * of a request's snapshot. A closed value set's label comes from core's vocabulary instead.
 */
export function keyLabel(key: string): string {
  const words = key.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One field of a request's record as a signer reads it. */
export interface SnapshotRow {
  key: string;
  label: string;
  /** One line, or several for a list; empty when nothing is recorded. */
  lines: string[];
  /** What the board approved last time, when this field changed since. */
  approved?: string[];
}


/** Fields left out of the form: the record's number is in the heading already. */
const HIDDEN = new Set(["id"]);

/** A field's value as lines of text: closed values by their label, lists one item a line,
 * dates and money formatted, scores out of 5. */
function lines(key: string, value: unknown, v: Vocabulary): string[] {
  if (value === null || value === undefined || value === "") return [];
  const closed: Record<string, Labelled<string>[]> = {
    stage: v.stages,
    sourcing: v.sourcing,
    regulated_domain: v.regulated_domains,
    eu_ai_act_category: v.eu_ai_act_categories,
    risk_tier: v.risk_tiers,
    data_sensitivity: v.data_sensitivities,
  };
  if (closed[key] && typeof value === "string") return [labelOf(closed[key], value)];
  if (Array.isArray(value)) {
    return value.flatMap((x) => {
      if (x && typeof x === "object" && "name" in x) {
        const c = x as { name: string; expires?: string | null };
        return [c.expires ? `${c.name} (expires ${formatDay(c.expires)})` : c.name];
      }
      return typeof x === "string" ? [x] : [JSON.stringify(x)];
    });
  }
  if (key === "annual_value" && typeof value === "number") return [formatMoney(value)];
  if ((key === "data_readiness" || key === "strategic_alignment") && typeof value === "number") return [`${value} of 5`];
  if (typeof value === "string") return [formatDay(value)];
  if (typeof value === "number" || typeof value === "boolean") return [String(value)];
  return [JSON.stringify(value)];
}

/**
 * A request's record as a form: every field the register declares, in its order and with its
 * label (fields core adds later follow, headed by their name), values made readable, and for a
 * field changed since the last approval, what was approved.
 */
export function snapshotRows(
  system: Record<string, unknown> | null,
  v: Vocabulary,
  changes: FieldChange[] = [],
): SnapshotRow[] {
  if (!system) return [];
  const known = v.system_fields.map((f) => f.key);
  const keys = [...known.filter((k) => k in system), ...Object.keys(system).filter((k) => !known.includes(k) && !HIDDEN.has(k))];
  return keys.map((key) => {
    const row: SnapshotRow = {
      key,
      label: v.system_fields.find((f) => f.key === key)?.label ?? keyLabel(key),
      lines: lines(key, system[key], v),
    };
    const change = changes.find((c) => c.field === `system.${key}`);
    if (change) row.approved = lines(key, change.signed === null ? null : JSON.parse(change.signed), v);
    return row;
  });
}

/** One field of a major-change request's proposal as a signer reads it: now, and proposed. */
export interface ProposalRow {
  key: string;
  label: string;
  from: string[];
  to: string[];
}

/** A major-change request's proposal, field by field, with the register's labels and values
 * made readable as in the record under review. */
export function proposalRows(proposed: ProposedChange[], v: Vocabulary): ProposalRow[] {
  const read = (key: string, json: string | null) => lines(key, json === null ? null : JSON.parse(json), v);
  return proposed.map((c) => ({
    key: c.field,
    label: v.system_fields.find((f) => f.key === c.field)?.label ?? keyLabel(c.field),
    from: read(c.field, c.from),
    to: read(c.field, c.to),
  }));
}

/** The record a system's form edits: the stored system without its id and timestamps. */
export function draftOf(s: AiSystem): SystemDraft {
  const { id: _id, created_at: _created, updated_at: _updated, ...draft } = s;
  return draft;
}

/** Fields that are lists, shown as lists even with one item. */
export const LIST_FIELDS = new Set(["certifications", "datasets", "assumptions", "tags"]);

/** "system.owner" -> "Owner"; "kpis" -> "KPIs"; "assessment" -> "Assessment". */
export function changeLabel(field: string, v: Vocabulary): string {
  const [section, key] = field.split(".", 2);
  if (section === "system" && key) return v.system_fields.find((f) => f.key === key)?.label ?? keyLabel(key);
  if (section === "kpis") return "KPIs";
  if (section === "assessment") return "Assessment";
  return keyLabel(field);
}

/** A completed assessment in a request's snapshot as lines: when and against which version it
 * was completed, then each plain fact of its result ("Impact level: 3"); nested detail is left
 * to the assessment's own report. */
export function assessmentLines(a: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof a.completed_at === "string") {
    out.push(`Completed ${formatDay(a.completed_at.slice(0, 10))}, template version ${String(a.template_version ?? "?")}`);
  }
  const result = a.result;
  if (result && typeof result === "object" && !Array.isArray(result)) {
    for (const [k, x] of Object.entries(result as Record<string, unknown>)) {
      if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") out.push(`${keyLabel(k)}: ${formatDay(String(x))}`);
    }
  }
  return out;
}
