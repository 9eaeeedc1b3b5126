//! Integration tests of core's API.
mod assess;
mod audit;
mod export;
mod identity;
mod import;
mod kpi;
mod register;
mod report;
mod sign;
mod store;
mod support;
mod tco;
