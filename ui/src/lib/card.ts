// The model card panel's pure parts: a form's fields from a saved revision (or empty), what the
// export writes by format, and the diff's rows with labels and readable values. Core saves,
// renders and diffs; this only shapes what is sent and shown.
import type { CardDiff } from "../bindings/CardDiff";
import type { CardFieldSpec } from "../bindings/CardFieldSpec";
import type { CardFields } from "../bindings/CardFields";
import type { CardRevision } from "../bindings/CardRevision";
import { fieldValue } from "./audit";

/** Every field of a card, empty: where the first card of a system starts. */
export function emptyFields(specs: CardFieldSpec[]): CardFields {
  const out: Record<string, string> = {};
  for (const s of specs) out[s.key] = "";
  return out as unknown as CardFields;
}

/** The fields of a saved revision as the form edits them: every field present, empty optional
 *  ones as "". */
export function fieldsOf(specs: CardFieldSpec[], r: CardRevision): CardFields {
  const source = r as unknown as Record<string, string | undefined>;
  const out: Record<string, string> = {};
  for (const s of specs) out[s.key] = source[s.key] ?? "";
  return out as unknown as CardFields;
}

export type CardFormat = "md" | "pdf" | "toml";

export const CARD_FORMATS: { key: CardFormat; label: string }[] = [
  { key: "md", label: "Markdown with YAML metadata (.md)" },
  { key: "pdf", label: "PDF, signed with your identity" },
  { key: "toml", label: "Draft of the fields (.toml)" },
];

/** Only the PDF is signed, and it always is. */
export const signsCard = (format: CardFormat): boolean => format === "pdf";

/** A file name to offer: "credit-default-scorer-3.2-model-card.md". */
export function cardFileName(system: string, version: string, format: CardFormat): string {
  const slug = `${system} ${version}`
    .toLowerCase()
    .replace(/[^\p{L}\p{N}.]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return `${slug || "model"}-model-card.${format}`;
}

export interface DiffRow {
  key: string;
  label: string;
  before: string;
  after: string;
}

/** The diff's changes (in the card's order, as core gives them) with labels and readable values. */
export function diffRows(specs: CardFieldSpec[], d: CardDiff): DiffRow[] {
  return d.changes.map((c) => ({
    key: c.field,
    label: specs.find((s) => s.key === c.field)?.label ?? c.field,
    before: fieldValue(c.before),
    after: fieldValue(c.after),
  }));
}
