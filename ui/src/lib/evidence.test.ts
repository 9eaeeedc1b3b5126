import { describe, expect, it } from "vitest";

import type { EvidencePolicy } from "../bindings/EvidencePolicy";
import type { MetricTrend } from "../bindings/MetricTrend";
import type { SignoffSnapshot } from "../bindings/SignoffSnapshot";
import {
  biasDraftOf,
  emptyBiasForm,
  emptyRunForm,
  num,
  policyFormOf,
  policyText,
  rangeTicks,
  runDraftOf,
  snapshotEvidence,
  trendLayout,
} from "./evidence";

const BOX = { width: 400, height: 200, left: 40, right: 10, top: 10, bottom: 30 };

describe("rangeTicks", () => {
  it("covers the values with round steps, not from zero", () => {
    expect(rangeTicks(0.7, 0.81)).toEqual([0.7, 0.75, 0.8, 0.85]);
    expect(rangeTicks(12, 48)).toEqual([10, 20, 30, 40, 50]);
  });
  it("widens a single value so it has a scale", () => {
    const t = rangeTicks(0.8, 0.8);
    expect(t[0]).toBeLessThan(0.8);
    expect(t[t.length - 1]).toBeGreaterThan(0.8);
  });
});

describe("trendLayout", () => {
  const trend: MetricTrend = {
    name: "auc",
    method: "holdout",
    at_least: 0.75,
    at_most: null,
    bound: "at least 0.75",
    points: [
      { model_version: "3.1", value: 0.74, date: "2026-09-01", run: 3, outcome: "not_met" },
      { model_version: "2.9", value: 0.7, date: "2025-06-01", run: 1, outcome: "not_met" },
      { model_version: "3.0", value: 0.78, date: "2026-02-01", run: 2, outcome: "met" },
    ],
  };
  const l = trendLayout(trend, ["2.9", "3.0", "3.1"], BOX, (s) => (s === "met" ? "Met" : "Not met"));

  it("puts the versions across in core's order and the values up", () => {
    expect(l.points.map((p) => p.version)).toEqual(["2.9", "3.0", "3.1"]);
    const [a, b, c] = l.points;
    expect(a.x).toBeLessThan(b.x);
    expect(b.x).toBeLessThan(c.x);
    expect(b.y).toBeLessThan(c.y); // 0.78 is higher up than 0.74
    expect(l.path.startsWith(`M${a.x.toFixed(1)},`)).toBe(true);
  });
  it("draws the bound inside the scale, and each point says its outcome in words", () => {
    expect(l.bounds).toHaveLength(1);
    const bound = l.bounds[0];
    expect(bound.text).toBe("at least 0.75");
    expect(bound.y).toBeGreaterThan(l.points[1].y);
    expect(bound.y).toBeLessThan(l.points[2].y);
    expect(l.points[2].label).toBe("auc of version 3.1: 0.74, not met (at least 0.75), run of 2026-09-01");
  });
  it("leaves out a point of a version not on the axis", () => {
    expect(trendLayout(trend, ["3.0"], BOX, () => "").points.map((p) => p.version)).toEqual(["3.0"]);
  });
});

describe("runDraftOf", () => {
  it("reads the metrics, dropping empty rows, with the incumbent's value when given", () => {
    const f = { ...emptyRunForm("3.1"), date: "2026-10-01", method: "shadow" as const, dataset: "Q3", incumbent: "v3.0" };
    f.metrics = [
      { name: "auc", value: "0.81", incumbent: "0.79" },
      { name: "", value: "", incumbent: "" },
    ];
    const out = runDraftOf(7, f);
    expect("draft" in out && out.draft.metrics).toEqual([{ name: "auc", value: 0.81, incumbent: 0.79 }]);
    expect("draft" in out && [out.draft.system_id, out.draft.model_version, out.draft.date]).toEqual([7, "3.1", "2026-10-01"]);
  });
  it("refuses only what cannot be sent, naming the field as core does", () => {
    const f = { ...emptyRunForm("3.1") };
    f.metrics = [{ name: "auc", value: "81%", incumbent: "" }, { name: "recall", value: "", incumbent: "" }];
    const out = runDraftOf(7, f);
    expect("errors" in out && out.errors.map((e) => e.field)).toEqual(["date", "metrics[0].value", "metrics[1].value"]);
  });
});

describe("biasDraftOf", () => {
  it("sends the rates as numbers and leaves the ratio to core", () => {
    const f = { ...emptyBiasForm("3.1"), date: "2026-10-01", attribute: "age_band", segment: "18-25", reference: "26-40", segment_value: "0.28", reference_value: ".4" };
    const out = biasDraftOf(7, f);
    expect("draft" in out && [out.draft.segment_value, out.draft.reference_value, out.draft.ratio]).toEqual([0.28, 0.4, null]);
  });
  it("names a rate that is not a number", () => {
    const f = { ...emptyBiasForm("3.1"), date: "2026-10-01", segment_value: "28%" };
    const out = biasDraftOf(7, f);
    expect("errors" in out && out.errors.map((e) => e.field)).toEqual(["segment_value"]);
  });
});

describe("the policy form", () => {
  const policy: EvidencePolicy = {
    version: 1,
    low: { max_age_days: 730, methods: [], segments: [], metrics: [] },
    medium: { max_age_days: 365, methods: ["holdout"], segments: [], metrics: [], fairness: { min_ratio: 0.8, metrics: [] } },
    high: {
      methods: ["holdout", "robustness"],
      segments: ["age_band", "region"],
      metrics: [{ name: "auc", at_least: 0.75, required: true }],
      fairness: { max_difference: 0.1, metrics: ["selection_rate"] },
    },
  };

  it("round-trips the policy in force into core's form", () => {
    const out = policyFormOf(policyText(policy));
    expect("form" in out && out.form.high).toEqual({
      max_age_days: null,
      methods: ["holdout", "robustness"],
      segments: ["age_band", "region"],
      metrics: [{ name: "auc", at_least: 0.75, at_most: null, method: null, required: true }],
      fairness: { min_ratio: null, max_difference: 0.1, metrics: ["selection_rate"] },
    });
    expect("form" in out && out.form.low.fairness).toBe(null);
  });
  it("names a number that is not one by core's key", () => {
    const t = policyText(policy);
    t.medium.max_age_days = "a year";
    t.high.metrics[0].at_least = "0,75";
    const out = policyFormOf(t);
    expect("errors" in out && out.errors.map((e) => e.field)).toEqual(["medium.max_age_days", "high.metrics[0].at_least"]);
  });
});

describe("snapshotEvidence", () => {
  it("reads the evidence section core wrote, with the exception's reason", () => {
    const snap = {
      system: {},
      assessment: null,
      kpis: null,
      evidence: { model_version: "3.1", runs: [], bias: [], exception: "Pilot region only" },
    } as unknown as SignoffSnapshot;
    expect(snapshotEvidence(snap)?.exception).toBe("Pilot region only");
    expect(snapshotEvidence({ system: {}, assessment: null, kpis: null })).toBe(null);
  });
});

describe("num", () => {
  it("writes up to four decimals", () => {
    expect([num(0.7), num(2 / 3), num(null), num(-0.12)]).toEqual(["0.7", "0.6667", "", "-0.12"]);
  });
});
