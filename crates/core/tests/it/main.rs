//! Integration tests of core's API.
mod audit;
mod register;
mod store;
mod support;
