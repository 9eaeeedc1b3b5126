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

/// `steward` on the team workspace `url`, with no inherited workspace settings.
fn on_team(ws: &Ws, url: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("steward").expect("the steward binary is built");
    c.env_remove("STEWARD_DATA_DIR")
        .env_remove("STEWARD_WORKSPACE_PASSPHRASE")
        .env_remove("STEWARD_MEMBER_PASSWORD")
        .env("HOME", ws.dir.path())
        .env("STEWARD_DATABASE_URL", url);
    c
}

#[test]
fn team_init_twice_add_member_and_a_member_working_as_themselves() {
    let Some(s) = steward_testpg::server_or_skip("team_init_twice_add_member") else {
        return;
    };
    let n = s.fresh_schema().name;
    let owner = format!("{n}_owner");
    s.login_role(&owner, "CREATEROLE");
    let db = s.fresh_schema_owned_by(&owner);
    let ws = Ws::new();
    on_team(&ws, &db.url)
        .args(["team", "init"])
        .assert()
        .success()
        .stdout(contains("created the members' role"));
    on_team(&ws, &db.url)
        .args(["team", "init"])
        .assert()
        .success()
        .stdout(contains("nothing was changed"));
    let member = format!("{}_ann", db.name);
    on_team(&ws, &db.url)
        .args(["team", "add-member", &member])
        .assert()
        .code(1)
        .stderr(contains("STEWARD_MEMBER_PASSWORD"));
    on_team(&ws, &db.url)
        .env("STEWARD_MEMBER_PASSWORD", "ann's password")
        .args(["team", "add-member", &member])
        .assert()
        .success()
        .stdout(contains("created the login role"));
    on_team(&ws, &db.url)
        .args(["team", "members"])
        .assert()
        .success()
        .stdout(contains(&member));
    let as_ann = s.url_as(&member, "ann's password", &db.name);
    on_team(&ws, &as_ann)
        .args([
            "systems", "add", "--name", "Alpha", "--unit", "Retail", "--owner", "Ann",
        ])
        .assert()
        .success();
    on_team(&ws, &as_ann)
        .args(["team", "add-member", "someone", "--no-password"])
        .assert()
        .code(1)
        .stderr(contains("for the workspace's owner"));
    let out = on_team(&ws, &db.url)
        .args(["audit", "log", "--json"])
        .output()
        .expect("runs");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let who: Vec<(String, String)> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_string(),
                e["actor"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("init".to_string(), owner.clone()),
            ("add_member".to_string(), owner.clone()),
            ("create".to_string(), member.clone()),
        ],
        "the set-up by the owner, the member's change by the member"
    );
}

#[test]
fn a_laptop_workspace_pushed_then_copied_out_read_only() {
    let Some(s) = steward_testpg::server_or_skip("a_laptop_workspace_pushed") else {
        return;
    };
    let n = s.fresh_schema().name;
    let owner = format!("{n}_owner");
    s.login_role(&owner, "CREATEROLE");
    let db = s.fresh_schema_owned_by(&owner);
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let laptop = ws.json(&["audit", "verify"]);
    let (length, head) = (
        laptop["chain"]["length"].as_i64().expect("length"),
        laptop["chain"]["head"].as_str().expect("head").to_string(),
    );
    on_team(&ws, &db.url)
        .args(["team", "push", "--from"])
        .arg(ws.data())
        .assert()
        .success()
        .stdout(contains(format!("{length} audit entries up to {head}")));
    on_team(&ws, &db.url)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains(format!(
            "audit chain intact: {} entries",
            length + 1
        )));
    // Into a team workspace that is no longer empty: refused, naming what it holds.
    on_team(&ws, &db.url)
        .args(["team", "push", "--from"])
        .arg(ws.data())
        .assert()
        .code(1)
        .stderr(contains("is not empty"))
        .stderr(contains("rows in systems"));
    on_team(&ws, &db.url)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains(format!(
            "audit chain intact: {} entries",
            length + 1
        )));

    let travel = ws.dir.path().join("travel");
    on_team(&ws, &db.url)
        .args(["team", "copy", "-o"])
        .arg(&travel)
        .assert()
        .success()
        .stdout(contains(format!("taken at audit entry {}", length + 1)));
    ws.cmd_in(&travel)
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains("read-only copy of the team workspace postgres://"))
        .stdout(contains(s.password()).not());
    ws.cmd_in(&travel)
        .args(["report", "register", "--format", "xlsx", "-o"])
        .arg(ws.dir.path().join("register.xlsx"))
        .assert()
        .success();
    ws.cmd_in(&travel)
        .args([
            "systems",
            "add",
            "--name",
            "On the train",
            "--unit",
            "Retail",
            "--owner",
            "Ann",
        ])
        .assert()
        .code(1)
        .stderr(contains("read-only copy of the team workspace"))
        .stderr(contains(format!("taken at audit entry {}", length + 1)))
        .stderr(contains("make changes in the team workspace"));
    on_team(&ws, &db.url)
        .args(["team", "copy", "-o"])
        .arg(&travel)
        .assert()
        .code(1)
        .stderr(contains("already holds a workspace"));
    // Without --db, team commands say what they need.
    ws.cmd()
        .args(["team", "members"])
        .assert()
        .code(1)
        .stderr(contains("--db"));
}

/// A board on a team workspace, as members who are no superusers: one member registers the
/// board members' certificates once for the team and asks for a sign-off; the signers sign the
/// request file on their laptops; another member imports their signature files into the team
/// workspace, as into a laptop one, and the request is approved; the log names who did what.
#[test]
fn members_register_a_board_once_and_import_signatures_from_laptops() {
    use crate::signoff::person;
    const PASS: &str = "correct horse battery";
    let Some(s) = steward_testpg::server_or_skip("members_register_a_board_once") else {
        return;
    };
    let n = s.fresh_schema().name;
    let owner = format!("{n}_owner");
    s.login_role(&owner, "CREATEROLE");
    let db = s.fresh_schema_owned_by(&owner);
    let ws = Ws::new();
    on_team(&ws, &db.url)
        .args(["team", "init"])
        .assert()
        .success();
    let (ann, bob) = (format!("{}_ann", db.name), format!("{}_bob", db.name));
    for m in [&ann, &bob] {
        on_team(&ws, &db.url)
            .env("STEWARD_MEMBER_PASSWORD", "a member's password")
            .args(["team", "add-member", m])
            .assert()
            .success();
    }
    let as_member = |m: &str| s.url_as(m, "a member's password", &db.name);
    let (legal_id, legal_cert) = person(&ws, "Ann Legal");
    let (compliance_id, compliance_cert) = person(&ws, "Bo Compliance");
    let p = |p: &std::path::Path| p.display().to_string();
    let ok = |m: &str, id: &std::path::Path, args: &[&str]| -> String {
        let out = on_team(&ws, &as_member(m))
            .env("STEWARD_PASSPHRASE", PASS)
            .arg("--identity-dir")
            .arg(id)
            .args(args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "steward {args:?} as {m}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(
        &ann,
        &legal_id,
        &[
            "systems",
            "add",
            "--name",
            "Credit Scorer",
            "--risk",
            "high",
            "--stage",
            "staging",
            "--owner",
            "Olu Owner",
            "--business-unit",
            "Retail",
        ],
    );
    ok(
        &ann,
        &legal_id,
        &["signoff", "board", "create", "Model board"],
    );
    for (name, role, cert) in [
        ("Ann Legal", "legal", &legal_cert),
        ("Bo Compliance", "compliance", &compliance_cert),
    ] {
        ok(
            &ann,
            &legal_id,
            &[
                "signoff",
                "board",
                "add-member",
                "Model board",
                "--name",
                name,
                "--role",
                role,
                "--cert",
                &p(cert),
            ],
        );
    }
    ok(
        &ann,
        &legal_id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "pre_deployment",
            "--tier",
            "high",
            "--board",
            "Model board",
            "--require",
            "legal=1",
            "--require",
            "compliance=1",
            "--quorum",
            "2",
        ],
    );
    ok(
        &ann,
        &legal_id,
        &[
            "signoff",
            "request",
            "Credit Scorer",
            "--gate",
            "pre_deployment",
        ],
    );
    let file = ws.dir.path().join("request.json");
    ok(
        &ann,
        &legal_id,
        &["signoff", "export-request", "1", "-o", &p(&file)],
    );
    // On each signer's laptop: the request file and their identity, no workspace.
    let sigs = [
        ws.dir.path().join("legal.sig.json"),
        ws.dir.path().join("compliance.sig.json"),
    ];
    for (id, role, sig) in [
        (&legal_id, "legal", &sigs[0]),
        (&compliance_id, "compliance", &sigs[1]),
    ] {
        crate::signoff::ok(
            &ws,
            id,
            &[
                "signoff",
                "sign",
                &p(&file),
                "--role",
                role,
                "--decision",
                "approve",
                "-o",
                &p(sig),
            ],
        );
    }
    ok(
        &bob,
        &compliance_id,
        &["signoff", "import-signature", &p(&sigs[0]), &p(&sigs[1])],
    );
    let st: serde_json::Value = serde_json::from_str(&ok(
        &bob,
        &compliance_id,
        &["signoff", "status", "1", "--json"],
    ))
    .expect("json");
    assert_eq!(st["status"], "approved", "{st}");
    let log: serde_json::Value =
        serde_json::from_str(&ok(&bob, &compliance_id, &["audit", "log", "--json"])).expect("json");
    let actors = |action: &str| -> Vec<String> {
        log["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["action"] == action)
            .map(|e| e["actor"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        actors("add_member"),
        [owner.clone(), owner.clone(), ann.clone(), ann.clone()],
        "members added to the team by its owner, to the board by ann"
    );
    assert_eq!(
        actors("import_signature"),
        [bob.clone(), bob.clone()],
        "the signatures imported by bob"
    );
    on_team(&ws, &as_member(&bob))
        .args(["audit", "verify"])
        .assert()
        .success();
}
