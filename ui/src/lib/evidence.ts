// The evidence screens' pure parts: the geometry of a metric's chart over the model versions
// (core gives the values, the bound and each point's outcome), how an outcome is marked in words
// and a symbol as well as colour, the run and bias forms read into drafts (only text that is not
// a number or a date is refused here; every rule is core's), the policy form read into core's
// form, and the evidence a sign-off snapshot holds. No status, ratio or outcome is computed here.
import type { BiasDraft } from "../bindings/BiasDraft";
import type { BiasMetric } from "../bindings/BiasMetric";
import type { BiasResult } from "../bindings/BiasResult";
import type { EvidenceCheck } from "../bindings/EvidenceCheck";
import type { EvidencePolicy } from "../bindings/EvidencePolicy";
import type { EvidenceState } from "../bindings/EvidenceState";
import type { EvidenceStatus } from "../bindings/EvidenceStatus";
import type { FieldError } from "../bindings/FieldError";
import type { MetricTrend } from "../bindings/MetricTrend";
import type { PolicyForm } from "../bindings/PolicyForm";
import type { RunDraft } from "../bindings/RunDraft";
import type { SignoffSnapshot } from "../bindings/SignoffSnapshot";
import type { TierForm } from "../bindings/TierForm";
import type { TierPolicy } from "../bindings/TierPolicy";
import type { ValidationMethod } from "../bindings/ValidationMethod";
import type { ValidationRun } from "../bindings/ValidationRun";
import type { Box } from "./portfolio";

/** A value as a table shows it: up to four decimals, as core's messages write them. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return "";
  return String(Number(v.toFixed(4)));
}

/** The symbol beside an outcome's label, so an outcome never reads by colour alone. */
export function outcomeMark(s: EvidenceState): string {
  switch (s) {
    case "met":
    case "not_required":
      return "✓";
    case "not_met":
      return "✗";
    case "missing":
      return "?";
    case "out_of_date":
      return "⌛";
  }
}

/** A check's outcome in words with its bound: "Not met (at least 0.75)". */
export function checkWords(c: EvidenceCheck, label: string): string {
  return c.bound && (c.outcome === "met" || c.outcome === "not_met") ? `${label} (${c.bound})` : label;
}

// ---- the chart of a metric over the model versions ----

/** Round values for an axis covering `lo` to `hi`: lo' <= lo, hi' >= hi, 3 to 6 steps. */
export function rangeTicks(lo: number, hi: number, count = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-9) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const start = Math.floor(lo / step + 1e-9) * step;
  const out: number[] = [];
  for (let v = start; v < hi + step * 0.999; v += step) out.push(Math.round(v * 1e9) / 1e9);
  return out;
}

export interface TrendPlaced {
  version: string;
  value: number;
  x: number;
  y: number;
  outcome: EvidenceState | null;
  /** What a screen reader and the tooltip say. */
  label: string;
}

export interface TrendLayout {
  points: TrendPlaced[];
  /** The line through the points, in version order. */
  path: string;
  /** The bound's lines: at least (below it fails) and at most (above it fails). */
  bounds: { kind: "at_least" | "at_most"; value: number; y: number; text: string }[];
  xTicks: { x: number; text: string }[];
  yTicks: { y: number; text: string }[];
}

/**
 * Places a metric's points: the versions across in `versions`' order (core's: as first tested),
 * the value up on a scale that holds every value and the bound.
 */
export function trendLayout(t: MetricTrend, versions: string[], box: Box, outcomeLabel: (s: EvidenceState) => string): TrendLayout {
  const values = [...t.points.map((p) => p.value), ...(t.at_least !== null ? [t.at_least] : []), ...(t.at_most !== null ? [t.at_most] : [])];
  const yt = rangeTicks(Math.min(...values), Math.max(...values));
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const step = plotW / Math.max(1, versions.length);
  const sx = (i: number) => box.left + step * (i + 0.5);
  const sy = (v: number) => box.top + plotH - ((v - y0) / (y1 - y0)) * plotH;
  const points = t.points
    .map((p) => ({ p, i: versions.indexOf(p.model_version) }))
    .filter(({ i }) => i >= 0)
    .sort((a, b) => a.i - b.i)
    .map(({ p, i }) => ({
      version: p.model_version,
      value: p.value,
      x: sx(i),
      y: sy(p.value),
      outcome: p.outcome,
      label: `${t.name} of version ${p.model_version || "(none recorded)"}: ${num(p.value)}${p.outcome ? `, ${outcomeLabel(p.outcome).toLowerCase()}${t.bound ? ` (${t.bound})` : ""}` : ""}, run of ${p.date}`,
    }));
  const bounds: TrendLayout["bounds"] = [];
  if (t.at_least !== null) bounds.push({ kind: "at_least", value: t.at_least, y: sy(t.at_least), text: `at least ${num(t.at_least)}` });
  if (t.at_most !== null) bounds.push({ kind: "at_most", value: t.at_most, y: sy(t.at_most), text: `at most ${num(t.at_most)}` });
  return {
    points,
    path: points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" "),
    bounds,
    xTicks: versions.map((v, i) => ({ x: sx(i), text: v || "(none)" })),
    yTicks: yt.map((v) => ({ y: sy(v), text: num(v) })),
  };
}

// ---- the forms that record a run or a bias result ----

/** A number typed in a text input: none (empty), a number, or text that is not one. */
function readNumber(text: string, field: string, errors: FieldError[], what: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(Number(t))) return Number(t);
  errors.push({ field, message: `"${t}" is not a number; write ${what} as a plain number with '.' for decimals, e.g. 0.81` });
  return null;
}

export interface MetricRow {
  name: string;
  value: string;
  incumbent: string;
}

export interface RunForm {
  model_version: string;
  date: string;
  method: ValidationMethod;
  dataset: string;
  run: string;
  incumbent: string;
  metrics: MetricRow[];
}

export const emptyRunForm = (version: string): RunForm => ({
  model_version: version,
  date: "",
  method: "holdout",
  dataset: "",
  run: "",
  incumbent: "",
  metrics: [{ name: "", value: "", incumbent: "" }],
});

/**
 * The run the form holds, or what cannot be sent (a date not given, a value that is not a
 * number, a metric row without a value). Rows left wholly empty are dropped; every other rule
 * (a dataset, at least one metric, a shadow run's incumbent values) is core's.
 */
export function runDraftOf(systemId: number, f: RunForm): { draft: RunDraft } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!f.date) errors.push({ field: "date", message: "needs the day the run was made" });
  const metrics: RunDraft["metrics"] = [];
  f.metrics.forEach((m, i) => {
    if (m.name.trim() === "" && m.value.trim() === "" && m.incumbent.trim() === "") return;
    const value = readNumber(m.value, `metrics[${i}].value`, errors, "the value");
    const incumbent = readNumber(m.incumbent, `metrics[${i}].incumbent`, errors, "the incumbent's value");
    if (value === null && !errors.some((e) => e.field === `metrics[${i}].value`)) {
      errors.push({ field: `metrics[${i}].value`, message: "needs the metric's value" });
    }
    metrics.push({ name: m.name, value: value ?? 0, ...(incumbent !== null ? { incumbent } : {}) });
  });
  if (errors.length > 0) return { errors };
  return {
    draft: {
      system_id: systemId,
      model_version: f.model_version,
      date: f.date,
      method: f.method,
      dataset: f.dataset,
      run: f.run,
      incumbent: f.incumbent,
      metrics,
      source: "entered in the app",
    },
  };
}

export interface BiasForm {
  model_version: string;
  date: string;
  dataset: string;
  attribute: string;
  segment: string;
  metric: BiasMetric;
  reference: string;
  segment_value: string;
  reference_value: string;
  ratio: string;
  difference: string;
}

export const emptyBiasForm = (version: string): BiasForm => ({
  model_version: version,
  date: "",
  dataset: "",
  attribute: "",
  segment: "",
  metric: "selection_rate",
  reference: "",
  segment_value: "",
  reference_value: "",
  ratio: "",
  difference: "",
});

/** The bias result the form holds, or what cannot be sent (no date, text that is no number). */
export function biasDraftOf(systemId: number, f: BiasForm): { draft: BiasDraft } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!f.date) errors.push({ field: "date", message: "needs the day the rates were measured" });
  const rate = (k: "segment_value" | "reference_value" | "ratio" | "difference", what: string) => readNumber(f[k], k, errors, what);
  const segment_value = rate("segment_value", "the segment's rate (42% as 0.42)");
  const reference_value = rate("reference_value", "the reference group's rate (42% as 0.42)");
  const ratio = rate("ratio", "the disparity ratio");
  const difference = rate("difference", "the difference");
  if (errors.length > 0) return { errors };
  return {
    draft: {
      system_id: systemId,
      model_version: f.model_version,
      date: f.date,
      dataset: f.dataset,
      attribute: f.attribute,
      segment: f.segment,
      metric: f.metric,
      reference: f.reference,
      segment_value,
      reference_value,
      ratio,
      difference,
      source: "entered in the app",
    },
  };
}

// ---- the policy form ----

export interface MetricRuleText {
  name: string;
  at_least: string;
  at_most: string;
  method: ValidationMethod | "";
  required: boolean;
}

export interface TierText {
  max_age_days: string;
  methods: ValidationMethod[];
  /** The attributes, comma-separated as typed. */
  segments: string;
  metrics: MetricRuleText[];
  fairness: boolean;
  min_ratio: string;
  max_difference: string;
  fairness_metrics: BiasMetric[];
}

export type TierKey = "low" | "medium" | "high";
export const TIERS: TierKey[] = ["low", "medium", "high"];
export type PolicyText = Record<TierKey, TierText>;

const text = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

function tierText(t: TierPolicy): TierText {
  return {
    max_age_days: text(t.max_age_days),
    methods: [...t.methods],
    segments: t.segments.join(", "),
    metrics: t.metrics.map((m) => ({
      name: m.name,
      at_least: text(m.at_least),
      at_most: text(m.at_most),
      method: m.method ?? "",
      required: m.required,
    })),
    fairness: t.fairness !== undefined,
    min_ratio: text(t.fairness?.min_ratio),
    max_difference: text(t.fairness?.max_difference),
    fairness_metrics: [...(t.fairness?.metrics ?? [])],
  };
}

/** The policy as the form edits it. */
export function policyText(p: EvidencePolicy): PolicyText {
  return { low: tierText(p.low), medium: tierText(p.medium), high: tierText(p.high) };
}

/**
 * Core's form from what is typed, or what cannot be sent (text that is no number), each named by
 * the key core names it by ("high.max_age_days", "medium.metrics[0].at_least").
 */
export function policyFormOf(p: PolicyText): { form: PolicyForm } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const tier = (k: TierKey): TierForm => {
    const t = p[k];
    const days = readNumber(t.max_age_days, `${k}.max_age_days`, errors, "the number of days");
    return {
      max_age_days: days,
      methods: t.methods,
      segments: t.segments.split(",").map((s) => s.trim()).filter((s) => s !== ""),
      metrics: t.metrics.map((m, i) => ({
        name: m.name,
        at_least: readNumber(m.at_least, `${k}.metrics[${i}].at_least`, errors, "the lowest value accepted"),
        at_most: readNumber(m.at_most, `${k}.metrics[${i}].at_most`, errors, "the highest value accepted"),
        method: m.method === "" ? null : m.method,
        required: m.required,
      })),
      fairness: t.fairness
        ? {
            min_ratio: readNumber(t.min_ratio, `${k}.fairness.min_ratio`, errors, "the ratio, e.g. 0.8"),
            max_difference: readNumber(t.max_difference, `${k}.fairness.max_difference`, errors, "the difference, e.g. 0.1"),
            metrics: t.fairness_metrics,
          }
        : null,
    };
  };
  const form = { low: tier("low"), medium: tier("medium"), high: tier("high") };
  return errors.length > 0 ? { errors } : { form };
}

// ---- the evidence a sign-off request's snapshot holds ----

/** The evidence section of a pre-deployment snapshot, as core writes it. */
export interface SnapshotEvidence {
  model_version: string;
  policy: TierPolicy;
  runs: ValidationRun[];
  bias: BiasResult[];
  status: EvidenceStatus;
  /** The reason the board is asked to approve the promotion for, when it is asked for an exception. */
  exception?: string;
}

/** The evidence a snapshot holds, or null (not a pre-deployment request, or no evidence then). */
export function snapshotEvidence(s: SignoffSnapshot): SnapshotEvidence | null {
  return (s.evidence as unknown as SnapshotEvidence | undefined) ?? null;
}
