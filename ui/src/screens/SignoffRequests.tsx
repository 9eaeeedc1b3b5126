// Sign-offs, requests: opening one for a system and a gate (a major-change request with the
// proposed values of the major fields; a pre-deployment request, with the system's evidence
// status shown, may ask the board for an evidence exception with a reason), each request's status, tally and signatures as core
// computes them, exporting the request file, importing signature files, the certificate of a
// decision, and the actions the conditions of approvals call for.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { ActionView } from "../bindings/ActionView";
import type { AiSystem } from "../bindings/AiSystem";
import type { EvidenceSummary } from "../bindings/EvidenceSummary";
import type { SystemDraft } from "../bindings/SystemDraft";
import type { RequestView } from "../bindings/RequestView";
import type { SignoffGate } from "../bindings/SignoffGate";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { draftOf } from "../lib/signoff";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { Outcome } from "./Evidence";
import { ProposalForm } from "./SignoffProposal";
import { RequestPanel } from "./SignoffRequestPanel";

/** The system a person typed (its name ignoring case, or its number), among `systems`. */
function typed(systems: AiSystem[], text: string): AiSystem | null {
  const t = text.trim().toLowerCase();
  const id = Number(t.replace(/^#/, ""));
  return systems.find((s) => s.name.toLowerCase() === t) ?? systems.find((s) => t !== "" && s.id === id) ?? null;
}

export function SignoffRequests({ onChanged, initialSelected }: { onChanged: () => void; initialSelected?: number | null }) {
  const v = useVocab();
  const [list, setList] = useState<RequestView[]>([]);
  const [actions, setActions] = useState<ActionView[]>([]);
  const [selected, setSelected] = useState<number | null>(initialSelected ?? null);
  const { error, busy, run } = useAction();
  const [system, setSystem] = useState("");
  const [gate, setGate] = useState<SignoffGate>("pre_deployment");
  const [systems, setSystems] = useState<AiSystem[]>([]);
  const [proposal, setProposal] = useState<SystemDraft | null>(null);
  const [evidence, setEvidence] = useState<EvidenceSummary[]>([]);
  const [exception, setException] = useState(false);
  const [reason, setReason] = useState("");
  const major = gate === "major_change";
  const preDeployment = gate === "pre_deployment";
  const target = major || preDeployment ? typed(systems, system) : null;
  const targetEvidence = preDeployment && target ? evidence.find((e) => e.system_id === target.id) ?? null : null;

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
  useEffect(() => {
    if (!preDeployment) return;
    backend.evidenceStatuses().then(setEvidence, () => setEvidence([]));
  }, [preDeployment]);
  useEffect(() => {
    if (!(major || preDeployment) || systems.length > 0) return;
    backend
      .listSystems({ text: "", stages: [], risk_tiers: [], business_units: [], regulated_domains: [], sourcing: null, tag: null, sort: "name", descending: false })
      .then(setSystems, () => setSystems([]));
  }, [major, preDeployment]);
  // A proposal starts from the system's record as it is now.
  useEffect(() => setProposal(major && target ? draftOf(target) : null), [target?.id, major]);
  const current = list.find((r) => r.id === selected) ?? null;

  return (
    <div>
      {error && <ErrorBox error={error} />}
      <form
        class="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await run(() =>
            preDeployment && exception
              ? backend.signoffRequestException(system, reason)
              : backend.signoffCreateRequest(system, gate, major ? proposal : null),
          );
          if (r) {
            setSelected(r.id);
            setSystem("");
            setException(false);
            setReason("");
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
          <Select
            testid="request-gate"
            value={gate}
            options={v.signoff_gates.filter((g) => g.key !== "portfolio_review")}
            onChange={setGate}
          />
        </label>
        <button type="submit" class="primary" data-testid="request-create"
          disabled={busy || system.trim() === "" || (major && !proposal) || (preDeployment && exception && reason.trim() === "")}>
          Open request
        </button>
        {preDeployment && targetEvidence && (
          <p class="hint grow" data-testid="request-evidence">
            Validation evidence of {targetEvidence.system}, model version {targetEvidence.model_version || "(none recorded)"}:{" "}
            <Outcome state={targetEvidence.state} />
            {targetEvidence.failing.length > 0 && ` ${targetEvidence.failing.length} ${targetEvidence.failing.length === 1 ? "check does" : "checks do"} not pass.`}
            {!targetEvidence.gated && " No pre-deployment rule for its tier reads it."}
          </p>
        )}
        {preDeployment && (
          <div class="grow exception">
            <label class="check">
              <input type="checkbox" data-testid="request-exception" checked={exception}
                onChange={(e) => setException((e.currentTarget as HTMLInputElement).checked)} />
              Ask the board for an evidence exception: approve the promotion although the evidence does not meet the policy
            </label>
            {exception && (
              <label class="grow">
                The reason the board is asked to approve it for (it is part of what the board signs)
                <textarea rows={3} data-testid="request-exception-reason" value={reason} onInput={(e) => setReason(valueOf(e))} />
              </label>
            )}
          </div>
        )}
        {major && !target && system.trim() !== "" && (
          <p class="hint" data-testid="proposal-hint">Type the name of a system in the register to propose its change.</p>
        )}
        {major && proposal && <ProposalForm draft={proposal} onChange={setProposal} />}
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
              <td>
                <button type="button" class="link" data-testid="request-open" aria-label={`Open request ${r.id}`}
                  onClick={(e) => { e.stopPropagation(); setSelected(r.id); }}>
                  {r.id}
                </button>
              </td>
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
        <RequestPanel
          request={current}
          onImported={async () => {
            await load();
            onChanged();
          }}
        />
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
    </div>
  );
}
