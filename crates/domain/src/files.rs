//! Writing a file whole or not at all: every export, report and pack goes through here.

use std::io::Write;
use std::path::Path;

use crate::{Error, Result};

/// Writes `bytes` to `out` through a temporary file in the same directory, renamed into place:
/// a failed write leaves neither a half-written file nor a changed one.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| {
        Error::io(
            dir,
            format!(
                "cannot write {} here: {e}; check that the folder exists and is writable",
                out.display()
            ),
        )
    })?;
    tmp.write_all(bytes).map_err(|e| Error::io(out, e))?;
    tmp.persist(out).map_err(|e| Error::io(out, e.error))?;
    Ok(())
}
