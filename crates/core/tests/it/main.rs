//! Integration tests of core's API.
mod assess;
mod audit;
mod export;
mod identity;
mod import;
mod register;
mod report;
mod sign;
mod signoff;
mod store;
mod support;
mod tco;
mod tco_store;
