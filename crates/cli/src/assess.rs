//! `steward assess ...` for the commands that need no workspace: list the questionnaire
//! templates, score an answers file, compare two versions of a template. Adapter only: every
//! score, level and category comes from `steward_core::assess`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use steward_core::assess::{self, diff, AssessmentResult, Template};

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
}

pub fn run(cmd: AssessCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        AssessCmd::Templates => {
            let templates =
                assess::builtin_templates().context("loading the built-in templates")?;
            let infos: Vec<_> = templates.iter().map(|t| &t.info).collect();
            if json {
                output::json(&infos)?;
            } else {
                let rows: Vec<Vec<String>> = templates
                    .iter()
                    .map(|t| {
                        vec![
                            t.info.id.clone(),
                            t.info.version.clone(),
                            t.info.date.clone(),
                            t.questions.len().to_string(),
                            t.info.title.clone(),
                        ]
                    })
                    .collect();
                output::table(&["id", "version", "date", "questions", "title"], &rows);
            }
        }
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
    }
    Ok(ExitCode::SUCCESS)
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
