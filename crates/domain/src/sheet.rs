//! A spreadsheet cell as read or written, before any field rule applies: the shared currency of
//! imports (which parse files into cells) and exports (which write cells into files).

use std::borrow::Cow;

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
        self.as_text().into_owned()
    }

    /// [`Cell::text`], borrowing the cell's own text rather than copying it (imports and exports
    /// read every cell of a large sheet this way).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Error(s) => Cow::Borrowed(s),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Cow::Owned(format!("{}", *n as i64))
            }
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        }
    }
}
