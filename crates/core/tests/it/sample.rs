//! The sample workspace looks lived in, whatever today is: its model reviews have been done
//! since deployment, only a few items are late and none by years, and every escalation on the
//! calendar is owned by a named person.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use steward_core::api::kpi::MeasurementInput;
use steward_core::api::{Context, Workspace};
use steward_core::calendar::{CalendarQuery, EventKind, EventState};
use steward_core::clock::FixedClock;
use steward_core::kpi::{level_name, period_label, Cadence};
use steward_core::register::{Stage, SystemQuery};

/// The days the sample is made on: the tests' usual day, today, and days across the year so
/// the due dates, which are relative to the day, fall differently (after the 14th, last
/// month's escalations are past due; late in a quarter, the last review's action is).
const DAYS: [(i32, u32, u32); 5] = [
    (2026, 11, 2),
    (2026, 12, 5),
    (2026, 12, 20),
    (2027, 5, 20),
    (2026, 2, 10),
];

/// At most this many items late on the sample's calendar (two model reviews, the open
/// escalations, the last review's action), each at most this many days late.
const FEW: usize = 5;
const LATEST: i64 = 100;

fn sample_on(dir: &std::path::Path, (y, m, d): (i32, u32, u32)) -> Workspace {
    let t = Utc
        .with_ymd_and_hms(y, m, d, 9, 30, 0)
        .single()
        .expect("valid time");
    let mut ws =
        crate::support::workspace_with(dir, Context::new("tester", Arc::new(FixedClock(t))));
    steward_core::demo::populate(&mut ws).expect("the sample portfolio");
    ws
}

fn overdue(ws: &Workspace) -> Vec<(String, NaiveDate, EventKind)> {
    ws.calendar(&CalendarQuery {
        overdue_only: true,
        ..Default::default()
    })
    .expect("the overdue view")
    .into_iter()
    .map(|o| (o.title, o.date, o.kind))
    .collect()
}

#[test]
fn few_items_are_late_and_none_by_years() {
    for day in DAYS {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = sample_on(dir.path(), day);
        let today = ws.context().clock.today();
        let late = overdue(&ws);
        assert!(
            late.len() <= FEW,
            "on {today} the sample has {} late items, a workspace nobody looks after: {late:?}",
            late.len()
        );
        for (title, date, _) in &late {
            let days = (today - *date).num_days();
            assert!(
                (1..=LATEST).contains(&days),
                "on {today}, {title} is {days} days late: a sample item is late by weeks, \
                 never years"
            );
        }
        let reviews = late
            .iter()
            .filter(|o| o.2 == EventKind::ModelReview)
            .count();
        assert!(
            reviews <= 2,
            "on {today}, {reviews} model reviews are late; the sample leaves two at most: {late:?}"
        );
        assert!(
            !late.iter().any(|o| o.2 == EventKind::PortfolioReview),
            "on {today}, every quarterly portfolio review up to today was held: {late:?}"
        );
    }
}

#[test]
fn every_system_in_service_has_its_model_reviews_done_since_deployment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample_on(dir.path(), DAYS[1]);
    let today = ws.context().clock.today();
    let rules = ws.calendar_rules().expect("rules");
    let reviews = ws
        .calendar(&CalendarQuery {
            kinds: vec![EventKind::ModelReview],
            from: Some(NaiveDate::MIN),
            to: Some(today),
            ..Default::default()
        })
        .expect("the model reviews up to today");
    let systems = ws
        .list_systems(&SystemQuery::default())
        .expect("the register");
    let mut in_service = 0;
    for s in systems
        .iter()
        .filter(|s| matches!(s.draft.stage, Stage::Production | Stage::Deprecated))
    {
        let Some(deployed) = s.draft.deployment_date else {
            continue;
        };
        in_service += 1;
        let done: Vec<_> = reviews
            .iter()
            .filter(|o| o.system_id == Some(s.id) && o.state == EventState::Done)
            .collect();
        let months = i64::from(rules.model_review_months(s.draft.risk_tier));
        // Each review is done at most three weeks after it falls due, so over the years since
        // deployment at least this many have fallen due and been done (the last may be late).
        let periods = (today - deployed).num_days() / (months * 31 + 21);
        assert!(
            done.len() as i64 >= periods - 1,
            "{}: deployed {deployed}, reviewed every {months} months, {} reviews done",
            s.draft.name,
            done.len()
        );
        for o in &done {
            let on: NaiveDate = o
                .done_at
                .as_deref()
                .and_then(|d| d.parse().ok())
                .expect("a done review has its day");
            let late = (on - o.date).num_days();
            assert!(
                (-7..=21).contains(&late) && on < today,
                "{}: the review due {} was done on {on}, within a week early and three weeks \
                 late",
                s.draft.name,
                o.date
            );
            assert_eq!(
                o.done_by.as_deref(),
                Some(s.draft.technical_lead.as_str()),
                "{}: its technical lead filed the review",
                s.draft.name
            );
        }
    }
    assert!(in_service >= 20, "the sample has systems in service");
}

/// Every escalation's calendar event: (system, level, owner).
fn escalation_owners(ws: &Workspace) -> Vec<(String, String, String)> {
    ws.calendar(&CalendarQuery {
        kinds: vec![EventKind::Escalation],
        from: Some(NaiveDate::MIN),
        to: Some(NaiveDate::from_ymd_opt(2100, 1, 1).expect("date")),
        ..Default::default()
    })
    .expect("the escalations on the calendar")
    .into_iter()
    .map(|o| {
        (
            o.system.unwrap_or_default(),
            o.title,
            o.owner.unwrap_or_default(),
        )
    })
    .collect()
}

#[test]
fn every_escalation_level_is_owned_by_a_named_person() {
    let roles = [level_name(1), level_name(2), level_name(3)];
    for day in DAYS {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = sample_on(dir.path(), day);
        let today = ws.context().clock.today();
        // The churn model's AUC stays in breach this month too: its escalation rises a level,
        // to the portfolio board, whatever level it had reached.
        let auc = ws
            .find_kpi("Customer Churn Predictor", "AUC")
            .expect("the churn model's AUC");
        let this_month = today.year() * 12 + today.month0() as i32;
        ws.record_measurement(MeasurementInput {
            kpi_id: auc.id,
            period: period_label(this_month, Cadence::Monthly),
            value: 50.0,
            source: "monitoring pipeline".into(),
            note: String::new(),
        })
        .expect("this month's AUC");
        let owners = escalation_owners(&ws);
        assert!(
            owners.len() >= 3,
            "on {today} the sample has escalations: {owners:?}"
        );
        for (system, title, owner) in &owners {
            assert!(
                !roles.contains(&owner.as_str()) && owner.split_whitespace().count() >= 2,
                "on {today}, {title} is owned by {owner:?}, not a person by name"
            );
            let s = ws.find_system(system).expect("the escalation's system");
            let expected = if title.contains("level 1 ") {
                s.draft.owner.clone()
            } else if title.contains("level 2 ") {
                s.draft.sponsor.clone()
            } else {
                "Margaret Osei".to_string()
            };
            assert_eq!(
                owner, &expected,
                "on {today}, {title}: level 1 goes to the owner, 2 to the sponsor, 3 to the \
                 chair of the portfolio board"
            );
        }
        assert!(
            owners
                .iter()
                .any(|(_, t, o)| t.contains("level 3 ") && o == "Margaret Osei"),
            "on {today}, a level-3 escalation goes to the board's chair: {owners:?}"
        );
    }
}

#[test]
fn every_production_system_has_evidence_whose_status_the_sample_shows() {
    use steward_core::evidence::EvidenceState::{Met, Missing, NotMet, NotRequired, OutOfDate};
    for day in [DAYS[0], DAYS[4]] {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = sample_on(dir.path(), day);
        assert_eq!(
            ws.evidence_policy_in_force().expect("policy").origin,
            steward_core::api::review_rules::RulesOrigin::Workspace,
            "the sample's own policy is in force"
        );
        let all = ws.evidence_statuses().expect("statuses");
        for s in all.iter().filter(|s| s.stage == Stage::Production) {
            assert!(
                s.runs > 0 && !s.model_version.is_empty(),
                "{} has a model version and evidence for it on {day:?}",
                s.system
            );
        }
        let state = |name: &str| {
            all.iter()
                .find(|s| s.system == name)
                .map(|s| s.state)
                .unwrap_or_else(|| panic!("{name} is in the sample"))
        };
        for (name, expected) in [
            ("Credit Default Scorer", Met),
            ("Card Fraud Detector", Met),
            ("Claims Fraud Network", Met),
            ("Customer Churn Predictor", Met),
            ("Complaint Classifier", NotRequired),
            ("Mortgage Affordability Model", NotMet),
            ("Motor Pricing GLM", OutOfDate),
            ("Liquidity Stress Forecaster", Missing),
        ] {
            assert_eq!(state(name), expected, "{name} on {day:?}");
        }
        let mortgage = ws
            .system_evidence("Mortgage Affordability Model")
            .expect("evidence");
        assert!(
            mortgage.status.failing().iter().any(|f| f.contains(
                "disparity ratio 0.74 is outside 0.8 to 1.25: selection rate of age_band 18-25"
            )),
            "one system fails the fairness bound: {:?}",
            mortgage.status.failing()
        );
        let card = ws.system_evidence("Card Fraud Detector").expect("evidence");
        assert_eq!(
            card.comparisons.len(),
            1,
            "one system has a shadow comparison with its incumbent"
        );
        assert_eq!(card.comparisons[0].incumbent, "Card Fraud Detector 5.1");
    }
}

#[test]
fn the_long_format_example_imports_into_the_sample() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = sample_on(dir.path(), DAYS[0]);
    let example = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/evidence/long-format-example.csv"
    ));
    let plan = ws
        .import_evidence(example, &Default::default(), false)
        .expect("the README's example imports into the sample");
    assert_eq!(
        (plan.runs_added, plan.bias_added, plan.replaced.len()),
        (3, 3, 0),
        "{plan:#?}"
    );
    let e = ws
        .system_evidence("Claims Fraud Network")
        .expect("evidence");
    assert_eq!(
        e.comparisons.len(),
        1,
        "a shadow comparison with the rules engine"
    );
}
