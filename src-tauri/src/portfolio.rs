//! The portfolio home's command: the overview the app opens on. Calls one function of
//! `steward_core::api`.

use steward_core::api::portfolio::PortfolioOverview;
use steward_core::api::wire::WireError;
use tauri::State;

use crate::commands::Shell;

// It gathers every area of the workspace: off the window's thread, so the window keeps painting
// while the home waits for it.
#[tauri::command(async)]
pub fn portfolio_overview(s: State<'_, Shell>) -> Result<PortfolioOverview, WireError> {
    s.with(|ws| ws.portfolio_overview())
}
