// The portfolio home, where the app opens: systems by stage and risk tier, KPIs in breach, open
// escalations, overdue calendar items, sign-offs waiting, the next and latest review, and value
// against running cost. Every figure is core's (`portfolio_overview`) and every figure is a
// button into the area that lists it.
import { useEffect, useState } from "preact/hooks";

import type { PortfolioOverview } from "../bindings/PortfolioOverview";
import type { ValueCost } from "../bindings/ValueCost";
import { backend } from "../backend";
import { RiskBadge } from "../components/Badge";
import { ErrorBox } from "../components/ErrorBox";
import { type Box, figures, layout, nextReviewText, notPlottedGroups, type Target } from "../lib/portfolio";
import { formatMoney } from "../lib/tco";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

/** How many rows a list shows before it hands over to its area. */
const SHOWN = 6;

/** A performance mark set once, when the first overview is in the page: the startup benchmark
 * (tests/perf/startup.py) reads it to time the app from its start to a usable home screen. */
export const HOME_READY_MARK = "steward:home-ready";

export function HomeScreen({ generation, onGo, load = backend.portfolioOverview }: {
  generation: number;
  onGo: (t: Target) => void;
  /** Where the overview comes from: the app hands over the one it asked for as it started. */
  load?: () => Promise<PortfolioOverview>;
}) {
  const v = useVocab();
  const [o, setO] = useState<PortfolioOverview | null>(null);
  const { error, run } = useAction();

  useEffect(() => {
    void run(async () => setO(await load()));
  }, [generation, run, load]);

  useEffect(() => {
    if (o && performance.getEntriesByName(HOME_READY_MARK).length === 0) performance.mark(HOME_READY_MARK);
  }, [o]);

  if (!o) {
    return (
      <section class="screen home" data-testid="home" aria-busy={!error}>
        <header class="screen-head"><h1>Portfolio</h1></header>
        {error ? <ErrorBox error={error} testid="home-error" /> : <p class="hint">Gathering the portfolio…</p>}
      </section>
    );
  }

  const more = (n: number, what: string, t: Target, testid: string) =>
    n > SHOWN && (
      <button type="button" class="link" data-testid={testid} onClick={() => onGo(t)}>
        All {n} {what}
      </button>
    );

  return (
    <section class="screen home" data-testid="home">
      <header class="screen-head">
        <h1>Portfolio</h1>
        <span class="count" data-testid="home-today">on {o.today}</span>
      </header>
      {error && <ErrorBox error={error} testid="home-error" />}

      <div class="figures" role="list">
        {figures(o).map((f) => (
          <button key={f.key} type="button" role="listitem" class={`figure figure-${f.key}${f.value > 0 && f.key !== "systems" && f.key !== "pipeline" ? " alert" : ""}`}
            data-testid={`figure-${f.key}`} onClick={() => onGo(f.target)}>
            <span class="figure-value" data-testid={`figure-${f.key}-value`}>{f.value}</span>
            <span class="figure-label">{f.label}</span>
          </button>
        ))}
      </div>

      <div class="home-grid">
        <article class="panel" data-testid="home-matrix">
          <h2>Systems by stage and risk tier</h2>
          <table class="grid matrix">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                {o.tiers.map((t) => <th key={t} scope="col" class="num">{labelOf(v.risk_tiers, t)}</th>)}
                <th scope="col" class="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {o.matrix.map((r) => (
                <tr key={r.stage} class={r.stage === "proposed" ? "pipeline" : undefined}>
                  <th scope="row">{labelOf(v.stages, r.stage)}{r.stage === "proposed" && <span class="hint"> (pipeline)</span>}</th>
                  {r.by_tier.map((n, i) => (
                    <td key={o.tiers[i]} class="num">
                      {n > 0 ? (
                        <button type="button" class="link" data-testid={`matrix-${r.stage}-${o.tiers[i]}`}
                          aria-label={`${n} ${labelOf(v.stages, r.stage)} systems of ${labelOf(v.risk_tiers, o.tiers[i])} risk`}
                          onClick={() => onGo({ area: "register", stage: r.stage, risk: o.tiers[i] })}>{n}</button>
                      ) : <span class="muted">0</span>}
                    </td>
                  ))}
                  <td class="num">
                    {r.total > 0 ? (
                      <button type="button" class="link" data-testid={`matrix-${r.stage}-total`}
                        onClick={() => onGo({ area: "register", stage: r.stage, risk: "" })}>{r.total}</button>
                    ) : <span class="muted">0</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>

        <article class="panel" data-testid="home-reviews">
          <h2>Reviews</h2>
          <p>
            Next:{" "}
            <button type="button" class="link" data-testid="home-next-review" data-period={o.next_review.period}
              onClick={() => onGo({ area: "reviews", open: o.next_review.review ? o.next_review.period : null })}>
              {nextReviewText(o.next_review)}
            </button>
            {o.next_review.review && <span class="hint"> ({o.next_review.review.systems} systems in scope)</span>}
          </p>
          <p>
            Latest:{" "}
            {o.latest_review ? (
              <button type="button" class="link" data-testid="home-latest-review" data-period={o.latest_review.period}
                onClick={() => onGo({ area: "reviews", open: o.latest_review?.period ?? null })}>
                {o.latest_review.period}, {labelOf(v.review_states, o.latest_review.state).toLowerCase()}, {o.latest_review.decided} of {o.latest_review.systems} decided
              </button>
            ) : <span class="muted" data-testid="home-latest-review-none">none frozen yet</span>}
          </p>
        </article>

        <article class="panel" data-testid="home-breaches">
          <h2>KPIs in breach <span class="count">{o.breaches.length} of {o.kpis}</span></h2>
          {o.breaches.length === 0 ? <p class="hint">No KPI is in breach.</p> : (
            <table class="grid">
              <thead><tr><th>System</th><th>KPI</th><th>Latest</th><th class="num">In a row</th></tr></thead>
              <tbody>
                {o.breaches.slice(0, SHOWN).map((k) => (
                  <tr key={k.kpi_id} data-testid="home-breach" data-kpi={k.kpi_id}>
                    <td><button type="button" class="link" onClick={() => onGo({ area: "kpi", systemId: k.system_id })}>{k.system}</button></td>
                    <td>{k.kpi}</td>
                    <td>{k.latest_period ?? "missing"}: {k.latest_value === null ? "missing" : `${k.latest_value} ${k.unit}`}</td>
                    <td class="num">{k.consecutive_breaches}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {more(o.breaches.length, "KPIs in breach", { area: "kpi", systemId: null }, "home-breaches-all")}
        </article>

        <article class="panel" data-testid="home-escalations">
          <h2>Open escalations <span class="count">{o.escalations.length}</span></h2>
          {o.escalations.length === 0 ? <p class="hint">No escalation is open.</p> : (
            <ul class="plain">
              {o.escalations.slice(0, SHOWN).map((e) => (
                <li key={e.id} data-testid="home-escalation">
                  <button type="button" class="link" onClick={() => onGo({ area: "kpi", systemId: e.system_id })}>{e.system}: {e.kpi}</button>
                  {" "}<span class="hint">{e.level_name}, {e.breaches} breaches, due {e.due_date}{e.state === "acknowledged" ? ", acknowledged" : ""}</span>
                </li>
              ))}
            </ul>
          )}
          {more(o.escalations.length, "escalations", { area: "kpi", systemId: null }, "home-escalations-all")}
        </article>

        <article class="panel" data-testid="home-overdue">
          <h2>Overdue on the calendar <span class="count">{o.overdue.length}</span></h2>
          {o.overdue.length === 0 ? <p class="hint">Nothing is overdue.</p> : (
            <ul class="plain">
              {o.overdue.slice(0, SHOWN).map((x) => (
                <li key={`${x.uid}-${x.date}`} data-testid="home-overdue-item">
                  <button type="button" class="link" onClick={() => onGo({ area: "calendar", view: "overdue" })}>{x.title}</button>
                  {" "}<span class="hint">due {x.date}{x.owner ? `, ${x.owner}` : ""}</span>
                </li>
              ))}
            </ul>
          )}
          {more(o.overdue.length, "overdue items", { area: "calendar", view: "overdue" }, "home-overdue-all")}
        </article>

        <article class="panel" data-testid="home-signoffs">
          <h2>Sign-offs waiting <span class="count">{o.signoffs.length}</span></h2>
          {o.signoffs.length === 0 ? <p class="hint">No sign-off request is waiting.</p> : (
            <ul class="plain">
              {o.signoffs.slice(0, SHOWN).map((s) => (
                <li key={s.request_id} data-testid="home-signoff" data-request={s.request_id}>
                  <button type="button" class="link" onClick={() => onGo(s.review ? { area: "reviews", open: s.review } : { area: "signoff", requestId: s.request_id })}>
                    #{s.request_id} {s.system}: {labelOf(v.signoff_gates, s.gate)}
                  </button>
                  {" "}<span class={`badge signoff-${s.status}`}>{labelOf(v.signoff_statuses, s.status)}</span>
                  {" "}<span class="hint">{s.approvals} of {s.quorum} approvals, deadline {s.deadline}</span>
                </li>
              ))}
            </ul>
          )}
          {more(o.signoffs.length, "requests waiting", { area: "signoff", requestId: null }, "home-signoffs-all")}
        </article>
      </div>

      <ValueCostChart vc={o.value_cost} onGo={onGo} />
    </section>
  );
}

const BOX: Box = { width: 720, height: 380, left: 70, right: 24, top: 16, bottom: 48 };

function ValueCostChart({ vc, onGo }: { vc: ValueCost; onGo: (t: Target) => void }) {
  const v = useVocab();
  const tier = (t: ValueCost["points"][number]["risk_tier"]) => labelOf(v.risk_tiers, t);
  const l = layout(vc.points, BOX, tier);
  const baseY = BOX.height - BOX.bottom;
  return (
    <article class="panel value-cost" data-testid="home-value-cost">
      <h2>Value against running cost <span class="count">{vc.period}, {vc.points.length} systems in service plotted</span></h2>
      <div class="value-cost-body">
        {vc.points.length === 0 ? (
          <p class="hint" data-testid="value-cost-empty">No system in service has both a running cost and a value: nothing to plot.</p>
        ) : (
          <svg class="chart" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-labelledby="vc-title vc-desc" data-testid="value-cost-chart">
            <title id="vc-title">Value against running cost per year</title>
            <desc id="vc-desc">
              One bubble per system in service: running cost per year across, value per year up, colour by risk tier,
              size by running cost. {vc.points.length} systems plotted.
            </desc>
            {l.xTicks.map((t) => (
              <g key={`x${t.value}`} aria-hidden="true">
                <line x1={t.x} x2={t.x} y1={BOX.top} y2={baseY} class="gridline" />
                <text x={t.x} y={baseY + 16} text-anchor="middle" class="tick">{t.text}</text>
              </g>
            ))}
            {l.yTicks.map((t) => (
              <g key={`y${t.value}`} aria-hidden="true">
                <line x1={BOX.left} x2={BOX.width - BOX.right} y1={t.y} y2={t.y} class="gridline" />
                <text x={BOX.left - 8} y={t.y + 4} text-anchor="end" class="tick">{t.text}</text>
              </g>
            ))}
            <text x={BOX.left + (BOX.width - BOX.left - BOX.right) / 2} y={BOX.height - 8} text-anchor="middle" class="axis" aria-hidden="true">
              Running cost per year
            </text>
            <text x={16} y={BOX.top + (baseY - BOX.top) / 2} text-anchor="middle" class="axis" aria-hidden="true"
              transform={`rotate(-90 16 ${BOX.top + (baseY - BOX.top) / 2})`}>Value per year</text>
            {l.points.map((p) => (
              <circle key={p.point.system_id} cx={p.cx} cy={p.cy} r={p.r} class={`bubble tier-${p.point.risk_tier}`}
                role="button" tabIndex={0} aria-label={p.label} data-testid="value-point" data-system={p.point.system}
                onClick={() => onGo({ area: "tco" })}
                onKeyDown={(e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onGo({ area: "tco" }); } }}>
                <title>{p.label}</title>
              </circle>
            ))}
          </svg>
        )}
        <aside class="value-cost-side">
          <ul class="legend plain" aria-label="Colour by risk tier">
            {v.risk_tiers.map((t) => (
              <li key={t.key}><span class={`swatch tier-${t.key}`} aria-hidden="true" /> {t.label} risk</li>
            ))}
          </ul>
          {vc.points.length > 0 && (
            <details>
              <summary>Plotted systems</summary>
              <table class="grid" data-testid="value-cost-table">
                <thead><tr><th>System</th><th>Tier</th><th class="num">Cost / yr</th><th class="num">Value / yr</th></tr></thead>
                <tbody>
                  {vc.points.map((p) => (
                    <tr key={p.system_id}>
                      <td>{p.system}</td>
                      <td><RiskBadge tier={p.risk_tier} /></td>
                      <td class="num">{formatMoney(p.run_cost)}</td>
                      <td class="num">{formatMoney(p.annual_value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
          {vc.not_plotted.length > 0 && (
            <>
              <div data-testid="not-plotted">
                {notPlottedGroups(vc.not_plotted).map((g) => (
                  <p key={g.missing} class="not-plotted">
                    <span class="muted">Not plotted, {g.missing}:</span>{" "}
                    {g.systems.map((n, i) => (
                      <span key={n.system_id} data-testid="not-plotted-item" data-system={n.system}>{i > 0 ? ", " : ""}{n.system}</span>
                    ))}
                  </p>
                ))}
              </div>
            </>
          )}
        </aside>
      </div>
    </article>
  );
}
