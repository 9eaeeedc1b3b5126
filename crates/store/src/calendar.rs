//! Rows of the calendar tables: milestones, decommissioning items, event completions, and the
//! workspace settings the calendar reads (its id, the rules override).

use super::{Store, Tx};
use crate::sql::{args, Conn, Row};
use crate::systems::unreadable;
use chrono::NaiveDate;
use steward_domain::calendar::derive::StoredMilestone;
use steward_domain::calendar::{ChecklistItem, Completion, ItemState, Milestone, MilestoneKind};
use steward_domain::Result;

fn date_col(r: &Row<'_>, i: usize) -> Result<NaiveDate> {
    let s: String = r.get(i)?;
    s.parse()
        .map_err(|e| unreadable(&format!("date in column {i}"), e))
}

fn opt_date_col(r: &Row<'_>, i: usize) -> Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| {
        s.parse()
            .map_err(|e| unreadable(&format!("date in column {i}"), e))
    })
    .transpose()
}

fn unknown(i: usize, s: &str) -> steward_domain::Error {
    unreadable(&format!("column {i}"), format!("unknown value {s:?}"))
}

fn milestone_row(r: &Row<'_>) -> Result<StoredMilestone> {
    let kind: String = r.get(1)?;
    Ok(StoredMilestone {
        system_id: r.get(0)?,
        milestone: Milestone {
            kind: MilestoneKind::parse(&kind).ok_or_else(|| unknown(1, &kind))?,
            planned: opt_date_col(r, 2)?,
            actual: opt_date_col(r, 3)?,
        },
        updated_by: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn item_row(r: &Row<'_>) -> Result<ChecklistItem> {
    let state: String = r.get(5)?;
    Ok(ChecklistItem {
        system_id: r.get(0)?,
        key: r.get(1)?,
        title: r.get(2)?,
        owner: r.get(3)?,
        due: date_col(r, 4)?,
        state: ItemState::parse(&state).ok_or_else(|| unknown(5, &state))?,
        note: r.get(6)?,
        closed_by: r.get(7)?,
        closed_at: r.get(8)?,
    })
}

fn completion_row(r: &Row<'_>) -> Result<Completion> {
    Ok(Completion {
        uid: r.get(0)?,
        occurrence: date_col(r, 1)?,
        done_on: date_col(r, 2)?,
        done_by: r.get(3)?,
        recorded_at: r.get(4)?,
        note: r.get(5)?,
    })
}

fn milestones(conn: &Conn, system: Option<i64>) -> Result<Vec<StoredMilestone>> {
    let mut out = conn.query(
        "SELECT system_id, kind, planned, actual, updated_by, updated_at FROM milestones
         WHERE CAST(?1 AS BIGINT) IS NULL OR system_id = ?1 ORDER BY system_id, kind",
        &args![system],
        milestone_row,
    )?;
    out.sort_by_key(|m| (m.system_id, m.milestone.kind));
    Ok(out)
}

fn checklist(conn: &Conn, system: Option<i64>) -> Result<Vec<ChecklistItem>> {
    conn.query(
        "SELECT system_id, key, title, owner, due, state, note, closed_by, closed_at
         FROM decommission_items WHERE CAST(?1 AS BIGINT) IS NULL OR system_id = ?1 ORDER BY system_id, position",
        &args![system],
        item_row,
    )
}

fn completions(conn: &Conn) -> Result<Vec<Completion>> {
    conn.query(
        "SELECT uid, occurrence, done_on, done_by, recorded_at, note FROM event_completions
         ORDER BY uid, occurrence",
        &[],
        completion_row,
    )
}

fn setting(conn: &Conn, key: &str) -> Result<Option<String>> {
    conn.query_opt(
        "SELECT value FROM settings WHERE key = ?1",
        &args![key],
        |r| r.get(0),
    )
}

impl Tx<'_> {
    pub fn milestones(&self, system: i64) -> Result<Vec<StoredMilestone>> {
        milestones(self.tx, Some(system))
    }

    /// Replaces a system's milestones with `ms` (a stage with neither date is dropped).
    pub fn set_milestones(
        &mut self,
        system: i64,
        ms: &[Milestone],
        by: &str,
        at: &str,
    ) -> Result<()> {
        self.tx.execute(
            "DELETE FROM milestones WHERE system_id = ?1",
            &args![system],
        )?;
        for m in ms
            .iter()
            .filter(|m| m.planned.is_some() || m.actual.is_some())
        {
            self.tx.execute(
                "INSERT INTO milestones (system_id, kind, planned, actual, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &args![
                    system,
                    m.kind.key(),
                    m.planned.map(|d| d.to_string()),
                    m.actual.map(|d| d.to_string()),
                    by,
                    at
                ],
            )?;
        }
        Ok(())
    }

    pub fn checklist(&self, system: i64) -> Result<Vec<ChecklistItem>> {
        checklist(self.tx, Some(system))
    }

    pub fn insert_checklist(&mut self, items: &[ChecklistItem]) -> Result<()> {
        for (i, it) in items.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO decommission_items (system_id, key, position, title, owner, due, state, note,
                                                 closed_by, closed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                &args![
                it.system_id,
                it.key,
                i as i64,
                it.title,
                it.owner,
                it.due.to_string(),
                it.state.key(),
                it.note,
                it.closed_by,
                it.closed_at
            ],
            )?;
        }
        Ok(())
    }

    pub fn update_checklist_item(&mut self, it: &ChecklistItem) -> Result<()> {
        self.tx.execute(
            "UPDATE decommission_items SET owner = ?3, due = ?4, state = ?5, note = ?6,
                    closed_by = ?7, closed_at = ?8
             WHERE system_id = ?1 AND key = ?2",
            &args![
                it.system_id,
                it.key,
                it.owner,
                it.due.to_string(),
                it.state.key(),
                it.note,
                it.closed_by,
                it.closed_at
            ],
        )?;
        Ok(())
    }

    pub fn insert_completion(&mut self, c: &Completion) -> Result<()> {
        self.tx.execute(
            "INSERT INTO event_completions (uid, occurrence, done_on, done_by, recorded_at, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &args![
                c.uid,
                c.occurrence.to_string(),
                c.done_on.to_string(),
                c.done_by,
                c.recorded_at,
                c.note
            ],
        )?;
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(self.tx, key)
    }

    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &args![key, v],
            )?,
            None => self
                .tx
                .execute("DELETE FROM settings WHERE key = ?1", &args![key])?,
        };
        Ok(())
    }
}

impl Store {
    pub fn milestones(&self, system: Option<i64>) -> Result<Vec<StoredMilestone>> {
        milestones(&self.conn, system)
    }

    pub fn checklist(&self, system: Option<i64>) -> Result<Vec<ChecklistItem>> {
        checklist(&self.conn, system)
    }

    pub fn completions(&self) -> Result<Vec<Completion>> {
        completions(&self.conn)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        setting(&self.conn, key)
    }

    /// Every setting whose key starts with `prefix`, by key.
    pub fn settings_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        self.conn.query(
            "SELECT key, value FROM settings
             WHERE substr(key, 1, length(CAST(?1 AS TEXT))) = CAST(?1 AS TEXT) ORDER BY key",
            &args![prefix],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}
