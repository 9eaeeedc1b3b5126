// A system's Evidence panel: the status of its current model version against the policy (each
// check met, not met with its value and bound, missing or out of date), the validation runs
// with the value the policy judged marked and each shadow comparison new against incumbent, the
// bias table with each judged cell marked in words and a symbol (not by colour alone) and why a
// result does not count, a chart of each metric against its bound over the model versions, the
// forms that record a run or a bias result, and an import of a file (preview, then import).
// Core computes every status, value and outcome; this panel shows them.
import { useEffect, useState } from "preact/hooks";

import type { EvidenceCheck } from "../bindings/EvidenceCheck";
import type { EvidencePanel as Panel } from "../bindings/EvidencePanel";
import type { EvidenceState } from "../bindings/EvidenceState";
import type { ValidationMethod } from "../bindings/ValidationMethod";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { checkWords, num, outcomeMark } from "../lib/evidence";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { EvidenceChart } from "./EvidenceChart";
import { AddBias, AddRun } from "./EvidenceForms";
import { EvidenceImport } from "./EvidenceImport";

type Tab = "status" | "runs" | "bias" | "chart" | "add" | "import";

const TABS: { key: Tab; label: string }[] = [
  { key: "status", label: "Status" },
  { key: "runs", label: "Validation runs" },
  { key: "bias", label: "Bias" },
  { key: "chart", label: "Metrics over versions" },
  { key: "add", label: "Record" },
  { key: "import", label: "Import" },
];

/** An outcome as a badge: its symbol and label, coloured too. */
export function Outcome({ state, testid }: { state: EvidenceState; testid?: string }) {
  const v = useVocab();
  return (
    <span class={`badge evidence-${state}`} data-testid={testid} data-state={state}>
      <span aria-hidden="true">{outcomeMark(state)} </span>
      {labelOf(v.evidence_states, state)}
    </span>
  );
}

/** The checks of a status, each with its outcome, requirement and what was found. */
export function ChecksTable({ checks, testid }: { checks: EvidenceCheck[]; testid: string }) {
  const v = useVocab();
  // The method by its label, a metric or attribute by the policy's name for it; a fairness
  // check's sentence names its segment.
  const requirement = (c: EvidenceCheck) => {
    const kind = labelOf(v.evidence_check_kinds, c.kind);
    if (c.kind === "fairness") return kind;
    if (c.kind === "method") return `${kind}: ${labelOf(v.validation_methods, c.subject as ValidationMethod)}`;
    return `${kind}: ${c.subject}`;
  };
  return (
    <TableWrap label="Checks against the evidence policy">
      <table class="grid compact" data-testid={testid}>
        <thead>
          <tr><th>Outcome</th><th>Requirement</th><th>What was found</th></tr>
        </thead>
        <tbody>
          {checks.map((c, i) => (
            <tr key={i} data-testid="check-row" data-outcome={c.outcome} class={c.outcome === "met" ? "" : "check-failing"}>
              <td><Outcome state={c.outcome} /></td>
              <td>{requirement(c)}</td>
              <td class="wide">{c.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** A judged value: the value, and its outcome against the bound in words. */
function Judged({ value, check }: { value: string; check: EvidenceCheck | null }) {
  const v = useVocab();
  if (!check) return <>{value}</>;
  return (
    <span class={`judged judged-${check.outcome}`} data-outcome={check.outcome}>
      {value}{" "}
      <span class="judged-mark">
        <span aria-hidden="true">{outcomeMark(check.outcome)} </span>
        {checkWords(check, labelOf(v.evidence_states, check.outcome))}
      </span>
    </span>
  );
}

export function EvidencePanel({ systemId, onChanged }: { systemId: number; onChanged: () => void }) {
  const v = useVocab();
  const [panel, setPanel] = useState<Panel | null>(null);
  const [tab, setTab] = useState<Tab>("status");
  const [notice, setNotice] = useState<string | null>(null);
  const shown = useAction();
  const system = String(systemId);

  const load = () => backend.evidencePanel(system).then(setPanel, shown.setError);
  useEffect(() => {
    setTab("status");
    setNotice(null);
    void load();
  }, [systemId]);

  const changed = async (text: string) => {
    setNotice(text);
    await load();
    onChanged();
  };

  const remove = async (kind: "run" | "bias", id: number) => {
    setNotice(null);
    const done = await shown.run(async () => {
      if (kind === "run") await backend.evidenceRemoveRun(id);
      else await backend.evidenceRemoveBias(id);
      return true;
    });
    if (done) await changed(kind === "run" ? `Removed run #${id}.` : `Removed bias result #${id}.`);
  };

  const e = panel?.evidence;
  return (
    <div class="panel evidence" data-testid="evidence">
      <div class="screen-head">
        <h2>Evidence</h2>
        {e && <Outcome state={e.status.state} testid="evidence-state" />}
      </div>
      {shown.error && <ErrorBox error={shown.error} testid="evidence-error" />}
      {notice && <p class="ok" role="status" data-testid="evidence-notice">{notice}</p>}
      {!panel || !e ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <p class="hint" data-testid="evidence-summary">
            Model version {e.model_version || "(none recorded)"}, held to the evidence policy for{" "}
            {labelOf(v.risk_tiers, e.status.tier).toLowerCase()} risk
            {e.origin === "workspace" ? " (this workspace's own policy)" : " (the policy Steward ships)"}.{" "}
            {e.gated
              ? panel.passes
                ? "The pre-deployment gate reads it: it lets the system through."
                : "The pre-deployment gate reads it: promotion to production needs this evidence met, or an approved sign-off that asks for an exception."
              : "No pre-deployment rule for this tier: the gate does not read it."}
          </p>
          <div class="tabs" role="tablist">
            {TABS.map((t) => (
              <button type="button" role="tab" aria-selected={tab === t.key} class={tab === t.key ? "tab active" : "tab"}
                data-testid={`evidence-tab-${t.key}`} onClick={() => { setNotice(null); setTab(t.key); }}>
                {t.label}
              </button>
            ))}
          </div>

          {tab === "status" && (
            <div data-testid="evidence-status">
              {e.status.checks.length === 0 ? (
                <p class="muted">The policy asks nothing of this tier, and nothing recorded is bounded.</p>
              ) : (
                <ChecksTable checks={e.status.checks} testid="evidence-checks" />
              )}
              {e.status.other_versions.length > 0 && (
                <p class="hint" data-testid="evidence-other-versions">
                  Evidence of other model versions is kept but does not count: {e.status.other_versions.map((x) => x || "(none recorded)").join(", ")}.
                </p>
              )}
            </div>
          )}

          {tab === "runs" && (
            <div data-testid="evidence-runs">
              {panel.runs.length === 0 ? (
                <p class="muted">No validation run is recorded.</p>
              ) : (
                <TableWrap label="Validation runs">
                  <table class="grid compact">
                    <thead>
                      <tr><th class="date">Date</th><th>Version</th><th>Method</th><th>Dataset</th><th>Metric</th><th class="num">Value</th><th class="num">Incumbent</th><th></th></tr>
                    </thead>
                    <tbody>
                      {panel.runs.flatMap((r) =>
                        r.metrics.map((m, i) => (
                          <tr key={`${r.run.id}-${i}`} data-testid="run-row" data-run={r.run.id} class={r.current ? "" : "muted"}>
                            {i === 0 && <td class="date" rowSpan={r.metrics.length}>{r.run.date}</td>}
                            {i === 0 && (
                              <td rowSpan={r.metrics.length}>{r.run.model_version || "(none)"}{r.current ? " (current)" : ""}</td>
                            )}
                            {i === 0 && (
                              <td rowSpan={r.metrics.length}>
                                {labelOf(v.validation_methods, r.run.method)}
                                {r.run.incumbent && <div class="hint">beside {r.run.incumbent}</div>}
                              </td>
                            )}
                            {i === 0 && <td rowSpan={r.metrics.length}>{r.run.dataset}{r.run.run && <div class="hint">run {r.run.run}</div>}</td>}
                            <td>{m.name}</td>
                            <td class="num" data-testid="run-value"><Judged value={num(m.value)} check={m.check} /></td>
                            <td class="num">{num(m.incumbent)}</td>
                            {i === 0 && (
                              <td rowSpan={r.metrics.length}>
                                <button type="button" class="link" aria-label={`Remove run ${r.run.id}`} data-testid="run-remove"
                                  disabled={shown.busy} onClick={() => void remove("run", r.run.id)}>Remove</button>
                              </td>
                            )}
                          </tr>
                        )),
                      )}
                    </tbody>
                  </table>
                </TableWrap>
              )}
              {e.comparisons.length > 0 && (
                <>
                  <h3>Shadow comparisons: new against incumbent</h3>
                  {e.comparisons.map((c) => (
                    <TableWrap label={`Shadow comparison of ${c.date} against ${c.incumbent}`}>
                      <table class="grid compact" data-testid="shadow-comparison">
                        <caption>{c.date}, {c.dataset}: version {e.model_version} beside {c.incumbent}</caption>
                        <thead><tr><th>Metric</th><th class="num">New</th><th class="num">Incumbent</th><th class="num">New less incumbent</th></tr></thead>
                        <tbody>
                          {c.metrics.map((m) => (
                            <tr key={m.name}><td>{m.name}</td><td class="num">{num(m.value)}</td><td class="num">{num(m.incumbent)}</td><td class="num">{num(m.change)}</td></tr>
                          ))}
                        </tbody>
                      </table>
                    </TableWrap>
                  ))}
                </>
              )}
            </div>
          )}

          {tab === "bias" && (
            <div data-testid="evidence-bias">
              {panel.bias.length === 0 ? (
                <p class="muted">No bias result is recorded.</p>
              ) : (
                <TableWrap label="Bias results">
                  <table class="grid compact">
                    <thead>
                      <tr>
                        <th class="date">Date</th><th>Version</th><th>Attribute</th><th>Segment</th><th>Metric</th><th>Reference group</th>
                        <th class="num">Segment rate</th><th class="num">Reference rate</th><th>Disparity ratio</th><th>Difference</th><th>Counted</th><th></th>
                      </tr>
                    </thead>
                    <tbody>
                      {panel.bias.map((b) => {
                        const r = b.result;
                        const failing = [b.ratio, b.difference].some((c) => c?.outcome === "not_met");
                        return (
                          <tr key={r.id} data-testid="bias-row" data-segment={`${r.attribute} ${r.segment}`}
                            data-failing={failing ? "true" : "false"} class={b.current ? "" : "muted"}>
                            <td class="date">{r.date}</td>
                            <td>{r.model_version || "(none)"}</td>
                            <td>{r.attribute}</td>
                            <td>{r.segment}</td>
                            <td>{labelOf(v.bias_metrics, r.metric)}</td>
                            <td>{r.reference}</td>
                            <td class="num">{num(r.segment_value)}</td>
                            <td class="num">{num(r.reference_value)}</td>
                            <td data-testid="bias-ratio"><Judged value={num(r.ratio)} check={b.ratio} /></td>
                            <td data-testid="bias-difference"><Judged value={num(r.difference)} check={b.difference} /></td>
                            <td class="hint">{b.not_counted ?? "Yes"}</td>
                            <td>
                              <button type="button" class="link" aria-label={`Remove bias result ${r.id}`} data-testid="bias-remove"
                                disabled={shown.busy} onClick={() => void remove("bias", r.id)}>Remove</button>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </TableWrap>
              )}
              {e.policy.fairness && (
                <p class="hint" data-testid="evidence-fairness">
                  The fairness bound of this tier:
                  {e.policy.fairness.min_ratio !== undefined && ` a disparity ratio of at least ${num(e.policy.fairness.min_ratio)}, applied both ways (a segment above its reference group by the inverse fails too)`}
                  {e.policy.fairness.min_ratio !== undefined && e.policy.fairness.max_difference !== undefined && " and"}
                  {e.policy.fairness.max_difference !== undefined && ` a difference of at most ${num(e.policy.fairness.max_difference)} either way`}
                  {e.policy.fairness.metrics.length > 0 && `, for ${e.policy.fairness.metrics.map((m) => labelOf(v.bias_metrics, m).toLowerCase()).join(", ")}`}.
                </p>
              )}
            </div>
          )}

          {tab === "chart" && <EvidenceChart panel={panel} />}

          {tab === "add" && (
            <div class="evidence-forms" data-testid="evidence-add">
              <AddRun systemId={systemId} version={e.model_version} onSaved={changed} />
              <AddBias systemId={systemId} version={e.model_version} onSaved={changed} />
            </div>
          )}

          {tab === "import" && <EvidenceImport system={e.system} onImported={changed} />}
        </>
      )}
    </div>
  );
}
