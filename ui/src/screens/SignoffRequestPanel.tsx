// One sign-off request in full: the tally role by role, the signatures, the validation evidence
// a pre-deployment request is bound to (and the exception it asks for), what changed when it is
// stale, and the file work around it (export the request file, import a signature file, write
// the certificate). Shown under the list of requests and in a review's board sign-off.
import { useState } from "preact/hooks";

import type { RequestView } from "../bindings/RequestView";
import type { ReviewOutcome } from "../bindings/ReviewOutcome";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";
import { SnapshotEvidenceView } from "./SignoffEvidence";
import { ProposalView } from "./SignoffProposal";
import { When } from "../components/When";

export function RequestPanel({ request, onImported }: { request: RequestView; onImported: () => void | Promise<void> }) {
  const v = useVocab();
  const { error, busy, run } = useAction();
  const [path, setPath] = useState("");
  const [ask, setAsk] = useState<null | ((p: string) => Promise<void>)>(null);
  const [done, setDone] = useState("");
  return (
    <>
      {error && <ErrorBox error={error} />}
      <div class="panel" data-testid="request-detail" data-status={request.status}>
        <h2>
          {labelOf(v.signoff_gates, request.request.gate)} sign-off of {request.request.system_name}:{" "}
          <span data-testid="detail-status">{labelOf(v.signoff_statuses, request.status)}</span>
        </h2>
        <p class="hint">
          Request {request.request.uid}, snapshot SHA-256 <code>{request.request.snapshot_hash}</code>, board{" "}
          {request.request.board}, deadline {request.request.deadline}.
          {request.request.excluded.length > 0 && ` May not approve: ${request.request.excluded.join(", ")}.`}
        </p>
        <ul>
          {request.tally.roles.map((t) => (
            <li key={t.role}>
              {labelOf(v.signoff_roles, t.role)}: {t.approved} of {t.required} required ({t.members} on the board)
            </li>
          ))}
        </ul>
        <table class="grid">
          <thead>
            <tr>
              <th>Signer</th>
              <th>Role</th>
              <th>Decision</th>
              <th>Conditions</th>
              <th>Signed at</th>
              <th>Certificate</th>
            </tr>
          </thead>
          <tbody>
            {request.signatures.map((s) => (
              <tr key={s.fingerprint + s.role} data-testid="signature-row">
                <td>{s.signer}</td>
                <td>{labelOf(v.signoff_roles, s.role)}</td>
                <td>{labelOf(v.signoff_decisions, s.decision)}</td>
                <td>{s.conditions}</td>
                <td><When at={s.signed_at} /></td>
                <td>
                  <code>{s.fingerprint.slice(0, 16)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {request.request.proposed && <ProposalView proposed={request.request.proposed} />}
        <SnapshotEvidenceView snapshot={request.request.snapshot} />
        {request.changes.length > 0 && (
          <div data-testid="request-changes">
            <h3>Changed since the snapshot: open a new request and sign again</h3>
            <ul>
              {request.changes.map((c) => (
                <li key={c.field}>
                  <code>{c.field}</code>: {c.signed ?? "(none)"} → {c.now ?? "(none)"}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div class="row">
          <label class="grow">
            File
            <input type="text" data-testid="request-file" value={path} onInput={(e) => setPath(valueOf(e))} />
          </label>
          <button
            type="button"
            data-testid="request-export"
            disabled={busy || path.trim() === ""}
            onClick={() =>
              setAsk(() => async (p: string) => {
                const n = await run(() => backend.signoffExportRequest(request.id, p, path.trim()));
                if (n !== undefined) setDone(`Wrote the request file ${path.trim()}`);
              })
            }
          >
            Export request file
          </button>
          <button
            type="button"
            data-testid="request-import"
            disabled={busy || path.trim() === ""}
            onClick={async () => {
              const imported = await run(() => backend.signoffImportSignature(path.trim()));
              if (imported) {
                setDone(`Imported ${path.trim()}: ${labelOf(v.signoff_statuses, imported.status)}`);
                onImported();
              }
            }}
          >
            Import signature file
          </button>
          <button
            type="button"
            data-testid="request-certificate"
            disabled={busy || path.trim() === ""}
            onClick={() => {
              const out = path.trim();
              const format = out.toLowerCase().endsWith(".xlsx") ? "xlsx" : "pdf";
              if (format === "xlsx") {
                void run(() => backend.signoffCertificate(request.id, "xlsx", false, null, out)).then(
                  (n) => n !== undefined && setDone(`Wrote the certificate ${out}`),
                );
              } else {
                setAsk(() => async (p: string) => {
                  const n = await run(() => backend.signoffCertificate(request.id, "pdf", true, p, out));
                  if (n !== undefined) setDone(`Wrote the signed certificate ${out}`);
                });
              }
            }}
          >
            Write certificate (.pdf signed, or .xlsx)
          </button>
        </div>
        {done && <p data-testid="request-done">{done}</p>}
      </div>
      {ask && (
        <PassphraseDialog
          onCancel={() => setAsk(null)}
          onOk={(p) => {
            const f = ask;
            setAsk(null);
            void f(p);
          }}
        />
      )}
    </>
  );
}

/** What the board signs for a review: who met, on which frozen snapshot, every decision (with
 * any override's rationale and the dissent) and the actions set. */
export function OutcomeDetails({ outcome }: { outcome: ReviewOutcome }) {
  const v = useVocab();
  return (
    <div data-testid="outcome">
      <p>
        {outcome.title} ({outcome.period}), held {outcome.held_on}, chaired by {outcome.chair}. Attendees:{" "}
        {outcome.attendees.map((a) => (a.role ? `${a.name} (${a.role})` : a.name)).join(", ") || "none recorded"}.
        Frozen snapshot SHA-256 <code>{outcome.snapshot_hash}</code>.
      </p>
      <table class="grid" data-testid="outcome-decisions">
        <thead>
          <tr>
            <th>System</th>
            <th>Decision</th>
            <th>Recommendation</th>
            <th>Rationale</th>
            <th>Dissent</th>
            <th>Conditions</th>
          </tr>
        </thead>
        <tbody>
          {outcome.decisions.map((d) => (
            <tr key={d.system} data-testid="outcome-decision">
              <td>{d.system}</td>
              <td>
                {labelOf(v.dispositions, d.decision.decision)}
                {d.decision.overrode && " (override)"}
              </td>
              <td>{d.decision.recommendation ? labelOf(v.dispositions, d.decision.recommendation) : "none"}</td>
              <td>{d.decision.rationale}</td>
              <td>{d.decision.dissent.join(", ")}</td>
              <td>{d.decision.conditions}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {outcome.actions.length > 0 && (
        <ul data-testid="outcome-actions">
          {outcome.actions.map((a) => (
            <li key={`${a.system}/${a.title}/${a.due}`}>
              {a.system}: {a.title} (owner {a.owner}, due {a.due})
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
