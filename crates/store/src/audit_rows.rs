//! Rows of the audit log: append within a write transaction, read in order; and its seals.

use super::{Store, Tx};
use crate::sql::{args, Arg, Conn, Dialect, Row};
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

fn seal_row(r: &Row<'_>) -> Result<SealRow> {
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
        all_entries(self.tx)
    }

    pub fn audit_seals(&self) -> Result<Vec<SealRow>> {
        all_seals(self.tx)
    }

    pub fn insert_seal(&mut self, s: &SealRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO audit_seals (seq, head_hash, sealed_at, signer, fingerprint, cms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &args![
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

    /// The chain's head (sequence number and hash), None for an empty log: as this
    /// transaction last wrote it, or else read. The caller puts back the head it leaves.
    fn take_audit_head(&mut self) -> Result<Option<(i64, String)>> {
        match self.audit_head.take() {
            Some(head) => Ok(Some(head)),
            None => self.tx.query_opt(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ),
        }
    }

    /// Appends `c` to the chain after the entry at its head. Writers hold the write lock (SQLite's
    /// write transaction, PostgreSQL's advisory lock, see `sql::Conn::begin_write`) from before
    /// their first read, so the head read here is the last one committed and the chain stays one
    /// line with any number of writers. On a team workspace the actor is the database user this
    /// session logged in as, whatever the caller says.
    pub fn append_audit(&mut self, c: Change<'_>) -> Result<AuditEntry> {
        let actor = self.tx.session_user().unwrap_or(c.actor).to_string();
        let prev = self.take_audit_head()?;
        let e = next_entry(
            prev,
            c.at,
            actor,
            c.entity,
            c.entity_id,
            c.action,
            c.before,
            c.after,
        );
        self.tx.execute(
            "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &args![e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash, e.hash],
        )?;
        self.audit_head = Some((e.seq, e.hash.clone()));
        Ok(e)
    }
}

impl Tx<'_> {
    /// Appends `changes` to the chain in order, each as [`Tx::append_audit`] would. On
    /// PostgreSQL they go as multi-row statements (the database's trigger checks each row
    /// against the one before it, as it does one at a time).
    pub fn append_audits(&mut self, changes: Vec<Change<'_>>) -> Result<Vec<AuditEntry>> {
        if self.tx.dialect() == Dialect::Sqlite {
            return changes.into_iter().map(|c| self.append_audit(c)).collect();
        }
        let mut head = self.take_audit_head()?;
        let session = self.tx.session_user().map(str::to_string);
        let entries: Vec<AuditEntry> = changes
            .into_iter()
            .map(|c| {
                let actor = session.clone().unwrap_or_else(|| c.actor.to_string());
                let e = next_entry(
                    head.take(),
                    c.at,
                    actor,
                    c.entity,
                    c.entity_id,
                    c.action,
                    c.before,
                    c.after,
                );
                head = Some((e.seq, e.hash.clone()));
                e
            })
            .collect();
        for chunk in entries.chunks(crate::systems::ROWS_PER_STATEMENT) {
            let mut args: Vec<Arg<'_>> = Vec::with_capacity(chunk.len() * 10);
            let mut values = Vec::with_capacity(chunk.len());
            for e in chunk {
                let n = args.len();
                args.extend(args![
                    e.seq,
                    e.at,
                    e.actor,
                    e.entity,
                    e.entity_id,
                    e.action,
                    e.before,
                    e.after,
                    e.prev_hash,
                    e.hash
                ]);
                values.push(format!(
                    "({})",
                    (n + 1..=n + 10)
                        .map(|i| format!("?{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            self.tx.execute(
                &format!(
                    "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after,
                        prev_hash, hash)
                     VALUES {}",
                    values.join(", ")
                ),
                &args,
            )?;
        }
        self.audit_head = head;
        Ok(entries)
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

/// The conditions for `AuditFilter`'s fields, in its order, each comparing a column with the
/// next placeholder. Only the fragments of the filters given go into the statement, so the
/// planner can use the index of the one that narrows most; every value is bound, and the SQL is
/// made of these literals and placeholder numbers alone.
const CONDITIONS: [&str; 6] = [
    "entity = ?",
    "entity_id = ?",
    "actor = ?",
    "action = ?",
    "at >= ?",
    "at < ?",
];

const COLUMNS: &str = "seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash";

impl AuditFilter {
    fn values(&self) -> [Option<&String>; 6] {
        [
            self.entity.as_ref(),
            self.entity_id.as_ref(),
            self.actor.as_ref(),
            self.action.as_ref(),
            self.at_from.as_ref(),
            self.at_before.as_ref(),
        ]
    }

    /// `WHERE ...` over the filters given (empty for none), its placeholders numbered from 1,
    /// and their bound values in that order.
    fn where_clause(&self) -> (String, Vec<Arg<'_>>) {
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        for (cond, value) in CONDITIONS.iter().zip(self.values()) {
            if let Some(v) = value {
                binds.push(Arg::Text(v));
                conds.push(format!("{cond}{}", binds.len()));
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

fn all_entries(conn: &Conn) -> Result<Vec<AuditEntry>> {
    conn.query(
        &format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"),
        &[],
        entry,
    )
}

fn entry(r: &Row<'_>) -> Result<AuditEntry> {
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

fn all_seals(conn: &Conn) -> Result<Vec<SealRow>> {
    conn.query(
        "SELECT seq, head_hash, sealed_at, signer, fingerprint, cms FROM audit_seals ORDER BY seq",
        &[],
        seal_row,
    )
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
        let total: i64 = self.conn.query_one(
            &format!("SELECT count(*) FROM audit_log {clause}"),
            &binds,
            |r| r.get(0),
        )?;
        let order = if f.newest_first { "DESC" } else { "ASC" };
        let mut page = binds.clone();
        // No limit is SQLite's -1 and PostgreSQL's NULL.
        page.push(match (f.limit, self.conn.dialect()) {
            (Some(l), _) => Arg::Int(l),
            (None, Dialect::Sqlite) => Arg::Int(-1),
            (None, Dialect::Postgres) => Arg::Null,
        });
        page.push(Arg::Int(f.offset.max(0)));
        let (l, o) = (page.len() - 1, page.len());
        let entries = self.conn.query(
            &format!(
                "SELECT {COLUMNS} FROM audit_log
                 WHERE seq IN (SELECT seq FROM audit_log {clause}
                               ORDER BY seq {order} LIMIT ?{l} OFFSET ?{o})
                 ORDER BY seq {order}"
            ),
            &page,
            entry,
        )?;
        Ok((total, entries))
    }

    /// The distinct values of one column over the whole log, for filter choices: the people
    /// who made changes, the actions, or the ids of records of `entity`.
    pub fn audit_actors(&self) -> Result<Vec<String>> {
        self.conn.query(
            "SELECT DISTINCT actor FROM audit_log ORDER BY actor",
            &[],
            |r| r.get(0),
        )
    }

    pub fn audit_actions(&self) -> Result<Vec<String>> {
        self.conn.query(
            "SELECT DISTINCT action FROM audit_log ORDER BY action",
            &[],
            |r| r.get(0),
        )
    }

    /// Each record of `entity` the log speaks of, with the latest entry about it (whose
    /// before/after name the record when it is gone).
    pub fn audit_records(&self, entity: &str) -> Result<Vec<AuditEntry>> {
        self.conn.query(
            &format!(
                "SELECT {COLUMNS} FROM audit_log
                 WHERE seq IN (SELECT max(seq) FROM audit_log WHERE entity = ?1 GROUP BY entity_id)
                 ORDER BY seq"
            ),
            &args![entity],
            entry,
        )
    }
}
