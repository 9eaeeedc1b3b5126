//! The sign-off commands: boards, rules, requests, request and signature files, certificates.
//! Each calls one function of `steward_core::api`; signing unlocks the identity or a .p12.

use std::path::PathBuf;

use steward_core::api::signoff::{
    self, ActionView, BoardView, RequestReview, RequestView, RuleView,
};
use steward_core::clock::{Clock, SystemClock};
use steward_core::identity;
use steward_core::register::{RiskTier, SystemDraft};
use steward_core::sign::Signer;
// Named as their ts-rs bindings are, which the generated TypeScript client imports by name.
use steward_core::signoff::{
    Decision as SignoffDecision, Gate as SignoffGate, Role as SignoffRole, RuleForm,
};
use tauri::State;

use crate::commands::{Reply, Shell};

/// The signer: the .p12 at `p12` with its password, else the identity with its passphrase.
fn signer(s: &Shell, passphrase: &str, p12: Option<PathBuf>) -> Reply<Signer> {
    match p12 {
        Some(p) => {
            let bytes = std::fs::read(&p).map_err(|e| steward_core::Error::io(&p, e))?;
            Ok(identity::signer_from_p12(
                &bytes,
                passphrase,
                SystemClock.now(),
            )?)
        }
        None => s.unlock(passphrase),
    }
}

#[tauri::command]
pub fn signoff_boards(s: State<Shell>) -> Reply<Vec<BoardView>> {
    s.with(|ws| ws.boards())
}

#[tauri::command]
pub fn signoff_create_board(s: State<Shell>, name: String) -> Reply<BoardView> {
    s.with(|ws| ws.create_board(&name))
}

#[tauri::command]
pub fn signoff_add_member(
    s: State<Shell>,
    board: String,
    name: String,
    role: SignoffRole,
    cert: PathBuf,
) -> Reply<BoardView> {
    let bytes = std::fs::read(&cert).map_err(|e| steward_core::Error::io(&cert, e))?;
    s.with(|ws| ws.add_board_member(&board, &name, role, &bytes))
}

#[tauri::command]
pub fn signoff_rules(s: State<Shell>) -> Reply<Vec<RuleView>> {
    s.with(|ws| ws.rules())
}

#[tauri::command]
pub fn signoff_save_rule(
    s: State<Shell>,
    gate: SignoffGate,
    tier: RiskTier,
    board: String,
    rule: RuleForm,
) -> Reply<RuleView> {
    s.with(|ws| ws.save_rule(gate, tier, &board, rule.parse()?))
}

#[tauri::command]
pub fn signoff_requests(s: State<Shell>) -> Reply<Vec<RequestView>> {
    s.with(|ws| ws.requests(None))
}

#[tauri::command]
/// Opens a request with the rule's deadline (valid days from today); a major-change request with
/// the record as the change proposes it.
pub fn signoff_create_request(
    s: State<Shell>,
    system: String,
    gate: SignoffGate,
    proposed: Option<SystemDraft>,
) -> Reply<RequestView> {
    s.with(|ws| ws.create_request(&system, gate, None, proposed))
}

/// Opens a pre-deployment request that asks the board to approve the promotion although the
/// system's evidence does not meet the policy, for `reason`.
#[tauri::command]
pub fn signoff_request_exception(
    s: State<Shell>,
    system: String,
    reason: String,
) -> Reply<RequestView> {
    s.with(|ws| ws.request_evidence_exception(&system, None, &reason))
}

/// Writes the request file, signed with your identity; returns the bytes written.
#[tauri::command(async)]
pub fn signoff_export_request(
    s: State<'_, Shell>,
    id: i64,
    passphrase: String,
    path: PathBuf,
) -> Reply<usize> {
    let signer = s.unlock(&passphrase)?;
    let bytes = s.with(|ws| ws.export_request(&id.to_string(), &signer))?;
    steward_core::files::write_atomically(&path, &bytes)?;
    Ok(bytes.len())
}

/// Reads and checks a request file for review before signing.
#[tauri::command]
pub fn signoff_review(path: PathBuf) -> Reply<RequestReview> {
    let bytes = std::fs::read(&path).map_err(|e| steward_core::Error::io(&path, e))?;
    Ok(signoff::review_request(
        &bytes,
        &path.display().to_string(),
    )?)
}

/// Signs a request file with your identity, or with `p12` and its password; writes `out`.
#[tauri::command(async)]
#[allow(clippy::too_many_arguments)]
pub fn signoff_sign(
    s: State<'_, Shell>,
    path: PathBuf,
    role: SignoffRole,
    decision: SignoffDecision,
    conditions: String,
    passphrase: String,
    p12: Option<PathBuf>,
    out: PathBuf,
) -> Reply<usize> {
    let bytes = std::fs::read(&path).map_err(|e| steward_core::Error::io(&path, e))?;
    let signer = signer(&s, &passphrase, p12)?;
    let sig = signoff::sign_request(
        &bytes,
        &path.display().to_string(),
        &signer,
        role,
        decision,
        &conditions,
        SystemClock.now(),
    )?;
    steward_core::files::write_atomically(&out, &sig)?;
    Ok(sig.len())
}

#[tauri::command]
pub fn signoff_import_signature(s: State<Shell>, path: PathBuf) -> Reply<RequestView> {
    let bytes = std::fs::read(&path).map_err(|e| steward_core::Error::io(&path, e))?;
    s.with(|ws| ws.import_signature(&bytes, &path.display().to_string()))
}

#[tauri::command]
pub fn signoff_actions(s: State<Shell>) -> Reply<Vec<ActionView>> {
    s.with(|ws| ws.signoff_actions())
}

#[tauri::command(async)]
pub fn signoff_certificate(
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
    s.with(|ws| ws.write_signoff_report(&id.to_string(), &format, signer.as_ref(), &path))
}
