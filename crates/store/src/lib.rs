//! The store: opening and migrating a workspace (an SQLite file, or a team workspace in
//! PostgreSQL), and the SQL for each record kind, written once over [`sql::Conn`]. The only
//! crate that imports rusqlite or postgres. SQL is literal with bound parameters.

mod assessments;
mod audit_rows;
mod calendar;
mod cards;
mod certs;
mod cipher;
mod evidence;
pub use assessments::{AssessmentRow, TemplateRow};
pub use cipher::{Converted, Passphrase};
mod kpi;
pub use audit_rows::{AuditFilter, Change, SealRow};
pub use kpi::{MeasurementRow, StoredValue};
mod signoff;
pub use signoff::{ActionRow, BoardRow, RequestRow, RuleRow, SignatureRow};
mod review;
pub use review::{DecisionRow, ReviewActionRow, ReviewRow};
mod pg;
mod sql;
mod systems;
mod tco;
mod transfer;
pub use pg::{members_role, ConnInfo, Member, TeamInit, PG_BASE, PG_MIGRATIONS};
pub use sql::Dialect;
pub use transfer::{CopyMark, TableCount, COPY_MARK_KEY};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use sql::{Conn, TxGuard};

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
    include_str!("migrations/0012_audit_seals.sql"),
    include_str!("migrations/0013_evidence.sql"),
    include_str!("migrations/0014_model_cards.sql"),
    include_str!("migrations/0015_systems_checks.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long an operation waits for another process writing to the workspace before it gives
/// up, changing nothing: long enough for any single import or freeze of a large workspace, as a
/// person is waiting on the other side either way.
pub const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Store {
    conn: Conn,
    path: Option<PathBuf>,
    /// The passphrase of an encrypted workspace, kept in memory (wiped when the store is
    /// dropped) for the copies it makes: a backup is encrypted with it too.
    key: Option<Passphrase>,
    /// A team workspace: where it is and who this session is logged in as.
    team: Option<pg::Team>,
    /// A read-only copy of a team workspace: where from; every write is refused.
    read_only: Option<CopyMark>,
}

/// A transaction: a write one (`&mut Tx`, from [`Store::write`]) or a read one (`&Tx`, from
/// [`Store::read`]); every change and its audit entry go through a write one.
pub struct Tx<'a> {
    tx: &'a Conn,
    /// The sequence number and hash of the last audit entry, once this transaction has read or
    /// written it: it holds the write lock, so only its own appends move the head.
    audit_head: Option<(i64, String)>,
    /// The sign-off rules read so far, by gate and risk tier (None: no rule): the gates ask for
    /// one for each system an import adds past a gate, and only this transaction can change
    /// them while it runs (writers hold the write lock), so one read of each is enough; writing
    /// a rule clears them.
    rules: std::cell::RefCell<HashMap<(String, String), Option<signoff::RuleRow>>>,
}

impl<'a> Tx<'a> {
    fn new(tx: &'a Conn) -> Tx<'a> {
        Tx {
            tx,
            audit_head: None,
            rules: Default::default(),
        }
    }
}

/// One read transaction held open (see [`Store::snapshot`]); rolled back when dropped.
pub struct Snapshot<'a> {
    _guard: Option<TxGuard<'a>>,
}

/// A write transaction held open across several calls (see [`Store::hold_write`]): reads of
/// the store meanwhile see what it wrote; it commits with [`Held::commit`] and is rolled back
/// if dropped before.
pub struct Held<'a> {
    guard: TxGuard<'a>,
    conn: &'a Conn,
}

impl Held<'_> {
    /// Runs `f` inside the held transaction.
    pub fn write<T>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        f(&mut Tx::new(self.conn))
    }

    pub fn commit(self) -> Result<()> {
        self.guard.commit()
    }
}

impl Store {
    /// Opens (or creates) the workspace at `path`. A file that is not a Steward database, or one
    /// written by a newer Steward, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, None)
    }

    /// Opens (or creates) the workspace at `path`, encrypted with `key` when one is given: a
    /// new workspace is created encrypted, an existing one must be encrypted with that
    /// passphrase, and a plain one is refused with a passphrase as an encrypted one is without.
    /// As with [`Store::open`], nothing is written before the file is known to be a Steward
    /// workspace this Steward can read (for an encrypted file, once its first page has been
    /// decrypted and authenticated with the key).
    pub fn open_with(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        // A conversion (`Store::convert`) puts a new file in place while it holds the old one's
        // lock; an open that waited on that lock finds the path replaced, and opens it again.
        for _ in 0..3 {
            if let Some(store) = Store::open_once(path, key)? {
                return Ok(store);
            }
        }
        Err(Error::Workspace(format!(
            "{} was replaced by another Steward while it was being opened, three times in a row; \
             nothing was changed; try again",
            path.display()
        )))
    }

    /// Opens the workspace, or None if the file was replaced while this waited for its lock.
    fn open_once(path: &Path, key: Option<&Passphrase>) -> Result<Option<Store>> {
        let header = check_header(path)?;
        cipher::check_key(path, header, key)?;
        // A new workspace file is the owner's only (SQLite gives its journal the same mode).
        if !path.exists() {
            steward_domain::files::create_private_file(path).map_err(|e| {
                Error::Workspace(format!(
                    "cannot create the workspace {}: {e}; check that the data directory exists and is writable",
                    path.display()
                ))
            })?;
        }
        let opened = cipher::file_id(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_error(path, e))?;
        if let Some(key) = key {
            cipher::apply_key(&conn, key)?;
        }
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            path: Some(path.to_path_buf()),
            key: key.cloned(),
            team: None,
            read_only: None,
        };
        let in_workspace = |e| match e {
            Error::Storage(msg) => Error::Workspace(format!("{}: {msg}", path.display())),
            other => other,
        };
        let version = store.check().map_err(in_workspace)?;
        // The first read waited for any lock on the file; if a conversion replaced it
        // meanwhile, this connection reads the old file, which is no longer the workspace.
        if cipher::file_id(path) != opened {
            return Ok(None);
        }
        store.set_up(version).map_err(in_workspace)?;
        store.read_only = transfer::read_mark(&store.conn).map_err(in_workspace)?;
        Ok(Some(store))
    }

    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn: Conn::Sqlite(conn),
            path: None,
            key: None,
            team: None,
            read_only: None,
        };
        let version = store.check()?;
        store.set_up(version)?;
        Ok(store)
    }

    /// Waits `wait` instead of [`BUSY_WAIT`] for another writer (tests, scripts that prefer to
    /// fail fast).
    pub fn set_busy_wait(&self, wait: std::time::Duration) -> Result<()> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.busy_timeout(wait)?),
            Conn::Pg(_) => pg::set_lock_timeout(&self.conn, wait),
        }
    }

    /// The SQLite connection, for what only an SQLite workspace has (its file, encryption,
    /// backups); a team workspace is refused, naming what was asked.
    fn lite(&self) -> Result<&Connection> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c),
            Conn::Pg(_) => Err(Error::Workspace(format!(
                "{} is a team workspace in PostgreSQL; this works on a laptop workspace's file only",
                self.describe()
            ))),
        }
    }

    /// Which engine holds the workspace.
    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether the workspace file is encrypted (opened with a passphrase).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The passphrase the workspace was opened with, to open the copies it makes.
    pub fn key(&self) -> Option<&Passphrase> {
        self.key.as_ref()
    }

    fn describe(&self) -> String {
        if let Some(t) = &self.team {
            return t.display.clone();
        }
        self.path
            .as_ref()
            .map_or_else(|| ":memory:".into(), |p| p.display().to_string())
    }

    /// Checks what the file is, writing nothing: a Steward workspace (or an empty database)
    /// no newer than this Steward. Returns its schema version.
    fn check(&self) -> Result<i64> {
        let conn = self.lite()?;
        let read = |sql: &str| -> Result<i64> {
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map_err(|e| {
                    if let rusqlite::Error::SqliteFailure(f, _) = &e {
                        if f.code == rusqlite::ErrorCode::NotADatabase && self.key.is_some() {
                            // SQLCipher could not authenticate the first page with this key.
                            return cipher::wrong_passphrase(&self.describe());
                        }
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
        Ok(version)
    }

    /// Sets the connection up and applies the migrations after `version`.
    fn set_up(&mut self, version: i64) -> Result<()> {
        let conn = self.lite()?;
        conn.busy_timeout(BUSY_WAIT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // With WAL, NORMAL never corrupts the file; a power cut may lose the last commits only.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        if self.path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
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
        self.backup_before_migrating(from)?;
        let Conn::Sqlite(conn) = &mut self.conn else {
            return Err(Error::Storage(
                "SQLite migrations on a team workspace".into(),
            ));
        };
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let result = apply_migrations(conn, from);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        result
    }
}

fn apply_migrations(conn: &mut Connection, from: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let failed = |e: &dyn std::fmt::Display| {
            Error::Storage(format!(
                "migration {:04} failed: {e}; the workspace was left at schema version {i}",
                i + 1
            ))
        };
        let tx = conn.transaction()?;
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

impl Store {
    pub fn schema_version(&self) -> Result<i64> {
        match &self.conn {
            Conn::Sqlite(c) => Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?),
            Conn::Pg(_) => pg::schema_version(&self.conn)?.ok_or_else(|| {
                Error::Workspace(format!("{} has no Steward schema", self.describe()))
            }),
        }
    }

    /// Copies the whole workspace to `out` (a new or empty file) with SQLite's online backup: a
    /// consistent copy while other connections, this process's or another's, read and write.
    /// The copy of an encrypted workspace is encrypted with the same passphrase (SQLCipher
    /// copies between two databases keyed alike only).
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        let src = self.lite()?;
        let mut dst = Connection::open(out).map_err(|e| open_error(out, e))?;
        if let Some(key) = &self.key {
            cipher::apply_key(&dst, key)?;
        }
        let backup = rusqlite::backup::Backup::new(src, &mut dst)?;
        backup.run_to_completion(1024, std::time::Duration::from_millis(5), None)?;
        Ok(())
    }

    /// Before the first migration of a workspace that holds data, its copy as it was, beside it:
    /// `steward-backup-schema-N.db` (kept if one is there already: it is the older copy).
    fn backup_before_migrating(&self, from: i64) -> Result<()> {
        let Some(dir) = self.path.as_ref().and_then(|p| p.parent()) else {
            return Ok(());
        };
        if from == 0 {
            return Ok(()); // a new workspace: nothing to keep
        }
        let out = dir.join(format!("steward-backup-schema-{from}.db"));
        if out.exists() {
            return Ok(());
        }
        let tmp = steward_domain::files::Partial::create(&out)?;
        self.backup_to(tmp.path()).map_err(|e| {
            Error::Workspace(format!(
                "could not back up {} before upgrading it from schema {from}: {e}; it was not changed",
                self.describe()
            ))
        })?;
        tmp.commit()
    }

    /// Holds one read transaction open until the guard is dropped: every read through this
    /// store meanwhile sees the same state, whatever other processes write (WAL keeps their
    /// changes out of this snapshot). Reads inside it that open their own transaction
    /// ([`Store::read`]) join this one; a write is refused while it is held.
    ///
    /// Inside a transaction already open (a [`Store::hold_write`], or another snapshot) it
    /// joins that one, which is then the state every read sees.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        if self.conn.in_transaction() {
            return Ok(Snapshot { _guard: None });
        }
        self.conn.begin_read()?;
        let guard = Snapshot {
            _guard: Some(TxGuard::new(&self.conn)),
        };
        // A transaction takes its snapshot at its first read.
        self.conn
            .query_one("SELECT count(*) FROM settings", &[], |r| r.get::<i64>(0))?;
        Ok(guard)
    }

    /// Runs `f` over one consistent read of the store (a read transaction, rolled back).
    /// Inside a [`Store::snapshot`], `f` reads that snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = Tx::new(&self.conn);
        if self.conn.in_transaction() {
            return f(&tx);
        }
        self.conn.begin_read()?;
        let _guard = TxGuard::new(&self.conn);
        f(&tx)
    }

    /// Runs `f` in one write transaction: everything it did commits together or not at all.
    /// A read-only copy of a team workspace refuses it, saying what it is a copy of.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.writable()?;
        if self.conn.in_transaction() {
            return Err(Error::Storage(
                "a write cannot begin inside another transaction".into(),
            ));
        }
        self.conn
            .begin_write()
            .map_err(|e| write_error(&self.describe(), e))?;
        let guard = TxGuard::new(&self.conn);
        let mut tx = Tx::new(&self.conn);
        let out = f(&mut tx)?;
        guard
            .commit()
            .map_err(|e| write_error(&self.describe(), e))?;
        Ok(out)
    }

    /// Opens a write transaction and holds it open until [`Held::commit`] (or rolls it back when
    /// dropped), so that an operation can write, read back what it wrote through the store's
    /// usual reads, and commit only if those reads say it may: all or nothing across calls.
    pub fn hold_write(&self) -> Result<Held<'_>> {
        self.writable()?;
        if self.conn.in_transaction() {
            return Err(Error::Storage(
                "a write cannot be held open inside another transaction".into(),
            ));
        }
        self.conn
            .begin_write()
            .map_err(|e| write_error(&self.describe(), e))?;
        Ok(Held {
            guard: TxGuard::new(&self.conn),
            conn: &self.conn,
        })
    }

    /// Refuses any write to a read-only copy: the one check every write passes.
    fn writable(&self) -> Result<()> {
        match &self.read_only {
            Some(mark) => Err(Error::Workspace(mark.refusal())),
            None => Ok(()),
        }
    }

    /// Which engine this transaction runs on.
    pub fn tx_dialect(tx: &Tx<'_>) -> Dialect {
        tx.tx.dialect()
    }
}

/// What a workspace file is, as far as its first bytes tell without a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    /// No file, or an empty one: a new workspace.
    Absent,
    /// SQLite's header: a plain database.
    Plain,
    /// No SQLite header, and whole pages: an SQLCipher file starts with its random salt and
    /// looks like noise throughout, so only its key tells it from other noise.
    Encrypted,
}

/// Refuses a non-empty file that is neither an SQLite database nor whole pages of what could
/// be an encrypted one, without opening it.
fn check_header(path: &Path) -> Result<Header> {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(Header::Absent);
    };
    let mut head = [0u8; 16];
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    if n == 0 {
        return Ok(Header::Absent);
    }
    if n == 16 && head == *b"SQLite format 3\0" {
        return Ok(Header::Plain);
    }
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if n == 16 && len % cipher::MIN_PAGE_SIZE == 0 {
        return Ok(Header::Encrypted);
    }
    Err(Error::Workspace(format!(
        "{} is not a Steward workspace: it is not an SQLite database; it was left untouched; \
         choose another data directory or move the file away",
        path.display()
    )))
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Workspace(format!(
        "cannot open the workspace {}: {e}; check that the data directory exists and is writable",
        path.display()
    ))
}

/// An error beginning or committing a write, named with the workspace.
fn write_error(where_: &str, e: Error) -> Error {
    match e {
        Error::Storage(m) if m.contains("readonly") || m.contains("read-only") => Error::Workspace(format!(
            "the workspace {where_} is read-only; nothing was changed; check the permissions of its data directory"
        )),
        Error::Workspace(m) if m == steward_domain::error::BUSY => {
            Error::Workspace(format!("{where_}: {m}"))
        }
        Error::Storage(m) => Error::Storage(format!("{where_}: {m}")),
        other => other,
    }
}
