//! Integration tests of core's API.
mod audit;
mod export;
mod import;
mod register;
mod store;
mod support;
