// The TCO area: the scenarios kept in the workspace, the editor of one, and two side by side.
// Every figure shown comes from core (a stored scenario is evaluated like a draft).
import { useEffect, useState } from "preact/hooks";

import type { StoredScenario } from "../bindings/tco/StoredScenario";
import type { TcoEvaluation } from "../bindings/tco/TcoEvaluation";
import type { TcoSummary } from "../bindings/tco/TcoSummary";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { TableWrap } from "../components/TableWrap";
import { valueOf } from "../lib/dom";
import { type Draft, formatMoney, svgSource } from "../lib/tco";
import { useAction } from "../lib/useAction";
import { TcoEditor } from "./TcoEditor";
import { When } from "../components/When";

type View = { kind: "list" } | { kind: "edit"; id: number | null; draft: Draft } | { kind: "compare" };

export function TcoScreen() {
  const [view, setView] = useState<View>({ kind: "list" });
  const [list, setList] = useState<TcoSummary[] | null>(null);
  const [template, setTemplate] = useState<Draft | null>(null);
  const { error, setError, run } = useAction();

  const reload = () => backend.tcoList().then(setList, setError);
  useEffect(() => {
    void reload();
    backend.tcoNewDraft().then((d) => setTemplate(d as unknown as Draft), setError);
  }, []);

  const open = async (id: number) => {
    const st = await run(() => backend.tcoGet(id));
    if (st) setView({ kind: "edit", id, draft: st.scenario as unknown as Draft });
  };

  const importFile = async () => {
    setError(null);
    const path = await backend.chooseScenarioFile().catch(() => null);
    if (!path) return;
    const st = await run(() => backend.tcoImport(path));
    if (st) {
      void reload();
      setView({ kind: "edit", id: st.id, draft: st.scenario as unknown as Draft });
    }
  };

  if (view.kind === "edit" && template) {
    return (
      <TcoEditor
        key={view.id ?? "new"}
        id={view.id}
        initial={view.draft}
        template={template}
        onSaved={() => void reload()}
        onBack={() => {
          setView({ kind: "list" });
          void reload();
        }}
      />
    );
  }
  if (view.kind === "compare" && list) {
    return <TcoCompare list={list} onBack={() => setView({ kind: "list" })} />;
  }

  return (
    <section class="screen" data-testid="tco-list">
      <header class="screen-head">
        <h1>TCO comparisons</h1>
        <span class="count">{list ? `${list.length} scenario${list.length === 1 ? "" : "s"}` : ""}</span>
        <span class="spacer" />
        <button
          type="button"
          data-testid="tco-compare"
          disabled={!list || list.length < 2}
          onClick={() => setView({ kind: "compare" })}
        >
          Compare two
        </button>
        <button type="button" data-testid="tco-import" onClick={() => void importFile()}>
          Import TOML…
        </button>
        <button
          type="button"
          class="primary"
          data-testid="tco-new"
          disabled={!template}
          onClick={() => template && setView({ kind: "edit", id: null, draft: template })}
        >
          New scenario
        </button>
      </header>
      <p class="hint">
        Cloud on demand, reserved, on-premises and hybrid options compared over a horizon: cost by month and driver,
        NPV, break-even and sensitivity. Scenario files (TOML, see <code>steward tco template</code>) import here or with{" "}
        <code>steward tco import</code>; their <code>systems</code> must name systems of the register.
      </p>
      {error && <ErrorBox error={error} />}
      <TableWrap label="TCO scenarios">
        <table class="register">
          <thead>
            <tr>
              <th>Scenario</th>
              <th>AI systems</th>
              <th class="num">Options</th>
              <th class="num">Horizon</th>
              <th>Cheapest by NPV</th>
              <th>Saved</th>
            </tr>
          </thead>
          <tbody>
            {list?.map((s) => (
              <tr key={s.id} data-testid="tco-row">
                <td>
                  <button type="button" class="link" data-testid={`tco-open-${s.id}`} onClick={() => void open(s.id)}>
                    <span data-testid="tco-row-name">{s.name}</span>
                  </button>
                  <div class="muted">{s.description}</div>
                </td>
                <td>{s.systems.join(", ")}</td>
                <td class="num">{s.options}</td>
                <td class="num">{s.horizon_months} months</td>
                <td>
                  {s.cheapest} ({formatMoney(s.cheapest_npv)} {s.currency})
                </td>
                <td><When at={s.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {list && list.length === 0 && <p class="empty">No scenarios yet: start a new one.</p>}
      </TableWrap>
    </section>
  );
}

type Side = { stored: StoredScenario; evaluation: TcoEvaluation } | null;

function TcoCompare({ list, onBack }: { list: TcoSummary[]; onBack: () => void }) {
  const [ids, setIds] = useState<[number, number]>([list[0].id, list[1].id]);
  const [sides, setSides] = useState<[Side, Side]>([null, null]);
  const [error, setError] = useState<WireError | null>(null);

  useEffect(() => {
    const load = async (id: number): Promise<Side> => {
      const stored = await backend.tcoGet(id);
      return { stored, evaluation: await backend.tcoEvaluate(stored.scenario) };
    };
    Promise.all([load(ids[0]), load(ids[1])]).then((s) => setSides([s[0], s[1]]), setError);
  }, [ids[0], ids[1]]);

  const pick = (which: 0 | 1) => (e: Event) => {
    const next: [number, number] = [...ids];
    next[which] = Number(valueOf(e));
    setIds(next);
  };

  return (
    <section class="screen" data-testid="tco-compare-view">
      <button type="button" class="back link" onClick={onBack}>
        ← All scenarios
      </button>
      <header class="screen-head">
        <h1>Two scenarios side by side</h1>
      </header>
      {error && <ErrorBox error={error} />}
      <div class="tco-compare">
        {([0, 1] as const).map((w) => {
          const side = sides[w];
          const r = side?.evaluation.result ?? null;
          return (
            <div class="panel" key={w} data-testid={`tco-side-${w}`}>
              <select data-testid={`tco-compare-${w}`} value={String(ids[w])} onChange={pick(w)}>
                {list.map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {s.name}
                  </option>
                ))}
              </select>
              {side && r && (
                <>
                  <p class="hint">
                    {r.horizon_months} months, {(side.stored.scenario.discount_rate * 100).toFixed(2)}% a year, prices in{" "}
                    {r.currency}; AI systems: {side.stored.scenario.systems.join(", ") || "none"}
                  </p>
                  <table class="tco-table">
                    <thead>
                      <tr>
                        <th>Option</th>
                        <th class="num">Total</th>
                        <th class="num">NPV</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.options.map((o, i) => (
                        <tr key={i} class={i === r.cheapest ? "cheapest" : undefined}>
                          <td>
                            {o.name}
                            {i === r.cheapest && <span class="badge level-ok">cheapest</span>}
                          </td>
                          <td class="num">{formatMoney(o.total)}</td>
                          <td class="num" data-testid={`tco-side-${w}-npv-${i}`}>
                            {formatMoney(o.npv)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {side.evaluation.cumulative_svg && (
                    <img class="tco-chart" alt="Cumulative cost" src={svgSource(side.evaluation.cumulative_svg)} />
                  )}
                </>
              )}
              {side && !r && <ErrorBox error={{ code: "validation", message: "this stored scenario no longer validates" }} />}
            </div>
          );
        })}
      </div>
    </section>
  );
}
