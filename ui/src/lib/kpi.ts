// Presentation helpers of the KPI screens: grouping the cards core returns, the systems that
// have KPIs, and the chart SVG core renders as an image source. No status or level is computed
// here; core decides them.
import type { KpiCard } from "../bindings/KpiCard";
import type { KpiKind } from "../bindings/KpiKind";
import type { KpiStatus } from "../bindings/KpiStatus";
import type { Status } from "../bindings/Status";

export const KIND_LABELS: Record<KpiKind, string> = {
  model_metric: "Model metrics",
  business_outcome: "Business outcomes",
  operational: "Operational",
};

export const STATUS_LABELS: Record<Status, string> = {
  on_target: "On target",
  warning: "Warning",
  breach: "Breach",
};

/** The cards in columns by kind, in the order the linkage reads: metrics drive outcomes. */
export function byKind(cards: KpiCard[]): { kind: KpiKind; cards: KpiCard[] }[] {
  const order: KpiKind[] = ["model_metric", "business_outcome", "operational"];
  return order
    .map((kind) => ({ kind, cards: cards.filter((c) => c.status.kind === kind) }))
    .filter((g) => g.cards.length > 0);
}

/** The systems that have KPIs, once each, by name. */
export function systemsWithKpis(list: KpiStatus[]): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const s of list) seen.set(s.system_id, s.system);
  return [...seen.entries()]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An SVG document as an image source (the CSP allows data: images, not inline markup). */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** A value as read in a table: up to four decimals, no trailing zeros. */
export function formatValue(v: number | null): string {
  if (v === null) return "–";
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}
