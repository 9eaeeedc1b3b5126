import { describe, expect, it } from "vitest";

import type { ReviewItem } from "../bindings/ReviewItem";
import type { Scorecard } from "../bindings/Scorecard";
import type { Vocabulary } from "../bindings/Vocabulary";
import {
  MISSING,
  attendeesText,
  budgetTargetForm,
  budgetTargetInput,
  changedLabels,
  decisionForm,
  decisionInput,
  formatShare,
  keyFigures,
  orMissing,
  parseAttendees,
  parseList,
  presenterStep,
  quarterOf,
  scorecardGroups,
  shortHash,
} from "./review";

// The part of core's vocabulary the scorecard reads.
const VOCAB = {
  stages: [
    { key: "proposed", label: "Proposed" },
    { key: "production", label: "Production" },
  ],
  risk_tiers: [
    { key: "medium", label: "Medium" },
    { key: "high", label: "High" },
  ],
  eu_ai_act_categories: [{ key: "minimal", label: "Minimal risk" }],
  dispositions: [
    { key: "suspend", label: "Suspend" },
    { key: "retrain", label: "Retrain" },
  ],
  scorecard_fields: [
    { key: "kpi_attainment", label: "KPI attainment" },
    { key: "run_cost", label: "Run cost per year" },
    { key: "roi", label: "ROI" },
  ],
} as unknown as Vocabulary;

function card(over: Partial<Scorecard> = {}): Scorecard {
  return {
    system_id: 7, system: "Customer Churn Predictor", business_unit: "Marketing", owner: "Liam", sponsor: "Julian",
    stage: "production", risk_tier: "medium", eu_category: null, age_months: 57,
    kpi_attainment: null, measurements: 0, kpis_in_breach: 0, breach_months: 0, worst_kpi: null, outcomes: [],
    escalations_open: 0, escalations_resolved: 0, run_cost: null, cost_per_1000: null, tco_scenario: null,
    tco_option: null, annual_value: null, roi: null, assessment: null, signoff: null, overdue_items: 0,
    certs_expiring: 0, months_since_retrain: null, months_since_model_review: null, data_readiness: null,
    strategic_alignment: null, proposal_score: null,
    ...over,
  };
}

const lineOf = (c: Scorecard, field: keyof Scorecard) =>
  scorecardGroups(c, VOCAB).flatMap((g) => g.lines).find((l) => l.field === field);

describe("missing values", () => {
  it("reads missing, never 0 or blank", () => {
    expect(orMissing(null, String)).toBe(MISSING);
    expect(orMissing(undefined, String)).toBe(MISSING);
    expect(orMissing(0, String)).toBe("0");
    expect(orMissing("", (s) => s)).toBe("");
  });

  it("marks an unknown input of the scorecard as missing and a known zero as zero", () => {
    const c = card({ run_cost: null, roi: 0, kpi_attainment: 0, measurements: 4 });
    expect(lineOf(c, "run_cost")).toMatchObject({ value: MISSING, missing: true });
    expect(lineOf(c, "roi")).toMatchObject({ value: "0%", missing: false });
    expect(lineOf(c, "kpi_attainment")).toMatchObject({ value: "0% of 4 measurements", missing: false });
    expect(lineOf(c, "eu_category")).toMatchObject({ value: MISSING, missing: true });
    expect(lineOf(c, "overdue_items")).toMatchObject({ value: "0", missing: false });
  });

  it("formats what is known for the reader", () => {
    const c = card({ run_cost: 54484.9, roi: 55.8965, cost_per_1000: 0.17098, eu_category: "minimal",
      tco_scenario: "Batch scoring fleet", tco_option: "Cloud reserved 3 years", months_since_retrain: 1 });
    expect(lineOf(c, "run_cost")?.value).toBe("54,485");
    expect(lineOf(c, "roi")?.value).toBe("5,590%");
    expect(lineOf(c, "cost_per_1000")?.value).toBe("0.17");
    expect(lineOf(c, "eu_category")?.value).toBe("Minimal risk");
    expect(lineOf(c, "tco_scenario")?.value).toBe("Batch scoring fleet: Cloud reserved 3 years");
    expect(lineOf(c, "months_since_retrain")?.value).toBe("1 month");
    expect(formatShare(0.834)).toBe("83%");
  });
});

describe("scorecardGroups", () => {
  it("groups the inputs as the board reads them, proposals only where they apply", () => {
    expect(scorecardGroups(card(), VOCAB).map((g) => g.key)).toEqual(["value", "cost", "risk", "compliance", "health", "lifecycle"]);
    const proposal = scorecardGroups(card({ stage: "proposed", data_readiness: 3 }), VOCAB);
    expect(proposal.map((g) => g.key)).toContain("proposal");
    const lines = proposal.find((g) => g.key === "proposal")!.lines;
    expect(lines.map((l) => l.value)).toEqual(["3 / 5", MISSING, MISSING]);
  });

  it("uses core's labels for closed sets", () => {
    expect(lineOf(card({ risk_tier: "high" }), "risk_tier")?.value).toBe("High");
    expect(lineOf(card(), "stage")?.value).toBe("Production");
  });

  it("picks the key figures of a slide from the same lines", () => {
    const figures = keyFigures(card({ roi: 1 }), VOCAB);
    expect(figures.map((f) => f.field)).toContain("roi");
    expect(figures.find((f) => f.field === "roi")?.value).toBe("100%");
    expect(keyFigures(card({ stage: "proposed" }), VOCAB).map((f) => f.field)).toContain("proposal_score");
  });

  it("names the fields changed since the freeze", () => {
    expect(changedLabels(["kpi_attainment", "run_cost", "something_new"], VOCAB)).toEqual(["KPI attainment", "Run cost per year", "Something new"]);
  });
});

describe("form text", () => {
  it("reads attendees as Name: role lines", () => {
    expect(parseAttendees("Maria Rossi: Chair\n\n  Tom Berg :CFO \nAnn Lee\nJo: Risk: deputy")).toEqual([
      { name: "Maria Rossi", role: "Chair" },
      { name: "Tom Berg", role: "CFO" },
      { name: "Ann Lee", role: "" },
      { name: "Jo", role: "Risk: deputy" },
    ]);
    expect(parseAttendees("  \n")).toEqual([]);
    // A line with a role but no name goes to core, which says the name is required.
    expect(parseAttendees(": CFO")).toEqual([{ name: "", role: "CFO" }]);
  });

  it("writes attendees back as lines that read the same", () => {
    const list = [{ name: "Maria Rossi", role: "Chair" }, { name: "Ann Lee", role: "" }];
    expect(attendeesText(list)).toBe("Maria Rossi: Chair\nAnn Lee");
    expect(parseAttendees(attendeesText(list))).toEqual(list);
  });

  it("reads comma-separated lists", () => {
    expect(parseList("Claims, Pricing ,, Marketing\nPeople")).toEqual(["Claims", "Pricing", "Marketing", "People"]);
    expect(parseList("")).toEqual([]);
  });

  it("guesses the quarter of a date", () => {
    expect(quarterOf("2026-12-05")).toBe("2026-Q4");
    expect(quarterOf("2027-01-01")).toBe("2027-Q1");
    expect(quarterOf("2027-06-30")).toBe("2027-Q2");
  });

  it("shortens a snapshot hash and leaves none blank", () => {
    expect(shortHash("fe9127fd89b7431fc0aa755487515bf00e9a3623cae6be2a784a47ea7e885fa6")).toBe("fe9127fd89b7…");
    expect(shortHash(null)).toBe("");
  });

});

describe("decision form", () => {
  const item = (over: Partial<ReviewItem> = {}): ReviewItem => ({
    scorecard: card(),
    recommendation: { disposition: "retrain", rule: "performance-decay", reason: "", because: [], rules_version: "1" },
    decision: null, previous: null, mismatch: false, changed_since_freeze: [], ...over,
  });

  it("starts from the recommendation, or the decision recorded", () => {
    expect(decisionForm(item(), VOCAB.dispositions).decision).toBe("retrain");
    expect(decisionForm(item({ recommendation: null }), VOCAB.dispositions).decision).toBe("suspend");
    const decided = decisionForm(item({
      decision: { decision: "refactor", recommendation: "retrain", rule: "performance-decay", overrode: true, rationale: "Pipeline",
        dissent: ["Tom", "Ann"], conditions: "", budget: 40000, decided_by: "x", decided_at: "t" },
    }), VOCAB.dispositions);
    expect(decided).toEqual({ decision: "refactor", rationale: "Pipeline", dissent: "Tom, Ann", conditions: "", budget: "40000" });
  });

  it("sends a budget as a number or null, and refuses one that is not a number", () => {
    const base = { decision: "refactor" as const, rationale: "", dissent: "Tom,  Ann", conditions: "", budget: "" };
    expect(decisionInput(base)).toEqual({ input: { ...base, dissent: ["Tom", "Ann"], budget: null } });
    expect(decisionInput({ ...base, budget: "40,000" })).toMatchObject({ input: { budget: 40000 } });
    expect(decisionInput({ ...base, budget: "lots" })).toEqual({ errors: [{ field: "budget", message: "lots is not an amount" }] });
  });
});

describe("presenterStep", () => {
  it("moves one slide with the arrows and page keys, and stays at either end", () => {
    expect(presenterStep("ArrowRight", 0, 3)).toBe(1);
    expect(presenterStep("PageDown", 1, 3)).toBe(2);
    expect(presenterStep("ArrowRight", 2, 3)).toBe(2);
    expect(presenterStep("ArrowLeft", 2, 3)).toBe(1);
    expect(presenterStep("PageUp", 0, 3)).toBe(0);
  });

  it("jumps to the ends, leaves on Escape, and ignores other keys", () => {
    expect(presenterStep("End", 0, 3)).toBe(2);
    expect(presenterStep("Home", 2, 3)).toBe(0);
    expect(presenterStep("Escape", 1, 3)).toBe("exit");
    expect(presenterStep("a", 1, 3)).toBeNull();
    expect(presenterStep("ArrowRight", 0, 0)).toBe(0);
  });
});

describe("budget target form", () => {
  it("shows the target in force as percentages, or empty fields", () => {
    expect(budgetTargetForm({ run: 0.6, technical_debt: 0.25, new_development: 0.15 }))
      .toEqual({ run: "60", technical_debt: "25", new_development: "15" });
    expect(budgetTargetForm({ run: 0.333333, technical_debt: 0.333333, new_development: 0.333334 }).run).toBe("33.3333");
    expect(budgetTargetForm(null)).toEqual({ run: "", technical_debt: "", new_development: "" });
  });

  it("sends percentages as shares and names each field that is not a number", () => {
    expect(budgetTargetInput({ run: "60", technical_debt: " 25 %", new_development: "15%" }))
      .toEqual({ target: { run: 0.6, technical_debt: 0.25, new_development: 0.15 } });
    expect(budgetTargetInput({ run: "sixty", technical_debt: "", new_development: "15" })).toEqual({
      errors: [
        { field: "run", message: "sixty is not a percentage" },
        { field: "technical_debt", message: "nothing is not a percentage" },
      ],
    });
  });

  it("leaves whether the shares add up to core", () => {
    const r = budgetTargetInput({ run: "70", technical_debt: "25", new_development: "15" });
    expect("target" in r && r.target.run).toBe(0.7);
  });
});
