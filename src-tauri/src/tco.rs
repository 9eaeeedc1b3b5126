//! The TCO commands: stored scenarios, drafts evaluated as they are edited, saving and exports.
//! Each calls one function of `steward_core::api`; drafts cross as JSON in the scenario file's
//! shape so core can name a value typed where a number belongs.

use std::path::PathBuf;

use steward_core::api;
use steward_core::api::tco::{TcoEvaluation, TcoSummary};
use steward_core::tco::{Scenario, StoredScenario};
use tauri::State;

use crate::commands::{Reply, Shell};

#[tauri::command]
pub fn tco_list(s: State<Shell>) -> Reply<Vec<TcoSummary>> {
    s.with(|ws| ws.list_tco())
}

#[tauri::command]
pub fn tco_get(s: State<Shell>, id: i64) -> Reply<StoredScenario> {
    s.with(|ws| ws.tco_scenario(&id.to_string()))
}

#[tauri::command]
pub fn tco_new_draft() -> Reply<Scenario> {
    Ok(api::tco::new_tco_draft()?)
}

/// Checks a draft (JSON in the scenario file's shape) and computes it; writes nothing.
#[tauri::command(async)]
pub fn tco_evaluate(s: State<'_, Shell>, draft: serde_json::Value) -> Reply<TcoEvaluation> {
    s.with(|ws| ws.evaluate_tco_draft(&draft))
}

#[tauri::command]
pub fn tco_save(
    s: State<Shell>,
    id: Option<i64>,
    draft: serde_json::Value,
) -> Reply<StoredScenario> {
    s.with(|ws| ws.save_tco_draft(id, &draft))
}

#[tauri::command]
pub fn tco_delete(s: State<Shell>, id: i64) -> Reply<StoredScenario> {
    s.with(|ws| ws.delete_tco(id))
}

/// Writes a stored scenario as toml, xlsx or pdf (signed when `sign`); returns the bytes written.
#[tauri::command(async)]
pub fn tco_export(
    s: State<'_, Shell>,
    id: i64,
    format: String,
    sign: bool,
    passphrase: Option<String>,
    path: PathBuf,
) -> Reply<usize> {
    let signer = sign
        .then(|| s.unlock(passphrase.as_deref().unwrap_or("")))
        .transpose()?;
    s.with(|ws| ws.write_tco_export(&id.to_string(), &format, signer.as_ref(), &path))
}

/// Stores a scenario file (its `systems` must name systems of the register).
#[tauri::command(async)]
pub fn tco_import(s: State<'_, Shell>, path: PathBuf) -> Reply<StoredScenario> {
    s.with(|ws| ws.import_tco(&path, &[], false))
}
