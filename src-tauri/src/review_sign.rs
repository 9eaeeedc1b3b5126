//! Signing a review's outcome: the latest request for it, and opening one once the review is
//! decided. The request file, the members' signatures and their import go through the sign-off
//! commands, as for any request.

use chrono::NaiveDate;
use steward_core::api::review_sign::ReviewOutcome;
use steward_core::api::signoff::RequestView;
use steward_core::api::wire::WireError;
use tauri::State;

use crate::commands::Shell;

type Reply<T> = Result<T, WireError>;

/// The latest sign-off request for a review's outcome, or null when none was opened.
#[tauri::command]
pub fn review_signoff(s: State<Shell>, key: String) -> Reply<Option<RequestView>> {
    s.with(|ws| ws.review_signoff(&key))
}

/// What the board signs for a review, as it stands now.
#[tauri::command]
pub fn review_outcome(s: State<Shell>, key: String) -> Reply<ReviewOutcome> {
    s.with(|ws| ws.review_outcome(&key))
}

/// Puts a decided review's outcome to the board under the portfolio_review rule; the deadline
/// defaults to the rule's valid days from today.
#[tauri::command]
pub fn review_request_signoff(
    s: State<Shell>,
    key: String,
    deadline: Option<NaiveDate>,
) -> Reply<RequestView> {
    s.with(|ws| ws.request_review_signoff(&key, deadline))
}
