import { describe, expect, it } from "vitest";

import type { KpiCard } from "../bindings/KpiCard";
import type { KpiKind } from "../bindings/KpiKind";
import type { KpiStatus } from "../bindings/KpiStatus";
import type { Labelled } from "../bindings/Labelled";
import { byKind, formatValue, svgSource, systemsWithKpis } from "./kpi";

// The KPI kinds as core's vocabulary lists them.
const KINDS: Labelled<KpiKind>[] = [
  { key: "model_metric", label: "Model metric" },
  { key: "business_outcome", label: "Business outcome" },
  { key: "operational", label: "Operational" },
];

function status(kpi: string, system: string, system_id: number, kind: KpiStatus["kind"]): KpiStatus {
  return {
    kpi_id: 1, system_id, system, kpi, kind, unit: "%", direction: "higher_is_better", cadence: "monthly",
    target: 1, warning: 1, breach: 1, latest_period: null, latest_value: null, status: null,
    consecutive_breaches: 0, measurements: 0,
  };
}

describe("byKind", () => {
  const card = (s: KpiStatus): KpiCard => ({ status: s, measurements: [], chart_svg: "" });
  const cards = [card(status("Retention", "A", 1, "business_outcome")), card(status("AUC", "A", 1, "model_metric"))];

  it("puts model metrics before the outcomes they drive and leaves out empty kinds", () => {
    const groups = byKind(cards, KINDS);
    expect(groups.map((g) => g.kind)).toEqual(["model_metric", "business_outcome"]);
    expect(groups[1].cards[0].status.kpi).toBe("Retention");
  });

  it("heads each column with the vocabulary's label, in the vocabulary's order", () => {
    expect(byKind(cards, KINDS).map((g) => g.label)).toEqual(["Model metric", "Business outcome"]);
    const reversed = [...KINDS].reverse();
    expect(byKind(cards, reversed).map((g) => g.kind)).toEqual(["business_outcome", "model_metric"]);
  });
});

describe("systemsWithKpis", () => {
  it("lists each system once, by name", () => {
    const list = [status("a", "Zed", 2, "operational"), status("b", "Alpha", 1, "operational"), status("c", "Zed", 2, "operational")];
    expect(systemsWithKpis(list)).toEqual([{ id: 1, name: "Alpha" }, { id: 2, name: "Zed" }]);
  });
});

describe("svgSource", () => {
  it("escapes the markup so '#' and quotes survive in a data URL", () => {
    const src = svgSource('<svg fill="#fff"></svg>');
    expect(src.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(src).not.toContain("#");
    expect(decodeURIComponent(src.split(",")[1])).toBe('<svg fill="#fff"></svg>');
  });
});

describe("formatValue", () => {
  it("shows integers plainly, trims long fractions, and a dash for no value", () => {
    expect(formatValue(80)).toBe("80");
    expect(formatValue(71.30000001)).toBe("71.3");
    expect(formatValue(null)).toBe("–");
  });
});
