// The audit log in sequence order, and verification of its hash chain.
import { useEffect, useState } from "preact/hooks";

import type { AuditEntry } from "../bindings/AuditEntry";
import type { ChainReport } from "../bindings/ChainReport";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { useAction } from "../lib/useAction";

export function AuditScreen({ generation }: { generation: number }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [report, setReport] = useState<ChainReport | null>(null);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    backend.auditLog({ entity: null, entity_id: null, limit: null }).then(setEntries, setError);
  }, [generation]);

  const verify = async () => {
    const r = await run(() => backend.verifyAudit());
    if (r) setReport(r);
  };

  return (
    <section class="screen audit">
      <header class="screen-head">
        <h1>Audit log</h1>
        <span class="count">{entries ? `${entries.length} entries` : "…"}</span>
        <div class="spacer" />
        <button type="button" class="primary" data-testid="audit-verify" disabled={busy} onClick={verify}>
          Verify the chain
        </button>
      </header>
      <p class="hint">
        Every change is an entry whose SHA-256 hash covers the entry before it; verifying recomputes the whole chain.
      </p>
      {report && (
        <div class={report.first_bad ? "error-box" : "ok-box"} role="status" data-testid="audit-result">
          {report.first_bad ? (
            <p>
              <strong>The chain is broken at entry {report.first_bad.seq}</strong> ({report.first_bad.kind}):{" "}
              {report.first_bad.message}
            </p>
          ) : (
            <p>
              <strong>The chain is intact:</strong> {report.length} {report.length === 1 ? "entry" : "entries"}, head{" "}
              <code>{report.head.slice(0, 16)}…</code>
            </p>
          )}
        </div>
      )}
      {error && <ErrorBox error={error} />}
      <TableWrap label="Audit log">
        <table class="grid" data-testid="audit-table">
          <thead>
            <tr>
              <th class="num">#</th>
              <th>When (UTC)</th>
              <th>Who</th>
              <th>Record</th>
              <th>Action</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            {entries?.map((e) => (
              <tr key={e.seq} data-testid="audit-row">
                <td class="num">{e.seq}</td>
                <td class="date">{e.at.replace("T", " ").replace("Z", "")}</td>
                <td>{e.actor}</td>
                <td>{e.entity} #{e.entity_id}</td>
                <td><span class={`action action-${e.action}`}>{e.action}</span></td>
                <td><code class="hash">{e.hash.slice(0, 12)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries !== null && entries.length === 0 && <p class="empty">No changes recorded yet.</p>}
      </TableWrap>
    </section>
  );
}
