//! Which gates a change of a system crosses, as pure rules: reaching production (the
//! pre-deployment gate) or retired (the retirement gate), being registered at once at a stage
//! beyond one of them, and a major change of a system in service. [`MAJOR_FIELDS`] is the one
//! declaration of what a major change is. Whether a gate is open (the workspace's rules, its
//! sign-offs, the decommissioning checklist) is decided by the API from the store; nothing here
//! reads one.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{Gate, Snapshot};
use crate::register::{AiSystem, Stage, SystemDraft};

/// The fields of a system's record whose change, while the system is in service (production or
/// deprecated), is a *major change*: what it is for, what kind of model it is and whose, where it
/// is regulated, how it is classified and rated, what data it touches, and a new model: a
/// retraining (`last_retrained`) or another model version (`model_version`). Keys of
/// [`SystemDraft`]'s JSON, in the register's column order. Any other field of a system in
/// service may change without a sign-off.
pub const MAJOR_FIELDS: &[&str] = &[
    "purpose",
    "sourcing",
    "vendor",
    "model_approach",
    "regulated_domain",
    "eu_ai_act_category",
    "risk_tier",
    "data_sensitivity",
    "last_retrained",
    "model_version",
];

/// Whether a system at `stage` is in service: its model runs for its users (production, and
/// deprecated while its users are given notice).
pub fn in_service(stage: Stage) -> bool {
    matches!(stage, Stage::Production | Stage::Deprecated)
}

/// The major fields (see [`MAJOR_FIELDS`]) that differ between `before` and `after`, when the
/// system is in service on both sides of the change; empty otherwise. A system that leaves
/// service for development to be reworked comes back through staging and the pre-deployment gate.
pub fn major_changes(before: &SystemDraft, after: &SystemDraft) -> Vec<&'static str> {
    if !(in_service(before.stage) && in_service(after.stage)) {
        return Vec::new();
    }
    let (b, a) = (fields_of(before), fields_of(after));
    MAJOR_FIELDS
        .iter()
        .copied()
        .filter(|f| b.get(*f) != a.get(*f))
        .collect()
}

fn fields_of(d: &SystemDraft) -> serde_json::Map<String, Value> {
    match serde_json::to_value(d) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

/// A gate a change of a system crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crossing {
    /// The system reaches `stage`, which lies beyond `gate`: production (and, for a new record,
    /// deprecated) beyond the pre-deployment gate, retired beyond the retirement gate.
    Stage { gate: Gate, stage: Stage },
    /// A major change of a system in service: the major fields it changes.
    Major { fields: Vec<&'static str> },
}

impl Crossing {
    /// The sign-off gate crossed.
    pub fn gate(&self) -> Gate {
        match self {
            Crossing::Stage { gate, .. } => *gate,
            Crossing::Major { .. } => Gate::MajorChange,
        }
    }

    /// The fields of the record the crossing is about, e.g. for locating it in an import.
    pub fn fields(&self) -> Vec<&'static str> {
        match self {
            Crossing::Stage { .. } => vec!["stage"],
            Crossing::Major { fields } => fields.clone(),
        }
    }
}

/// The gates a change crosses: `before` is the record as stored, None for a new record. A new
/// record at production or deprecated has skipped the pre-deployment gate, and one at retired
/// the retirement gate; an existing one crosses a gate when its stage moves to production or to
/// retired, and the major-change gate when a major field of a system in service changes.
pub fn crossings(before: Option<&SystemDraft>, after: &SystemDraft) -> Vec<Crossing> {
    let stage_gate = |stage: Stage, new: bool| match stage {
        Stage::Production => Some(Gate::PreDeployment),
        Stage::Deprecated if new => Some(Gate::PreDeployment),
        Stage::Retired => Some(Gate::Retirement),
        _ => None,
    };
    let mut out = Vec::new();
    let moved = before.is_none_or(|b| b.stage != after.stage);
    if moved {
        if let Some(gate) = stage_gate(after.stage, before.is_none()) {
            out.push(Crossing::Stage {
                gate,
                stage: after.stage,
            });
        }
    }
    if let Some(b) = before {
        let fields = major_changes(b, after);
        if !fields.is_empty() {
            out.push(Crossing::Major { fields });
        }
    }
    out
}

/// One field a major-change request proposes to change: its value in the record when the
/// request was opened and the value proposed, each as canonical JSON (None where absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProposedChange {
    /// A field of the system record, e.g. `purpose`.
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The fields of `proposed` that differ from `current`, as a request proposes them. Lifecycle
/// fields (stage, deployment date, timestamps) are not part of a snapshot, so not of a proposal.
pub fn proposal(current: &AiSystem, proposed: &AiSystem) -> Vec<ProposedChange> {
    crate::audit::diff_fields(
        "",
        Some(&Snapshot::of(current).system),
        Some(&Snapshot::of(proposed).system),
    )
    .into_iter()
    .map(|c| ProposedChange {
        field: c.field,
        from: c.before,
        to: c.after,
    })
    .collect()
}

/// `snapshot` (of a system's record as it is) with the `proposal` applied: what the record would
/// be once the proposed change is made. A request for a proposed change is stale when this no
/// longer equals the snapshot it was opened with.
pub fn apply_proposal(snapshot: &mut Snapshot, proposal: &[ProposedChange]) {
    let Value::Object(map) = &mut snapshot.system else {
        return;
    };
    for c in proposal {
        match c.to.as_deref().map(serde_json::from_str::<Value>) {
            Some(Ok(v)) => {
                map.insert(c.field.clone(), v);
            }
            Some(Err(_)) | None => {
                map.remove(&c.field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::{DataSensitivity, EuAiActCategory, RegulatedDomain, RiskTier, Sourcing};

    fn live() -> SystemDraft {
        let mut d = SystemDraft::new("Churn");
        d.stage = Stage::Production;
        d
    }

    /// An edit of a draft on a given day.
    type Edit = fn(&mut SystemDraft, chrono::NaiveDate);

    /// Each major field, changed alone on a system in production, is named; nothing else is.
    #[test]
    fn every_major_field_is_a_major_change() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
        let edits: Vec<(&str, Edit)> = vec![
            ("purpose", |d, _| d.purpose = "Now also prices".into()),
            ("sourcing", |d, _| d.sourcing = Sourcing::Vendor),
            ("vendor", |d, _| d.vendor = "Acme".into()),
            ("model_approach", |d, _| d.model_approach = "LLM".into()),
            ("regulated_domain", |d, _| {
                d.regulated_domain = RegulatedDomain::Finance
            }),
            ("eu_ai_act_category", |d, _| {
                d.eu_ai_act_category = Some(EuAiActCategory::HighRisk)
            }),
            ("risk_tier", |d, _| d.risk_tier = RiskTier::High),
            ("data_sensitivity", |d, _| {
                d.data_sensitivity = DataSensitivity::Restricted
            }),
            ("last_retrained", |d, day| d.last_retrained = Some(day)),
            ("model_version", |d, _| d.model_version = "2.0".into()),
        ];
        assert_eq!(
            edits.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            MAJOR_FIELDS,
            "the test covers the declaration, in its order"
        );
        for (field, edit) in edits {
            let mut after = live();
            edit(&mut after, date);
            assert_eq!(major_changes(&live(), &after), vec![field], "{field}");
        }
        let mut after = live();
        after.owner = "Someone else".into();
        after.tags = vec!["retention".into()];
        after.annual_value = Some(10.0);
        assert!(
            major_changes(&live(), &after).is_empty(),
            "owner, tags and value are not major"
        );
    }

    #[test]
    fn every_major_field_is_a_field_of_the_record() {
        let keys = fields_of(&SystemDraft::new("x"));
        let mut d = SystemDraft::new("x");
        d.last_retrained = Some(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"));
        d.model_version = "2.0".into();
        let with_optional = fields_of(&d);
        for f in MAJOR_FIELDS {
            assert!(
                keys.contains_key(*f) || with_optional.contains_key(*f),
                "{f} is a key of the record's JSON, so a rename cannot leave it unenforced"
            );
        }
    }

    #[test]
    fn only_a_system_in_service_has_major_changes() {
        for (from, to, major) in [
            (Stage::Production, Stage::Production, true),
            (Stage::Production, Stage::Deprecated, true),
            (Stage::Deprecated, Stage::Production, true),
            (Stage::Staging, Stage::Staging, false),
            (Stage::Staging, Stage::Production, false),
            (Stage::Production, Stage::Development, false),
        ] {
            let mut b = SystemDraft::new("x");
            b.stage = from;
            let mut a = b.clone();
            a.stage = to;
            a.purpose = "changed".into();
            assert_eq!(
                !major_changes(&b, &a).is_empty(),
                major,
                "{from} -> {to} with a new purpose"
            );
        }
    }

    fn check(before: Option<Stage>, after: Stage, expected: &[Gate]) {
        let b = before.map(|s| {
            let mut d = SystemDraft::new("x");
            d.stage = s;
            d
        });
        let mut a = SystemDraft::new("x");
        a.stage = after;
        let got: Vec<Gate> = crossings(b.as_ref(), &a)
            .iter()
            .map(Crossing::gate)
            .collect();
        assert_eq!(got, expected, "{before:?} -> {after}");
    }

    #[test]
    fn the_gates_each_stage_change_crosses() {
        use Gate::*;
        check(None, Stage::Proposed, &[]);
        check(None, Stage::Staging, &[]);
        check(None, Stage::Production, &[PreDeployment]);
        check(None, Stage::Deprecated, &[PreDeployment]);
        check(None, Stage::Retired, &[Retirement]);
        check(Some(Stage::Staging), Stage::Production, &[PreDeployment]);
        check(Some(Stage::Deprecated), Stage::Production, &[PreDeployment]);
        check(Some(Stage::Production), Stage::Production, &[]);
        check(Some(Stage::Production), Stage::Deprecated, &[]);
        check(Some(Stage::Deprecated), Stage::Retired, &[Retirement]);
        check(Some(Stage::Retired), Stage::Retired, &[]);
    }

    #[test]
    fn a_proposal_applied_to_the_record_gives_the_proposed_record() {
        let system = |d: SystemDraft| AiSystem {
            id: 3,
            draft: d,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let now = system(live());
        let mut d = live();
        d.purpose = "Prices renewals".into();
        d.risk_tier = RiskTier::High;
        d.sponsor = "Julian".into();
        let proposed = system(d);
        let p = proposal(&now, &proposed);
        let fields: Vec<&str> = p.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["purpose", "risk_tier", "sponsor"], "{p:?}");
        let mut snap = Snapshot::of(&now);
        apply_proposal(&mut snap, &p);
        assert_eq!(snap, Snapshot::of(&proposed), "applied, it is the proposal");
        // Proposed back: the sponsor, absent from the record's JSON when empty, is removed.
        let back = proposal(&proposed, &now);
        let mut snap = Snapshot::of(&proposed);
        apply_proposal(&mut snap, &back);
        assert_eq!(snap, Snapshot::of(&now));
    }
}
