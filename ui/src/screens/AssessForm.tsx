// One assessment: the questionnaire rendered from its template (pages, the questions core says
// are shown, progress, language switch, a live score panel, save and complete) and, once
// complete, the result page with the level, its requirements and the tier decision.
import { useEffect, useRef, useState } from "preact/hooks";

import type { Assessment } from "../bindings/Assessment";
import type { AssessmentResult } from "../bindings/AssessmentResult";
import type { EuAiActCategory } from "../bindings/EuAiActCategory";
import type { Evaluation } from "../bindings/Evaluation";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { RiskTier } from "../bindings/RiskTier";
import type { Template } from "../bindings/Template";
import type { TemplateQuestion } from "../bindings/TemplateQuestion";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import type { Answers, Lang } from "../lib/assess";
import { isBilingual, percent, questionsOnPage, statusLabel, textIn, toggleChoice, withAnswer } from "../lib/assess";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { When } from "../components/When";
import { formatTime } from "../lib/format";

interface Props {
  id: number;
  onBack: () => void;
  onChanged: () => void;
}

export function AssessmentScreen({ id, onBack, onChanged }: Props) {
  const v = useVocab();
  const [a, setA] = useState<Assessment | null>(null);
  const [t, setT] = useState<Template | null>(null);
  const [answers, setAnswers] = useState<Answers>({});
  const [ev, setEv] = useState<Evaluation | null>(null);
  const [page, setPage] = useState(0);
  const [lang, setLang] = useState<Lang>("en");
  const [dirty, setDirty] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const latest = useRef(0);
  // The answers core's latest evaluation was made for: until it is these answers, the screen
  // is evaluating. Derived in the same render as the change, so no frame claims to be settled
  // while an evaluation of older answers is shown.
  const [evaluatedFor, setEvaluatedFor] = useState<Answers | null>(null);

  const load = async () => {
    const x = await backend.getAssessment(id);
    setA(x);
    setAnswers(x.answers as Answers);
    setDirty(false);
    if (!t || t.info.version !== x.template.version) {
      setT(await backend.assessmentTemplate(x.template.id, x.template.version));
    }
  };

  useEffect(() => {
    load().catch(setError);
  }, [id]);

  // Core decides what is shown and what it scores; ask it after every change.
  useEffect(() => {
    if (!a) return;
    const n = ++latest.current;
    const asked = answers;
    backend.evaluateAnswers(a.template.id, a.template.version, asked).then((e) => {
      if (n === latest.current) {
        setEv(e);
        setEvaluatedFor(asked);
      }
    }, setError);
  }, [a, answers]);

  if (!a || !t || !ev) {
    return (
      <section class="screen">
        <button type="button" class="link back" onClick={onBack}>← System</button>
        {error ? <ErrorBox error={error} /> : <p aria-busy="true">Loading the questionnaire…</p>}
      </section>
    );
  }

  const locked = a.status !== "draft";
  const pages = ev.pages;
  const current = pages[Math.min(page, pages.length - 1)] ?? "";
  const pageSection = t.sections.find((s) => s.name === current && s.kind === "page");
  const questions = questionsOnPage(t, ev.visible, current);

  const set = (name: string, value: unknown) => {
    setAnswers((prev) => withAnswer(prev, name, value));
    setDirty(true);
    setSaved(null);
  };

  const save = () =>
    run(async () => {
      const x = await backend.saveAnswers(a.id, answers);
      setA(x);
      setDirty(false);
      setSaved(`Saved at ${formatTime(x.updated_at)}`);
      onChanged();
    });

  const complete = () =>
    run(async () => {
      if (dirty) await backend.saveAnswers(a.id, answers);
      await backend.completeAssessment(a.id);
      await load();
      onChanged();
    });

  return (
    <section class="screen assessment" data-testid="assessment-screen" data-evaluating={evaluatedFor === answers ? "false" : "true"}>
      <button type="button" class="link back" data-testid="back-to-system" onClick={onBack}>← {a.system_name}</button>
      <header class="screen-head">
        <h1>{a.template.title}</h1>
        <span class="badge" data-testid="assessment-status">{statusLabel(v.assessment_statuses, a.status, a.needs_review)}</span>
        <div class="spacer" />
        {isBilingual(t) && (
          <div class="row" role="group" aria-label="Language">
            <button type="button" data-testid="lang-en" aria-pressed={lang === "en"} onClick={() => setLang("en")}>English</button>
            <button type="button" data-testid="lang-fr" aria-pressed={lang === "fr"} onClick={() => setLang("fr")}>Français</button>
          </div>
        )}
      </header>
      <p class="hint">
        #{a.id} · {a.system_name} · {a.template.id} {a.template.version}
        {a.needs_review && ` · a newer version (${a.current_version}) is current: review the changed questions`}
      </p>
      {error && <ErrorBox error={error} testid="assessment-error" />}

      {locked ? (
        <ResultView a={a} onDecided={async () => { await load(); onChanged(); }} />
      ) : (
        <div class="assess-layout">
          <div class="assess-main">
            <div class="panel">
              <div class="progress" data-testid="assess-progress">
                {ev.answered} of {ev.shown} questions answered ({percent(ev.answered, ev.shown)}%)
              </div>
              <progress max={Math.max(ev.shown, 1)} value={ev.answered} />
              <nav class="page-tabs" aria-label="Pages">
                {pages.map((p, i) => {
                  const s = t.sections.find((x) => x.name === p && x.kind === "page");
                  return (
                    <button type="button" class={i === page ? "active" : ""} data-testid={`page-${p}`} onClick={() => setPage(i)}>
                      {i + 1}. {textIn(s?.title, lang) || p}
                    </button>
                  );
                })}
              </nav>
            </div>
            <div class="panel" data-testid="assess-page" data-page={current}>
              <h2>{textIn(pageSection?.title, lang) || current}</h2>
              {questions.length === 0 && <p class="muted">No question on this page applies to the answers so far.</p>}
              {questions.map((q, i) => {
                // A panel's title heads its first shown question.
                const panel = t.sections[q.section];
                const opens = panel.kind === "panel" && panel.title && (i === 0 || questions[i - 1].section !== q.section);
                return (
                  <>
                    {opens && <h3 class="panel-title">{textIn(panel.title, lang)}</h3>}
                    <QuestionField q={q} lang={lang} value={answers[q.name]} onChange={(v) => set(q.name, v)} />
                  </>
                );
              })}
              <div class="row">
                <button type="button" data-testid="prev-page" disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
                <button type="button" data-testid="next-page" disabled={page >= pages.length - 1} onClick={() => setPage(page + 1)}>Next</button>
                <div class="spacer" />
                {saved && <span class="ok" data-testid="saved">{saved}</span>}
                <button type="button" data-testid="save-assessment" disabled={busy || !dirty} onClick={save}>Save</button>
                <button type="button" class="primary" data-testid="complete-assessment" disabled={busy} onClick={complete}>Complete</button>
              </div>
            </div>
            {ev.problems.length > 0 && (
              <div class="error-box" data-testid="answer-problems">
                {ev.problems.map((p) => <div>{p.question}: {p.message}</div>)}
              </div>
            )}
          </div>
          <aside class="panel score-panel" data-testid="score-panel">
            <h2>Score so far</h2>
            {ev.result ? <ScoreSummary r={ev.result} /> : <p class="muted">Fix the answers listed to see the score.</p>}
          </aside>
        </div>
      )}
    </section>
  );
}

function QuestionField({ q, lang, value, onChange }: { q: TemplateQuestion; lang: Lang; value: unknown; onChange: (v: unknown) => void }) {
  const title = textIn(q.title, lang);
  const description = textIn(q.description, lang);
  return (
    <fieldset class="question" data-testid={`q-${q.name}`}>
      <legend>{title}</legend>
      {description && <p class="hint">{description}</p>}
      {q.help && <details class="hint"><summary>Help</summary>{textIn(q.help, lang)}</details>}
      {q.type === "radiogroup" &&
        q.choices.map((c) => (
          <label class="choice">
            <input
              type="radio"
              name={q.name}
              data-testid={`choice-${q.name}-${c.value}`}
              checked={value === c.value}
              onChange={() => onChange(c.value)}
            />
            {textIn(c.text, lang)}
          </label>
        ))}
      {q.type === "checkbox" &&
        q.choices.map((c) => (
          <label class="choice">
            <input
              type="checkbox"
              data-testid={`choice-${q.name}-${c.value}`}
              checked={Array.isArray(value) && (value as string[]).includes(c.value)}
              onChange={(e) => onChange(toggleChoice(q, value, c.value, (e.target as HTMLInputElement).checked))}
            />
            {textIn(c.text, lang)}
          </label>
        ))}
      {q.type === "dropdown" && (
        <select data-testid={`select-${q.name}`} value={typeof value === "string" ? value : ""} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
          <option value="">—</option>
          {q.choices.map((c) => <option value={c.value}>{textIn(c.text, lang)}</option>)}
        </select>
      )}
      {q.type === "text" && (
        <input type="text" data-testid={`text-${q.name}`} value={typeof value === "string" ? value : value == null ? "" : String(value)} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
      )}
      {q.type === "comment" && (
        <textarea data-testid={`text-${q.name}`} rows={3} value={typeof value === "string" ? value : ""} onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)} />
      )}
    </fieldset>
  );
}

function ScoreSummary({ r }: { r: AssessmentResult }) {
  const v = useVocab();
  if (r.kind === "aia") {
    return (
      <dl data-testid="aia-score">
        <dt>Raw impact score</dt><dd data-testid="raw-impact">{r.raw_impact_score} of {r.max_raw_impact_score}</dd>
        <dt>Mitigation score</dt><dd data-testid="mitigation">{r.mitigation_score} of {r.max_mitigation_score}</dd>
        <dt>15% reduction</dt><dd>{r.reduction_applied ? "applied" : `not applied (needs ${r.mitigation_threshold})`}</dd>
        <dt>Current score</dt><dd data-testid="current-score">{r.current_score}</dd>
        <dt>Impact level</dt><dd data-testid="impact-level">Level {r.impact_level_label}</dd>
      </dl>
    );
  }
  if (r.kind === "eu_ai_act") {
    return (
      <div data-testid="eu-score">
        <p><strong data-testid="eu-category">{labelOf(v.eu_ai_act_categories, r.category)}</strong></p>
        <ul>{r.findings.map((f) => <li>{f.reference}: {f.title}</li>)}</ul>
        {r.notes.map((n) => <p class="hint">{n}</p>)}
      </div>
    );
  }
  return (
    <table class="grid compact" data-testid="nist-score">
      <thead><tr><th>Function</th><th>Rated</th><th class="num">Mean</th></tr></thead>
      <tbody>
        {r.functions.map((f) => (
          <tr><td>{f.id}</td><td>{f.rated}/{f.subcategories}</td><td class="num">{f.mean === null ? "—" : f.mean.toFixed(2)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

function ResultView({ a, onDecided }: { a: Assessment; onDecided: () => Promise<void> }) {
  const v = useVocab();
  const r = a.result;
  const suggested: RiskTier | null = r.kind === "nist_ai_rmf" ? null : r.suggested_risk_tier;
  const [tier, setTier] = useState<RiskTier>("medium");
  const [category, setCategory] = useState<EuAiActCategory | "">("");
  const [reason, setReason] = useState("");
  const { error, run } = useAction();

  const decide = (accept: boolean) =>
    run(async () => {
      await backend.decideAssessment(a.id, {
        accept,
        risk_tier: accept ? null : tier,
        eu_ai_act_category: accept || category === "" ? null : category,
        reason: accept ? "" : reason,
      });
      await onDecided();
    });

  const exportAs = (format: ExportFormat) =>
    run(async () => {
      const out = await backend.chooseSaveFile(format.toUpperCase(), format);
      if (out) await backend.exportAssessment(a.id, format, out);
    });

  return (
    <div data-testid="assessment-result">
      <div class="panel">
        <h2>Result</h2>
        {r.kind === "aia" && <p class="level" data-testid="result-level">Impact level {r.impact_level_label}</p>}
        {r.kind === "eu_ai_act" && <p class="level" data-testid="result-level">{labelOf(v.eu_ai_act_categories, r.category)}</p>}
        <ScoreSummary r={r} />
        <p class="hint">
          Completed <When at={a.completed_at} /> by {a.completed_by}
          {a.superseded_by !== null && ` · superseded by #${a.superseded_by}`}
        </p>
        <div class="row">
          <button type="button" data-testid="export-xlsx" onClick={() => exportAs("xlsx")}>Export .xlsx</button>
          <button type="button" data-testid="export-csv" onClick={() => exportAs("csv")}>Export .csv</button>
        </div>
      </div>

      {suggested && (
        <div class="panel" data-testid="tier-decision">
          <h2>Risk tier</h2>
          <p>Suggested tier: <strong data-testid="suggested-tier">{labelOf(v.risk_tiers, suggested)}</strong></p>
          {a.decision && (
            <p data-testid="decision">
              {a.decision.accepted ? "Accepted" : "Overridden to"} {labelOf(v.risk_tiers, a.decision.risk_tier)} by {a.decision.decided_by} at <When at={a.decision.decided_at} />
              {a.decision.reason && `: ${a.decision.reason}`}
            </p>
          )}
          {a.status === "complete" && (
            <>
              <button type="button" class="primary" data-testid="accept-tier" onClick={() => decide(true)}>Accept suggested tier</button>
              <div class="row">
                <label class="field">Override tier
                  <select data-testid="override-tier" value={tier} onChange={(e) => setTier((e.target as HTMLSelectElement).value as RiskTier)}>
                    {v.risk_tiers.map((x) => <option value={x.key}>{x.label}</option>)}
                  </select>
                </label>
                {r.kind === "eu_ai_act" && (
                  <label class="field">EU AI Act category
                    <select value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value as EuAiActCategory | "")}>
                      <option value="">as suggested</option>
                      {v.eu_ai_act_categories.map((x) => <option value={x.key}>{x.label}</option>)}
                    </select>
                  </label>
                )}
                <label class="field">Reason
                  <input type="text" data-testid="override-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
                </label>
                <button type="button" data-testid="override-submit" onClick={() => decide(false)}>Override</button>
              </div>
            </>
          )}
          {error && <ErrorBox error={error} testid="decision-error" />}
        </div>
      )}

      <div class="panel">
        <h2>What this result requires</h2>
        {r.requirements.length === 0 ? <p class="muted">Nothing further.</p> : (
          <table class="grid compact" data-testid="requirements">
            <thead><tr><th>Reference</th><th>Area</th><th>Requirement</th></tr></thead>
            <tbody>
              {r.requirements.map((q) => (
                <tr><td>{q.reference}</td><td>{q.area}</td><td class="pre">{q.text}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
