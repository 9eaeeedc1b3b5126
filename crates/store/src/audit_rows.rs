//! Rows of the audit log: append within a write transaction, read in order; and its seals.

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

/// A seal of the log as stored: the entry sealed, its hash, when and by whom, and the CMS
/// signature over the statement these make (`steward_sign::seal`).
#[derive(Debug, Clone, PartialEq)]
pub struct SealRow {
    pub seq: i64,
    pub head_hash: String,
    pub sealed_at: String,
    pub signer: String,
    pub fingerprint: String,
    pub cms: Vec<u8>,
}

fn seal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SealRow> {
    Ok(SealRow {
        seq: r.get(0)?,
        head_hash: r.get(1)?,
        sealed_at: r.get(2)?,
        signer: r.get(3)?,
        fingerprint: r.get(4)?,
        cms: r.get(5)?,
    })
}

impl Tx<'_> {
    /// Every entry in sequence order, read inside this transaction.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        all_entries(&self.tx)
    }

    pub fn audit_seals(&self) -> Result<Vec<SealRow>> {
        all_seals(&self.tx)
    }

    pub fn insert_seal(&mut self, s: &SealRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO audit_seals (seq, head_hash, sealed_at, signer, fingerprint, cms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.seq,
                s.head_hash,
                s.sealed_at,
                s.signer,
                s.fingerprint,
                s.cms
            ],
        )?;
        Ok(())
    }

    pub fn append_audit(&mut self, c: Change<'_>) -> Result<AuditEntry> {
        let prev = match self.audit_head.take() {
            Some(head) => Some(head),
            None => self
                .tx
                .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?,
        };
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
        self.audit_head = Some((e.seq, e.hash.clone()));
        Ok(e)
    }
}

/// Which entries to read: each filter given narrows the log; `at_from` is inclusive and
/// `at_before` exclusive, both compared with the stored RFC 3339 time as text.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub at_from: Option<String>,
    pub at_before: Option<String>,
    pub newest_first: bool,
    pub limit: Option<i64>,
    pub offset: i64,
}

/// The conditions for `AuditFilter`'s fields, in its order. Only the fragments of the filters
/// given go into the statement, so SQLite can use the index of the one that narrows most; every
/// value is bound, and the SQL is made of these literals alone.
const CONDITIONS: [&str; 6] = [
    "entity = :entity",
    "entity_id = :entity_id",
    "actor = :actor",
    "action = :action",
    "at >= :at_from",
    "at < :at_before",
];

const COLUMNS: &str = "seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash";

impl AuditFilter {
    fn values(&self) -> [(&'static str, Option<&String>); 6] {
        [
            (":entity", self.entity.as_ref()),
            (":entity_id", self.entity_id.as_ref()),
            (":actor", self.actor.as_ref()),
            (":action", self.action.as_ref()),
            (":at_from", self.at_from.as_ref()),
            (":at_before", self.at_before.as_ref()),
        ]
    }

    /// `WHERE ...` over the filters given (empty for none), and their bound values.
    fn where_clause(&self) -> (String, Vec<(&'static str, &String)>) {
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        for (cond, (name, value)) in CONDITIONS.iter().zip(self.values()) {
            if let Some(v) = value {
                conds.push(*cond);
                binds.push((name, v));
            }
        }
        let clause = if conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conds.join(" AND "))
        };
        (clause, binds)
    }
}

fn all_entries(conn: &rusqlite::Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
    let rows = stmt.query_map([], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
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
}

fn all_seals(conn: &rusqlite::Connection) -> Result<Vec<SealRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, head_hash, sealed_at, signer, fingerprint, cms FROM audit_seals ORDER BY seq",
    )?;
    let rows = stmt.query_map([], seal_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Every seal of the log, oldest (lowest entry) first.
    pub fn audit_seals(&self) -> Result<Vec<SealRow>> {
        all_seals(&self.conn)
    }

    /// Every entry in sequence order, for verification.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>> {
        all_entries(&self.conn)
    }

    /// The entries `f` selects, one page of them in sequence order, and how many it selects in
    /// all. The page's sequence numbers are found first (from an index where a filter has one),
    /// and only that page's rows are read whole.
    pub fn audit_query(&self, f: &AuditFilter) -> Result<(i64, Vec<AuditEntry>)> {
        let (clause, binds) = f.where_clause();
        let params: Vec<(&str, &dyn rusqlite::ToSql)> = binds
            .iter()
            .map(|(n, v)| (*n, *v as &dyn rusqlite::ToSql))
            .collect();
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM audit_log {clause}"))?
            .query_row(params.as_slice(), |r| r.get(0))?;
        let order = if f.newest_first { "DESC" } else { "ASC" };
        let mut page = params.clone();
        let (limit, offset) = (f.limit.unwrap_or(-1), f.offset.max(0));
        page.push((":limit", &limit));
        page.push((":offset", &offset));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE seq IN (SELECT seq FROM audit_log {clause}
                           ORDER BY seq {order} LIMIT :limit OFFSET :offset)
             ORDER BY seq {order}"
        ))?;
        let rows = stmt.query_map(page.as_slice(), entry)?;
        Ok((total, rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The distinct values of one column over the whole log, for filter choices: the people
    /// who made changes, the actions, or the ids of records of `entity`.
    pub fn audit_actors(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT actor FROM audit_log ORDER BY actor")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn audit_actions(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT action FROM audit_log ORDER BY action")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each record of `entity` the log speaks of, with the latest entry about it (whose
    /// before/after name the record when it is gone).
    pub fn audit_records(&self, entity: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log
             WHERE seq IN (SELECT max(seq) FROM audit_log WHERE entity = ?1 GROUP BY entity_id)
             ORDER BY seq"
        ))?;
        let rows = stmt.query_map([entity], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
