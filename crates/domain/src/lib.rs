//! Steward's records and pure rules: the register, KPIs and their escalation rules, model cards,
//! the calendar's derivation rules, sign-off rules and snapshots, the audit chain, the one error
//! type, and the clock that is passed in. No store, no files but [`files::write_atomically`], no
//! signing, no rendering: every other crate builds on this one, and it builds on none of them.

#[macro_use]
mod macros;

pub mod audit;
pub mod calendar;
pub mod card;
pub mod clock;
pub mod contain;
pub mod error;
pub mod evidence;
pub mod files;
pub mod kpi;
pub mod overlay;
pub mod register;
pub mod review;
pub mod sheet;
pub mod signoff;

pub use error::{Error, FieldError, ImportProblem, Result};
pub use macros::value_key;
