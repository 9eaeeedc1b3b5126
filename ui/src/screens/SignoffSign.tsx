// Sign-offs, signing a request file: what a signer reviews (the request, who asked, the snapshot
// of the record, and at the pre-deployment gate the validation evidence with its status and any
// exception asked for), then their role, decision and conditions, signed with their own key or a .p12.
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
import { assessmentLines, changeLabel, formatDay, LIST_FIELDS, snapshotRows } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";
import { ProposalView } from "./SignoffProposal";
import { SnapshotEvidenceView } from "./SignoffEvidence";
import { OutcomeDetails } from "./SignoffRequestPanel";
import { When } from "../components/When";

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
  const since = review?.request.since_approval ?? null;

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
            Requested by {review.request.requested_by} ({review.requester.subject}) at <When at={review.request.requested_at} />;
            deadline {review.request.deadline}. Board {review.request.board} needs{" "}
            {review.request.rule.roles.map((r) => `${r.required} ${labelOf(v.signoff_roles, r.role).toLowerCase()}`).join(", ")}, quorum{" "}
            {review.request.rule.quorum}; one rejection rejects.
          </p>
          {review.request.snapshot.review && (
            <OutcomeDetails outcome={review.request.snapshot.review as unknown as ReviewOutcome} />
          )}
          {review.request.proposed && <ProposalView proposed={review.request.proposed} />}
          <SnapshotEvidenceView snapshot={review.request.snapshot} />
          {since && (
            <div class="panel changes-since" data-testid="sign-since-approval">
              {since.changes.length === 0 ? (
                <p>Nothing changed since the board approved request {since.request.slice(0, 8)} ({formatDay(since.requested_at.slice(0, 10))}).</p>
              ) : (
                <>
                  <p>
                    Changed since the board approved request {since.request.slice(0, 8)} ({formatDay(since.requested_at.slice(0, 10))}):{" "}
                    <strong>{since.changes.map((c) => changeLabel(c.field, v)).join(", ")}</strong>. Changed fields are marked below.
                  </p>
                </>
              )}
            </div>
          )}
          <table class="grid form-view" data-testid="sign-snapshot">
            <tbody>
              {snapshotRows(review.request.snapshot.system as Record<string, unknown> | null, v, since?.changes ?? []).map((row) => (
                <tr key={row.key} data-testid="sign-field" data-field={row.key} class={row.approved ? "changed" : ""}>
                  <th scope="row">{row.label}</th>
                  <td>
                    {row.lines.length === 0 ? (
                      <span class="hint">not recorded</span>
                    ) : row.lines.length === 1 && !LIST_FIELDS.has(row.key) ? (
                      row.lines[0]
                    ) : (
                      <ul class="plain">{row.lines.map((l) => <li key={l}>{l}</li>)}</ul>
                    )}
                    {row.approved && (
                      <div class="was" data-testid="sign-field-was">
                        Approved: {row.approved.length === 0 ? "not recorded" : row.approved.join("; ")}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
              {review.request.snapshot.assessment &&
                Object.entries(review.request.snapshot.assessment).map(([template, a]) => (
                  <tr key={`assessment-${template}`} data-testid="sign-snapshot-assessment">
                    <th scope="row">Assessment: {template}</th>
                    <td>
                      <ul class="plain">{assessmentLines(a as Record<string, unknown>).map((l) => <li key={l}>{l}</li>)}</ul>
                    </td>
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
