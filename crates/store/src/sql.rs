//! The one way the store runs SQL, on SQLite or on PostgreSQL: a connection ([`Conn`]) that
//! prepares and caches statements, binds arguments ([`Arg`], built by [`args!`]) and hands each
//! result row to the caller as a [`Row`] whose getters read the same Rust types from either
//! engine. Each record kind's SQL is written once, with SQLite's numbered placeholders
//! (`?1`, `?2`, ...), which this module rewrites to PostgreSQL's (`$1`, ...) when it prepares
//! a statement there; where the dialects differ a module asks [`Conn::dialect`].
//!
//! Errors are the domain's: a unique or primary-key violation is `Error::Conflict` (a module
//! replaces the engine's words with its own), a writer that waited too long `Error::Workspace`
//! (busy), anything else `Error::Storage`. This module decides nothing about records.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use postgres::types::{IsNull, ToSql as PgToSql, Type};
use rusqlite::types::{ToSqlOutput, ValueRef};
use steward_domain::{Error, Result};

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection to the workspace's database.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Pg(Box<PgConn>),
}

/// A PostgreSQL session: the client behind a `RefCell` (the store is used from one thread at a
/// time, as a SQLite connection is), its prepared statements by SQL text, and whether a
/// transaction is open.
pub(crate) struct PgConn {
    /// The database user the session logged in as.
    user: String,
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    in_tx: Cell<bool>,
}

/// The key of the advisory lock every write transaction on PostgreSQL takes first ("STWD"):
/// writers run one at a time, as on SQLite, so each reads what the one before committed and
/// the audit chain stays one line.
pub(crate) const WRITE_LOCK: i64 = 0x5354_5744;

/// One bound argument.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A value that can be bound as an [`Arg`].
pub(crate) trait ToArg {
    fn arg(&self) -> Arg<'_>;
}

/// `[Arg; N]` from expressions, each borrowed: `args![id, d.name, json]`.
macro_rules! args {
    ($($e:expr),* $(,)?) => {
        [$($crate::sql::ToArg::arg(&$e)),*]
    };
}
pub(crate) use args;

impl ToArg for Arg<'_> {
    fn arg(&self) -> Arg<'_> {
        *self
    }
}
impl ToArg for str {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}
impl ToArg for String {
    fn arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}
impl ToArg for [u8] {
    fn arg(&self) -> Arg<'_> {
        Arg::Blob(self)
    }
}
impl ToArg for Vec<u8> {
    fn arg(&self) -> Arg<'_> {
        Arg::Blob(self)
    }
}
impl ToArg for f64 {
    fn arg(&self) -> Arg<'_> {
        Arg::Real(*self)
    }
}
impl ToArg for bool {
    fn arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}
macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl ToArg for $t {
            fn arg(&self) -> Arg<'_> {
                Arg::Int(*self as i64)
            }
        }
    )*};
}
int_arg!(i64, i32, i16, u8, u16, u32, usize);
impl<T: ToArg + ?Sized> ToArg for &T {
    fn arg(&self) -> Arg<'_> {
        (**self).arg()
    }
}
impl<T: ToArg> ToArg for Option<T> {
    fn arg(&self) -> Arg<'_> {
        self.as_ref().map_or(Arg::Null, ToArg::arg)
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match *self {
            Arg::Null => ValueRef::Null,
            Arg::Int(i) => ValueRef::Integer(i),
            Arg::Real(f) => ValueRef::Real(f),
            Arg::Text(s) => ValueRef::Text(s.as_bytes()),
            Arg::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// PostgreSQL is strict about types; an argument is converted to the type the server inferred
/// for its placeholder (an integer for a `BIGINT`, `INTEGER` or `DOUBLE PRECISION` column).
impl PgToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound to a {ty} parameter").into()),
            },
            Arg::Real(f) => match *ty {
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => Err(format!("a real number cannot be bound to a {ty} parameter").into()),
            },
            Arg::Text(s) => s.to_sql(ty, out),
            Arg::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// One result row, from either engine.
pub(crate) enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: FromCol>(&self, i: usize) -> Result<T> {
        match self {
            Row::Sqlite(r) => T::sqlite(r, i).map_err(sqlite_error),
            Row::Pg(r) => {
                let v = pg_value(r, i)?;
                T::from_value(v).map_err(|e| {
                    Error::Storage(format!(
                        "column {} of a row cannot be read: {e}",
                        r.columns().get(i).map_or("?", |c| c.name())
                    ))
                })
            }
        }
    }
}

/// A column value as PostgreSQL returned it, or any column read whole from either engine
/// (`Row::get::<Value>`, for copying a workspace between engines).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn pg_value(r: &postgres::Row, i: usize) -> Result<Value> {
    let col = r
        .columns()
        .get(i)
        .ok_or_else(|| Error::Storage(format!("no column {i} in the row")))?;
    let fail = |e: postgres::Error| Error::Storage(format!("column {}: {e}", col.name()));
    let v = match *col.type_() {
        Type::INT8 => r
            .try_get::<_, Option<i64>>(i)
            .map_err(fail)?
            .map(Value::Int),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)
            .map_err(fail)?
            .map(|v| Value::Int(v.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)
            .map_err(fail)?
            .map(|v| Value::Int(v.into())),
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)
            .map_err(fail)?
            .map(|v| Value::Int(v.into())),
        Type::FLOAT8 => r
            .try_get::<_, Option<f64>>(i)
            .map_err(fail)?
            .map(Value::Real),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)
            .map_err(fail)?
            .map(|v| Value::Real(v.into())),
        Type::BYTEA => r
            .try_get::<_, Option<Vec<u8>>>(i)
            .map_err(fail)?
            .map(Value::Blob),
        _ => r
            .try_get::<_, Option<String>>(i)
            .map_err(fail)?
            .map(Value::Text),
    };
    Ok(v.unwrap_or(Value::Null))
}

impl Value {
    /// The value bound as an argument.
    pub fn arg(&self) -> Arg<'_> {
        match self {
            Value::Null => Arg::Null,
            Value::Int(i) => Arg::Int(*i),
            Value::Real(f) => Arg::Real(*f),
            Value::Text(t) => Arg::Text(t),
            Value::Blob(b) => Arg::Blob(b),
        }
    }
}

impl FromCol for Value {
    fn sqlite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        Ok(match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Real(v),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
    }
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        Ok(v)
    }
}

/// A Rust type a column reads as, from either engine.
pub(crate) trait FromCol: Sized {
    fn sqlite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self>;
    fn from_value(v: Value) -> std::result::Result<Self, String>;
}

macro_rules! from_col {
    ($t:ty, $pat:pat => $conv:expr) => {
        impl FromCol for $t {
            fn sqlite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
                r.get(i)
            }
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    $pat => $conv,
                    Value::Null => Err("NULL where a value is required".into()),
                    _ => Err(concat!("not a ", stringify!($t)).into()),
                }
            }
        }
        impl FromCol for Option<$t> {
            fn sqlite(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
                r.get(i)
            }
            fn from_value(v: Value) -> std::result::Result<Self, String> {
                match v {
                    Value::Null => Ok(None),
                    v => <$t>::from_value(v).map(Some),
                }
            }
        }
    };
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        from_col!($t, Value::Int(i) => <$t>::try_from(i).map_err(|e| e.to_string()));
    )*};
}
from_int!(i64, i32, u8, u16, u32);
from_col!(f64, Value::Real(f) => Ok(f));
from_col!(String, Value::Text(s) => Ok(s));
from_col!(Vec<u8>, Value::Blob(b) => Ok(b));
from_col!(bool, Value::Int(i) => Ok(i != 0));

/// `?N` placeholders rewritten as `$N` (outside quoted text and identifiers).
pub(crate) fn to_pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

pub(crate) fn sqlite_error(e: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if matches!(
            f.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ) {
            return Error::Conflict(e.to_string());
        }
    }
    Error::from(e)
}

pub(crate) fn pg_error(e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    let Some(db) = e.as_db_error() else {
        return Error::Storage(format!("the team workspace's server: {e}"));
    };
    let code = db.code();
    let text = match (db.detail(), db.hint()) {
        (Some(d), _) => format!("{}: {d}", db.message()),
        (None, Some(h)) => format!("{}; {h}", db.message()),
        (None, None) => db.message().to_string(),
    };
    if *code == SqlState::UNIQUE_VIOLATION {
        Error::Conflict(text)
    } else if *code == SqlState::LOCK_NOT_AVAILABLE {
        Error::Workspace(steward_domain::error::BUSY.into())
    } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        Error::Workspace(format!(
            "the team workspace refused this ({text}); ask its owner for the rights you need"
        ))
    } else {
        Error::Storage(text)
    }
}

impl PgConn {
    /// Wraps a connected client, reading who it logged in as.
    pub fn new(mut client: postgres::Client) -> Result<PgConn> {
        let user: String = client
            .query_one("SELECT session_user::text", &[])
            .map_err(pg_error)?
            .get(0);
        Ok(PgConn {
            user,
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            in_tx: Cell::new(false),
        })
    }

    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        self.client
            .try_borrow_mut()
            .map_err(|_| Error::Storage("the team workspace's connection is already in use".into()))
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let prepared = self
            .client()?
            .prepare(&to_pg_placeholders(sql))
            .map_err(pg_error)?;
        self.statements
            .borrow_mut()
            .insert(sql.to_string(), prepared.clone());
        Ok(prepared)
    }

    fn params<'b>(args: &'b [Arg<'b>]) -> Vec<&'b (dyn PgToSql + Sync)> {
        args.iter().map(|a| a as &(dyn PgToSql + Sync)).collect()
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        self.client()?.batch_execute(sql).map_err(pg_error)
    }
}

impl Conn {
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Pg(_) => Dialect::Postgres,
        }
    }

    /// The database user a PostgreSQL session logged in as (None on SQLite, which has none).
    pub fn session_user(&self) -> Option<&str> {
        match self {
            Conn::Sqlite(_) => None,
            Conn::Pg(p) => Some(&p.user),
        }
    }

    /// Runs a statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<usize> {
        match self {
            Conn::Sqlite(c) => c
                .prepare_cached(sql)
                .and_then(|mut s| s.execute(rusqlite::params_from_iter(args.iter())))
                .map_err(sqlite_error),
            Conn::Pg(p) => {
                let st = p.statement(sql)?;
                let n = p
                    .client()?
                    .execute(&st, &PgConn::params(args))
                    .map_err(pg_error)?;
                Ok(n as usize)
            }
        }
    }

    /// Runs a query and calls `f` on each row in order.
    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql).map_err(sqlite_error)?;
                let mut rows = st
                    .query(rusqlite::params_from_iter(args.iter()))
                    .map_err(sqlite_error)?;
                while let Some(r) = rows.next().map_err(sqlite_error)? {
                    f(&Row::Sqlite(r))?;
                }
                Ok(())
            }
            Conn::Pg(p) => {
                let st = p.statement(sql)?;
                let rows = p
                    .client()?
                    .query(&st, &PgConn::params(args))
                    .map_err(pg_error)?;
                for r in &rows {
                    f(&Row::Pg(r))?;
                }
                Ok(())
            }
        }
    }

    /// Every row, each read by `f`.
    pub fn query<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, args, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row read by `f`, or None when there is none.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql).map_err(sqlite_error)?;
                let mut rows = st
                    .query(rusqlite::params_from_iter(args.iter()))
                    .map_err(sqlite_error)?;
                match rows.next().map_err(sqlite_error)? {
                    Some(r) => f(&Row::Sqlite(r)).map(Some),
                    None => Ok(None),
                }
            }
            Conn::Pg(p) => {
                let st = p.statement(sql)?;
                let row = p
                    .client()?
                    .query_opt(&st, &PgConn::params(args))
                    .map_err(pg_error)?;
                row.map(|r| f(&Row::Pg(&r))).transpose()
            }
        }
    }

    /// The first row read by `f`; no row is an error.
    pub fn query_one<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, args, f)?
            .ok_or_else(|| Error::Storage(format!("no row for {}", sql.trim())))
    }

    /// Runs statements without arguments (schema changes, transaction control).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql).map_err(sqlite_error),
            Conn::Pg(p) => p.batch(sql),
        }
    }

    pub fn in_transaction(&self) -> bool {
        match self {
            Conn::Sqlite(c) => !c.is_autocommit(),
            Conn::Pg(p) => p.in_tx.get(),
        }
    }

    /// Opens a write transaction: SQLite's `BEGIN IMMEDIATE`; on PostgreSQL a transaction that
    /// first takes [`WRITE_LOCK`] (waiting at most the session's `lock_timeout`), so writers
    /// run one at a time and each statement sees what the writer before it committed.
    pub fn begin_write(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE").map_err(sqlite_error),
            Conn::Pg(p) => {
                p.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
                p.in_tx.set(true);
                if let Err(e) = self.execute("SELECT pg_advisory_xact_lock(?1)", &args![WRITE_LOCK])
                {
                    self.rollback();
                    return Err(e);
                }
                Ok(())
            }
        }
    }

    /// Opens a read transaction that sees one state of the database throughout.
    pub fn begin_read(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("BEGIN DEFERRED").map_err(sqlite_error),
            Conn::Pg(p) => {
                p.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
                p.in_tx.set(true);
                Ok(())
            }
        }
    }

    pub fn commit(&self) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch("COMMIT").map_err(sqlite_error),
            Conn::Pg(p) => {
                let r = p.batch("COMMIT");
                p.in_tx.set(false);
                r
            }
        }
    }

    /// Ends the open transaction, keeping nothing of it; nothing to report if there is none.
    pub fn rollback(&self) {
        match self {
            Conn::Sqlite(c) => {
                if !c.is_autocommit() {
                    let _ = c.execute_batch("ROLLBACK");
                }
            }
            Conn::Pg(p) => {
                if p.in_tx.get() {
                    let _ = p.batch("ROLLBACK");
                    p.in_tx.set(false);
                }
            }
        }
    }
}

/// Rolls the transaction back when dropped unless [`TxGuard::commit`] ran: a write whose
/// closure failed or panicked leaves nothing behind.
pub(crate) struct TxGuard<'a> {
    conn: &'a Conn,
    open: bool,
}

impl<'a> TxGuard<'a> {
    pub fn new(conn: &'a Conn) -> TxGuard<'a> {
        TxGuard { conn, open: true }
    }

    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.commit()
    }
}

impl Drop for TxGuard<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.rollback();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            to_pg_placeholders("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b IN (?2, ?12)"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b IN ($2, $12)"
        );
    }
}
