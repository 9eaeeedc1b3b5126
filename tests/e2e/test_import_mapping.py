"""The import wizard meets a workbook as a risk team keeps it: a notes sheet before the register,
a column the register does not know ("Accountable exec"), a risk column under another name with
values of its own ("Band A"). The person maps each once on the screen, sees the plan change at
once, saves the mapping as a profile, imports, and reads the next file with the profile."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_app import open_sample
from xlsx import write_xlsx

MODELS = [
    ["Model", "Department", "Accountable exec", "Risk band", "Phase"],
    ["Claims triage scorer", "Claims", "Ann Lee", "Band A", "Pilot"],
    ["Payments fraud graph", "Payments", "Bo Chen", "Band A", "development"],
    ["Broker mail sorter", "Specialty Lines", "Cy Diaz", "Band C", "development"],
]


def column_select(app, header: str):
    css = f'[data-testid="import-column"][data-header="{header}"] [data-testid="import-column-field"]'
    return app.wait(lambda: app.driver.find_element(By.CSS_SELECTOR, css), f"the column {header} is listed")


def value_select(app, value: str):
    css = f'[data-testid="import-unknown-value"][data-value="{value}"] [data-testid="import-value-means"]'
    return app.wait(lambda: app.driver.find_element(By.CSS_SELECTOR, css), f"the value {value} is listed")


def settled(app) -> None:
    """Waits until the plan the screen shows is not being read again."""
    app.wait(lambda: not app.present("import-progress"), "the file has been read again")


def test_a_workbook_is_mapped_on_screen_saved_as_a_profile_and_reused(app, tmp_path, steward):
    n = open_sample(app)
    book = write_xlsx(tmp_path / "models.xlsx", [("Read me", [["This workbook lists our models"]]), ("Models", MODELS)])

    app.click("nav-import")
    app.type("import-path", str(book))
    app.click("import-preview")
    app.find("import-mapping-panel")
    sheet = Select(app.find("import-sheet"))
    assert [o.text for o in sheet.options] == ["Read me", "Models"], "every sheet can be chosen"
    assert sheet.first_selected_option.text == "Models", "the sheet whose header matches is read"
    assert not app.find("import-commit").is_enabled(), "no Owner column yet: refused"
    app.screenshot("unmapped")

    Select(column_select(app, "Accountable exec")).select_by_value("owner")
    settled(app)
    app.wait(lambda: Select(column_select(app, "Accountable exec")).first_selected_option.get_attribute("value") == "owner",
             "the column now reads as Owner")
    Select(column_select(app, "Risk band")).select_by_value("risk_tier")
    settled(app)
    band_a = value_select(app, "Band A")
    row = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="import-unknown-value"][data-value="Band A"]')
    assert "2 (first row 2)" in row.text, "how many rows hold the value, and the first"
    assert [o.text for o in Select(band_a).options] == ["(choose)", "Low", "Medium", "High"]
    Select(band_a).select_by_value("high")
    settled(app)
    Select(value_select(app, "Band C")).select_by_value("low")
    settled(app)
    app.wait(lambda: app.find("import-commit").is_enabled(), "once mapped, the plan is clean")
    assert "3 to add" in app.find("import-summary").text
    assert not app.present("import-unknown-values"), "no value left that the register does not know"
    app.screenshot("mapped")

    app.type("import-profile-name", "Risk team workbook")
    app.click("import-profile-save")
    assert "Risk team workbook" in app.find("import-profile-saved").text

    app.click("import-commit")
    app.find("import-result")
    claims = steward(app.data_dir, "systems", "show", "Claims triage scorer")
    assert (claims["owner"], claims["risk_tier"], claims["business_unit"]) == ("Ann Lee", "high", "Claims")
    assert steward(app.data_dir, "systems", "show", "Broker mail sorter")["risk_tier"] == "low"
    entries = steward(app.data_dir, "audit", "log", "--entity", "system_import")
    after = entries[-1]["after"] if isinstance(entries, list) else entries["entries"][-1]["after"]
    assert "Accountable exec" in after and "Band A" in after, "the mapping used is in the import's audit entry"

    # The next file, read with the saved profile: nothing to map.
    nxt = write_xlsx(tmp_path / "next.xlsx", [("Models", [MODELS[0], ["Underwriting assistant", "Claims", "Dee Fox", "Band A", "development"]])])
    app.click("nav-register")
    app.wait(lambda: app.shown_count() == n + 3, "the three systems are in the register")
    app.click("nav-import")
    app.type("import-path", str(nxt))
    app.select("import-profile", "Risk team workbook")
    app.click("import-preview")
    app.wait(lambda: "1 to add" in app.find("import-summary").text, "the profile reads the new file")
    assert app.find("import-commit").is_enabled()
    assert "Risk team workbook" in app.find("import-mapping").text, "the preview names the profile"
