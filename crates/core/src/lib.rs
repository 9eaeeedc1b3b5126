//! Steward's API: the [`api::Workspace`] and every operation the desktop shell and the `steward`
//! CLI call, plus the report builders that read a workspace and the sample portfolio ([`demo`]).
//!
//! The layers below are their own crates, so the compiler keeps them below: records and pure
//! rules (`steward-domain`), engines (`steward-assess`, `steward-tco`, `steward-import`), signing
//! and packs (`steward-sign`), the report model and writers (`steward-report`) and the SQLite store
//! (`steward-store`). They are re-exported here under their old names so adapters need one
//! dependency. Nothing here knows about tauri or clap; time and the acting person are passed in
//! through [`api::Context`].

pub mod api;
pub mod demo;
pub mod report;
pub mod tco;

pub use steward_assess as assess;
pub use steward_domain::{
    audit, calendar, card, clock, error, evidence, files, kpi, register, review, signoff, Error,
    FieldError, Result,
};
pub use steward_import as import;
pub use steward_report::export;
pub use steward_sign as sign;
pub use steward_sign::{identity, pack};
use steward_store as store;
