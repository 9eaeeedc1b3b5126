//! Export: render a table model (headers and rows of cells) to .csv or .xlsx bytes, and write
//! files so a failed export leaves nothing behind. Writers only render what they are given; which
//! rows and columns go out is decided by the caller (`api`), and nothing here reads the store.

mod kpi_book;
mod to_csv;
mod to_xlsx;

use std::borrow::Cow;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use steward_domain::sheet::Cell;
use steward_domain::{Error, Result};

pub use kpi_book::{kpi_workbook, SeriesChart};
pub use to_csv::{to_csv, to_csv_rows};
pub use to_xlsx::{to_xlsx, to_xlsx_rows};

/// Rows written so far, for a progress bar; return false to stop (nothing is written).
pub type RowProgress<'a> = dyn FnMut(usize) -> bool + Send + 'a;

/// How often a writer reports its progress, in rows.
pub const PROGRESS_EVERY: usize = 1000;

/// Why a rendering stopped.
#[derive(Debug)]
pub enum Stop {
    /// The progress callback asked to stop.
    Cancelled,
    Failed(String),
}

impl From<rust_xlsxwriter::XlsxError> for Stop {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Stop::Failed(e.to_string())
    }
}

/// The file formats the register exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// "csv" or "xlsx", ignoring case and a leading dot.
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }

    pub const EXPECTED: &'static str = "csv, xlsx";

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// One table to export: a worksheet (and Excel table) of `headers` over `rows`.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The worksheet and Excel table name; letters, digits and '_' only.
    pub name: String,
    /// Document properties of a workbook.
    pub title: String,
    pub subject: String,
    /// When the document was made, from the workspace clock.
    pub created: DateTime<Utc>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Renders `sheet` and writes it to `out` through a temporary file in the same directory that is
/// renamed into place, so a failed export leaves neither a half-written file nor a stale one.
pub fn write_file(sheet: &Sheet, format: ExportFormat, out: &Path) -> Result<()> {
    write_rows_with(
        sheet,
        sheet.rows.len(),
        &sheet.rows,
        format,
        out,
        &mut |_| true,
    )
}

/// As [`write_file`], with `rows` (`n` of them) under `sheet`'s headers in place of
/// `sheet.rows`, so they can be made while they are written; tells `progress` how many rows were
/// rendered, and when it returns false the export stops with `Error::Cancelled` and nothing is
/// written.
pub fn write_rows_with<'a, R: Into<Cow<'a, [Cell]>> + AsRef<[Cell]>>(
    sheet: &Sheet,
    n: usize,
    rows: impl IntoIterator<Item = R>,
    format: ExportFormat,
    out: &Path,
    progress: &mut RowProgress<'_>,
) -> Result<()> {
    let bytes = match format {
        ExportFormat::Csv => to_csv_rows(sheet, rows, progress),
        ExportFormat::Xlsx => to_xlsx_rows(sheet, n, rows, progress),
    }
    .map_err(|e| match e {
        Stop::Cancelled => Error::Cancelled,
        Stop::Failed(e) => Error::io(
            out,
            format!("cannot write the {} export: {e}", format.extension()),
        ),
    })?;
    write_bytes(&bytes, out)
}

/// Writes `bytes` to `out` whole or not at all (see [`steward_domain::files::write_atomically`]).
pub fn write_bytes(bytes: &[u8], out: &Path) -> Result<()> {
    steward_domain::files::write_atomically(out, bytes)
}
