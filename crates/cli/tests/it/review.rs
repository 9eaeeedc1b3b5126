//! `steward review`: the sample's reviews, recommendations with their reasons, a refused
//! override, the decision register and a comparison.

use predicates::str::contains;

use crate::support::Ws;

/// The sample's reviews: two decided past quarters and a draft of today's.
fn sample() -> (Ws, Vec<String>) {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let list = ws.json(&["review", "list"]);
    let periods: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["period"].as_str().expect("period").to_string())
        .collect();
    assert_eq!(periods.len(), 3, "two past quarters and today's: {list}");
    let states: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["state"].as_str().expect("state"))
        .collect();
    assert_eq!(
        states,
        ["signed", "decided", "draft"],
        "the board signed the older quarter; the newer waits for its second signature"
    );
    (ws, periods)
}

#[test]
fn recommend_prints_each_systems_rule_and_the_inputs_that_fired() {
    let (ws, periods) = sample();
    let rec = ws.json(&["review", "recommend", &periods[2]]);
    let items = rec.as_array().expect("per system");
    assert!(items.len() > 20, "every system in scope: {}", items.len());
    for i in items {
        assert!(
            i["recommendation"].is_string(),
            "the shipped rules catch every system: {i}"
        );
        assert!(i["rule"].is_string());
        assert!(
            i["inputs"]["system"].is_string(),
            "the inputs it was scored on"
        );
    }
    assert!(
        items
            .iter()
            .any(|i| i["because"].as_array().is_some_and(|b| !b.is_empty())),
        "some recommendation names the inputs that fired it"
    );
    ws.cmd()
        .args(["review", "recommend", &periods[2]])
        .assert()
        .success()
        .stdout(contains("(rule "));
}

#[test]
fn an_override_without_a_rationale_is_refused_and_a_draft_is_not_decided() {
    let (ws, periods) = sample();
    let rec = ws.json(&["review", "recommend", &periods[1]]);
    let first = &rec.as_array().expect("items")[0];
    let system = first["system"].as_str().expect("name");
    let other = if first["recommendation"] == "retire" {
        "retain"
    } else {
        "retire"
    };
    let proposal = first["inputs"]["stage"] == "proposed";
    let other = if proposal {
        if first["recommendation"] == "reject" {
            "fund"
        } else {
            "reject"
        }
    } else {
        other
    };
    ws.cmd()
        .args(["review", "decide", &periods[1], system, "--decision", other])
        .assert()
        .code(1)
        .stderr(contains("rationale"));
    ws.cmd()
        .args([
            "review",
            "decide",
            &periods[2],
            system,
            "--decision",
            other,
            "--rationale",
            "x",
        ])
        .assert()
        .code(1)
        .stderr(contains("freeze it first"));
    ws.cmd()
        .args([
            "review",
            "decide",
            &periods[1],
            system,
            "--decision",
            "keep it",
        ])
        .assert()
        .code(2)
        .stderr(contains("expected one of"));
}

#[test]
fn the_register_and_a_comparison_span_the_quarters() {
    let (ws, periods) = sample();
    let register = ws.json(&["review", "register"]);
    let entries = register.as_array().expect("entries");
    assert!(
        entries.iter().any(|e| e["period"] == periods[0].as_str())
            && entries.iter().any(|e| e["period"] == periods[1].as_str()),
        "decisions of both past quarters"
    );
    assert!(
        entries.iter().any(|e| e["decision"]["overrode"] == true
            && !e["decision"]["rationale"]
                .as_str()
                .unwrap_or_default()
                .is_empty()),
        "the sample's override carries its rationale"
    );
    assert!(entries
        .iter()
        .all(|e| e["snapshot_hash"].as_str().map(str::len) == Some(64)));
    let cmp = ws.json(&["review", "compare", &periods[0], &periods[1]]);
    assert!(cmp["movements"].as_array().is_some_and(|m| !m.is_empty()));
    let draft = ws.json(&["review", "show", &periods[2]]);
    assert_eq!(
        draft["carried_over"].as_array().map(Vec::len),
        Some(1),
        "last quarter's open action is the draft's first agenda item: {}",
        draft["carried_over"]
    );
    ws.cmd()
        .args(["review", "show", &periods[1]])
        .assert()
        .success()
        .stdout(contains("snapshot SHA-256"));
}

#[test]
fn the_board_signs_the_outcome_with_request_and_signature_files() {
    let (ws, periods) = sample();
    let (q3, draft) = (&periods[1], &periods[2]);
    let board = ws.data().join("sample-board");
    let member = |name: &str| {
        let mut c = ws.cmd();
        c.env("STEWARD_PASSPHRASE", "sample board")
            .arg("--identity-dir")
            .arg(board.join(name));
        c
    };
    // The chair's secretary writes the request file of the newer quarter's open request.
    let request = ws.dir.path().join("request.json");
    member("Priya Raman")
        .args(["review", "sign", q3, "-o"])
        .arg(&request)
        .assert()
        .success()
        .stdout(contains("PENDING"))
        .stdout(contains("approvals 1/2"));
    // The chief risk officer signs it on her laptop, with no workspace.
    let signature = ws.dir.path().join("signature.json");
    member("Margaret Osei")
        .args(["signoff", "sign"])
        .arg(&request)
        .args(["--role", "risk", "--decision", "approve", "-o"])
        .arg(&signature)
        .assert()
        .success();
    ws.cmd()
        .args(["signoff", "import-signature"])
        .arg(&signature)
        .assert()
        .success()
        .stdout(contains("approved"));
    let v = ws.json(&["review", "show", q3]);
    assert_eq!(v["state"], "signed", "{v}");
    ws.cmd()
        .args(["review", "show", q3])
        .assert()
        .success()
        .stdout(contains("Board sign-off: request 2 is approved"));
    // Signed, its decisions are fixed; a draft has no outcome to sign.
    let system = v["items"][0]["scorecard"]["system"]
        .as_str()
        .expect("a system")
        .to_string();
    ws.cmd()
        .args(["review", "decide", q3, &system, "--decision", "retire"])
        .args(["--rationale", "too late"])
        .assert()
        .failure()
        .stderr(contains("is signed"));
    ws.cmd()
        .args(["review", "sign", draft])
        .assert()
        .failure()
        .stderr(contains("is draft"));
    ws.cmd()
        .args(["review", "sign", q3])
        .assert()
        .failure()
        .stderr(contains("signed already"));
}
