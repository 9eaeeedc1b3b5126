//! The `steward` command: parses arguments, calls `steward_core::api`, prints the result.
//! No business rule lives here; anything longer than glue belongs in core.

mod assess;
mod calendar;
mod card;
mod encryption;
mod evidence;
mod generate;
mod identity;
mod kpi;
mod output;
mod portfolio;
mod remedy;
mod reports;
mod review;
mod signoff;
mod systems;
mod tco;
mod team;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{CommandFactory, Parser, Subcommand};
use steward_core::api::wire::WireError;
use steward_core::api::{self, Context, Workspace};
use steward_core::clock::{Clock, SystemClock};

/// Steward: govern an organisation's AI systems, offline.
#[derive(Parser)]
#[command(name = "steward", version, propagate_version = true)]
struct Cli {
    /// The workspace directory (holds steward.db). Default: the user's data directory.
    #[arg(long, global = true, env = "STEWARD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// A team workspace in PostgreSQL instead of a workspace directory: a postgres:// URI or
    /// libpq's key=value pairs; the PG* environment variables and ~/.pgpass fill what it leaves
    /// out (keep the password there rather than on the command line). Who acts is then the
    /// database user it logs in as.
    #[arg(
        long,
        global = true,
        env = "STEWARD_DATABASE_URL",
        value_name = "URL",
        conflicts_with = "data_dir"
    )]
    db: Option<String>,

    /// Who is acting, as recorded in the audit log. Default: the login name.
    #[arg(long, global = true, env = "STEWARD_ACTOR", value_name = "NAME")]
    actor: Option<String>,

    /// Where your signing identity is kept. Default: the user's configuration directory.
    #[arg(long, global = true, env = "STEWARD_IDENTITY_DIR", value_name = "DIR")]
    identity_dir: Option<PathBuf>,

    /// The passphrase of an encrypted workspace, as the first line of FILE (else
    /// STEWARD_WORKSPACE_PASSPHRASE, else asked for on the terminal). Given for a workspace that
    /// does not exist yet, it creates the workspace encrypted.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,

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
    /// Your signing identity: key pair and certificate.
    #[command(subcommand)]
    Identity(identity::IdentityCmd),
    /// Colleagues' certificates, imported to verify their signatures.
    #[command(subcommand)]
    Certs(identity::CertsCmd),
    /// Reports as PDF (optionally signed) or .xlsx.
    #[command(subcommand)]
    Report(reports::ReportCmd),
    /// Signed audit packs.
    #[command(subcommand)]
    Pack(reports::PackCmd),
    /// Check a signed PDF or an audit pack: hashes, signatures, missing or extra files.
    Verify {
        /// A .zip audit pack or a .pdf report.
        file: PathBuf,
        /// Also trust signatures by this certificate (PEM or DER); repeatable.
        #[arg(long, value_name = "CERT")]
        trust: Vec<PathBuf>,
    },
    /// Impact assessments: templates, scoring answer files, template version differences.
    #[command(subcommand)]
    Assess(assess::AssessCmd),
    /// Total cost of ownership: cloud vs on-premises vs hybrid, from scenario files or kept in
    /// the workspace.
    #[command(subcommand)]
    Tco(tco::TcoCmd),
    /// The lifecycle calendar: milestones, derived reviews and deadlines, decommissioning
    /// checklists, iCalendar export.
    #[command(subcommand)]
    Calendar(calendar::CalendarCmd),
    /// KPIs per system, links to business outcomes, measurements and their status.
    #[command(subcommand)]
    Kpi(kpi::KpiCmd),
    /// Escalations opened by consecutive KPI breaches: list, acknowledge, resolve.
    #[command(subcommand)]
    Escalations(kpi::EscalationsCmd),
    /// Sign-off forms: review boards, rules, requests, signature files, status.
    #[command(subcommand)]
    Signoff(signoff::SignoffCmd),
    /// Validation evidence per system and model version: runs and bias results entered or
    /// imported (spreadsheets, MLflow runs), each system's status against the evidence policy
    /// per risk tier, and the policy.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCmd),
    /// Model cards per system and model version: each save a revision; shown, diffed, and
    /// exported as Markdown with YAML metadata or as a signed PDF.
    #[command(subcommand)]
    Card(card::CardCmd),
    /// Quarterly portfolio reviews: scorecards, recommendations, the freeze, decisions,
    /// actions, the decision register and comparisons.
    #[command(subcommand)]
    Review(review::ReviewCmd),
    /// The portfolio at a glance: systems by stage and risk tier, KPIs in breach, open
    /// escalations, overdue calendar items, sign-offs waiting, the next and latest review, and
    /// value against running cost.
    Portfolio,
    /// A team workspace in PostgreSQL (--db): set it up for its members, add and remove them,
    /// move a laptop workspace into it, take a read-only copy of it for travel.
    #[command(subcommand)]
    Team(team::TeamCmd),
    /// Fill an empty workspace with the sample portfolio.
    Demo,
    /// Where the workspace is and what it holds.
    Info,
    /// Copy the workspace to a file (consistent while the app is open); the copy's audit chain
    /// is checked before it is kept.
    Backup {
        /// The backup file to write.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup as the workspace of --data-dir, which must hold none yet; the file is
    /// checked (a Steward workspace, its audit chain intact) before it is put in place. An
    /// encrypted backup needs its passphrase, and stays encrypted.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Encrypt the workspace at rest with a passphrase (asked for twice, or read from
    /// --passphrase-file or STEWARD_WORKSPACE_PASSPHRASE); every later command needs it. All or
    /// nothing, and only while no other Steward has the workspace open.
    Encrypt,
    /// Decrypt the workspace: its file becomes plain SQLite again. All or nothing, and only
    /// while no other Steward has the workspace open.
    Decrypt,
}

#[derive(Subcommand)]
enum AuditCmd {
    /// List audit entries, oldest first, each with its record's name; filters combine.
    Log {
        /// Only entries about this kind of record (e.g. system, kpi, review, signoff_board).
        #[arg(long)]
        entity: Option<String>,
        /// Only entries about this record of --entity, by its id or its name.
        #[arg(long, alias = "id", value_name = "ID_OR_NAME")]
        record: Option<String>,
        /// Only changes made by this person, as recorded (the global --actor names who acts).
        #[arg(long, value_name = "NAME")]
        person: Option<String>,
        /// Only entries with this action (e.g. create, update, delete).
        #[arg(long)]
        action: Option<String>,
        /// Only entries on or after this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only entries on or before this day (YYYY-MM-DD, UTC).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// At most this many entries.
        #[arg(long)]
        limit: Option<i64>,
        /// Skip this many matching entries first (with --limit, the page to show).
        #[arg(long)]
        offset: Option<i64>,
        /// The latest entries first.
        #[arg(long)]
        newest_first: bool,
        /// Show each entry's changes field by field, before and after.
        #[arg(long)]
        changes: bool,
    },
    /// Check the log: the hash chain (the first edited, deleted or reordered entry), every
    /// record against what the log says it became, and each seal; say how many entries follow
    /// the last seal. Exit 1 when any of it fails.
    Verify {
        /// Also prove the log still extends the chain head recorded in this audit pack.
        #[arg(long, value_name = "PACK")]
        against: Option<PathBuf>,
    },
    /// Seal the log's head with your signing identity (the passphrase is asked for, or read
    /// from STEWARD_PASSPHRASE): a history rewritten up to it, or a forged entry before it,
    /// then fails the seal.
    Seal {
        #[command(flatten)]
        signer: reports::SignerArgs,
    },
}

fn main() -> ExitCode {
    sigpipe::reset();
    if let Some(packaging) = generate::Packaging::from_args() {
        return report(
            packaging.run(Cli::command()).map(|()| ExitCode::SUCCESS),
            false,
        );
    }
    let cli = Cli::parse();
    let json = cli.json;
    report(run(cli), json)
}

/// The exit code of a command's result; an error is printed with its causes and remedy, and
/// also as JSON on stdout when `json` is set.
fn report(result: Result<ExitCode>, json: bool) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if let Some(hint) = remedy::hint_for(&e) {
                eprintln!("hint: {hint}");
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

/// The workspace in `data_dir` (or the default) if one exists there, or the team workspace
/// `db`; never creates a laptop one.
fn existing_workspace(
    db: Option<&str>,
    data_dir: Option<PathBuf>,
    actor: String,
    keys: &encryption::Keys,
) -> Result<Option<Workspace>> {
    if db.is_some() {
        return open(db, None, actor, keys).map(Some);
    }
    let dir = data_dir.or_else(api::default_data_dir);
    match dir {
        Some(d) if d.join(api::DB_FILE).is_file() => open(None, Some(d), actor, keys).map(Some),
        _ => Ok(None),
    }
}

/// The data directory given, else the default one.
fn data_dir_or_default(data_dir: Option<PathBuf>) -> Result<PathBuf> {
    match data_dir {
        Some(d) => Ok(d),
        None => api::default_data_dir()
            .context("no home directory to keep the workspace in; pass --data-dir"),
    }
}

/// Opens the team workspace `db`, or the workspace in the data directory with its passphrase
/// if it is encrypted (asked for if not given).
fn open(
    db: Option<&str>,
    data_dir: Option<PathBuf>,
    actor: String,
    keys: &encryption::Keys,
) -> Result<Workspace> {
    let ctx = Context::new(actor, Arc::new(SystemClock));
    if let Some(db) = db {
        return Workspace::open_team(db, ctx).context("opening the team workspace");
    }
    let dir = data_dir_or_default(data_dir)?;
    keys.unlock(&dir, |key| Workspace::open_dir_with(&dir, ctx.clone(), key))
        .with_context(|| format!("opening the workspace in {}", dir.display()))
}

fn run(cli: Cli) -> Result<ExitCode> {
    let Cli {
        data_dir,
        db,
        actor,
        identity_dir,
        passphrase_file,
        json,
        command,
    } = cli;
    let keys = encryption::Keys {
        file: passphrase_file,
    };
    let identity_dir = identity::identity_dir(identity_dir);
    let actor = actor.unwrap_or_else(|| api::default_actor(&identity_dir));
    let db = db.as_deref();
    // The identity belongs to the person, not to a workspace: none is opened for it.
    let command = match command {
        Command::Identity(cmd) => return cmd.run(&identity_dir, SystemClock.now(), json),
        Command::Verify { file, trust } => {
            // An auditor may have no workspace: use one only if it already exists.
            let ws = existing_workspace(db, data_dir.clone(), actor.clone(), &keys)?;
            let trusted = reports::trusted(ws.as_ref(), &identity_dir, &trust)?;
            return reports::verify(&file, &trusted, json);
        }
        Command::Team(_) if db.is_none() => {
            anyhow::bail!(
                "team commands work on a team workspace in PostgreSQL: give it with --db URL or \
                 STEWARD_DATABASE_URL; nothing was changed"
            )
        }
        Command::Restore { .. } | Command::Encrypt if db.is_some() => {
            anyhow::bail!(
                "a team workspace is kept by its PostgreSQL server: restore and encrypt work on a \
                 laptop workspace (--data-dir); nothing was changed"
            )
        }
        Command::Restore { file } => {
            let dir = data_dir_or_default(data_dir.clone())?;
            let ctx = Context::new(actor.clone(), Arc::new(SystemClock));
            let s = keys.unlock(&file, |key| {
                api::backup::restore(&file, &dir, ctx.clone(), key)
            })?;
            output::backup(&s, "restored", json)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Encrypt => {
            let dir = data_dir_or_default(data_dir.clone())?;
            let passphrase = keys.new_passphrase()?;
            let ctx = Context::new(actor.clone(), Arc::new(SystemClock));
            let ws = match Workspace::open_dir(&dir, ctx) {
                Err(e) if e.code() == "locked" => anyhow::bail!(
                    "{}: the workspace is already encrypted; nothing was changed",
                    dir.display()
                ),
                other => other?,
            };
            let (_, s) = ws.encrypt(&passphrase)?;
            output::encryption(&s, json)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Tco(cmd) => {
            // Scenario files need no workspace; stored scenarios open it when asked.
            let workspace = || open(db, data_dir.clone(), actor.clone(), &keys);
            let needs = tco::Needs {
                workspace: &workspace,
                identity_dir: &identity_dir,
            };
            return tco::run(cmd, json, needs);
        }
        Command::Assess(cmd) if cmd.standalone() => return assess::run(cmd, json),
        Command::Assess(assess::AssessCmd::Templates) => {
            // Listing templates needs no workspace; with one, it shows the workspace's versions.
            return match existing_workspace(db, data_dir.clone(), actor.clone(), &keys)? {
                Some(mut ws) => assess::run_in(&mut ws, assess::AssessCmd::Templates, json),
                None => {
                    // Without a workspace: the built-in templates, listed the same way.
                    let ctx = Context::new(actor.clone(), Arc::new(SystemClock));
                    let mut ws = Workspace::in_memory(ctx)?;
                    assess::run_in(&mut ws, assess::AssessCmd::Templates, json)
                }
            };
        }
        // A signer signs a request file on their own laptop, with no workspace.
        Command::Signoff(cmd) => match signoff::run_without_workspace(cmd, &identity_dir, json)? {
            Ok(code) => return Ok(code),
            Err(cmd) => Command::Signoff(cmd),
        },
        other => other,
    };
    let mut ws = open(db, data_dir, actor.clone(), &keys)?;
    match command {
        // Handled above, before a workspace is opened.
        Command::Identity(_) | Command::Tco(_) | Command::Restore { .. } | Command::Encrypt => {
            Ok(ExitCode::SUCCESS)
        }
        Command::Decrypt => {
            let (_, s) = ws.decrypt()?;
            output::encryption(&s, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out } => {
            let s = ws.backup(&out)?;
            output::backup(&s, "backed up", json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Assess(cmd) => assess::run_in(&mut ws, cmd, json),
        Command::Team(cmd) => team::run(&mut ws, cmd, &keys, &actor, json),
        Command::Certs(cmd) => cmd.run(&mut ws, json),
        Command::Signoff(cmd) => signoff::run(&mut ws, cmd, &identity_dir, json),
        Command::Systems(cmd) => systems::run(&mut ws, cmd, json),
        Command::Calendar(cmd) => calendar::run(&mut ws, cmd, json),
        Command::Review(cmd) => review::run(&mut ws, cmd, &identity_dir, json),
        Command::Card(cmd) => card::run(&mut ws, cmd, &identity_dir, json),
        Command::Kpi(cmd) => kpi::run(&mut ws, cmd, json),
        Command::Evidence(cmd) => evidence::run(&mut ws, cmd, json),
        Command::Portfolio => portfolio::run(&ws, json),
        Command::Escalations(cmd) => kpi::run_escalations(&mut ws, cmd, json),
        Command::Audit(AuditCmd::Log {
            entity,
            record,
            person,
            action,
            from,
            to,
            limit,
            offset,
            newest_first,
            changes,
        }) => {
            let q = api::AuditQuery {
                entity,
                record,
                actor: person,
                action,
                from,
                to,
                limit,
                offset,
                newest_first,
                ..Default::default()
            };
            let page = ws.audit_log(&q).context("reading the audit log")?;
            output::audit_log(&page, changes, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCmd::Verify { against }) => {
            let report = ws.verify_audit()?;
            let anchor = against.map(|p| ws.verify_chain_against(&p)).transpose()?;
            let copy = ws.copy_status(&report);
            output::audit_verification(&report, anchor.as_ref(), copy.as_ref(), json)?;
            let ok = report.is_intact()
                && anchor.is_none_or(|a| a.extends)
                && copy.is_none_or(|c| c.ends_at_mark);
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Audit(AuditCmd::Seal { signer }) => {
            let s = signer.signer(&identity_dir)?;
            let seal = ws.seal_audit(&s).context("sealing the audit log")?;
            output::message(
                json,
                &format!(
                    "sealed the audit log at entry {} ({}) as {}, certificate {}",
                    seal.seq, seal.head, seal.signer, seal.fingerprint
                ),
                serde_json::to_value(&seal)?,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(cmd) => reports::report(&ws, cmd, &identity_dir, json),
        Command::Pack(cmd) => reports::pack(&mut ws, cmd, &identity_dir, json),
        Command::Verify { .. } => Ok(ExitCode::SUCCESS), // handled above
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
            let chain = ws.verify_chain()?;
            let encrypted = ws.is_encrypted();
            let copy = ws.copy_mark();
            let copy_line = copy.as_ref().map_or_else(String::new, |c| {
                format!(
                    "\nread-only copy of the team workspace {} taken at entry {} ({})",
                    c.team, c.seq, c.head
                )
            });
            let v = serde_json::json!({
                "copy_of": copy,
                "path": path,
                "encrypted": encrypted,
                "schema_version": ws.schema_version()?,
                "systems": systems,
                "audit_entries": chain.length,
                "audit_head": chain.head,
            });
            output::message(
                json,
                &format!(
                    "workspace {path} ({})\nschema version {}\n{systems} systems\n{} audit entries, head {}{copy_line}",
                    if encrypted { "encrypted" } else { "not encrypted" },
                    v["schema_version"], chain.length, chain.head
                ),
                v,
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
