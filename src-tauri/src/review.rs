//! Portfolio review commands: the reviews, a review with its scorecards, opening, scoping and
//! freezing one, the board's decisions and actions, the decision register and comparisons.
//! Each calls one function of `steward_core::api`.

use steward_core::api::review::{
    ActionInput, DecisionInput, RegisterEntry, ReviewAction, ReviewComparison, ReviewDraft,
    ReviewSummary, ReviewView,
};
use steward_core::api::wire::WireError;
use tauri::State;

use crate::commands::Shell;

type Reply<T> = Result<T, WireError>;

#[tauri::command]
pub fn review_list(s: State<Shell>) -> Reply<Vec<ReviewSummary>> {
    s.with(|ws| ws.reviews())
}

/// A review by number or quarter (e.g. "2026-Q4").
#[tauri::command]
pub fn review_get(s: State<Shell>, key: String) -> Reply<ReviewView> {
    s.with(|ws| ws.review(&key))
}

#[tauri::command]
pub fn review_create(s: State<Shell>, draft: ReviewDraft) -> Reply<ReviewView> {
    s.with(|ws| ws.create_review(&draft))
}

#[tauri::command]
pub fn review_update(s: State<Shell>, key: String, draft: ReviewDraft) -> Reply<ReviewView> {
    s.with(|ws| ws.update_review(&key, &draft))
}

#[tauri::command]
pub fn review_freeze(s: State<Shell>, key: String) -> Reply<ReviewView> {
    s.with(|ws| ws.freeze_review(&key))
}

#[tauri::command]
pub fn review_decide(
    s: State<Shell>,
    key: String,
    system: String,
    input: DecisionInput,
) -> Reply<ReviewView> {
    s.with(|ws| ws.decide(&key, &system, &input))
}

#[tauri::command]
pub fn review_add_action(s: State<Shell>, key: String, input: ActionInput) -> Reply<ReviewAction> {
    s.with(|ws| ws.add_review_action(&key, &input))
}

#[tauri::command]
pub fn review_register(s: State<Shell>) -> Reply<Vec<RegisterEntry>> {
    s.with(|ws| ws.decision_register())
}

#[tauri::command]
pub fn review_compare(s: State<Shell>, from: String, to: String) -> Reply<ReviewComparison> {
    s.with(|ws| ws.compare_reviews(&from, &to))
}
