import { describe, expect, it } from "vitest";

import { columnChoice, emptyMapping, IGNORE, isEmpty, withColumn, withDateOrder, withValue } from "./importMapping";

describe("import mapping edits", () => {
  it("maps a column, leaves one out and takes a mapping back", () => {
    let m = withColumn(emptyMapping(), "Accountable exec", "owner");
    m = withColumn(m, "Notes", IGNORE);
    expect(m.columns).toEqual({ "Accountable exec": "owner", Notes: IGNORE });
    m = withColumn(m, "Notes", "");
    expect(m.columns).toEqual({ "Accountable exec": "owner" });
  });

  it("maps values per field and drops an emptied field", () => {
    let m = withValue(emptyMapping(), "risk_tier", "Tier 1", "high");
    expect(m.values).toEqual({ risk_tier: { "Tier 1": "high" } });
    m = withValue(m, "risk_tier", "Tier 1", "");
    expect(m.values).toEqual({});
    expect(isEmpty(m)).toBe(true);
  });

  it("sets and clears the date order", () => {
    const m = withDateOrder(emptyMapping(), "day-first");
    expect(m.date_order).toBe("day-first");
    expect(isEmpty(m)).toBe(false);
    expect("date_order" in withDateOrder(m, null)).toBe(false);
  });

  it("shows the mapping's word over how the column was read", () => {
    const c = { column: "B", header: "Accountable", field: null, ignored: false };
    expect(columnChoice(emptyMapping(), c)).toBe("");
    expect(columnChoice(emptyMapping(), { ...c, field: "owner" })).toBe("owner");
    expect(columnChoice(withColumn(emptyMapping(), "Accountable", IGNORE), c)).toBe(IGNORE);
  });
});
