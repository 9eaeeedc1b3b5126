import { describe, expect, it } from "vitest";

import type { SystemDraft } from "../bindings/SystemDraft";
import { draftPaths, missingDates, placeFieldErrors, readAmount } from "./fieldErrors";

const draft: SystemDraft = {
  name: "Churn model",
  purpose: "",
  business_unit: "Retail",
  owner: "",
  technical_lead: "",
  sourcing: "vendor",
  vendor: "",
  model_approach: "",
  stage: "proposed",
  regulated_domain: "none",
  eu_ai_act_category: null,
  risk_tier: "medium",
  data_sensitivity: "internal",
  deployment_date: null,
  certifications: [{ name: "ISO/IEC 42001", expires: "" }],
  datasets: [{ name: "", retention_policy: "", retain_until: null }],
  assumptions: [],
  tags: ["retail"],
};

function check(field: string, expectedAt: string | null) {
  const placed = placeFieldErrors([{ field, message: "bad" }], draftPaths(draft));
  if (expectedAt === null) {
    expect(placed.unplaced.map((e) => e.field), `${field} has no input, so it is listed above the form`).toEqual([field]);
    expect(placed.byField).toEqual({});
  } else {
    expect(placed.byField, `${field} is shown beside ${expectedAt}`).toEqual({ [expectedAt]: ["bad"] });
    expect(placed.unplaced).toEqual([]);
  }
}

describe("placeFieldErrors", () => {
  it("puts each error beside the input core names", () => {
    check("vendor", "vendor");
    check("owner", "owner");
    check("datasets[0].name", "datasets[0].name");
    check("datasets[0].retention_policy", "datasets[0].retention_policy");
    check("certifications[0].expires", "certifications[0].expires");
  });

  it("places the review fields' errors beside their inputs even when the draft leaves them out", () => {
    expect("last_retrained" in draft, "an empty optional field is absent from the draft").toBe(false);
    check("sponsor", "sponsor");
    check("last_retrained", "last_retrained");
    check("annual_value", "annual_value");
    check("data_readiness", "data_readiness");
    check("strategic_alignment", "strategic_alignment");
  });

  it("places a model version error beside its input when the draft has no version", () => {
    expect("model_version" in draft, "an empty version is absent from the draft").toBe(false);
    check("model_version", "model_version");
  });

  it("falls back to the list editor for a row the form does not show", () => {
    check("datasets[3].name", "datasets");
    check("assumptions[0].statement", "assumptions");
  });

  it("keeps errors for unknown fields instead of dropping them", () => {
    check("signature", null);
  });

  it("collects several messages for one field", () => {
    const placed = placeFieldErrors(
      [
        { field: "name", message: "is required" },
        { field: "name", message: "must not contain control characters" },
      ],
      draftPaths(draft),
    );
    expect(placed.byField.name).toHaveLength(2);
  });
});

describe("missingDates", () => {
  it("flags required dates left empty", () => {
    expect(missingDates(draft).map((e) => e.field)).toEqual(["certifications[0].expires"]);
  });
});

describe("readAmount", () => {
  it("reads plain numbers and leaves an empty input empty", () => {
    expect(readAmount("")).toEqual({ value: undefined });
    expect(readAmount("  ")).toEqual({ value: undefined });
    expect(readAmount("1250000")).toEqual({ value: 1250000 });
    expect(readAmount(" 1250000.50 ")).toEqual({ value: 1250000.5 });
    expect(readAmount("0")).toEqual({ value: 0 });
    expect(readAmount("1e6")).toEqual({ value: 1e6 });
  });

  it("passes a negative number on, for core to refuse beside the field", () => {
    expect(readAmount("-5")).toEqual({ value: -5 });
  });

  it("refuses text that is not a number, saying what is accepted", () => {
    for (const t of ["lots", "EUR 5", "1,250,000", "0x10", "Infinity", "1.2.3"]) {
      const r = readAmount(t);
      expect("error" in r && r.error, t).toContain("is not a number; write the value per year as a plain number");
    }
  });
});
