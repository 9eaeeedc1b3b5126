import { describe, expect, it } from "vitest";

import type { PortfolioOverview } from "../bindings/PortfolioOverview";
import type { ValuePoint } from "../bindings/ValuePoint";
import { figures, layout, missingText, nextReviewText, notPlottedGroups, shortMoney, ticks } from "./portfolio";

const point = (system: string, run_cost: number, annual_value: number, risk_tier: ValuePoint["risk_tier"] = "low"): ValuePoint => ({
  system_id: system.length,
  system,
  stage: "production",
  risk_tier,
  run_cost,
  annual_value,
  tco_scenario: null,
});

const BOX = { width: 500, height: 300, left: 50, right: 10, top: 10, bottom: 40 };
const tier = (t: string) => t.toUpperCase();

describe("figures", () => {
  const o = {
    systems: 36,
    pipeline: 4,
    breaches: [{}, {}],
    escalations: [{}],
    overdue: [],
    signoffs: [{}, {}, {}],
  } as unknown as PortfolioOverview;

  it("shows core's counts, each leading to the area that lists them", () => {
    const f = figures(o);
    expect(f.map((x) => [x.key, x.value])).toEqual([
      ["systems", 36],
      ["pipeline", 4],
      ["breaches", 2],
      ["escalations", 1],
      ["overdue", 0],
      ["signoffs", 3],
    ]);
    expect(f.find((x) => x.key === "pipeline")?.target).toEqual({ area: "register", stage: "proposed", risk: "" });
    expect(f.find((x) => x.key === "overdue")?.target).toEqual({ area: "calendar", view: "overdue" });
    expect(f.find((x) => x.key === "breaches")?.target.area).toBe("kpi");
  });
});

describe("missingText", () => {
  it("names what a system left off the chart misses", () => {
    const n = { system_id: 1, system: "A" };
    expect(missingText({ ...n, missing_cost: true, missing_value: false })).toBe("missing running cost");
    expect(missingText({ ...n, missing_cost: false, missing_value: true })).toBe("missing value");
    expect(missingText({ ...n, missing_cost: true, missing_value: true })).toBe("missing running cost and value");
  });
});

describe("notPlottedGroups", () => {
  it("groups the systems left off the chart by what they miss", () => {
    const n = (system: string, missing_cost: boolean, missing_value: boolean) => ({ system_id: 0, system, missing_cost, missing_value });
    const groups = notPlottedGroups([n("A", true, true), n("B", true, false), n("C", true, false)]);
    expect(groups.map((g) => [g.missing, g.systems.map((s) => s.system)])).toEqual([
      ["missing running cost", ["B", "C"]],
      ["missing running cost and value", ["A"]],
    ]);
  });
});

describe("nextReviewText", () => {
  it("says whether the review is open and when it meets", () => {
    const draft = { id: 3, period: "2026-Q4", title: "", held_on: "2026-12-10", state: "draft", systems: 30, decided: 0, snapshot_hash: null } as const;
    expect(nextReviewText({ period: "2026-Q4", date: "2026-12-10", review: draft })).toBe("2026-Q4, draft, meeting on 2026-12-10");
    expect(nextReviewText({ period: "2027-Q1", date: null, review: null })).toBe("2027-Q1, not opened yet");
  });
});

describe("ticks", () => {
  it("reaches past the largest value in round steps from zero", () => {
    expect(ticks(950_000)).toEqual([0, 250_000, 500_000, 750_000, 1_000_000]);
    expect(ticks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(ticks(0)).toEqual([0, 1]);
  });
});

describe("shortMoney", () => {
  it("shortens axis amounts", () => {
    expect(shortMoney(0)).toBe("0");
    expect(shortMoney(1_200)).toBe("1.2k");
    expect(shortMoney(2_500_000)).toBe("2.5M");
    expect(shortMoney(750)).toBe("750");
  });
});

describe("layout", () => {
  it("puts cost across and value up, from the plot's corner", () => {
    const l = layout([point("Zero", 0, 0), point("Top", 100, 200)], BOX, tier);
    const zero = l.points.find((p) => p.point.system === "Zero");
    const top = l.points.find((p) => p.point.system === "Top");
    expect(zero?.cx).toBe(BOX.left);
    expect(zero?.cy).toBe(BOX.height - BOX.bottom);
    expect(top?.cx).toBe(BOX.width - BOX.right);
    expect(top?.cy).toBe(BOX.top);
  });

  it("sizes bubbles by running cost and draws the big ones first", () => {
    const l = layout([point("Small", 10, 50), point("Big", 1000, 50)], BOX, tier);
    expect(l.points.map((p) => p.point.system)).toEqual(["Big", "Small"]);
    expect(l.points[0].r).toBeGreaterThan(l.points[1].r);
  });

  it("labels each point for a screen reader", () => {
    const l = layout([point("Churn", 120_000, 400_000, "high")], BOX, tier);
    expect(l.points[0].label).toBe("Churn: HIGH risk, running cost 120,000 a year, value 400,000 a year");
  });

  it("lays out an empty chart without dividing by zero", () => {
    const l = layout([], BOX, tier);
    expect(l.points).toEqual([]);
    expect(l.xTicks.every((t) => Number.isFinite(t.x))).toBe(true);
  });
});
