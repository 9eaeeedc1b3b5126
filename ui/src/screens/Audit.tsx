// The audit log, newest first: filtered by record, person, action and dates, a page at a time,
// each entry named and expandable to its changes field by field; its verification (the hash
// chain, every record against the log, the seals) and sealing it with one's signing identity.
// Core filters, names, diffs and checks; this screen only asks and shows.
import { useEffect, useState } from "preact/hooks";

import type { AuditChoices } from "../bindings/AuditChoices";
import type { AuditPage } from "../bindings/AuditPage";
import type { AuditRow } from "../bindings/AuditRow";
import type { AuditVerification } from "../bindings/AuditVerification";
import type { SealCheck } from "../bindings/SealCheck";
import type { WireError } from "../bindings/WireError";
import { asWireError, backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { When } from "../components/When";
import { type AuditFilters, fieldValue, noAuditFilters, pageLabel, pages, toAuditQuery } from "../lib/audit";
import { valueOf } from "../lib/dom";
import { formatTime } from "../lib/format";
import { keyLabel } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";

export function AuditScreen({ generation }: { generation: number }) {
  const [filters, setFilters] = useState<AuditFilters>(noAuditFilters);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<AuditPage | null>(null);
  const [choices, setChoices] = useState<AuditChoices | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [report, setReport] = useState<AuditVerification | null>(null);
  const [sealing, setSealing] = useState(false);
  const [sealed, setSealed] = useState<SealCheck | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    backend.auditChoices(filters.entity === "" ? null : filters.entity).then(setChoices, (e) => setLoadError(asWireError(e)));
  }, [generation, filters.entity]);

  useEffect(() => {
    backend.auditLog(toAuditQuery(filters, offset)).then(
      (p) => {
        setPage(p);
        setLoadError(null);
      },
      (e) => {
        // A refused filter shows no entries: those of the filters before it would mislead.
        setPage(null);
        setLoadError(asWireError(e));
      },
    );
  }, [generation, filters, offset]);

  const set = (key: keyof AuditFilters, value: string) => {
    // A record belongs to its kind: choosing another kind clears it.
    setFilters((f) => ({ ...f, [key]: value, ...(key === "entity" ? { record: "" } : {}) }));
    setOffset(0);
    setOpen(null);
  };
  const go = (to: number) => {
    setOffset(to);
    setOpen(null);
  };

  const verify = async () => {
    const r = await run(() => backend.verifyAudit());
    if (r) setReport(r);
  };

  const seal = async (passphrase: string) => {
    setSealing(false);
    setSealed(null);
    const s = await run(() => backend.sealAudit(passphrase));
    if (s) {
      setSealed(s);
      await verify();
    }
  };

  const nav = page ? pages(offset, page.total) : { prev: null, next: null };
  const filtered = Object.values(filters).some((v) => v !== "");

  return (
    <section class="screen audit">
      <header class="screen-head">
        <h1>Audit log</h1>
        <span class="count" data-testid="audit-count">
          {page ? pageLabel(offset, page.entries.length, page.total) : "…"}
        </span>
        <div class="spacer" />
        <button type="button" data-testid="audit-seal" disabled={busy} onClick={() => setSealing(true)}>
          Seal the log
        </button>
        <button type="button" class="primary" data-testid="audit-verify" disabled={busy} onClick={verify}>
          Verify the log
        </button>
      </header>
      <p class="hint">
        Every change is an entry whose SHA-256 hash covers the entry before it. Verifying recomputes the whole chain,
        compares every record with what the log says it became, and checks each seal: a signature, made with a
        person's signing key, over the chain as it stood. Newest first; open an entry to see what it changed, field by
        field.
      </p>
      {sealing && <PassphraseDialog onOk={(p) => void seal(p)} onCancel={() => setSealing(false)} />}
      {sealed && (
        <p class="ok-box" role="status" data-testid="audit-sealed">
          Sealed at entry {sealed.seq} by {sealed.signer} (certificate <code>{sealed.fingerprint.slice(0, 16)}…</code>).
        </p>
      )}
      {report && <Verification report={report} />}
      {error && <ErrorBox error={error} />}
      <div class="filters" role="search">
        <select aria-label="Kind of record" data-testid="audit-entity" value={filters.entity} onChange={(e) => set("entity", valueOf(e))}>
          <option value="">Any kind of record</option>
          {choices?.entities.map((k) => (
            <option key={k.key} value={k.key}>
              {k.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Record"
          data-testid="audit-record"
          value={filters.record}
          disabled={filters.entity === ""}
          onChange={(e) => set("record", valueOf(e))}
        >
          <option value="">{filters.entity === "" ? "Choose a kind first" : "Any record"}</option>
          {choices?.records.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <select aria-label="Person" data-testid="audit-actor" value={filters.actor} onChange={(e) => set("actor", valueOf(e))}>
          <option value="">Anyone</option>
          {choices?.actors.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <select aria-label="Action" data-testid="audit-action" value={filters.action} onChange={(e) => set("action", valueOf(e))}>
          <option value="">Any action</option>
          {choices?.actions.map((a) => (
            <option key={a} value={a}>
              {actionWords(a)}
            </option>
          ))}
        </select>
        <label>
          From <input type="date" data-testid="audit-from" value={filters.from} onChange={(e) => set("from", valueOf(e))} />
        </label>
        <label>
          To <input type="date" data-testid="audit-to" value={filters.to} onChange={(e) => set("to", valueOf(e))} />
        </label>
        {filtered && (
          <button type="button" data-testid="audit-clear" onClick={() => { setFilters(noAuditFilters); go(0); }}>
            Clear filters
          </button>
        )}
      </div>
      {loadError && <ErrorBox error={loadError} testid="audit-error" />}
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
              <th />
            </tr>
          </thead>
          <tbody>
            {page?.entries.map((r) => (
              <Entry key={r.seq} row={r} open={open === r.seq} onToggle={() => setOpen(open === r.seq ? null : r.seq)} />
            ))}
          </tbody>
        </table>
        {page !== null && page.entries.length === 0 && (
          <p class="empty">{filtered ? "No entries match these filters." : "No changes recorded yet."}</p>
        )}
      </TableWrap>
      <div class="toolbar pager">
        <button type="button" data-testid="audit-prev" disabled={nav.prev === null} onClick={() => nav.prev !== null && go(nav.prev)}>
          ← Newer
        </button>
        <button type="button" data-testid="audit-next" disabled={nav.next === null} onClick={() => nav.next !== null && go(nav.next)}>
          Older →
        </button>
      </div>
    </section>
  );
}

/** What verifying found: the chain, the records against the log, each seal, what is unsealed. */
function Verification({ report }: { report: AuditVerification }) {
  const { chain, state, seals } = report;
  return (
    <div class={report.intact ? "ok-box" : "error-box"} role="status" data-testid="audit-result">
      <p data-testid="audit-chain">
        {chain.first_bad ? (
          <>
            <strong>The chain is broken at entry {chain.first_bad.seq}</strong> ({chain.first_bad.kind}): {chain.first_bad.message}
          </>
        ) : (
          <>
            <strong>The chain is intact:</strong> {chain.length} {chain.length === 1 ? "entry" : "entries"}, head{" "}
            <code>{chain.head.slice(0, 16)}…</code>
          </>
        )}
      </p>
      <p data-testid="audit-state">
        {state.findings.length === 0 ? (
          <>
            <strong>Every record is as the log says:</strong> {state.records} records compared.
          </>
        ) : (
          <strong>
            {state.findings.length} of {state.records} records are not as the log says they became:
          </strong>
        )}
      </p>
      {state.findings.length > 0 && (
        <TableWrap label="Records not as the log says">
          <table class="grid compact" data-testid="audit-findings">
            <thead>
              <tr>
                <th>Record</th>
                <th>What was found</th>
                <th>Field</th>
                <th>Logged</th>
                <th>Stored</th>
              </tr>
            </thead>
            <tbody>
              {state.findings.map((f) =>
                (f.fields.length === 0 ? [null] : f.fields).map((x, i) => (
                  <tr key={`${f.entity}/${f.entity_id}/${i}`} data-testid="audit-finding">
                    <td>
                      {i === 0 && (
                        <>
                          <span class="muted">{f.entity_label}:</span> {f.name}
                        </>
                      )}
                    </td>
                    <td>{i === 0 && f.message}</td>
                    <td>{x?.field ?? "—"}</td>
                    <td class="before">{x ? fieldValue(x.logged) : "—"}</td>
                    <td class="after">{x ? fieldValue(x.stored) : "—"}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </TableWrap>
      )}
      {state.not_comparable.length > 0 && (
        <ul class="muted" data-testid="audit-not-comparable">
          {state.not_comparable.map((n) => (
            <li key={n.entity}>
              Not compared: {n.entity_label} ({n.count}): {n.reason}
            </li>
          ))}
        </ul>
      )}
      <p data-testid="audit-unsealed">
        {seals.length === 0 ? "No seal yet" : `${seals.length} ${seals.length === 1 ? "seal" : "seals"}`};{" "}
        {report.unsealed} {report.unsealed === 1 ? "entry" : "entries"} after the last valid seal (unsealed).
      </p>
      {seals.length > 0 && (
        <ul data-testid="audit-seals">
          {seals.map((s) => (
            <li key={s.seq} data-testid="audit-seal-row">
              Entry {s.seq}, sealed by {s.signer} (certificate <code>{s.fingerprint.slice(0, 16)}…</code>) at{" "}
              <When at={s.sealed_at} />: <strong>{s.valid ? "valid" : "FAILING"}</strong>
              {!s.valid && <> — {s.message}</>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** An action as words: "add_member" reads "add member". */
const actionWords = (action: string) => action.replace(/_/g, " ");

function Entry({ row, open, onToggle }: { row: AuditRow; open: boolean; onToggle: () => void }) {
  const v = useVocab();
  const fieldLabel = (key: string) =>
    v.system_fields.find((f) => f.key === key)?.label ?? v.scorecard_fields.find((f) => f.key === key)?.label ?? keyLabel(key);
  return (
    <>
      <tr data-testid="audit-row" data-seq={row.seq}>
        <td class="num">{row.seq}</td>
        <td class="date">{formatTime(row.at)}</td>
        <td>{row.actor}</td>
        <td data-testid="audit-record-name">
          <span class="muted">{row.entity_label}:</span> {row.name}
        </td>
        <td>
          <span class={`action action-${row.action}`}>{actionWords(row.action)}</span>
        </td>
        <td>
          <code class="hash">{row.hash.slice(0, 12)}</code>
        </td>
        <td>
          <button type="button" class="link" data-testid="audit-expand" aria-expanded={open} onClick={onToggle}>
            {open ? "Hide changes" : `Changes (${row.changes.length})`}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="audit-changes" data-testid="audit-changes">
          <td colSpan={7}>
            {row.changes.length === 0 ? (
              <p class="empty">No field changed.</p>
            ) : (
              <table class="grid compact">
                <thead>
                  <tr>
                    <th>Field</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {row.changes.map((c) => (
                    <tr key={c.field} data-testid="audit-change">
                      <td>{fieldLabel(c.field)}</td>
                      <td class="before">{fieldValue(c.before)}</td>
                      <td class="after">{fieldValue(c.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
