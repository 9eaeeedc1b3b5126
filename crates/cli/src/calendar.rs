//! `steward calendar ...`: the lifecycle calendar, milestones and decommissioning checklists.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{Duration, NaiveDate};
use clap::{Args, Subcommand};
use steward_core::api::Workspace;
use steward_core::calendar::{
    CalendarQuery, EventKind, ItemState, Milestone, MilestoneKind, Occurrence,
};

use crate::output;

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// List events by date (default: from today for 90 days).
    List(Range),
    /// List every overdue event (open and dated before today).
    Overdue(Filter),
    /// Mark an event done (by its uid, from `list --json`), recording who and when.
    Done {
        uid: String,
        /// Which date of a recurring event (default: the earliest open one).
        #[arg(long, value_parser = parse_date)]
        occurrence: Option<NaiveDate>,
        /// When it was done (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write the events as an iCalendar (.ics) file for Outlook, Google or Apple calendars.
    Export {
        #[command(flatten)]
        range: ExportRange,
        /// Output .ics file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Show or set a system's milestones (planned and actual dates per stage).
    Milestones {
        system: String,
        /// Set a date: STAGE.planned=DATE or STAGE.actual=DATE (empty DATE clears it);
        /// stages: development, validation, staging, production, sunset, decommission.
        #[arg(long = "set", value_name = "STAGE.WHICH=DATE")]
        set: Vec<String>,
    },
    /// Show a system's decommissioning checklist, or close or change one item.
    Checklist {
        system: String,
        /// The item (its key, e.g. post_mortem) to act on.
        item: Option<String>,
        /// Mark the item done.
        #[arg(long, conflicts_with = "waive")]
        done: bool,
        /// Waive the item, with the reason (recorded in the audit log).
        #[arg(long, value_name = "REASON")]
        waive: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, value_parser = parse_date)]
        due: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Show the calendar rules in force, set a workspace override from a TOML file, or reset.
    Rules {
        /// A rules file (see assets/calendar/rules.toml); keys left out keep their value.
        #[arg(long, conflicts_with = "reset")]
        set: Option<PathBuf>,
        #[arg(long)]
        reset: bool,
    },
}

#[derive(Args)]
pub struct Filter {
    /// Only this system (name or id).
    #[arg(long)]
    system: Option<String>,
    /// Only events whose owner's name contains this.
    #[arg(long)]
    owner: Option<String>,
    /// Only these kinds (repeatable): milestone, portfolio_review, model_review,
    /// assumption_review, certification_expiry, data_retention, decommission, escalation, action.
    #[arg(long, value_parser = parse_kind)]
    kind: Vec<EventKind>,
}

#[derive(Args)]
pub struct Range {
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    #[arg(long, value_parser = parse_date)]
    to: Option<NaiveDate>,
    #[command(flatten)]
    filter: Filter,
}

#[derive(Args)]
pub struct ExportRange {
    /// Only events with a date on or after this day (default: all).
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// Only events with a date on or before this day (default: two years ahead).
    #[arg(long, value_parser = parse_date)]
    to: Option<NaiveDate>,
    #[command(flatten)]
    filter: Filter,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; use YYYY-MM-DD, e.g. 2027-01-31"))
}

fn parse_kind(s: &str) -> Result<EventKind, String> {
    EventKind::parse(s)
        .ok_or_else(|| format!("unknown kind {s:?}; accepted: {}", EventKind::expected()))
}

fn query(f: Filter, from: Option<NaiveDate>, to: Option<NaiveDate>) -> CalendarQuery {
    CalendarQuery {
        from,
        to,
        system: f.system,
        owner: f.owner,
        kinds: f.kind,
        overdue_only: false,
    }
}

fn print(list: &[Occurrence], json: bool) -> Result<()> {
    if json {
        return output::json(list);
    }
    if list.is_empty() {
        println!("no events");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|o| {
            vec![
                o.date.to_string(),
                o.state.key().to_string(),
                o.kind.label().to_string(),
                o.title.clone(),
                o.owner.clone().unwrap_or_default(),
                o.uid.clone(),
            ]
        })
        .collect();
    output::table(&["Date", "State", "Kind", "Event", "Owner", "UID"], &rows);
    Ok(())
}

pub fn run(ws: &mut Workspace, cmd: CalendarCmd, json: bool) -> Result<ExitCode> {
    let today = ws.context().clock.today();
    match cmd {
        CalendarCmd::List(r) => {
            let from = r.from.or(Some(today));
            let to =
                r.to.or_else(|| from.map(|f| f.max(today) + Duration::days(90)));
            print(&ws.calendar(&query(r.filter, from, to))?, json)?;
        }
        CalendarCmd::Overdue(f) => {
            let mut q = query(f, None, Some(today));
            q.overdue_only = true;
            print(&ws.calendar(&q)?, json)?;
        }
        CalendarCmd::Done {
            uid,
            occurrence,
            on,
            note,
        } => {
            let o = ws.mark_done(&uid, occurrence, on, &note)?;
            if json {
                output::json(&o)?;
            } else {
                println!(
                    "{} ({}) marked {} by {}",
                    o.title,
                    o.date,
                    o.state.key(),
                    o.done_by.clone().unwrap_or_default()
                );
            }
        }
        CalendarCmd::Export { range, output: out } => {
            let to = range.to.or(Some(today + Duration::days(730)));
            let q = query(range.filter, range.from, to);
            let n = ws.export_calendar(&q, &out)?;
            output::message(
                json,
                &format!("wrote {n} events to {}", out.display()),
                serde_json::json!({ "events": n, "file": out }),
            )?;
        }
        CalendarCmd::Milestones { system, set } => {
            let s = ws.find_system(&system)?;
            let mut ms = ws.milestones(s.id)?;
            if !set.is_empty() {
                for item in &set {
                    apply(&mut ms, item)?;
                }
                ms = ws.set_milestones(s.id, ms)?;
            }
            if json {
                output::json(&ms)?;
            } else {
                let rows: Vec<Vec<String>> = MilestoneKind::ALL
                    .iter()
                    .map(|k| {
                        let m = ms.iter().find(|m| m.kind == *k);
                        let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
                        vec![
                            k.key().to_string(),
                            d(m.and_then(|m| m.planned)),
                            d(m.and_then(|m| m.actual)),
                        ]
                    })
                    .collect();
                println!("Milestones of {}", s.draft.name);
                output::table(&["Stage", "Planned", "Actual"], &rows);
            }
        }
        CalendarCmd::Checklist {
            system,
            item,
            done,
            waive,
            owner,
            due,
            note,
        } => {
            let s = ws.find_system(&system)?;
            if let Some(key) = item {
                if done {
                    ws.close_checklist_item(s.id, &key, ItemState::Done, &note)?;
                } else if let Some(reason) = waive {
                    ws.close_checklist_item(s.id, &key, ItemState::Waived, &reason)?;
                } else if owner.is_some() || due.is_some() {
                    ws.edit_checklist_item(s.id, &key, owner, due)?;
                } else {
                    anyhow::bail!(
                        "say what to do with item {key}: --done, --waive REASON, --owner NAME or --due DATE"
                    );
                }
            }
            let items = ws.checklist(s.id)?;
            if json {
                output::json(&items)?;
            } else if items.is_empty() {
                println!(
                    "{} has no decommissioning checklist; `steward systems retire \"{}\"` starts it",
                    s.draft.name, s.draft.name
                );
            } else {
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|i| {
                        vec![
                            i.key.clone(),
                            i.title.clone(),
                            i.owner.clone(),
                            i.due.to_string(),
                            i.state.key().to_string(),
                            i.note.clone(),
                        ]
                    })
                    .collect();
                println!("Decommissioning checklist of {}", s.draft.name);
                output::table(&["Item", "Task", "Owner", "Due", "State", "Note"], &rows);
            }
        }
        CalendarCmd::Rules { set, reset } => {
            let rules = if let Some(path) = set {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                ws.set_calendar_rules(Some(&text), &path.display().to_string())?
            } else if reset {
                ws.set_calendar_rules(None, "")?
            } else {
                ws.calendar_rules()?
            };
            if json {
                output::json(&rules)?;
            } else {
                print!("{}", rules.to_toml());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies one `STAGE.planned=DATE` / `STAGE.actual=DATE` to the milestones.
fn apply(ms: &mut Vec<Milestone>, item: &str) -> Result<()> {
    let usage = || {
        anyhow::anyhow!(
            "--set {item:?}: expected STAGE.planned=DATE or STAGE.actual=DATE, with STAGE one of {}",
            MilestoneKind::expected()
        )
    };
    let (lhs, date) = item.split_once('=').ok_or_else(usage)?;
    let (stage, which) = lhs.split_once('.').ok_or_else(usage)?;
    let kind = MilestoneKind::parse(stage).ok_or_else(usage)?;
    let date = match date.trim() {
        "" => None,
        d => Some(parse_date(d).map_err(|e| anyhow::anyhow!("--set {item:?}: {e}"))?),
    };
    let m = match ms.iter_mut().find(|m| m.kind == kind) {
        Some(m) => m,
        None => {
            ms.push(Milestone {
                kind,
                planned: None,
                actual: None,
            });
            ms.last_mut().expect("just pushed")
        }
    };
    match which.trim() {
        "planned" => m.planned = date,
        "actual" => m.actual = date,
        _ => return Err(usage()),
    }
    Ok(())
}
