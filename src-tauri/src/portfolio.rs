//! The portfolio home's command: the overview the app opens on. Calls one function of
//! `steward_core::api`.

use steward_core::api::portfolio::PortfolioOverview;
use steward_core::api::wire::WireError;
use tauri::State;

use crate::commands::Shell;

#[tauri::command]
pub fn portfolio_overview(s: State<Shell>) -> Result<PortfolioOverview, WireError> {
    s.with(|ws| ws.portfolio_overview())
}
