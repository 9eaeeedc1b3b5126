//! Seals of the audit log: a person signs the chain head with their identity, on demand, with
//! every audit pack and with every sign-off request they sign from this workspace; `audit
//! verify` checks each seal against the log. The statement and its signature are
//! `steward_sign::seal`; the store keeps the rows. A seal is audited: its own entry is the head
//! it seals, so sealing leaves nothing unsealed behind it.

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::audit::{self, canonical_json, AuditEntry, ChainReport};
use crate::sign::seal::{self as sealing, SealStatement};
use crate::sign::Signer;
use crate::store::{Change, SealRow, Tx};
use crate::{Error, Result};

/// One seal as `audit verify` found it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SealCheck {
    /// The entry sealed.
    #[ts(type = "number")]
    pub seq: i64,
    /// Its hash when it was sealed.
    pub head: String,
    pub sealed_at: String,
    /// Who sealed, and the SHA-256 fingerprint of the certificate that signed.
    pub signer: String,
    pub fingerprint: String,
    /// The signature holds, and the log up to the entry sealed is the one sealed.
    pub valid: bool,
    pub message: String,
}

/// The audited form of a seal: who sealed, with which certificate, when. Its entry is the entry
/// sealed, whose number and hash the seal's signature covers.
pub(super) fn seal_doc(s: &SealRow) -> String {
    canonical_json(&serde_json::json!({
        "signer": s.signer,
        "certificate": s.fingerprint,
        "sealed_at": s.sealed_at,
    }))
}

fn statement(workspace: &str, s: &SealRow) -> SealStatement {
    SealStatement {
        workspace: workspace.to_string(),
        seq: s.seq,
        head: s.head_hash.clone(),
        sealed_at: s.sealed_at.clone(),
        signer: s.signer.clone(),
        certificate: s.fingerprint.clone(),
    }
}

/// Seals the log in `tx` with `signer`: appends the seal's entry, signs the head it makes and
/// keeps the seal. Refused, changing nothing, when the chain is broken or an earlier seal fails:
/// a seal must not vouch for a rewritten history.
pub(super) fn seal_in(
    tx: &mut Tx<'_>,
    workspace: &str,
    signer: &Signer,
    at: chrono::DateTime<chrono::Utc>,
    actor: &str,
) -> Result<SealRow> {
    let entries = tx.audit_entries()?;
    let chain = audit::verify(&entries);
    if let Some(b) = &chain.first_bad {
        return Err(Error::Integrity(format!(
            "the audit log is broken at entry {} ({}); a seal must not vouch for it; nothing was \
             sealed",
            b.seq, b.message
        )));
    }
    if let Some(bad) = check_seals(workspace, &tx.audit_seals()?, &entries, &chain)
        .into_iter()
        .find(|s| !s.valid)
    {
        return Err(Error::Integrity(format!(
            "the seal of entry {} by {} fails ({}); a new seal must not vouch for a history              that contradicts it; nothing was sealed",
            bad.seq, bad.signer, bad.message
        )));
    }
    let cert = signer.certificate_info();
    let sealed_at = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut row = SealRow {
        seq: entries.last().map_or(1, |e| e.seq + 1),
        head_hash: String::new(),
        sealed_at: sealed_at.clone(),
        signer: cert.common_name(),
        fingerprint: cert.fingerprint_sha256.clone(),
        cms: Vec::new(),
    };
    let e = tx.append_audit(Change {
        at: sealed_at,
        actor,
        entity: "audit_seal",
        entity_id: row.seq.to_string(),
        action: "seal",
        before: None,
        after: Some(seal_doc(&row)),
    })?;
    row.seq = e.seq;
    row.head_hash = e.hash;
    row.cms = sealing::sign(&statement(workspace, &row), signer, at)?;
    tx.insert_seal(&row)?;
    Ok(row)
}

/// Each seal checked against `entries` (the whole log, in order) and `chain` (its check): the
/// signature must hold over what the seal says, by the certificate it names, and the log must be
/// intact up to the entry sealed, which must still have the hash sealed.
pub(super) fn check_seals(
    workspace: &str,
    seals: &[SealRow],
    entries: &[AuditEntry],
    chain: &ChainReport,
) -> Vec<SealCheck> {
    seals
        .iter()
        .map(|s| {
            let entry = entries
                .binary_search_by_key(&s.seq, |e| e.seq)
                .ok()
                .map(|i| &entries[i]);
            let problem = match sealing::check(&statement(workspace, s), &s.cms) {
                Err(e) => Some(e.to_string()),
                Ok(_) => match (entry, &chain.first_bad) {
                    (None, _) => Some(format!(
                        "entry {} is no longer in the log: the history it sealed was cut or \
                         rewritten",
                        s.seq
                    )),
                    (Some(e), _) if e.hash != s.head_hash => Some(format!(
                        "entry {} no longer has the hash sealed ({}; now {}): the history up to \
                         it was rewritten",
                        s.seq,
                        short(&s.head_hash),
                        short(&e.hash)
                    )),
                    (_, Some(b)) if b.seq <= s.seq => Some(format!(
                        "the chain breaks at entry {}, at or before the entry sealed: {}",
                        b.seq, b.message
                    )),
                    _ => None,
                },
            };
            SealCheck {
                seq: s.seq,
                head: s.head_hash.clone(),
                sealed_at: s.sealed_at.clone(),
                signer: s.signer.clone(),
                fingerprint: s.fingerprint.clone(),
                valid: problem.is_none(),
                message: problem.unwrap_or_else(|| {
                    format!(
                        "valid: signed by {} over entry {} ({})",
                        s.signer,
                        s.seq,
                        short(&s.head_hash)
                    )
                }),
            }
        })
        .collect()
}

fn short(h: &str) -> String {
    h.chars().take(16).collect()
}

impl Workspace {
    /// Seals the log's head with `signer`'s identity, audited; returns the seal as checked.
    /// Refused, changing nothing, when the chain is broken or an earlier seal fails.
    pub fn seal_audit(&mut self, signer: &Signer) -> Result<SealCheck> {
        let workspace = self.workspace_id()?;
        let (at, actor) = (self.ctx.clock.now(), self.ctx.actor.clone());
        let row = self
            .store
            .write(|tx| seal_in(tx, &workspace, signer, at, &actor))?;
        let entries = self.store.audit_entries()?;
        let chain = audit::verify(&entries);
        check_seals(&workspace, std::slice::from_ref(&row), &entries, &chain)
            .pop()
            .ok_or_else(|| Error::Integrity("a seal just made cannot be checked".into()))
    }

    /// The seals of the log with the statement each signs, as a pack carries them.
    pub(crate) fn seal_statements(&self) -> Result<Vec<(SealStatement, Vec<u8>)>> {
        let workspace = self.workspace_id()?;
        Ok(self
            .store
            .audit_seals()?
            .into_iter()
            .map(|s| (statement(&workspace, &s), s.cms))
            .collect())
    }
}
