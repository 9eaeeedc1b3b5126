//! Sign-off forms: review boards, rules, requests bound to a snapshot (a major-change request to
//! the record as its proposed change would make it), signature files from each signer's laptop,
//! the computed status, and the actions that conditions become. Rules live in `crate::signoff`;
//! this module stores and audits. The gates that read these requests are `api::gates`.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Workspace;
use crate::audit::canonical_json;
use crate::error::Remedy;
use crate::evidence::{EvidenceStatus, SnapshotEvidence};
use crate::register::{AiSystem, RiskTier, SystemDraft};
use crate::sign::request_file::{self as file, RequestDoc};
use crate::sign::{self, CertInfo, Signer};
use crate::signoff::{
    self as so, Decision, FieldChange, Gate, Member, Role, RuleSpec, Snapshot, Statement, Status,
    Tally, Vote,
};
use crate::store::{ActionRow, BoardRow, Change, RequestRow, RuleRow, SignatureRow, Tx};
use crate::{Error, FieldError, Result};

/// Days an action made from conditions has, from the day the approval was signed.
pub const ACTION_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BoardView {
    pub name: String,
    pub members: Vec<MemberView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MemberView {
    pub name: String,
    pub role: Role,
    pub fingerprint: String,
    /// The certificate's subject, when the certificate is in the workspace.
    pub subject: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RuleView {
    pub gate: Gate,
    pub risk_tier: RiskTier,
    pub board: String,
    pub spec: RuleSpec,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SignatureView {
    pub signer: String,
    pub role: Role,
    pub decision: Decision,
    pub conditions: String,
    pub signed_at: String,
    pub fingerprint: String,
    pub subject: String,
    pub imported_at: String,
    pub imported_by: String,
}

/// A request with everything computed: status, tally, signatures, and what changed when stale.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RequestView {
    #[ts(type = "number")]
    pub id: i64,
    pub request: RequestDoc,
    pub status: Status,
    pub tally: Tally,
    pub signatures: Vec<SignatureView>,
    /// When stale: each field of the record that differs from the snapshot under review.
    pub changes: Vec<FieldChange>,
    pub current_hash: String,
    /// The validation evidence the board is asked to sign (a pre-deployment request of a system
    /// with evidence, or one asking for an evidence exception), with its status then.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence: Option<SnapshotEvidence>,
    /// For a pre-deployment request, the system's evidence status now, as the gate reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence_now: Option<EvidenceStatus>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActionView {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub request_id: i64,
    pub system: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub created_at: String,
}

/// What a signer sees before signing a request file.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RequestReview {
    pub request: RequestDoc,
    pub requester: CertInfo,
    /// The validation evidence under review, with its status and the exception asked for, read
    /// from the request's snapshot (a pre-deployment request of a system with evidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence: Option<SnapshotEvidence>,
}

fn board_view(ws: &Workspace, b: BoardRow) -> Result<BoardView> {
    let mut members = Vec::new();
    for m in b.members {
        let subject = ws
            .store
            .certificate(&m.fingerprint)?
            .map(|(c, _, _)| c.subject)
            .unwrap_or_default();
        members.push(MemberView {
            name: m.name,
            role: m.role,
            fingerprint: m.fingerprint,
            subject,
        });
    }
    Ok(BoardView {
        name: b.name,
        members,
    })
}

fn rule_view(r: RuleRow) -> Result<RuleView> {
    Ok(RuleView {
        gate: Gate::parse(&r.gate)
            .ok_or_else(|| Error::Integrity(format!("unknown gate {:?}", r.gate)))?,
        risk_tier: RiskTier::parse(&r.risk_tier)
            .ok_or_else(|| Error::Integrity(format!("unknown risk tier {:?}", r.risk_tier)))?,
        board: r.board,
        spec: r.spec,
    })
}

fn votes(sigs: &[SignatureRow]) -> Vec<Vote> {
    sigs.iter()
        .map(|s| Vote {
            fingerprint: s.fingerprint.clone(),
            role: s.statement.role,
            decision: s.statement.decision,
        })
        .collect()
}

/// What a request at `gate` is bound to for a system as it would be after `draft` is saved, on
/// `today`, with the evidence `exception` the request asks for (see [`snapshot_in`]).
pub(super) fn snapshot_of(
    tx: &Tx<'_>,
    id: i64,
    draft: &SystemDraft,
    gate: Gate,
    today: NaiveDate,
    exception: Option<&str>,
) -> Result<Snapshot> {
    snapshot_in(
        tx,
        &AiSystem {
            id,
            draft: draft.clone(),
            created_at: String::new(),
            updated_at: String::new(),
        },
        gate,
        today,
        exception,
    )
}

/// What a sign-off at `gate` is bound to: the system record, its latest complete assessment per
/// template (the result as computed when it was completed) and its KPI summary (each KPI's latest
/// period, value, status and consecutive breaches); at the pre-deployment gate also its
/// validation evidence with its status on `today` and the `exception` asked for, if any. A new
/// measurement, assessment or piece of evidence after signing, or evidence going out of date,
/// makes the request stale, as an edit of the record does: the board approved the evidence it
/// saw, so the evidence it signed must still be the evidence in force.
fn snapshot_in(
    tx: &Tx<'_>,
    sys: &AiSystem,
    gate: Gate,
    today: NaiveDate,
    exception: Option<&str>,
) -> Result<Snapshot> {
    let mut snap = Snapshot::of(sys);
    if gate == Gate::PreDeployment {
        snap.evidence =
            super::evidence::snapshot_section(tx, sys.id, &sys.draft, today, exception)?;
    }
    let mut assessments = serde_json::Map::new();
    for a in tx.complete_assessments(sys.id)? {
        let result = match &a.result {
            Some(text) => serde_json::from_str(text).map_err(|e| {
                Error::Integrity(format!("assessment {} has an unreadable result: {e}", a.id))
            })?,
            None => serde_json::Value::Null,
        };
        // Oldest first, so the latest of each template is the one kept.
        assessments.insert(
            a.template_id.clone(),
            serde_json::json!({
                "assessment": a.id,
                "template_version": a.template_version,
                "completed_at": a.completed_at,
                "result": result,
            }),
        );
    }
    if !assessments.is_empty() {
        snap.assessment = Some(serde_json::Value::Object(assessments));
    }
    let kpis: Vec<_> = tx
        .all_kpis()?
        .into_iter()
        .filter(|k| k.draft.system_id == sys.id)
        .collect();
    if !kpis.is_empty() {
        let mut series = Vec::new();
        for k in &kpis {
            series.extend(tx.series_of(k.id)?.into_iter().map(|(p, v)| (k.id, p, v)));
        }
        let latest = super::kpi::latest_by_kpi(&kpis, &series);
        let rows: Vec<serde_json::Value> = kpis
            .iter()
            .map(|k| {
                let st = super::kpi::kpi_status_row(k, &sys.draft.name, latest.get(&k.id));
                serde_json::json!({
                    "kpi": st.kpi,
                    "kind": st.kind,
                    "unit": st.unit,
                    "direction": st.direction,
                    "target": st.target,
                    "warning": st.warning,
                    "breach": st.breach,
                    "latest_period": st.latest_period,
                    "latest_value": st.latest_value,
                    "status": st.status,
                    "consecutive_breaches": st.consecutive_breaches,
                })
            })
            .collect();
        snap.kpis = Some(serde_json::Value::Array(rows));
    }
    Ok(snap)
}

pub(super) fn status_of(
    r: &RequestRow,
    sigs: &[SignatureRow],
    current: &Snapshot,
    today: NaiveDate,
) -> Status {
    so::status(
        &r.doc.rule,
        &r.doc.members,
        &votes(sigs),
        &r.doc.snapshot_hash,
        &current.hash(),
        r.doc.deadline,
        today,
    )
}

impl Workspace {
    /// The rule in force for `gate` at `tier` and its board, checked that the board's members
    /// (less `excluded`) can satisfy it. A missing rule names what is missing (`why` adds where
    /// the tier came from) and offers to add it.
    pub(super) fn rule_in_force(
        &self,
        gate: Gate,
        tier: RiskTier,
        why: &str,
        excluded: &[String],
    ) -> Result<(RuleRow, BoardRow)> {
        let rule = self.store.signoff_rule(gate, tier.key())?.ok_or_else(|| {
            Error::NotFound {
                entity: "sign-off rule",
                key: format!("{gate} at risk tier {tier}{why}"),
            }
            .with_remedy(Remedy::AddSignoffRule {
                gate: gate.key().into(),
                tier: tier.key().into(),
            })
        })?;
        let board = self
            .store
            .board_by_name(&rule.board)?
            .ok_or_else(|| board_not_found(&rule.board))?;
        let problems = so::unsatisfiable(&rule.spec, &board.members, excluded);
        if !problems.is_empty() {
            return Err(Error::Validation {
                entity: "sign-off request",
                fields: problems,
            });
        }
        Ok((rule, board))
    }
}

pub(super) fn board_not_found(name: &str) -> Error {
    Error::NotFound {
        entity: "review board",
        key: name.to_string(),
    }
    .with_remedy(Remedy::CreateBoard {
        name: name.to_string(),
    })
}

/// The audited form of a review board: its name and members (as the store lists them). Its
/// entries log this whole; `audit verify` reads the stored board through it.
pub(super) fn board_doc(b: &BoardRow) -> String {
    canonical_json(&serde_json::json!({ "name": b.name, "members": b.members }))
}

/// The audited form of a sign-off rule: the board (by its name, which never changes) and the
/// rule.
pub(super) fn rule_doc(board: &str, spec: &RuleSpec) -> String {
    canonical_json(&serde_json::json!({ "board": board, "spec": spec }))
}

/// The audited form of a condition of an approval.
pub(super) fn action_doc(a: &ActionRow) -> String {
    canonical_json(&serde_json::json!({
        "request": a.request_id, "text": a.text, "owner": a.owner, "due": a.due
    }))
}

impl Workspace {
    /// Creates an empty review board.
    pub fn create_board(&mut self, name: &str) -> Result<BoardView> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::Validation {
                entity: "review board",
                fields: vec![FieldError::new("name", "must not be empty")],
            });
        }
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let id = tx.insert_board(&name, &now)?;
            let after = tx
                .board_by_name(&name)?
                .ok_or_else(|| board_not_found(&name))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "signoff_board",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(board_doc(&after)),
            })
        })?;
        self.board(&name)
    }

    /// Adds a member in a role, identified by their certificate (PEM or DER). The certificate is
    /// imported into the workspace (audited) unless it is there already.
    pub fn add_board_member(
        &mut self,
        board: &str,
        name: &str,
        role: Role,
        certificate: &[u8],
    ) -> Result<BoardView> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(Error::Validation {
                entity: "board member",
                fields: vec![FieldError::new("name", "must not be empty")],
            });
        }
        let info = sign::cert_info(&sign::parse_certificate(certificate)?)?;
        let b = self
            .store
            .board_by_name(board)?
            .ok_or_else(|| board_not_found(board))?;
        let known = self.store.certificate(&info.fingerprint_sha256)?.is_some();
        let member = Member {
            name: name.clone(),
            role,
            fingerprint: info.fingerprint_sha256.clone(),
        };
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            if !known && tx.insert_certificate(&info, &now, &actor)? {
                tx.append_audit(Change {
                    at: now.clone(),
                    actor: &actor,
                    entity: "certificate",
                    entity_id: info.fingerprint_sha256.clone(),
                    action: "import",
                    before: None,
                    after: Some(canonical_json(&info)),
                })?;
            }
            let before = tx
                .board_by_name(&b.name)?
                .ok_or_else(|| board_not_found(&b.name))?;
            if !tx.insert_member(b.id, &member)? {
                return Err(Error::Conflict(format!(
                    "the certificate {} already holds the role {role} on board {:?}; nothing was changed",
                    info.fingerprint_sha256, b.name
                )));
            }
            let after = tx
                .board_by_name(&b.name)?
                .ok_or_else(|| board_not_found(&b.name))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "signoff_board",
                entity_id: b.id.to_string(),
                action: "add_member",
                before: Some(board_doc(&before)),
                after: Some(board_doc(&after)),
            })
        })?;
        self.board(board)
    }

    pub fn board(&self, name: &str) -> Result<BoardView> {
        let b = self
            .store
            .board_by_name(name)?
            .ok_or_else(|| board_not_found(name))?;
        board_view(self, b)
    }

    pub fn boards(&self) -> Result<Vec<BoardView>> {
        self.store
            .boards()?
            .into_iter()
            .map(|b| board_view(self, b))
            .collect()
    }

    /// Saves the rule for a gate and risk tier (replacing any). A rule the board can never meet
    /// is refused with each reason.
    pub fn save_rule(
        &mut self,
        gate: Gate,
        tier: RiskTier,
        board: &str,
        spec: RuleSpec,
    ) -> Result<RuleView> {
        let b = self
            .store
            .board_by_name(board)?
            .ok_or_else(|| board_not_found(board))?;
        let problems = so::unsatisfiable(&spec, &b.members, &[]);
        if !problems.is_empty() {
            return Err(Error::Validation {
                entity: "sign-off rule",
                fields: problems,
            });
        }
        let json = canonical_json(&spec);
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let before = self.store.signoff_rule(gate, tier.key())?;
        self.store.write(|tx| {
            tx.upsert_rule(gate.key(), tier.key(), b.id, &json, &now)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "signoff_rule",
                entity_id: format!("{gate}/{tier}"),
                action: if before.is_some() { "update" } else { "create" },
                before: before.as_ref().map(|r| rule_doc(&r.board, &r.spec)),
                after: Some(rule_doc(&b.name, &spec)),
            })
        })?;
        rule_view(
            self.store
                .signoff_rule(gate, tier.key())?
                .ok_or_else(|| Error::Integrity("a saved rule cannot be read back".into()))?,
        )
    }

    pub fn rules(&self) -> Result<Vec<RuleView>> {
        self.store
            .signoff_rules()?
            .into_iter()
            .map(rule_view)
            .collect()
    }

    /// Opens a sign-off request for one gate of one system, bound to a snapshot of the record
    /// now, under the workspace's rule for that gate and the system's risk tier. The deadline
    /// defaults to the rule's `valid_days` from today. A major-change request is for a change
    /// not yet made: `proposed` is the record with the change (a major field or more of a system
    /// in service), the snapshot is of that record, and the request carries the proposal field by
    /// field; the change passes the gate once saved exactly as approved. Other gates take the
    /// record as it is (`proposed` None).
    pub fn create_request(
        &mut self,
        system: &str,
        gate: Gate,
        deadline: Option<NaiveDate>,
        proposed: Option<SystemDraft>,
    ) -> Result<RequestView> {
        self.open_request(system, gate, deadline, proposed, None)
    }

    /// Opens a pre-deployment request that asks the board to approve promoting the system while
    /// its validation evidence does not meet the policy (missing, not met or out of date), for
    /// `reason`. The snapshot the board signs holds the reason and the evidence with its status;
    /// once approved, the system passes the gate by this exception, and its promotion's audit
    /// says so. Refused when the evidence meets the policy (no exception is needed).
    pub fn request_evidence_exception(
        &mut self,
        system: &str,
        deadline: Option<NaiveDate>,
        reason: &str,
    ) -> Result<RequestView> {
        let refuse = |message: String| Error::Validation {
            entity: "sign-off request",
            fields: vec![FieldError::new("evidence_exception", message)],
        };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(refuse(
                "give the reason the board is asked to approve the promotion for, although the \
                 evidence does not meet the policy"
                    .into(),
            ));
        }
        let sys = self.find_system(system)?;
        let today = self.ctx.clock.today();
        let status = self.store.read(|tx| {
            let policy = super::evidence::policy_in(tx)?;
            super::evidence::status_in(tx, sys.id, &sys.draft, &policy, today)
        })?;
        if status.state.passes() {
            return Err(refuse(format!(
                "the evidence of {} {} the policy for risk tier {} ({}); it needs no exception: \
                 open a pre-deployment request without one",
                sys.draft.name,
                if status.state == crate::evidence::EvidenceState::NotRequired {
                    "is not required by"
                } else {
                    "meets"
                },
                sys.draft.risk_tier,
                status.state.label().to_lowercase()
            )));
        }
        self.open_request(
            system,
            Gate::PreDeployment,
            deadline,
            None,
            Some(reason.to_string()),
        )
    }

    fn open_request(
        &mut self,
        system: &str,
        gate: Gate,
        deadline: Option<NaiveDate>,
        proposed: Option<SystemDraft>,
        exception: Option<String>,
    ) -> Result<RequestView> {
        if gate == Gate::PortfolioReview {
            return Err(Error::Validation {
                entity: "sign-off request",
                fields: vec![FieldError::new(
                    "gate",
                    "the outcome of a portfolio review is signed from the review itself, once every \
                     system in it is decided; give pre_deployment, major_change or retirement for a system",
                )],
            });
        }
        let sys = self.find_system(system)?;
        let proposed = self.proposed_record(&sys, gate, proposed)?;
        let tier = sys.draft.risk_tier;
        let excluded = so::segregated(&sys);
        let (rule, board) = self.rule_in_force(gate, tier, "", &excluded)?;
        let deadline = self.request_deadline(deadline, &rule.spec)?;
        let under_review = proposed.as_ref().unwrap_or(&sys);
        let today = self.ctx.clock.today();
        let snapshot = self
            .store
            .read(|tx| snapshot_in(tx, under_review, gate, today, exception.as_deref()))?;
        let since_approval = self.since_approval(sys.id, gate, &snapshot)?;
        let doc = RequestDoc {
            uid: String::new(),
            system_id: Some(sys.id),
            system_name: sys.draft.name.clone(),
            review: None,
            gate,
            risk_tier: tier,
            board: board.name.clone(),
            members: board.members.clone(),
            rule: rule.spec.clone(),
            excluded,
            snapshot_hash: snapshot.hash(),
            snapshot,
            requested_by: self.ctx.actor.clone(),
            requested_at: self.ctx.timestamp(),
            deadline,
            since_approval,
            proposed: proposed.as_ref().map(|p| so::gate::proposal(&sys, p)),
        };
        let id = self.insert_request(doc, None)?;
        self.request(&id.to_string())
    }

    /// The record a major-change request proposes, checked: a valid record of a system in
    /// service that changes at least one major field and leaves its stage and deployment date as
    /// they are. None for the other gates, which take the record as it is.
    fn proposed_record(
        &self,
        sys: &AiSystem,
        gate: Gate,
        proposed: Option<SystemDraft>,
    ) -> Result<Option<AiSystem>> {
        let refuse = |field: &str, message: String| Error::Validation {
            entity: "sign-off request",
            fields: vec![FieldError::new(field, message)],
        };
        let major = super::gates::labels(so::MAJOR_FIELDS).join(", ");
        let d = match (gate, proposed) {
            (Gate::MajorChange, Some(d)) => d,
            (Gate::MajorChange, None) => {
                return Err(refuse(
                    "proposed",
                    format!(
                        "a major-change request is for a change not yet made: give the proposed \
                         value of each field that changes (the major fields are {major})"
                    ),
                ))
            }
            (_, Some(_)) => {
                return Err(refuse(
                    "proposed",
                    format!(
                        "only a major-change request proposes values; a {} request is for the \
                         record of {} as it is",
                        gate.label().to_lowercase(),
                        sys.draft.name
                    ),
                ))
            }
            (_, None) => return Ok(None),
        };
        if !so::gate::in_service(sys.draft.stage) {
            return Err(refuse(
                "gate",
                format!(
                    "{} is in {}: the major-change gate is for a system in service (production or \
                     deprecated); before production a change needs no sign-off of its own, the \
                     pre-deployment sign-off covers the record",
                    sys.draft.name, sys.draft.stage
                ),
            ));
        }
        let d = super::systems::checked(d, self.ctx.clock.today())?;
        if d.stage != sys.draft.stage || d.deployment_date != sys.draft.deployment_date {
            return Err(refuse(
                "proposed",
                "the stage and the deployment date are not part of a proposed change; propose the \
                 change, then move the system once it is saved"
                    .into(),
            ));
        }
        if so::gate::major_changes(&sys.draft, &d).is_empty() {
            return Err(refuse(
                "proposed",
                format!(
                    "the proposal changes no major field of {} (the major fields are {major}); \
                     other changes of a system in service need no sign-off: save them directly",
                    sys.draft.name
                ),
            ));
        }
        Ok(Some(AiSystem {
            id: sys.id,
            draft: d,
            created_at: sys.created_at.clone(),
            updated_at: sys.updated_at.clone(),
        }))
    }

    /// The latest request of `system` at `gate` that its board approved (whatever changed since)
    /// and each field of `now` that differs from what it approved.
    fn since_approval(
        &self,
        system: i64,
        gate: Gate,
        now: &Snapshot,
    ) -> Result<Option<file::SinceApproval>> {
        let requests = self.store.read(|tx| {
            let mut out = Vec::new();
            for r in tx.signoff_requests_for(system, gate)? {
                let sigs = tx.signoff_signatures(r.id)?;
                out.push((r, sigs));
            }
            Ok(out)
        })?;
        let approved = requests.into_iter().rev().find(|(r, sigs)| {
            let h = &r.doc.snapshot_hash;
            so::status(
                &r.doc.rule,
                &r.doc.members,
                &votes(sigs),
                h,
                h,
                r.doc.deadline,
                r.doc.deadline,
            ) == Status::Approved
        });
        Ok(approved.map(|(r, _)| file::SinceApproval {
            changes: so::diff(&r.doc.snapshot, now),
            request: r.doc.uid,
            requested_at: r.doc.requested_at,
        }))
    }

    /// The deadline of a new request: the one given (not in the past) or the rule's
    /// `valid_days` from today.
    pub(super) fn request_deadline(
        &self,
        given: Option<NaiveDate>,
        rule: &RuleSpec,
    ) -> Result<NaiveDate> {
        let today = self.ctx.clock.today();
        let deadline = given.unwrap_or(today + Duration::days(i64::from(rule.valid_days)));
        if deadline < today {
            return Err(Error::Validation {
                entity: "sign-off request",
                fields: vec![FieldError::new(
                    "deadline",
                    format!("{deadline} is in the past; give today ({today}) or later"),
                )],
            });
        }
        Ok(deadline)
    }

    /// Stores a new request (for a system, or for the outcome of review `review_id`) under a
    /// fresh uid, audited; returns its number.
    pub(super) fn insert_request(
        &mut self,
        mut doc: RequestDoc,
        review_id: Option<i64>,
    ) -> Result<i64> {
        let (now, actor) = (doc.requested_at.clone(), doc.requested_by.clone());
        let count = self.store.signoff_requests()?.len();
        // Unique across workspaces: the content, who asked, when, and this workspace's count.
        let seed = format!("{}|{count}|{:?}", canonical_json(&doc), self.path());
        doc.uid = hex::encode(&Sha256::digest(seed.as_bytes())[..16]);
        let json = canonical_json(&doc);
        self.store.write(|tx| {
            let id = tx.insert_request(&doc, review_id, &json, &now)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "signoff_request",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(json.clone()),
            })?;
            Ok(id)
        })
    }

    fn request_row(&self, key: &str) -> Result<RequestRow> {
        let k = key.trim().trim_start_matches('#');
        let found = match k.parse::<i64>() {
            Ok(id) if k.len() < 16 => self.store.signoff_request(id)?,
            _ => self.store.signoff_request_by_uid(&k.to_ascii_lowercase())?,
        };
        found.ok_or_else(|| {
            Error::NotFound {
                entity: "sign-off request",
                key: format!("{key} (a request is named by its number, e.g. 3, or its uid)"),
            }
            .with_remedy(Remedy::ListSignoffRequests)
        })
    }

    fn request_view(&self, r: RequestRow) -> Result<RequestView> {
        let sigs = self.store.signoff_signatures(r.id)?;
        let current = self.current_snapshot(&r)?;
        let status = status_of(&r, &sigs, &current, self.ctx.clock.today());
        let changes = if status == Status::Stale {
            so::diff(&r.doc.snapshot, &current)
        } else {
            Vec::new()
        };
        let mut signatures = Vec::new();
        for s in &sigs {
            let subject =
                sign::cms::verify_detached(canonical_json(&s.statement).as_bytes(), &s.cms)
                    .map(|c| c.subject)
                    .map_err(|e| {
                        Error::Integrity(format!(
                            "the stored signature of {} on request {} no longer verifies: {e}",
                            s.statement.signer, r.id
                        ))
                    })?;
            signatures.push(SignatureView {
                signer: s.statement.signer.clone(),
                role: s.statement.role,
                decision: s.statement.decision,
                conditions: s.statement.conditions.clone(),
                signed_at: s.statement.signed_at.clone(),
                fingerprint: s.fingerprint.clone(),
                subject,
                imported_at: s.imported_at.clone(),
                imported_by: s.imported_by.clone(),
            });
        }
        let evidence_now = match (r.doc.gate, r.doc.system_id) {
            (Gate::PreDeployment, Some(id)) => {
                let today = self.ctx.clock.today();
                let s = self.system(id)?;
                Some(self.store.read(|tx| {
                    let policy = super::evidence::policy_in(tx)?;
                    super::evidence::status_in(tx, id, &s.draft, &policy, today)
                })?)
            }
            _ => None,
        };
        Ok(RequestView {
            id: r.id,
            tally: so::tally(&r.doc.rule, &r.doc.members, &votes(&sigs)),
            status,
            signatures,
            changes,
            current_hash: current.hash(),
            evidence: SnapshotEvidence::of(r.doc.snapshot.evidence.as_ref()),
            evidence_now,
            request: r.doc,
        })
    }

    /// What a request's snapshot is now: the system's record, or the review's outcome.
    fn current_snapshot(&self, r: &RequestRow) -> Result<Snapshot> {
        if let Some(period) = &r.doc.review {
            return self.review_outcome_snapshot(period);
        }
        let system = match r.doc.system_id {
            Some(id) => self.store.system(id)?,
            None => None,
        };
        match system {
            Some(s) => {
                let today = self.ctx.clock.today();
                let exception = r.doc.snapshot.evidence_exception();
                let mut snap = self
                    .store
                    .read(|tx| snapshot_in(tx, &s, r.doc.gate, today, exception.as_deref()))?;
                // A proposed change is judged by what the record would be with it made: the
                // request stays current while nothing else of the record changes, and once the
                // change is saved as proposed.
                if let Some(p) = &r.doc.proposed {
                    so::gate::apply_proposal(&mut snap, p);
                }
                Ok(snap)
            }
            None => Err(Error::Integrity(format!(
                "request {} names a system that is gone",
                r.id
            ))),
        }
    }

    /// A request with its computed status.
    pub fn request(&self, key: &str) -> Result<RequestView> {
        let r = self.request_row(key)?;
        self.request_view(r)
    }

    /// Every request, newest last, optionally of one system.
    pub fn requests(&self, system: Option<&str>) -> Result<Vec<RequestView>> {
        let only = system.map(|s| self.find_system(s)).transpose()?;
        self.store
            .signoff_requests()?
            .into_iter()
            .filter(|r| only.as_ref().is_none_or(|s| Some(s.id) == r.doc.system_id))
            .map(|r| self.request_view(r))
            .collect()
    }

    /// The request file for `key`, signed by the requester, who seals the log with the same
    /// identity (audited) as they sign.
    pub fn export_request(&mut self, key: &str, signer: &Signer) -> Result<Vec<u8>> {
        let r = self.request_row(key)?;
        let bytes = file::write_request(&r.doc, signer, self.ctx.clock.now())?;
        self.seal_audit(signer)?;
        Ok(bytes)
    }

    /// Imports one signer's signature file after every check: its signature over its content,
    /// that it is for a request of this workspace and for that request's snapshot, made with the
    /// board member's certificate in the stated role, not replayed. Conditions of an approval
    /// become an action for the system's owner.
    pub fn import_signature(&mut self, bytes: &[u8], name: &str) -> Result<RequestView> {
        let signed = file::read_signature(bytes, name)?;
        let st = &signed.statement;
        let Some(r) = self.store.signoff_request_by_uid(&st.request)? else {
            return Err(Error::Signature(format!(
                "{name}: signature for another request: request {} ({} of {}) is not in this workspace",
                st.request, st.gate, st.system
            )));
        };
        let member = file::check_statement(&r.doc, st, &signed.signer, name)?.clone();
        let cms_hash = hex::encode(Sha256::digest(&signed.cms));
        let sys = r.doc.system_id.map(|id| self.system(id)).transpose()?;
        // A review's outcome is signed when its request is approved: the signature that
        // completes the approval moves the review to signed, in the same transaction.
        let review = match &r.doc.review {
            Some(period) => Some((self.review_id(period)?, self.current_snapshot(&r)?)),
            None => None,
        };
        let today = self.ctx.clock.today();
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let json = canonical_json(st);
        self.store.write(|tx| {
            if let Some((req, at, by)) = tx.signature_by_cms_hash(&cms_hash)? {
                return Err(Error::Conflict(format!(
                    "{name}: replayed signature: this exact signature was already imported on {at} by {by} \
                     (request {req}); nothing was changed"
                )));
            }
            if let Some(prev) = tx
                .signoff_signatures(r.id)?
                .into_iter()
                .find(|s| s.fingerprint == member.fingerprint && s.statement.role == member.role)
            {
                return Err(Error::Conflict(format!(
                    "{name}: replayed signer: {} already signed request {} as {} ({} at {}); a member \
                     signs a request once; if the record changed, open a new request",
                    member.name, r.id, member.role, prev.statement.decision, prev.statement.signed_at
                )));
            }
            let sid = tx.insert_signature(
                r.id,
                &member.fingerprint,
                st,
                &json,
                &signed.cms,
                &cms_hash,
                &now,
                &actor,
            )?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "signoff_request",
                entity_id: r.id.to_string(),
                action: "import_signature",
                before: None,
                after: Some(json.clone()),
            })?;
            if let Some((review_id, current)) = &review {
                let sigs = tx.signoff_signatures(r.id)?;
                if status_of(&r, &sigs, current, today) == Status::Approved {
                    super::review_sign::mark_signed(tx, *review_id, r.id, &now, &actor)?;
                }
            }
            if let (Some(sys), Decision::ApproveWithConditions) = (&sys, st.decision) {
                let signed_on = DateTime::parse_from_rfc3339(&st.signed_at)
                    .map(|t| t.with_timezone(&Utc).date_naive())
                    .map_err(|e| Error::Signature(format!("{name}: signed_at: {e}")))?;
                let action = ActionRow {
                    id: 0,
                    request_id: r.id,
                    system_id: sys.id,
                    text: st.conditions.trim().to_string(),
                    owner: if sys.draft.owner.trim().is_empty() {
                        actor.clone()
                    } else {
                        sys.draft.owner.clone()
                    },
                    due: (signed_on + Duration::days(ACTION_DAYS)).to_string(),
                    created_at: now.clone(),
                };
                let aid = tx.insert_action(&action, sid)?;
                tx.append_audit(Change {
                    at: now.clone(),
                    actor: &actor,
                    entity: "signoff_action",
                    entity_id: aid.to_string(),
                    action: "create",
                    before: None,
                    after: Some(action_doc(&action)),
                })?;
            }
            Ok(())
        })?;
        self.request(&r.id.to_string())
    }

    /// Actions made from conditions of approvals, by due date.
    pub fn signoff_actions(&self) -> Result<Vec<ActionView>> {
        self.store
            .signoff_actions()?
            .into_iter()
            .map(|a| {
                Ok(ActionView {
                    system: self.system(a.system_id)?.draft.name,
                    id: a.id,
                    request_id: a.request_id,
                    text: a.text,
                    owner: a.owner,
                    due: a.due,
                    created_at: a.created_at,
                })
            })
            .collect()
    }
}

/// Reads and checks a request file (the requester's signature, the snapshot's hash) for review.
pub fn review_request(bytes: &[u8], name: &str) -> Result<RequestReview> {
    let (request, requester) = file::read_request(bytes, name)?;
    Ok(RequestReview {
        evidence: SnapshotEvidence::of(request.snapshot.evidence.as_ref()),
        request,
        requester,
    })
}

/// Signs a request file on the signer's own laptop: checks the file, then that `signer`'s
/// certificate is the board member's for `role` (and not the owner's or lead's when approving),
/// and returns the signature file's bytes.
pub fn sign_request(
    bytes: &[u8],
    name: &str,
    signer: &Signer,
    role: Role,
    decision: Decision,
    conditions: &str,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let (doc, _) = file::read_request(bytes, name)?;
    let cert = signer.certificate_info();
    let member_name = doc
        .members
        .iter()
        .find(|m| m.fingerprint == cert.fingerprint_sha256 && m.role == role)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| cert.common_name());
    let statement = Statement {
        request: doc.uid.clone(),
        snapshot_hash: doc.snapshot_hash.clone(),
        system: doc.system_name.clone(),
        gate: doc.gate,
        decision,
        conditions: conditions.trim().to_string(),
        role,
        signer: member_name,
        signed_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    };
    file::check_statement(&doc, &statement, &cert, name)?;
    file::write_signature(&statement, signer, now)
}

impl Workspace {
    /// The sign-off certificate of a request as a PDF, signed by `signer` when one is given.
    pub fn signoff_report_pdf(&self, key: &str, signer: Option<&Signer>) -> Result<Vec<u8>> {
        let at = self.ctx.clock.now();
        let v = self.request(key)?;
        let mut model = crate::report::signoff_report(
            &v,
            &crate::report::workspace_label(self),
            at,
            &self.ctx.actor,
        );
        if let Some(s) = signer {
            model.signature = Some(super::pack::signature_block(s, at));
        }
        let bytes = crate::report::render_pdf(&model)?;
        match signer {
            Some(s) => sign::pdf::sign_pdf(&bytes, s, at, "Sign-off certificate issued by Steward"),
            None => Ok(bytes),
        }
    }

    /// The sign-off certificate of a request as an .xlsx workbook.
    pub fn signoff_report_xlsx(&self, key: &str) -> Result<Vec<u8>> {
        let v = self.request(key)?;
        let model = crate::report::signoff_report(
            &v,
            &crate::report::workspace_label(self),
            self.ctx.clock.now(),
            &self.ctx.actor,
        );
        crate::report::render_xlsx(&model)
    }

    /// Writes the sign-off certificate to `out` as `format` (pdf or xlsx); only a PDF is signed.
    pub fn write_signoff_report(
        &self,
        key: &str,
        format: &str,
        signer: Option<&Signer>,
        out: &std::path::Path,
    ) -> Result<usize> {
        let bytes = match (format.trim_start_matches('.').to_ascii_lowercase().as_str(), signer) {
            ("pdf", s) => self.signoff_report_pdf(key, s)?,
            ("xlsx", None) => self.signoff_report_xlsx(key)?,
            ("xlsx", Some(_)) => {
                return Err(Error::Validation {
                    entity: "report",
                    fields: vec![FieldError::new("format", "only PDF reports carry a signature; sign an .xlsx by putting it in an audit pack")],
                })
            }
            (other, _) => {
                return Err(Error::Validation {
                    entity: "report",
                    fields: vec![FieldError::new("format", format!("unknown report format {other:?}; expected pdf or xlsx"))],
                })
            }
        };
        crate::files::write_atomically(out, &bytes)?;
        Ok(bytes.len())
    }

    /// The sign-off files of an audit pack: for each request with signatures, the request
    /// (`signoffs/request-N.json`), each signature file as imported
    /// (`signoffs/request-N/sig-K.json`), and the certificate as `reports/signoff-N.pdf`
    /// (signed) and `.xlsx`.
    pub(crate) fn signoff_pack_files(&self, signer: &Signer) -> Result<Vec<crate::pack::PackFile>> {
        let mut out = Vec::new();
        for r in self.store.signoff_requests()? {
            let sigs = self.store.signoff_signatures(r.id)?;
            if sigs.is_empty() {
                continue;
            }
            let key = r.id.to_string();
            out.push(crate::pack::PackFile {
                path: format!("signoffs/request-{}.json", r.id),
                bytes: serde_json::to_vec_pretty(&r.doc)
                    .map_err(|e| Error::Integrity(format!("request {}: {e}", r.id)))?,
            });
            for (k, s) in sigs.iter().enumerate() {
                out.push(crate::pack::PackFile {
                    path: format!("signoffs/request-{}/sig-{}.json", r.id, k + 1),
                    bytes: file::signature_file(&s.statement, &s.cms)?,
                });
            }
            out.push(crate::pack::PackFile {
                path: format!("reports/signoff-{}.pdf", r.id),
                bytes: self.signoff_report_pdf(&key, Some(signer))?,
            });
            out.push(crate::pack::PackFile {
                path: format!("reports/signoff-{}.xlsx", r.id),
                bytes: self.signoff_report_xlsx(&key)?,
            });
        }
        Ok(out)
    }
}
