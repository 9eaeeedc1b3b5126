//! Integration tests of core's API.
mod assess;
mod assessments;
mod audit;
mod calendar;
mod export;
mod identity;
mod import;
mod kpi;
mod register;
mod report;
mod review;
mod sign;
mod signoff;
mod store;
mod support;
mod tco;
mod tco_store;
