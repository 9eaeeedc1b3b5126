// Date arithmetic for the calendar views. Dates are ISO strings (YYYY-MM-DD), as core sends
// them; which events fall on a date, and their state, come from core, and so do the labels of
// event kinds and states (its vocabulary).
import type { Occurrence } from "../bindings/Occurrence";

/** The date `n` days after `iso` (negative: before). */
export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Today in the local time zone, as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** "2026-11" for a date in November 2026. */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** The month `n` months after `month` ("YYYY-MM"). */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}

/** First and last day of a month. */
export function monthRange(month: string): { from: string; to: string } {
  const from = `${month}-01`;
  return { from, to: addDays(`${shiftMonth(month, 1)}-01`, -1) };
}

/**
 * The weeks of a month grid, Monday first: each week is 7 ISO dates, including the days of the
 * neighbouring months that fill the first and last weeks.
 */
export function monthGrid(month: string): string[][] {
  const { from, to } = monthRange(month);
  const weekday = (iso: string) => (new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  let day = addDays(from, -weekday(from));
  const weeks: string[][] = [];
  while (day <= to) {
    const week: string[] = [];
    for (let i = 0; i < 7; i++) {
      week.push(day);
      day = addDays(day, 1);
    }
    weeks.push(week);
  }
  return weeks;
}

/** Occurrences grouped by date, in the order given (core sends them sorted by date). */
export function byDate(list: Occurrence[]): Map<string, Occurrence[]> {
  const out = new Map<string, Occurrence[]>();
  for (const o of list) {
    const day = out.get(o.date);
    if (day) day.push(o);
    else out.set(o.date, [o]);
  }
  return out;
}

/**
 * Whether a person can mark this occurrence done from the views. A KPI escalation is closed by
 * resolving it with a note in the KPIs area, not from the calendar.
 */
export function canMarkDone(o: Occurrence): boolean {
  return (o.state === "open" || o.state === "overdue") && o.kind !== "escalation";
}
