// The header of a portfolio review as a person fills it in: quarter, meeting date, chair, title,
// attendees and the systems in scope. Opening a review and changing a draft's header both use
// it; core checks the header and keeps a frozen review's header as it was frozen.
import { useEffect, useState } from "preact/hooks";

import type { Facets } from "../bindings/Facets";
import type { FieldError } from "../bindings/FieldError";
import type { ReviewDraft } from "../bindings/ReviewDraft";
import type { ReviewView } from "../bindings/ReviewView";
import type { Stage } from "../bindings/Stage";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { todayIso } from "../lib/calendar";
import { valueOf } from "../lib/dom";
import { type FieldErrorMap, placeFieldErrors } from "../lib/fieldErrors";
import { attendeesText, parseAttendees, quarterOf } from "../lib/review";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";

const FORM_PATHS = new Set(["period", "title", "held_on", "chair", "attendees", "scope"]);

interface Props {
  /** The header of the draft being changed; null to open a new review. */
  initial: ReviewDraft | null;
  save: (draft: ReviewDraft) => Promise<ReviewView>;
  onSaved: (v: ReviewView) => void;
  onCancel?: () => void;
}

/** `values` with any of `extra` it lacks, so a scope's own units and tags stay choosable. */
function withAll(values: string[], extra: string[]): string[] {
  return [...values, ...extra.filter((x) => !values.includes(x))];
}

export function ReviewHeaderForm({ initial, save, onSaved, onCancel }: Props) {
  const v = useVocab();
  const today = todayIso();
  const editing = initial !== null;
  const [period, setPeriod] = useState(initial?.period ?? quarterOf(today));
  const [title, setTitle] = useState(initial?.title ?? "");
  const [heldOn, setHeldOn] = useState(initial?.held_on ?? today);
  const [chair, setChair] = useState(initial?.chair ?? "");
  const [attendees, setAttendees] = useState(initial ? attendeesText(initial.attendees) : "");
  const [stages, setStages] = useState<Stage[]>(initial?.scope.stages ?? []);
  const [units, setUnits] = useState<string[]>(initial?.scope.business_units ?? []);
  const [tags, setTags] = useState<string[]>(initial?.scope.tags ?? []);
  const [facets, setFacets] = useState<Facets>({ business_units: [], tags: [] });
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [unplaced, setUnplaced] = useState<FieldError[]>([]);
  const { busy, error, run } = useAction();

  useEffect(() => {
    backend.facets().then(setFacets, () => setFacets({ business_units: [], tags: [] }));
  }, []);

  const show = (list: FieldError[]) => {
    const placed = placeFieldErrors(list, FORM_PATHS);
    setErrors(placed.byField);
    setUnplaced(placed.unplaced);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!heldOn) {
      show([{ field: "held_on", message: "needs the day of the meeting" }]);
      return;
    }
    show([]);
    const draft: ReviewDraft = {
      period, title, held_on: heldOn, chair, attendees: parseAttendees(attendees),
      scope: { stages, business_units: units, tags },
    };
    const saved = await run(() => save(draft), (w) => {
      if (w.code === "validation" && w.fields) {
        show(w.fields);
        return null;
      }
      return w;
    });
    if (saved) onSaved(saved);
  };

  const toggle = <T,>(list: T[], set: (l: T[]) => void, x: T, on: boolean) => set(on ? [...list, x] : list.filter((y) => y !== x));

  return (
    <form class="panel review-form" data-testid={editing ? "review-edit-form" : "review-form"} onSubmit={submit} noValidate>
      <h2>{editing ? "Change the review's header" : "Open a review"}</h2>
      <p class="hint">
        {editing
          ? "A draft's header changes until it is frozen; its quarter stays."
          : "A quarter has one review. It stays a draft, scored live from the workspace, until you freeze it."}
      </p>
      {unplaced.length > 0 && (
        <div class="error-box" role="alert" data-testid="review-form-errors">
          {unplaced.map((u) => <p key={u.field}>{u.field}: {u.message}</p>)}
        </div>
      )}
      {error && <ErrorBox error={error} testid="review-create-error" />}
      <div class="row">
        <Field path="period" label="Quarter" messages={errors.period} hint="YYYY-Qn">
          <input type="text" data-testid="review-period" placeholder="2026-Q4" size={9} value={period} disabled={editing}
            aria-invalid={errors.period ? "true" : undefined} onInput={(ev) => setPeriod(valueOf(ev))} />
        </Field>
        <Field path="held_on" label="Meeting date" messages={errors.held_on}>
          <input type="date" data-testid="review-date" value={heldOn}
            aria-invalid={errors.held_on ? "true" : undefined} onInput={(ev) => setHeldOn(valueOf(ev))} />
        </Field>
        <Field path="chair" label="Chair" messages={errors.chair}>
          <input type="text" data-testid="review-chair" value={chair}
            aria-invalid={errors.chair ? "true" : undefined} onInput={(ev) => setChair(valueOf(ev))} />
        </Field>
        <Field path="title" label="Title (optional)" messages={errors.title} class="grow">
          <input type="text" data-testid="review-title-input" placeholder={`Portfolio review ${period}`} value={title}
            onInput={(ev) => setTitle(valueOf(ev))} />
        </Field>
      </div>
      <div class="row">
        <Field path="attendees" label="Attendees, one a line as “Name: role”" messages={errors.attendees} class="grow">
          <textarea data-testid="review-attendees" rows={4} placeholder={"Maria Rossi: Chief risk officer\nTom Berg: CFO"}
            value={attendees} aria-invalid={errors.attendees ? "true" : undefined}
            onInput={(ev) => setAttendees((ev.currentTarget as HTMLTextAreaElement).value)} />
        </Field>
      </div>
      <fieldset class="scope" data-testid="review-scope">
        <legend>Systems in scope</legend>
        <p class="hint">Nothing ticked in a list means no limit on it; with no stage ticked, every stage but retired is in scope.</p>
        <div class="scope-list">
          <span class="scope-title">Stages</span>
          {v.stages.map((s) => (
            <label key={s.key} class="check">
              <input type="checkbox" data-testid={`scope-stage-${s.key}`} checked={stages.includes(s.key)}
                onChange={(ev) => toggle(stages, setStages, s.key, (ev.currentTarget as HTMLInputElement).checked)} />
              {s.label}
            </label>
          ))}
        </div>
        <div class="scope-list">
          <span class="scope-title">Business units</span>
          {withAll(facets.business_units, units).map((u) => (
            <label key={u} class="check">
              <input type="checkbox" data-testid={`scope-unit-${u}`} checked={units.includes(u)}
                onChange={(ev) => toggle(units, setUnits, u, (ev.currentTarget as HTMLInputElement).checked)} />
              {u}
            </label>
          ))}
        </div>
        <div class="scope-list">
          <span class="scope-title">Tags</span>
          {withAll(facets.tags, tags).map((t) => (
            <label key={t} class="check">
              <input type="checkbox" data-testid={`scope-tag-${t}`} checked={tags.includes(t)}
                onChange={(ev) => toggle(tags, setTags, t, (ev.currentTarget as HTMLInputElement).checked)} />
              {t}
            </label>
          ))}
        </div>
        {errors.scope && <span class="field-error" data-testid="error-scope">{errors.scope.join("; ")}</span>}
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary" data-testid={editing ? "review-header-save" : "review-create"} disabled={busy}>
          {editing ? "Save header" : "Open review"}
        </button>
        {onCancel && <button type="button" data-testid="review-header-cancel" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}
