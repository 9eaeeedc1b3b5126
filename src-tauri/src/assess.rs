//! Commands of the impact assessment screens: each locks the workspace and calls one function of
//! `steward_core::api` (visibility, scores and lifecycle are decided there, never in the UI).

use std::path::PathBuf;

use steward_core::api::assess::{
    Assessment, AssessmentSummary, Evaluation, TemplateStatus, TierChoice,
};
use steward_core::api::wire::WireError;
use steward_core::assess::{Answers, Template, TemplateInfo};
use steward_core::export::ExportFormat;
use tauri::State;

use crate::commands::Shell;

type Reply<T> = Result<T, WireError>;

#[tauri::command]
pub fn assessment_templates(s: State<Shell>) -> Reply<Vec<TemplateStatus>> {
    s.with(|ws| ws.assessment_templates())
}

#[tauri::command]
pub fn list_assessments(s: State<Shell>, system_id: Option<i64>) -> Reply<Vec<AssessmentSummary>> {
    s.with(|ws| ws.assessments(system_id))
}

#[tauri::command]
pub fn get_assessment(s: State<Shell>, id: i64) -> Reply<Assessment> {
    s.with(|ws| ws.assessment(id))
}

#[tauri::command]
pub fn assessment_template(
    s: State<Shell>,
    template_id: String,
    version: String,
) -> Reply<Template> {
    s.with(|ws| ws.load_template(&template_id, &version))
}

#[tauri::command]
pub fn evaluate_answers(
    s: State<Shell>,
    template_id: String,
    version: String,
    answers: Answers,
) -> Reply<Evaluation> {
    s.with(|ws| ws.evaluate_answers(&template_id, &version, &answers))
}

#[tauri::command]
pub fn start_assessment(s: State<Shell>, system_id: i64, template_id: String) -> Reply<Assessment> {
    s.with(|ws| ws.start_assessment(system_id, &template_id))
}

#[tauri::command]
pub fn save_answers(s: State<Shell>, id: i64, answers: Answers) -> Reply<Assessment> {
    s.with(|ws| ws.replace_answers(id, answers))
}

#[tauri::command]
pub fn complete_assessment(s: State<Shell>, id: i64) -> Reply<Assessment> {
    s.with(|ws| ws.complete_assessment(id))
}

#[tauri::command]
pub fn decide_assessment(s: State<Shell>, id: i64, choice: TierChoice) -> Reply<Assessment> {
    s.with(|ws| ws.decide_assessment(id, choice))
}

#[tauri::command]
pub fn export_assessment(
    s: State<Shell>,
    id: i64,
    format: ExportFormat,
    out: PathBuf,
) -> Reply<()> {
    s.with(|ws| ws.export_assessment(id, format, &out))
}

#[tauri::command]
pub fn add_template(s: State<Shell>, path: PathBuf) -> Reply<TemplateInfo> {
    s.with(|ws| ws.add_template(&path))
}
