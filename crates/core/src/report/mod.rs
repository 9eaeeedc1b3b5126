//! Report builders that read a workspace (the register, sign-off certificates, assessments),
//! over the model and writers of `steward-report`, which take plain data only.

mod assessment;
mod register;
mod signoff;

pub use assessment::{assessment_report, assessment_sheet};
pub use register::register_report;
pub(crate) use register::workspace_name as workspace_label;
pub use signoff::signoff_report;
pub use steward_report::*;
