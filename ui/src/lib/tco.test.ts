import type { Labelled } from "../bindings/Labelled";
import type { OptionType } from "../bindings/tco/OptionType";
import { describe, expect, it } from "vitest";

import { fieldLabel, fromInput, rowLists, getAt, lastKey, leafPaths, optionKind, parsePath, placeErrors, setAt, toInput, type Draft } from "./tco";

// The option kinds as core's vocabulary lists them.
const KINDS: Labelled<OptionType>[] = [
  { key: "cloud_on_demand", label: "Cloud on demand" },
  { key: "cloud_reserved", label: "Cloud reserved" },
  { key: "on_prem", label: "On-premises" },
  { key: "hybrid", label: "Hybrid" },
];

const draft: Draft = {
  name: "S",
  workload: { models: 3 },
  lever: null,
  systems: ["A", "B"],
  options: [
    { name: "Cloud", cloud_on_demand: { instance_rate_per_hour: 2, shared: { egress_tiers: [{ up_to_gb: 10, price_per_gb: 0.1 }, { up_to_gb: null, price_per_gb: 0.05 }] } } },
    { name: "Own", on_prem: { pue: 1.4 } },
  ],
};

describe("key paths as core names them", () => {
  it("parses dotted keys and indexes", () => {
    expect(parsePath("options[2].on_prem.pue")).toEqual(["options", 2, "on_prem", "pue"]);
    expect(parsePath("a.b[0][1].c")).toEqual(["a", "b", 0, 1, "c"]);
    expect(lastKey("options[0].cloud_on_demand.shared.egress_tiers[1].up_to_gb")).toBe("up_to_gb");
  });

  it("reads and writes without touching the original", () => {
    expect(getAt(draft, "options[1].on_prem.pue")).toBe(1.4);
    expect(getAt(draft, "options[5].on_prem.pue")).toBeUndefined();
    const next = setAt(draft, "options[1].on_prem.pue", 1.2);
    expect(getAt(next, "options[1].on_prem.pue")).toBe(1.2);
    expect(getAt(draft, "options[1].on_prem.pue")).toBe(1.4);
    expect(next.options).not.toBe(draft.options);
    expect(next.workload).toBe(draft.workload);
    const lever = setAt(draft, "lever.reduction", 0.3);
    expect(lever.lever).toEqual({ reduction: 0.3 });
  });

  it("lists every scalar field, skipping lists of names", () => {
    const paths = leafPaths(draft, "");
    expect(paths).toContain("options[0].cloud_on_demand.shared.egress_tiers[1].up_to_gb");
    expect(paths).toContain("lever");
    expect(paths).not.toContain("systems");
    expect(paths.filter((p) => p.startsWith("systems"))).toEqual([]);
  });
});

describe("typed text becomes what core reads", () => {
  it("keeps text keys as text and numbers as numbers", () => {
    expect(fromInput("options[0].name", "12")).toBe("12");
    expect(fromInput("workload.models", " 12.5 ")).toBe(12.5);
    expect(fromInput("workload.models", "1e3")).toBe(1000);
    expect(fromInput("workload.models", "2_500_000")).toBe(2500000);
  });

  it("sends mistyped numbers as text for core to name, and empty as absent", () => {
    expect(fromInput("workload.models", "2.5m")).toBe("2.5m");
    expect(fromInput("workload.models", "0x10")).toBe("0x10");
    expect(fromInput("options[0].cloud_on_demand.shared.egress_tiers[1].up_to_gb", "")).toBeNull();
    expect(toInput(null)).toBe("");
    expect(toInput(0.35)).toBe("0.35");
  });
});

describe("errors beside their fields", () => {
  it("places errors on shown fields and keeps the rest", () => {
    const { byPath, unplaced } = placeErrors(
      [
        { field: "options[1].on_prem.pue", message: "too low" },
        { field: "options[1].on_prem.pue", message: "and odd" },
        { field: "options", message: "expected at least 2 options" },
      ],
      new Set(["options[1].on_prem.pue"]),
    );
    expect(byPath.get("options[1].on_prem.pue")).toEqual(["too low", "and odd"]);
    expect(unplaced.map((e) => e.field)).toEqual(["options"]);
  });

  it("knows an option's kind by its key", () => {
    expect(optionKind(draft.options && (draft.options as Draft[])[1], KINDS)).toBe("on_prem");
    expect(optionKind({ name: "x" }, KINDS)).toBeNull();
  });
});

describe("labels", () => {
  it("name the key, its acronyms and the row of a list", () => {
    expect(fieldLabel("options[0].cloud_on_demand.shared.gpu_rate_per_hour")).toBe("GPU rate per hour");
    expect(fieldLabel("options[0].cloud_on_demand.shared.egress_tiers[1].up_to_gb")).toBe("Egress band 2: up to GB");
    expect(fieldLabel("options[3].hybrid.parts[0].share")).toBe("Part 1: share");
    expect(fieldLabel("workload.storage_gb")).toBe("Storage GB");
  });
});

describe("lists of rows", () => {
  it("finds the egress bands and hybrid parts of the options", () => {
    expect(rowLists(draft, "")).toEqual(["options", "options[0].cloud_on_demand.shared.egress_tiers"]);
    expect(rowLists({ parts: [], other: [] }, "")).toEqual(["parts"]);
  });
});
