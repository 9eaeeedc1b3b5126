//! What crosses to the desktop UI besides the records themselves: the error as the UI receives
//! it, a summary of the open workspace, and the labels of the closed value sets. Serializable
//! shapes only; no rule is decided here.

use serde::Serialize;
use ts_rs::TS;

use super::assess::AssessmentStatus;
use super::connect::SslMode;
use super::Workspace;
use crate::calendar::{EventKind, EventState, ItemState, MilestoneKind};
use crate::error::Remedy;
use crate::evidence::{BiasMetric, CheckKind, EvidenceState, Method};
use crate::import::ImportProblem;
use crate::kpi::{Cadence, Direction, EscalationState, KpiKind, Status};
use crate::pack::FindingLevel;
use crate::register::{
    DataSensitivity, EuAiActCategory, RegulatedDomain, RiskTier, Sourcing, Stage,
};
use crate::review::{BudgetLine, Disposition, ReviewState, TimeCategory};
use crate::signoff::{Decision, Gate, Role, Status as SignoffStatus};
use crate::tco::OptionType;
use crate::{Error, FieldError, Result};

/// An error as the UI receives it. The UI switches on `code` (see [`Error::code`]); `fields`
/// locates a validation error on the form, `problems` lists what is wrong with an import file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WireError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fields: Option<Vec<FieldError>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub problems: Option<Vec<ImportProblem>>,
    /// What the person can do about it, as facts; the UI words it for its screens.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remedy: Option<Box<Remedy>>,
}

impl WireError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        WireError {
            code: code.into(),
            message: message.into(),
            fields: None,
            problems: None,
            remedy: None,
        }
    }
}

impl From<Error> for WireError {
    fn from(e: Error) -> Self {
        let mut w = WireError::new(e.code(), e.to_string());
        w.remedy = e.remedy().cloned().map(Box::new);
        match e.into_inner() {
            Error::Validation { fields, .. } => w.fields = Some(fields),
            Error::Import { problems } => w.problems = Some(problems),
            _ => {}
        }
        w
    }
}

/// The open workspace, for the window title and the first-start welcome.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WorkspaceInfo {
    /// The database file, or where the team workspace is.
    pub path: String,
    /// Who the changes are recorded as.
    pub actor: String,
    /// How many systems the register holds; 0 on first start.
    #[ts(type = "number")]
    pub systems: usize,
    /// Whether the workspace file is encrypted with a passphrase.
    pub encrypted: bool,
    /// On a team workspace, where it is (`postgres://user@host:port/database`, never with a
    /// password; also its `path`), and `actor` is the database user signed in as.
    pub team: Option<String>,
}

impl Workspace {
    pub fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            path: match (self.path(), self.team()) {
                (Some(p), _) => p.display().to_string(),
                (None, Some(team)) => team.to_string(),
                (None, None) => ":memory:".into(),
            },
            actor: self.ctx.actor.clone(),
            systems: self.store.all_systems()?.len(),
            encrypted: self.store.is_encrypted(),
            team: self.team().map(str::to_string),
        })
    }
}

/// One value of a closed set and how to show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Labelled<T: TS> {
    pub key: T,
    pub label: String,
}

/// The labels of every closed value set (register, KPIs, calendar, sign-offs, reviews), in their defined
/// order, so the UI never spells them a second time.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Vocabulary {
    pub stages: Vec<Labelled<Stage>>,
    pub sourcing: Vec<Labelled<Sourcing>>,
    pub regulated_domains: Vec<Labelled<RegulatedDomain>>,
    pub eu_ai_act_categories: Vec<Labelled<EuAiActCategory>>,
    pub risk_tiers: Vec<Labelled<RiskTier>>,
    pub data_sensitivities: Vec<Labelled<DataSensitivity>>,
    pub kpi_kinds: Vec<Labelled<KpiKind>>,
    pub directions: Vec<Labelled<Direction>>,
    pub cadences: Vec<Labelled<Cadence>>,
    pub kpi_statuses: Vec<Labelled<Status>>,
    pub escalation_states: Vec<Labelled<EscalationState>>,
    pub event_kinds: Vec<Labelled<EventKind>>,
    pub event_states: Vec<Labelled<EventState>>,
    pub milestone_kinds: Vec<Labelled<MilestoneKind>>,
    pub item_states: Vec<Labelled<ItemState>>,
    pub signoff_roles: Vec<Labelled<Role>>,
    pub signoff_gates: Vec<Labelled<Gate>>,
    pub signoff_decisions: Vec<Labelled<Decision>>,
    pub signoff_statuses: Vec<Labelled<SignoffStatus>>,
    pub dispositions: Vec<Labelled<Disposition>>,
    pub review_states: Vec<Labelled<ReviewState>>,
    pub time_categories: Vec<Labelled<TimeCategory>>,
    pub budget_lines: Vec<Labelled<BudgetLine>>,
    pub assessment_statuses: Vec<Labelled<AssessmentStatus>>,
    pub tco_option_types: Vec<Labelled<OptionType>>,
    pub finding_levels: Vec<Labelled<FindingLevel>>,
    pub validation_methods: Vec<Labelled<Method>>,
    pub bias_metrics: Vec<Labelled<BiasMetric>>,
    pub evidence_states: Vec<Labelled<EvidenceState>>,
    pub evidence_check_kinds: Vec<Labelled<CheckKind>>,
    /// The TLS modes a team workspace's connection may ask for (libpq's `sslmode`).
    pub sslmodes: Vec<Labelled<SslMode>>,
    /// The fields of a system's record with their labels, in the register's column order (the
    /// headers an export writes and an import reads).
    pub system_fields: Vec<FieldLabel>,
    /// The fields of a system whose change, while it is in service, is a major change (the
    /// major-change gate; `signoff::MAJOR_FIELDS`), with their labels, in the register's order.
    pub major_change_fields: Vec<FieldLabel>,
    /// The fields of a review's scorecard with their labels.
    pub scorecard_fields: Vec<FieldLabel>,
    /// The fields a person writes on a model card, in the card's order, with their labels,
    /// whether each is required and what to write in it.
    pub card_fields: Vec<crate::card::CardFieldSpec>,
}

/// A field of a record and how to show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldLabel {
    pub key: String,
    pub label: String,
}

macro_rules! labelled {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|v| Labelled {
                key: *v,
                label: v.label().to_string(),
            })
            .collect()
    };
}

impl Vocabulary {
    pub fn get() -> Vocabulary {
        Vocabulary {
            stages: labelled!(Stage),
            sourcing: labelled!(Sourcing),
            regulated_domains: labelled!(RegulatedDomain),
            eu_ai_act_categories: labelled!(EuAiActCategory),
            risk_tiers: labelled!(RiskTier),
            data_sensitivities: labelled!(DataSensitivity),
            kpi_kinds: labelled!(KpiKind),
            directions: labelled!(Direction),
            cadences: labelled!(Cadence),
            kpi_statuses: labelled!(Status),
            escalation_states: labelled!(EscalationState),
            event_kinds: labelled!(EventKind),
            event_states: labelled!(EventState),
            milestone_kinds: labelled!(MilestoneKind),
            item_states: labelled!(ItemState),
            signoff_roles: labelled!(Role),
            signoff_gates: labelled!(Gate),
            signoff_decisions: labelled!(Decision),
            signoff_statuses: labelled!(SignoffStatus),
            dispositions: labelled!(Disposition),
            review_states: labelled!(ReviewState),
            time_categories: labelled!(TimeCategory),
            budget_lines: labelled!(BudgetLine),
            assessment_statuses: labelled!(AssessmentStatus),
            tco_option_types: labelled!(OptionType),
            finding_levels: labelled!(FindingLevel),
            validation_methods: labelled!(Method),
            bias_metrics: labelled!(BiasMetric),
            evidence_states: labelled!(EvidenceState),
            evidence_check_kinds: labelled!(CheckKind),
            sslmodes: labelled!(SslMode),
            system_fields: crate::import::systems::SPECS
                .iter()
                .map(|f| FieldLabel {
                    key: f.key.to_string(),
                    label: f.label.to_string(),
                })
                .collect(),
            major_change_fields: crate::import::systems::SPECS
                .iter()
                .filter(|f| crate::signoff::MAJOR_FIELDS.contains(&f.key))
                .map(|f| FieldLabel {
                    key: f.key.to_string(),
                    label: f.label.to_string(),
                })
                .collect(),
            scorecard_fields: steward_domain::review::SCORECARD_LABELS
                .iter()
                .map(|(key, label)| FieldLabel {
                    key: key.to_string(),
                    label: label.to_string(),
                })
                .collect(),
            card_fields: crate::card::CARD_FIELDS.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(e: Error, expected: serde_json::Value) {
        let got = serde_json::to_value(WireError::from(e)).expect("a wire error serializes");
        assert_eq!(got, expected, "the UI reads exactly this shape");
    }

    #[test]
    fn errors_keep_their_code_and_details() {
        check(
            Error::NotFound {
                entity: "system",
                key: "7".into(),
            },
            serde_json::json!({"code": "not_found", "message": "system not found: 7"}),
        );
        check(
            Error::Validation {
                entity: "system",
                fields: vec![FieldError::new("owner", "is required")],
            },
            serde_json::json!({
                "code": "validation",
                "message": "invalid system: owner: is required",
                "fields": [{"field": "owner", "message": "is required"}],
            }),
        );
    }

    #[test]
    fn vocabulary_lists_every_value_in_order() {
        let v = Vocabulary::get();
        assert_eq!(v.stages.len(), Stage::ALL.len(), "every stage is offered");
        assert_eq!(
            v.stages[0].key,
            Stage::Proposed,
            "stages keep lifecycle order"
        );
        assert_eq!(
            v.eu_ai_act_categories[1].label, "High-risk",
            "labels come from the register"
        );
        let major: Vec<&str> = v
            .major_change_fields
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(
            major,
            crate::signoff::MAJOR_FIELDS,
            "every major field is offered, labelled, in its declared order"
        );
    }
}
