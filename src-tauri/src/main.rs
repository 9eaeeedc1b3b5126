//! Steward's desktop shell: opens the workspace in the data directory and hands the web UI the
//! commands of `commands`. No business rule lives here; everything is steward-core's API.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::ffi::OsString;
use std::path::PathBuf;

use commands::Shell;

fn main() {
    let Some(dir) = data_dir(
        std::env::args_os().skip(1),
        std::env::var_os("STEWARD_DATA_DIR"),
    ) else {
        eprintln!("steward-app: no data directory: pass --data-dir DIR or set STEWARD_DATA_DIR");
        std::process::exit(2);
    };
    let actor = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "local user".into());
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell::new(dir, actor))
        .invoke_handler(tauri::generate_handler![
            commands::workspace_info,
            commands::vocabulary,
            commands::blank_draft,
            commands::open_sample,
            commands::list_systems,
            commands::facets,
            commands::get_system,
            commands::add_system,
            commands::update_system,
            commands::set_stage,
            commands::next_stages,
            commands::plan_import,
            commands::import_systems,
            commands::export_systems,
            commands::audit_log,
            commands::verify_audit,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("steward-app: {e}");
        std::process::exit(1);
    }
}

/// The data directory: `--data-dir DIR` (or `--data-dir=DIR`), else `STEWARD_DATA_DIR`, else the
/// platform default. Other arguments (a WebDriver adds its own) are ignored.
fn data_dir(args: impl IntoIterator<Item = OsString>, env: Option<OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(v));
        }
    }
    env.filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(steward_core::api::default_data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], env: Option<&str>, expected: &str) {
        let got = data_dir(args.iter().map(OsString::from), env.map(OsString::from));
        assert_eq!(
            got,
            Some(PathBuf::from(expected)),
            "args {args:?}, env {env:?}"
        );
    }

    #[test]
    fn data_dir_argument_wins_over_environment() {
        check(&["--data-dir", "/a"], Some("/b"), "/a");
        check(&["--automation", "--data-dir=/a"], None, "/a");
        check(&["--automation"], Some("/b"), "/b");
    }
}
