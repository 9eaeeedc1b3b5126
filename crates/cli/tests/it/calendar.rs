//! `steward calendar ...` and retirement through the checklist, end to end.

use predicates::str::contains;

use crate::support::Ws;

/// A workspace with one production system deployed on `deployed`, high risk.
fn with_system(deployed: &str) -> Ws {
    let ws = Ws::new();
    ws.cmd()
        .args([
            "systems",
            "add",
            "--name",
            "Fraud Scoring",
            "--business-unit",
            "Payments",
            "--owner",
            "Ann Owner",
            "--technical-lead",
            "Tom Lead",
            "--risk",
            "high",
        ])
        .assert()
        .success();
    for st in ["development", "validation", "staging", "production"] {
        ws.cmd()
            .args(["systems", "stage", "Fraud Scoring", st])
            .assert()
            .success();
    }
    ws.cmd()
        .args(["systems", "edit", "Fraud Scoring", "--deployed", deployed])
        .assert()
        .success();
    ws
}

#[test]
fn list_json_names_date_kind_system_rule_and_state() {
    let ws = with_system("2024-01-10");
    let v = ws.json(&[
        "calendar",
        "list",
        "--from",
        "2024-01-01",
        "--to",
        "2027-12-31",
    ]);
    let list = v.as_array().expect("a list");
    let review = list
        .iter()
        .find(|o| o["kind"] == "model_review")
        .expect("a model review");
    for key in ["date", "kind", "system", "rule", "state", "uid", "source"] {
        assert!(review.get(key).is_some(), "{key} in {review}");
    }
    assert_eq!(review["system"], "Fraud Scoring");
    assert_eq!(review["rule"], "model_review");
    assert_eq!(review["date"], "2024-07-10");
    assert_eq!(review["state"], "overdue");
    assert!(list.iter().any(|o| o["kind"] == "portfolio_review"));
    // Sorted by date.
    let dates: Vec<&str> = list
        .iter()
        .map(|o| o["date"].as_str().expect("date"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}

#[test]
fn overdue_then_done_moves_the_review() {
    let ws = with_system("2024-01-10");
    let v = ws.json(&["calendar", "overdue", "--kind", "model_review"]);
    let overdue = v.as_array().expect("list");
    assert_eq!(
        overdue.len(),
        1,
        "only the next one due of a rolling review: {v}"
    );
    let uid = overdue[0]["uid"].as_str().expect("uid").to_string();
    let done = ws.json(&[
        "calendar",
        "done",
        &uid,
        "--on",
        "2024-09-01",
        "--note",
        "report v2",
    ]);
    assert_eq!(done["state"], "done");
    assert_eq!(done["done_by"], "tester");
    let next = ws.json(&[
        "calendar",
        "list",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--kind",
        "model_review",
    ]);
    assert_eq!(
        next[0]["date"], "2025-03-01",
        "six months from the day it was done: {next}"
    );
    let log = ws.json(&["audit", "log", "--entity", "calendar"]);
    assert_eq!(log["entries"].as_array().expect("log").len(), 1);

    ws.cmd()
        .args(["calendar", "done", "no-such-event@x"])
        .assert()
        .code(1)
        .stderr(contains("calendar event not found"));
    ws.cmd()
        .args(["calendar", "done", &uid, "--on", "31/01/2025"])
        .assert()
        .code(2)
        .stderr(contains("use YYYY-MM-DD"));
}

#[test]
fn bad_queries_and_milestones_are_refused_naming_the_field() {
    let ws = with_system("2024-01-10");
    ws.cmd()
        .args([
            "calendar",
            "list",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
        ])
        .assert()
        .code(1)
        .stderr(contains("from"));
    ws.cmd()
        .args(["calendar", "list", "--kind", "birthday"])
        .assert()
        .code(2)
        .stderr(contains("model_review"));
    ws.cmd()
        .args(["calendar", "list", "--system", "Nope"])
        .assert()
        .code(1)
        .stderr(contains("not found"));
    ws.cmd()
        .args([
            "calendar",
            "milestones",
            "Fraud Scoring",
            "--set",
            "validation.planned=2023-06-01",
            "--set",
            "production.actual=2023-05-01",
        ])
        .assert()
        .code(1)
        .stderr(contains("production.actual"));
    ws.cmd()
        .args([
            "calendar",
            "milestones",
            "Fraud Scoring",
            "--set",
            "golive.planned=2023-06-01",
        ])
        .assert()
        .code(1)
        .stderr(contains("development, validation"));
    let ms = ws.json(&["calendar", "milestones", "Fraud Scoring"]);
    assert_eq!(ms.as_array().expect("list").len(), 0, "nothing saved: {ms}");
    ws.cmd()
        .args([
            "calendar",
            "milestones",
            "Fraud Scoring",
            "--set",
            "sunset.planned=2029-06-30",
        ])
        .assert()
        .success()
        .stdout(contains("2029-06-30"));
}

#[test]
fn retirement_needs_the_checklist_and_a_reason_to_waive() {
    let ws = with_system("2024-01-10");
    ws.cmd()
        .args(["systems", "stage", "Fraud Scoring", "deprecated"])
        .assert()
        .success();
    ws.cmd()
        .args(["systems", "stage", "Fraud Scoring", "retired"])
        .assert()
        .code(1)
        .stderr(contains("decommissioning checklist"));
    let out = ws.json(&["systems", "retire", "Fraud Scoring", "--date", "2030-03-31"]);
    assert_eq!(out["retired"], false);
    assert_eq!(out["checklist"].as_array().expect("items").len(), 6);
    ws.cmd()
        .args([
            "calendar",
            "checklist",
            "Fraud Scoring",
            "post_mortem",
            "--waive",
            " ",
        ])
        .assert()
        .code(1)
        .stderr(contains("reason"));
    ws.cmd()
        .args([
            "calendar",
            "checklist",
            "Fraud Scoring",
            "post_mortem",
            "--waive",
            "covered by the portfolio post-mortem",
        ])
        .assert()
        .success()
        .stdout(contains("waived"));
    let tasks = ws.json(&[
        "calendar",
        "list",
        "--from",
        "2030-01-01",
        "--to",
        "2030-12-31",
        "--kind",
        "decommission",
    ]);
    assert_eq!(tasks.as_array().expect("list").len(), 6);
}

#[test]
fn export_writes_ics_with_stable_uids() {
    let ws = with_system("2024-01-10");
    let a = ws.dir.path().join("a.ics");
    let b = ws.dir.path().join("b.ics");
    for f in [&a, &b] {
        ws.cmd()
            .args(["calendar", "export", "-o"])
            .arg(f)
            .assert()
            .success()
            .stdout(contains("wrote"));
    }
    let uids = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .expect("read")
            .lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    assert!(!uids(&a).is_empty());
    assert_eq!(uids(&a), uids(&b));
    ws.cmd()
        .args(["calendar", "export", "-o"])
        .arg(ws.dir.path().join("missing-dir/x.ics"))
        .assert()
        .code(1)
        .stderr(contains("missing-dir"));
}
