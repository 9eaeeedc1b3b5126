//! Rows of the review tables: reviews (header and snapshot as canonical JSON), the board's
//! decisions and the actions they set.

use super::{Store, Tx};
use crate::sql::{args, Conn, Row};
use steward_domain::{Error, Result};

/// A review as stored; `header` and `snapshot` are canonical JSON the API reads.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub id: i64,
    pub period: String,
    pub state: String,
    pub header: String,
    pub snapshot: Option<String>,
    pub snapshot_hash: Option<String>,
    pub frozen_at: Option<String>,
    pub frozen_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub review_id: i64,
    pub system_id: i64,
    pub decision: String,
    pub doc: String,
    pub decided_at: String,
}

#[derive(Debug, Clone)]
pub struct ReviewActionRow {
    pub id: i64,
    pub review_id: i64,
    pub system_id: i64,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub created_at: String,
    pub created_by: String,
}

const REVIEW_COLUMNS: &str = "id, period, state, header, snapshot, snapshot_hash, frozen_at, \
                              frozen_by, created_at, updated_at";

fn review_row(r: &Row<'_>) -> Result<ReviewRow> {
    Ok(ReviewRow {
        id: r.get(0)?,
        period: r.get(1)?,
        state: r.get(2)?,
        header: r.get(3)?,
        snapshot: r.get(4)?,
        snapshot_hash: r.get(5)?,
        frozen_at: r.get(6)?,
        frozen_by: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

fn action_row(r: &Row<'_>) -> Result<ReviewActionRow> {
    Ok(ReviewActionRow {
        id: r.get(0)?,
        review_id: r.get(1)?,
        system_id: r.get(2)?,
        title: r.get(3)?,
        owner: r.get(4)?,
        due: r.get(5)?,
        created_at: r.get(6)?,
        created_by: r.get(7)?,
    })
}

fn reviews(c: &Conn) -> Result<Vec<ReviewRow>> {
    c.query(
        &format!("SELECT {REVIEW_COLUMNS} FROM reviews ORDER BY period"),
        &[],
        review_row,
    )
}

fn review(c: &Conn, id: i64) -> Result<Option<ReviewRow>> {
    c.query_opt(
        &format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?1"),
        &args![id],
        review_row,
    )
}

fn decisions(c: &Conn, review_id: Option<i64>) -> Result<Vec<DecisionRow>> {
    c.query(
        "SELECT review_id, system_id, decision, doc, decided_at FROM review_decisions
         WHERE CAST(?1 AS BIGINT) IS NULL OR review_id = ?1 ORDER BY review_id, system_id",
        &args![review_id],
        |r| {
            Ok(DecisionRow {
                review_id: r.get(0)?,
                system_id: r.get(1)?,
                decision: r.get(2)?,
                doc: r.get(3)?,
                decided_at: r.get(4)?,
            })
        },
    )
}

fn actions(c: &Conn, review_id: Option<i64>) -> Result<Vec<ReviewActionRow>> {
    c.query(
        "SELECT id, review_id, system_id, title, owner, due, created_at, created_by
         FROM review_actions WHERE CAST(?1 AS BIGINT) IS NULL OR review_id = ?1 ORDER BY due, id",
        &args![review_id],
        action_row,
    )
}

impl Store {
    /// Every review, oldest period first.
    pub fn reviews(&self) -> Result<Vec<ReviewRow>> {
        reviews(&self.conn)
    }

    pub fn review(&self, id: i64) -> Result<Option<ReviewRow>> {
        review(&self.conn, id)
    }

    /// The header of the review of the latest quarter, without reading its snapshot.
    pub fn latest_review_header(&self) -> Result<Option<String>> {
        self.conn.query_opt(
            "SELECT header FROM reviews ORDER BY period DESC LIMIT 1",
            &[],
            |r| r.get(0),
        )
    }

    /// The id of the review of `period` (e.g. "2026-Q4"), without reading its snapshot.
    pub fn review_id_by_period(&self, period: &str) -> Result<Option<i64>> {
        self.conn.query_opt(
            "SELECT id FROM reviews WHERE period = ?1",
            &args![period],
            |r| r.get(0),
        )
    }

    /// The decisions of one review, or of every review.
    pub fn review_decisions(&self, review_id: Option<i64>) -> Result<Vec<DecisionRow>> {
        decisions(&self.conn, review_id)
    }

    /// The actions of one review, or of every review, by due date.
    pub fn review_actions(&self, review_id: Option<i64>) -> Result<Vec<ReviewActionRow>> {
        actions(&self.conn, review_id)
    }
}

impl Tx<'_> {
    pub fn review(&self, id: i64) -> Result<Option<ReviewRow>> {
        review(self.tx, id)
    }

    pub fn review_decisions(&self, review_id: Option<i64>) -> Result<Vec<DecisionRow>> {
        decisions(self.tx, review_id)
    }

    /// A new draft review; a second review of the same period is a conflict.
    pub fn insert_review(&mut self, period: &str, header: &str, now: &str) -> Result<i64> {
        let taken: Option<i64> = self.tx.query_opt(
            "SELECT id FROM reviews WHERE period = ?1",
            &args![period],
            |r| r.get(0),
        )?;
        if let Some(id) = taken {
            return Err(Error::Conflict(format!(
                "there is already a review of {period} (#{id}); a period has one review"
            )));
        }
        self.tx.query_one(
            "INSERT INTO reviews (id, period, state, header, created_at, updated_at)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM reviews), ?1, 'draft', ?2, ?3, ?3) RETURNING id",
            &args![period, header, now],
            |r| r.get(0),
        )
    }

    pub fn update_review_header(&mut self, id: i64, header: &str, now: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE reviews SET header = ?2, updated_at = ?3 WHERE id = ?1",
            &args![id, header, now],
        )?;
        Ok(())
    }

    /// Freezes a draft: the snapshot and its hash are written once and never changed.
    pub fn freeze_review(
        &mut self,
        id: i64,
        snapshot: &str,
        hash: &str,
        now: &str,
        actor: &str,
    ) -> Result<()> {
        let n = self.tx.execute(
            "UPDATE reviews SET state = 'frozen', snapshot = ?2, snapshot_hash = ?3,
                 frozen_at = ?4, frozen_by = ?5, updated_at = ?4
             WHERE id = ?1 AND state = 'draft'",
            &args![id, snapshot, hash, now, actor],
        )?;
        if n == 0 {
            return Err(Error::Conflict(format!(
                "review #{id} is not a draft; a review is frozen once"
            )));
        }
        Ok(())
    }

    pub fn set_review_state(&mut self, id: i64, state: &str, now: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE reviews SET state = ?2, updated_at = ?3 WHERE id = ?1",
            &args![id, state, now],
        )?;
        Ok(())
    }

    /// Records (or replaces) the board's decision on one system of a review.
    pub fn upsert_decision(
        &mut self,
        review_id: i64,
        system_id: i64,
        decision: &str,
        doc: &str,
        now: &str,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO review_decisions (review_id, system_id, decision, doc, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (review_id, system_id)
             DO UPDATE SET decision = excluded.decision, doc = excluded.doc,
                 decided_at = excluded.decided_at",
            &args![review_id, system_id, decision, doc, now],
        )?;
        Ok(())
    }

    pub fn insert_review_action(&mut self, a: &ReviewActionRow) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO review_actions (id, review_id, system_id, title, owner, due, created_at,
                 created_by)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM review_actions), ?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            &args![
                a.review_id,
                a.system_id,
                a.title,
                a.owner,
                a.due,
                a.created_at,
                a.created_by
            ],
            |r| r.get(0),
        )
    }
}
