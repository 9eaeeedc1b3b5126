//! The lifecycle calendar: rules as data-driven cases, then the workspace operations
//! (milestones, marking done, the decommissioning checklist gating retirement, iCalendar).

use chrono::NaiveDate;
use steward_core::calendar::derive::StoredMilestone;
use steward_core::calendar::{
    derive_events, occurrences, CalendarQuery, Completion, EventKind, EventState, Inputs,
    ItemState, Milestone, MilestoneKind, Rules,
};
use steward_core::register::*;

use crate::support::{draft, workspace};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn system(id: i64, tier: RiskTier, stage: Stage, deployed: Option<&str>) -> AiSystem {
    let mut dr = draft(&format!("System {id}"));
    dr.risk_tier = tier;
    dr.stage = stage;
    dr.deployment_date = deployed.map(d);
    AiSystem {
        id,
        draft: dr,
        created_at: "2024-01-01T00:00:00Z".into(),
        updated_at: "2024-01-01T00:00:00Z".into(),
    }
}

fn done(uid: &str, occurrence: &str, on: &str) -> Completion {
    Completion {
        uid: uid.into(),
        occurrence: d(occurrence),
        done_on: d(on),
        done_by: "Rita Reviewer".into(),
        recorded_at: format!("{on}T12:00:00Z"),
        note: String::new(),
    }
}

/// The dates and states of one kind of event for one system, from `from` to `to`.
fn dates(
    systems: &[AiSystem],
    completions: &[Completion],
    kind: EventKind,
    today: &str,
    to: &str,
) -> Vec<(String, EventState)> {
    let rules = Rules::default_rules();
    let events = derive_events(&Inputs {
        workspace_id: "ws",
        systems,
        milestones: &[],
        checklist: &[],
        completions,
        escalations: &[],
        actions: &[],
        board_chair: None,
        rules: &rules,
    });
    let q = CalendarQuery {
        to: Some(d(to)),
        kinds: vec![kind],
        ..Default::default()
    };
    occurrences(&events, completions, &q, d(today))
        .into_iter()
        .map(|o| (o.date.to_string(), o.state))
        .collect()
}

#[test]
fn model_review_intervals_as_cases() {
    use EventState::*;
    use RiskTier::*;
    struct Case {
        name: &'static str,
        tier: RiskTier,
        deployed: &'static str,
        completions: Vec<(&'static str, &'static str)>,
        today: &'static str,
        to: &'static str,
        want: Vec<(&'static str, EventState)>,
    }
    let cases = vec![
        Case {
            name: "high risk: every 6 months from deployment; a missed one is overdue",
            tier: High,
            deployed: "2026-01-10",
            completions: vec![],
            today: "2026-11-02",
            to: "2027-07-10",
            want: vec![("2026-07-10", Overdue), ("2027-01-10", Open), ("2027-07-10", Open)],
        },
        Case {
            name: "medium risk: every 12 months",
            tier: Medium,
            deployed: "2026-01-10",
            completions: vec![],
            today: "2026-11-02",
            to: "2028-12-31",
            want: vec![("2027-01-10", Open), ("2028-01-10", Open)],
        },
        Case {
            name: "low risk: every 24 months",
            tier: Low,
            deployed: "2026-01-10",
            completions: vec![],
            today: "2026-11-02",
            to: "2030-12-31",
            want: vec![("2028-01-10", Open), ("2030-01-10", Open)],
        },
        Case {
            name: "month end: counted from 31 August, February's last day, then the 31st again",
            tier: High,
            deployed: "2025-08-31",
            completions: vec![],
            today: "2025-09-01",
            to: "2027-03-01",
            want: vec![("2026-02-28", Open), ("2026-08-31", Open), ("2027-02-28", Open)],
        },
        Case {
            name: "leap day: 24 months from 29 February 2024 is 28 February 2026, then 29 February 2028",
            tier: Low,
            deployed: "2024-02-29",
            completions: vec![],
            today: "2024-03-01",
            to: "2028-03-01",
            want: vec![("2026-02-28", Open), ("2028-02-29", Open)],
        },
        Case {
            name: "a review done late counts from the day it was done",
            tier: High,
            deployed: "2025-01-10",
            completions: vec![("2025-07-10", "2025-09-01")],
            today: "2025-10-01",
            to: "2026-09-30",
            want: vec![("2025-07-10", Done), ("2026-03-01", Open), ("2026-09-01", Open)],
        },
        Case {
            name: "a review done early counts from the day it was done too",
            tier: High,
            deployed: "2025-01-10",
            completions: vec![("2025-07-10", "2025-06-20")],
            today: "2025-07-01",
            to: "2026-06-30",
            want: vec![("2025-07-10", Done), ("2025-12-20", Open), ("2026-06-20", Open)],
        },
    ];
    for c in cases {
        let s = system(1, c.tier, Stage::Production, Some(c.deployed));
        let cs: Vec<Completion> = c
            .completions
            .iter()
            .map(|(occ, on)| done("model-review-1@ws", occ, on))
            .collect();
        let got = dates(&[s], &cs, EventKind::ModelReview, c.today, c.to);
        let want: Vec<(String, EventState)> =
            c.want.iter().map(|(s, st)| (s.to_string(), *st)).collect();
        assert_eq!(got, want, "{}", c.name);
    }
}

#[test]
fn a_changed_risk_tier_moves_the_review_and_keeps_its_uid() {
    let rules = Rules::default_rules();
    let derive = |tier| {
        let s = [system(7, tier, Stage::Production, Some("2026-01-10"))];
        derive_events(&Inputs {
            workspace_id: "ws",
            systems: &s,
            milestones: &[],
            checklist: &[],
            completions: &[],
            escalations: &[],
            actions: &[],
            board_chair: None,
            rules: &rules,
        })
        .into_iter()
        .find(|e| e.kind == EventKind::ModelReview)
        .expect("a model review")
    };
    let high = derive(RiskTier::High);
    let medium = derive(RiskTier::Medium);
    assert_eq!(high.start, d("2026-07-10"));
    assert_eq!(medium.start, d("2027-01-10"));
    assert_eq!(high.uid, medium.uid, "the same series, moved");
    assert!(
        medium.source.contains("Medium risk tier"),
        "{}",
        medium.source
    );
}

#[test]
fn only_systems_in_service_get_model_reviews() {
    for (stage, deployed, expected) in [
        (Stage::Development, None, 0),
        (Stage::Staging, Some("2026-01-10"), 0),
        (Stage::Production, Some("2026-01-10"), 1),
        (Stage::Production, None, 0),
        (Stage::Deprecated, Some("2026-01-10"), 1),
        (Stage::Retired, Some("2026-01-10"), 0),
    ] {
        let got = dates(
            &[system(1, RiskTier::High, stage, deployed)],
            &[],
            EventKind::ModelReview,
            "2026-02-01",
            "2026-12-31",
        );
        assert_eq!(
            got.len(),
            expected,
            "{stage} deployed {deployed:?}: {got:?}"
        );
    }
}

#[test]
fn portfolio_reviews_are_a_fixed_quarterly_schedule() {
    use EventState::*;
    let cs = [done("portfolio-review@ws", "2026-04-15", "2026-04-16")];
    let got = dates(
        &[],
        &cs,
        EventKind::PortfolioReview,
        "2026-08-01",
        "2027-01-31",
    );
    let want = [
        ("2026-01-15", Overdue),
        ("2026-04-15", Done),
        ("2026-07-15", Overdue),
        ("2026-10-15", Open),
        ("2027-01-15", Open),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(s, st)| (s.to_string(), *st))
            .collect::<Vec<_>>()
    );
}

#[test]
fn assumption_reviews_yearly_through_leap_years() {
    let mut s = system(1, RiskTier::Low, Stage::Production, Some("2024-01-01"));
    s.draft.assumptions = vec![Assumption {
        statement: "Claims volume grows 5% a year".into(),
        review_date: d("2024-02-29"),
    }];
    let got = dates(
        &[s],
        &[],
        EventKind::AssumptionReview,
        "2024-01-01",
        "2028-03-01",
    );
    let days: Vec<&str> = got.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(
        days,
        [
            "2024-02-29",
            "2025-02-28",
            "2026-02-28",
            "2027-02-28",
            "2028-02-29"
        ]
    );
}

#[test]
fn certifications_and_retention_are_single_dates_with_their_sources() {
    let mut s = system(3, RiskTier::Medium, Stage::Production, Some("2025-01-01"));
    s.draft.certifications = vec![Certification {
        name: "ISO/IEC 42001".into(),
        expires: d("2027-03-31"),
    }];
    s.draft.datasets = vec![Dataset {
        name: "Claims 2019-2024".into(),
        retention_policy: "7 years after last use".into(),
        retain_until: Some(d("2031-12-31")),
    }];
    let rules = Rules::default_rules();
    let events = derive_events(&Inputs {
        workspace_id: "ws",
        systems: std::slice::from_ref(&s),
        milestones: &[StoredMilestone {
            system_id: 3,
            milestone: Milestone {
                kind: MilestoneKind::Sunset,
                planned: Some(d("2029-06-30")),
                actual: None,
            },
            updated_by: "tester".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
        }],
        checklist: &[],
        completions: &[],
        escalations: &[],
        actions: &[],
        board_chair: None,
        rules: &rules,
    });
    let cert = events
        .iter()
        .find(|e| e.kind == EventKind::CertificationExpiry)
        .expect("certification event");
    assert_eq!(cert.start, d("2027-03-31"));
    assert_eq!(cert.remind_days, Some(60), "reminded 60 days ahead");
    assert!(cert.source.contains("ISO/IEC 42001"), "{}", cert.source);
    assert_eq!(cert.rule, "certification_expiry");
    let ret = events
        .iter()
        .find(|e| e.kind == EventKind::DataRetention)
        .expect("retention event");
    assert_eq!(ret.start, d("2031-12-31"));
    assert!(
        ret.source.contains("7 years after last use"),
        "{}",
        ret.source
    );
    let sunset = events
        .iter()
        .find(|e| e.kind == EventKind::Milestone)
        .expect("milestone event");
    assert_eq!(sunset.start, d("2029-06-30"));
    assert!(sunset.title.contains("planned"), "{}", sunset.title);
}

// --- through the workspace -------------------------------------------------------------------

fn production_system(ws: &mut steward_core::api::Workspace, name: &str) -> AiSystem {
    let mut dr = draft(name);
    dr.technical_lead = "Tom Lead".into();
    dr.risk_tier = RiskTier::High;
    let s = ws.add_system(dr).expect("add");
    for st in [
        Stage::Development,
        Stage::Validation,
        Stage::Staging,
        Stage::Production,
    ] {
        ws.set_stage(s.id, st).expect("stage");
    }
    ws.system(s.id).expect("get")
}

#[test]
fn retirement_goes_through_the_decommissioning_checklist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Churn Model");

    // Production cannot start retirement: it is deprecated first.
    assert_eq!(
        ws.retire_system(s.id, None).expect_err("production").code(),
        "transition"
    );
    ws.set_stage(s.id, Stage::Deprecated).expect("deprecate");
    // A plain stage change to retired is refused before the checklist exists.
    let err = ws.set_stage(s.id, Stage::Retired).expect_err("gated");
    assert!(err.to_string().contains("checklist"), "{err}");

    let started = ws
        .retire_system(s.id, Some(d("2027-01-31")))
        .expect("start");
    assert!(!started.retired);
    assert_eq!(started.checklist.len(), 6);
    let notify = &started.checklist[0];
    assert_eq!(notify.key, "notify_downstream");
    assert_eq!(
        notify.due,
        d("2027-01-01"),
        "30 days ahead of the decommission date"
    );
    assert_eq!(notify.owner, "Ann Owner");
    assert_eq!(started.checklist[1].owner, "Tom Lead");
    assert_eq!(ws.system(s.id).expect("get").draft.stage, Stage::Deprecated);
    let ms = ws.milestones(s.id).expect("milestones");
    assert!(ms
        .iter()
        .any(|m| m.kind == MilestoneKind::Decommission && m.planned == Some(d("2027-01-31"))));

    // Items are on the calendar as tasks, owned, dated.
    let q = CalendarQuery {
        system: Some("churn model".into()),
        kinds: vec![EventKind::Decommission],
        to: Some(d("2027-12-31")),
        ..Default::default()
    };
    let tasks = ws.calendar(&q).expect("calendar");
    assert_eq!(tasks.len(), 6);
    assert!(tasks.iter().all(|t| t.task && t.state == EventState::Open));

    // Retiring with open items names them and changes nothing.
    let before = ws
        .audit_log(&Default::default())
        .expect("audit")
        .into_entries()
        .len();
    let err = ws.retire_system(s.id, None).expect_err("open items");
    assert!(err.to_string().contains("6 open item"), "{err}");
    assert!(err.to_string().contains("post_mortem"), "{err}");
    assert_eq!(
        ws.audit_log(&Default::default())
            .expect("audit")
            .into_entries()
            .len(),
        before
    );

    // Waiving needs a reason.
    let err = ws
        .close_checklist_item(s.id, "post_mortem", ItemState::Waived, "  ")
        .expect_err("no reason");
    assert_eq!(err.code(), "validation");
    let err = ws
        .close_checklist_item(s.id, "nonsense", ItemState::Done, "")
        .expect_err("unknown item");
    assert!(
        err.to_string().contains("notify_downstream"),
        "lists the items: {err}"
    );

    for t in &tasks {
        let key = t
            .uid
            .split('@')
            .next()
            .and_then(|s| s.splitn(3, '-').nth(2))
            .expect("decommission-ID-KEY@ws");
        if key == "post_mortem" {
            ws.close_checklist_item(
                s.id,
                key,
                ItemState::Waived,
                "covered by the 2026 model risk review",
            )
            .expect("waive");
        } else {
            ws.mark_done(&t.uid, None, None, "").expect("done");
        }
    }
    let err = ws
        .close_checklist_item(s.id, "post_mortem", ItemState::Done, "")
        .expect_err("already waived");
    assert_eq!(err.code(), "conflict");

    let out = ws.retire_system(s.id, None).expect("retire");
    assert!(out.retired);
    assert_eq!(out.system.draft.stage, Stage::Retired);
    let waived = out
        .checklist
        .iter()
        .find(|i| i.key == "post_mortem")
        .expect("item");
    assert_eq!(waived.state, ItemState::Waived);
    assert_eq!(waived.closed_by.as_deref(), Some("tester"));
    let ms = ws.milestones(s.id).expect("milestones");
    assert!(ms
        .iter()
        .any(|m| m.kind == MilestoneKind::Decommission && m.actual == Some(d("2026-11-02"))));
    let audit = ws
        .audit_log(&Default::default())
        .expect("audit")
        .into_entries();
    assert!(audit.iter().any(|e| e.entity == "decommission"
        && e.action == "waive"
        && e.after
            .as_deref()
            .unwrap_or("")
            .contains("covered by the 2026 model risk review")));
}

#[test]
fn marking_done_moves_a_rolling_review_and_is_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Fraud Scoring");
    let mut dr = ws.system(s.id).expect("get").draft;
    dr.deployment_date = Some(d("2026-01-15"));
    ws.update_system(s.id, dr).expect("edit");

    let overdue = ws
        .calendar(&CalendarQuery {
            overdue_only: true,
            kinds: vec![EventKind::ModelReview],
            ..Default::default()
        })
        .expect("overdue");
    assert_eq!(overdue.len(), 1, "{overdue:?}");
    assert_eq!(overdue[0].date, d("2026-07-15"));
    let uid = overdue[0].uid.clone();

    let err = ws
        .mark_done(&uid, None, Some(d("2026-12-01")), "")
        .expect_err("future");
    assert_eq!(err.code(), "validation");
    let err = ws
        .mark_done(&uid, Some(d("2027-01-15")), None, "")
        .expect_err("not the one due");
    assert!(err.to_string().contains("2026-07-15"), "{err}");
    let err = ws
        .mark_done("nothing@here", None, None, "")
        .expect_err("unknown");
    assert_eq!(err.code(), "not_found");

    let o = ws
        .mark_done(&uid, None, Some(d("2026-10-01")), "validation report v3")
        .expect("done");
    assert_eq!(o.state, EventState::Done);
    assert_eq!(o.done_by.as_deref(), Some("tester"));
    let next = ws
        .calendar_events()
        .expect("events")
        .into_iter()
        .find(|e| e.uid == uid)
        .expect("same uid");
    assert_eq!(
        next.start,
        d("2027-04-01"),
        "six months from the late review"
    );
    assert_eq!(next.sequence, 1);
    let audit = ws
        .audit_log(&Default::default())
        .expect("audit")
        .into_entries();
    assert!(audit
        .iter()
        .any(|e| e.entity == "calendar" && e.entity_id == uid));

    // A single-date event done twice is a conflict.
    let mut dr = ws.system(s.id).expect("get").draft;
    dr.certifications = vec![Certification {
        name: "ISO/IEC 42001".into(),
        expires: d("2026-10-31"),
    }];
    ws.update_system(s.id, dr).expect("edit");
    let cert = ws
        .calendar(&CalendarQuery {
            kinds: vec![EventKind::CertificationExpiry],
            ..Default::default()
        })
        .expect("list")
        .remove(0);
    assert_eq!(cert.state, EventState::Overdue);
    ws.mark_done(&cert.uid, None, None, "renewed")
        .expect("done");
    assert_eq!(
        ws.mark_done(&cert.uid, None, None, "")
            .expect_err("twice")
            .code(),
        "conflict"
    );
}

#[test]
fn changing_a_record_moves_its_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Pricing");
    let mut dr = ws.system(s.id).expect("get").draft;
    dr.certifications = vec![Certification {
        name: "SOC 2".into(),
        expires: d("2027-05-01"),
    }];
    ws.update_system(s.id, dr.clone()).expect("edit");
    let first = ws.calendar_events().expect("events");
    dr.certifications[0].expires = d("2028-05-01");
    ws.update_system(s.id, dr).expect("edit");
    let second = ws.calendar_events().expect("events");
    let cert = |es: &[steward_core::calendar::Event]| {
        es.iter()
            .find(|e| e.kind == EventKind::CertificationExpiry)
            .map(|e| (e.uid.clone(), e.start))
            .expect("cert")
    };
    assert_eq!(cert(&first).0, cert(&second).0, "same uid");
    assert_eq!(cert(&second).1, d("2028-05-01"));
}

#[test]
fn milestones_are_checked_and_a_failed_save_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Routing");
    let good = vec![
        Milestone {
            kind: MilestoneKind::Validation,
            planned: Some(d("2026-03-01")),
            actual: Some(d("2026-03-05")),
        },
        Milestone {
            kind: MilestoneKind::Sunset,
            planned: Some(d("2028-12-31")),
            actual: None,
        },
    ];
    ws.set_milestones(s.id, good.clone()).expect("save");
    let bad = vec![
        Milestone {
            kind: MilestoneKind::Validation,
            planned: Some(d("2026-06-01")),
            actual: None,
        },
        Milestone {
            kind: MilestoneKind::Production,
            planned: None,
            actual: Some(d("2026-05-01")),
        },
    ];
    let err = ws.set_milestones(s.id, bad).expect_err("refused");
    let steward_core::Error::Validation { fields, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(fields[0].field, "production.actual");
    assert!(
        fields[0].message.contains("validation"),
        "{}",
        fields[0].message
    );
    assert_eq!(ws.milestones(s.id).expect("get"), good, "unchanged");
}

#[test]
fn rules_override_is_checked_audited_and_moves_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Underwriting");
    let start = |ws: &steward_core::api::Workspace| {
        ws.calendar_events()
            .expect("events")
            .into_iter()
            .find(|e| e.kind == EventKind::ModelReview)
            .map(|e| e.start)
            .expect("review")
    };
    assert_eq!(
        start(&ws),
        d("2027-05-02"),
        "high: 6 months from 2026-11-02"
    );
    let err = ws
        .set_calendar_rules(Some("[model_review]\nhigh_months = 0\n"), "rules.toml")
        .expect_err("zero");
    assert!(
        err.to_string().contains("model_review.high_months"),
        "{err}"
    );
    assert_eq!(start(&ws), d("2027-05-02"), "unchanged");
    ws.set_calendar_rules(Some("[model_review]\nhigh_months = 3\n"), "rules.toml")
        .expect("set");
    assert_eq!(start(&ws), d("2027-02-02"));
    ws.set_calendar_rules(None, "").expect("reset");
    assert_eq!(start(&ws), d("2027-05-02"));
    let _ = s;
}

#[test]
fn ics_export_has_stable_uids_rrules_alarms_and_escaping() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = production_system(&mut ws, "Claims; triage, v2");
    let mut dr = ws.system(s.id).expect("get").draft;
    dr.certifications = vec![Certification {
        name: "ISO/IEC 42001".into(),
        expires: d("2027-03-31"),
    }];
    ws.update_system(s.id, dr).expect("edit");
    let q = CalendarQuery::default();
    let a = ws.calendar_ics(&q).expect("ics");
    assert!(a.starts_with("BEGIN:VCALENDAR\r\n"), "{a}");
    assert!(
        a.contains("RRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=2\r\n"),
        "{a}"
    );
    assert!(a.contains("TRIGGER:-P60D"), "{a}");
    assert!(a.contains("DTSTART;VALUE=DATE:20270331"), "{a}");
    assert!(a.contains("Claims\\; triage\\, v2"), "escaped: {a}");
    assert!(
        a.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let uids = |s: &str| -> Vec<String> {
        s.split("\r\n")
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    // Another export later: the same UIDs.
    let mut ws2 = crate::support::workspace_with(
        dir.path(),
        steward_core::api::Context::new(
            "tester",
            std::sync::Arc::new(steward_core::clock::FixedClock(
                chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
                    .expect("time")
                    .into(),
            )),
        ),
    );
    let b = ws2.calendar_ics(&q).expect("ics");
    assert_eq!(uids(&a), uids(&b));
    assert_ne!(a, b, "a later DTSTAMP");
    let _ = ws2.set_calendar_rules(None, "");
}

#[test]
fn migration_0004_upgrades_a_schema_3_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A workspace as schema 3 left it, with a production system deployed in 2025.
    let c = crate::support::workspace_at_schema(dir.path(), 3);
    c.execute(
        "UPDATE systems SET deployment_date = '2025-06-01' WHERE name = 'Copilot'",
        [],
    )
    .expect("deployed");
    let id: i64 = c
        .query_row("SELECT id FROM systems WHERE name = 'Copilot'", [], |r| {
            r.get(0)
        })
        .expect("id");
    drop(c);
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    let ws_id = ws.workspace_id().expect("id");
    assert_eq!(ws_id.len(), 32, "a random workspace id: {ws_id}");
    let events = ws.calendar_events().expect("events");
    assert!(events
        .iter()
        .any(|e| e.uid == format!("model-review-{id}@{ws_id}")));
    ws.set_stage(id, Stage::Deprecated).expect("deprecate");
    assert!(!ws.retire_system(id, None).expect("checklist").retired);
}

#[test]
fn kpi_escalations_are_on_the_calendar_until_resolved() {
    use steward_core::kpi::EscalationState;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    steward_core::demo::populate(&mut ws).expect("sample");
    let open = ws
        .escalations(Some(EscalationState::Open))
        .expect("escalations");
    assert!(!open.is_empty(), "the sample has open escalations");
    let esc = &open[0];
    let all = ws
        .calendar(&CalendarQuery {
            kinds: vec![EventKind::Escalation],
            from: Some(d("2000-01-01")),
            to: Some(d("2100-01-01")),
            ..Default::default()
        })
        .expect("calendar");
    let uid_prefix = format!("escalation-{}@", esc.id);
    let ev = all
        .iter()
        .find(|o| o.uid.starts_with(&uid_prefix))
        .expect("the escalation is on the calendar");
    assert_eq!(ev.date.to_string(), esc.due_date);
    assert!(ev.source.contains(&esc.kpi), "{}", ev.source);
    assert!(ev.task);
    // Done on the calendar is refused: an escalation is resolved with a note.
    let err = ws
        .mark_done(&ev.uid, None, None, "")
        .expect_err("resolve instead");
    assert!(
        err.to_string()
            .contains("resolving the escalation with a note"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("steward "),
        "core states the facts; the adapters name their own commands or screens: {err}"
    );
    assert_eq!(
        err.remedy(),
        Some(&steward_core::error::Remedy::ResolveEscalation { id: esc.id }),
        "the remedy names the escalation to resolve"
    );
    // Resolved, it shows as done with who resolved it.
    ws.resolve_escalation(esc.id, "retrained on the last 12 months")
        .expect("resolve");
    let after = ws
        .calendar(&CalendarQuery {
            kinds: vec![EventKind::Escalation],
            from: Some(d("2000-01-01")),
            to: Some(d("2100-01-01")),
            ..Default::default()
        })
        .expect("calendar");
    let ev = after
        .iter()
        .find(|o| o.uid.starts_with(&uid_prefix))
        .expect("still listed");
    assert_eq!(ev.state, EventState::Done);
    assert_eq!(ev.done_by.as_deref(), Some("tester"));
}
