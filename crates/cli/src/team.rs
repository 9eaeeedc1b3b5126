//! `steward team`: a team workspace's own commands (set-up, members, push, copy), over
//! `steward_core::api::team`. A new member's password is asked for on the terminal without echo
//! or read from STEWARD_MEMBER_PASSWORD; never an argument, never written anywhere.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use clap::Subcommand;
use steward_core::api::{self, Context, Passphrase, Workspace};
use steward_core::clock::SystemClock;

use crate::encryption::Keys;
use crate::output;

/// The environment variable a new member's password is read from (else it is asked for).
pub const MEMBER_PASSWORD_ENV: &str = "STEWARD_MEMBER_PASSWORD";

#[derive(Subcommand)]
pub enum TeamCmd {
    /// Set the team workspace up for its members (run by the database's owner, with
    /// CREATEROLE): the members' role (NOLOGIN, named steward_DB_SCHEMA_members) may read
    /// everything, write the record tables, and only read and append the audit log and its
    /// seals. Safe to run again: it says what it changed, or that nothing needed to.
    Init,
    /// Add a member (run by the owner): creates the login role NAME in the members' role (its
    /// password asked for on the terminal, or read from STEWARD_MEMBER_PASSWORD), or makes an
    /// existing role a member.
    AddMember {
        /// The member's database role (the name the audit log records).
        name: String,
        /// Create the role without a password: it logs in another way (peer, certificate).
        #[arg(long)]
        no_password: bool,
    },
    /// The members of the team: the roles in its members' role.
    Members,
    /// Take a member out of the team (run by the owner); the role itself stays, as the log
    /// names it.
    RemoveMember { name: String },
    /// Move a laptop workspace (its data directory; an encrypted one with its passphrase)
    /// into this empty team workspace, with its audit chain intact: checked before, copied in
    /// one transaction, checked after, and recorded. Run by the owner; all or nothing.
    Push {
        /// The laptop workspace's data directory.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Take a read-only laptop copy of the team workspace into DIR (which must hold no
    /// workspace): reports, packs, exports and `audit verify` work on it; every change is
    /// refused. Encrypted when a passphrase is given (--passphrase-file or
    /// STEWARD_WORKSPACE_PASSPHRASE).
    Copy {
        /// The data directory of the copy.
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn run(
    ws: &mut Workspace,
    cmd: TeamCmd,
    keys: &Keys,
    actor: &str,
    json: bool,
) -> Result<ExitCode> {
    match cmd {
        TeamCmd::Init => {
            let s = ws.team_init().context("setting the team workspace up")?;
            let text = if s.changes.is_empty() {
                format!(
                    "{} is set up for its team already (members' role {}, owner {}); nothing was changed",
                    s.team, s.members_role, s.owner
                )
            } else {
                let mut t = format!(
                    "set {} up for its team (members' role {}, owner {}):",
                    s.team, s.members_role, s.owner
                );
                for c in &s.changes {
                    t.push_str(&format!("\n  {c}"));
                }
                t
            };
            output::message(json, &text, serde_json::to_value(&s)?)?;
        }
        TeamCmd::AddMember { name, no_password } => {
            let password = if no_password || ws.team_role_exists(&name)? {
                None
            } else {
                Some(member_password(&name)?)
            };
            let c = ws
                .team_add_member(&name, password.as_ref())
                .with_context(|| format!("adding {name} to the team"))?;
            let text = match c.outcome {
                "created" if c.password => format!(
                    "created the login role {} with its password, in {}",
                    c.member, c.members_role
                ),
                "created" => format!(
                    "created the login role {} without a password (it logs in another way), in {}",
                    c.member, c.members_role
                ),
                "granted" => format!(
                    "made the existing role {} a member ({}); its password is as it was",
                    c.member, c.members_role
                ),
                _ => format!(
                    "{} is a member already ({}); nothing was changed",
                    c.member, c.members_role
                ),
            };
            output::message(json, &text, serde_json::to_value(&c)?)?;
        }
        TeamCmd::RemoveMember { name } => {
            let c = ws
                .team_remove_member(&name)
                .with_context(|| format!("removing {name} from the team"))?;
            let text = if c.outcome == "removed" {
                format!(
                    "{} is no longer a member ({}); the role itself is kept",
                    c.member, c.members_role
                )
            } else {
                format!(
                    "{} is not a member ({}); nothing was changed",
                    c.member, c.members_role
                )
            };
            output::message(json, &text, serde_json::to_value(&c)?)?;
        }
        TeamCmd::Members => {
            let m = ws.team_members()?;
            let mut text = format!(
                "{} (owner {}, members' role {}): {} member(s)",
                m.team,
                m.owner,
                m.members_role,
                m.members.len()
            );
            for x in &m.members {
                text.push_str(&format!(
                    "\n  {}{}",
                    x.name,
                    if x.login { "" } else { " (cannot log in)" }
                ));
            }
            output::message(json, &text, serde_json::to_value(&m)?)?;
        }
        TeamCmd::Push { from } => {
            if !from.join(api::DB_FILE).is_file() {
                bail!(
                    "{} holds no workspace ({} is missing); give the laptop workspace's data \
                     directory; nothing was changed",
                    from.display(),
                    api::DB_FILE
                );
            }
            let ctx = Context::new(actor, Arc::new(SystemClock));
            let laptop = keys
                .unlock(&from, |key| {
                    Workspace::open_dir_with(&from, ctx.clone(), key)
                })
                .with_context(|| format!("opening the workspace in {}", from.display()))?;
            let s = ws
                .push_from(&laptop)
                .with_context(|| format!("pushing {} into the team workspace", from.display()))?;
            let text = format!(
                "pushed {} into {}: {} systems, {} audit entries up to {} kept as they were; \
                 the push is entry {} ({})",
                from.display(),
                s.team,
                s.systems,
                s.entries,
                s.head,
                s.team_entries,
                s.team_head
            );
            output::message(json, &text, serde_json::to_value(&s)?)?;
        }
        TeamCmd::Copy { out } => {
            let key = keys.given()?;
            let s = ws
                .copy_to(&out, key.as_ref())
                .with_context(|| format!("copying the team workspace to {}", out.display()))?;
            let text = format!(
                "copied {} to {} ({}, read-only): {} systems, taken at audit entry {} ({})",
                s.mark.team,
                s.path,
                if s.encrypted {
                    "encrypted"
                } else {
                    "not encrypted"
                },
                s.systems,
                s.mark.seq,
                s.mark.head
            );
            output::message(json, &text, serde_json::to_value(&s)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A new member's password: STEWARD_MEMBER_PASSWORD, else asked twice on the terminal.
fn member_password(name: &str) -> Result<Passphrase> {
    if let Some(v) = std::env::var_os(MEMBER_PASSWORD_ENV) {
        let v = zeroize::Zeroizing::new(
            v.into_string()
                .map_err(|_| anyhow::anyhow!("{MEMBER_PASSWORD_ENV} is not valid UTF-8"))?,
        );
        if v.is_empty() {
            bail!(
                "{MEMBER_PASSWORD_ENV} is empty; give {name}'s password there, or pass \
                 --no-password for a role that logs in another way; nothing was changed"
            );
        }
        return Ok(Passphrase::new(v.as_str())?);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "no terminal to ask for {name}'s password on: set {MEMBER_PASSWORD_ENV}, or pass \
             --no-password for a role that logs in another way (peer, certificate); nothing was \
             changed"
        );
    }
    let first = zeroize::Zeroizing::new(
        rpassword::prompt_password(format!("Password for the new member {name}: "))
            .context("reading the password from the terminal")?,
    );
    if first.is_empty() {
        bail!("an empty password; nothing was changed");
    }
    let again = zeroize::Zeroizing::new(
        rpassword::prompt_password("The same password again: ")
            .context("reading the password from the terminal")?,
    );
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(Passphrase::new(first.as_str())?)
}
