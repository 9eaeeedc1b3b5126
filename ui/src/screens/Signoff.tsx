// Sign-offs: review boards and rules, requests with their computed status and signatures, and
// the review screen a signer sees before signing a request file with their own key or a .p12.
// Every status, tally and check comes from core; this screen only shows and asks.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { ActionView } from "../bindings/ActionView";
import type { BoardView } from "../bindings/BoardView";
import type { RequestReview } from "../bindings/RequestReview";
import type { RequestView } from "../bindings/RequestView";
import type { RiskTier } from "../bindings/RiskTier";
import type { RuleView } from "../bindings/RuleView";
import type { SignoffDecision } from "../bindings/SignoffDecision";
import type { SignoffGate } from "../bindings/SignoffGate";
import type { SignoffRole } from "../bindings/SignoffRole";
import type { Status } from "../bindings/Status";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { keyLabel, parseRequirements, wholeNumber } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";

type Tab = "requests" | "boards" | "sign";

/** Names (of boards) as choices of a Select. */
const named = (names: string[]) => names.map((n) => ({ key: n, label: n }));

export function SignoffScreen({ onChanged }: { onChanged: () => void }) {
  const [tab, setTab] = useState<Tab>("requests");
  return (
    <section class="screen signoff">
      <header class="screen-head">
        <h1>Sign-offs</h1>
        <div class="row">
          {(["requests", "boards", "sign"] as Tab[]).map((t) => (
            <button
              key={t}
              type="button"
              class={tab === t ? "primary" : ""}
              data-testid={`signoff-tab-${t}`}
              onClick={() => setTab(t)}
            >
              {t === "requests" ? "Requests" : t === "boards" ? "Boards & rules" : "Sign a request file"}
            </button>
          ))}
        </div>
      </header>
      {tab === "requests" ? <Requests onChanged={onChanged} /> : tab === "boards" ? <Boards /> : <SignFile />}
    </section>
  );
}

function Boards() {
  const v = useVocab();
  const [boards, setBoards] = useState<BoardView[]>([]);
  const [rules, setRules] = useState<RuleView[]>([]);
  const { error, setError, busy, run } = useAction();
  const [boardName, setBoardName] = useState("");
  const [member, setMember] = useState({ board: "", name: "", role: "legal" as SignoffRole, cert: "" });
  const [rule, setRule] = useState({
    gate: "pre_deployment" as SignoffGate,
    tier: "high" as RiskTier,
    board: "",
    roles: "legal=1, compliance=1",
    quorum: "2",
    days: "30",
  });

  const load = useCallback(async () => {
    await run(async () => {
      const [b, r] = await Promise.all([backend.signoffBoards(), backend.signoffRules()]);
      setBoards(b);
      setRules(r);
    });
  }, [run]);
  useEffect(() => {
    void load();
  }, [load]);
  const first = boards[0]?.name ?? "";

  return (
    <div>
      {error && <ErrorBox error={error} />}
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => backend.signoffCreateBoard(boardName))) {
            setBoardName("");
            await load();
          }
        }}
      >
        <label class="grow">
          New review board
          <input type="text" data-testid="board-name" value={boardName} onInput={(e) => setBoardName(valueOf(e))} />
        </label>
        <button type="submit" class="primary" data-testid="board-create" disabled={busy || boardName.trim() === ""}>
          Create board
        </button>
      </form>
      <table class="grid" data-testid="board-members">
        <thead>
          <tr>
            <th>Board</th>
            <th>Member</th>
            <th>Role</th>
            <th>Certificate</th>
          </tr>
        </thead>
        <tbody>
          {boards.flatMap((b) =>
            b.members.length === 0
              ? [
                  <tr key={b.name} data-testid="member-row">
                    <td>{b.name}</td>
                    <td colSpan={3}>no members yet</td>
                  </tr>,
                ]
              : b.members.map((m) => (
                  <tr key={b.name + m.role + m.fingerprint} data-testid="member-row">
                    <td>{b.name}</td>
                    <td>{m.name}</td>
                    <td>{labelOf(v.signoff_roles, m.role)}</td>
                    <td title={m.subject}>
                      <code>{m.fingerprint.slice(0, 16)}…</code>
                    </td>
                  </tr>
                )),
          )}
        </tbody>
      </table>
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => backend.signoffAddMember(member.board || first, member.name, member.role, member.cert.trim()))) {
            setMember({ ...member, name: "", cert: "" });
            await load();
          }
        }}
      >
        <label>
          Board
          <Select testid="member-board" value={member.board || first} options={named(boards.map((b) => b.name))} onChange={(b) => setMember({ ...member, board: b })} />
        </label>
        <label>
          Name
          <input type="text" data-testid="member-name" value={member.name} onInput={(e) => setMember({ ...member, name: valueOf(e) })} />
        </label>
        <label>
          Role
          <Select testid="member-role" value={member.role} options={v.signoff_roles} onChange={(r) => setMember({ ...member, role: r })} />
        </label>
        <label class="grow">
          Their certificate (.pem, .cer)
          <input type="text" data-testid="member-cert" value={member.cert} onInput={(e) => setMember({ ...member, cert: valueOf(e) })} />
        </label>
        <button type="submit" data-testid="member-add" disabled={busy || boards.length === 0 || member.name.trim() === "" || member.cert.trim() === ""}>
          Add member
        </button>
      </form>

      <h2>Rules</h2>
      <table class="grid" data-testid="rules">
        <thead>
          <tr>
            <th>Gate</th>
            <th>Risk tier</th>
            <th>Board</th>
            <th>Roles</th>
            <th>Quorum</th>
            <th>Days</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.gate + r.risk_tier} data-testid="rule-row">
              <td>{labelOf(v.signoff_gates, r.gate)}</td>
              <td>{labelOf(v.risk_tiers, r.risk_tier)}</td>
              <td>{r.board}</td>
              <td>{r.spec.roles.map((x) => `${labelOf(v.signoff_roles, x.role)} ${x.required}`).join(", ")}</td>
              <td>{r.spec.quorum}</td>
              <td>{r.spec.valid_days}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          const parsed = parseRequirements(rule.roles, v.signoff_roles);
          const quorum = wholeNumber(rule.quorum);
          const days = wholeNumber(rule.days);
          if ("error" in parsed) return setError({ code: "validation", message: `roles: ${parsed.error}` } as WireError);
          if (quorum === null) return setError({ code: "validation", message: "quorum: give a whole number of approvals" } as WireError);
          if (days === null) return setError({ code: "validation", message: "days: give a whole number of days" } as WireError);
          if (await run(() => backend.signoffSaveRule(rule.gate, rule.tier, rule.board || first, { roles: parsed.roles, quorum, valid_days: days }))) {
            await load();
          }
        }}
      >
        <label>
          Gate
          <Select testid="rule-gate" value={rule.gate} options={v.signoff_gates} onChange={(g) => setRule({ ...rule, gate: g })} />
        </label>
        <label>
          Risk tier
          <Select testid="rule-tier" value={rule.tier} options={v.risk_tiers} onChange={(t) => setRule({ ...rule, tier: t })} />
        </label>
        <label>
          Board
          <Select testid="rule-board" value={rule.board || first} options={named(boards.map((b) => b.name))} onChange={(b) => setRule({ ...rule, board: b })} />
        </label>
        <label class="grow">
          Roles (ROLE=N)
          <input type="text" data-testid="rule-roles" value={rule.roles} onInput={(e) => setRule({ ...rule, roles: valueOf(e) })} />
        </label>
        <label>
          Quorum
          <input type="text" size={3} data-testid="rule-quorum" value={rule.quorum} onInput={(e) => setRule({ ...rule, quorum: valueOf(e) })} />
        </label>
        <label>
          Days
          <input type="text" size={3} data-testid="rule-days" value={rule.days} onInput={(e) => setRule({ ...rule, days: valueOf(e) })} />
        </label>
        <button type="submit" data-testid="rule-save" disabled={busy || boards.length === 0}>
          Save rule
        </button>
      </form>
    </div>
  );
}

function Requests({ onChanged }: { onChanged: () => void }) {
  const v = useVocab();
  const [list, setList] = useState<RequestView[]>([]);
  const [actions, setActions] = useState<ActionView[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
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

function SignFile() {
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
          <table class="grid" data-testid="sign-snapshot">
            <tbody>
              {Object.entries(review.request.snapshot.system).map(([k, value]) => (
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
