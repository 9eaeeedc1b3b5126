//! The evidence as the app shows it: a system's Evidence panel (each run's metrics and each bias
//! result beside the check that judged it, or why none did; each metric against its bound over
//! the model versions), and the policy editor (the text in force, a text or a form checked
//! without saving and its problems named by key and line, the text saved and reset, audited; a
//! bad text refused with nothing written).

use std::path::Path;

use steward_core::api::evidence_view::{FairnessForm, MetricForm, PolicyForm, TierForm};
use steward_core::api::review_rules::RulesOrigin;
use steward_core::api::{AuditQuery, Workspace};
use steward_core::evidence::{BiasDraft, BiasMetric, EvidenceState, Method, MetricValue, RunDraft};
use steward_core::register::{RiskTier, Stage};

use crate::support::{draft, workspace};

/// The high tier asks for an AUC of at least 0.75 in a holdout run and the four-fifths rule on
/// selection rates, evidence of the last year; nothing about recall.
const POLICY: &str = "[high]
max_age_days = 365
methods = [\"holdout\"]
segments = [\"age_band\"]

[[high.metrics]]
name = \"auc\"
at_least = 0.75
method = \"holdout\"

[high.fairness]
min_ratio = 0.8
metrics = [\"selection_rate\"]
";

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn run(id: i64, version: &str, date: &str, method: Method, metrics: &[(&str, f64)]) -> RunDraft {
    RunDraft {
        system_id: id,
        model_version: version.into(),
        date: day(date),
        method,
        dataset: "claims".into(),
        run: String::new(),
        incumbent: if method == Method::Shadow {
            "Fraud Scorer 3.0".into()
        } else {
            String::new()
        },
        metrics: metrics
            .iter()
            .map(|(n, v)| MetricValue {
                name: n.to_string(),
                value: *v,
                incumbent: (method == Method::Shadow).then_some(v - 0.02),
            })
            .collect(),
        source: "entered by hand".into(),
    }
}

fn bias(
    id: i64,
    version: &str,
    date: &str,
    segment: &str,
    metric: BiasMetric,
    rate: f64,
) -> BiasDraft {
    BiasDraft {
        system_id: id,
        model_version: version.into(),
        date: day(date),
        dataset: "claims".into(),
        attribute: "age_band".into(),
        segment: segment.into(),
        metric,
        reference: "26-40".into(),
        segment_value: Some(rate),
        reference_value: Some(0.4),
        ratio: None,
        difference: None,
        source: "entered by hand".into(),
    }
}

/// "Fraud Scorer", high risk, at model version 3.1 with the evidence of three versions.
fn panel_workspace(dir: &Path) -> Workspace {
    let mut ws = workspace(dir);
    ws.set_evidence_policy(Some(POLICY), "policy.toml")
        .expect("the test policy");
    let mut d = draft("Fraud Scorer");
    d.risk_tier = RiskTier::High;
    d.stage = Stage::Staging;
    d.model_version = "3.1".into();
    let id = ws.add_system(d).expect("add").id;
    for r in [
        run(id, "2.9", "2025-06-01", Method::Holdout, &[("AUC", 0.7)]),
        run(
            id,
            "3.0",
            "2026-02-01",
            Method::Holdout,
            &[("AUC", 0.78), ("Recall", 0.6)],
        ),
        // 3.1's holdout run is judged; its later shadow run reports an AUC too, but the
        // policy's bound is about holdout runs only.
        run(
            id,
            "3.1",
            "2026-09-01",
            Method::Holdout,
            &[("AUC", 0.74), ("Recall", 0.64)],
        ),
        run(id, "3.1", "2026-10-01", Method::Shadow, &[("AUC", 0.8)]),
    ] {
        ws.add_validation_run(r).expect("a run");
    }
    for b in [
        bias(
            id,
            "3.0",
            "2026-02-01",
            "18-25",
            BiasMetric::SelectionRate,
            0.2,
        ),
        bias(
            id,
            "3.1",
            "2026-08-01",
            "18-25",
            BiasMetric::SelectionRate,
            0.2,
        ),
        bias(
            id,
            "3.1",
            "2026-10-01",
            "18-25",
            BiasMetric::SelectionRate,
            0.28,
        ),
        bias(
            id,
            "3.1",
            "2026-10-01",
            "41-60",
            BiasMetric::SelectionRate,
            0.38,
        ),
        bias(
            id,
            "3.1",
            "2026-10-01",
            "18-25",
            BiasMetric::FalsePositiveRate,
            0.1,
        ),
    ] {
        ws.add_bias_result(b).expect("a bias result");
    }
    ws
}

#[test]
fn the_panel_marks_what_the_policy_judged_and_says_why_the_rest_does_not_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = panel_workspace(dir.path());
    let p = ws.evidence_panel("Fraud Scorer").expect("the panel");
    assert_eq!(
        p.evidence.status.state,
        EvidenceState::NotMet,
        "an AUC of 0.74 and a ratio of 0.7 fail"
    );
    assert!(!p.passes, "not met does not pass the gate");

    // Runs: each metric with the check that judged it, only where the policy judged that value.
    let marks: Vec<(String, String, Option<EvidenceState>, bool)> = p
        .runs
        .iter()
        .flat_map(|r| {
            r.metrics.iter().map(move |m| {
                (
                    r.run.draft.model_version.clone(),
                    format!("{} {}", r.run.draft.method.key(), m.name),
                    m.check.as_ref().map(|c| c.outcome),
                    r.current,
                )
            })
        })
        .collect();
    let check = |version: &str, what: &str, outcome: Option<EvidenceState>, current: bool| {
        assert!(
            marks.contains(&(version.into(), what.into(), outcome, current)),
            "{version} {what}: {outcome:?}, current {current}, in {marks:#?}"
        );
    };
    check("3.1", "holdout AUC", Some(EvidenceState::NotMet), true);
    check("3.1", "holdout Recall", None, true);
    check("3.1", "shadow AUC", None, true);
    check("3.0", "holdout AUC", None, false);
    let shadow = p
        .runs
        .iter()
        .find(|r| r.run.draft.method == Method::Shadow)
        .expect("the shadow run");
    assert_eq!(
        shadow.metrics[0].incumbent,
        Some(0.8 - 0.02),
        "new against incumbent"
    );

    // Bias: the ratio judged, or why not.
    let rows: Vec<(String, String, Option<EvidenceState>, Option<String>)> = p
        .bias
        .iter()
        .map(|b| {
            (
                format!(
                    "{} {} {} {}",
                    b.result.draft.model_version,
                    b.result.draft.date,
                    b.result.draft.segment,
                    b.result.draft.metric.key()
                ),
                b.ratio
                    .as_ref()
                    .and_then(|c| c.bound.clone())
                    .unwrap_or_default(),
                b.ratio.as_ref().map(|c| c.outcome),
                b.not_counted.clone(),
            )
        })
        .collect();
    let expect = [
        (
            "3.1 2026-10-01 18-25 false_positive_rate",
            "",
            None,
            Some("the fairness bound is not about false positive rate"),
        ),
        (
            "3.1 2026-10-01 41-60 selection_rate",
            "0.8 to 1.25",
            Some(EvidenceState::Met),
            None,
        ),
        (
            "3.1 2026-10-01 18-25 selection_rate",
            "0.8 to 1.25",
            Some(EvidenceState::NotMet),
            None,
        ),
        (
            "3.1 2026-08-01 18-25 selection_rate",
            "",
            None,
            Some("superseded by the result of 2026-10-01"),
        ),
        (
            "3.0 2026-02-01 18-25 selection_rate",
            "",
            None,
            Some("of model version 3.0; only the current version's evidence counts"),
        ),
    ];
    assert_eq!(
        rows,
        expect
            .iter()
            .map(|(k, b, o, n)| (k.to_string(), b.to_string(), *o, n.map(str::to_string)))
            .collect::<Vec<_>>(),
        "newest first, each judged or said why not"
    );
    assert!(
        p.bias.iter().all(|b| b.difference.is_none()),
        "the bound sets no difference"
    );

    // The chart: versions in the order they were first tested, each metric over them.
    assert_eq!(p.versions, ["2.9", "3.0", "3.1"]);
    let auc = &p.trends[0];
    assert_eq!(
        (
            auc.name.as_str(),
            auc.at_least,
            auc.bound.as_deref(),
            auc.method
        ),
        (
            "auc",
            Some(0.75),
            Some("at least 0.75"),
            Some(Method::Holdout)
        ),
        "the bounded metric first, as the policy names it"
    );
    let points: Vec<(&str, f64, Option<EvidenceState>)> = auc
        .points
        .iter()
        .map(|x| (x.model_version.as_str(), x.value, x.outcome))
        .collect();
    assert_eq!(
        points,
        [
            ("2.9", 0.7, Some(EvidenceState::NotMet)),
            ("3.0", 0.78, Some(EvidenceState::Met)),
            ("3.1", 0.74, Some(EvidenceState::NotMet)),
        ],
        "each version's holdout AUC against the bound (3.1's shadow run is not a holdout run)"
    );
    let recall = &p.trends[1];
    assert_eq!(
        (recall.name.as_str(), recall.bound.as_deref()),
        ("Recall", None),
        "a metric the policy does not bound is drawn without a bound"
    );
    assert_eq!(
        recall
            .points
            .iter()
            .map(|x| (x.model_version.as_str(), x.outcome))
            .collect::<Vec<_>>(),
        [("3.0", None), ("3.1", None)],
        "only versions that report it"
    );
    assert_eq!(p.trends.len(), 2, "one trend per metric: {:?}", p.trends);
}

#[test]
fn a_system_without_runs_has_its_version_on_the_axis_and_no_trends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut d = draft("Branch Forecast");
    d.model_version = "1.0".into();
    d.risk_tier = RiskTier::Low;
    ws.add_system(d).expect("add");
    let p = ws.evidence_panel("Branch Forecast").expect("the panel");
    assert_eq!(p.versions, ["1.0"], "the current version, even untested");
    assert!(p.trends.is_empty() && p.runs.is_empty() && p.bias.is_empty());
    assert_eq!(
        (p.evidence.status.state, p.passes),
        (EvidenceState::NotRequired, true),
        "the shipped low tier asks for nothing, so the gate lets it through: {:?}",
        p.evidence.status
    );
}

fn audit_len(ws: &Workspace) -> i64 {
    ws.verify_audit().expect("verify").chain.length
}

fn tier(max_age_days: Option<u32>) -> TierForm {
    TierForm {
        max_age_days,
        methods: Vec::new(),
        segments: Vec::new(),
        metrics: Vec::new(),
        fairness: None,
    }
}

#[test]
fn the_policy_editor_checks_saves_and_resets_the_text_and_a_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let shown = ws.evidence_policy_text().expect("the editor");
    assert_eq!(shown.origin, RulesOrigin::BuiltIn);
    assert_eq!(
        shown.text, shown.shipped,
        "without its own, the workspace's text is the shipped file"
    );
    assert_eq!(
        shown
            .policy
            .high
            .fairness
            .as_ref()
            .and_then(|f| f.min_ratio),
        Some(0.8),
        "the shipped high tier's four-fifths rule"
    );

    // A text with problems: each named by its key and line, nothing written.
    let before = audit_len(&ws);
    let bad = "[high]\nmethods = [\"holdout\", \"vibes\"]\n\n[high.fairness]\nmin_ratio = 1.5\n";
    let checked = ws.check_evidence_policy_text(bad).expect("checked");
    let problems: Vec<(&str, &str)> = checked
        .problems
        .iter()
        .map(|f| (f.field.as_str(), f.message.as_str()))
        .collect();
    assert!(checked.policy.is_none(), "no policy from a bad text");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, "high.methods[1]");
    assert!(
        problems[0]
            .1
            .starts_with("the policy text, line 2: \"vibes\" is not a validation method"),
        "{problems:?}"
    );
    assert_eq!(problems[1].0, "high.fairness.min_ratio");
    assert!(
        problems[1].1.starts_with("the policy text, line 5:"),
        "{problems:?}"
    );
    let syntax = ws
        .check_evidence_policy_text("[high\nmethods = 1\n")
        .expect("checked");
    assert!(
        syntax.problems.len() == 1 && syntax.problems[0].message.contains("(line 1)"),
        "a TOML syntax error names its line: {:?}",
        syntax.problems
    );
    let refused = ws
        .save_evidence_policy_text(Some(bad))
        .expect_err("a bad text is not saved");
    assert_eq!(refused.code(), "validation", "{refused}");
    assert_eq!(
        audit_len(&ws),
        before,
        "checking and refusing write nothing"
    );
    assert_eq!(
        ws.evidence_policy_text().expect("editor").origin,
        RulesOrigin::BuiltIn
    );

    // The form gives a text that reads back as the policy the form holds.
    let mut high = tier(Some(180));
    high.methods = vec![Method::Holdout, Method::Robustness];
    high.segments = vec!["region".into()];
    high.metrics = vec![MetricForm {
        name: "auc".into(),
        at_least: Some(0.7),
        at_most: None,
        method: None,
        required: true,
    }];
    high.fairness = Some(FairnessForm {
        min_ratio: None,
        max_difference: Some(0.1),
        metrics: vec![BiasMetric::TruePositiveRate],
    });
    let form = PolicyForm {
        low: tier(None),
        medium: tier(Some(365)),
        high,
    };
    let from_form = ws.evidence_policy_form_text(form).expect("the form's text");
    let policy = from_form.policy.clone().expect("a valid form");
    assert!(from_form.problems.is_empty());
    assert_eq!(
        (
            policy.high.max_age_days,
            policy.high.methods.clone(),
            policy.high.metrics[0].at_least,
            policy.high.fairness.as_ref().and_then(|f| f.max_difference),
            policy.low.max_age_days,
        ),
        (
            Some(180),
            vec![Method::Holdout, Method::Robustness],
            Some(0.7),
            Some(0.1),
            None
        ),
        "the form's values, through the text:\n{}",
        from_form.text
    );
    let mut bad_form = PolicyForm {
        low: tier(None),
        medium: tier(None),
        high: tier(Some(0)),
    };
    bad_form.medium.metrics.push(MetricForm {
        name: "auc".into(),
        at_least: None,
        at_most: None,
        method: None,
        required: true,
    });
    let bad_form = ws.evidence_policy_form_text(bad_form).expect("checked");
    let keys: Vec<&str> = bad_form.problems.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        keys,
        ["medium.metrics[0]", "high.max_age_days"],
        "a form's problems name the key of its field: {:?}",
        bad_form.problems
    );

    // Saved: the workspace's own, audited; reset: the shipped file again, audited.
    let saved = ws
        .save_evidence_policy_text(Some(&from_form.text))
        .expect("saved");
    assert_eq!(saved.origin, RulesOrigin::Workspace);
    assert_eq!(saved.text, from_form.text, "the text as saved");
    assert_eq!(saved.policy.high.max_age_days, Some(180));
    let reset = ws.save_evidence_policy_text(None).expect("reset");
    assert_eq!(
        (reset.origin, reset.text == reset.shipped),
        (RulesOrigin::BuiltIn, true)
    );
    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("evidence_policy".into()),
            ..Default::default()
        })
        .expect("audit")
        .into_entries();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["set", "reset"],
        "the save and the reset are in the audit log"
    );
}
