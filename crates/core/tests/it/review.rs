//! The quarterly portfolio review through the API: scorecards, freeze, decisions, actions on the
//! calendar and carried over, the decision register and quarter-over-quarter comparison.

use chrono::NaiveDate;
use steward_core::api::kpi::MeasurementInput;
use steward_core::api::review::{ActionInput, Attendee, DecisionInput, ReviewDraft, ReviewScope};
use steward_core::api::{AuditQuery, Workspace};
use steward_core::kpi::{Cadence, Direction, KpiDraft, KpiKind};
use steward_core::register::Stage;
use steward_core::review::{Disposition, ReviewState};
use steward_core::Error;

use crate::support::{draft, workspace};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn review_draft(period: &str, held_on: NaiveDate) -> ReviewDraft {
    ReviewDraft {
        period: period.into(),
        title: String::new(),
        held_on,
        chair: "Dana Chair".into(),
        attendees: vec![
            Attendee {
                name: "Eve Risk".into(),
                role: "Chief risk officer".into(),
            },
            Attendee {
                name: "Finn Data".into(),
                role: "Head of data science".into(),
            },
        ],
        scope: ReviewScope::default(),
    }
}

fn measure(ws: &mut Workspace, kpi_id: i64, period: &str, value: f64) {
    ws.record_measurement(MeasurementInput {
        kpi_id,
        period: period.into(),
        value,
        source: "test".into(),
        note: String::new(),
    })
    .unwrap_or_else(|e| panic!("{period} = {value}: {e}"));
}

/// A production model whose AUC breached through Q3 2026 and that was last retrained in
/// December 2025 (the rules recommend retraining it), and a proposal with no scores yet.
struct Portfolio {
    ws: Workspace,
    churn: i64,
    auc: i64,
    triage: i64,
}

fn portfolio(dir: &std::path::Path) -> Portfolio {
    let mut ws = workspace(dir);
    let mut d = draft("Churn Predictor");
    d.stage = Stage::Production;
    d.deployment_date = Some(day(2025, 3, 1));
    d.last_retrained = Some(day(2025, 12, 1));
    d.sponsor = "Gail Sponsor".into();
    let churn = ws.add_system(d).expect("churn").id;
    let mut p = draft("Claims Triage");
    p.annual_value = Some(250_000.0);
    let triage = ws.add_system(p).expect("proposal").id;
    let auc = ws
        .add_kpi(KpiDraft {
            system_id: churn,
            name: "AUC".into(),
            kind: KpiKind::ModelMetric,
            unit: "points".into(),
            direction: Direction::HigherIsBetter,
            target: 80.0,
            warning: 76.0,
            breach: 72.0,
            cadence: Cadence::Monthly,
        })
        .expect("kpi")
        .id;
    for (period, v) in [("2026-07", 71.0), ("2026-08", 70.0), ("2026-09", 69.5)] {
        measure(&mut ws, auc, period, v);
    }
    Portfolio {
        ws,
        churn,
        auc,
        triage,
    }
}

fn item(
    v: &steward_core::api::review::ReviewView,
    id: i64,
) -> &steward_core::api::review::ReviewItem {
    v.items
        .iter()
        .find(|i| i.scorecard.system_id == id)
        .expect("the system is in scope")
}

fn field_errors(e: Error) -> Vec<String> {
    match e {
        Error::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn a_draft_scores_live_and_recommends_with_the_inputs_that_fired() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    let v =
        p.ws.create_review(&review_draft("2026-q3", day(2026, 10, 15)))
            .expect("a draft");
    assert_eq!(v.state, ReviewState::Draft);
    assert_eq!(v.header.period, "2026-Q3", "the quarter is written one way");
    assert_eq!(
        v.header.title, "Portfolio review 2026-Q3",
        "a default title"
    );
    let churn = item(&v, p.churn);
    let c = &churn.scorecard;
    assert_eq!(
        c.kpi_attainment,
        Some(0.0),
        "no measurement of the quarter was on target"
    );
    assert_eq!(c.measurements, 3);
    assert_eq!(c.breach_months, 3);
    assert_eq!(c.worst_kpi.as_deref(), Some("AUC"));
    assert_eq!(c.months_since_retrain, Some(10));
    assert_eq!(c.sponsor, "Gail Sponsor");
    assert_eq!(
        c.run_cost, None,
        "no TCO scenario is tied to it: missing, not zero"
    );
    assert_eq!(c.roi, None);
    let r = churn.recommendation.as_ref().expect("a rule fires");
    assert_eq!(
        (r.disposition, r.rule.as_str()),
        (Disposition::Retrain, "performance-decay")
    );
    assert!(
        r.because
            .iter()
            .any(|b| b.text == "the longest breach run is 3 (the rule: at least 3)"),
        "{:?}",
        r.because
    );
    let triage = item(&v, p.triage);
    assert_eq!(
        triage.scorecard.proposal_score, None,
        "no cost, readiness or alignment yet"
    );
    assert_eq!(
        triage.recommendation.as_ref().map(|r| r.rule.as_str()),
        Some("proposal-unscored")
    );
}

#[test]
fn a_frozen_review_keeps_its_inputs_and_shows_what_changed_since() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("draft");
    let frozen = p.ws.freeze_review("2026-Q3").expect("freeze");
    assert_eq!(frozen.state, ReviewState::Frozen);
    let hash = frozen
        .snapshot_hash
        .clone()
        .expect("a frozen review has a hash");
    assert_eq!(hash.len(), 64, "SHA-256 hex: {hash}");
    assert_eq!(frozen.frozen_by.as_deref(), Some("tester"));
    assert!(item(&frozen, p.churn).changed_since_freeze.is_empty());

    // The September value is corrected after the freeze.
    measure(&mut p.ws, p.auc, "2026-09", 85.0);
    let after = p.ws.review("2026-Q3").expect("read");
    let churn = item(&after, p.churn);
    assert_eq!(
        churn.scorecard.kpi_attainment,
        Some(0.0),
        "the frozen scorecard never changes"
    );
    assert_eq!(after.snapshot_hash.as_deref(), Some(hash.as_str()));
    assert!(
        churn
            .changed_since_freeze
            .contains(&"kpi_attainment".to_string()),
        "the board sees which inputs moved: {:?}",
        churn.changed_since_freeze
    );
    assert!(item(&after, p.triage).changed_since_freeze.is_empty());

    let again = p.ws.freeze_review("2026-Q3").expect_err("frozen once");
    assert_eq!(again.code(), "conflict", "{again}");
    let edit =
        p.ws.update_review("2026-Q3", &review_draft("2026-Q3", day(2026, 10, 20)))
            .expect_err("a frozen header does not change");
    assert_eq!(edit.code(), "conflict", "{edit}");
    let log =
        p.ws.audit_log(&AuditQuery {
            entity: Some("review".into()),
            ..AuditQuery::default()
        })
        .expect("log")
        .into_entries();
    assert!(
        log.iter()
            .any(|e| e.action == "freeze" && e.after.as_deref().is_some_and(|a| a.contains(&hash))),
        "the freeze is audited with the snapshot's hash"
    );
}

#[test]
fn decisions_need_a_rationale_to_override_and_complete_the_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("draft");
    let early =
        p.ws.decide(
            "2026-Q3",
            "Churn Predictor",
            &decision(Disposition::Retrain, ""),
        )
        .expect_err("a draft is not decided on");
    assert_eq!(early.code(), "conflict");
    p.ws.freeze_review("2026-Q3").expect("freeze");

    let e =
        p.ws.decide(
            "2026-Q3",
            "Churn Predictor",
            &decision(Disposition::Retain, ""),
        )
        .expect_err("an override needs a rationale");
    assert_eq!(field_errors(e), ["rationale"]);
    let e =
        p.ws.decide(
            "2026-Q3",
            "Claims Triage",
            &decision(Disposition::Retrain, "x"),
        )
        .expect_err("a proposal is funded, deferred or rejected");
    assert_eq!(field_errors(e), ["decision"]);

    let mut keep = decision(Disposition::Retain, "A new model ships in November");
    keep.dissent = vec!["Eve Risk".into()];
    let v =
        p.ws.decide("2026-Q3", "Churn Predictor", &keep)
            .expect("an override with a rationale");
    let d = item(&v, p.churn).decision.clone().expect("recorded");
    assert!(d.overrode, "retain overrides the recommended retrain");
    assert_eq!(d.recommendation, Some(Disposition::Retrain));
    assert_eq!(d.rule.as_deref(), Some("performance-decay"));
    assert_eq!(d.dissent, ["Eve Risk"]);
    assert_eq!(
        v.state,
        ReviewState::Frozen,
        "one system is still undecided"
    );

    let v =
        p.ws.decide(
            "2026-Q3",
            "Claims Triage",
            &decision(Disposition::Defer, ""),
        )
        .expect("following the recommendation needs no rationale");
    assert_eq!(
        v.state,
        ReviewState::Decided,
        "every system in scope is decided"
    );
    let register = p.ws.decision_register().expect("register");
    assert_eq!(register.len(), 2);
    assert!(register
        .iter()
        .all(|r| r.period == "2026-Q3" && r.snapshot_hash == v.snapshot_hash));
}

fn decision(d: Disposition, rationale: &str) -> DecisionInput {
    DecisionInput {
        decision: d,
        rationale: rationale.into(),
        dissent: Vec::new(),
        conditions: String::new(),
        budget: None,
    }
}

#[test]
fn actions_land_on_the_calendar_and_carry_over_until_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("draft");
    let a =
        p.ws.add_review_action(
            "2026-Q3",
            &ActionInput {
                system: "Churn Predictor".into(),
                title: "Retrain on the last 12 months".into(),
                owner: "Finn Data".into(),
                due: day(2026, 12, 1),
            },
        )
        .expect("action");
    let events = p.ws.calendar_events().expect("events");
    let ev = events
        .iter()
        .find(|e| e.uid == a.uid)
        .expect("the action is on the calendar");
    assert_eq!(ev.owner.as_deref(), Some("Finn Data"));
    assert!(ev.title.contains("Retrain on the last 12 months"));

    let next =
        p.ws.create_review(&review_draft("2026-Q4", day(2027, 1, 15)))
            .expect("next quarter");
    assert_eq!(
        next.carried_over.iter().map(|x| x.id).collect::<Vec<_>>(),
        [a.id],
        "an open action is the next review's first agenda item"
    );
    p.ws.mark_done(&a.uid, None, Some(day(2026, 11, 2)), "retrained")
        .expect("done on the calendar");
    let next = p.ws.review("2026-Q4").expect("read");
    assert!(next.carried_over.is_empty(), "a done action is not carried");
    let e =
        p.ws.add_review_action(
            "2026-Q4",
            &ActionInput {
                system: "Churn Predictor".into(),
                title: " ".into(),
                owner: String::new(),
                due: day(2027, 2, 1),
            },
        )
        .expect_err("an action needs a title and an owner");
    assert_eq!(field_errors(e), ["title", "owner"]);
}

#[test]
fn a_recommendation_that_disagrees_with_last_quarters_decision_is_flagged_and_compared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("draft");
    p.ws.freeze_review("2026-Q3").expect("freeze");
    p.ws.decide(
        "2026-Q3",
        "Churn Predictor",
        &decision(Disposition::Retain, "A new model ships in November"),
    )
    .expect("retain");
    // Q4: still in breach, so the rules still say retrain; last quarter the board retained it.
    measure(&mut p.ws, p.auc, "2026-10", 70.0);
    let q4 =
        p.ws.create_review(&review_draft("2026-Q4", day(2027, 1, 15)))
            .expect("Q4");
    let churn = item(&q4, p.churn);
    assert_eq!(
        churn
            .previous
            .as_ref()
            .map(|x| (x.period.as_str(), x.decision)),
        Some(("2026-Q3", Disposition::Retain))
    );
    assert!(churn.mismatch, "retrain now, retain last quarter: flagged");
    assert!(
        !item(&q4, p.triage).mismatch,
        "no decision last quarter, no flag"
    );

    let cmp = p.ws.compare_reviews("2026-Q3", "2026-Q4").expect("compare");
    let m = cmp
        .movements
        .iter()
        .find(|m| m.system_id == p.churn)
        .expect("in both");
    assert_eq!(
        m.before,
        Some(Disposition::Retain),
        "the decision where there is one"
    );
    assert_eq!(
        m.after,
        Some(Disposition::Retrain),
        "else the recommendation"
    );
    assert!(cmp.changed.iter().any(|m| m.system_id == p.churn));
    assert!(cmp.entered.is_empty() && cmp.left.is_empty());
}

#[test]
fn a_retire_decision_starts_the_decommissioning_checklist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("draft");
    p.ws.freeze_review("2026-Q3").expect("freeze");
    assert!(p.ws.checklist(p.churn).expect("checklist").is_empty());
    p.ws.decide(
        "2026-Q3",
        "Churn Predictor",
        &decision(Disposition::Retire, "Replaced by the new scoring platform"),
    )
    .expect("retire");
    assert!(
        !p.ws.checklist(p.churn).expect("checklist").is_empty(),
        "the retirement path starts with the checklist"
    );
    assert_eq!(
        p.ws.system(p.churn).expect("system").draft.stage,
        Stage::Deprecated,
        "a production system is deprecated first, so its users get notice"
    );
}

#[test]
fn a_bad_review_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = portfolio(dir.path());
    let mut d = review_draft("Q3 2026", day(2026, 10, 15));
    d.chair = " ".into();
    let e = p.ws.create_review(&d).expect_err("bad period and no chair");
    assert_eq!(field_errors(e), ["period", "chair"]);
    p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("first");
    let e =
        p.ws.create_review(&review_draft("2026-Q3", day(2026, 10, 16)))
            .expect_err("one review a quarter");
    assert_eq!(e.code(), "conflict");
    assert_eq!(
        p.ws.reviews().expect("list").len(),
        1,
        "the refused one wrote nothing"
    );
    let e = p.ws.review("2031-Q1").expect_err("no such review");
    assert_eq!(e.code(), "not_found");
}

#[test]
fn migration_0009_upgrades_a_schema_8_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 8));
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    let v = ws
        .create_review(&review_draft("2026-Q3", day(2026, 10, 15)))
        .expect("the upgraded schema keeps reviews");
    assert_eq!(
        v.items
            .iter()
            .map(|i| i.scorecard.system.as_str())
            .collect::<Vec<_>>(),
        ["Copilot"],
        "the system made under schema 8 is scored"
    );
    ws.freeze_review("2026-Q3").expect("and frozen");
}
