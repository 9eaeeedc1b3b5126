// One portfolio review as the board works through it: the header (changed while a draft), the
// freeze and, once frozen, the board pack; the actions carried over from earlier reviews (the
// agenda's first item), then each system's scorecard, the rules' recommendation with the inputs
// that fired it, the flags core raises, and the board's decision; the actions this review sets;
// the budget balance. Presenter mode shows the same review one system per screen. Every score,
// recommendation, flag, state and share is core's.
import { Fragment } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";

import type { FieldError } from "../bindings/FieldError";
import type { ReviewAction } from "../bindings/ReviewAction";
import type { ReviewItem } from "../bindings/ReviewItem";
import type { ReviewView } from "../bindings/ReviewView";
import { backend } from "../backend";
import { RiskBadge, StageBadge } from "../components/Badge";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { Select } from "../components/Select";
import { valueOf } from "../lib/dom";
import { type FieldErrorMap, placeFieldErrors } from "../lib/fieldErrors";
import {
  decisionForm,
  type DecisionForm,
  decisionInput,
  formatMoney,
  formatShare,
  orMissing,
  scorecardGroups,
} from "../lib/review";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { BoardPackPanel } from "./ReviewExport";
import { ReviewHeaderForm } from "./ReviewHeaderForm";
import { RecordedDecision, Recommendation } from "./ReviewParts";
import { ReviewPresenter } from "./ReviewPresenter";
import { ReviewSignoff } from "./ReviewSignoff";
import { When } from "../components/When";

interface Props {
  /** The review's quarter or number. */
  reviewKey: string;
  generation: number;
  onChanged: () => void;
  onBack: () => void;
}

export function ReviewDetail({ reviewKey, generation, onChanged, onBack }: Props) {
  const v = useVocab();
  const [view, setView] = useState<ReviewView | null>(null);
  const [presenting, setPresenting] = useState(false);
  const [editingHeader, setEditingHeader] = useState(false);
  const { busy, error, run } = useAction();

  const load = useCallback(() => run(async () => setView(await backend.reviewGet(reviewKey))), [reviewKey, run]);
  useEffect(() => {
    void load();
  }, [generation, load]);

  const key = view ? String(view.id) : reviewKey;
  const updated = (next: ReviewView) => {
    setView(next);
    onChanged();
  };

  if (!view) {
    return (
      <section class="screen review" data-testid="review-detail">
        <button type="button" class="link back" data-testid="review-back" onClick={onBack}>← All reviews</button>
        {error ? <ErrorBox error={error} testid="review-error" /> : <p aria-busy="true">Loading…</p>}
      </section>
    );
  }

  const h = view.header;
  const scope = h.scope;
  const decided = view.items.filter((i) => i.decision !== null).length;
  const open = view.state === "frozen" || view.state === "decided";

  return (
    <section class="screen review" data-testid="review-detail" data-state={view.state} data-period={h.period}>
      <button type="button" class="link back" data-testid="review-back" onClick={onBack}>← All reviews</button>
      <header class="screen-head">
        <h1 data-testid="review-title">{h.title}</h1>
        <span class={`badge review-${view.state}`} data-testid="review-state" data-state={view.state}>
          {labelOf(v.review_states, view.state)}
        </span>
        <div class="spacer" />
        {view.state === "draft" && !editingHeader && (
          <button type="button" data-testid="review-edit-header" onClick={() => setEditingHeader(true)}>Edit header</button>
        )}
        <button type="button" data-testid="review-present" disabled={view.items.length === 0} onClick={() => setPresenting(true)}>
          Present
        </button>
      </header>

      <dl class="review-header" data-testid="review-header">
        <dt>Quarter</dt>
        <dd>{h.period}, meeting on {h.held_on}</dd>
        <dt>Chair</dt>
        <dd data-testid="review-chair-shown">{h.chair}</dd>
        <dt>Attendees</dt>
        <dd data-testid="review-attendees-shown">
          {h.attendees.length === 0 ? <span class="muted">none listed</span> : h.attendees.map((a, i) => (
            <span key={i} class="attendee">{a.name}{a.role && <span class="muted"> ({a.role})</span>}{i < h.attendees.length - 1 ? ", " : ""}</span>
          ))}
        </dd>
        <dt>Scope</dt>
        <dd>
          {scope.stages.length > 0 ? scope.stages.map((s) => labelOf(v.stages, s)).join(", ") : "every stage but retired"}
          {scope.business_units.length > 0 && `; business units ${scope.business_units.join(", ")}`}
          {scope.tags.length > 0 && `; tagged ${scope.tags.join(", ")}`}
          {` (${view.items.length} ${view.items.length === 1 ? "system" : "systems"})`}
        </dd>
        <dt>Rules</dt>
        <dd>version {view.rules_version}</dd>
        <dt>Frozen</dt>
        <dd data-testid="review-frozen">{view.frozen_at ? <><When at={view.frozen_at} /> by {view.frozen_by ?? "?"}</> : "not yet"}</dd>
        <dt>Snapshot SHA-256</dt>
        <dd><code class="fingerprint" data-testid="review-hash">{view.snapshot_hash ?? "none until frozen"}</code></dd>
      </dl>

      {editingHeader && view.state === "draft" && (
        <ReviewHeaderForm initial={h} save={(draft) => backend.reviewUpdate(key, draft)}
          onSaved={(next) => { setEditingHeader(false); updated(next); }} onCancel={() => setEditingHeader(false)} />
      )}

      {error && <ErrorBox error={error} testid="review-error" />}

      {view.state !== "draft" && <BoardPackPanel reviewKey={key} period={h.period} />}

      {view.state === "draft" && (
        <div class="panel freeze" data-testid="freeze-panel">
          <p>
            Freezing fixes every system's scorecard, the recommendations and the rules as one snapshot with a SHA-256
            hash, so the board decides on inputs that no longer move; later changes in the workspace are flagged,
            never applied.
          </p>
          <button type="button" class="primary" data-testid="review-freeze" disabled={busy}
            onClick={async () => {
              const next = await run(() => backend.reviewFreeze(key));
              if (next) updated(next);
            }}>
            Freeze
          </button>
        </div>
      )}

      <h2>1. Actions carried over from earlier reviews</h2>
      {view.carried_over.length === 0 ? (
        <p class="hint" data-testid="carried-over-none">No open action from an earlier review.</p>
      ) : (
        <ActionTable list={view.carried_over} testid="carried-over" showPeriod />
      )}

      <h2>
        2. Systems: <span data-testid="review-decided">{decided} of {view.items.length} decided</span>
      </h2>
      {view.state === "draft" && <p class="hint">Freeze the review to record the board's decisions.</p>}
      {view.state === "signed" && <p class="hint">The review is signed; its decisions no longer change.</p>}
      {view.items.length === 0 && <p class="empty">No system is in this review's scope.</p>}
      {view.items.map((item) => (
        <ItemCard key={item.scorecard.system_id} item={item} reviewKey={key} canDecide={open} onDecided={updated} />
      ))}

      <h2>3. Actions set by this review</h2>
      <ActionForm view={view} reviewKey={key} onAdded={() => { void load(); onChanged(); }} />
      {view.actions.length === 0 ? (
        <p class="hint" data-testid="actions-none">No action set yet.</p>
      ) : (
        <ActionTable list={view.actions} testid="actions" />
      )}

      <h2>4. Budget balance</h2>
      <BudgetTable view={view} />

      <h2>5. Board sign-off</h2>
      <ReviewSignoff view={view} onSigned={() => { void load(); onChanged(); }} />

      {presenting && <ReviewPresenter view={view} onExit={() => setPresenting(false)} />}
    </section>
  );
}

function ItemCard({ item, reviewKey, canDecide, onDecided }: {
  item: ReviewItem; reviewKey: string; canDecide: boolean; onDecided: (v: ReviewView) => void;
}) {
  const v = useVocab();
  const c = item.scorecard;
  const r = item.recommendation;
  const changed = new Set(item.changed_since_freeze);
  const [editing, setEditing] = useState(false);
  return (
    <article class="review-item" data-testid="review-item" data-system={c.system} data-stage={c.stage}
      data-recommendation={r?.disposition ?? ""} data-decision={item.decision?.decision ?? ""}>
      <header class="review-item-head">
        <h3 data-testid="item-name">{c.system}</h3>
        <StageBadge stage={c.stage} />
        <RiskBadge tier={c.risk_tier} />
        <span class="muted small">
          {c.business_unit}{c.owner && ` · owner ${c.owner}`}{c.sponsor && ` · sponsor ${c.sponsor}`}
        </span>
      </header>

      <Recommendation item={item} />

      <div class="score-groups" data-testid="scorecard">
        {scorecardGroups(c, v).map((g) => (
          <section key={g.key} class="score-group" data-group={g.key}>
            <h4>{g.title}</h4>
            <dl>
              {g.lines.map((l) => (
                <Fragment key={l.field}>
                  <dt>{l.label}</dt>
                  <dd data-field={l.field} class={[l.missing ? "missing" : "", changed.has(l.field) ? "changed" : ""].join(" ").trim() || undefined}
                    title={changed.has(l.field) ? "changed since the freeze" : undefined}>
                    {l.value}
                  </dd>
                </Fragment>
              ))}
            </dl>
          </section>
        ))}
      </div>

      {item.decision && <RecordedDecision item={item} />}
      {canDecide && (item.decision === null || editing ? (
        <DecisionFormView item={item} reviewKey={reviewKey}
          onDecided={(next) => { setEditing(false); onDecided(next); }} />
      ) : (
        <button type="button" data-testid="decision-change" onClick={() => setEditing(true)}>Change decision…</button>
      ))}
    </article>
  );
}

const DECISION_PATHS = new Set(["decision", "rationale", "dissent", "conditions", "budget"]);

function DecisionFormView({ item, reviewKey, onDecided }: { item: ReviewItem; reviewKey: string; onDecided: (v: ReviewView) => void }) {
  const v = useVocab();
  const [f, setF] = useState<DecisionForm>(() => decisionForm(item, v.dispositions));
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const [unplaced, setUnplaced] = useState<FieldError[]>([]);
  const { busy, error, run } = useAction();
  const set = <K extends keyof DecisionForm>(k: K, x: DecisionForm[K]) => setF((old) => ({ ...old, [k]: x }));
  const show = (list: FieldError[]) => {
    const placed = placeFieldErrors(list, DECISION_PATHS);
    setErrors(placed.byField);
    setUnplaced(placed.unplaced);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = decisionInput(f);
    if ("errors" in parsed) {
      show(parsed.errors);
      return;
    }
    show([]);
    const next = await run(() => backend.reviewDecide(reviewKey, String(item.scorecard.system_id), parsed.input), (w) => {
      if (w.code === "validation" && w.fields) {
        show(w.fields);
        return null;
      }
      return w;
    });
    if (next) onDecided(next);
  };

  return (
    <form class="decision-form" data-testid="decision-form" onSubmit={submit} noValidate>
      {unplaced.length > 0 && (
        <div class="error-box" role="alert" data-testid="decision-errors">
          {unplaced.map((u) => <p key={u.field}>{u.field}: {u.message}</p>)}
        </div>
      )}
      {error && <ErrorBox error={error} testid="decision-error" />}
      <div class="row">
        <Field path="decision" label="Decision" messages={errors.decision}>
          <Select testid="decision-select" value={f.decision} options={v.dispositions} onChange={(x) => set("decision", x)} />
        </Field>
        <Field path="rationale" label="Rationale (required to override)" messages={errors.rationale} class="grow">
          <textarea data-testid="decision-rationale" rows={2} value={f.rationale}
            aria-invalid={errors.rationale ? "true" : undefined}
            onInput={(ev) => set("rationale", (ev.currentTarget as HTMLTextAreaElement).value)} />
        </Field>
      </div>
      <div class="row">
        <Field path="dissent" label="Dissent (names, comma-separated)" messages={errors.dissent}>
          <input type="text" data-testid="decision-dissent" value={f.dissent} onInput={(ev) => set("dissent", valueOf(ev))} />
        </Field>
        <Field path="conditions" label="Conditions" messages={errors.conditions} class="grow">
          <input type="text" data-testid="decision-conditions" value={f.conditions} onInput={(ev) => set("conditions", valueOf(ev))} />
        </Field>
        <Field path="budget" label="Budget committed" messages={errors.budget}>
          <input type="text" inputMode="decimal" data-testid="decision-budget" size={12} value={f.budget}
            aria-invalid={errors.budget ? "true" : undefined} onInput={(ev) => set("budget", valueOf(ev))} />
        </Field>
        <button type="submit" class="primary" data-testid="decision-save" disabled={busy}>
          {item.decision ? "Change decision" : "Record decision"}
        </button>
      </div>
    </form>
  );
}

const ACTION_PATHS = new Set(["system", "title", "owner", "due"]);

function ActionForm({ view, reviewKey, onAdded }: { view: ReviewView; reviewKey: string; onAdded: () => void }) {
  const [system, setSystem] = useState(view.items[0] ? String(view.items[0].scorecard.system_id) : "");
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState("");
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const { busy, error, run } = useAction();
  if (view.state === "signed" || view.items.length === 0) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!due) {
      setErrors({ due: ["needs a due date"] });
      return;
    }
    setErrors({});
    const added = await run(() => backend.reviewAddAction(reviewKey, { system, title, owner, due }), (w) => {
      if (w.code === "validation" && w.fields) {
        const placed = placeFieldErrors(w.fields, ACTION_PATHS);
        setErrors(placed.byField);
        return placed.unplaced.length > 0 ? w : null;
      }
      return w;
    });
    if (added) {
      setTitle("");
      setOwner("");
      setDue("");
      onAdded();
    }
  };

  return (
    <form class="panel row" data-testid="action-form" onSubmit={submit} noValidate>
      <Field path="system" label="System" messages={errors.system}>
        <select data-testid="action-system" value={system} onChange={(ev) => setSystem(valueOf(ev))}>
          {view.items.map((i) => <option key={i.scorecard.system_id} value={String(i.scorecard.system_id)}>{i.scorecard.system}</option>)}
        </select>
      </Field>
      <Field path="title" label="Action" messages={errors.title} class="grow">
        <input type="text" data-testid="action-title" value={title} aria-invalid={errors.title ? "true" : undefined}
          onInput={(ev) => setTitle(valueOf(ev))} />
      </Field>
      <Field path="owner" label="Owner" messages={errors.owner}>
        <input type="text" data-testid="action-owner" value={owner} aria-invalid={errors.owner ? "true" : undefined}
          onInput={(ev) => setOwner(valueOf(ev))} />
      </Field>
      <Field path="due" label="Due" messages={errors.due}>
        <input type="date" data-testid="action-due" value={due} aria-invalid={errors.due ? "true" : undefined}
          onInput={(ev) => setDue(valueOf(ev))} />
      </Field>
      <button type="submit" class="primary" data-testid="action-add" disabled={busy}>Add action</button>
      {error && <ErrorBox error={error} testid="action-error" />}
    </form>
  );
}

function ActionTable({ list, testid, showPeriod = false }: { list: ReviewAction[]; testid: string; showPeriod?: boolean }) {
  return (
    <table class="grid compact" data-testid={testid}>
      <thead>
        <tr>
          {showPeriod && <th>Set by</th>}
          <th>System</th>
          <th>Action</th>
          <th>Owner</th>
          <th class="date">Due</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {list.map((a) => (
          <tr key={a.id} data-testid="action-row" data-state={a.done_on ? "done" : "open"}>
            {showPeriod && <td>{a.period}</td>}
            <td>{a.system}</td>
            <td>{a.title}</td>
            <td>{a.owner}</td>
            <td class="date">{a.due}</td>
            <td>
              {a.done_on
                ? <span class="badge state-done">done {a.done_on}</span>
                : <span class="badge state-open">open</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BudgetTable({ view }: { view: ReviewView }) {
  const v = useVocab();
  return (
    <table class="grid compact budget" data-testid="budget">
      <thead>
        <tr>
          <th>Line</th>
          <th class="num">Amount</th>
          <th class="num">Share</th>
          <th class="num">Target</th>
        </tr>
      </thead>
      <tbody>
        {view.budget.lines.map((l) => (
          <tr key={l.line} data-testid="budget-row" data-line={l.line}>
            <td>{labelOf(v.budget_lines, l.line)}</td>
            <td class="num">{formatMoney(l.amount)}</td>
            <td class={l.share === null ? "num missing" : "num"}>{orMissing(l.share, formatShare)}</td>
            <td class="num">{l.target === null ? <span class="muted">not set</span> : formatShare(l.target)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th>Total</th>
          <th class="num" data-testid="budget-total">{formatMoney(view.budget.total)}</th>
          <th />
          <th />
        </tr>
      </tfoot>
    </table>
  );
}

