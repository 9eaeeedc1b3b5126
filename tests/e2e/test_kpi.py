"""KPI linkage in the desktop app: the sample portfolio's KPIs, entering a breaching measurement,
and the escalation it opens appearing in the portfolio view, then acknowledged with a note."""

from __future__ import annotations

import datetime

from selenium.webdriver.common.by import By


def choose(app, testid: str, text: str) -> None:
    """Picks the option of a <select> whose label is `text`."""
    select = app.find(testid)
    app.wait(lambda: any(o.text == text for o in select.find_elements(By.TAG_NAME, "option")),
             f"{testid} offers {text!r}")
    next(o for o in select.find_elements(By.TAG_NAME, "option") if o.text == text).click()


def open_escalations(app) -> list[str]:
    return [r.text for r in app.all("escalation-row") if r.get_attribute("data-state") != "resolved"]


def test_a_breaching_measurement_opens_an_escalation(app):
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the sample portfolio loads")
    app.click("nav-kpi")
    summary = app.find("kpi-summary")
    assert "need attention" in summary.text, f"the portfolio view summarises the KPIs: {summary.text!r}"
    app.wait(lambda: len(app.all("escalation-row")) > 0, "the sample has escalations")
    before = open_escalations(app)
    assert not any("Fraud losses" in r for r in before), f"no escalation on fraud losses yet: {before}"
    assert any("Fraud losses" in r.text for r in app.all("attention-row")), "fraud losses are in breach already"
    app.screenshot("portfolio")

    app.click("kpi-tab-linkage")
    choose(app, "kpi-system", "Card Fraud Detector")
    app.wait(lambda: any(c.get_attribute("data-kpi") == "Fraud losses" for c in app.all("kpi-card")),
             "the linkage view shows the system's KPIs")
    links = app.find("kpi-links").text
    assert "Fraud recall drives Fraud losses" in links, f"the model metric is linked to the outcome: {links!r}"
    charts = app.driver.find_elements(By.CSS_SELECTOR, "img.kpi-chart")
    assert charts and all(c.get_attribute("src").startswith("data:image/svg+xml") for c in charts), \
        "each KPI has its trend chart, rendered by core as SVG"

    choose(app, "measure-kpi", "Fraud losses")
    app.type("measure-period", "2026-Q1")
    app.type("measure-value", "600")
    app.click("measure-save")
    error = app.find("measure-error")
    assert "measured monthly" in error.text, f"a period of the wrong cadence is refused and says why: {error.text!r}"

    this_month = datetime.date.today().strftime("%Y-%m")
    app.type("measure-period", this_month)
    app.type("measure-value", "600")
    app.click("measure-save")
    done = app.find("measure-done")
    assert "Breach" in done.text, f"600 kEUR of losses is a breach: {done.text!r}"
    app.screenshot("recorded")

    app.click("kpi-tab-portfolio")
    app.wait(lambda: len(open_escalations(app)) == len(before) + 1, "the second breach in a row opens an escalation")
    row = next(r for r in app.all("escalation-row") if "Fraud losses" in r.text)
    assert "1 (owner)" in row.text, f"level 1 goes to the owner: {row.text!r}"
    assert this_month in row.text, f"opened in the month just recorded: {row.text!r}"

    row.find_element(By.CSS_SELECTOR, '[data-testid="escalation-ack"]').click()
    app.click("escalation-confirm")
    assert "required" in app.find("escalation-error").text, "acknowledging needs a note"
    app.type("escalation-note", "Fraud team reviewing the recall drop")
    app.click("escalation-confirm")
    app.wait(lambda: any("Fraud losses" in r.text and r.get_attribute("data-state") == "acknowledged"
                         for r in app.all("escalation-row")),
             "the escalation is acknowledged, and stays listed until resolved")
    app.screenshot("acknowledged")
