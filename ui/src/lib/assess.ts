// Pure helpers of the questionnaire screen: text in the chosen language, the questions of one
// page that core says are shown, answer edits, and status labels. No score, level or visibility
// is computed here: those come from core (the `evaluate_answers` command).
import type { Labelled } from "../bindings/Labelled";
import type { AssessmentStatus } from "../bindings/AssessmentStatus";
import type { Template } from "../bindings/Template";
import type { TemplateQuestion } from "../bindings/TemplateQuestion";
import type { TemplateText } from "../bindings/TemplateText";

export type Lang = "en" | "fr";
export type Answers = Record<string, unknown>;

/** The text in `lang`, falling back to the default (English) text. */
export function textIn(t: TemplateText | null | undefined, lang: Lang): string {
  if (!t) return "";
  return lang === "fr" && t.fr ? t.fr : t.default;
}

/** Whether any question has a French title (the language switch is shown only then). */
export function isBilingual(t: Template): boolean {
  return t.questions.some((q) => q.title.fr !== null);
}

/** The name of the page a question is on (its outermost section). */
export function pageOf(t: Template, q: TemplateQuestion): string {
  let s = t.sections[q.section];
  while (s.parent !== null) s = t.sections[s.parent];
  return s.name;
}

/** The shown questions of `page`, in document order; `visible` comes from core. */
export function questionsOnPage(t: Template, visible: string[], page: string): TemplateQuestion[] {
  const shown = new Set(visible);
  return t.questions.filter((q) => shown.has(q.name) && pageOf(t, q) === page);
}

/** The answers with one question set to `value`; an empty value removes the answer. */
export function withAnswer(a: Answers, name: string, value: unknown): Answers {
  const next = { ...a };
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
    delete next[name];
  } else {
    next[name] = value;
  }
  return next;
}

/** A checkbox answer with `choice` ticked or unticked, keeping the template's choice order. */
export function toggleChoice(q: TemplateQuestion, current: unknown, choice: string, on: boolean): string[] {
  const ticked = new Set(Array.isArray(current) ? (current as string[]) : []);
  if (on) ticked.add(choice);
  else ticked.delete(choice);
  return q.choices.map((c) => c.value).filter((v) => ticked.has(v));
}

/** Percentage of shown required questions answered, rounded down (100 only when all are). */
export function percent(answered: number, shown: number): number {
  if (shown === 0) return 100;
  return Math.floor((answered * 100) / shown);
}

/** An assessment's status as core labels it, and whether it needs answering again. */
export function statusLabel(
  statuses: Labelled<AssessmentStatus>[],
  status: AssessmentStatus,
  needsReview: boolean,
): string {
  const base = statuses.find((s) => s.key === status)?.label ?? status;
  return needsReview ? `${base} · needs review` : base;
}
