//! Colleagues' certificates: import (audited), list, look up by fingerprint.

use super::Workspace;
use crate::audit::canonical_json;
use crate::sign::{self, CertInfo};
use crate::store::Change;
use crate::{Error, Result};

impl Workspace {
    /// Imports a colleague's certificate (PEM or DER) so their signatures can be verified.
    /// The same certificate twice is refused with a Conflict that says when and by whom it was
    /// imported; bytes that are not a certificate are a Validation error.
    pub fn import_certificate(&mut self, pem_or_der: &[u8]) -> Result<CertInfo> {
        let cert = sign::parse_certificate(pem_or_der)?;
        let info = sign::cert_info(&cert)?;
        if let Some((_, at, by)) = self.store.certificate(&info.fingerprint_sha256)? {
            return Err(already_imported(&info, &at, &by));
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            if !tx.insert_certificate(&info, &now, &actor)? {
                return Err(already_imported(&info, "just now", "another user"));
            }
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "certificate",
                entity_id: info.fingerprint_sha256.clone(),
                action: "import",
                before: None,
                after: Some(canonical_json(&info)),
            })?;
            Ok(())
        })?;
        Ok(info)
    }

    /// Every imported certificate, by subject.
    pub fn certificates(&self) -> Result<Vec<CertInfo>> {
        self.store.certificates()
    }

    /// The imported certificate with this SHA-256 fingerprint (hex, any case, colons allowed).
    pub fn certificate_by_fingerprint(&self, fingerprint: &str) -> Result<CertInfo> {
        let fp: String = fingerprint
            .chars()
            .filter(|c| *c != ':')
            .collect::<String>()
            .to_ascii_lowercase();
        match self.store.certificate(&fp)? {
            Some((info, _, _)) => Ok(info),
            None => Err(Error::NotFound {
                entity: "certificate",
                key: fingerprint.to_string(),
            }),
        }
    }
}

fn already_imported(info: &CertInfo, at: &str, by: &str) -> Error {
    Error::Conflict(format!(
        "the certificate of {} (SHA-256 {}) is already in this workspace, imported {at} by {by}; \
         nothing was changed",
        info.subject, info.fingerprint_sha256
    ))
}
