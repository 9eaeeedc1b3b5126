//! The offline files of a sign-off: a request file (the request and its snapshot, signed by the
//! requester) and a signature file (one signer's statement, signed with their key). Writing,
//! reading and every check an imported file must pass; bytes in, bytes out, no store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{cms, CertInfo, Signer};
use steward_domain::audit::canonical_json;
use steward_domain::error::Remedy;
use steward_domain::register::RiskTier;
use steward_domain::signoff::{
    is_excluded, Decision, FieldChange, Gate, Member, ProposedChange, RuleSpec, Snapshot, Statement,
};
use steward_domain::{Error, Result};

pub const REQUEST_FORMAT: &str = "steward-signoff-request/1";
pub const SIGNATURE_FORMAT: &str = "steward-signoff-signature/1";

/// A sign-off request as it travels: everything a signer needs to review and sign it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestDoc {
    /// The request's identity across workspaces (hex).
    pub uid: String,
    /// The system under sign-off; absent for a portfolio review's outcome (see `review`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number", optional)]
    pub system_id: Option<i64>,
    /// What is signed, as a signer reads it: the system's name, or the review's title.
    pub system_name: String,
    /// The period of the portfolio review whose outcome is signed (gate `portfolio_review`);
    /// absent for a system's sign-off, so those files read and hash as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub review: Option<String>,
    pub gate: Gate,
    pub risk_tier: RiskTier,
    pub board: String,
    pub members: Vec<Member>,
    pub rule: RuleSpec,
    /// Who may not approve (segregation of duties): the system's owner and technical lead.
    pub excluded: Vec<String>,
    pub snapshot: Snapshot,
    pub snapshot_hash: String,
    pub requested_by: String,
    pub requested_at: String,
    /// The last day signatures are accepted.
    pub deadline: NaiveDate,
    /// What changed in the record since its last approved request at the same gate, so a signer
    /// reads that first; absent when there was none (and in files written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub since_approval: Option<SinceApproval>,
    /// A major-change request's proposal: each field the change sets, with the value in the
    /// record when the request was opened and the value proposed. The snapshot under review is
    /// the record with the proposal applied. Absent from every other request (and from files
    /// written before it existed), so those read and hash as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub proposed: Option<Vec<ProposedChange>>,
}

/// The last approval of the same system at the same gate, and each field that differs from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SinceApproval {
    /// The uid of the approved request.
    pub request: String,
    pub requested_at: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Serialize, Deserialize)]
struct RequestFile {
    format: String,
    request: RequestDoc,
    /// Detached CMS (DER, hex) over the canonical JSON of `request`.
    signature: String,
}

#[derive(Serialize, Deserialize)]
struct SignatureFile {
    format: String,
    statement: Statement,
    /// Detached CMS (DER, hex) over the canonical JSON of `statement`.
    signature: String,
}

/// A request file: the request signed by the requester at `at`.
pub fn write_request(doc: &RequestDoc, signer: &Signer, at: DateTime<Utc>) -> Result<Vec<u8>> {
    let cms = signer.sign_detached(canonical_json(doc).as_bytes(), at)?;
    let file = RequestFile {
        format: REQUEST_FORMAT.into(),
        request: doc.clone(),
        signature: hex::encode(cms),
    };
    serde_json::to_vec_pretty(&file)
        .map_err(|e| Error::Signature(format!("cannot write the request file: {e}")))
}

fn unreadable(what: &str, name: &str, e: impl std::fmt::Display) -> Error {
    Error::Signature(format!(
        "{name} is not a readable sign-off {what} file ({e}); expected the JSON {what} file \
         Steward writes"
    ))
    .with_remedy(Remedy::UseSignoffFile {
        request: what == "request",
    })
}

fn tampered(what: &str, name: &str, e: &Error) -> Error {
    Error::Signature(format!(
        "{name}: tampered {what} file: its content does not match its signature ({e}); ask for \
         the file again"
    ))
}

/// Reads a request file and checks it: its format, the requester's signature over it, and that
/// the snapshot hashes to the hash it claims. Returns the request and the requester's certificate.
pub fn read_request(bytes: &[u8], name: &str) -> Result<(RequestDoc, CertInfo)> {
    let file: RequestFile =
        serde_json::from_slice(bytes).map_err(|e| unreadable("request", name, e))?;
    if file.format != REQUEST_FORMAT {
        return Err(unreadable(
            "request",
            name,
            format!("format {:?}, not {REQUEST_FORMAT:?}", file.format),
        ));
    }
    let cms = hex::decode(file.signature.trim())
        .map_err(|e| unreadable("request", name, format!("signature is not hex: {e}")))?;
    let requester = cms::verify_detached(canonical_json(&file.request).as_bytes(), &cms)
        .map_err(|e| tampered("request", name, &e))?;
    let actual = file.request.snapshot.hash();
    if actual != file.request.snapshot_hash {
        return Err(Error::Signature(format!(
            "{name}: tampered request file: its snapshot hashes to {actual}, not {} as stated",
            file.request.snapshot_hash
        )));
    }
    Ok((file.request, requester))
}

/// A signature file: `statement` signed by `signer` at the statement's time.
pub fn write_signature(
    statement: &Statement,
    signer: &Signer,
    at: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let cms = signer.sign_detached(canonical_json(statement).as_bytes(), at)?;
    let file = SignatureFile {
        format: SIGNATURE_FORMAT.into(),
        statement: statement.clone(),
        signature: hex::encode(cms),
    };
    serde_json::to_vec_pretty(&file)
        .map_err(|e| Error::Signature(format!("cannot write the signature file: {e}")))
}

/// The signature file for a statement and its CMS as kept in the workspace (for audit packs).
pub fn signature_file(statement: &Statement, cms: &[u8]) -> Result<Vec<u8>> {
    let file = SignatureFile {
        format: SIGNATURE_FORMAT.into(),
        statement: statement.clone(),
        signature: hex::encode(cms),
    };
    serde_json::to_vec_pretty(&file)
        .map_err(|e| Error::Signature(format!("cannot write the signature file: {e}")))
}

/// A signature file once read and its signature checked.
#[derive(Debug, Clone)]
pub struct SignedStatement {
    pub statement: Statement,
    /// The detached CMS, DER.
    pub cms: Vec<u8>,
    pub signer: CertInfo,
}

/// Reads a signature file and checks that its signature covers its statement.
pub fn read_signature(bytes: &[u8], name: &str) -> Result<SignedStatement> {
    let file: SignatureFile =
        serde_json::from_slice(bytes).map_err(|e| unreadable("signature", name, e))?;
    if file.format != SIGNATURE_FORMAT {
        return Err(unreadable(
            "signature",
            name,
            format!("format {:?}, not {SIGNATURE_FORMAT:?}", file.format),
        ));
    }
    let cms = hex::decode(file.signature.trim())
        .map_err(|e| unreadable("signature", name, format!("signature is not hex: {e}")))?;
    let signer = cms::verify_detached(canonical_json(&file.statement).as_bytes(), &cms)
        .map_err(|e| tampered("signature", name, &e))?;
    Ok(SignedStatement {
        statement: file.statement,
        cms,
        signer,
    })
}

/// Checks that a statement signed by the holder of `cert` is one this request accepts: for this
/// request and this snapshot, by the board member in the stated role, not an approval by the
/// system's owner or technical lead, with conditions when (and only when) approving with
/// conditions, made within the certificate's validity and by the deadline. Returns the member.
pub fn check_statement<'a>(
    doc: &'a RequestDoc,
    s: &Statement,
    cert: &CertInfo,
    name: &str,
) -> Result<&'a Member> {
    let refuse = |msg: String| Err(Error::Signature(format!("{name}: {msg}")));
    if s.request != doc.uid {
        return refuse(format!(
            "signature for another request: it is for request {}, not {} ({} of {})",
            s.request,
            doc.uid,
            doc.gate.label(),
            doc.system_name
        ));
    }
    if s.snapshot_hash != doc.snapshot_hash {
        return refuse(format!(
            "signature for another snapshot: it covers {}, but the request is bound to {}",
            s.snapshot_hash, doc.snapshot_hash
        ));
    }
    let Some(member) = doc
        .members
        .iter()
        .find(|m| m.role == s.role && m.fingerprint == cert.fingerprint_sha256)
    else {
        let holders: Vec<String> = doc
            .members
            .iter()
            .filter(|m| m.role == s.role)
            .map(|m| format!("{} ({})", m.name, short(&m.fingerprint)))
            .collect();
        return refuse(format!(
            "signed with a key whose certificate is not a board member's for the role {}: the \
             certificate is {} (SHA-256 {}); the {} members of board {:?} are {}",
            s.role,
            cert.subject,
            cert.fingerprint_sha256,
            s.role,
            doc.board,
            if holders.is_empty() {
                "none".to_string()
            } else {
                holders.join(", ")
            }
        ));
    };
    if s.decision.approves() && is_excluded(&member.name, &doc.excluded) {
        return refuse(format!(
            "{} is the owner or technical lead of {} and cannot approve it (segregation of \
             duties); they may reject",
            member.name, doc.system_name
        ));
    }
    match (s.decision, s.conditions.trim().is_empty()) {
        (Decision::ApproveWithConditions, true) => {
            return refuse(
                "approve_with_conditions needs the conditions text; give them or approve".into(),
            )
        }
        // A rejection may give its reasons; a plain approval has no conditions.
        (Decision::Approve, false) => {
            return refuse(
                "conditions were given with a plain approval; use approve_with_conditions".into(),
            )
        }
        _ => {}
    }
    let at = DateTime::parse_from_rfc3339(&s.signed_at)
        .map_err(|e| {
            Error::Signature(format!(
                "{name}: signed_at {:?} is not a time: {e}",
                s.signed_at
            ))
        })?
        .with_timezone(&Utc);
    if !cert.is_valid_at(at) {
        return refuse(format!(
            "signed at {} but the certificate of {} is valid only from {} to {}",
            s.signed_at, cert.subject, cert.not_before, cert.not_after
        ));
    }
    if at.date_naive() > doc.deadline {
        return refuse(format!(
            "signed on {} after the request's deadline {}; ask for a new request",
            at.date_naive(),
            doc.deadline
        ));
    }
    Ok(member)
}

fn short(fp: &str) -> String {
    fp.chars().take(16).collect()
}
