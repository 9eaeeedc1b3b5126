//! Steward's desktop shell: opens the workspace in the data directory and hands the web UI the
//! commands of `commands` and the area modules. No business rule lives here; everything is
//! steward-core's API. A command is declared once, as a `#[tauri::command]` function: build.rs
//! derives the handler list, its permission, the capability and the UI's client from it.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod assess;
mod backup;
mod calendar;
mod card;
mod commands;
mod evidence;
mod import;
mod kpi;
mod portfolio;
mod review;
mod review_pack;
mod review_settings;
mod review_sign;
mod signoff;
mod tco;
mod webview;

/// The generator build.rs runs, included here for its tests.
#[cfg(test)]
#[path = "../build/commands.rs"]
mod command_declarations;

use std::ffi::OsString;
use std::path::PathBuf;

use commands::Shell;

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(dir) = dir_arg(
        &args,
        "--data-dir",
        std::env::var_os("STEWARD_DATA_DIR"),
        steward_core::api::default_data_dir,
    ) else {
        eprintln!("steward-app: no data directory: pass --data-dir DIR or set STEWARD_DATA_DIR");
        std::process::exit(2);
    };
    let Some(identity_dir) = dir_arg(
        &args,
        "--identity-dir",
        std::env::var_os("STEWARD_IDENTITY_DIR"),
        steward_core::identity::default_dir,
    ) else {
        eprintln!(
            "steward-app: no identity directory: pass --identity-dir DIR or set STEWARD_IDENTITY_DIR"
        );
        std::process::exit(2);
    };
    let actor = steward_core::api::default_actor(&identity_dir);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell::new(dir, identity_dir, actor))
        .setup(|app| Ok(webview::tune(app)?))
        // Every #[tauri::command] of src/*.rs, listed by build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("steward-app: {e}");
        std::process::exit(1);
    }
}

/// A directory given as `FLAG DIR` (or `FLAG=DIR`), else by the environment variable `env`,
/// else the platform default. Other arguments (a WebDriver adds its own) are ignored.
fn dir_arg(
    args: &[OsString],
    flag: &str,
    env: Option<OsString>,
    default: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    let prefix = format!("{flag}=");
    let mut args = args.iter();
    while let Some(a) = args.next() {
        if a == flag {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix(prefix.as_str())) {
            return Some(PathBuf::from(v));
        }
    }
    env.filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], env: Option<&str>, expected: &str) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let got = dir_arg(&args, "--data-dir", env.map(OsString::from), || None);
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

    #[test]
    fn identity_dir_is_read_like_the_data_dir() {
        let args: Vec<OsString> = ["--data-dir", "/a", "--identity-dir", "/i"]
            .iter()
            .map(OsString::from)
            .collect();
        let got = dir_arg(&args, "--identity-dir", None, || None);
        assert_eq!(
            got,
            Some(PathBuf::from("/i")),
            "each flag finds its own value"
        );
    }
}
