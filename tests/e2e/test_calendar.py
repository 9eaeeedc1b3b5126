"""The lifecycle calendar in the app: an overdue review marked done leaves the overdue list and
moves the next one; a deprecated system's decommissioning checklist gates its retirement."""

from __future__ import annotations

from selenium.webdriver.common.by import By


def open_sample(app) -> None:
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the register fills with the sample portfolio")


def overdue_rows(app):
    return [(r.get_attribute("data-uid"), r.find_element(By.CSS_SELECTOR, '[data-testid="calendar-title"]').text)
            for r in app.all("calendar-row")]


def test_marking_an_overdue_review_done(app):
    open_sample(app)
    app.click("nav-calendar")
    app.find("calendar")
    app.click("calendar-view-overdue")
    app.wait(lambda: app.all("calendar-row")
             and all(r.get_attribute("data-state") == "overdue" for r in app.all("calendar-row")),
             "the sample has overdue events, and the view lists only those")

    app.select("calendar-kind", "model_review")
    app.wait(lambda: all(t.startswith("Model review") for _, t in overdue_rows(app)) and overdue_rows(app),
             "the kind filter keeps model reviews only")
    before = overdue_rows(app)
    uid, title = before[0]
    app.screenshot("overdue")

    row = next(r for r in app.all("calendar-row") if r.get_attribute("data-uid") == uid)
    row.find_element(By.CSS_SELECTOR, '[data-testid="calendar-mark-done"]').click()
    app.find("mark-done-form")
    app.type("mark-done-note", "validation report filed")
    app.click("mark-done-confirm")
    app.wait(lambda: "marked done" in app.find("calendar-notice").text, "the app confirms who marked it done")
    app.wait(lambda: uid not in [u for u, _ in overdue_rows(app)], "the review leaves the overdue list")
    assert len(overdue_rows(app)) == len(before) - 1

    # The next review of that system is in the agenda for the coming months, still the same series.
    app.click("calendar-view-agenda")
    app.select("calendar-kind", "")
    app.select("calendar-days", "90")
    system = title.removeprefix("Model review: ")
    app.type("calendar-system", system + "\n")
    app.wait(lambda: len(app.all("calendar-row")) > 0 or app.present("calendar-empty"), "the agenda loads")
    # Done today: the next one is months away, beyond 90 days for any tier.
    assert uid not in [r.get_attribute("data-uid") for r in app.all("calendar-row")]

    # The audit log records who did it.
    app.click("nav-audit")
    app.wait(lambda: f"Calendar event: {title}" in app.find("audit-table").text,
             "the completion is in the audit log, under the event's name")


def test_retirement_waits_for_the_checklist(app):
    open_sample(app)
    app.type("search", "CV Screening Assistant")
    app.wait(lambda: app.rows() == ["CV Screening Assistant"], "the sample has a deprecated system mid-checklist")
    app.find("row-name").click()
    app.find("system-detail")
    app.find("checklist")
    items = app.all("checklist-item")
    assert len(items) == 6
    open_keys = [i.get_attribute("data-key") for i in items if i.get_attribute("data-state") == "open"]
    assert open_keys, "some items are still open"

    app.click("stage-retired")
    app.wait(lambda: app.present("stage-error") and "open item" in app.find("stage-error").text,
             "retiring with open items names them")

    # Waiving needs a reason.
    key = open_keys[0]
    app.click(f"checklist-waive-{key}")
    app.click("checklist-waive-confirm")
    app.wait(lambda: "reason" in app.find("checklist-error").text, "a waiver without a reason is refused")
    app.type("checklist-reason", "covered by the vendor's exit plan")
    app.click("checklist-waive-confirm")
    for k in open_keys[1:]:
        app.click(f"checklist-done-{k}")
        app.wait(lambda k=k: any(i.get_attribute("data-key") == k and i.get_attribute("data-state") == "done"
                                 for i in app.all("checklist-item")), f"{k} is done")
    app.wait(lambda: "can now be retired" in app.find("checklist-summary").text, "the checklist is complete")
    app.click("stage-retired")
    app.wait(lambda: "is retired" in app.find("stage-notice").text, "the system is retired")
    app.screenshot("retired")
