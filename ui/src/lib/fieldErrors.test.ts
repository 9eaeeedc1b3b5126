import { describe, expect, it } from "vitest";

import type { SystemDraft } from "../bindings/SystemDraft";
import { draftPaths, missingDates, placeFieldErrors } from "./fieldErrors";

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
