// The import wizard: choose a file, preview what it would do (core plans it without writing),
// see every problem, and commit only a clean plan. A refused import changes nothing.
import { useState } from "preact/hooks";

import type { ImportPlan } from "../bindings/ImportPlan";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { ProblemTable } from "../components/ProblemTable";
import { nextPaint, valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";

type Step =
  | { kind: "choose" }
  | { kind: "preview"; plan: ImportPlan }
  | { kind: "done"; plan: ImportPlan };

interface Props {
  onImported: () => void;
  onShowRegister: () => void;
}

export function ImportScreen({ onImported, onShowRegister }: Props) {
  const [path, setPath] = useState("");
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const { busy, error, run } = useAction();
  // What the busy import is doing, shown while it does it.
  const [doing, setDoing] = useState<"Reading the file…" | "Importing…">("Reading the file…");

  const browse = async () => {
    const picked = await backend.chooseImportFile().catch(() => null);
    if (picked) {
      setPath(picked);
      setStep({ kind: "choose" });
    }
  };

  const preview = async (e: Event) => {
    e.preventDefault();
    setDoing("Reading the file…");
    const plan = await run(async () => {
      await nextPaint();
      return backend.planImport(path.trim());
    });
    setStep(plan ? { kind: "preview", plan } : { kind: "choose" });
  };

  const commit = async () => {
    setDoing("Importing…");
    const plan = await run(async () => {
      await nextPaint();
      return backend.importSystems(path.trim());
    });
    if (plan) {
      setStep({ kind: "done", plan });
      onImported();
    }
  };

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
          <button type="submit" class="primary" data-testid="import-preview" disabled={busy || path.trim() === ""}>
            Preview
          </button>
        </div>
      </form>

      {busy && <p class="progress" role="status" aria-busy="true">{doing}</p>}
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
