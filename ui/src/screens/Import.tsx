// The import wizard: choose a file (and a saved mapping profile), preview what it would do (core
// plans it without writing), see every problem, read the file another way where core could not
// (another sheet, a column or a value mapped, the order of day and month), save that as a
// profile, and commit only a clean plan, with its progress and a way to stop it. A refused or
// cancelled import changes nothing.
import { useEffect, useState } from "preact/hooks";

import type { ImportPlan } from "../bindings/ImportPlan";
import type { ImportProfile } from "../bindings/ImportProfile";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { Mapping } from "../bindings/Mapping";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { ProblemTable } from "../components/ProblemTable";
import { nextPaint, valueOf } from "../lib/dom";
import { columnChoice, emptyMapping, IGNORE, isEmpty, withColumn, withDateOrder, withValue } from "../lib/importMapping";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";

type Step =
  | { kind: "choose" }
  | { kind: "preview"; plan: ImportPlan }
  | { kind: "done"; plan: ImportPlan };

interface Props {
  onImported: () => void;
  onShowRegister: () => void;
}

export function ImportScreen({ onImported, onShowRegister }: Props) {
  const v = useVocab();
  const [path, setPath] = useState("");
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const { busy, error, run } = useAction();
  // What the busy import is doing, shown while it does it.
  const [doing, setDoing] = useState<"Reading the file…" | "Importing…">("Reading the file…");
  const [rowsRead, setRowsRead] = useState(0);
  const [profiles, setProfiles] = useState<ImportProfile[]>([]);
  // How the file is read: a sheet, a saved profile, and the mapping made here (edited from the
  // profile's when one was chosen).
  const [sheet, setSheet] = useState<string | null>(null);
  const [profile, setProfile] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Mapping>(emptyMapping());
  const [edited, setEdited] = useState(false);
  const [profileName, setProfileName] = useState("");
  const [savedAs, setSavedAs] = useState<string | null>(null);

  const loadProfiles = () => backend.importProfiles().then(setProfiles, () => setProfiles([]));
  useEffect(() => {
    void loadProfiles();
  }, []);

  const request = (over: Partial<{ sheet: string | null; profile: string | null; mapping: Mapping; edited: boolean }> = {}): ImportRequest => {
    const m = over.mapping ?? mapping;
    const e = over.edited ?? edited;
    return {
      sheet: over.sheet !== undefined ? over.sheet : sheet,
      profile: over.profile !== undefined ? over.profile : profile,
      mapping: e && !isEmpty(m) ? m : null,
    };
  };

  const browse = async () => {
    const picked = await backend.chooseImportFile().catch(() => null);
    if (picked) {
      setPath(picked);
      setSheet(null);
      setStep({ kind: "choose" });
    }
  };

  /** Plans the file as `req` says and shows the result; nothing is written. */
  const plan_ = async (req: ImportRequest) => {
    setDoing("Reading the file…");
    const plan = await run(async () => {
      await nextPaint();
      return backend.planImport(path.trim(), req);
    });
    setStep(plan ? { kind: "preview", plan } : { kind: "choose" });
  };

  const preview = (e: Event) => {
    e.preventDefault();
    setSavedAs(null);
    void plan_(request());
  };

  const chooseProfile = (name: string) => {
    const p = profiles.find((x) => x.name === name) ?? null;
    setProfile(p ? p.name : null);
    setMapping(p ? p.mapping : emptyMapping());
    setEdited(false);
    setStep({ kind: "choose" });
  };

  /** Applies an edit of the mapping and reads the file again with it. */
  const remap = (m: Mapping) => {
    setMapping(m);
    setEdited(true);
    setSavedAs(null);
    void plan_(request({ mapping: m, edited: true }));
  };

  const chooseSheet = (name: string) => {
    setSheet(name);
    void plan_(request({ sheet: name }));
  };

  const saveProfile = async (e: Event) => {
    e.preventDefault();
    const name = profileName.trim();
    const ok = await run(async () => {
      await backend.saveImportProfile(name, mapping);
      return true;
    });
    if (ok) {
      await loadProfiles();
      setProfile(name);
      setEdited(false);
      setSavedAs(name);
    }
  };

  const commit = async () => {
    setDoing("Importing…");
    setRowsRead(0);
    const plan = await run(async () => {
      await nextPaint();
      return backend.importSystems(path.trim(), request(), setRowsRead);
    });
    if (plan) {
      setStep({ kind: "done", plan });
      onImported();
    }
  };

  const fieldLabel = (key: string) => v.system_fields.find((f) => f.key === key)?.label ?? key;

  const plan = step.kind === "choose" ? null : step.plan;
  const blocked = plan !== null && plan.problems.length > 0;

  return (
    <section class="screen import" data-testid="import-screen">
      <header class="screen-head">
        <h1>Import systems</h1>
      </header>
      <ol class="steps" aria-label="Steps">
        <li class={step.kind === "choose" ? "current" : "done"}>Choose a file</li>
        <li class={step.kind === "preview" ? "current" : step.kind === "done" ? "done" : ""}>Check the preview</li>
        <li class={step.kind === "done" ? "current" : ""}>Import</li>
      </ol>

      <form class="panel" onSubmit={preview}>
        <p class="hint">
          An .xlsx, .ods or .csv file with one system per row and a header row (Name, Business unit, Owner, Stage,
          Risk tier, …). Rows whose name is already in the register update that system.
        </p>
        <div class="row">
          <label class="grow">
            File
            <input
              type="text"
              data-testid="import-path"
              placeholder="/home/me/ai-systems.xlsx"
              value={path}
              onInput={(e) => {
                setPath(valueOf(e));
                setStep({ kind: "choose" });
              }}
            />
          </label>
          <button type="button" data-testid="import-browse" onClick={browse}>Browse…</button>
          <label>
            Read with
            <select data-testid="import-profile" value={profile ?? ""} onChange={(e) => chooseProfile(valueOf(e))}>
              <option value="">no saved mapping</option>
              {profiles.map((p) => (
                <option value={p.name}>profile {p.name}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary" data-testid="import-preview" disabled={busy || path.trim() === ""}>
            Preview
          </button>
        </div>
      </form>

      {busy && (
        <p class="progress" role="status" aria-busy="true" data-testid="import-progress">
          {doing}
          {doing === "Importing…" && rowsRead > 0 && ` ${rowsRead.toLocaleString("en-GB")} rows read`}
          {doing === "Importing…" && (
            <button type="button" data-testid="import-cancel" onClick={() => void backend.cancelTransfer()}>
              Cancel
            </button>
          )}
        </p>
      )}
      {error && <ErrorBox error={error} testid="import-error" />}

      {plan && (
        <div class="plan" data-testid={step.kind === "done" ? "import-result" : "import-plan"}>
          <p class={blocked ? "summary blocked" : "summary"} data-testid="import-summary">
            {step.kind === "done" ? "Imported " : ""}
            <strong>{plan.file}</strong>
            {plan.sheet ? `, sheet ${plan.sheet}` : ""}: {plan.rows} {plan.rows === 1 ? "row" : "rows"} read —{" "}
            <span data-testid="plan-adds">{plan.adds.length} to add</span>,{" "}
            <span data-testid="plan-changes">{plan.changes.length} to change</span>,{" "}
            <span data-testid="plan-unchanged">{plan.unchanged} unchanged</span>
            {blocked ? (
              <>
                , <span data-testid="plan-problem-count">{plan.problems.length} {plan.problems.length === 1 ? "problem" : "problems"}</span>.
                Nothing can be imported until the file is corrected.
              </>
            ) : (
              "."
            )}
          </p>

          {plan.problems.length > 0 && (
            <>
              <h2>Problems</h2>
              <ProblemTable problems={plan.problems} />
            </>
          )}
          {(plan.decisions.length > 0 || plan.mapping) && (
            <>
              <h2>How the file was read</h2>
              {plan.mapping && <p class="hint" data-testid="import-mapping">Mapping: {plan.mapping}</p>}
              {plan.decisions.length > 0 && <ProblemTable problems={plan.decisions} testid="import-decisions" />}
            </>
          )}
          {step.kind === "preview" && (
            <MappingPanel
              plan={plan}
              mapping={mapping}
              busy={busy}
              fieldLabel={fieldLabel}
              fields={v.system_fields}
              onSheet={chooseSheet}
              onMapping={remap}
            />
          )}
          {step.kind === "preview" && edited && !isEmpty(mapping) && (
            <form class="row" onSubmit={saveProfile} data-testid="import-save-profile">
              <label>
                Save this mapping as a profile named
                <input type="text" data-testid="import-profile-name" value={profileName} onInput={(e) => setProfileName(valueOf(e))} />
              </label>
              <button type="submit" disabled={busy || profileName.trim() === ""} data-testid="import-profile-save">
                Save profile
              </button>
            </form>
          )}
          {savedAs && (
            <p class="ok" role="status" data-testid="import-profile-saved">
              Saved as profile {savedAs}; choose it under "Read with" next time.
            </p>
          )}
          {plan.warnings.length > 0 && (
            <>
              <h2>Warnings</h2>
              <ProblemTable problems={plan.warnings} testid="import-warnings" />
            </>
          )}

          {step.kind === "preview" && (
            <div class="actions">
              <button type="button" class="primary" data-testid="import-commit" disabled={blocked || busy} onClick={commit}>
                Import {plan.adds.length + plan.changes.length} {plan.adds.length + plan.changes.length === 1 ? "system" : "systems"}
              </button>
              {blocked && <span class="hint">Correct the file and preview it again.</span>}
            </div>
          )}
          {step.kind === "done" && (
            <div class="actions">
              <button type="button" class="primary" data-testid="import-show-register" onClick={onShowRegister}>
                Show the register
              </button>
            </div>
          )}

          {plan.adds.length > 0 && (
            <>
              <h2>{step.kind === "done" ? "Added" : "To add"}</h2>
              <table class="grid compact" data-testid="plan-adds-table">
                <thead><tr><th class="num">Row</th><th>Name</th></tr></thead>
                <tbody>{plan.adds.map((a) => <tr><td class="num">{a.row}</td><td>{a.name}</td></tr>)}</tbody>
              </table>
            </>
          )}
          {plan.changes.length > 0 && (
            <>
              <h2>{step.kind === "done" ? "Changed" : "To change"}</h2>
              <table class="grid compact" data-testid="plan-changes-table">
                <thead><tr><th class="num">Row</th><th>System</th><th>Field</th><th>Now</th><th>After import</th></tr></thead>
                <tbody>
                  {plan.changes.flatMap((c) =>
                    c.fields.map((f, i) => (
                      <tr>
                        {i === 0 && <td class="num" rowSpan={c.fields.length}>{c.row}</td>}
                        {i === 0 && <td rowSpan={c.fields.length}>{c.name} <span class="muted">#{c.id}</span></td>}
                        <td>{f.field}</td>
                        <td class="before">{f.before}</td>
                        <td class="after">{f.after}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </section>
  );
}

interface MappingProps {
  plan: ImportPlan;
  mapping: Mapping;
  busy: boolean;
  fields: { key: string; label: string }[];
  fieldLabel: (key: string) => string;
  onSheet: (name: string) => void;
  onMapping: (m: Mapping) => void;
}

/** How the file was read, to change: the sheet, each column's field, values no field knows,
 *  the order of day and month. Every change reads the file again at once. */
function MappingPanel({ plan, mapping, busy, fields, fieldLabel, onSheet, onMapping }: MappingProps) {
  return (
    <section class="panel mapping" data-testid="import-mapping-panel" aria-label="How the file is read">
      <h2>How to read the file</h2>
      <div class="row">
        {plan.sheets.length > 1 && (
          <label>
            Sheet
            <select data-testid="import-sheet" value={plan.sheet ?? ""} disabled={busy} onChange={(e) => onSheet(valueOf(e))}>
              {plan.sheets.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Dates like 03/04/2025 are
          <select
            data-testid="import-date-order"
            value={mapping.date_order ?? ""}
            disabled={busy}
            onChange={(e) => onMapping(withDateOrder(mapping, (valueOf(e) || null) as Mapping["date_order"] | null))}
          >
            <option value="">refused when ambiguous</option>
            <option value="day-first">day first (3 April)</option>
            <option value="month-first">month first (4 March)</option>
          </select>
        </label>
      </div>
      <table class="grid compact" data-testid="import-columns">
        <caption>Columns</caption>
        <thead>
          <tr>
            <th>Column</th>
            <th>Header</th>
            <th>Read as</th>
          </tr>
        </thead>
        <tbody>
          {plan.columns.map((c) => (
            <tr data-testid="import-column" data-header={c.header}>
              <td>{c.column}</td>
              <td>{c.header}</td>
              <td>
                <select
                  aria-label={`Read column ${c.column} (${c.header}) as`}
                  data-testid="import-column-field"
                  value={columnChoice(mapping, c)}
                  disabled={busy}
                  onChange={(e) => onMapping(withColumn(mapping, c.header, valueOf(e)))}
                >
                  {!c.field && <option value="">nothing (no register field)</option>}
                  <option value={IGNORE}>left out on purpose</option>
                  {fields.map((f) => (
                    <option value={f.key}>{f.label}</option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.unknown_values.length > 0 && (
        <table class="grid compact" data-testid="import-unknown-values">
          <caption>Values the register does not know</caption>
          <thead>
            <tr>
              <th>Field</th>
              <th>Value in the file</th>
              <th class="num">Rows</th>
              <th>Means</th>
            </tr>
          </thead>
          <tbody>
            {plan.unknown_values.map((u) => (
              <tr data-testid="import-unknown-value" data-value={u.value}>
                <td>{fieldLabel(u.field)}</td>
                <td>{u.value}</td>
                <td class="num">{u.rows === 1 ? `row ${u.first_row}` : `${u.rows} (first row ${u.first_row})`}</td>
                <td>
                  <select
                    aria-label={`${fieldLabel(u.field)} "${u.value}" means`}
                    data-testid="import-value-means"
                    value={mapping.values[u.field]?.[u.value] ?? ""}
                    disabled={busy}
                    onChange={(e) => onMapping(withValue(mapping, u.field, u.value, valueOf(e)))}
                  >
                    <option value="">(choose)</option>
                    {u.choices.map((c) => (
                      <option value={c.key}>{c.label}</option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
