import { describe, expect, it } from "vitest";

import type { Template } from "../bindings/Template";
import type { TemplateQuestion } from "../bindings/TemplateQuestion";
import { isBilingual, pageOf, percent, questionsOnPage, statusLabel, textIn, toggleChoice, withAnswer } from "./assess";

function q(name: string, section: number, fr: string | null = null): TemplateQuestion {
  return {
    name,
    type: "checkbox",
    title: { default: name, fr },
    description: null,
    help: null,
    choices: [
      { value: "a", text: { default: "A", fr: null }, weight: 1 },
      { value: "b", text: { default: "B", fr: null }, weight: 2 },
      { value: "c", text: { default: "C", fr: null }, weight: 3 },
    ],
    visible_if: null,
    section,
    score: "impact",
  };
}

const template: Template = {
  info: { id: "t", kind: "aia", version: "1", date: "", title: "T", source: "", licence: "" },
  sections: [
    { name: "p1", kind: "page", title: null, visible_if: null, parent: null },
    { name: "panel", kind: "panel", title: null, visible_if: null, parent: 0 },
    { name: "p2", kind: "page", title: null, visible_if: null, parent: null },
  ],
  questions: [q("q1", 0, "Q un"), q("q2", 1), q("q3", 2)],
};

describe("questionnaire helpers", () => {
  it("falls back to English when there is no French text", () => {
    expect(textIn({ default: "Yes", fr: "Oui" }, "fr")).toBe("Oui");
    expect(textIn({ default: "Yes", fr: null }, "fr")).toBe("Yes");
    expect(textIn(null, "en")).toBe("");
  });

  it("finds a question's page through its panels", () => {
    expect(pageOf(template, template.questions[1])).toBe("p1");
    expect(isBilingual(template)).toBe(true);
  });

  it("lists only the questions core says are shown, on the page asked for", () => {
    expect(questionsOnPage(template, ["q2", "q3"], "p1").map((x) => x.name)).toEqual(["q2"]);
    expect(questionsOnPage(template, ["q1", "q2"], "p2")).toEqual([]);
  });

  it("removes an answer set to nothing", () => {
    expect(withAnswer({ q1: ["a"] }, "q1", [])).toEqual({});
    expect(withAnswer({}, "q1", "x")).toEqual({ q1: "x" });
  });

  it("keeps ticked choices in the template's order", () => {
    expect(toggleChoice(template.questions[0], ["c"], "a", true)).toEqual(["a", "c"]);
    expect(toggleChoice(template.questions[0], ["a", "c"], "a", false)).toEqual(["c"]);
  });

  it("reports 100% only when everything is answered", () => {
    expect(percent(99, 100)).toBe(99);
    expect(percent(0, 0)).toBe(100);
    expect(
      statusLabel(
        [
          { key: "draft", label: "Draft" },
          { key: "complete", label: "Complete" },
          { key: "superseded", label: "Superseded" },
        ],
        "complete",
        true,
      ),
    ).toBe("Complete · needs review");
  });
});
