// A system's lifecycle on its page: milestones (planned and actual dates per stage) and, once its
// retirement has started, the decommissioning checklist with done/waive per item.
import { useEffect, useState } from "preact/hooks";

import type { AiSystem } from "../bindings/AiSystem";
import type { ChecklistItem } from "../bindings/ChecklistItem";
import type { Labelled } from "../bindings/Labelled";
import type { Milestone } from "../bindings/Milestone";
import type { MilestoneKind } from "../bindings/MilestoneKind";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { When } from "../components/When";

interface Props {
  system: AiSystem;
  /** Bumped by the page when the system changed (e.g. its retirement started). */
  generation: number;
  onChanged: () => void;
}

export function SystemLifecycle({ system, generation, onChanged }: Props) {
  // The milestones in the order they happen, as core lists them.
  const kinds = useVocab().milestone_kinds;
  const [milestones, setMilestones] = useState<Milestone[]>([]);
  const [draft, setDraft] = useState<Record<string, { planned: string; actual: string }>>({});
  const [checklist, setChecklist] = useState<ChecklistItem[]>([]);
  const { error, setError, run } = useAction();
  const [saved, setSaved] = useState(false);

  const load = async () => {
    const [ms, items] = await Promise.all([backend.milestones(system.id), backend.checklist(system.id)]);
    setMilestones(ms);
    setDraft(toDraft(ms));
    setChecklist(items);
  };

  useEffect(() => {
    load().catch(setError);
  }, [system.id, generation]);

  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const list: Milestone[] = kinds.map(({ key }) => ({
      kind: key,
      planned: draft[key]?.planned || null,
      actual: draft[key]?.actual || null,
    })).filter((m) => m.planned || m.actual);
    const ms = await run(() => backend.setMilestones(system.id, list));
    if (ms) {
      setMilestones(ms);
      setDraft(toDraft(ms));
      setSaved(true);
      onChanged();
    }
  };

  const fieldError = (field: string) => error?.fields?.find((f) => f.field === field)?.message;
  const set = (kind: string, which: "planned" | "actual", value: string) =>
    setDraft({ ...draft, [kind]: { ...(draft[kind] ?? { planned: "", actual: "" }), [which]: value } });
  const dirty = JSON.stringify(toDraft(milestones)) !== JSON.stringify(normalise(draft, kinds));
  // The fields this form shows an error beside.
  const placed = new Set(kinds.flatMap(({ key }) => [`${key}.planned`, `${key}.actual`]));

  return (
    <div class="lifecycle">
      <h2>Milestones</h2>
      <form onSubmit={save} data-testid="milestones-form">
        <table class="grid compact">
          <thead><tr><th>Stage</th><th class="date">Planned</th><th class="date">Actual</th></tr></thead>
          <tbody>
            {kinds.map(({ key, label }) => (
              <tr>
                <td>{label}</td>
                {(["planned", "actual"] as const).map((which) => (
                  <td class="date">
                    <input type="date" aria-label={`${label}, ${which}`} data-testid={`milestone-${key}-${which}`}
                      value={draft[key]?.[which] ?? ""}
                      aria-invalid={fieldError(`${key}.${which}`) ? true : undefined}
                      onInput={(e) => set(key, which, (e.target as HTMLInputElement).value)} />
                    {fieldError(`${key}.${which}`) && (
                      <div class="field-error" data-testid={`milestone-${key}-${which}-error`}>{fieldError(`${key}.${which}`)}</div>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {/* An error no date field shows (e.g. a stage given twice) is shown here, whole. */}
        {error && ((error.fields ?? []).length === 0 || (error.fields ?? []).some((f) => !placed.has(f.field))) && (
          <ErrorBox error={error} testid="milestones-error" />
        )}
        <div class="actions">
          <button type="submit" data-testid="milestones-save" disabled={!dirty}>Save milestones</button>
          {saved && !dirty && <span class="muted" role="status">Saved.</span>}
        </div>
      </form>

      {checklist.length > 0 && (
        <Checklist system={system} items={checklist} onChanged={async () => {
          await load();
          onChanged();
        }} />
      )}
    </div>
  );
}

function Checklist({ system, items, onChanged }: { system: AiSystem; items: ChecklistItem[]; onChanged: () => void }) {
  const v = useVocab();
  const [waiving, setWaiving] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const { error, run } = useAction();
  const open = items.filter((i) => i.state === "open").length;

  const close = async (key: string, state: "done" | "waived", note: string) => {
    if (await run(() => backend.closeChecklistItem(system.id, key, state, note))) {
      setWaiving(null);
      setReason("");
      onChanged();
    }
  };

  return (
    <section data-testid="checklist">
      <h2>Decommissioning checklist</h2>
      <p class="muted" data-testid="checklist-summary">
        {open === 0
          ? system.stage === "retired"
            ? "Complete: the system is retired."
            : "Complete: the system can now be retired."
          : `${open} of ${items.length} items open; the system reaches retired once each is done or waived.`}
      </p>
      <table class="grid compact">
        <thead><tr><th>Task</th><th>Owner</th><th class="date">Due</th><th>State</th><th /></tr></thead>
        <tbody>
          {items.map((i) => (
            <tr data-testid="checklist-item" data-key={i.key} data-state={i.state}>
              <td>{i.title}{i.note ? <div class="muted small">{i.note}</div> : null}</td>
              <td>{i.owner}</td>
              <td class="date">{i.due}</td>
              <td>{labelOf(v.item_states, i.state)}{i.closed_by ? <div class="muted small">{i.closed_by}, <When at={i.closed_at} /></div> : null}</td>
              <td>
                {i.state === "open" && waiving !== i.key && (
                  <>
                    <button type="button" data-testid={`checklist-done-${i.key}`} onClick={() => close(i.key, "done", "")}>Done</button>
                    <button type="button" data-testid={`checklist-waive-${i.key}`} onClick={() => setWaiving(i.key)}>Waive…</button>
                  </>
                )}
                {waiving === i.key && (
                  <form onSubmit={(e) => { e.preventDefault(); void close(i.key, "waived", reason); }}>
                    <input type="text" placeholder="Reason (recorded in the audit log)" data-testid="checklist-reason"
                      value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
                    <button type="submit" data-testid="checklist-waive-confirm">Waive</button>
                    <button type="button" onClick={() => setWaiving(null)}>Cancel</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <ErrorBox error={error} testid="checklist-error" />}
    </section>
  );
}

function toDraft(ms: Milestone[]): Record<string, { planned: string; actual: string }> {
  const out: Record<string, { planned: string; actual: string }> = {};
  for (const m of ms) out[m.kind] = { planned: m.planned ?? "", actual: m.actual ?? "" };
  return out;
}

function normalise(d: Record<string, { planned: string; actual: string }>, kinds: Labelled<MilestoneKind>[]) {
  const out: Record<string, { planned: string; actual: string }> = {};
  for (const { key } of kinds) {
    const v = d[key];
    if (v && (v.planned || v.actual)) out[key] = { planned: v.planned, actual: v.actual };
  }
  return out;
}
