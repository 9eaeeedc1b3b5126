//! `steward review export`: the board pack of a frozen review as a PDF signed with the
//! identity or a .p12 (checked by pdfsig), as a workbook, and refused for a draft.

use std::path::Path;
use std::process::Command as Proc;

use predicates::str::contains;

use crate::support::Ws;

const PASS: &str = "correct horse battery";

/// The demo portfolio (its two quarters before today's reviewed and frozen, today's a draft)
/// with a signing identity; returns the workspace, a frozen review's period and the draft's.
fn reviewed() -> (Ws, String, String) {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let list = ws.json(&["review", "list"]);
    let period = |state: &str| {
        list.as_array()
            .expect("reviews")
            .iter()
            .rev()
            .find(|r| r["state"] == state)
            .and_then(|r| r["period"].as_str())
            .unwrap_or_else(|| panic!("the sample has a {state} review: {list}"))
            .to_string()
    };
    let (frozen, draft) = (period("decided"), period("draft"));
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(ws.dir.path().join("id"))
        .args(["identity", "init", "--name", "Sam Secretary"])
        .args(["--role", "Board secretary", "--org", "Acme Bank"])
        .assert()
        .success();
    (ws, frozen, draft)
}

fn signing(ws: &Ws) -> assert_cmd::Command {
    let mut c = ws.cmd();
    c.env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(ws.dir.path().join("id"));
    c
}

fn pdfsig(pdf: &Path) -> String {
    let out = Proc::new("pdfsig")
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("pdfsig must be installed (poppler-utils): {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn export_writes_a_signed_board_pack_and_its_workbook() {
    let (ws, frozen, _) = reviewed();
    let pdf = ws.dir.path().join("pack.pdf");
    signing(&ws)
        .args(["review", "export", &frozen, "--sign", "-o"])
        .arg(&pdf)
        .assert()
        .success()
        .stdout(contains("signed"));
    let said = pdfsig(&pdf);
    assert!(
        said.contains("Signature is Valid.") && said.contains("Sam Secretary"),
        "pdfsig accepts the pack signed with the identity: {said}"
    );

    let xlsx = ws.dir.path().join("pack.xlsx");
    let v = ws.json(&[
        "review",
        "export",
        &frozen,
        "-o",
        xlsx.to_str().expect("utf-8"),
    ]);
    assert_eq!(v["signed"], false);
    let bytes = std::fs::read(&xlsx).expect("the workbook is written");
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");
    assert_eq!(v["bytes"].as_u64(), Some(bytes.len() as u64));

    signing(&ws)
        .args(["review", "export", &frozen, "--sign", "-o"])
        .arg(ws.dir.path().join("signed.xlsx"))
        .assert()
        .failure()
        .stderr(contains("only a PDF board pack carries a signature"));
}

#[test]
fn export_signs_with_a_p12() {
    let (ws, frozen, _) = reviewed();
    let dir = ws.dir.path();
    let openssl = |args: &[&str]| {
        let out = Proc::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("openssl must be installed: {e}"));
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "org.key",
        "-out",
        "org.crt",
        "-days",
        "30",
        "-subj",
        "/CN=Rita Secretary/O=Acme Bank/OU=Board office",
    ]);
    openssl(&[
        "pkcs12",
        "-export",
        "-inkey",
        "org.key",
        "-in",
        "org.crt",
        "-out",
        "org.p12",
        "-passout",
        &format!("pass:{PASS}"),
    ]);
    let pdf = dir.join("pack.pdf");
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .args(["review", "export", &frozen, "--sign", "--p12"])
        .arg(dir.join("org.p12"))
        .arg("-o")
        .arg(&pdf)
        .assert()
        .success();
    let said = pdfsig(&pdf);
    assert!(
        said.contains("Signature is Valid.") && said.contains("Rita Secretary"),
        "pdfsig accepts the pack signed with the .p12: {said}"
    );
}

#[test]
fn export_refuses_a_draft_and_an_unknown_format() {
    let (ws, frozen, draft) = reviewed();
    let out = ws.dir.path().join("draft.pdf");
    ws.cmd()
        .args(["review", "export", &draft, "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(contains("is a draft: freeze it first"))
        .stderr(contains(format!("steward review freeze {draft}")));
    assert!(!out.exists(), "nothing is written for a draft");
    ws.cmd()
        .args(["review", "export", &frozen, "-o"])
        .arg(ws.dir.path().join("pack"))
        .assert()
        .failure()
        .stderr(contains("give --format pdf or xlsx"));
    ws.cmd()
        .args(["review", "export", &frozen, "-o"])
        .arg(ws.dir.path().join("pack.docx"))
        .assert()
        .failure()
        .stderr(contains("expected pdf or xlsx"));
}
