//! `steward card ...`: model cards per system and model version: list, show, edit (from --set
//! or a TOML draft), diff against the previous revision, export as Markdown, a signed PDF or the
//! draft. Adapter only: every rule and every rendering is `steward_core::api::card`'s.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _, Result};
use clap::Subcommand;
use steward_core::api::Workspace;
use steward_core::card::{field_spec, CARD_FIELDS};
use steward_core::report::reader_time;

use crate::output;
use crate::reports::SignerArgs;

#[derive(Subcommand)]
pub enum CardCmd {
    /// List a system's cards (one per model version), or with --version the revisions of one.
    #[command(disable_version_flag = true)]
    List {
        /// The system's name or id.
        system: String,
        /// The model version whose revisions to list.
        #[arg(long)]
        version: Option<String>,
    },
    /// Show a card as rendered now (Markdown; --json for its content): the revision's fields
    /// with the system's register record and latest assessments read from the workspace.
    #[command(disable_version_flag = true)]
    Show {
        /// The system's name or id.
        system: String,
        /// The model version (default: the card saved most recently).
        #[arg(long)]
        version: Option<String>,
        /// The revision (default: the latest).
        #[arg(long)]
        revision: Option<u32>,
    },
    /// Save the next revision of a card (its first for a new model version): the fields named
    /// with --set, or those of a TOML draft (--file), over the latest revision. The fields are
    /// intended_use, out_of_scope_uses, limitations, assumptions, fallback, human_oversight (all
    /// required), license and language (optional); a field's label works too.
    #[command(disable_version_flag = true)]
    Edit {
        /// The system's name or id.
        system: String,
        /// The model version the card describes, e.g. 2.1.
        #[arg(long)]
        version: String,
        /// FIELD=TEXT, e.g. --set limitations="Thin-file applicants ..." (repeatable; TEXT ""
        /// empties an optional field).
        #[arg(
            long = "set",
            value_name = "FIELD=TEXT",
            required_unless_present = "file"
        )]
        set: Vec<String>,
        /// A TOML draft: each field = "text" (`steward card export --format toml` writes one).
        #[arg(long, value_name = "DRAFT", conflicts_with = "set")]
        file: Option<PathBuf>,
    },
    /// What a revision changed, field by field, against the one before it (or --against N).
    #[command(disable_version_flag = true)]
    Diff {
        /// The system's name or id.
        system: String,
        #[arg(long)]
        version: Option<String>,
        /// The revision to compare (default: the latest).
        #[arg(long)]
        revision: Option<u32>,
        /// The revision to compare it with (default: the one before it).
        #[arg(long)]
        against: Option<u32>,
    },
    /// Write a card as Markdown with YAML metadata (md), as a PDF signed with your identity or
    /// --p12 (pdf), or as a TOML draft of its fields (toml). The format is --format, else the
    /// output file's extension.
    #[command(disable_version_flag = true)]
    Export {
        /// The system's name or id.
        system: String,
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        revision: Option<u32>,
        /// md, pdf or toml.
        #[arg(long)]
        format: Option<String>,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        signer: SignerArgs,
    },
}

/// A field's label, for a key core returned.
fn label(key: &str) -> &str {
    field_spec(key).map_or(key, |s| s.label)
}

/// A value as the audit log and the diff carry it (canonical JSON) as a person reads it.
fn shown(v: &Option<String>) -> String {
    match v.as_deref() {
        None => "(empty)".into(),
        Some(t) => serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string()),
    }
}

pub fn run(ws: &mut Workspace, cmd: CardCmd, identity_dir: &Path, json: bool) -> Result<ExitCode> {
    match cmd {
        CardCmd::List {
            system,
            version: None,
        } => {
            let cards = ws.cards(&system)?;
            if json {
                return output::json(&cards).map(|()| ExitCode::SUCCESS);
            }
            if cards.is_empty() {
                println!("{system} has no model card yet");
            } else {
                let rows: Vec<Vec<String>> = cards
                    .iter()
                    .map(|c| {
                        vec![
                            c.model_version.clone(),
                            c.revisions.to_string(),
                            reader_time(&c.latest.saved_at),
                            c.latest.saved_by.clone(),
                        ]
                    })
                    .collect();
                output::table(&["version", "revisions", "latest saved", "by"], &rows);
            }
        }
        CardCmd::List {
            system,
            version: Some(v),
        } => {
            let revs = ws.card_history(&system, &v)?;
            if json {
                return output::json(&revs).map(|()| ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = revs
                .iter()
                .map(|r| {
                    vec![
                        r.revision.to_string(),
                        reader_time(&r.saved_at),
                        r.saved_by.clone(),
                    ]
                })
                .collect();
            output::table(&["revision", "saved", "by"], &rows);
        }
        CardCmd::Show {
            system,
            version,
            revision,
        } => {
            if json {
                output::json(&ws.model_card(&system, version.as_deref(), revision)?)?;
            } else {
                print!(
                    "{}",
                    ws.card_markdown(&system, version.as_deref(), revision)?
                );
            }
        }
        CardCmd::Edit {
            system,
            version,
            set,
            file,
        } => {
            let saved = match file {
                Some(f) => ws
                    .edit_card_from_file(&system, &version, &f)
                    .with_context(|| format!("reading the draft {}", f.display()))?,
                None => {
                    let mut changes = Vec::new();
                    for s in &set {
                        let (field, text) = s.split_once('=').ok_or_else(|| {
                            anyhow!(
                                "--set {s:?}: expected FIELD=TEXT, e.g. limitations=\"...\"; the \
                                 fields are {}",
                                CARD_FIELDS
                                    .iter()
                                    .map(|f| f.key)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        })?;
                        changes.push((field.trim().to_string(), text.to_string()));
                    }
                    ws.edit_card(&system, &version, &changes)?
                }
            };
            let r = &saved.revision;
            let name = ws.system(r.system_id)?.draft.name;
            output::message(
                json,
                &if saved.created {
                    format!(
                        "saved revision {} of the card of {name}, model version {}",
                        r.revision, r.model_version
                    )
                } else {
                    format!(
                        "no change: the card of {name}, model version {}, stays at revision {}",
                        r.model_version, r.revision
                    )
                },
                serde_json::to_value(&saved)?,
            )?;
        }
        CardCmd::Diff {
            system,
            version,
            revision,
            against,
        } => {
            let d = ws.card_diff(&system, version.as_deref(), revision, against)?;
            if json {
                return output::json(&d).map(|()| ExitCode::SUCCESS);
            }
            match d.against {
                Some(a) => println!(
                    "{}, model version {}: revision {} against revision {a}",
                    d.system, d.model_version, d.revision
                ),
                None => println!(
                    "{}, model version {}: revision {}, the first (every field is new)",
                    d.system, d.model_version, d.revision
                ),
            }
            if d.changes.is_empty() {
                println!("no field changed");
            }
            for c in &d.changes {
                println!("\n{} ({})", label(&c.field), c.field);
                if let Some(a) = d.against {
                    println!("  revision {a}: {}", shown(&c.before));
                }
                println!("  revision {}: {}", d.revision, shown(&c.after));
            }
        }
        CardCmd::Export {
            system,
            version,
            revision,
            format,
            output: out,
            signer,
        } => {
            let format = format
                .or_else(|| out.extension().map(|e| e.to_string_lossy().into_owned()))
                .ok_or_else(|| {
                    anyhow!(
                        "{} has no extension: give --format md, pdf or toml",
                        out.display()
                    )
                })?;
            let pdf = format.trim_start_matches('.').eq_ignore_ascii_case("pdf");
            let s = if pdf {
                // Name a card that is not there before asking for a passphrase.
                ws.card_diff(&system, version.as_deref(), revision, None)?;
                Some(signer.signer(identity_dir)?)
            } else {
                None
            };
            let n = ws
                .write_card_export(
                    &system,
                    version.as_deref(),
                    revision,
                    &format,
                    s.as_ref(),
                    &out,
                )
                .with_context(|| format!("writing the model card to {}", out.display()))?;
            output::message(
                json,
                &format!(
                    "wrote {} ({n} bytes){}",
                    out.display(),
                    if pdf { ", signed" } else { "" }
                ),
                serde_json::json!({ "file": out, "bytes": n, "signed": pdf }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
