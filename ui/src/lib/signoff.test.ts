import { describe, expect, it } from "vitest";

import type { Vocabulary } from "../bindings/Vocabulary";
import type { AiSystem } from "../bindings/AiSystem";
import { assessmentLines, changeLabel, draftOf, formatDay, keyLabel, proposalRows, snapshotRows } from "./signoff";

// The part of core's vocabulary a request's record reads.
const vocab = {
  stages: [{ key: "production", label: "Production" }],
  sourcing: [{ key: "vendor", label: "Vendor" }],
  regulated_domains: [{ key: "finance", label: "Finance" }],
  eu_ai_act_categories: [{ key: "minimal", label: "Minimal risk" }],
  risk_tiers: [{ key: "high", label: "High" }],
  data_sensitivities: [{ key: "restricted", label: "Restricted" }],
  system_fields: [
    { key: "name", label: "Name" },
    { key: "owner", label: "Owner" },
    { key: "eu_ai_act_category", label: "EU AI Act category" },
    { key: "regulated_domain", label: "Regulated domain" },
    { key: "data_sensitivity", label: "Data sensitivity" },
    { key: "certifications", label: "Certifications" },
    { key: "tags", label: "Tags" },
    { key: "annual_value", label: "Annual value" },
    { key: "last_retrained", label: "Last retrained" },
  ],
} as unknown as Vocabulary;

describe("keyLabel", () => {
  it("turns a field name no vocabulary labels into a heading", () => {
    expect(keyLabel("business_unit")).toBe("Business unit");
    expect(keyLabel("owner")).toBe("Owner");
  });
});

describe("formatDay", () => {
  it("writes an ISO day for a reader and leaves other text alone", () => {
    expect(formatDay("2027-03-31")).toBe("31 Mar 2027");
    expect(formatDay("2026-01-05")).toBe("5 Jan 2026");
    expect(formatDay("Ann Owner")).toBe("Ann Owner");
    expect(formatDay("2026-13-01")).toBe("2026-13-01");
  });
});

describe("snapshotRows", () => {
  const system = {
    id: 7,
    tags: ["claims", "fraud"],
    owner: "Ann Owner",
    name: "Claims Fraud Network",
    eu_ai_act_category: "minimal",
    regulated_domain: "finance",
    data_sensitivity: "restricted",
    certifications: [{ name: "ISO/IEC 42001", expires: "2027-03-31" }],
    annual_value: 1250000,
    last_retrained: "2026-05-01",
    vendor: null,
    model_card: "added later",
  };

  it("reads like a form: the register's labels and order, labels for stored keys, lists as lists", () => {
    const rows = snapshotRows(system, vocab);
    expect(rows.map((r) => r.label)).toEqual([
      "Name",
      "Owner",
      "EU AI Act category",
      "Regulated domain",
      "Data sensitivity",
      "Certifications",
      "Tags",
      "Annual value",
      "Last retrained",
      "Vendor",
      "Model card",
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.key, r.lines]));
    expect(by.eu_ai_act_category).toEqual(["Minimal risk"]);
    expect(by.regulated_domain).toEqual(["Finance"]);
    expect(by.data_sensitivity).toEqual(["Restricted"]);
    expect(by.certifications).toEqual(["ISO/IEC 42001 (expires 31 Mar 2027)"]);
    expect(by.tags).toEqual(["claims", "fraud"]);
    expect(by.annual_value).toEqual(["1,250,000"]);
    expect(by.last_retrained).toEqual(["1 May 2026"]);
    expect(by.vendor).toEqual([]); // nothing recorded is shown as such, not as null
    expect(rows.some((r) => r.key === "id")).toBe(false);
  });

  it("marks a field changed since the last approval with what was approved", () => {
    const rows = snapshotRows(system, vocab, [
      { field: "system.owner", signed: '"Bob Before"', now: '"Ann Owner"' },
      { field: "system.tags", signed: null, now: '["claims","fraud"]' },
      { field: "kpis", signed: "[]", now: "[1]" },
    ]);
    const owner = rows.find((r) => r.key === "owner");
    expect(owner?.approved).toEqual(["Bob Before"]);
    expect(rows.find((r) => r.key === "tags")?.approved).toEqual([]);
    expect(rows.find((r) => r.key === "name")?.approved).toBeUndefined();
  });

  it("has no rows for a review's outcome, which has no system", () => {
    expect(snapshotRows(null, vocab)).toEqual([]);
  });
});

describe("changeLabel", () => {
  it("names a changed field as the form heads it", () => {
    expect(changeLabel("system.eu_ai_act_category", vocab)).toBe("EU AI Act category");
    expect(changeLabel("kpis", vocab)).toBe("KPIs");
    expect(changeLabel("assessment", vocab)).toBe("Assessment");
  });
});

describe("assessmentLines", () => {
  it("shows when it was completed and the plain facts of its result, not JSON", () => {
    const lines = assessmentLines({
      assessment: 3,
      template_version: "2025-03",
      completed_at: "2026-04-02T10:00:00Z",
      result: { impact_level: 3, raw_score: 61, sections: [{ a: 1 }] },
    });
    expect(lines).toEqual(["Completed 2 Apr 2026, template version 2025-03", "Impact level: 3", "Raw score: 61"]);
  });
});

describe("proposalRows", () => {
  it("reads a proposed change with the register's labels, closed values by label and dates written out", () => {
    const rows = proposalRows(
      [
        { field: "regulated_domain", from: '"none"', to: '"finance"' },
        { field: "last_retrained", from: null, to: '"2026-05-01"' },
        { field: "model_approach", from: '"GLM"', to: '"LLM"' },
      ],
      vocab,
    );
    expect(rows).toEqual([
      { key: "regulated_domain", label: "Regulated domain", from: ["none"], to: ["Finance"] },
      { key: "last_retrained", label: "Last retrained", from: [], to: ["1 May 2026"] },
      { key: "model_approach", label: "Model approach", from: ["GLM"], to: ["LLM"] },
    ]);
  });
});

describe("draftOf", () => {
  it("is the stored system without its id and timestamps", () => {
    const s = { id: 3, name: "Churn", created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-02T00:00:00Z" } as unknown as AiSystem;
    expect(draftOf(s)).toEqual({ name: "Churn" });
  });
});
