//! Moving a whole workspace from one engine to the other (a laptop workspace pushed into a team
//! workspace, a team workspace copied out to a laptop): every table's rows copied as they are,
//! in an order in which each row's references already exist, and checked afterwards row by row.
//! Also the mark a read-only copy keeps of where it came from. The tables and their columns are
//! read from the SQLite side (both engines have the same tables at a schema version), so a new
//! migration's table is copied without a change here. Decides nothing about records.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::sql::{args, Arg, Conn, Value};
use crate::Store;
use steward_domain::{Error, Result};

/// The setting a read-only copy of a team workspace keeps its origin in.
pub const COPY_MARK_KEY: &str = "team_copy";

/// Where a read-only copy came from: the team workspace (its display URL, never a password),
/// the audit entry it was taken at, when and by whom. Kept as canonical JSON in the copy's
/// settings under [`COPY_MARK_KEY`]; a store opened on a file with it refuses every write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyMark {
    pub team: String,
    pub seq: i64,
    pub head: String,
    pub taken_at: String,
    pub taken_by: String,
}

impl CopyMark {
    /// The refusal of a write to the copy.
    pub fn refusal(&self) -> String {
        format!(
            "this workspace is a read-only copy of the team workspace {} taken at audit entry {} \
             (hash {}…); make changes in the team workspace; nothing was changed",
            self.team,
            self.seq,
            self.head.get(..12).unwrap_or(&self.head)
        )
    }
}

/// A table as it is copied: its columns, the columns of its primary key (the order rows are
/// read in) and the columns that refer to another row of the same table (copied in a second
/// pass, once every row is there).
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<String>,
    key: Vec<String>,
    self_refs: Vec<usize>,
}

/// How many rows a table holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

/// The tables of an SQLite workspace, each after the tables it refers to.
fn tables(lite: &Conn) -> Result<Vec<Table>> {
    let names = lite.query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
        &[],
        |r| r.get::<String>(0),
    )?;
    let mut found = Vec::new();
    let mut refers: HashMap<String, Vec<String>> = HashMap::new();
    for name in &names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        lite.each(
            &format!("SELECT name, pk FROM pragma_table_info({})", literal(name)),
            &[],
            |r| {
                let c: String = r.get(0)?;
                let pk: i64 = r.get(1)?;
                if pk > 0 {
                    key.push((pk, c.clone()));
                }
                columns.push(c);
                Ok(())
            },
        )?;
        key.sort();
        let mut self_refs = Vec::new();
        lite.each(
            &format!(
                "SELECT \"table\", \"from\" FROM pragma_foreign_key_list({})",
                literal(name)
            ),
            &[],
            |r| {
                let to: String = r.get(0)?;
                let from: String = r.get(1)?;
                if &to == name {
                    if let Some(i) = columns.iter().position(|c| *c == from) {
                        self_refs.push(i);
                    }
                } else {
                    refers.entry(name.clone()).or_default().push(to);
                }
                Ok(())
            },
        )?;
        let key = if key.is_empty() {
            columns.clone()
        } else {
            key.into_iter().map(|(_, c)| c).collect()
        };
        found.push(Table {
            name: name.clone(),
            columns,
            key,
            self_refs,
        });
    }
    // Each table after those it refers to (the schema has no cycles between tables).
    let mut ordered: Vec<Table> = Vec::new();
    while !found.is_empty() {
        let ready = found.iter().position(|t| {
            refers
                .get(&t.name)
                .is_none_or(|to| to.iter().all(|n| ordered.iter().any(|o| &o.name == n)))
        });
        let Some(i) = ready else {
            return Err(Error::Storage(format!(
                "the tables {} refer to each other in a cycle; they cannot be copied one after \
                 another",
                found
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        ordered.push(found.remove(i));
    }
    Ok(ordered)
}

/// `"name"`, a quoted identifier.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, a quoted string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A row's digest, the same for the same values read from either engine.
fn row_digest(values: &[Value]) -> [u8; 32] {
    let mut h = Sha256::new();
    for v in values {
        match v {
            Value::Null => h.update([0u8]),
            Value::Int(i) => {
                h.update([1u8]);
                h.update(i.to_be_bytes());
            }
            Value::Real(f) => {
                h.update([2u8]);
                h.update(f.to_bits().to_be_bytes());
            }
            Value::Text(t) => {
                h.update([3u8]);
                h.update((t.len() as u64).to_be_bytes());
                h.update(t.as_bytes());
            }
            Value::Blob(b) => {
                h.update([4u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    h.finalize().into()
}

fn select_all(t: &Table) -> String {
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        t.columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", "),
        quote(&t.name),
        t.key
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The digests of every row of `t` in `conn`, sorted (the engines may order text keys
/// differently, so rows are compared as a set).
fn digests(conn: &Conn, t: &Table) -> Result<Vec<[u8; 32]>> {
    let n = t.columns.len();
    let mut out = Vec::new();
    conn.each(&select_all(t), &[], |r| {
        let values = (0..n)
            .map(|i| r.get::<Value>(i))
            .collect::<Result<Vec<_>>>()?;
        out.push(row_digest(&values));
        Ok(())
    })?;
    out.sort_unstable();
    Ok(out)
}

/// The rows each table holds in `conn`, leaving out `settings` rows made with the schema (the
/// workspace's id).
pub(crate) fn contents(conn: &Conn, tables_of: &Conn) -> Result<Vec<TableCount>> {
    let mut out = Vec::new();
    for t in tables(tables_of)? {
        let sql = if t.name == "settings" {
            "SELECT count(*) FROM settings WHERE key <> 'workspace_id'".to_string()
        } else {
            format!("SELECT count(*) FROM {}", quote(&t.name))
        };
        let rows = conn.query_one(&sql, &[], |r| r.get::<i64>(0))?;
        out.push(TableCount {
            table: t.name,
            rows,
        });
    }
    Ok(out)
}

/// Copies every row of every table of `src` into `dst`, which holds only what its schema made
/// (its settings are replaced by `src`'s), inside the write transaction open on `dst`; then
/// reads every table of `dst` back and checks it holds exactly `src`'s rows. `lite` is
/// whichever of the two is SQLite (the tables and columns are read from it).
fn copy(src: &Conn, dst: &Conn, lite: &Conn) -> Result<Vec<TableCount>> {
    let tables = tables(lite)?;
    dst.execute("DELETE FROM settings", &[])?;
    let mut counts = Vec::new();
    for t in &tables {
        let n = t.columns.len();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(&t.name),
            t.columns
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", "),
            (1..=n)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut source = Vec::new();
        // Rows whose references to their own table are set once every row is there.
        let mut later: Vec<Vec<Value>> = Vec::new();
        src.each(&select_all(t), &[], |r| {
            let mut values = (0..n)
                .map(|i| r.get::<Value>(i))
                .collect::<Result<Vec<_>>>()?;
            source.push(row_digest(&values));
            if t.self_refs.iter().any(|&i| values[i] != Value::Null) {
                later.push(values.clone());
                for &i in &t.self_refs {
                    values[i] = Value::Null;
                }
            }
            let bound: Vec<Arg<'_>> = values.iter().map(Value::arg).collect();
            dst.execute(&insert, &bound)
                .map_err(|e| Error::Storage(format!("copying a row of {}: {e}", t.name)))?;
            Ok(())
        })?;
        for values in &later {
            for &i in &t.self_refs {
                let mut bound: Vec<Arg<'_>> = vec![values[i].arg()];
                let mut wh = Vec::new();
                for (k, c) in t.key.iter().enumerate() {
                    let at = t.columns.iter().position(|x| x == c).unwrap_or(0);
                    bound.push(values[at].arg());
                    wh.push(format!("{} = ?{}", quote(c), k + 2));
                }
                dst.execute(
                    &format!(
                        "UPDATE {} SET {} = ?1 WHERE {}",
                        quote(&t.name),
                        quote(&t.columns[i]),
                        wh.join(" AND ")
                    ),
                    &bound,
                )?;
            }
        }
        source.sort_unstable();
        let copied = digests(dst, t)?;
        if copied != source {
            return Err(Error::Integrity(format!(
                "the copy of the table {} does not hold the rows read from it ({} read, {} in \
                 the copy, or some differ); nothing was kept",
                t.name,
                source.len(),
                copied.len()
            )));
        }
        counts.push(TableCount {
            table: t.name.clone(),
            rows: source.len() as i64,
        });
    }
    Ok(counts)
}

impl Store {
    /// Copies every table of `src` into this store, inside the write transaction held open on
    /// it ([`Store::hold_write`]); the two must be of different engines (one SQLite, one
    /// PostgreSQL) and at the same schema version. Every table is read back and compared row by
    /// row with what was read. Returns each table's rows.
    pub fn copy_rows_from(&self, src: &Store) -> Result<Vec<TableCount>> {
        if !self.conn.in_transaction() {
            return Err(Error::Storage(
                "a workspace is copied inside a write transaction held open on its destination"
                    .into(),
            ));
        }
        let (sv, dv) = (src.schema_version()?, self.schema_version()?);
        if sv != dv {
            return Err(Error::Workspace(format!(
                "{} is at schema version {sv} and {} at {dv}; open both with this Steward first",
                src.describe(),
                self.describe()
            )));
        }
        let lite = match (&src.conn, &self.conn) {
            (Conn::Sqlite(_), Conn::Pg(_)) => &src.conn,
            (Conn::Pg(_), Conn::Sqlite(_)) => &self.conn,
            _ => {
                return Err(Error::Storage(
                    "a workspace is copied between a laptop workspace and a team workspace".into(),
                ))
            }
        };
        copy(&src.conn, &self.conn, lite)
    }

    /// Every table and how many rows it holds (settings leave out the workspace's id, which
    /// every workspace has from its creation): what a workspace holds, to tell an empty one.
    pub fn table_counts(&self) -> Result<Vec<TableCount>> {
        match &self.conn {
            Conn::Sqlite(_) => contents(&self.conn, &self.conn),
            Conn::Pg(_) => {
                // The list of tables is SQLite's: a new in-memory workspace has them all.
                let probe = Store::open_in_memory()?;
                contents(&self.conn, &probe.conn)
            }
        }
    }

    /// The mark of a read-only copy, when this workspace is one.
    pub fn copy_mark(&self) -> Option<&CopyMark> {
        self.read_only.as_ref()
    }
}

/// The copy mark kept in `conn`'s settings, if any.
pub(crate) fn read_mark(conn: &Conn) -> Result<Option<CopyMark>> {
    let text = conn.query_opt(
        "SELECT value FROM settings WHERE key = ?1",
        &args![COPY_MARK_KEY],
        |r| r.get::<String>(0),
    )?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            Error::Workspace(format!(
                "the workspace's setting {COPY_MARK_KEY} (what it is a read-only copy of) cannot \
                 be read: {e}; it is left untouched"
            ))
        })
    })
    .transpose()
}
