"""The app by keyboard alone: Tab reaches the areas, a system of the register, a review and a
sign-off request, and Enter opens each. The focus is found by pressing Tab (never by a click),
a bounded number of times, so a control the keyboard cannot reach fails the test."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

MOST_TABS = 400


def focused(app) -> str:
    return app.driver.execute_script(
        "const e = document.activeElement; return e ? (e.getAttribute('data-testid') || '') : '';"
    )


def tab_to(app, testid: str) -> None:
    """Presses Tab until the element with `testid` has the focus."""
    for _ in range(MOST_TABS):
        if focused(app) == testid:
            return
        ActionChains(app.driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reaches {testid!r}: the keyboard cannot get there")


def enter(app) -> None:
    ActionChains(app.driver).send_keys(Keys.ENTER).perform()


def test_the_areas_a_system_a_review_and_a_request_open_by_keyboard(sample_app):
    app = sample_app
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")

    tab_to(app, "nav-register")
    enter(app)
    app.wait(lambda: len(app.all("system-row")) > 0, "the register opens")
    tab_to(app, "system-row")
    enter(app)
    app.wait(lambda: app.present("system-detail"), "Enter on a row opens the system")

    tab_to(app, "nav-reviews")
    enter(app)
    app.wait(lambda: len(app.all("review-open")) > 0, "the reviews open")
    tab_to(app, "review-open")
    enter(app)
    app.wait(lambda: app.present("review-detail"), "Enter opens the review")

    tab_to(app, "nav-signoff")
    enter(app)
    tab_to(app, "signoff-tab-requests")
    enter(app)
    app.wait(lambda: len(app.all("request-open")) > 0, "the requests are listed")
    tab_to(app, "request-open")
    enter(app)
    app.wait(lambda: app.present("request-detail"), "Enter opens the request")
    app.screenshot("request-by-keyboard")
