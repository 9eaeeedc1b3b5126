//! The sample workspace's calendar: milestones, the history of model reviews (each done around
//! its due date since deployment, two of them now a few weeks late), the quarterly portfolio
//! reviews held, and two systems mid-way through their decommissioning checklists. Dates are
//! relative to today so the sample always shows a history, something due soon and a few late.

use chrono::{Duration, Months, NaiveDate};

use crate::api::Workspace;
use crate::calendar::{CalendarQuery, EventKind, ItemState, Milestone, MilestoneKind};
use crate::register::{AiSystem, Stage, SystemQuery};
use crate::Result;

pub(crate) fn populate(ws: &mut Workspace) -> Result<()> {
    let today = ws.context().clock.today();
    let systems = ws.list_systems(&SystemQuery::default())?;

    for s in &systems {
        let d = &s.draft;
        let day = |n: i64| Some(today + Duration::days(n));
        let ms = match d.stage {
            Stage::Development => vec![
                (MilestoneKind::Validation, day(30), None),
                (MilestoneKind::Staging, day(90), None),
                (MilestoneKind::Production, day(150), None),
            ],
            Stage::Validation => vec![
                (MilestoneKind::Staging, day(21), None),
                (MilestoneKind::Production, day(75), None),
            ],
            Stage::Staging => vec![(MilestoneKind::Production, day(40), None)],
            Stage::Production => match d.deployment_date {
                Some(dep) if dep <= today => vec![
                    (MilestoneKind::Production, Some(dep), Some(dep)),
                    (MilestoneKind::Sunset, day(400 + (s.id * 37) % 700), None),
                ],
                _ => vec![],
            },
            _ => vec![],
        };
        let ms: Vec<Milestone> = ms
            .into_iter()
            .map(|(kind, planned, actual)| Milestone {
                kind,
                planned,
                actual,
            })
            .collect();
        if !ms.is_empty() {
            ws.set_milestones(s.id, ms)?;
        }
    }

    model_reviews(ws, &systems, today)?;

    // Portfolio reviews: every quarter's, up to today, was held on its date (the sample's
    // reviews of the last two quarters are in the Reviews area).
    let quarters = ws.calendar(&CalendarQuery {
        kinds: vec![EventKind::PortfolioReview],
        overdue_only: true,
        ..Default::default()
    })?;
    for q in &quarters {
        ws.mark_done(
            &q.uid,
            Some(q.date),
            Some(q.date),
            "minutes in the board pack",
        )?;
    }

    // Two deprecated systems on their way out.
    for s in systems
        .iter()
        .filter(|s| s.draft.stage == Stage::Deprecated)
    {
        let (date, close): (i64, &[(&str, Option<&str>)]) = if s.draft.name
            == "CV Screening Assistant"
        {
            (20, &[("notify_downstream", None)])
        } else {
            (
                    75,
                    &[(
                        "keep_predictions",
                        Some("spend categories are re-derived from the ledger; nothing reads old predictions"),
                    )],
                )
        };
        ws.retire_system(s.id, Some(today + Duration::days(date)))?;
        for (key, waive) in close {
            match waive {
                Some(reason) => ws.close_checklist_item(s.id, key, ItemState::Waived, reason)?,
                None => ws.close_checklist_item(s.id, key, ItemState::Done, "")?,
            };
        }
    }
    Ok(())
}

/// The systems whose latest model review is left late, in order of preference: the two models
/// retrained longest ago. Taken when their review fell due between `LATE_DAYS` ago, so the
/// sample's late reviews are weeks late, never years.
const LATE_FIRST: &[&str] = &["IFRS 9 Staging Model", "Motor Pricing GLM"];

/// How many model reviews the sample leaves late, and how late one may be.
const LATE_REVIEWS: usize = 2;
const LATE_DAYS: std::ops::RangeInclusive<i64> = 7..=100;

/// Every system in service has had its model reviewed since deployment, each review done within
/// a week before or three weeks after it fell due (and each next one counted from the day it was
/// done, as the rule says), by its technical lead. Two reviews that fell due weeks ago are not
/// done yet: the stale models' where their dates allow, else the next systems' in the register.
fn model_reviews(ws: &mut Workspace, systems: &[AiSystem], today: NaiveDate) -> Result<()> {
    let rules = ws.calendar_rules()?;
    let plans: Vec<(&AiSystem, Vec<NaiveDate>, Option<NaiveDate>)> = systems
        .iter()
        .filter(|s| matches!(s.draft.stage, Stage::Production | Stage::Deprecated))
        .filter_map(|s| {
            let deployed = s.draft.deployment_date.filter(|d| *d <= today)?;
            let months = Months::new(rules.model_review_months(s.draft.risk_tier));
            let (done, last_due) = review_history(s.id, deployed, months, today);
            Some((s, done, last_due))
        })
        .collect();
    let late_days = |due: Option<NaiveDate>| due.map(|d| (today - d).num_days());
    let mut late: Vec<i64> = Vec::new();
    let preferred = LATE_FIRST
        .iter()
        .filter_map(|n| plans.iter().find(|p| p.0.draft.name == *n));
    for p in preferred.chain(plans.iter()) {
        if late.len() == LATE_REVIEWS {
            break;
        }
        if !late.contains(&p.0.id) && late_days(p.2).is_some_and(|d| LATE_DAYS.contains(&d)) {
            late.push(p.0.id);
        }
    }
    let who = ws.context().actor.clone();
    let workspace = ws.workspace_id()?;
    for (s, done, _) in &plans {
        // A late system's last review, the one that fell due weeks ago, stays open.
        let n = if late.contains(&s.id) {
            done.len().saturating_sub(1)
        } else {
            done.len()
        };
        let uid = format!("model-review-{}@{workspace}", s.id);
        ws.set_actor(s.draft.technical_lead.clone());
        for on in &done[..n] {
            ws.mark_done(
                &uid,
                None,
                Some(*on),
                "review pack filed with the model risk team",
            )?;
        }
    }
    ws.set_actor(who);
    Ok(())
}

/// The days a system's model reviews were done: each falls due `months` after the one before
/// (the first after deployment) and is done from 7 days early to 21 days late, never on or
/// after today. Returns them and the due date of the last one, which fell due before today.
fn review_history(
    id: i64,
    deployed: NaiveDate,
    months: Months,
    today: NaiveDate,
) -> (Vec<NaiveDate>, Option<NaiveDate>) {
    let mut done = Vec::new();
    let mut last_due = None;
    let mut anchor = deployed;
    for k in 0i64.. {
        let Some(due) = anchor.checked_add_months(months).filter(|d| *d < today) else {
            break;
        };
        let offset = (id * 31 + k * 17).rem_euclid(29) - 7;
        let on = (due + Duration::days(offset)).min(today - Duration::days(1));
        done.push(on);
        last_due = Some(due);
        anchor = on;
    }
    (done, last_due)
}
