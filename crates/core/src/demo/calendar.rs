//! The sample workspace's calendar: milestones, reviews done and missed, and two systems
//! mid-way through their decommissioning checklists. Dates are relative to today so the sample
//! always shows something overdue, something due soon and something done.

use chrono::Duration;

use crate::api::Workspace;
use crate::calendar::{CalendarQuery, EventKind, ItemState, Milestone, MilestoneKind};
use crate::register::{Stage, SystemQuery};
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

    // Model reviews: every other system in service had its last review recently; the rest are
    // overdue.
    let reviews = ws.calendar(&CalendarQuery {
        kinds: vec![EventKind::ModelReview],
        overdue_only: true,
        ..Default::default()
    })?;
    for (i, r) in reviews.iter().enumerate() {
        if i % 2 == 0 {
            let on = (today - Duration::days(20 + 9 * i as i64))
                .max(r.date)
                .min(today);
            ws.mark_done(
                &r.uid,
                None,
                Some(on),
                "review pack filed with the model risk team",
            )?;
        }
    }

    // Portfolio reviews: held every quarter except the last one.
    let quarters = ws.calendar(&CalendarQuery {
        kinds: vec![EventKind::PortfolioReview],
        overdue_only: true,
        ..Default::default()
    })?;
    if let Some((_last, held)) = quarters.split_last() {
        for q in held {
            ws.mark_done(
                &q.uid,
                Some(q.date),
                Some(q.date),
                "minutes in the board pack",
            )?;
        }
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
