// The audit log, newest first: filtered by record, person, action and dates, a page at a time,
// each entry named and expandable to its changes field by field; and verification of its hash
// chain. Core filters, names and diffs; this screen only asks and shows.
import { useEffect, useState } from "preact/hooks";

import type { AuditChoices } from "../bindings/AuditChoices";
import type { AuditPage } from "../bindings/AuditPage";
import type { AuditRow } from "../bindings/AuditRow";
import type { ChainReport } from "../bindings/ChainReport";
import type { WireError } from "../bindings/WireError";
import { asWireError, backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { type AuditFilters, fieldValue, noAuditFilters, pageLabel, pages, toAuditQuery } from "../lib/audit";
import { valueOf } from "../lib/dom";
import { formatTime } from "../lib/format";
import { keyLabel } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";

export function AuditScreen({ generation }: { generation: number }) {
  const [filters, setFilters] = useState<AuditFilters>(noAuditFilters);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<AuditPage | null>(null);
  const [choices, setChoices] = useState<AuditChoices | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [report, setReport] = useState<ChainReport | null>(null);
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
        <button type="button" class="primary" data-testid="audit-verify" disabled={busy} onClick={verify}>
          Verify the chain
        </button>
      </header>
      <p class="hint">
        Every change is an entry whose SHA-256 hash covers the entry before it; verifying recomputes the whole chain.
        Newest first; open an entry to see what it changed, field by field.
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
