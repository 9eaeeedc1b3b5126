//! End-to-end tests of the `steward` command with temporary data directories.

mod audit;
mod support;
mod systems;
