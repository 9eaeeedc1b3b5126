//! `steward tco` over scenarios kept in the workspace: import (and its errors), list, show,
//! export round trips, delete, the signed report and the audit pack that carries it.

use predicates::str::contains;

use crate::support::{repo_root, Ws};

const PASS: &str = "correct horse battery";

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/tco")
        .join(name)
        .display()
        .to_string()
}

/// `steward ...` with a signing identity for "Ann Lee" (made on first use).
fn signing(ws: &Ws) -> assert_cmd::Command {
    let id = ws.dir.path().join("id");
    if !id.exists() {
        ws.cmd()
            .env("STEWARD_IDENTITY_DIR", &id)
            .env("STEWARD_PASSPHRASE", PASS)
            .args([
                "identity",
                "init",
                "--name",
                "Ann Lee",
                "--role",
                "Portfolio manager",
                "--org",
                "Acme Bank",
            ])
            .assert()
            .success();
    }
    let mut c = ws.cmd();
    c.env("STEWARD_IDENTITY_DIR", &id)
        .env("STEWARD_PASSPHRASE", PASS);
    c
}

#[test]
fn stored_scenarios_import_list_show_export_and_delete() {
    let ws = Ws::new();
    ws.cmd()
        .args([
            "systems",
            "add",
            "--name",
            "Churn",
            "--unit",
            "Marketing",
            "--owner",
            "Liam",
        ])
        .assert()
        .success();
    let st = ws.json(&[
        "tco",
        "import",
        &fixture("batch-scoring.toml"),
        "--system",
        "churn",
    ]);
    assert_eq!(st["scenario"]["name"], "Batch scoring fleet");
    assert_eq!(
        st["scenario"]["systems"],
        serde_json::json!(["Churn"]),
        "--system replaces the file's ties, under the register's name"
    );

    let list = ws.json(&["tco", "list"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["cheapest"], "Cloud reserved 3 years");
    ws.cmd()
        .args(["tco", "list"])
        .assert()
        .success()
        .stdout(contains("Batch scoring fleet"))
        .stdout(contains("Churn"));

    let shown = ws.json(&["tco", "show", "batch scoring fleet"]);
    let from_file = ws.json(&["tco", "run", &fixture("batch-scoring.toml")]);
    assert_eq!(
        shown["result"], from_file,
        "a stored scenario computes to the same figures as its file"
    );

    // Round trip: export the stored scenario as TOML, run the export like any file.
    let out = ws.dir.path().join("exported.toml");
    ws.cmd()
        .args(["tco", "export", "Batch scoring fleet", "-o"])
        .arg(&out)
        .assert()
        .success();
    let again = ws.json(&["tco", "run", out.to_str().expect("utf8")]);
    assert_eq!(again, from_file, "the exported file gives the same results");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(
        text.contains("systems = [\"Churn\"]"),
        "the export names the tied system: {text}"
    );

    let xlsx = ws.dir.path().join("exported.xlsx");
    ws.cmd()
        .args(["tco", "export", "1", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    let bytes = std::fs::read(&xlsx).expect("read");
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");

    ws.cmd()
        .args(["tco", "export", "1", "-o"])
        .arg(ws.dir.path().join("x.docx"))
        .assert()
        .code(1)
        .stderr(contains("cannot tell the format"));
    ws.cmd()
        .args(["tco", "export", "No such scenario", "-o"])
        .arg(ws.dir.path().join("x.toml"))
        .assert()
        .code(1)
        .stderr(contains("not a scenario file"))
        .stderr(contains("TCO scenario not found: No such scenario"));

    ws.cmd()
        .args(["tco", "delete", "batch scoring fleet"])
        .assert()
        .success()
        .stdout(contains("deleted scenario #1"));
    assert_eq!(ws.json(&["tco", "list"]), serde_json::json!([]));
    let log = ws.json(&["audit", "log", "--entity", "tco_scenario"]);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["create", "delete"], "both changes are audited");
}

#[test]
fn a_bad_import_names_the_key_and_writes_nothing() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let before = ws.json(&["audit", "verify"]);
    let text = std::fs::read_to_string(fixture("batch-scoring.toml"))
        .expect("fixture")
        .replacen(
            "name = \"Batch scoring fleet\"",
            "name = \"Other\"\nhorizon = 12",
            1,
        )
        .replace("coverage = 1 ", "coverage = 1.8 ");
    assert!(
        text.contains("coverage = 1.8"),
        "the fixture has the coverage edited"
    );
    let bad = ws.file("bad.toml", text.as_bytes());
    ws.cmd()
        .args(["tco", "import"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("import refused, nothing was written: 2 problems"))
        .stderr(contains("bad.toml: horizon: unknown key; expected one of"))
        .stderr(contains(
            "bad.toml: options[1].cloud_reserved.coverage: expected a share from 0 to 1",
        ));
    ws.cmd()
        .args(["tco", "import", &fixture("llm-service.toml")])
        .assert()
        .code(1)
        .stderr(contains(
            "systems[0]: no AI system named or numbered \"Customer support assistant\"",
        ));
    ws.cmd()
        .args([
            "tco",
            "import",
            &fixture("llm-service.toml"),
            "--system",
            "Customer Service Copilot",
        ])
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    assert_eq!(
        ws.json(&["audit", "verify"]),
        before,
        "refused imports leave the audit log as it was"
    );
    assert_eq!(
        ws.json(&["tco", "list"]).as_array().map(Vec::len),
        Some(2),
        "only the demo's scenarios"
    );
    let st = ws.json(&[
        "tco",
        "import",
        &fixture("llm-service.toml"),
        "--system",
        "Customer Service Copilot",
        "--replace",
    ]);
    assert_eq!(
        st["scenario"]["systems"],
        serde_json::json!(["Customer Service Copilot"]),
        "--replace updates the stored scenario of the same name"
    );
    let log = ws.json(&["audit", "log", "--entity", "tco_scenario"]);
    assert_eq!(
        log["entries"]
            .as_array()
            .and_then(|l| l.last())
            .map(|e| e["action"].clone()),
        Some(serde_json::json!("update")),
        "and the update is audited"
    );
}

#[test]
fn signed_reports_and_packs_carry_the_scenarios() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let pdf = ws.dir.path().join("llm.pdf");
    signing(&ws)
        .args(["tco", "export", "Support assistant LLM", "--sign", "-o"])
        .arg(&pdf)
        .assert()
        .success();
    signing(&ws)
        .arg("verify")
        .arg(&pdf)
        .assert()
        .success()
        .stdout(contains("Ann Lee"));
    let pdfsig = std::process::Command::new("pdfsig")
        .arg(&pdf)
        .output()
        .unwrap_or_else(|e| panic!("pdfsig must be installed (./x.sh test installs it): {e}"));
    let said = String::from_utf8_lossy(&pdfsig.stdout);
    assert!(
        said.contains("Signature is Valid."),
        "poppler accepts the TCO report's signature too: {said}"
    );
    signing(&ws)
        .args(["tco", "export", "Support assistant LLM", "--sign", "-o"])
        .arg(ws.dir.path().join("llm.xlsx"))
        .assert()
        .code(1)
        .stderr(contains("only the PDF report carries a signature"));

    let pack = ws.dir.path().join("pack.zip");
    let summary = {
        let out = signing(&ws)
            .args(["pack", "create", "--json", "-o"])
            .arg(&pack)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let files: Vec<&str> = summary["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    for f in [
        "reports/tco-support-assistant-llm.pdf",
        "reports/tco-support-assistant-llm.xlsx",
        "reports/tco-batch-scoring-fleet.pdf",
        "reports/tco-batch-scoring-fleet.xlsx",
    ] {
        assert!(files.contains(&f), "{f} is in the pack: {files:?}");
    }
    signing(&ws)
        .arg("verify")
        .arg(&pack)
        .assert()
        .success()
        .stdout(contains("reports/tco-batch-scoring-fleet.pdf"))
        .stdout(contains("every check holds"));
}

#[test]
fn a_scenario_file_exports_to_a_report_without_a_workspace() {
    let ws = Ws::new();
    let pdf = ws.dir.path().join("file.pdf");
    ws.cmd()
        .args(["tco", "export", &fixture("llm-service.toml"), "-o"])
        .arg(&pdf)
        .assert()
        .success();
    assert!(
        std::fs::read(&pdf).expect("read").starts_with(b"%PDF"),
        "a PDF report"
    );
    assert!(!ws.data().exists(), "a file's export touches no workspace");
}
