//! Import: parse a spreadsheet or CSV into cells (`table`), map and validate rows into records
//! (`systems`, with list cells in the syntax of `lists`), and return a plan; `api` writes a clean plan in one transaction.
//! Validation problems are data (sheet, row, column, value, message), never a half-written import.

pub mod evidence;
pub mod lists;
pub mod mapping;
pub mod measurements;
pub mod mlflow;
pub mod systems;
pub mod table;

use serde::Serialize;
use ts_rs::TS;

pub use steward_domain::error::ImportProblem;

/// What an import would do (or did): the systems it adds, the ones it changes and how, how many
/// rows match the register already, columns it ignored, and every problem. An import with any
/// problem writes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportPlan {
    pub file: String,
    pub sheet: Option<String>,
    /// Data rows read (fully empty rows are not counted).
    pub rows: u32,
    pub adds: Vec<PlannedAdd>,
    pub changes: Vec<PlannedChange>,
    /// Rows whose system is already in the register exactly as the row says.
    pub unchanged: u32,
    /// Things worth knowing that do not stop the import, e.g. a column that names no field.
    pub warnings: Vec<ImportProblem>,
    /// How the file was read where it departs from the plain layout, each located: the sheet
    /// chosen, rows above the header, a vendor column read as sourcing, "Live" read as
    /// production, a mapping applied. A person reads these before committing.
    pub decisions: Vec<ImportProblem>,
    /// The mapping applied (a profile's name or a file), if any.
    pub mapping: Option<String>,
    pub problems: Vec<ImportProblem>,
    /// Every worksheet of the workbook, in order (empty for .csv): to choose another.
    pub sheets: Vec<String>,
    /// How each column of the header row was read: to map the ones read as nothing.
    pub columns: Vec<ColumnRead>,
    /// Values of closed fields that no value of the register reads as, with how many rows hold
    /// each: to map once ("Tier 1" means high).
    pub unknown_values: Vec<UnknownValue>,
}

/// How one column of the header row was read.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ColumnRead {
    /// The column as a spreadsheet names it ("A").
    pub column: String,
    pub header: String,
    /// The register field it fills (the field's key), or None when it fills none.
    pub field: Option<String>,
    /// True when a mapping says to leave the column out.
    pub ignored: bool,
}

/// A value of a closed field that reads as none of the field's values.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnknownValue {
    /// The field's key (e.g. `risk_tier`).
    pub field: String,
    /// The value as the file writes it, trimmed.
    pub value: String,
    /// How many rows hold it, and the first of them.
    pub rows: u32,
    pub first_row: u32,
    /// The field's values, one of which a mapping may say it means.
    pub choices: Vec<ValueChoice>,
}

/// A value of a closed field: its key and label.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ValueChoice {
    pub key: String,
    pub label: String,
}

impl ImportPlan {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A row that adds a new system.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlannedAdd {
    pub row: u32,
    pub name: String,
}

/// A row that changes an existing system (matched by name, ignoring case).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlannedChange {
    pub row: u32,
    pub name: String,
    #[ts(type = "number")]
    pub id: i64,
    pub fields: Vec<FieldDiff>,
}

/// One changed field, as the register's export shows it before and after.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldDiff {
    /// The column's canonical header, e.g. "Risk tier".
    pub field: String,
    pub before: String,
    pub after: String,
}
