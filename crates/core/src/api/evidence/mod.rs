//! Validation evidence: runs and bias results entered by hand or removed (each audited), a
//! system's evidence with its status against the policy in force, every system's status, and the
//! policy in force (shipped, or the workspace's own set from a file, or reset). The records, the
//! policy and the status are `steward_domain::evidence`'s rules; this module reads, writes and
//! audits. Importing evidence from a file is `import.rs`; the gate that reads the status is
//! `api::gates`.

mod import;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

pub use import::{EvidenceImportOptions, EvidencePlan};

use super::review_rules::RulesOrigin;
use super::Workspace;
use crate::audit::canonical_json;
use crate::evidence::{
    self as ev, BiasDraft, BiasResult, EvidencePolicy, EvidenceState, EvidenceStatus, RunDraft,
    TierPolicy, ValidationRun,
};
use crate::register::{AiSystem, RiskTier, Stage, SystemDraft};
use crate::signoff::Gate;
use crate::store::{Change, Tx};
use crate::{Error, Result};

/// The settings key of the workspace's own evidence policy (the file's text).
pub(super) const POLICY_KEY: &str = "evidence_policy";

/// A system's evidence as its page shows it: every run and result (of every model version), the
/// status of the current version's against the tier's policy, and its shadow comparisons.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SystemEvidence {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub stage: Stage,
    /// The version whose evidence counts.
    pub model_version: String,
    pub policy: TierPolicy,
    /// Where the policy in force comes from.
    pub origin: RulesOrigin,
    pub status: EvidenceStatus,
    /// Whether the pre-deployment gate reads the status: the workspace has a pre-deployment
    /// sign-off rule for the system's risk tier.
    pub gated: bool,
    /// Every run, newest first.
    pub runs: Vec<ValidationRun>,
    /// Every bias result, newest first.
    pub bias: Vec<BiasResult>,
    /// The current version's shadow comparisons, newest first: new against incumbent.
    pub comparisons: Vec<ShadowComparison>,
}

/// A shadow comparison: the new model and the incumbent on the same data, metric by metric.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ShadowComparison {
    #[ts(type = "number")]
    pub run: i64,
    #[ts(type = "string")]
    pub date: NaiveDate,
    pub dataset: String,
    pub incumbent: String,
    pub metrics: Vec<ComparedMetric>,
}

/// One metric of a shadow comparison: the new model's value, the incumbent's, and new less
/// incumbent.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ComparedMetric {
    pub name: String,
    pub value: f64,
    pub incumbent: f64,
    pub change: f64,
}

/// One system's evidence status in a list of every system's.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvidenceSummary {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub stage: Stage,
    pub risk_tier: RiskTier,
    pub model_version: String,
    pub state: EvidenceState,
    /// Each check not met, missing or out of date, in a sentence.
    pub failing: Vec<String>,
    /// Runs and bias results of the current version.
    pub runs: u32,
    pub bias: u32,
    pub gated: bool,
}

/// The evidence policy in force and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EvidencePolicyInForce {
    pub origin: RulesOrigin,
    pub policy: EvidencePolicy,
}

/// The audited form of a run: the record as stored.
pub(super) fn run_doc(r: &ValidationRun) -> String {
    canonical_json(r)
}

/// The audited form of a bias result: the record as stored.
pub(super) fn bias_doc(b: &BiasResult) -> String {
    canonical_json(b)
}

/// The policy in force, read in `tx`.
pub(super) fn policy_in(tx: &Tx<'_>) -> Result<EvidencePolicy> {
    match tx.setting(POLICY_KEY)? {
        Some(t) => EvidencePolicy::from_toml(&t, "the workspace's evidence policy"),
        None => Ok(EvidencePolicy::default_policy()),
    }
}

/// The status of the evidence of system `id` as it would be with the record `d` (its risk tier
/// and model version), on `today`, under `policy`.
pub(super) fn status_in(
    tx: &Tx<'_>,
    id: i64,
    d: &SystemDraft,
    policy: &EvidencePolicy,
    today: NaiveDate,
) -> Result<EvidenceStatus> {
    let runs = tx.evidence_runs(Some(id))?;
    let bias = tx.bias_results(Some(id))?;
    Ok(ev::status(
        policy.tier(d.risk_tier),
        d.risk_tier,
        &d.model_version,
        &runs,
        &bias,
        today,
    ))
}

fn invalid(entity: &'static str, fields: Vec<crate::FieldError>) -> Error {
    Error::Validation { entity, fields }
}

impl Workspace {
    /// The evidence policy in force: the workspace's own, else the shipped one.
    pub fn evidence_policy(&self) -> Result<EvidencePolicy> {
        self.store.read(policy_in)
    }

    /// The evidence policy in force and where it comes from.
    pub fn evidence_policy_in_force(&self) -> Result<EvidencePolicyInForce> {
        Ok(EvidencePolicyInForce {
            origin: if self.store.setting(POLICY_KEY)?.is_some() {
                RulesOrigin::Workspace
            } else {
                RulesOrigin::BuiltIn
            },
            policy: self.evidence_policy()?,
        })
    }

    /// Sets the workspace's evidence policy from a file's text (checked first; errors name
    /// `origin`, the line and the key), or back to the shipped policy with `None`. Audited.
    pub fn set_evidence_policy(
        &mut self,
        text: Option<&str>,
        origin: &str,
    ) -> Result<EvidencePolicy> {
        let policy = match text {
            Some(t) => EvidencePolicy::from_toml(t, origin)?,
            None => EvidencePolicy::default_policy(),
        };
        self.set_file_setting(POLICY_KEY, ("evidence_policy", "workspace"), text)?;
        Ok(policy)
    }

    /// Sets the workspace's evidence policy from the TOML file at `path`, or resets it to the
    /// shipped policy with `None`.
    pub fn set_evidence_policy_file(
        &mut self,
        path: Option<&Path>,
    ) -> Result<EvidencePolicyInForce> {
        match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    Error::io(p, format!("cannot read the evidence policy file: {e}"))
                })?;
                self.set_evidence_policy(Some(&text), &p.display().to_string())?;
            }
            None => {
                self.set_evidence_policy(None, "")?;
            }
        }
        self.evidence_policy_in_force()
    }

    /// Records a validation run entered by hand, audited. A run of the same system, version,
    /// day, method, dataset and name is refused as recorded already.
    pub fn add_validation_run(&mut self, draft: RunDraft) -> Result<ValidationRun> {
        let today = self.ctx.clock.today();
        self.system(draft.system_id)?;
        let d = ev::check_run(draft, today).map_err(|f| invalid("validation run", f))?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let id = tx.insert_run(&d, &now, &actor)?;
            let saved = ValidationRun {
                id,
                draft: d.clone(),
                recorded_at: now.clone(),
                recorded_by: actor.clone(),
            };
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "evidence_run",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(run_doc(&saved)),
            })?;
            Ok(saved)
        })
    }

    /// Records a bias result entered by hand (its ratio and difference computed from the two
    /// rates where both are given), audited.
    pub fn add_bias_result(&mut self, draft: BiasDraft) -> Result<BiasResult> {
        let today = self.ctx.clock.today();
        self.system(draft.system_id)?;
        let d = ev::check_bias(draft, today).map_err(|f| invalid("bias result", f))?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let id = tx.insert_bias(&d, &now, &actor)?;
            let saved = BiasResult {
                id,
                draft: d.clone(),
                recorded_at: now.clone(),
                recorded_by: actor.clone(),
            };
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "evidence_bias",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(bias_doc(&saved)),
            })?;
            Ok(saved)
        })
    }

    /// Removes a validation run (recorded in error), audited with the run as it was.
    pub fn remove_validation_run(&mut self, id: i64) -> Result<ValidationRun> {
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let before = tx.evidence_run(id)?.ok_or_else(|| Error::NotFound {
                entity: "validation run",
                key: id.to_string(),
            })?;
            tx.delete_run(id)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "evidence_run",
                entity_id: id.to_string(),
                action: "delete",
                before: Some(run_doc(&before)),
                after: None,
            })?;
            Ok(before)
        })
    }

    /// Removes a bias result (recorded in error), audited with the result as it was.
    pub fn remove_bias_result(&mut self, id: i64) -> Result<BiasResult> {
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let before = tx.bias_result(id)?.ok_or_else(|| Error::NotFound {
                entity: "bias result",
                key: id.to_string(),
            })?;
            tx.delete_bias(id)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "evidence_bias",
                entity_id: id.to_string(),
                action: "delete",
                before: Some(bias_doc(&before)),
                after: None,
            })?;
            Ok(before)
        })
    }

    /// A system's evidence (by its name or id) with its status against the policy in force.
    pub fn system_evidence(&self, system: &str) -> Result<SystemEvidence> {
        let s = self.find_system(system)?;
        let today = self.ctx.clock.today();
        let origin = self.evidence_policy_in_force()?.origin;
        self.store.read(|tx| {
            let policy = policy_in(tx)?;
            let status = status_in(tx, s.id, &s.draft, &policy, today)?;
            let gated = tx
                .signoff_rule(Gate::PreDeployment, s.draft.risk_tier.key())?
                .is_some();
            let mut runs = tx.evidence_runs(Some(s.id))?;
            runs.reverse();
            let mut bias = tx.bias_results(Some(s.id))?;
            bias.reverse();
            let comparisons = runs
                .iter()
                .filter(|r| {
                    r.draft.method == ev::Method::Shadow
                        && r.draft.model_version == s.draft.model_version
                })
                .map(comparison)
                .collect();
            Ok(SystemEvidence {
                system_id: s.id,
                system: s.draft.name.clone(),
                stage: s.draft.stage,
                model_version: s.draft.model_version.clone(),
                policy: policy.tier(s.draft.risk_tier).clone(),
                origin,
                status,
                gated,
                runs,
                bias,
                comparisons,
            })
        })
    }

    /// Every system's evidence status but the retired ones', in the register's order.
    pub fn evidence_statuses(&self) -> Result<Vec<EvidenceSummary>> {
        let today = self.ctx.clock.today();
        self.store.read(|tx| {
            let policy = policy_in(tx)?;
            let mut runs: HashMap<i64, Vec<ValidationRun>> = HashMap::new();
            for r in tx.evidence_runs(None)? {
                runs.entry(r.draft.system_id).or_default().push(r);
            }
            let mut bias: HashMap<i64, Vec<BiasResult>> = HashMap::new();
            for b in tx.bias_results(None)? {
                bias.entry(b.draft.system_id).or_default().push(b);
            }
            let mut out = Vec::new();
            for s in tx.all_systems()? {
                if s.draft.stage == Stage::Retired {
                    continue;
                }
                out.push(summary(tx, &s, &policy, &runs, &bias, today)?);
            }
            Ok(out)
        })
    }
}

fn summary(
    tx: &Tx<'_>,
    s: &AiSystem,
    policy: &EvidencePolicy,
    runs: &HashMap<i64, Vec<ValidationRun>>,
    bias: &HashMap<i64, Vec<BiasResult>>,
    today: NaiveDate,
) -> Result<EvidenceSummary> {
    let none = Vec::new();
    let (r, b) = (
        runs.get(&s.id).unwrap_or(&none),
        bias.get(&s.id).map_or(&[][..], Vec::as_slice),
    );
    let d = &s.draft;
    let st = ev::status(
        policy.tier(d.risk_tier),
        d.risk_tier,
        &d.model_version,
        r,
        b,
        today,
    );
    let current = |v: &str| v == d.model_version;
    Ok(EvidenceSummary {
        system_id: s.id,
        system: d.name.clone(),
        stage: d.stage,
        risk_tier: d.risk_tier,
        model_version: d.model_version.clone(),
        failing: st.failing().into_iter().map(str::to_string).collect(),
        state: st.state,
        runs: r.iter().filter(|x| current(&x.draft.model_version)).count() as u32,
        bias: b.iter().filter(|x| current(&x.draft.model_version)).count() as u32,
        gated: tx
            .signoff_rule(Gate::PreDeployment, d.risk_tier.key())?
            .is_some(),
    })
}

/// A shadow run as new against incumbent, metric by metric (a metric without the incumbent's
/// value, which a shadow run does not record, is left out).
fn comparison(r: &ValidationRun) -> ShadowComparison {
    ShadowComparison {
        run: r.id,
        date: r.draft.date,
        dataset: r.draft.dataset.clone(),
        incumbent: r.draft.incumbent.clone(),
        metrics: r
            .draft
            .metrics
            .iter()
            .filter_map(|m| {
                m.incumbent.map(|i| ComparedMetric {
                    name: m.name.clone(),
                    value: m.value,
                    incumbent: i,
                    change: m.value - i,
                })
            })
            .collect(),
    }
}

/// The evidence a pre-deployment request is bound to, as its snapshot holds it: the policy the
/// system's tier is held to, the current version's runs and bias results as recorded, the status
/// on `today`, and the reason of the `exception` the board is asked to approve, if any. None when
/// the system has no evidence and no exception is asked for, so snapshots of systems without
/// evidence hash as they did before evidence existed.
pub(super) fn snapshot_section(
    tx: &Tx<'_>,
    id: i64,
    d: &SystemDraft,
    today: NaiveDate,
    exception: Option<&str>,
) -> Result<Option<serde_json::Value>> {
    let runs = tx.evidence_runs(Some(id))?;
    let bias = tx.bias_results(Some(id))?;
    if runs.is_empty() && bias.is_empty() && exception.is_none() {
        return Ok(None);
    }
    let policy = policy_in(tx)?;
    let tier = policy.tier(d.risk_tier);
    let status = ev::status(tier, d.risk_tier, &d.model_version, &runs, &bias, today);
    let current = |v: &str| v == d.model_version;
    let section = ev::SnapshotEvidence {
        model_version: d.model_version.clone(),
        policy: tier.clone(),
        runs: runs
            .into_iter()
            .filter(|r| current(&r.draft.model_version))
            .collect(),
        bias: bias
            .into_iter()
            .filter(|b| current(&b.draft.model_version))
            .collect(),
        status,
        exception: exception.map(str::to_string),
    };
    let section = serde_json::to_value(&section).map_err(|e| {
        Error::Integrity(format!(
            "the evidence of system {id} cannot be written: {e}"
        ))
    })?;
    Ok(Some(section))
}
