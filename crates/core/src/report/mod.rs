//! Report builders that read a workspace (the register, sign-off certificates, assessments,
//! review board packs), over the model and writers of `steward-report`, which take plain data
//! only.

mod assessment;
mod register;
mod review;
mod signoff;

pub use assessment::{assessment_report, assessment_sheet};
pub use register::register_report;
pub(crate) use register::workspace_name as workspace_label;
pub(crate) use review::value_cost_split;
pub use review::{review_pack, review_workbook};
pub use signoff::signoff_report;
pub use steward_report::*;

/// A stored time ("2026-12-05T08:48:29Z") as a report shows it ("2026-12-05 08:48:29 UTC");
/// anything that is not such a time is shown as it is.
pub fn reader_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_string(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        },
    )
}
