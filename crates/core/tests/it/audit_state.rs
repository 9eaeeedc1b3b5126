//! `audit verify` against the records: changes made with plain SQL behind Steward's back, to
//! several kinds of record, each reported naming the record and the field, with the value the
//! log recorded and the value stored.

use rusqlite::Connection;
use steward_core::api::{AuditVerification, Workspace, DB_FILE};
use steward_core::audit::state::{StateFinding, StateProblem};

use crate::support::workspace;

fn sample(dir: &std::path::Path) -> Workspace {
    let mut ws = workspace(dir);
    steward_core::demo::populate(&mut ws).expect("the sample portfolio");
    ws
}

/// A copy of the sample portfolio's workspace in `dir`, made once for the whole binary.
fn sample_copy(dir: &std::path::Path) {
    static SAMPLE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let made = SAMPLE.get_or_init(|| {
        let d = tempfile::tempdir().expect("temp dir");
        drop(sample(d.path()));
        d
    });
    std::fs::copy(made.path().join(DB_FILE), dir.join(DB_FILE)).expect("copy the sample");
}

fn verify(dir: &std::path::Path) -> AuditVerification {
    workspace(dir).verify_audit().expect("verify runs")
}

/// Makes the sample portfolio, applies `tamper` with plain SQL (as sqlite3 would), and checks
/// that `audit verify` reports exactly the `expected` records (kind, problem, fields that
/// differ) and that the chain itself still holds. Returns the findings for the callers' names.
fn check(tamper: &str, expected: &[(&str, StateProblem, &[&str])]) -> Vec<StateFinding> {
    let dir = tempfile::tempdir().expect("temp dir");
    sample_copy(dir.path());
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open behind Steward's back");
    conn.execute_batch(tamper).expect("tampering SQL runs");
    drop(conn);
    let v = verify(dir.path());
    assert!(
        v.chain.is_intact(),
        "the log itself is untouched: {:?}",
        v.chain
    );
    let got: Vec<(String, StateProblem, Vec<String>)> = v
        .state
        .findings
        .iter()
        .map(|f| {
            (
                f.entity.clone(),
                f.problem,
                f.fields.iter().map(|x| x.field.clone()).collect(),
            )
        })
        .collect();
    let want: Vec<(String, StateProblem, Vec<String>)> = expected
        .iter()
        .map(|(e, p, fs)| {
            (
                e.to_string(),
                *p,
                fs.iter().map(|f| f.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got, want,
        "findings after {tamper:?}: {:#?}",
        v.state.findings
    );
    assert!(!v.is_intact(), "a state finding fails the verification");
    v.state.findings
}

fn field<'a>(f: &'a StateFinding, name: &str) -> (&'a str, &'a str) {
    let x = f
        .fields
        .iter()
        .find(|x| x.field == name)
        .unwrap_or_else(|| panic!("{name} is named in {f:?}"));
    (
        x.logged.as_deref().unwrap_or("nothing"),
        x.stored.as_deref().unwrap_or("nothing"),
    )
}

#[test]
fn the_sample_portfolio_is_as_its_log_says() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(sample(dir.path()));
    let v = verify(dir.path());
    assert!(
        v.state.findings.is_empty() && v.state.not_comparable.is_empty(),
        "every record of every kind the sample writes is what its entry logged, and all of \
         them are compared: {:#?}",
        v.state
    );
    assert!(v.is_intact(), "chain, state and seals hold: {v:#?}");
    assert!(
        v.state.records > 500,
        "the sample's records are compared: {}",
        v.state.records
    );
}

#[test]
fn a_risk_tier_changed_with_sql_is_named_with_both_values() {
    let f = check(
        "UPDATE systems SET risk_tier = 'low' WHERE name = 'Card Fraud Detector'",
        &[("system", StateProblem::Changed, &["risk_tier"])],
    );
    assert_eq!(f[0].name, "Card Fraud Detector", "the record by its name");
    assert_eq!(
        f[0].entity_label, "AI system",
        "its kind as the audit screen shows it"
    );
    assert_eq!(
        field(&f[0], "risk_tier"),
        (r#""high""#, r#""low""#),
        "what the log says it became, and what is stored"
    );
    assert!(
        f[0].message
            .contains("risk_tier: logged \"high\", stored \"low\""),
        "the message says it: {}",
        f[0].message
    );
}

#[test]
fn a_measurement_changed_with_sql_is_named() {
    let f = check(
        "UPDATE measurements SET value = 99.5
         WHERE kpi_id = (SELECT min(kpi_id) FROM measurements)
           AND period_index = (SELECT max(period_index) FROM measurements
                               WHERE kpi_id = (SELECT min(kpi_id) FROM measurements))",
        &[("measurement", StateProblem::Changed, &["value"])],
    );
    assert_eq!(field(&f[0], "value").1, "99.5", "the stored value");
    assert!(
        f[0].name.contains(", 20"),
        "named by its KPI and period: {}",
        f[0].name
    );
}

#[test]
fn a_deleted_record_is_named_from_what_the_log_recorded() {
    let f = check(
        "DELETE FROM tco_scenario_systems WHERE scenario_id = (SELECT min(id) FROM tco_scenarios);
         DELETE FROM tco_scenarios WHERE id = (SELECT min(id) FROM tco_scenarios)",
        &[("tco_scenario", StateProblem::Missing, &[])],
    );
    assert!(
        !f[0].name.is_empty() && !f[0].name.starts_with("TCO scenario "),
        "named by the scenario's name the log recorded: {}",
        f[0].name
    );
    assert!(f[0].seq.is_some(), "the entry that says it exists is named");
}

#[test]
fn a_record_inserted_with_no_entry_is_named() {
    let f = check(
        "INSERT INTO systems (name, business_unit, owner, sourcing, stage, regulated_domain,
            risk_tier, data_sensitivity, created_at, updated_at)
         VALUES ('Shadow Model', 'Retail', 'Mallory', 'in_house', 'production', 'none', 'low',
            'internal', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        &[("system", StateProblem::Unlogged, &[])],
    );
    assert_eq!(f[0].name, "Shadow Model", "named by its stored name");
    assert_eq!(f[0].seq, None, "no entry speaks of it");
}

#[test]
fn nested_and_joined_documents_are_compared_field_by_field() {
    // A review's header is a document inside the review: the field is named inside it.
    let f = check(
        "UPDATE reviews SET header = json_set(header, '$.chair', 'Mallory')
         WHERE id = (SELECT min(id) FROM reviews)",
        &[("review", StateProblem::Changed, &["header.chair"])],
    );
    assert!(
        f[0].name.starts_with("Review "),
        "named by its period: {}",
        f[0].name
    );
    // A system renamed through Steward is no change to the records that show its name.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = sample(dir.path());
    let s = ws
        .find_system("Card Fraud Detector")
        .expect("a sample system");
    let mut d = s.draft.clone();
    d.name = "Card Fraud Detector v2".into();
    ws.update_system(s.id, d).expect("rename");
    let v = ws.verify_audit().expect("verify");
    assert!(
        v.state.findings.is_empty(),
        "escalations, actions and scenarios show the new name: {:#?}",
        v.state.findings
    );
}

#[test]
fn boards_decisions_signatures_and_settings_are_checked() {
    check(
        "UPDATE signoff_members SET role = 'business_owner'
         WHERE rowid = (SELECT min(rowid) FROM signoff_members WHERE role <> 'business_owner')",
        &[("signoff_board", StateProblem::Changed, &["members"])],
    );
    check(
        "UPDATE review_decisions SET doc = json_set(doc, '$.rationale', 'Rewritten')
         WHERE rowid = (SELECT min(rowid) FROM review_decisions)",
        &[("review_decision", StateProblem::Changed, &["rationale"])],
    );
    let f = check(
        "UPDATE signoff_signatures SET statement = json_set(statement, '$.conditions', 'None at all')
         WHERE id = (SELECT min(id) FROM signoff_signatures)",
        &[("signoff_request", StateProblem::Changed, &["conditions"])],
    );
    assert!(
        f[0].name.contains(": signature of "),
        "a signature is named by its request and signer: {}",
        f[0].name
    );
    check(
        "UPDATE escalations SET state = 'resolved' WHERE id = (SELECT min(id) FROM escalations)",
        &[("escalation", StateProblem::Changed, &["state"])],
    );
    check(
        "DELETE FROM kpi_links WHERE id = (SELECT min(id) FROM kpi_links)",
        &[("kpi_link", StateProblem::Missing, &[])],
    );
    check(
        "UPDATE assessments SET decision_reason = 'Because' WHERE id = (SELECT min(id) FROM assessments WHERE status = 'complete')",
        &[("assessment", StateProblem::Changed, &["decision_reason"])],
    );
    check(
        "INSERT INTO settings (key, value) VALUES ('calendar_rules', '[review]\nevery_months = 1')",
        &[("calendar_rules", StateProblem::Unlogged, &[])],
    );
}

#[test]
fn a_record_deleted_through_steward_and_put_back_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = sample(dir.path());
    ws.set_calendar_rules(Some("[portfolio_review]\n"), "test")
        .expect("set rules");
    ws.set_calendar_rules(None, "test").expect("reset rules");
    drop(ws);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('calendar_rules', '[portfolio_review]\n')",
        [],
    )
    .expect("put back");
    drop(conn);
    let v = verify(dir.path());
    let got: Vec<(&str, StateProblem)> = v
        .state
        .findings
        .iter()
        .map(|f| (f.entity.as_str(), f.problem))
        .collect();
    assert_eq!(
        got,
        [("calendar_rules", StateProblem::NotDeleted)],
        "the log says the override was removed: {:#?}",
        v.state.findings
    );
}

#[test]
fn a_model_card_revision_changed_deleted_or_slipped_in_with_sql_is_named() {
    // A revision's text rewritten: the field, named on the card's revision.
    let f = check(
        "UPDATE model_cards SET fields = json_set(fields, '$.limitations', 'None known.')
         WHERE revision = 1 AND system_id = (SELECT id FROM systems
                                             WHERE name = 'Credit Default Scorer')",
        &[("model_card", StateProblem::Changed, &["limitations"])],
    );
    assert_eq!(
        (f[0].name.as_str(), f[0].entity_label.as_str()),
        ("Credit Default Scorer, version 3.2", "Model card"),
        "named by its system and model version"
    );
    assert_eq!(
        field(&f[0], "limitations").1,
        "\"None known.\"",
        "the text stored now"
    );
    // A revision deleted: the log says it was saved.
    check(
        "DELETE FROM model_cards WHERE revision = 2",
        &[("model_card", StateProblem::Missing, &[])],
    );
    // A revision added behind Steward's back: no entry speaks of it.
    let f = check(
        "INSERT INTO model_cards (system_id, model_version, revision, fields, saved_at, saved_by)
         SELECT system_id, model_version, 3, fields, saved_at, 'Mallory' FROM model_cards
         WHERE revision = 2",
        &[("model_card", StateProblem::Unlogged, &[])],
    );
    assert_eq!(
        f[0].name, "Credit Default Scorer, version 3.2",
        "named by its card"
    );
}
