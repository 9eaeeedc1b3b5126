//! The AI system register: the record, its enumerations, validation, lifecycle transitions and
//! list queries. Pure rules over plain values; storage lives in `store`, orchestration in `api`.

mod query;
mod transitions;
mod types;
mod validate;

pub use query::{matches, selects_all, sort};
pub use transitions::{allowed_next, check_transition};
pub use types::*;
pub use validate::{normalize, validate, validate_on, version_problem};
