//! Rows of the KPI tables: kpis, kpi_links, measurements, escalation_rules, escalations.
//! SQL only; which rows to write is decided in `api::kpi`.

use std::collections::HashMap;

use super::{Store, Tx};
use crate::sql::{args, Arg, Conn, Dialect, Row};
use crate::systems::enum_col;
use steward_domain::kpi::{
    Cadence, Direction, Escalation, EscalationRule, EscalationState, Kpi, KpiDraft, KpiKind,
    KpiLink, Measurement,
};
use steward_domain::{Error, Result};

const KPI_COLUMNS: &str =
    "id, system_id, name, kind, unit, direction, target, warning, breach, cadence, created_at";

fn kpi_row(r: &Row<'_>) -> Result<Kpi> {
    Ok(Kpi {
        id: r.get(0)?,
        draft: KpiDraft {
            system_id: r.get(1)?,
            name: r.get(2)?,
            kind: enum_col(r, 3, KpiKind::parse)?,
            unit: r.get(4)?,
            direction: enum_col(r, 5, Direction::parse)?,
            target: r.get(6)?,
            warning: r.get(7)?,
            breach: r.get(8)?,
            cadence: enum_col(r, 9, Cadence::parse)?,
        },
        created_at: r.get(10)?,
    })
}

const ESCALATION_SELECT: &str = "SELECT e.id, e.kpi_id, k.system_id, s.name, k.name, e.level,
    e.run_start, e.opened_period, e.level_period, e.breaches, e.due_date, e.state, e.opened_at,
    e.acknowledged_by, e.acknowledged_at, e.acknowledged_note, e.resolved_by, e.resolved_at,
    e.resolved_note
    FROM escalations e JOIN kpis k ON k.id = e.kpi_id JOIN systems s ON s.id = k.system_id";

fn escalation_row(r: &Row<'_>) -> Result<Escalation> {
    let level: u8 = r.get(5)?;
    Ok(Escalation {
        id: r.get(0)?,
        kpi_id: r.get(1)?,
        system_id: r.get(2)?,
        system: r.get(3)?,
        kpi: r.get(4)?,
        level,
        level_name: steward_domain::kpi::level_name(level).to_string(),
        run_start: r.get(6)?,
        opened_period: r.get(7)?,
        level_period: r.get(8)?,
        breaches: r.get(9)?,
        due_date: r.get(10)?,
        state: enum_col(r, 11, EscalationState::parse)?,
        opened_at: r.get(12)?,
        acknowledged_by: r.get(13)?,
        acknowledged_at: r.get(14)?,
        acknowledged_note: r.get(15)?,
        resolved_by: r.get(16)?,
        resolved_at: r.get(17)?,
        resolved_note: r.get(18)?,
    })
}

fn measurement_row(r: &Row<'_>) -> Result<Measurement> {
    Ok(Measurement {
        kpi_id: r.get(0)?,
        period: r.get(1)?,
        value: r.get(2)?,
        source: r.get(3)?,
        note: r.get(4)?,
        recorded_at: r.get(5)?,
        recorded_by: r.get(6)?,
    })
}

/// A measurement to write: the KPI, the period's number and label, and what was recorded.
pub struct MeasurementRow<'a> {
    pub kpi_id: i64,
    pub period_index: i32,
    pub period: &'a str,
    pub value: f64,
    pub source: &'a str,
    pub note: &'a str,
}

/// Rows per statement in [`Tx::upsert_measurements`].
const UPSERT_BATCH: usize = 64;

/// The upsert of `rows` measurements in one statement: ?1 is the time, ?2 the actor, then six
/// parameters per row (KPI, period index, period, value, source, note).
fn upsert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|i| {
            let at = 3 + i * 6;
            format!(
                "(?{at}, ?{}, ?{}, ?{}, ?{}, ?{}, ?1, ?2)",
                at + 1,
                at + 2,
                at + 3,
                at + 4,
                at + 5
            )
        })
        .collect();
    format!(
        "INSERT INTO measurements (kpi_id, period_index, period, value, source, note,
            recorded_at, recorded_by) VALUES {}
         ON CONFLICT (kpi_id, period_index) DO UPDATE SET value = excluded.value,
            source = excluded.source, note = excluded.note,
            recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        values.join(", ")
    )
}

/// What a measurement already in the store holds, for an import to compare against.
pub struct StoredValue {
    pub value: f64,
    pub source: String,
    pub note: String,
}

fn load_stored_values(conn: &Conn) -> Result<HashMap<(i64, i32), StoredValue>> {
    let mut out = HashMap::new();
    conn.each(
        "SELECT kpi_id, period_index, value, source, note FROM measurements",
        &[],
        |r| {
            out.insert(
                (r.get(0)?, r.get(1)?),
                StoredValue {
                    value: r.get(2)?,
                    source: r.get(3)?,
                    note: r.get(4)?,
                },
            );
            Ok(())
        },
    )?;
    Ok(out)
}

fn load_kpis(conn: &Conn) -> Result<Vec<Kpi>> {
    conn.query(
        &format!("SELECT {KPI_COLUMNS} FROM kpis ORDER BY id"),
        &[],
        kpi_row,
    )
}

fn load_kpi(conn: &Conn, id: i64) -> Result<Option<Kpi>> {
    conn.query_opt(
        &format!("SELECT {KPI_COLUMNS} FROM kpis WHERE id = ?1"),
        &args![id],
        kpi_row,
    )
}

fn load_links(conn: &Conn) -> Result<Vec<KpiLink>> {
    conn.query(
        "SELECT id, from_kpi, to_kpi, effect_per_unit, note, created_at FROM kpi_links ORDER BY id",
        &[],
        |r| {
            Ok(KpiLink {
                id: r.get(0)?,
                from_kpi: r.get(1)?,
                to_kpi: r.get(2)?,
                effect_per_unit: r.get(3)?,
                note: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )
}

/// Every (kpi, period_index, value), sorted by KPI then period: the input of the full pass.
fn load_series(conn: &Conn) -> Result<Vec<(i64, i32, f64)>> {
    conn.query(
        "SELECT kpi_id, period_index, value FROM measurements ORDER BY kpi_id, period_index",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

fn load_series_of(conn: &Conn, kpi_id: i64) -> Result<Vec<(i32, f64)>> {
    conn.query(
        "SELECT period_index, value FROM measurements WHERE kpi_id = ?1 ORDER BY period_index",
        &args![kpi_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn load_measurements_of(conn: &Conn, kpi_id: i64) -> Result<Vec<Measurement>> {
    conn.query(
        "SELECT kpi_id, period, value, source, note, recorded_at, recorded_by FROM measurements
         WHERE kpi_id = ?1 ORDER BY period_index",
        &args![kpi_id],
        measurement_row,
    )
}

fn load_all_measurements(conn: &Conn) -> Result<Vec<Measurement>> {
    conn.query(
        "SELECT kpi_id, period, value, source, note, recorded_at, recorded_by FROM measurements
         ORDER BY kpi_id, period_index",
        &[],
        measurement_row,
    )
}

fn load_escalations(conn: &Conn, kpi_id: Option<i64>) -> Result<Vec<Escalation>> {
    conn.query(
        &format!(
            "{ESCALATION_SELECT} WHERE (CAST(?1 AS BIGINT) IS NULL OR e.kpi_id = ?1) ORDER BY e.opened_at, e.id"
        ),
        &args![kpi_id],
        escalation_row,
    )
}

fn load_escalation(conn: &Conn, id: i64) -> Result<Option<Escalation>> {
    conn.query_opt(
        &format!("{ESCALATION_SELECT} WHERE e.id = ?1"),
        &args![id],
        escalation_row,
    )
}

fn load_rules(conn: &Conn) -> Result<HashMap<i64, EscalationRule>> {
    let rows = conn.query(
        "SELECT scope, level1_after, level2_after, level3_after, due_days FROM escalation_rules",
        &[],
        |r| {
            Ok((
                r.get::<i64>(0)?,
                EscalationRule {
                    level1_after: r.get(1)?,
                    level2_after: r.get(2)?,
                    level3_after: r.get(3)?,
                    due_days: r.get(4)?,
                },
            ))
        },
    )?;
    Ok(rows.into_iter().collect())
}

impl Tx<'_> {
    pub fn insert_kpi(&mut self, d: &KpiDraft, now: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO kpis (id, system_id, name, kind, unit, direction, target, warning, breach,
                    cadence, created_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM kpis), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 RETURNING id",
                &args![
                d.system_id,
                d.name,
                d.kind.key(),
                d.unit,
                d.direction.key(),
                d.target,
                d.warning,
                d.breach,
                d.cadence.key(),
                now
            ],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                Error::Conflict(_) => Error::Conflict(format!(
                    "this system already has a KPI named {:?} (KPI names are unique per system, ignoring case)",
                    d.name
                )),
                e => e,
            })
    }

    pub fn all_kpis(&self) -> Result<Vec<Kpi>> {
        load_kpis(self.tx)
    }

    pub fn insert_link(
        &mut self,
        from: i64,
        to: i64,
        effect: f64,
        note: &str,
        now: &str,
    ) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO kpi_links (id, from_kpi, to_kpi, effect_per_unit, note, created_at)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM kpi_links), ?1, ?2, ?3, ?4, ?5) RETURNING id",
                &args![from, to, effect, note, now],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                Error::Conflict(_) => Error::Conflict(
                    "these two KPIs are already linked in this direction".to_string(),
                ),
                e => e,
            })
    }

    pub fn all_links(&self) -> Result<Vec<KpiLink>> {
        load_links(self.tx)
    }

    pub fn measurement(&self, kpi_id: i64, period_index: i32) -> Result<Option<Measurement>> {
        self.tx.query_opt(
            "SELECT kpi_id, period, value, source, note, recorded_at, recorded_by
             FROM measurements WHERE kpi_id = ?1 AND period_index = ?2",
            &args![kpi_id, period_index],
            measurement_row,
        )
    }

    /// What every stored measurement holds, keyed by (kpi, period_index).
    pub fn stored_values(&self) -> Result<HashMap<(i64, i32), StoredValue>> {
        load_stored_values(self.tx)
    }

    /// Runs `f` with a larger page cache, for a bulk write that touches many pages: they stay in
    /// memory instead of being spilled to the WAL and read back. Durability is unchanged
    /// (journal and synchronous stay as they are); the previous size is restored after.
    /// PostgreSQL manages its own buffers: there `f` just runs.
    pub fn with_bulk_cache<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.tx.dialect() == Dialect::Postgres {
            return f(self);
        }
        let cache: i64 = self.tx.query_one("PRAGMA cache_size", &[], |r| r.get(0))?;
        self.tx.batch("PRAGMA cache_size = -131072")?;
        let out = f(self);
        self.tx.batch(&format!("PRAGMA cache_size = {cache}"))?;
        out
    }

    /// Inserts or replaces measurements: the bulk path. Rows go in batches of
    /// [`UPSERT_BATCH`] per statement (one statement run per row costs more than the row's
    /// write); a last, shorter batch goes row by row.
    pub fn upsert_measurements<'a>(
        &mut self,
        rows: impl IntoIterator<Item = MeasurementRow<'a>>,
        now: &str,
        actor: &str,
    ) -> Result<usize> {
        let mut batch: Vec<MeasurementRow<'a>> = Vec::with_capacity(UPSERT_BATCH);
        let mut n = 0;
        for r in rows {
            batch.push(r);
            if batch.len() == UPSERT_BATCH {
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql = SQL.get_or_init(|| upsert_sql(UPSERT_BATCH));
                let mut bound = Vec::with_capacity(2 + 6 * UPSERT_BATCH);
                bound.push(Arg::Text(now));
                bound.push(Arg::Text(actor));
                for r in &batch {
                    bound.extend(args![
                        r.kpi_id,
                        r.period_index,
                        r.period,
                        r.value,
                        r.source,
                        r.note
                    ]);
                }
                self.tx.execute(sql, &bound)?;
                n += batch.len();
                batch.clear();
            }
        }
        if !batch.is_empty() {
            static ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let sql = ONE.get_or_init(|| upsert_sql(1));
            for r in &batch {
                self.tx.execute(
                    sql,
                    &args![
                        now,
                        actor,
                        r.kpi_id,
                        r.period_index,
                        r.period,
                        r.value,
                        r.source,
                        r.note
                    ],
                )?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn series(&self) -> Result<Vec<(i64, i32, f64)>> {
        load_series(self.tx)
    }

    pub fn series_of(&self, kpi_id: i64) -> Result<Vec<(i32, f64)>> {
        load_series_of(self.tx, kpi_id)
    }

    pub fn escalation_rules(&self) -> Result<HashMap<i64, EscalationRule>> {
        load_rules(self.tx)
    }

    pub fn set_escalation_rule(&mut self, scope: i64, r: &EscalationRule, now: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO escalation_rules (scope, level1_after, level2_after, level3_after,
                due_days, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (scope) DO UPDATE SET level1_after = excluded.level1_after,
                level2_after = excluded.level2_after, level3_after = excluded.level3_after,
                due_days = excluded.due_days, updated_at = excluded.updated_at",
            &args![
                scope,
                r.level1_after,
                r.level2_after,
                r.level3_after,
                r.due_days,
                now
            ],
        )?;
        Ok(())
    }

    pub fn escalations(&self, kpi_id: Option<i64>) -> Result<Vec<Escalation>> {
        load_escalations(self.tx, kpi_id)
    }

    pub fn escalation(&self, id: i64) -> Result<Option<Escalation>> {
        load_escalation(self.tx, id)
    }

    /// Inserts an open escalation; returns its id.
    pub fn insert_escalation(&mut self, e: &Escalation) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO escalations (id, kpi_id, run_start, opened_period, level, level_period,
                    breaches, due_date, state, opened_at)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM escalations), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            &args![
                e.kpi_id,
                e.run_start,
                e.opened_period,
                e.level,
                e.level_period,
                e.breaches,
                e.due_date,
                e.state.key(),
                e.opened_at
            ],
            |r| r.get(0),
        )
    }

    /// Saves what the rules derive (level, periods, breaches, due date) and the person's part
    /// (state, acknowledgement, resolution) of an existing escalation.
    pub fn update_escalation(&mut self, e: &Escalation) -> Result<()> {
        self.tx.execute(
            "UPDATE escalations SET opened_period = ?2, level = ?3, level_period = ?4,
                    breaches = ?5, due_date = ?6, state = ?7, acknowledged_by = ?8,
                    acknowledged_at = ?9, acknowledged_note = ?10, resolved_by = ?11,
                    resolved_at = ?12, resolved_note = ?13
                 WHERE id = ?1",
            &args![
                e.id,
                e.opened_period,
                e.level,
                e.level_period,
                e.breaches,
                e.due_date,
                e.state.key(),
                e.acknowledged_by,
                e.acknowledged_at,
                e.acknowledged_note,
                e.resolved_by,
                e.resolved_at,
                e.resolved_note
            ],
        )?;
        Ok(())
    }

    pub fn delete_escalation(&mut self, id: i64) -> Result<()> {
        self.tx
            .execute("DELETE FROM escalations WHERE id = ?1", &args![id])?;
        Ok(())
    }
}

impl Store {
    pub fn kpi(&self, id: i64) -> Result<Option<Kpi>> {
        load_kpi(&self.conn, id)
    }

    pub fn all_kpis(&self) -> Result<Vec<Kpi>> {
        load_kpis(&self.conn)
    }

    pub fn all_links(&self) -> Result<Vec<KpiLink>> {
        load_links(&self.conn)
    }

    pub fn series(&self) -> Result<Vec<(i64, i32, f64)>> {
        load_series(&self.conn)
    }

    pub fn measurements_of(&self, kpi_id: i64) -> Result<Vec<Measurement>> {
        load_measurements_of(&self.conn, kpi_id)
    }

    pub fn all_measurements(&self) -> Result<Vec<Measurement>> {
        load_all_measurements(&self.conn)
    }

    pub fn escalations(&self) -> Result<Vec<Escalation>> {
        load_escalations(&self.conn, None)
    }

    pub fn escalation_rules(&self) -> Result<HashMap<i64, EscalationRule>> {
        load_rules(&self.conn)
    }

    pub fn stored_values(&self) -> Result<HashMap<(i64, i32), StoredValue>> {
        load_stored_values(&self.conn)
    }
}
