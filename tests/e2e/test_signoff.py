"""Sign-offs in the desktop app: a board and a rule switch the pre-deployment gate on; two people
sign a request in turn on one laptop (one with the app's identity, one with their own .p12); the
system, whose validation evidence meets the policy, can then be promoted to production."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from selenium.webdriver.common.by import By

from conftest import steward_bin
from evidence_files import evidence_csv

PASSPHRASE = "correct horse battery staple"
BOB_P12_PASSWORD = "bob-p12-password"
SYSTEM = "Claims Fraud Network"  # high risk, in staging, in the sample portfolio


def bob_p12(tmp: Path) -> tuple[Path, Path]:
    """Bob's organisation-issued certificate and .p12 (his key), made with openssl."""
    key, cert, p12 = tmp / "bob.key", tmp / "bob.pem", tmp / "bob.p12"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=Bob Chen/O=Acme Mutual"],
        check=True, capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert), "-out", str(p12),
         "-passout", f"pass:{BOB_P12_PASSWORD}"],
        check=True, capture_output=True,
    )
    return cert, p12


def bob(data_dir: Path | None, *args: str) -> str:
    """Runs `steward` as Bob, with his .p12's password (on the workspace at `data_dir`, if any)."""
    where = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run(
        [steward_bin(), *where, *args], check=True, capture_output=True, text=True,
        env={**os.environ, "STEWARD_PASSPHRASE": BOB_P12_PASSWORD, "STEWARD_ACTOR": "Bob Chen"},
    ).stdout


def passphrase(app, text: str) -> None:
    app.find("passphrase-dialog")
    app.type("passphrase-input", text)
    app.click("passphrase-ok")


def open_system(app, name: str) -> None:
    app.click("nav-register")
    app.type("search", name)
    app.wait(lambda: app.rows() == [name], f"{name} is in the register")
    app.find("row-name").click()
    app.find("system-detail")


def test_two_signers_approve_and_the_system_is_promoted(app, tmp_path):
    app.click("welcome-sample")
    app.wait(lambda: len(app.rows()) > 0, "the sample portfolio opens")
    # The gate reads the validation evidence too; this system's meets the policy.
    bob(app.data_dir, "evidence", "import", str(evidence_csv(tmp_path / "evidence.csv", SYSTEM)))

    app.click("nav-profile")
    app.type("identity-name", "Ann Lee")
    app.type("identity-role", "Legal counsel")
    app.type("identity-organisation", "Acme Mutual")
    app.type("identity-email", "ann.lee@example.org")
    app.type("identity-passphrase", PASSPHRASE)
    app.type("identity-passphrase2", PASSPHRASE)
    app.click("identity-create")
    app.wait(lambda: app.find("profile-name").text == "Ann Lee", "Ann's identity exists")
    ann_cert = tmp_path / "identity" / "cert.pem"
    bob_cert, bob_key = bob_p12(tmp_path)

    app.click("nav-signoff")
    app.click("signoff-tab-boards")
    app.type("board-name", "Model risk board")
    app.click("board-create")
    app.wait(lambda: "Model risk board" in app.find("board-members").text, "the board is listed")
    for name, role, cert in [("Ann Lee", "legal", ann_cert), ("Bob Chen", "compliance", bob_cert)]:
        app.type("member-name", name)
        app.select("member-role", role)
        app.type("member-cert", str(cert))
        app.click("member-add")
        app.wait(lambda: name in app.find("board-members").text, f"{name} is on the board")

    rules_before = len(app.all("rule-row"))  # the sample's board signs review outcomes
    app.type("rule-roles", "auditor=1")
    app.click("rule-save")
    app.wait(lambda: app.present("error"), "a rule core cannot read is refused")
    assert "is not a role" in app.find("error").text, "core's reader names the bad part and the roles it accepts"
    app.type("rule-roles", "legal=2")
    app.click("rule-save")
    app.wait(lambda: "2 legal of 1 required" in app.find("error").text, "an unsatisfiable rule is refused, saying why")
    app.type("rule-roles", "legal=1, compliance=1")
    app.type("rule-quorum", "2")
    app.click("rule-save")
    app.wait(lambda: len(app.all("rule-row")) == rules_before + 1, "the rule is saved")
    app.screenshot("boards-and-rules")

    open_system(app, SYSTEM)
    app.click("stage-production")
    assert "needs an approved pre-deployment sign-off" in app.find("stage-error").text, "the gate is shut"
    remedy = app.find("error-remedy").text
    assert "Sign-offs" in remedy and "steward " not in remedy, "the app words the remedy with its own screen, not a command"

    app.click("nav-signoff")
    app.type("request-system", SYSTEM)
    app.click("request-create")
    detail = app.find("request-detail")
    assert detail.get_attribute("data-status") == "pending", "a new request is pending"
    request_file = tmp_path / "request.json"
    app.type("request-file", str(request_file))
    app.click("request-export")
    passphrase(app, PASSPHRASE)
    app.wait(lambda: app.present("request-done"), "the request file is written")
    assert request_file.exists()

    # One laptop, two signers in turn: Ann with the app's identity, Bob with his .p12.
    signatures = []
    for role, p12, secret, out in [
        ("legal", "", PASSPHRASE, tmp_path / "ann.sig.json"),
        ("compliance", str(bob_key), BOB_P12_PASSWORD, tmp_path / "bob.sig.json"),
    ]:
        app.click("signoff-tab-sign")
        app.type("sign-request-path", str(request_file))
        app.click("sign-review")
        review = app.find("sign-review-panel")
        assert SYSTEM in review.text and "Hannah Schmidt" in app.find("sign-snapshot").text, (
            "the signer sees the record under review"
        )
        # It reads like a form: the register's labels, values by their labels, lists as lists.
        fields = {r.get_attribute("data-field"): r for r in app.all("sign-field")}
        tier = fields["risk_tier"].text
        assert tier.startswith("Risk tier") and "High" in tier, f"a label, not a stored key: {tier!r}"
        text = app.find("sign-snapshot").text
        assert "[{" not in text and '"' not in text, f"no raw JSON for the signer: {text}"
        assert "Eu ai act category" not in text, "field names are the register's labels"
        app.select("sign-role", role)
        app.select("sign-decision", "approve")
        if p12:
            app.type("sign-p12", p12)
        app.type("sign-out", str(out))
        app.click("sign-run")
        passphrase(app, secret)
        app.wait(lambda: app.present("sign-done"), f"the {role} signature is written")
        signatures.append(out)
    app.screenshot("review-before-signing")

    app.click("signoff-tab-requests")
    app.wait(lambda: any(SYSTEM in r.text for r in app.all("request-row")), "the request is listed")
    mine = [r for r in app.all("request-row") if SYSTEM in r.text]
    assert len(mine) == 1, "one request for the system, beside the sample's review outcomes"
    mine[0].find_element(By.TAG_NAME, "td").click()
    for sig in signatures:
        app.type("request-file", str(sig))
        app.click("request-import")
        app.wait(lambda: str(sig) in app.find("request-done").text, f"{sig.name} is imported")
    app.wait(lambda: app.find("request-detail").get_attribute("data-status") == "approved", "two approvals: approved")
    assert len(app.all("signature-row")) == 2, "both signatures are listed"
    app.type("request-file", str(signatures[0]))
    app.click("request-import")
    assert "replayed signature" in app.find("error").text, "the same file twice is refused"
    app.screenshot("approved-request")

    open_system(app, SYSTEM)
    app.click("stage-production")
    app.wait(lambda: not app.present("stage-production"), "the system moved to production")
    assert "Production" in app.find("system-detail").text


LIVE = "Credit Default Scorer"  # high risk, in production, in the sample portfolio
NEW_PURPOSE = "Estimates probability of default for consumer and small-business loans"


def test_the_gates_refuse_in_the_forms_and_a_major_change_goes_through_its_sign_off(sample_app, tmp_path):
    app = sample_app
    bob_cert, bob_key = bob_p12(tmp_path)
    for args in [
        ("signoff", "board", "create", "Model board"),
        ("signoff", "board", "add-member", "Model board", "--name", "Bob Chen", "--role", "compliance",
         "--cert", str(bob_cert)),
        ("signoff", "rule", "set", "--gate", "pre_deployment", "--tier", "high", "--board", "Model board",
         "--require", "compliance=1", "--quorum", "1"),
        ("signoff", "rule", "set", "--gate", "major_change", "--tier", "high", "--board", "Model board",
         "--require", "compliance=1", "--quorum", "1"),
    ]:
        bob(app.data_dir, *args)
    app.click("nav-register")
    app.wait(lambda: len(app.rows()) > 0, "the sample portfolio's register")

    # A new high-risk system cannot start in production: no sign-off can exist for it yet.
    app.click("add-system")
    app.type("field-name", "Mortgage Affordability Model")
    app.type("field-business_unit", "Retail Lending")
    app.type("field-owner", "Maria Okafor")
    app.select("field-stage", "production")
    app.select("field-risk_tier", "high")
    # As the date picker would set it (the form reads the field's input event).
    app.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
        app.find("field-deployment_date"), "2026-01-05",
    )
    app.click("save-system")
    error = app.find("save-error")
    assert error.get_attribute("data-code") == "gate", "a gate's refusal"
    assert "cannot be added at stage production" in error.text, error.text
    assert "pre_deployment rule for risk tier high" in error.text, "the rule in force is named"
    remedy = app.find("error-remedy").text
    assert "earlier stage" in remedy and "steward " not in remedy, remedy
    app.screenshot("add-refused")
    app.click("cancel-system")

    # A major change of a system in production is refused until its sign-off is approved.
    open_system(app, LIVE)
    app.click("edit-system")
    app.type("field-purpose", NEW_PURPOSE)
    app.click("save-system")
    error = app.find("save-error")
    assert "is in production and this change of it is major (purpose)" in error.text, error.text
    assert "major-change request" in app.find("error-remedy").text
    app.screenshot("major-change-refused")
    app.click("cancel-system")

    # The request screen proposes the new value of the major field.
    app.click("nav-signoff")
    app.click("signoff-tab-requests")
    app.type("request-system", LIVE)
    app.select("request-gate", "major_change")
    app.wait(lambda: app.find("proposed-purpose").get_attribute("value").startswith("Estimates"),
             "the proposal starts from the record as it is")
    app.type("proposed-purpose", NEW_PURPOSE)
    app.screenshot("major-change-proposal")
    app.click("request-create")
    detail = app.find("request-detail")
    assert detail.get_attribute("data-status") == "pending", "waiting for the board, not stale"
    proposed = {r.get_attribute("data-field"): r.text for r in app.all("proposal-field")}
    assert list(proposed) == ["purpose"], proposed
    assert NEW_PURPOSE in proposed["purpose"] and "Now: Estimates probability" in proposed["purpose"], proposed
    app.screenshot("major-change-request")

    # Bob signs on his laptop; the signature comes back, and the change is saved as approved.
    listed = [r for r in app.all("request-row") if LIVE in r.text]
    assert len(listed) == 1, "one request for the system"
    number = listed[0].find_element(By.TAG_NAME, "button").text
    request_file, sig = tmp_path / "request.json", tmp_path / "bob.sig.json"
    bob(app.data_dir, "signoff", "export-request", number, "-o", str(request_file), "--p12", str(bob_key))
    shown = bob(None, "signoff", "sign", str(request_file))
    assert "proposed change" in shown and NEW_PURPOSE in shown, f"the signer reads the proposal: {shown}"
    bob(None, "signoff", "sign", str(request_file), "--role", "compliance", "--decision", "approve",
        "-o", str(sig), "--p12", str(bob_key))
    app.type("request-file", str(sig))
    app.click("request-import")
    app.wait(lambda: app.find("request-detail").get_attribute("data-status") == "approved", "approved")

    open_system(app, LIVE)
    app.click("edit-system")
    app.type("field-purpose", NEW_PURPOSE)
    app.click("save-system")
    app.wait(lambda: app.present("system-detail") and NEW_PURPOSE in app.find("system-detail").text,
             "the approved change is saved")
