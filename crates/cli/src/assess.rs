//! `steward assess ...`: the questionnaire templates, assessments kept in the workspace (start,
//! answer, import, complete, decide, show, list, export) and the commands that need no workspace
//! (score an answers file, compare two versions of a template). Adapter only: every score, level,
//! category and lifecycle rule comes from `steward_core`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use steward_core::report::reader_time as rt;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use steward_core::api::assess::{Assessment, AssessmentSummary, TemplateStatus, TierChoice};
use steward_core::api::Workspace;
use steward_core::assess::{self, diff, AssessmentResult, Template};
use steward_core::export::ExportFormat;
use steward_core::register::{EuAiActCategory, RiskTier};

use crate::output;

#[derive(Subcommand)]
pub enum AssessCmd {
    /// List the built-in questionnaire templates with their version and source.
    Templates,
    /// Score an answers file (as the official AIA tool saves it, or Steward's own) against a
    /// template. With --json and the aia template, prints exactly the official tool's four
    /// numbers.
    Score {
        /// A built-in template (aia, eu-ai-act, nist-ai-rmf) or a template file.
        #[arg(long, value_name = "ID|FILE")]
        template: String,
        /// The answers (.json).
        file: PathBuf,
    },
    /// Show which questions a newer version of a template adds, removes or changes. Each side
    /// is a built-in template id or a template file (a bare SurveyJS file is read as an AIA).
    Diff {
        #[arg(value_name = "OLD_TEMPLATE_FILE")]
        old: String,
        #[arg(value_name = "NEW_TEMPLATE_FILE")]
        new: String,
    },
    /// Add a template file (a newer version of a template, or a new questionnaire) to the
    /// workspace; the version with the latest date becomes current.
    AddTemplate { file: PathBuf },
    /// Template versions older than the current one that assessments were answered against:
    /// what changed, and which assessments need review.
    Review,
    /// Start a draft assessment of a system against the current version of a template.
    Start {
        #[arg(long, value_name = "NAME|ID")]
        system: String,
        #[arg(long, value_name = "ID")]
        template: String,
    },
    /// Answer questions of a draft: QUESTION=VALUE (a choice value, text, or a JSON list for a
    /// checkbox, e.g. 'q=["item1","item2"]'); QUESTION= clears an answer.
    Answer {
        id: i64,
        #[arg(value_name = "QUESTION=VALUE")]
        answers: Vec<String>,
        /// Answers from a file as well (SurveyJS data object).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Start a draft from an answers file as the official AIA tool saves it.
    Import {
        #[arg(long, value_name = "NAME|ID")]
        system: String,
        #[arg(long, value_name = "ID")]
        template: String,
        file: PathBuf,
        /// Complete the assessment too (every shown question must be answered).
        #[arg(long)]
        complete: bool,
    },
    /// Complete a draft: locks it and supersedes the system's previous complete assessment on
    /// the same template.
    Complete { id: i64 },
    /// Accept the suggested risk tier of a complete assessment, or override it with a reason;
    /// either sets the system's tier (and EU AI Act category for an EU screening).
    Decide {
        id: i64,
        #[arg(long, conflicts_with_all = ["tier", "reason"])]
        accept: bool,
        /// The tier to use instead of the suggested one (low, medium, high).
        #[arg(long = "override", value_name = "TIER", value_parser = parse_tier)]
        tier: Option<RiskTier>,
        /// For an EU AI Act screening: the category to use instead.
        #[arg(long, value_name = "CATEGORY", value_parser = parse_category)]
        eu_category: Option<EuAiActCategory>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Show an assessment: its status, result, requirements and answers.
    Show { id: i64 },
    /// List assessments, of every system or of one.
    List {
        #[arg(long, value_name = "NAME|ID")]
        system: Option<String>,
    },
    /// Write an assessment as .xlsx (result, answers with points, requirements) or .csv.
    Export {
        id: i64,
        #[arg(long, value_parser = parse_format, default_value = "xlsx")]
        format: ExportFormat,
        #[arg(short, long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn parse_tier(s: &str) -> Result<RiskTier, String> {
    RiskTier::parse(s)
        .ok_or_else(|| format!("unknown tier {s:?}; expected {}", RiskTier::expected()))
}

fn parse_category(s: &str) -> Result<EuAiActCategory, String> {
    EuAiActCategory::parse(s).ok_or_else(|| {
        format!(
            "unknown category {s:?}; expected {}",
            EuAiActCategory::expected()
        )
    })
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}; expected xlsx or csv"))
}

impl AssessCmd {
    /// Whether the command works on files alone, without a workspace.
    pub fn standalone(&self) -> bool {
        matches!(self, AssessCmd::Score { .. } | AssessCmd::Diff { .. })
    }
}

/// The commands that keep assessments in a workspace.
pub fn run_in(ws: &mut Workspace, cmd: AssessCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        AssessCmd::Templates => {
            let list = ws.assessment_templates()?;
            if json {
                output::json(&list)?;
            } else {
                print_templates(&list);
            }
        }
        AssessCmd::AddTemplate { file } => {
            let info = ws
                .add_template(&file)
                .with_context(|| format!("adding the template {}", file.display()))?;
            output::message(
                json,
                &format!(
                    "added template {} version {} ({})",
                    info.id, info.version, info.date
                ),
                serde_json::to_value(&info)?,
            )?;
            let list = ws.assessment_templates()?;
            if !json {
                print_reviews(&list);
            }
        }
        AssessCmd::Review => {
            let list = ws.assessment_templates()?;
            if json {
                let reviews: Vec<_> = list.iter().flat_map(|t| &t.older_in_use).collect();
                output::json(&reviews)?;
            } else if list.iter().all(|t| t.older_in_use.is_empty()) {
                println!(
                    "every assessment is answered against the current version of its template"
                );
            } else {
                print_reviews(&list);
            }
        }
        AssessCmd::Start { system, template } => {
            let s = ws.find_system(&system)?;
            let a = ws.start_assessment(s.id, &template)?;
            print_assessment(&a, json)?;
        }
        AssessCmd::Answer { id, answers, file } => {
            let mut changes = match &file {
                Some(f) => assess::read_answers_file(f)?,
                None => assess::Answers::new(),
            };
            for a in &answers {
                let (k, v) = a
                    .split_once('=')
                    .with_context(|| format!("{a:?}: write QUESTION=VALUE"))?;
                let value = if v.is_empty() {
                    serde_json::Value::Null
                } else if v.trim_start().starts_with('[') {
                    serde_json::from_str(v)
                        .with_context(|| format!("{k}: {v} is not a JSON list of choice values"))?
                } else {
                    serde_json::Value::String(v.to_string())
                };
                changes.insert(k.trim().to_string(), value);
            }
            if changes.is_empty() {
                anyhow::bail!("no answers given: pass QUESTION=VALUE arguments or --file FILE");
            }
            let a = ws
                .answer_assessment(id, changes)
                .with_context(|| format!("answering assessment #{id}"))?;
            print_assessment(&a, json)?;
        }
        AssessCmd::Import {
            system,
            template,
            file,
            complete,
        } => {
            let s = ws.find_system(&system)?;
            let answers = assess::read_answers_file(&file)?;
            let mut a = ws
                .import_assessment(s.id, &template, answers)
                .with_context(|| format!("importing {} for {}", file.display(), s.draft.name))?;
            if complete {
                a = ws.complete_assessment(a.id)?;
            }
            print_assessment(&a, json)?;
        }
        AssessCmd::Complete { id } => {
            let a = ws
                .complete_assessment(id)
                .with_context(|| format!("completing assessment #{id}"))?;
            print_assessment(&a, json)?;
        }
        AssessCmd::Decide {
            id,
            accept,
            tier,
            eu_category,
            reason,
        } => {
            if !accept && tier.is_none() && eu_category.is_none() {
                anyhow::bail!("say --accept, or --override TIER --reason TEXT");
            }
            let a = ws.decide_assessment(
                id,
                TierChoice {
                    accept,
                    risk_tier: tier,
                    eu_ai_act_category: eu_category,
                    reason: reason.unwrap_or_default(),
                },
            )?;
            print_assessment(&a, json)?;
        }
        AssessCmd::Show { id } => print_assessment(&ws.assessment(id)?, json)?,
        AssessCmd::List { system } => {
            let sys = system.map(|s| ws.find_system(&s)).transpose()?;
            let list = ws.assessments(sys.map(|s| s.id))?;
            if json {
                output::json(&list)?;
            } else {
                print_list(&list);
            }
        }
        AssessCmd::Export { id, format, out } => {
            ws.export_assessment(id, format, &out)
                .with_context(|| format!("exporting assessment #{id} to {}", out.display()))?;
            output::message(
                json,
                &format!("wrote {}", out.display()),
                serde_json::json!({ "path": out }),
            )?;
        }
        other => return run(other, json),
    }
    Ok(ExitCode::SUCCESS)
}

/// The commands that need no workspace.
pub fn run(cmd: AssessCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        AssessCmd::Score { template, file } => {
            let t = template_arg(&template)?;
            let answers = assess::read_answers_file(&file)?;
            let result = assess::score(&t, &answers).with_context(|| {
                format!(
                    "scoring {} against {} {}",
                    file.display(),
                    t.info.id,
                    t.info.version
                )
            })?;
            print_result(&result, json)?;
        }
        AssessCmd::Diff { old, new } => {
            let (o, n) = (template_arg(&old)?, template_arg(&new)?);
            let d = diff::diff(&o, &n);
            if json {
                output::json(&d)?;
            } else {
                print_diff(&d);
            }
        }
        _ => anyhow::bail!("this command needs a workspace"),
    }
    Ok(ExitCode::SUCCESS)
}

fn status_text(status: steward_core::api::assess::AssessmentStatus, needs_review: bool) -> String {
    let s = status.key().to_string();
    if needs_review {
        format!("{s}, needs review")
    } else {
        s
    }
}

fn print_templates(list: &[TemplateStatus]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.info.id.clone(),
                t.info.version.clone(),
                t.info.date.clone(),
                t.questions.to_string(),
                if t.bilingual { "en, fr" } else { "en" }.into(),
                t.older_in_use
                    .iter()
                    .map(|r| r.assessments.len())
                    .sum::<usize>()
                    .to_string(),
                t.info.title.clone(),
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "current version",
            "date",
            "questions",
            "languages",
            "need review",
            "title",
        ],
        &rows,
    );
}

fn print_reviews(list: &[TemplateStatus]) {
    for t in list {
        for r in &t.older_in_use {
            println!();
            print_diff(&r.diff);
            println!(
                "answered against {} {} and needing review:",
                t.info.id, r.version
            );
            for a in &r.assessments {
                println!("  #{} {} ({})", a.id, a.system_name, a.status.key());
            }
        }
    }
}

fn print_list(list: &[AssessmentSummary]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            vec![
                format!("#{}", a.id),
                a.system_name.clone(),
                format!("{} {}", a.template_id, a.template_version),
                status_text(a.status, a.needs_review),
                a.outcome.clone(),
                a.decision
                    .as_ref()
                    .map(|d| {
                        format!(
                            "{} {}",
                            if d.accepted {
                                "accepted"
                            } else {
                                "overridden:"
                            },
                            d.risk_tier
                        )
                    })
                    .unwrap_or_default(),
                steward_core::report::reader_time(&a.updated_at),
            ]
        })
        .collect();
    output::table(
        &[
            "id", "system", "template", "status", "outcome", "tier", "updated",
        ],
        &rows,
    );
}

fn print_assessment(a: &Assessment, json: bool) -> Result<()> {
    if json {
        return output::json(a);
    }
    println!(
        "assessment #{} of {} (system #{})",
        a.id, a.system_name, a.system_id
    );
    println!(
        "template     {} {} ({}){}",
        a.template.id,
        a.template.version,
        a.template.title,
        if a.needs_review {
            format!("; current version is {}: needs review", a.current_version)
        } else {
            String::new()
        }
    );
    println!("status       {}", status_text(a.status, a.needs_review));
    println!(
        "progress     {} of {} shown questions answered",
        a.answered, a.shown
    );
    println!("started      {} by {}", rt(&a.created_at), a.created_by);
    if let (Some(at), Some(by)) = (&a.completed_at, &a.completed_by) {
        println!("completed    {} by {by}", rt(at));
    }
    if let Some(s) = a.superseded_by {
        println!("superseded   by #{s}");
    }
    if let Some(d) = &a.decision {
        if d.accepted {
            println!(
                "decision     accepted tier {} ({} at {})",
                d.risk_tier,
                d.decided_by,
                rt(&d.decided_at)
            );
        } else {
            println!(
                "decision     overridden to tier {} ({} at {}): {}",
                d.risk_tier,
                d.decided_by,
                rt(&d.decided_at),
                d.reason
            );
        }
    }
    println!();
    print_result(&a.result, false)
}

/// A built-in template id, or else a template file.
fn template_arg(arg: &str) -> Result<Template> {
    if assess::BUILTIN_IDS.contains(&arg) {
        return assess::builtin(arg)
            .with_context(|| format!("loading the built-in template {arg}"));
    }
    let path = Path::new(arg);
    if !path.exists() {
        anyhow::bail!(
            "no template {arg}: give a built-in template ({}) or a template file",
            assess::BUILTIN_IDS.join(", ")
        );
    }
    assess::load_template_file(path)
        .with_context(|| format!("loading the template {}", path.display()))
}

fn print_result(result: &AssessmentResult, json: bool) -> Result<()> {
    match result {
        AssessmentResult::Aia(r) if json => {
            // The official tool's four numbers, in its order and nothing else.
            let o = r.official();
            println!(
                "{{\"raw_impact_score\": {}, \"mitigation_score\": {}, \"current_score\": {}, \"impact_level\": {}}}",
                o.raw_impact_score, o.mitigation_score, o.current_score, o.impact_level
            );
        }
        _ if json => output::json(result)?,
        AssessmentResult::Aia(r) => {
            println!(
                "raw impact score   {} of {}",
                r.raw_impact_score, r.max_raw_impact_score
            );
            println!(
                "mitigation score   {} of {} (reduction from {}: {})",
                r.mitigation_score,
                r.max_mitigation_score,
                r.mitigation_threshold,
                if r.reduction_applied {
                    "applied"
                } else {
                    "not applied"
                }
            );
            println!("current score      {}", r.current_score);
            println!(
                "impact level       {} (suggested risk tier: {})",
                r.impact_level_label, r.suggested_risk_tier
            );
            print_requirements(result);
        }
        AssessmentResult::EuAiAct(r) => {
            println!(
                "category: {} (suggested risk tier: {})",
                r.category.label(),
                r.suggested_risk_tier
            );
            for f in &r.findings {
                let from = f
                    .applies_from
                    .as_deref()
                    .map(|d| format!(", applies from {d}"))
                    .unwrap_or_default();
                println!("  {} [{}]: {}{from}", f.reference, f.category, f.title);
            }
            for n in &r.notes {
                println!("note: {n}");
            }
            print_requirements(result);
        }
        AssessmentResult::NistAiRmf(r) => {
            let rows: Vec<Vec<String>> = r
                .functions
                .iter()
                .map(|f| {
                    vec![
                        f.id.clone(),
                        format!("{}/{}", f.rated, f.subcategories),
                        f.mean
                            .map(|m| format!("{m:.2}"))
                            .unwrap_or_else(|| "-".into()),
                        f.min.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
                        f.at_or_above_target.to_string(),
                    ]
                })
                .collect();
            let target = format!("at or above {}", r.target_label);
            output::table(
                &["function", "rated", "mean", "min", target.as_str()],
                &rows,
            );
            print_requirements(result);
        }
    }
    if !json && !result.unanswered().is_empty() {
        println!(
            "{} shown question(s) unanswered: {}",
            result.unanswered().len(),
            result.unanswered().join(", ")
        );
    }
    Ok(())
}

fn print_requirements(result: &AssessmentResult) {
    let reqs = result.requirements();
    if reqs.is_empty() {
        return;
    }
    println!("\nrequired:");
    for r in reqs {
        let first_line = r.text.lines().next().unwrap_or_default();
        println!("  {} ({}): {}", r.area, r.reference, first_line);
    }
}

fn print_diff(d: &diff::TemplateDiff) {
    println!(
        "{} {} -> {} {}",
        d.old.id, d.old.version, d.new.id, d.new.version
    );
    if d.is_empty() {
        println!("no question was added, removed or changed");
        return;
    }
    for q in &d.added {
        println!("+ {} ({}): {}", q.name, q.page, q.title);
    }
    for q in &d.removed {
        println!("- {} ({}): {}", q.name, q.page, q.title);
    }
    for q in &d.changed {
        let what: Vec<&str> = q.changes.iter().map(|c| c.key()).collect();
        println!(
            "~ {} ({}): {} [{}]",
            q.name,
            q.page,
            q.title,
            what.join(", ")
        );
    }
}
