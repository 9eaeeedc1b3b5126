//! `steward` on an encrypted workspace: the passphrase from STEWARD_WORKSPACE_PASSPHRASE or
//! --passphrase-file (never an argument), `encrypt` and `decrypt`, encrypted backups, and a
//! conversion killed midway.

use std::time::Instant;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use crate::support::Ws;

const PASS: &str = "correct horse battery staple";
const ENV: &str = "STEWARD_WORKSPACE_PASSPHRASE";
/// A system of the sample portfolio: readable in a plain workspace's file.
const SAMPLE: &str = "AML Transaction Monitoring";

/// The files of `dir` (not its folders) in which `text` can be read.
fn readable_in(dir: &std::path::Path, text: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("lists")
        .flatten()
        .filter(|e| e.path().is_file())
        .filter(|e| {
            let bytes = std::fs::read(e.path()).expect("reads");
            bytes.windows(text.len()).any(|w| w == text.as_bytes())
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// `steward info --json` on `ws` with `passphrase` in the environment, parsed, or None if it
/// failed.
fn info(ws: &Ws, passphrase: Option<&str>) -> Option<serde_json::Value> {
    let mut cmd = ws.cmd();
    if let Some(p) = passphrase {
        cmd.env(ENV, p);
    }
    let out = cmd.args(["info", "--json"]).output().expect("runs");
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).expect("json"))
}

#[test]
fn an_encrypted_workspace_is_created_and_opened_with_its_passphrase_only() {
    let ws = Ws::new();
    ws.cmd().env(ENV, PASS).arg("demo").assert().success();
    assert_eq!(readable_in(&ws.data(), SAMPLE), Vec::<String>::new());
    let shown = info(&ws, Some(PASS)).expect("opens with the passphrase");
    assert_eq!(shown["encrypted"], true);
    assert_eq!(shown["systems"], 36);

    ws.cmd()
        .arg("info")
        .assert()
        .failure()
        .code(1)
        .stderr(contains(
            "the workspace is encrypted; it opens with its passphrase only",
        ))
        .stderr(contains(
            "hint: give the workspace's passphrase in STEWARD_WORKSPACE_PASSPHRASE",
        ))
        .stderr(contains("not a database").not());
    let out = ws.cmd().args(["info", "--json"]).output().expect("runs");
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(err["error"]["code"], "locked", "scripts can tell: {err}");

    let wrong = ws.file("wrong.txt", b"correct horse\n");
    ws.cmd()
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("info")
        .assert()
        .failure()
        .stderr(contains(
            "the workspace is encrypted; the passphrase does not open it",
        ));
    // The file's first line, without its line ending, is the passphrase.
    let right = ws.file("right.txt", format!("{PASS}\r\nnot this line\n").as_bytes());
    ws.cmd()
        .arg("--passphrase-file")
        .arg(&right)
        .arg("info")
        .assert()
        .success()
        .stdout(contains("(encrypted)"));
    let empty = ws.file("empty.txt", b"\n");
    ws.cmd()
        .arg("--passphrase-file")
        .arg(&empty)
        .arg("info")
        .assert()
        .failure()
        .stderr(contains("empty.txt is empty"));
}

#[test]
fn encrypt_and_decrypt_convert_the_workspace_both_ways() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    assert_eq!(readable_in(&ws.data(), SAMPLE), ["steward.db"]);
    let before = info(&ws, None).expect("plain");

    // No passphrase and no terminal to ask on: refused, nothing changed.
    ws.cmd()
        .arg("encrypt")
        .assert()
        .failure()
        .stderr(contains("no terminal to ask for the new passphrase"));
    assert_eq!(info(&ws, None).expect("still plain")["encrypted"], false);

    ws.cmd()
        .env(ENV, PASS)
        .arg("encrypt")
        .assert()
        .success()
        .stdout(contains("encrypted").and(contains("36 systems")));
    assert_eq!(readable_in(&ws.data(), SAMPLE), Vec::<String>::new());
    assert!(info(&ws, None).is_none(), "no longer opens without it");
    let after = info(&ws, Some(PASS)).expect("opens with it");
    assert_eq!(after["encrypted"], true);
    assert_eq!(after["systems"], before["systems"]);
    assert_eq!(
        after["audit_entries"].as_u64(),
        before["audit_entries"].as_u64().map(|n| n + 1),
        "the conversion is in the log"
    );
    ws.cmd()
        .env(ENV, PASS)
        .arg("encrypt")
        .assert()
        .failure()
        .stderr(contains("already encrypted"));

    ws.cmd()
        .arg("decrypt")
        .assert()
        .failure()
        .stderr(contains("the workspace is encrypted"));
    ws.cmd()
        .env(ENV, PASS)
        .arg("decrypt")
        .assert()
        .success()
        .stdout(contains("decrypted"));
    assert_eq!(info(&ws, None).expect("plain again")["encrypted"], false);
    ws.cmd()
        .args(["audit", "log", "--entity", "workspace_encryption"])
        .assert()
        .success()
        .stdout(contains("encrypt").and(contains("decrypt")));
    ws.cmd().args(["audit", "verify"]).assert().success();

    // A workspace that does not exist yet is created encrypted.
    let fresh = ws.dir.path().join("fresh");
    ws.cmd_in(&fresh)
        .env(ENV, PASS)
        .arg("encrypt")
        .assert()
        .success();
    ws.cmd_in(&fresh)
        .arg("info")
        .assert()
        .failure()
        .stderr(contains("the workspace is encrypted"));
}

#[test]
fn an_encrypted_backup_stays_encrypted_and_restores_with_the_passphrase() {
    let ws = Ws::new();
    ws.cmd().env(ENV, PASS).arg("demo").assert().success();
    let backup = ws.dir.path().join("monday.db");
    ws.cmd()
        .env(ENV, PASS)
        .arg("backup")
        .arg("-o")
        .arg(&backup)
        .assert()
        .success()
        .stdout(contains("encrypted with the workspace's passphrase"));
    assert_eq!(readable_in(ws.dir.path(), SAMPLE), Vec::<String>::new());

    let restored = ws.dir.path().join("restored");
    ws.cmd_in(&restored)
        .arg("restore")
        .arg(&backup)
        .assert()
        .failure()
        .stderr(contains("monday.db: the workspace is encrypted"));
    ws.cmd_in(&restored)
        .env(ENV, PASS)
        .arg("restore")
        .arg(&backup)
        .assert()
        .success()
        .stdout(contains("restored").and(contains("encrypted")));
    ws.cmd_in(&restored)
        .env(ENV, PASS)
        .args(["systems", "list"])
        .assert()
        .success()
        .stdout(contains(SAMPLE));
}

/// Kills `steward encrypt` (or `decrypt`, whichever applies) at points spread over one whole
/// conversion and beyond; after each, the workspace opens as it was or as converted, whole.
#[test]
fn a_killed_conversion_leaves_the_workspace_whole() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let systems = info(&ws, None).expect("plain")["systems"].clone();
    let started = Instant::now();
    ws.cmd().env(ENV, PASS).arg("encrypt").assert().success();
    let whole = started.elapsed();
    ws.cmd().env(ENV, PASS).arg("decrypt").assert().success();
    let mut encrypted = false;
    let (mut unchanged, mut converted) = (0, 0);
    for step in 0..12u32 {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("steward"));
        cmd.env_remove("STEWARD_DATA_DIR")
            .env("STEWARD_ACTOR", "tester")
            .env(ENV, PASS)
            .arg("--data-dir")
            .arg(ws.data())
            .arg(if encrypted { "decrypt" } else { "encrypt" })
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("starts");
        std::thread::sleep(whole * step / 10);
        let _ = child.kill();
        let _ = child.wait();
        let now = match (info(&ws, None), info(&ws, Some(PASS))) {
            (Some(i), _) | (None, Some(i)) => i,
            (None, None) => panic!("after a kill at step {step} the workspace does not open"),
        };
        assert_eq!(
            now["systems"], systems,
            "step {step}: every system is there"
        );
        let now_encrypted = now["encrypted"] == true;
        if now_encrypted == encrypted {
            unchanged += 1;
        } else {
            converted += 1;
        }
        encrypted = now_encrypted;
        let mut verify = ws.cmd();
        if encrypted {
            verify.env(ENV, PASS);
        }
        verify.args(["audit", "verify"]).assert().success();
    }
    eprintln!("of 12 kills, {unchanged} left the workspace as it was, {converted} converted");
    // The next conversion removes what the killed ones left beside the workspace.
    ws.cmd()
        .env(ENV, PASS)
        .arg(if encrypted { "decrypt" } else { "encrypt" })
        .assert()
        .success();
    let left: Vec<String> = std::fs::read_dir(ws.data())
        .expect("lists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("steward-partial"))
        .collect();
    assert!(left.is_empty(), "partial copies removed: {left:?}");
}
