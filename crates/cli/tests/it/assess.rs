//! `steward assess` on a workspace: import the official tool's file, answer, complete, decide,
//! list, show, export, template versions, and the error paths, end to end.

use predicates::str::contains;

use crate::support::{repo_root, Ws};

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/assess")
        .join(name)
        .display()
        .to_string()
}

fn with_system(name: &str) -> Ws {
    let ws = Ws::new();
    ws.cmd()
        .args([
            "systems", "add", "--name", name, "--unit", "Lending", "--owner", "Ann",
        ])
        .assert()
        .success();
    ws
}

#[test]
fn import_complete_decide_show_list_and_export() {
    let ws = with_system("Loan Scorer");
    let a = ws.json(&[
        "assess",
        "import",
        "--system",
        "Loan Scorer",
        "--template",
        "aia",
        &fixture("aia-level-3.json"),
    ]);
    assert_eq!(a["status"], "draft", "an import is a draft until completed");
    let id = a["id"].as_i64().expect("an id").to_string();
    let done = ws.json(&["assess", "complete", &id]);
    assert_eq!(done["status"], "complete", "completed");
    assert_eq!(
        done["result"]["impact_level"], 3,
        "level III, as the official tool"
    );
    assert_eq!(done["result"]["current_score"], 94, "current score");

    ws.cmd()
        .args(["assess", "answer", &id, "projectDetailsPhase=item2"])
        .assert()
        .code(1)
        .stderr(contains("locked"));

    ws.cmd()
        .args(["assess", "decide", &id, "--override", "medium"])
        .assert()
        .code(1)
        .stderr(contains("reason"));
    let decided = ws.json(&["assess", "decide", &id, "--accept"]);
    assert_eq!(
        decided["decision"]["risk_tier"], "high",
        "level III suggests high"
    );
    let sys = ws.json(&["systems", "show", "Loan Scorer"]);
    assert_eq!(sys["risk_tier"], "high", "accepting sets the system's tier");

    let list = ws.json(&["assess", "list", "--system", "Loan Scorer"]);
    assert_eq!(list[0]["outcome"], "Level III", "listed with its outcome");
    ws.cmd()
        .args(["assess", "show", &id])
        .assert()
        .success()
        .stdout(contains("impact level       III"))
        .stdout(contains("Peer review"));

    let out = ws.data().with_file_name("a.xlsx");
    ws.cmd()
        .args(["assess", "export", &id, "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(
        out.metadata().expect("written").len() > 1000,
        "a workbook was written"
    );
    let csv = ws.data().with_file_name("a.csv");
    ws.cmd()
        .args(["assess", "export", &id, "--format", "csv", "-o"])
        .arg(&csv)
        .assert()
        .success();
    let body = std::fs::read_to_string(&csv).expect("reads");
    assert!(body.contains("riskProfile1"), "answers are in the CSV");
}

#[test]
fn start_answer_and_the_error_paths() {
    let ws = with_system("Triage Bot");
    let a = ws.json(&[
        "assess",
        "start",
        "--system",
        "Triage Bot",
        "--template",
        "eu-ai-act",
    ]);
    let id = a["id"].as_i64().expect("an id").to_string();
    let saved = ws.json(&[
        "assess",
        "answer",
        &id,
        "annex3_applies=yes",
        r#"annex3_4=["4(a)"]"#,
    ]);
    assert_eq!(
        saved["answers"]["annex3_4"][0], "4(a)",
        "a JSON list for a checkbox"
    );
    let cleared = ws.json(&["assess", "answer", &id, "annex3_applies="]);
    assert!(
        cleared["answers"].get("annex3_applies").is_none(),
        "QUESTION= clears it"
    );

    ws.cmd()
        .args(["assess", "answer", &id, "annex3_applies=maybe"])
        .assert()
        .code(1)
        .stderr(contains("annex3_applies"))
        .stderr(contains("maybe"));
    ws.cmd()
        .args(["assess", "answer", &id, "noSuchQuestion=yes"])
        .assert()
        .code(1)
        .stderr(contains("noSuchQuestion"));
    ws.cmd()
        .args(["assess", "complete", &id])
        .assert()
        .code(1)
        .stderr(contains("not answered"));
    ws.cmd()
        .args([
            "assess",
            "start",
            "--system",
            "Triage Bot",
            "--template",
            "eu-ai-act",
        ])
        .assert()
        .code(1)
        .stderr(contains(format!("#{id}")));
    ws.cmd()
        .args(["assess", "start", "--system", "Nobody", "--template", "aia"])
        .assert()
        .code(1)
        .stderr(contains("Nobody"));
    ws.cmd()
        .args(["assess", "show", "999"])
        .assert()
        .code(1)
        .stderr(contains("#999"));
    let bad = ws.file("bad.json", br#"{"riskProfile1": "item7-7"}"#);
    ws.cmd()
        .args([
            "assess",
            "import",
            "--system",
            "Triage Bot",
            "--template",
            "aia",
        ])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("riskProfile1"))
        .stderr(contains("item7-7"));
    let list = ws.json(&["assess", "list"]);
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "the refused import created nothing"
    );
}

#[test]
fn a_newer_template_lists_assessments_needing_review() {
    let ws = with_system("Visa Triage");
    ws.json(&[
        "assess",
        "import",
        "--system",
        "Visa Triage",
        "--template",
        "aia",
        "--complete",
        &fixture("aia-level-1.json"),
    ]);
    // The official questionnaire as a bare SurveyJS file with one more question.
    let mut survey: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("assets/templates/aia/survey-enfr.json"))
            .expect("reads"),
    )
    .expect("json");
    survey["pages"][1]["elements"][0]["elements"]
        .as_array_mut()
        .expect("elements")
        .push(serde_json::json!({"type": "comment", "name": "extraNotes2027", "title": "Notes"}));
    let file = ws.file("survey-2027.json", survey.to_string().as_bytes());
    ws.cmd()
        .args(["assess", "add-template"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("+ extraNotes2027"))
        .stdout(contains("Visa Triage"));
    let reviews = ws.json(&["assess", "review"]);
    assert_eq!(reviews[0]["version"], "1.0.1", "the older version in use");
    assert_eq!(
        reviews[0]["assessments"][0]["system_name"], "Visa Triage",
        "needs review"
    );
    let templates = ws.json(&["assess", "templates"]);
    assert_eq!(
        templates[0]["info"]["version"], "survey-2027.json",
        "the added version is current"
    );
}

#[test]
fn a_template_with_a_hostile_condition_is_refused_naming_the_question() {
    let ws = with_system("Visa Triage");
    let survey: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("assets/templates/aia/survey-enfr.json"))
            .expect("reads"),
    )
    .expect("json");
    // 5,000 parentheses deep: this overflowed the stack and aborted the process.
    let deep = "(".repeat(5_000) + "{a} = 1" + &")".repeat(5_000);
    let chain = vec!["{a} = 1"; 100_000].join(" and ");
    for (name, condition) in [("deepCondition", deep), ("longCondition", chain)] {
        let mut s = survey.clone();
        s["pages"][1]["elements"][0]["elements"]
            .as_array_mut()
            .expect("elements")
            .push(serde_json::json!({"type": "comment", "name": name, "title": "Notes", "visibleIf": condition}));
        let file = ws.file("hostile.json", s.to_string().as_bytes());
        let out = ws
            .cmd()
            .args(["assess", "add-template"])
            .arg(&file)
            .assert()
            .failure()
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{name}.visibleIf")),
            "names the question: {err}"
        );
        assert!(
            err.contains("at most 4000 are accepted"),
            "says the bound: {err}"
        );
        assert!(
            err.len() < 2_000,
            "does not quote the whole condition: {err}"
        );
    }
    let templates = ws.json(&["assess", "templates"]);
    assert!(
        templates
            .as_array()
            .expect("list")
            .iter()
            .all(|t| t["info"]["version"] != "hostile.json"),
        "nothing added"
    );
}
