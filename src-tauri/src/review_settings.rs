//! The portfolio review's workspace settings: the rules in force (set from a file or reset to the
//! shipped ones) and the board's target budget split. Each calls one function of
//! `steward_core::api`.

use std::path::PathBuf;

use steward_core::api::review::BudgetTarget;
use steward_core::api::review_rules::ReviewRulesInForce;
use tauri::State;

use crate::commands::{Reply, Shell};

#[tauri::command]
pub fn review_rules(s: State<Shell>) -> Reply<ReviewRulesInForce> {
    s.with(|ws| ws.review_rules_in_force())
}

/// Sets the workspace's review rules from the TOML file at `path`, or back to the shipped rules
/// when `path` is null.
#[tauri::command]
pub fn review_set_rules(s: State<Shell>, path: Option<PathBuf>) -> Reply<ReviewRulesInForce> {
    s.with(|ws| ws.set_review_rules_file(path.as_deref()))
}

/// The board's target split of its budget, when it set one.
#[tauri::command]
pub fn review_budget_target(s: State<Shell>) -> Reply<Option<BudgetTarget>> {
    s.with(|ws| ws.budget_target())
}

#[tauri::command]
pub fn review_set_budget_target(s: State<Shell>, target: BudgetTarget) -> Reply<BudgetTarget> {
    s.with(|ws| ws.set_budget_target(target))
}
