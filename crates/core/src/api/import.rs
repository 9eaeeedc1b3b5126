//! Importing systems from .xlsx, .ods and .csv: plan (read and check, never write), then write a
//! clean plan in one transaction with one audit entry per record and one for the import (the
//! file's SHA-256, the decisions made reading it, the mapping used). The sheet is parsed and its
//! rows read into checked drafts on one thread while they are planned (against the rows before
//! them and the gates) and written on this one. Reading and checking rows lives in `crate::import`; this module orchestrates,
//! and keeps mapping profiles (named mappings saved in the workspace).

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::systems::{insert_audited_many, update_audited};
use super::Workspace;
use crate::audit::canonical_json;
use crate::import::mapping::{Mapping, Resolved};
use crate::import::systems::{self, known_header, PlannedWrite, Planner, ReadRow, RowGate};
use crate::import::table::{open_sheet, ReadOptions};
use crate::import::{ImportPlan, ImportProblem};
use crate::register::{AiSystem, SystemDraft};
use crate::store::{Change, Tx};
use crate::{Error, Result};

/// The settings key prefix of a mapping profile.
pub(super) const PROFILE_KEY: &str = "import_profile:";

/// How to read a register file: the sheet, and a mapping (a profile's or a file's).
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The worksheet to read; else the one whose header matches.
    pub sheet: Option<String>,
    /// A mapping and where it came from ("profile \"Risk team\"", "file map.toml").
    pub mapping: Option<(String, Mapping)>,
}

/// How the app asks for a register file to be read: the sheet, a saved profile, or a mapping
/// made on the import screen (which wins over the profile).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ImportRequest {
    pub sheet: Option<String>,
    pub profile: Option<String>,
    pub mapping: Option<Mapping>,
}

/// A mapping saved in the workspace under a name, for the next import.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProfile {
    pub name: String,
    pub mapping: Mapping,
}

/// Rows read so far, for a progress bar; return false to cancel (nothing is written).
pub type ImportProgress<'a> = dyn FnMut(u32) -> bool + Send + 'a;

impl Workspace {
    /// What importing `path` would add and change, with every problem and warning. Never writes.
    /// An unreadable, empty or corrupt file is `Err(Error::Import)` naming the file.
    pub fn plan_import_systems(&self, path: &Path) -> Result<ImportPlan> {
        self.plan_import_systems_with(path, &ImportOptions::default())
    }

    /// As [`Workspace::plan_import_systems`], reading the file as `opts` says.
    pub fn plan_import_systems_with(
        &self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportPlan> {
        let resolved = resolve(opts)?;
        self.dry_plan(path, opts, resolved.as_ref())
    }

    /// The plan of an import that writes nothing: every row read and checked against the
    /// register and its gates as they are, in one read transaction.
    fn dry_plan(
        &self,
        path: &Path,
        opts: &ImportOptions,
        resolved: Option<&Resolved>,
    ) -> Result<ImportPlan> {
        let today = self.ctx.clock.today();
        let never = AtomicBool::new(false);
        self.store.read(|tx| {
            let existing = tx.all_systems()?;
            let failed = RefCell::new(None);
            let plan = read_and_plan(
                path,
                opts,
                resolved,
                &existing,
                today,
                &never,
                gate_rows(
                    |b, d| super::gates::check(tx, b, d, today).map(drop),
                    &failed,
                ),
                |_| Ok(()),
            )?;
            match failed.into_inner() {
                Some(e) => Err(e),
                None => Ok(plan),
            }
        })
    }

    /// Imports the register rows of `path`. With any problem: `Err(Error::Import)` listing them
    /// all, and nothing is written. With `dry_run`: the plan, and nothing is written. Otherwise
    /// every add and change is written in one transaction, each with its audit entry
    /// ("import_create" / "import_update"), and the plan is returned.
    pub fn import_systems(&mut self, path: &Path, dry_run: bool) -> Result<ImportPlan> {
        self.import_systems_with(path, dry_run, &ImportOptions::default(), &mut |_| true)
    }

    /// As [`Workspace::import_systems`], reading the file as `opts` says, telling `progress` how
    /// many rows were read; when it returns false the import stops with `Error::Cancelled` and
    /// nothing is written. The import's own audit entry ("system_import") records the file's
    /// SHA-256, the counts, the decisions made reading it and the mapping used.
    pub fn import_systems_with(
        &mut self,
        path: &Path,
        dry_run: bool,
        opts: &ImportOptions,
        progress: &mut ImportProgress<'_>,
    ) -> Result<ImportPlan> {
        let resolved = resolve(opts)?;
        let today = self.ctx.clock.today();
        let cancel = AtomicBool::new(false);
        if dry_run {
            return refuse_problems(self.dry_plan(path, opts, resolved.as_ref())?);
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        // The file's digest (for the import's audit entry) on another thread meanwhile.
        let digest = {
            let path = path.to_path_buf();
            std::thread::spawn(move || -> Result<String> {
                let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                let mut h = Sha256::new();
                std::io::copy(&mut f, &mut h).map_err(|e| Error::io(&path, e))?;
                Ok(hex::encode(h.finalize()))
            })
        };
        // Planned inside the write transaction, so the register cannot change between the check
        // and the write; rows are written as they are checked, and the transaction is rolled back
        // when the plan has a problem or the import is cancelled.
        // Each row passes the gates as it is planned (so a refusal is located in the file), and
        // again as it is written, like every write of a system.
        self.store.write(|tx| {
            let tx = RefCell::new(tx);
            let failed = RefCell::new(None);
            let existing = tx.borrow().all_systems()?;
            let mut written = Ok(());
            let mut rows_seen = 0u32;
            let plan = read_and_plan(
                path,
                opts,
                resolved.as_ref(),
                &existing,
                today,
                &cancel,
                gate_rows(
                    |b, d| super::gates::check(&tx.borrow(), b, d, today).map(drop),
                    &failed,
                ),
                |step| {
                    match step {
                        Step::Rows(n) => {
                            rows_seen += n;
                            if !progress(rows_seen) {
                                cancel.store(true, Ordering::Relaxed);
                            }
                        }
                        Step::Write(writes) => {
                            // Runs of new systems are written together (one statement for
                            // many rows where the store can), changes one at a time, in the
                            // file's order.
                            let mut guard = tx.borrow_mut();
                            let tx: &mut Tx<'_> = &mut guard;
                            let mut adds = Vec::new();
                            for w in writes {
                                if written.is_err() {
                                    break;
                                }
                                written = match w {
                                    PlannedWrite::Add(d) => {
                                        adds.push(d);
                                        Ok(())
                                    }
                                    PlannedWrite::Update { before, draft } => insert_audited_many(
                                        tx,
                                        std::mem::take(&mut adds),
                                        &now,
                                        &actor,
                                        "import_create",
                                    )
                                    .and_then(|_| {
                                        update_audited(
                                            tx,
                                            &before,
                                            &draft,
                                            &now,
                                            &actor,
                                            "import_update",
                                        )
                                        .map(drop)
                                    }),
                                };
                            }
                            if written.is_ok() && !adds.is_empty() {
                                written =
                                    insert_audited_many(tx, adds, &now, &actor, "import_create")
                                        .map(drop);
                            }
                        }
                    }
                    Ok(())
                },
            )?;
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            if let Some(e) = failed.into_inner() {
                return Err(e);
            }
            let plan = refuse_problems(plan)?;
            written?;
            if plan.adds.is_empty() && plan.changes.is_empty() {
                // Nothing changed, so nothing to record.
                return Ok(plan);
            }
            let sha256 = digest
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let record = serde_json::json!({
                "file": plan.file,
                "sheet": plan.sheet,
                "sha256": sha256,
                "rows": plan.rows,
                "added": plan.adds.len(),
                "changed": plan.changes.len(),
                "unchanged": plan.unchanged,
                "decisions": plan.decisions.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "mapping": resolved.as_ref().map(|m| serde_json::json!({
                    "source": m.source,
                    "columns": m.mapping.columns,
                    "values": m.mapping.values,
                    "date_order": m.mapping.date_order,
                })),
            });
            tx.borrow_mut().append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "system_import",
                entity_id: sha256,
                action: "import",
                before: None,
                after: Some(canonical_json(&record)),
            })?;
            Ok(plan)
        })
    }

    /// The options a request reads the file with: its sheet, and its mapping or else its
    /// profile's (a profile that does not exist is an error naming the saved ones).
    pub fn import_options(&self, req: &ImportRequest) -> Result<ImportOptions> {
        let mapping = match (&req.mapping, &req.profile) {
            (Some(m), _) => Some((
                "the mapping made on the import screen".to_string(),
                m.clone(),
            )),
            (None, Some(name)) => Some((format!("profile {name:?}"), self.import_profile(name)?)),
            (None, None) => None,
        };
        Ok(ImportOptions {
            sheet: req.sheet.clone(),
            mapping,
        })
    }

    /// The mapping profiles saved in the workspace, by name.
    pub fn import_profiles(&self) -> Result<Vec<ImportProfile>> {
        let mut out = Vec::new();
        for (key, text) in self.store.settings_with_prefix(PROFILE_KEY)? {
            let name = key[PROFILE_KEY.len()..].to_string();
            let mapping = Mapping::from_toml(&text)
                .map_err(|m| Error::Integrity(format!("the saved mapping profile {name:?} {m}")))?;
            out.push(ImportProfile { name, mapping });
        }
        Ok(out)
    }

    /// The profile saved as `name`; `Error::NotFound`-like message naming the saved ones if none.
    pub fn import_profile(&self, name: &str) -> Result<Mapping> {
        let profiles = self.import_profiles()?;
        match profiles
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
        {
            Some(p) => Ok(p.mapping.clone()),
            None => Err(Error::Validation {
                entity: "import_profile",
                fields: vec![crate::FieldError::new(
                    "name",
                    format!(
                        "no mapping profile named {name:?}; the saved profiles are: {}",
                        if profiles.is_empty() {
                            "none".to_string()
                        } else {
                            profiles
                                .iter()
                                .map(|p| format!("{:?}", p.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                )],
            }),
        }
    }

    /// Saves `mapping` as the profile `name` (replacing one of that name), audited, once it is
    /// known to be a mapping the register import can apply.
    pub fn save_import_profile(&mut self, name: &str, mapping: &Mapping) -> Result<()> {
        let name = name.trim();
        if name.is_empty() || name.chars().any(char::is_control) || name.len() > 80 {
            return Err(Error::Validation {
                entity: "import_profile",
                fields: vec![crate::FieldError::new(
                    "name",
                    "a profile needs a name of 1 to 80 characters",
                )],
            });
        }
        systems::resolve_mapping(mapping, name).map_err(|errors| mapping_error(name, errors))?;
        let key = format!("{PROFILE_KEY}{name}");
        self.set_file_setting(&key, ("import_profile", name), Some(&mapping.to_toml()))
    }

    /// Deletes the profile `name`, audited.
    pub fn delete_import_profile(&mut self, name: &str) -> Result<()> {
        // Refuses a name no profile has, listing those saved.
        self.import_profile(name)?;
        // The profile as it was saved: a name given in another case deletes it too.
        let name = self
            .import_profiles()?
            .into_iter()
            .map(|p| p.name)
            .find(|n| n.eq_ignore_ascii_case(name.trim()))
            .unwrap_or_else(|| name.trim().to_string());
        let key = format!("{PROFILE_KEY}{name}");
        self.set_file_setting(&key, ("import_profile", &name), None)
    }
}

fn mapping_error(source: &str, errors: Vec<String>) -> Error {
    Error::Import {
        problems: errors
            .into_iter()
            .map(|message| ImportProblem {
                file: source.to_string(),
                sheet: None,
                row: None,
                column: None,
                value: None,
                message,
            })
            .collect(),
    }
}

fn resolve(opts: &ImportOptions) -> Result<Option<Resolved>> {
    opts.mapping
        .as_ref()
        .map(|(source, m)| {
            systems::resolve_mapping(m, source).map_err(|errors| mapping_error(source, errors))
        })
        .transpose()
}

/// What the planning tells the caller as it goes.
enum Step {
    /// This many more rows were read.
    Rows(u32),
    /// Rows checked so far, to write (only while the plan has no problem).
    Write(Vec<PlannedWrite>),
}

/// The gates as an import's row check (`check` is `gates::check` in the import's transaction):
/// a gate's refusal becomes a problem of the row; any other error (the store failing) is kept in
/// `failed`, and the import ends with it once the rows are read.
fn gate_rows<'a>(
    check: impl Fn(Option<&AiSystem>, &SystemDraft) -> Result<()> + 'a,
    failed: &'a RefCell<Option<Error>>,
) -> RowGate<'a> {
    Box::new(
        move |before, d| match check(before, d).map_err(Error::into_inner) {
            Ok(()) => Ok(()),
            Err(Error::Gate {
                fields, message, ..
            }) => Err((fields, message)),
            Err(other) => {
                failed.borrow_mut().get_or_insert(other);
                Ok(())
            }
        },
    )
}

/// Opens the sheet, then parses it and reads its rows into drafts on another thread while this
/// one plans the rows as they come (each clean row also through `gate`) and hands each checked
/// batch to `step`. Stops early
/// (the plan then counts only the rows read) when `cancel` is set.
#[allow(clippy::too_many_arguments)]
fn read_and_plan(
    path: &Path,
    opts: &ImportOptions,
    mapping: Option<&Resolved>,
    existing: &[AiSystem],
    today: chrono::NaiveDate,
    cancel: &AtomicBool,
    gate: RowGate<'_>,
    mut step: impl FnMut(Step) -> Result<()>,
) -> Result<ImportPlan> {
    let known = |h: &str| known_header(h, mapping);
    let sheet = open_sheet(
        path,
        &ReadOptions {
            sheet: opts.sheet.as_deref(),
            known: Some(&known),
        },
    )?;
    let table = sheet.table.clone();
    let decisions = sheet.decisions.clone();
    let sheets = sheet.sheets.clone();
    let mut planner = Planner::new(&table, today, mapping, decisions).with_gate(gate);
    let rows_reader = planner.reader(existing);
    std::thread::scope(|s| -> Result<ImportPlan> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<ReadRow<'_>>>(4);
        let reader = s.spawn(move || {
            sheet.rows(|batch| {
                !cancel.load(Ordering::Relaxed) && send.send(rows_reader.read(batch)).is_ok()
            })
        });
        let mut failed = Ok(());
        for batch in receive {
            if failed.is_err() || cancel.load(Ordering::Relaxed) {
                continue;
            }
            let n = batch.len() as u32;
            planner.planned(batch);
            let writes = if planner.is_clean() {
                planner.take_writes()
            } else {
                Vec::new()
            };
            failed = step(Step::Rows(n)).and_then(|()| {
                if writes.is_empty() {
                    Ok(())
                } else {
                    step(Step::Write(writes))
                }
            });
        }
        reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        failed?;
        let (mut plan, rest) = planner.finish();
        plan.sheets = sheets;
        if !rest.is_empty() && plan.problems.is_empty() {
            step(Step::Write(rest))?;
        }
        Ok(plan)
    })
}

fn refuse_problems(plan: ImportPlan) -> Result<ImportPlan> {
    if plan.problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Import {
            problems: plan.problems,
        })
    }
}
