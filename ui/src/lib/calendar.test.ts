import { describe, expect, it } from "vitest";

import type { Occurrence } from "../bindings/Occurrence";
import { addDays, byDate, canMarkDone, monthGrid, monthRange, shiftMonth, todayIso } from "./calendar";

describe("calendar dates", () => {
  it("adds days across month and year ends, and leap days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28");
  });

  it("shifts months across years", () => {
    expect(shiftMonth("2026-11", 2)).toBe("2027-01");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
    expect(shiftMonth("2026-05", -17)).toBe("2024-12");
  });

  it("gives a month's first and last day", () => {
    expect(monthRange("2028-02")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(monthRange("2026-04")).toEqual({ from: "2026-04-01", to: "2026-04-30" });
  });

  it("lays a month out in whole weeks, Monday first", () => {
    const weeks = monthGrid("2026-11"); // 1 November 2026 is a Sunday
    expect(weeks[0][0]).toBe("2026-10-26");
    expect(weeks[0][6]).toBe("2026-11-01");
    expect(weeks[weeks.length - 1][6]).toBe("2026-12-06");
    expect(weeks.every((w) => w.length === 7)).toBe(true);
    expect(monthGrid("2027-02")).toHaveLength(4); // February 2027 starts on a Monday
  });

  it("formats today in local time", () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });
});

describe("grouping", () => {
  const o = (date: string, state: Occurrence["state"]): Occurrence => ({
    uid: `u-${date}-${state}`, date, kind: "model_review", rule: "model_review", source: "", title: "t",
    system_id: 1, system: "S", owner: "O", state, task: false, recurring: true,
    done_by: null, done_at: null, note: null,
  });

  it("groups by date in order", () => {
    const g = byDate([o("2026-01-01", "open"), o("2026-01-01", "overdue"), o("2026-01-03", "done")]);
    expect([...g.keys()]).toEqual(["2026-01-01", "2026-01-03"]);
    expect(g.get("2026-01-01")).toHaveLength(2);
  });

  it("offers done only for open and overdue occurrences", () => {
    expect(canMarkDone(o("2026-01-01", "open"))).toBe(true);
    expect(canMarkDone(o("2026-01-01", "overdue"))).toBe(true);
    expect(canMarkDone(o("2026-01-01", "done"))).toBe(false);
    expect(canMarkDone(o("2026-01-01", "waived"))).toBe(false);
    expect(canMarkDone({ ...o("2026-01-01", "overdue"), kind: "escalation" })).toBe(false);
  });
});
