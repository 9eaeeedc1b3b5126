//! Backing a workspace up and restoring it: a consistent copy taken while the workspace is in
//! use, whose audit chain is checked before it is kept, and a restore into an empty place only.
//! The copy of an encrypted workspace is encrypted with the same passphrase, and restoring it
//! needs that passphrase.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{Context, Passphrase, Workspace, DB_FILE};
use crate::files::Partial;
use crate::pack::ChainAnchor;
use crate::{Error, Result};

/// What a backup or a restore holds.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupSummary {
    /// The file written: the backup, or the restored workspace.
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub schema_version: i64,
    #[ts(type = "number")]
    pub systems: usize,
    /// Whether the copy is encrypted (with the workspace's passphrase).
    pub encrypted: bool,
    /// The audit chain of the copy, checked entry by entry.
    pub audit_chain: ChainAnchor,
}

impl Workspace {
    /// Writes a copy of the workspace to `out` with SQLite's online backup (consistent while
    /// the app or another command writes), opens the copy and checks its audit chain, and only
    /// then puts it in place: a backup that is there is whole and intact.
    pub fn backup(&self, out: &Path) -> Result<BackupSummary> {
        if self.path().is_some_and(|p| same_file(&p, out)) {
            return Err(Error::Conflict(format!(
                "{} is the workspace itself; choose another file for the backup",
                out.display()
            )));
        }
        let tmp = Partial::create(out)?;
        self.store.backup_to(tmp.path())?;
        let summary = checked(tmp.path(), out, self.ctx.clone(), self.store.key())?;
        tmp.commit()?;
        Ok(summary)
    }
}

/// Restores the backup `file` as the workspace of `data_dir`, which must hold no workspace yet:
/// the file is copied beside its place, opened (refused if it is not a Steward workspace or is
/// newer than this Steward; upgraded if older), its audit chain checked, and only then renamed
/// to `steward.db`. Anything wrong and nothing is left behind. An encrypted backup is restored
/// with its `passphrase`, and stays encrypted with it.
pub fn restore(
    file: &Path,
    data_dir: &Path,
    ctx: Context,
    passphrase: Option<&Passphrase>,
) -> Result<BackupSummary> {
    let target = data_dir.join(DB_FILE);
    if target.exists() {
        return Err(Error::Conflict(format!(
            "{} already holds a workspace; a restore goes into an empty place only: choose \
             another --data-dir, or move that workspace away first",
            data_dir.display()
        )));
    }
    let mut source = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    crate::files::create_private_dir(data_dir).map_err(|e| Error::io(data_dir, e))?;
    let mut tmp = Partial::create(&target)?;
    std::io::copy(&mut source, tmp.file()).map_err(|e| Error::io(&target, e))?;
    // Errors name the file given, not the copy being checked beside the target.
    let copy = tmp.path().display().to_string();
    let named = |m: String| m.replace(&copy, &file.display().to_string());
    let summary = checked(tmp.path(), &target, ctx, passphrase).map_err(|e| match e {
        Error::Workspace(m) | Error::Storage(m) => Error::Workspace(format!(
            "{} cannot be restored: {}",
            file.display(),
            named(m)
        )),
        Error::Locked(m) => Error::Locked(named(m)),
        other => other,
    })?;
    tmp.commit()?;
    Ok(summary)
}

/// Opens the copy at `at` as a workspace (with `passphrase` if it is encrypted) and checks its
/// audit chain; describes it as `shown`.
fn checked(
    at: &Path,
    shown: &Path,
    ctx: Context,
    passphrase: Option<&Passphrase>,
) -> Result<BackupSummary> {
    let copy = Workspace::open_with(at, ctx, passphrase)?;
    let chain = copy.verify_chain()?;
    if let Some(b) = chain.first_bad {
        return Err(Error::Integrity(format!(
            "the copy's audit log is broken at entry {} ({}); nothing was kept",
            b.seq, b.message
        )));
    }
    let summary = BackupSummary {
        path: shown.display().to_string(),
        bytes: 0,
        schema_version: copy.schema_version()?,
        systems: copy.list_systems(&Default::default())?.len(),
        encrypted: copy.store.is_encrypted(),
        audit_chain: ChainAnchor {
            length: chain.length,
            head: chain.head,
        },
    };
    drop(copy);
    let bytes = std::fs::metadata(at).map_err(|e| Error::io(at, e))?.len();
    Ok(BackupSummary { bytes, ..summary })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
