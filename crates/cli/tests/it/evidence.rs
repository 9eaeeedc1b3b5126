//! `steward evidence ...` end to end: runs and bias results entered and removed, imports from
//! the long format and an MLflow run, the policy shown, set and reset, and a failing segment
//! blocking promotion until the board approves an exception.

use predicates::str::contains;

use crate::signoff::{ok, person, refused};
use crate::support::Ws;

fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string()
}

fn add_system(ws: &Ws) {
    ws.cmd()
        .args([
            "systems",
            "add",
            "--name",
            "Credit Scorer",
            "--unit",
            "Retail",
            "--owner",
            "Olu Owner",
            "--risk",
            "high",
            "--stage",
            "staging",
            "--model-version",
            "2.0",
        ])
        .assert()
        .success();
}

#[test]
fn runs_and_bias_results_are_entered_listed_and_removed() {
    let ws = Ws::new();
    add_system(&ws);
    let on = yesterday();
    let run = ws.json(&[
        "evidence",
        "add-run",
        "Credit Scorer",
        "--method",
        "hold-out",
        "--dataset",
        "2025 holdout",
        "--metric",
        "auc=0.81",
        "--metric",
        "precision=0.7",
        "--date",
        &on,
    ]);
    assert_eq!(
        run["model_version"], "2.0",
        "the system's version by default"
    );
    assert_eq!(run["method"], "holdout", "a synonym read");
    let bias = ws.json(&[
        "evidence",
        "add-bias",
        "Credit Scorer",
        "--attribute",
        "age_band",
        "--segment",
        "18-25",
        "--reference",
        "26-40",
        "--metric",
        "selection rate",
        "--segment-value",
        "0.3",
        "--reference-value",
        "0.4",
        "--date",
        &on,
    ]);
    assert_eq!(bias["ratio"], 0.75, "computed from the rates");
    ws.cmd()
        .args(["evidence", "status", "Credit Scorer"])
        .assert()
        .success()
        .stdout(contains(
            "Credit Scorer: evidence not met (model version 2.0, risk tier high",
        ))
        .stdout(contains(
            "NOT MET      disparity ratio 0.75 is outside 0.8 to 1.25",
        ))
        .stdout(contains("MISSING      no adversarial / robustness run"));
    let all = ws.json(&["evidence", "status"]);
    assert_eq!(all[0]["state"], "not_met");
    ws.cmd()
        .args(["evidence", "list", "Credit Scorer"])
        .assert()
        .success()
        .stdout(contains("auc=0.81 precision=0.7"))
        .stdout(contains("age_band   18-25"));

    // Bad input names what is wrong; usage errors exit 2, refusals 1, and nothing is written.
    ws.cmd()
        .args([
            "evidence",
            "add-run",
            "Credit Scorer",
            "--method",
            "vibes",
            "--dataset",
            "d",
            "--metric",
            "auc=0.8",
        ])
        .assert()
        .code(2)
        .stderr(contains(
            "unknown validation method \"vibes\"; expected one of holdout",
        ));
    ws.cmd()
        .args([
            "evidence",
            "add-run",
            "Credit Scorer",
            "--method",
            "holdout",
            "--dataset",
            "d",
            "--metric",
            "auc",
        ])
        .assert()
        .code(2)
        .stderr(contains("\"auc\" is not NAME=VALUE"));
    ws.cmd()
        .args([
            "evidence",
            "add-run",
            "Credit Scorer",
            "--method",
            "shadow",
            "--dataset",
            "d",
            "--metric",
            "auc=0.8",
            "--date",
            &on,
        ])
        .assert()
        .code(1)
        .stderr(contains(
            "incumbent: a shadow comparison names the incumbent model",
        ))
        .stderr(contains("metrics[0].incumbent"));
    let shadow = ws.json(&[
        "evidence",
        "add-run",
        "Credit Scorer",
        "--method",
        "shadow",
        "--dataset",
        "October",
        "--metric",
        "auc=0.81:0.79",
        "--incumbent",
        "scorer 1.9",
        "--date",
        &on,
    ]);
    assert_eq!(shadow["metrics"][0]["incumbent"], 0.79);
    ws.cmd()
        .args(["evidence", "list", "Credit Scorer"])
        .assert()
        .success()
        .stdout(contains("shadow comparison of"))
        .stdout(contains("against scorer 1.9"));
    let id = run["id"].to_string();
    ws.cmd()
        .args(["evidence", "remove-run", &id])
        .assert()
        .success()
        .stdout(contains(format!("removed run {id}")));
    ws.cmd()
        .args(["evidence", "remove-run", &id])
        .assert()
        .code(1)
        .stderr(contains("validation run not found"));
}

#[test]
fn an_import_is_planned_then_written_and_a_bad_file_writes_nothing() {
    let ws = Ws::new();
    add_system(&ws);
    let on = yesterday();
    let good = ws.file(
        "evidence.csv",
        format!(
            "System,Date,Dataset,Method,Metric,Value,Attribute,Segment,Reference group,Reference value\n\
             Credit Scorer,{on},holdout 2025,holdout,auc,0.81,,,,\n\
             Credit Scorer,{on},holdout 2025,,selection_rate,0.36,age_band,18-25,26-40,0.4\n"
        )
        .as_bytes(),
    );
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&good)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains("dry run: 1 runs and 1 bias results added, 0 replaced, 0 unchanged; nothing was written"))
        .stdout(contains("give no model version, read as its current one (2.0)"));
    assert_eq!(
        ws.json(&["evidence", "list", "Credit Scorer"])["runs"],
        serde_json::json!([])
    );
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&good)
        .assert()
        .success()
        .stdout(contains("imported: 1 runs and 1 bias results added"));
    let bad = ws.file(
        "bad.csv",
        format!(
            "System,Date,Dataset,Method,Metric,Value\n\
             Credit Scorer,{on},d,holdout,auc,0.9\n\
             Credit Scorer,{on},d,holdot,gini,0.6\n"
        )
        .as_bytes(),
    );
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("import refused, nothing was written: 1 problem"))
        .stderr(contains(
            "bad.csv, row 3, column D (Method), value \"holdot\": unknown validation method",
        ));
    let runs = ws.json(&["evidence", "list", "Credit Scorer"])["runs"].clone();
    assert_eq!(
        runs.as_array().map(Vec::len),
        Some(1),
        "the good row of the bad file was not written"
    );

    let run = ws.file(
        "run.json",
        br#"{"run": {"info": {"run_id": "abc123", "end_time": 1790000360000},
              "data": {"metrics": [{"key": "auc", "value": 0.8, "timestamp": 1, "step": 0}],
                       "tags": [{"key": "steward.method", "value": "cv"}]}}}"#,
    );
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&run)
        .assert()
        .code(1)
        .stderr(contains(
            "does not say which AI system it validated: give it with --system",
        ));
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&run)
        .args(["--system", "Credit Scorer", "--dataset", "folds of 2025"])
        .assert()
        .success()
        .stdout(contains("run.json (MLflow run)"))
        .stdout(contains("imported: 1 runs"));
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&good)
        .args(["--system", "Credit Scorer"])
        .assert()
        .code(1)
        .stderr(contains("--system apply to an MLflow run's JSON"));
}

#[test]
fn the_policy_is_shown_set_refused_naming_the_line_and_reset() {
    let ws = Ws::new();
    ws.cmd()
        .args(["evidence", "policy"])
        .assert()
        .success()
        .stdout(contains(
            "# the evidence policy in force: the shipped policy",
        ))
        .stdout(contains("[high]"));
    let bad = ws.file(
        "policy.toml",
        b"[high]\nmethods = [\"holdout\"]\n\n[[high.metrics]]\nname = \"auc\"\nat_leest = 0.7\n",
    );
    ws.cmd()
        .args(["evidence", "policy", "--set"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("unknown field `at_leest`"));
    let bad = ws.file(
        "policy.toml",
        b"[high]\nmethods = [\"holdout\", \"gut feel\"]\n",
    );
    ws.cmd()
        .args(["evidence", "policy", "--set"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("high.methods[1]"))
        .stderr(contains(
            "policy.toml, line 2: \"gut feel\" is not a validation method",
        ));
    let good = ws.file(
        "policy.toml",
        b"[high]\nmethods = [\"holdout\"]\nmax_age_days = 180\n\n[[high.metrics]]\nname = \"auc\"\nat_least = 0.75\n",
    );
    let p = ws.json(&["evidence", "policy", "--set", &good.display().to_string()]);
    assert_eq!(p["origin"], "workspace");
    assert_eq!(p["policy"]["high"]["max_age_days"], 180);
    assert_eq!(
        p["policy"]["high"]["segments"],
        serde_json::json!([]),
        "the tier replaced whole"
    );
    let p = ws.json(&["evidence", "policy", "--reset"]);
    assert_eq!(p["origin"], "built_in");
    ws.cmd()
        .args(["audit", "log", "--entity", "evidence_policy"])
        .assert()
        .success()
        .stdout(contains("Evidence policy of the workspace"));
}

#[test]
fn a_failing_segment_blocks_promotion_until_the_board_approves_an_exception() {
    let ws = Ws::new();
    let (ann_id, ann_cert) = person(&ws, "Ann Legal");
    let (bob_id, bob_cert) = person(&ws, "Bob Compliance");
    let p = |p: &std::path::Path| p.display().to_string();
    add_system(&ws);
    ok(&ws, &ann_id, &["signoff", "board", "create", "Model board"]);
    for (name, role, cert) in [
        ("Ann Legal", "legal", &ann_cert),
        ("Bob Compliance", "compliance", &bob_cert),
    ] {
        ok(
            &ws,
            &ann_id,
            &[
                "signoff",
                "board",
                "add-member",
                "Model board",
                "--name",
                name,
                "--role",
                role,
                "--cert",
                &p(cert),
            ],
        );
    }
    ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "pre_deployment",
            "--tier",
            "high",
            "--board",
            "Model board",
            "--require",
            "legal=1",
            "--require",
            "compliance=1",
            "--quorum",
            "2",
        ],
    );
    let policy = ws.file(
        "policy.toml",
        b"[high]\nmethods = [\"holdout\"]\nsegments = [\"age_band\"]\n\n[high.fairness]\nmin_ratio = 0.8\n",
    );
    ok(&ws, &ann_id, &["evidence", "policy", "--set", &p(&policy)]);
    let on = yesterday();
    let evidence = ws.file(
        "evidence.csv",
        format!(
            "System,Date,Dataset,Method,Metric,Value,Attribute,Segment,Reference group,Reference value\n\
             Credit Scorer,{on},holdout 2025,holdout,auc,0.81,,,,\n\
             Credit Scorer,{on},holdout 2025,,selection_rate,0.28,age_band,18-25,26-40,0.4\n"
        )
        .as_bytes(),
    );
    ok(&ws, &ann_id, &["evidence", "import", &p(&evidence)]);

    // The board approves the request; the evidence still fails, and the gate says so.
    let sign = |request: &str, file: &str| {
        let req = ws.dir.path().join(file);
        ok(
            &ws,
            &ann_id,
            &["signoff", "export-request", request, "-o", &p(&req)],
        );
        for (id, role) in [(&ann_id, "legal"), (&bob_id, "compliance")] {
            let sig = ws.dir.path().join(format!("{file}-{role}.sig.json"));
            ok(
                &ws,
                id,
                &[
                    "signoff",
                    "sign",
                    &p(&req),
                    "--role",
                    role,
                    "--decision",
                    "approve",
                    "-o",
                    &p(&sig),
                ],
            );
            ok(&ws, &ann_id, &["signoff", "import-signature", &p(&sig)]);
        }
    };
    ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "request",
            "Credit Scorer",
            "--gate",
            "pre_deployment",
        ],
    );
    sign("1", "plain.json");
    let e = refused(
        &ws,
        &ann_id,
        &["systems", "stage", "Credit Scorer", "production"],
    );
    for want in [
        "does not meet the evidence policy for risk tier high (not met)",
        "disparity ratio 0.7 is outside 0.8 to 1.25: selection rate of age_band 18-25 against 26-40",
        "request 1 is approved, but it did not ask its board for an evidence exception",
        "hint: `steward evidence status \"Credit Scorer\"`",
        "--evidence-exception REASON",
    ] {
        assert!(e.contains(want), "{want:?} in {e}");
    }

    let e = refused(
        &ws,
        &ann_id,
        &[
            "signoff",
            "request",
            "Credit Scorer",
            "--gate",
            "retirement",
            "--evidence-exception",
            "why not",
        ],
    );
    assert!(
        e.contains("--evidence-exception is for --gate pre_deployment"),
        "{e}"
    );
    let out = ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "request",
            "Credit Scorer",
            "--gate",
            "pre_deployment",
            "--evidence-exception",
            "18-25 applicants go to a person until the Q1 retraining",
            "--json",
        ],
    );
    let req: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        req["request"]["snapshot"]["evidence"]["exception"],
        "18-25 applicants go to a person until the Q1 retraining"
    );
    assert_eq!(
        req["request"]["snapshot"]["evidence"]["status"]["state"],
        "not_met"
    );
    let file = ws.dir.path().join("shown.json");
    ok(
        &ws,
        &ann_id,
        &["signoff", "export-request", "2", "-o", &p(&file)],
    );
    let shown = ok(&ws, &bob_id, &["signoff", "sign", &p(&file)]);
    for want in [
        "validation evidence under review: model version 2.0, not met (1 runs, 1 bias results)",
        "disparity ratio 0.7 is outside 0.8 to 1.25",
        "the board is asked to approve an evidence exception: 18-25 applicants go to a person",
    ] {
        assert!(shown.contains(want), "the signer reads {want:?}: {shown}");
    }
    sign("2", "exception.json");
    ok(
        &ws,
        &ann_id,
        &["systems", "stage", "Credit Scorer", "production"],
    );
    let log = ok(
        &ws,
        &ann_id,
        &["audit", "log", "--entity", "evidence_exception", "--json"],
    );
    let log: serde_json::Value = serde_json::from_str(&log).expect("json");
    let entry = &log["entries"][0];
    assert_eq!(entry["action"], "pass");
    let after = entry["after"].as_str().unwrap_or_default();
    assert!(
        after.contains("\"reason\":\"18-25 applicants go to a person until the Q1 retraining\"")
            && after.contains("\"evidence_status\":\"not_met\""),
        "the promotion is on record as passing by the exception: {after}"
    );
    ok(&ws, &ann_id, &["audit", "verify"]);
}
