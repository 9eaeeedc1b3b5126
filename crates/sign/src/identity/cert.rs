//! The self-signed X.509 certificate of a new identity, and reading a profile back from a
//! certificate's subject. Certificate structure only; keys and files belong to the parent.

use chrono::{DateTime, Months, Utc};
use der::asn1::{Ia5String, Utf8StringRef};
use der::oid::db::rfc4519;
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use pkcs8::EncodePublicKey;
use sha2::{Digest, Sha256};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::constraints::BasicConstraints;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::time::Validity;
use x509_cert::Certificate;

use super::Profile;
use crate::utc_to_time;
use steward_domain::{Error, Result};

/// How long a new self-signed certificate is valid.
pub const VALIDITY_MONTHS: u32 = 36;

fn cert_error(e: impl std::fmt::Display) -> Error {
    Error::Identity(format!("cannot make the certificate: {e}"))
}

/// The subject `CN=name, OU=role, O=organisation` (written most significant first in DER).
fn subject(p: &Profile) -> Result<Name> {
    let mut rdns = RdnSequence::default();
    for (oid, value) in [
        (rfc4519::ORGANIZATION_NAME, &p.organisation),
        (rfc4519::ORGANIZATIONAL_UNIT_NAME, &p.role),
        (rfc4519::COMMON_NAME, &p.name),
    ] {
        let value = Any::from(Utf8StringRef::new(value).map_err(cert_error)?);
        let mut rdn = RelativeDistinguishedName::default();
        rdn.insert(AttributeTypeAndValue { oid, value })
            .map_err(cert_error)?;
        rdns.push(rdn);
    }
    Name::from_der(&rdns.to_der().map_err(cert_error)?).map_err(cert_error)
}

/// A self-signed end-entity certificate: not a CA, for digital signatures and non-repudiation,
/// with the e-mail address (if any) as a subject alternative name.
struct SelfSigned {
    subject: Name,
    email: Option<Ia5String>,
}

impl BuilderProfile for SelfSigned {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut exts: Vec<Extension> = Vec::new();
        let bc = BasicConstraints {
            ca: false,
            path_len_constraint: None,
        };
        exts.push((&bc).to_extension(&self.subject, &exts)?);
        let ku = KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation);
        exts.push((&ku).to_extension(&self.subject, &exts)?);
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        exts.push((&ski).to_extension(&self.subject, &exts)?);
        if let Some(email) = &self.email {
            let san = SubjectAltName(vec![GeneralName::Rfc822Name(email.clone())]);
            exts.push((&san).to_extension(&self.subject, &exts)?);
        }
        Ok(exts)
    }
}

/// A certificate for `profile` signed by its own `key`, valid from `now` for three years.
pub(super) fn self_signed(
    key: &p256::ecdsa::SigningKey,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Certificate> {
    let spki_der = key
        .verifying_key()
        .to_public_key_der()
        .map_err(cert_error)?;
    let spki = SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes()).map_err(cert_error)?;

    // A positive 128-bit serial, unique per key and time, derived rather than drawn so the
    // function needs no random source of its own.
    let mut h = Sha256::new();
    h.update(spki_der.as_bytes());
    h.update(now.timestamp().to_be_bytes());
    let mut serial: [u8; 16] = [0; 16];
    serial.copy_from_slice(&h.finalize()[..16]);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let serial = SerialNumber::new(&serial).map_err(cert_error)?;

    let until = now
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .ok_or_else(|| cert_error(format!("{now} plus three years is out of range")))?;
    let validity = Validity::new(utc_to_time(now)?, utc_to_time(until)?);
    let email = if profile.email.is_empty() {
        None
    } else {
        Some(Ia5String::new(&profile.email).map_err(cert_error)?)
    };
    let profile = SelfSigned {
        subject: subject(profile)?,
        email,
    };
    let builder = CertificateBuilder::new(profile, serial, validity, spki).map_err(cert_error)?;
    builder
        .build::<_, p256::ecdsa::DerSignature>(key)
        .map_err(cert_error)
}

fn name_value(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.iter().find(|atv| atv.oid == oid).and_then(|atv| {
        let v = &atv.value;
        v.decode_as::<der::asn1::Utf8StringRef<'_>>()
            .map(|s| s.as_str().to_string())
            .or_else(|_| {
                v.decode_as::<der::asn1::PrintableStringRef<'_>>()
                    .map(|s| s.as_str().to_string())
            })
            .or_else(|_| {
                v.decode_as::<der::asn1::Ia5StringRef<'_>>()
                    .map(|s| s.as_str().to_string())
            })
            .ok()
    })
}

/// A profile read from a certificate's subject: CN as the name, OU as the role, O as the
/// organisation, the e-mail from the subject alternative name or the emailAddress attribute.
pub(super) fn profile_from_subject(cert: &Certificate) -> Profile {
    let tbs = cert.tbs_certificate();
    let subject = tbs.subject();
    let san_email = tbs
        .get_extension::<SubjectAltName>()
        .ok()
        .flatten()
        .and_then(|(_, san)| {
            san.0.into_iter().find_map(|g| match g {
                GeneralName::Rfc822Name(s) => Some(s.to_string()),
                _ => None,
            })
        });
    Profile {
        name: name_value(subject, rfc4519::COMMON_NAME).unwrap_or_else(|| subject.to_string()),
        role: name_value(subject, rfc4519::ORGANIZATIONAL_UNIT_NAME).unwrap_or_default(),
        organisation: name_value(subject, rfc4519::ORGANIZATION_NAME).unwrap_or_default(),
        email: san_email
            .or_else(|| name_value(subject, der::oid::db::rfc3280::EMAIL_ADDRESS))
            .unwrap_or_default(),
    }
}
