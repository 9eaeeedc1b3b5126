//! The portfolio overview the app opens on, checked against the sample portfolio counted through
//! the other areas' own list calls, with missing inputs, and on an empty workspace.

use std::collections::BTreeSet;

use steward_core::api::Workspace;
use steward_core::calendar::CalendarQuery;
use steward_core::kpi::{EscalationState, Status};
use steward_core::register::{RiskTier, Stage, SystemQuery};
use steward_core::review::ReviewState;
use steward_core::signoff::Status as SignoffStatus;

use crate::support::{draft, workspace};

fn sample(dir: &std::path::Path) -> Workspace {
    let mut ws = workspace(dir);
    steward_core::demo::populate(&mut ws).expect("the sample portfolio");
    ws
}

#[test]
fn the_matrix_counts_what_the_register_lists_by_stage_and_tier() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample(dir.path());
    let o = ws.portfolio_overview().expect("overview");
    let all = ws.list_systems(&SystemQuery::default()).expect("list");
    assert_eq!(
        o.systems as usize,
        all.len(),
        "every system is counted once"
    );
    assert_eq!(o.tiers, RiskTier::ALL, "a column per risk tier, in order");
    assert_eq!(
        o.matrix.iter().map(|r| r.stage).collect::<Vec<_>>(),
        Stage::ALL,
        "a row per stage, proposed (the pipeline) included, even when empty"
    );
    for row in &o.matrix {
        for (tier, n) in o.tiers.iter().zip(&row.by_tier) {
            let listed = ws
                .list_systems(&SystemQuery {
                    stages: vec![row.stage],
                    risk_tiers: vec![*tier],
                    ..SystemQuery::default()
                })
                .expect("filtered list")
                .len();
            assert_eq!(
                *n as usize, listed,
                "{:?} x {:?} matches the register's own filter",
                row.stage, tier
            );
        }
        assert_eq!(row.total, row.by_tier.iter().sum::<u32>(), "a row's total");
    }
    let proposed = ws
        .list_systems(&SystemQuery {
            stages: vec![Stage::Proposed],
            ..SystemQuery::default()
        })
        .expect("proposals")
        .len();
    assert!(proposed > 0, "the sample has a pipeline");
    assert_eq!(
        o.pipeline as usize, proposed,
        "the pipeline is the proposals"
    );
}

#[test]
fn breaches_escalations_overdue_and_signoffs_match_their_areas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample(dir.path());
    let o = ws.portfolio_overview().expect("overview");

    let status = ws.kpi_status().expect("kpi status");
    assert_eq!(o.kpis as usize, status.len(), "every KPI counted");
    let breaching: BTreeSet<i64> = status
        .iter()
        .filter(|k| k.status == Some(Status::Breach))
        .map(|k| k.kpi_id)
        .collect();
    assert!(!breaching.is_empty(), "the sample has KPIs in breach");
    let shown: BTreeSet<i64> = o.breaches.iter().map(|k| k.kpi_id).collect();
    assert_eq!(
        shown, breaching,
        "exactly the KPIs whose latest value is in breach"
    );
    for b in &o.breaches {
        let k = status
            .iter()
            .find(|k| k.kpi_id == b.kpi_id)
            .expect("listed");
        assert_eq!(b.latest_period, k.latest_period, "{}: latest period", b.kpi);
        assert_eq!(b.latest_value, k.latest_value, "{}: latest value", b.kpi);
        assert_eq!(
            b.consecutive_breaches, k.consecutive_breaches,
            "{}: run",
            b.kpi
        );
        assert!(
            !b.system.is_empty(),
            "each breach names its system to link to"
        );
    }
    assert!(
        o.breaches
            .windows(2)
            .all(|w| w[0].consecutive_breaches >= w[1].consecutive_breaches),
        "the longest run of breaches comes first"
    );

    let open = ws.escalations(Some(EscalationState::Open)).expect("open");
    let acked = ws
        .escalations(Some(EscalationState::Acknowledged))
        .expect("acknowledged");
    let mut expected: Vec<i64> = open.iter().chain(&acked).map(|e| e.id).collect();
    expected.sort();
    let mut got: Vec<i64> = o.escalations.iter().map(|e| e.id).collect();
    got.sort();
    assert!(!got.is_empty(), "the sample has open escalations");
    assert_eq!(
        got, expected,
        "escalations not yet resolved, open or acknowledged"
    );

    let overdue = ws
        .calendar(&CalendarQuery {
            to: Some(o.today),
            overdue_only: true,
            ..CalendarQuery::default()
        })
        .expect("overdue view");
    assert!(!overdue.is_empty(), "the sample has overdue items");
    assert_eq!(
        o.overdue
            .iter()
            .map(|x| (&x.uid, x.date))
            .collect::<Vec<_>>(),
        overdue.iter().map(|x| (&x.uid, x.date)).collect::<Vec<_>>(),
        "the calendar's own overdue view, item for item"
    );

    let waiting: Vec<i64> = ws
        .requests(None)
        .expect("requests")
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                SignoffStatus::Pending | SignoffStatus::Stale | SignoffStatus::Expired
            )
        })
        .map(|r| r.id)
        .collect();
    assert_eq!(
        o.signoffs.iter().map(|s| s.request_id).collect::<Vec<_>>(),
        waiting,
        "requests pending, stale or expired, as the sign-off area computes them"
    );
}

#[test]
fn the_next_review_is_the_draft_and_value_against_cost_is_the_scorecards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = sample(dir.path());
    let o = ws.portfolio_overview().expect("overview");
    let reviews = ws.reviews().expect("reviews");
    let draft = reviews
        .iter()
        .find(|r| r.state == ReviewState::Draft)
        .expect("the sample has today's quarter as a draft");
    assert_eq!(o.next_review.period, draft.period, "the draft is next");
    assert_eq!(
        o.next_review.date,
        Some(draft.held_on),
        "on its meeting day"
    );
    assert_eq!(o.next_review.review.as_ref().map(|r| r.id), Some(draft.id));
    let latest = reviews
        .iter()
        .filter(|r| r.state != ReviewState::Draft)
        .max_by(|a, b| a.period.cmp(&b.period))
        .expect("decided quarters");
    assert_eq!(
        o.latest_review.as_ref().map(|r| r.period.as_str()),
        Some(latest.period.as_str()),
        "the newest decided quarter"
    );

    // The draft covers every stage but retired, as the overview's chart does: the same cards.
    let view = ws.review(&draft.period).expect("the draft");
    assert_eq!(o.value_cost.period, draft.period, "today's quarter");
    assert!(!o.value_cost.points.is_empty(), "the sample plots systems");
    for p in &o.value_cost.points {
        let card = &view
            .items
            .iter()
            .find(|i| i.scorecard.system_id == p.system_id)
            .unwrap_or_else(|| panic!("{} is in the draft's scope", p.system))
            .scorecard;
        assert_eq!(
            Some(p.run_cost),
            card.run_cost,
            "{}: the scorecard's run cost",
            p.system
        );
        assert_eq!(
            Some(p.annual_value),
            card.annual_value,
            "{}: value",
            p.system
        );
        assert_eq!(p.risk_tier, card.risk_tier, "{}: tier", p.system);
        assert!(
            !matches!(p.stage, Stage::Proposed | Stage::Retired),
            "{}: only systems in service are plotted",
            p.system
        );
    }
    for n in &o.value_cost.not_plotted {
        let card = &view
            .items
            .iter()
            .find(|i| i.scorecard.system_id == n.system_id)
            .expect("in scope")
            .scorecard;
        assert_eq!(
            n.missing_cost,
            card.run_cost.is_none(),
            "{}: cost",
            n.system
        );
        assert_eq!(
            n.missing_value,
            card.annual_value.is_none(),
            "{}: value",
            n.system
        );
        assert!(
            n.missing_cost || n.missing_value,
            "{}: left out for a reason",
            n.system
        );
    }
    let in_service = view
        .items
        .iter()
        .filter(|i| !matches!(i.scorecard.stage, Stage::Proposed | Stage::Retired))
        .count();
    assert_eq!(
        o.value_cost.points.len() + o.value_cost.not_plotted.len(),
        in_service,
        "every system in service is either plotted or listed as not plotted"
    );
}

#[test]
fn missing_value_and_cost_are_missing_never_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut valued = draft("Valued");
    valued.stage = Stage::Development;
    valued.annual_value = Some(120_000.0);
    ws.add_system(valued).expect("valued");
    let mut bare = draft("Bare");
    bare.stage = Stage::Development;
    ws.add_system(bare).expect("bare");
    let mut idea = draft("Idea");
    idea.annual_value = Some(50_000.0);
    ws.add_system(idea).expect("a proposal");

    let o = ws.portfolio_overview().expect("overview");
    assert!(
        o.value_cost.points.is_empty(),
        "no system has a cost: nothing plotted at zero"
    );
    let np: Vec<(&str, bool, bool)> = o
        .value_cost
        .not_plotted
        .iter()
        .map(|n| (n.system.as_str(), n.missing_cost, n.missing_value))
        .collect();
    assert_eq!(
        np,
        [("Bare", true, true), ("Valued", true, false)],
        "each says what it misses; the proposal is pipeline, not in service"
    );
    assert_eq!(o.pipeline, 1, "the proposal counts as pipeline");
    assert_eq!(
        o.next_review.period, "2026-Q4",
        "no review yet: today's quarter is next"
    );
    assert!(o.next_review.review.is_none(), "and no draft is open");
    assert!(o.latest_review.is_none(), "no review was ever decided");
}

#[test]
fn an_empty_workspace_has_an_overview_of_zeros_and_empty_lists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());
    let o = ws
        .portfolio_overview()
        .expect("an empty workspace has an overview");
    assert_eq!(o.systems, 0);
    assert!(o.matrix.iter().all(|r| r.total == 0), "every cell empty");
    assert_eq!(
        o.matrix.len(),
        Stage::ALL.len(),
        "the matrix keeps its shape"
    );
    assert!(o.breaches.is_empty() && o.escalations.is_empty());
    assert!(o.signoffs.is_empty());
    // Workspace-wide events (the quarterly portfolio review) fall due with no system at all.
    assert!(
        o.overdue.iter().all(|x| x.system_id.is_none()),
        "nothing overdue belongs to a system: {:?}",
        o.overdue.iter().map(|x| &x.title).collect::<Vec<_>>()
    );
    assert!(o.value_cost.points.is_empty() && o.value_cost.not_plotted.is_empty());
    assert_eq!(o.kpis, 0);
    assert_eq!(o.next_review.period, "2026-Q4");
}
