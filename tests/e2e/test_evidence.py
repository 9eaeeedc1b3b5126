"""Validation evidence in the desktop app, on the sample portfolio with a board whose
pre-deployment rule covers high-risk systems: a file with a problem is refused at its row and
column; the corrected file is previewed and imported on a system's Evidence panel; the bias table
marks the failing segment in words; a shadow comparison recorded by the form shows new against
incumbent; promotion to production is refused naming the failing segment; a pre-deployment request
asks the board for an evidence exception with a reason, which the request and the signer's review
show; the board member signs through the CLI, and the system is promoted. The Evidence panel's
tabs, the Evidence area and the policy editor pass axe-core."""

from __future__ import annotations

import datetime

from selenium.webdriver.common.by import By

from evidence_files import evidence_csv
from test_accessibility import audit
from test_signoff import bob, bob_p12, open_system

SYSTEM = "Claims Fraud Network"  # high risk, in staging, in the sample portfolio
REASON = "Pilot in one region under manual review of every flagged claim while the 18-25 model is retrained"

def test_imported_evidence_blocks_promotion_until_the_board_approves_an_exception(sample_app, tmp_path):
    app = sample_app
    app.driver.set_script_timeout(60)
    bob_cert, bob_key = bob_p12(tmp_path)
    for args in [
        ("signoff", "board", "create", "Model board"),
        ("signoff", "board", "add-member", "Model board", "--name", "Bob Chen", "--role", "compliance",
         "--cert", str(bob_cert)),
        ("signoff", "rule", "set", "--gate", "pre_deployment", "--tier", "high", "--board", "Model board",
         "--require", "compliance=1", "--quorum", "1"),
        # The shipped policy in force rather than the sample's own, and a model version of the
        # system that no evidence in the sample is for.
        ("evidence", "policy", "--reset"),
        ("systems", "edit", SYSTEM, "--model-version", "2.0"),
    ]:
        bob(app.data_dir, *args)
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    problems: list[str] = []

    open_system(app, SYSTEM)
    app.find("evidence")
    assert app.find("evidence-state").get_attribute("data-state") == "missing", "no evidence is for its new model version yet"
    problems += audit(app, "evidence status")

    # A file with a value that is not a number is refused at its row and column; nothing is written.
    bad = evidence_csv(tmp_path / "evidence-bad.csv", SYSTEM, young_rate="0.28", auc="eighty")
    app.click("evidence-tab-import")
    app.type("evidence-import-path", str(bad))
    app.click("evidence-import-preview")
    table = app.find("evidence-import-problems")
    rows = table.find_elements(By.CSS_SELECTOR, '[data-testid="problem-row"]')
    assert len(rows) == 1, table.text
    located = rows[0].text
    assert "evidence-bad.csv" in located and "eighty" in located, f"the file and the value: {located!r}"
    assert rows[0].find_element(By.CSS_SELECTOR, '[data-testid="problem-row-number"]').text == "2", located
    assert "Value" in rows[0].find_element(By.CSS_SELECTOR, '[data-testid="problem-column"]').text, located
    assert app.find("evidence-import-commit").get_attribute("disabled") is not None, "a file with a problem cannot be imported"
    problems += audit(app, "evidence import problems")
    app.screenshot("import-refused")

    # The corrected file: previewed, then imported whole.
    good = evidence_csv(tmp_path / "evidence.csv", SYSTEM, young_rate="0.28")
    app.type("evidence-import-path", str(good))
    app.click("evidence-import-preview")
    summary = app.find("evidence-import-summary").text
    assert "2 runs and 4 bias results to add" in summary, summary
    app.click("evidence-import-commit")
    app.wait(lambda: app.present("evidence-notice") and "Imported" in app.find("evidence-notice").text, "the file is imported")
    app.wait(lambda: app.find("evidence-state").get_attribute("data-state") == "not_met", "the status follows the evidence")
    assert "Not met" in app.find("evidence-state").text, "the status is said in words"

    # The bias table marks the failing segment, in words and a symbol as well as colour.
    app.click("evidence-tab-bias")
    # Results of the model version before (the sample's) are listed muted, as not counted.
    rows = {r.get_attribute("data-segment"): r for r in app.all("bias-row")
            if "muted" not in (r.get_attribute("class") or "")}
    assert set(rows) == {"age_band 18-25", "age_band 41-60", "region north", "channel online"}, list(rows)
    failing = [k for k, r in rows.items() if r.get_attribute("data-failing") == "true"]
    assert failing == ["age_band 18-25"], failing
    ratio = rows["age_band 18-25"].find_element(By.CSS_SELECTOR, '[data-testid="bias-ratio"]').text
    assert "0.7" in ratio and "Not met" in ratio and "0.8 to 1.25" in ratio, f"the failing cell says so: {ratio!r}"
    ok = rows["age_band 41-60"].find_element(By.CSS_SELECTOR, '[data-testid="bias-ratio"]').text
    assert "0.95" in ok and "Met" in ok and "Not met" not in ok, ok
    problems += audit(app, "evidence bias")
    app.screenshot("bias")

    # A shadow comparison recorded by the form: refused beside its field first, then shown new
    # against incumbent.
    app.click("evidence-tab-add")
    app.select("run-method", "shadow")
    app.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        app.find("run-date"), (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
    )
    app.type("run-incumbent", "Claims Fraud Network 2025.4")
    app.type("run-metric-0-name", "auc")
    app.type("run-metric-0-value", "0.84")
    app.type("run-metric-0-incumbent", "0.8")
    app.click("run-save")
    assert "is required" in app.find("error-dataset").text, "core's refusal, beside the field"
    problems += audit(app, "evidence record refused")
    app.type("run-dataset", "2026 claims shadow")
    app.click("run-save")
    app.wait(lambda: app.present("evidence-notice") and "shadow comparison run" in app.find("evidence-notice").text,
             "the run is recorded")
    app.click("evidence-tab-runs")
    comparison = app.find("shadow-comparison").text
    assert "Claims Fraud Network 2025.4" in comparison and "0.84" in comparison and "0.8" in comparison, comparison

    for tab in ["runs", "chart", "add", "status"]:
        app.click(f"evidence-tab-{tab}")
        problems += audit(app, f"evidence {tab}")
    app.click("evidence-tab-chart")
    points = app.all("trend-point")
    assert points, "each metric is charted over the versions"
    app.screenshot("chart")

    # Promotion is refused, naming the failing segment with its value and bound.
    app.click("stage-production")
    refusal = app.find("stage-error").text
    assert "age_band 18-25" in refusal and "0.7 is outside 0.8 to 1.25" in refusal, refusal
    remedy = app.find("error-remedy").text
    assert "Evidence panel" in remedy and "evidence exception" in remedy and "steward " not in remedy, remedy
    app.screenshot("promotion-refused")

    # A pre-deployment request that asks the board for an exception, with the reason.
    app.click("nav-signoff")
    app.click("signoff-tab-requests")
    app.type("request-system", SYSTEM)
    app.wait(lambda: app.present("request-evidence") and "Not met" in app.find("request-evidence").text,
             "the request form shows the system's evidence status")
    app.click("request-exception")
    assert app.find("request-create").get_attribute("disabled") is not None, "an exception needs its reason"
    app.type("request-exception-reason", REASON)
    app.click("request-create")
    detail = app.find("request-detail")
    assert detail.get_attribute("data-status") == "pending", "waiting for the board"
    assert app.find("snapshot-exception-reason").text == REASON, "the request shows the exception's reason"
    assert app.find("snapshot-evidence-state").get_attribute("data-state") == "not_met"
    checks = app.find("snapshot-checks").text
    assert "age_band 18-25" in checks and "0.7 is outside 0.8 to 1.25" in checks, checks
    problems += audit(app, "signoff request with evidence")
    app.screenshot("exception-request")

    # Bob reviews it in the app's signing screen, and signs it through the CLI on his laptop.
    listed = [r for r in app.all("request-row") if SYSTEM in r.text]
    assert len(listed) == 1, "one request for the system"
    number = listed[0].find_element(By.TAG_NAME, "button").text
    request_file, sig = tmp_path / "request.json", tmp_path / "bob.sig.json"
    bob(app.data_dir, "signoff", "export-request", number, "-o", str(request_file), "--p12", str(bob_key))
    app.click("signoff-tab-sign")
    app.type("sign-request-path", str(request_file))
    app.click("sign-review")
    app.find("sign-review-panel")
    assert app.find("snapshot-exception-reason").text == REASON, "the signer reads the reason before signing"
    assert "Not met" in app.find("snapshot-evidence-state").text
    assert "18-25" in app.find("snapshot-bias").text, "and the bias results signed"
    problems += audit(app, "signoff review with evidence")
    app.screenshot("signer-review")
    bob(None, "signoff", "sign", str(request_file), "--role", "compliance", "--decision", "approve",
        "-o", str(sig), "--p12", str(bob_key))
    app.click("signoff-tab-requests")
    app.wait(lambda: any(SYSTEM in r.text for r in app.all("request-row")), "the request is listed")
    [r for r in app.all("request-row") if SYSTEM in r.text][0].find_element(By.TAG_NAME, "td").click()
    app.type("request-file", str(sig))
    app.click("request-import")
    app.wait(lambda: app.find("request-detail").get_attribute("data-status") == "approved", "the exception is approved")

    # Promoted by the exception.
    open_system(app, SYSTEM)
    app.click("stage-production")
    app.wait(lambda: not app.present("stage-production"), "the system moved to production")
    assert "Production" in app.find("system-detail").text

    # The Evidence area: every system's status, and the policy editor.
    app.click("nav-evidence")
    app.wait(lambda: len(app.all("evidence-system")) > 0, "every system's status is listed")
    row = [r for r in app.all("evidence-system") if r.get_attribute("data-system") == SYSTEM]
    assert row and row[0].get_attribute("data-state") == "not_met", "the evidence is still what it is"
    problems += audit(app, "evidence systems")
    app.click("evidence-area-policy")
    app.find("evidence-policy")
    problems += audit(app, "evidence policy text")
    app.click("policy-mode-form")
    app.find("policy-form")
    problems += audit(app, "evidence policy form")
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(problems)


def test_the_policy_editor_names_a_bad_line_saves_and_resets(sample_app, steward):
    app = sample_app
    # The sample has a policy of its own: reset to the shipped one, as a workspace starts.
    bob(app.data_dir, "evidence", "policy", "--reset")
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    app.click("nav-evidence")
    app.click("evidence-area-policy")
    assert app.find("policy-origin").get_attribute("data-origin") == "built_in"
    assert app.find("policy-reset").get_attribute("disabled") is not None, "nothing to reset yet"

    # A text with a bad value: checked, named by its key and line, and not saved.
    text = '[high]\nmax_age_days = 180\nmethods = ["holdout", "vibes"]\n'
    area = app.find("policy-text")
    app.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        area, text,
    )
    app.click("policy-save")
    problem = app.find("policy-problem")
    assert problem.get_attribute("data-key") == "high.methods[1]", problem.text
    assert "line 3" in problem.text and "vibes" in problem.text, problem.text
    assert app.find("policy-origin").get_attribute("data-origin") == "built_in", "nothing was saved"
    app.screenshot("policy-refused")

    # Corrected and saved: the workspace's own, which the CLI reads too.
    app.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        app.find("policy-text"), text.replace(', "vibes"', ""),
    )
    app.click("policy-check")
    app.find("policy-valid")
    app.click("policy-save")
    app.wait(lambda: app.find("policy-origin").get_attribute("data-origin") == "workspace", "saved as the workspace's own")
    high = [r for r in app.all("policy-tier") if r.get_attribute("data-tier") == "high"][0].text
    assert "180 days" in high and "Adversarial" not in high, f"the table shows the policy saved: {high!r}"

    # The form: a bad number is named beside its field; then a valid change is saved as text.
    app.click("policy-mode-form")
    app.type("policy-medium-max_age_days", "a year")
    app.click("policy-check")
    assert "not a number" in app.find("error-medium.max_age_days").text
    app.type("policy-medium-max_age_days", "400")
    app.click("policy-save")
    app.wait(lambda: "400 days" in [r for r in app.all("policy-tier") if r.get_attribute("data-tier") == "medium"][0].text,
             "the form's policy is saved")

    app.click("policy-reset")
    app.wait(lambda: app.find("policy-origin").get_attribute("data-origin") == "built_in", "reset to the shipped policy")
    app.screenshot("policy-reset")
