//! KPI linkage commands: the portfolio and linkage views, entering a measurement, and
//! acknowledging or resolving an escalation. Each calls one function of `steward_core::api`.

use steward_core::api::kpi::{
    KpiStatus, Linkage, MeasurementEntry, Portfolio, RecordedMeasurement,
};
use steward_core::kpi::Escalation;
use tauri::State;

use crate::commands::Shell;
use steward_core::api::wire::WireError;

type Reply<T> = Result<T, WireError>;

#[tauri::command]
pub fn kpi_status(s: State<Shell>) -> Reply<Vec<KpiStatus>> {
    s.with(|ws| ws.kpi_status())
}

#[tauri::command]
pub fn kpi_portfolio(s: State<Shell>) -> Reply<Portfolio> {
    s.with(|ws| ws.kpi_portfolio())
}

#[tauri::command]
pub fn kpi_linkage(s: State<Shell>, system_id: i64) -> Reply<Linkage> {
    s.with(|ws| ws.kpi_linkage(system_id))
}

#[tauri::command]
pub fn record_measurement(s: State<Shell>, input: MeasurementEntry) -> Reply<RecordedMeasurement> {
    s.with(|ws| ws.enter_measurement(input))
}

#[tauri::command]
pub fn acknowledge_escalation(s: State<Shell>, id: i64, note: String) -> Reply<Escalation> {
    s.with(|ws| ws.acknowledge_escalation(id, &note))
}

#[tauri::command]
pub fn resolve_escalation(s: State<Shell>, id: i64, note: String) -> Reply<Escalation> {
    s.with(|ws| ws.resolve_escalation(id, &note))
}
