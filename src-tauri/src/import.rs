//! The register's import and export: the plan of a file read as the screen asks (sheet, profile
//! or a mapping made there), the import with its progress until `cancel_transfer`, the mapping
//! profiles, and the export with its progress. Each calls one function of `steward_core::api`.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use steward_core::api::{ImportProfile, ImportRequest, RowsDone};
use steward_core::export::ExportFormat;
use steward_core::import::mapping::Mapping;
use steward_core::import::ImportPlan;
use steward_core::register::SystemQuery;
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::{Reply, Shell};

/// What importing `path` as `request` says would be added, changed and refused; writes nothing.
#[tauri::command(async)]
pub fn plan_import(
    s: State<'_, Shell>,
    path: PathBuf,
    request: ImportRequest,
) -> Reply<ImportPlan> {
    s.with(|ws| {
        let opts = ws.import_options(&request)?;
        ws.plan_import_systems_with(&path, &opts)
    })
}

/// Imports `path` as `request` says, sending the rows read so far on `on_progress` until
/// `cancel_transfer` (a cancelled import writes nothing).
#[tauri::command(async)]
pub fn import_systems(
    s: State<'_, Shell>,
    path: PathBuf,
    request: ImportRequest,
    on_progress: Channel<u32>,
) -> Reply<ImportPlan> {
    let cancel = s.cancel_flag();
    cancel.store(false, Ordering::SeqCst);
    s.with(|ws| {
        let opts = ws.import_options(&request)?;
        let mut go_on = |rows| on_progress.send(rows).is_ok() && !cancel.load(Ordering::SeqCst);
        ws.import_systems_with(&path, false, &opts, &mut go_on)
    })
}

/// Asks the import or export in progress to stop; it writes nothing.
#[tauri::command]
pub fn cancel_transfer(s: State<'_, Shell>) {
    s.cancel_flag().store(true, Ordering::SeqCst);
}

/// The mapping profiles saved in the workspace.
#[tauri::command]
pub fn import_profiles(s: State<'_, Shell>) -> Reply<Vec<ImportProfile>> {
    s.with(|ws| ws.import_profiles())
}

/// Saves `mapping` as the profile `name` (replacing one of that name), audited.
#[tauri::command]
pub fn save_import_profile(s: State<'_, Shell>, name: String, mapping: Mapping) -> Reply<()> {
    s.with(|ws| ws.save_import_profile(&name, &mapping))
}

/// Writes the systems `query` selects to `out` as `format`, sending rows written on
/// `on_progress` until `cancel_transfer` (a cancelled export leaves no file).
#[tauri::command(async)]
pub fn export_systems(
    s: State<'_, Shell>,
    query: SystemQuery,
    format: ExportFormat,
    out: PathBuf,
    on_progress: Channel<RowsDone>,
) -> Reply<usize> {
    let cancel = s.cancel_flag();
    cancel.store(false, Ordering::SeqCst);
    s.with(|ws| {
        let mut go_on = |done, total| {
            on_progress.send(RowsDone { done, total }).is_ok() && !cancel.load(Ordering::SeqCst)
        };
        ws.export_systems_with(&query, format, &out, &mut go_on)
    })
}
