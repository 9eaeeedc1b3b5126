// A coloured label for a stage or a risk tier; the colour is keyed by the value, the text is
// the label core gives it.
import type { RiskTier } from "../bindings/RiskTier";
import type { Stage } from "../bindings/Stage";
import { labelOf, useVocab } from "../lib/vocab";

export function StageBadge({ stage }: { stage: Stage }) {
  const v = useVocab();
  return <span class={`badge stage-${stage}`}>{labelOf(v.stages, stage)}</span>;
}

export function RiskBadge({ tier }: { tier: RiskTier }) {
  const v = useVocab();
  return <span class={`badge risk-${tier}`}>{labelOf(v.risk_tiers, tier)}</span>;
}
