//! The SQLite store: opening and migrating a workspace file, and the SQL for each record kind.
//! The only module that imports rusqlite. SQL is literal with bound parameters.

mod assessments;
mod audit_rows;
mod calendar;
mod certs;
pub use assessments::{AssessmentRow, TemplateRow};
mod kpi;
pub use audit_rows::{AuditFilter, Change};
pub use kpi::{MeasurementRow, StoredValue};
mod signoff;
pub use signoff::{ActionRow, BoardRow, RequestRow, RuleRow, SignatureRow};
mod review;
pub use review::{DecisionRow, ReviewActionRow, ReviewRow};
mod systems;
mod tco;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use steward_domain::{Error, Result};

/// Marks a file as a Steward workspace (`PRAGMA application_id`, the bytes "STWD").
pub const APPLICATION_ID: i32 = 0x5354_5744;

/// Numbered migrations; the schema version is their count, kept in `PRAGMA user_version`.
/// Public so upgrade tests build an older workspace from the migrations as shipped.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_certificates.sql"),
    include_str!("migrations/0003_tco.sql"),
    include_str!("migrations/0004_calendar.sql"),
    include_str!("migrations/0005_assess.sql"),
    include_str!("migrations/0006_kpi.sql"),
    include_str!("migrations/0007_signoff.sql"),
    include_str!("migrations/0008_review_fields.sql"),
    include_str!("migrations/0009_reviews.sql"),
    include_str!("migrations/0010_review_signoff.sql"),
    include_str!("migrations/0011_audit_search.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// A write transaction; every change and its audit entry go through one of these.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
}

impl Store {
    /// Opens (or creates) the workspace at `path`. A file that is not a Steward database, or one
    /// written by a newer Steward, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store> {
        check_header(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(path, e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.prepare().map_err(|e| match e {
            Error::Storage(msg) => Error::Workspace(format!("{}: {msg}", path.display())),
            other => other,
        })?;
        Ok(store)
    }

    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn, path: None };
        store.prepare()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn describe(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| ":memory:".into(), |p| p.display().to_string())
    }

    /// Checks what the file is, then sets the connection up and applies pending migrations.
    fn prepare(&mut self) -> Result<()> {
        let read = |sql: &str| -> Result<i64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map_err(|e| {
                    if let rusqlite::Error::SqliteFailure(f, _) = &e {
                        if f.code == rusqlite::ErrorCode::NotADatabase {
                            return Error::Workspace(format!(
                                "{} is not a Steward workspace: it is not an SQLite database; \
                             choose another data directory or move the file away",
                                self.describe()
                            ));
                        }
                    }
                    Error::from(e)
                })
        };
        let app_id = read("PRAGMA application_id")?;
        let version = read("PRAGMA user_version")?;
        let objects = read("SELECT count(*) FROM sqlite_schema")?;
        if app_id != i64::from(APPLICATION_ID) && !(app_id == 0 && objects == 0 && version == 0) {
            return Err(Error::Workspace(format!(
                "{} is an SQLite database but not a Steward workspace (application_id {app_id}); \
                 it was left untouched; choose another data directory",
                self.describe()
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::Workspace(format!(
                "{} was written by a newer Steward (schema version {version}; this Steward knows up \
                 to {SCHEMA_VERSION}); it was left untouched; upgrade Steward to open it",
                self.describe()
            )));
        }
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // With WAL, NORMAL never corrupts the file; a power cut may lose the last commits only.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        if self.path.is_some() {
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::Storage(format!(
                    "could not switch {} to WAL (got {mode})",
                    self.describe()
                )));
            }
        }
        self.migrate(version)
    }

    /// Applies the migrations after `from`, each in its own transaction. Foreign keys are off
    /// while they run (SQLite's way to rebuild a table others refer to) and every migration must
    /// leave `PRAGMA foreign_key_check` empty before it commits.
    fn migrate(&mut self, from: i64) -> Result<()> {
        if from as usize >= MIGRATIONS.len() {
            return Ok(());
        }
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = self.apply_migrations(from);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }

    fn apply_migrations(&mut self, from: i64) -> Result<()> {
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let failed = |e: &dyn std::fmt::Display| {
                Error::Storage(format!(
                    "migration {:04} failed: {e}; the workspace was left at schema version {i}",
                    i + 1
                ))
            };
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql).map_err(|e| failed(&e))?;
            let dangling: Vec<String> = {
                let mut stmt = tx.prepare("PRAGMA foreign_key_check")?;
                let rows = stmt.query_map([], |r| {
                    Ok(format!(
                        "{} row {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?
                    ))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if !dangling.is_empty() {
                return Err(failed(&format!(
                    "rows refer to rows that do not exist: {}",
                    dangling.join(", ")
                )));
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `f` over one consistent read of the store (a deferred transaction, rolled back).
    pub fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let tx = Tx { tx };
        f(&tx)
    }

    /// Runs `f` in one write transaction: everything it did commits together or not at all.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| write_error(&self.path, e))?;
        let mut tx = Tx { tx };
        let out = f(&mut tx)?;
        tx.tx.commit().map_err(|e| write_error(&self.path, e))?;
        Ok(out)
    }
}

/// Refuses a non-empty file that does not start with SQLite's header, without opening it.
fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let mut head = [0u8; 16];
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    if n > 0 && (n < 16 || head != *b"SQLite format 3\0") {
        return Err(Error::Workspace(format!(
            "{} is not a Steward workspace: it is not an SQLite database; it was left untouched; \
             choose another data directory or move the file away",
            path.display()
        )));
    }
    Ok(())
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Workspace(format!(
        "cannot open the workspace {}: {e}; check that the data directory exists and is writable",
        path.display()
    ))
}

fn write_error(path: &Option<PathBuf>, e: rusqlite::Error) -> Error {
    let where_ = path
        .as_ref()
        .map_or_else(|| ":memory:".into(), |p| p.display().to_string());
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => Error::Workspace(format!(
            "the workspace {where_} is read-only; nothing was changed; check the permissions of its data directory"
        )),
        _ => Error::Storage(format!("{where_}: {e}")),
    }
}
