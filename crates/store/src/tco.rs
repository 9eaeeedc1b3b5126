//! Rows of `tco_scenarios` and `tco_scenario_systems`: stored TCO scenarios and their ties to
//! AI systems. The scenario itself is one canonical JSON document; its `systems` list is rebuilt
//! from the ties (current system names) whenever it is read.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Store, Tx};
use steward_domain::{Error, Result};
use steward_tco::{Scenario, StoredScenario};

const COLUMNS: &str = "id, scenario, created_at, updated_at";

fn unique_violation(e: rusqlite::Error, name: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Error::Conflict(format!(
                "a TCO scenario named {name:?} already exists (names are unique, ignoring case); \
                 nothing was changed; rename it or update the existing one"
            ))
        }
        _ => e.into(),
    }
}

impl Tx<'_> {
    pub fn insert_tco(&mut self, s: &Scenario, json: &str, now: &str) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO tco_scenarios (name, scenario, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![s.name, json, now],
            )
            .map_err(|e| unique_violation(e, &s.name))?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn update_tco(&mut self, id: i64, s: &Scenario, json: &str, now: &str) -> Result<()> {
        let n = self
            .tx
            .execute(
                "UPDATE tco_scenarios SET name = ?1, scenario = ?2, updated_at = ?3 WHERE id = ?4",
                params![s.name, json, now, id],
            )
            .map_err(|e| unique_violation(e, &s.name))?;
        if n == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    pub fn delete_tco(&mut self, id: i64) -> Result<()> {
        let n = self
            .tx
            .execute("DELETE FROM tco_scenarios WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// Replaces the systems a scenario is tied to.
    pub fn set_tco_systems(&mut self, id: i64, system_ids: &[i64]) -> Result<()> {
        self.tx.execute(
            "DELETE FROM tco_scenario_systems WHERE scenario_id = ?1",
            [id],
        )?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO tco_scenario_systems (scenario_id, system_id) VALUES (?1, ?2)",
        )?;
        for s in system_ids {
            stmt.execute([id, *s])?;
        }
        Ok(())
    }

    pub fn tco(&self, id: i64) -> Result<Option<StoredScenario>> {
        load(&self.tx, id)
    }
}

impl Store {
    pub fn tco(&self, id: i64) -> Result<Option<StoredScenario>> {
        load(&self.conn, id)
    }

    /// The scenario with this name, ignoring case.
    pub fn tco_by_name(&self, name: &str) -> Result<Option<StoredScenario>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM tco_scenarios WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        id.map_or(Ok(None), |id| load(&self.conn, id))
    }

    /// Every stored scenario, by name.
    pub fn all_tco(&self) -> Result<Vec<StoredScenario>> {
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id FROM tco_scenarios ORDER BY name, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(load(&self.conn, id)?);
        }
        Ok(out)
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        entity: "TCO scenario",
        key: id.to_string(),
    }
}

fn load(conn: &Connection, id: i64) -> Result<Option<StoredScenario>> {
    let row: Option<(i64, String, String, String)> = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM tco_scenarios WHERE id = ?1"),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((id, json, created_at, updated_at)) = row else {
        return Ok(None);
    };
    let mut scenario: Scenario = serde_json::from_str(&json).map_err(|e| {
        Error::Integrity(format!(
            "TCO scenario {id} in the workspace cannot be read back: {e}"
        ))
    })?;
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.name FROM tco_scenario_systems t JOIN systems s ON s.id = t.system_id
         WHERE t.scenario_id = ?1 ORDER BY s.name COLLATE NOCASE, s.id",
    )?;
    let ties: Vec<(i64, String)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    scenario.systems = ties.iter().map(|(_, n)| n.clone()).collect();
    Ok(Some(StoredScenario {
        id,
        system_ids: ties.into_iter().map(|(i, _)| i).collect(),
        scenario,
        created_at,
        updated_at,
    }))
}
