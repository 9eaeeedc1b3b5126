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
