"""Every screen reads as a board member reads: no stored key (a snake_case word such as
`in_house` or `archive_artifacts`) and no machine timestamp (`2026-12-05T08:48:29Z`) in the
text a screen shows, on the sample workspace's areas, a review and a system's page. The names the
evidence policy gives the attributes tested for bias (`age_band`) are the organisation's names
for columns of its data, which its evidence files must spell the same way, so they are shown as
written."""

from __future__ import annotations

import re

from test_accessibility import AREAS, settle

STORED_KEY = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
MACHINE_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def unreadable(app, where: str, data_names: frozenset[str] = frozenset()) -> list[str]:
    text = app.driver.execute_script("return (document.querySelector('.screen') || document.body).innerText")
    found: list[str] = []
    for pattern, what in ((STORED_KEY, "stored key"), (MACHINE_TIME, "machine timestamp")):
        for m in pattern.finditer(text):
            if m.group(0) in data_names:
                continue
            line = next(l for l in text.splitlines() if m.group(0) in l)
            problem = f"{where}: {what} {m.group(0)!r} in {line.strip()[:120]!r}"
            if problem not in found:
                found.append(problem)
    return found


def policy_names(steward, data_dir) -> frozenset[str]:
    """The attribute names the evidence policy in force asks to be tested, as it writes them."""
    policy = steward(data_dir, "evidence", "policy")["policy"]
    return frozenset(s for tier in ("low", "medium", "high") for s in policy[tier]["segments"])


def test_every_screen_shows_labels_and_readable_times(sample_app, steward):
    app = sample_app
    names = policy_names(steward, app.data_dir)
    assert "age_band" in names, f"the shipped policy names the attributes it asks for: {names}"
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    problems: list[str] = []
    for area in AREAS:
        app.click(f"nav-{area}")
        settle(app, area)
        problems += unreadable(app, area, names)
    app.click("nav-reviews")
    settle(app, "reviews")
    app.wait(lambda: len(app.all("review-row")) > 0, "the reviews load")
    for i in range(len(app.all("review-open"))):
        app.all("review-open")[i].click()
        app.wait(lambda: app.present("review-detail"), "a review opens")
        settle(app, "reviews")
        problems += unreadable(app, f"review {i + 1}")
        app.click("review-back")
        app.wait(lambda: len(app.all("review-open")) > i, "back to the reviews")
    app.click("nav-register")
    settle(app, "register")
    app.wait(lambda: len(app.rows()) > 0, "the register loads")
    app.find("row-name").click()
    app.wait(lambda: app.present("system-detail"), "a system's page opens")
    settle(app, "register")
    problems += unreadable(app, "system", names)
    assert not problems, "screens that show stored keys or machine times:\n" + "\n".join(problems)
