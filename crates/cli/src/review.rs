//! `steward review ...`: quarterly portfolio reviews, their scorecards and recommendations, the
//! freeze, the board's decisions and actions, the decision register and comparisons, and the
//! board pack.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use steward_core::report::reader_time as rt;

use anyhow::{anyhow, Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use steward_core::api::review::{
    ActionInput, Attendee, BudgetTarget, DecisionInput, ReviewDraft, ReviewScope, ReviewView,
};
use steward_core::api::Workspace;
use steward_core::register::Stage;
use steward_core::review::{money, Disposition};
use steward_core::signoff::Status;

use crate::output;
use crate::reports::SignerArgs;

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// List the reviews, oldest quarter first.
    List,
    /// Open a draft review of a quarter.
    Create(Header),
    /// Change a draft's date, chair, attendees or scope.
    Scope(Header),
    /// Show a review: every system's scorecard, recommendation and decision, the actions
    /// carried over and the budget balance.
    Show { review: String },
    /// Per system: the recommendation, the rule that fired and the inputs that fired it.
    Recommend { review: String },
    /// Freeze a draft: its inputs and the rules become a snapshot with a SHA-256.
    Freeze { review: String },
    /// Record the board's decision on one system of a frozen review.
    Decide {
        review: String,
        system: String,
        /// retain, retrain, refactor, invest, scale, retire, suspend, escalate; for
        /// proposals fund, defer or reject.
        #[arg(long, value_parser = disposition)]
        decision: Disposition,
        /// Why; required when the decision differs from the recommendation.
        #[arg(long, default_value = "")]
        rationale: String,
        /// A member who disagreed (repeatable).
        #[arg(long)]
        dissent: Vec<String>,
        #[arg(long, default_value = "")]
        conditions: String,
        /// Money the decision commits (retraining, refactoring, new development).
        #[arg(long)]
        budget: Option<f64>,
    },
    /// Set an action on a system: on the calendar for its owner until marked done.
    Action {
        review: String,
        system: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        owner: String,
        #[arg(long, value_parser = parse_date)]
        due: NaiveDate,
    },
    /// Every decision of every review, newest quarter first.
    Register,
    /// Compare two reviews: systems in and out of scope, movements, changed dispositions,
    /// actions opened and closed.
    Compare { from: String, to: String },
    /// Show the review rules in force, set the workspace's own from a TOML file, or reset.
    Rules {
        /// A rules file (see assets/review/rules.toml); keys left out keep their value and the
        /// list of rules is replaced whole.
        #[arg(long, conflicts_with = "reset")]
        set: Option<PathBuf>,
        #[arg(long)]
        reset: bool,
    },
    /// Set the board's target budget split (shares of 1, e.g. 0.6 0.25 0.15).
    Budget {
        #[arg(long)]
        run: f64,
        #[arg(long)]
        technical_debt: f64,
        #[arg(long)]
        new_development: f64,
    },
    /// Put a decided review's outcome (the snapshot's hash, the decisions, the attendees and the
    /// actions) to the board under the workspace's portfolio_review sign-off rule, or show the
    /// request already open; with -o, write its request file, signed by you (or --p12). Members
    /// sign the file with `steward signoff sign` on their own laptops and their signature files
    /// come back with `steward signoff import-signature`; the one that completes the approval
    /// makes the review signed.
    Sign {
        /// The review's number or quarter, e.g. 2026-Q4.
        review: String,
        /// Last day signatures are accepted (YYYY-MM-DD). Default: the rule's valid days.
        #[arg(long, value_parser = parse_date)]
        deadline: Option<NaiveDate>,
        /// Write the request file here.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        signer: SignerArgs,
    },
    /// Write a frozen review's board pack: pdf (signed with --sign) or xlsx (scorecards, rules
    /// fired, decisions, actions, changes), by the output's extension or --format.
    Export {
        /// The review's number or quarter, e.g. 2026-Q4.
        review: String,
        #[arg(short, long)]
        output: PathBuf,
        /// pdf or xlsx; default: the output's extension.
        #[arg(long)]
        format: Option<String>,
        /// Sign the PDF with your identity (or --p12).
        #[arg(long)]
        sign: bool,
        #[command(flatten)]
        signer: SignerArgs,
    },
}

#[derive(Args)]
pub struct Header {
    /// The quarter, e.g. 2026-Q4 (for scope: the review to change).
    #[arg(long)]
    period: String,
    #[arg(long, default_value = "")]
    title: String,
    /// The day of the meeting.
    #[arg(long, value_parser = parse_date)]
    date: NaiveDate,
    #[arg(long)]
    chair: String,
    /// Someone at the meeting, as "Name: role" (repeatable).
    #[arg(long = "attendee", value_name = "NAME: ROLE")]
    attendees: Vec<String>,
    /// Only systems at this stage (repeatable; default every stage but retired).
    #[arg(long = "stage", value_parser = stage)]
    stages: Vec<Stage>,
    /// Only systems of this business unit (repeatable).
    #[arg(long = "unit")]
    units: Vec<String>,
    /// Only systems with this tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
}

impl Header {
    fn draft(&self) -> ReviewDraft {
        ReviewDraft {
            period: self.period.clone(),
            title: self.title.clone(),
            held_on: self.date,
            chair: self.chair.clone(),
            attendees: self
                .attendees
                .iter()
                .map(|a| {
                    let (name, role) = a.split_once(':').unwrap_or((a, ""));
                    Attendee {
                        name: name.trim().into(),
                        role: role.trim().into(),
                    }
                })
                .collect(),
            scope: ReviewScope {
                stages: self.stages.clone(),
                business_units: self.units.clone(),
                tags: self.tags.clone(),
            },
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
}

fn disposition(s: &str) -> Result<Disposition, String> {
    Disposition::parse(s).ok_or_else(|| {
        format!(
            "unknown decision {s:?}; expected one of {}",
            Disposition::expected()
        )
    })
}

fn stage(s: &str) -> Result<Stage, String> {
    Stage::parse(s)
        .ok_or_else(|| format!("unknown stage {s:?}; expected one of {}", Stage::expected()))
}

fn pct(x: Option<f64>) -> String {
    x.map_or("missing".into(), |v| format!("{:.0}%", v * 100.0))
}

fn amount(x: Option<f64>) -> String {
    x.map_or("missing".into(), money)
}

fn show(v: &ReviewView, json: bool) -> Result<()> {
    if json {
        return output::json(v);
    }
    println!(
        "{} ({}), {}, chaired by {}",
        v.header.title,
        v.state.label(),
        v.header.held_on,
        v.header.chair
    );
    if let Some(h) = &v.snapshot_hash {
        println!(
            "frozen {} by {}, snapshot SHA-256 {h}, rules {}",
            v.frozen_at.as_deref().map_or("?".into(), rt),
            v.frozen_by.as_deref().unwrap_or("?"),
            v.rules_version
        );
    }
    if !v.carried_over.is_empty() {
        println!("\nCarried over from earlier reviews (open actions):");
        for a in &v.carried_over {
            println!(
                "  {} {}: {} (owner {}, due {})",
                a.period, a.system, a.title, a.owner, a.due
            );
        }
    }
    let rows: Vec<Vec<String>> = v
        .items
        .iter()
        .map(|i| {
            let c = &i.scorecard;
            vec![
                c.system.clone(),
                c.stage.label().into(),
                c.risk_tier.label().into(),
                pct(c.kpi_attainment),
                amount(c.run_cost),
                pct(c.roi),
                i.recommendation.as_ref().map_or("(no rule)".into(), |r| {
                    format!("{} ({})", r.disposition.label(), r.rule)
                }),
                i.decision.as_ref().map_or(String::new(), |d| {
                    format!(
                        "{}{}",
                        d.decision.label(),
                        if d.overrode { " (override)" } else { "" }
                    )
                }),
                match (i.mismatch, i.changed_since_freeze.is_empty()) {
                    (true, true) => "differs from last quarter".into(),
                    (true, false) => "differs from last quarter; changed since freeze".into(),
                    (false, false) => "changed since freeze".into(),
                    (false, true) => String::new(),
                },
            ]
        })
        .collect();
    println!();
    output::table(
        &[
            "System",
            "Stage",
            "Tier",
            "Attainment",
            "Run cost",
            "ROI",
            "Recommendation",
            "Decision",
            "Flags",
        ],
        &rows,
    );
    if !v.actions.is_empty() {
        println!("\nActions:");
        for a in &v.actions {
            let state = a
                .done_on
                .map_or("open".to_string(), |d| format!("done {d}"));
            println!(
                "  #{} {}: {} (owner {}, due {}, {state})",
                a.id, a.system, a.title, a.owner, a.due
            );
        }
    }
    println!("\nBudget:");
    for l in &v.budget.lines {
        println!(
            "  {:<28} {:>14}  {:>5}{}",
            l.line.label(),
            money(l.amount),
            pct(l.share),
            l.target
                .map_or(String::new(), |t| format!("  (target {:.0}%)", t * 100.0))
        );
    }
    Ok(())
}

pub fn run(
    ws: &mut Workspace,
    cmd: ReviewCmd,
    identity_dir: &Path,
    json: bool,
) -> Result<ExitCode> {
    match cmd {
        ReviewCmd::List => {
            let list = ws.reviews()?;
            if json {
                output::json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|r| {
                        vec![
                            r.period.clone(),
                            r.title.clone(),
                            r.held_on.to_string(),
                            r.state.label().into(),
                            format!("{} of {}", r.decided, r.systems),
                            r.snapshot_hash.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "Period",
                        "Title",
                        "Date",
                        "State",
                        "Decided",
                        "Snapshot SHA-256",
                    ],
                    &rows,
                );
            }
        }
        ReviewCmd::Create(h) => show(&ws.create_review(&h.draft())?, json)?,
        ReviewCmd::Scope(h) => show(&ws.update_review(&h.period, &h.draft())?, json)?,
        ReviewCmd::Show { review } => {
            show(&ws.review(&review)?, json)?;
            if !json {
                match ws.review_signoff(&review)? {
                    Some(r) => println!(
                        "\nBoard sign-off: request {} is {} ({} of {} approvals)",
                        r.id,
                        r.status.label().to_lowercase(),
                        r.tally.approvals,
                        r.tally.quorum
                    ),
                    None => println!("\nBoard sign-off: not requested yet"),
                }
            }
        }
        ReviewCmd::Recommend { review } => {
            let v = ws.review(&review)?;
            if json {
                let out: Vec<serde_json::Value> = v
                    .items
                    .iter()
                    .map(|i| {
                        serde_json::json!({
                            "system": i.scorecard.system,
                            "system_id": i.scorecard.system_id,
                            "recommendation": i.recommendation.as_ref().map(|r| r.disposition),
                            "rule": i.recommendation.as_ref().map(|r| &r.rule),
                            "reason": i.recommendation.as_ref().map(|r| &r.reason),
                            "because": i.recommendation.as_ref().map(|r| &r.because),
                            "inputs": i.scorecard,
                        })
                    })
                    .collect();
                output::json(&out)?;
            } else {
                for i in &v.items {
                    match &i.recommendation {
                        Some(r) => println!("{}: {}", i.scorecard.system, r.summary()),
                        None => println!("{}: no rule applies", i.scorecard.system),
                    }
                }
            }
        }
        ReviewCmd::Freeze { review } => show(&ws.freeze_review(&review)?, json)?,
        ReviewCmd::Decide {
            review,
            system,
            decision,
            rationale,
            dissent,
            conditions,
            budget,
        } => {
            let v = ws.decide(
                &review,
                &system,
                &DecisionInput {
                    decision,
                    rationale,
                    dissent,
                    conditions,
                    budget,
                },
            )?;
            show(&v, json)?;
        }
        ReviewCmd::Action {
            review,
            system,
            title,
            owner,
            due,
        } => {
            let a = ws.add_review_action(
                &review,
                &ActionInput {
                    system,
                    title,
                    owner,
                    due,
                },
            )?;
            output::message(
                json,
                &format!(
                    "action #{} on {} for {} due {} (calendar uid {})",
                    a.id, a.system, a.owner, a.due, a.uid
                ),
                serde_json::to_value(&a)?,
            )?;
        }
        ReviewCmd::Register => {
            let list = ws.decision_register()?;
            if json {
                output::json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|r| {
                        vec![
                            r.period.clone(),
                            r.system.clone(),
                            r.decision.decision.label().into(),
                            r.decision
                                .recommendation
                                .map_or("(none)".into(), |d| d.label().to_string()),
                            r.decision.rule.clone().unwrap_or_default(),
                            if r.decision.overrode { "yes" } else { "" }.into(),
                            r.decision.rationale.clone(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "Period",
                        "System",
                        "Decision",
                        "Recommended",
                        "Rule",
                        "Override",
                        "Rationale",
                    ],
                    &rows,
                );
            }
        }
        ReviewCmd::Compare { from, to } => {
            let c = ws.compare_reviews(&from, &to)?;
            if json {
                output::json(&c)?;
            } else {
                println!("{} -> {}", c.from, c.to);
                println!(
                    "entered scope: {}",
                    if c.entered.is_empty() {
                        "none".into()
                    } else {
                        c.entered.join(", ")
                    }
                );
                println!(
                    "left scope: {}",
                    if c.left.is_empty() {
                        "none".into()
                    } else {
                        c.left.join(", ")
                    }
                );
                let label =
                    |d: Option<Disposition>| d.map_or("-".to_string(), |d| d.label().to_string());
                let rows: Vec<Vec<String>> = c
                    .movements
                    .iter()
                    .map(|m| {
                        vec![
                            m.system.clone(),
                            format!("{} -> {}", label(m.before), label(m.after)),
                            format!(
                                "{} -> {}",
                                pct(m.attainment_before),
                                pct(m.attainment_after)
                            ),
                            format!("{} -> {}", pct(m.roi_before), pct(m.roi_after)),
                        ]
                    })
                    .collect();
                output::table(&["System", "Disposition", "Attainment", "ROI"], &rows);
                println!(
                    "actions opened: {}, closed: {}",
                    c.actions_opened.len(),
                    c.actions_closed.len()
                );
            }
        }
        ReviewCmd::Rules { set, reset } => {
            let rules = if let Some(path) = set {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                ws.set_review_rules(Some(&text), &path.display().to_string())?
            } else if reset {
                ws.set_review_rules(None, "")?
            } else {
                ws.review_rules()?
            };
            if json {
                output::json(&rules)?;
            } else {
                println!("review rules version {}", rules.version);
                for r in &rules.rules {
                    let when: Vec<&str> = r.when.iter().map(|c| c.text.as_str()).collect();
                    println!(
                        "  {} -> {} when {}",
                        r.id,
                        r.recommend.key(),
                        if when.is_empty() {
                            "always".into()
                        } else {
                            when.join(" and ")
                        }
                    );
                }
            }
        }
        ReviewCmd::Budget {
            run,
            technical_debt,
            new_development,
        } => {
            let t = ws.set_budget_target(BudgetTarget {
                run,
                technical_debt,
                new_development,
            })?;
            output::message(json, "budget target set", serde_json::to_value(&t)?)?;
        }
        ReviewCmd::Sign {
            review,
            deadline,
            output: out,
            signer,
        } => {
            let open = ws
                .review_signoff(&review)?
                .filter(|r| r.status == Status::Pending && deadline.is_none());
            let (v, opened) = match open {
                Some(v) => (v, false),
                None => (ws.request_review_signoff(&review, deadline)?, true),
            };
            if let Some(out) = &out {
                let s = signer.signer(identity_dir)?;
                let bytes = ws.export_request(&v.id.to_string(), &s)?;
                steward_core::files::write_atomically(out, &bytes)?;
            }
            if json {
                output::json(&v)?;
            } else {
                println!(
                    "{} sign-off request {} for review {}",
                    if opened { "opened" } else { "open" },
                    v.id,
                    v.request.review.as_deref().unwrap_or(&review)
                );
                crate::signoff::print_request(&v, false)?;
                match &out {
                    Some(out) => println!(
                        "wrote {}; each member signs it with `steward signoff sign {} --role ROLE \
                         --decision approve -o SIGNATURE.json`, and `steward signoff \
                         import-signature SIGNATURE.json` brings their files back",
                        out.display(),
                        out.display()
                    ),
                    None => println!("write its file for the board with -o FILE"),
                }
            }
        }
        ReviewCmd::Export {
            review,
            output: out,
            format,
            sign,
            signer,
        } => {
            let format = format
                .or_else(|| out.extension().map(|e| e.to_string_lossy().into_owned()))
                .ok_or_else(|| {
                    anyhow!(
                        "{} has no extension: give --format pdf or xlsx",
                        out.display()
                    )
                })?;
            let s = if sign {
                Some(signer.signer(identity_dir)?)
            } else {
                None
            };
            let n = ws
                .write_review_pack(&review, &format, s.as_ref(), &out)
                .with_context(|| format!("writing the board pack to {}", out.display()))?;
            output::message(
                json,
                &format!(
                    "wrote {} ({n} bytes){}",
                    out.display(),
                    if sign { ", signed" } else { "" }
                ),
                serde_json::json!({ "file": out, "bytes": n, "signed": sign }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
