//! Steward's desktop shell: opens the workspace in the data directory (or the team workspace
//! `--db` / `STEWARD_DATABASE_URL` names) and hands the web UI the commands of `commands`,
//! `team` and the area modules. No business rule lives here; everything is
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
mod team;
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
    let Some(config_dir) = dir_arg(
        &args,
        "--config-dir",
        std::env::var_os("STEWARD_CONFIG_DIR"),
        steward_core::api::connect::default_config_dir,
    ) else {
        eprintln!(
            "steward-app: no configuration directory: pass --config-dir DIR or set STEWARD_CONFIG_DIR"
        );
        std::process::exit(2);
    };
    // A team workspace to open instead of the data directory's, as the CLI takes it.
    let team = arg(&args, "--db", std::env::var_os("STEWARD_DATABASE_URL"))
        .map(|v| v.to_string_lossy().into_owned());
    let actor = steward_core::api::default_actor(&identity_dir);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Shell::new(dir, identity_dir, config_dir, actor, team))
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
    arg(args, flag, env).map(PathBuf::from).or_else(default)
}

/// A value given as `FLAG VALUE` (or `FLAG=VALUE`), else by the environment variable `env`
/// when it is not empty.
fn arg(args: &[OsString], flag: &str, env: Option<OsString>) -> Option<OsString> {
    let prefix = format!("{flag}=");
    let mut args = args.iter();
    while let Some(a) = args.next() {
        if a == flag {
            return args.next().cloned();
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix(prefix.as_str())) {
            return Some(v.into());
        }
    }
    env.filter(|v| !v.is_empty())
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
    fn a_team_workspace_is_named_by_db_or_the_environment_and_none_by_default() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        let url = Some(OsString::from("postgres://ann@db/gov"));
        assert_eq!(
            arg(&os(&["--db", "postgres://a@h/x"]), "--db", url.clone()),
            Some("postgres://a@h/x".into()),
            "the flag wins over STEWARD_DATABASE_URL"
        );
        assert_eq!(
            arg(&os(&["--data-dir", "/a"]), "--db", url.clone()),
            url,
            "else the environment's"
        );
        assert_eq!(
            arg(&os(&["--automation"]), "--db", Some(OsString::new())),
            None,
            "an empty variable names none: the laptop workspace opens"
        );
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
