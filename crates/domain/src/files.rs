//! Writing a file whole or not at all: every export, report and pack goes through here, and so
//! do the workspace's and identity's private files and folders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::{Error, Result};

/// What every file being written ends with until it is complete and renamed into place: a file
/// with this ending beside an export is what a killed write left, and is removed by the next
/// write into the same folder.
pub const PARTIAL_SUFFIX: &str = ".steward-partial";

/// A partial file older than this is stale even where the process that wrote it cannot be
/// looked up (no /proc).
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// Writes `bytes` to `out` through a temporary file in the same directory, renamed into place:
/// a failed write leaves neither a half-written file nor a changed one.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = Partial::create(out)?;
    tmp.file().write_all(bytes).map_err(|e| Error::io(out, e))?;
    tmp.commit()
}

/// A file being written beside `out`, named `.NAME.PID.XXXXXX.steward-partial`, removed if it is
/// dropped before [`Partial::commit`]. Creating one removes the partial files of `out` that
/// earlier writes left when their process was killed.
pub struct Partial {
    tmp: tempfile::NamedTempFile,
    out: PathBuf,
}

impl Partial {
    pub fn create(out: &Path) -> Result<Partial> {
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale(dir, &name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.{}.", std::process::id()))
            .suffix(PARTIAL_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| {
                Error::io(
                    dir,
                    format!(
                        "cannot write {} here: {e}; check that the folder exists and is writable",
                        out.display()
                    ),
                )
            })?;
        Ok(Partial {
            tmp,
            out: out.to_path_buf(),
        })
    }

    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Where the file is being written (a program that writes by name, such as SQLite).
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Syncs the file to disk, renames it to its name, and syncs the folder, so that after a
    /// crash the file is there whole or not at all.
    pub fn commit(self) -> Result<()> {
        let out = self.out;
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(&out, e))?;
        self.tmp
            .persist(&out)
            .map_err(|e| Error::io(&out, e.error))?;
        #[cfg(unix)]
        if let Some(dir) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The rename is durable once the folder is synced; a folder that cannot be opened
            // for it (some network filesystems) still has the file.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Removes `.NAME.PID.*.steward-partial` files in `dir` whose writer is gone: its process no
/// longer runs (where /proc tells), or the file is over an hour old.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let proc_fs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        // A partial written by SQLite (a backup, a converted workspace) may have its journal,
        // log and shared-memory index beside it.
        let Some(middle) = file.strip_prefix(&prefix).and_then(|rest| {
            ["", "-journal", "-wal", "-shm"]
                .iter()
                .find_map(|companion| rest.strip_suffix(&format!("{PARTIAL_SUFFIX}{companion}")))
        }) else {
            continue;
        };
        let Some(pid) = middle.split('.').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = if proc_fs {
            pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > STALE_AFTER)
        };
        if gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Creates `dir` and its missing parents readable by the owner only (0700 on Unix): the
/// workspace and the signing identity live in such folders.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates `path` empty and readable by the owner only (0600 on Unix) if it does not exist, so
/// that a database opened on it afterwards keeps those permissions (SQLite gives its journal
/// files the database's).
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_write_leaves_a_named_partial_that_the_next_write_removes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("pack.zip");
        // What a killed process leaves: its pid no longer runs (pid_max is below 2^22 on Linux).
        let left = dir
            .path()
            .join(format!(".pack.zip.4194999.abc123{PARTIAL_SUFFIX}"));
        std::fs::write(&left, b"half").expect("writes");
        // And what SQLite left beside it, writing into it.
        let left_wal = dir
            .path()
            .join(format!(".pack.zip.4194999.abc123{PARTIAL_SUFFIX}-wal"));
        std::fs::write(&left_wal, b"log").expect("writes");
        // Someone else's file, and another output's partial of a live process, stay.
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, b"mine").expect("writes");
        let live = dir.path().join(format!(
            ".other.zip.{}.xyz{PARTIAL_SUFFIX}",
            std::process::id()
        ));
        std::fs::write(&live, b"writing").expect("writes");
        {
            let mut p = Partial::create(&out).expect("creates");
            p.file().write_all(b"part").expect("writes");
            let name = p
                .tmp
                .path()
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            assert!(
                name.starts_with(&format!(".pack.zip.{}.", std::process::id()))
                    && name.ends_with(PARTIAL_SUFFIX),
                "a recognisable name: {name}"
            );
            // Dropped without commit: removed.
        }
        assert!(!left.exists(), "the stale partial is removed");
        assert!(!left_wal.exists(), "and its SQLite log");
        assert!(other.exists() && live.exists(), "nothing else is touched");
        assert!(!out.exists(), "an abandoned write leaves no output");
        write_atomically(&out, b"whole").expect("writes");
        assert_eq!(std::fs::read(&out).expect("reads"), b"whole");
        let left_over: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".pack.zip."))
            .collect();
        assert!(left_over.is_empty(), "no partial after a write");
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_and_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = dir.path().join("a/b");
        create_private_dir(&ws).expect("creates");
        let db = ws.join("steward.db");
        create_private_file(&db).expect("creates");
        create_private_file(&db).expect("an existing file is left as it is");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&ws), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&db), 0o600);
    }
}
