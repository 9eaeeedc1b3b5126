import { describe, expect, it } from "vitest";

import type { CardFieldSpec } from "../bindings/CardFieldSpec";
import type { CardRevision } from "../bindings/CardRevision";
import { cardFileName, diffRows, emptyFields, fieldsOf, signsCard } from "./card";

const spec = (key: string, label: string, required = true): CardFieldSpec => ({
  key,
  label,
  required,
  multiline: required,
  help: "",
});
const specs = [spec("intended_use", "Intended uses"), spec("limitations", "Limitations"), spec("license", "Licence", false)];

describe("the model card panel", () => {
  it("starts a first card with every field empty", () => {
    expect(emptyFields(specs)).toEqual({ intended_use: "", limitations: "", license: "" });
  });

  it("edits a revision with its optional fields present", () => {
    const r = {
      system_id: 1, model_version: "2.1", revision: 3, saved_at: "", saved_by: "",
      intended_use: "Ranks", limitations: "Thin files",
    } as unknown as CardRevision;
    expect(fieldsOf(specs, r)).toEqual({ intended_use: "Ranks", limitations: "Thin files", license: "" });
  });

  it("signs only the PDF", () => {
    expect([signsCard("pdf"), signsCard("md"), signsCard("toml")]).toEqual([true, false, false]);
  });

  it("offers a file name from the system and version", () => {
    expect(cardFileName("Credit Default Scorer", "3.2", "md")).toBe("credit-default-scorer-3.2-model-card.md");
    expect(cardFileName("Zoë / Ångström", "v2", "pdf")).toBe("zoë-ångström-v2-model-card.pdf");
  });

  it("lists the changes with labels and readable values", () => {
    const rows = diffRows(specs, {
      system: "S", model_version: "2.1", revision: 2, against: 1,
      changes: [
        { field: "intended_use", before: null, after: "\"Ranks\"" },
        { field: "limitations", before: "\"Thin files\"", after: "\"Thin files and new products\"" },
      ],
    });
    expect(rows).toEqual([
      { key: "intended_use", label: "Intended uses", before: "—", after: "Ranks" },
      { key: "limitations", label: "Limitations", before: "Thin files", after: "Thin files and new products" },
    ]);
  });
});
