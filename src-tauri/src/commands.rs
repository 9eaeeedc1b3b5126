//! The commands the UI invokes: each one locks the workspace and calls one function of
//! `steward_core::api`. Errors cross as `WireError` (`{code, message, fields?, problems?}`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use steward_core::api::wire::{Vocabulary, WireError, WorkspaceInfo};
use steward_core::api::{AuditQuery, Context, Facets, Workspace};
use steward_core::audit::{AuditEntry, ChainReport};
use steward_core::clock::SystemClock;
use steward_core::export::ExportFormat;
use steward_core::import::ImportPlan;
use steward_core::register::{self, AiSystem, Stage, SystemDraft, SystemQuery};
use tauri::State;

type Reply<T> = Result<T, WireError>;

/// The app's state: where the workspace lives, and the workspace once opened.
pub struct Shell {
    dir: PathBuf,
    actor: String,
    ws: Mutex<Option<Workspace>>,
}

impl Shell {
    pub fn new(dir: PathBuf, actor: String) -> Self {
        Shell {
            dir,
            actor,
            ws: Mutex::new(None),
        }
    }

    /// Runs `f` on the workspace, opening it on first use so an unusable data directory reaches
    /// the UI as an error instead of stopping the app.
    fn with<T>(&self, f: impl FnOnce(&mut Workspace) -> steward_core::Result<T>) -> Reply<T> {
        let mut guard = self.ws.lock().map_err(|_| {
            WireError::new(
                "workspace",
                "an earlier operation failed while holding the workspace; restart Steward",
            )
        })?;
        if guard.is_none() {
            let ctx = Context::new(self.actor.clone(), Arc::new(SystemClock));
            *guard = Some(Workspace::open_dir(&self.dir, ctx)?);
        }
        let ws = guard
            .as_mut()
            .ok_or_else(|| WireError::new("workspace", "the workspace is not open"))?;
        Ok(f(ws)?)
    }
}

#[tauri::command]
pub fn workspace_info(s: State<Shell>) -> Reply<WorkspaceInfo> {
    s.with(|ws| ws.info())
}

#[tauri::command]
pub fn vocabulary() -> Vocabulary {
    Vocabulary::get()
}

/// The defaults a new-system form starts from.
#[tauri::command]
pub fn blank_draft() -> SystemDraft {
    SystemDraft::new("")
}

#[tauri::command]
pub fn open_sample(s: State<Shell>) -> Reply<usize> {
    s.with(steward_core::demo::populate)
}

#[tauri::command]
pub fn list_systems(s: State<Shell>, query: SystemQuery) -> Reply<Vec<AiSystem>> {
    s.with(|ws| ws.list_systems(&query))
}

#[tauri::command]
pub fn facets(s: State<Shell>) -> Reply<Facets> {
    s.with(|ws| ws.facets())
}

#[tauri::command]
pub fn get_system(s: State<Shell>, id: i64) -> Reply<AiSystem> {
    s.with(|ws| ws.system(id))
}

#[tauri::command]
pub fn add_system(s: State<Shell>, draft: SystemDraft) -> Reply<AiSystem> {
    s.with(|ws| ws.add_system(draft))
}

#[tauri::command]
pub fn update_system(s: State<Shell>, id: i64, draft: SystemDraft) -> Reply<AiSystem> {
    s.with(|ws| ws.update_system(id, draft))
}

#[tauri::command]
pub fn set_stage(s: State<Shell>, id: i64, stage: Stage) -> Reply<AiSystem> {
    s.with(|ws| ws.set_stage(id, stage))
}

/// The stages a system in `stage` may move to, for the stage buttons.
#[tauri::command]
pub fn next_stages(stage: Stage) -> Vec<Stage> {
    register::allowed_next(stage).to_vec()
}

#[tauri::command(async)]
pub fn plan_import(s: State<'_, Shell>, path: PathBuf) -> Reply<ImportPlan> {
    s.with(|ws| ws.plan_import_systems(&path))
}

#[tauri::command(async)]
pub fn import_systems(s: State<'_, Shell>, path: PathBuf) -> Reply<ImportPlan> {
    s.with(|ws| ws.import_systems(&path, false))
}

#[tauri::command(async)]
pub fn export_systems(
    s: State<'_, Shell>,
    query: SystemQuery,
    format: ExportFormat,
    out: PathBuf,
) -> Reply<usize> {
    s.with(|ws| ws.export_systems(&query, format, &out))
}

#[tauri::command]
pub fn audit_log(s: State<Shell>, query: AuditQuery) -> Reply<Vec<AuditEntry>> {
    s.with(|ws| ws.audit_log(&query))
}

#[tauri::command]
pub fn verify_audit(s: State<Shell>) -> Reply<ChainReport> {
    s.with(|ws| ws.verify_audit())
}
