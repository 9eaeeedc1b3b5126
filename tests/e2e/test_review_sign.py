"""The board signs a review's outcome in the app: the sample's newer past quarter is decided and
carries one signature of the two its rule needs; its request file goes to the chief risk
officer, who signs it on her own laptop (the CLI with her identity, no workspace); the signature
file imported in the review's Board sign-off section makes the review signed, and the app then
shows it signed and offers no more decisions."""

from __future__ import annotations

import os
import subprocess

from conftest import steward_bin


def member(data_dir, name: str, *args: str) -> str:
    """Runs `steward` as a sample board member (their identity directory, their passphrase)."""
    out = subprocess.run(
        [steward_bin(), "--identity-dir", str(data_dir / "sample-board" / name), *args],
        check=True, capture_output=True, text=True,
        env={**os.environ, "STEWARD_PASSPHRASE": "sample board"},
    )
    return out.stdout


def test_a_member_signs_the_outcome_on_her_laptop_and_the_review_is_signed(sample_app, steward, tmp_path):
    app = sample_app
    reviews = steward(app.data_dir, "review", "list")
    decided = [r["period"] for r in reviews if r["state"] == "decided"]
    assert len(decided) == 1, f"the sample's newer past quarter waits for its signature: {reviews}"
    period = decided[0]

    app.click("nav-reviews")
    app.wait(lambda: any(r.get_attribute("data-period") == period for r in app.all("review-row")), "the reviews load")
    row = next(r for r in app.all("review-row") if r.get_attribute("data-period") == period)
    row.find_element("css selector", '[data-testid="review-open"]').click()
    app.wait(lambda: app.present("review-signoff"), "the review opens with its board sign-off")
    panel = app.find("review-signoff")
    app.driver.execute_script("arguments[0].scrollIntoView()", panel)
    app.wait(lambda: app.find("review-signoff").get_attribute("data-status") == "pending", "the request is pending")
    assert "1 of 2 approvals" in app.find("review-signoff-summary").text
    assert not app.present("review-signoff-open"), "no second request while one is pending"
    app.screenshot("pending")

    # The request file, written from the workspace by the board's legal member, is signed on
    # the chief risk officer's laptop.
    request = tmp_path / "request.json"
    signature = tmp_path / "signature.json"
    member(app.data_dir, "Priya Raman", "--data-dir", str(app.data_dir), "review", "sign", period, "-o", str(request))
    shown = member(app.data_dir, "Margaret Osei", "signoff", "sign", str(request))
    assert period in shown and "Review outcome" in shown, f"the signer sees what she signs: {shown}"
    member(app.data_dir, "Margaret Osei", "signoff", "sign", str(request), "--role", "risk",
           "--decision", "approve", "-o", str(signature))

    app.type("request-file", str(signature))
    app.click("request-import")
    app.wait(lambda: app.find("review-state").get_attribute("data-state") == "signed", "the review becomes signed")
    app.wait(lambda: app.find("review-signoff").get_attribute("data-status") == "approved", "the request is approved")
    assert len(app.all("signature-row")) == 2, "both members' signatures are listed"
    assert not app.present("decision-change"), "a signed review offers no more decisions"
    app.screenshot("signed")
    assert steward(app.data_dir, "review", "show", period)["state"] == "signed"
