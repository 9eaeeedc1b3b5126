"""The desktop app end to end: first start, the form, the register table, the import wizard,
signed reports and audit packs."""

from __future__ import annotations

import shutil
import subprocess

from selenium.webdriver.common.by import By

HEADER = "Name,Business unit,Owner,Stage,Risk tier,Regulated domain\n"


def open_sample(app) -> int:
    """Takes the welcome's sample portfolio and returns how many systems the table shows."""
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the register fills with the sample portfolio")
    return app.shown_count()


def test_first_start_offers_the_sample_portfolio(app):
    welcome = app.find("welcome")
    assert "Open the sample portfolio" in welcome.text, "an empty workspace offers the sample"
    assert "Start with an empty register" in welcome.text, "and an empty start"
    app.screenshot("welcome")

    n = open_sample(app)
    assert n >= 30, f"the sample portfolio is a realistic register of 30+ systems, got {n}"
    assert len(app.rows()) == n, "the count above the table matches its rows"
    assert app.data_dir.joinpath("steward.db").exists(), "the workspace lives in the --data-dir given"

    app.click("sort-risk_tier")
    app.wait(lambda: app.find("sort-risk_tier").find_element(By.XPATH, "..").get_attribute("aria-sort") == "ascending",
             "clicking a header sorts by it")
    app.click("sort-risk_tier")
    app.wait(lambda: app.find("sort-risk_tier").find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending",
             "clicking it again reverses the order")
    app.wait(lambda: "High" in app.all("system-row")[0].text, "descending by risk puts a high-risk system first")
    app.wait(lambda: "Low" in app.all("system-row")[-1].text, "and a low-risk one last")

    app.select("filter-risk", "high")
    app.wait(lambda: app.shown_count() < n and "of" in app.count_text(), "a filter narrows the table and says so")
    app.screenshot("register")


def test_a_system_created_through_the_form_is_found_in_the_table(app):
    n = open_sample(app)
    app.click("add-system")
    app.type("field-name", "Invoice anomaly detector")
    app.type("field-business_unit", "Finance operations")
    app.type("field-owner", "Dana Whitfield")
    app.type("field-purpose", "Flags supplier invoices that deviate from contract terms")
    app.select("field-sourcing", "vendor")
    app.select("field-risk_tier", "high")
    app.click("save-system")

    error = app.find("error-vendor")
    assert "required" in error.text, f"a vendor system without a vendor is refused beside the field: {error.text!r}"
    field = error.find_element(By.XPATH, "..")
    assert field.get_attribute("data-field") == "vendor", "the message sits beside the vendor input"
    assert app.find("field-vendor").get_attribute("aria-invalid") == "true", "the input is marked invalid"
    app.screenshot("validation")

    app.type("field-vendor", "Ledgerlight Ltd")
    app.click("save-system")
    name = app.find("detail-name")
    assert name.text == "Invoice anomaly detector", "saving opens the new system"
    app.screenshot("detail")
    assert not app.present("error-vendor"), "the error is gone once the field is fixed"

    app.click("back-to-register")
    app.wait(lambda: app.shown_count() == n + 1, "the register has one more system")
    app.type("search", "anomaly detector")
    app.wait(lambda: app.rows() == ["Invoice anomaly detector"], "search finds the new system, and only it")


def test_a_bad_import_changes_nothing_and_a_good_one_adds_its_rows(app, files):
    n = open_sample(app)
    bad = files(
        "bad.csv",
        HEADER
        + "Subrogation recovery predictor,Specialty Lines,Priya Raman,development,medium,finance\n"
        + "Broker email classifier,Specialty Lines,Tom Okafor,development,extreme,finance\n",
    )
    app.click("nav-import")
    app.type("import-path", str(bad))
    app.click("import-preview")

    problem = app.find("problem-row")
    assert app.find("problem-row-number", problem).text == "3", "the bad row is row 3 as a spreadsheet counts"
    assert "risk tier" in app.find("problem-column", problem).text.lower(), "the problem names the column"
    assert app.find("problem-value", problem).text == "extreme", "and the value found there"
    assert len(app.all("problem-row")) == 1, "only the bad row is a problem"
    assert not app.find("import-commit").is_enabled(), "a plan with problems cannot be committed"
    app.screenshot("bad-import")

    app.click("nav-register")
    app.wait(lambda: app.shown_count() == n, "a refused import adds nothing")
    app.type("search", "Subrogation")
    app.wait(lambda: app.present("register-empty"), "not even the good row of the bad file")

    good = files(
        "good.csv",
        HEADER
        + "Subrogation recovery predictor,Specialty Lines,Priya Raman,development,medium,finance\n"
        + "Broker email classifier,Specialty Lines,Tom Okafor,development,high,finance\n",
    )
    app.click("nav-import")
    app.type("import-path", str(good))
    app.click("import-preview")
    app.wait(lambda: "2 to add" in app.find("import-summary").text, "the preview lists both rows as adds")
    assert not app.present("problem-row"), "a good file has no problems"
    commit = app.find("import-commit")
    assert commit.is_enabled(), "a clean plan can be committed"
    app.screenshot("good-preview")
    commit.click()
    app.find("import-result")

    app.click("import-show-register")
    app.wait(lambda: app.shown_count() == n + 2, "the import added its two rows")
    app.type("search", "Specialty Lines")
    app.wait(
        lambda: sorted(app.rows()) == ["Broker email classifier", "Subrogation recovery predictor"],
        "the imported systems are in the table",
    )


def test_stage_changes_follow_the_lifecycle_and_are_audited(app, tmp_path):
    n = open_sample(app)
    app.type("search", "Home Pricing Uplift")
    app.wait(lambda: app.rows() == ["Home Pricing Uplift"], "the sample has a system in development")
    app.find("row-name").click()
    app.find("system-detail")

    offered = {b.get_attribute("data-testid") for b in app.find("stage-actions").find_elements(By.TAG_NAME, "button")}
    assert offered == {"stage-validation", "stage-proposed", "stage-retired"}, (
        f"development moves on only to validation (never straight to production): {offered}"
    )
    app.click("stage-validation")
    app.wait(lambda: app.present("stage-staging"), "after validation, staging is offered")
    assert not app.present("stage-production"), "production is reached from staging only"

    app.click("nav-audit")
    # The sample writes one entry per system and more for its other records (KPI history, calendar,
    # scenarios, assessments).
    app.wait(lambda: len(app.all("audit-row")) > n, "every sample system and the stage change are logged")
    assert "stage" in app.all("audit-row")[0].text, "the newest entry, shown first, is the stage change"
    app.click("audit-verify")
    assert "intact" in app.find("audit-result").text, "the hash chain verifies"
    app.screenshot("audit")

    out = tmp_path / "register.csv"
    app.click("nav-register")
    app.click("export-open")
    app.select("export-format", "csv")
    app.type("export-path", str(out))
    app.click("export-run")
    assert app.find("export-result").text.startswith(f"{n} rows written"), "the export says how many rows it wrote"
    assert out.read_text(encoding="utf-8").count("\n") >= n + 1, "the file has a header and a line per system"


def test_the_review_fields_are_shown_and_edited_with_core_errors_beside_them(app):
    open_sample(app)
    app.type("search", "Synthetic Data Generator")
    app.wait(lambda: app.rows() == ["Synthetic Data Generator"], "the sample has a proposal")
    app.find("row-name").click()
    review = app.find("detail-review")
    assert "Expected annual value" in review.text, "a proposal's value is what it is expected to deliver"
    assert app.find("detail-sponsor").text == "Sarah Lindholm", "every sample system has a named sponsor"
    assert app.find("detail-data_readiness").text == "Not assessed", "a missing input shows as missing, not as 0"
    assert app.find("detail-strategic_alignment").text == "4 of 5"

    app.click("edit-system")
    app.type("field-annual_value", "lots")
    app.click("save-system")
    error = app.find("error-annual_value")
    assert "is not a number" in error.text, f"text that is not an amount is refused beside the field: {error.text!r}"

    app.type("field-annual_value", "-5")
    app.click("save-system")
    app.wait(lambda: "must be 0 or more" in app.find("error-annual_value").text, "core's rule is shown beside the field")
    assert app.find("field-annual_value").get_attribute("aria-invalid") == "true", "the input is marked invalid"
    app.screenshot("review-validation")

    app.type("field-annual_value", "750000")
    app.select("field-data_readiness", "3")
    app.type("field-sponsor", "Ruth Abebe")
    app.click("save-system")
    app.wait(lambda: app.find("detail-data_readiness").text == "3 of 5", "the saved readiness is shown")
    assert app.find("detail-sponsor").text == "Ruth Abebe"
    assert app.find("detail-annual_value").text == "750,000"
    assert app.find("detail-last_retrained").text == "—", "a proposal has not been retrained"


PASSPHRASE = "correct horse battery"


def sign_in_dialog(app) -> None:
    """Answers the passphrase prompt that signing opens."""
    app.find("passphrase-dialog")
    app.type("passphrase-input", PASSPHRASE)
    app.click("passphrase-ok")


def verify_in_app(app, path) -> tuple[str, list[dict[str, str]]]:
    """Verifies `path` on the Verify screen; returns the verdict's validity and the findings."""
    app.click("nav-verify")
    app.type("verify-path", str(path))
    app.click("verify-run")
    app.wait(lambda: str(path) in app.find("verify-verdict").text, f"the verdict on {path} is shown")
    verdict = app.find("verify-verdict")
    rows = app.all("finding-row")
    return verdict.get_attribute("data-valid"), [
        {"level": r.get_attribute("data-level"), "message": app.find("finding-message", r).text} for r in rows
    ]


def test_a_signed_register_report_and_audit_pack_verify(app, tmp_path):
    open_sample(app)

    app.click("nav-profile")
    app.type("identity-name", "Ann Lee")
    app.type("identity-role", "Risk officer")
    app.type("identity-organisation", "Acme Mutual")
    app.type("identity-email", "ann.lee@example.org")
    app.type("identity-passphrase", PASSPHRASE)
    app.type("identity-passphrase2", PASSPHRASE)
    app.click("identity-create")
    assert app.find("profile-name").text == "Ann Lee", "the new identity is shown"
    fingerprint = app.find("profile-fingerprint").text
    assert len(fingerprint) == 64, f"the certificate fingerprint is a SHA-256 in hex: {fingerprint!r}"
    assert "from" in app.find("profile-validity").text, "the certificate's validity is shown"
    app.screenshot("profile")

    pdf = tmp_path / "register-signed.pdf"
    app.click("nav-reports")
    app.select("report-format", "pdf")
    assert app.find("report-sign").is_selected(), "a PDF is signed unless the box is cleared"
    app.type("report-path", str(pdf))
    app.click("report-run")
    sign_in_dialog(app)
    result = app.find("report-result")
    assert app.find("result-signer", result).text == "Ann Lee", "the result names the signer"
    assert app.find("result-fingerprint", result).text == fingerprint, "and the certificate that signed"
    assert pdf.read_bytes().startswith(b"%PDF"), "a PDF was written where asked"
    app.screenshot("signed-pdf")

    valid, findings = verify_in_app(app, pdf)
    assert valid == "true", f"the signed PDF verifies: {findings}"
    assert any(f["level"] == "ok" and "Ann Lee" in f["message"] for f in findings), (
        f"a finding names the signer: {findings}"
    )
    app.screenshot("verify-pdf")

    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "pdfsig (poppler-utils) checks the signature independently of Steward"
    out = subprocess.run([pdfsig, str(pdf)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in out, f"pdfsig accepts the signature: {out}"

    pack = tmp_path / "audit-pack.zip"
    app.click("nav-reports")
    app.select("report-format", "pack")
    app.type("report-path", str(pack))
    app.click("report-run")
    sign_in_dialog(app)
    result = app.find("report-result")
    assert "files" in result.text, f"the pack result says what it holds: {result.text!r}"
    assert pack.exists(), "the pack was written where asked"

    valid, findings = verify_in_app(app, pack)
    assert valid == "true", f"the pack verifies file by file: {findings}"
    assert len(findings) > 4, "each file of the pack has its own finding"
    app.screenshot("verify-pack")

    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.read_bytes() + b"\n% appended after signing\n")
    valid, findings = verify_in_app(app, tampered)
    assert valid == "false", "a PDF changed after signing is NOT VALID"
    assert any(f["level"] == "error" for f in findings), f"an error finding says why: {findings}"
