//! TCO comparisons: scenarios (`model`), the cost model (`engine`), the TOML scenario file
//! (`file`) and the live-formula workbook (`xlsx`). Needs no workspace and touches no store:
//! callers persist scenarios as they like. docs/tco.md documents the formulas and the file format.

pub mod engine;
pub mod file;
pub mod model;

pub use engine::{
    run, run_without_sensitivity, BreakEven, CostLine, Driver, OptionResult, SensitivityDriver,
    SensitivityRow, TcoResult,
};
pub use file::{from_json, from_toml, read, template, to_toml};
pub use model::{validate, CostOption, OptionKind, OptionType, Scenario, StoredScenario};
