// The parts of a review item that the review page and presenter mode both show: the rules'
// recommendation with the inputs that fired it and core's flags, and the decision as recorded.
import type { ReviewItem } from "../bindings/ReviewItem";
import { changedLabels, formatMoney } from "../lib/review";
import { labelOf, useVocab } from "../lib/vocab";
import { When } from "../components/When";

/** The rules' recommendation with the inputs that fired it, and core's flags on it. */
export function Recommendation({ item, large = false }: { item: ReviewItem; large?: boolean }) {
  const v = useVocab();
  const r = item.recommendation;
  return (
    <div class={large ? "recommendation large" : "recommendation"} data-testid="recommendation" data-disposition={r?.disposition ?? ""}>
      {r ? (
        <>
          <p class="rec-head">
            Recommended: <strong data-testid="rec-disposition">{labelOf(v.dispositions, r.disposition)}</strong>{" "}
            <span class="muted small">rule <code data-testid="rec-rule">{r.rule}</code></span>
          </p>
          <p class="rec-reason">{r.reason}</p>
          {r.because.length > 0 && (
            <ul class="because">
              {r.because.map((b) => <li key={b.input} data-testid="rec-because" data-input={b.input}>Because {b.text}.</li>)}
            </ul>
          )}
        </>
      ) : (
        <p class="rec-head" data-testid="rec-none">No rule applies: the board decides without a recommendation.</p>
      )}
      {item.mismatch && item.previous && (
        <p class="flag" data-testid="flag-mismatch">
          Differs from last quarter's decision ({labelOf(v.dispositions, item.previous.decision)} in {item.previous.period})
        </p>
      )}
      {item.changed_since_freeze.length > 0 && (
        <p class="flag" data-testid="flag-changed">Changed since the freeze: {changedLabels(item.changed_since_freeze, v).join(", ")}</p>
      )}
    </div>
  );
}

/** The board's decision as recorded. */
export function RecordedDecision({ item }: { item: ReviewItem }) {
  const v = useVocab();
  const d = item.decision;
  if (!d) return null;
  return (
    <div class="decision-recorded" data-testid="decision-recorded" data-decision={d.decision} data-overrode={d.overrode ? "yes" : "no"}>
      <p>
        Decided: <strong data-testid="decision-shown">{labelOf(v.dispositions, d.decision)}</strong>
        {d.overrode && <span class="badge override" data-testid="decision-override">Override</span>}
        <span class="muted small"> by {d.decided_by}, <When at={d.decided_at} /></span>
      </p>
      {d.rationale && <p>Rationale: {d.rationale}</p>}
      {d.dissent.length > 0 && <p>Dissent: {d.dissent.join(", ")}</p>}
      {d.conditions && <p>Conditions: {d.conditions}</p>}
      {d.budget !== null && <p>Budget: {formatMoney(d.budget)}</p>}
    </div>
  );
}
