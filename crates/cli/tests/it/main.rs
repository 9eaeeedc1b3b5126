//! End-to-end tests of the `steward` command with temporary data directories.

mod areas;
mod assess;
mod audit;
mod pack;
mod support;
mod systems;
