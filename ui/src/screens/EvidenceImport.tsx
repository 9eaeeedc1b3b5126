// Importing evidence from a file, as the register's import does: the preview (core reads and
// checks the whole file and writes nothing), every problem located by file, sheet, row and
// column, then the import of a clean file, all or nothing. A spreadsheet in the long format
// names its system and version on each row; an MLflow run's JSON may need them given here.
import { useState } from "preact/hooks";

import type { EvidencePlan } from "../bindings/EvidencePlan";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { ProblemTable } from "../components/ProblemTable";
import { nextPaint, valueOf } from "../lib/dom";
import { useAction } from "../lib/useAction";

type Step = { kind: "choose" } | { kind: "preview"; plan: EvidencePlan } | { kind: "done"; plan: EvidencePlan };

export function EvidenceImport({ system, onImported }: { system: string; onImported: (notice: string) => Promise<void> }) {
  const [path, setPath] = useState("");
  const [version, setVersion] = useState("");
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const { busy, error, run } = useAction();
  const json = path.trim().toLowerCase().endsWith(".json");
  // Only an MLflow run's JSON takes the system and version from here; a spreadsheet names them on each row.
  const opts = (): [string | null, string | null] => (json ? [system, version.trim() === "" ? null : version.trim()] : [null, null]);

  const browse = async () => {
    const picked = await backend.chooseEvidenceFile().catch(() => null);
    if (picked) {
      setPath(picked);
      setStep({ kind: "choose" });
    }
  };

  const preview = async (e: Event) => {
    e.preventDefault();
    const [s, v] = opts();
    const plan = await run(async () => {
      await nextPaint();
      return backend.evidencePlanImport(path.trim(), s, v, null, null);
    });
    setStep(plan ? { kind: "preview", plan } : { kind: "choose" });
  };

  const commit = async () => {
    const [s, v] = opts();
    const plan = await run(() => backend.evidenceImport(path.trim(), s, v, null, null));
    if (plan) {
      setStep({ kind: "done", plan });
      await onImported(`Imported ${plan.file}: ${plan.runs_added} runs and ${plan.bias_added} bias results added, ${plan.replaced.length} replaced.`);
    }
  };

  const plan = step.kind === "choose" ? null : step.plan;
  const blocked = plan !== null && plan.problems.length > 0;
  const writes = plan ? plan.runs_added + plan.bias_added + plan.replaced.length : 0;
  return (
    <div data-testid="evidence-import">
      <form class="panel" onSubmit={preview}>
        <p class="hint">
          An .xlsx, .ods or .csv file in the long format (one row per metric of a run, or per segment's result: System, Model
          version, Date, Dataset, Method, Metric, Value, … Attribute, Segment, Reference group, Reference value), or an MLflow
          run's JSON. Nothing is written until you import a file with no problem.
        </p>
        <div class="row">
          <label class="grow">
            File
            <input type="text" data-testid="evidence-import-path" placeholder="/home/me/validation.xlsx" value={path}
              onInput={(e) => { setPath(valueOf(e)); setStep({ kind: "choose" }); }} />
          </label>
          <button type="button" onClick={() => void browse()}>Browse…</button>
          {json && (
            <label>
              Model version (if the run does not tag it)
              <input type="text" size={8} data-testid="evidence-import-version" value={version}
                onInput={(e) => { setVersion(valueOf(e)); setStep({ kind: "choose" }); }} />
            </label>
          )}
          <button type="submit" class="primary" data-testid="evidence-import-preview" disabled={busy || path.trim() === ""}>Preview</button>
        </div>
        {json && <p class="hint">An MLflow run without a steward.system tag is read as evidence of {system}.</p>}
      </form>
      {busy && <p class="progress" role="status" aria-busy="true">Reading the file…</p>}
      {error && <ErrorBox error={error} testid="evidence-import-error" />}
      {plan && (
        <div class="plan" data-testid={step.kind === "done" ? "evidence-import-result" : "evidence-import-plan"}>
          <p class={blocked ? "summary blocked" : "summary"} data-testid="evidence-import-summary">
            {step.kind === "done" ? "Imported " : ""}
            <strong>{plan.file}</strong>
            {plan.sheet ? `, sheet ${plan.sheet}` : ""} ({plan.format}): {plan.rows} {plan.rows === 1 ? "row" : "rows"} read,{" "}
            {plan.runs_added} {plan.runs_added === 1 ? "run" : "runs"} and {plan.bias_added} bias{" "}
            {plan.bias_added === 1 ? "result" : "results"} to add, {plan.replaced.length} to replace, {plan.unchanged} unchanged
            {plan.systems.length > 0 && `, of ${plan.systems.join(", ")}`}
            {blocked ? (
              <>
                ; <span data-testid="evidence-import-problem-count">{plan.problems.length} {plan.problems.length === 1 ? "problem" : "problems"}</span>.
                Nothing can be imported until the file is corrected.
              </>
            ) : "."}
          </p>
          {plan.problems.length > 0 && (
            <>
              <h3>Problems</h3>
              <ProblemTable problems={plan.problems} testid="evidence-import-problems" />
            </>
          )}
          {plan.decisions.length > 0 && (
            <>
              <h3>How the file was read</h3>
              <ProblemTable problems={plan.decisions} testid="evidence-import-decisions" />
            </>
          )}
          {plan.warnings.length > 0 && (
            <>
              <h3>Warnings</h3>
              <ProblemTable problems={plan.warnings} testid="evidence-import-warnings" />
            </>
          )}
          {plan.replaced.length > 0 && (
            <>
              <h3>{step.kind === "done" ? "Replaced" : "To replace"}</h3>
              <ul data-testid="evidence-import-replaced">
                {plan.replaced.map((r) => (
                  <li key={`${r.kind}-${r.id}`}>{r.row !== null ? `Row ${r.row}: ` : ""}{r.record}</li>
                ))}
              </ul>
            </>
          )}
          {step.kind === "preview" && (
            <div class="actions">
              <button type="button" class="primary" data-testid="evidence-import-commit" disabled={blocked || busy || writes === 0} onClick={() => void commit()}>
                Import {writes} {writes === 1 ? "record" : "records"}
              </button>
              {blocked && <span class="hint">Correct the file and preview it again.</span>}
              {!blocked && writes === 0 && <span class="hint">Everything in the file is recorded already.</span>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
