//! Detached CMS signatures (RFC 5652 SignedData): made over a SHA-256 digest with signed
//! attributes, and checked against content. Used for PDF signatures and signed manifests.
//! Knows nothing of PDFs or files.

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier,
    SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::oid::db::{rfc5911, rfc5912};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode, Reader, SliceReader};
use pkcs8::DecodePublicKey;
use rsa::signature::{SignatureEncoding, Signer as _, Verifier};
use sha2::{Digest, Sha256};
use x509_cert::attr::Attribute;
use x509_cert::spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use x509_cert::Certificate;

use super::{cert_info, time_to_utc, utc_to_time, CertInfo, Signer, SigningKey};
use steward_domain::{Error, Result};

/// What a good signature says: who signed, and when they say they did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signer: CertInfo,
    /// The signingTime signed attribute, when present.
    pub signing_time: Option<DateTime<Utc>>,
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: rfc5912::ID_SHA_256,
        parameters: None,
    }
}

fn signing_error(e: impl std::fmt::Display) -> Error {
    Error::Signature(format!("cannot make the CMS signature: {e}"))
}

/// A single-valued attribute.
fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> Result<Attribute> {
    let mut values = SetOfVec::new();
    let der = value.to_der().map_err(signing_error)?;
    values
        .insert(Any::from_der(&der).map_err(signing_error)?)
        .map_err(signing_error)?;
    Ok(Attribute { oid, values })
}

/// A detached SignedData (DER) over content whose SHA-256 is `digest`: one signer identified
/// by issuer and serial number, signed attributes contentType, signingTime and messageDigest.
pub(crate) fn sign_digest(
    signer: &Signer,
    digest: &[u8; 32],
    signing_time: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let cert = Certificate::from_der(signer.certificate()).map_err(signing_error)?;
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate().issuer().clone(),
        serial_number: cert.tbs_certificate().serial_number().clone(),
    });
    let attrs: SignedAttributes = SetOfVec::try_from(vec![
        attribute(rfc5911::ID_CONTENT_TYPE, &rfc5911::ID_DATA)?,
        attribute(rfc5911::ID_SIGNING_TIME, &utc_to_time(signing_time)?)?,
        attribute(
            rfc5911::ID_MESSAGE_DIGEST,
            &OctetString::new(digest.as_slice()).map_err(signing_error)?,
        )?,
    ])
    .map_err(signing_error)?;
    // RFC 5652 5.4: the signature covers the DER of the attributes as a SET OF.
    let to_sign = attrs.to_der().map_err(signing_error)?;
    let (signature_algorithm, signature) = match signer.key() {
        SigningKey::P256(k) => {
            let sig: p256::ecdsa::DerSignature = k.try_sign(&to_sign).map_err(signing_error)?;
            (
                k.signature_algorithm_identifier().map_err(signing_error)?,
                sig.to_vec(),
            )
        }
        SigningKey::Rsa(k) => {
            let sig: rsa::pkcs1v15::Signature = k.try_sign(&to_sign).map_err(signing_error)?;
            (
                k.signature_algorithm_identifier().map_err(signing_error)?,
                sig.to_vec(),
            )
        }
    };
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid,
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(signing_error)?,
        unsigned_attrs: None,
    };
    let mut certificates = SetOfVec::new();
    for der in signer.chain() {
        let c = Certificate::from_der(der).map_err(signing_error)?;
        certificates
            .insert(CertificateChoices::Certificate(c))
            .map_err(signing_error)?;
    }
    let data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256_algorithm()]).map_err(signing_error)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: rfc5911::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![info]).map_err(signing_error)?),
    };
    let content = ContentInfo {
        content_type: rfc5911::ID_SIGNED_DATA,
        content: Any::encode_from(&data).map_err(signing_error)?,
    };
    content.to_der().map_err(signing_error)
}

/// Checks a detached CMS signature over `content` and returns the signer's certificate.
/// Err says what failed: a malformed signature, a digest mismatch (the content changed), or a
/// signature that does not verify with the embedded certificate.
pub fn verify_detached(content: &[u8], cms_der: &[u8]) -> Result<CertInfo> {
    let digest: [u8; 32] = Sha256::digest(content).into();
    Ok(verify_digest(&digest, cms_der)?.signer)
}

fn malformed(what: impl std::fmt::Display) -> Error {
    Error::Signature(format!("malformed signature: {what}"))
}

/// Reads a DER SignedData. Trailing zero bytes are allowed (PDF /Contents are zero-padded).
pub(crate) fn parse_signed_data(cms_der: &[u8]) -> Result<SignedData> {
    let mut reader = SliceReader::new(cms_der).map_err(malformed)?;
    let info = ContentInfo::decode(&mut reader)
        .map_err(|e| malformed(format!("not a CMS ContentInfo ({e})")))?;
    let rest = reader
        .read_slice(reader.remaining_len())
        .map_err(malformed)?;
    if rest.iter().any(|b| *b != 0) {
        return Err(malformed("unexpected data after the CMS structure"));
    }
    if info.content_type != rfc5911::ID_SIGNED_DATA {
        return Err(malformed(format!(
            "content type {} is not SignedData",
            info.content_type
        )));
    }
    info.content
        .decode_as::<SignedData>()
        .map_err(|e| malformed(format!("unreadable SignedData ({e})")))
}

/// The certificate that `si` names, from those carried in `sd`.
fn signer_certificate(sd: &SignedData, si: &SignerInfo) -> Result<Certificate> {
    let certs = sd
        .certificates
        .as_ref()
        .map(|s| s.0.iter())
        .into_iter()
        .flatten();
    for choice in certs {
        let CertificateChoices::Certificate(cert) = choice else {
            continue;
        };
        let tbs = cert.tbs_certificate();
        let matches = match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                tbs.issuer() == &isn.issuer && tbs.serial_number() == &isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
                .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, k)| k == *ski),
        };
        if matches {
            return Ok(cert.clone());
        }
    }
    Err(malformed(
        "the signer's certificate is not included in the signature",
    ))
}

/// The signer's certificate of a SignedData, without checking anything else; for showing who
/// claims to have signed when the signature itself is bad.
pub(crate) fn claimed_signer(cms_der: &[u8]) -> Option<CertInfo> {
    let sd = parse_signed_data(cms_der).ok()?;
    let si = sd.signer_infos.0.iter().next()?;
    cert_info(&signer_certificate(&sd, si).ok()?).ok()
}

fn single_attribute<'a>(
    attrs: &'a [Attribute],
    oid: ObjectIdentifier,
    name: &str,
) -> Result<Option<&'a Any>> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let Some(attr) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() || attr.values.len() != 1 {
        return Err(malformed(format!(
            "the {name} attribute must appear once with one value"
        )));
    }
    Ok(attr.values.iter().next())
}

/// Checks a detached SignedData against the SHA-256 `digest` of the signed content.
pub(crate) fn verify_digest(digest: &[u8; 32], cms_der: &[u8]) -> Result<Verified> {
    let sd = parse_signed_data(cms_der)?;
    if sd.encap_content_info.econtent.is_some() {
        return Err(malformed(
            "the signature carries its content; expected a detached signature",
        ));
    }
    let mut signers = sd.signer_infos.0.iter();
    let (Some(si), None) = (signers.next(), signers.next()) else {
        return Err(malformed(format!(
            "expected exactly one signer, found {}",
            sd.signer_infos.0.len()
        )));
    };
    if si.digest_alg.oid != rfc5912::ID_SHA_256 {
        return Err(Error::Signature(format!(
            "unsupported digest algorithm {}; Steward checks SHA-256 signatures",
            si.digest_alg.oid
        )));
    }
    let cert = signer_certificate(&sd, si)?;
    let info = cert_info(&cert)?;

    let Some(attrs) = &si.signed_attrs else {
        return Err(malformed(
            "no signed attributes (the message digest must be signed)",
        ));
    };
    let attr_list: Vec<Attribute> = attrs.iter().cloned().collect();
    match single_attribute(&attr_list, rfc5911::ID_CONTENT_TYPE, "content-type")? {
        Some(v)
            if v.decode_as::<ObjectIdentifier>().ok()
                == Some(sd.encap_content_info.econtent_type) => {}
        Some(_) => {
            return Err(malformed(
                "the content-type attribute does not match the content",
            ))
        }
        None => return Err(malformed("no content-type attribute")),
    }
    let Some(md) = single_attribute(&attr_list, rfc5911::ID_MESSAGE_DIGEST, "message-digest")?
    else {
        return Err(malformed("no message-digest attribute"));
    };
    let md = md
        .decode_as::<OctetString>()
        .map_err(|e| malformed(format!("unreadable message digest ({e})")))?;
    if md.as_bytes() != digest.as_slice() {
        return Err(Error::Signature(format!(
            "digest mismatch: the signed content was changed after signing (signed SHA-256 {}, content SHA-256 {})",
            hex::encode(md.as_bytes()),
            hex::encode(digest)
        )));
    }
    let signing_time = match single_attribute(&attr_list, rfc5911::ID_SIGNING_TIME, "signing-time")?
    {
        Some(v) => {
            let t = v
                .decode_as::<x509_cert::time::Time>()
                .map_err(|e| malformed(format!("unreadable signing time ({e})")))?;
            Some(time_to_utc(&t)?)
        }
        None => None,
    };

    let signed = attrs.to_der().map_err(malformed)?;
    check_signature(&cert, si, &signed).map_err(|why| {
        Error::Signature(format!(
            "bad signature: it does not verify with the certificate of {} ({why})",
            info.subject
        ))
    })?;
    Ok(Verified {
        signer: info,
        signing_time,
    })
}

/// Verifies the signature value of `si` over `signed` with the public key of `cert`.
fn check_signature(
    cert: &Certificate,
    si: &SignerInfo,
    signed: &[u8],
) -> std::result::Result<(), String> {
    let spki = cert.tbs_certificate().subject_public_key_info();
    let spki_der = spki.to_der().map_err(|e| e.to_string())?;
    let sig = si.signature.as_bytes();
    let alg = si.signature_algorithm.oid;
    if spki.algorithm.oid == super::ID_EC_PUBLIC_KEY {
        if alg != rfc5912::ECDSA_WITH_SHA_256 {
            return Err(format!(
                "unsupported signature algorithm {alg} for an EC key; expected ecdsa-with-SHA256"
            ));
        }
        let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der)
            .map_err(|e| format!("unsupported EC public key, P-256 expected: {e}"))?;
        let sig = p256::ecdsa::DerSignature::try_from(sig)
            .map_err(|e| format!("unreadable ECDSA signature: {e}"))?;
        key.verify(signed, &sig)
            .map_err(|_| "the ECDSA signature is wrong".to_string())
    } else if spki.algorithm.oid == super::RSA_ENCRYPTION {
        if alg != rfc5912::RSA_ENCRYPTION && alg != rfc5912::SHA_256_WITH_RSA_ENCRYPTION {
            return Err(format!(
                "unsupported signature algorithm {alg} for an RSA key; expected sha256WithRSAEncryption"
            ));
        }
        let key = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::from_public_key_der(&spki_der)
            .map_err(|e| format!("unreadable RSA public key: {e}"))?;
        let sig = rsa::pkcs1v15::Signature::try_from(sig)
            .map_err(|e| format!("unreadable RSA signature: {e}"))?;
        key.verify(signed, &sig)
            .map_err(|_| "the RSA signature is wrong".to_string())
    } else {
        Err(format!(
            "unsupported public key algorithm {}",
            spki.algorithm.oid
        ))
    }
}
