//! `steward --db URL`: a team workspace in PostgreSQL (the test binary's own, started by
//! `steward-testpg`; `STEWARD_PG_TESTS=0` skips these tests, saying so).

use predicates::prelude::*;
use predicates::str::contains;

use crate::support::Ws;

#[test]
fn db_opens_a_team_workspace_where_the_actor_is_the_database_user() {
    let Some(s) = steward_testpg::server_or_skip("db_opens_a_team_workspace") else {
        return;
    };
    let db = s.fresh_schema();
    let ws = Ws::new();
    let team = |args: &[&str]| {
        let mut c = assert_cmd::Command::cargo_bin("steward").expect("the steward binary is built");
        c.env_remove("STEWARD_DATA_DIR")
            .env_remove("STEWARD_WORKSPACE_PASSPHRASE")
            .env("STEWARD_ACTOR", "tester")
            .env("HOME", ws.dir.path())
            .env("STEWARD_DATABASE_URL", &db.url)
            .args(args);
        c
    };
    team(&[
        "systems", "add", "--name", "Alpha", "--unit", "Retail", "--owner", "Ann",
    ])
    .assert()
    .success();
    let out = team(&["--actor", "someone else", "audit", "log", "--json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let actors: Vec<&str> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["actor"].as_str())
        .collect();
    assert_eq!(
        actors,
        [steward_testpg::ROLE],
        "the entry names the database user, not STEWARD_ACTOR or --actor"
    );
    team(&["audit", "verify"])
        .assert()
        .success()
        .stdout(contains("audit chain intact: 1 entries"));
    ws.cmd()
        .env("STEWARD_DATABASE_URL", &db.url)
        .args(["systems", "list"])
        .assert()
        .code(2)
        .stderr(contains("--data-dir"));
    team(&["restore", "backup.db"])
        .assert()
        .code(1)
        .stderr(contains("laptop workspace"));
}

#[test]
fn a_team_workspace_that_cannot_be_reached_is_named_without_its_password() {
    let ws = Ws::new();
    let mut c = assert_cmd::Command::cargo_bin("steward").expect("built");
    c.env_remove("STEWARD_DATA_DIR")
        .env("HOME", ws.dir.path())
        .args([
            "--db",
            "postgres://ann:s3cret@127.0.0.1:1/gov?sslmode=disable&connect_timeout=5",
            "systems",
            "list",
        ])
        .assert()
        .code(1)
        .stderr(contains("postgres://ann@127.0.0.1:1/gov"))
        .stderr(contains("s3cret").not());
}
