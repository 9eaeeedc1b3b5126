// KPI linkage: the portfolio view (KPIs in breach or warning, open escalations oldest first,
// acknowledge and resolve with a note) and a system's linkage view (model metrics and the
// business outcomes they drive, latest status, a trend chart per KPI, entering a measurement).
// Every status, streak and level shown comes from core.
import { useEffect, useState } from "preact/hooks";

import type { Escalation } from "../bindings/Escalation";
import type { KpiStatus } from "../bindings/KpiStatus";
import type { Linkage } from "../bindings/Linkage";
import type { Portfolio } from "../bindings/Portfolio";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { byKind, formatValue, svgSource, systemsWithKpis } from "../lib/kpi";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

type Tab = "portfolio" | "linkage";

interface Props {
  generation: number;
  onChanged: () => void;
  /** A system whose linkage view it opens on; else the portfolio view. */
  initialSystem?: number | null;
}

export function KpiScreen({ generation, onChanged, initialSystem }: Props) {
  const [tab, setTab] = useState<Tab>(initialSystem != null ? "linkage" : "portfolio");
  const [all, setAll] = useState<KpiStatus[] | null>(null);
  const [systemId, setSystemId] = useState<number | null>(initialSystem ?? null);
  const [error, setError] = useState<WireError | null>(null);

  useEffect(() => {
    backend.kpiStatus().then((list) => {
      setAll(list);
      setSystemId((id) => id ?? systemsWithKpis(list)[0]?.id ?? null);
    }, setError);
  }, [generation]);

  const systems = all ? systemsWithKpis(all) : [];
  return (
    <section class="screen kpi">
      <header class="screen-head">
        <h1>KPIs</h1>
        <span class="count">{all ? `${all.length} KPIs` : "…"}</span>
        <div class="spacer" />
        <div class="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === "portfolio"} class={tab === "portfolio" ? "tab active" : "tab"}
            data-testid="kpi-tab-portfolio" onClick={() => setTab("portfolio")}>Portfolio</button>
          <button type="button" role="tab" aria-selected={tab === "linkage"} class={tab === "linkage" ? "tab active" : "tab"}
            data-testid="kpi-tab-linkage" onClick={() => setTab("linkage")}>System linkage</button>
        </div>
      </header>
      {error && <ErrorBox error={error} />}
      {all && all.length === 0 && (
        <p class="hint" data-testid="kpi-empty">
          No KPIs yet. Add them with <code>steward kpi add</code>, or open the sample portfolio to see the area at work.
        </p>
      )}
      {tab === "portfolio" ? (
        <PortfolioView generation={generation} onChanged={onChanged}
          onOpen={(id) => { setSystemId(id); setTab("linkage"); }} />
      ) : (
        <>
          <label class="field inline">
            <span>System</span>
            <select data-testid="kpi-system" value={systemId ?? ""}
              onChange={(e) => setSystemId(Number((e.target as HTMLSelectElement).value))}>
              {systems.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
          {systemId !== null && <LinkageView systemId={systemId} generation={generation} onChanged={onChanged} />}
        </>
      )}
    </section>
  );
}

function StatusBadge({ status }: { status: KpiStatus["status"] }) {
  const v = useVocab();
  return status ? (
    <span class={`badge kpi-${status}`} data-status={status}>{labelOf(v.kpi_statuses, status)}</span>
  ) : (
    <span class="badge">No data</span>
  );
}

function PortfolioView({ generation, onChanged, onOpen }: {
  generation: number; onChanged: () => void; onOpen: (systemId: number) => void;
}) {
  const [p, setP] = useState<Portfolio | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  useEffect(() => {
    backend.kpiPortfolio().then(setP, setError);
  }, [generation]);
  if (error) return <ErrorBox error={error} />;
  if (!p) return <p aria-busy="true">Loading…</p>;
  return (
    <div class="kpi-portfolio">
      <p class="hint" data-testid="kpi-summary">
        {p.on_target} of {p.kpis} KPIs on target; {p.attention.length} need attention; {p.escalations.length} escalations not resolved.
      </p>
      <h2>KPIs in breach or warning</h2>
      <table class="table">
        <thead><tr><th>System</th><th>KPI</th><th>Latest</th><th>Value</th><th>Status</th><th>Breaches in a row</th></tr></thead>
        <tbody>
          {p.attention.map((s) => (
            <tr key={s.kpi_id} data-testid="attention-row">
              <td><button type="button" class="link" onClick={() => onOpen(s.system_id)}>{s.system}</button></td>
              <td>{s.kpi}</td>
              <td>{s.latest_period}</td>
              <td class="num">{formatValue(s.latest_value)} {s.unit}</td>
              <td><StatusBadge status={s.status} /></td>
              <td class="num">{s.consecutive_breaches}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Escalations, oldest first</h2>
      <EscalationTable list={p.escalations} onChanged={onChanged} />
    </div>
  );
}

function EscalationTable({ list, onChanged }: { list: Escalation[]; onChanged: () => void }) {
  const v = useVocab();
  const [acting, setActing] = useState<{ id: number; action: "ack" | "resolve" } | null>(null);
  const [note, setNote] = useState("");
  const { error, run } = useAction();
  const submit = async () => {
    if (!acting) return;
    const done = await run(() =>
      acting.action === "ack" ? backend.acknowledgeEscalation(acting.id, note) : backend.resolveEscalation(acting.id, note),
    );
    if (done) {
      setActing(null);
      setNote("");
      onChanged();
    }
  };
  if (list.length === 0) return <p class="hint" data-testid="no-escalations">No escalations.</p>;
  return (
    <>
      {error && <ErrorBox error={error} testid="escalation-error" />}
      <table class="table">
        <thead><tr><th>#</th><th>System</th><th>KPI</th><th>Level</th><th>Opened</th><th>Breaches</th><th>Due</th><th>State</th><th /></tr></thead>
        <tbody>
          {list.map((e) => (
            <tr key={e.id} data-testid="escalation-row" data-state={e.state}>
              <td class="num">{e.id}</td>
              <td>{e.system}</td>
              <td>{e.kpi}</td>
              <td>{e.level} ({e.level_name})</td>
              <td>{e.opened_period}</td>
              <td class="num">{e.breaches}</td>
              <td>{e.due_date}</td>
              <td>{labelOf(v.escalation_states, e.state)}{e.acknowledged_note ? ` — ${e.acknowledged_note}` : ""}</td>
              <td>
                {acting?.id === e.id ? (
                  <span class="inline-form">
                    <input data-testid="escalation-note" placeholder="What was done or decided" value={note}
                      onInput={(ev) => setNote((ev.target as HTMLInputElement).value)} />
                    <button type="button" class="primary" data-testid="escalation-confirm" onClick={submit}>
                      {acting.action === "ack" ? "Acknowledge" : "Resolve"}
                    </button>
                    <button type="button" onClick={() => setActing(null)}>Cancel</button>
                  </span>
                ) : (
                  <span class="inline-form">
                    {e.state === "open" && (
                      <button type="button" data-testid="escalation-ack" onClick={() => setActing({ id: e.id, action: "ack" })}>Acknowledge…</button>
                    )}
                    {e.state !== "resolved" && (
                      <button type="button" data-testid="escalation-resolve" onClick={() => setActing({ id: e.id, action: "resolve" })}>Resolve…</button>
                    )}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function LinkageView({ systemId, generation, onChanged }: { systemId: number; generation: number; onChanged: () => void }) {
  const v = useVocab();
  const [view, setView] = useState<Linkage | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  useEffect(() => {
    backend.kpiLinkage(systemId).then(setView, setError);
  }, [systemId, generation]);
  if (error) return <ErrorBox error={error} />;
  if (!view) return <p aria-busy="true">Loading…</p>;
  return (
    <div class="kpi-linkage" data-testid="kpi-linkage">
      <h2>{view.system}</h2>
      {view.links.length > 0 && (
        <ul class="links" data-testid="kpi-links">
          {view.links.map((l) => (
            <li key={l.link.id}>
              {l.from_system !== view.system ? `${l.from_system}: ` : ""}<strong>{l.from_kpi}</strong> drives{" "}
              {l.to_system !== view.system ? `${l.to_system}: ` : ""}<strong>{l.to_kpi}</strong>{" "}
              ({l.link.effect_per_unit > 0 ? "+" : ""}{l.link.effect_per_unit} {l.to_unit} per {l.from_unit})
              {l.link.note && <span class="hint"> — {l.link.note}</span>}
            </li>
          ))}
        </ul>
      )}
      <p class="hint">
        Escalation rule: level 1 (owner) after {view.rule.level1_after} consecutive breaches, level 2 (sponsor) after{" "}
        {view.rule.level2_after}, level 3 (portfolio board) after {view.rule.level3_after}; due {view.rule.due_days} days after the period ends.
      </p>
      <MeasureForm view={view} onSaved={onChanged} />
      {view.escalations.length > 0 && (
        <>
          <h3>Escalations</h3>
          <EscalationTable list={view.escalations} onChanged={onChanged} />
        </>
      )}
      <div class="kpi-columns">
        {byKind(view.kpis, v.kpi_kinds).map((g) => (
          <div class="kpi-column" key={g.kind}>
            <h3>{g.label}</h3>
            {g.cards.map((c) => (
              <article class="kpi-card" key={c.status.kpi_id} data-testid="kpi-card" data-kpi={c.status.kpi}>
                <header>
                  <strong>{c.status.kpi}</strong> <StatusBadge status={c.status.status} />
                </header>
                <p>
                  {c.status.latest_period ?? "no measurements"}: {formatValue(c.status.latest_value)} {c.status.unit}
                  {c.status.consecutive_breaches > 0 && ` — ${c.status.consecutive_breaches} breaches in a row`}
                </p>
                <p class="hint">
                  target {c.status.target}, warning {c.status.warning}, breach {c.status.breach}
                  {` (${labelOf(v.directions, c.status.direction).toLowerCase()})`}
                </p>
                <img class="kpi-chart" alt={`Trend of ${c.status.kpi}`} src={svgSource(c.chart_svg)} />
              </article>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function MeasureForm({ view, onSaved }: { view: Linkage; onSaved: () => void }) {
  const v = useVocab();
  const [kpiId, setKpiId] = useState<number>(view.kpis[0]?.status.kpi_id ?? 0);
  const [period, setPeriod] = useState("");
  const [value, setValue] = useState("");
  const [source, setSource] = useState("");
  const [note, setNote] = useState("");
  const { error, run } = useAction();
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => setKpiId(view.kpis[0]?.status.kpi_id ?? 0), [view.system_id]);
  const save = async (ev: Event) => {
    ev.preventDefault();
    setDone(null);
    const r = await run(() => backend.recordMeasurement({ kpi_id: kpiId, period, value, source, note }));
    if (r) {
      setDone(`${r.measurement.period}: ${formatValue(r.measurement.value)} recorded (${labelOf(v.kpi_statuses, r.status)})`);
      setValue("");
      onSaved();
    }
  };
  if (view.kpis.length === 0) return null;
  return (
    <form class="measure-form" onSubmit={save}>
      <h3>Enter a measurement</h3>
      <label class="field inline"><span>KPI</span>
        <select data-testid="measure-kpi" value={kpiId} onChange={(e) => setKpiId(Number((e.target as HTMLSelectElement).value))}>
          {view.kpis.map((c) => <option key={c.status.kpi_id} value={c.status.kpi_id}>{c.status.kpi}</option>)}
        </select>
      </label>
      <label class="field inline"><span>Period</span>
        <input data-testid="measure-period" placeholder="2026-03 or 2026-Q1" value={period}
          onInput={(e) => setPeriod((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field inline"><span>Value</span>
        <input data-testid="measure-value" inputMode="decimal" value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field inline"><span>Source</span>
        <input data-testid="measure-source" value={source} onInput={(e) => setSource((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field inline"><span>Note</span>
        <input data-testid="measure-note" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary" data-testid="measure-save">Record</button>
      {done && <p class="ok-box" role="status" data-testid="measure-done">{done}</p>}
      {error && <ErrorBox error={error} testid="measure-error" />}
    </form>
  );
}
