//! Steward's core: the domain rules, the SQLite store, the audit chain, import and export.
//!
//! The desktop shell and the `steward` CLI are adapters over [`api`]; nothing here knows about
//! tauri or clap. Time and the acting person are passed in through [`api::Context`], so every
//! result is reproducible in tests.

#[macro_use]
mod macros;

pub mod api;
pub mod assess;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod demo;
pub mod error;
pub mod export;
pub mod identity;
pub mod import;
pub mod kpi;
pub mod pack;
pub mod register;
pub mod report;
pub mod sign;
pub mod signoff;
mod store;
pub mod tco;

pub use error::{Error, FieldError, Result};
