//! End-to-end tests of the `steward` command with temporary data directories.

mod areas;
mod assess;
mod audit;
mod backup;
mod calendar;
mod card;
mod encryption;
mod evidence;
mod gates;
mod generate;
mod kpi;
mod pack;
mod portfolio;
mod review;
mod review_pack;
mod signoff;
mod support;
mod systems;
mod tco;
mod team;
