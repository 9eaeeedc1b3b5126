//! Rows of `tco_scenarios` and `tco_scenario_systems`: stored TCO scenarios and their ties to
//! AI systems. The scenario itself is one canonical JSON document; its `systems` list is rebuilt
//! from the ties (current system names) whenever it is read.

use super::{Store, Tx};
use crate::sql::{args, Conn};
use steward_domain::{Error, Result};
use steward_tco::{Scenario, StoredScenario};

const COLUMNS: &str = "id, scenario, created_at, updated_at";

fn unique_violation(e: Error, name: &str) -> Error {
    match e {
        Error::Conflict(_) => Error::Conflict(format!(
            "a TCO scenario named {name:?} already exists (names are unique, ignoring case); \
             nothing was changed; rename it or update the existing one"
        )),
        e => e,
    }
}

impl Tx<'_> {
    pub fn insert_tco(&mut self, s: &Scenario, json: &str, now: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO tco_scenarios (id, name, scenario, created_at, updated_at)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM tco_scenarios), ?1, ?2, ?3, ?3) RETURNING id",
                &args![s.name, json, now],
                |r| r.get(0),
            )
            .map_err(|e| unique_violation(e, &s.name))
    }

    pub fn update_tco(&mut self, id: i64, s: &Scenario, json: &str, now: &str) -> Result<()> {
        let n = self
            .tx
            .execute(
                "UPDATE tco_scenarios SET name = ?1, scenario = ?2, updated_at = ?3 WHERE id = ?4",
                &args![s.name, json, now, id],
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
            .execute("DELETE FROM tco_scenarios WHERE id = ?1", &args![id])?;
        if n == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// Replaces the systems a scenario is tied to.
    pub fn set_tco_systems(&mut self, id: i64, system_ids: &[i64]) -> Result<()> {
        self.tx.execute(
            "DELETE FROM tco_scenario_systems WHERE scenario_id = ?1",
            &args![id],
        )?;
        for s in system_ids {
            self.tx.execute(
                "INSERT INTO tco_scenario_systems (scenario_id, system_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
                &args![id, s],
            )?;
        }
        Ok(())
    }

    pub fn tco(&self, id: i64) -> Result<Option<StoredScenario>> {
        load(self.tx, id)
    }
}

impl Store {
    pub fn tco(&self, id: i64) -> Result<Option<StoredScenario>> {
        load(&self.conn, id)
    }

    /// The scenario with this name, ignoring case.
    pub fn tco_by_name(&self, name: &str) -> Result<Option<StoredScenario>> {
        let id: Option<i64> = self.conn.query_opt(
            "SELECT id FROM tco_scenarios WHERE name = ?1",
            &args![name],
            |r| r.get(0),
        )?;
        id.map_or(Ok(None), |id| load(&self.conn, id))
    }

    /// Every stored scenario, by name.
    pub fn all_tco(&self) -> Result<Vec<StoredScenario>> {
        let ids: Vec<i64> =
            self.conn
                .query("SELECT id FROM tco_scenarios ORDER BY name, id", &[], |r| {
                    r.get(0)
                })?;
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

fn load(conn: &Conn, id: i64) -> Result<Option<StoredScenario>> {
    let row: Option<(i64, String, String, String)> = conn.query_opt(
        &format!("SELECT {COLUMNS} FROM tco_scenarios WHERE id = ?1"),
        &args![id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let Some((id, json, created_at, updated_at)) = row else {
        return Ok(None);
    };
    let mut scenario: Scenario = serde_json::from_str(&json).map_err(|e| {
        Error::Integrity(format!(
            "TCO scenario {id} in the workspace cannot be read back: {e}"
        ))
    })?;
    let ties: Vec<(i64, String)> = conn.query(
        "SELECT s.id, s.name FROM tco_scenario_systems t JOIN systems s ON s.id = t.system_id
         WHERE t.scenario_id = ?1 ORDER BY s.name COLLATE NOCASE, s.id",
        &args![id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    scenario.systems = ties.iter().map(|(_, n)| n.clone()).collect();
    Ok(Some(StoredScenario {
        id,
        system_ids: ties.into_iter().map(|(i, _)| i).collect(),
        scenario,
        created_at,
        updated_at,
    }))
}
