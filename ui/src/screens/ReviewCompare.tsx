// Two reviews side by side, as core compares them: the systems that entered and left the scope,
// how each system in both moved (disposition, KPI attainment, ROI; a changed disposition is
// marked), and the actions opened and closed between the two meetings.
import { useEffect, useState } from "preact/hooks";

import type { ReviewAction } from "../bindings/ReviewAction";
import type { ReviewComparison } from "../bindings/ReviewComparison";
import type { ReviewSummary } from "../bindings/ReviewSummary";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import { formatShare, MISSING, orMissing } from "../lib/review";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

export function ReviewCompare({ generation }: { generation: number }) {
  const v = useVocab();
  const [list, setList] = useState<ReviewSummary[] | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [result, setResult] = useState<ReviewComparison | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(async () => {
      const l = await backend.reviewList();
      setList(l);
      // Reviews come oldest quarter first: offer the last two.
      setFrom((f) => f || (l[l.length - 2]?.period ?? l[0]?.period ?? ""));
      setTo((t) => t || (l[l.length - 1]?.period ?? ""));
    });
  }, [generation, run]);

  if (!list) return error ? <ErrorBox error={error} testid="compare-error" /> : <p aria-busy="true">Loading…</p>;
  if (list.length < 2) {
    return <p class="empty" data-testid="compare-empty">Comparing needs two reviews; there {list.length === 1 ? "is one" : "are none"} so far.</p>;
  }

  const dispo = (d: ReviewComparison["movements"][number]["before"]) => (d === null ? "none" : labelOf(v.dispositions, d));
  const changed = new Set(result?.changed.map((m) => m.system_id) ?? []);
  const share = (x: number | null) => orMissing(x, formatShare);

  return (
    <div data-testid="compare">
      <form class="panel row" onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(() => backend.reviewCompare(from, to));
        if (r) setResult(r);
      }}>
        <label>
          Earlier review
          <select data-testid="compare-from" value={from} onChange={(e) => setFrom(valueOf(e))}>
            {list.map((r) => <option key={r.id} value={r.period}>{r.period}: {r.title}</option>)}
          </select>
        </label>
        <label>
          Later review
          <select data-testid="compare-to" value={to} onChange={(e) => setTo(valueOf(e))}>
            {list.map((r) => <option key={r.id} value={r.period}>{r.period}: {r.title}</option>)}
          </select>
        </label>
        <button type="submit" class="primary" data-testid="compare-run" disabled={busy || !from || !to}>Compare</button>
      </form>
      {error && <ErrorBox error={error} testid="compare-error" />}
      {result && (
        <div data-testid="compare-result" data-from={result.from} data-to={result.to}>
          <h2>{result.from} → {result.to}</h2>
          <div class="compare-scope">
            <div>
              <h3>Entered the scope</h3>
              <p data-testid="compare-entered">{result.entered.length > 0 ? result.entered.join(", ") : "none"}</p>
            </div>
            <div>
              <h3>Left the scope</h3>
              <p data-testid="compare-left">{result.left.length > 0 ? result.left.join(", ") : "none"}</p>
            </div>
          </div>
          <h3>Movements</h3>
          <p class="hint">A disposition is the board's decision where it recorded one, else the recommendation. {result.changed.length} changed.</p>
          <table class="grid" data-testid="compare-movements">
            <thead>
              <tr>
                <th>System</th>
                <th>Disposition</th>
                <th class="num">KPI attainment</th>
                <th class="num">ROI</th>
              </tr>
            </thead>
            <tbody>
              {result.movements.map((m) => (
                <tr key={m.system_id} data-testid="movement-row" data-system={m.system} data-changed={changed.has(m.system_id) ? "yes" : "no"}>
                  <td>{m.system}</td>
                  <td>
                    {dispo(m.before)} → {dispo(m.after)}
                    {changed.has(m.system_id) && <span class="badge override">changed</span>}
                  </td>
                  <td class="num">{share(m.attainment_before)} → {share(m.attainment_after)}</td>
                  <td class="num">{share(m.roi_before)} → {share(m.roi_after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="compare-actions">
            <div>
              <h3>Actions opened</h3>
              <Actions list={result.actions_opened} testid="compare-opened" />
            </div>
            <div>
              <h3>Actions closed</h3>
              <Actions list={result.actions_closed} testid="compare-closed" />
            </div>
          </div>
          <p class="hint">“{MISSING}” marks a figure a review did not know.</p>
        </div>
      )}
    </div>
  );
}

function Actions({ list, testid }: { list: ReviewAction[]; testid: string }) {
  if (list.length === 0) return <p class="hint" data-testid={testid}>None.</p>;
  return (
    <ul data-testid={testid}>
      {list.map((a) => (
        <li key={a.id} data-testid="compare-action">
          {a.system}: {a.title} <span class="muted">({a.owner}, due {a.due}{a.done_on ? `, done ${a.done_on}` : ""}; set in {a.period})</span>
        </li>
      ))}
    </ul>
  );
}
