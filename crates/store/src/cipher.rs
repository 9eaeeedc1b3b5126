//! Encryption at rest: a workspace's passphrase, keying a connection with it (SQLCipher), and
//! converting a workspace between plain and encrypted. The only module that speaks to
//! SQLCipher; it decides nothing about when a workspace is encrypted.
//!
//! SQLCipher's defaults are kept (SQLCipher 4: AES-256 in CBC mode with a random IV per page,
//! an HMAC-SHA512 per page, the key derived from the passphrase with PBKDF2-HMAC-SHA512 over
//! 256,000 iterations and a random salt kept in the file's first 16 bytes, 4 KiB pages). The
//! write-ahead log is encrypted the same way; the shared-memory index holds no page contents.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection};
use steward_domain::files::Partial;
use steward_domain::{Error, FieldError, Result};
use zeroize::Zeroizing;

use crate::{Header, Store, APPLICATION_ID};

/// The smallest page SQLCipher writes: an encrypted file is a whole number of them.
pub(crate) const MIN_PAGE_SIZE: u64 = 512;

/// How long a conversion waits for other connections to the workspace to go away.
const CONVERT_WAIT: Duration = Duration::from_secs(2);

/// A workspace's passphrase: held in memory only, wiped when dropped, never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Refuses an empty passphrase.
    pub fn new(text: impl Into<String>) -> Result<Passphrase> {
        let text = Zeroizing::new(text.into());
        if text.is_empty() {
            return Err(Error::Validation {
                entity: "passphrase",
                fields: vec![FieldError::new(
                    "passphrase",
                    "a workspace passphrase cannot be empty",
                )],
            });
        }
        Ok(Passphrase(text))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// Keys `conn` with `key`; SQLCipher derives the key and checks it at the first read.
pub(crate) fn apply_key(conn: &Connection, key: &Passphrase) -> Result<()> {
    // rusqlite quotes the value as an SQL string literal.
    conn.pragma_update(None, "key", key.as_str())?;
    // SQLCipher also prints a page it cannot decrypt on stderr; the caller gets the error.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    Ok(())
}

/// Refuses what the header shows cannot open with `key`: an encrypted file without a
/// passphrase, a plain one with one.
pub(crate) fn check_key(path: &Path, header: Header, key: Option<&Passphrase>) -> Result<()> {
    match (header, key) {
        (Header::Encrypted, None) => Err(Error::Locked(format!(
            "{}: the workspace is encrypted; it opens with its passphrase only; nothing was read \
             or changed",
            path.display()
        ))),
        (Header::Plain, Some(_)) => Err(Error::Workspace(format!(
            "{}: the workspace is not encrypted, but a passphrase was given; open it without one \
             (nothing was changed)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// The error for a key that does not decrypt the workspace's first page.
pub(crate) fn wrong_passphrase(path: &str) -> Error {
    Error::Locked(format!(
        "{path}: the workspace is encrypted; the passphrase does not open it; nothing was read \
         or changed"
    ))
}

/// Which file `path` names now (device and inode), to notice it being replaced.
#[cfg(unix)]
pub(crate) fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Without inodes, a replaced file is not noticed.
#[cfg(not(unix))]
pub(crate) fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// A workspace converted into a copy beside it, checked, and not yet in its place: the
/// original is untouched and locked against every other connection until [`Converted::commit`]
/// (or until this is dropped, which leaves the original as it was and removes the copy).
pub struct Converted {
    original: Store,
    copy: Store,
    file: Partial,
}

impl Store {
    /// Converts the workspace into a copy beside it encrypted with `to` (plain with None), with
    /// SQLCipher's `sqlcipher_export` through `ATTACH`, and opens the copy. The original must
    /// have no other connection: this takes its exclusive lock and keeps it. The copy holds
    /// the same schema, the same number of rows in every table and the same audit chain head,
    /// or it is refused and removed.
    pub fn convert(self, to: Option<&Passphrase>) -> Result<Converted> {
        let Some(path) = self.path.clone() else {
            return Err(Error::Workspace(
                "a workspace in memory has no file to encrypt or decrypt".into(),
            ));
        };
        self.lock_alone(&path)?;
        let file = Partial::create(&path)?;
        let at = file.path().to_str().ok_or_else(|| {
            Error::Workspace(format!(
                "{}: the data directory's path is not valid UTF-8, which SQLite needs to \
                 write the converted copy; move the workspace to another folder",
                path.display()
            ))
        })?;
        let version = self.schema_version()?;
        let failed = |e: Error| {
            Error::Workspace(format!(
                "{}: the converted copy could not be written: {e}; the workspace was not changed",
                path.display()
            ))
        };
        self.lite()?
            .execute(
                "ATTACH DATABASE ?1 AS converted KEY ?2",
                params![at, to.map_or("", Passphrase::as_str)],
            )
            .map_err(|e| failed(e.into()))?;
        let exported = self.export_into_attached(version);
        self.lite()?.execute_batch("DETACH DATABASE converted")?;
        exported.map_err(failed)?;
        let copy = Store::open_with(file.path(), to).map_err(failed)?;
        copy.check_same_as(&self).map_err(failed)?;
        Ok(Converted {
            original: self,
            copy,
            file,
        })
    }

    /// Takes the workspace's lock for this connection alone, for good, or says that another
    /// Steward has it open. Leaving WAL needs every other connection gone, and folds the log
    /// into the file, so no log of the old file is left beside the path for the new one.
    fn lock_alone(&self, path: &Path) -> Result<()> {
        self.lite()?.busy_timeout(CONVERT_WAIT)?;
        self.lite()?
            .pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        let mode = self
            .lite()?
            .query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0));
        match mode {
            Ok(m) if m.eq_ignore_ascii_case("delete") => Ok(()),
            Ok(m) => Err(Error::Storage(format!(
                "could not take {} out of WAL (got {m}); nothing was changed",
                path.display()
            ))),
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                Err(Error::Workspace(format!(
                    "{}: another Steward (the app or a `steward` command) has the workspace \
                     open; close it there and try again; nothing was changed",
                    path.display()
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Copies every table, index, trigger and view into the attached `converted`, with the
    /// application id and schema version (which `sqlcipher_export` leaves out).
    fn export_into_attached(&self, version: i64) -> Result<()> {
        self.lite()?
            .query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))?;
        self.lite()?
            .pragma_update(Some("converted"), "application_id", APPLICATION_ID)?;
        self.lite()?
            .pragma_update(Some("converted"), "user_version", version)?;
        Ok(())
    }

    /// Refuses a copy that differs from `original` in its schema, the number of rows of any
    /// table, or its audit chain head.
    fn check_same_as(&self, original: &Store) -> Result<()> {
        let (mine, theirs) = (self.shape()?, original.shape()?);
        if mine != theirs {
            let differs = mine
                .iter()
                .zip(&theirs)
                .find(|(a, b)| a != b)
                .map_or_else(|| "the list of tables".to_string(), |(a, _)| a.name.clone());
            return Err(Error::Integrity(format!(
                "the copy differs from the workspace in {differs}"
            )));
        }
        let head = |s: &Store| -> Result<Option<(i64, String)>> {
            use rusqlite::OptionalExtension;
            Ok(s.lite()?
                .query_row(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        };
        if head(self)? != head(original)? {
            return Err(Error::Integrity(
                "the copy's audit chain does not end where the workspace's does".into(),
            ));
        }
        Ok(())
    }

    /// Every schema object in name order, a table with its row count.
    fn shape(&self) -> Result<Vec<SchemaObject>> {
        let objects: Vec<(String, String, Option<String>)> = {
            let mut stmt = self.lite()?.prepare(
                "SELECT name, type, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' \
                 ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        objects
            .into_iter()
            .map(|(name, kind, sql)| {
                let rows = if kind == "table" {
                    // The table names are the workspace's own schema's, never a person's input.
                    let quoted = name.replace('"', "\"\"");
                    self.lite()?.query_row(
                        &format!("SELECT count(*) FROM \"{quoted}\""),
                        [],
                        |r| r.get(0),
                    )?
                } else {
                    0
                };
                Ok(SchemaObject {
                    name,
                    kind,
                    sql,
                    rows,
                })
            })
            .collect()
    }
}

/// One object of a database's schema, as a copy is compared with its original.
#[derive(Debug, PartialEq)]
struct SchemaObject {
    name: String,
    kind: String,
    sql: Option<String>,
    /// A table's row count; 0 for other objects.
    rows: i64,
}

impl Converted {
    /// The converted copy, for what must be written into it before it takes the workspace's
    /// place (the audit entry of the conversion).
    pub fn copy(&mut self) -> &mut Store {
        &mut self.copy
    }

    /// Puts the copy in place of the workspace (synced, then renamed over it, so after a crash
    /// the workspace is the old file or the new one, whole) and opens it.
    pub fn commit(self) -> Result<Store> {
        let Converted {
            original,
            copy,
            file,
        } = self;
        let key = copy.key.clone();
        let path = original
            .path
            .clone()
            .ok_or_else(|| Error::Workspace("a workspace in memory has no file".into()))?;
        // Closing the copy folds its log into it and removes the log.
        drop(copy);
        file.commit()?;
        // Only now is the old file's lock let go: an open that waited on it finds the new file.
        drop(original);
        Store::open_with(&path, key.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_that_waited_on_a_conversion_opens_the_converted_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("steward.db");
        let store = Store::open(&path).expect("creates");
        let converted = store
            .convert(Some(&Passphrase::new("pass").expect("a passphrase")))
            .expect("converts");
        // Another Steward starts meanwhile: it finds the old, plain file and waits for its lock.
        let opener = {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|s| s.is_encrypted()))
        };
        std::thread::sleep(Duration::from_millis(300));
        converted.commit().expect("commits");
        let opened = opener.join().expect("the opener ends");
        // Reading on in the old file (no longer the workspace) would lose whatever it wrote.
        let err = opened.expect_err("the workspace it finds is the encrypted one");
        assert_eq!(err.code(), "locked", "{err}");
    }
}
