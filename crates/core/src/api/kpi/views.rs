//! The KPI types that cross to the UI (and to the CLI): inputs of a measurement, and the status,
//! linkage, portfolio and recompute views. Plain data with ts-rs bindings; nothing here reads the
//! store or computes a status, and a type's name must not change (it names its TypeScript file).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kpi::{
    Cadence, Direction, Escalation, EscalationRule, KpiKind, KpiLink, Measurement, Status,
};

/// A measurement a person enters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasurementInput {
    #[ts(type = "number")]
    pub kpi_id: i64,
    /// "2025-03" for a monthly KPI, "2025-Q1" for a quarterly one.
    pub period: String,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// A measurement as typed into a form: the value is checked by core, so "1,5", "82%" or an empty
/// field get the same message an import gives, naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasurementEntry {
    #[ts(type = "number")]
    pub kpi_id: i64,
    pub period: String,
    pub value: String,
    pub source: String,
    pub note: String,
}

/// What recording a measurement did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RecordedMeasurement {
    pub measurement: Measurement,
    pub status: Status,
    /// The value the period held before, when this replaced one.
    pub previous: Option<Measurement>,
    /// The KPI's escalations after the rules ran.
    pub escalations: Vec<Escalation>,
}

/// For every KPI: its latest measurement, status and consecutive breaches.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KpiStatus {
    #[ts(type = "number")]
    pub kpi_id: i64,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub kpi: String,
    pub kind: KpiKind,
    pub unit: String,
    pub direction: Direction,
    pub cadence: Cadence,
    pub target: f64,
    pub warning: f64,
    pub breach: f64,
    pub latest_period: Option<String>,
    pub latest_value: Option<f64>,
    pub status: Option<Status>,
    pub consecutive_breaches: u32,
    pub measurements: u32,
}

/// One measurement with its status, for views.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeasurementView {
    pub period: String,
    pub value: f64,
    pub status: Status,
    pub source: String,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A link as views show it, with both ends named.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LinkView {
    pub link: KpiLink,
    pub from_system: String,
    pub from_kpi: String,
    pub from_unit: String,
    pub to_system: String,
    pub to_kpi: String,
    pub to_unit: String,
}

/// One KPI in the linkage view: status, series and the trend chart as SVG.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KpiCard {
    pub status: KpiStatus,
    pub measurements: Vec<MeasurementView>,
    pub chart_svg: String,
}

/// A system's model metrics, the business outcomes they drive, and the links between them
/// (including links to and from other systems' KPIs).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Linkage {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub kpis: Vec<KpiCard>,
    pub links: Vec<LinkView>,
    pub escalations: Vec<Escalation>,
    pub rule: EscalationRule,
}

/// Across the portfolio: every KPI in breach or warning (breaches first, then by streak) and every
/// open or acknowledged escalation, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Portfolio {
    pub attention: Vec<KpiStatus>,
    pub escalations: Vec<Escalation>,
    pub kpis: u32,
    pub on_target: u32,
}

/// What the rules changed in the escalations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RecomputeSummary {
    pub kpis: u32,
    pub measurements: u32,
    pub opened: u32,
    pub changed: u32,
    pub withdrawn: u32,
}
