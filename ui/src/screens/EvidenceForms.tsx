// The forms that record a validation run (its metrics row by row, and for a shadow comparison
// the incumbent and its value of each) or a bias result (a segment's rate against its reference
// group's, or the ratio or difference alone). Text that is not a number or a date is named here;
// every other rule, and the ratio and difference, are core's, and each refusal is shown beside
// its field.
import { useState } from "preact/hooks";

import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { biasDraftOf, type BiasForm, emptyBiasForm, emptyRunForm, num, runDraftOf, type RunForm } from "../lib/evidence";
import { type FieldErrorMap, placeFieldErrors } from "../lib/fieldErrors";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

interface Props {
  systemId: number;
  /** The system's current model version, which the form starts from. */
  version: string;
  onSaved: (notice: string) => Promise<void>;
}

const RUN_PATHS = ["model_version", "date", "method", "dataset", "run", "incumbent", "metrics"];

export function AddRun({ systemId, version, onSaved }: Props) {
  const v = useVocab();
  const [f, setF] = useState<RunForm>(emptyRunForm(version));
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const { busy, error, run } = useAction();
  const set = (patch: Partial<RunForm>) => setF((old) => ({ ...old, ...patch }));
  const paths = new Set([...RUN_PATHS, ...f.metrics.flatMap((_, i) => ["name", "value", "incumbent"].map((k) => `metrics[${i}].${k}`))]);
  const setMetric = (i: number, k: "name" | "value" | "incumbent", value: string) =>
    setF((old) => ({ ...old, metrics: old.metrics.map((m, j) => (j === i ? { ...m, [k]: value } : m)) }));

  const placed = (e: WireError): WireError | null => {
    const p = placeFieldErrors(e.fields ?? [], paths);
    setErrors(p.byField);
    return e.fields && p.unplaced.length === 0 ? null : { ...e, fields: p.unplaced };
  };

  const save = async (ev: Event) => {
    ev.preventDefault();
    const read = runDraftOf(systemId, f);
    if ("errors" in read) {
      setErrors(placeFieldErrors(read.errors, paths).byField);
      return;
    }
    setErrors({});
    const saved = await run(() => backend.evidenceAddRun(read.draft), placed);
    if (saved) {
      setF(emptyRunForm(version));
      await onSaved(`Recorded the ${labelOf(v.validation_methods, saved.method).toLowerCase()} run of ${saved.date} (#${saved.id}), with ${saved.metrics.length} metric${saved.metrics.length === 1 ? "" : "s"}.`);
    }
  };

  const shadow = f.method === "shadow";
  return (
    <form class="panel evidence-form" data-testid="run-form" onSubmit={save} noValidate>
      <h3>A validation run</h3>
      <div class="row">
        <Field path="model_version" label="Model version" messages={errors.model_version}>
          <input type="text" size={8} data-testid="run-version" value={f.model_version} onInput={(e) => set({ model_version: valueOf(e) })} />
        </Field>
        <Field path="date" label="Date" messages={errors.date}>
          <input type="date" data-testid="run-date" value={f.date} onInput={(e) => set({ date: valueOf(e) })} />
        </Field>
        <Field path="method" label="Method" messages={errors.method}>
          <Select testid="run-method" value={f.method} options={v.validation_methods} onChange={(method) => set({ method })} />
        </Field>
        <Field path="dataset" label="Dataset" messages={errors.dataset} class="grow">
          <input type="text" data-testid="run-dataset" placeholder="e.g. 2026 Q3 holdout" value={f.dataset} onInput={(e) => set({ dataset: valueOf(e) })} />
        </Field>
        <Field path="run" label="Run id (optional)" messages={errors.run}>
          <input type="text" size={12} data-testid="run-id" value={f.run} onInput={(e) => set({ run: valueOf(e) })} />
        </Field>
        {shadow && (
          <Field path="incumbent" label="Incumbent model" messages={errors.incumbent} hint="its name and version">
            <input type="text" data-testid="run-incumbent" value={f.incumbent} onInput={(e) => set({ incumbent: valueOf(e) })} />
          </Field>
        )}
      </div>
      <fieldset class="metrics">
        <legend>Metrics</legend>
        {errors.metrics && <p class="field-error" data-testid="error-metrics">{errors.metrics.join("; ")}</p>}
        {f.metrics.map((m, i) => (
          <div class="row" key={i}>
            <Field path={`metrics[${i}].name`} label={`Metric ${i + 1}`} messages={errors[`metrics[${i}].name`]}>
              <input type="text" size={14} data-testid={`run-metric-${i}-name`} placeholder="e.g. auc" value={m.name} onInput={(e) => setMetric(i, "name", valueOf(e))} />
            </Field>
            <Field path={`metrics[${i}].value`} label="Value" messages={errors[`metrics[${i}].value`]}>
              <input type="text" inputMode="decimal" size={8} data-testid={`run-metric-${i}-value`} value={m.value} onInput={(e) => setMetric(i, "value", valueOf(e))} />
            </Field>
            {shadow && (
              <Field path={`metrics[${i}].incumbent`} label="Incumbent's value" messages={errors[`metrics[${i}].incumbent`]}>
                <input type="text" inputMode="decimal" size={8} data-testid={`run-metric-${i}-incumbent`} value={m.incumbent} onInput={(e) => setMetric(i, "incumbent", valueOf(e))} />
              </Field>
            )}
          </div>
        ))}
        <button type="button" data-testid="run-add-metric" onClick={() => set({ metrics: [...f.metrics, { name: "", value: "", incumbent: "" }] })}>
          Add a metric
        </button>
      </fieldset>
      {error && <ErrorBox error={error} testid="run-error" />}
      <button type="submit" class="primary" data-testid="run-save" disabled={busy}>Record the run</button>
    </form>
  );
}

const BIAS_PATHS = new Set(["model_version", "date", "dataset", "attribute", "segment", "metric", "reference", "segment_value", "reference_value", "ratio", "difference"]);

export function AddBias({ systemId, version, onSaved }: Props) {
  const v = useVocab();
  const [f, setF] = useState<BiasForm>(emptyBiasForm(version));
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const { busy, error, run } = useAction();
  const set = (patch: Partial<BiasForm>) => setF((old) => ({ ...old, ...patch }));

  const save = async (ev: Event) => {
    ev.preventDefault();
    const read = biasDraftOf(systemId, f);
    if ("errors" in read) {
      setErrors(placeFieldErrors(read.errors, BIAS_PATHS).byField);
      return;
    }
    setErrors({});
    const saved = await run(() => backend.evidenceAddBias(read.draft), (e) => {
      const p = placeFieldErrors(e.fields ?? [], BIAS_PATHS);
      setErrors(p.byField);
      return e.fields && p.unplaced.length === 0 ? null : { ...e, fields: p.unplaced };
    });
    if (saved) {
      setF({ ...emptyBiasForm(version), attribute: f.attribute, reference: f.reference, date: f.date, dataset: f.dataset });
      await onSaved(
        `Recorded ${saved.attribute} ${saved.segment} against ${saved.reference} (#${saved.id}): disparity ratio ${saved.ratio === null ? "not given" : num(saved.ratio)}, difference ${saved.difference === null ? "not given" : num(saved.difference)}.`,
      );
    }
  };

  const text = (k: keyof BiasForm, label: string, testid: string, extra: { size?: number; hint?: string; decimal?: boolean } = {}) => (
    <Field path={k} label={label} messages={errors[k]} hint={extra.hint}>
      <input type="text" size={extra.size} inputMode={extra.decimal ? "decimal" : undefined} data-testid={testid}
        value={f[k] as string} onInput={(e) => set({ [k]: valueOf(e) } as Partial<BiasForm>)} />
    </Field>
  );

  return (
    <form class="panel evidence-form" data-testid="bias-form" onSubmit={save} noValidate>
      <h3>A bias result</h3>
      <div class="row">
        {text("model_version", "Model version", "bias-version", { size: 8 })}
        <Field path="date" label="Date" messages={errors.date}>
          <input type="date" data-testid="bias-date" value={f.date} onInput={(e) => set({ date: valueOf(e) })} />
        </Field>
        {text("dataset", "Dataset (optional)", "bias-dataset")}
      </div>
      <div class="row">
        {text("attribute", "Attribute", "bias-attribute", { size: 12, hint: "e.g. age_band" })}
        {text("segment", "Segment", "bias-segment", { size: 10, hint: "e.g. 18-25" })}
        {text("reference", "Reference group", "bias-reference", { size: 10, hint: "e.g. 26-40" })}
        <Field path="metric" label="Metric" messages={errors.metric}>
          <Select testid="bias-metric" value={f.metric} options={v.bias_metrics} onChange={(metric) => set({ metric })} />
        </Field>
      </div>
      <div class="row">
        {text("segment_value", "Segment's rate", "bias-segment-value", { size: 7, decimal: true, hint: "42% as 0.42" })}
        {text("reference_value", "Reference group's rate", "bias-reference-value", { size: 7, decimal: true })}
        {text("ratio", "Disparity ratio (if no rates)", "bias-ratio", { size: 7, decimal: true })}
        {text("difference", "Difference (if no rates)", "bias-difference", { size: 7, decimal: true })}
      </div>
      <p class="hint">Give both rates and Steward computes the ratio and difference; give either alone when the rates are not at hand.</p>
      {error && <ErrorBox error={error} testid="bias-error" />}
      <button type="submit" class="primary" data-testid="bias-save" disabled={busy}>Record the result</button>
    </form>
  );
}
