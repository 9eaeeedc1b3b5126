"""Every screen passes axe-core (the accessibility engine, from the npm registry) with no serious or
critical violation: the sample workspace's areas, a review, a system's page and the sign-off
tabs. A violation names the rule, its impact, and each offending element."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "ui" / "node_modules" / "axe-core" / "axe.min.js"
AREAS = ["portfolio", "reviews", "register", "calendar", "kpi", "import", "assess", "evidence", "audit", "tco",
         "signoff", "reports", "verify", "profile"]


def audit(app, where: str) -> list[str]:
    """Runs axe on the page as it is; returns the serious and critical violations as lines."""
    if not app.driver.execute_script("return typeof window.axe !== 'undefined'"):
        app.driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = app.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        window.axe.run(document, { resultTypes: ["violations"] })
          .then((r) => done(JSON.stringify(r.violations)))
          .catch((e) => done(JSON.stringify({ error: String(e) })));
        """
    )
    found = json.loads(result)
    if isinstance(found, dict):
        pytest.fail(f"axe could not run on {where}: {found['error']}")
    lines = []
    for v in found:
        if v["impact"] in ("serious", "critical"):
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}] {targets}")
    return lines


def settle(app, testid: str) -> None:
    app.wait(lambda: app.find(f"nav-{testid}").get_attribute("aria-current") == "page", f"{testid} opens")
    app.wait(lambda: not app.driver.find_elements("css selector", ".loading, [aria-busy='true']"),
             f"{testid} finishes loading")


def test_every_screen_has_no_serious_accessibility_violation(sample_app):
    app = sample_app
    app.driver.set_script_timeout(60)
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    problems: list[str] = []
    for area in AREAS:
        app.click(f"nav-{area}")
        settle(app, area)
        problems += audit(app, area)
        app.screenshot(area)
    # Deeper screens: a review, a system's page, the sign-off tabs.
    app.click("nav-reviews")
    settle(app, "reviews")
    app.wait(lambda: len(app.all("review-row")) > 0, "the reviews load")
    app.all("review-open")[0].click()
    app.wait(lambda: app.present("review-detail"), "a review opens")
    problems += audit(app, "review")
    app.click("nav-register")
    settle(app, "register")
    app.wait(lambda: len(app.rows()) > 0, "the register loads")
    app.find("row-name").click()
    app.wait(lambda: app.present("system-detail"), "a system's page opens")
    problems += audit(app, "system")
    for tab in ["boards", "requests", "sign"]:
        app.click("nav-signoff")
        settle(app, "signoff")
        if app.present(f"signoff-tab-{tab}"):
            app.click(f"signoff-tab-{tab}")
            problems += audit(app, f"signoff/{tab}")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)
