//! From the register and what people recorded to events and their dated occurrences. Pure
//! functions: the store reads the inputs, these compute, so rules are tested as data.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::{
    nth_date, series_date, tag, Action, CalendarQuery, ChecklistItem, Closed, Completion, Event,
    EventKind, EventState, ItemState, Milestone, Occurrence, Rules,
};
use crate::kpi::{level_owner, Escalation, EscalationState};
use crate::register::{AiSystem, Stage};

/// A stored milestone with who last set it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMilestone {
    pub system_id: i64,
    pub milestone: Milestone,
    pub updated_by: String,
    pub updated_at: String,
}

/// Everything events are derived from.
pub struct Inputs<'a> {
    /// Makes UIDs unique to this workspace.
    pub workspace_id: &'a str,
    pub systems: &'a [AiSystem],
    pub milestones: &'a [StoredMilestone],
    pub checklist: &'a [ChecklistItem],
    pub completions: &'a [Completion],
    /// KPI escalations: each one's due date is on the calendar until it is resolved.
    pub escalations: &'a [Escalation],
    /// Actions from other areas (conditions of sign-offs).
    pub actions: &'a [Action],
    /// The chair of the portfolio board (of its latest review), who owns level-3 escalations.
    pub board_chair: Option<&'a str>,
    pub rules: &'a Rules,
}

/// Series counted from the last completion rather than a fixed schedule.
pub fn is_rolling(kind: EventKind) -> bool {
    matches!(kind, EventKind::ModelReview | EventKind::AssumptionReview)
}

fn in_service(stage: Stage) -> bool {
    matches!(stage, Stage::Production | Stage::Deprecated)
}

fn short(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        t.to_string()
    } else {
        format!(
            "{}…",
            t.chars().take(max - 1).collect::<String>().trim_end()
        )
    }
}

/// Every event the rules derive from the inputs, in a stable order.
pub fn derive_events(inp: &Inputs<'_>) -> Vec<Event> {
    let ws = inp.workspace_id;
    let rules = inp.rules;
    let mut done: HashMap<&str, Vec<&Completion>> = HashMap::new();
    for c in inp.completions {
        done.entry(c.uid.as_str()).or_default().push(c);
    }
    let last_done = |uid: &str| -> (Option<NaiveDate>, u32) {
        let cs = done.get(uid).map(Vec::as_slice).unwrap_or(&[]);
        (cs.iter().map(|c| c.done_on).max(), cs.len() as u32)
    };
    let closed_single = |uid: &str, date: NaiveDate| -> Option<Closed> {
        done.get(uid)?
            .iter()
            .find(|c| c.occurrence == date)
            .map(|c| Closed {
                state: EventState::Done,
                by: c.done_by.clone(),
                at: c.done_on.to_string(),
                note: c.note.clone(),
            })
    };

    let mut out = Vec::new();
    let p = &rules.portfolio_review;
    out.push(Event {
        uid: format!("portfolio-review@{ws}"),
        kind: EventKind::PortfolioReview,
        rule: "portfolio_review".into(),
        source: format!(
            "the whole register: every {} months from {} (rule portfolio_review)",
            p.interval_months, p.start
        ),
        title: if p.interval_months == 3 {
            "Quarterly portfolio review".into()
        } else {
            "Portfolio review".into()
        },
        system_id: None,
        system: None,
        owner: None,
        start: p.start,
        every_months: Some(p.interval_months),
        month_day: p.start.day(),
        remind_days: Some(p.remind_days),
        task: false,
        sequence: 0,
        closed: None,
    });

    for s in inp.systems {
        let d = &s.draft;
        let name = d.name.as_str();
        let sys = |uid: String, kind: EventKind, rule: &str, title: String, source: String| Event {
            uid,
            kind,
            rule: rule.into(),
            source,
            title,
            system_id: Some(s.id),
            system: Some(name.to_string()),
            owner: Some(d.owner.clone()),
            start: NaiveDate::MIN,
            every_months: None,
            month_day: 1,
            remind_days: None,
            task: false,
            sequence: 0,
            closed: None,
        };

        if let (true, Some(deployed)) = (in_service(d.stage), d.deployment_date) {
            let uid = format!("model-review-{}@{ws}", s.id);
            let months = rules.model_review_months(d.risk_tier);
            let (last, n) = last_done(&uid);
            let from = match last {
                Some(l) => format!("the last completed review on {l}"),
                None => format!("deployment on {deployed}"),
            };
            let mut e = sys(
                uid,
                EventKind::ModelReview,
                "model_review",
                format!("Model review: {name}"),
                format!(
                    "{name}: {} risk tier, every {months} months from {from} (rule model_review)",
                    d.risk_tier.label()
                ),
            );
            let anchor = last.unwrap_or(deployed);
            e.start = nth_date(anchor, months, 1);
            e.every_months = Some(months);
            e.month_day = anchor.day();
            e.remind_days = Some(rules.model_review.remind_days);
            e.sequence = n;
            out.push(e);
        }

        if d.stage != Stage::Retired {
            let every = rules.assumption_review.interval_months;
            for a in &d.assumptions {
                let uid = format!("assumption-review-{}-{}@{ws}", s.id, tag(&a.statement));
                let (last, n) = last_done(&uid);
                let mut e = sys(
                    uid,
                    EventKind::AssumptionReview,
                    "assumption_review",
                    format!("Review assumption of {name}: {}", short(&a.statement, 60)),
                    format!(
                        "{name}: strategic assumption \"{}\", review date {}{} (rule assumption_review)",
                        a.statement.trim(),
                        a.review_date,
                        last.map(|l| format!(", last reviewed {l}"))
                            .unwrap_or_default()
                    ),
                );
                let anchor = last.unwrap_or(a.review_date);
                e.start = match last {
                    Some(l) => nth_date(l, every, 1),
                    None => a.review_date,
                };
                e.every_months = Some(every);
                e.month_day = anchor.day();
                e.remind_days = Some(rules.assumption_review.remind_days);
                e.sequence = n;
                out.push(e);
            }
            for c in &d.certifications {
                let uid = format!("certification-{}-{}@{ws}", s.id, tag(&c.name));
                let mut e = sys(
                    uid.clone(),
                    EventKind::CertificationExpiry,
                    "certification_expiry",
                    format!("{} expires: {name}", c.name.trim()),
                    format!(
                        "{name}: certification \"{}\" expires {} (rule certification_expiry)",
                        c.name.trim(),
                        c.expires
                    ),
                );
                e.start = c.expires;
                e.remind_days = Some(rules.certification_expiry.remind_days);
                e.closed = closed_single(&uid, c.expires);
                out.push(e);
            }
        }

        for ds in &d.datasets {
            let Some(until) = ds.retain_until else {
                continue;
            };
            let uid = format!("retention-{}-{}@{ws}", s.id, tag(&ds.name));
            let mut e = sys(
                uid.clone(),
                EventKind::DataRetention,
                "data_retention",
                format!("Retention ends: {} ({name})", ds.name.trim()),
                format!(
                    "{name}: dataset \"{}\", retention policy \"{}\", retain until {until} (rule data_retention)",
                    ds.name.trim(),
                    ds.retention_policy.trim()
                ),
            );
            e.start = until;
            e.remind_days = Some(rules.data_retention.remind_days);
            e.closed = closed_single(&uid, until);
            out.push(e);
        }

        for m in inp.milestones.iter().filter(|m| m.system_id == s.id) {
            let ms = &m.milestone;
            let Some(date) = ms.actual.or(ms.planned) else {
                continue;
            };
            let mut e = sys(
                format!("milestone-{}-{}@{ws}", s.id, ms.kind.key()),
                EventKind::Milestone,
                "milestone",
                format!(
                    "{name}: {}{}",
                    ms.kind.label(),
                    if ms.actual.is_some() {
                        ""
                    } else {
                        " (planned)"
                    }
                ),
                format!(
                    "{name}: milestone \"{}\", {}, {}",
                    ms.kind.label(),
                    ms.planned
                        .map_or_else(|| "no planned date".into(), |d| format!("planned {d}")),
                    ms.actual
                        .map_or_else(|| "not reached yet".into(), |d| format!("reached {d}"))
                ),
            );
            e.start = date;
            e.closed = ms.actual.map(|a| Closed {
                state: EventState::Done,
                by: m.updated_by.clone(),
                at: a.to_string(),
                note: String::new(),
            });
            out.push(e);
        }

        for esc in inp.escalations.iter().filter(|e| e.system_id == s.id) {
            let Ok(due) = esc.due_date.parse::<NaiveDate>() else {
                continue;
            };
            let mut e = sys(
                format!("escalation-{}@{ws}", esc.id),
                EventKind::Escalation,
                "kpi_escalation",
                format!(
                    "Escalation level {} ({}): {} of {name}",
                    esc.level, esc.level_name, esc.kpi
                ),
                format!(
                    "{name}: KPI \"{}\" in breach {} periods running since {}, level {} reached in {} \
                     (escalation rules); {}",
                    esc.kpi,
                    esc.breaches,
                    esc.run_start,
                    esc.level,
                    esc.level_period,
                    esc.state.label().to_lowercase()
                ),
            );
            e.owner = Some(level_owner(
                esc.level,
                &d.owner,
                &d.sponsor,
                inp.board_chair,
            ));
            e.start = due;
            e.task = true;
            e.closed = (esc.state == EscalationState::Resolved).then(|| Closed {
                state: EventState::Done,
                by: esc.resolved_by.clone().unwrap_or_default(),
                at: esc.resolved_at.clone().unwrap_or_default(),
                note: esc.resolved_note.clone().unwrap_or_default(),
            });
            out.push(e);
        }

        for a in inp
            .actions
            .iter()
            .filter(|a| a.system.eq_ignore_ascii_case(name))
        {
            let uid = format!("{}@{ws}", a.key);
            let mut e = sys(
                uid.clone(),
                EventKind::Action,
                &a.rule,
                format!("{} ({name})", a.title),
                a.source.clone(),
            );
            e.owner = Some(a.owner.clone());
            e.start = a.due;
            e.task = true;
            e.closed = closed_single(&uid, a.due);
            out.push(e);
        }

        for item in inp.checklist.iter().filter(|i| i.system_id == s.id) {
            let mut e = sys(
                format!("decommission-{}-{}@{ws}", s.id, item.key),
                EventKind::Decommission,
                "decommission",
                format!("{}: {name}", item.title),
                format!(
                    "{name}: decommissioning checklist item \"{}\" (rule decommission.items)",
                    item.title
                ),
            );
            e.owner = Some(item.owner.clone());
            e.start = item.due;
            e.task = true;
            e.closed = match item.state {
                ItemState::Open => None,
                st => Some(Closed {
                    state: if st == ItemState::Done {
                        EventState::Done
                    } else {
                        EventState::Waived
                    },
                    by: item.closed_by.clone().unwrap_or_default(),
                    at: item.closed_at.clone().unwrap_or_default(),
                    note: item.note.clone(),
                }),
            };
            out.push(e);
        }
    }
    out
}

/// The dated occurrences of `events` that `q` asks for, by date. Without `to`, recurring series
/// run a year past today. A fixed series (the portfolio review) has one occurrence per interval
/// and each past one not done is overdue; a rolling series (model and assumption reviews) shows
/// its completed occurrences and then the next one due, counted from the last completion, so
/// only that next one can be overdue.
pub fn occurrences(
    events: &[Event],
    completions: &[Completion],
    q: &CalendarQuery,
    today: NaiveDate,
) -> Vec<Occurrence> {
    let to = q.to.unwrap_or(today + Duration::days(365));
    let from = q.from.unwrap_or(NaiveDate::MIN);
    let mut done: HashMap<(&str, NaiveDate), &Completion> = HashMap::new();
    for c in completions {
        done.insert((c.uid.as_str(), c.occurrence), c);
    }
    let system_key = q.system.as_deref().map(|s| s.trim().to_lowercase());
    let owner_key = q.owner.as_deref().map(|s| s.trim().to_lowercase());
    let mut out = Vec::new();
    for e in events {
        if let Some(k) = &system_key {
            let by_id = e.system_id.map(|id| id.to_string()) == Some(k.clone());
            let by_name = e.system.as_deref().map(str::to_lowercase) == Some(k.clone());
            if !(by_id || by_name) {
                continue;
            }
        }
        if let Some(k) = &owner_key {
            if !e
                .owner
                .as_deref()
                .is_some_and(|o| o.to_lowercase().contains(k.as_str()))
            {
                continue;
            }
        }
        if !q.kinds.is_empty() && !q.kinds.contains(&e.kind) {
            continue;
        }
        let make = |date: NaiveDate, state: EventState, c: Option<&Completion>| Occurrence {
            uid: e.uid.clone(),
            date,
            kind: e.kind,
            rule: e.rule.clone(),
            source: e.source.clone(),
            title: e.title.clone(),
            system_id: e.system_id,
            system: e.system.clone(),
            owner: e.owner.clone(),
            state,
            task: e.task,
            recurring: e.every_months.is_some(),
            done_by: c.map(|c| c.done_by.clone()),
            done_at: c.map(|c| c.done_on.to_string()),
            note: c.map(|c| c.note.clone()).filter(|n| !n.is_empty()),
        };
        let open = |date: NaiveDate| {
            if date < today {
                EventState::Overdue
            } else {
                EventState::Open
            }
        };
        let mut mine = Vec::new();
        match e.every_months {
            None => {
                let mut o = make(e.start, open(e.start), None);
                if let Some(c) = &e.closed {
                    o.state = c.state;
                    o.done_by = Some(c.by.clone()).filter(|b| !b.is_empty());
                    o.done_at = Some(c.at.clone()).filter(|a| !a.is_empty());
                    o.note = Some(c.note.clone()).filter(|n| !n.is_empty());
                }
                mine.push(o);
            }
            Some(every) => {
                let rolling = is_rolling(e.kind);
                if rolling {
                    for c in completions.iter().filter(|c| c.uid == e.uid) {
                        mine.push(make(c.occurrence, EventState::Done, Some(c)));
                    }
                }
                for k in 0.. {
                    let date = series_date(e.start, every, k, e.month_day);
                    if date > to {
                        break;
                    }
                    if rolling && k > 0 && date < today {
                        continue;
                    }
                    match done.get(&(e.uid.as_str(), date)) {
                        Some(c) if !rolling => mine.push(make(date, EventState::Done, Some(c))),
                        _ => mine.push(make(date, open(date), None)),
                    }
                }
            }
        }
        out.extend(
            mine.into_iter()
                .filter(|o| o.date >= from && o.date <= to)
                .filter(|o| !q.overdue_only || o.state == EventState::Overdue),
        );
    }
    out.sort_by(|a, b| {
        (a.date, a.kind, &a.system, &a.title).cmp(&(b.date, b.kind, &b.system, &b.title))
    });
    out
}
