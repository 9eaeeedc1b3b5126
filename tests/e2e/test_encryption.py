"""An encrypted workspace in the app: its passphrase is asked for before anything else is shown;
a wrong one is refused on the same screen and opens nothing; the right one opens the portfolio."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import launch, steward_bin
from test_accessibility import audit

PASS = "correct horse battery staple"


@pytest.fixture
def encrypted_app(tmp_path: Path, request: pytest.FixtureRequest):
    """The app on the sample portfolio, encrypted with PASS by the CLI before the app starts."""
    subprocess.run(
        [steward_bin(), "--data-dir", str(tmp_path / "data"), "demo"],
        check=True, capture_output=True, text=True,
        env={**os.environ, "STEWARD_ACTOR": "e2e", "STEWARD_WORKSPACE_PASSPHRASE": PASS},
    )
    yield from launch(tmp_path, request)


def files(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}


def test_the_app_asks_for_the_passphrase_of_an_encrypted_workspace(encrypted_app):
    app = encrypted_app
    before = files(app.data_dir)
    unlock = app.find("unlock")
    assert "This workspace is encrypted" in unlock.text
    assert "the workspace is encrypted" in app.find("unlock-reason").text, "core's reason is shown"
    assert not app.present("nav-register"), "nothing of the workspace is shown before it is unlocked"
    assert audit(app, "unlock") == [], "the unlock screen is accessible"
    app.screenshot("locked")

    app.type("unlock-passphrase", "correct horse")
    app.click("unlock-submit")
    app.wait(lambda: app.present("error"), "a wrong passphrase is refused")
    assert "the passphrase does not open it" in app.find("error").text
    assert app.present("unlock"), "the app stays on the unlock screen"
    assert files(app.data_dir) == before, "a wrong passphrase reads and changes nothing"
    app.screenshot("wrong")

    app.type("unlock-passphrase", PASS)
    app.click("unlock-submit")
    app.wait(lambda: app.present("home"), "the right passphrase opens the portfolio")
    assert app.find("workspace-encrypted").text == "Encrypted at rest"
    app.click("nav-register")
    app.wait(lambda: app.shown_count() == 36, "the register of the sample portfolio shows")
