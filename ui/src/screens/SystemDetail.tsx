// One system: every field, the stage changes core allows from here, the way into the form, its
// lifecycle, assessments, validation evidence and model cards.
import { useEffect, useState } from "preact/hooks";

import type { AiSystem } from "../bindings/AiSystem";
import type { Stage } from "../bindings/Stage";
import { backend } from "../backend";
import { RiskBadge, StageBadge } from "../components/Badge";
import { ErrorBox } from "../components/ErrorBox";
import { formatMoney } from "../lib/tco";
import { useAction } from "../lib/useAction";
import { labelOf, useVocab } from "../lib/vocab";
import { SystemAssessments } from "./AssessList";
import { AssessmentScreen } from "./AssessForm";
import { EvidencePanel } from "./Evidence";
import { ModelCardPanel } from "./ModelCard";
import { SystemForm } from "./SystemForm";
import { SystemLifecycle } from "./SystemLifecycle";
import { When } from "../components/When";

interface Props {
  id: number;
  /** Where the back link leads: the register unless said. */
  backLabel?: string;
  onBack: () => void;
  onChanged: () => void;
}

export function SystemDetail({ id, backLabel = "Register", onBack, onChanged }: Props) {
  const v = useVocab();
  const [system, setSystem] = useState<AiSystem | null>(null);
  const [next, setNext] = useState<Stage[]>([]);
  const [editing, setEditing] = useState(false);
  const { busy, error, setError, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  // Bumped when something the lifecycle panel shows changed here.
  const [lifecycleGen, setLifecycleGen] = useState(0);
  const [assessment, setAssessment] = useState<number | null>(null);

  const show = async (s: AiSystem) => {
    setSystem(s);
    setNext(await backend.nextStages(s.stage));
  };

  useEffect(() => {
    backend.getSystem(id).then(show, setError);
  }, [id]);

  const moveTo = async (stage: Stage) => {
    if (!system) return;
    setNotice(null);
    await run(async () => {
      if (stage === "retired") {
        // Retirement goes through the decommissioning checklist: the first call starts it.
        const out = await backend.retireSystem(system.id, null);
        await show(out.system);
        setNotice(out.retired
          ? `${out.system.name} is retired.`
          : `Started the decommissioning checklist (${out.checklist.length} items); ${out.system.name} is retired once each is done or waived.`);
        setLifecycleGen((g) => g + 1);
      } else {
        await show(await backend.setStage(system.id, stage));
      }
      onChanged();
    });
  };

  if (!system) {
    return (
      <section class="screen">
        <button type="button" class="link back" onClick={onBack}>← {backLabel}</button>
        {error ? <ErrorBox error={error} /> : <p aria-busy="true">Loading…</p>}
      </section>
    );
  }

  if (assessment !== null) {
    return (
      <AssessmentScreen
        id={assessment}
        onBack={() => {
          setAssessment(null);
          backend.getSystem(id).then(show, setError);
        }}
        onChanged={onChanged}
      />
    );
  }

  if (editing) {
    const { id: _id, created_at: _c, updated_at: _u, ...draft } = system;
    return (
      <SystemForm
        id={system.id}
        initial={draft}
        onCancel={() => setEditing(false)}
        onSaved={async (s) => {
          setEditing(false);
          await show(s);
          onChanged();
        }}
      />
    );
  }

  const s = system;
  const none = <span class="muted">—</span>;
  const text = (t: string | undefined) => (t ? t : none);
  const score = (n: number | undefined) => (n === undefined ? <span class="muted">Not assessed</span> : `${n} of 5`);

  return (
    <section class="screen detail" data-testid="system-detail">
      <button type="button" class="link back" data-testid="back-to-register" onClick={onBack}>← {backLabel}</button>
      <header class="screen-head">
        <h1 data-testid="detail-name">{s.name}</h1>
        <StageBadge stage={s.stage} />
        <RiskBadge tier={s.risk_tier} />
        <div class="spacer" />
        <button type="button" class="primary" data-testid="edit-system" onClick={() => setEditing(true)}>
          Edit
        </button>
      </header>

      <div class="stage-bar" data-testid="stage-actions">
        <span class="stage-bar-label">Move to</span>
        {next.length === 0 ? (
          <span class="muted">No further stage: a retired system is final.</span>
        ) : (
          next.map((st) => (
            <button type="button" data-testid={`stage-${st}`} disabled={busy} onClick={() => moveTo(st)}>
              {labelOf(v.stages, st)}
            </button>
          ))
        )}
      </div>
      {error && <ErrorBox error={error} testid="stage-error" />}
      {notice && <p class="notice" role="status" data-testid="stage-notice">{notice}</p>}

      <div class="detail-grid">
        <dl>
          <dt>Purpose</dt><dd>{text(s.purpose)}</dd>
          <dt>Business unit</dt><dd>{text(s.business_unit)}</dd>
          <dt>Owner</dt><dd>{text(s.owner)}</dd>
          <dt>Technical lead</dt><dd>{text(s.technical_lead)}</dd>
          <dt>Sourcing</dt><dd>{labelOf(v.sourcing, s.sourcing)}{s.vendor ? ` — ${s.vendor}` : ""}</dd>
          <dt>Model approach</dt><dd>{text(s.model_approach)}</dd>
          <dt>Model version</dt><dd data-testid="detail-model_version">{text(s.model_version)}</dd>
        </dl>
        <dl>
          <dt>Regulated domain</dt><dd>{labelOf(v.regulated_domains, s.regulated_domain)}</dd>
          <dt>EU AI Act category</dt><dd>{s.eu_ai_act_category ? labelOf(v.eu_ai_act_categories, s.eu_ai_act_category) : <span class="muted">Not classified</span>}</dd>
          <dt>Data sensitivity</dt><dd>{labelOf(v.data_sensitivities, s.data_sensitivity)}</dd>
          <dt>Deployment date</dt><dd>{s.deployment_date ?? none}</dd>
          <dt>Tags</dt><dd>{s.tags.length ? s.tags.map((t) => <span class="tag">{t}</span>) : none}</dd>
          <dt>Record</dt><dd class="muted">#{s.id} · created <When at={s.created_at} /> · updated <When at={s.updated_at} /></dd>
        </dl>
      </div>

      <h2>Portfolio review</h2>
      <div class="detail-grid" data-testid="detail-review">
        <dl>
          <dt>Sponsor</dt><dd data-testid="detail-sponsor">{text(s.sponsor)}</dd>
          <dt>{s.stage === "proposed" ? "Expected annual value" : "Annual value"}</dt>
          <dd data-testid="detail-annual_value">{s.annual_value === undefined ? none : formatMoney(s.annual_value)}</dd>
          <dt>Last retrained</dt><dd data-testid="detail-last_retrained">{s.last_retrained ?? none}</dd>
        </dl>
        <dl>
          <dt>Data readiness</dt><dd data-testid="detail-data_readiness">{score(s.data_readiness)}</dd>
          <dt>Strategic alignment</dt><dd data-testid="detail-strategic_alignment">{score(s.strategic_alignment)}</dd>
        </dl>
      </div>

      <h2>Certifications</h2>
      {s.certifications.length === 0 ? <p class="muted">None recorded.</p> : (
        <table class="grid compact">
          <thead><tr><th>Certification</th><th class="date">Expires</th></tr></thead>
          <tbody>{s.certifications.map((c) => <tr><td>{c.name}</td><td class="date">{c.expires}</td></tr>)}</tbody>
        </table>
      )}
      <h2>Datasets</h2>
      {s.datasets.length === 0 ? <p class="muted">None recorded.</p> : (
        <table class="grid compact">
          <thead><tr><th>Dataset</th><th>Retention policy</th><th class="date">Retain until</th></tr></thead>
          <tbody>{s.datasets.map((d) => <tr><td>{d.name}</td><td>{d.retention_policy}</td><td class="date">{d.retain_until ?? ""}</td></tr>)}</tbody>
        </table>
      )}
      <h2>Strategic assumptions</h2>
      {s.assumptions.length === 0 ? <p class="muted">None recorded.</p> : (
        <table class="grid compact">
          <thead><tr><th>Assumption</th><th class="date">Review by</th></tr></thead>
          <tbody>{s.assumptions.map((a) => <tr><td>{a.statement}</td><td class="date">{a.review_date}</td></tr>)}</tbody>
        </table>
      )}
      <SystemLifecycle system={s} generation={lifecycleGen} onChanged={onChanged} />
      <SystemAssessments systemId={s.id} onOpen={setAssessment} />
      <EvidencePanel systemId={s.id} onChanged={onChanged} />
      <ModelCardPanel systemId={s.id} systemName={s.name} />
    </section>
  );
}
