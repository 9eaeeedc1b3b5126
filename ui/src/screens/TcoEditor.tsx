// The TCO scenario editor: every input of a scenario, each with core's error beside it; results
// and charts that follow the inputs (a debounced call to core's "evaluate draft", which computes
// everything); save (audited) and exports of the saved scenario.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import type { AiSystem } from "../bindings/AiSystem";
import type { FieldError } from "../bindings/FieldError";
import type { IdentityInfo } from "../bindings/IdentityInfo";
import type { SystemQuery } from "../bindings/SystemQuery";
import type { StoredScenario } from "../bindings/tco/StoredScenario";
import type { TcoEvaluation } from "../bindings/tco/TcoEvaluation";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { valueOf } from "../lib/dom";
import {
  type Draft,
  type Json,
  formatMoney,
  fromInput,
  getAt,
  fieldLabel,
  leafPaths,
  optionKind,
  blankRow,
  placeErrors,
  rowLists,
  setAt,
  svgSource,
  toInput,
} from "../lib/tco";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";
import { PassphraseDialog } from "./SignExport";

/** How long the editor waits after the last keystroke before asking core for results. */
const DEBOUNCE_MS = 250;

const GENERAL = ["name", "description", "currency", "horizon_months", "discount_rate"];

interface Props {
  id: number | null;
  initial: Draft;
  /** A scenario with one option of each kind, to copy a new option from. */
  template: Draft;
  onSaved: (s: StoredScenario) => void;
  onBack: () => void;
}

export function TcoEditor({ id: initialId, initial, template, onSaved, onBack }: Props) {
  const v = useVocab();
  const [id, setId] = useState<number | null>(initialId);
  const [draft, setDraft] = useState<Draft>(initial);
  const [savedJson, setSavedJson] = useState<string | null>(initialId === null ? null : JSON.stringify(initial));
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [evaluation, setEvaluation] = useState<TcoEvaluation | null>(null);
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const { error: failure, setError: setFailure, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [systems, setSystems] = useState<AiSystem[]>([]);
  const [addKind, setAddKind] = useState("cloud_on_demand");
  const [signing, setSigning] = useState(false);
  const [identity, setIdentity] = useState<IdentityInfo | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const all: SystemQuery = {
      text: "",
      stages: [],
      risk_tiers: [],
      business_units: [],
      regulated_domains: [],
      sourcing: null,
      tag: null,
      sort: "name",
      descending: false,
    };
    backend.listSystems(all).then(setSystems, () => setSystems([]));
    backend.identityShow().then(setIdentity, () => setIdentity(null));
  }, []);

  // Results follow the inputs: ask core once typing pauses; a late answer to an older draft is dropped.
  useEffect(() => {
    const mine = ++seq.current;
    const t = setTimeout(() => {
      backend.tcoEvaluate(draft).then(
        (e) => {
          if (mine === seq.current) setEvaluation(e);
        },
        (e) => {
          if (mine === seq.current) setFailure(e as WireError);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [draft]);

  const dirty = savedJson !== JSON.stringify(draft);
  const fieldPaths = useMemo(() => leafPaths(draft, "").filter((p) => p !== "lever"), [draft]);
  const shown = useMemo(() => new Set([...fieldPaths, "systems"]), [fieldPaths]);
  const errors = saveErrors.length > 0 && !evaluation?.errors.length ? saveErrors : (evaluation?.errors ?? []);
  const placed = placeErrors(errors, shown);

  const edit = (path: string, text: string) => {
    setNotice(null);
    setSaveErrors([]);
    setTexts((t) => ({ ...t, [path]: text }));
    setDraft((d) => setAt(d, path, fromInput(path, text)));
  };
  const replace = (next: Draft) => {
    setNotice(null);
    setSaveErrors([]);
    setTexts({});
    setDraft(next);
  };

  const field = (path: string, label?: string) => {
    const messages = placed.byPath.get(path);
    const long = path === "description";
    const common = {
      id: `tco-${path}`,
      "data-testid": `tco-field-${path}`,
      "aria-invalid": messages ? true : undefined,
      value: texts[path] ?? toInput(getAt(draft, path)),
      onInput: (e: Event) => edit(path, valueOf(e)),
    };
    return (
      <div class={long ? "field tco-field wide" : "field tco-field"} data-field={path} key={path}>
        <label for={`tco-${path}`}>{label ?? fieldLabel(path)}</label>
        {long ? <textarea rows={2} {...common} /> : <input type="text" inputMode="decimal" {...common} />}
        {messages?.map((m, i) => (
          <span class="field-error" data-testid={`tco-error-${path}`} key={i}>
            {m}
          </span>
        ))}
      </div>
    );
  };

  const options = (getAt(draft, "options") as Json[] | undefined) ?? [];
  const lever = getAt(draft, "lever");

  const save = async () => {
    setNotice(null);
    const st = await run(
      () => backend.tcoSave(id, draft),
      (w) => {
        if (w.code === "validation" && w.fields) {
          setSaveErrors(w.fields);
          return null;
        }
        return w;
      },
    );
    if (st) {
      const next = st.scenario as unknown as Draft;
      setId(st.id);
      setSavedJson(JSON.stringify(next));
      setDraft(next);
      setTexts({});
      setSaveErrors([]);
      setNotice(`Saved “${st.scenario.name}” (recorded in the audit log).`);
      onSaved(st);
    }
  };

  const exportAs = async (format: "toml" | "xlsx" | "pdf", passphrase: string | null) => {
    if (id === null) return;
    setFailure(null);
    setNotice(null);
    const path = await backend.chooseSaveFile(format.toUpperCase(), format).catch(() => null);
    if (!path) return;
    const bytes = await run(() => backend.tcoExport(id, format, passphrase !== null, passphrase, path));
    if (bytes !== undefined) setNotice(`Wrote ${path} (${bytes} bytes${passphrase !== null ? ", signed" : ""}).`);
  };

  const remove = async () => {
    if (id === null) return;
    if (!confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    if (await run(() => backend.tcoDelete(id))) onBack();
  };

  const result = evaluation?.result ?? null;
  const selected = new Set(((getAt(draft, "systems") as Json[] | undefined) ?? []).map(String));

  return (
    <section class="screen tco-editor" data-testid="tco-editor">
      <button type="button" class="back link" data-testid="tco-back" onClick={onBack}>
        ← All scenarios
      </button>
      <header class="screen-head">
        <h1 data-testid="tco-title">{toInput(getAt(draft, "name")) || "Untitled scenario"}</h1>
        <span class="muted" data-testid="tco-state">
          {id === null ? "not saved yet" : dirty ? "unsaved changes" : "saved"}
        </span>
        <span class="spacer" />
        <button type="button" class="primary" data-testid="tco-save" disabled={!dirty} onClick={() => void save()}>
          Save
        </button>
        <button type="button" data-testid="tco-export-toml" disabled={id === null || dirty} onClick={() => void exportAs("toml", null)}>
          Export TOML
        </button>
        <button type="button" data-testid="tco-export-xlsx" disabled={id === null || dirty} onClick={() => void exportAs("xlsx", null)}>
          Export Excel
        </button>
        <button
          type="button"
          data-testid="tco-export-pdf"
          disabled={id === null || dirty || identity === null}
          title={identity === null ? "Set up your signing identity in Profile first" : undefined}
          onClick={() => setSigning(true)}
        >
          Signed PDF
        </button>
        {id !== null && (
          <button type="button" data-testid="tco-delete" onClick={() => void remove()}>
            {confirmDelete ? "Click again to delete" : "Delete"}
          </button>
        )}
      </header>
      {dirty && id !== null && <p class="hint">Exports are of the saved scenario: save to export these changes.</p>}
      {notice && (
        <div class="ok-box" role="status" data-testid="tco-notice">
          {notice}
        </div>
      )}
      {failure && <ErrorBox error={failure} />}
      {signing && (
        <PassphraseDialog
          onOk={(p) => {
            setSigning(false);
            void exportAs("pdf", p);
          }}
          onCancel={() => setSigning(false)}
        />
      )}

      <div class="tco-layout">
        <form class="tco-inputs" onSubmit={(e) => e.preventDefault()} data-testid="tco-inputs">
          {placed.unplaced.length > 0 && (
            <div class="error-box" role="alert" data-testid="tco-unplaced">
              {placed.unplaced.map((e, i) => (
                <p key={i}>
                  <code>{e.field}</code>: {e.message}
                </p>
              ))}
            </div>
          )}
          <fieldset class="panel">
            <legend>Scenario</legend>
            <div class="tco-grid">{GENERAL.map((p) => field(p))}</div>
            <div class="field" data-field="systems">
              <label for="tco-systems">AI systems (Ctrl-click to pick several)</label>
              <select
                id="tco-systems"
                multiple
                size={5}
                data-testid="tco-systems"
                onChange={(e) => {
                  const picked = Array.from((e.currentTarget as HTMLSelectElement).selectedOptions).map((o) => o.value);
                  replace(setAt(draft, "systems", picked));
                }}
              >
                {[...new Set([...systems.map((s) => s.name), ...selected])].map((n) => (
                  <option key={n} value={n} selected={selected.has(n)}>
                    {n}
                  </option>
                ))}
              </select>
              <span class="hint" data-testid="tco-systems-picked">
                Tied to: {selected.size === 0 ? "no system" : [...selected].join(", ")}
              </span>
              {placed.byPath.get("systems")?.map((m, i) => (
                <span class="field-error" key={i}>
                  {m}
                </span>
              ))}
            </div>
          </fieldset>
          <fieldset class="panel">
            <legend>Workload forecast (month 1, growth per year)</legend>
            <div class="tco-grid">{fieldPaths.filter((p) => p.startsWith("workload.")).map((p) => field(p))}</div>
          </fieldset>
          <fieldset class="panel">
            <legend>
              <label class="check">
                <input
                  type="checkbox"
                  data-testid="tco-lever-on"
                  checked={lever !== null && lever !== undefined}
                  onChange={(e) =>
                    replace(
                      setAt(
                        draft,
                        "lever",
                        (e.currentTarget as HTMLInputElement).checked
                          ? ((getAt(template, "lever") as Json) ?? { reduction: 0.3, from_month: 1 })
                          : null,
                      ),
                    )
                  }
                />
                Quantisation / pruning lever
              </label>
            </legend>
            <div class="tco-grid">{fieldPaths.filter((p) => p.startsWith("lever.")).map((p) => field(p))}</div>
          </fieldset>
          {options.map((o, i) => {
            const kind = optionKind(o, v.tco_option_types);
            const label = v.tco_option_types.find((k) => k.key === kind)?.label ?? "Unknown kind";
            return (
              <fieldset class="panel" key={i} data-testid={`tco-option-${i}`}>
                <legend>
                  Option {i + 1}: {label}
                </legend>
                <div class="tco-grid">{fieldPaths.filter((p) => p.startsWith(`options[${i}].`)).map((p) => field(p))}</div>
                {rowLists(o, `options[${i}]`).map((list) => {
                  const rows = (getAt(draft, list) as Json[] | undefined) ?? [];
                  const what = list.endsWith("parts") ? "part" : "egress band";
                  return (
                    <div class="row" key={list}>
                      <button
                        type="button"
                        data-testid={`tco-add-row-${list}`}
                        onClick={() => replace(setAt(draft, list, [...rows, rows[rows.length - 1] ?? blankRow(list)]))}
                      >
                        Add {what}
                      </button>
                      <button
                        type="button"
                        data-testid={`tco-remove-row-${list}`}
                        disabled={rows.length === 0}
                        onClick={() => replace(setAt(draft, list, rows.slice(0, -1)))}
                      >
                        Remove last {what}
                      </button>
                    </div>
                  );
                })}
                <button
                  type="button"
                  data-testid={`tco-remove-option-${i}`}
                  onClick={() => replace(setAt(draft, "options", options.filter((_, j) => j !== i)))}
                >
                  Remove this option
                </button>
              </fieldset>
            );
          })}
          <div class="row">
            <select data-testid="tco-add-kind" value={addKind} onChange={(e) => setAddKind(valueOf(e))}>
              {v.tco_option_types.map((k) => (
                <option key={k.key} value={k.key}>
                  {k.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              data-testid="tco-add-option"
              onClick={() => {
                const model = ((getAt(template, "options") as Json[] | undefined) ?? []).find((o) => optionKind(o, v.tco_option_types) === addKind);
                if (model && typeof model === "object" && !Array.isArray(model)) {
                  const label = v.tco_option_types.find((k) => k.key === addKind)?.label ?? addKind;
                  replace(setAt(draft, "options", [...options, { ...model, name: `${label} ${options.length + 1}` }]));
                }
              }}
            >
              Add option
            </button>
          </div>
        </form>

        <div class="tco-results" data-testid="tco-results" aria-live="polite">
          {evaluation === null ? (
            <p class="muted">Computing…</p>
          ) : result === null ? (
            <div class="panel">
              <p class="error-message" data-testid="tco-invalid">
                {evaluation.errors.length} problem{evaluation.errors.length === 1 ? "" : "s"} to fix; the results show once the
                scenario is valid.
              </p>
            </div>
          ) : (
            <>
              <div class="panel">
                <h2>Results over {result.horizon_months} months</h2>
                <p class="hint">
                  NPV at {(Number(getAt(draft, "discount_rate")) * 100).toFixed(2)}% a year, discounted monthly at (1+r)^(1/12)−1 ={" "}
                  {(result.monthly_rate * 100).toFixed(4)}% a month; prices in {result.currency}.
                </p>
                <table class="tco-table">
                  <thead>
                    <tr>
                      <th>Option</th>
                      <th class="num">Total</th>
                      <th class="num">NPV</th>
                      <th class="num">Per 1,000 inferences</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.options.map((o, i) => (
                      <tr key={i} class={i === result.cheapest ? "cheapest" : undefined}>
                        <td>
                          {o.name}
                          {i === result.cheapest && (
                            <span class="badge level-ok" data-testid="tco-cheapest">
                              cheapest
                            </span>
                          )}
                        </td>
                        <td class="num">{formatMoney(o.total)}</td>
                        <td class="num" data-testid={`tco-npv-${i}`}>
                          {formatMoney(o.npv)}
                        </td>
                        <td class="num">{o.cost_per_1k_inferences === null ? "n/a" : o.cost_per_1k_inferences.toFixed(4)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <h3>Break-even</h3>
                <ul class="tco-breakeven" data-testid="tco-breakeven">
                  {result.break_even.map((b, i) => {
                    const a = result.options[b.a]?.name;
                    const c = result.options[b.b]?.name;
                    const cheaper = b.cheaper === null ? null : result.options[b.cheaper]?.name;
                    return (
                      <li key={i}>
                        {a} vs {c}:{" "}
                        {cheaper === null
                          ? "a tie at the horizon"
                          : b.month === null
                            ? `${cheaper} is cheaper throughout`
                            : `from month ${b.month}, ${cheaper} stays cheaper`}
                      </li>
                    );
                  })}
                </ul>
              </div>
              {evaluation.cumulative_svg && (
                <div class="panel">
                  <img class="tco-chart" data-testid="tco-chart-cumulative" alt="Cumulative cost of each option by month" src={svgSource(evaluation.cumulative_svg)} />
                </div>
              )}
              <div class="panel">
                <h3>Sensitivity of the NPV (each driver −20% / +20%)</h3>
                {evaluation.tornado_svgs.map((svg, i) =>
                  svg === "" ? null : (
                    <img key={i} class="tco-chart" data-testid={`tco-chart-tornado-${i}`} alt={`Tornado chart of ${result.options[i]?.name}`} src={svgSource(svg)} />
                  ),
                )}
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
