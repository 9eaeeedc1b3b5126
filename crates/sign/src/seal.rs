//! Seals of the audit log: a person's signature over the chain head (sequence number and hash)
//! at a time, so that a history rewritten up to that entry, or an entry forged with a correct
//! hash before it, no longer matches what they signed. The statement and its detached CMS
//! signature; signing and checking only. The workspace keeps seals (`api::seal`); packs carry
//! them as `seals/seal-N.json` with `seals/seal-N.json.p7s` (`pack`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{cms, CertInfo, Signer};
use steward_domain::audit::canonical_json;
use steward_domain::{Error, Result};

/// What a person signs when they seal the log: this workspace's chain stood at entry `seq`
/// with hash `head` when they sealed it. Signed as its canonical JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SealStatement {
    /// The workspace's id (the one its calendar UIDs carry).
    pub workspace: String,
    /// The entry sealed: the chain's head when the seal was made.
    #[ts(type = "number")]
    pub seq: i64,
    /// That entry's hash.
    pub head: String,
    /// When the seal was made (RFC 3339, UTC).
    pub sealed_at: String,
    /// Who sealed, as their certificate names them.
    pub signer: String,
    /// The SHA-256 fingerprint of the certificate that signs the seal.
    pub certificate: String,
}

impl SealStatement {
    /// The bytes signed: the statement's canonical JSON.
    pub fn bytes(&self) -> Vec<u8> {
        canonical_json(self).into_bytes()
    }
}

/// The detached CMS signature (DER) of `signer` over `statement`, made at `at`; refused when
/// the statement names another certificate than the signer's.
pub fn sign(statement: &SealStatement, signer: &Signer, at: DateTime<Utc>) -> Result<Vec<u8>> {
    let cert = signer.certificate_info();
    if cert.fingerprint_sha256 != statement.certificate {
        return Err(Error::Signature(format!(
            "a seal naming the certificate {} cannot be signed with the certificate of {} ({})",
            statement.certificate, cert.subject, cert.fingerprint_sha256
        )));
    }
    signer.sign_detached(&statement.bytes(), at)
}

/// Checks that `cms` is a signature over `statement` by the certificate the statement names;
/// returns that certificate. Err says what failed: the signature does not hold (the statement
/// or the signature was altered), or it was made with another certificate.
pub fn check(statement: &SealStatement, cms: &[u8]) -> Result<CertInfo> {
    let cert = cms::verify_detached(&statement.bytes(), cms).map_err(|e| {
        Error::Signature(format!(
            "the seal's signature does not hold over what it says: {e}"
        ))
    })?;
    if cert.fingerprint_sha256 != statement.certificate {
        return Err(Error::Signature(format!(
            "the seal was signed with the certificate of {} ({}), not the one it names ({})",
            cert.subject, cert.fingerprint_sha256, statement.certificate
        )));
    }
    Ok(cert)
}

/// Reads a seal as a pack carries it (the statement's bytes and their signature) and checks it
/// as [`check`] does; the bytes must be the statement exactly as signed.
pub fn check_file(bytes: &[u8], cms: &[u8]) -> Result<(SealStatement, CertInfo)> {
    let statement: SealStatement = serde_json::from_slice(bytes)
        .map_err(|e| Error::Signature(format!("not a readable seal statement: {e}")))?;
    if statement.bytes() != bytes {
        return Err(Error::Signature(
            "not the seal statement as signed: its bytes are not its canonical JSON".into(),
        ));
    }
    let cert = check(&statement, cms)?;
    Ok((statement, cert))
}
