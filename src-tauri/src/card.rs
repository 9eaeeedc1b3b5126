//! The model card commands: a system's cards, one shown with its preview and revisions, a
//! revision's diff, saving the next revision and exporting (Markdown, the TOML draft, or a PDF
//! signed with the identity). Each calls one function of `steward_core::api`.

use std::path::PathBuf;

use steward_core::api::card::{CardDiff, CardSave, CardSummary, CardView};
use steward_core::card::CardFields;
use tauri::State;

use crate::commands::{Reply, Shell};

/// The cards of system `system` (its id or name), one per model version.
#[tauri::command]
pub fn card_list(s: State<Shell>, system: String) -> Reply<Vec<CardSummary>> {
    s.with(|ws| ws.cards(&system))
}

/// A card as rendered now, its preview, Markdown and the revisions of its model version; the
/// latest version and revision when not given.
#[tauri::command(async)]
pub fn card_view(
    s: State<'_, Shell>,
    system: String,
    version: Option<String>,
    revision: Option<u32>,
) -> Reply<CardView> {
    s.with(|ws| ws.card_view(&system, version.as_deref(), revision))
}

/// A revision against the one before it (or `against`), field by field.
#[tauri::command]
pub fn card_diff(
    s: State<Shell>,
    system: String,
    version: String,
    revision: Option<u32>,
    against: Option<u32>,
) -> Reply<CardDiff> {
    s.with(|ws| ws.card_diff(&system, Some(&version), revision, against))
}

/// Saves `fields` as the next revision of the card of `version`.
#[tauri::command]
pub fn card_save(
    s: State<Shell>,
    system: String,
    version: String,
    fields: CardFields,
) -> Reply<CardSave> {
    s.with(|ws| ws.save_card(&system, &version, fields))
}

/// Writes a card to `path` as md, toml or pdf (signed with the identity unlocked by
/// `passphrase`); returns the bytes written.
#[tauri::command(async)]
pub fn card_export(
    s: State<'_, Shell>,
    system: String,
    version: String,
    revision: Option<u32>,
    format: String,
    passphrase: Option<String>,
    path: PathBuf,
) -> Reply<usize> {
    let signer = passphrase.map(|p| s.unlock(&p)).transpose()?;
    s.with(|ws| {
        ws.write_card_export(
            &system,
            Some(&version),
            revision,
            &format,
            signer.as_ref(),
            &path,
        )
    })
}
