// Each metric of a system's runs against the policy's bound over its model versions: a plain SVG
// per metric (versions across in the order they were first tested, the value up, the bound as a
// dashed line), each point marked by its outcome in shape and words as well as colour, and the
// same figures in a table. Core gives the values, the bound and each outcome.
import type { EvidencePanel } from "../bindings/EvidencePanel";
import type { MetricTrend } from "../bindings/MetricTrend";
import { num, outcomeMark, trendLayout } from "../lib/evidence";
import type { Box } from "../lib/portfolio";
import { labelOf, useVocab } from "../lib/vocab";

const BOX: Box = { width: 560, height: 240, left: 60, right: 90, top: 14, bottom: 40 };

export function EvidenceChart({ panel }: { panel: EvidencePanel }) {
  if (panel.trends.length === 0) {
    return <p class="muted" data-testid="evidence-chart-empty">No run reports a metric yet: there is nothing to chart.</p>;
  }
  return (
    <div class="evidence-charts" data-testid="evidence-charts">
      <p class="hint">
        Each version's latest run that reports the metric (of the method the bound names, if it names one). The dashed line
        is the policy's bound; ✓ marks a value within it, ✗ one outside it, ● a metric the policy does not bound.
      </p>
      {panel.trends.map((t, i) => (
        <TrendChart key={t.name} trend={t} versions={panel.versions} index={i} />
      ))}
    </div>
  );
}

function TrendChart({ trend, versions, index }: { trend: MetricTrend; versions: string[]; index: number }) {
  const v = useVocab();
  const l = trendLayout(trend, versions, BOX, (s) => labelOf(v.evidence_states, s));
  const baseY = BOX.height - BOX.bottom;
  const id = `trend-${index}`;
  const method = trend.method ? ` in ${labelOf(v.validation_methods, trend.method).toLowerCase()} runs` : "";
  return (
    <figure class="panel trend" data-testid="evidence-trend" data-metric={trend.name}>
      <figcaption>
        <strong>{trend.name}</strong>
        {method}: {trend.bound ? `the policy asks ${trend.bound}` : "not bounded by the policy"}
      </figcaption>
      <svg class="chart" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{trend.name} over the model versions</title>
        <desc id={`${id}-desc`}>
          {l.points.length === 0 ? "No version reports it." : l.points.map((p) => p.label).join("; ")}
          {trend.bound ? `. Bound: ${trend.bound}.` : "."}
        </desc>
        {l.yTicks.map((t) => (
          <g key={`y${t.text}`} aria-hidden="true">
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={t.y} y2={t.y} class="gridline" />
            <text x={BOX.left - 8} y={t.y + 4} text-anchor="end" class="tick">{t.text}</text>
          </g>
        ))}
        {l.xTicks.map((t) => (
          <text key={`x${t.text}`} x={t.x} y={baseY + 18} text-anchor="middle" class="tick" aria-hidden="true">{t.text}</text>
        ))}
        <text x={BOX.left + (BOX.width - BOX.left - BOX.right) / 2} y={BOX.height - 4} text-anchor="middle" class="axis" aria-hidden="true">
          Model version
        </text>
        {l.bounds.map((b) => (
          <g key={b.kind} aria-hidden="true">
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={b.y} y2={b.y} class="bound-line" />
            <text x={BOX.width - BOX.right + 6} y={b.y + 4} class="tick">{b.text}</text>
          </g>
        ))}
        {l.points.length > 1 && <path d={l.path} class="trend-line" aria-hidden="true" />}
        {l.points.map((p) => (
          <g key={p.version} class={`trend-point outcome-${p.outcome ?? "none"}`} data-testid="trend-point" data-version={p.version}
            data-outcome={p.outcome ?? ""}>
            <title>{p.label}</title>
            {p.outcome === "not_met" ? (
              <path d={`M${p.x - 6},${p.y - 6} L${p.x + 6},${p.y + 6} M${p.x - 6},${p.y + 6} L${p.x + 6},${p.y - 6}`} />
            ) : (
              <circle cx={p.x} cy={p.y} r={6} />
            )}
            <text x={p.x + 9} y={p.y - 8} class="tick" aria-hidden="true">
              {num(p.value)}{p.outcome ? ` ${outcomeMark(p.outcome)}` : ""}
            </text>
          </g>
        ))}
      </svg>
      <details>
        <summary>The figures</summary>
        <table class="grid compact" data-testid="trend-table">
          <thead><tr><th>Version</th><th class="num">Value</th><th class="date">Run of</th><th>Against the bound</th></tr></thead>
          <tbody>
            {trend.points.map((p) => (
              <tr key={p.model_version}>
                <td>{p.model_version || "(none)"}</td>
                <td class="num">{num(p.value)}</td>
                <td class="date">{p.date}</td>
                <td>{p.outcome ? `${outcomeMark(p.outcome)} ${labelOf(v.evidence_states, p.outcome)}` : "not bounded"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
