// The validation evidence a pre-deployment request is bound to, as its snapshot holds it: the
// reason of the evidence exception the board is asked to approve, when it is asked for one; the
// status then with each check; the runs and bias results signed. Read from the snapshot core
// froze (what the board signs), never recomputed here.
import type { SignoffSnapshot } from "../bindings/SignoffSnapshot";
import { TableWrap } from "../components/TableWrap";
import { num, snapshotEvidence } from "../lib/evidence";
import { labelOf, useVocab } from "../lib/vocab";
import { ChecksTable, Outcome } from "./Evidence";

export function SnapshotEvidenceView({ snapshot }: { snapshot: SignoffSnapshot }) {
  const v = useVocab();
  const e = snapshotEvidence(snapshot);
  if (!e) return null;
  return (
    <div class="panel snapshot-evidence" data-testid="snapshot-evidence" data-state={e.status.state}>
      <h3>
        Validation evidence of model version {e.model_version || "(none recorded)"}: <Outcome state={e.status.state} testid="snapshot-evidence-state" />
      </h3>
      {e.exception !== undefined && (
        <div class="panel changes-since" data-testid="snapshot-exception">
          <p>
            <strong>The board is asked to approve an evidence exception:</strong> promotion to production although the
            evidence is {labelOf(v.evidence_states, e.status.state).toLowerCase()} against the policy for{" "}
            {labelOf(v.risk_tiers, e.status.tier).toLowerCase()} risk.
          </p>
          <p>Reason: <span data-testid="snapshot-exception-reason">{e.exception}</span></p>
        </div>
      )}
      {e.status.checks.length > 0 && <ChecksTable checks={e.status.checks} testid="snapshot-checks" />}
      {e.runs.length > 0 && (
        <TableWrap label="Validation runs signed">
          <table class="grid compact" data-testid="snapshot-runs">
            <thead><tr><th class="date">Date</th><th>Method</th><th>Dataset</th><th>Metrics</th></tr></thead>
            <tbody>
              {e.runs.map((r) => (
                <tr key={r.id}>
                  <td class="date">{r.date}</td>
                  <td>{labelOf(v.validation_methods, r.method)}{r.incumbent && ` beside ${r.incumbent}`}</td>
                  <td>{r.dataset}</td>
                  <td>
                    {r.metrics.map((m) => `${m.name} ${num(m.value)}${m.incumbent !== undefined ? ` (incumbent ${num(m.incumbent)})` : ""}`).join(", ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {e.bias.length > 0 && (
        <TableWrap label="Bias results signed">
          <table class="grid compact" data-testid="snapshot-bias">
            <thead>
              <tr><th class="date">Date</th><th>Segment</th><th>Metric</th><th>Reference group</th><th class="num">Rates</th><th class="num">Ratio</th><th class="num">Difference</th></tr>
            </thead>
            <tbody>
              {e.bias.map((b) => (
                <tr key={b.id}>
                  <td class="date">{b.date}</td>
                  <td>{b.attribute} {b.segment}</td>
                  <td>{labelOf(v.bias_metrics, b.metric)}</td>
                  <td>{b.reference}</td>
                  <td class="num">{b.segment_value !== null && b.reference_value !== null ? `${num(b.segment_value)} against ${num(b.reference_value)}` : ""}</td>
                  <td class="num">{num(b.ratio)}</td>
                  <td class="num">{num(b.difference)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}
