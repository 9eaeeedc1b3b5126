//! The lifecycle calendar: milestones, events derived from the register by rules kept as data,
//! the decommissioning checklist, views and iCalendar export.
//!
//! Everything here is computed: the store keeps only what people decide (milestone dates,
//! checklist items, completions, a rules override); events are derived from those and the
//! register each time, so changing a record moves its events.

pub mod derive;
pub mod milestones;
pub mod rules;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use derive::{derive_events, occurrences, Inputs};
pub use milestones::{check_milestones, Milestone, MilestoneKind};
pub use rules::Rules;

string_enum! {
    /// What produced an event.
    EventKind {
        Milestone = "milestone", "Milestone";
        PortfolioReview = "portfolio_review", "Portfolio review";
        ModelReview = "model_review", "Model review";
        AssumptionReview = "assumption_review", "Assumption review";
        CertificationExpiry = "certification_expiry", "Certification expiry";
        DataRetention = "data_retention", "Data retention deadline";
        Decommission = "decommission", "Decommissioning task";
        Escalation = "escalation", "KPI escalation due";
        Action = "action", "Action";
    }
}

string_enum! {
    /// Where one dated occurrence stands.
    EventState {
        Open = "open", "Open";
        Overdue = "overdue", "Overdue";
        Done = "done", "Done";
        Waived = "waived", "Waived";
    }
}

/// A derived event: one dated entry, or a series for a recurring rule.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "CalendarEvent")]
pub struct Event {
    /// Stable across exports and edits of unrelated fields: calendars update instead of
    /// duplicating on re-import.
    pub uid: String,
    pub kind: EventKind,
    /// The rule (a table of the rules file) or record type that produced it.
    pub rule: String,
    /// The record it was derived from, in words a person can trace.
    pub source: String,
    pub title: String,
    #[ts(type = "number | null")]
    pub system_id: Option<i64>,
    pub system: Option<String>,
    pub owner: Option<String>,
    /// The first date of the series (for a rolling review: the next one due).
    #[ts(type = "string")]
    pub start: NaiveDate,
    /// Repeats every this many months from `start` (None: a single date) ...
    pub every_months: Option<u32>,
    /// ... on this day of the month (the last day of a shorter month).
    pub month_day: u32,
    pub remind_days: Option<u32>,
    /// A task to tick off (exported as VTODO) rather than an event.
    pub task: bool,
    /// Changes whenever the series is moved by a completion, so calendars take the update.
    pub sequence: u32,
    /// A state decided by a person for the single date (done or waived), if any.
    pub closed: Option<Closed>,
}

/// How a single-date event or task was closed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "EventClosure")]
pub struct Closed {
    pub state: EventState,
    pub by: String,
    pub at: String,
    pub note: String,
}

/// One dated occurrence of an event, as the views list it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Occurrence {
    pub uid: String,
    #[ts(type = "string")]
    pub date: NaiveDate,
    pub kind: EventKind,
    pub rule: String,
    pub source: String,
    pub title: String,
    #[ts(type = "number | null")]
    pub system_id: Option<i64>,
    pub system: Option<String>,
    pub owner: Option<String>,
    pub state: EventState,
    pub task: bool,
    pub recurring: bool,
    pub done_by: Option<String>,
    pub done_at: Option<String>,
    pub note: Option<String>,
}

/// A person's record that one occurrence of an event was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Completion {
    pub uid: String,
    #[ts(type = "string")]
    pub occurrence: NaiveDate,
    #[ts(type = "string")]
    pub done_on: NaiveDate,
    pub done_by: String,
    pub recorded_at: String,
    pub note: String,
}

string_enum! {
    ItemState {
        Open = "open", "Open";
        Done = "done", "Done";
        Waived = "waived", "Waived";
    }
}

/// One item of a system's decommissioning checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChecklistItem {
    #[ts(type = "number")]
    pub system_id: i64,
    pub key: String,
    pub title: String,
    pub owner: String,
    #[ts(type = "string")]
    pub due: NaiveDate,
    pub state: ItemState,
    /// Why it was waived, or a note on completion.
    pub note: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
}

/// An action another area asks for, with an owner and a due date (e.g. a condition of an
/// "approve with conditions" sign-off); on the calendar as a task until marked done.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Unique among actions, stable: part of the event's UID (e.g. "signoff-action-7").
    pub key: String,
    #[doc = "The system it concerns (by name)."]
    pub system: String,
    pub title: String,
    pub owner: String,
    pub due: NaiveDate,
    /// The rule and record it came from.
    pub rule: String,
    pub source: String,
}

/// Which occurrences a view asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CalendarQuery {
    #[ts(type = "string | null")]
    pub from: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    /// System id or name (case-insensitive).
    pub system: Option<String>,
    /// Part of the owner's name (case-insensitive).
    pub owner: Option<String>,
    pub kinds: Vec<EventKind>,
    /// Only occurrences overdue today.
    pub overdue_only: bool,
}

/// `start` plus `k` times `every` months; a 29th-31st falls on the last day of a shorter month.
pub fn nth_date(start: NaiveDate, every: u32, k: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(every * k))
        .unwrap_or(NaiveDate::MAX)
}

/// The `k`-th date of a series that starts at `start` and repeats every `every` months on day
/// `day` of the month, or the month's last day when it is shorter (so a series counted from
/// 31 August falls on 28 February, then 31 August again).
pub fn series_date(start: NaiveDate, every: u32, k: u32, day: u32) -> NaiveDate {
    let Some(month) = start
        .with_day(1)
        .and_then(|f| f.checked_add_months(Months::new(every * k)))
    else {
        return NaiveDate::MAX;
    };
    let last = month
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .map(|d| d.day())
        .unwrap_or(28);
    month.with_day(day.clamp(1, last)).unwrap_or(month)
}

/// A short stable tag for a text (a certification name, an assumption), used inside UIDs.
pub(crate) fn tag(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.trim().to_lowercase().as_bytes());
    hex::encode(&digest[..5])
}
