//! TCO comparisons: the engine of `steward-tco` and its live workbook from `steward-report`.

pub use steward_report::tco_workbook::to_xlsx;
pub use steward_tco::*;
