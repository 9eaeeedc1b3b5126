//! Embeds tauri.conf.json and derives everything that names the app's commands from their one
//! declaration, the `#[tauri::command]` functions of `src/*.rs` (see `build/commands.rs`):
//! - a permission per command, through tauri-build's app manifest;
//! - `$OUT_DIR/handlers.rs`, the `generate_handler!` list main.rs includes;
//! - `capabilities/default.json`, allowing the main window every command;
//! - `ui/src/commands.ts`, the UI's typed client of the commands.
//!
//! The two files in the source tree are committed; `./x.sh test` fails when a build changes them.

use std::path::{Path, PathBuf};

#[path = "build/commands.rs"]
mod commands;

use commands::{Bindings, Capability, Command};

/// The capability of the main window: Steward's own commands (added from the declarations)
/// and the native file dialogs; nothing else.
const CAPABILITY: Capability = Capability {
    identifier: "default",
    description: "The main window may call Steward's own commands and open the native file dialogs; nothing else.",
    windows: &["main"],
    plugin_permissions: &["dialog:allow-open", "dialog:allow-save"],
};

fn main() {
    let commands = match generate() {
        Ok(commands) => commands,
        Err(e) => {
            eprintln!("error: the app's commands: {e}");
            std::process::exit(1);
        }
    };
    // tauri-build keeps the names for the whole build script; leaking them is how it gets them.
    let names: Vec<&'static str> = commands
        .into_iter()
        .map(|c| &*Box::leak(c.name.into_boxed_str()))
        .collect();
    let manifest = tauri_build::AppManifest::new().commands(Box::leak(names.into_boxed_slice()));
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default())
}

/// Reads the commands and writes the handler list, the capability and the TypeScript client.
/// The capability is written before tauri-build runs, as tauri-build reads it.
fn generate() -> Result<Vec<Command>, String> {
    let root = manifest_dir();
    let ui = root.join("../ui/src");
    let bindings_dir = ui.join("bindings");
    let client = ui.join("commands.ts");
    for watched in [root.join("src"), bindings_dir.clone(), client.clone()] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }

    let bindings = Bindings::scan(&bindings_dir)?;
    let commands = read_commands(&root.join("src"), &bindings)?;
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    write_if_changed(
        &out_dir.join("handlers.rs"),
        &commands::handlers_rs(&commands),
    )?;
    write_if_changed(
        &root.join("capabilities/default.json"),
        &commands::capability_json(&CAPABILITY, &commands),
    )?;
    write_if_changed(&client, &commands::typescript_client(&commands, &bindings))?;
    Ok(commands)
}

/// The commands of every `src/*.rs`, file by file in name order, each file's in source order.
fn read_commands(src: &Path, bindings: &Bindings) -> Result<Vec<Command>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(src)
        .map_err(|e| format!("reading {}: {e}", src.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for file in files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = std::fs::read_to_string(&file)
            .map_err(|e| format!("reading {}: {e}", file.display()))?;
        commands.extend(commands::parse_file(&stem, &source, bindings)?);
    }
    commands::check_unique(&commands)?;
    Ok(commands)
}

/// Writes `content` unless the file already holds it, so an unchanged build touches nothing.
fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("writing {}: {e}", path.display()))
}
