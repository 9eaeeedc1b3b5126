"""Impact assessments in the desktop app: answer Canada's AIA through the questionnaire screen
(pages, conditional questions, live score, language switch, save and resume), complete it, see
the level and what it requires, and accept the suggested tier."""

from __future__ import annotations

import re

from test_app import open_sample

# The first shown question of the current page still unanswered: the test id of its
# highest-weighted choice (an AIA choice value ends in "-WEIGHT"), or "SELECT:" and a drop-down's
# test id. None when every single-choice question on the page is answered.
NEXT_UNANSWERED = """
const page = document.querySelector('[data-testid="assess-page"]');
for (const fs of page.querySelectorAll('fieldset.question')) {
  const radios = [...fs.querySelectorAll('input[type=radio]')];
  if (radios.length && !radios.some((r) => r.checked)) {
    const w = (r) => parseInt(r.dataset.testid.split('-').pop(), 10) || 0;
    radios.sort((a, b) => w(b) - w(a));
    return radios[0].dataset.testid;
  }
  const sel = fs.querySelector('select');
  if (sel && !sel.value) return 'SELECT:' + sel.dataset.testid;
}
return null;
"""


def open_system(app, name: str) -> None:
    app.type("search", name)
    app.wait(lambda: app.rows() == [name], f"the sample has {name}")
    app.find("row-name").click()
    app.find("system-detail")


def progress(app) -> tuple[int, int]:
    m = app.wait(lambda: re.match(r"(\d+) of (\d+)", app.find("assess-progress").text), "progress shows")
    return int(m.group(1)), int(m.group(2))


def settled(app) -> None:
    """Waits until core's evaluation of the latest answers is shown (which questions appear)."""
    app.wait(lambda: app.find("assessment-screen").get_attribute("data-evaluating") == "false",
             "the live evaluation has caught up")


def click_fresh(app, testid: str) -> None:
    """Clicks an element that a live re-render (the score arriving) may replace meanwhile."""
    def attempt():
        app.find(testid).click()
        return True
    app.wait(attempt, f"{testid} can be clicked")


def answer_current_page(app) -> int:
    """Answers every single-choice question the page shows, including those that appear as
    answers are given; returns how many were answered."""
    n = 0
    while True:
        settled(app)
        target = app.driver.execute_script(NEXT_UNANSWERED)
        if target is None:
            return n
        if target.startswith("SELECT:"):
            testid = target.removeprefix("SELECT:")
            def pick():
                app.find(testid).find_elements("css selector", "option")[-1].click()
                return True
            app.wait(pick, f"{testid} takes its last choice")
            app.wait(lambda: app.find(testid).get_attribute("value") != "", "the drop-down keeps its answer")
        else:
            click_fresh(app, target)
            app.wait(lambda: app.find(target).is_selected(), f"{target} is ticked")
        n += 1


def test_answering_an_aia_in_the_app_shows_its_level(app):
    open_sample(app)
    open_system(app, "Motor Pricing GLM")
    assert "No assessment yet" in app.find("system-assessments").text, "this sample system has none"
    app.click("start-aia")
    app.find("assessment-screen")
    app.wait(lambda: app.find("impact-level").text == "Level I", "an empty AIA is level I so far")
    assert app.find("raw-impact").text == "0 of 167", "nothing answered, nothing scored"

    # The language switch shows the French questionnaire.
    heading = app.find("assess-page").find_element("css selector", "h2").text
    app.click("lang-fr")
    app.wait(lambda: app.find("assess-page").find_element("css selector", "h2").text != heading,
             "the page title changes to French")
    app.click("lang-en")

    # Answer the first page, save, leave and come back: the answers are kept.
    first = answer_current_page(app)
    assert first > 0, "the first page asks something"
    app.click("save-assessment")
    app.find("saved")
    done_before, _ = progress(app)
    app.click("back-to-system")
    app.wait(lambda: "Draft" in app.find("system-assessments").text, "the list shows the draft")
    app.find("system-assessments").find_element("css selector", '[data-testid^="open-assessment-"]').click()
    app.find("assessment-screen")
    app.wait(lambda: progress(app)[0] == done_before, "resumed with the saved answers")

    # Answer every page; questions that appear on the way are answered too.
    i = 0
    while True:
        tabs = app.find("assessment-screen").find_elements("css selector", ".page-tabs button")
        if i >= len(tabs):
            break
        tabs[i].click()
        answer_current_page(app)
        i += 1
    answered, shown = progress(app)
    assert answered == shown, f"every shown question is answered ({answered} of {shown})"
    live = app.find("impact-level").text
    assert re.fullmatch(r"Level (I|II|III|IV)", live), f"the live panel shows a level: {live}"
    app.screenshot("questionnaire")

    app.click("complete-assessment")
    result = app.find("result-level").text
    assert result == f"Impact level {live.removeprefix('Level ')}", (
        f"the result shows the level the live panel showed: {result} vs {live}"
    )
    assert "Complete" in app.find("assessment-status").text, "completed and locked"
    assert len(app.find("requirements").find_elements("css selector", "tbody tr")) > 5, (
        "the level's Appendix C requirements are listed"
    )
    app.screenshot("result")

    # Answering every question with its highest-weighted choice gives level III here (the
    # mitigation answers earn the 15% reduction); III and IV suggest a high tier. Accept it.
    assert app.find("suggested-tier").text == "High", "level III and IV suggest a high tier"
    app.click("accept-tier")
    app.wait(lambda: "Accepted High" in app.find("decision").text, "the decision is recorded")
    app.click("back-to-system")
    app.wait(lambda: "Complete" in app.find("system-assessments").text, "the list shows it complete")
    assert "High" in app.find("system-detail").find_element("css selector", ".risk-high").text, (
        "accepting set the system's risk tier"
    )


def test_an_override_needs_a_reason(app):
    open_sample(app)
    open_system(app, "Credit Default Scorer")
    app.wait(lambda: "Level III" in app.find("system-assessments").text, "the sample's complete AIA")
    app.find("system-assessments").find_element("css selector", '[data-testid^="open-assessment-"]').click()
    assert app.find("result-level").text == "Impact level III", "the sample AIA is level III"
    app.select("override-tier", "medium")
    app.click("override-submit")
    assert "reason" in app.find("decision-error").text, "an override without a reason is refused"
    app.type("override-reason", "Decisions are reviewed by two underwriters")
    app.click("override-submit")
    app.wait(lambda: "Overridden to Medium" in app.find("decision").text, "the override is recorded")


def test_the_assessments_area_lists_templates_and_every_assessment(app):
    open_sample(app)
    app.click("nav-assess")
    templates = app.find("template-list").text
    for title in ("Algorithmic Impact Assessment", "EU AI Act classification screening", "NIST AI"):
        assert title in templates, f"{title} is listed"
    assert "English, French" in templates, "the AIA is bilingual"
    rows = app.find("all-assessments").find_elements("css selector", "tbody tr")
    assert len(rows) == 3, "the sample has three assessments"
    text = app.find("all-assessments").text
    assert "Draft" in text and "Complete" in text, "with their status"
    eu = next(r for r in rows if "CV Screening Assistant" in r.text)
    eu.find_element("css selector", "button").click()
    assert app.find("result-level").text == "High-risk", "the EU screening's category is shown"
    assert "Article 14" in app.find("requirements").text, "with what a high-risk system requires"
