// The audit log's filter bar and pager as an AuditQuery, and how a stored value reads in the
// field-by-field table. Core filters, counts and diffs; this only shapes what is sent and shown.
import type { AuditQuery } from "../bindings/AuditQuery";
import { formatTime } from "./format";

export interface AuditFilters {
  entity: string;
  record: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

export const noAuditFilters: AuditFilters = { entity: "", record: "", actor: "", action: "", from: "", to: "" };

export const PAGE_SIZE = 50;

const orNull = (v: string): string | null => (v.trim() === "" ? null : v);

/** The query for one page, newest entries first; a record is sent by its stored id. */
export function toAuditQuery(f: AuditFilters, offset: number, limit = PAGE_SIZE): AuditQuery {
  return {
    entity: orNull(f.entity),
    entity_id: f.entity === "" ? null : orNull(f.record),
    record: null,
    actor: orNull(f.actor),
    action: orNull(f.action),
    from: orNull(f.from),
    to: orNull(f.to),
    limit,
    offset,
    newest_first: true,
  };
}

/** "showing 51–100 of 460", or that nothing matches. */
export function pageLabel(offset: number, shown: number, total: number): string {
  if (shown === 0) return total === 0 ? "no entries" : `no entries after ${total}`;
  return `showing ${offset + 1}–${offset + shown} of ${total}`;
}

/** The offsets of the previous and next pages, or null where there is none. */
export function pages(offset: number, total: number, size = PAGE_SIZE): { prev: number | null; next: number | null } {
  return {
    prev: offset > 0 ? Math.max(0, offset - size) : null,
    next: offset + size < total ? offset + size : null,
  };
}

/** A value of the field-by-field table: absent as a dash, a text without its quotes (a date or
 *  a time as [formatTime] writes it), a list of texts as "a; b", anything else (numbers, lists of
 *  records) as its canonical JSON. */
export function fieldValue(v: string | null): string {
  if (v === null) return "—";
  if (v.startsWith('"') || v.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return v;
    }
    if (typeof parsed === "string") return formatTime(parsed);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) {
      return parsed.length === 0 ? "(none)" : parsed.join("; ");
    }
  }
  return v;
}
