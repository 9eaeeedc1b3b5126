// Portfolio reviews, where a portfolio manager starts: every quarterly review with its state and
// snapshot, opening a review of a quarter (date, chair, attendees, which systems), the decision
// register across reviews, and two reviews compared. A review opens in ReviewDetail. States,
// counts and flags are core's; this screen shows them and reads typed input.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { Facets } from "../bindings/Facets";
import type { FieldError } from "../bindings/FieldError";
import type { RegisterEntry } from "../bindings/RegisterEntry";
import type { ReviewSummary } from "../bindings/ReviewSummary";
import type { Stage } from "../bindings/Stage";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { todayIso } from "../lib/calendar";
import { valueOf } from "../lib/dom";
import { type FieldErrorMap, placeFieldErrors } from "../lib/fieldErrors";
import { formatMoney, parseAttendees, quarterOf, reviewDraft, shortHash } from "../lib/review";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { ReviewCompare } from "./ReviewCompare";
import { ReviewDetail } from "./ReviewDetail";

type Tab = "reviews" | "register" | "compare";

interface Props {
  generation: number;
  onChanged: () => void;
  /** A review (its quarter) to open at once, e.g. the next review chosen on the portfolio home. */
  initialOpen?: string | null;
}

export function ReviewsScreen({ generation, onChanged, initialOpen }: Props) {
  const [open, setOpen] = useState<string | null>(initialOpen ?? null);
  const [tab, setTab] = useState<Tab>("reviews");
  if (open !== null) {
    return <ReviewDetail reviewKey={open} generation={generation} onChanged={onChanged} onBack={() => setOpen(null)} />;
  }
  return (
    <section class="screen reviews" data-testid="reviews">
      <header class="screen-head">
        <h1>Portfolio reviews</h1>
        <div class="spacer" />
        <div class="tabs" role="tablist">
          {(["reviews", "register", "compare"] as Tab[]).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} class={tab === t ? "tab active" : "tab"}
              data-testid={`reviews-tab-${t}`} onClick={() => setTab(t)}>
              {t === "reviews" ? "Reviews" : t === "register" ? "Decision register" : "Compare"}
            </button>
          ))}
        </div>
      </header>
      {tab === "reviews" ? (
        <ReviewList generation={generation} onOpen={setOpen} onChanged={onChanged} />
      ) : tab === "register" ? (
        <DecisionRegister generation={generation} onOpen={setOpen} />
      ) : (
        <ReviewCompare generation={generation} />
      )}
    </section>
  );
}

function ReviewList({ generation, onOpen, onChanged }: { generation: number; onOpen: (key: string) => void; onChanged: () => void }) {
  const v = useVocab();
  const [list, setList] = useState<ReviewSummary[] | null>(null);
  const { error, run } = useAction();
  const load = useCallback(() => run(async () => setList(await backend.reviewList())), [run]);
  useEffect(() => {
    void load();
  }, [generation, load]);

  return (
    <>
      {error && <ErrorBox error={error} testid="reviews-error" />}
      <p class="count" data-testid="reviews-count">{list ? `${list.length} ${list.length === 1 ? "review" : "reviews"}` : "…"}</p>
      {list && list.length === 0 ? (
        <p class="empty" data-testid="reviews-empty">No review yet. Open the first one below: pick a quarter, the meeting's date, its chair and the systems it covers.</p>
      ) : (
        <div class="table-wrap">
          <table class="grid" data-testid="review-list">
            <thead>
              <tr>
                <th>Period</th>
                <th>Title</th>
                <th class="date">Date</th>
                <th>State</th>
                <th class="num">Decided</th>
                <th>Snapshot SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {(list ?? []).map((r) => (
                <tr key={r.id} class="clickable" data-testid="review-row" data-period={r.period} data-state={r.state}
                  onClick={() => onOpen(r.period)}>
                  <td>
                    <button type="button" class="link" data-testid="review-open" onClick={(e) => { e.stopPropagation(); onOpen(r.period); }}>
                      {r.period}
                    </button>
                  </td>
                  <td>{r.title}</td>
                  <td class="date">{r.held_on}</td>
                  <td><span class={`badge review-${r.state}`} data-testid="review-row-state">{labelOf(v.review_states, r.state)}</span></td>
                  <td class="num" data-testid="review-row-decided">{r.decided} of {r.systems}</td>
                  <td><code class="hash" title={r.snapshot_hash ?? "not frozen yet"}>{shortHash(r.snapshot_hash) || "not frozen"}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <OpenReviewForm onCreated={(period) => { onChanged(); onOpen(period); }} />
    </>
  );
}

const FORM_PATHS = new Set(["period", "title", "held_on", "chair", "attendees", "scope"]);

function OpenReviewForm({ onCreated }: { onCreated: (period: string) => void }) {
  const v = useVocab();
  const today = todayIso();
  const [period, setPeriod] = useState(quarterOf(today));
  const [title, setTitle] = useState("");
  const [heldOn, setHeldOn] = useState(today);
  const [chair, setChair] = useState("");
  const [attendees, setAttendees] = useState("");
  const [stages, setStages] = useState<Stage[]>([]);
  const [units, setUnits] = useState<string[]>([]);
  const [tags, setTags] = useState<string[]>([]);
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
    const draft = reviewDraft({
      period, title, held_on: heldOn, chair, attendees: parseAttendees(attendees),
      scope: { stages, business_units: units, tags },
    });
    const created = await run(() => backend.reviewCreate(draft), (w) => {
      if (w.code === "validation" && w.fields) {
        show(w.fields);
        return null;
      }
      return w;
    });
    if (created) onCreated(created.header.period);
  };

  const toggle = <T,>(list: T[], set: (l: T[]) => void, x: T, on: boolean) => set(on ? [...list, x] : list.filter((y) => y !== x));

  return (
    <form class="panel review-form" data-testid="review-form" onSubmit={submit} noValidate>
      <h2>Open a review</h2>
      <p class="hint">A quarter has one review. It stays a draft, scored live from the workspace, until you freeze it.</p>
      {unplaced.length > 0 && (
        <div class="error-box" role="alert" data-testid="review-form-errors">
          {unplaced.map((u) => <p key={u.field}>{u.field}: {u.message}</p>)}
        </div>
      )}
      {error && <ErrorBox error={error} testid="review-create-error" />}
      <div class="row">
        <Field path="period" label="Quarter" messages={errors.period} hint="YYYY-Qn">
          <input type="text" data-testid="review-period" placeholder="2026-Q4" size={9} value={period}
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
          {facets.business_units.map((u) => (
            <label key={u} class="check">
              <input type="checkbox" data-testid={`scope-unit-${u}`} checked={units.includes(u)}
                onChange={(ev) => toggle(units, setUnits, u, (ev.currentTarget as HTMLInputElement).checked)} />
              {u}
            </label>
          ))}
        </div>
        <div class="scope-list">
          <span class="scope-title">Tags</span>
          {facets.tags.map((t) => (
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
        <button type="submit" class="primary" data-testid="review-create" disabled={busy}>Open review</button>
      </div>
    </form>
  );
}

function DecisionRegister({ generation, onOpen }: { generation: number; onOpen: (key: string) => void }) {
  const v = useVocab();
  const [list, setList] = useState<RegisterEntry[] | null>(null);
  const { error, run } = useAction();
  useEffect(() => {
    void run(async () => setList(await backend.reviewRegister()));
  }, [generation, run]);
  if (error) return <ErrorBox error={error} testid="register-error" />;
  if (!list) return <p aria-busy="true">Loading…</p>;
  return (
    <>
      <p class="hint" data-testid="decision-register-count">
        {list.length} {list.length === 1 ? "decision" : "decisions"}, newest quarter first. An override is a decision
        that differs from the rules' recommendation; its rationale says why.
      </p>
      {list.length === 0 ? (
        <p class="empty" data-testid="decision-register-empty">No decision recorded yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="grid decision-register" data-testid="decision-register">
            <thead>
              <tr>
                <th>Period</th>
                <th>System</th>
                <th>Decision</th>
                <th>Recommended</th>
                <th>Rule</th>
                <th>Override</th>
                <th>Rationale</th>
                <th>Dissent</th>
                <th>Conditions</th>
                <th class="num">Budget</th>
                <th>Decided by</th>
                <th>Snapshot</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={`${r.review_id}-${r.system_id}`} data-testid="register-row" data-period={r.period}
                  data-system={r.system} data-overrode={r.decision.overrode ? "yes" : "no"}>
                  <td><button type="button" class="link" onClick={() => onOpen(r.period)}>{r.period}</button></td>
                  <td class="name">{r.system}</td>
                  <td>{labelOf(v.dispositions, r.decision.decision)}</td>
                  <td>{r.decision.recommendation ? labelOf(v.dispositions, r.decision.recommendation) : "none"}</td>
                  <td>{r.decision.rule ? <code>{r.decision.rule}</code> : ""}</td>
                  <td>{r.decision.overrode && <span class="badge override" data-testid="override-flag">Override</span>}</td>
                  <td class="wide">{r.decision.rationale}</td>
                  <td>{r.decision.dissent.join(", ")}</td>
                  <td>{r.decision.conditions}</td>
                  <td class="num">{r.decision.budget === null ? "" : formatMoney(r.decision.budget)}</td>
                  <td class="small" title={r.decision.decided_at}>{r.decision.decided_by}<br /><span class="muted">{r.decision.decided_at.slice(0, 10)}</span></td>
                  <td><code class="hash" title={r.snapshot_hash ?? ""}>{shortHash(r.snapshot_hash)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
