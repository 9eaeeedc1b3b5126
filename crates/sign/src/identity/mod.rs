//! The user's signing identity, kept in one directory: `profile.json` (name, role, organisation,
//! e-mail), `key.pem` (the private key, PKCS#8 encrypted with a passphrase, never in the clear)
//! and `cert.pem` (the certificate, self-signed or organisation-issued). Creating, importing
//! from PKCS#12 and unlocking into a [`Signer`]. Owns those files only; no workspace, no clock.

mod cert;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use pkcs8::der::pem::LineEnding;
use pkcs8::EncryptedPrivateKeyInfoRef;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use x509_cert::Certificate;

use crate::{cert_info, CertInfo, Signer, SigningKey};
use steward_domain::{Error, FieldError, Result};

pub const PROFILE_FILE: &str = "profile.json";
pub const KEY_FILE: &str = "key.pem";
pub const CERT_FILE: &str = "cert.pem";

/// The PEM label of an encrypted PKCS#8 key (RFC 5958).
const ENCRYPTED_KEY_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// Shortest passphrase accepted for a new key.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Who the signer is, as written in the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Profile {
    pub name: String,
    pub role: String,
    pub organisation: String,
    /// Empty when not given.
    #[serde(default)]
    pub email: String,
}

/// An identity as shown: where it is, the profile and the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IdentityInfo {
    pub dir: String,
    pub profile: Profile,
    pub certificate: CertInfo,
}

/// The default identity directory: `identity` in the platform's per-user configuration
/// directory for Steward (`$XDG_CONFIG_HOME/steward/identity` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "steward").map(|p| p.config_dir().join("identity"))
}

/// Whether `dir` holds an identity (or part of one).
pub fn exists(dir: &Path) -> bool {
    [PROFILE_FILE, KEY_FILE, CERT_FILE]
        .iter()
        .any(|f| dir.join(f).exists())
}

fn check_profile(p: &Profile) -> Result<Profile> {
    let p = Profile {
        name: p.name.trim().to_string(),
        role: p.role.trim().to_string(),
        organisation: p.organisation.trim().to_string(),
        email: p.email.trim().to_string(),
    };
    let mut fields = Vec::new();
    for (field, value) in [
        ("name", &p.name),
        ("role", &p.role),
        ("organisation", &p.organisation),
    ] {
        if value.is_empty() {
            fields.push(FieldError::new(field, "must not be empty"));
        }
    }
    let e = &p.email;
    if !e.is_empty() {
        let ok = e.is_ascii()
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && e.split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !ok {
            fields.push(FieldError::new(
                "email",
                format!("{e:?} is not an e-mail address like ann@example.org"),
            ));
        }
    }
    if fields.is_empty() {
        Ok(p)
    } else {
        Err(Error::Validation {
            entity: "identity profile",
            fields,
        })
    }
}

/// Err(Conflict) when `dir` already holds an identity: nothing here overwrites one.
pub fn ensure_absent(dir: &Path) -> Result<()> {
    if exists(dir) {
        return Err(Error::Conflict(format!(
            "an identity already exists in {}; it was left untouched (move that directory away first \
             to replace it, or use another identity directory)",
            dir.display()
        )));
    }
    Ok(())
}

/// Creates a new identity in `dir`: an ECDSA P-256 key pair, a self-signed certificate for
/// `profile` valid for three years from `now`, the key encrypted with `passphrase`.
/// Refuses to overwrite an existing identity.
pub fn init(
    dir: &Path,
    profile: &Profile,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<IdentityInfo> {
    let profile = check_profile(profile)?;
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::Validation {
            entity: "identity",
            fields: vec![FieldError::new(
                "passphrase",
                format!("must be at least {MIN_PASSPHRASE_CHARS} characters; it protects the signing key"),
            )],
        });
    }
    ensure_absent(dir)?;
    let key = <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::try_generate()
        .map_err(|e| Error::Identity(format!("the system's random source failed: {e}")))?;
    let cert = cert::self_signed(&key, &profile, now)?;
    let pkcs8 = pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
        .map_err(|e| Error::Identity(format!("cannot encode the new key: {e}")))?;
    write_identity(dir, &profile, pkcs8.as_bytes(), passphrase, &[cert])
}

/// Writes the three files of an identity; never overwrites, and removes what it wrote if any
/// write fails.
fn write_identity(
    dir: &Path,
    profile: &Profile,
    pkcs8_der: &[u8],
    passphrase: &str,
    chain: &[Certificate],
) -> Result<IdentityInfo> {
    let key_pem = encrypt_key(pkcs8_der, passphrase)?;
    let mut certs_pem = String::new();
    for c in chain {
        certs_pem.push_str(&cert_info(c)?.pem);
    }
    let leaf = chain
        .first()
        .ok_or_else(|| Error::Identity("no certificate to store".into()))?;
    let info = cert_info(leaf)?;
    let profile_json = serde_json::to_string_pretty(profile)
        .map_err(|e| Error::Identity(format!("cannot encode the profile: {e}")))?;

    steward_domain::files::create_private_dir(dir).map_err(|e| Error::io(dir, e))?;
    let files = [
        (KEY_FILE, key_pem.as_bytes()),
        (CERT_FILE, certs_pem.as_bytes()),
        (PROFILE_FILE, profile_json.as_bytes()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Err(e) = write_new(&path, bytes) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(path);
    }
    Ok(IdentityInfo {
        dir: dir.display().to_string(),
        profile: profile.clone(),
        certificate: info,
    })
}

/// Creates `path` (never replacing a file), readable by the owner only on Unix.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// PKCS#8 DER -> `ENCRYPTED PRIVATE KEY` PEM (PBES2: scrypt + AES-256-CBC).
fn encrypt_key(pkcs8_der: &[u8], passphrase: &str) -> Result<String> {
    let fail =
        |e: &dyn std::fmt::Display| Error::Identity(format!("cannot encrypt the private key: {e}"));
    let info = pkcs8::PrivateKeyInfoRef::try_from(pkcs8_der).map_err(|e| fail(&e))?;
    let encrypted = info.encrypt(passphrase.as_bytes()).map_err(|e| fail(&e))?;
    let pem = encrypted
        .to_pem(ENCRYPTED_KEY_LABEL, LineEnding::LF)
        .map_err(|e| fail(&e))?;
    Ok(pem.as_str().to_string())
}

/// `ENCRYPTED PRIVATE KEY` PEM -> the key. `path` is only for messages.
fn decrypt_key(pem: &str, passphrase: &str, path: &Path) -> Result<SigningKey> {
    let (label, doc) = der::SecretDocument::from_pem(pem).map_err(|e| {
        Error::Identity(format!("{} is not a PEM private key: {e}", path.display()))
    })?;
    if label != ENCRYPTED_KEY_LABEL {
        return Err(Error::Identity(format!(
            "{} holds a \"{label}\", expected an \"{ENCRYPTED_KEY_LABEL}\" (keys are never stored in the clear)",
            path.display()
        )));
    }
    let encrypted = EncryptedPrivateKeyInfoRef::try_from(doc.as_bytes()).map_err(|e| {
        Error::Identity(format!(
            "{} is not an encrypted PKCS#8 key: {e}",
            path.display()
        ))
    })?;
    // A wrong passphrase shows as bad padding or, rarely, as plaintext that is not a key.
    let wrong = || {
        Error::Identity(format!(
            "wrong passphrase for the key in {}",
            path.display()
        ))
    };
    let plain = encrypted
        .decrypt(passphrase.as_bytes())
        .map_err(|_| wrong())?;
    SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(|_| wrong())
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn require(dir: &Path) -> Result<()> {
    if !dir.join(KEY_FILE).exists() || !dir.join(CERT_FILE).exists() {
        return Err(Error::NoIdentity {
            dir: dir.display().to_string(),
        });
    }
    Ok(())
}

/// The certificates in `cert.pem`, the signer's own first.
fn read_chain(dir: &Path) -> Result<Vec<Certificate>> {
    let path = dir.join(CERT_FILE);
    let text = read_text(&path)?;
    let chain = Certificate::load_pem_chain(text.as_bytes()).map_err(|e| {
        Error::Identity(format!(
            "{} does not hold a readable certificate: {e}",
            path.display()
        ))
    })?;
    if chain.is_empty() {
        return Err(Error::Identity(format!(
            "{} holds no certificate",
            path.display()
        )));
    }
    Ok(chain)
}

/// The identity in `dir`, without unlocking the key.
pub fn show(dir: &Path) -> Result<IdentityInfo> {
    require(dir)?;
    let chain = read_chain(dir)?;
    let certificate = cert_info(&chain[0])?;
    let profile_path = dir.join(PROFILE_FILE);
    let profile = match std::fs::read_to_string(&profile_path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Error::Identity(format!(
                "{} is not a readable profile: {e}",
                profile_path.display()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => cert::profile_from_subject(&chain[0]),
        Err(e) => return Err(Error::io(&profile_path, e)),
    };
    Ok(IdentityInfo {
        dir: dir.display().to_string(),
        profile,
        certificate,
    })
}

/// Unlocks the identity in `dir` with `passphrase` for signing at `now`. Errs with a clear
/// message for no identity, a wrong passphrase, a certificate outside its validity period, or
/// a key that does not belong to the certificate.
pub fn unlock(dir: &Path, passphrase: &str, now: DateTime<Utc>) -> Result<Signer> {
    require(dir)?;
    let chain = read_chain(dir)?;
    let info = cert_info(&chain[0])?;
    info.check_valid_at(now)?;
    let key_path = dir.join(KEY_FILE);
    let key = decrypt_key(&read_text(&key_path)?, passphrase, &key_path)?;
    let ders = chain
        .iter()
        .map(|c| c.to_der())
        .collect::<der::Result<Vec<_>>>()
        .map_err(|e| Error::Identity(format!("cannot encode a certificate: {e}")))?;
    Signer::new(ders, key).map_err(|e| match e {
        Error::Identity(msg) => Error::Identity(format!(
            "{msg}: {} and {} do not match",
            key_path.display(),
            dir.join(CERT_FILE).display()
        )),
        other => other,
    })
}

/// What a PKCS#12 file holds once opened: the key (PKCS#8 DER) and the certificate chain
/// (the key's own certificate first).
struct P12Contents {
    key_der: Vec<u8>,
    chain: Vec<Certificate>,
}

fn open_p12(p12: &[u8], password: &str) -> Result<P12Contents> {
    use p12_keystore::error::Error as P12Error;
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(p12, password).map_err(|e| match e {
        P12Error::MacError(_) | P12Error::UnpadError => {
            Error::Identity("wrong password for the PKCS#12 (.p12/.pfx) file".into())
        }
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => {
            Error::Identity(format!(
            "the PKCS#12 file uses an encryption Steward cannot open ({e}); export it again with \
             AES-256 (the default of current OpenSSL and Windows) or 3DES"
        ))
        }
        other => Error::Identity(format!("not a readable PKCS#12 (.p12/.pfx) file: {other}")),
    })?;
    let mut certs = Vec::new();
    for bag in &archive.certs {
        let c = Certificate::from_der(bag.cert.as_der()).map_err(|e| {
            Error::Identity(format!(
                "the PKCS#12 file holds an unreadable certificate: {e}"
            ))
        })?;
        certs.push(c);
    }
    let Some(key_bag) = archive.keys.first() else {
        return Err(Error::Identity(format!(
            "the PKCS#12 file holds no private key ({} certificate{} only); a certificate alone cannot sign: \
             ask for a .p12 exported with its private key, or import it as a colleague's certificate",
            certs.len(),
            if certs.len() == 1 { "" } else { "s" }
        )));
    };
    let key_der = key_bag.key.as_der().to_vec();
    let key = SigningKey::from_pkcs8_der(&key_der)?;
    let public = key.public_key_der()?;
    // The key's own certificate first, then the others (issuers) in file order.
    let position = certs.iter().position(|c| {
        c.tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .ok()
            .as_deref()
            == Some(public.as_slice())
    });
    let Some(position) = position else {
        return Err(Error::Identity(
            "the PKCS#12 file holds a private key but not its certificate".into(),
        ));
    };
    let leaf = certs.remove(position);
    let mut chain = vec![leaf];
    chain.extend(certs);
    Ok(P12Contents { key_der, chain })
}

/// A signer straight from a PKCS#12 file, for signing with an organisation-issued certificate
/// without installing it (e.g. several people signing in turn on one computer).
pub fn signer_from_p12(p12: &[u8], password: &str, now: DateTime<Utc>) -> Result<Signer> {
    let contents = open_p12(p12, password)?;
    cert_info(&contents.chain[0])?.check_valid_at(now)?;
    let key = SigningKey::from_pkcs8_der(&contents.key_der)?;
    let ders = contents
        .chain
        .iter()
        .map(|c| c.to_der())
        .collect::<der::Result<Vec<_>>>()
        .map_err(|e| Error::Identity(format!("cannot encode a certificate: {e}")))?;
    Signer::new(ders, key)
}

/// Installs the key and certificate of a PKCS#12 file as the identity in `dir`: the key is
/// stored encrypted with the same password, the profile is taken from the certificate's
/// subject. Refuses to overwrite an existing identity, an empty password (the key would be
/// unprotected), and a certificate that is not valid at `now`.
pub fn import_p12(
    dir: &Path,
    p12: &[u8],
    password: &str,
    now: DateTime<Utc>,
) -> Result<IdentityInfo> {
    ensure_absent(dir)?;
    let contents = open_p12(p12, password)?;
    if password.is_empty() {
        return Err(Error::Validation {
            entity: "identity",
            fields: vec![FieldError::new(
                "password",
                "the PKCS#12 password is empty, so the key would be stored unprotected; \
                 export the .p12 again with a password",
            )],
        });
    }
    cert_info(&contents.chain[0])?.check_valid_at(now)?;
    let profile = cert::profile_from_subject(&contents.chain[0]);
    write_identity(dir, &profile, &contents.key_der, password, &contents.chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_checked_field_by_field() {
        let check = |p: Profile, expected: &[&str]| {
            let got: Vec<String> = match check_profile(&p) {
                Ok(_) => vec![],
                Err(Error::Validation { fields, .. }) => {
                    fields.into_iter().map(|f| f.field).collect()
                }
                Err(e) => panic!("unexpected error {e}"),
            };
            assert_eq!(got, expected, "fields reported for {p:?}");
        };
        let p = |name: &str, role: &str, org: &str, email: &str| Profile {
            name: name.into(),
            role: role.into(),
            organisation: org.into(),
            email: email.into(),
        };
        check(p("Ann", "Risk", "Acme", ""), &[]);
        check(p("Ann", "Risk", "Acme", "ann@acme.example"), &[]);
        check(p(" ", "", "Acme", ""), &["name", "role"]);
        check(p("Ann", "Risk", "Acme", "ann at acme"), &["email"]);
        check(p("Ann", "Risk", "Acme", "ann@localhost"), &["email"]);
    }
}
