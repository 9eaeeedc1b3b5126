"""Backing up the workspace from the app: a checked copy that `steward restore` puts back as the
same workspace, and a backup refused over the workspace itself, the form kept."""

from __future__ import annotations

from pathlib import Path


def test_backing_up_in_the_app_restores_to_the_same_workspace(sample_app, steward, tmp_path: Path):
    app = sample_app
    app.wait(lambda: app.present("home"), "the app opens on the portfolio")
    info = steward(tmp_path / "data", "info")

    # Over the workspace itself: refused, and the form keeps what was typed.
    app.click("nav-reports")
    app.select("report-format", "backup")
    assert not app.find("report-sign").is_selected(), "a backup is not signed"
    own = str(tmp_path / "data" / "steward.db")
    app.type("report-path", own)
    app.click("report-run")
    app.wait(lambda: app.present("error"), "the refusal is shown")
    assert "choose another file" in app.find("error").text
    assert app.find("report-path").get_attribute("value") == own, "the form keeps the path"

    backup = tmp_path / "backup.db"
    app.type("report-path", str(backup))
    app.click("report-run")
    result = app.find("report-result")
    app.wait(lambda: "audit chain intact" in result.text, "the backup is written and checked")
    assert f"{info['systems']} systems" in result.text, result.text
    assert backup.exists()

    restored = steward(tmp_path / "restored", "restore", str(backup))
    assert restored["systems"] == info["systems"]
    assert restored["audit_chain"]["head"] == info["audit_head"]
