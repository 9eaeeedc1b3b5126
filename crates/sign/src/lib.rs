//! Digital signatures: the [`Signer`] (a certificate and its private key), certificate facts
//! ([`CertInfo`]), detached CMS signatures ([`cms`]) and PDF signatures ([`pdf`]); the person's
//! signing [`identity`]; signed sign-off request and signature files ([`request_file`]); seals
//! of the audit log ([`seal`]); and audit [`pack`]s and their verification. No store and no clock (times are passed in).

pub mod cms;
pub mod identity;
pub mod pack;
pub mod pdf;
pub mod request_file;
pub mod seal;

use chrono::{DateTime, Utc};
use der::{Decode, DecodePem, Encode, EncodePem};
use pkcs8::der::pem::LineEnding;
use pkcs8::{DecodePrivateKey, EncodePublicKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_cert::Certificate;

use steward_domain::{Error, Result};

/// OID of elliptic-curve public keys (RFC 5480), and of RSA keys (RFC 8017).
const ID_EC_PUBLIC_KEY: der::oid::ObjectIdentifier = der::oid::db::rfc5753::ID_EC_PUBLIC_KEY;
const RSA_ENCRYPTION: der::oid::ObjectIdentifier = der::oid::db::rfc5912::RSA_ENCRYPTION;

/// What a certificate says about its holder, as shown to people and kept in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CertInfo {
    /// The subject's distinguished name (RFC 4514), e.g. `CN=Ann Lee,OU=Risk officer,O=Acme`.
    pub subject: String,
    pub issuer: String,
    /// The serial number, lowercase hex.
    pub serial: String,
    /// SHA-256 of the DER certificate, lowercase hex: the certificate's identity.
    pub fingerprint_sha256: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// The certificate itself, PEM.
    pub pem: String,
}

impl CertInfo {
    /// The subject's common name, or the whole subject when it has none.
    pub fn common_name(&self) -> String {
        rdn_value(&self.subject, "CN").unwrap_or_else(|| self.subject.clone())
    }

    /// Whether `at` lies within the validity period.
    pub fn is_valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Err naming the validity period when `at` lies outside it.
    pub fn check_valid_at(&self, at: DateTime<Utc>) -> Result<()> {
        let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        if at < self.not_before {
            return Err(Error::Identity(format!(
                "the certificate of {} is not valid yet: valid from {} to {}, and it is now {}",
                self.subject,
                fmt(self.not_before),
                fmt(self.not_after),
                fmt(at)
            )));
        }
        if at > self.not_after {
            return Err(Error::Identity(format!(
                "the certificate of {} has expired: valid from {} to {}, and it is now {}; \
                 create a new identity or import a current certificate",
                self.subject,
                fmt(self.not_before),
                fmt(self.not_after),
                fmt(at)
            )));
        }
        Ok(())
    }
}

/// The value of the first `KEY=value` attribute of an RFC 4514 name (no unescaping beyond `\,`).
fn rdn_value(name: &str, key: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ',' | '+' => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts.into_iter().find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().to_string())
    })
}

/// Parses one certificate given as PEM (`-----BEGIN CERTIFICATE-----`) or DER.
pub fn parse_certificate(pem_or_der: &[u8]) -> Result<Certificate> {
    let bad = |e: &dyn std::fmt::Display| Error::Validation {
        entity: "certificate",
        fields: vec![steward_domain::FieldError::new(
            "contents",
            format!(
                "not an X.509 certificate ({e}); expected a PEM file starting with \
                     -----BEGIN CERTIFICATE----- or a DER (.cer/.crt) file"
            ),
        )],
    };
    let trimmed = pem_or_der.trim_ascii_start();
    if trimmed.starts_with(b"-----BEGIN") {
        let text = std::str::from_utf8(trimmed).map_err(|e| bad(&e))?;
        Certificate::from_pem(text).map_err(|e| bad(&e))
    } else {
        Certificate::from_der(pem_or_der).map_err(|e| bad(&e))
    }
}

/// Facts about a parsed certificate.
pub fn cert_info(cert: &Certificate) -> Result<CertInfo> {
    let der = cert
        .to_der()
        .map_err(|e| Error::Signature(format!("cannot encode a certificate: {e}")))?;
    let pem = cert
        .to_pem(LineEnding::LF)
        .map_err(|e| Error::Signature(format!("cannot encode a certificate as PEM: {e}")))?;
    let tbs = cert.tbs_certificate();
    let validity = tbs.validity();
    Ok(CertInfo {
        subject: tbs.subject().to_string(),
        issuer: tbs.issuer().to_string(),
        serial: hex::encode(tbs.serial_number().as_bytes()),
        fingerprint_sha256: hex::encode(Sha256::digest(&der)),
        not_before: time_to_utc(&validity.not_before)?,
        not_after: time_to_utc(&validity.not_after)?,
        pem,
    })
}

pub(crate) fn time_to_utc(t: &x509_cert::time::Time) -> Result<DateTime<Utc>> {
    let secs = t.to_unix_duration().as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| Error::Signature(format!("time out of range: {t}")))
}

pub(crate) fn utc_to_time(t: DateTime<Utc>) -> Result<x509_cert::time::Time> {
    let secs = u64::try_from(t.timestamp()).map_err(|_| {
        Error::Signature(format!(
            "time before 1970 cannot be written in a certificate: {t}"
        ))
    })?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .map_err(|e| Error::Signature(format!("time out of range ({t}): {e}")))?;
    // RFC 5280: UTCTime up to 2049, GeneralizedTime from 2050.
    Ok(if dt.year() < 2050 {
        x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_date_time(dt)
                .map_err(|e| Error::Signature(format!("time out of range ({t}): {e}")))?,
        )
    } else {
        x509_cert::time::Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt))
    })
}

/// A private key Steward can sign with.
pub(crate) enum SigningKey {
    P256(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<rsa::sha2::Sha256>>),
}

impl SigningKey {
    /// Reads a PKCS#8 `PrivateKeyInfo` (DER): ECDSA P-256 or RSA.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey> {
        let info = pkcs8::PrivateKeyInfoRef::try_from(der)
            .map_err(|e| Error::Identity(format!("not a PKCS#8 private key: {e}")))?;
        let oid = info.algorithm.oid;
        if oid == ID_EC_PUBLIC_KEY {
            p256::ecdsa::SigningKey::from_pkcs8_der(der).map(SigningKey::P256).map_err(|e| {
                Error::Identity(format!(
                    "unsupported elliptic-curve key ({e}); Steward signs with P-256 (prime256v1) or RSA keys"
                ))
            })
        } else if oid == RSA_ENCRYPTION {
            rsa::pkcs1v15::SigningKey::<rsa::sha2::Sha256>::from_pkcs8_der(der)
                .map(|k| SigningKey::Rsa(Box::new(k)))
                .map_err(|e| Error::Identity(format!("unreadable RSA private key: {e}")))
        } else {
            Err(Error::Identity(format!(
                "unsupported private key algorithm {oid}; Steward signs with P-256 (prime256v1) or RSA keys"
            )))
        }
    }

    /// The SubjectPublicKeyInfo (DER) of the matching public key.
    pub(crate) fn public_key_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            SigningKey::P256(k) => k.verifying_key().to_public_key_der(),
            SigningKey::Rsa(k) => {
                use rsa::signature::Keypair;
                k.verifying_key().to_public_key_der()
            }
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| Error::Identity(format!("cannot encode the public key: {e}")))
    }
}

/// A certificate (with any chain that came with it) and the private key that belongs to it:
/// everything needed to sign. Made by [`crate::identity::unlock`] or
/// [`crate::identity::signer_from_p12`].
pub struct Signer {
    /// DER certificates: the signer's own first, then any issuers that came with it.
    certificates: Vec<Vec<u8>>,
    info: CertInfo,
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("subject", &self.info.subject)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Pairs a key with its certificate chain (signer's certificate first). Refuses a key that
    /// does not belong to the certificate.
    pub(crate) fn new(chain: Vec<Vec<u8>>, key: SigningKey) -> Result<Signer> {
        let Some(leaf) = chain.first() else {
            return Err(Error::Identity("no certificate for the private key".into()));
        };
        let cert = Certificate::from_der(leaf)
            .map_err(|e| Error::Identity(format!("unreadable certificate: {e}")))?;
        let info = cert_info(&cert)?;
        let cert_spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| Error::Identity(format!("unreadable certificate public key: {e}")))?;
        if cert_spki != key.public_key_der()? {
            return Err(Error::Identity(format!(
                "the private key does not belong to the certificate of {} (SHA-256 {})",
                info.subject, info.fingerprint_sha256
            )));
        }
        Ok(Signer {
            certificates: chain,
            info,
            key,
        })
    }

    /// The signer's certificate, DER.
    pub fn certificate(&self) -> &[u8] {
        &self.certificates[0]
    }

    /// The signer's certificate followed by any issuer certificates, DER.
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.certificates
    }

    pub fn certificate_info(&self) -> CertInfo {
        self.info.clone()
    }

    /// A detached CMS SignedData (DER) over `content`: SHA-256, signed attributes contentType,
    /// messageDigest and signingTime, the certificate chain included.
    pub fn sign_detached(&self, content: &[u8], signing_time: DateTime<Utc>) -> Result<Vec<u8>> {
        let digest: [u8; 32] = Sha256::digest(content).into();
        cms::sign_digest(self, &digest, signing_time)
    }

    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }
}

#[cfg(test)]
mod tests {
    use super::rdn_value;

    #[test]
    fn rdn_values_are_found_with_escapes() {
        let check = |name: &str, key: &str, expected: Option<&str>| {
            assert_eq!(
                rdn_value(name, key).as_deref(),
                expected,
                "{key} of {name:?}"
            );
        };
        check("CN=Ann Lee,O=Acme,OU=Risk", "CN", Some("Ann Lee"));
        check("CN=Lee\\, Ann,O=Acme", "CN", Some("Lee, Ann"));
        check("O=Acme", "CN", None);
        check("cn=x+O=y", "o", Some("y"));
    }
}
