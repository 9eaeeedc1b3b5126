//! Encrypting a workspace at rest with a passphrase, and decrypting it: the file is converted
//! into a copy beside it, the conversion is recorded in the copy's audit log, the copy is
//! checked and only then renamed over the workspace. A conversion that fails or is killed
//! leaves the workspace as it was. How the file is encrypted is the store's (SQLCipher).

use serde::Serialize;

use super::{Passphrase, Workspace};
use crate::audit::{self, canonical_json};
use crate::pack::ChainAnchor;
use crate::store::Change;
use crate::{Error, Result};

/// The workspace after a conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncryptionSummary {
    pub path: String,
    pub encrypted: bool,
    pub systems: usize,
    /// The audit chain of the converted workspace, checked entry by entry; its last entry
    /// records the conversion.
    pub audit_chain: ChainAnchor,
}

impl Workspace {
    /// Whether the workspace file is encrypted with a passphrase.
    pub fn is_encrypted(&self) -> bool {
        self.store.is_encrypted()
    }

    /// Encrypts the workspace with `passphrase`. No other Steward may have it open.
    pub fn encrypt(self, passphrase: &Passphrase) -> Result<(Workspace, EncryptionSummary)> {
        if self.is_encrypted() {
            return Err(Error::Conflict(format!(
                "{}: the workspace is already encrypted; nothing was changed",
                self.describe()
            )));
        }
        self.convert(Some(passphrase))
    }

    /// Decrypts the workspace: its file is plain SQLite again. No other Steward may have it
    /// open.
    pub fn decrypt(self) -> Result<(Workspace, EncryptionSummary)> {
        if !self.is_encrypted() {
            return Err(Error::Conflict(format!(
                "{}: the workspace is not encrypted; nothing was changed",
                self.describe()
            )));
        }
        self.convert(None)
    }

    fn convert(self, to: Option<&Passphrase>) -> Result<(Workspace, EncryptionSummary)> {
        let Workspace { store, ctx } = self;
        let was = store.is_encrypted();
        let mut converted = store.convert(to)?;
        let (now, actor) = (ctx.timestamp(), ctx.actor.clone());
        let copy = converted.copy();
        copy.write(|tx| {
            tx.append_audit(Change {
                at: now,
                actor: &actor,
                entity: "workspace_encryption",
                entity_id: "workspace".into(),
                action: if to.is_some() { "encrypt" } else { "decrypt" },
                before: Some(canonical_json(&serde_json::json!({ "encrypted": was }))),
                after: Some(canonical_json(
                    &serde_json::json!({ "encrypted": to.is_some() }),
                )),
            })?;
            Ok(())
        })?;
        let chain = audit::verify(&copy.audit_entries()?);
        if let Some(b) = chain.first_bad {
            return Err(Error::Integrity(format!(
                "the converted copy's audit log is broken at entry {} ({}); the workspace was \
                 not changed",
                b.seq, b.message
            )));
        }
        let ws = Workspace {
            store: converted.commit()?,
            ctx,
        };
        let summary = EncryptionSummary {
            path: ws.describe(),
            encrypted: ws.is_encrypted(),
            systems: ws.store.all_systems()?.len(),
            audit_chain: ChainAnchor {
                length: chain.length,
                head: chain.head,
            },
        };
        Ok((ws, summary))
    }

    /// Where the workspace is: its file, or a team workspace's URL (no password).
    pub(super) fn describe(&self) -> String {
        if let Some(team) = self.team() {
            return team.to_string();
        }
        self.path()
            .map_or_else(|| ":memory:".into(), |p| p.display().to_string())
    }
}
