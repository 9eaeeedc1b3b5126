"""The audit log in the app: the sample's log filtered by a record and a person, paged, and an
entry opened to its changes field by field, each entry named rather than numbered; verifying it
(a record changed behind Steward's back named with its field) and sealing it."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess

from selenium.webdriver.common.by import By

from conftest import steward_bin


def choose(app, testid: str, text: str) -> None:
    """Picks the option of the select `testid` whose label is `text`, once it is offered."""
    select = app.find(testid)
    option = app.wait(
        lambda: next((o for o in select.find_elements(By.TAG_NAME, "option") if o.text == text), None),
        f"{testid} offers {text!r}",
    )
    option.click()


def set_date(app, testid: str, value: str) -> None:
    """Sets a date field as the date picker would, with its change event."""
    app.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
        app.find(testid), value,
    )


def count(app) -> tuple[int, int, int]:
    """The page shown and the total, from "showing A–B of N"."""
    found = app.wait(lambda: re.match(r"showing (\d+)–(\d+) of (\d+)", app.find("audit-count").text),
                     "the count shows the page")
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def test_the_log_is_searched_paged_and_read_field_by_field(sample_app):
    app = sample_app
    # A change made in the app, by the person using it, beside the sample's own entries.
    app.click("nav-register")
    app.type("search", "Home Pricing Uplift")
    app.wait(lambda: app.rows() == ["Home Pricing Uplift"], "the sample has a system in development")
    app.find("row-name").click()
    app.click("stage-validation")
    app.wait(lambda: app.present("stage-staging"), "the system moved to validation")

    app.click("nav-audit")
    first, last, total = count(app)
    assert (first, last) == (1, 50) and total > 100, f"the sample's log opens on its first page of 50: {total}"
    rows = app.all("audit-row")
    assert "Home Pricing Uplift" in rows[0].text and "stage" in rows[0].text, "newest first, by name"
    assert not any("#" in r.find_element(By.CSS_SELECTOR, '[data-testid="audit-record-name"]').text for r in rows), (
        "records are named, not numbered"
    )
    app.screenshot("log")

    # Paging: the next page, and back.
    app.click("audit-next")
    app.wait(lambda: count(app)[:2] == (51, 100), "the second page")
    app.click("audit-prev")
    app.wait(lambda: count(app)[:2] == (1, 50), "back to the first page")

    # One record: every entry about it, the sample's and the app's.
    app.select("audit-entity", "system")
    choose(app, "audit-record", "Home Pricing Uplift")
    app.wait(lambda: count(app)[2] >= 2, "the system's creation and its stage change")
    names = {e.text for e in app.all("audit-record-name")}
    assert names == {"AI system: Home Pricing Uplift"}, f"only that record's entries: {names}"

    # One person: the one who changed the stage in the app, not the one who made the sample.
    actor = app.all("audit-row")[0].find_elements(By.TAG_NAME, "td")[2].text
    choose(app, "audit-actor", actor)
    app.wait(lambda: count(app) == (1, 1, 1), "that person made one change to it")

    # The entry opened: its change field by field.
    app.click("audit-expand")
    changes = app.find("audit-changes")
    cells = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
             for tr in changes.find_elements(By.CSS_SELECTOR, '[data-testid="audit-change"]')]
    assert ["Stage", "Development", "Validation"] in cells, f"the stage before and after, as labels: {cells}"
    app.screenshot("changes")

    # A bad range is refused, naming the field.
    set_date(app, "audit-from", "2030-01-01")
    set_date(app, "audit-to", "2020-01-01")
    app.wait(lambda: "from" in app.find("audit-error").text, "from after to is refused, naming from")


PASSPHRASE = "correct horse battery"


def test_verifying_names_a_record_changed_behind_stewards_back_and_a_seal_is_made(sample_app, tmp_path):
    app = sample_app
    app.click("nav-audit")
    app.click("audit-verify")
    result = app.find("audit-result")
    app.wait(lambda: "Every record is as the log says" in app.find("audit-state").text, "the sample's records are as logged")
    assert "intact" in app.find("audit-chain").text, "the chain holds"
    assert "valid" in app.find("audit-seals").text, "the sample's sign-off requests sealed the log"
    assert "FAILING" not in result.text, "no seal fails"

    # A risk tier changed with plain SQL while the app is open.
    conn = sqlite3.connect(tmp_path / "data" / "steward.db")
    conn.execute("UPDATE systems SET risk_tier = 'low' WHERE name = 'Card Fraud Detector'")
    conn.commit()
    conn.close()
    app.click("audit-verify")
    app.wait(lambda: app.present("audit-findings"), "the changed record is listed")
    cells = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in app.all("audit-finding")]
    assert len(cells) == 1, f"one record, one field: {cells}"
    record, message, field, logged, stored = cells[0]
    assert record == "AI system: Card Fraud Detector", f"named as the log names it: {record}"
    assert (field, logged, stored) == ("risk_tier", "high", "low"), f"the field, logged and stored: {cells}"
    assert "behind Steward's back" in message, message
    app.screenshot("state")

    # Sealing with one's own identity, through the passphrase dialog.
    subprocess.run(
        [steward_bin(), "--identity-dir", str(tmp_path / "identity"), "identity", "init",
         "--name", "Ann Lee", "--role", "Risk officer", "--org", "Acme Mutual"],
        check=True, capture_output=True, env={**os.environ, "STEWARD_PASSPHRASE": PASSPHRASE},
    )
    app.click("audit-seal")
    app.type("passphrase-input", PASSPHRASE)
    app.click("passphrase-ok")
    sealed = app.find("audit-sealed").text
    assert sealed.startswith("Sealed at entry ") and "by Ann Lee" in sealed, sealed
    app.wait(lambda: "0 entries after the last valid seal" in app.find("audit-unsealed").text,
             "nothing is unsealed after the new seal")
    rows = [r.text for r in app.all("audit-seal-row")]
    assert any("Ann Lee" in r and "valid" in r for r in rows), f"the new seal is listed as valid: {rows}"
    app.screenshot("sealed")
