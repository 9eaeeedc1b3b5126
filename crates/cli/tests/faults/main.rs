//! Faults: `steward` killed (SIGKILL) at random points of imports, packs and migrations, writers
//! at once, and mutated input files. Every case must leave the workspace as it was or as the
//! whole operation makes it, with an audit chain that verifies, and no input may make the
//! process panic or write anything.
//!
//! The points of failure come from a seeded generator, so a run can be repeated exactly. `cargo
//! test` makes a short run; a long one takes the sizes from the environment, e.g.
//!
//! ```text
//! STEWARD_FAULT_SEED=7 STEWARD_FAULT_ROUNDS=120 STEWARD_FAULT_ROWS=20000 \
//! STEWARD_FAULT_OPS=450 STEWARD_FAULT_MUTANTS=1000 \
//!   cargo test --release -p steward-cli --test faults -- --nocapture --test-threads 1
//! ```
//!
//! Each test prints what it did (`--nocapture` shows it): how many kills fell before the
//! operation committed and how many after, operations per writer, mutants by outcome.

mod inputs;
mod kills;
mod support;
mod writers;
