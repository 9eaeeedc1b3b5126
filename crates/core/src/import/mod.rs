//! Import: parse a spreadsheet or CSV into cells (`table`), map and validate rows into records
//! (`systems`), and return a plan; `api` writes a clean plan in one transaction.
//! Validation problems are data (sheet, row, column, value, message), never a half-written import.

use serde::Serialize;
use ts_rs::TS;

/// One thing wrong with an input file, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    /// The file name as given.
    pub file: String,
    /// The sheet, for .xlsx and .ods; None for .csv.
    pub sheet: Option<String>,
    /// The 1-based row as a spreadsheet shows it; None for a problem with the whole file.
    #[ts(type = "number | null")]
    pub row: Option<u32>,
    /// The column as a spreadsheet shows it and its header, e.g. "D (risk tier)".
    pub column: Option<String>,
    /// The offending value as it appeared in the file.
    pub value: Option<String>,
    /// What was wrong and what would be accepted.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ", sheet {s:?}")?;
        }
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", value {v:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}
