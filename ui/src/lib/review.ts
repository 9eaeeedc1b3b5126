// Presentation helpers of the portfolio review screens: how a scorecard reads (its inputs in
// groups, "missing" where core does not know a value), the forms' text as typed values
// (attendees as "Name: role" lines, comma-separated lists, a budget), and the presenter's keys.
// Every score, recommendation, flag, state and balance comes from core; nothing here decides one.
import type { Attendee } from "../bindings/Attendee";
import type { BudgetTarget } from "../bindings/BudgetTarget";
import type { DecisionInput } from "../bindings/DecisionInput";
import type { Disposition } from "../bindings/Disposition";
import type { FieldError } from "../bindings/FieldError";
import type { ReviewItem } from "../bindings/ReviewItem";
import type { Scorecard } from "../bindings/Scorecard";
import type { Vocabulary } from "../bindings/Vocabulary";
import { keyLabel } from "./signoff";
import { formatMoney } from "./tco";
import { labelOf } from "./vocab";

/** How an input core does not know is shown: never as 0, never blank. */
export const MISSING = "missing";

/** A value for the reader, or "missing" when core has none. */
export function orMissing<T>(v: T | null | undefined, format: (x: T) => string): string {
  return v === null || v === undefined ? MISSING : format(v);
}

/** A share of 0-1 as a whole percentage: 0.834 -> "83%"; 55.9 -> "5,590%". */
export function formatShare(x: number): string {
  return `${new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 }).format(x * 100)}%`;
}

/** An amount with two decimals, for small unit costs: 0.171 -> "0.17". */
export function formatDecimal(x: number): string {
  return new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);
}

export { formatMoney };

/** 1 -> "1 month", 8 -> "8 months". */
export function formatMonths(n: number): string {
  return n === 1 ? "1 month" : `${n} months`;
}

/** A SHA-256 shortened for a table; the full hash is shown on the review itself. */
export function shortHash(hash: string | null): string {
  return hash ? `${hash.slice(0, 12)}…` : "";
}

/** The quarter of a date, e.g. "2026-12-05" -> "2026-Q4": the form's first guess of a period. */
export function quarterOf(iso: string): string {
  const [y, m] = iso.split("-").map(Number);
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

// ---- Form text -----------------------------------------------------------------------------

/**
 * Attendees from "Name: role" lines, one a line; a line without a colon is a name without a
 * role, blank lines are skipped. The name and role are checked by core (a name is required).
 */
export function parseAttendees(text: string): Attendee[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const at = line.indexOf(":");
      return at < 0
        ? { name: line.trim(), role: "" }
        : { name: line.slice(0, at).trim(), role: line.slice(at + 1).trim() };
    });
}

/** The attendees back as "Name: role" lines. */
export function attendeesText(list: Attendee[]): string {
  return list.map((a) => (a.role ? `${a.name}: ${a.role}` : a.name)).join("\n");
}

/** "Claims, Pricing ,, Marketing" -> ["Claims", "Pricing", "Marketing"] (commas or new lines). */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** What a person has typed into a decision form. */
export interface DecisionForm {
  decision: Disposition;
  rationale: string;
  dissent: string;
  conditions: string;
  budget: string;
}

/**
 * The form of an item: its recorded decision when there is one, else the recommendation
 * preselected (the board most often follows it), else the first disposition core lists.
 */
export function decisionForm(item: ReviewItem, dispositions: { key: Disposition }[]): DecisionForm {
  const d = item.decision;
  return {
    decision: d?.decision ?? item.recommendation?.disposition ?? dispositions[0]?.key ?? "retain",
    rationale: d?.rationale ?? "",
    dissent: d ? d.dissent.join(", ") : "",
    conditions: d?.conditions ?? "",
    budget: d?.budget === null || d?.budget === undefined ? "" : String(d.budget),
  };
}

/**
 * The decision as the command takes it, or the fields the form cannot send at all (a budget
 * that is not a number would cross as null). Whether it may be recorded is core's to say.
 */
export function decisionInput(f: DecisionForm): { input: DecisionInput } | { errors: FieldError[] } {
  const raw = f.budget.replace(/[\s,_]/g, "");
  const budget = raw === "" ? null : Number(raw);
  if (budget !== null && !Number.isFinite(budget)) {
    return { errors: [{ field: "budget", message: `${f.budget.trim()} is not an amount` }] };
  }
  return {
    input: {
      decision: f.decision,
      rationale: f.rationale,
      dissent: parseList(f.dissent),
      conditions: f.conditions,
      budget,
    },
  };
}

/** The board's target split as typed: each share in percent. */
export interface BudgetTargetForm {
  run: string;
  technical_debt: string;
  new_development: string;
}

const BUDGET_FIELDS = ["run", "technical_debt", "new_development"] as const;

/** The form of the target in force (shares as whole percentages), or empty fields when none. */
export function budgetTargetForm(t: BudgetTarget | null): BudgetTargetForm {
  const pct = (x: number | undefined) => (x === undefined ? "" : String(Number((x * 100).toFixed(4))));
  return { run: pct(t?.run), technical_debt: pct(t?.technical_debt), new_development: pct(t?.new_development) };
}

/**
 * The target as the command takes it (percentages as shares of 1: "60" or "60%" -> 0.6), or the
 * fields that are not numbers at all. Whether the shares add up is core's to say.
 */
export function budgetTargetInput(f: BudgetTargetForm): { target: BudgetTarget } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const shares = BUDGET_FIELDS.map((k) => {
    const raw = f[k].replace(/[\s%]/g, "");
    const n = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(n)) errors.push({ field: k, message: `${f[k].trim() || "nothing"} is not a percentage` });
    return n / 100;
  });
  if (errors.length > 0) return { errors };
  const [run, technical_debt, new_development] = shares;
  return { target: { run, technical_debt, new_development } };
}

// ---- The scorecard -------------------------------------------------------------------------

/** One input of a scorecard as read: `field` is the scorecard's key, for "changed" marks. */
export interface Line {
  field: keyof Scorecard;
  label: string;
  value: string;
  missing: boolean;
}

export interface Group {
  key: "value" | "cost" | "risk" | "compliance" | "health" | "lifecycle" | "proposal";
  title: string;
  lines: Line[];
}

/** The headings of the scorecard's inputs; also how a "changed since the freeze" field reads. */
/** How a scorecard field reads: core's label for it (the vocabulary's scorecard fields), or
 * its key as words. */
export function fieldLabel(v: Vocabulary, key: string): string {
  return v.scorecard_fields.find((f) => f.key === key)?.label ?? keyLabel(key);
}

/** How the fields core reports as changed since the freeze read. */
export function changedLabels(fields: string[], v: Vocabulary): string[] {
  return fields.map((f) => fieldLabel(v, f));
}

/** A line of a group, labelled from the vocabulary. */
function lineOf(v: Vocabulary) {
  return <K extends keyof Scorecard>(field: K, value: string | null): Line => ({
    field,
    label: fieldLabel(v, field),
    value: value ?? MISSING,
    missing: value === null,
  });
}

const some = <T>(v: T | null, f: (x: T) => string): string | null => (v === null ? null : f(v));
const outOfFive = (n: number) => `${n} / 5`;

/**
 * The scorecard's inputs in the groups the board reads them in. A value core does not know
 * reads "missing"; a count core always knows reads as the number it is. Proposals' scores are
 * shown for a proposal, or wherever core has one.
 */
export function scorecardGroups(c: Scorecard, v: Vocabulary): Group[] {
  const line = lineOf(v);
  const attainment = some(c.kpi_attainment, (a) =>
    `${formatShare(a)} of ${c.measurements} ${c.measurements === 1 ? "measurement" : "measurements"}`);
  const groups: Group[] = [
    {
      key: "value",
      title: "Value",
      lines: [
        line("kpi_attainment", attainment),
        line("kpis_in_breach", String(c.kpis_in_breach)),
        line("breach_months", formatMonths(c.breach_months)),
        line("worst_kpi", c.worst_kpi ?? "none"),
        line("outcomes", c.outcomes.length > 0 ? c.outcomes.join(", ") : "none"),
        line("escalations_open", `${c.escalations_open} open, ${c.escalations_resolved} resolved this quarter`),
      ],
    },
    {
      key: "cost",
      title: "Cost",
      lines: [
        line("run_cost", some(c.run_cost, formatMoney)),
        line("cost_per_1000", some(c.cost_per_1000, formatDecimal)),
        line("tco_scenario", some(c.tco_scenario, (s) => (c.tco_option ? `${s}: ${c.tco_option}` : s))),
        line("annual_value", some(c.annual_value, formatMoney)),
        line("roi", some(c.roi, formatShare)),
      ],
    },
    {
      key: "risk",
      title: "Risk",
      lines: [
        line("risk_tier", labelOf(v.risk_tiers, c.risk_tier)),
        line("eu_category", some(c.eu_category, (e) => labelOf(v.eu_ai_act_categories, e))),
        line("assessment", c.assessment),
      ],
    },
    {
      key: "compliance",
      title: "Compliance",
      lines: [
        line("signoff", c.signoff),
        line("overdue_items", String(c.overdue_items)),
        line("certs_expiring", String(c.certs_expiring)),
      ],
    },
    {
      key: "health",
      title: "Technical health",
      lines: [
        line("months_since_retrain", some(c.months_since_retrain, formatMonths)),
        line("months_since_model_review", some(c.months_since_model_review, formatMonths)),
      ],
    },
    {
      key: "lifecycle",
      title: "Lifecycle",
      lines: [
        line("stage", labelOf(v.stages, c.stage)),
        line("age_months", some(c.age_months, formatMonths)),
      ],
    },
  ];
  const proposal = c.stage === "proposed" || c.data_readiness !== null || c.strategic_alignment !== null || c.proposal_score !== null;
  if (proposal) {
    groups.push({
      key: "proposal",
      title: "Proposal",
      lines: [
        line("data_readiness", some(c.data_readiness, outOfFive)),
        line("strategic_alignment", some(c.strategic_alignment, outOfFive)),
        line("proposal_score", some(c.proposal_score, (s) => outOfFive(Number(s.toFixed(2))))),
      ],
    });
  }
  return groups;
}

/** The few figures a projected slide shows, taken from the groups above. */
export function keyFigures(c: Scorecard, v: Vocabulary): Line[] {
  const wanted: (keyof Scorecard)[] = c.stage === "proposed"
    ? ["annual_value", "run_cost", "roi", "data_readiness", "strategic_alignment", "proposal_score", "risk_tier"]
    : ["kpi_attainment", "kpis_in_breach", "escalations_open", "run_cost", "annual_value", "roi", "risk_tier", "months_since_retrain"];
  const all = scorecardGroups(c, v).flatMap((g) => g.lines);
  return wanted.map((f) => all.find((l) => l.field === f)).filter((l): l is Line => l !== undefined);
}

// ---- Presenter -----------------------------------------------------------------------------

/**
 * Where a key moves the presenter from slide `index` of `count`: the next or previous slide
 * (staying put at either end), the first or last, "exit" for Escape, or null for a key it
 * does not handle.
 */
export function presenterStep(key: string, index: number, count: number): number | "exit" | null {
  const last = Math.max(count - 1, 0);
  switch (key) {
    case "ArrowRight":
    case "PageDown":
    case " ":
      return Math.min(index + 1, last);
    case "ArrowLeft":
    case "PageUp":
      return Math.max(index - 1, 0);
    case "Home":
      return 0;
    case "End":
      return last;
    case "Escape":
      return "exit";
    default:
      return null;
  }
}
