//! `steward evidence ...`: validation runs and bias results entered, imported, listed and
//! removed, each system's status against the evidence policy, and the policy in force.
//! Adapter only: records, rules and the status are `steward_core`'s.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use steward_core::api::evidence::{EvidenceImportOptions, EvidencePlan, SystemEvidence};
use steward_core::api::Workspace;
use steward_core::clock::{Clock, SystemClock};
use steward_core::evidence::{
    round, BiasDraft, BiasMetric, EvidenceState, Method, MetricValue, RunDraft,
};
use steward_core::import::measurements::parse_value;

use crate::output;

fn method(s: &str) -> Result<Method, String> {
    Method::parse(s).ok_or_else(|| {
        format!(
            "unknown validation method {s:?}; expected one of {}",
            Method::expected()
        )
    })
}

fn bias_metric(s: &str) -> Result<BiasMetric, String> {
    BiasMetric::parse(s).ok_or_else(|| {
        format!(
            "unknown bias metric {s:?}; expected one of {}",
            BiasMetric::expected()
        )
    })
}

fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; use YYYY-MM-DD, e.g. 2026-10-01"))
}

fn number(s: &str) -> Result<f64, String> {
    parse_value(s)
}

/// `NAME=VALUE` or, for a shadow comparison, `NAME=VALUE:INCUMBENT`.
fn metric(s: &str) -> Result<MetricValue, String> {
    let (name, rest) = s.split_once('=').ok_or_else(|| {
        format!(
            "{s:?} is not NAME=VALUE (e.g. auc=0.81, or auc=0.81:0.79 with the incumbent's value)"
        )
    })?;
    let (value, incumbent) = match rest.split_once(':') {
        Some((v, i)) => (v, Some(i)),
        None => (rest, None),
    };
    Ok(MetricValue {
        name: name.trim().to_string(),
        value: parse_value(value).map_err(|m| format!("{s:?}: {m}"))?,
        incumbent: incumbent
            .map(|i| parse_value(i).map_err(|m| format!("{s:?}: the incumbent's value {m}")))
            .transpose()?,
    })
}

#[derive(Subcommand)]
pub enum EvidenceCmd {
    /// Record a validation run of a system: its method, dataset, date and metrics.
    AddRun {
        /// The system (name or id).
        system: String,
        /// holdout, cross_validation, backtest, shadow or robustness.
        #[arg(long, value_parser = method)]
        method: Method,
        /// The data the run used.
        #[arg(long)]
        dataset: String,
        /// A metric, NAME=VALUE (repeatable); in a shadow comparison NAME=VALUE:INCUMBENT, the
        /// incumbent's value on the same data.
        #[arg(long = "metric", value_parser = metric, value_name = "NAME=VALUE[:INCUMBENT]", required = true)]
        metrics: Vec<MetricValue>,
        /// The day of the run, YYYY-MM-DD. Default: today.
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
        /// The model version tested. Default: the system's current version.
        #[arg(long)]
        model_version: Option<String>,
        /// The run's own name or id (e.g. an MLflow run id).
        #[arg(long, default_value = "")]
        run: String,
        /// The incumbent model a shadow comparison ran beside, with its version.
        #[arg(long, default_value = "")]
        incumbent: String,
    },
    /// Record a bias result: a rate of one segment against its reference group. Give both rates
    /// (the disparity ratio and difference are computed), or the ratio or the difference.
    AddBias {
        /// The system (name or id).
        system: String,
        /// The attribute segmented, e.g. age_band.
        #[arg(long)]
        attribute: String,
        /// The segment, e.g. 18-25.
        #[arg(long)]
        segment: String,
        /// selection_rate, true_positive_rate, false_positive_rate, false_negative_rate,
        /// precision or accuracy.
        #[arg(long, value_parser = bias_metric)]
        metric: BiasMetric,
        /// The reference group the segment is compared with.
        #[arg(long)]
        reference: String,
        /// The segment's rate, 0 to 1.
        #[arg(long, value_parser = number, allow_negative_numbers = true)]
        segment_value: Option<f64>,
        /// The reference group's rate, 0 to 1.
        #[arg(long, value_parser = number, allow_negative_numbers = true)]
        reference_value: Option<f64>,
        /// The disparity ratio (segment / reference), when the rates are not at hand.
        #[arg(long, value_parser = number, allow_negative_numbers = true)]
        ratio: Option<f64>,
        /// The difference (segment - reference), when the rates are not at hand.
        #[arg(long, value_parser = number, allow_negative_numbers = true)]
        difference: Option<f64>,
        /// The day of the test, YYYY-MM-DD. Default: today.
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
        /// The data the rates were measured on.
        #[arg(long, default_value = "")]
        dataset: String,
        /// The model version tested. Default: the system's current version.
        #[arg(long)]
        model_version: Option<String>,
    },
    /// Import runs and bias results from .xlsx, .ods or .csv in the long format (see README,
    /// "Evidence"), or from an MLflow run's JSON; any problem and nothing is written.
    Import {
        file: PathBuf,
        /// An MLflow run's system, where its tags do not say (name or id).
        #[arg(long)]
        system: Option<String>,
        /// An MLflow run's model version, where its tags do not say.
        #[arg(long)]
        model_version: Option<String>,
        /// An MLflow run's validation method, where its tags do not say.
        #[arg(long)]
        method: Option<String>,
        /// An MLflow run's dataset, where its tags do not say.
        #[arg(long)]
        dataset: Option<String>,
        /// Show what would be added or replaced, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A system's runs and bias results (every model version), with its status.
    List {
        /// The system (name or id).
        system: String,
    },
    /// A system's evidence status against the policy, check by check; every system's without
    /// one.
    Status {
        /// The system (name or id); every system when omitted.
        system: Option<String>,
    },
    /// Remove a validation run recorded in error.
    RemoveRun { id: i64 },
    /// Remove a bias result recorded in error.
    RemoveBias { id: i64 },
    /// Show the evidence policy in force, set the workspace's own from a TOML file, or reset.
    Policy {
        /// A policy file (see assets/evidence/policy.toml); a tier it gives replaces the
        /// shipped tier whole.
        #[arg(long, conflicts_with = "reset")]
        set: Option<PathBuf>,
        #[arg(long)]
        reset: bool,
    },
}

pub fn run(ws: &mut Workspace, cmd: EvidenceCmd, json: bool) -> Result<ExitCode> {
    let today = SystemClock.today();
    match cmd {
        EvidenceCmd::AddRun {
            system,
            method,
            dataset,
            metrics,
            date,
            model_version,
            run,
            incumbent,
        } => {
            let s = ws.find_system(&system)?;
            let r = ws.add_validation_run(RunDraft {
                system_id: s.id,
                model_version: model_version.unwrap_or(s.draft.model_version.clone()),
                date: date.unwrap_or(today),
                method,
                dataset,
                run,
                incumbent,
                metrics,
                source: "entered by hand".into(),
            })?;
            output::message(
                json,
                &format!(
                    "recorded run {} of {}: {}",
                    r.id,
                    s.draft.name,
                    run_line(&r.draft)
                ),
                serde_json::to_value(&r)?,
            )?;
        }
        EvidenceCmd::AddBias {
            system,
            attribute,
            segment,
            metric,
            reference,
            segment_value,
            reference_value,
            ratio,
            difference,
            date,
            dataset,
            model_version,
        } => {
            let s = ws.find_system(&system)?;
            let b = ws.add_bias_result(BiasDraft {
                system_id: s.id,
                model_version: model_version.unwrap_or(s.draft.model_version.clone()),
                date: date.unwrap_or(today),
                dataset,
                attribute,
                segment,
                metric,
                reference,
                segment_value,
                reference_value,
                ratio,
                difference,
                source: "entered by hand".into(),
            })?;
            output::message(
                json,
                &format!(
                    "recorded bias result {} of {}: {} of {} {} against {}: ratio {}, difference {}",
                    b.id,
                    s.draft.name,
                    b.draft.metric.key(),
                    b.draft.attribute,
                    b.draft.segment,
                    b.draft.reference,
                    opt(b.draft.ratio),
                    opt(b.draft.difference)
                ),
                serde_json::to_value(&b)?,
            )?;
        }
        EvidenceCmd::Import {
            file,
            system,
            model_version,
            method,
            dataset,
            dry_run,
        } => {
            let opts = EvidenceImportOptions {
                system,
                model_version,
                method,
                dataset,
            };
            let plan = ws
                .import_evidence(&file, &opts, dry_run)
                .with_context(|| format!("importing evidence from {}", file.display()))?;
            import_plan(&plan, dry_run, json)?;
        }
        EvidenceCmd::List { system } => {
            let e = ws.system_evidence(&system)?;
            if json {
                output::json(&e)?;
            } else {
                list(&e);
            }
        }
        EvidenceCmd::Status { system: Some(s) } => {
            let e = ws.system_evidence(&s)?;
            if json {
                output::json(&e.status)?;
            } else {
                status(&e);
            }
        }
        EvidenceCmd::Status { system: None } => {
            let all = ws.evidence_statuses()?;
            if json {
                output::json(&all)?;
            } else {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|s| {
                        vec![
                            s.system.clone(),
                            s.stage.key().into(),
                            s.risk_tier.key().into(),
                            s.model_version.clone(),
                            s.state.key().into(),
                            s.runs.to_string(),
                            s.bias.to_string(),
                            if s.gated { "gated" } else { "" }.into(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "system", "stage", "tier", "version", "evidence", "runs", "bias", "gate",
                    ],
                    &rows,
                );
            }
        }
        EvidenceCmd::RemoveRun { id } => {
            let r = ws.remove_validation_run(id)?;
            output::message(
                json,
                &format!("removed run {id}: {}", run_line(&r.draft)),
                serde_json::to_value(&r)?,
            )?;
        }
        EvidenceCmd::RemoveBias { id } => {
            let b = ws.remove_bias_result(id)?;
            output::message(
                json,
                &format!(
                    "removed bias result {id}: {} of {} {}",
                    b.draft.metric.key(),
                    b.draft.attribute,
                    b.draft.segment
                ),
                serde_json::to_value(&b)?,
            )?;
        }
        EvidenceCmd::Policy { set, reset } => {
            let p = if let Some(path) = set {
                ws.set_evidence_policy_file(Some(&path))?
            } else if reset {
                ws.set_evidence_policy_file(None)?
            } else {
                ws.evidence_policy_in_force()?
            };
            if json {
                output::json(&p)?;
            } else {
                println!(
                    "# the evidence policy in force: {}",
                    match p.origin {
                        steward_core::api::review_rules::RulesOrigin::BuiltIn =>
                            "the shipped policy",
                        steward_core::api::review_rules::RulesOrigin::Workspace =>
                            "the workspace's own",
                    }
                );
                print!("{}", p.policy.to_toml());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), round)
}

fn version(v: &str) -> &str {
    if v.is_empty() {
        "-"
    } else {
        v
    }
}

fn run_line(d: &RunDraft) -> String {
    let metrics: Vec<String> = d
        .metrics
        .iter()
        .map(|m| match m.incumbent {
            Some(i) => format!("{}={} (incumbent {})", m.name, round(m.value), round(i)),
            None => format!("{}={}", m.name, round(m.value)),
        })
        .collect();
    format!(
        "{} on {} of {}: {}",
        d.method.key(),
        d.dataset,
        d.date,
        metrics.join(", ")
    )
}

fn list(e: &SystemEvidence) {
    status(e);
    println!();
    let runs: Vec<Vec<String>> = e
        .runs
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                version(&r.draft.model_version).into(),
                r.draft.date.to_string(),
                r.draft.method.key().into(),
                r.draft.dataset.clone(),
                r.draft
                    .metrics
                    .iter()
                    .map(|m| match m.incumbent {
                        Some(i) => format!("{}={} ({})", m.name, round(m.value), round(i)),
                        None => format!("{}={}", m.name, round(m.value)),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                r.draft.incumbent.clone(),
            ]
        })
        .collect();
    output::table(
        &[
            "run",
            "version",
            "date",
            "method",
            "dataset",
            "metrics (incumbent)",
            "incumbent",
        ],
        &runs,
    );
    println!();
    let bias: Vec<Vec<String>> = e
        .bias
        .iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                version(&b.draft.model_version).into(),
                b.draft.date.to_string(),
                b.draft.attribute.clone(),
                b.draft.segment.clone(),
                b.draft.metric.key().into(),
                b.draft.reference.clone(),
                opt(b.draft.segment_value),
                opt(b.draft.reference_value),
                opt(b.draft.ratio),
                opt(b.draft.difference),
            ]
        })
        .collect();
    output::table(
        &[
            "bias",
            "version",
            "date",
            "attribute",
            "segment",
            "metric",
            "reference",
            "value",
            "ref. value",
            "ratio",
            "difference",
        ],
        &bias,
    );
    for c in &e.comparisons {
        println!(
            "\nshadow comparison of {} on {} against {}:",
            c.date, c.dataset, c.incumbent
        );
        for m in &c.metrics {
            println!(
                "  {:<24} new {:>10}  incumbent {:>10}  change {:>+10}",
                m.name,
                round(m.value),
                round(m.incumbent),
                round(m.change)
            );
        }
    }
}

fn status(e: &SystemEvidence) {
    let s = &e.status;
    println!(
        "{}: evidence {} (model version {}, risk tier {}, {}{})",
        e.system,
        s.state.label().to_lowercase(),
        version(&s.model_version),
        s.tier,
        match e.origin {
            steward_core::api::review_rules::RulesOrigin::BuiltIn => "the shipped policy",
            steward_core::api::review_rules::RulesOrigin::Workspace => "the workspace's policy",
        },
        if e.gated {
            "; the pre-deployment gate reads it"
        } else {
            ""
        }
    );
    for c in &s.checks {
        let mark = match c.outcome {
            EvidenceState::Met => "met",
            EvidenceState::NotMet => "NOT MET",
            EvidenceState::Missing => "MISSING",
            EvidenceState::OutOfDate => "OUT OF DATE",
            EvidenceState::NotRequired => "-",
        };
        println!("  {mark:<12} {}", c.message);
    }
    if !s.other_versions.is_empty() {
        println!(
            "  evidence of other versions (not counted): {}",
            s.other_versions.join(", ")
        );
    }
}

fn import_plan(plan: &EvidencePlan, dry_run: bool, json: bool) -> Result<()> {
    if json {
        return output::json(plan);
    }
    let sheet = plan
        .sheet
        .as_ref()
        .map(|s| format!(", sheet {s:?}"))
        .unwrap_or_default();
    println!(
        "{}{sheet} ({}): {} rows, systems: {}",
        plan.file,
        plan.format,
        plan.rows,
        plan.systems.join(", ")
    );
    for d in &plan.decisions {
        println!("read: {d}");
    }
    for w in &plan.warnings {
        println!("warning: {w}");
    }
    let verb = if dry_run { "would replace" } else { "replaced" };
    for r in &plan.replaced {
        let at = r.row.map(|r| format!("row {r:>5}  ")).unwrap_or_default();
        println!("  {at}{verb} {} {}: {}", r.kind, r.id, r.record);
    }
    println!(
        "{} {} runs and {} bias results added, {} replaced, {} unchanged{}",
        if dry_run { "dry run:" } else { "imported:" },
        plan.runs_added,
        plan.bias_added,
        plan.replaced.len(),
        plan.unchanged,
        if dry_run { "; nothing was written" } else { "" }
    );
    Ok(())
}
