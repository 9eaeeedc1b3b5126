//! Rows of the audit log: append within a write transaction, read in order.

use rusqlite::{params, OptionalExtension};

use super::{Store, Tx};
use steward_domain::audit::{next_entry, AuditEntry};
use steward_domain::Result;

/// What a change appends to the log; the store adds sequence and hashes.
pub struct Change<'a> {
    pub at: String,
    pub actor: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Tx<'_> {
    pub fn append_audit(&mut self, c: Change<'_>) -> Result<AuditEntry> {
        let prev: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let e = next_entry(
            prev,
            c.at,
            c.actor.to_string(),
            c.entity,
            c.entity_id,
            c.action,
            c.before,
            c.after,
        );
        self.tx.prepare_cached(
            "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash, e.hash])?;
        Ok(e)
    }
}

/// Which entries to read.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub limit: Option<i64>,
}

impl Store {
    /// Every entry in sequence order, for verification.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        self.audit_query(&AuditFilter::default())
    }

    pub fn audit_query(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash
             FROM audit_log
             WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = ?2)
             ORDER BY seq
             LIMIT coalesce(?3, -1)",
        )?;
        let rows = stmt.query_map(params![f.entity, f.entity_id, f.limit], |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                entity: r.get(3)?,
                entity_id: r.get(4)?,
                action: r.get(5)?,
                before: r.get(6)?,
                after: r.get(7)?,
                prev_hash: r.get(8)?,
                hash: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
