//! A spreadsheet cell as read or written, before any field rule applies: the shared currency of
//! imports (which parse files into cells) and exports (which write cells into files).

use chrono::NaiveDate;

/// One cell as read, before any field rules apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A spreadsheet error value such as `#REF!` or `#N/A`.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person would read it: integral numbers without ".0", dates as YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}
