// The evidence policy editor: the policy in force (the one Steward ships or the workspace's own)
// tier by tier, edited as its TOML text or as a form; core checks either without saving and
// names each problem by its key (and, in the text, its line), saves the text (audited) or resets
// to the shipped policy. The form is written into text by core, so what is saved is always text.
import { useEffect, useState } from "preact/hooks";

import type { BiasMetric } from "../bindings/BiasMetric";
import type { EvidencePolicy } from "../bindings/EvidencePolicy";
import type { EvidencePolicyDraft } from "../bindings/EvidencePolicyDraft";
import type { EvidencePolicyText } from "../bindings/EvidencePolicyText";
import type { FieldError } from "../bindings/FieldError";
import type { TierPolicy } from "../bindings/TierPolicy";
import type { ValidationMethod } from "../bindings/ValidationMethod";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { TableWrap } from "../components/TableWrap";
import { valueOf } from "../lib/dom";
import { num, type PolicyText, policyFormOf, policyText, type TierKey, TIERS, type TierText } from "../lib/evidence";
import { type FieldErrorMap } from "../lib/fieldErrors";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

type Mode = "text" | "form";

/** Problems by the key core names them by, for the form's fields. */
function byKey(problems: FieldError[]): FieldErrorMap {
  const out: FieldErrorMap = {};
  for (const p of problems) (out[p.field] ??= []).push(p.message);
  return out;
}

export function EvidencePolicyEditor({ onChanged }: { onChanged: () => void }) {
  const [inForce, setInForce] = useState<EvidencePolicyText | null>(null);
  const [mode, setMode] = useState<Mode>("text");
  const [text, setText] = useState("");
  const [form, setForm] = useState<PolicyText | null>(null);
  const [checked, setChecked] = useState<EvidencePolicyDraft | null>(null);
  const [formErrors, setFormErrors] = useState<FieldErrorMap>({});
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const show = (p: EvidencePolicyText) => {
    setInForce(p);
    setText(p.text);
    setForm(policyText(p.policy));
    setChecked(null);
    setFormErrors({});
  };
  useEffect(() => {
    void run(async () => show(await backend.evidencePolicy()));
  }, [run]);

  /** The form written as text by core and checked; its problems placed beside its fields. */
  const fromForm = async (): Promise<EvidencePolicyDraft | null> => {
    if (!form) return null;
    const read = policyFormOf(form);
    if ("errors" in read) {
      setFormErrors(byKey(read.errors));
      setChecked(null);
      return null;
    }
    const d = await run(() => backend.evidencePolicyFromForm(read.form));
    if (!d) return null;
    setFormErrors(byKey(d.problems));
    setChecked(d);
    if (d.problems.length === 0) setText(d.text);
    return d;
  };

  const check = async () => {
    setNotice(null);
    if (mode === "form") {
      await fromForm();
      return;
    }
    const d = await run(() => backend.evidencePolicyCheck(text));
    if (d) {
      setChecked(d);
      if (d.policy) setForm(policyText(d.policy));
    }
  };

  const save = async () => {
    setNotice(null);
    let toSave = text;
    if (mode === "form") {
      const d = await fromForm();
      if (!d || d.problems.length > 0) return;
      toSave = d.text;
    }
    const saved = await run(() => backend.evidencePolicySave(toSave), (e) => {
      if (e.code === "validation" && e.fields) {
        setChecked({ text: toSave, policy: null, problems: e.fields });
        setFormErrors(byKey(e.fields));
        return null;
      }
      return e;
    });
    if (saved) {
      show(saved);
      setNotice("Saved as this workspace's evidence policy (recorded in the audit log). Every system's status follows it now.");
      onChanged();
    }
  };

  const reset = async () => {
    setNotice(null);
    const saved = await run(() => backend.evidencePolicySave(null));
    if (saved) {
      show(saved);
      setNotice("Reset to the policy Steward ships (recorded in the audit log).");
      onChanged();
    }
  };

  if (!inForce || !form) {
    return error ? <ErrorBox error={error} testid="policy-error" /> : <p aria-busy="true">Loading…</p>;
  }
  return (
    <div data-testid="evidence-policy">
      <section class="panel">
        <h2>The policy in force</h2>
        <p data-testid="policy-origin" data-origin={inForce.origin}>
          {inForce.origin === "workspace" ? "This workspace's own policy" : "The policy Steward ships"}, version {inForce.policy.version}.
          Evidence counts for the model version it was produced for; the pre-deployment gate reads the status wherever the
          workspace has a pre-deployment sign-off rule for the tier.
        </p>
        <PolicyTable policy={inForce.policy} />
      </section>

      <section class="panel policy-editor">
        <h2>Edit</h2>
        <div class="tabs" role="tablist">
          {(["text", "form"] as Mode[]).map((m) => (
            <button type="button" role="tab" aria-selected={mode === m} class={mode === m ? "tab active" : "tab"}
              data-testid={`policy-mode-${m}`} onClick={() => { setMode(m); setChecked(null); }}>
              {m === "text" ? "As text" : "As a form"}
            </button>
          ))}
        </div>
        {mode === "text" ? (
          <>
            <label class="policy-text">
              The policy file (TOML; a tier it gives replaces the shipped tier whole)
              <textarea data-testid="policy-text" rows={24} spellcheck={false} value={text}
                onInput={(e) => { setText(valueOf(e)); setChecked(null); }} />
            </label>
            <button type="button" data-testid="policy-shipped-text" onClick={() => { setText(inForce.shipped); setChecked(null); }}>
              Start from the shipped file
            </button>
          </>
        ) : (
          <PolicyFormView form={form} errors={formErrors} onChange={(f) => { setForm(f); setChecked(null); }} />
        )}
        {error && <ErrorBox error={error} testid="policy-error" />}
        {checked && (
          checked.problems.length === 0 ? (
            <p class="ok" role="status" data-testid="policy-valid">
              The policy reads: {mode === "form" ? "the text below the form's tab is what will be saved." : "it can be saved."}
            </p>
          ) : (
            <div class="error-box" role="alert" data-testid="policy-problems">
              <p class="error-message">
                {checked.problems.length} {checked.problems.length === 1 ? "problem" : "problems"}; nothing is saved until each is corrected:
              </p>
              <ul>
                {checked.problems.map((p) => (
                  <li key={p.field + p.message} data-testid="policy-problem" data-key={p.field}>
                    <code>{p.field}</code>: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )
        )}
        {notice && <p class="ok" role="status" data-testid="policy-notice">{notice}</p>}
        <div class="row">
          <button type="button" data-testid="policy-check" disabled={busy} onClick={() => void check()}>Check</button>
          <button type="button" class="primary" data-testid="policy-save" disabled={busy} onClick={() => void save()}>Save</button>
          <button type="button" data-testid="policy-reset" disabled={busy || inForce.origin !== "workspace"} onClick={() => void reset()}>
            Reset to the shipped policy
          </button>
        </div>
      </section>
    </div>
  );
}

function PolicyTable({ policy }: { policy: EvidencePolicy }) {
  const v = useVocab();
  const row = (k: TierKey, t: TierPolicy) => (
    <tr key={k} data-testid="policy-tier" data-tier={k}>
      <th scope="row">{labelOf(v.risk_tiers, k)}</th>
      <td>{t.max_age_days === undefined ? "any age" : `${t.max_age_days} days`}</td>
      <td>{t.methods.length === 0 ? "none" : t.methods.map((m) => labelOf(v.validation_methods, m)).join(", ")}</td>
      <td>
        {t.metrics.length === 0
          ? "none"
          : t.metrics.map((m) => (
              <div key={m.name + (m.method ?? "")}>
                {m.name}: {m.at_least !== undefined && `at least ${num(m.at_least)}`}
                {m.at_least !== undefined && m.at_most !== undefined && ", "}
                {m.at_most !== undefined && `at most ${num(m.at_most)}`}
                {m.method && ` (${labelOf(v.validation_methods, m.method).toLowerCase()} runs)`}
                {!m.required && " when reported"}
              </div>
            ))}
      </td>
      <td>{t.segments.length === 0 ? "none" : t.segments.join(", ")}</td>
      <td>
        {t.fairness === undefined
          ? "none"
          : [
              t.fairness.min_ratio !== undefined ? `ratio at least ${num(t.fairness.min_ratio)}, both ways` : null,
              t.fairness.max_difference !== undefined ? `difference at most ${num(t.fairness.max_difference)}` : null,
              t.fairness.metrics.length > 0 ? `for ${t.fairness.metrics.map((m) => labelOf(v.bias_metrics, m).toLowerCase()).join(", ")}` : null,
            ].filter((x) => x !== null).join("; ")}
      </td>
    </tr>
  );
  return (
    <TableWrap label="The evidence policy by risk tier">
      <table class="grid compact" data-testid="policy-table">
        <thead>
          <tr><th>Risk tier</th><th>Evidence at most</th><th>Methods, a run each</th><th>Metrics</th><th>Attributes tested for bias</th><th>Fairness bound</th></tr>
        </thead>
        <tbody>{TIERS.map((k) => row(k, policy[k]))}</tbody>
      </table>
    </TableWrap>
  );
}

function PolicyFormView({ form, errors, onChange }: { form: PolicyText; errors: FieldErrorMap; onChange: (f: PolicyText) => void }) {
  const v = useVocab();
  const setTier = (k: TierKey, patch: Partial<TierText>) => onChange({ ...form, [k]: { ...form[k], ...patch } });
  const toggle = <T,>(list: T[], x: T, on: boolean): T[] => (on ? [...list.filter((y) => y !== x), x] : list.filter((y) => y !== x));
  return (
    <div class="policy-form" data-testid="policy-form">
      {TIERS.map((k) => {
        const t = form[k];
        const at = (f: string) => `${k}.${f}`;
        return (
          <fieldset key={k} data-testid={`policy-form-${k}`}>
            <legend>{labelOf(v.risk_tiers, k)} risk</legend>
            {errors[k] && <p class="field-error">{errors[k].join("; ")}</p>}
            <div class="row">
              <Field path={at("max_age_days")} label="Evidence at most (days; empty for any age)" messages={errors[at("max_age_days")]}>
                <input type="text" inputMode="numeric" size={6} data-testid={`policy-${k}-max_age_days`} value={t.max_age_days}
                  onInput={(e) => setTier(k, { max_age_days: valueOf(e) })} />
              </Field>
              <Field path={at("segments")} label="Attributes tested for bias (comma-separated)" messages={errors[at("segments")]} class="grow">
                <input type="text" data-testid={`policy-${k}-segments`} value={t.segments} onInput={(e) => setTier(k, { segments: valueOf(e) })} />
              </Field>
            </div>
            <fieldset class="checks">
              <legend>Methods that must each have a run</legend>
              {v.validation_methods.map((m) => (
                <label key={m.key} class="check">
                  <input type="checkbox" data-testid={`policy-${k}-method-${m.key}`} checked={t.methods.includes(m.key)}
                    onChange={(e) => setTier(k, { methods: toggle<ValidationMethod>(t.methods, m.key, (e.currentTarget as HTMLInputElement).checked) })} />
                  {m.label}
                </label>
              ))}
            </fieldset>
            <fieldset class="checks">
              <legend>Metrics with a bound</legend>
              {t.metrics.map((m, i) => {
                const p = (f: string) => `${k}.metrics[${i}]${f ? `.${f}` : ""}`;
                const setM = (patch: Partial<TierText["metrics"][number]>) =>
                  setTier(k, { metrics: t.metrics.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
                return (
                  <div class="row" key={i} data-testid={`policy-${k}-metric`}>
                    <Field path={p("name")} label="Metric" messages={[...(errors[p("")] ?? []), ...(errors[p("name")] ?? [])]}>
                      <input type="text" size={10} value={m.name} onInput={(e) => setM({ name: valueOf(e) })} />
                    </Field>
                    <Field path={p("at_least")} label="At least" messages={errors[p("at_least")]}>
                      <input type="text" inputMode="decimal" size={6} value={m.at_least} onInput={(e) => setM({ at_least: valueOf(e) })} />
                    </Field>
                    <Field path={p("at_most")} label="At most" messages={errors[p("at_most")]}>
                      <input type="text" inputMode="decimal" size={6} value={m.at_most} onInput={(e) => setM({ at_most: valueOf(e) })} />
                    </Field>
                    <Field path={p("method")} label="In runs of" messages={errors[p("method")]}>
                      <select value={m.method} onChange={(e) => setM({ method: valueOf(e) as ValidationMethod | "" })}>
                        <option value="">any method</option>
                        {v.validation_methods.map((x) => <option key={x.key} value={x.key}>{x.label}</option>)}
                      </select>
                    </Field>
                    <label class="check">
                      <input type="checkbox" checked={m.required} onChange={(e) => setM({ required: (e.currentTarget as HTMLInputElement).checked })} />
                      Required (else only when a run reports it)
                    </label>
                    <button type="button" class="link" onClick={() => setTier(k, { metrics: t.metrics.filter((_, j) => j !== i) })}>
                      Remove
                    </button>
                  </div>
                );
              })}
              <button type="button" data-testid={`policy-${k}-add-metric`}
                onClick={() => setTier(k, { metrics: [...t.metrics, { name: "", at_least: "", at_most: "", method: "", required: true }] })}>
                Add a metric
              </button>
            </fieldset>
            <fieldset class="checks">
              <legend>Fairness bound</legend>
              <label class="check">
                <input type="checkbox" data-testid={`policy-${k}-fairness`} checked={t.fairness}
                  onChange={(e) => setTier(k, { fairness: (e.currentTarget as HTMLInputElement).checked })} />
                Every bias result in force must meet a bound
              </label>
              {errors[at("fairness")] && <p class="field-error">{errors[at("fairness")].join("; ")}</p>}
              {t.fairness && (
                <>
                  <div class="row">
                    <Field path={at("fairness.min_ratio")} label="Disparity ratio at least (0.8: four-fifths)" messages={errors[at("fairness.min_ratio")]}>
                      <input type="text" inputMode="decimal" size={6} data-testid={`policy-${k}-min_ratio`} value={t.min_ratio}
                        onInput={(e) => setTier(k, { min_ratio: valueOf(e) })} />
                    </Field>
                    <Field path={at("fairness.max_difference")} label="Difference at most, either way" messages={errors[at("fairness.max_difference")]}>
                      <input type="text" inputMode="decimal" size={6} data-testid={`policy-${k}-max_difference`} value={t.max_difference}
                        onInput={(e) => setTier(k, { max_difference: valueOf(e) })} />
                    </Field>
                  </div>
                  <p class="hint">For these bias metrics (none ticked: all of them):</p>
                  {v.bias_metrics.map((m) => (
                    <label key={m.key} class="check">
                      <input type="checkbox" checked={t.fairness_metrics.includes(m.key)}
                        onChange={(e) => setTier(k, { fairness_metrics: toggle<BiasMetric>(t.fairness_metrics, m.key, (e.currentTarget as HTMLInputElement).checked) })} />
                      {m.label}
                    </label>
                  ))}
                </>
              )}
            </fieldset>
          </fieldset>
        );
      })}
    </div>
  );
}
