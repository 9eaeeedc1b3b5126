"""Sign-offs in the desktop app: a board and a rule switch the pre-deployment gate on; two people
sign a request in turn on one laptop (one with the app's identity, one with their own .p12); the
system can then be promoted to production."""

from __future__ import annotations

import subprocess
from pathlib import Path

from selenium.webdriver.common.by import By

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
