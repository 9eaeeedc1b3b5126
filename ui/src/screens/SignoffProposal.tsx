// A major-change request's proposal: the form that proposes new values of the major fields (the
// fields core's vocabulary names as major, shown with the system's values now), and the proposal
// as a signer and the request's page read it. Core decides what is major and checks the proposal.
import type { ProposedChange } from "../bindings/ProposedChange";
import type { SystemDraft } from "../bindings/SystemDraft";
import { valueOf } from "../lib/dom";
import { proposalRows } from "../lib/signoff";
import { useVocab } from "../lib/vocab";

/** Inputs for the major fields of `draft`, each starting at the system's value now. */
export function ProposalForm({ draft, onChange }: { draft: SystemDraft; onChange: (d: SystemDraft) => void }) {
  const v = useVocab();
  const closed: Partial<Record<keyof SystemDraft, { key: string; label: string }[]>> = {
    sourcing: v.sourcing,
    regulated_domain: v.regulated_domains,
    eu_ai_act_category: [{ key: "", label: "Not classified" }, ...v.eu_ai_act_categories],
    risk_tier: v.risk_tiers,
    data_sensitivity: v.data_sensitivities,
  };
  const set = (key: keyof SystemDraft, value: string) => {
    const empty = key === "eu_ai_act_category" || key === "last_retrained" ? null : "";
    onChange({ ...draft, [key]: value === "" ? empty : value });
  };
  return (
    <fieldset class="panel" data-testid="proposal-form">
      <legend>Proposed change: the new values (a request for a change not made yet)</legend>
      {v.major_change_fields.map((f) => {
        const key = f.key as keyof SystemDraft;
        const value = (draft[key] as string | null | undefined) ?? "";
        const choices = closed[key];
        return (
          <label key={f.key}>
            {f.label}
            {choices ? (
              <select data-testid={`proposed-${f.key}`} value={value} onChange={(e) => set(key, valueOf(e))}>
                {choices.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type={key === "last_retrained" ? "date" : "text"}
                data-testid={`proposed-${f.key}`}
                value={value}
                onInput={(e) => set(key, valueOf(e))}
              />
            )}
          </label>
        );
      })}
    </fieldset>
  );
}

/** The change a major-change request proposes, field by field: the value now and the one proposed. */
export function ProposalView({ proposed }: { proposed: ProposedChange[] }) {
  const v = useVocab();
  const show = (lines: string[]) => (lines.length === 0 ? "not recorded" : lines.join("; "));
  return (
    <div class="panel changes-since" data-testid="proposal">
      <p>Proposed change (the record under review has it made):</p>
      <table class="grid form-view">
        <tbody>
          {proposalRows(proposed, v).map((r) => (
            <tr key={r.key} data-testid="proposal-field" data-field={r.key}>
              <th scope="row">{r.label}</th>
              <td>
                {show(r.to)}
                <div class="was">Now: {show(r.from)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
