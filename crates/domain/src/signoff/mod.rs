//! Sign-off forms as pure rules: review boards and their roles, the rule per gate and risk tier
//! (N of M per role, total quorum, one rejection rejects), segregation of duties, the snapshot a
//! request is bound to and its hash, the signed statement, and the always-computed status.
//! No store, no clock, no files: the API passes records, times and hashes in.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::audit::canonical_json;
use crate::register::AiSystem;
use crate::FieldError;

pub mod gate;
pub use gate::{ProposedChange, MAJOR_FIELDS};

string_enum! {
    /// The fixed vocabulary of roles on a review board.
    Role as "SignoffRole" {
        Legal = "legal", "Legal";
        Compliance = "compliance", "Compliance";
        Risk = "risk", "Risk";
        BusinessOwner = "business_owner", "Business owner";
        TechnicalLead = "technical_lead", "Technical lead";
        DataProtection = "data_protection", "Data protection";
    }
}

string_enum! {
    /// The lifecycle gate a sign-off is for, or the outcome of a portfolio review.
    Gate as "SignoffGate" {
        PreDeployment = "pre_deployment", "Pre-deployment";
        MajorChange = "major_change", "Major change";
        Retirement = "retirement", "Retirement";
        PortfolioReview = "portfolio_review", "Review outcome";
    }
}

string_enum! {
    Decision as "SignoffDecision" {
        Approve = "approve", "Approve";
        ApproveWithConditions = "approve_with_conditions", "Approve with conditions";
        Reject = "reject", "Reject";
    }
}

string_enum! {
    /// Where a request stands; never stored, always computed from its signatures, the current
    /// snapshot hash and today's date.
    Status as "SignoffStatus" {
        Pending = "pending", "Pending";
        Approved = "approved", "Approved";
        Rejected = "rejected", "Rejected";
        Stale = "stale", "Stale";
        Expired = "expired", "Expired";
    }
}

impl Decision {
    pub fn approves(self) -> bool {
        matches!(self, Decision::Approve | Decision::ApproveWithConditions)
    }
}

/// A member of a review board: a person in a role, known by their certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BoardMember")]
pub struct Member {
    pub name: String,
    pub role: Role,
    /// SHA-256 of the member's DER certificate, lowercase hex.
    pub fingerprint: String,
}

/// How many members of one role must approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RoleRequirement {
    pub role: Role,
    pub required: u32,
}

/// Who must sign at one gate for one risk tier: N of M per role (M is the number of board
/// members holding the role), a total quorum of approvals, and one rejection rejects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleSpec {
    pub roles: Vec<RoleRequirement>,
    /// Approvals needed in all, counting every approving member once.
    pub quorum: u32,
    /// Days a request has to collect its signatures.
    pub valid_days: u32,
}

/// A rule as a person types it: roles as `ROLE=N` parts (e.g. "legal=1, compliance=1"), the
/// quorum and the days as text. [`RuleForm::parse`] is the one reader of that syntax, for the
/// CLI's `--require` and the app's rule form alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleForm {
    pub roles: String,
    pub quorum: String,
    pub valid_days: String,
}

impl RuleForm {
    /// The rule, or a validation error naming each field that is not understood and what would
    /// be accepted.
    pub fn parse(&self) -> crate::Result<RuleSpec> {
        let mut fields = Vec::new();
        let roles = parse_requirements(&self.roles).unwrap_or_else(|m| {
            fields.push(FieldError::new("roles", m));
            Vec::new()
        });
        let mut whole = |field: &str, text: &str, what: &str| match text.trim().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                fields.push(FieldError::new(
                    field,
                    format!("{text:?} is not a whole number of {what}"),
                ));
                0
            }
        };
        let quorum = whole("quorum", &self.quorum, "approvals");
        let valid_days = whole("valid_days", &self.valid_days, "days");
        if fields.is_empty() {
            Ok(RuleSpec {
                roles,
                quorum,
                valid_days,
            })
        } else {
            Err(crate::Error::Validation {
                entity: "sign-off rule",
                fields,
            })
        }
    }
}

/// Reads one `ROLE=N`, e.g. `legal=1`; the message says what is wrong and what is accepted.
pub fn parse_requirement(part: &str) -> Result<RoleRequirement, String> {
    let (r, n) = part
        .split_once('=')
        .ok_or_else(|| format!("{part:?} is not ROLE=N (e.g. legal=1)"))?;
    let role = Role::parse(r.trim()).ok_or_else(|| {
        format!(
            "{:?} is not a role; expected one of {}",
            r.trim(),
            Role::expected()
        )
    })?;
    let required = n
        .trim()
        .parse()
        .map_err(|_| format!("{part:?}: {n:?} is not a whole number of signers"))?;
    Ok(RoleRequirement { role, required })
}

/// Reads `ROLE=N` parts separated by commas, semicolons or spaces, e.g. "legal=1, compliance=1".
pub fn parse_requirements(text: &str) -> Result<Vec<RoleRequirement>, String> {
    let roles = text
        .split([',', ';', ' ', '\t', '\n'])
        .filter(|p| !p.trim().is_empty())
        .map(parse_requirement)
        .collect::<Result<Vec<_>, _>>()?;
    if roles.is_empty() {
        return Err("name at least one role as ROLE=N, e.g. legal=1".into());
    }
    Ok(roles)
}

/// Why a rule can never be met by a board's members (each problem a field error), or an empty list.
/// `excluded` are names that may not approve (segregation of duties), compared ignoring case.
pub fn unsatisfiable(rule: &RuleSpec, members: &[Member], excluded: &[String]) -> Vec<FieldError> {
    let mut out = Vec::new();
    let eligible: Vec<&Member> = members
        .iter()
        .filter(|m| !is_excluded(&m.name, excluded))
        .collect();
    let people = |ms: &[&Member]| -> usize {
        ms.iter()
            .map(|m| m.fingerprint.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mut seen = BTreeSet::new();
    for (i, req) in rule.roles.iter().enumerate() {
        let field = format!("roles[{i}]");
        if !seen.insert(req.role) {
            out.push(FieldError::new(
                field.clone(),
                format!("{} is listed twice; give each role once", req.role),
            ));
        }
        if req.required == 0 {
            out.push(FieldError::new(
                field.clone(),
                format!(
                    "{}: 0 signers required; require at least 1 or leave the role out",
                    req.role
                ),
            ));
            continue;
        }
        let total = members.iter().filter(|m| m.role == req.role).count();
        let able = eligible.iter().filter(|m| m.role == req.role).count();
        if (req.required as usize) > able {
            let why = if able < total {
                format!(
                    " ({} of them may not approve this system: {})",
                    total - able,
                    excluded_names(members, req.role, excluded)
                )
            } else {
                String::new()
            };
            out.push(FieldError::new(
                field,
                format!(
                    "{} {} of {} required but the board has {} {} member{} who can approve{why}; \
                     add members or require fewer",
                    req.required,
                    req.role,
                    total,
                    able,
                    req.role,
                    if able == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    if rule.quorum == 0 {
        out.push(FieldError::new(
            "quorum",
            "must be at least 1 (approvals needed in all)",
        ));
    } else if rule.quorum as usize > people(&eligible) {
        out.push(FieldError::new(
            "quorum",
            format!(
                "{} approvals required but only {} board member{} can approve; lower the quorum or add members",
                rule.quorum,
                people(&eligible),
                if people(&eligible) == 1 { "" } else { "s" }
            ),
        ));
    }
    if rule.valid_days == 0 {
        out.push(FieldError::new(
            "valid_days",
            "must be at least 1 (days a request has to collect signatures)",
        ));
    }
    out
}

fn excluded_names(members: &[Member], role: Role, excluded: &[String]) -> String {
    members
        .iter()
        .filter(|m| m.role == role && is_excluded(&m.name, excluded))
        .map(|m| format!("{} is the system's owner or technical lead", m.name))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether `name` is one of the `excluded` names, ignoring case and surrounding spaces.
pub fn is_excluded(name: &str, excluded: &[String]) -> bool {
    excluded
        .iter()
        .any(|e| !e.trim().is_empty() && e.trim().eq_ignore_ascii_case(name.trim()))
}

/// The people who may not approve a system's sign-off: its owner and its technical lead.
pub fn segregated(system: &AiSystem) -> Vec<String> {
    let mut v: Vec<String> = [&system.draft.owner, &system.draft.technical_lead]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_string())
        .collect();
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}

/// What a request is bound to. `system` is the record without its lifecycle fields (stage and
/// deployment date change *because of* the sign-off, not under it). `assessment` (the latest
/// complete assessment per template) and `kpis` (each KPI's latest status) are filled by
/// `api::signoff` from the workspace; None when the system has none. A portfolio review's
/// outcome has no system (`system` is null) and carries the outcome in `review`. A
/// pre-deployment request carries the system's validation evidence in `evidence` (the policy
/// its tier is held to, the current version's runs and bias results, the status computed, and
/// the board's exception when one is asked for) once the system has evidence or an exception is
/// asked for. `review` and `evidence` are absent from every other snapshot, so the canonical JSON
/// and hash of every snapshot made before them are unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SignoffSnapshot")]
pub struct Snapshot {
    #[ts(type = "Record<string, unknown>")]
    pub system: Value,
    #[ts(type = "Record<string, unknown> | null")]
    pub assessment: Option<Value>,
    #[ts(type = "Record<string, unknown> | null")]
    pub kpis: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "Record<string, unknown>", optional)]
    pub review: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "Record<string, unknown>", optional)]
    pub evidence: Option<Value>,
}

/// Fields of the system record left out of a snapshot.
const LIFECYCLE_FIELDS: &[&str] = &["stage", "deployment_date", "created_at", "updated_at"];

impl Snapshot {
    pub fn of(system: &AiSystem) -> Snapshot {
        let mut v = serde_json::to_value(system).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut v {
            for f in LIFECYCLE_FIELDS {
                map.remove(*f);
            }
        }
        Snapshot {
            system: v,
            assessment: None,
            kpis: None,
            review: None,
            evidence: None,
        }
    }

    /// The snapshot of a portfolio review's outcome.
    pub fn of_review(outcome: Value) -> Snapshot {
        Snapshot {
            system: Value::Null,
            assessment: None,
            kpis: None,
            review: Some(outcome),
            evidence: None,
        }
    }

    /// The reason of the evidence exception the request asks its board to approve, if any.
    pub fn evidence_exception(&self) -> Option<String> {
        crate::evidence::SnapshotEvidence::of(self.evidence.as_ref())?.exception
    }

    /// SHA-256 (lowercase hex) of the snapshot's canonical JSON.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(canonical_json(self).as_bytes()))
    }
}

/// One field that differs between the snapshot signed and the record now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// E.g. `system.owner`.
    pub field: String,
    /// The value signed, as canonical JSON; None when the field was absent.
    pub signed: Option<String>,
    /// The value now, as canonical JSON; None when the field is gone.
    pub now: Option<String>,
}

/// Field-by-field differences between two snapshots, by section then field name.
pub fn diff(signed: &Snapshot, now: &Snapshot) -> Vec<FieldChange> {
    let sections = [
        ("system", Some(&signed.system), Some(&now.system)),
        (
            "assessment",
            signed.assessment.as_ref(),
            now.assessment.as_ref(),
        ),
        ("kpis", signed.kpis.as_ref(), now.kpis.as_ref()),
        ("review", signed.review.as_ref(), now.review.as_ref()),
        ("evidence", signed.evidence.as_ref(), now.evidence.as_ref()),
    ];
    sections
        .into_iter()
        .flat_map(|(name, a, b)| crate::audit::diff_fields(name, a, b))
        .map(|d| FieldChange {
            field: d.field,
            signed: d.before,
            now: d.after,
        })
        .collect()
}

/// What a signer signs: the request and snapshot it is for, their decision, conditions, role and
/// time. Its canonical JSON is the content of the detached CMS signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SignoffStatement")]
pub struct Statement {
    pub request: String,
    pub snapshot_hash: String,
    pub system: String,
    pub gate: Gate,
    pub decision: Decision,
    /// Empty unless the decision is approve_with_conditions, when it must not be.
    pub conditions: String,
    pub role: Role,
    pub signer: String,
    /// RFC 3339 UTC, second precision.
    pub signed_at: String,
}

/// One counted signature, for status computation: who (fingerprint), in which role, what decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub fingerprint: String,
    pub role: Role,
    pub decision: Decision,
}

/// How far a request has got, role by role, as shown beside its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SignoffTally")]
pub struct Tally {
    pub roles: Vec<RoleTally>,
    pub approvals: u32,
    pub quorum: u32,
    pub rejections: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RoleTally {
    pub role: Role,
    pub approved: u32,
    pub required: u32,
    /// Board members holding the role (the M of "N of M").
    pub members: u32,
}

/// Counts votes against a rule. A member counts once towards the quorum however many roles they
/// approve in.
pub fn tally(rule: &RuleSpec, members: &[Member], votes: &[Vote]) -> Tally {
    let approvers: BTreeSet<&str> = votes
        .iter()
        .filter(|v| v.decision.approves())
        .map(|v| v.fingerprint.as_str())
        .collect();
    Tally {
        roles: rule
            .roles
            .iter()
            .map(|r| RoleTally {
                role: r.role,
                approved: votes
                    .iter()
                    .filter(|v| v.role == r.role && v.decision.approves())
                    .map(|v| v.fingerprint.as_str())
                    .collect::<BTreeSet<_>>()
                    .len() as u32,
                required: r.required,
                members: members.iter().filter(|m| m.role == r.role).count() as u32,
            })
            .collect(),
        approvals: approvers.len() as u32,
        quorum: rule.quorum,
        rejections: votes
            .iter()
            .filter(|v| v.decision == Decision::Reject)
            .count() as u32,
    }
}

/// The status of a request. Precedence: stale (the record is no longer what was put up for
/// review), then rejected (one rejection rejects), approved (every role's N and the quorum
/// reached), expired (past the deadline without a decision), pending.
pub fn status(
    rule: &RuleSpec,
    members: &[Member],
    votes: &[Vote],
    signed_hash: &str,
    current_hash: &str,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Status {
    if signed_hash != current_hash {
        return Status::Stale;
    }
    let t = tally(rule, members, votes);
    if t.rejections > 0 {
        return Status::Rejected;
    }
    if t.approvals >= t.quorum && t.roles.iter().all(|r| r.approved >= r.required) {
        return Status::Approved;
    }
    if today > deadline {
        return Status::Expired;
    }
    Status::Pending
}

#[cfg(test)]
mod tests;
