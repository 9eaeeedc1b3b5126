import { describe, expect, it } from "vitest";

import { fieldValue, noAuditFilters, pageLabel, pages, toAuditQuery } from "./audit";

describe("toAuditQuery", () => {
  it("sends nothing for a filter set to any, newest first", () => {
    const q = toAuditQuery(noAuditFilters, 0);
    expect([q.entity, q.entity_id, q.actor, q.action, q.from, q.to]).toEqual([null, null, null, null, null, null]);
    expect([q.limit, q.offset, q.newest_first]).toEqual([50, 0, true]);
  });

  it("sends the chosen record only with its kind", () => {
    expect(toAuditQuery({ ...noAuditFilters, entity: "system", record: "7" }, 50).entity_id).toBe("7");
    expect(toAuditQuery({ ...noAuditFilters, record: "7" }, 0).entity_id).toBeNull();
    const q = toAuditQuery({ ...noAuditFilters, actor: "Ann Lee", from: "2026-01-01", to: "2026-01-31" }, 100);
    expect([q.actor, q.from, q.to, q.offset]).toEqual(["Ann Lee", "2026-01-01", "2026-01-31", 100]);
  });
});

describe("paging", () => {
  it("labels the page shown", () => {
    expect(pageLabel(0, 50, 460)).toBe("showing 1–50 of 460");
    expect(pageLabel(450, 10, 460)).toBe("showing 451–460 of 460");
    expect(pageLabel(0, 0, 0)).toBe("no entries");
  });

  it("offers previous and next only where there are entries", () => {
    expect(pages(0, 460)).toEqual({ prev: null, next: 50 });
    expect(pages(50, 460)).toEqual({ prev: 0, next: 100 });
    expect(pages(450, 460)).toEqual({ prev: 400, next: null });
    expect(pages(0, 50)).toEqual({ prev: null, next: null });
  });
});

describe("fieldValue", () => {
  it("reads stored JSON as a person would", () => {
    expect(fieldValue(null)).toBe("—");
    expect(fieldValue('"Ann \\"A\\" Lee"')).toBe('Ann "A" Lee');
    expect(fieldValue("4200000.0")).toBe("4200000.0");
    expect(fieldValue('["a","b"]')).toBe("a; b");
    expect(fieldValue("[]")).toBe("(none)");
    expect(fieldValue('[{"name":"ISO"}]')).toBe('[{"name":"ISO"}]');
    expect(fieldValue('"2026-12-05T11:36:58Z"')).toBe("5 Dec 2026, 11:36 UTC");
    expect(fieldValue('"2027-03-31"')).toBe("31 Mar 2027");
  });
});
