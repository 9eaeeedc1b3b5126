// The assessments of one system, with their status, and the way to start one on each template.
import { useEffect, useState } from "preact/hooks";

import type { AssessmentSummary } from "../bindings/AssessmentSummary";
import type { TemplateStatus } from "../bindings/TemplateStatus";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { statusLabel } from "../lib/assess";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { When } from "../components/When";

interface Props {
  systemId: number;
  onOpen: (id: number) => void;
}

export function SystemAssessments({ systemId, onOpen }: Props) {
  const v = useVocab();
  const [list, setList] = useState<AssessmentSummary[] | null>(null);
  const [templates, setTemplates] = useState<TemplateStatus[]>([]);
  const { error, setError, run } = useAction();

  useEffect(() => {
    Promise.all([backend.listAssessments(systemId), backend.assessmentTemplates()]).then(([l, t]) => {
      setList(l);
      setTemplates(t);
    }, setError);
  }, [systemId]);

  const start = async (templateId: string) => {
    const a = await run(() => backend.startAssessment(systemId, templateId));
    if (a) onOpen(a.id);
  };

  return (
    <div data-testid="system-assessments">
      <h2>Impact assessments</h2>
      <div class="row">
        {templates.map((t) => (
          <button type="button" data-testid={`start-${t.info.id}`} onClick={() => start(t.info.id)}>
            Start {t.info.title}
          </button>
        ))}
      </div>
      {error && <ErrorBox error={error} testid="assess-error" />}
      {list === null ? (
        <p aria-busy="true">Loading…</p>
      ) : list.length === 0 ? (
        <p class="muted">No assessment yet.</p>
      ) : (
        <table class="grid compact" data-testid="assessment-list">
          <thead>
            <tr><th>#</th><th>Template</th><th>Version</th><th>Status</th><th>Outcome</th><th>Tier decision</th><th>Updated</th></tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr class="clickable" data-testid={`assessment-${a.id}`} onClick={() => onOpen(a.id)}>
                <td>
                  <button type="button" class="link" data-testid={`open-assessment-${a.id}`} onClick={(e) => { e.stopPropagation(); onOpen(a.id); }}>
                    #{a.id}
                  </button>
                </td>
                <td>{a.template_title}</td>
                <td>{a.template_version}{a.needs_review ? ` (current ${a.current_version})` : ""}</td>
                <td data-testid={`assessment-status-${a.id}`}>{statusLabel(v.assessment_statuses, a.status, a.needs_review)}</td>
                <td>{a.outcome}</td>
                <td>{a.decision ? `${a.decision.accepted ? "accepted" : "overridden"}: ${labelOf(v.risk_tiers, a.decision.risk_tier)}` : ""}</td>
                <td class="date"><When at={a.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
