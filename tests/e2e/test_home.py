"""The portfolio home: a workspace with systems opens on it, its figures are those `steward
portfolio --json` gives for the same data directory, and each figure leads into its area (the
register filtered by stage and tier, the KPIs, the next review)."""

from __future__ import annotations

from selenium.webdriver.common.by import By


def figure(app, key: str) -> int:
    return int(app.find(f"figure-{key}-value").text)


def test_the_app_opens_on_the_portfolio_and_every_figure_leads_to_its_area(sample_app, steward):
    app = sample_app
    app.find("home")
    assert not app.present("welcome"), "a workspace with systems skips the welcome"
    nav = [b.get_attribute("data-testid") for b in app.driver.find_elements(By.CSS_SELECTOR, "nav.sidebar .nav-item")]
    assert nav[0] == "nav-portfolio", f"the portfolio comes first in the sidebar: {nav}"
    assert app.find("nav-portfolio").get_attribute("aria-current") == "page", "and is where the app opens"
    app.wait(lambda: app.present("figure-systems-value"), "the overview loads")
    app.screenshot("home")

    o = steward(app.data_dir, "portfolio")
    shown = {k: figure(app, k) for k in ["systems", "pipeline", "breaches", "escalations", "overdue", "signoffs"]}
    expected = {
        "systems": o["systems"],
        "pipeline": o["pipeline"],
        "breaches": len(o["breaches"]),
        "escalations": len(o["escalations"]),
        "overdue": len(o["overdue"]),
        "signoffs": len(o["signoffs"]),
    }
    assert shown == expected, "the page shows what `steward portfolio` computes for the same workspace"
    assert shown["breaches"] > 0 and shown["pipeline"] > 0, f"the sample has breaches and a pipeline: {shown}"

    for row in o["matrix"]:
        for tier, n in zip(o["tiers"], row["by_tier"]):
            testid = f"matrix-{row['stage']}-{tier}"
            if n:
                assert app.find(testid).text == str(n), f"{testid} shows {n}"
            else:
                assert not app.present(testid), f"an empty cell {testid} is not a link"
    points = o["value_cost"]["points"]
    assert len(app.all("value-point")) == len(points), "one bubble per plotted system"
    assert all(p.find_element(By.TAG_NAME, "title").get_attribute("textContent") for p in app.all("value-point")), \
        "each bubble is labelled"
    assert len(app.all("not-plotted-item")) == len(o["value_cost"]["not_plotted"]), \
        "systems missing a cost or a value are listed beside the chart"
    app.driver.execute_script("arguments[0].scrollIntoView()", app.find("home-value-cost"))
    app.screenshot("value-cost")
    app.driver.execute_script("arguments[0].scrollIntoView()", app.find("home-matrix"))
    next_review = app.find("home-next-review")
    assert next_review.get_attribute("data-period") == o["next_review"]["period"]
    assert o["next_review"]["period"] in next_review.text

    # A cell of the matrix opens the register filtered by that stage and tier.
    row = next(r for r in o["matrix"] if r["stage"] == "production")
    tier = next(t for t, n in zip(o["tiers"], row["by_tier"]) if n)
    n = row["by_tier"][o["tiers"].index(tier)]
    app.click(f"matrix-production-{tier}")
    app.wait(lambda: app.count_text().startswith(f"{n} of "), f"the register shows the {n} production systems of that tier")
    assert len(app.rows()) == n
    assert app.find("nav-register").get_attribute("aria-current") == "page"

    # KPIs in breach open the KPI area.
    app.click("nav-portfolio")
    app.click("figure-breaches")
    summary = app.find("kpi-summary")
    assert "need attention" in summary.text, f"the KPI area's portfolio view: {summary.text!r}"
    app.wait(lambda: len(app.all("attention-row")) >= shown["breaches"], "listing the KPIs in breach")

    # The next review opens that review.
    app.click("nav-portfolio")
    app.click("home-next-review")
    app.wait(lambda: app.present("review-detail")
             and app.find("review-detail").get_attribute("data-period") == o["next_review"]["period"],
             "the next review opens")
    app.screenshot("next-review")
