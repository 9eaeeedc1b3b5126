//! End-to-end tests of the `steward` command with temporary data directories.

mod areas;
mod audit;
mod kpi;
mod pack;
mod support;
mod systems;
