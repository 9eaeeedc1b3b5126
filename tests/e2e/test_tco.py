"""The TCO area end to end: the sample scenarios, editing an input and seeing core's NPV change,
errors beside the field, saving (audited), and two scenarios side by side."""

from __future__ import annotations

import sqlite3

from selenium.webdriver.common.keys import Keys

RATE = "options[0].cloud_on_demand.instance_rate_per_hour"


def open_tco(app) -> None:
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the register fills with the sample portfolio")
    app.click("nav-tco")
    app.wait(lambda: len(app.all("tco-row")) == 2, "the sample workspace has two TCO scenarios")


def open_scenario(app, name: str) -> None:
    row = next(r for r in app.all("tco-row") if name in r.text)
    row.find_element("css selector", "button.link").click()
    app.find("tco-editor")
    app.wait(lambda: app.present("tco-npv-0"), "the results of the stored scenario show")


def test_editing_an_input_changes_the_npv_and_saving_is_audited(app):
    open_tco(app)
    assert [e.text for e in app.all("tco-row-name")] == ["Batch scoring fleet", "Support assistant LLM"]
    open_scenario(app, "Support assistant LLM")
    assert app.find("tco-state").text == "saved"
    before = app.find("tco-npv-0").text
    assert app.present("tco-chart-cumulative"), "the cumulative-cost chart comes with the results"
    assert app.present("tco-chart-tornado-0"), "and a tornado chart per option"
    app.screenshot("opened")

    app.type(f"tco-field-{RATE}", "abc")
    error = app.find(f"tco-error-{RATE}")
    assert "abc" in error.text and "number" in error.text, f"core names the bad value beside its field: {error.text!r}"
    assert error.find_element("xpath", "..").get_attribute("data-field") == RATE
    app.find("tco-invalid")
    app.screenshot("invalid")

    app.type(f"tco-field-{RATE}", "9.5")
    app.wait(lambda: app.present("tco-npv-0") and app.find("tco-npv-0").text != before,
             "a dearer instance changes the option's NPV as computed by core")
    after = app.find("tco-npv-0").text
    assert float(after.replace(",", "")) > float(before.replace(",", "")), f"{after} > {before}"
    assert not app.present(f"tco-error-{RATE}"), "the error goes once the value is a number"
    assert app.find("tco-state").text == "unsaved changes"

    app.click("tco-save")
    notice = app.find("tco-notice")
    assert "Saved" in notice.text
    app.wait(lambda: app.find("tco-state").text == "saved", "saved")
    app.screenshot("saved")

    with sqlite3.connect(app.data_dir / "steward.db") as db:
        row = db.execute(
            "SELECT action, after FROM audit_log WHERE entity = 'tco_scenario' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert row[0] == "update", "the save is in the audit log"
    assert '"instance_rate_per_hour":9.5' in row[1], "with the new value"

    app.click("tco-back")
    open_scenario(app, "Support assistant LLM")
    assert app.find(f"tco-field-{RATE}").get_attribute("value") == "9.5", "the saved value is read back"
    assert app.find("tco-npv-0").text == after, "and gives the same NPV"


def test_two_scenarios_side_by_side(app):
    open_tco(app)
    app.click("tco-compare")
    app.find("tco-compare-view")
    app.wait(lambda: app.present("tco-side-0-npv-0") and app.present("tco-side-1-npv-0"),
             "both scenarios show their results")
    left = app.find("tco-side-0").text
    right = app.find("tco-side-1").text
    assert "Cloud reserved 3 years" in left and "On-premises H100" in right, "each side shows its own options"
    app.screenshot("compare")


def test_egress_bands_are_added_and_removed_with_errors_beside_the_band(app):
    open_tco(app)
    open_scenario(app, "Support assistant LLM")
    bands = "options[0].cloud_on_demand.egress_tiers"
    assert app.present(f"tco-field-{bands}[3].price_per_gb"), "the fixture has four egress bands"
    app.click(f"tco-remove-row-{bands}")
    app.wait(lambda: not app.present(f"tco-field-{bands}[3].price_per_gb"), "the last band goes")
    error = app.find(f"tco-error-{bands}[2].up_to_gb")
    assert "last tier" in error.text, f"core says the new last band must be open-ended: {error.text!r}"
    field = app.find(f"tco-field-{bands}[2].up_to_gb")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    app.wait(lambda: not app.present(f"tco-error-{bands}[2].up_to_gb") and app.present("tco-npv-0"),
             "an open-ended last band is valid again and the results return")
    app.click(f"tco-add-row-{bands}")
    app.wait(lambda: app.present(f"tco-field-{bands}[3].price_per_gb"), "a band is added")
    error = app.find(f"tco-error-{bands}[2].up_to_gb")
    assert "only the last tier" in error.text, f"now the band before the last needs a bound: {error.text!r}"
