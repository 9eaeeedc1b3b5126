// Sign-offs, requests: opening one for a system and a gate, each request's status, tally and
// signatures as core computes them, exporting the request file, importing signature files, the
// certificate of a decision, and the actions the conditions of approvals call for.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { ActionView } from "../bindings/ActionView";
import type { RequestView } from "../bindings/RequestView";
import type { SignoffGate } from "../bindings/SignoffGate";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";

export function SignoffRequests({ onChanged, initialSelected }: { onChanged: () => void; initialSelected?: number | null }) {
  const v = useVocab();
  const [list, setList] = useState<RequestView[]>([]);
  const [actions, setActions] = useState<ActionView[]>([]);
  const [selected, setSelected] = useState<number | null>(initialSelected ?? null);
  const { error, busy, run } = useAction();
  const [system, setSystem] = useState("");
  const [gate, setGate] = useState<SignoffGate>("pre_deployment");
  const [path, setPath] = useState("");
  const [ask, setAsk] = useState<null | ((p: string) => Promise<void>)>(null);
  const [done, setDone] = useState("");

  const load = useCallback(async () => {
    await run(async () => {
      const [l, a] = await Promise.all([backend.signoffRequests(), backend.signoffActions()]);
      setList(l);
      setActions(a);
    });
  }, [run]);
  useEffect(() => {
    void load();
  }, [load]);
  const current = list.find((r) => r.id === selected) ?? null;

  return (
    <div>
      {error && <ErrorBox error={error} />}
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await run(() => backend.signoffCreateRequest(system, gate));
          if (r) {
            setSelected(r.id);
            setSystem("");
            await load();
          }
        }}
      >
        <label class="grow">
          System (name or id)
          <input type="text" data-testid="request-system" value={system} onInput={(e) => setSystem(valueOf(e))} />
        </label>
        <label>
          Gate
          <Select testid="request-gate" value={gate} options={v.signoff_gates} onChange={setGate} />
        </label>
        <button type="submit" class="primary" data-testid="request-create" disabled={busy || system.trim() === ""}>
          Open request
        </button>
      </form>
      <table class="grid" data-testid="requests">
        <thead>
          <tr>
            <th>#</th>
            <th>System</th>
            <th>Gate</th>
            <th>Status</th>
            <th>Approvals</th>
            <th>Deadline</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr
              key={r.id}
              data-testid="request-row"
              class={r.id === selected ? "selected" : ""}
              onClick={() => setSelected(r.id)}
            >
              <td>{r.id}</td>
              <td>{r.request.system_name}</td>
              <td>{labelOf(v.signoff_gates, r.request.gate)}</td>
              <td>
                <span class={`badge status-${r.status}`} data-testid="request-status">
                  {labelOf(v.signoff_statuses, r.status)}
                </span>
              </td>
              <td>
                {r.tally.approvals} / {r.tally.quorum}
              </td>
              <td>{r.request.deadline}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {current && (
        <div class="panel" data-testid="request-detail" data-status={current.status}>
          <h2>
            {labelOf(v.signoff_gates, current.request.gate)} sign-off of {current.request.system_name}:{" "}
            <span data-testid="detail-status">{labelOf(v.signoff_statuses, current.status)}</span>
          </h2>
          <p class="hint">
            Request {current.request.uid}, snapshot SHA-256 <code>{current.request.snapshot_hash}</code>, board{" "}
            {current.request.board}, deadline {current.request.deadline}.
            {current.request.excluded.length > 0 && ` May not approve: ${current.request.excluded.join(", ")}.`}
          </p>
          <ul>
            {current.tally.roles.map((t) => (
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
              {current.signatures.map((s) => (
                <tr key={s.fingerprint + s.role} data-testid="signature-row">
                  <td>{s.signer}</td>
                  <td>{labelOf(v.signoff_roles, s.role)}</td>
                  <td>{labelOf(v.signoff_decisions, s.decision)}</td>
                  <td>{s.conditions}</td>
                  <td>{s.signed_at}</td>
                  <td>
                    <code>{s.fingerprint.slice(0, 16)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {current.changes.length > 0 && (
            <div data-testid="request-changes">
              <h3>Changed since the snapshot: open a new request and sign again</h3>
              <ul>
                {current.changes.map((c) => (
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
                  const n = await run(() => backend.signoffExportRequest(current.id, p, path.trim()));
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
                  await load();
                  onChanged();
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
                  void run(() => backend.signoffCertificate(current.id, "xlsx", false, null, out)).then(
                    (n) => n !== undefined && setDone(`Wrote the certificate ${out}`),
                  );
                } else {
                  setAsk(() => async (p: string) => {
                    const n = await run(() => backend.signoffCertificate(current.id, "pdf", true, p, out));
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
      )}

      <h2>Actions from conditions</h2>
      <table class="grid" data-testid="signoff-actions">
        <thead>
          <tr>
            <th>Due</th>
            <th>Owner</th>
            <th>System</th>
            <th>Action</th>
          </tr>
        </thead>
        <tbody>
          {actions.map((a) => (
            <tr key={a.id} data-testid="action-row">
              <td>{a.due}</td>
              <td>{a.owner}</td>
              <td>{a.system}</td>
              <td>{a.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
    </div>
  );
}
