//! `steward kpi ...` and `steward escalations ...`: KPI linkage from the command line. Argument
//! parsing and printing only; every rule is in core.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use steward_core::api::kpi::{KpiStatus, MeasurementInput};
use steward_core::api::Workspace;
use steward_core::export::ExportFormat;
use steward_core::import::measurements::MeasurementPlan;
use steward_core::kpi::{
    Cadence, Direction, Escalation, EscalationRule, EscalationState, KpiDraft, KpiKind,
};

use crate::output;

#[derive(Subcommand)]
pub enum KpiCmd {
    /// Add a KPI to a system.
    #[command(allow_negative_numbers = true)]
    Add(AddArgs),
    /// List KPIs (all, or one system's).
    List {
        #[arg(long)]
        system: Option<String>,
    },
    /// Show one KPI: thresholds, status, every measurement.
    Show { system: String, kpi: String },
    /// Link a driver KPI to a business outcome it moves (may be another system's).
    #[command(allow_negative_numbers = true)]
    Link {
        /// The system of the driver KPI (name or id).
        #[arg(long)]
        system: String,
        /// The driver KPI, e.g. a model metric.
        #[arg(long)]
        from: String,
        /// The business outcome it drives.
        #[arg(long)]
        to: String,
        /// The outcome's system, when it is not the driver's.
        #[arg(long)]
        to_system: Option<String>,
        /// Expected change of the outcome per unit of the driver, e.g. 0.3.
        #[arg(long)]
        effect: f64,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a measurement (a second value for the same period replaces the first).
    #[command(allow_negative_numbers = true)]
    Measure {
        system: String,
        kpi: String,
        /// "2025-03" (monthly) or "2025-Q1" (quarterly).
        period: String,
        value: f64,
        #[arg(long, default_value = "")]
        source: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Import measurements (System, KPI, Period, Value, Source, Note) from .xlsx, .ods or .csv;
    /// any problem and nothing is written.
    Import {
        file: PathBuf,
        /// Show what would be added or changed, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// For every KPI: latest period, value, status and consecutive breaches.
    Status,
    /// Show or set the escalation rule of a system (or the workspace default).
    Rule {
        #[arg(long)]
        system: Option<String>,
        /// Consecutive breaches that open level 1 (owner).
        /// (Setting a rule takes all four: --level1, --level2, --level3 and --due-days.)
        #[arg(long, requires_all = ["level2", "level3", "due_days"])]
        level1: Option<u32>,
        /// Consecutive breaches that raise level 2 (sponsor).
        #[arg(long, requires_all = ["level1", "level3", "due_days"])]
        level2: Option<u32>,
        /// Consecutive breaches that raise level 3 (portfolio board).
        #[arg(long, requires_all = ["level1", "level2", "due_days"])]
        level3: Option<u32>,
        /// Days after the period ends by which a response is due.
        #[arg(long, requires_all = ["level1", "level2", "level3"])]
        due_days: Option<u32>,
    },
    /// Export KPIs, links, measurements and escalations: .xlsx (one sheet each and a chart per
    /// KPI) or .csv (the measurements, in the import's columns).
    Export {
        #[arg(long, value_parser = parse_format)]
        format: ExportFormat,
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Args)]
pub struct AddArgs {
    /// The system (name or id).
    #[arg(long)]
    system: String,
    #[arg(long)]
    name: String,
    /// model_metric, business_outcome or operational.
    #[arg(long, value_parser = parse_kind)]
    kind: KpiKind,
    #[arg(long)]
    unit: String,
    /// higher_is_better or lower_is_better.
    #[arg(long, value_parser = parse_direction)]
    direction: Direction,
    #[arg(long)]
    target: f64,
    #[arg(long)]
    warning: f64,
    #[arg(long)]
    breach: f64,
    /// monthly or quarterly.
    #[arg(long, value_parser = parse_cadence, default_value = "monthly")]
    cadence: Cadence,
}

#[derive(Subcommand)]
pub enum EscalationsCmd {
    /// Escalations, oldest first.
    List {
        /// Only open, acknowledged or resolved ones.
        #[arg(long, value_parser = parse_state)]
        state: Option<EscalationState>,
    },
    /// Acknowledge an open escalation.
    Ack {
        id: i64,
        #[arg(long)]
        note: String,
    },
    /// Resolve an escalation, saying what was done.
    Resolve {
        id: i64,
        #[arg(long)]
        note: String,
    },
}

macro_rules! enum_parser {
    ($fn:ident, $ty:ty) => {
        fn $fn(s: &str) -> Result<$ty, String> {
            <$ty>::parse(s).ok_or_else(|| {
                format!(
                    "unknown value {s:?}; expected one of: {}",
                    <$ty>::expected()
                )
            })
        }
    };
}
enum_parser!(parse_kind, KpiKind);
enum_parser!(parse_direction, Direction);
enum_parser!(parse_cadence, Cadence);
enum_parser!(parse_state, EscalationState);

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}; expected xlsx or csv"))
}

pub fn run(ws: &mut Workspace, cmd: KpiCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        KpiCmd::Add(a) => {
            let system = ws.find_system(&a.system)?;
            let k = ws
                .add_kpi(KpiDraft {
                    system_id: system.id,
                    name: a.name,
                    kind: a.kind,
                    unit: a.unit,
                    direction: a.direction,
                    target: a.target,
                    warning: a.warning,
                    breach: a.breach,
                    cadence: a.cadence,
                })
                .with_context(|| format!("adding a KPI to {}", system.draft.name))?;
            output::message(
                json,
                &format!(
                    "added KPI {} (#{}) to {}",
                    k.draft.name, k.id, system.draft.name
                ),
                serde_json::to_value(&k)?,
            )?;
        }
        KpiCmd::List { system } => {
            let mut list = ws.kpi_status()?;
            if let Some(s) = system {
                let s = ws.find_system(&s)?;
                list.retain(|k| k.system_id == s.id);
            }
            status_table(&list, json)?;
        }
        KpiCmd::Show { system, kpi } => {
            let k = ws.find_kpi(&system, &kpi)?;
            let status = ws.kpi_status()?.into_iter().find(|s| s.kpi_id == k.id);
            let ms = ws.kpi_measurements(k.id)?;
            if json {
                output::json(
                    &serde_json::json!({ "kpi": k, "status": status, "measurements": ms }),
                )?;
            } else {
                let d = &k.draft;
                println!(
                    "{} (#{}) of {}",
                    d.name,
                    k.id,
                    status.as_ref().map_or("", |s| s.system.as_str())
                );
                println!(
                    "{}, {}, {}, unit {}; target {}, warning {}, breach {}",
                    d.kind.label(),
                    d.direction.label().to_lowercase(),
                    d.cadence.label().to_lowercase(),
                    d.unit,
                    d.target,
                    d.warning,
                    d.breach
                );
                let rows: Vec<Vec<String>> = ms
                    .iter()
                    .map(|m| {
                        vec![
                            m.period.clone(),
                            m.value.to_string(),
                            m.status.label().into(),
                            m.source.clone(),
                            m.note.clone(),
                        ]
                    })
                    .collect();
                output::table(&["period", "value", "status", "source", "note"], &rows);
            }
        }
        KpiCmd::Link {
            system,
            from,
            to,
            to_system,
            effect,
            note,
        } => {
            let a = ws.find_kpi(&system, &from)?;
            let b = ws.find_kpi(to_system.as_deref().unwrap_or(&system), &to)?;
            let link = ws.link_kpis(a.id, b.id, effect, &note)?;
            output::message(
                json,
                &format!(
                    "linked {} -> {} ({effect:+} per unit)",
                    a.draft.name, b.draft.name
                ),
                serde_json::to_value(&link)?,
            )?;
        }
        KpiCmd::Measure {
            system,
            kpi,
            period,
            value,
            source,
            note,
        } => {
            let k = ws.find_kpi(&system, &kpi)?;
            let r = ws.record_measurement(MeasurementInput {
                kpi_id: k.id,
                period,
                value,
                source,
                note,
            })?;
            if json {
                output::json(&r)?;
            } else {
                let m = &r.measurement;
                match &r.previous {
                    Some(p) if p.value != m.value => println!(
                        "{} {}: {} -> {} ({})",
                        k.draft.name,
                        m.period,
                        p.value,
                        m.value,
                        r.status.label().to_lowercase()
                    ),
                    _ => println!(
                        "{} {}: {} ({})",
                        k.draft.name,
                        m.period,
                        m.value,
                        r.status.label().to_lowercase()
                    ),
                }
                for e in r
                    .escalations
                    .iter()
                    .filter(|e| e.state != EscalationState::Resolved)
                {
                    println!(
                        "escalation #{}: level {} ({}), {} consecutive breaches, due {}",
                        e.id, e.level, e.level_name, e.breaches, e.due_date
                    );
                }
            }
        }
        KpiCmd::Import { file, dry_run } => {
            let plan = ws
                .import_measurements(&file, dry_run)
                .with_context(|| format!("importing measurements from {}", file.display()))?;
            import_plan(&plan, dry_run, json)?;
        }
        KpiCmd::Status => status_table(&ws.kpi_status()?, json)?,
        KpiCmd::Rule {
            system,
            level1,
            level2,
            level3,
            due_days,
        } => {
            let system_id = system
                .map(|s| ws.find_system(&s))
                .transpose()?
                .map(|s| s.id);
            let rule = match (level1, level2, level3, due_days) {
                (Some(level1_after), Some(level2_after), Some(level3_after), Some(due_days)) => ws
                    .set_escalation_rule(
                        system_id,
                        EscalationRule {
                            level1_after,
                            level2_after,
                            level3_after,
                            due_days,
                        },
                    )?,
                _ => ws.escalation_rule(system_id)?,
            };
            output::message(
                json,
                &format!(
                    "level 1 (owner) after {} consecutive breaches, level 2 (sponsor) after {}, level 3 (portfolio board) after {}; due {} days after the period ends",
                    rule.level1_after, rule.level2_after, rule.level3_after, rule.due_days
                ),
                serde_json::to_value(rule)?,
            )?;
        }
        KpiCmd::Export {
            format,
            output: out,
        } => {
            let n = ws.export_kpis(format, &out)?;
            output::message(
                json,
                &format!("wrote {n} measurements to {}", out.display()),
                serde_json::json!({ "measurements": n, "file": out }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_escalations(ws: &mut Workspace, cmd: EscalationsCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        EscalationsCmd::List { state } => {
            let list = ws.escalations(state)?;
            escalations(&list, json)?;
        }
        EscalationsCmd::Ack { id, note } => {
            let e = ws.acknowledge_escalation(id, &note)?;
            output::message(
                json,
                &format!("escalation #{id} acknowledged"),
                serde_json::to_value(&e)?,
            )?;
        }
        EscalationsCmd::Resolve { id, note } => {
            let e = ws.resolve_escalation(id, &note)?;
            output::message(
                json,
                &format!("escalation #{id} resolved"),
                serde_json::to_value(&e)?,
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_table(list: &[KpiStatus], json: bool) -> Result<()> {
    if json {
        return output::json(list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.kpi_id.to_string(),
                s.system.clone(),
                s.kpi.clone(),
                s.kind.label().into(),
                s.latest_period.clone().unwrap_or_else(|| "-".into()),
                s.latest_value.map_or_else(|| "-".into(), |v| v.to_string()),
                s.status.map_or("no data", |x| x.label()).into(),
                s.consecutive_breaches.to_string(),
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "system",
            "kpi",
            "kind",
            "latest",
            "value",
            "status",
            "breaches in a row",
        ],
        &rows,
    );
    println!(
        "{} KPI{}",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn escalations(list: &[Escalation], json: bool) -> Result<()> {
    if json {
        return output::json(list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.system.clone(),
                e.kpi.clone(),
                format!("{} ({})", e.level, e.level_name),
                e.opened_period.clone(),
                e.breaches.to_string(),
                e.due_date.clone(),
                e.state.label().into(),
            ]
        })
        .collect();
    output::table(
        &[
            "id", "system", "kpi", "level", "opened", "breaches", "due", "state",
        ],
        &rows,
    );
    println!(
        "{} escalation{}",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn import_plan(plan: &MeasurementPlan, dry_run: bool, json: bool) -> Result<()> {
    if json {
        return output::json(plan);
    }
    let sheet = plan
        .sheet
        .as_ref()
        .map(|s| format!(", sheet {s:?}"))
        .unwrap_or_default();
    println!(
        "{}{sheet}: {} data rows, {} KPIs",
        plan.file, plan.rows, plan.kpis
    );
    for w in &plan.warnings {
        println!("warning: {w}");
    }
    let verb = if dry_run { "would replace" } else { "replaced" };
    for c in &plan.updated {
        println!(
            "  row {:>7}  {verb} {} / {} {}: {} -> {}",
            c.row, c.system, c.kpi, c.period, c.before, c.after
        );
    }
    println!(
        "{} {} added, {} updated, {} unchanged{}",
        if dry_run { "dry run:" } else { "imported:" },
        plan.added,
        plan.updated.len(),
        plan.unchanged,
        if dry_run { "; nothing was written" } else { "" }
    );
    Ok(())
}
