// The portfolio review's workspace settings: the board's target budget split (run, retraining
// and refactoring, new development) that each review's budget balance is held against, and the
// recommendation rules in force (their version, whether they are the shipped ones or the
// workspace's own, each rule), with a workspace's own rules loaded from a file or reset.
// Core checks the target and the rules file; this screen reads typed input and shows core's.
import { useCallback, useEffect, useState } from "preact/hooks";

import type { ReviewRulesInForce } from "../bindings/ReviewRulesInForce";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { Field } from "../components/Field";
import { valueOf } from "../lib/dom";
import { type FieldErrorMap, placeFieldErrors } from "../lib/fieldErrors";
import { budgetTargetForm, type BudgetTargetForm, budgetTargetInput, formatShare } from "../lib/review";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";

export function ReviewSettings({ generation, onChanged }: { generation: number; onChanged: () => void }) {
  return (
    <>
      <BudgetTargetPanel generation={generation} onChanged={onChanged} />
      <RulesPanel generation={generation} onChanged={onChanged} />
    </>
  );
}

const BUDGET_PATHS = new Set(["run", "technical_debt", "new_development"]);

function BudgetTargetPanel({ generation, onChanged }: { generation: number; onChanged: () => void }) {
  const v = useVocab();
  const [f, setF] = useState<BudgetTargetForm>(budgetTargetForm(null));
  const [set, setSet] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrorMap>({});
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(async () => {
      const t = await backend.reviewBudgetTarget();
      setF(budgetTargetForm(t));
      setSet(t !== null);
    });
  }, [generation, run]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setNotice(null);
    const parsed = budgetTargetInput(f);
    if ("errors" in parsed) {
      setErrors(placeFieldErrors(parsed.errors, BUDGET_PATHS).byField);
      return;
    }
    setErrors({});
    const saved = await run(() => backend.reviewSetBudgetTarget(parsed.target), (w) => {
      if (w.code === "validation" && w.fields) {
        const placed = placeFieldErrors(w.fields, BUDGET_PATHS);
        setErrors(placed.byField);
        return placed.unplaced.length > 0 ? w : null;
      }
      return w;
    });
    if (saved) {
      setF(budgetTargetForm(saved));
      setSet(true);
      setNotice(`Target set: run ${formatShare(saved.run)}, retraining and refactoring ${formatShare(saved.technical_debt)}, new development ${formatShare(saved.new_development)} (recorded in the audit log).`);
      onChanged();
    }
  };

  const input = (k: keyof BudgetTargetForm) => (
    <input type="text" inputMode="decimal" size={6} data-testid={`budget-target-${k}`} value={f[k]}
      aria-invalid={errors[k] ? "true" : undefined}
      onInput={(ev) => setF((old) => ({ ...old, [k]: valueOf(ev) }))} />
  );

  return (
    <form class="panel budget-target" data-testid="budget-target-form" onSubmit={submit} noValidate>
      <h2>Budget target</h2>
      <p class="hint" data-testid="budget-target-state">
        {set === null ? "…" : set
          ? "Each review's budget balance is held against this split, in percent of the total; the shares add up to 100."
          : "No target set yet: reviews show the budget balance without one. The shares, in percent, add up to 100."}
      </p>
      {error && <ErrorBox error={error} testid="budget-target-error" />}
      <div class="row">
        <Field path="run" label={`${labelOf(v.budget_lines, "run")} (%)`} messages={errors.run}>{input("run")}</Field>
        <Field path="technical_debt" label={`${labelOf(v.budget_lines, "technical_debt")} (%)`} messages={errors.technical_debt}>
          {input("technical_debt")}
        </Field>
        <Field path="new_development" label={`${labelOf(v.budget_lines, "new_development")} (%)`} messages={errors.new_development}>
          {input("new_development")}
        </Field>
        <button type="submit" class="primary" data-testid="budget-target-save" disabled={busy}>Set target</button>
      </div>
      {notice && <p class="ok" role="status" data-testid="budget-target-notice">{notice}</p>}
    </form>
  );
}

function RulesPanel({ generation, onChanged }: { generation: number; onChanged: () => void }) {
  const v = useVocab();
  const [inForce, setInForce] = useState<ReviewRulesInForce | null>(null);
  const [path, setPath] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const load = useCallback(() => run(async () => setInForce(await backend.reviewRules())), [run]);
  useEffect(() => {
    void load();
  }, [generation, load]);

  const browse = async () => {
    const picked = await backend.chooseRulesFile().catch(() => null);
    if (picked) setPath(picked);
  };

  const apply = async (file: string | null) => {
    setNotice(null);
    const next = await run(() => backend.reviewSetRules(file));
    if (next) {
      setInForce(next);
      setNotice(file === null
        ? `Reset to the built-in rules, version ${next.rules.version}.`
        : `Loaded ${file}: rules version ${next.rules.version}. Drafts are scored with them now; frozen reviews keep the rules they froze.`);
      onChanged();
    }
  };

  return (
    <section class="panel review-rules" data-testid="review-rules">
      <h2>Recommendation rules</h2>
      {inForce && (
        <p data-testid="rules-in-force" data-origin={inForce.origin}>
          In force: version <strong data-testid="rules-version">{inForce.rules.version}</strong>,{" "}
          {inForce.origin === "workspace" ? "this workspace's own rules" : "the rules built into Steward"}.
          Rules are tried in order; the first whose conditions all hold recommends.
        </p>
      )}
      {error && <ErrorBox error={error} testid="rules-error" />}
      <form class="row" onSubmit={(e) => { e.preventDefault(); if (path.trim()) void apply(path.trim()); }}>
        <label class="grow">
          Rules file (TOML)
          <input type="text" data-testid="rules-path" placeholder="/home/me/review-rules.toml" value={path}
            onInput={(ev) => setPath(valueOf(ev))} />
        </label>
        <button type="button" onClick={() => void browse()}>Browse…</button>
        <button type="submit" class="primary" data-testid="rules-load" disabled={busy || path.trim() === ""}>Load rules</button>
        <button type="button" data-testid="rules-reset" disabled={busy || inForce?.origin !== "workspace"}
          onClick={() => void apply(null)}>
          Reset to built-in
        </button>
      </form>
      {notice && <p class="ok" role="status" data-testid="rules-notice">{notice}</p>}
      {inForce && (
        <table class="grid compact" data-testid="rules-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Recommends</th>
              <th>For</th>
              <th>When</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {inForce.rules.rules.map((r) => (
              <tr key={r.id} data-testid="rule-row" data-rule={r.id}>
                <td><code>{r.id}</code></td>
                <td>{labelOf(v.dispositions, r.recommend)}</td>
                <td>{r.applies_to === "in_service" ? "systems in service" : r.applies_to === "proposals" ? "proposals" : "every system"}</td>
                <td>{r.when.length === 0 ? "always" : r.when.map((c) => c.text).join(" and ")}</td>
                <td class="wide">{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
