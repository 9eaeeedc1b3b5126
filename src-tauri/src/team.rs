//! Which workspace the app has open: a team workspace in PostgreSQL opened by the form (or
//! again from the ones opened lately, remembered without passwords), or the laptop one.

use steward_core::api::connect::{self, RecentTeam, TeamLogin};
use steward_core::api::wire::WorkspaceInfo;
use tauri::State;

use crate::commands::{Reply, Shell};

/// Opens the team workspace the form names in place of the one open; a wrong field, a wrong
/// password or a server that refuses leaves the open workspace as it was.
#[tauri::command(async)]
pub fn open_team_workspace(s: State<'_, Shell>, login: TeamLogin) -> Reply<WorkspaceInfo> {
    s.open_team(&login)
}

/// Opens the laptop workspace (the data directory's) in place of the team workspace; an
/// encrypted one answers `locked`, and the UI asks for its passphrase.
#[tauri::command(async)]
pub fn open_laptop_workspace(s: State<'_, Shell>) -> Reply<WorkspaceInfo> {
    s.open_laptop(None)
}

/// The team workspaces opened lately, the latest first.
#[tauri::command]
pub fn recent_team_workspaces(s: State<Shell>) -> Reply<Vec<RecentTeam>> {
    Ok(connect::recent(s.config_dir())?)
}

/// Forgets a team workspace of the list; returns the list left.
#[tauri::command]
pub fn forget_team_workspace(s: State<Shell>, conninfo: String) -> Reply<Vec<RecentTeam>> {
    Ok(connect::forget(s.config_dir(), &conninfo)?)
}
