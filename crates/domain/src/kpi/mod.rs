//! KPI linkage: the KPI record and its closed value sets, periods, and the pure rules (threshold
//! validation, status, consecutive breaches, escalation levels, link cycles). Storage lives in
//! `store`, orchestration in `api::kpi`; nothing here reads the store, the clock or a file.

pub mod period;
pub mod rules;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use period::{parse_period, period_end, period_label};
pub use rules::{
    check_thresholds, derive_escalations, find_cycle, status, streak, DerivedEscalation,
    EscalationRule, Point,
};

string_enum! {
    /// What a KPI measures: the model itself, the business result it should move, or running it.
    KpiKind {
        ModelMetric = "model_metric", "Model metric", ["model", "metric"];
        BusinessOutcome = "business_outcome", "Business outcome", ["outcome", "business"];
        Operational = "operational", "Operational", ["ops", "operations"];
    }
}

string_enum! {
    Direction {
        HigherIsBetter = "higher_is_better", "Higher is better", ["higher", "up", "max"];
        LowerIsBetter = "lower_is_better", "Lower is better", ["lower", "down", "min"];
    }
}

string_enum! {
    /// How often a KPI is measured; a measurement's period must be of this cadence.
    Cadence {
        Monthly = "monthly", "Monthly", ["month", "m"];
        Quarterly = "quarterly", "Quarterly", ["quarter", "q"];
    }
}

string_enum! {
    /// Where a measurement stands against its KPI's thresholds.
    Status {
        OnTarget = "on_target", "On target", ["ok", "green"];
        Warning = "warning", "Warning", ["amber"];
        Breach = "breach", "Breach", ["red"];
    }
}

string_enum! {
    /// Where an escalation is: a recovered KPI closes nothing; a person acknowledges and resolves.
    EscalationState {
        Open = "open", "Open", [];
        Acknowledged = "acknowledged", "Acknowledged", ["ack"];
        Resolved = "resolved", "Resolved", ["closed"];
    }
}

/// What a user fills in to add a KPI to a system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KpiDraft {
    #[ts(type = "number")]
    pub system_id: i64,
    pub name: String,
    pub kind: KpiKind,
    /// E.g. "AUC", "%", "EUR", "ms".
    pub unit: String,
    pub direction: Direction,
    pub target: f64,
    /// A value at or beyond this (in the bad direction) is a warning.
    pub warning: f64,
    /// A value at or beyond this (in the bad direction) is a breach.
    pub breach: f64,
    pub cadence: Cadence,
}

/// A KPI as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Kpi {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(flatten)]
    pub draft: KpiDraft,
    pub created_at: String,
}

/// A model metric (or any KPI) driving a business outcome, with the expected effect per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KpiLink {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub from_kpi: i64,
    #[ts(type = "number")]
    pub to_kpi: i64,
    /// The change in the outcome per unit change of the driver, e.g. 0.3 (% retention per AUC
    /// point).
    pub effect_per_unit: f64,
    pub note: String,
    pub created_at: String,
}

/// One stored measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Measurement {
    #[ts(type = "number")]
    pub kpi_id: i64,
    /// As written, e.g. "2025-03" (monthly) or "2025-Q1" (quarterly).
    pub period: String,
    pub value: f64,
    pub source: String,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// An escalation as stored: opened by the rules, acknowledged and resolved by a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Escalation {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub kpi_id: i64,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub kpi: String,
    /// 1 owner, 2 sponsor, 3 portfolio board.
    pub level: u8,
    /// Who level `level` goes to.
    pub level_name: String,
    /// The first breach of the run.
    pub run_start: String,
    /// The period in which the run reached level 1.
    pub opened_period: String,
    /// The period in which the run reached its current level.
    pub level_period: String,
    /// Consecutive breaches in the run so far.
    pub breaches: u32,
    /// The current level's period end plus the rule's days to respond (YYYY-MM-DD).
    pub due_date: String,
    pub state: EscalationState,
    pub opened_at: String,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    pub acknowledged_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_note: Option<String>,
}

/// Who an escalation level goes to.
pub fn level_name(level: u8) -> &'static str {
    match level {
        1 => "owner",
        2 => "sponsor",
        _ => "portfolio board",
    }
}

/// The person an escalation level goes to, by name: the system's owner, its sponsor, then the
/// chair of the portfolio board. Where the register does not name that person, the role
/// (`level_name`) stands in, so the gap shows instead of an empty owner.
pub fn level_owner(level: u8, owner: &str, sponsor: &str, board_chair: Option<&str>) -> String {
    let person = match level {
        1 => owner,
        2 => sponsor,
        _ => board_chair.unwrap_or_default(),
    }
    .trim();
    if person.is_empty() {
        level_name(level).to_string()
    } else {
        person.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::level_owner;

    #[track_caller]
    fn check(level: u8, sponsor: &str, chair: Option<&str>, expected: &str) {
        assert_eq!(
            level_owner(level, "Ann Owner", sponsor, chair),
            expected,
            "level {level}, sponsor {sponsor:?}, chair {chair:?}"
        );
    }

    #[test]
    fn each_level_goes_to_a_named_person_or_shows_the_missing_role() {
        check(1, "Sam Sponsor", Some("Cy Chair"), "Ann Owner");
        check(2, "Sam Sponsor", Some("Cy Chair"), "Sam Sponsor");
        check(3, "Sam Sponsor", Some("Cy Chair"), "Cy Chair");
        check(4, "Sam Sponsor", Some("Cy Chair"), "Cy Chair");
        check(2, "  ", Some("Cy Chair"), "sponsor");
        check(3, "Sam Sponsor", None, "portfolio board");
        check(3, "Sam Sponsor", Some(""), "portfolio board");
    }
}
