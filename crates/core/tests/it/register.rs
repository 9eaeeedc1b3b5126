//! The register through the API: add, edit, transitions, list queries.

use steward_core::register::*;

use crate::support::{draft, workspace};

#[test]
fn validation_names_every_bad_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut d = SystemDraft::new(" ");
    d.sourcing = Sourcing::Vendor;
    let err = ws.add_system(d).expect_err("an empty draft is refused");
    let steward_core::Error::Validation { fields, .. } = err else {
        panic!("expected a validation error, got {err}")
    };
    let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        ["name", "business_unit", "owner", "vendor"],
        "each missing field is named once"
    );
    assert!(
        ws.list_systems(&Default::default())
            .expect("list")
            .is_empty(),
        "nothing was saved"
    );
}

#[test]
fn stage_changes_follow_the_transitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("Alpha")).expect("add");
    let err = ws
        .set_stage(s.id, Stage::Production)
        .expect_err("proposed -> production is refused");
    assert_eq!(err.code(), "transition", "{err}");
    assert!(
        err.to_string().contains("staging"),
        "the reason names the way: {err}"
    );
    for st in [
        Stage::Development,
        Stage::Validation,
        Stage::Staging,
        Stage::Production,
    ] {
        ws.set_stage(s.id, st)
            .unwrap_or_else(|e| panic!("{st} must be allowed: {e}"));
    }
    let live = ws.system(s.id).expect("get");
    assert_eq!(
        live.draft.deployment_date,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")),
        "going live records the date"
    );
    assert_eq!(
        ws.retire_system(s.id, None)
            .expect_err("production cannot retire directly")
            .code(),
        "transition"
    );
    ws.set_stage(s.id, Stage::Deprecated).expect("deprecate");
    let started = ws.retire_system(s.id, None).expect("checklist");
    for item in started.checklist {
        ws.close_checklist_item(s.id, &item.key, steward_core::calendar::ItemState::Done, "")
            .expect("done");
    }
    assert!(ws.retire_system(s.id, None).expect("retire").retired);
    let mut d = ws.system(s.id).expect("get").draft;
    d.stage = Stage::Development;
    assert_eq!(
        ws.update_system(s.id, d)
            .expect_err("a retired system is final")
            .code(),
        "transition"
    );
}

#[test]
fn list_filters_searches_and_sorts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    steward_core::demo::populate(&mut ws).expect("demo");
    let check = |q: SystemQuery, expected_first: &str, expected_len: usize| {
        let list = ws.list_systems(&q).expect("list");
        assert_eq!(list.len(), expected_len, "count for {q:?}");
        assert_eq!(
            list.first().map(|s| s.draft.name.as_str()),
            Some(expected_first),
            "first for {q:?}"
        );
    };
    check(
        SystemQuery {
            text: "llm".into(),
            ..Default::default()
        },
        "Code Review Assistant",
        6,
    );
    check(
        SystemQuery {
            stages: vec![Stage::Retired],
            ..Default::default()
        },
        "ATM Cash Optimiser",
        2,
    );
    check(
        SystemQuery {
            risk_tiers: vec![RiskTier::High],
            stages: vec![Stage::Validation],
            ..Default::default()
        },
        "Attrition Risk Model",
        3,
    );
    check(
        SystemQuery {
            business_units: vec!["people".into()],
            sort: SortKey::Name,
            descending: true,
            ..Default::default()
        },
        "HR Policy Chatbot",
        3,
    );
    check(
        SystemQuery {
            tag: Some("CHATBOT".into()),
            ..Default::default()
        },
        "HR Policy Chatbot",
        2,
    );
    check(
        SystemQuery {
            sort: SortKey::DeploymentDate,
            descending: true,
            ..Default::default()
        },
        "Customer Service Copilot",
        36,
    );
}

#[test]
fn demo_needs_an_empty_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Mine")).expect("add");
    assert_eq!(
        steward_core::demo::populate(&mut ws)
            .expect_err("not empty")
            .code(),
        "conflict",
        "demo never mixes into real data"
    );
}
