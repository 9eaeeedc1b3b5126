//! `steward backup` and `steward restore`: a checked copy, restored into an empty place only.

use predicates::str::contains;

use crate::support::Ws;

fn sql(db: &std::path::Path, script: &str) {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()",
        ])
        .arg(db)
        .arg(script)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_backup_restores_to_the_same_workspace_and_a_bad_one_is_refused() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let info = ws.json(&["info"]);
    let backup = ws.dir.path().join("backups/monday.db");
    std::fs::create_dir_all(backup.parent().expect("dir")).expect("dir");
    let b = ws.json(&["backup", "-o", backup.to_str().expect("utf8")]);
    assert_eq!(b["systems"], info["systems"]);
    assert_eq!(b["audit_chain"]["head"], info["audit_head"]);
    assert!(b["bytes"].as_u64().expect("bytes") > 0);

    // Restored into an empty place, it is the same workspace.
    let restored = ws.dir.path().join("restored");
    ws.cmd_in(&restored)
        .args(["restore"])
        .arg(&backup)
        .assert()
        .success()
        .stdout(contains("restored"))
        .stdout(contains("audit chain intact"));
    let again = ws
        .cmd_in(&restored)
        .args(["info", "--json"])
        .output()
        .expect("runs");
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(again["systems"], info["systems"]);
    assert_eq!(again["audit_head"], info["audit_head"]);

    // Never over a workspace: the one there stays as it was.
    let before = std::fs::read(ws.data().join("steward.db")).expect("reads");
    ws.cmd()
        .args(["restore"])
        .arg(&backup)
        .assert()
        .failure()
        .stderr(contains("already holds a workspace"));
    assert_eq!(
        std::fs::read(ws.data().join("steward.db")).expect("reads"),
        before
    );

    // A backup whose log was edited behind Steward's back is refused, and leaves nothing.
    let forged = ws.dir.path().join("forged.db");
    std::fs::copy(&backup, &forged).expect("copies");
    sql(
        &forged,
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
    );
    let empty = ws.dir.path().join("empty");
    ws.cmd_in(&empty)
        .args(["restore"])
        .arg(&forged)
        .assert()
        .failure()
        .stderr(contains("broken at entry 3"));
    let left: Vec<_> = std::fs::read_dir(&empty)
        .expect("lists")
        .flatten()
        .collect();
    assert!(left.is_empty(), "nothing restored: {left:?}");

    // A file that is not a workspace is refused, naming it.
    let text = ws.file("notes.db", b"not a database at all, just notes");
    ws.cmd_in(&ws.dir.path().join("other"))
        .args(["restore"])
        .arg(&text)
        .assert()
        .failure()
        .stderr(contains("not a Steward workspace"));
}

#[test]
fn a_backup_is_consistent_while_another_writer_is_midway() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let systems = ws.json(&["info"])["systems"].clone();
    // Another process has begun a change and not committed it when the backup is taken.
    let db = ws.data().join("steward.db");
    let backup = ws.dir.path().join("midway.db");
    let script = "import sqlite3,subprocess,sys\n\
         c=sqlite3.connect(sys.argv[1], isolation_level=None)\n\
         c.execute('BEGIN IMMEDIATE')\n\
         c.execute(\"UPDATE systems SET name = name || ' (half-done)'\")\n\
         r=subprocess.run(sys.argv[2:], capture_output=True, text=True)\n\
         c.execute('ROLLBACK')\n\
         print(r.returncode); print(r.stderr)";
    let steward = assert_cmd::cargo::cargo_bin("steward");
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&db)
        .arg(&steward)
        .arg("--data-dir")
        .arg(ws.data())
        .args(["backup", "-o"])
        .arg(&backup)
        .env("STEWARD_ACTOR", "tester")
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with('0'),
        "the backup is not blocked by the writer: {said}"
    );
    let restored = ws.dir.path().join("restored");
    ws.cmd_in(&restored)
        .arg("restore")
        .arg(&backup)
        .assert()
        .success();
    let names = ws
        .cmd_in(&restored)
        .args(["systems", "list", "--json"])
        .output()
        .expect("runs");
    let names = String::from_utf8_lossy(&names.stdout);
    assert!(
        !names.contains("half-done"),
        "the uncommitted change is not in the copy"
    );
    let info = ws
        .cmd_in(&restored)
        .args(["info", "--json"])
        .output()
        .expect("runs");
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).expect("json");
    assert_eq!(info["systems"], systems);
}
