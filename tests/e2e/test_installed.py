"""The app as the .deb installs it: `./x.sh test` installs the package and runs this with
STEWARD_APP_BIN=/usr/bin/steward-app and STEWARD_BIN=/usr/bin/steward, so the sample is made by
the installed CLI and opened by the installed app, with the UI it embeds."""

from __future__ import annotations

import os
import subprocess

import pytest

pytestmark = pytest.mark.installed


def test_the_installed_app_opens_the_sample_on_the_portfolio_home(sample_app, steward):
    binary = os.environ["STEWARD_APP_BIN"]
    owner = subprocess.run(["dpkg", "-S", binary], capture_output=True, text=True)
    assert owner.returncode == 0 and owner.stdout.startswith("steward:"), \
        f"this test is about the packaged app: {binary} is not installed by the steward package ({owner.stderr.strip()})"

    app = sample_app
    app.find("home")
    assert not app.present("welcome"), "the sample made by the installed CLI has systems, so the app skips the welcome"
    app.wait(lambda: app.present("figure-systems-value"), "the overview loads")
    o = steward(app.data_dir, "portfolio")
    assert int(app.find("figure-systems-value").text) == o["systems"], \
        "the installed app and the installed CLI read the same workspace alike"
    app.screenshot("installed-home")
