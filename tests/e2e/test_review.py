"""Quarterly portfolio reviews in the desktop app: a review of one business unit opened on the
sample portfolio, frozen, decided system by system (following the rules' recommendation but for
one override, which core refuses without a rationale), an action set, the review decided,
presented one system per screen with the keyboard, then compared with the next quarter's."""

from __future__ import annotations

import re

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

UNIT = "Marketing"  # three systems in production in the sample portfolio
# The first of these quarters the workspace has no review of yet (the sample may bring reviews).
QUARTERS = ["2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
MEETING = {"Q1": "03-12", "Q2": "06-11", "Q3": "09-10", "Q4": "12-10"}


def open_sample(app) -> None:
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the register fills with the sample portfolio")


def set_date(app, testid: str, iso: str) -> None:
    """Sets a date input as a person's pick would: WebKit's date field takes no typed text
    through WebDriver, so the value is set and the input event the screen listens to sent."""
    app.driver.execute_script(
        "const [e, v] = arguments;"
        "Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(e, v);"
        "e.dispatchEvent(new Event('input', {bubbles: true}));",
        app.find(testid), iso,
    )


def within(element, testid: str):
    return element.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]')


def items(app) -> dict[str, object]:
    return {e.get_attribute("data-system"): e for e in app.all("review-item")}


def item(app, name: str):
    return next(e for e in app.all("review-item") if e.get_attribute("data-system") == name)


def state(app) -> str:
    return app.find("review-detail").get_attribute("data-state")


def open_review(app, period: str) -> None:
    """Fills the form to open a review of `period` over UNIT and waits for the review's page."""
    field = app.find("review-period")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(period)
    year, quarter = period.split("-")
    set_date(app, "review-date", f"{year}-{MEETING[quarter]}")
    app.type("review-chair", "Maria Rossi")
    attendees = app.find("review-attendees")
    attendees.clear()
    attendees.send_keys("Maria Rossi: Chief risk officer", Keys.ENTER, "Tom Berg: CFO", Keys.ENTER, "Ann Lee: Legal counsel")
    unit = app.find(f"scope-unit-{UNIT}")
    if not unit.is_selected():
        unit.click()
    app.click("review-create")
    app.wait(lambda: app.present("review-detail") and app.find("review-detail").get_attribute("data-period") == period,
             f"the review of {period} opens")


def press(app, key: str) -> None:
    ActionChains(app.driver).send_keys(key).perform()


def test_a_review_is_frozen_decided_and_presented(app):
    open_sample(app)
    nav = [b.get_attribute("data-testid") for b in app.driver.find_elements(By.CSS_SELECTOR, "nav.sidebar .nav-item")]
    assert nav[:2] == ["nav-portfolio", "nav-reviews"], f"the reviews come right after the portfolio home: {nav}"
    app.click("nav-reviews")
    # The sample has its past quarters reviewed: wait until their rows are listed, so the quarter
    # chosen below is really free.
    app.wait(lambda: len(app.all("review-row")) > 0, "the sample's reviews are listed")
    taken = {r.get_attribute("data-period") for r in app.all("review-row")}
    period = next(q for q in QUARTERS if q not in taken)

    # Opening: a chair is required, and core says so beside the field.
    app.type("review-period", period)
    app.click("review-create")
    assert app.find("error-chair").text, "a review needs a chair, and core says so beside the field"
    app.screenshot("open-form")
    open_review(app, period)
    assert state(app) == "draft"
    assert app.find("review-state").text == "Draft"
    assert "Tom Berg (CFO)" in app.find("review-attendees-shown").text, "attendees are read from Name: role lines"
    app.wait(lambda: len(items(app)) > 0, "the systems of the unit are in scope")
    names = list(items(app))
    assert len(names) >= 2, f"the sample's {UNIT} unit has several systems: {names}"
    scorecards = " ".join(within(e, "scorecard").text for e in app.all("review-item"))
    assert "missing" in scorecards, "an input the workspace does not know reads missing"
    app.screenshot("draft")

    # Freezing fixes the inputs under a SHA-256.
    app.click("review-freeze")
    app.wait(lambda: state(app) == "frozen", "the review is frozen")
    assert re.fullmatch(r"[0-9a-f]{64}", app.find("review-hash").text), "the snapshot's SHA-256 is shown"
    assert not app.present("review-freeze"), "a review is frozen once"

    # Every system decided as recommended, but one in service overridden.
    override = next(n for n, e in items(app).items()
                    if e.get_attribute("data-stage") != "proposed" and e.get_attribute("data-recommendation"))
    for name in names:
        card = item(app, name)
        recommended = card.get_attribute("data-recommendation")
        if name != override:
            assert recommended, f"the rules recommend something for {name}"
            within(card, "decision-save").click()
            app.wait(lambda: item(app, name).get_attribute("data-decision") == recommended,
                     f"{name} is decided as recommended")
            continue
        other = "retain" if recommended != "retain" else "retrain"
        within(card, "decision-select").find_element(By.CSS_SELECTOR, f'option[value="{other}"]').click()
        within(card, "decision-save").click()
        error = app.wait(lambda: item(app, name).find_elements(By.CSS_SELECTOR, '[data-testid="error-rationale"]'),
                         "an override without a rationale is refused")[0]
        assert "say why" in error.text, f"core says why beside the rationale: {error.text!r}"
        assert item(app, name).get_attribute("data-decision") == "", "nothing was recorded"
        app.screenshot("override-refused")
        rationale = within(item(app, name), "decision-rationale")
        rationale.send_keys("The sponsor funds a fix of the feature pipeline first")
        within(item(app, name), "decision-dissent").send_keys("Tom Berg")
        within(item(app, name), "decision-save").click()
        app.wait(lambda: item(app, name).get_attribute("data-decision") == other, f"{name} is overridden")
        assert within(item(app, name), "decision-override").text == "Override", "the override is flagged"

    app.wait(lambda: state(app) == "decided", "deciding every system in scope decides the review")
    assert app.find("review-state").text == "Decided"
    assert app.find("review-decided").text == f"{len(names)} of {len(names)} decided"

    # An action lands on the review (and on the owner's calendar).
    choose = app.find("action-system")
    next(o for o in choose.find_elements(By.TAG_NAME, "option") if o.text == override).click()
    app.type("action-title", "Report on the feature pipeline fix")
    app.type("action-owner", "Liam O'Connor")
    year = int(period[:4])
    set_date(app, "action-due", f"{year + 1}-02-01")
    app.click("action-add")
    app.wait(lambda: len(app.all("action-row")) > 0
             and any("Report on the feature pipeline fix" in r.text for r in app.all("action-row")),
             "the action is listed")
    row = next(r for r in app.all("action-row") if "Report on the feature pipeline fix" in r.text)
    assert row.get_attribute("data-state") == "open"
    app.screenshot("decided")

    # Presenter mode: one screen per system (after the carried-over actions, if any), keyboard driven.
    slides = ([""] if app.present("carried-over") else []) + names
    app.click("review-present")
    presenter = app.find("presenter")

    def at(i: int) -> bool:
        p = app.find("presenter")
        return p.get_attribute("data-index") == str(i) and p.get_attribute("data-system") == slides[i]

    app.wait(lambda: at(0), "the presenter opens on the first screen")
    first = slides.index(names[0])
    for _ in range(first):
        press(app, Keys.ARROW_RIGHT)
    app.wait(lambda: at(first), "the first system's screen")
    assert app.find("presenter-system").text == names[0]
    assert within(presenter, "recommendation").text, "the recommendation and its reasons are shown"
    assert within(presenter, "decision-recorded").text, "and the decision recorded"
    app.wait(lambda: app.present("presenter-kpis") or app.present("presenter-no-kpis"), "the KPI trends load")
    press(app, Keys.ARROW_RIGHT)
    app.wait(lambda: at(first + 1), "ArrowRight shows the next system")
    press(app, Keys.PAGE_DOWN)
    last = min(first + 2, len(slides) - 1)
    app.wait(lambda: at(last), "PageDown moves on too, and stops at the last screen")
    press(app, Keys.ARROW_LEFT)
    app.wait(lambda: at(last - 1), "ArrowLeft goes back")
    press(app, Keys.PAGE_UP)
    app.wait(lambda: at(max(last - 2, 0)), "PageUp goes back too")
    override_at = slides.index(override)
    for _ in range(override_at - max(last - 2, 0)):
        press(app, Keys.ARROW_RIGHT)
    app.wait(lambda: at(override_at), "the overridden system's screen")
    if app.present("presenter-kpis"):
        charts = app.find("presenter-kpis").find_elements(By.CSS_SELECTOR, "img.kpi-chart")
        assert all(c.get_attribute("src").startswith("data:image/svg+xml") for c in charts), "core's trend charts"
    app.screenshot("presenter")
    press(app, Keys.ESCAPE)
    app.wait(lambda: not app.present("presenter"), "Escape leaves presenter mode")
    assert state(app) == "decided"

    # The list and the decision register.
    app.click("review-back")
    app.wait(lambda: any(r.get_attribute("data-period") == period for r in app.all("review-row")), "the list shows the review")
    row = next(r for r in app.all("review-row") if r.get_attribute("data-period") == period)
    assert row.get_attribute("data-state") == "decided"
    assert within(row, "review-row-decided").text == f"{len(names)} of {len(names)}"
    app.click("reviews-tab-register")
    app.wait(lambda: len([r for r in app.all("register-row") if r.get_attribute("data-period") == period]) == len(names),
             "every decision is in the register")
    overridden = [r.get_attribute("data-system") for r in app.all("register-row")
                  if r.get_attribute("data-period") == period and r.get_attribute("data-overrode") == "yes"]
    assert overridden == [override], f"the register flags the one override: {overridden}"
    app.screenshot("register")

    # Next quarter's draft, compared with this one.
    app.click("reviews-tab-reviews")
    later = next(q for q in QUARTERS if q > period and q not in taken)
    open_review(app, later)
    app.click("review-back")
    app.click("reviews-tab-compare")
    app.select("compare-from", period)
    app.select("compare-to", later)
    app.click("compare-run")
    result = app.find("compare-result")
    assert result.get_attribute("data-from") == period and result.get_attribute("data-to") == later
    moved = {r.get_attribute("data-system") for r in app.all("movement-row")}
    assert moved == set(names), f"the systems in both reviews have movements: {moved}"
    assert "Report on the feature pipeline fix" not in app.find("compare-closed").text, "the action is still open"
    app.screenshot("compare")
