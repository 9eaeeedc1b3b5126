// The last item of a review: the board signs its outcome. Once every system is decided the
// outcome (the frozen snapshot's hash, the decisions, the attendees, the actions) is put to the
// board under the portfolio_review sign-off rule; the request file goes to each member, their
// signature files come back here, and the one that completes the approval makes the review
// signed. Status, tally and signatures are core's.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { RequestView } from "../bindings/RequestView";
import type { ReviewView } from "../bindings/ReviewView";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { RequestPanel } from "./SignoffRequestPanel";

export function ReviewSignoff({ view, onSigned }: { view: ReviewView; onSigned: () => void }) {
  const v = useVocab();
  const [request, setRequest] = useState<RequestView | null>(null);
  const { error, busy, run } = useAction();
  const key = view.header.period;
  const load = useCallback(() => run(async () => setRequest(await backend.reviewSignoff(key))), [key, run]);
  useEffect(() => {
    void load();
  }, [load, view]);

  const canOpen = view.state === "decided" && (request === null || request.status !== "pending");
  return (
    <div data-testid="review-signoff" data-status={request?.status ?? "none"}>
      {error && <ErrorBox error={error} />}
      {view.state === "draft" || view.state === "frozen" ? (
        <p class="hint">The board signs the outcome once every system in the review is decided.</p>
      ) : request === null ? (
        <p class="hint" data-testid="review-signoff-none">
          The outcome has not been put to the board yet.
        </p>
      ) : (
        <p data-testid="review-signoff-summary">
          Request {request.id}: {labelOf(v.signoff_statuses, request.status)}, {request.tally.approvals} of{" "}
          {request.tally.quorum} approvals.
        </p>
      )}
      {canOpen && (
        <button
          type="button"
          class="primary"
          data-testid="review-signoff-open"
          disabled={busy}
          onClick={async () => {
            const r = await run(() => backend.reviewRequestSignoff(key, null));
            if (r) setRequest(r);
          }}
        >
          Put the outcome to the board for signing
        </button>
      )}
      {request && (
        <RequestPanel
          request={request}
          onImported={async () => {
            await load();
            onSigned();
          }}
        />
      )}
    </div>
  );
}
