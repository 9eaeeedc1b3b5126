// The assessments area: every template with its current version, what changed since the older
// versions still answered against and which assessments need review, adding a newer template
// file, and every assessment in the workspace with its status.
import { useEffect, useState } from "preact/hooks";

import type { AssessmentSummary } from "../bindings/AssessmentSummary";
import type { TemplateStatus } from "../bindings/TemplateStatus";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { statusLabel } from "../lib/assess";
import { useAction } from "../lib/useAction";
import { useVocab } from "../lib/vocab";
import { AssessmentScreen } from "./AssessForm";
import { When } from "../components/When";

export function AssessOverview({ generation, onChanged }: { generation: number; onChanged: () => void }) {
  const v = useVocab();
  const [templates, setTemplates] = useState<TemplateStatus[] | null>(null);
  const [list, setList] = useState<AssessmentSummary[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const { error, setError, run } = useAction();
  const [added, setAdded] = useState<string | null>(null);

  const load = () =>
    Promise.all([backend.assessmentTemplates(), backend.listAssessments(null)]).then(([t, l]) => {
      setTemplates(t);
      setList(l);
    }, setError);

  useEffect(() => {
    void load();
  }, [generation]);

  const addTemplate = async () => {
    setAdded(null);
    await run(async () => {
      const path = await backend.chooseTemplateFile();
      if (!path) return;
      const info = await backend.addTemplate(path);
      setAdded(`Added ${info.id} version ${info.version} (${info.date}).`);
      await load();
      onChanged();
    });
  };

  if (open !== null) {
    return <AssessmentScreen id={open} onBack={() => { setOpen(null); void load(); }} onChanged={onChanged} />;
  }

  return (
    <section class="screen" data-testid="assess-overview">
      <header class="screen-head">
        <h1>Impact assessments</h1>
        <div class="spacer" />
        <button type="button" data-testid="add-template" onClick={addTemplate}>Add a template file…</button>
      </header>
      <p class="hint">Start an assessment from a system's page in the register.</p>
      {error && <ErrorBox error={error} testid="overview-error" />}
      {added && <div class="ok-box" data-testid="template-added">{added}</div>}
      {templates === null ? <p aria-busy="true">Loading…</p> : (
        <table class="grid compact" data-testid="template-list">
          <thead><tr><th>Template</th><th>Current version</th><th>Date</th><th class="num">Questions</th><th>Languages</th><th class="num">Need review</th></tr></thead>
          <tbody>
            {templates.map((t) => (
              <tr>
                <td title={t.info.source}>{t.info.title}</td>
                <td>{t.info.version}</td>
                <td class="date">{t.info.date}</td>
                <td class="num">{t.questions}</td>
                <td>{t.bilingual ? "English, French" : "English"}</td>
                <td class="num">{t.older_in_use.reduce((n, r) => n + r.assessments.length, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {templates?.flatMap((t) =>
        t.older_in_use.map((r) => (
          <div class="panel" data-testid={`review-${t.info.id}-${r.version}`}>
            <h2>{t.info.title}: {r.version} → {t.info.version}</h2>
            {r.diff.added.length + r.diff.removed.length + r.diff.changed.length === 0 ? (
              <p class="muted">No question was added, removed or changed.</p>
            ) : (
              <ul class="diff">
                {r.diff.added.map((q) => <li class="added">Added {q.name} ({q.page}): {q.title}</li>)}
                {r.diff.removed.map((q) => <li class="removed">Removed {q.name} ({q.page}): {q.title}</li>)}
                {r.diff.changed.map((q) => <li class="changed">Changed {q.name} ({q.page}): {q.title} [{q.changes.join(", ")}]</li>)}
              </ul>
            )}
            <p>Answered against {r.version} and needing review:</p>
            <ul>
              {r.assessments.map((a) => (
                <li>
                  <button type="button" class="link" onClick={() => setOpen(a.id)}>#{a.id} {a.system_name}</button> ({statusLabel(v.assessment_statuses, a.status, a.needs_review)})
                </li>
              ))}
            </ul>
          </div>
        )),
      )}

      <h2>All assessments</h2>
      {list.length === 0 ? <p class="muted">No assessment yet.</p> : (
        <table class="grid compact" data-testid="all-assessments">
          <thead><tr><th>#</th><th>System</th><th>Template</th><th>Status</th><th>Outcome</th><th>Updated</th></tr></thead>
          <tbody>
            {list.map((a) => (
              <tr>
                <td><button type="button" class="link" data-testid={`overview-open-${a.id}`} onClick={() => setOpen(a.id)}>#{a.id}</button></td>
                <td>{a.system_name}</td>
                <td>{a.template_title} <span class="muted small">version {a.template_version}</span></td>
                <td>{statusLabel(v.assessment_statuses, a.status, a.needs_review)}</td>
                <td>{a.outcome}</td>
                <td class="date"><When at={a.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
