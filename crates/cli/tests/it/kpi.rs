//! `steward kpi` and `steward escalations`: KPIs, links, measurements, import, status and
//! escalations from the command line, good and bad input.

use predicates::str::contains;

use crate::support::Ws;

/// A workspace with system "Churn" holding AUC (model metric) and Retention (business outcome).
fn churn() -> Ws {
    let ws = Ws::new();
    ws.json(&[
        "systems",
        "add",
        "--name",
        "Churn",
        "--unit",
        "Marketing",
        "--owner",
        "Liam",
    ]);
    for (name, kind) in [("AUC", "model_metric"), ("Retention", "business_outcome")] {
        ws.json(&[
            "kpi",
            "add",
            "--system",
            "Churn",
            "--name",
            name,
            "--kind",
            kind,
            "--unit",
            "points",
            "--direction",
            "higher",
            "--target",
            "80",
            "--warning",
            "76",
            "--breach",
            "72",
        ]);
    }
    ws
}

#[test]
fn add_link_measure_status_and_escalations() {
    let ws = churn();
    let link = ws.json(&[
        "kpi",
        "link",
        "--system",
        "Churn",
        "--from",
        "AUC",
        "--to",
        "Retention",
        "--effect",
        "0.3",
        "--note",
        "test",
    ]);
    assert_eq!(link["effect_per_unit"], 0.3);
    ws.cmd()
        .args([
            "kpi",
            "link",
            "--system",
            "Churn",
            "--from",
            "Retention",
            "--to",
            "Retention",
            "--effect",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(contains("would close a cycle"));
    for (period, value) in [("2026-01", "70"), ("2026-02", "71.5")] {
        ws.cmd()
            .args(["kpi", "measure", "Churn", "AUC", period, value])
            .assert()
            .success();
    }
    let status = ws.json(&["kpi", "status"]);
    let auc = status
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["kpi"] == "AUC")
        .expect("AUC")
        .clone();
    assert_eq!(auc["latest_period"], "2026-02");
    assert_eq!(auc["latest_value"], 71.5);
    assert_eq!(auc["status"], "breach");
    assert_eq!(auc["consecutive_breaches"], 2);
    let list = ws.json(&["escalations", "list"]);
    let e = &list[0];
    assert_eq!(
        (e["system"].as_str(), e["kpi"].as_str(), e["level"].as_u64()),
        (Some("Churn"), Some("AUC"), Some(1))
    );
    assert_eq!(
        (
            e["opened_period"].as_str(),
            e["due_date"].as_str(),
            e["state"].as_str()
        ),
        (Some("2026-02"), Some("2026-03-14"), Some("open"))
    );
    let id = e["id"].to_string();
    ws.cmd()
        .args(["escalations", "resolve", &id])
        .assert()
        .code(2)
        .stderr(contains("--note"));
    ws.json(&["escalations", "ack", &id, "--note", "on it"]);
    let done = ws.json(&["escalations", "resolve", &id, "--note", "retrained"]);
    assert_eq!(done["state"], "resolved");
    assert_eq!(done["resolved_by"], "tester", "the actor is recorded");
    assert!(ws
        .json(&["escalations", "list", "--state", "open"])
        .as_array()
        .expect("list")
        .is_empty());
    ws.cmd()
        .args(["kpi", "show", "Churn", "AUC"])
        .assert()
        .success()
        .stdout(contains("2026-02"))
        .stdout(contains("Breach"));
}

#[test]
fn bad_input_is_named_and_writes_nothing() {
    let ws = churn();
    ws.cmd()
        .args([
            "kpi", "add", "--system", "Churn", "--name", "Latency", "--kind", "operational", "--unit", "ms",
            "--direction", "lower", "--target", "100", "--warning", "90", "--breach", "200",
        ])
        .assert()
        .code(1)
        .stderr(contains("warning: when lower is better the warning threshold (90) must be at or above the target (100)"));
    ws.cmd()
        .args([
            "kpi",
            "add",
            "--system",
            "Churn",
            "--name",
            "X",
            "--kind",
            "vibes",
            "--unit",
            "u",
            "--direction",
            "up",
            "--target",
            "1",
            "--warning",
            "1",
            "--breach",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "expected one of: model_metric, business_outcome, operational",
        ));
    ws.cmd()
        .args(["kpi", "measure", "Churn", "AUC", "2026-Q1", "70"])
        .assert()
        .code(1)
        .stderr(contains("is a quarter but this KPI is measured monthly"));
    ws.cmd()
        .args(["kpi", "measure", "Churn", "Precision", "2026-01", "70"])
        .assert()
        .code(1)
        .stderr(contains("Churn's KPIs are: AUC, Retention"));
    let file = ws.file(
        "bad.csv",
        b"System,KPI,Period,Value\nChurn,AUC,2026-01,70\nChurn,AUC,2026-02,n/a\n",
    );
    ws.cmd()
        .args(["kpi", "import"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(contains(
            "row 3, column D (Value), value \"n/a\": is not a number",
        ));
    let status = ws.json(&["kpi", "status"]);
    assert!(
        status
            .as_array()
            .expect("list")
            .iter()
            .all(|s| s["measurements"] == 0),
        "nothing was written"
    );
}

#[test]
fn import_dry_run_then_import_then_reimport_updates() {
    let ws = churn();
    let file = ws.file(
        "m.csv",
        b"System,KPI,Period,Value,Source\nChurn,AUC,2026-01,70,mlflow\nChurn,AUC,2026-02,71,mlflow\nChurn,Retention,2026-02,90,dwh\n",
    );
    ws.cmd()
        .args(["kpi", "import", "--dry-run"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains(
            "dry run: 3 added, 0 updated, 0 unchanged; nothing was written",
        ));
    assert_eq!(
        ws.json(&["escalations", "list"])
            .as_array()
            .expect("list")
            .len(),
        0,
        "a dry run writes nothing"
    );
    let plan: serde_json::Value = {
        let out = ws
            .cmd()
            .args(["kpi", "import", "--json"])
            .arg(&file)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    assert_eq!(plan["added"], 3);
    assert_eq!(
        ws.json(&["escalations", "list"])
            .as_array()
            .expect("list")
            .len(),
        1,
        "the import opened one"
    );
    let file = ws.file(
        "m.csv",
        b"System,KPI,Period,Value,Source\nChurn,AUC,2026-02,79,mlflow\n",
    );
    ws.cmd()
        .args(["kpi", "import"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("replaced Churn / AUC 2026-02: 71 -> 79"))
        .stdout(contains("imported: 0 added, 1 updated"));
    let out = ws.dir.path().join("kpis.xlsx");
    ws.cmd()
        .args(["kpi", "export", "--format", "xlsx", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("wrote 3 measurements"));
    assert!(out.is_file());
}

#[test]
fn a_partial_escalation_rule_is_refused_not_ignored() {
    let ws = Ws::new();
    ws.cmd()
        .args(["kpi", "rule", "--level2", "5"])
        .assert()
        .code(2)
        .stderr(contains("--level1"));
}
