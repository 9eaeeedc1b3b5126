//! Backing up the open workspace from the app: the same checked copy as `steward backup`.

use std::path::Path;

use steward_core::api::backup::BackupSummary;
use steward_core::api::wire::WireError;
use tauri::State;

use crate::commands::Shell;

/// Writes a checked copy of the workspace to `path` (SQLite's online backup, its audit chain
/// verified before it is kept).
#[tauri::command]
pub fn backup_workspace(s: State<Shell>, path: String) -> Result<BackupSummary, WireError> {
    s.with(|ws| ws.backup(Path::new(&path)))
}
