"""Looking after portfolio reviews in the desktop app, on the sample portfolio: a draft's header
changed, the board's budget target set and shown against a review's budget, the review rules
loaded from a file and reset, and the signed board pack of a decided review written, checked by
pdfsig independently of Steward."""

from __future__ import annotations

import shutil
import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

PASSPHRASE = "correct horse battery"


def open_sample(app) -> None:
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the register fills with the sample portfolio")


def create_identity(app) -> None:
    app.click("nav-profile")
    app.type("identity-name", "Ann Lee")
    app.type("identity-role", "Board secretary")
    app.type("identity-organisation", "Acme Mutual")
    app.type("identity-email", "ann.lee@example.org")
    app.type("identity-passphrase", PASSPHRASE)
    app.type("identity-passphrase2", PASSPHRASE)
    app.click("identity-create")
    assert app.find("profile-name").text == "Ann Lee", "the identity that signs the board pack exists"


def review_rows(app) -> dict[str, str]:
    app.wait(lambda: len(app.all("review-row")) > 0, "the sample's reviews are listed")
    return {r.get_attribute("data-period"): r.get_attribute("data-state") for r in app.all("review-row")}


def open_review(app, period: str) -> None:
    row = next(r for r in app.all("review-row") if r.get_attribute("data-period") == period)
    row.find_element(By.CSS_SELECTOR, '[data-testid="review-open"]').click()
    app.wait(lambda: app.present("review-detail") and app.find("review-detail").get_attribute("data-period") == period,
             f"the review of {period} opens")


def replace_text(app, testid: str, text: str) -> None:
    field = app.find(testid)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def test_a_draft_header_the_budget_target_rules_and_the_board_pack(app, tmp_path):
    open_sample(app)
    create_identity(app)
    app.click("nav-reviews")
    rows = review_rows(app)
    draft = next(p for p, s in rows.items() if s == "draft")
    decided = max(p for p, s in rows.items() if s == "decided")

    # A draft's header changes; its quarter stays.
    open_review(app, draft)
    app.click("review-edit-header")
    app.find("review-edit-form")
    assert not app.find("review-period").is_enabled(), "the quarter of a review does not change"
    replace_text(app, "review-chair", "Nora Lindqvist")
    replace_text(app, "review-title-input", f"Quarterly AI portfolio review {draft}")
    app.find("review-attendees").send_keys(Keys.ENTER, "Sam Ortiz: Head of internal audit")
    app.screenshot("edit-header")
    app.click("review-header-save")
    app.wait(lambda: app.find("review-chair-shown").text == "Nora Lindqvist", "the new chair is shown")
    assert app.find("review-title").text == f"Quarterly AI portfolio review {draft}"
    assert "Sam Ortiz (Head of internal audit)" in app.find("review-attendees-shown").text
    assert not app.present("review-edit-form"), "the form closes once core has saved the header"
    assert not app.present("board-pack"), "a draft has no board pack: its figures still move"
    app.click("review-back")

    # The budget target: shares that do not add up are refused by core, then a good split is set.
    app.click("reviews-tab-settings")
    assert app.find("rules-in-force").get_attribute("data-origin") == "built_in"
    for line, pct in (("run", "60"), ("technical_debt", "30"), ("new_development", "15")):
        replace_text(app, f"budget-target-{line}", pct)
    app.click("budget-target-save")
    app.wait(lambda: app.present("error-run") and "add up" in app.find("error-run").text,
             "core refuses shares that add up to more than 100%")
    replace_text(app, "budget-target-technical_debt", "25")
    app.click("budget-target-save")
    assert "run 60%" in app.find("budget-target-notice").text, "the target is set"
    app.screenshot("budget-target")

    # The rules: a workspace's own file is loaded (version and origin shown), then reset.
    rules = tmp_path / "rules.toml"
    rules.write_text('version = "2027.1-board"\n', encoding="utf-8")
    app.type("rules-path", str(rules))
    app.click("rules-load")
    app.wait(lambda: app.find("rules-version").text == "2027.1-board", "the loaded rules are in force")
    assert app.find("rules-in-force").get_attribute("data-origin") == "workspace"
    assert len(app.all("rule-row")) > 3, "each rule is listed"
    app.screenshot("rules")
    app.click("rules-reset")
    app.wait(lambda: app.find("rules-in-force").get_attribute("data-origin") == "built_in", "back to the built-in rules")

    # The board pack of a decided review, signed, with the target shown in its budget.
    app.click("reviews-tab-reviews")
    review_rows(app)
    open_review(app, decided)
    run = next(r for r in app.all("budget-row") if r.get_attribute("data-line") == "run")
    assert "60%" in run.text, f"the review's budget shows the board's target: {run.text!r}"
    pdf = tmp_path / f"board-pack-{decided}.pdf"
    assert app.find("board-pack-sign").is_selected(), "a PDF is signed when there is an identity"
    app.type("board-pack-path", str(pdf))
    app.click("board-pack-export")
    app.find("passphrase-dialog")
    app.type("passphrase-input", PASSPHRASE)
    app.click("passphrase-ok")
    written = app.find("board-pack-written").text
    assert str(pdf) in written and "signed" in written, f"the panel says where the pack went: {written!r}"
    assert pdf.read_bytes().startswith(b"%PDF-"), "the board pack was written where asked"
    app.screenshot("board-pack")

    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "pdfsig (poppler-utils) checks the signature independently of Steward"
    out = subprocess.run([pdfsig, str(pdf)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in out, f"pdfsig accepts the board pack's signature: {out}"
