//! Shared test scaffolding: a workspace with a fixed clock and sample drafts.

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::register::SystemDraft;

pub fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid fixed time");
    Context::new("tester", Arc::new(FixedClock(t)))
}

pub fn workspace(dir: &Path) -> Workspace {
    Workspace::open_dir(dir, ctx()).expect("a fresh workspace opens")
}

pub fn draft(name: &str) -> SystemDraft {
    let mut d = SystemDraft::new(name);
    d.business_unit = "Retail".into();
    d.owner = "Ann Owner".into();
    d
}
