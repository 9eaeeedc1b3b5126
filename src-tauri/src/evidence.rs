//! The evidence commands: a system's Evidence panel, every system's status, entering and
//! removing runs and bias results, importing a file (the plan, then the import), and the policy
//! editor (the text in force, checking a text or a form, saving or resetting). Each calls one
//! function of `steward_core::api`.

use std::path::PathBuf;

use steward_core::api::evidence::{EvidenceImportOptions, EvidencePlan, EvidenceSummary};
use steward_core::api::evidence_view::{
    EvidencePanel, EvidencePolicyDraft, EvidencePolicyText, PolicyForm,
};
use steward_core::evidence::{BiasDraft, BiasResult, RunDraft, ValidationRun};
use tauri::State;

use crate::commands::{Reply, Shell};

/// The Evidence panel of system `system` (its id or name).
#[tauri::command]
pub fn evidence_panel(s: State<Shell>, system: String) -> Reply<EvidencePanel> {
    s.with(|ws| ws.evidence_panel(&system))
}

/// Every system's evidence status but the retired ones'.
#[tauri::command]
pub fn evidence_statuses(s: State<Shell>) -> Reply<Vec<EvidenceSummary>> {
    s.with(|ws| ws.evidence_statuses())
}

#[tauri::command]
pub fn evidence_add_run(s: State<Shell>, draft: RunDraft) -> Reply<ValidationRun> {
    s.with(|ws| ws.add_validation_run(draft))
}

#[tauri::command]
pub fn evidence_add_bias(s: State<Shell>, draft: BiasDraft) -> Reply<BiasResult> {
    s.with(|ws| ws.add_bias_result(draft))
}

#[tauri::command]
pub fn evidence_remove_run(s: State<Shell>, id: i64) -> Reply<ValidationRun> {
    s.with(|ws| ws.remove_validation_run(id))
}

#[tauri::command]
pub fn evidence_remove_bias(s: State<Shell>, id: i64) -> Reply<BiasResult> {
    s.with(|ws| ws.remove_bias_result(id))
}

/// What importing `path` (a long-format spreadsheet or an MLflow run's JSON, whose system,
/// version, method and dataset the options give where its tags do not) would do; writes nothing.
#[tauri::command(async)]
pub fn evidence_plan_import(
    s: State<'_, Shell>,
    path: PathBuf,
    system: Option<String>,
    model_version: Option<String>,
    method: Option<String>,
    dataset: Option<String>,
) -> Reply<EvidencePlan> {
    let opts = EvidenceImportOptions {
        system,
        model_version,
        method,
        dataset,
    };
    s.with(|ws| ws.plan_import_evidence(&path, &opts))
}

/// Imports `path` whole, or nothing when any of it has a problem.
#[tauri::command(async)]
pub fn evidence_import(
    s: State<'_, Shell>,
    path: PathBuf,
    system: Option<String>,
    model_version: Option<String>,
    method: Option<String>,
    dataset: Option<String>,
) -> Reply<EvidencePlan> {
    let opts = EvidenceImportOptions {
        system,
        model_version,
        method,
        dataset,
    };
    s.with(|ws| ws.import_evidence(&path, &opts, false))
}

/// The evidence policy in force as the editor shows it.
#[tauri::command]
pub fn evidence_policy(s: State<Shell>) -> Reply<EvidencePolicyText> {
    s.with(|ws| ws.evidence_policy_text())
}

/// Checks a policy text without saving it.
#[tauri::command]
pub fn evidence_policy_check(s: State<Shell>, text: String) -> Reply<EvidencePolicyDraft> {
    s.with(|ws| ws.check_evidence_policy_text(&text))
}

/// The text of the policy the editor's form gives, checked.
#[tauri::command]
pub fn evidence_policy_from_form(s: State<Shell>, form: PolicyForm) -> Reply<EvidencePolicyDraft> {
    s.with(|ws| ws.evidence_policy_form_text(form))
}

/// Saves `text` as the workspace's evidence policy, or resets to the shipped one when null.
#[tauri::command]
pub fn evidence_policy_save(s: State<Shell>, text: Option<String>) -> Reply<EvidencePolicyText> {
    s.with(|ws| ws.save_evidence_policy_text(text.as_deref()))
}
