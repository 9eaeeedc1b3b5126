//! The gates of the lifecycle, in one place. Every write of a system record passes [`check`]
//! before it is made: adding one, editing, changing its stage, retiring, an import's rows and an
//! assessment's tier decision (through `systems::insert_audited` and `update_audited`), and an
//! import's dry run asks it too, so the plan shows what the write would refuse. Which gates a
//! change crosses is the pure rule `signoff::gate::crossings`; this module decides whether each
//! is open from the workspace (its rules, sign-off requests and signatures, the validation
//! evidence against the evidence policy, and the decommissioning checklist). It writes nothing;
//! a passage by the board's evidence exception is returned for the write to record.

use chrono::NaiveDate;

use super::signoff::{snapshot_of, status_of};
use crate::calendar::ItemState;
use crate::error::Remedy;
use crate::evidence::EvidenceStatus;
use crate::register::{AiSystem, RiskTier, Stage, SystemDraft};
use crate::signoff::gate::{crossings, Crossing};
use crate::signoff::{self as so, Gate, Status};
use crate::store::Tx;
use crate::{Error, Result};

/// A pre-deployment gate passed by the board's evidence exception rather than by evidence that
/// meets the policy: the approved request that asked for it, its reason, and the status its
/// board signed (the status in force, or the request would be stale).
#[derive(Debug, Clone)]
pub(super) struct Exception {
    pub request: i64,
    pub uid: String,
    pub reason: String,
    pub status: EvidenceStatus,
}

/// Refuses a write of a system that crosses a gate which is not open: `before` is the record as
/// stored (None for a new one), `after` the record about to be written, `today` the day of the
/// change. The error is `Error::Gate` naming the system, the gate, the rule in force and what to
/// do instead. Returns the evidence exception the change passes by, if it passes by one.
pub(super) fn check(
    tx: &Tx<'_>,
    before: Option<&AiSystem>,
    after: &SystemDraft,
    today: NaiveDate,
) -> Result<Option<Exception>> {
    let mut exception = None;
    for crossing in crossings(before.map(|b| &b.draft), after) {
        match before {
            None => entry(tx, after, &crossing)?,
            Some(b) => exception = passage(tx, b, after, &crossing, today)?.or(exception),
        }
    }
    Ok(exception)
}

fn refused(system: &str, crossing: &Crossing, message: String) -> Error {
    Error::Gate {
        system: system.to_string(),
        gate: crossing.gate().key().to_string(),
        fields: crossing.fields().iter().map(|f| f.to_string()).collect(),
        message,
    }
}

/// A new record at a stage beyond a gate. No sign-off request can exist for a system not yet in
/// the register, and no decommissioning checklist: a new record is refused at retired always
/// (the checklist is not a rule a workspace switches on), and at production or deprecated when
/// the workspace has a pre-deployment rule for its risk tier (without one that gate is open).
fn entry(tx: &Tx<'_>, d: &SystemDraft, crossing: &Crossing) -> Result<()> {
    let Crossing::Stage { gate, stage } = crossing else {
        return Ok(());
    };
    let message = match gate {
        Gate::Retirement => format!(
            "{} cannot be added as retired: a system is retired through its decommissioning \
             checklist (notice to downstream owners, artifacts archived, resources reclaimed, \
             ...), which a system not yet in the register cannot have; add it at the stage it is \
             in (or was in before it was switched off), start its retirement, close each item of \
             the checklist (done, or waived with a reason) and then retire it",
            d.name
        ),
        _ => {
            let Some(rule) = tx.signoff_rule(*gate, d.risk_tier.key())? else {
                return Ok(());
            };
            format!(
                "{} cannot be added at stage {stage}: a system reaches production through the {} \
                 gate, and the workspace's {} rule for risk tier {} (board {:?}) asks for an \
                 approved sign-off, which a system not yet in the register cannot have; add it at \
                 an earlier stage (proposed to staging), open a {} sign-off request for it, and \
                 move it to production once the board has approved it",
                d.name,
                gate.label().to_lowercase(),
                gate.key(),
                d.risk_tier,
                rule.board,
                gate.label().to_lowercase(),
            )
        }
    };
    Err(
        refused(&d.name, crossing, message).with_remedy(Remedy::AddAtEarlierStage {
            system: d.name.clone(),
            stage: stage.key().into(),
        }),
    )
}

/// A change of an existing record that crosses a gate: the decommissioning checklist before
/// retired, then the sign-off the gate asks for.
fn passage(
    tx: &Tx<'_>,
    before: &AiSystem,
    after: &SystemDraft,
    crossing: &Crossing,
    today: NaiveDate,
) -> Result<Option<Exception>> {
    if let Crossing::Stage {
        stage: Stage::Retired,
        ..
    } = crossing
    {
        checklist(tx, before, crossing)?;
    }
    signoff(tx, before, after, crossing, today)
}

/// A system reaches retired only when its decommissioning checklist exists and every item is
/// done or waived.
fn checklist(tx: &Tx<'_>, before: &AiSystem, crossing: &Crossing) -> Result<()> {
    let items = tx.checklist(before.id)?;
    let name = &before.draft.name;
    let from = before.draft.stage;
    if items.is_empty() {
        return Err(refused(
            name,
            crossing,
            format!(
                "{name} cannot move from {from} to retired: a system is retired through its \
                 decommissioning checklist, which has not been started"
            ),
        )
        .with_remedy(Remedy::StartRetirement {
            system: name.clone(),
        }));
    }
    let open: Vec<String> = items
        .iter()
        .filter(|i| i.state == ItemState::Open)
        .map(|i| format!("{} ({}, due {})", i.key, i.owner, i.due))
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(refused(
        name,
        crossing,
        format!(
            "{name} cannot move from {from} to retired: the decommissioning checklist has {} open \
             item(s): {}; mark each done or waive it with a reason",
            open.len(),
            open.join("; ")
        ),
    ))
}

/// The sign-off a crossing asks for, wherever the workspace has a rule for its gate and the
/// system's risk tier (before or after the change; without one the gate is open): a request at
/// that gate whose board approved exactly the record being saved. "Approved" is computed against
/// that record, so a request whose snapshot differs (stale, or a different proposed change)
/// does not open the gate. At the pre-deployment gate the system's validation evidence must
/// also meet the evidence policy of its tier, or the approved request must be one that asked
/// its board for an evidence exception (the snapshot signed holds the reason and the status, so
/// it is approved only while that status is the one in force).
fn signoff(
    tx: &Tx<'_>,
    before: &AiSystem,
    after: &SystemDraft,
    crossing: &Crossing,
    today: NaiveDate,
) -> Result<Option<Exception>> {
    let gate = crossing.gate();
    let mut tiers = vec![before.draft.risk_tier];
    if after.risk_tier != before.draft.risk_tier {
        tiers.push(after.risk_tier);
    }
    let mut governed: Vec<(RiskTier, String)> = Vec::new();
    for t in tiers {
        if let Some(rule) = tx.signoff_rule(gate, t.key())? {
            governed.push((t, rule.board));
        }
    }
    if governed.is_empty() {
        return Ok(None);
    }
    let evidence = if gate == Gate::PreDeployment {
        let policy = super::evidence::policy_in(tx)?;
        Some(super::evidence::status_in(
            tx, before.id, after, &policy, today,
        )?)
    } else {
        None
    };
    let failing = evidence.as_ref().filter(|e| !e.state.passes());
    let current = snapshot_of(tx, before.id, after, gate, today, None)?;
    let mut seen = Vec::new();
    let mut matching = false;
    let mut approved_without_exception = Vec::new();
    for r in tx.signoff_requests_for(before.id, gate)? {
        let sigs = tx.signoff_signatures(r.id)?;
        // A request that asks for an evidence exception is bound to the evidence with it.
        let exception = r.doc.snapshot.evidence_exception();
        let current = match &exception {
            Some(reason) => snapshot_of(tx, before.id, after, gate, today, Some(reason))?,
            None => current.clone(),
        };
        let st = status_of(&r, &sigs, &current, today);
        if st == Status::Approved {
            match (failing, exception) {
                (None, _) => return Ok(None),
                (Some(status), Some(reason)) => {
                    return Ok(Some(Exception {
                        request: r.id,
                        uid: r.doc.uid.clone(),
                        reason,
                        status: status.clone(),
                    }))
                }
                (Some(_), None) => {
                    approved_without_exception.push(r.id);
                    matching = true;
                    seen.push(format!(
                        "request {} is approved, but it did not ask its board for an evidence \
                         exception",
                        r.id
                    ));
                    continue;
                }
            }
        }
        let mut line = format!("request {} is {st}", r.id);
        if st == Status::Stale {
            let fields: Vec<String> = so::diff(&r.doc.snapshot, &current)
                .into_iter()
                .map(|c| c.field)
                .collect();
            if gate == Gate::MajorChange {
                // Whatever its board decided, it was about another record than this one.
                let votes = status_of(&r, &sigs, &r.doc.snapshot, today);
                line = format!(
                    "request {} ({votes}) is for a different change: the record would differ \
                     from it in {}",
                    r.id,
                    fields.join(", ")
                );
            } else {
                line.push_str(&format!(" (changed since: {})", fields.join(", ")));
            }
        } else {
            matching = true;
        }
        seen.push(line);
    }
    let rules: Vec<String> = governed
        .iter()
        .map(|(t, board)| format!("risk tier {t}, board {board:?}"))
        .collect();
    let requests = if seen.is_empty() {
        "there is no request yet".to_string()
    } else {
        seen.join("; ")
    };
    let name = &before.draft.name;
    let gate_name = gate.label().to_lowercase();
    let evidence_part = failing.map(|e| {
        format!(
            "its validation evidence for {} does not meet the evidence policy for risk tier {} \
             ({}): {}",
            if e.model_version.is_empty() {
                "its model (no version recorded)".to_string()
            } else {
                format!("model version {}", e.model_version)
            },
            e.tier,
            e.state.label().to_lowercase(),
            e.failing().join("; ")
        )
    });
    let message = match (crossing, &evidence_part) {
        (Crossing::Stage { stage, .. }, Some(ev)) if !approved_without_exception.is_empty() => {
            format!(
                "{name} cannot move from {} to {stage}: {ev}; {requests}; production needs \
                 evidence that meets the policy, or an approved {gate_name} request that asks \
                 the board for an evidence exception",
                before.draft.stage,
            )
        }
        (Crossing::Stage { stage, .. }, Some(ev)) => format!(
            "{name} cannot move from {} to {stage}: it needs an approved {gate_name} sign-off \
             (the workspace has a {} rule for {}), and {ev}; {requests}",
            before.draft.stage,
            gate.key(),
            rules.join(" and ")
        ),
        (Crossing::Stage { stage, .. }, None) => format!(
            "{name} cannot move from {} to {stage}: it needs an approved {gate_name} sign-off \
             (the workspace has a {} rule for {}); {requests}",
            before.draft.stage,
            gate.key(),
            rules.join(" and ")
        ),
        (Crossing::Major { fields }, _) => format!(
            "{name} is {} and this change of it is major ({}): it needs an approved {gate_name} \
             sign-off of exactly this change (the workspace has a {} rule for {}); {requests}",
            if before.draft.stage == Stage::Production {
                "in production"
            } else {
                "deprecated, still in service,"
            },
            labels(fields).join(", "),
            gate.key(),
            rules.join(" and ")
        ),
    };
    let err = refused(name, crossing, message);
    Err(match crossing {
        Crossing::Major { fields } if !matching => err.with_remedy(Remedy::ProposeMajorChange {
            system: name.clone(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        }),
        Crossing::Stage { .. } if failing.is_some() => err.with_remedy(Remedy::ProvideEvidence {
            system: name.clone(),
        }),
        Crossing::Stage { .. } if seen.is_empty() => err.with_remedy(Remedy::OpenSignoffRequest {
            system: name.clone(),
            gate: gate.key().into(),
        }),
        _ => err,
    })
}

/// The register's labels of fields given by key (the headers an export writes).
pub(super) fn labels(fields: &[&str]) -> Vec<String> {
    fields
        .iter()
        .map(|f| {
            crate::import::systems::SPECS
                .iter()
                .find(|s| s.key == *f)
                .map_or_else(|| f.to_string(), |s| s.label.to_lowercase())
        })
        .collect()
}
