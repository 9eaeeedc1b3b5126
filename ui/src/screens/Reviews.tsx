// Portfolio reviews, where a portfolio manager starts: every quarterly review with its state and
// snapshot, opening a review of a quarter (date, chair, attendees, which systems), the decision
// register across reviews, two reviews compared, and the board's budget target and rules. A review opens in ReviewDetail. States,
// counts and flags are core's; this screen shows them and reads typed input.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { RegisterEntry } from "../bindings/RegisterEntry";
import type { ReviewSummary } from "../bindings/ReviewSummary";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { formatMoney, shortHash } from "../lib/review";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { ReviewCompare } from "./ReviewCompare";
import { ReviewDetail } from "./ReviewDetail";
import { ReviewHeaderForm } from "./ReviewHeaderForm";
import { ReviewSettings } from "./ReviewSettings";
import { formatDay } from "../lib/format";

type Tab = "reviews" | "register" | "compare" | "settings";

const TAB_LABELS: Record<Tab, string> = {
  reviews: "Reviews",
  register: "Decision register",
  compare: "Compare",
  settings: "Budget & rules",
};

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
          {(Object.keys(TAB_LABELS) as Tab[]).map((t) => (
            <button key={t} type="button" role="tab" aria-selected={tab === t} class={tab === t ? "tab active" : "tab"}
              data-testid={`reviews-tab-${t}`} onClick={() => setTab(t)}>
              {TAB_LABELS[t]}
            </button>
          ))}
        </div>
      </header>
      {tab === "reviews" ? (
        <ReviewList generation={generation} onOpen={setOpen} onChanged={onChanged} />
      ) : tab === "register" ? (
        <DecisionRegister generation={generation} onOpen={setOpen} />
      ) : tab === "compare" ? (
        <ReviewCompare generation={generation} />
      ) : (
        <ReviewSettings generation={generation} onChanged={onChanged} />
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
        <TableWrap label="Reviews">
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
        </TableWrap>
      )}
      <ReviewHeaderForm initial={null} save={(draft) => backend.reviewCreate(draft)}
        onSaved={(created) => { onChanged(); onOpen(created.header.period); }} />
    </>
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
        <TableWrap label="Decision register">
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
                  <td class="small" title={r.decision.decided_at}>{r.decision.decided_by}<br /><span class="muted">{formatDay(r.decision.decided_at.slice(0, 10))}</span></td>
                  <td><code class="hash" title={r.snapshot_hash ?? ""}>{shortHash(r.snapshot_hash)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
