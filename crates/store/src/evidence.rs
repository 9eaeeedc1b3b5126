//! Rows of the evidence tables: `evidence_runs` (a run's metrics as one canonical JSON array) and
//! `evidence_bias`. SQL only; what to write is decided in `api::evidence`.

use super::{Store, Tx};
use crate::sql::{args, Conn, Row};
use crate::systems::{enum_col, unreadable};
use chrono::NaiveDate;
use steward_domain::audit::canonical_json;
use steward_domain::evidence::{
    BiasDraft, BiasMetric, BiasResult, Method, RunDraft, ValidationRun,
};
use steward_domain::{Error, Result};

fn date_col(r: &Row<'_>, i: usize) -> Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| unreadable(&format!("column {i}"), e))
}

const RUN_COLUMNS: &str = "id, system_id, model_version, run_date, method, dataset, run, incumbent,
    metrics, source, recorded_at, recorded_by";

fn run_row(r: &Row<'_>) -> Result<ValidationRun> {
    let metrics: String = r.get(8)?;
    Ok(ValidationRun {
        id: r.get(0)?,
        draft: RunDraft {
            system_id: r.get(1)?,
            model_version: r.get(2)?,
            date: date_col(r, 3)?,
            method: enum_col(r, 4, Method::parse)?,
            dataset: r.get(5)?,
            run: r.get(6)?,
            incumbent: r.get(7)?,
            metrics: serde_json::from_str(&metrics).map_err(|e| unreadable("column 8", e))?,
            source: r.get(9)?,
        },
        recorded_at: r.get(10)?,
        recorded_by: r.get(11)?,
    })
}

const BIAS_COLUMNS: &str = "id, system_id, model_version, result_date, dataset, attribute,
    segment, metric, reference, segment_value, reference_value, ratio, difference, source,
    recorded_at, recorded_by";

fn bias_row(r: &Row<'_>) -> Result<BiasResult> {
    Ok(BiasResult {
        id: r.get(0)?,
        draft: BiasDraft {
            system_id: r.get(1)?,
            model_version: r.get(2)?,
            date: date_col(r, 3)?,
            dataset: r.get(4)?,
            attribute: r.get(5)?,
            segment: r.get(6)?,
            metric: enum_col(r, 7, BiasMetric::parse)?,
            reference: r.get(8)?,
            segment_value: r.get(9)?,
            reference_value: r.get(10)?,
            ratio: r.get(11)?,
            difference: r.get(12)?,
            source: r.get(13)?,
        },
        recorded_at: r.get(14)?,
        recorded_by: r.get(15)?,
    })
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Every run, of one system or all, by system, date and id.
fn runs(conn: &Conn, system: Option<i64>) -> Result<Vec<ValidationRun>> {
    conn.query(
        &format!(
            "SELECT {RUN_COLUMNS} FROM evidence_runs WHERE (CAST(?1 AS BIGINT) IS NULL OR system_id = ?1)
             ORDER BY system_id, run_date, id"
        ),
        &args![system],
        run_row,
    )
}

fn run(conn: &Conn, id: i64) -> Result<Option<ValidationRun>> {
    conn.query_opt(
        &format!("SELECT {RUN_COLUMNS} FROM evidence_runs WHERE id = ?1"),
        &args![id],
        run_row,
    )
}

/// Every bias result, of one system or all, by system, date and id.
fn bias(conn: &Conn, system: Option<i64>) -> Result<Vec<BiasResult>> {
    conn.query(
        &format!(
            "SELECT {BIAS_COLUMNS} FROM evidence_bias WHERE (CAST(?1 AS BIGINT) IS NULL OR system_id = ?1)
             ORDER BY system_id, result_date, id"
        ),
        &args![system],
        bias_row,
    )
}

fn bias_one(conn: &Conn, id: i64) -> Result<Option<BiasResult>> {
    conn.query_opt(
        &format!("SELECT {BIAS_COLUMNS} FROM evidence_bias WHERE id = ?1"),
        &args![id],
        bias_row,
    )
}

impl Tx<'_> {
    /// Stores a new run (checked by the caller) and returns its id; a run with the same system,
    /// version, day, method, dataset and name is a conflict.
    pub fn insert_run(&mut self, d: &RunDraft, now: &str, actor: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO evidence_runs (id, system_id, model_version, run_date, method, dataset,
                    run, incumbent, metrics, source, recorded_at, recorded_by)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM evidence_runs),
                    ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 RETURNING id",
                &args![
                d.system_id,
                d.model_version,
                day(d.date),
                d.method.key(),
                d.dataset,
                d.run,
                d.incumbent,
                canonical_json(&d.metrics),
                d.source,
                now,
                actor
            ],
                |r| r.get(0),
            )
            .map_err(|e| duplicate(e, "a validation run"))
    }

    /// Replaces run `id` with `d` (same key), recorded now by `actor`.
    pub fn update_run(&mut self, id: i64, d: &RunDraft, now: &str, actor: &str) -> Result<()> {
        let n = self.tx.execute(
            "UPDATE evidence_runs SET system_id = ?2, model_version = ?3, run_date = ?4,
                    method = ?5, dataset = ?6, run = ?7, incumbent = ?8, metrics = ?9, source = ?10,
                    recorded_at = ?11, recorded_by = ?12
                 WHERE id = ?1",
            &args![
                id,
                d.system_id,
                d.model_version,
                day(d.date),
                d.method.key(),
                d.dataset,
                d.run,
                d.incumbent,
                canonical_json(&d.metrics),
                d.source,
                now,
                actor
            ],
        )?;
        found(n, "validation run", id)
    }

    pub fn delete_run(&mut self, id: i64) -> Result<()> {
        let n = self
            .tx
            .execute("DELETE FROM evidence_runs WHERE id = ?1", &args![id])?;
        found(n, "validation run", id)
    }

    pub fn insert_bias(&mut self, d: &BiasDraft, now: &str, actor: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO evidence_bias (id, system_id, model_version, result_date, dataset,
                    attribute, segment, metric, reference, segment_value, reference_value, ratio,
                    difference, source, recorded_at, recorded_by)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM evidence_bias),
                    ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 RETURNING id",
                &args![
                    d.system_id,
                    d.model_version,
                    day(d.date),
                    d.dataset,
                    d.attribute,
                    d.segment,
                    d.metric.key(),
                    d.reference,
                    d.segment_value,
                    d.reference_value,
                    d.ratio,
                    d.difference,
                    d.source,
                    now,
                    actor
                ],
                |r| r.get(0),
            )
            .map_err(|e| duplicate(e, "a bias result"))
    }

    pub fn update_bias(&mut self, id: i64, d: &BiasDraft, now: &str, actor: &str) -> Result<()> {
        let n = self.tx.execute(
            "UPDATE evidence_bias SET system_id = ?2, model_version = ?3, result_date = ?4,
                    dataset = ?5, attribute = ?6, segment = ?7, metric = ?8, reference = ?9,
                    segment_value = ?10, reference_value = ?11, ratio = ?12, difference = ?13,
                    source = ?14, recorded_at = ?15, recorded_by = ?16
                 WHERE id = ?1",
            &args![
                id,
                d.system_id,
                d.model_version,
                day(d.date),
                d.dataset,
                d.attribute,
                d.segment,
                d.metric.key(),
                d.reference,
                d.segment_value,
                d.reference_value,
                d.ratio,
                d.difference,
                d.source,
                now,
                actor
            ],
        )?;
        found(n, "bias result", id)
    }

    pub fn delete_bias(&mut self, id: i64) -> Result<()> {
        let n = self
            .tx
            .execute("DELETE FROM evidence_bias WHERE id = ?1", &args![id])?;
        found(n, "bias result", id)
    }

    pub fn evidence_runs(&self, system: Option<i64>) -> Result<Vec<ValidationRun>> {
        runs(self.tx, system)
    }

    pub fn evidence_run(&self, id: i64) -> Result<Option<ValidationRun>> {
        run(self.tx, id)
    }

    pub fn bias_results(&self, system: Option<i64>) -> Result<Vec<BiasResult>> {
        bias(self.tx, system)
    }

    pub fn bias_result(&self, id: i64) -> Result<Option<BiasResult>> {
        bias_one(self.tx, id)
    }
}

impl Store {
    /// Every validation run, of one system or of all, by system, date and id.
    pub fn evidence_runs(&self, system: Option<i64>) -> Result<Vec<ValidationRun>> {
        runs(&self.conn, system)
    }

    /// Every bias result, of one system or of all, by system, date and id.
    pub fn bias_results(&self, system: Option<i64>) -> Result<Vec<BiasResult>> {
        bias(&self.conn, system)
    }
}

fn found(n: usize, entity: &'static str, id: i64) -> Result<()> {
    if n == 0 {
        Err(Error::NotFound {
            entity,
            key: id.to_string(),
        })
    } else {
        Ok(())
    }
}

fn duplicate(e: Error, what: &str) -> Error {
    match e {
        Error::Conflict(_) => Error::Conflict(format!(
            "{what} with the same system, model version, date and subject is recorded \
             already; nothing was changed"
        )),
        e => e,
    }
}
