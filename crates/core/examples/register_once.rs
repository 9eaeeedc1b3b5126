//! One step of the register benchmark, run once, for profiling it (`perf stat`, `perf record`)
//! without the benchmark's set-up in the picture:
//!
//! ```sh
//! register_once generate FILE [ROWS]    # the benchmark's register file (100,000 rows by default)
//! register_once parse FILE              # calamine's bare parse
//! register_once plan FILE               # the import's dry run, against an empty workspace
//! register_once import FILE DIR         # plan and commit into a new workspace in DIR
//! register_once export DIR OUT          # the workspace in DIR to .xlsx
//! register_once write DIR OUT           # the same cells through a bare rust_xlsxwriter write
//! register_once list DIR                # only reading those cells (`write` does this first)
//! ```
//!
//! Build it with the benchmark's profile, keeping the symbols:
//! `CARGO_PROFILE_BENCH_STRIP=false cargo build --profile bench -p steward-core --example register_once`.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::export::ExportFormat;
use steward_core::import::systems::system_cells;
use steward_core::register::SystemQuery;

#[path = "../benches/data/register_file.rs"]
mod register_file;
use register_file::{bare_parse, bare_write, write_register};

const USAGE: &str = "usage: register_once generate FILE [ROWS] | parse FILE | plan FILE | \
                     import FILE DIR | export DIR OUT | write DIR OUT | list DIR";

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

/// The cells of every system of the workspace in `dir`, as the export writes them.
fn cells(dir: &Path) -> Vec<Vec<steward_core::import::table::Cell>> {
    let ws = Workspace::open_dir(dir, ctx()).expect("workspace");
    ws.list_systems(&SystemQuery::default())
        .expect("lists")
        .iter()
        .map(|s| system_cells(&s.draft))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> &Path {
        Path::new(args.get(i).unwrap_or_else(|| panic!("{USAGE}")).as_str())
    };
    let started = Instant::now();
    let what = match args.first().map(String::as_str) {
        Some("generate") => {
            let rows = args
                .get(2)
                .map_or(100_000, |n| n.parse().expect("ROWS is a number"));
            write_register(arg(1), rows);
            format!("{rows} rows written")
        }
        Some("parse") => format!("{} cells", bare_parse(arg(1))),
        Some("plan") => {
            let dir = tempfile::tempdir().expect("temp dir");
            let ws = Workspace::open_dir(dir.path(), ctx()).expect("fresh workspace");
            let started = Instant::now();
            let plan = ws.plan_import_systems(arg(1)).expect("plans");
            return println!("{} adds in {:?}", plan.adds.len(), started.elapsed());
        }
        Some("import") => {
            let mut ws = Workspace::open_dir(arg(2), ctx()).expect("fresh workspace");
            let started = Instant::now();
            let plan = ws.import_systems(arg(1), false).expect("imports");
            return println!("{} added in {:?}", plan.adds.len(), started.elapsed());
        }
        Some("export") => {
            let ws = Workspace::open_dir(arg(1), ctx()).expect("workspace");
            let n = ws
                .export_systems(&SystemQuery::default(), ExportFormat::Xlsx, arg(2))
                .expect("exports");
            format!("{n} rows exported")
        }
        Some("list") => format!("{} rows read", cells(arg(1)).len()),
        Some("write") => {
            let rows = cells(arg(1));
            let started = Instant::now();
            bare_write(&rows, arg(2));
            return println!("{} rows written in {:?}", rows.len(), started.elapsed());
        }
        _ => panic!("{USAGE}"),
    };
    println!("{what} in {:?}", started.elapsed());
}
