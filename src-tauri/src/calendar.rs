//! The calendar's commands: views, marking done, milestones, the decommissioning checklist and
//! retirement, iCalendar export. Each is one call into `steward_core::api`.

use std::path::PathBuf;

use chrono::NaiveDate;
use steward_core::api::RetireOutcome;
use steward_core::calendar::{CalendarQuery, ChecklistItem, ItemState, Milestone, Occurrence};
use tauri::State;

use crate::commands::Shell;

type Reply<T> = Result<T, steward_core::api::wire::WireError>;

#[tauri::command]
pub fn calendar_list(s: State<Shell>, query: CalendarQuery) -> Reply<Vec<Occurrence>> {
    s.with(|ws| ws.calendar(&query))
}

#[tauri::command]
pub fn calendar_done(
    s: State<Shell>,
    uid: String,
    occurrence: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
    note: String,
) -> Reply<Occurrence> {
    s.with(|ws| ws.mark_done(&uid, occurrence, done_on, &note))
}

/// Writes the .ics of the events the query selects; returns how many events it holds.
#[tauri::command(async)]
pub fn calendar_export(s: State<'_, Shell>, query: CalendarQuery, out: PathBuf) -> Reply<usize> {
    s.with(|ws| ws.export_calendar(&query, &out))
}

#[tauri::command]
pub fn milestones_get(s: State<Shell>, id: i64) -> Reply<Vec<Milestone>> {
    s.with(|ws| ws.milestones(id))
}

#[tauri::command]
pub fn milestones_set(
    s: State<Shell>,
    id: i64,
    milestones: Vec<Milestone>,
) -> Reply<Vec<Milestone>> {
    s.with(|ws| ws.set_milestones(id, milestones))
}

#[tauri::command]
pub fn checklist_get(s: State<Shell>, id: i64) -> Reply<Vec<ChecklistItem>> {
    s.with(|ws| ws.checklist(id))
}

#[tauri::command]
pub fn checklist_close(
    s: State<Shell>,
    id: i64,
    key: String,
    state: ItemState,
    note: String,
) -> Reply<ChecklistItem> {
    s.with(|ws| ws.close_checklist_item(id, &key, state, &note))
}

/// Starts the decommissioning checklist, or retires the system once it is complete.
#[tauri::command]
pub fn retire_system(s: State<Shell>, id: i64, date: Option<NaiveDate>) -> Reply<RetireOutcome> {
    s.with(|ws| ws.retire_system(id, date))
}
