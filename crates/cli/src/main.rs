//! The `steward` command: parses arguments, calls `steward_core::api`, prints the result.
//! No business rule lives here; anything longer than glue belongs in core.

mod output;
mod systems;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use steward_core::api::wire::WireError;
use steward_core::api::{self, Context, Workspace};
use steward_core::clock::SystemClock;

/// Steward: govern an organisation's AI systems, offline.
#[derive(Parser)]
#[command(name = "steward", version, about, propagate_version = true)]
struct Cli {
    /// The workspace directory (holds steward.db). Default: the user's data directory.
    #[arg(long, global = true, env = "STEWARD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Who is acting, as recorded in the audit log. Default: the login name.
    #[arg(long, global = true, env = "STEWARD_ACTOR", value_name = "NAME")]
    actor: Option<String>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The AI system register: add, edit, list, show, change stage, retire, import, export.
    #[command(subcommand)]
    Systems(systems::SystemsCmd),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Fill an empty workspace with the sample portfolio.
    Demo,
    /// Where the workspace is and what it holds.
    Info,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// List audit entries, oldest first.
    Log {
        /// Only entries about this kind of record (e.g. system).
        #[arg(long)]
        entity: Option<String>,
        /// Only entries about the record with this id.
        #[arg(long)]
        id: Option<String>,
        /// At most this many entries.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Recompute the hash chain; exit 1 and name the first bad entry if it is broken.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if json {
                // Scripts reading stdout get the error as the UI does: {code, message, ...}.
                let wire = match e.downcast::<steward_core::Error>() {
                    Ok(core) => WireError::from(core),
                    Err(other) => WireError::new("error", format!("{other:#}")),
                };
                let _ = output::json(&serde_json::json!({ "error": wire }));
            }
            ExitCode::FAILURE
        }
    }
}

fn actor(cli: &Cli) -> String {
    cli.actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

fn open(cli: &Cli) -> Result<Workspace> {
    let dir = match &cli.data_dir {
        Some(d) => d.clone(),
        None => api::default_data_dir()
            .context("no home directory to keep the workspace in; pass --data-dir")?,
    };
    let ctx = Context::new(actor(cli), Arc::new(SystemClock));
    Workspace::open_dir(&dir, ctx)
        .with_context(|| format!("opening the workspace in {}", dir.display()))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let mut ws = open(&cli)?;
    let json = cli.json;
    match cli.command {
        Command::Systems(cmd) => systems::run(&mut ws, cmd, json),
        Command::Audit(AuditCmd::Log { entity, id, limit }) => {
            let q = api::AuditQuery {
                entity,
                entity_id: id,
                limit,
            };
            let entries = ws.audit_log(&q)?;
            output::audit_log(&entries, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCmd::Verify) => {
            let report = ws.verify_audit()?;
            output::chain_report(&report, json)?;
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Demo => {
            let n = steward_core::demo::populate(&mut ws)?;
            output::message(
                json,
                &format!("added {n} sample systems"),
                serde_json::json!({ "added": n }),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Info => {
            let path = ws
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let systems = ws.list_systems(&Default::default())?.len();
            let chain = ws.verify_audit()?;
            let v = serde_json::json!({
                "path": path,
                "schema_version": ws.schema_version()?,
                "systems": systems,
                "audit_entries": chain.length,
                "audit_head": chain.head,
            });
            output::message(
                json,
                &format!(
                    "workspace {path}\nschema version {}\n{systems} systems\n{} audit entries, head {}",
                    v["schema_version"], chain.length, chain.head
                ),
                v,
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
