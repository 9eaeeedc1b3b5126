//! `steward audit`: the log and its verification, after tampering behind Steward's back.

use predicates::str::contains;

use crate::support::Ws;

#[test]
fn verify_names_the_first_bad_entry() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains("audit chain intact: 357 entries"));
    let log = ws.json(&["audit", "log", "--limit", "3"]);
    assert_eq!(log.as_array().map(Vec::len), Some(3), "--limit limits");
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
