//! The commands the UI invokes: each one locks the workspace and calls one function of
//! `steward_core::api`. Errors cross as `WireError` (`{code, message, fields?, problems?}`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use steward_core::api::connect::TeamLogin;
use steward_core::api::seal::SealCheck;
use steward_core::api::wire::{Vocabulary, WireError, WorkspaceInfo};
use steward_core::api::{
    self, AuditChoices, AuditPage, AuditQuery, AuditVerification, Context, Facets, Passphrase,
    Workspace,
};
use steward_core::clock::{Clock, SystemClock};
use steward_core::identity::{self, IdentityInfo, Profile};
use steward_core::pack::{self, PackReport, PackSummary, Progress};
use steward_core::register::{self, AiSystem, Stage, SystemDraft, SystemQuery};
use steward_core::sign::Signer;
use tauri::ipc::Channel;
use tauri::State;

pub(crate) type Reply<T> = Result<T, WireError>;

/// The app's state: where the laptop workspace, the signing identity and the app's
/// configuration live, the team workspace named at launch, the workspace once opened, and
/// whether the person asked to cancel the export or import in progress.
pub struct Shell {
    dir: PathBuf,
    identity: PathBuf,
    config: PathBuf,
    actor: String,
    /// The team workspace `--db` or `STEWARD_DATABASE_URL` named at launch (its password, if
    /// the string holds one, only ever in memory): opened at the first call instead of the
    /// laptop workspace, until the person opens another.
    launch_team: Mutex<Option<String>>,
    ws: Mutex<Option<Workspace>>,
    cancel: AtomicBool,
}

impl Shell {
    pub fn new(
        dir: PathBuf,
        identity: PathBuf,
        config: PathBuf,
        actor: String,
        launch_team: Option<String>,
    ) -> Self {
        Shell {
            dir,
            identity,
            config,
            actor,
            launch_team: Mutex::new(launch_team),
            ws: Mutex::new(None),
            cancel: AtomicBool::new(false),
        }
    }

    /// Where the app keeps what it remembers (the team workspaces opened lately).
    pub(crate) fn config_dir(&self) -> &std::path::Path {
        &self.config
    }

    fn context(&self) -> Context {
        Context::new(self.actor.clone(), Arc::new(SystemClock))
    }

    /// Opens the laptop workspace (an encrypted one with its passphrase) and, once it is
    /// open, puts it in place of the workspace open until now; a workspace that does not open
    /// leaves the one open as it was.
    pub(crate) fn open_laptop(&self, passphrase: Option<&Passphrase>) -> Reply<WorkspaceInfo> {
        blocking(|| {
            self.put(Workspace::open_dir_with(
                &self.dir,
                self.context(),
                passphrase,
            )?)
        })
    }

    /// [`Shell::open_laptop`] for the team workspace the form names (remembered without its
    /// password once it is open).
    pub(crate) fn open_team(&self, login: &TeamLogin) -> Reply<WorkspaceInfo> {
        blocking(|| {
            self.put(Workspace::open_team_login(
                login,
                self.context(),
                &self.config,
            )?)
        })
    }

    /// Makes `ws` the open workspace (opened without holding the lock, so a slow server
    /// does not stall the other calls); the launch's team workspace is not opened again.
    fn put(&self, ws: Workspace) -> Reply<WorkspaceInfo> {
        let info = ws.info()?;
        *self.lock(&self.ws)? = Some(ws);
        *self.lock(&self.launch_team)? = None;
        Ok(info)
    }

    fn lock<'a, T>(&self, m: &'a Mutex<T>) -> Reply<std::sync::MutexGuard<'a, T>> {
        m.lock().map_err(|_| {
            WireError::new(
                "workspace",
                "an earlier operation failed while holding the workspace; restart Steward",
            )
        })
    }

    /// Set when the person asks to stop the export or import in progress.
    pub(crate) fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }

    pub(crate) fn unlock(&self, passphrase: &str) -> Reply<Signer> {
        Ok(identity::unlock(
            &self.identity,
            passphrase,
            SystemClock.now(),
        )?)
    }

    /// Runs `f` on the workspace, opening it on first use (the team workspace named at launch,
    /// else the laptop one) so an unusable data directory or server reaches the UI as an error
    /// instead of stopping the app. An encrypted workspace does not open here: the error's
    /// code is `locked`, and the UI asks for the passphrase ([`unlock_workspace`]).
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> steward_core::Result<T>,
    ) -> Reply<T> {
        blocking(|| self.with_blocking(f))
    }

    fn with_blocking<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> steward_core::Result<T>,
    ) -> Reply<T> {
        let mut guard = self.lock(&self.ws)?;
        if guard.is_none() {
            let launch = self.lock(&self.launch_team)?.clone();
            *guard = Some(match launch {
                Some(conninfo) => Workspace::open_team(&conninfo, self.context())?,
                None => Workspace::open_dir_with(&self.dir, self.context(), None)?,
            });
        }
        let ws = guard
            .as_mut()
            .ok_or_else(|| WireError::new("workspace", "the workspace is not open"))?;
        Ok(f(ws)?)
    }
}

/// Runs `f`, which may wait on the workspace's database, where a command runs: an `async`
/// command runs on a worker of Tauri's tokio runtime, where the `postgres` client's own
/// runtime (a team workspace's every call, its opening and closing too) may not block unless
/// the worker is first handed over to blocking work; elsewhere (the window's thread) `f` just
/// runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

// The UI's first call, which opens the workspace (see `Shell::with`): off the window's thread,
// like every call that may take long.
#[tauri::command(async)]
pub fn workspace_info(s: State<'_, Shell>) -> Reply<WorkspaceInfo> {
    s.with(|ws| ws.info())
}

/// Opens the encrypted laptop workspace with its passphrase, once opening it has said it is
/// locked; a wrong passphrase is a `locked` error again and opens nothing.
#[tauri::command(async)]
pub fn unlock_workspace(s: State<'_, Shell>, passphrase: String) -> Reply<WorkspaceInfo> {
    s.open_laptop(Some(&Passphrase::new(passphrase)?))
}

#[tauri::command]
pub fn vocabulary() -> Vocabulary {
    Vocabulary::get()
}

/// The defaults a new-system form starts from.
#[tauri::command]
pub fn blank_draft() -> SystemDraft {
    SystemDraft::new("")
}

#[tauri::command]
pub fn open_sample(s: State<Shell>) -> Reply<usize> {
    s.with(steward_core::demo::populate)
}

#[tauri::command]
pub fn list_systems(s: State<Shell>, query: SystemQuery) -> Reply<Vec<AiSystem>> {
    s.with(|ws| ws.list_systems(&query))
}

#[tauri::command]
pub fn facets(s: State<Shell>) -> Reply<Facets> {
    s.with(|ws| ws.facets())
}

#[tauri::command]
pub fn get_system(s: State<Shell>, id: i64) -> Reply<AiSystem> {
    s.with(|ws| ws.system(id))
}

#[tauri::command]
pub fn add_system(s: State<Shell>, draft: SystemDraft) -> Reply<AiSystem> {
    s.with(|ws| ws.add_system(draft))
}

#[tauri::command]
pub fn update_system(s: State<Shell>, id: i64, draft: SystemDraft) -> Reply<AiSystem> {
    s.with(|ws| ws.update_system(id, draft))
}

#[tauri::command]
pub fn set_stage(s: State<Shell>, id: i64, stage: Stage) -> Reply<AiSystem> {
    s.with(|ws| ws.set_stage(id, stage))
}

/// The stages a system in `stage` may move to, for the stage buttons.
#[tauri::command]
pub fn next_stages(stage: Stage) -> Vec<Stage> {
    register::allowed_next(stage).to_vec()
}

#[tauri::command]
pub fn audit_log(s: State<Shell>, query: AuditQuery) -> Reply<AuditPage> {
    s.with(|ws| ws.audit_log(&query))
}

/// The audit log filters' choices; with `entity`, the records of that kind in the log.
#[tauri::command]
pub fn audit_choices(s: State<Shell>, entity: Option<String>) -> Reply<AuditChoices> {
    s.with(|ws| ws.audit_choices(entity.as_deref()))
}

/// The log checked: the chain, every record against it, the seals; off the window's thread, as
/// a large workspace takes a moment.
#[tauri::command(async)]
pub fn verify_audit(s: State<'_, Shell>) -> Reply<AuditVerification> {
    s.with(|ws| ws.verify_audit())
}

/// Seals the log's head with your identity, unlocked by `passphrase`.
#[tauri::command(async)]
pub fn seal_audit(s: State<'_, Shell>, passphrase: String) -> Reply<SealCheck> {
    let signer = s.unlock(&passphrase)?;
    s.with(|ws| ws.seal_audit(&signer))
}

/// The signing identity, or None before one is created.
#[tauri::command]
pub fn identity_show(s: State<Shell>) -> Reply<Option<IdentityInfo>> {
    let dir = &s.identity;
    Ok(identity::exists(dir)
        .then(|| identity::show(dir))
        .transpose()?)
}

#[tauri::command(async)]
pub fn identity_init(
    s: State<'_, Shell>,
    profile: Profile,
    passphrase: String,
) -> Reply<IdentityInfo> {
    Ok(identity::init(
        &s.identity,
        &profile,
        &passphrase,
        SystemClock.now(),
    )?)
}

/// Writes the register report ("pdf" or "xlsx") to `path`; returns the bytes written.
#[tauri::command(async)]
pub fn export_report(
    s: State<'_, Shell>,
    format: String,
    sign: bool,
    passphrase: Option<String>,
    path: PathBuf,
) -> Reply<usize> {
    let signer = sign
        .then(|| s.unlock(passphrase.as_deref().unwrap_or("")))
        .transpose()?;
    s.with(|ws| ws.write_register_report(&format, signer.as_ref(), &path))
}

/// Writes a signed audit pack, reporting each step on `on_progress` until `cancel_export`.
#[tauri::command(async)]
pub fn create_pack(
    s: State<'_, Shell>,
    passphrase: String,
    path: PathBuf,
    on_progress: Channel<Progress>,
) -> Reply<PackSummary> {
    let signer = s.unlock(&passphrase)?;
    s.cancel.store(false, Ordering::SeqCst);
    let mut go_on = |p| on_progress.send(p).is_ok() && !s.cancel.load(Ordering::SeqCst);
    s.with(|ws| ws.create_pack(&signer, &path, &mut go_on))
}

#[tauri::command]
pub fn cancel_export(s: State<Shell>) {
    s.cancel.store(true, Ordering::SeqCst);
}

/// Verifies an audit pack or a signed PDF against the workspace's certificates and your own.
#[tauri::command(async)]
pub fn verify_file(s: State<'_, Shell>, path: PathBuf) -> Reply<PackReport> {
    let trusted = s.with(|ws| api::pack::trusted_certificates(Some(ws), &s.identity))?;
    Ok(pack::verify_file(&path, &trusted)?)
}
