//! `steward tco ...`: TCO scenario files, run and exported without a workspace. Adapter only:
//! every figure comes from `steward_core::tco`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _, Result};
use clap::{Subcommand, ValueEnum};
use steward_core::tco::{self, Scenario, TcoResult};

use crate::output;

#[derive(Subcommand)]
pub enum TcoCmd {
    /// Compute a scenario file and print its results (JSON with --json). Touches no workspace.
    Run {
        /// The scenario (.toml).
        file: PathBuf,
    },
    /// Export a scenario file: a workbook with live formulas (xlsx), the results (json) or the
    /// scenario rewritten with comments (toml).
    Export {
        /// The scenario (.toml).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TcoFormat::Xlsx)]
        format: TcoFormat,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write a commented example scenario to start from.
    Template {
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TcoFormat {
    Xlsx,
    Json,
    Toml,
}

pub fn run(cmd: TcoCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        TcoCmd::Run { file } => {
            let (scenario, result) = load(&file)?;
            if json {
                output::json(&result)?;
            } else {
                print_result(&scenario, &result);
            }
        }
        TcoCmd::Export {
            file,
            format,
            output: out,
        } => {
            let (scenario, result) = load(&file)?;
            let bytes = match format {
                TcoFormat::Xlsx => tco::to_xlsx(&scenario, &result)
                    .with_context(|| format!("building the workbook for {}", file.display()))?,
                TcoFormat::Json => serde_json::to_vec_pretty(&result)?,
                TcoFormat::Toml => tco::to_toml(&scenario).into_bytes(),
            };
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            output::message(
                json,
                &format!("wrote {}", out.display()),
                serde_json::json!({ "written": out.display().to_string() }),
            )?;
        }
        TcoCmd::Template { output: out } => {
            std::fs::write(&out, tco::template())
                .with_context(|| format!("writing {}", out.display()))?;
            output::message(
                json,
                &format!(
                    "wrote an example scenario to {}; edit it, then run `steward tco run {}`",
                    out.display(),
                    out.display()
                ),
                serde_json::json!({ "written": out.display().to_string() }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads, validates and runs a scenario file; validation problems are listed one per line.
fn load(file: &Path) -> Result<(Scenario, TcoResult)> {
    let described = |e: steward_core::Error| match e {
        steward_core::Error::Validation { fields, .. } => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
            anyhow!(
                "{}: {} problem{}:\n{}",
                file.display(),
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
                lines.join("\n")
            )
        }
        other => anyhow!(other).context(format!("reading {}", file.display())),
    };
    let scenario = tco::read(file).map_err(described)?;
    let result = tco::run(&scenario).map_err(described)?;
    Ok((scenario, result))
}

fn money(v: f64) -> String {
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < -0.5 {
        format!("-{out}")
    } else {
        out
    }
}

fn print_result(s: &Scenario, r: &TcoResult) {
    println!(
        "{}: {} months, prices in {}, discount rate {:.2}% a year ({:.4}% a month)",
        r.scenario,
        r.horizon_months,
        r.currency,
        s.discount_rate * 100.0,
        r.monthly_rate * 100.0
    );
    println!();
    let rows: Vec<Vec<String>> = r
        .options
        .iter()
        .map(|o| {
            vec![
                o.name.clone(),
                o.kind.label().to_string(),
                money(o.total),
                money(o.npv),
                o.cost_per_1k_inferences
                    .map_or_else(|| "n/a".into(), |c| format!("{c:.4}")),
            ]
        })
        .collect();
    output::table(
        &[
            "Option",
            "Type",
            "Total cost",
            "NPV",
            "Per 1,000 inferences",
        ],
        &rows,
    );

    let years = r.options.first().map_or(0, |o| o.yearly.len());
    let mut headers = vec!["Year".to_string()];
    headers.extend(r.options.iter().map(|o| o.name.clone()));
    let rows: Vec<Vec<String>> = (0..years)
        .map(|y| {
            let mut row = vec![(y + 1).to_string()];
            row.extend(r.options.iter().map(|o| money(o.yearly[y].total)));
            row
        })
        .collect();
    println!();
    output::table(
        &headers.iter().map(String::as_str).collect::<Vec<_>>(),
        &rows,
    );

    println!();
    if let Some(c) = r.options.get(r.cheapest as usize) {
        println!("Cheapest by NPV: {}", c.name);
    }
    for be in &r.break_even {
        let (a, b) = (
            &r.options[be.a as usize].name,
            &r.options[be.b as usize].name,
        );
        let line = match (be.month, be.cheaper) {
            (_, None) => "tie at the horizon".to_string(),
            (Some(m), Some(c)) => format!(
                "break-even in month {m}, then {} is cheaper",
                r.options[c as usize].name
            ),
            (None, Some(c)) => format!(
                "no break-even: {} is cheaper throughout",
                r.options[c as usize].name
            ),
        };
        println!("  {a} vs {b}: {line}");
    }

    println!();
    println!("Sensitivity: NPV change at -20% / +20% (largest swings first)");
    let rows: Vec<Vec<String>> = r
        .sensitivity
        .iter()
        .filter(|row| row.swing > 0.0)
        .map(|row| {
            let mut cells = vec![row.label.clone()];
            cells.extend(
                row.low
                    .iter()
                    .zip(&row.high)
                    .map(|(l, h)| format!("{} / {}", money(*l), money(*h))),
            );
            cells
        })
        .collect();
    let mut headers = vec!["Driver"];
    headers.extend(r.options.iter().map(|o| o.name.as_str()));
    output::table(&headers, &rows);
}
