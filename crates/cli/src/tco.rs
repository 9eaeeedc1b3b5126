//! `steward tco ...`: TCO scenarios, as files (run and exported without a workspace) and kept
//! in the workspace (import, list, show, export, delete). Adapter only: every figure comes from
//! `steward_core::tco` and every stored change from `steward_core::api`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use steward_core::report::reader_time as rt;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Subcommand, ValueEnum};
use steward_core::api::Workspace;
use steward_core::clock::{Clock, SystemClock};
use steward_core::tco::{self, Scenario, TcoResult};

use crate::output;
use crate::reports::SignerArgs;

#[derive(Subcommand)]
pub enum TcoCmd {
    /// Compute a scenario file and print its results (JSON with --json). Touches no workspace.
    Run {
        /// The scenario (.toml).
        file: PathBuf,
    },
    /// Export a scenario: a workbook with live formulas (xlsx), the report (pdf, signed with
    /// --sign), the results (json) or the scenario file (toml). SOURCE is a scenario file when
    /// one exists at that path (no workspace is touched), else the name or id of a scenario
    /// stored in the workspace. The format is --format, else the output file's extension.
    Export {
        /// A scenario file (.toml), or the name or id of a stored scenario.
        source: String,
        #[arg(long, value_enum)]
        format: Option<TcoFormat>,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        /// Sign the PDF report with your identity (or --p12).
        #[arg(long)]
        sign: bool,
        #[command(flatten)]
        signer: SignerArgs,
    },
    /// Write a commented example scenario to start from.
    Template {
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Store a scenario file in the workspace (audited). Its `systems` must name systems of the
    /// register; --system (repeatable) replaces them. --replace updates the stored scenario of
    /// the same name.
    Import {
        /// The scenario (.toml).
        file: PathBuf,
        /// Tie the scenario to this system (name or id) instead of the file's `systems`.
        #[arg(long = "system", value_name = "NAME")]
        systems: Vec<String>,
        /// Update the stored scenario of the same name instead of refusing the import.
        #[arg(long)]
        replace: bool,
    },
    /// List the scenarios stored in the workspace.
    List,
    /// Show a stored scenario and its results.
    Show {
        /// Name (any case) or id.
        name: String,
    },
    /// Delete a stored scenario (audited: the audit log keeps what it was).
    Delete {
        /// Name (any case) or id.
        name: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TcoFormat {
    Xlsx,
    Pdf,
    Json,
    Toml,
}

impl TcoFormat {
    fn key(self) -> &'static str {
        match self {
            TcoFormat::Xlsx => "xlsx",
            TcoFormat::Pdf => "pdf",
            TcoFormat::Json => "json",
            TcoFormat::Toml => "toml",
        }
    }

    /// The format an output file's extension names.
    fn of(out: &Path) -> Result<TcoFormat> {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        Ok(match ext.as_str() {
            "xlsx" => TcoFormat::Xlsx,
            "pdf" => TcoFormat::Pdf,
            "json" => TcoFormat::Json,
            "toml" => TcoFormat::Toml,
            _ => bail!(
                "cannot tell the format of {} from its extension {ext:?}; name it .toml, .xlsx, .pdf or .json, or pass --format",
                out.display()
            ),
        })
    }
}

/// What a `tco` subcommand may need besides its arguments: the workspace (opened only when the
/// subcommand uses one) and where the signing identity is.
pub struct Needs<'a> {
    pub workspace: &'a dyn Fn() -> Result<Workspace>,
    pub identity_dir: &'a Path,
}

pub fn run(cmd: TcoCmd, json: bool, needs: Needs<'_>) -> Result<ExitCode> {
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
            source,
            format,
            output: out,
            sign,
            signer,
        } => {
            let format = match format {
                Some(f) => f,
                None => TcoFormat::of(&out)?,
            };
            if sign && format != TcoFormat::Pdf {
                bail!("only the PDF report carries a signature; sign an .xlsx by putting it in an audit pack");
            }
            let signer = sign
                .then(|| signer.signer(needs.identity_dir))
                .transpose()?;
            let file = Path::new(&source);
            let bytes = if file.is_file() {
                let (scenario, result) = load(file)?;
                let bytes = match format {
                    TcoFormat::Xlsx => tco::to_xlsx(&scenario, &result)
                        .with_context(|| format!("building the workbook for {source}"))?,
                    TcoFormat::Json => serde_json::to_vec_pretty(&result)?,
                    TcoFormat::Toml => tco::to_toml(&scenario).into_bytes(),
                    TcoFormat::Pdf => steward_core::api::tco::file_report_pdf(
                        &scenario,
                        &result,
                        &format!("scenario file {}", file.display()),
                        SystemClock.now(),
                        &whoami(needs.identity_dir),
                        signer.as_ref(),
                    )?,
                };
                steward_core::files::write_atomically(&out, &bytes)
                    .with_context(|| format!("writing {}", out.display()))?;
                bytes.len()
            } else {
                let ws = (needs.workspace)()?;
                ws.write_tco_export(&source, format.key(), signer.as_ref(), &out)
                    .with_context(|| {
                        format!(
                            "exporting {source:?}, which is not a scenario file, as a scenario \
                             stored in the workspace (see `steward tco list`)"
                        )
                    })?
            };
            output::message(
                json,
                &format!("wrote {} ({bytes} bytes)", out.display()),
                serde_json::json!({ "written": out.display().to_string(), "bytes": bytes, "signed": sign }),
            )?;
        }
        TcoCmd::Template { output: out } => {
            if out.exists() {
                bail!(
                    "{} already exists; the template would replace it; give another name",
                    out.display()
                );
            }
            steward_core::files::write_atomically(&out, tco::template().as_bytes())?;
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
        TcoCmd::Import {
            file,
            systems,
            replace,
        } => {
            let mut ws = (needs.workspace)()?;
            let st = ws
                .import_tco(&file, &systems, replace)
                .map_err(|e| problems("import refused, nothing was written", e))?;
            if json {
                output::json(&st)?;
            } else {
                let ties = if st.scenario.systems.is_empty() {
                    "tied to no system".to_string()
                } else {
                    format!("tied to {}", st.scenario.systems.join(", "))
                };
                println!(
                    "imported {:?} as scenario #{} ({ties})",
                    st.scenario.name, st.id
                );
            }
        }
        TcoCmd::List => {
            let ws = (needs.workspace)()?;
            let list = ws.list_tco()?;
            if json {
                output::json(&list)?;
            } else if list.is_empty() {
                println!(
                    "no TCO scenarios in this workspace; add one with `steward tco import FILE`"
                );
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.name.clone(),
                            s.options.to_string(),
                            format!("{} months", s.horizon_months),
                            format!(
                                "{} ({} {})",
                                s.cheapest,
                                output::money(s.cheapest_npv),
                                s.currency
                            ),
                            s.systems.join(", "),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "Id",
                        "Scenario",
                        "Options",
                        "Horizon",
                        "Cheapest (NPV)",
                        "AI systems",
                    ],
                    &rows,
                );
            }
        }
        TcoCmd::Show { name } => {
            let ws = (needs.workspace)()?;
            let st = ws.tco_scenario(&name)?;
            let result = tco::run(&st.scenario)?;
            if json {
                output::json(&serde_json::json!({ "stored": st, "result": result }))?;
            } else {
                println!(
                    "scenario #{} (saved {}), AI systems: {}",
                    st.id,
                    rt(&st.updated_at),
                    if st.scenario.systems.is_empty() {
                        "none".to_string()
                    } else {
                        st.scenario.systems.join(", ")
                    }
                );
                print_result(&st.scenario, &result);
            }
        }
        TcoCmd::Delete { name } => {
            let mut ws = (needs.workspace)()?;
            let id = ws.tco_scenario(&name)?.id;
            let gone = ws.delete_tco(id)?;
            output::message(
                json,
                &format!("deleted scenario #{} {:?}", gone.id, gone.scenario.name),
                serde_json::json!({ "deleted": gone.id }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Who generates a report made outside a workspace: the identity's name, else the login name.
fn whoami(identity_dir: &Path) -> String {
    steward_core::api::default_actor(identity_dir)
}

/// A validation error as one line per problem under the file's name.
fn described(file: &Path, e: steward_core::Error) -> anyhow::Error {
    problems(&file.display().to_string(), e)
}

/// A validation error as one line per problem under `header`.
fn problems(header: &str, e: steward_core::Error) -> anyhow::Error {
    match e {
        steward_core::Error::Validation { fields, .. } => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| format!("  {}: {}", f.field, f.message))
                .collect();
            anyhow!(
                "{header}: {} problem{}:\n{}",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
                lines.join("\n")
            )
        }
        other => anyhow!(other).context(header.to_string()),
    }
}

/// Reads, validates and runs a scenario file; validation problems are listed one per line.
fn load(file: &Path) -> Result<(Scenario, TcoResult)> {
    let scenario = tco::read(file).map_err(|e| described(file, e))?;
    let result = tco::run(&scenario).map_err(|e| described(file, e))?;
    Ok((scenario, result))
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
                output::money(o.total),
                output::money(o.npv),
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
            row.extend(r.options.iter().map(|o| output::money(o.yearly[y].total)));
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
                    .map(|(l, h)| format!("{} / {}", output::money(*l), output::money(*h))),
            );
            cells
        })
        .collect();
    let mut headers = vec!["Driver"];
    headers.extend(r.options.iter().map(|o| o.name.as_str()));
    output::table(&headers, &rows);
}
