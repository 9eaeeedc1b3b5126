// Places each validation error of a save beside the input it concerns. Field paths are the
// ones core reports: "vendor", "datasets[0].name", "certifications[2].expires".
import type { FieldError } from "../bindings/FieldError";
import type { SystemDraft } from "../bindings/SystemDraft";

export type FieldErrorMap = Record<string, string[]>;

export interface PlacedErrors {
  /** Messages by the path of the input that shows them. */
  byField: FieldErrorMap;
  /** Errors whose field has no input on the form; shown above it so none is lost. */
  unplaced: FieldError[];
}

/**
 * The portfolio review's fields: optional in a draft (core leaves them out of the record when
 * empty), but the form always has an input for each.
 */
export const REVIEW_FIELDS = [
  "sponsor",
  "last_retrained",
  "annual_value",
  "data_readiness",
  "strategic_alignment",
] as const satisfies readonly (keyof SystemDraft)[];

/** Every field a draft may leave out (core writes it only when set) that the form has an input for. */
export const OPTIONAL_FIELDS = [...REVIEW_FIELDS, "model_version"] as const satisfies readonly (keyof SystemDraft)[];

/** Every input path of the form for `draft`, list rows included. */
export function draftPaths(draft: SystemDraft): Set<string> {
  const paths = new Set<string>([...Object.keys(draft), ...OPTIONAL_FIELDS]);
  const rows = (list: string, n: number, keys: string[]) => {
    for (let i = 0; i < n; i++) for (const k of keys) paths.add(`${list}[${i}].${k}`);
  };
  rows("certifications", draft.certifications.length, ["name", "expires"]);
  rows("datasets", draft.datasets.length, ["name", "retention_policy", "retain_until"]);
  rows("assumptions", draft.assumptions.length, ["statement", "review_date"]);
  for (let i = 0; i < draft.tags.length; i++) paths.add(`tags[${i}]`);
  return paths;
}

/**
 * Groups errors by the input that shows them: the exact path when the form has it, else the
 * list it belongs to ("datasets[4].name" beside the datasets editor), else unplaced.
 */
export function placeFieldErrors(errors: FieldError[], paths: Set<string>): PlacedErrors {
  const byField: FieldErrorMap = {};
  const unplaced: FieldError[] = [];
  for (const e of errors) {
    const list = e.field.split(/[[.]/)[0];
    const at = paths.has(e.field) ? e.field : paths.has(list) ? list : null;
    if (at === null) {
      unplaced.push(e);
    } else {
      (byField[at] ??= []).push(e.message);
    }
  }
  return { byField, unplaced };
}

/**
 * Dates the form cannot send at all: a certification's expiry and an assumption's review date
 * are required dates, and an empty date input has no value to send. Everything else is
 * validated by core when saving.
 */
export function missingDates(draft: SystemDraft): FieldError[] {
  const out: FieldError[] = [];
  draft.certifications.forEach((c, i) => {
    if (!c.expires) out.push({ field: `certifications[${i}].expires`, message: "needs an expiry date" });
  });
  draft.assumptions.forEach((a, i) => {
    if (!a.review_date) out.push({ field: `assumptions[${i}].review_date`, message: "needs a review date" });
  });
  return out;
}

/** What an amount input holds: a number to send, none (left empty), or text that is not one. */
export type ReadAmount = { value: number | undefined } | { error: string };

/**
 * Reads an amount typed in a text input. Only text that is not a number at all is refused here
 * (it cannot be sent); whether the number is acceptable (e.g. not negative) is core's rule.
 */
export function readAmount(text: string): ReadAmount {
  const t = text.trim();
  if (t === "") return { value: undefined };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const value = Number(t);
    if (Number.isFinite(value)) return { value };
  }
  return {
    error: `"${t}" is not a number; write the value per year as a plain number in the workspace's currency, e.g. 1250000 (no currency sign or thousands separators, '.' for decimals)`,
  };
}
