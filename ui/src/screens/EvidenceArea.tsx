// The Evidence area: every system's evidence status against the policy (each opens the system's
// page with its Evidence panel), and the evidence policy editor. Core computes each status.
import { useEffect, useState } from "preact/hooks";

import type { EvidenceSummary } from "../bindings/EvidenceSummary";
import { backend } from "../backend";
import { RiskBadge, StageBadge } from "../components/Badge";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { useAction } from "../lib/useAction";
import { Outcome } from "./Evidence";
import { EvidencePolicyEditor } from "./EvidencePolicy";
import { SystemDetail } from "./SystemDetail";

type Tab = "systems" | "policy";

export function EvidenceScreen({ generation, onChanged }: { generation: number; onChanged: () => void }) {
  const [tab, setTab] = useState<Tab>("systems");
  const [list, setList] = useState<EvidenceSummary[] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const { error, run } = useAction();

  useEffect(() => {
    if (tab === "systems" && open === null) void run(async () => setList(await backend.evidenceStatuses()));
  }, [tab, open, generation, run]);

  if (open !== null) {
    return <SystemDetail id={open} backLabel="Evidence" onBack={() => setOpen(null)} onChanged={onChanged} />;
  }
  return (
    <section class="screen evidence-area" data-testid="evidence-screen">
      <header class="screen-head">
        <h1>Evidence</h1>
        <div class="row">
          {(["systems", "policy"] as Tab[]).map((t) => (
            <button key={t} type="button" class={tab === t ? "primary" : ""} data-testid={`evidence-area-${t}`} onClick={() => setTab(t)}>
              {t === "systems" ? "Systems" : "Policy"}
            </button>
          ))}
        </div>
      </header>
      {tab === "policy" ? (
        <EvidencePolicyEditor onChanged={onChanged} />
      ) : (
        <>
          <p class="hint">
            Each system's validation evidence for its current model version against the evidence policy of its risk tier.
            Open a system to see its checks, runs and bias results, or to record or import evidence.
          </p>
          {error && <ErrorBox error={error} />}
          {list === null ? (
            <p aria-busy="true">Loading…</p>
          ) : (
            <TableWrap label="Evidence status of every system">
              <table class="grid" data-testid="evidence-systems">
                <thead>
                  <tr>
                    <th>System</th><th>Stage</th><th>Risk tier</th><th>Model version</th><th>Evidence</th>
                    <th class="num">Checks failing</th><th class="num">Runs</th><th class="num">Bias results</th><th>Read by the gate</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.system_id} data-testid="evidence-system" data-system={s.system} data-state={s.state}>
                      <td>
                        <button type="button" class="link" data-testid="evidence-system-open" onClick={() => setOpen(s.system_id)}>
                          {s.system}
                        </button>
                      </td>
                      <td><StageBadge stage={s.stage} /></td>
                      <td><RiskBadge tier={s.risk_tier} /></td>
                      <td>{s.model_version || <span class="muted">none recorded</span>}</td>
                      <td><Outcome state={s.state} /></td>
                      <td class="num">{s.failing.length}</td>
                      <td class="num">{s.runs}</td>
                      <td class="num">{s.bias}</td>
                      <td>{s.gated ? "Yes" : "No"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </>
      )}
    </section>
  );
}
