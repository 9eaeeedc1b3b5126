//! A team workspace's own operations: setting it up for its members, adding, listing and
//! removing them, moving a laptop workspace into an empty team workspace (`push_from`), and
//! taking a read-only laptop copy of one (`copy_to`). Each change is audited (the kind `team`)
//! in the transaction that makes it; push and copy check the log, the records and the seals of
//! what they wrote before they keep it. Roles, grants and row copying are the store's.

use std::path::Path;

use serde::Serialize;

use super::{AuditVerification, Context, Passphrase, Workspace, DB_FILE};
use crate::audit::canonical_json;
use crate::files::Partial;
use crate::store::{Change, CopyMark, Store, TableCount, COPY_MARK_KEY};
use crate::{Error, Result};

/// What `team init` did: the members' role and its grants, or nothing when all was in place.
#[derive(Debug, Clone, Serialize)]
pub struct TeamSetup {
    /// The team workspace (`postgres://user@host:port/db`, no password).
    pub team: String,
    pub database: String,
    pub schema: String,
    pub members_role: String,
    pub owner: String,
    /// What was changed, one line each; empty when nothing needed to be.
    pub changes: Vec<String>,
}

/// A member added or removed, or found as asked already.
#[derive(Debug, Clone, Serialize)]
pub struct MemberChange {
    pub team: String,
    pub member: String,
    pub members_role: String,
    /// `created` (a new login role), `granted` (an existing role made a member), `already` (a
    /// member before), `removed`, or `not_member` (nothing to remove).
    pub outcome: &'static str,
    /// Whether a new role was given a password (false: it authenticates otherwise).
    pub password: bool,
}

/// A team workspace's members.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMembers {
    pub team: String,
    pub members_role: String,
    pub owner: String,
    pub members: Vec<TeamMember>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamMember {
    pub name: String,
    pub login: bool,
}

/// A laptop workspace moved into a team workspace.
#[derive(Debug, Clone, Serialize)]
pub struct PushSummary {
    pub team: String,
    /// The laptop workspace's id, which the team workspace now carries.
    pub from_workspace: String,
    pub systems: usize,
    /// The laptop's chain, entry by entry the team's first entries.
    pub entries: i64,
    pub head: String,
    /// The team's chain after the push's own entry.
    pub team_entries: i64,
    pub team_head: String,
    pub tables: Vec<TableCount>,
}

/// A read-only copy taken of a team workspace.
#[derive(Debug, Clone, Serialize)]
pub struct CopySummary {
    pub path: String,
    pub encrypted: bool,
    pub systems: usize,
    pub mark: CopyMark,
    pub tables: Vec<TableCount>,
}

/// A read-only copy's mark, and whether its log still ends at the entry it was taken at.
#[derive(Debug, Clone, Serialize)]
pub struct CopyStatus {
    #[serde(flatten)]
    pub mark: CopyMark,
    pub ends_at_mark: bool,
}

impl Workspace {
    /// The team workspace's display URL; a laptop workspace is refused for `what`.
    fn team_only(&self, what: &str) -> Result<String> {
        self.team().map(str::to_string).ok_or_else(|| {
            Error::Workspace(format!(
                "{what} works on a team workspace in PostgreSQL; {} is a laptop workspace",
                self.describe()
            ))
        })
    }

    /// Sets the team workspace up for its members (run by its owner): the members' group role,
    /// named after the database and schema, with SELECT, INSERT, UPDATE and DELETE on the
    /// record tables, only SELECT and INSERT on the audit log and its seals, and nothing else.
    /// Safe to run again: what is in place is left, and a run that changes nothing writes no
    /// entry.
    pub fn team_init(&mut self) -> Result<TeamSetup> {
        let team = self.team_only("setting a workspace up for a team")?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let init = self.store.write(|tx| {
            let init = tx.team_init()?;
            if !init.changes.is_empty() {
                tx.append_audit(Change {
                    at: now,
                    actor: &actor,
                    entity: "team",
                    entity_id: init.members_role.clone(),
                    action: "init",
                    before: None,
                    after: Some(canonical_json(&serde_json::json!({
                        "database": init.database,
                        "schema": init.schema,
                        "members_role": init.members_role,
                        "owner": init.owner,
                        "changes": init.changes,
                    }))),
                })?;
            }
            Ok(init)
        })?;
        Ok(TeamSetup {
            team,
            database: init.database,
            schema: init.schema,
            members_role: init.members_role,
            owner: init.owner,
            changes: init.changes,
        })
    }

    /// Whether a role of this name exists on the team workspace's server (so a new member's
    /// password is asked for only when the role is to be created).
    pub fn team_role_exists(&self, name: &str) -> Result<bool> {
        self.team_only("looking a member up")?;
        self.store.team_role_exists(name)
    }

    /// Adds `name` to the team (run by the owner): a new login role in the members' role, with
    /// `password` (kept by the server as a SCRAM verifier) or none for a role that
    /// authenticates otherwise (peer, certificate); an existing role is granted membership and
    /// keeps its password.
    pub fn team_add_member(
        &mut self,
        name: &str,
        password: Option<&Passphrase>,
    ) -> Result<MemberChange> {
        let team = self.team_only("adding a member")?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let (outcome, role) = self.store.write(|tx| {
            let done = tx.team_add_member(name, password)?;
            let role = tx.team_members_role()?;
            let outcome = match done {
                None => return Ok(("already", role)),
                Some(true) => "created",
                Some(false) => "granted",
            };
            tx.append_audit(Change {
                at: now,
                actor: &actor,
                entity: "team",
                entity_id: role.clone(),
                action: "add_member",
                before: None,
                after: Some(canonical_json(&serde_json::json!({
                    "member": name,
                    "role_created": outcome == "created",
                    "password": outcome == "created" && password.is_some(),
                }))),
            })?;
            Ok((outcome, role))
        })?;
        Ok(MemberChange {
            team,
            member: name.to_string(),
            members_role: role,
            outcome,
            password: outcome == "created" && password.is_some(),
        })
    }

    /// Takes `name` out of the team (run by the owner); its role stays, as the log names it.
    pub fn team_remove_member(&mut self, name: &str) -> Result<MemberChange> {
        let team = self.team_only("removing a member")?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let (outcome, role) = self.store.write(|tx| {
            let was = tx.team_remove_member(name)?;
            let role = tx.team_members_role()?;
            if !was {
                return Ok(("not_member", role));
            }
            tx.append_audit(Change {
                at: now,
                actor: &actor,
                entity: "team",
                entity_id: role.clone(),
                action: "remove_member",
                before: Some(canonical_json(&serde_json::json!({ "member": name }))),
                after: None,
            })?;
            Ok(("removed", role))
        })?;
        Ok(MemberChange {
            team,
            member: name.to_string(),
            members_role: role,
            outcome,
            password: false,
        })
    }

    /// The team's members: the roles in its members' role.
    pub fn team_members(&self) -> Result<TeamMembers> {
        let team = self.team_only("listing members")?;
        let (members_role, owner, members) = self.store.team_members()?;
        Ok(TeamMembers {
            team,
            members_role,
            owner,
            members: members
                .into_iter()
                .map(|m| TeamMember {
                    name: m.name,
                    login: m.login,
                })
                .collect(),
        })
    }

    /// Moves the laptop workspace `laptop` into this team workspace, which must be empty (no
    /// record and no audit entry): the laptop's log is checked first (a broken chain or a
    /// failing seal is refused, named), every table is copied in one transaction and read back
    /// row by row, the team workspace's log, records and seals are checked against the
    /// laptop's, and an entry records the push. Only the workspace's owner may (the entries
    /// keep their own people). All or nothing.
    pub fn push_from(&mut self, laptop: &Workspace) -> Result<PushSummary> {
        let team = self.team_only("pushing a laptop workspace")?;
        if laptop.team().is_some() {
            return Err(Error::Conflict(format!(
                "{} is a team workspace; push moves a laptop workspace (a data directory) into \
                 a team workspace",
                laptop.describe()
            )));
        }
        let from = laptop.describe();
        let before = laptop.verify_audit()?;
        if let Some(b) = &before.chain.first_bad {
            return Err(Error::Integrity(format!(
                "the audit log of {from} is broken at entry {} ({}); a broken chain is not \
                 pushed; nothing was changed",
                b.seq, b.message
            )));
        }
        if let Some(s) = before.seals.iter().find(|s| !s.valid) {
            return Err(Error::Integrity(format!(
                "the seal of entry {} in {from} fails ({}); a log with a failing seal is not \
                 pushed; nothing was changed",
                s.seq, s.message
            )));
        }
        let (owner, owner_role) = self.store.team_is_owner()?;
        if !owner {
            return Err(Error::Workspace(format!(
                "pushing keeps every entry under the name of the person who made it, which only \
                 the workspace's owner ({owner_role}) may write; you are logged in as {}; \
                 nothing was changed",
                self.ctx.actor
            )));
        }
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let held = self.store.hold_write()?;
        let held_now: Vec<String> = self
            .store
            .table_counts()?
            .into_iter()
            .filter(|t| t.rows > 0)
            .map(|t| format!("{} rows in {}", t.rows, t.table))
            .collect();
        let only_set_up = !held_now.is_empty()
            && self
                .store
                .table_counts()?
                .iter()
                .all(|t| t.rows == 0 || t.table == "audit_log")
            && self
                .store
                .audit_entries()?
                .iter()
                .all(|e| e.entity == "team");
        if only_set_up {
            return Err(Error::Conflict(format!(
                "{team} has been set up for its team already ({}, its log beginning with that); \
                 a laptop workspace's log must begin the team workspace's, so it is pushed into \
                 a new, empty database or schema, and `steward team init` is run after the push; \
                 nothing was changed",
                held_now.join(", ")
            )));
        }
        if !held_now.is_empty() {
            return Err(Error::Conflict(format!(
                "{team} is not empty: it holds {}; a laptop workspace is pushed into an empty team \
                 workspace only (its log must begin with the laptop's first entry); nothing was \
                 changed",
                held_now.join(", ")
            )));
        }
        let tables = self.store.copy_rows_from(&laptop.store)?;
        let after = self.verify_audit()?;
        same_verification(&before, &after, &from, &team)?;
        let from_workspace = laptop.workspace_id()?;
        let entry = held.write(|tx| {
            tx.append_audit(Change {
                at: now,
                actor: &actor,
                entity: "team",
                entity_id: from_workspace.clone(),
                action: "push",
                before: None,
                after: Some(canonical_json(&serde_json::json!({
                    "from_workspace": from_workspace,
                    "entries": before.chain.length,
                    "head": before.chain.head,
                    "tables": tables,
                }))),
            })
        })?;
        let systems = self.store.all_systems()?.len();
        held.commit()?;
        Ok(PushSummary {
            team,
            from_workspace,
            systems,
            entries: before.chain.length,
            head: before.chain.head,
            team_entries: entry.seq,
            team_head: entry.hash,
            tables,
        })
    }

    /// Takes a read-only laptop copy of this team workspace into `dir` (which must hold no
    /// workspace), encrypted with `passphrase` when one is given: every table copied from one
    /// state of the team workspace and read back row by row, its log, records and seals checked
    /// against the team's, and the mark of where and at which entry it was taken kept in its
    /// settings; the copy refuses every write. Written beside its place and renamed in only
    /// when whole and checked.
    pub fn copy_to(&self, dir: &Path, passphrase: Option<&Passphrase>) -> Result<CopySummary> {
        let team = self.team_only("a read-only copy")?;
        let target = dir.join(DB_FILE);
        if target.exists() {
            return Err(Error::Conflict(format!(
                "{} already holds a workspace; a copy goes into a directory without one: choose \
                 another, or move that workspace away first; nothing was changed",
                dir.display()
            )));
        }
        if !dir.exists() {
            crate::files::create_private_dir(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = Partial::create(&target)?;
        let _snapshot = self.store.snapshot()?;
        let source = self.verify_audit()?;
        let mark = CopyMark {
            team: team.clone(),
            seq: source.chain.length,
            head: source.chain.head.clone(),
            taken_at: self.ctx.timestamp(),
            taken_by: self.ctx.actor.clone(),
        };
        let copy = Workspace {
            store: Store::open_with(tmp.path(), passphrase)?,
            ctx: Context::new(self.ctx.actor.clone(), self.ctx.clock.clone()),
        };
        let shown = target.display().to_string();
        let (tables, systems) = {
            let held = copy.store.hold_write()?;
            let tables = copy.store.copy_rows_from(&self.store)?;
            let text = canonical_json(&mark);
            held.write(|tx| tx.set_setting(COPY_MARK_KEY, Some(&text)))?;
            let after = copy.verify_audit()?;
            same_verification(&source, &after, &team, &shown)?;
            let systems = copy.store.all_systems()?.len();
            held.commit()?;
            (tables, systems)
        };
        let encrypted = copy.is_encrypted();
        drop(copy);
        tmp.commit()?;
        Ok(CopySummary {
            path: shown,
            encrypted,
            systems,
            mark,
            tables,
        })
    }

    /// Where and at which entry this workspace was taken, when it is a read-only copy of a team
    /// workspace.
    pub fn copy_mark(&self) -> Option<CopyMark> {
        self.store.copy_mark().cloned()
    }

    /// When this workspace is a read-only copy of a team workspace: where and at which entry
    /// it was taken, and whether its log (as `verify_audit` found it) still ends there.
    pub fn copy_status(&self, v: &AuditVerification) -> Option<CopyStatus> {
        self.store.copy_mark().map(|m| CopyStatus {
            mark: m.clone(),
            ends_at_mark: v.chain.length == m.seq && v.chain.head == m.head,
        })
    }
}

/// Refuses a copy whose check differs from its source's: the chain (length, head, intact),
/// the seals (each as valid as before) and the records (the same findings).
fn same_verification(
    source: &AuditVerification,
    copy: &AuditVerification,
    from: &str,
    to: &str,
) -> Result<()> {
    let mut problems = Vec::new();
    if let Some(b) = &copy.chain.first_bad {
        problems.push(format!("its log breaks at entry {} ({})", b.seq, b.message));
    }
    if (copy.chain.length, &copy.chain.head) != (source.chain.length, &source.chain.head) {
        problems.push(format!(
            "its log ends at entry {} ({}) where {from}'s ends at {} ({})",
            copy.chain.length, copy.chain.head, source.chain.length, source.chain.head
        ));
    }
    let valid = |v: &AuditVerification| -> Vec<(i64, bool)> {
        v.seals.iter().map(|s| (s.seq, s.valid)).collect()
    };
    if valid(copy) != valid(source) {
        let failing: Vec<String> = copy
            .seals
            .iter()
            .filter(|s| !s.valid)
            .map(|s| format!("entry {}: {}", s.seq, s.message))
            .collect();
        problems.push(format!(
            "its seals differ from {from}'s (failing: {})",
            if failing.is_empty() {
                "none".to_string()
            } else {
                failing.join("; ")
            }
        ));
    }
    if copy.state.findings.len() != source.state.findings.len() {
        problems.push(format!(
            "{} record(s) differ from what its log says ({from}: {}){}",
            copy.state.findings.len(),
            source.state.findings.len(),
            copy.state
                .findings
                .first()
                .map(|f| format!(", first {} {}: {}", f.entity, f.entity_id, f.message))
                .unwrap_or_default()
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Integrity(format!(
        "the copy in {to} does not check out as {from} does: {}; nothing was kept",
        problems.join("; ")
    )))
}
