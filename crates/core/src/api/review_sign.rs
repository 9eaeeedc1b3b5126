//! Signing a review's outcome: once every system in scope is decided, the outcome (the frozen
//! snapshot's hash, the decisions, the attendees and the actions) goes to the board as a sign-off
//! request under the workspace's `portfolio_review` rule, through the same request and
//! signature files as any sign-off, offline included. The signature that completes the
//! approval moves the review to signed; after that its decisions and actions no longer change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::review::{decision_of, header_of, snapshot_of, Attendee, DecisionView};
use super::signoff::RequestView;
use super::Workspace;
use crate::register::RiskTier;
use crate::review::ReviewState;
use crate::sign::request_file::RequestDoc;
use crate::signoff::{Gate, Snapshot, Status};
use crate::store::{ReviewRow, Tx};
use crate::{Error, Result};

/// What the board signs for a review: who met, on what (the frozen snapshot's SHA-256), and
/// what it decided and set in motion. Actions are listed without their progress, which moves
/// after the signing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewOutcome {
    pub period: String,
    pub title: String,
    #[ts(type = "string")]
    pub held_on: NaiveDate,
    pub chair: String,
    pub attendees: Vec<Attendee>,
    pub snapshot_hash: String,
    /// By system name.
    pub decisions: Vec<OutcomeDecision>,
    /// By due date, then system.
    pub actions: Vec<OutcomeAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutcomeDecision {
    pub system: String,
    pub decision: DecisionView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutcomeAction {
    pub system: String,
    pub title: String,
    pub owner: String,
    pub due: String,
}

/// Moves review `review_id` from decided to signed, audited, when request `request_id` (its
/// outcome's) is approved; called by the import of the signature that completes the approval.
pub(super) fn mark_signed(
    tx: &mut Tx<'_>,
    review_id: i64,
    request_id: i64,
    now: &str,
    actor: &str,
) -> Result<()> {
    let Some(row) = tx.review(review_id)? else {
        return Err(Error::Integrity(format!(
            "sign-off request {request_id} names review {review_id}, which is gone"
        )));
    };
    if row.state != ReviewState::Decided.key() {
        return Ok(());
    }
    tx.set_review_state(review_id, ReviewState::Signed.key(), now)?;
    super::review::audit_review(tx, review_id, Some(&row), "signed", now, actor)
}

fn state_of(row: &ReviewRow) -> ReviewState {
    ReviewState::parse(&row.state).unwrap_or(ReviewState::Draft)
}

impl Workspace {
    pub(super) fn review_id(&self, period: &str) -> Result<i64> {
        self.store.review_id_by_period(period)?.ok_or_else(|| {
            Error::Integrity(format!(
                "a sign-off request names review {period}, which is not in this workspace"
            ))
        })
    }

    fn outcome_of(&self, row: &ReviewRow) -> Result<ReviewOutcome> {
        let header = header_of(row)?;
        let name = |id: i64| -> Result<String> { Ok(self.system(id)?.draft.name) };
        let mut decisions = self
            .store
            .review_decisions(Some(row.id))?
            .into_iter()
            .map(|d| {
                Ok(OutcomeDecision {
                    system: name(d.system_id)?,
                    decision: decision_of(&d.doc)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        decisions.sort_by_cached_key(|d| d.system.to_lowercase());
        let mut actions = self
            .store
            .review_actions(Some(row.id))?
            .into_iter()
            .map(|a| {
                Ok(OutcomeAction {
                    system: name(a.system_id)?,
                    title: a.title,
                    owner: a.owner,
                    due: a.due,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        actions.sort_by(|a, b| (&a.due, &a.system, &a.title).cmp(&(&b.due, &b.system, &b.title)));
        Ok(ReviewOutcome {
            period: row.period.clone(),
            title: header.title,
            held_on: header.held_on,
            chair: header.chair,
            attendees: header.attendees,
            snapshot_hash: row.snapshot_hash.clone().unwrap_or_default(),
            decisions,
            actions,
        })
    }

    /// What the board signs for review `key` (its number or quarter), as it stands now.
    pub fn review_outcome(&self, key: &str) -> Result<ReviewOutcome> {
        let row = self.review_row(key)?;
        self.outcome_of(&row)
    }

    /// The snapshot a sign-off request of the review of `period` is compared with: its outcome
    /// now. A decision changed after the request makes the request stale.
    pub(super) fn review_outcome_snapshot(&self, period: &str) -> Result<Snapshot> {
        let id = self.review_id(period)?;
        let row = self.store.review(id)?.ok_or_else(|| {
            Error::Integrity(format!("review {period} vanished while it was read"))
        })?;
        let outcome = self.outcome_of(&row)?;
        Ok(Snapshot::of_review(
            serde_json::to_value(&outcome).map_err(|e| {
                Error::Integrity(format!(
                    "the outcome of review {period} cannot be written: {e}"
                ))
            })?,
        ))
    }

    /// Opens the sign-off request for a decided review's outcome, under the workspace's
    /// `portfolio_review` rule for the highest risk tier in the review's scope (a board that
    /// decides on a high-risk system signs as for high risk). The deadline defaults to the
    /// rule's `valid_days` from today. Export the request file with `export_request`; members
    /// sign it with `sign_request` and their files come back through `import_signature`.
    pub fn request_review_signoff(
        &mut self,
        key: &str,
        deadline: Option<NaiveDate>,
    ) -> Result<RequestView> {
        let row = self.review_row(key)?;
        match state_of(&row) {
            ReviewState::Decided => {}
            ReviewState::Signed => {
                return Err(Error::Conflict(format!(
                    "review {} is signed already; nothing was changed",
                    row.period
                )))
            }
            s => {
                return Err(Error::Conflict(format!(
                    "review {} is {}: the board signs its outcome once every system in scope is \
                     decided; nothing was changed",
                    row.period,
                    s.label().to_lowercase()
                )))
            }
        }
        if let Some(open) = self.review_signoff(&row.id.to_string())? {
            if open.status == Status::Pending {
                return Err(Error::Conflict(format!(
                    "review {} already has a pending sign-off request ({}, uid {}); export its \
                     file and collect the signatures, or wait until it is stale or expired",
                    row.period, open.id, open.request.uid
                )));
            }
        }
        let frozen = snapshot_of(row.snapshot.as_deref().unwrap_or_default())?;
        let tier = frozen
            .items
            .iter()
            .map(|i| i.scorecard.risk_tier)
            .max()
            .unwrap_or(RiskTier::Low);
        let gate = Gate::PortfolioReview;
        let (rule, board) = self.rule_in_force(
            gate,
            tier,
            &format!(" (the highest risk tier in review {})", row.period),
            &[],
        )?;
        let deadline = self.request_deadline(deadline, &rule.spec)?;
        let snapshot = self.review_outcome_snapshot(&row.period)?;
        let doc = RequestDoc {
            uid: String::new(),
            system_id: None,
            system_name: match header_of(&row)?.title {
                t if t.contains(&row.period) => t,
                t => format!("{t} ({})", row.period),
            },
            review: Some(row.period.clone()),
            gate,
            risk_tier: tier,
            board: board.name,
            members: board.members,
            rule: rule.spec,
            excluded: Vec::new(),
            snapshot_hash: snapshot.hash(),
            snapshot,
            requested_by: self.ctx.actor.clone(),
            requested_at: self.ctx.timestamp(),
            deadline,
            since_approval: None,
            proposed: None,
        };
        let id = self.insert_request(doc, Some(row.id))?;
        self.request(&id.to_string())
    }

    /// The latest sign-off request for review `key`'s outcome, with its computed status, if one
    /// was opened.
    pub fn review_signoff(&self, key: &str) -> Result<Option<RequestView>> {
        let id = match self.store.review_id_by_period(key.trim())? {
            Some(id) => id,
            None => self.review_row(key)?.id,
        };
        match self.store.review_signoff_requests(id)?.last() {
            Some(r) => Ok(Some(self.request(&r.id.to_string())?)),
            None => Ok(None),
        }
    }
}
