"""A team workspace in PostgreSQL opened in the app: by the form (a wrong password refused with
the server's reason and nothing changed), the register another member wrote with the CLI, a
system added in the app recorded as made by the database user signed in, the backup said to be
a laptop workspace's, back to the laptop workspace and in again from the recent list; and the
launch option `--db` that opens one directly; a connection string pasted whole, and a
remembered workspace forgotten. Against the tests' own PostgreSQL 15
(`team_db`)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import launch, run_steward_db
from test_accessibility import audit


def cli_json(url: str, *args: str):
    return json.loads(run_steward_db(url, *args, "--json").stdout)


def entries(url: str) -> list[dict]:
    log = cli_json(url, "audit", "log", "--limit", "1000")
    return log["entries"] if isinstance(log, dict) else log


def fill_form(app, db: dict, user: str, password: str) -> None:
    app.type("team-host", db["host"])
    app.type("team-port", str(db["port"]))
    app.type("team-dbname", db["database"])
    app.type("team-user", user)
    app.type("team-password", password)
    app.select("team-sslmode", "disable")


def test_a_team_workspace_opened_by_the_form_records_changes_as_its_database_user(team_db, tmp_path: Path, request):
    db = team_db
    ann, bob = db["people"]["ann"], db["people"]["bob"]
    # Bob fills the register from the command line.
    for name, unit in [("Claims triage scorer", "Claims"), ("Payment fraud screen", "Payments")]:
        run_steward_db(bob, "systems", "add", "--name", name, "--unit", unit, "--owner", "Bob Ray")
    before = entries(bob)
    assert {e["actor"] for e in before} == {"bob"}, "the CLI's changes are the database user's"

    config = tmp_path / "config"
    gen = launch(tmp_path, request, ("--config-dir", str(config)))
    app = next(gen)
    try:
        app.click("welcome-team")
        app.find("team-form")
        assert "never writes it" in app.find("team-password-note").text, "the form says the password is not stored"
        assert not app.present("team-recent"), "nothing opened yet, nothing remembered"
        app.driver.set_script_timeout(60)
        assert audit(app, "team form") == []

        # A wrong password: the server's reason, and the laptop workspace stays open.
        fill_form(app, db, "ann", "wrong")
        app.click("team-open-submit")
        error = app.find("error")
        assert "password authentication failed" in error.text, error.text
        assert error.get_attribute("data-code") == "workspace"
        assert "steward.db" in app.find("workspace-path").text, "the laptop workspace is still the one open"
        assert not config.joinpath("team-workspaces.json").exists(), "a refused login is not remembered"
        assert entries(bob) == before, "nothing changed in the team workspace"
        app.screenshot("wrong-password")
        assert audit(app, "team form with an error") == []

        # A field core refuses is named beside it.
        app.type("team-port", "54x")
        app.type("team-password", db["password"])
        app.click("team-open-submit")
        assert "accepted: 1 to 65535" in app.find("error-port").text

        app.type("team-port", str(db["port"]))
        app.click("team-open-submit")
        app.wait(lambda: app.present("home"), "the team workspace opens on its portfolio")
        where = f"postgres://ann@127.0.0.1:{db['port']}/{db['database']}"
        assert app.find("workspace-path").text == f"Team: {where} — signed in as ann"

        app.click("nav-register")
        app.wait(lambda: sorted(app.rows()) == ["Claims triage scorer", "Payment fraud screen"],
                 "the register is the database's")

        # Ann adds a system in the app.
        app.click("add-system")
        app.type("field-name", "Broker mail sorter")
        app.type("field-business_unit", "Brokers")
        app.type("field-owner", "Ann Lee")
        app.type("field-purpose", "Routes broker mail to the right desk")
        app.click("save-system")
        assert app.find("detail-name").text == "Broker mail sorter"
        app.screenshot("added")

        shown = cli_json(bob, "systems", "show", "Broker mail sorter")
        assert shown["owner"] == "Ann Lee", "the CLI on the same database sees the change"
        after = entries(bob)
        added = [e for e in after if e not in before]
        assert added and all(e["actor"] == "ann" for e in added), f"the app's change is ann's: {added}"
        verified = run_steward_db(bob, "audit", "verify", check=False)
        assert verified.returncode == 0, f"the chain holds: {verified.stdout}{verified.stderr}"

        # The backup belongs to a laptop workspace and says so.
        app.click("nav-reports")
        app.select("report-format", "backup")
        app.type("report-path", str(tmp_path / "copy.db"))
        assert "laptop workspace" in app.find("backup-team-note").text
        assert not app.find("report-run").is_enabled(), "nothing to run on a team workspace"

        # Remembered without its password.
        remembered = config.joinpath("team-workspaces.json").read_text(encoding="utf-8")
        assert where in remembered and db["password"] not in remembered, remembered

        # Back to the laptop workspace, then in again from the list with the password.
        app.click("nav-workspaces")
        assert where in app.find("team-current").text
        app.click("team-laptop")
        app.wait(lambda: "steward.db" in app.find("workspace-path").text, "the laptop workspace is open again")
        app.click("nav-workspaces")
        assert where in app.find("team-recent").text
        app.type("recent-password", db["password"])
        app.click("recent-open")
        app.wait(lambda: app.find("workspace-path").text.startswith("Team: "), "one click and the password reopen it")
        app.click("nav-register")
        app.wait(lambda: len(app.rows()) == 3, "the three systems")

        # A connection string pasted whole (its password inside), then one of the remembered
        # workspaces forgotten.
        app.click("nav-workspaces")
        app.click("team-mode-uri")
        app.type("team-uri", bob)
        app.click("team-open-submit")
        app.wait(lambda: app.find("workspace-path").text.endswith("— signed in as bob"),
                 "the pasted string opens the workspace as bob")
        remembered = config.joinpath("team-workspaces.json").read_text(encoding="utf-8")
        assert "bob@" in remembered and db["password"] not in remembered, \
            "remembered without the password the pasted string held"
        app.click("nav-workspaces")
        app.wait(lambda: len(app.all("recent-team")) == 2, "ann's and bob's")
        assert "bob@" in app.all("recent-team")[0].text, "the latest first"
        app.click("recent-forget")
        app.wait(lambda: len(app.all("recent-team")) == 1, "bob's is forgotten")
        assert "ann@" in app.find("recent-team").text
        remembered = config.joinpath("team-workspaces.json").read_text(encoding="utf-8")
        assert "bob@" not in remembered and "ann@" in remembered, remembered
        next(gen, None)
    except BaseException:
        app.screenshot("failed")
        raise
    finally:
        gen.close()


def test_db_at_launch_opens_the_team_workspace(team_db, tmp_path: Path, request):
    db = team_db
    run_steward_db(db["people"]["bob"], "systems", "add", "--name", "Churn model", "--unit", "Retail", "--owner", "Bob")
    gen = launch(tmp_path, request, ("--config-dir", str(tmp_path / "config"), "--db", db["people"]["ann"]))
    app = next(gen)
    try:
        app.wait(lambda: app.present("home"), "the team workspace opens at launch")
        assert app.find("workspace-path").text.endswith("— signed in as ann")
        next(gen, None)
    except BaseException:
        app.screenshot("failed")
        raise
    finally:
        gen.close()
