// Presentation helpers of the KPI screens: grouping the cards core returns, the systems that
// have KPIs, and the chart SVG core renders as an image source. No status or level is computed
// here; core decides them, and names them in its vocabulary.
import type { KpiCard } from "../bindings/KpiCard";
import type { KpiKind } from "../bindings/KpiKind";
import type { KpiStatus } from "../bindings/KpiStatus";
import type { Labelled } from "../bindings/Labelled";

/**
 * The cards in columns by kind, headed by the kind's label, in the order of `kinds` (core's
 * vocabulary, which lists model metrics before the outcomes they drive); empty kinds are left out.
 */
export function byKind(cards: KpiCard[], kinds: Labelled<KpiKind>[]): { kind: KpiKind; label: string; cards: KpiCard[] }[] {
  return kinds
    .map(({ key, label }) => ({ kind: key, label, cards: cards.filter((c) => c.status.kind === key) }))
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
