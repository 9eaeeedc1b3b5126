//! `steward audit`: the log and its verification, after tampering behind Steward's back.

use predicates::str::contains;

use crate::support::Ws;

#[test]
fn verify_names_the_first_bad_entry() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    // However many entries the sample writes, verify counts every one of them.
    let n = ws.json(&["audit", "log"])["entries"]
        .as_array()
        .map(Vec::len)
        .expect("a list");
    assert!(n >= 36, "at least one entry per sample system: {n}");
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains(format!("audit chain intact: {n} entries")));
    let log = ws.json(&["audit", "log", "--limit", "3"]);
    assert_eq!(
        log["entries"].as_array().map(Vec::len),
        Some(3),
        "--limit limits"
    );
    assert_eq!(log["total"], n, "the total counts every entry");
    let db = ws.data().join("steward.db");
    let conn = steward_sql(&db);
    conn.execute_batch("UPDATE audit_log SET actor = 'mallory' WHERE seq = 7")
        .expect("tamper");
    drop(conn);
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(contains("BROKEN at entry 7"))
        .stdout(contains("edited"));
    let v = {
        let out = ws
            .cmd()
            .args(["audit", "verify", "--json"])
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "a broken chain exits 1 with --json too"
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    assert_eq!(
        v["first_bad"]["kind"], "edited",
        "the kind is machine-readable"
    );
}

/// `steward audit log ARGS --json`: the sequence numbers shown and the total.
fn page(ws: &Ws, args: &[&str]) -> (Vec<i64>, i64) {
    let mut all = vec!["audit", "log"];
    all.extend_from_slice(args);
    let v = ws.json(&all);
    let seqs = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    (seqs, v["total"].as_i64().expect("total"))
}

#[test]
fn log_filters_by_record_person_action_and_date_and_pages() {
    let ws = Ws::new();
    for name in ["Alpha", "Beta"] {
        ws.json(&[
            "systems", "add", "--name", name, "--unit", "U", "--owner", "O",
        ]);
    }
    ws.cmd()
        .env("STEWARD_ACTOR", "Bob Ray")
        .args(["systems", "edit", "Alpha", "--owner", "Cy Doe"])
        .assert()
        .success();
    assert_eq!(page(&ws, &[]), (vec![1, 2, 3], 3), "the whole log");
    assert_eq!(
        page(&ws, &["--entity", "system", "--record", "alpha"]),
        (vec![1, 3], 2),
        "one record, by its name"
    );
    assert_eq!(
        page(&ws, &["--entity", "system", "--id", "2"]),
        (vec![2], 1),
        "one record, by its id"
    );
    assert_eq!(
        page(&ws, &["--person", "Bob Ray"]),
        (vec![3], 1),
        "one person"
    );
    assert_eq!(
        page(&ws, &["--action", "create"]),
        (vec![1, 2], 2),
        "one action"
    );
    assert_eq!(
        page(&ws, &["--from", "2000-01-01", "--to", "2999-12-31"]),
        (vec![1, 2, 3], 3),
        "a date range"
    );
    assert_eq!(
        page(&ws, &["--limit", "1", "--offset", "1"]),
        (vec![2], 3),
        "a page, with the whole selection counted"
    );
    let v = ws.json(&["audit", "log", "--limit", "1"]);
    assert_eq!(
        v["entries"][0]["name"], "Alpha",
        "the entry names its record"
    );
    ws.cmd()
        .args(["audit", "log", "--person", "Bob Ray", "--changes"])
        .assert()
        .success()
        .stdout(contains("AI system: Alpha"))
        .stdout(contains(r#"owner: "O" -> "Cy Doe""#))
        .stdout(contains("showing 1-1 of 1 entries"));
    ws.cmd()
        .args(["audit", "log", "--entity", "spaceship"])
        .assert()
        .code(1)
        .stderr(contains("entity"))
        .stderr(contains("system"));
    ws.cmd()
        .args(["audit", "log", "--from", "2026-05-02", "--to", "2026-05-01"])
        .assert()
        .code(1)
        .stderr(contains("from"));
    ws.cmd()
        .args(["audit", "log", "--to", "31/12/2026"])
        .assert()
        .code(1)
        .stderr(contains("to: \"31/12/2026\" is not a date"))
        .stderr(contains("YYYY-MM-DD"));
    ws.cmd()
        .args(["audit", "log", "--person", "Bob", "--action", "edit"])
        .assert()
        .code(1)
        .stderr(contains("person: no entry in the log was made by \"Bob\""))
        .stderr(contains("\"Bob Ray\""))
        .stderr(contains(
            "action: no entry in the log has the action \"edit\"",
        ))
        .stderr(contains("\"create\", \"update\""));
    ws.cmd()
        .args(["audit", "log", "--entity", "system", "--record", "Gamma"])
        .assert()
        .code(1)
        .stderr(contains(
            "record: no AI system in the log has the id or name \"Gamma\"",
        ))
        .stderr(contains("\"Alpha\", \"Beta\""));
}

/// Opens the workspace file with plain SQLite, as someone tampering with it would.
fn steward_sql(db: &std::path::Path) -> TamperConn {
    TamperConn {
        db: db.to_path_buf(),
    }
}

struct TamperConn {
    db: std::path::PathBuf,
}

impl TamperConn {
    fn execute_batch(&self, sql: &str) -> Result<(), String> {
        let out = std::process::Command::new("python3")
            .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()"])
            .arg(&self.db)
            .arg(sql)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}
