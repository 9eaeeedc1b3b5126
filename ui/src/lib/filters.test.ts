import { describe, expect, it } from "vitest";

import { isFiltered, noFilters, toQuery } from "./filters";

describe("toQuery", () => {
  it("sends an empty list for a filter set to any", () => {
    const q = toQuery(noFilters, { sort: "name", descending: false });
    expect([q.stages, q.risk_tiers, q.business_units, q.regulated_domains]).toEqual([[], [], [], []]);
  });

  it("sends the chosen value and the sort", () => {
    const q = toQuery({ ...noFilters, stage: "production", unit: "Retail" }, { sort: "owner", descending: true });
    expect(q.stages).toEqual(["production"]);
    expect(q.business_units).toEqual(["Retail"]);
    expect([q.sort, q.descending]).toEqual(["owner", true]);
  });

  it("counts blank search text as no filter", () => {
    expect(isFiltered({ ...noFilters, text: "  " })).toBe(false);
    expect(isFiltered({ ...noFilters, risk: "high" })).toBe(true);
  });
});
