//! `steward audit`: the log and its verification, after tampering behind Steward's back.

use predicates::str::contains;
use steward_core::audit::{canonical_json, next_entry, AuditEntry};

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
        v["chain"]["first_bad"]["kind"], "edited",
        "the kind is machine-readable"
    );
}

#[test]
fn verify_names_each_record_changed_behind_stewards_back() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .success()
        .stdout(contains("records are as the log says they became"));
    let db = ws.data().join("steward.db");
    steward_sql(&db)
        .execute_batch(
            "UPDATE systems SET risk_tier = 'low' WHERE name = 'Card Fraud Detector';
             DELETE FROM kpi_links WHERE id = (SELECT min(id) FROM kpi_links);",
        )
        .expect("tamper");
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(contains("audit chain intact"))
        .stdout(contains("records are NOT as the log says they became"))
        .stdout(contains("AI system: Card Fraud Detector ["))
        .stdout(contains("risk_tier: logged \"high\", stored \"low\""))
        .stdout(contains("KPI link: "))
        .stdout(contains("deleted behind Steward's back"));
    let out = ws
        .cmd()
        .args(["audit", "verify", "--json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "exit 1 with --json too");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &v["state"]["findings"];
    assert_eq!(f[0]["entity"], "system", "the first finding's kind: {v}");
    assert_eq!(f[0]["name"], "Card Fraud Detector", "its name");
    assert_eq!(f[0]["problem"], "changed", "what was found");
    assert_eq!(
        (
            &f[0]["fields"][0]["field"],
            &f[0]["fields"][0]["logged"],
            &f[0]["fields"][0]["stored"]
        ),
        (&"risk_tier".into(), &"\"high\"".into(), &"\"low\"".into()),
        "the field with both values"
    );
    assert_eq!(f[1]["entity"], "kpi_link", "the deleted link");
    assert_eq!(f[1]["problem"], "missing", "named as deleted");
    assert_eq!(v["intact"], false, "the whole verification fails");
}

const PASS: &str = "correct horse battery";

/// `ws` with a signing identity for Ann Lee; commands that sign find it and its passphrase.
fn signing(ws: &Ws) -> assert_cmd::Command {
    let mut c = ws.cmd();
    c.env("STEWARD_IDENTITY_DIR", ws.dir.path().join("id"))
        .env("STEWARD_PASSPHRASE", PASS);
    c
}

/// Every entry of the log, as `audit log --json` gives them.
fn entries(ws: &Ws) -> Vec<AuditEntry> {
    let v = ws.json(&["audit", "log"]);
    v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().map(str::to_string);
            AuditEntry {
                seq: e["seq"].as_i64().expect("seq"),
                at: text("at").expect("at"),
                actor: text("actor").expect("actor"),
                entity: text("entity").expect("entity"),
                entity_id: text("entity_id").expect("entity_id"),
                action: text("action").expect("action"),
                before: text("before"),
                after: text("after"),
                prev_hash: text("prev_hash").expect("prev_hash"),
                hash: text("hash").expect("hash"),
            }
        })
        .collect()
}

/// The log replaced with `entries` hashed again from the first, as a forger with sqlite3 and
/// the chain's published rules would: the chain holds.
fn rewrite(ws: &Ws, entries: &[AuditEntry]) {
    let mut chain: Vec<AuditEntry> = Vec::new();
    for e in entries {
        let prev = chain.last().map(|p| (p.seq, p.hash.clone()));
        chain.push(next_entry(
            prev,
            e.at.clone(),
            e.actor.clone(),
            &e.entity,
            e.entity_id.clone(),
            &e.action,
            e.before.clone(),
            e.after.clone(),
        ));
    }
    let rows: Vec<serde_json::Value> = chain
        .iter()
        .map(|e| serde_json::to_value(e).expect("json"))
        .collect();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM audit_log'); \
             [c.execute('INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)', \
               (e['seq'], e['at'], e['actor'], e['entity'], e['entity_id'], e['action'], e['before'], e['after'], e['prev_hash'], e['hash'])) for e in json.load(open(sys.argv[2]))]; c.commit()",
        ])
        .arg(ws.data().join("steward.db"))
        .arg(ws.file(
            "forged-log.json",
            serde_json::Value::Array(rows).to_string().as_bytes(),
        ))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A forged entry: the first system's purpose changed, as if a person had.
fn forged(from: &AuditEntry) -> AuditEntry {
    let mut after: serde_json::Value =
        serde_json::from_str(from.after.as_deref().expect("a record")).expect("json");
    after["purpose"] = "Forged purpose".into();
    AuditEntry {
        action: "update".into(),
        before: from.after.clone(),
        after: Some(canonical_json(&after)),
        ..from.clone()
    }
}

#[test]
fn seals_catch_a_forged_history_and_say_what_is_unsealed() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    signing(&ws)
        .args([
            "identity",
            "init",
            "--name",
            "Ann Lee",
            "--role",
            "Risk officer",
            "--org",
            "Acme",
        ])
        .assert()
        .success();
    let n = entries(&ws).len();
    signing(&ws)
        .args(["audit", "seal"])
        .assert()
        .success()
        .stdout(contains(format!("sealed the audit log at entry {}", n + 1)))
        .stdout(contains("as Ann Lee"));
    let v = ws.json(&["audit", "verify"]);
    let seal = v["seals"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["signer"] == "Ann Lee"))
        .expect("Ann's seal is listed");
    assert_eq!(seal["seq"], n + 1, "at the entry it made: {seal}");
    assert_eq!(seal["valid"], true, "it holds");
    assert_eq!(
        seal["fingerprint"].as_str().map(str::len),
        Some(64),
        "its certificate"
    );
    assert_eq!(v["unsealed"], 0, "nothing after it");

    // A forged entry appended with a correct hash, after the seal: unsealed, not failing.
    let mut log = entries(&ws);
    let first = log
        .iter()
        .find(|e| e.entity == "system" && e.action == "create")
        .cloned()
        .expect("a system was created");
    log.push(forged(&first));
    rewrite(&ws, &log);
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .stdout(contains(format!("seal of entry {} by Ann Lee", n + 1)))
        .stdout(contains("valid"))
        .stdout(contains("unsealed: 1 entries after the last valid seal"));

    // The same entry forged before the seal, the chain hashed again: the seal fails.
    let mut log = entries(&ws);
    let forged_entry = log.pop().expect("the forged entry");
    log.insert(3, forged_entry);
    rewrite(&ws, &log);
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(contains("audit chain intact"))
        .stdout(contains(format!("seal of entry {} by Ann Lee", n + 1)))
        .stdout(contains("FAILING"))
        .stdout(contains("the history up to it was rewritten"));
    let out = ws
        .cmd()
        .args(["audit", "verify", "--json"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let failing: Vec<&serde_json::Value> = v["seals"]
        .as_array()
        .expect("seals")
        .iter()
        .filter(|s| s["valid"] == false)
        .collect();
    assert!(
        !failing.is_empty(),
        "the seal is machine-readable as failing: {v}"
    );
    // And no new seal vouches for the rewritten history.
    signing(&ws)
        .args(["audit", "seal"])
        .assert()
        .code(1)
        .stderr(contains("a new seal must not vouch for a history"));
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
