//! Importing evidence from a file: a spreadsheet in the long format (`import::evidence`) or an
//! MLflow run's JSON (`import::mlflow`). The plan never writes; the import writes every record in
//! one transaction, each with its own audit entry, and one entry for the file (its SHA-256 and the
//! counts). A file with any problem writes nothing.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::{bias_doc, run_doc};
use crate::api::Workspace;
use crate::audit::canonical_json;
use crate::evidence::{BiasResult, ValidationRun};
use crate::import::evidence::{self as long, PlannedEvidence, Stored};
use crate::import::mlflow::{self, MlflowOptions};
use crate::import::table::{read_table_with, ReadOptions};
use crate::import::ImportProblem;
use crate::store::{Change, Tx};
use crate::{Error, FieldError, Result};

pub use crate::import::evidence::EvidencePlan;

/// What the person says of an MLflow run where its tags and params do not: each wins over them.
/// A spreadsheet names these on each row, so they are refused with one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceImportOptions {
    pub system: Option<String>,
    pub model_version: Option<String>,
    pub method: Option<String>,
    pub dataset: Option<String>,
}

/// The largest MLflow run file read: a run's metrics, params and tags are kilobytes.
const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;

fn is_json(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn whole_file(path: &Path, message: String) -> Error {
    Error::Import {
        problems: vec![ImportProblem {
            file: path.display().to_string(),
            sheet: None,
            row: None,
            column: None,
            value: None,
            message,
        }],
    }
}

/// The file's bytes, for an MLflow run's JSON (and the SHA-256 of any file).
fn bytes_of(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).map_err(|e| whole_file(path, format!("cannot be read: {e}")))?;
    if meta.is_dir() {
        return Err(whole_file(path, "is a directory, not a file".into()));
    }
    if is_json(path) && meta.len() > MAX_JSON_BYTES {
        return Err(whole_file(
            path,
            format!(
                "is {} bytes, more than an MLflow run's JSON holds (at most {MAX_JSON_BYTES}); \
                 export one run with `mlflow runs describe --run-id ID`",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| whole_file(path, format!("cannot be read: {e}")))
}

/// The file read, before it is checked against a workspace.
enum Source {
    Sheet(crate::import::table::Table),
    Mlflow(Vec<u8>),
}

fn open(path: &Path, opts: &EvidenceImportOptions) -> Result<Source> {
    if is_json(path) {
        return Ok(Source::Mlflow(bytes_of(path)?));
    }
    let given: Vec<&str> = [
        ("--system", &opts.system),
        ("--model-version", &opts.model_version),
        ("--method", &opts.method),
        ("--dataset", &opts.dataset),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_some())
    .map(|(k, _)| k)
    .collect();
    if let Some(first) = given.first() {
        return Err(Error::Validation {
            entity: "evidence import",
            fields: vec![FieldError::new(
                first.trim_start_matches("--").replace('-', "_"),
                format!(
                    "{} apply to an MLflow run's JSON; a spreadsheet gives the system, model \
                     version, method and dataset on each row",
                    given.join(", ")
                ),
            )],
        });
    }
    let table = read_table_with(
        path,
        &ReadOptions {
            sheet: None,
            known: Some(&long::known_header),
        },
    )?;
    Ok(Source::Sheet(table))
}

fn refuse(plan: EvidencePlan) -> Result<EvidencePlan> {
    if plan.problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Import {
            problems: plan.problems,
        })
    }
}

/// The plan of `source` against the workspace as `tx` reads it.
fn plan_in(
    tx: &Tx<'_>,
    path: &Path,
    source: &Source,
    opts: &EvidenceImportOptions,
    today: chrono::NaiveDate,
) -> Result<(EvidencePlan, Vec<PlannedEvidence>)> {
    let systems = tx.all_systems()?;
    let runs = tx.evidence_runs(None)?;
    let bias = tx.bias_results(None)?;
    let stored = Stored {
        runs: &runs,
        bias: &bias,
    };
    Ok(match source {
        Source::Sheet(table) => long::plan(table, &systems, &stored, today),
        Source::Mlflow(bytes) => mlflow::plan(
            &path.display().to_string(),
            bytes,
            &systems,
            &stored,
            &MlflowOptions {
                system: opts.system.as_deref(),
                model_version: opts.model_version.as_deref(),
                method: opts.method.as_deref(),
                dataset: opts.dataset.as_deref(),
            },
            today,
        ),
    })
}

impl Workspace {
    /// What importing the evidence in `path` would add and replace. Never writes.
    pub fn plan_import_evidence(
        &self,
        path: &Path,
        opts: &EvidenceImportOptions,
    ) -> Result<EvidencePlan> {
        let source = open(path, opts)?;
        let today = self.ctx.clock.today();
        self.store
            .read(|tx| plan_in(tx, path, &source, opts, today))
            .map(|(plan, _)| plan)
    }

    /// Imports validation runs and bias results from `path`: an .xlsx, .ods or .csv in the long
    /// format, or an MLflow run's JSON. Any problem: `Err(Error::Import)` naming each (file,
    /// sheet, row, column or place in the JSON, value, what is accepted) and nothing is written.
    /// Otherwise every new and replaced record is written in one transaction with its audit
    /// entry, and one entry records the file. With `dry_run`, the plan only.
    pub fn import_evidence(
        &mut self,
        path: &Path,
        opts: &EvidenceImportOptions,
        dry_run: bool,
    ) -> Result<EvidencePlan> {
        if dry_run {
            return refuse(self.plan_import_evidence(path, opts)?);
        }
        let source = open(path, opts)?;
        let sha256 = hex::encode(Sha256::digest(bytes_of(path)?));
        let today = self.ctx.clock.today();
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let (plan, writes) = plan_in(tx, path, &source, opts, today)?;
            let plan = refuse(plan)?;
            if writes.is_empty() {
                return Ok(plan);
            }
            for w in writes {
                write_one(tx, w, &now, &actor)?;
            }
            let record = serde_json::json!({
                "file": plan.file,
                "sheet": plan.sheet,
                "format": plan.format,
                "sha256": sha256,
                "rows": plan.rows,
                "runs_added": plan.runs_added,
                "bias_added": plan.bias_added,
                "replaced": plan.replaced.len(),
                "unchanged": plan.unchanged,
                "systems": plan.systems,
            });
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "evidence_import",
                entity_id: sha256.clone(),
                action: "import",
                before: None,
                after: Some(canonical_json(&record)),
            })?;
            Ok(plan)
        })
    }
}

/// Writes one planned record and its audit entry.
fn write_one(tx: &mut Tx<'_>, w: PlannedEvidence, now: &str, actor: &str) -> Result<()> {
    let (entity, id, before, after) = match w {
        PlannedEvidence::Run { draft, replaces } => {
            let (id, before) = match replaces {
                Some(old) => {
                    tx.update_run(old.id, &draft, now, actor)?;
                    (old.id, Some(run_doc(&old)))
                }
                None => (tx.insert_run(&draft, now, actor)?, None),
            };
            let saved = ValidationRun {
                id,
                draft,
                recorded_at: now.to_string(),
                recorded_by: actor.to_string(),
            };
            ("evidence_run", id, before, run_doc(&saved))
        }
        PlannedEvidence::Bias { draft, replaces } => {
            let (id, before) = match replaces {
                Some(old) => {
                    tx.update_bias(old.id, &draft, now, actor)?;
                    (old.id, Some(bias_doc(&old)))
                }
                None => (tx.insert_bias(&draft, now, actor)?, None),
            };
            let saved = BiasResult {
                id,
                draft,
                recorded_at: now.to_string(),
                recorded_by: actor.to_string(),
            };
            ("evidence_bias", id, before, bias_doc(&saved))
        }
    };
    let action = if before.is_some() {
        "import_update"
    } else {
        "import_create"
    };
    tx.append_audit(Change {
        at: now.to_string(),
        actor,
        entity,
        entity_id: id.to_string(),
        action,
        before,
        after: Some(after),
    })?;
    Ok(())
}
