//! The register's record types. They cross the API boundary as they are (the record a user edits
//! is the record shown), so they derive Serialize and ts-rs `TS`; their JSON form is also what the
//! audit log stores, so renaming a field is a format change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::macros::squash;

string_enum! {
    /// Where a system is in its life. Changes follow `transitions::allowed_next`.
    Stage {
        Proposed = "proposed", "Proposed", ["idea", "intake"];
        Development = "development", "Development", ["dev", "build", "in development"];
        Validation = "validation", "Validation", ["testing", "test", "validating"];
        Staging = "staging", "Staging", ["pre-production", "preprod", "pilot"];
        Production = "production", "Production", ["prod", "live", "deployed", "in production", "in use", "operational"];
        Deprecated = "deprecated", "Deprecated", ["sunset", "sunsetting"];
        Retired = "retired", "Retired", ["decommissioned", "withdrawn", "decommission", "switched off"];
    }
}

string_enum! {
    Sourcing {
        // "yes" and "no" answer a column headed "In-house" (a header of sourcing).
        InHouse = "in_house", "In-house", ["internal", "built", "inhouse", "own", "yes"];
        Vendor = "vendor", "Vendor", ["external", "third party", "third-party", "bought", "purchased", "saas", "no"];
    }
}

string_enum! {
    RegulatedDomain {
        Finance = "finance", "Finance", ["financial", "banking", "insurance", "credit"];
        Healthcare = "healthcare", "Healthcare", ["health", "medical"];
        Hr = "hr", "HR", ["human resources", "employment"];
        PublicSector = "public_sector", "Public sector", ["government", "public"];
        None = "none", "None", ["n/a", "na", "unregulated", "not regulated", "no", "-"];
    }
}

string_enum! {
    /// Category under Regulation (EU) 2024/1689.
    EuAiActCategory {
        Prohibited = "prohibited", "Prohibited", ["unacceptable", "art 5", "article 5"];
        HighRisk = "high_risk", "High-risk", ["high"];
        LimitedRisk = "limited_risk", "Limited risk (transparency)", ["limited", "transparency", "limited-risk/transparency"];
        Minimal = "minimal", "Minimal risk", ["minimal risk", "low"];
    }
}

string_enum! {
    RiskTier {
        Low = "low", "Low", ["l", "1", "tier 1"];
        Medium = "medium", "Medium", ["m", "med", "moderate", "2", "tier 2"];
        High = "high", "High", ["h", "3", "tier 3"];
    }
}

string_enum! {
    DataSensitivity {
        Public = "public", "Public", ["open"];
        Internal = "internal", "Internal", ["internal use"];
        Confidential = "confidential", "Confidential", ["sensitive"];
        Restricted = "restricted", "Restricted", ["secret", "highly confidential"];
    }
}

/// A closed field of the system record and its value set: how a spelling (key, label or
/// synonym) reads, a key's label, the accepted values in words, and the values in order. The one
/// list of which field takes which set, for imports, mappings and the audit log.
pub struct ClosedField {
    pub field: &'static str,
    /// The value's key when `spelling` names one of the set's values.
    pub parse: fn(&str) -> Option<&'static str>,
    /// The label of a stored key.
    pub label: fn(&str) -> Option<&'static str>,
    pub expected: fn() -> String,
    /// Each value's key and label, in order.
    pub choices: fn() -> Vec<(&'static str, &'static str)>,
}

macro_rules! closed_field {
    ($field:literal, $t:ident) => {
        ClosedField {
            field: $field,
            parse: |s| $t::parse(s).map($t::key),
            label: |k| $t::parse(k).map($t::label),
            expected: $t::expected,
            choices: || $t::ALL.iter().map(|v| (v.key(), v.label())).collect(),
        }
    };
}

/// The system record's closed fields.
pub static CLOSED_FIELDS: [ClosedField; 6] = [
    closed_field!("sourcing", Sourcing),
    closed_field!("stage", Stage),
    closed_field!("regulated_domain", RegulatedDomain),
    closed_field!("eu_ai_act_category", EuAiActCategory),
    closed_field!("risk_tier", RiskTier),
    closed_field!("data_sensitivity", DataSensitivity),
];

/// The label of `key`, a stored value of the system record's closed field `field` (`stage`,
/// `production` gives "Production"); None for a field that is not a closed set, or a key the set
/// does not have. How the audit log shows a record's closed values to a person.
pub fn value_label(field: &str, key: &str) -> Option<&'static str> {
    CLOSED_FIELDS
        .iter()
        .find(|c| c.field == field)
        .and_then(|c| (c.label)(key))
}

/// A certification the system holds, e.g. ISO/IEC 42001, with its expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Certification {
    pub name: String,
    pub expires: NaiveDate,
}

/// A dataset the system uses, with how long it may be kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dataset {
    pub name: String,
    /// The policy in words, e.g. "7 years after account closure".
    pub retention_policy: String,
    /// The date by which the data must be deleted or reviewed, when the policy gives one.
    pub retain_until: Option<NaiveDate>,
}

/// A strategic assumption the business case rests on, reviewed by a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Assumption {
    pub statement: String,
    pub review_date: NaiveDate,
}

/// What a user fills in to add or edit a system: every field but the id and timestamps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SystemDraft {
    pub name: String,
    pub purpose: String,
    pub business_unit: String,
    pub owner: String,
    pub technical_lead: String,
    pub sourcing: Sourcing,
    /// The vendor's name; required when `sourcing` is vendor, empty otherwise.
    pub vendor: String,
    /// E.g. "logistic regression", "gradient boosting", "LLM".
    pub model_approach: String,
    pub stage: Stage,
    pub regulated_domain: RegulatedDomain,
    /// None until the system has been classified.
    pub eu_ai_act_category: Option<EuAiActCategory>,
    pub risk_tier: RiskTier,
    pub data_sensitivity: DataSensitivity,
    pub deployment_date: Option<NaiveDate>,
    pub certifications: Vec<Certification>,
    pub datasets: Vec<Dataset>,
    pub assumptions: Vec<Assumption>,
    pub tags: Vec<String>,
    // The portfolio review's fields. Each is written to JSON only when set, so a record that has
    // none keeps the canonical JSON (and the sign-off snapshot hash) it had before they existed.
    /// The executive who funds the system and answers for it at the portfolio board.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sponsor: String,
    /// When the model was last retrained: not after today, not before the deployment date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_retrained: Option<NaiveDate>,
    /// The value the system delivers per year (for a proposal: is expected to deliver), in the
    /// workspace's currency; 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub annual_value: Option<f64>,
    /// How ready the data is, 1 (none) to 5 (production-grade); mainly for proposed systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data_readiness: Option<u8>,
    /// Fit with the organisation's strategy, 1 (little) to 5 (core to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub strategic_alignment: Option<u8>,
    /// The version of the model in use (before production: the one being validated), as its
    /// team names it, e.g. "2.3" or an MLflow model version. Validation evidence counts for the
    /// version it was produced for, so a new version needs its own. Empty when not recorded;
    /// written to JSON only when set, like the review's fields.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model_version: String,
}

/// The years a date of the register may fall in (deployment, retraining, expiry, retention,
/// review): a date outside them is a typing or conversion slip, not a plan.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// Err says why `d` is not a date the register accepts (see [`DATE_YEARS`]).
pub fn check_date_year(d: NaiveDate) -> Result<(), String> {
    use chrono::Datelike;
    if DATE_YEARS.contains(&d.year()) {
        Ok(())
    } else {
        Err(format!(
            "the year {} is outside the years accepted ({} to {})",
            d.year(),
            DATE_YEARS.start(),
            DATE_YEARS.end()
        ))
    }
}

/// The lowest and highest value of a 1-5 score (data readiness, strategic alignment).
pub const SCORE_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

/// A system as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AiSystem {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(flatten)]
    pub draft: SystemDraft,
    pub created_at: String,
    pub updated_at: String,
}

impl SystemDraft {
    /// An empty draft with the defaults a new-system form starts from.
    pub fn new(name: impl Into<String>) -> Self {
        SystemDraft {
            name: name.into(),
            purpose: String::new(),
            business_unit: String::new(),
            owner: String::new(),
            technical_lead: String::new(),
            sourcing: Sourcing::InHouse,
            vendor: String::new(),
            model_approach: String::new(),
            stage: Stage::Proposed,
            regulated_domain: RegulatedDomain::None,
            eu_ai_act_category: None,
            risk_tier: RiskTier::Medium,
            data_sensitivity: DataSensitivity::Internal,
            deployment_date: None,
            certifications: Vec::new(),
            datasets: Vec::new(),
            assumptions: Vec::new(),
            tags: Vec::new(),
            sponsor: String::new(),
            last_retrained: None,
            annual_value: None,
            data_readiness: None,
            strategic_alignment: None,
            model_version: String::new(),
        }
    }
}

/// Which column the register list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SortKey {
    #[default]
    Name,
    BusinessUnit,
    Owner,
    Stage,
    RiskTier,
    DeploymentDate,
    UpdatedAt,
}

impl SortKey {
    pub fn parse(s: &str) -> Option<SortKey> {
        Some(match squash(s).as_str() {
            "name" => SortKey::Name,
            "businessunit" | "unit" | "bu" => SortKey::BusinessUnit,
            "owner" => SortKey::Owner,
            "stage" => SortKey::Stage,
            "risktier" | "risk" | "tier" => SortKey::RiskTier,
            "deploymentdate" | "deployed" => SortKey::DeploymentDate,
            "updatedat" | "updated" => SortKey::UpdatedAt,
            _ => return None,
        })
    }
    pub const EXPECTED: &'static str =
        "name, business_unit, owner, stage, risk_tier, deployment_date, updated_at";
}

/// Filter, search and sort for listing the register. Empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SystemQuery {
    /// Case-insensitive text matched against name, purpose, owner, technical lead, business
    /// unit, vendor, model approach and tags.
    pub text: String,
    pub stages: Vec<Stage>,
    pub risk_tiers: Vec<RiskTier>,
    pub business_units: Vec<String>,
    pub regulated_domains: Vec<RegulatedDomain>,
    pub sourcing: Option<Sourcing>,
    pub tag: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
}
