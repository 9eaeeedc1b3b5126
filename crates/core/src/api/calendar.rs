//! Calendar operations: milestones, the derived events and their views, marking done, the
//! decommissioning checklist (which the retirement gate in `api::gates` reads), the rules
//! override and iCalendar export.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::audit::canonical_json;
use crate::calendar::derive::{is_rolling, StoredMilestone};
use crate::calendar::rules::OwnerRole;
use crate::calendar::{
    check_milestones, derive_events, occurrences, series_date, Action, CalendarQuery,
    ChecklistItem, Completion, Event, EventKind, EventState, Inputs, ItemState, Milestone,
    MilestoneKind, Occurrence, Rules,
};
use crate::error::FieldError;
use crate::error::Remedy;
use crate::kpi::Kpi;
use crate::register::{AiSystem, Stage};
use crate::report::ics;
use crate::store::{Change, Tx};
use crate::{Error, Result};

/// The settings key of a workspace's calendar rules override (TOML text).
pub(super) const RULES_KEY: &str = "calendar_rules";

/// What asking to retire a system did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RetireOutcome {
    pub system: AiSystem,
    /// True when the system is now retired; false when its checklist was just started.
    pub retired: bool,
    pub checklist: Vec<ChecklistItem>,
}

impl Workspace {
    /// This workspace's identifier, which makes exported calendar UIDs unique.
    pub fn workspace_id(&self) -> Result<String> {
        Ok(self
            .store
            .setting("workspace_id")?
            .unwrap_or_else(|| "steward".into()))
    }

    /// The calendar rules in force: the workspace's override over the shipped rules.
    pub fn calendar_rules(&self) -> Result<Rules> {
        match self.store.setting(RULES_KEY)? {
            Some(text) => Rules::from_toml(&text, "the workspace's calendar rules"),
            None => Ok(Rules::default_rules()),
        }
    }

    /// Sets the workspace's rules override from TOML text (checked first), or removes it (None).
    pub fn set_calendar_rules(&mut self, text: Option<&str>, origin: &str) -> Result<Rules> {
        let rules = match text {
            Some(t) => Rules::from_toml(t, origin)?,
            None => Rules::default_rules(),
        };
        self.set_file_setting(RULES_KEY, ("calendar_rules", "workspace"), text)?;
        Ok(rules)
    }

    /// Every event the rules derive from the register, milestones and checklists now.
    pub fn calendar_events(&self) -> Result<Vec<Event>> {
        self.calendar_events_among(&self.store.all_systems()?, &self.store.all_kpis()?)
    }

    /// `calendar_events` from every system and KPI of the workspace as the caller has already
    /// read them, so a whole-portfolio view (a review's scorecards) reads each once.
    pub(crate) fn calendar_events_among(
        &self,
        systems: &[AiSystem],
        kpis: &[Kpi],
    ) -> Result<Vec<Event>> {
        let ws = self.workspace_id()?;
        let rules = self.calendar_rules()?;
        let milestones = self.store.milestones(None)?;
        let checklist = self.store.checklist(None)?;
        let completions = self.store.completions()?;
        let escalations = self.escalations_among(kpis, None)?;
        let mut actions: Vec<Action> = self
            .signoff_actions()?
            .into_iter()
            .filter_map(|a| {
                Some(Action {
                    key: format!("signoff-action-{}", a.id),
                    due: a.due.parse().ok()?,
                    title: format!("Condition of sign-off #{}: {}", a.request_id, a.text),
                    source: format!(
                        "{}: condition of the approval in sign-off request #{} (owner {}, recorded {})",
                        a.system, a.request_id, a.owner, a.created_at
                    ),
                    system: a.system,
                    owner: a.owner,
                    rule: "signoff_condition".into(),
                })
            })
            .collect();
        let names: HashMap<i64, &str> = systems
            .iter()
            .map(|s| (s.id, s.draft.name.as_str()))
            .collect();
        actions.extend(self.review_calendar_actions(&names)?);
        let chair = self.board_chair()?;
        Ok(derive_events(&Inputs {
            workspace_id: &ws,
            systems,
            milestones: &milestones,
            checklist: &checklist,
            completions: &completions,
            escalations: &escalations,
            actions: &actions,
            board_chair: chair.as_deref(),
            rules: &rules,
        }))
    }

    /// The chair of the portfolio board: the chair of the latest quarter's review, if any.
    fn board_chair(&self) -> Result<Option<String>> {
        let Some(text) = self.store.latest_review_header()? else {
            return Ok(None);
        };
        let header: super::review::ReviewDraft = serde_json::from_str(&text).map_err(|e| {
            Error::Integrity(format!(
                "the latest review's header cannot be read back: {e}"
            ))
        })?;
        Ok(Some(header.chair).filter(|c| !c.trim().is_empty()))
    }

    /// The dated occurrences a view asks for (agenda, month, overdue), by date.
    pub fn calendar(&self, q: &CalendarQuery) -> Result<Vec<Occurrence>> {
        if let (Some(f), Some(t)) = (q.from, q.to) {
            if f > t {
                return Err(Error::Validation {
                    entity: "calendar query",
                    fields: vec![FieldError::new(
                        "from",
                        format!(
                            "{f} is after --to {t}; give a range from an earlier to a later date"
                        ),
                    )],
                });
            }
        }
        if let Some(s) = &q.system {
            self.find_system(s)?;
        }
        let events = self.calendar_events()?;
        let completions = self.store.completions()?;
        Ok(occurrences(
            &events,
            &completions,
            q,
            self.ctx.clock.today(),
        ))
    }

    /// The iCalendar file of the events `q` selects (by system, and those with an occurrence in
    /// the range); each event goes in whole, as a series.
    pub fn calendar_ics(&self, q: &CalendarQuery) -> Result<String> {
        Ok(self.calendar_ics_events(q)?.0)
    }

    /// Writes the iCalendar file of the events `q` selects to `out` (whole or not at all);
    /// returns how many events (VEVENT and VTODO) it holds.
    pub fn export_calendar(&self, q: &CalendarQuery, out: &std::path::Path) -> Result<usize> {
        let (text, n) = self.calendar_ics_events(q)?;
        crate::files::write_atomically(out, text.as_bytes())?;
        Ok(n)
    }

    fn calendar_ics_events(&self, q: &CalendarQuery) -> Result<(String, usize)> {
        let shown = self.calendar(q)?;
        let uids: std::collections::BTreeSet<&str> = shown.iter().map(|o| o.uid.as_str()).collect();
        let events: Vec<Event> = self
            .calendar_events()?
            .into_iter()
            .filter(|e| uids.contains(e.uid.as_str()))
            .collect();
        let text = ics::to_ics(&events, "Steward lifecycle calendar", self.ctx.clock.now());
        Ok((text, events.len()))
    }

    /// The stored milestones of a system, in stage order.
    pub fn milestones(&self, system: i64) -> Result<Vec<Milestone>> {
        self.system(system)?;
        Ok(self
            .store
            .milestones(Some(system))?
            .into_iter()
            .map(|m| m.milestone)
            .collect())
    }

    /// Replaces a system's milestones after checking them (see `check_milestones`); audited.
    pub fn set_milestones(&mut self, system: i64, ms: Vec<Milestone>) -> Result<Vec<Milestone>> {
        let fields = check_milestones(&ms, self.ctx.clock.today());
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "milestones",
                fields,
            });
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            tx.system(system)?.ok_or(Error::NotFound {
                entity: "system",
                key: system.to_string(),
            })?;
            write_milestones(tx, system, ms, &actor, &now)
        })
    }

    /// The decommissioning checklist of a system (empty before its retirement starts).
    pub fn checklist(&self, system: i64) -> Result<Vec<ChecklistItem>> {
        self.system(system)?;
        self.store.checklist(Some(system))
    }

    /// Retires a system, in two steps. The first call starts its decommissioning checklist
    /// (items from the rules, due around `date`, default today plus the rules' notice period)
    /// and plans the decommission milestone; the system keeps its stage. Once every item is done
    /// or waived, the next call moves it to retired. In between, a call names the open items.
    pub fn retire_system(&mut self, id: i64, date: Option<NaiveDate>) -> Result<RetireOutcome> {
        let rules = self.calendar_rules()?;
        let today = self.ctx.clock.today();
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let existing = self.checklist(id)?;
        if existing.is_empty() {
            let out = self.store.write(|tx| {
                let s = tx.system(id)?.ok_or(Error::NotFound {
                    entity: "system",
                    key: id.to_string(),
                })?;
                crate::register::check_transition(s.draft.stage, Stage::Retired).map_err(
                    |reason| Error::Transition {
                        from: s.draft.stage.key().into(),
                        to: Stage::Retired.key().into(),
                        reason,
                    },
                )?;
                if s.draft.stage == Stage::Retired {
                    return Err(Error::Conflict(format!(
                        "{} is already retired",
                        s.draft.name
                    )));
                }
                let day = date.unwrap_or(
                    today + Duration::days(rules.decommission.default_notice_days as i64),
                );
                let items: Vec<ChecklistItem> = rules
                    .decommission
                    .items
                    .iter()
                    .map(|r| ChecklistItem {
                        system_id: id,
                        key: r.key.clone(),
                        title: r.title.clone(),
                        owner: match r.owner {
                            OwnerRole::Owner => s.draft.owner.clone(),
                            OwnerRole::TechnicalLead => s.draft.technical_lead.clone(),
                        },
                        due: day + Duration::days(r.offset_days as i64),
                        state: ItemState::Open,
                        note: String::new(),
                        closed_by: None,
                        closed_at: None,
                    })
                    .collect();
                tx.insert_checklist(&items)?;
                tx.append_audit(Change {
                    at: now.clone(),
                    actor: &actor,
                    entity: "decommission",
                    entity_id: id.to_string(),
                    action: "start",
                    before: None,
                    after: Some(canonical_json(&items)),
                })?;
                let mut ms: Vec<Milestone> = tx
                    .milestones(id)?
                    .into_iter()
                    .map(|m| m.milestone)
                    .collect();
                match ms
                    .iter_mut()
                    .find(|m| m.kind == MilestoneKind::Decommission)
                {
                    Some(m) => m.planned = Some(day),
                    None => ms.push(Milestone {
                        kind: MilestoneKind::Decommission,
                        planned: Some(day),
                        actual: None,
                    }),
                }
                write_milestones(tx, id, ms, &actor, &now)?;
                Ok(RetireOutcome {
                    system: s,
                    retired: false,
                    checklist: items,
                })
            })?;
            return Ok(out);
        }
        // The gate in the stage change says which items are open, if any.
        let system = self.set_stage(id, Stage::Retired)?;
        self.store.write(|tx| {
            let mut ms: Vec<Milestone> = tx
                .milestones(id)?
                .into_iter()
                .map(|m| m.milestone)
                .collect();
            match ms
                .iter_mut()
                .find(|m| m.kind == MilestoneKind::Decommission)
            {
                Some(m) if m.actual.is_some() => return Ok(()),
                Some(m) => m.actual = Some(today),
                None => ms.push(Milestone {
                    kind: MilestoneKind::Decommission,
                    planned: None,
                    actual: Some(today),
                }),
            }
            // Recorded as it happened; an inconsistent plan does not undo the retirement.
            if check_milestones(&ms, today).is_empty() {
                write_milestones(tx, id, ms, &actor, &now)?;
            }
            Ok(())
        })?;
        Ok(RetireOutcome {
            system,
            retired: true,
            checklist: self.store.checklist(Some(id))?,
        })
    }

    /// Marks a checklist item done (with an optional note) or waives it (a reason is required);
    /// audited with who and when.
    pub fn close_checklist_item(
        &mut self,
        system: i64,
        key: &str,
        state: ItemState,
        note: &str,
    ) -> Result<ChecklistItem> {
        if state == ItemState::Waived && note.trim().is_empty() {
            return Err(Error::Validation {
                entity: "checklist item",
                fields: vec![FieldError::new(
                    "reason",
                    "waiving an item needs a reason, recorded in the audit log",
                )],
            });
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.edit_item(system, key, |it| {
            if it.state != ItemState::Open {
                return Err(Error::Conflict(format!(
                    "checklist item {} is already {} (by {} at {})",
                    it.key,
                    it.state.key(),
                    it.closed_by.clone().unwrap_or_default(),
                    it.closed_at.clone().unwrap_or_default()
                )));
            }
            it.state = state;
            it.note = note.trim().to_string();
            it.closed_by = Some(actor.clone());
            it.closed_at = Some(now.clone());
            Ok(if state == ItemState::Done {
                "done"
            } else {
                "waive"
            })
        })
    }

    /// Changes an open item's owner or due date; audited.
    pub fn edit_checklist_item(
        &mut self,
        system: i64,
        key: &str,
        owner: Option<String>,
        due: Option<NaiveDate>,
    ) -> Result<ChecklistItem> {
        self.edit_item(system, key, |it| {
            if it.state != ItemState::Open {
                return Err(Error::Conflict(format!(
                    "checklist item {} is {}; only an open item can be changed",
                    it.key,
                    it.state.key()
                )));
            }
            if let Some(o) = owner {
                if o.trim().is_empty() {
                    return Err(Error::Validation {
                        entity: "checklist item",
                        fields: vec![FieldError::new("owner", "an item needs an owner")],
                    });
                }
                it.owner = o.trim().to_string();
            }
            if let Some(d) = due {
                it.due = d;
            }
            Ok("edit")
        })
    }

    fn edit_item(
        &mut self,
        system: i64,
        key: &str,
        edit: impl FnOnce(&mut ChecklistItem) -> Result<&'static str>,
    ) -> Result<ChecklistItem> {
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let items = tx.checklist(system)?;
            let Some(before) = items.iter().find(|i| i.key == key) else {
                let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
                return Err(if items.is_empty() {
                    Error::NotFound {
                        entity: "decommissioning checklist",
                        key: format!("of system {system} (its retirement has not started)"),
                    }
                } else {
                    Error::NotFound {
                        entity: "checklist item",
                        key: format!("{key:?}; the items are: {}", keys.join(", ")),
                    }
                });
            };
            let mut after = before.clone();
            let action = edit(&mut after)?;
            tx.update_checklist_item(&after)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "decommission",
                entity_id: format!("{system}/{key}"),
                action,
                before: Some(canonical_json(before)),
                after: Some(canonical_json(&after)),
            })?;
            Ok(after)
        })
    }

    /// Marks an occurrence of an event done: by default the earliest open one, done today.
    /// A milestone gets its actual date; a checklist item is closed; a review done late moves
    /// the next one (counted from the day it was done). Audited with who and when.
    pub fn mark_done(
        &mut self,
        uid: &str,
        occurrence: Option<NaiveDate>,
        done_on: Option<NaiveDate>,
        note: &str,
    ) -> Result<Occurrence> {
        let today = self.ctx.clock.today();
        let done_on = done_on.unwrap_or(today);
        if done_on > today {
            return Err(Error::Validation {
                entity: "completion",
                fields: vec![FieldError::new(
                    "done_on",
                    format!("{done_on} is in the future; a completion is recorded on or after it happens (today is {today})"),
                )],
            });
        }
        let events = self.calendar_events()?;
        let Some(event) = events.iter().find(|e| e.uid == uid) else {
            return Err(Error::NotFound {
                entity: "calendar event",
                key: uid.to_string(),
            }
            .with_remedy(Remedy::ListCalendar));
        };
        let completions = self.store.completions()?;
        let date = pick_occurrence(event, &completions, occurrence, today)?;
        match event.kind {
            EventKind::Escalation => {
                let id = uid
                    .strip_prefix("escalation-")
                    .and_then(|r| r.split('@').next())
                    .unwrap_or_default();
                let refused = Error::Conflict(format!(
                    "{} is closed by resolving the escalation with a note",
                    event.title
                ));
                return Err(match id.parse::<i64>() {
                    Ok(id) => refused.with_remedy(Remedy::ResolveEscalation { id }),
                    Err(_) => refused,
                });
            }
            EventKind::Decommission => {
                let key = uid
                    .split('@')
                    .next()
                    .and_then(|s| s.splitn(3, '-').nth(2))
                    .unwrap_or_default()
                    .to_string();
                let system = event.system_id.unwrap_or_default();
                self.close_checklist_item(system, &key, ItemState::Done, note)?;
            }
            EventKind::Milestone => {
                let system = event.system_id.unwrap_or_default();
                let mut ms = self.milestones(system)?;
                let kind = ms
                    .iter()
                    .position(|m| uid.starts_with(&format!("milestone-{system}-{}@", m.kind.key())))
                    .ok_or_else(|| Error::NotFound {
                        entity: "milestone",
                        key: uid.to_string(),
                    })?;
                if ms[kind].actual.is_some() {
                    return Err(Error::Conflict(format!(
                        "{} already happened on {}",
                        event.title,
                        ms[kind].actual.unwrap_or_default()
                    )));
                }
                ms[kind].actual = Some(done_on);
                self.set_milestones(system, ms)?;
            }
            _ => {
                let c = Completion {
                    uid: uid.to_string(),
                    occurrence: date,
                    done_on,
                    done_by: self.ctx.actor.clone(),
                    recorded_at: self.ctx.timestamp(),
                    note: note.trim().to_string(),
                };
                let now = self.ctx.timestamp();
                let actor = self.ctx.actor.clone();
                self.store.write(|tx| {
                    tx.insert_completion(&c)?;
                    tx.append_audit(Change {
                        at: now.clone(),
                        actor: &actor,
                        entity: "calendar",
                        entity_id: uid.to_string(),
                        action: "done",
                        before: None,
                        after: Some(canonical_json(&c)),
                    })?;
                    Ok(())
                })?;
            }
        }
        let all = self.calendar(&CalendarQuery {
            from: Some(date),
            to: Some(date.max(today)),
            ..Default::default()
        })?;
        all.into_iter()
            .find(|o| o.uid == uid && o.date == date)
            .or_else(|| {
                // A milestone marked done moves to its actual date.
                self.calendar(&CalendarQuery {
                    from: Some(done_on),
                    to: Some(done_on),
                    ..Default::default()
                })
                .ok()?
                .into_iter()
                .find(|o| o.uid == uid)
            })
            .ok_or_else(|| Error::NotFound {
                entity: "calendar event",
                key: uid.to_string(),
            })
    }
}

/// Which occurrence a completion is for: the one asked for (which must be a date of the series
/// and not done yet), else the earliest open one.
fn pick_occurrence(
    e: &Event,
    completions: &[Completion],
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let done = |d: NaiveDate| {
        completions
            .iter()
            .find(|c| c.uid == e.uid && c.occurrence == d)
    };
    let already = |d: NaiveDate, by: &str, on: &str| {
        Error::Conflict(format!(
            "{} on {d} is already marked done (by {by}, on {on})",
            e.title
        ))
    };
    if let Some(c) = &e.closed {
        if c.state != EventState::Done || e.every_months.is_none() {
            return Err(already(e.start, &c.by, &c.at));
        }
    }
    let Some(every) = e.every_months else {
        if let Some(d) = asked.filter(|d| *d != e.start) {
            return Err(Error::Validation {
                entity: "completion",
                fields: vec![FieldError::new(
                    "occurrence",
                    format!("{d} is not a date of {}; it falls on {}", e.title, e.start),
                )],
            });
        }
        return Ok(e.start);
    };
    if is_rolling(e.kind) {
        // Only the next one due can be done; the ones after it are counted from it.
        if let Some(d) = asked.filter(|d| *d != e.start) {
            return Err(Error::Validation {
                entity: "completion",
                fields: vec![FieldError::new(
                    "occurrence",
                    format!(
                        "{d} is not the review due now; the next {} is due {}",
                        e.title, e.start
                    ),
                )],
            });
        }
        return Ok(e.start);
    }
    match asked {
        Some(d) => {
            let on_schedule = (0..2400)
                .map(|k| series_date(e.start, every, k, e.month_day))
                .take_while(|x| *x <= d)
                .any(|x| x == d);
            if !on_schedule {
                return Err(Error::Validation {
                    entity: "completion",
                    fields: vec![FieldError::new(
                        "occurrence",
                        format!(
                            "{d} is not a date of {}: it repeats every {every} months from {}",
                            e.title, e.start
                        ),
                    )],
                });
            }
            if let Some(c) = done(d) {
                return Err(already(d, &c.done_by, &c.done_on.to_string()));
            }
            Ok(d)
        }
        None => {
            // The earliest not done, else the next one ahead.
            let mut k = 0;
            loop {
                let d = series_date(e.start, every, k, e.month_day);
                if done(d).is_none() || d > today {
                    return Ok(d);
                }
                k += 1;
            }
        }
    }
}

fn write_milestones(
    tx: &mut Tx<'_>,
    system: i64,
    ms: Vec<Milestone>,
    actor: &str,
    now: &str,
) -> Result<Vec<Milestone>> {
    let before: Vec<Milestone> = tx
        .milestones(system)?
        .into_iter()
        .map(|m: StoredMilestone| m.milestone)
        .collect();
    let mut after: Vec<Milestone> = ms
        .into_iter()
        .filter(|m| m.planned.is_some() || m.actual.is_some())
        .collect();
    after.sort_by_key(|m| m.kind);
    if before == after {
        return Ok(after);
    }
    tx.set_milestones(system, &after, actor, now)?;
    tx.append_audit(Change {
        at: now.to_string(),
        actor,
        entity: "milestones",
        entity_id: system.to_string(),
        action: "update",
        before: Some(canonical_json(&before)),
        after: Some(canonical_json(&after)),
    })?;
    Ok(after)
}
