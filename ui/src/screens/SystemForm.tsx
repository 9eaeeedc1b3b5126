// Add or edit a system: every field of SystemDraft. Saving sends the draft to core, which
// validates it; each validation error is shown beside the input it names.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

import type { AiSystem } from "../bindings/AiSystem";
import type { FieldError } from "../bindings/FieldError";
import type { Stage } from "../bindings/Stage";
import type { SystemDraft } from "../bindings/SystemDraft";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { draftPaths, type FieldErrorMap, missingDates, placeFieldErrors, readAmount } from "../lib/fieldErrors";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";

/** The ends of the 1-5 scales, as the form's choices name them. */
const READINESS: [string, string] = ["no usable data", "production-grade"];
const ALIGNMENT: [string, string] = ["little fit", "core to the strategy"];

interface Props {
  /** The system being edited, or null for a new one. */
  id: number | null;
  initial: SystemDraft;
  onSaved: (s: AiSystem) => void;
  onCancel: () => void;
}

export function SystemForm({ id, initial, onSaved, onCancel }: Props) {
  const v = useVocab();
  const [d, setD] = useState<SystemDraft>(initial);
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [unplaced, setUnplaced] = useState<FieldError[]>([]);
  const { busy: saving, error: failure, setError: setFailure, run } = useAction();
  const [stages, setStages] = useState<Stage[]>([]);
  const [units, setUnits] = useState<string[]>([]);
  // The annual value as typed: text that is not a number is shown back with a message, not lost.
  const [amount, setAmount] = useState(initial.annual_value?.toString() ?? "");

  useEffect(() => {
    // A new system may be registered at any stage; an edit moves only along allowed transitions.
    if (id === null) setStages(v.stages.map((c) => c.key));
    else backend.nextStages(initial.stage).then((n) => setStages([initial.stage, ...n]));
    backend.facets().then((f) => setUnits(f.business_units), () => setUnits([]));
  }, [id]);

  const set = <K extends keyof SystemDraft>(k: K, value: SystemDraft[K]) => setD((old) => ({ ...old, [k]: value }));

  const show = (fieldErrors: FieldError[]) => {
    const placed = placeFieldErrors(fieldErrors, draftPaths(d));
    setErrors(placed.byField);
    setUnplaced(placed.unplaced);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setFailure(null);
    const local = missingDates(d);
    const read = readAmount(amount);
    if ("error" in read) local.push({ field: "annual_value", message: read.error });
    if (local.length > 0 || "error" in read) {
      show(local);
      return;
    }
    const draft: SystemDraft = { ...d, annual_value: read.value };
    const saved = await run(
      () => (id === null ? backend.addSystem(draft) : backend.updateSystem(id, draft)),
      (w) => {
        if (w.code === "validation" && w.fields) {
          show(w.fields);
          return null;
        }
        show([]);
        return w;
      },
    );
    if (saved) onSaved(saved);
  };

  const text = (path: keyof SystemDraft & string, label: string, opts: { required?: boolean; hint?: string; list?: string } = {}) => (
    <Field path={path} label={label} errors={errors} required={opts.required} hint={opts.hint}>
      <input
        type="text"
        id={`f-${path}`}
        data-testid={`field-${path}`}
        list={opts.list}
        aria-invalid={errors[path] ? "true" : undefined}
        value={(d[path] as string | undefined) ?? ""}
        onInput={(ev) => set(path, valueOf(ev) as never)}
      />
    </Field>
  );

  const select = <K extends keyof SystemDraft & string>(path: K, label: string, choices: { key: string; label: string }[]) => (
    <Field path={path} label={label} errors={errors}>
      <select
        id={`f-${path}`}
        data-testid={`field-${path}`}
        aria-invalid={errors[path] ? "true" : undefined}
        value={(d[path] as string | null) ?? ""}
        onChange={(ev) => set(path, (valueOf(ev) || null) as SystemDraft[K])}
      >
        {choices.map((c) => (
          <option value={c.key}>{c.label}</option>
        ))}
      </select>
    </Field>
  );

  const score = (path: "data_readiness" | "strategic_alignment", label: string, [low, high]: [string, string]) => (
    <Field path={path} label={label} errors={errors}>
      <select
        id={`f-${path}`}
        data-testid={`field-${path}`}
        aria-invalid={errors[path] ? "true" : undefined}
        value={d[path]?.toString() ?? ""}
        onChange={(ev) => {
          const v = valueOf(ev);
          set(path, v === "" ? undefined : Number(v));
        }}
      >
        <option value="">Not assessed</option>
        {[1, 2, 3, 4, 5].map((n) => (
          <option value={String(n)}>{n === 1 ? `1 — ${low}` : n === 5 ? `5 — ${high}` : String(n)}</option>
        ))}
      </select>
    </Field>
  );

  const errorCount = Object.values(errors).reduce((n, m) => n + m.length, 0) + unplaced.length;

  return (
    <form class="screen form" data-testid="system-form" onSubmit={save} noValidate>
      <header class="screen-head">
        <h1>{id === null ? "Add a system" : `Edit ${initial.name}`}</h1>
        <div class="spacer" />
        <button type="button" data-testid="cancel-system" onClick={onCancel}>Cancel</button>
        <button type="submit" class="primary" data-testid="save-system" disabled={saving}>
          {saving ? "Saving…" : id === null ? "Add system" : "Save changes"}
        </button>
      </header>
      {errorCount > 0 && (
        <div class="error-box" role="alert" data-testid="form-errors">
          <p class="error-message">
            Not saved: {errorCount} {errorCount === 1 ? "field needs" : "fields need"} attention, marked below.
          </p>
          {unplaced.map((u) => (
            <p>{u.field}: {u.message}</p>
          ))}
        </div>
      )}
      {failure && <ErrorBox error={failure} testid="save-error" />}

      <fieldset>
        <legend>The system</legend>
        <div class="fields two">
          {text("name", "Name", { required: true })}
          {text("business_unit", "Business unit", { required: true, list: "units" })}
          {text("owner", "Owner", { required: true, hint: "Accountable business owner" })}
          {text("technical_lead", "Technical lead")}
        </div>
        <Field path="purpose" label="Purpose" errors={errors}>
          <textarea
            id="f-purpose"
            data-testid="field-purpose"
            rows={3}
            value={d.purpose}
            onInput={(ev) => set("purpose", valueOf(ev))}
          />
        </Field>
        <datalist id="units">{units.map((u) => <option value={u} />)}</datalist>
      </fieldset>

      <fieldset>
        <legend>Sourcing and model</legend>
        <div class="fields three">
          {select("sourcing", "Sourcing", v.sourcing)}
          {text("vendor", "Vendor", { hint: d.sourcing === "vendor" ? "Required for a vendor system" : "Only for a vendor system" })}
          {text("model_approach", "Model approach", { hint: "e.g. gradient boosting, LLM" })}
          {text("model_version", "Model version", { hint: "The version in use, e.g. 2.3; evidence counts for the version it was produced for" })}
        </div>
      </fieldset>

      <fieldset>
        <legend>Governance</legend>
        <div class="fields three">
          {select("stage", "Lifecycle stage", v.stages.filter((c) => stages.includes(c.key)))}
          {select("regulated_domain", "Regulated domain", v.regulated_domains)}
          {select("eu_ai_act_category", "EU AI Act category", [{ key: "", label: "Not classified yet" }, ...v.eu_ai_act_categories])}
          {select("risk_tier", "Internal risk tier", v.risk_tiers)}
          {select("data_sensitivity", "Data sensitivity", v.data_sensitivities)}
          <Field path="deployment_date" label="Deployment date" errors={errors}>
            <input
              type="date"
              id="f-deployment_date"
              data-testid="field-deployment_date"
              aria-invalid={errors.deployment_date ? "true" : undefined}
              value={d.deployment_date ?? ""}
              onInput={(ev) => set("deployment_date", valueOf(ev) || null)}
            />
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>Portfolio review</legend>
        <div class="fields three">
          {text("sponsor", "Sponsor", { hint: "The executive who funds it and answers for it at the portfolio board" })}
          <Field path="last_retrained" label="Last retrained" errors={errors} hint="Not after today, not before the deployment date">
            <input
              type="date"
              id="f-last_retrained"
              data-testid="field-last_retrained"
              aria-invalid={errors.last_retrained ? "true" : undefined}
              value={d.last_retrained ?? ""}
              onInput={(ev) => set("last_retrained", valueOf(ev) || undefined)}
            />
          </Field>
          <Field
            path="annual_value"
            label={d.stage === "proposed" ? "Expected annual value" : "Annual value"}
            errors={errors}
            hint="Per year, in the workspace's currency; empty when not known"
          >
            <input
              type="text"
              inputMode="decimal"
              id="f-annual_value"
              data-testid="field-annual_value"
              aria-invalid={errors.annual_value ? "true" : undefined}
              value={amount}
              onInput={(ev) => setAmount(valueOf(ev))}
            />
          </Field>
          {score("data_readiness", "Data readiness", READINESS)}
          {score("strategic_alignment", "Strategic alignment", ALIGNMENT)}
        </div>
      </fieldset>

      <ListEditor
        title="Certifications"
        path="certifications"
        errors={errors}
        rows={d.certifications}
        blank={{ name: "", expires: "" }}
        onChange={(rows) => set("certifications", rows)}
        columns={[
          { key: "name", label: "Certification", type: "text" },
          { key: "expires", label: "Expires", type: "date" },
        ]}
      />
      <ListEditor
        title="Datasets"
        path="datasets"
        errors={errors}
        rows={d.datasets}
        blank={{ name: "", retention_policy: "", retain_until: null }}
        onChange={(rows) => set("datasets", rows)}
        columns={[
          { key: "name", label: "Dataset", type: "text" },
          { key: "retention_policy", label: "Retention policy", type: "text" },
          { key: "retain_until", label: "Retain until", type: "date", optional: true },
        ]}
      />
      <ListEditor
        title="Strategic assumptions"
        path="assumptions"
        errors={errors}
        rows={d.assumptions}
        blank={{ statement: "", review_date: "" }}
        onChange={(rows) => set("assumptions", rows)}
        columns={[
          { key: "statement", label: "Assumption", type: "text" },
          { key: "review_date", label: "Review by", type: "date" },
        ]}
      />
      <TagEditor tags={d.tags} errors={errors} onChange={(t) => set("tags", t)} />
    </form>
  );
}

function Field(p: { path: string; label: string; errors: FieldErrorMap; required?: boolean; hint?: string; children: ComponentChildren }) {
  const messages = p.errors[p.path];
  return (
    <div class={messages ? "field invalid" : "field"} data-field={p.path}>
      <label for={`f-${p.path}`}>
        {p.label}
        {p.required && <span class="required" aria-label="required">*</span>}
      </label>
      {p.children}
      {p.hint && !messages && <span class="hint">{p.hint}</span>}
      {messages && <FieldMessages path={p.path} messages={messages} />}
    </div>
  );
}

function FieldMessages({ path, messages }: { path: string; messages: string[] }) {
  return (
    <span class="field-error" data-testid={`error-${path}`}>
      {messages.join("; ")}
    </span>
  );
}

interface Column<T> {
  key: keyof T & string;
  label: string;
  type: "text" | "date";
  /** A date that may be left empty (sent as null). */
  optional?: boolean;
}

function ListEditor<T extends object>(p: {
  title: string;
  path: string;
  rows: T[];
  blank: T;
  columns: Column<T>[];
  errors: FieldErrorMap;
  onChange: (rows: T[]) => void;
}) {
  const update = (i: number, key: keyof T, value: string, optional?: boolean) =>
    p.onChange(p.rows.map((r, j) => (j === i ? { ...r, [key]: optional && value === "" ? null : value } : r)));
  const listErrors = p.errors[p.path];
  return (
    <fieldset class="list-editor" data-testid={`list-${p.path}`}>
      <legend>{p.title}</legend>
      {listErrors && <FieldMessages path={p.path} messages={listErrors} />}
      {p.rows.length > 0 && (
        <table class="grid compact edit">
          <thead>
            <tr>
              {p.columns.map((c) => <th>{c.label}</th>)}
              <th aria-label="Remove" />
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r, i) => (
              <tr>
                {p.columns.map((c) => {
                  const path = `${p.path}[${i}].${c.key}`;
                  const messages = p.errors[path];
                  return (
                    <td class={messages ? "invalid" : ""}>
                      <input
                        type={c.type}
                        aria-label={`${c.label} ${i + 1}`}
                        data-testid={`field-${path}`}
                        aria-invalid={messages ? "true" : undefined}
                        value={((r as Record<string, unknown>)[c.key] as string | null) ?? ""}
                        onInput={(ev) => update(i, c.key, valueOf(ev), c.optional)}
                      />
                      {messages && <FieldMessages path={path} messages={messages} />}
                    </td>
                  );
                })}
                <td class="remove">
                  <button type="button" class="link" aria-label={`Remove row ${i + 1}`} onClick={() => p.onChange(p.rows.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" data-testid={`add-${p.path}`} onClick={() => p.onChange([...p.rows, { ...p.blank }])}>
        + Add
      </button>
    </fieldset>
  );
}

function TagEditor({ tags, errors, onChange }: { tags: string[]; errors: FieldErrorMap; onChange: (t: string[]) => void }) {
  const [entry, setEntry] = useState("");
  const add = () => {
    if (entry.trim() === "") return;
    onChange([...tags, entry.trim()]);
    setEntry("");
  };
  return (
    <fieldset class="list-editor" data-testid="list-tags">
      <legend>Tags</legend>
      {errors.tags && <FieldMessages path="tags" messages={errors.tags} />}
      <div class="tags">
        {tags.map((t, i) => (
          <span class="tag">
            {t}
            <button type="button" class="tag-remove" aria-label={`Remove tag ${t}`} onClick={() => onChange(tags.filter((_, j) => j !== i))}>
              ×
            </button>
          </span>
        ))}
        <input
          type="text"
          class="tag-entry"
          placeholder="Add a tag and press Enter"
          aria-label="New tag"
          data-testid="field-tag-entry"
          value={entry}
          onInput={(ev) => setEntry(valueOf(ev))}
          onKeyDown={(ev) => {
            if (ev.key === "Enter") {
              ev.preventDefault();
              add();
            }
          }}
        />
        <button type="button" onClick={add}>Add tag</button>
      </div>
    </fieldset>
  );
}
