// Presentation of the portfolio home: where each figure leads, how a missing input reads, and the
// geometry of the value-against-cost chart (scales, ticks, bubble sizes). Every count, status,
// cost and value comes from core's `portfolio_overview`; nothing here decides one.
import type { NextReview } from "../bindings/NextReview";
import type { NotPlotted } from "../bindings/NotPlotted";
import type { PortfolioOverview } from "../bindings/PortfolioOverview";
import type { RiskTier } from "../bindings/RiskTier";
import type { Stage } from "../bindings/Stage";
import type { ValuePoint } from "../bindings/ValuePoint";
import { formatMoney } from "./tco";

/** Where a figure on the home page leads: an area of the app, opened on what the figure counts. */
export type Target =
  | { area: "register"; stage: Stage | ""; risk: RiskTier | "" }
  | { area: "kpi"; systemId: number | null }
  | { area: "calendar"; view: "overdue" | "agenda" }
  | { area: "signoff"; requestId: number | null }
  | { area: "reviews"; open: string | null }
  | { area: "tco" };

/** The headline figures, one per tile, in the order the page shows them. */
export interface Figure {
  key: "systems" | "pipeline" | "breaches" | "escalations" | "overdue" | "signoffs";
  label: string;
  value: number;
  target: Target;
}

export function figures(o: PortfolioOverview): Figure[] {
  return [
    { key: "systems", label: "Systems", value: o.systems, target: { area: "register", stage: "", risk: "" } },
    { key: "pipeline", label: "Proposed (pipeline)", value: o.pipeline, target: { area: "register", stage: "proposed", risk: "" } },
    { key: "breaches", label: "KPIs in breach", value: o.breaches.length, target: { area: "kpi", systemId: null } },
    { key: "escalations", label: "Open escalations", value: o.escalations.length, target: { area: "kpi", systemId: null } },
    { key: "overdue", label: "Overdue items", value: o.overdue.length, target: { area: "calendar", view: "overdue" } },
    { key: "signoffs", label: "Sign-offs waiting", value: o.signoffs.length, target: { area: "signoff", requestId: null } },
  ];
}

/** What a system left off the chart misses, in words. */
export function missingText(n: NotPlotted): string {
  if (n.missing_cost && n.missing_value) return "missing running cost and value";
  if (n.missing_cost) return "missing running cost";
  return "missing value";
}

/** The systems left off the chart, grouped by what they miss, in the order of `missingText`'s
 * cases; groups with nobody in them are left out. */
export function notPlottedGroups(list: NotPlotted[]): { missing: string; systems: NotPlotted[] }[] {
  const order = ["missing running cost", "missing value", "missing running cost and value"];
  return order
    .map((missing) => ({ missing, systems: list.filter((n) => missingText(n) === missing) }))
    .filter((g) => g.systems.length > 0);
}

/** The next review in a line: "2026-Q4, draft, meeting on 2026-12-10" or "2027-Q1, not opened yet". */
export function nextReviewText(n: NextReview): string {
  const when = n.date ? `, meeting on ${n.date}` : "";
  return n.review ? `${n.period}, draft${when}` : `${n.period}, not opened yet${when}`;
}

/** Round numbers for an axis from 0 to at least `max`: 0, step, 2 step, ... */
export function ticks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** A short amount for an axis: 1200 -> "1.2k", 2500000 -> "2.5M". */
export function shortMoney(v: number): string {
  const abs = Math.abs(v);
  const fmt = (x: number, unit: string) => `${Number(x.toFixed(1))}${unit}`;
  if (abs >= 1e9) return fmt(v / 1e9, "bn");
  if (abs >= 1e6) return fmt(v / 1e6, "M");
  if (abs >= 1e3) return fmt(v / 1e3, "k");
  return formatMoney(v);
}

export interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface PlacedPoint {
  point: ValuePoint;
  cx: number;
  cy: number;
  r: number;
  /** What a screen reader and the tooltip say about the point. */
  label: string;
}

export interface Layout {
  points: PlacedPoint[];
  xTicks: { value: number; x: number; text: string }[];
  yTicks: { value: number; y: number; text: string }[];
}

const R_MIN = 5;
const R_MAX = 22;

/** A point's label: name, tier, running cost and value, as a person reads them. */
export function pointLabel(p: ValuePoint, tierLabel: string): string {
  return `${p.system}: ${tierLabel} risk, running cost ${formatMoney(p.run_cost)} a year, value ${formatMoney(p.annual_value)} a year`;
}

/**
 * Places each point: running cost across, value up, both from 0, and the bubble's area
 * proportional to its running cost (its TCO share a year). Bigger bubbles come first so the
 * small ones are drawn on top.
 */
export function layout(points: ValuePoint[], box: Box, tierLabel: (t: RiskTier) => string): Layout {
  const maxX = Math.max(0, ...points.map((p) => p.run_cost));
  const maxY = Math.max(0, ...points.map((p) => p.annual_value));
  const xt = ticks(maxX);
  const yt = ticks(maxY);
  const xMax = xt[xt.length - 1];
  const yMax = yt[yt.length - 1];
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const sx = (v: number) => box.left + (v / xMax) * plotW;
  const sy = (v: number) => box.top + plotH - (v / yMax) * plotH;
  const biggest = Math.max(0, ...points.map((p) => p.run_cost));
  const radius = (size: number) =>
    biggest > 0 ? R_MIN + (R_MAX - R_MIN) * Math.sqrt(Math.max(0, size) / biggest) : R_MIN;
  const placed = points
    .map((p) => ({ point: p, cx: sx(p.run_cost), cy: sy(p.annual_value), r: radius(p.run_cost), label: pointLabel(p, tierLabel(p.risk_tier)) }))
    .sort((a, b) => b.r - a.r || a.point.system.localeCompare(b.point.system));
  return {
    points: placed,
    xTicks: xt.map((v) => ({ value: v, x: sx(v), text: shortMoney(v) })),
    yTicks: yt.map((v) => ({ value: v, y: sy(v), text: shortMoney(v) })),
  };
}
