// Presenter mode, for the projector in the board room: the review one screen at a time, in
// large type. First the actions carried over from earlier reviews when there are any (the
// agenda's first item), then one screen per system: its name, the recommendation and why, the
// key figures, the decision if recorded, and each KPI's trend as core draws it. Arrow keys or
// Page Up/Down move, Home/End jump, Escape leaves.
import { useEffect, useRef, useState } from "preact/hooks";

import type { Linkage } from "../bindings/Linkage";
import type { ReviewItem } from "../bindings/ReviewItem";
import type { ReviewView } from "../bindings/ReviewView";
import type { WireError } from "../bindings/WireError";
import { backend } from "../backend";
import { ErrorBox } from "../components/ErrorBox";
import { svgSource } from "../lib/kpi";
import { keyFigures, presenterStep } from "../lib/review";
import { labelOf, useVocab } from "../lib/vocab";
import { RecordedDecision, Recommendation } from "./ReviewParts";

type Slide = { kind: "agenda" } | { kind: "system"; item: ReviewItem };

export function ReviewPresenter({ view, onExit }: { view: ReviewView; onExit: () => void }) {
  const slides: Slide[] = [
    ...(view.carried_over.length > 0 ? [{ kind: "agenda" } as const] : []),
    ...view.items.map((item) => ({ kind: "system", item }) as const),
  ];
  const [index, setIndex] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  // The key listener reads the index through a ref, so it is added once.
  const indexRef = useRef(index);
  indexRef.current = index;

  useEffect(() => {
    root.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      const step = presenterStep(e.key, indexRef.current, slides.length);
      if (step === null) return;
      e.preventDefault();
      if (step === "exit") onExit();
      else setIndex(step);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [slides.length, onExit]);

  const slide = slides[Math.min(index, slides.length - 1)];
  const name = slide?.kind === "system" ? slide.item.scorecard.system : "";
  return (
    <div class="presenter" data-testid="presenter" data-index={index} data-system={name} role="dialog" aria-modal="true"
      aria-label={`${view.header.title}, presented`} tabIndex={-1} ref={root}>
      <header class="presenter-head">
        <span>{view.header.title}</span>
        <span class="spacer" />
        <span data-testid="presenter-position">{index + 1} / {slides.length}</span>
        <button type="button" data-testid="presenter-exit" onClick={onExit}>Leave (Esc)</button>
      </header>
      <div class="presenter-body">
        {slide?.kind === "agenda" ? <AgendaSlide view={view} /> : slide ? <SystemSlide item={slide.item} /> : null}
      </div>
      <footer class="presenter-foot">
        <button type="button" data-testid="presenter-prev" disabled={index === 0} onClick={() => setIndex(Math.max(index - 1, 0))}>
          ← Previous
        </button>
        <span class="muted">← → or Page Up / Page Down to move, Esc to leave</span>
        <button type="button" data-testid="presenter-next" disabled={index >= slides.length - 1}
          onClick={() => setIndex(Math.min(index + 1, slides.length - 1))}>
          Next →
        </button>
      </footer>
    </div>
  );
}

function AgendaSlide({ view }: { view: ReviewView }) {
  return (
    <section class="slide" data-testid="presenter-agenda">
      <h1>Actions carried over</h1>
      <p class="muted">Open actions of earlier reviews: the first item of the agenda.</p>
      <ul class="slide-list">
        {view.carried_over.map((a) => (
          <li key={a.id}>
            <strong>{a.system}</strong>: {a.title} <span class="muted">({a.owner}, due {a.due}, set in {a.period})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SystemSlide({ item }: { item: ReviewItem }) {
  const v = useVocab();
  const c = item.scorecard;
  return (
    <section class="slide" data-testid="presenter-slide" data-system={c.system}>
      <h1 data-testid="presenter-system">{c.system}</h1>
      <p class="muted slide-sub">
        {labelOf(v.stages, c.stage)} · {labelOf(v.risk_tiers, c.risk_tier)} risk · {c.business_unit}
        {c.owner && ` · owner ${c.owner}`}
      </p>
      <div class="slide-columns">
        <div>
          <Recommendation item={item} large />
          {item.decision && <RecordedDecision item={item} />}
        </div>
        <dl class="figures" data-testid="presenter-figures">
          {keyFigures(c, v).map((f) => (
            <div key={f.field} class="figure" data-field={f.field}>
              <dt>{f.label}</dt>
              <dd class={f.missing ? "missing" : undefined}>{f.value}</dd>
            </div>
          ))}
        </dl>
      </div>
      <KpiTrends systemId={c.system_id} />
    </section>
  );
}

/** The system's KPI trend charts, as the KPI area shows them (core renders each as SVG). */
function KpiTrends({ systemId }: { systemId: number }) {
  const [linkage, setLinkage] = useState<Linkage | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  useEffect(() => {
    let live = true;
    setLinkage(null);
    setError(null);
    backend.kpiLinkage(systemId).then(
      (l) => live && setLinkage(l),
      (e) => live && setError(e as WireError),
    );
    return () => {
      live = false;
    };
  }, [systemId]);
  if (error) return <ErrorBox error={error} testid="presenter-kpi-error" />;
  if (!linkage) return <p class="muted" aria-busy="true">Loading the KPI trends…</p>;
  if (linkage.kpis.length === 0) return <p class="muted" data-testid="presenter-no-kpis">No KPI is measured for this system.</p>;
  return (
    <div class="slide-charts" data-testid="presenter-kpis">
      {linkage.kpis.map((k) => (
        <figure key={k.status.kpi_id} class="slide-chart" data-kpi={k.status.kpi}>
          <img class="kpi-chart" alt={`Trend of ${k.status.kpi}`} src={svgSource(k.chart_svg)} />
        </figure>
      ))}
    </div>
  );
}
