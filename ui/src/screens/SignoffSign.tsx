// Sign-offs, signing a request file: what a signer reviews (the request, who asked, the snapshot
// of the record), then their role, decision and conditions, signed with their own key or a .p12.
import { useState } from "preact/hooks";

import type { RequestReview } from "../bindings/RequestReview";
import type { ReviewOutcome } from "../bindings/ReviewOutcome";
import type { SignoffDecision } from "../bindings/SignoffDecision";
import type { SignoffRole } from "../bindings/SignoffRole";
import type { Status } from "../bindings/Status";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { keyLabel } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";
import { OutcomeDetails } from "./SignoffRequestPanel";

export function SignoffSign() {
  const v = useVocab();
  const [path, setPath] = useState("");
  const [review, setReview] = useState<RequestReview | null>(null);
  const { error, busy, run } = useAction();
  const [role, setRole] = useState<SignoffRole>("legal");
  const [decision, setDecision] = useState<SignoffDecision>("approve");
  const [conditions, setConditions] = useState("");
  const [p12, setP12] = useState("");
  const [out, setOut] = useState("");
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState("");

  return (
    <div>
      {error && <ErrorBox error={error} />}
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          setDone("");
          setReview((await run(() => backend.signoffReview(path.trim()))) ?? null);
        }}
      >
        <label class="grow">
          Request file
          <input type="text" data-testid="sign-request-path" value={path} onInput={(e) => setPath(valueOf(e))} />
        </label>
        <button type="submit" class="primary" data-testid="sign-review" disabled={busy || path.trim() === ""}>
          Review
        </button>
      </form>
      {review && (
        <div class="panel" data-testid="sign-review-panel">
          <h2>
            {labelOf(v.signoff_gates, review.request.gate)} sign-off of {review.request.system_name}
          </h2>
          <p class="hint">
            Requested by {review.request.requested_by} ({review.requester.subject}) at {review.request.requested_at};
            deadline {review.request.deadline}. Board {review.request.board} needs{" "}
            {review.request.rule.roles.map((r) => `${r.required} ${labelOf(v.signoff_roles, r.role).toLowerCase()}`).join(", ")}, quorum{" "}
            {review.request.rule.quorum}; one rejection rejects.
          </p>
          {review.request.snapshot.review && (
            <OutcomeDetails outcome={review.request.snapshot.review as unknown as ReviewOutcome} />
          )}
          <table class="grid" data-testid="sign-snapshot">
            <tbody>
              {Object.entries(review.request.snapshot.system ?? {}).map(([k, value]) => (
                <tr key={k}>
                  <th>{keyLabel(k)}</th>
                  <td>{typeof value === "string" ? value : JSON.stringify(value)}</td>
                </tr>
              ))}
              {review.request.snapshot.assessment &&
                Object.entries(review.request.snapshot.assessment).map(([template, a]) => (
                  <tr key={`assessment-${template}`} data-testid="sign-snapshot-assessment">
                    <th>Assessment: {template}</th>
                    <td><code class="small">{JSON.stringify(a)}</code></td>
                  </tr>
                ))}
              {review.request.snapshot.kpis &&
                (review.request.snapshot.kpis as unknown as Record<string, unknown>[]).map((k) => (
                  <tr key={`kpi-${String(k.kpi)}`} data-testid="sign-snapshot-kpi">
                    <th>KPI: {String(k.kpi)}</th>
                    <td>
                      {k.latest_period
                        ? `${String(k.latest_period)}: ${String(k.latest_value)} ${String(k.unit)}, ${labelOf(v.kpi_statuses, String(k.status) as Status).toLowerCase()}`
                        : "no measurement yet"}
                      {Number(k.consecutive_breaches) > 0 ? `, ${String(k.consecutive_breaches)} consecutive breaches` : ""}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          <p class="hint">
            Snapshot SHA-256 <code>{review.request.snapshot_hash}</code>
          </p>
          <div class="row">
            <label>
              Your role
              <Select testid="sign-role" value={role} options={v.signoff_roles} onChange={setRole} />
            </label>
            <label>
              Decision
              <Select testid="sign-decision" value={decision} options={v.signoff_decisions} onChange={setDecision} />
            </label>
            <label class="grow">
              Conditions
              <input type="text" data-testid="sign-conditions" value={conditions} onInput={(e) => setConditions(valueOf(e))} />
            </label>
          </div>
          <div class="row">
            <label class="grow">
              Sign with a .p12 instead of your identity (optional)
              <input type="text" data-testid="sign-p12" value={p12} onInput={(e) => setP12(valueOf(e))} />
            </label>
            <label class="grow">
              Signature file to write
              <input type="text" data-testid="sign-out" value={out} onInput={(e) => setOut(valueOf(e))} />
            </label>
            <button type="button" class="primary" data-testid="sign-run" disabled={busy || out.trim() === ""} onClick={() => setAsking(true)}>
              Sign
            </button>
          </div>
          {done && <p data-testid="sign-done">{done}</p>}
        </div>
      )}
      {asking && (
        <PassphraseDialog
          onCancel={() => setAsking(false)}
          onOk={async (pass) => {
            setAsking(false);
            const n = await run(() =>
              backend.signoffSign(path.trim(), role, decision, conditions, pass, p12.trim() === "" ? null : p12.trim(), out.trim()),
            );
            if (n !== undefined) setDone(`Signed: wrote ${out.trim()}; send it to the requester`);
          }}
        />
      )}
    </div>
  );
}
