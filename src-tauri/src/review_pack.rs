//! The board pack command: a frozen review's board pack written to a file (pdf, signed with the
//! identity when asked, or xlsx). Calls one function of `steward_core::api`.

use std::path::PathBuf;

use tauri::State;

use crate::commands::{Reply, Shell};

/// Writes the board pack of review `key` (number or quarter) to `path` as `format` ("pdf" or
/// "xlsx"); with `sign`, the PDF is signed with the identity unlocked by `passphrase`. Returns
/// the number of bytes written.
#[tauri::command(async)]
pub fn review_export(
    s: State<'_, Shell>,
    key: String,
    format: String,
    sign: bool,
    passphrase: Option<String>,
    path: PathBuf,
) -> Reply<usize> {
    let signer = sign
        .then(|| s.unlock(passphrase.as_deref().unwrap_or("")))
        .transpose()?;
    s.with(|ws| ws.write_review_pack(&key, &format, signer.as_ref(), &path))
}
