//! Validation evidence through the API: entered, removed and audited; the policy in force set
//! and refused; imports from the long format and MLflow runs, every kind of bad input named with
//! nothing written; the pre-deployment gate refusing while evidence is missing, failing or out
//! of date and passing by the board's exception; evidence changing after approval; the state
//! check of the new kinds; the migration.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use steward_core::api::evidence::{EvidenceImportOptions, EvidencePlan};
use steward_core::api::signoff::sign_request;
use steward_core::api::{AuditQuery, Workspace, DB_FILE};
use steward_core::audit::state::StateProblem;
use steward_core::error::Remedy;
use steward_core::evidence::{BiasDraft, BiasMetric, EvidenceState, Method, MetricValue, RunDraft};
use steward_core::register::{RiskTier, Stage};
use steward_core::sign::Signer;
use steward_core::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec, Status};
use steward_core::Error;

use crate::support::{ctx, draft, workspace};

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The policy these tests hold the high tier to: a holdout run with an AUC of at least 0.75,
/// the age bands tested, the four-fifths rule, evidence of the last year.
const POLICY: &str = "[high]
max_age_days = 365
methods = [\"holdout\"]
segments = [\"age_band\"]

[[high.metrics]]
name = \"auc\"
at_least = 0.75

[high.fairness]
min_ratio = 0.8
";

fn audit_len(ws: &Workspace) -> i64 {
    ws.verify_audit().expect("verify").chain.length
}

fn entries(ws: &Workspace, entity: &str) -> Vec<steward_core::audit::AuditEntry> {
    ws.audit_log(&AuditQuery {
        entity: Some(entity.into()),
        ..Default::default()
    })
    .expect("audit")
    .into_entries()
}

fn run_draft(system: i64, date: &str, auc: f64) -> RunDraft {
    RunDraft {
        system_id: system,
        model_version: "3.1".into(),
        date: day(date),
        method: Method::Holdout,
        dataset: "2025 holdout".into(),
        run: String::new(),
        incumbent: String::new(),
        metrics: vec![MetricValue {
            name: "AUC".into(),
            value: auc,
            incumbent: None,
        }],
        source: "entered by hand".into(),
    }
}

fn bias_draft(system: i64, date: &str, segment: f64, reference: f64) -> BiasDraft {
    BiasDraft {
        system_id: system,
        model_version: "3.1".into(),
        date: day(date),
        dataset: "2025 holdout".into(),
        attribute: "age_band".into(),
        segment: "18-25".into(),
        metric: BiasMetric::SelectionRate,
        reference: "26-40".into(),
        segment_value: Some(segment),
        reference_value: Some(reference),
        ratio: None,
        difference: None,
        source: "entered by hand".into(),
    }
}

/// A workspace with the test policy and a high-risk system in staging at model version 3.1.
fn with_system(dir: &Path) -> (Workspace, i64) {
    let mut ws = workspace(dir);
    ws.set_evidence_policy(Some(POLICY), "policy.toml")
        .expect("the test policy");
    let mut d = draft("Fraud Scorer");
    d.risk_tier = RiskTier::High;
    d.stage = Stage::Staging;
    d.model_version = "3.1".into();
    let id = ws.add_system(d).expect("add").id;
    (ws, id)
}

#[test]
fn runs_and_bias_results_are_recorded_listed_removed_and_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(dir.path());
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(
        e.status.state,
        EvidenceState::Missing,
        "nothing recorded yet"
    );
    let run = ws
        .add_validation_run(run_draft(id, "2026-10-01", 0.81))
        .expect("a run");
    let bias = ws
        .add_bias_result(bias_draft(id, "2026-10-01", 0.36, 0.4))
        .expect("a result");
    assert_eq!(
        (
            bias.draft.ratio,
            bias.draft.difference.map(|d| (d * 100.0).round() / 100.0)
        ),
        (Some(0.9), Some(-0.04)),
        "ratio and difference computed from the rates"
    );
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(e.status.state, EvidenceState::Met, "{:#?}", e.status);
    assert_eq!((e.runs.len(), e.bias.len()), (1, 1));
    assert_eq!(entries(&ws, "evidence_run").len(), 1, "the run's entry");
    assert_eq!(entries(&ws, "evidence_bias").len(), 1, "the result's entry");

    // Refused input changes nothing.
    let before = audit_len(&ws);
    let mut bad = run_draft(id, "2026-11-03", 0.8);
    bad.dataset = " ".into();
    let err = ws.add_validation_run(bad).expect_err("refused");
    match err {
        Error::Validation { fields, .. } => assert_eq!(
            fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["date", "dataset"],
            "each bad field named"
        ),
        other => panic!("a validation error, not {other:?}"),
    }
    let mut wrong = bias_draft(id, "2026-10-01", 0.3, 0.4);
    wrong.ratio = Some(0.9);
    wrong.segment = "65+".into();
    let err = ws.add_bias_result(wrong).expect_err("refused");
    assert!(
        err.to_string()
            .contains("ratio: 0.9 disagrees with the values given: 0.3 / 0.4 = 0.75"),
        "{err}"
    );
    let dup = ws
        .add_validation_run(run_draft(id, "2026-10-01", 0.7))
        .expect_err("the same run twice");
    assert_eq!(dup.code(), "conflict", "{dup}");
    assert_eq!(audit_len(&ws), before, "nothing was written");

    ws.remove_validation_run(run.id).expect("removed");
    ws.remove_bias_result(bias.id).expect("removed");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert!(e.runs.is_empty() && e.bias.is_empty());
    let log = entries(&ws, "evidence_run");
    assert_eq!(
        (
            log[1].action.as_str(),
            log[1].after.is_none(),
            log[1].before.is_some()
        ),
        ("delete", true, true),
        "the removal is logged with the run as it was"
    );
    assert_eq!(
        ws.remove_validation_run(run.id).expect_err("gone").code(),
        "not_found"
    );
    assert!(ws.verify_audit().expect("verify").is_intact());
}

#[test]
fn the_status_follows_the_policy_in_force_and_the_current_model_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(dir.path());
    ws.add_validation_run(run_draft(id, "2026-10-01", 0.70))
        .expect("a run");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(e.status.state, EvidenceState::NotMet);
    let auc = e
        .status
        .checks
        .iter()
        .find(|c| c.subject == "auc")
        .expect("the auc check");
    assert_eq!(
        (auc.value, auc.bound.as_deref(), auc.outcome),
        (Some(0.7), Some("at least 0.75"), EvidenceState::NotMet)
    );
    assert!(
        !e.gated,
        "no pre-deployment rule: the gate does not read it"
    );

    // A new model version has no evidence of its own yet.
    let mut d = ws.system(id).expect("system").draft;
    d.model_version = "3.2".into();
    ws.update_system(id, d).expect("a new version");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(e.status.state, EvidenceState::Missing);
    assert_eq!(e.status.other_versions, ["3.1"]);
    assert_eq!(e.runs.len(), 1, "the older version's run is still listed");

    // Back to the shipped policy: its high tier asks for other things.
    let f = ws.set_evidence_policy_file(None).expect("reset");
    assert_eq!(
        f.origin,
        steward_core::api::review_rules::RulesOrigin::BuiltIn
    );
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert!(
        e.status.checks.iter().any(|c| c.subject == "robustness"),
        "the shipped high tier asks for a robustness run: {:#?}",
        e.status.checks
    );
    let log = entries(&ws, "evidence_policy");
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["set", "reset"],
        "setting and resetting the policy are audited"
    );
}

#[test]
fn a_bad_policy_file_is_refused_naming_the_file_line_and_key_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let file = dir.path().join("policy.toml");
    std::fs::write(
        &file,
        "[high]\nmethods = [\"holdout\"]\n\n[high.fairness]\nmin_ratio = 1.5\n",
    )
    .expect("write");
    let before = audit_len(&ws);
    let err = ws
        .set_evidence_policy_file(Some(&file))
        .expect_err("refused");
    match &err {
        Error::Validation { fields, .. } => {
            assert_eq!(fields.len(), 1, "{fields:?}");
            assert_eq!(fields[0].field, "high.fairness.min_ratio");
            assert!(
                fields[0]
                    .message
                    .starts_with(&format!("{}, line 5: 1.5:", file.display())),
                "{}",
                fields[0].message
            );
        }
        other => panic!("a validation error, not {other:?}"),
    }
    assert_eq!(audit_len(&ws), before, "nothing was written");
    assert_eq!(
        ws.evidence_policy_in_force().expect("policy").origin,
        steward_core::api::review_rules::RulesOrigin::BuiltIn,
        "the shipped policy is still in force"
    );
    let missing = ws
        .set_evidence_policy_file(Some(&dir.path().join("nope.toml")))
        .expect_err("no such file");
    assert_eq!(missing.code(), "io", "{missing}");
}

const LONG_HEADER: &str = "System,Model version,Date,Dataset,Method,Run,Metric,Value,Incumbent,\
Incumbent value,Attribute,Segment,Reference group,Reference value,Disparity ratio,Difference\n";

fn csv(dir: &Path, name: &str, rows: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{LONG_HEADER}{rows}")).expect("write");
    p
}

fn none() -> EvidenceImportOptions {
    EvidenceImportOptions::default()
}

#[test]
fn a_long_format_file_imports_whole_and_a_second_import_replaces_what_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let rows = "Fraud Scorer,3.1,2026-10-01,2025 holdout,holdout,,auc,0.81,,,,,,,,\n\
        Fraud Scorer,3.1,2026-10-01,2025 holdout,holdout,,precision,0.62,,,,,,,,\n\
        Fraud Scorer,,2026-10-05,October traffic,shadow mode,,auc,0.81,scorer 3.0,0.78,,,,,,\n\
        Fraud Scorer,3.1,2026-10-01,2025 holdout,,,Selection rate,0.3,,,age_band,18-25,26-40,0.4,,\n\
        Fraud Scorer,3.1,2026-10-01,2025 holdout,,,selection_rate,0.41,,,age_band,65+,26-40,0.4,1.03,0.01\n";
    let file = csv(dir.path(), "evidence.csv", rows);
    let before = audit_len(&ws);
    let plan = ws
        .import_evidence(&file, &none(), true)
        .expect("a clean dry run");
    assert_eq!(
        (
            plan.runs_added,
            plan.bias_added,
            plan.replaced.len(),
            plan.unchanged
        ),
        (2, 2, 0, 0),
        "two runs (holdout with two metrics, shadow), two segments: {plan:#?}"
    );
    assert_eq!(
        plan.decisions.len(),
        1,
        "an empty version read as the current one"
    );
    assert!(
        plan.decisions[0]
            .message
            .contains("read as its current one (3.1)"),
        "{:?}",
        plan.decisions[0]
    );
    assert_eq!(audit_len(&ws), before, "a dry run writes nothing");

    let plan = ws.import_evidence(&file, &none(), false).expect("imports");
    assert_eq!((plan.runs_added, plan.bias_added), (2, 2));
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(
        e.status.state,
        EvidenceState::NotMet,
        "18-25 at 0.75 of the reference fails the four-fifths rule: {:#?}",
        e.status.checks
    );
    let shadow = &e.comparisons[0];
    assert_eq!(
        (
            shadow.incumbent.as_str(),
            shadow.metrics[0].value,
            shadow.metrics[0].incumbent
        ),
        ("scorer 3.0", 0.81, 0.78),
        "new against incumbent on the same data"
    );
    assert!((shadow.metrics[0].change - 0.03).abs() < 1e-9);
    let imports = entries(&ws, "evidence_import");
    assert_eq!(imports.len(), 1, "one entry for the file");
    assert!(
        imports[0]
            .after
            .as_deref()
            .unwrap_or_default()
            .contains("\"sha256\":"),
        "{:?}",
        imports[0].after
    );
    assert_eq!(
        entries(&ws, "evidence_run")
            .iter()
            .filter(|e| e.action == "import_create")
            .count(),
        2,
        "each record its own entry"
    );

    // The same file again changes nothing; a corrected segment replaces the stored one.
    let again = ws.import_evidence(&file, &none(), false).expect("again");
    assert_eq!((again.runs_added, again.unchanged), (0, 4));
    let fixed = csv(
        dir.path(),
        "fixed.csv",
        "Fraud Scorer,3.1,2026-10-01,2025 holdout,,,selection_rate,0.34,,,age_band,18-25,26-40,0.4,,\n",
    );
    let plan = ws
        .import_evidence(&fixed, &none(), false)
        .expect("replaces");
    assert_eq!(plan.replaced.len(), 1, "{plan:#?}");
    assert_eq!(plan.replaced[0].row, Some(2));
    assert_eq!(
        ws.system_evidence("Fraud Scorer")
            .expect("evidence")
            .status
            .state,
        EvidenceState::Met,
        "0.85 of the reference now"
    );
    let updated = entries(&ws, "evidence_bias");
    let last = updated.last().expect("an entry");
    assert_eq!(last.action, "import_update");
    assert!(last.before.is_some(), "the result as it was is logged");
    assert!(ws.verify_audit().expect("verify").is_intact());
}

#[test]
fn an_xlsx_file_with_date_cells_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let path = dir.path().join("evidence.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Validation").expect("name");
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["System", "Date", "Dataset", "Method", "Metric", "Value"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let when = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 10, 1).expect("date");
    for (r, (metric, value)) in [("auc", 0.8), ("precision", 0.66)].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, "Fraud Scorer").expect("cell");
        sheet
            .write_datetime_with_format(r, 1, &when, &date)
            .expect("cell");
        sheet.write_string(r, 2, "2025 holdout").expect("cell");
        sheet.write_string(r, 3, "Hold-out").expect("cell");
        sheet.write_string(r, 4, *metric).expect("cell");
        sheet.write_number(r, 5, *value).expect("cell");
    }
    book.save(&path).expect("save");
    let plan = ws.import_evidence(&path, &none(), false).expect("imports");
    assert_eq!(plan.sheet.as_deref(), Some("Validation"));
    assert_eq!(plan.runs_added, 1, "{plan:#?}");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(e.runs[0].draft.date, day("2026-10-01"), "a date cell");
    assert_eq!(e.runs[0].draft.method, Method::Holdout, "a synonym read");
}

/// A problem expected: its row, column, value and a fragment of its message.
type Expected<'a> = (Option<u32>, Option<&'a str>, Option<&'a str>, &'a str);

#[test]
fn an_ods_file_made_by_libreoffice_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let ods = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/evidence.ods"
    ));
    let plan = ws.import_evidence(ods, &none(), false).expect("imports");
    assert_eq!((plan.runs_added, plan.bias_added), (1, 1), "{plan:#?}");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(
        (
            e.runs[0].draft.date,
            e.runs[0].draft.metrics.len(),
            e.bias[0].draft.ratio
        ),
        (day("2026-09-14"), 2, Some(0.95)),
        "an .ods date cell, two metrics of one run, a ratio computed"
    );
}

/// Data-driven: `rows` refused, each problem as (row, column, value, a fragment of the message),
/// the dry run and the import both, with nothing written.
fn refused(rows: &str, expected: &[Expected<'_>]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(dir.path());
    ws.add_validation_run(run_draft(id, "2026-09-01", 0.8))
        .expect("one stored run");
    let file = csv(dir.path(), "bad.csv", rows);
    let before = audit_len(&ws);
    for dry_run in [true, false] {
        let problems = match ws.import_evidence(&file, &none(), dry_run) {
            Err(Error::Import { problems }) => problems,
            other => panic!("{rows:?} is refused, not {other:?}"),
        };
        let got: Vec<(Option<u32>, Option<&str>, Option<&str>)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_deref(), p.value.as_deref()))
            .collect();
        let want: Vec<(Option<u32>, Option<&str>, Option<&str>)> =
            expected.iter().map(|(r, c, v, _)| (*r, *c, *v)).collect();
        assert_eq!(got, want, "{rows:?}: {problems:#?}");
        for (p, (.., fragment)) in problems.iter().zip(expected) {
            assert!(
                p.message.contains(fragment),
                "{rows:?}: {fragment:?} in {:?}",
                p.message
            );
        }
        assert_eq!(audit_len(&ws), before, "nothing was written");
    }
    assert_eq!(
        ws.system_evidence("Fraud Scorer")
            .expect("evidence")
            .runs
            .len(),
        1,
        "only the stored run"
    );
}

const M: Option<&str> = None;

#[test]
fn every_kind_of_bad_cell_is_named_and_nothing_is_written() {
    let a = "A (System)";
    refused(
        "Nope,3.1,2026-10-01,d,holdout,,auc,0.8,,,,,,,,\n,3.1,2026-10-01,d,holdout,,auc,0.8,,,,,,,,\n",
        &[
            (Some(2), Some(a), Some("Nope"), "no AI system named \"Nope\""),
            (Some(3), Some(a), M, "the system is missing"),
        ],
    );
    refused(
        "Fraud Scorer,3.1,2026-13-01,d,holdout,,auc,0.8,,,,,,,,\nFraud Scorer,3.1,2026-11-03,d,holdout,,auc,0.8,,,,,,,,\n",
        &[
            (Some(2), Some("C (Date)"), Some("2026-13-01"), "is not a date; use a date cell or write the date as YYYY-MM-DD"),
            (Some(3), Some("C (Date)"), Some("2026-11-03"), "is after today (2026-11-02)"),
        ],
    );
    refused(
        "Fraud Scorer,3.1,2026-10-01,d,peer review,,auc,0.8,,,,,,,,\nFraud Scorer,3.1,2026-10-01,d,,,auc,0.8,,,,,,,,\n",
        &[
            (Some(2), Some("E (Method)"), Some("peer review"), "accepted values: holdout, cross_validation, backtest, shadow, robustness"),
            (Some(3), Some("E (Method)"), M, "the validation method is missing"),
        ],
    );
    refused(
        "Fraud Scorer,3.1,2026-10-01,d,holdout,,auc,high,,,,,,,,\nFraud Scorer,3.1,2026-10-01,d,holdout,,gini,,,,,,,,,\nFraud Scorer,3.1,2026-10-01,,holdout,,auc,0.8,,,,,,,,\n",
        &[
            (Some(2), Some("H (Value)"), Some("high"), "is not a number"),
            (Some(3), Some("H (Value)"), M, "the value of \"gini\" is missing"),
            (Some(4), Some("D (Dataset)"), M, "the dataset is required"),
        ],
    );
    // Rows of one run: a metric twice, two incumbents, a shadow run without the incumbent's value.
    refused(
        "Fraud Scorer,3.1,2026-10-01,d,holdout,,auc,0.8,,,,,,,,\nFraud Scorer,3.1,2026-10-01,d,holdout,,AUC,0.7,,,,,,,,\n\
         Fraud Scorer,3.1,2026-10-01,d,shadow,,auc,0.8,v1,0.7,,,,,,\nFraud Scorer,3.1,2026-10-01,d,shadow,,recall,0.8,v2,0.7,,,,,,\n\
         Fraud Scorer,3.1,2026-10-02,d,shadow,,auc,0.8,v1,,,,,,,\n",
        &[
            (Some(3), Some("G (Metric)"), Some("AUC"), "row 2 already gives \"AUC\" of this run"),
            (Some(5), Some("I (Incumbent)"), Some("v2"), "row 4 of the same run names the incumbent \"v1\""),
            (Some(6), Some("J (Incumbent value)"), M, "a shadow comparison gives the incumbent's value of \"auc\""),
        ],
    );
    // Bias rows: a metric that is no bias metric, a rate beyond 1, a ratio that disagrees, a
    // segment compared with itself, no values at all, a run's column filled, a duplicate.
    refused(
        "Fraud Scorer,3.1,2026-10-01,d,,,parity,0.3,,,age_band,18-25,26-40,0.4,,\n\
         Fraud Scorer,3.1,2026-10-01,d,,,selection_rate,30,,,age_band,18-25,26-40,0.4,,\n\
         Fraud Scorer,3.1,2026-10-01,d,,,selection_rate,0.3,,,age_band,41-64,26-40,0.4,0.9,\n\
         Fraud Scorer,3.1,2026-10-01,d,,,selection_rate,0.3,,,age_band,26-40,26-40,0.4,,\n\
         Fraud Scorer,3.1,2026-10-01,d,,,tpr,,,,age_band,65+,26-40,,,\n\
         Fraud Scorer,3.1,2026-10-01,d,holdout,,fpr,0.1,,,age_band,65+,26-40,0.1,,\n\
         Fraud Scorer,3.1,2026-10-01,d,,,fpr,0.1,,,age_band,18-25,26-40,0.1,,\nFraud Scorer,3.1,2026-10-01,d,,,FPR,0.1,,,age_band,18-25,26-40,0.1,,\n",
        &[
            (Some(2), Some("G (Metric)"), Some("parity"), "is not a bias metric"),
            (Some(3), Some("H (Value)"), Some("30"), "30 is not a rate; give a proportion from 0 to 1"),
            (Some(4), Some("O (Disparity ratio)"), Some("0.9"), "0.9 disagrees with the values given: 0.3 / 0.4 = 0.75"),
            (Some(5), Some("M (Reference group)"), Some("26-40"), "the reference group is the segment itself"),
            (Some(6), Some("H (Value)"), M, "give the segment's and the reference group's values"),
            (Some(7), Some("E (Method)"), Some("holdout"), "this column is for validation runs"),
            (Some(9), Some("L (Segment)"), Some("18-25"), "row 8 already gives the false_positive_rate of age_band 18-25"),
        ],
    );
    refused(
        "Fraud Scorer,3.1,2026-10-01,d,holdout,,auc,0.8,,,,18-25,,,0.9,\n",
        &[
            (
                Some(2),
                Some("L (Segment)"),
                Some("18-25"),
                "this column is for bias results",
            ),
            (
                Some(2),
                Some("O (Disparity ratio)"),
                Some("0.9"),
                "this column is for bias results",
            ),
        ],
    );
}

#[test]
fn a_file_without_the_required_columns_or_rows_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let p = dir.path().join("no-metric.csv");
    std::fs::write(&p, "System,Date,Value\nFraud Scorer,2026-10-01,0.8\n").expect("write");
    let problems = match ws.import_evidence(&p, &none(), true) {
        Err(Error::Import { problems }) => problems,
        other => panic!("refused, not {other:?}"),
    };
    assert!(
        problems.iter().any(|p| p.message.contains("Metric")),
        "the missing column is named: {problems:#?}"
    );
    let p = csv(dir.path(), "empty.csv", "");
    let err = ws.import_evidence(&p, &none(), true).expect_err("no rows");
    assert!(err.to_string().contains("1 problem"), "{err}");
    // The MLflow options are refused with a spreadsheet, which names them on each row.
    let p = csv(
        dir.path(),
        "ok.csv",
        "Fraud Scorer,3.1,2026-10-01,d,holdout,,auc,0.8,,,,,,,,\n",
    );
    let opts = EvidenceImportOptions {
        system: Some("Fraud Scorer".into()),
        ..Default::default()
    };
    let err = ws.import_evidence(&p, &opts, true).expect_err("refused");
    assert!(
        err.to_string()
            .contains("--system apply to an MLflow run's JSON; a spreadsheet gives the system"),
        "{err}"
    );
}

/// An MLflow run as the REST API's runs/get returns it.
fn mlflow_run(metrics: &str, tags: &str) -> String {
    format!(
        r#"{{"run": {{"info": {{"run_id": "4f2c9a1be37d", "run_name": "fraud-3.1", "experiment_id": "12",
            "status": "FINISHED", "start_time": 1790000000000, "end_time": 1790000360000}},
          "data": {{"metrics": [{metrics}],
            "params": [{{"key": "dataset", "value": "applications 2019-2025"}}],
            "tags": [{tags}]}}}}}}"#
    )
}

const GOOD_METRICS: &str = r#"{"key": "auc", "value": 0.80, "timestamp": 1790000300000, "step": 0},
    {"key": "auc", "value": 0.812, "timestamp": 1790000350000, "step": 1},
    {"key": "bias.age_band.18-25.selection_rate", "value": 0.35, "timestamp": 1, "step": 0},
    {"key": "bias.age_band.26-40.selection_rate", "value": 0.40, "timestamp": 1, "step": 0},
    {"key": "bias.age_band.65+.selection_rate", "value": 0.38, "timestamp": 1, "step": 0}"#;

const GOOD_TAGS: &str = r#"{"key": "steward.system", "value": "Fraud Scorer"},
    {"key": "steward.method", "value": "holdout"},
    {"key": "reference.age_band", "value": "26-40"}"#;

fn json_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn an_mlflow_run_imports_its_metrics_and_segments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let file = json_file(dir.path(), "run.json", &mlflow_run(GOOD_METRICS, GOOD_TAGS));
    let plan: EvidencePlan = ws.import_evidence(&file, &none(), false).expect("imports");
    assert_eq!(plan.format, "MLflow run");
    assert_eq!((plan.runs_added, plan.bias_added), (1, 2), "{plan:#?}");
    assert!(
        plan.decisions
            .iter()
            .any(|d| d.message.contains("its end time in UTC, 2026-09-21")),
        "the date taken from the run is said: {:#?}",
        plan.decisions
    );
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    let run = &e.runs[0].draft;
    assert_eq!(
        (
            run.metrics[0].value,
            run.run.as_str(),
            run.dataset.as_str(),
            run.source.as_str()
        ),
        (
            0.812,
            "4f2c9a1be37d",
            "applications 2019-2025",
            "MLflow run 4f2c9a1be37d"
        ),
        "the latest value of a metric, the run's id, the dataset param"
    );
    let segments: Vec<(&str, Option<f64>)> = e
        .bias
        .iter()
        .map(|b| {
            (
                b.draft.segment.as_str(),
                b.draft.ratio.map(|r| (r * 1000.0).round() / 1000.0),
            )
        })
        .collect();
    assert_eq!(segments, [("65+", Some(0.95)), ("18-25", Some(0.875))]);
    assert!(
        e.bias.iter().all(|b| b.draft.dataset == run.dataset),
        "the segments were measured on the run's data"
    );
    assert_eq!(e.status.state, EvidenceState::Met, "{:#?}", e.status.checks);

    // `mlflow runs describe` writes the run itself, metrics, params and tags as objects.
    let described = r#"{"info": {"run_id": "77aa", "end_time": 1790000360000},
        "data": {"metrics": {"auc": 0.79, "incumbent.auc": 0.77},
                 "params": {"dataset": "October traffic"},
                 "tags": {"steward.system": "Fraud Scorer", "steward.method": "shadow",
                          "steward.incumbent": "fraud 3.0", "steward.model_version": "3.1"}}}"#;
    let file = json_file(dir.path(), "described.json", described);
    let plan = ws.import_evidence(&file, &none(), false).expect("imports");
    assert_eq!(plan.runs_added, 1, "{plan:#?}");
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert_eq!(e.comparisons.len(), 1, "a shadow comparison");
    assert_eq!(e.comparisons[0].incumbent, "fraud 3.0");
    assert_eq!(e.comparisons[0].metrics[0].incumbent, 0.77);
}

/// Data-driven: an MLflow file refused, each problem as (place in the JSON, a fragment).
fn mlflow_refused(text: &str, opts: &EvidenceImportOptions, expected: &[(Option<&str>, &str)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, _) = with_system(dir.path());
    let file = json_file(dir.path(), "run.json", text);
    let before = audit_len(&ws);
    let problems = match ws.import_evidence(&file, opts, false) {
        Err(Error::Import { problems }) => problems,
        other => panic!("{text:?} is refused, not {other:?}"),
    };
    let got: Vec<Option<&str>> = problems.iter().map(|p| p.column.as_deref()).collect();
    let want: Vec<Option<&str>> = expected.iter().map(|e| e.0).collect();
    assert_eq!(got, want, "{problems:#?}");
    for (p, (_, fragment)) in problems.iter().zip(expected) {
        assert!(
            p.message.contains(fragment),
            "{fragment:?} in {:?}",
            p.message
        );
        assert!(p.file.ends_with("run.json"), "the file is named");
    }
    assert_eq!(audit_len(&ws), before, "nothing was written");
}

#[test]
fn bad_mlflow_json_is_named_and_nothing_is_written() {
    let o = none();
    mlflow_refused(
        "{\"run\": ",
        &o,
        &[(None, "is not JSON: EOF while parsing")],
    );
    mlflow_refused("[1, 2]", &o, &[(None, "has no MLflow run in it")]);
    mlflow_refused(
        r#"{"run": {"info": {}, "data": {"metrics": "auc=0.8"}}}"#,
        &o,
        &[(Some("run.data.metrics"), "is a string, not a list")],
    );
    mlflow_refused(
        &mlflow_run(r#"{"key": "auc", "value": "high"}"#, GOOD_TAGS),
        &o,
        &[(
            Some("run.data.metrics[0] (auc)"),
            "the value of metric \"auc\" is not a number",
        )],
    );
    mlflow_refused(
        &mlflow_run(
            GOOD_METRICS,
            r#"{"key": "steward.method", "value": "holdout"}"#,
        ),
        &o,
        &[(None, "does not say which AI system it validated")],
    );
    mlflow_refused(
        &mlflow_run(
            GOOD_METRICS,
            r#"{"key": "steward.system", "value": "Nope"}"#,
        ),
        &o,
        &[(
            Some("run.data.tags[0] (steward.system)"),
            "no AI system named \"Nope\"",
        )],
    );
    mlflow_refused(
        &mlflow_run(
            r#"{"key": "auc", "value": 0.8}"#,
            r#"{"key": "steward.system", "value": "Fraud Scorer"}"#,
        ),
        &o,
        &[(None, "the run's validation method is missing")],
    );
    mlflow_refused(
        &mlflow_run(r#"{"key": "auc", "value": 0.8}"#, GOOD_TAGS),
        &EvidenceImportOptions {
            method: Some("vibes".into()),
            ..Default::default()
        },
        &[(Some("--method"), "unknown validation method \"vibes\"")],
    );
    mlflow_refused(
        r#"{"run": {"info": {}, "data": {"metrics": [{"key": "auc", "value": 0.8}],
            "tags": [{"key": "steward.system", "value": "Fraud Scorer"},
                     {"key": "steward.method", "value": "holdout"},
                     {"key": "steward.dataset", "value": "d"}]}}}"#,
        &o,
        &[(Some("run.info"), "the run has no date")],
    );
    mlflow_refused(
        &mlflow_run(
            r#"{"key": "bias.age_band.18-25.selection_rate", "value": 0.3},
               {"key": "bias.age_band.26-40.selection_rate", "value": 0.4}"#,
            r#"{"key": "steward.system", "value": "Fraud Scorer"}"#,
        ),
        &o,
        &[(
            Some("run.data.metrics[0] (bias.age_band.18-25.selection_rate)"),
            "need their reference group: tag the run reference.age_band",
        )],
    );
    mlflow_refused(
        &mlflow_run(
            r#"{"key": "bias.age_band.18-25.selection_rate", "value": 0.3}"#,
            r#"{"key": "steward.system", "value": "Fraud Scorer"},
               {"key": "reference.age_band", "value": "26-40"}"#,
        ),
        &o,
        &[(
            Some("run.data.tags[1] (reference.age_band)"),
            "has no bias.age_band.26-40.selection_rate metric",
        )],
    );
    mlflow_refused(
        &mlflow_run(
            r#"{"key": "bias.age_band.selection_rate", "value": 0.3},
               {"key": "bias.region.north.parity", "value": 0.3}"#,
            r#"{"key": "steward.system", "value": "Fraud Scorer"}"#,
        ),
        &o,
        &[
            (
                Some("run.data.metrics[0] (bias.age_band.selection_rate)"),
                "a bias metric is named bias.<attribute>.<segment>.<metric>",
            ),
            (
                Some("run.data.metrics[1] (bias.region.north.parity)"),
                "\"parity\" is not a bias metric",
            ),
        ],
    );
    mlflow_refused(
        &mlflow_run(
            r#"{"key": "incumbent.auc", "value": 0.7}, {"key": "recall", "value": 0.7}"#,
            GOOD_TAGS,
        ),
        &o,
        &[(
            Some("run.data.metrics[0] (incumbent.auc)"),
            "has no metric \"auc\" of the new model",
        )],
    );
    mlflow_refused(
        &mlflow_run("", GOOD_TAGS),
        &o,
        &[(Some("run.data.metrics"), "the run logs no metrics")],
    );
}

// The gate.

struct Board {
    _dir: tempfile::TempDir,
    ws: Workspace,
    id: i64,
    ann: Signer,
    bob: Signer,
}

/// The test policy, system "Fraud Scorer" (high, staging, version 3.1), board "Model board"
/// (Ann legal, Bob compliance) and a pre-deployment rule for high risk (legal 1, compliance 1).
fn board() -> Board {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(&dir.path().join("data"));
    let ann = crate::support::signer(dir.path(), "Ann Legal", "Board member");
    let bob = crate::support::signer(dir.path(), "Bob Compliance", "Board member");
    ws.create_board("Model board").expect("board");
    for (name, role, s) in [
        ("Ann Legal", Role::Legal, &ann),
        ("Bob Compliance", Role::Compliance, &bob),
    ] {
        ws.add_board_member(
            "Model board",
            name,
            role,
            s.certificate_info().pem.as_bytes(),
        )
        .expect("member");
    }
    ws.save_rule(
        Gate::PreDeployment,
        RiskTier::High,
        "Model board",
        RuleSpec {
            roles: vec![
                RoleRequirement {
                    role: Role::Legal,
                    required: 1,
                },
                RoleRequirement {
                    role: Role::Compliance,
                    required: 1,
                },
            ],
            quorum: 2,
            valid_days: 14,
        },
    )
    .expect("rule");
    Board {
        _dir: dir,
        ws,
        id,
        ann,
        bob,
    }
}

impl Board {
    fn approve(&mut self, request: i64) {
        let file = self
            .ws
            .export_request(&request.to_string(), &self.ann)
            .expect("export");
        for (who, role) in [(&self.ann, Role::Legal), (&self.bob, Role::Compliance)] {
            let sig = sign_request(
                &file,
                "request.json",
                who,
                role,
                Decision::Approve,
                "",
                ctx().clock.now(),
            )
            .expect("signs");
            self.ws.import_signature(&sig, "sig.json").expect("imports");
        }
    }

    fn promote(&mut self) -> steward_core::Result<steward_core::register::AiSystem> {
        self.ws.set_stage(self.id, Stage::Production)
    }
}

fn gate_message(e: &Error) -> &str {
    match e.inner() {
        Error::Gate { message, .. } => message,
        other => panic!("a gate's refusal, not {other:?}"),
    }
}

#[test]
fn promotion_is_refused_while_evidence_is_missing_failing_or_out_of_date() {
    let mut b = board();
    assert!(
        b.ws.system_evidence("Fraud Scorer")
            .expect("evidence")
            .gated
    );
    let r =
        b.ws.create_request("Fraud Scorer", Gate::PreDeployment, None, None)
            .expect("request");
    assert!(
        r.request.snapshot.evidence.is_none(),
        "a system without evidence is signed as before evidence existed"
    );
    b.approve(r.id);
    let before = audit_len(&b.ws);
    let e = b.promote().expect_err("no evidence");
    assert_eq!(e.code(), "gate");
    let m = gate_message(&e);
    for want in [
        "Fraud Scorer cannot move from staging to production",
        "its validation evidence for model version 3.1 does not meet the evidence policy for risk tier high (missing)",
        "no holdout run for model version 3.1",
        "auc (at least 0.75) is not reported by any run",
        "the segments of age_band are not tested",
        &format!("request {} is approved, but it did not ask its board for an evidence exception", r.id),
    ] {
        assert!(m.contains(want), "names {want:?}: {m}");
    }
    assert_eq!(
        e.remedy(),
        Some(&Remedy::ProvideEvidence {
            system: "Fraud Scorer".into()
        })
    );
    assert_eq!(audit_len(&b.ws), before, "nothing was written");

    // Failing: a segment outside the four-fifths rule, named with its value and bound.
    b.ws.add_validation_run(run_draft(b.id, "2026-10-01", 0.81))
        .expect("run");
    b.ws.add_bias_result(bias_draft(b.id, "2026-10-01", 0.28, 0.4))
        .expect("result");
    let e = b.promote().expect_err("a failing segment");
    let m = gate_message(&e);
    assert!(
        m.contains("(not met): disparity ratio 0.7 is outside 0.8 to 1.25: selection rate of age_band 18-25 against 26-40 (2026-10-01)"),
        "{m}"
    );
    assert!(
        m.contains(&format!("request {} is stale", r.id)),
        "the evidence changed since the board signed: {m}"
    );

    // Out of date: evidence older than the policy's year, named with the date and the limit.
    let (mut ws2, id2) = {
        let d = tempfile::tempdir().expect("temp dir");
        let out = with_system(d.path());
        std::mem::forget(d);
        out
    };
    ws2.add_validation_run(run_draft(id2, "2025-10-01", 0.81))
        .expect("old run");
    let st = ws2
        .system_evidence("Fraud Scorer")
        .expect("evidence")
        .status;
    assert_eq!(st.state, EvidenceState::Missing, "age bands untested too");
    let holdout = st
        .checks
        .iter()
        .find(|c| c.subject == "holdout")
        .expect("holdout check");
    assert_eq!(holdout.outcome, EvidenceState::OutOfDate);
    assert!(
        holdout.message.contains("of 2025-10-01 is out of date: evidence may be at most 365 days old (from 2025-11-02 on)"),
        "{}",
        holdout.message
    );
}

#[test]
fn the_board_approves_an_exception_and_the_promotion_is_recorded_as_passing_by_it() {
    let mut b = board();
    b.ws.add_validation_run(run_draft(b.id, "2026-10-01", 0.81))
        .expect("run");
    b.ws.add_bias_result(bias_draft(b.id, "2026-10-01", 0.28, 0.4))
        .expect("result");
    let err =
        b.ws.request_evidence_exception("Fraud Scorer", None, "  ")
            .expect_err("a reason is needed");
    assert_eq!(err.code(), "validation");
    let reason = "18-25 applicants are referred to a person; the age model is retrained by Q1";
    let r =
        b.ws.request_evidence_exception("Fraud Scorer", None, reason)
            .expect("an exception request");
    let snap = &r.request.snapshot;
    assert_eq!(
        snap.evidence_exception().as_deref(),
        Some(reason),
        "the board signs the reason"
    );
    let evidence = snap
        .evidence
        .as_ref()
        .expect("the evidence is in the snapshot");
    assert_eq!(
        evidence["status"]["state"], "not_met",
        "and the status it approves"
    );
    assert_eq!(evidence["bias"][0]["ratio"], 0.7);
    assert_eq!(r.status, Status::Pending);
    // The views the screens read: typed, the evidence signed and its status now.
    let signed = r
        .evidence
        .as_ref()
        .expect("the evidence under review, typed");
    assert_eq!(
        (
            signed.status.state,
            signed.exception.as_deref(),
            signed.bias.len()
        ),
        (EvidenceState::NotMet, Some(reason), 1)
    );
    assert_eq!(
        r.evidence_now.as_ref().map(|s| s.state),
        Some(EvidenceState::NotMet)
    );
    let file =
        b.ws.export_request(&r.id.to_string(), &b.ann)
            .expect("export");
    let review = steward_core::api::signoff::review_request(&file, "request.json")
        .expect("the signer reads it");
    assert_eq!(
        review.evidence.as_ref(),
        Some(signed),
        "the signer's laptop reads the same evidence from the file"
    );

    b.approve(r.id);
    assert_eq!(
        b.ws.request(&r.id.to_string()).expect("view").status,
        Status::Approved,
        "approved, and not stale: the exception is part of what is compared"
    );
    let moved = b.promote().expect("passes by the exception");
    assert_eq!(moved.draft.stage, Stage::Production);
    let log = entries(&b.ws, "evidence_exception");
    assert_eq!(log.len(), 1, "the passage by exception is on record");
    let after = log[0].after.as_deref().unwrap_or_default();
    for want in [
        format!("\"reason\":\"{reason}\""),
        "\"evidence_status\":\"not_met\"".to_string(),
        format!("\"request\":{}", r.id),
        "disparity ratio 0.7 is outside 0.8 to 1.25".to_string(),
    ] {
        assert!(after.contains(&want), "{want} in {after}");
    }
    assert_eq!(log[0].entity_id, b.id.to_string());
    let v = b.ws.verify_audit().expect("verify");
    assert!(v.is_intact(), "{:#?}", v.state);
    assert!(
        v.state
            .not_comparable
            .iter()
            .any(|n| n.entity == "evidence_exception" && n.count == 1),
        "an event, said so: {:#?}",
        v.state.not_comparable
    );
}

#[test]
fn evidence_changing_after_the_exception_is_approved_withdraws_it() {
    let mut b = board();
    b.ws.add_bias_result(bias_draft(b.id, "2026-10-01", 0.28, 0.4))
        .expect("result");
    let r =
        b.ws.request_evidence_exception("Fraud Scorer", None, "referred to a person")
            .expect("request");
    b.approve(r.id);
    // Better evidence after the board signed: what it approved is no longer what is in force.
    b.ws.add_validation_run(run_draft(b.id, "2026-10-02", 0.81))
        .expect("run");
    let v = b.ws.request(&r.id.to_string()).expect("view");
    assert_eq!(v.status, Status::Stale);
    assert!(
        v.changes.iter().any(|c| c.field == "evidence.runs")
            && v.changes.iter().any(|c| c.field == "evidence.status"),
        "the changes name the evidence: {:#?}",
        v.changes
    );
    let e = b.promote().expect_err("stale: the gate stays shut");
    assert!(gate_message(&e).contains(&format!("request {} is stale", r.id)));
    assert!(entries(&b.ws, "evidence_exception").is_empty());
}

#[test]
fn evidence_that_meets_the_policy_opens_the_gate_and_needs_no_exception() {
    let mut b = board();
    b.ws.add_validation_run(run_draft(b.id, "2026-10-01", 0.81))
        .expect("run");
    b.ws.add_bias_result(bias_draft(b.id, "2026-10-01", 0.36, 0.4))
        .expect("result");
    let err =
        b.ws.request_evidence_exception("Fraud Scorer", None, "just in case")
            .expect_err("no exception needed");
    assert!(
        err.to_string()
            .contains("meets the policy for risk tier high"),
        "{err}"
    );
    let r =
        b.ws.create_request("Fraud Scorer", Gate::PreDeployment, None, None)
            .expect("request");
    assert_eq!(
        r.request
            .snapshot
            .evidence
            .as_ref()
            .map(|e| e["status"]["state"].clone()),
        Some("met".into()),
        "the board sees the evidence and its status"
    );
    b.approve(r.id);
    b.promote().expect("met and approved");
    assert!(
        entries(&b.ws, "evidence_exception").is_empty(),
        "no exception"
    );
}

#[test]
fn without_a_pre_deployment_rule_the_evidence_does_not_block() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(dir.path());
    let e = ws.system_evidence("Fraud Scorer").expect("evidence");
    assert!(!e.gated && e.status.state == EvidenceState::Missing);
    ws.set_stage(id, Stage::Production)
        .expect("no board, no rule: the gate is open, the status is shown");
}

#[test]
fn an_import_that_moves_a_system_to_production_passes_the_same_gate() {
    let mut b = board();
    let r =
        b.ws.create_request("Fraud Scorer", Gate::PreDeployment, None, None)
            .expect("request");
    b.approve(r.id);
    let register = json_file(
        b._dir.path(),
        "register.csv",
        "Name,Business unit,Owner,Stage,Risk tier,Deployment date,Model version\n\
         Fraud Scorer,Retail,Ann Owner,production,high,2026-11-02,3.1\n",
    );
    let problems = match b.ws.import_systems(&register, true) {
        Err(Error::Import { problems }) => problems,
        other => panic!("refused in the dry run, not {other:?}"),
    };
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].column.as_deref() == Some("D (Stage)")
            && problems[0]
                .message
                .contains("does not meet the evidence policy"),
        "located at the stage cell: {:?}",
        problems[0]
    );
}

#[test]
fn audit_verify_compares_runs_bias_results_and_the_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, id) = with_system(dir.path());
    ws.add_validation_run(run_draft(id, "2026-10-01", 0.81))
        .expect("run");
    ws.add_validation_run({
        let mut d = run_draft(id, "2026-10-02", 0.8);
        d.dataset = "second".into();
        d
    })
    .expect("run");
    ws.add_bias_result(bias_draft(id, "2026-10-01", 0.36, 0.4))
        .expect("result");
    let v = ws.verify_audit().expect("verify");
    assert!(
        v.is_intact() && v.state.findings.is_empty(),
        "{:#?}",
        v.state
    );
    drop(ws);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open behind Steward's back");
    conn.execute_batch(
        "UPDATE evidence_runs SET metrics = '[{\"name\":\"AUC\",\"value\":0.95}]' WHERE id = 1;
         DELETE FROM evidence_runs WHERE id = 2;
         UPDATE evidence_bias SET ratio = 1.0 WHERE id = 1;
         INSERT INTO evidence_bias (system_id, model_version, result_date, attribute, segment,
            metric, reference, ratio, recorded_at, recorded_by)
            VALUES (1, '3.1', '2026-10-03', 'region', 'north', 'selection_rate', 'south', 1.0,
            '2026-11-02T09:30:00Z', 'nobody');
         UPDATE settings SET value = '[high]' WHERE key = 'evidence_policy';",
    )
    .expect("tampering SQL runs");
    drop(conn);
    let v = workspace(dir.path()).verify_audit().expect("verify");
    let got: Vec<(&str, StateProblem, Vec<&str>)> = v
        .state
        .findings
        .iter()
        .map(|f| {
            (
                f.entity.as_str(),
                f.problem,
                f.fields.iter().map(|x| x.field.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("evidence_run", StateProblem::Changed, vec!["metrics"]),
            ("evidence_run", StateProblem::Missing, vec![]),
            ("evidence_bias", StateProblem::Changed, vec!["ratio"]),
            ("evidence_bias", StateProblem::Unlogged, vec![]),
            ("evidence_policy", StateProblem::Changed, vec!["value"]),
        ],
        "{:#?}",
        v.state.findings
    );
    let names: Vec<&str> = v.state.findings.iter().map(|f| f.name.as_str()).collect();
    assert!(
        names.contains(&"Fraud Scorer 3.1: holdout run of 2026-10-01")
            && names.contains(&"Fraud Scorer 3.1: selection rate of region north of 2026-10-03"),
        "records named as the audit screen names them: {names:?}"
    );
}

#[test]
fn migration_0013_upgrades_a_schema_12_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 12));
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    let old = ws.system(1).expect("kept");
    assert_eq!(
        (old.draft.name.as_str(), old.draft.model_version.as_str()),
        ("Copilot", ""),
        "a system of schema 12 is kept, with no model version"
    );
    let mut d = old.draft.clone();
    d.deployment_date = Some(day("2025-01-01"));
    d.model_version = "1.4".into();
    // Copilot is in production: a new version is a major change, and no rule governs it here.
    ws.update_system(1, d)
        .expect("the upgraded schema takes a version");
    let mut run = run_draft(1, "2026-10-01", 0.8);
    run.model_version = "1.4".into();
    ws.add_validation_run(run).expect("and evidence");
    let e = ws.system_evidence("Copilot").expect("evidence");
    assert_eq!(e.runs.len(), 1);
    assert!(ws.verify_audit().expect("verify").is_intact());
}
