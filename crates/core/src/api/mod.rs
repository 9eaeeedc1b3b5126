//! The API the desktop shell and the CLI both call. Each function is one user-level operation:
//! it validates, writes the change and its audit entry in one transaction, and returns the result.

pub mod assess;
mod audit;
mod audit_state;
pub mod backup;
mod calendar;
pub mod card;
mod certs;
pub mod connect;
pub mod encryption;
pub mod evidence;
pub mod evidence_view;
mod export;
mod gates;
mod import;
pub mod kpi;
pub mod pack;
pub mod portfolio;
pub mod review;
mod review_pack;
pub mod review_rules;
pub mod review_sign;
pub mod seal;
pub mod signoff;
mod systems;
pub mod tco;
pub mod team;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::audit::canonical_json;
use crate::clock::Clock;
use crate::store::{Change, Store};
pub use crate::store::{Passphrase, APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
use crate::{Error, Result};

pub use audit::{
    AuditChoices, AuditPage, AuditQuery, AuditRecord, AuditRow, AuditVerification, EntityKind,
};
pub use calendar::RetireOutcome;
pub use export::RowsDone;
pub use import::{ImportOptions, ImportProfile, ImportProgress, ImportRequest};
pub use systems::Facets;

/// The file name of a workspace inside its data directory.
pub const DB_FILE: &str = "steward.db";

/// Who is acting and what time it is: passed in, never read inside domain code.
#[derive(Clone)]
pub struct Context {
    pub actor: String,
    pub clock: Arc<dyn Clock>,
}

impl Context {
    pub fn new(actor: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        Context {
            actor: actor.into(),
            clock,
        }
    }

    /// RFC 3339 UTC timestamp, second precision, for records and the audit log.
    pub fn timestamp(&self) -> String {
        self.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// An open workspace: the store and the context every operation runs in.
pub struct Workspace {
    store: Store,
    ctx: Context,
}

impl Workspace {
    /// Opens the workspace in `dir` (created if missing), i.e. `dir/steward.db`.
    pub fn open_dir(dir: &Path, ctx: Context) -> Result<Workspace> {
        Self::open_dir_with(dir, ctx, None)
    }

    /// Opens the workspace in `dir` with its passphrase when it is encrypted (see
    /// [`Workspace::open_with`]); a new one is created encrypted with it.
    pub fn open_dir_with(
        dir: &Path,
        ctx: Context,
        passphrase: Option<&Passphrase>,
    ) -> Result<Workspace> {
        if !dir.exists() {
            steward_domain::files::create_private_dir(dir).map_err(|e| {
                Error::Workspace(format!(
                    "cannot create the data directory {}: {e}",
                    dir.display()
                ))
            })?;
        } else if !dir.is_dir() {
            return Err(Error::Workspace(format!(
                "the data directory {} is a file, not a directory",
                dir.display()
            )));
        }
        Self::open_with(&dir.join(DB_FILE), ctx, passphrase)
    }

    pub fn open(path: &Path, ctx: Context) -> Result<Workspace> {
        Self::open_with(path, ctx, None)
    }

    /// Opens the workspace file at `path`: an encrypted one with its passphrase only (without
    /// one, or with one that does not open it, the error's code is `locked`), a plain one
    /// without.
    pub fn open_with(
        path: &Path,
        ctx: Context,
        passphrase: Option<&Passphrase>,
    ) -> Result<Workspace> {
        Ok(Workspace {
            store: Store::open_with(path, passphrase)?,
            ctx,
        })
    }

    /// Opens the team workspace in PostgreSQL that `conninfo` names (a `postgres://` URI or
    /// libpq's `key=value` pairs; the `PG*` environment variables and `~/.pgpass` fill what it
    /// leaves out), creating or migrating its schema. Every change is recorded as made by the
    /// database user the session logged in as: the context's actor is replaced by it.
    pub fn open_team(conninfo: &str, mut ctx: Context) -> Result<Workspace> {
        let store = Store::open_team(conninfo)?;
        if let Some(user) = store.team_user() {
            ctx.actor = user.to_string();
        }
        Ok(Workspace { store, ctx })
    }

    /// Where the team workspace is (`postgres://user@host:port/db`, no password), or None for
    /// a laptop workspace.
    pub fn team(&self) -> Option<&str> {
        self.store.team_display()
    }

    pub fn in_memory(ctx: Context) -> Result<Workspace> {
        Ok(Workspace {
            store: Store::open_in_memory()?,
            ctx,
        })
    }

    pub fn path(&self) -> Option<PathBuf> {
        self.store.path().map(Path::to_path_buf)
    }

    /// How long an operation waits for another process writing to the workspace (30 s unless
    /// set): past it, the operation fails saying so and changes nothing.
    pub fn set_busy_wait(&self, wait: std::time::Duration) -> Result<()> {
        self.store.set_busy_wait(wait)
    }

    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Names who the changes are recorded as; on a team workspace the database user stays the
    /// actor (who did it is the database's word), so this changes nothing there.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        if self.store.team_user().is_none() {
            self.ctx.actor = actor.into();
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// Keeps the text of a file a person set (a rules override, a mapping profile) as the
    /// setting `key`, or removes it with `None`, with its audit entry on record `entity_id` of
    /// `entity` ("set" or "reset", the texts before and after as JSON strings) in the same
    /// transaction. The caller checks the text first.
    fn set_file_setting(
        &mut self,
        key: &str,
        (entity, entity_id): (&str, &str),
        text: Option<&str>,
    ) -> Result<()> {
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let before = tx.setting(key)?;
            tx.set_setting(key, text)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity,
                entity_id: entity_id.into(),
                action: if text.is_some() { "set" } else { "reset" },
                before: before.as_deref().map(setting_doc),
                after: text.map(setting_doc),
            })?;
            Ok(())
        })
    }
}

/// The audited form of a file a person set as a setting (rules, a mapping profile): its text as
/// a JSON string.
pub(super) fn setting_doc(text: &str) -> String {
    canonical_json(&text)
}

/// The default data directory: the platform's per-user data directory for Steward
/// (`$XDG_DATA_HOME/steward` or `~/.local/share/steward` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "steward").map(|p| p.data_dir().to_path_buf())
}

/// Who changes are recorded as when nobody says: the name of the signing identity in
/// `identity_dir` when there is one (so the audit log and signatures name the same person), else
/// the login name.
pub fn default_actor(identity_dir: &Path) -> String {
    if let Ok(me) = crate::identity::show(identity_dir) {
        return me.profile.name;
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown user".into())
}
