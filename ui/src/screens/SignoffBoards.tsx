// Sign-offs, boards and rules: the review boards with their members (each with the role they sign
// in and their certificate), and the rule that says which board signs off a gate for a risk tier.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { BoardView } from "../bindings/BoardView";
import type { RiskTier } from "../bindings/RiskTier";
import type { RuleView } from "../bindings/RuleView";
import type { SignoffGate } from "../bindings/SignoffGate";
import type { SignoffRole } from "../bindings/SignoffRole";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

/** Names (of boards) as choices of a Select. */
const named = (names: string[]) => names.map((n) => ({ key: n, label: n }));

export function SignoffBoards() {
  const v = useVocab();
  const [boards, setBoards] = useState<BoardView[]>([]);
  const [rules, setRules] = useState<RuleView[]>([]);
  const { error, busy, run } = useAction();
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
          const form = { roles: rule.roles, quorum: rule.quorum, valid_days: rule.days };
          if (await run(() => backend.signoffSaveRule(rule.gate, rule.tier, rule.board || first, form))) {
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
