//! Importing measurements from a file: the plan (never writes), and the write, where an .xlsx
//! sheet is parsed, checked and written on three threads that overlap, with one audit entry for
//! the file and the escalation rules run once over the workspace. The row checks are in
//! `crate::import::measurements`; nothing here enters a single measurement or decides a status.

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::escalations::reconcile;
use crate::api::Workspace;
use crate::audit::canonical_json;
use crate::import::measurements::{self, Existing, MeasurementPlan, PlannedMeasurement};
use crate::import::table::{open_sheet, ReadOptions, Sheet};
use crate::store::{Change, MeasurementRow};
use crate::{Error, Result};

fn existing(
    stored: &HashMap<(i64, i32), crate::store::StoredValue>,
    kpi: i64,
    period: i32,
) -> Option<Existing<'_>> {
    stored.get(&(kpi, period)).map(|s| Existing {
        value: s.value,
        source: &s.source,
        note: &s.note,
    })
}

/// The source recorded for rows whose source cell is empty: the file's name.
fn default_source(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A measurements file opened at its header (the sheet whose header names the columns of a
/// measurements file, found among the first rows), its rows to be parsed as they are checked.
fn open(path: &Path) -> Result<Sheet> {
    open_sheet(
        path,
        &ReadOptions {
            sheet: None,
            known: Some(&measurements::known_header),
        },
    )
}

fn refuse(plan: MeasurementPlan) -> Result<MeasurementPlan> {
    if plan.problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Import {
            problems: plan.problems,
        })
    }
}

impl Workspace {
    /// What importing the measurements in `path` would add and change. Never writes.
    pub fn plan_import_measurements(&self, path: &Path) -> Result<MeasurementPlan> {
        let sheet = open(path)?;
        let systems = self.store.all_systems()?;
        let kpis = self.store.all_kpis()?;
        let stored = self.store.stored_values()?;
        let source = default_source(path);
        let (table, decisions) = (sheet.table.clone(), sheet.decisions.clone());
        let mut plan = std::thread::scope(|s| {
            let (send, receive) = std::sync::mpsc::sync_channel(4);
            let reader = s.spawn(move || sheet.rows(|batch| send.send(batch).is_ok()));
            let plan = measurements::plan_rows(
                &table,
                receive.into_iter().flatten(),
                0,
                &systems,
                &kpis,
                |k, p| existing(&stored, k, p),
                &source,
                drop,
            );
            reader
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map(|()| plan)
        })?;
        plan.decisions = decisions;
        Ok(plan)
    }

    /// Imports measurements in long format (system, KPI, period, value, source, note) from .xlsx,
    /// .ods or .csv. Any problem: `Err(Error::Import)` and nothing is written. Otherwise every new
    /// and changed value is written in one transaction with one audit entry for the file (its
    /// SHA-256, the counts, and each replaced value before and after), and the escalation rules
    /// run over the whole workspace.
    pub fn import_measurements(&mut self, path: &Path, dry_run: bool) -> Result<MeasurementPlan> {
        if dry_run {
            return refuse(self.plan_import_measurements(path)?);
        }
        // The file's digest (for the audit entry) on another thread while the sheet is parsed.
        let digest = {
            let path = path.to_path_buf();
            std::thread::spawn(move || -> Result<String> {
                // Streamed through the hash: a file of any size costs a buffer.
                let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
                let mut h = Sha256::new();
                std::io::copy(&mut f, &mut h).map_err(|e| Error::io(&path, e))?;
                Ok(hex::encode(h.finalize()))
            })
        };
        let digest = || {
            digest
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        // The sheet is checked and written as it is parsed, whatever its format.
        let sheet = open(path)?;
        self.write_measurements(path, sheet, digest)
    }

    /// Writes the measurements of `sheet` as `import_measurements` says.
    fn write_measurements(
        &mut self,
        path: &Path,
        sheet: Sheet,
        sha256: impl FnOnce() -> Result<String>,
    ) -> Result<MeasurementPlan> {
        let source = default_source(path);
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let mut sheet = Some(sheet);
        self.store.write(|tx| {
            let systems = tx.all_systems()?;
            let kpis = tx.all_kpis()?;
            let stored = tx.stored_values()?;
            // Every value once the import is written, as (KPI, period, 0 for written or 1 for
            // stored, value): the rules read it below, rather than reading it back from the store.
            let mut series: Vec<(i64, i32, u8, f64)> = Vec::with_capacity(stored.len());
            // The rows are checked on a second thread and written here as they come, in chunks,
            // while a streamed sheet is parsed on a third: parsing, checking and writing overlap.
            // A file with a problem writes nothing, as the transaction is rolled back when the
            // plan is refused.
            let sheet = sheet.take().expect("the sheet is read once");
            let (plan, written) = tx.with_bulk_cache(|tx| {
                std::thread::scope(|s| -> Result<(MeasurementPlan, usize)> {
                    let (send, receive) =
                        std::sync::mpsc::sync_channel::<Vec<PlannedMeasurement>>(8);
                    let (systems, kpis, stored, source) = (&systems, &kpis, &stored, &source);
                    let planner = s.spawn(move || -> Result<MeasurementPlan> {
                        const CHUNK: usize = 8192;
                        let mut chunk = Vec::with_capacity(CHUNK);
                        let write = |w| {
                            chunk.push(w);
                            if chunk.len() == CHUNK {
                                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                                // The receiver lives until every chunk is sent.
                                let _ = send.send(full);
                            }
                        };
                        let existing = |k, p| existing(stored, k, p);
                        let (table, decisions) = (sheet.table.clone(), sheet.decisions.clone());
                        let (rows_send, rows_receive) = std::sync::mpsc::sync_channel(4);
                        let mut plan = std::thread::scope(|s| {
                            let reader = s.spawn(move || {
                                // The receiver reads every batch sent.
                                sheet.rows(|batch| rows_send.send(batch).is_ok())
                            });
                            let plan = measurements::plan_rows(
                                &table,
                                rows_receive.into_iter().flatten(),
                                0,
                                systems,
                                kpis,
                                existing,
                                source,
                                write,
                            );
                            reader
                                .join()
                                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                                .map(|()| plan)
                        })?;
                        plan.decisions = decisions;
                        if !chunk.is_empty() {
                            let _ = send.send(chunk);
                        }
                        Ok(plan)
                    });
                    let mut written = Ok(0);
                    for chunk in receive {
                        let Ok(n) = &mut written else { continue };
                        series.extend(chunk.iter().map(|w| (w.kpi_id, w.period_index, 0, w.value)));
                        match tx.upsert_measurements(
                            chunk.iter().map(|w| MeasurementRow {
                                kpi_id: w.kpi_id,
                                period_index: w.period_index,
                                period: &w.period,
                                value: w.value,
                                source: &w.source,
                                note: &w.note,
                            }),
                            &now,
                            &actor,
                        ) {
                            Ok(k) => *n += k,
                            Err(e) => written = Err(e),
                        }
                    }
                    let plan = planner
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                    let plan = refuse(plan)?;
                    Ok((plan, written?))
                })
            })?;
            if written == 0 {
                return Ok(plan);
            }
            let sha256 = sha256()?;
            series.extend(stored.iter().map(|(&(k, p), v)| (k, p, 1, v.value)));
            drop(stored);
            series.sort_unstable_by_key(|a| (a.0, a.1, a.2));
            // A written value replaces the stored one: keep the first of each (KPI, period).
            series.dedup_by(|later, first| (later.0, later.1) == (first.0, first.1));
            let series: Vec<(i64, i32, f64)> =
                series.into_iter().map(|(k, p, _, v)| (k, p, v)).collect();
            let record = serde_json::json!({
                "file": plan.file,
                "sheet": plan.sheet,
                "sha256": sha256,
                "rows": plan.rows,
                "added": plan.added,
                "unchanged": plan.unchanged,
                "kpis": plan.kpis,
                "updated": plan.updated,
            });
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "measurement_import",
                entity_id: sha256.clone(),
                action: "import",
                before: None,
                after: Some(canonical_json(&record)),
            })?;
            let escalations = tx.escalations(None)?;
            reconcile(tx, &kpis, &series, escalations, &now, &actor)?;
            Ok(plan)
        })
    }
}
