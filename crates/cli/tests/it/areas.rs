//! `steward tco` and `steward assess`: commands that need no workspace, end to end.

use predicates::str::contains;

use crate::support::{repo_root, Ws};

#[test]
fn assess_score_prints_exactly_the_official_numbers() {
    let ws = Ws::new();
    let check = |file: &str, expected: &str| {
        let path = repo_root().join("tests/fixtures/assess").join(file);
        let out = ws
            .cmd()
            .args(["assess", "score", "--template", "aia", "--json"])
            .arg(&path)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{file} scores: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            expected,
            "the four keys, exactly, for {file}"
        );
    };
    check(
        "aia-level-1.json",
        r#"{"raw_impact_score": 30, "mitigation_score": 20, "current_score": 30, "impact_level": 1}"#,
    );
    check(
        "aia-mitigation-62.json",
        r#"{"raw_impact_score": 98, "mitigation_score": 62, "current_score": 83, "impact_level": 2}"#,
    );
    check(
        "aia-mitigation-61.json",
        r#"{"raw_impact_score": 98, "mitigation_score": 61, "current_score": 98, "impact_level": 3}"#,
    );
    let bad = ws.file("bad.json", br#"{"nonexistentQuestion": "item1"}"#);
    ws.cmd()
        .args(["assess", "score", "--template", "aia"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("nonexistentQuestion"));
}

#[test]
fn tco_runs_a_file_without_a_workspace() {
    let ws = Ws::new();
    let file = repo_root().join("tests/fixtures/tco/batch-scoring.toml");
    let v = ws.json(&["tco", "run", file.to_str().expect("utf8")]);
    assert!(
        v["options"].as_array().is_some_and(|o| o.len() >= 2),
        "every option has results: {v}"
    );
    assert!(!ws.data().exists(), "tco run touches no workspace");
    let bad = ws.file("bad.toml", b"name = \"x\"\nhorizon_months = 0\n");
    ws.cmd()
        .args(["tco", "run"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("horizon_months"));
}

#[test]
fn tco_template_does_not_replace_an_existing_file() {
    let ws = Ws::new();
    let f = ws.file("mine.toml", b"# my scenario\n");
    ws.cmd()
        .args(["tco", "template", "-o"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    assert_eq!(std::fs::read(&f).expect("read"), b"# my scenario\n");
}
