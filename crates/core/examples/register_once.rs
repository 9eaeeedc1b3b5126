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
//! register_once insert DIR NEW          # SQLite alone: DIR's systems and their audit rows
//!                                       # inserted again into a new workspace in NEW, as the
//!                                       # import writes them (one transaction, a row each)
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
                     import FILE DIR | export DIR OUT | write DIR OUT | list DIR | insert DIR NEW";

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

/// Inserts the systems and audit rows of the workspace in `dir` into a new workspace in `new`
/// with plain SQL (each system, then its entry, as the import does), timing only the inserts
/// and the commit.
fn sqlite_alone(dir: &Path, new: &Path) -> String {
    use rusqlite::types::Value;
    drop(Workspace::open_dir(new, ctx()).expect("a new workspace"));
    let read = |table: &str| -> Vec<Vec<Value>> {
        let c = rusqlite::Connection::open(dir.join(steward_core::api::DB_FILE)).expect("open");
        let mut stmt = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .expect("select");
        let n = stmt.column_count();
        stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    };
    let (systems, entries) = (read("systems"), read("audit_log"));
    let mut c = rusqlite::Connection::open(new.join(steward_core::api::DB_FILE)).expect("open");
    c.pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    let insert = |table: &str, n: usize| {
        let marks = vec!["?"; n].join(", ");
        format!("INSERT INTO {table} VALUES ({marks})")
    };
    let started = Instant::now();
    let tx = c
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("begin");
    {
        let mut sys = tx
            .prepare(&insert("systems", systems[0].len()))
            .expect("insert");
        let mut log = tx
            .prepare(&insert("audit_log", entries[0].len()))
            .expect("insert");
        for (s, e) in systems.iter().zip(&entries) {
            sys.execute(rusqlite::params_from_iter(s)).expect("system");
            log.execute(rusqlite::params_from_iter(e)).expect("entry");
        }
    }
    let inserted = started.elapsed();
    tx.commit().expect("commit");
    format!(
        "{} systems and entries inserted in {inserted:?}, committed in {:?}",
        systems.len(),
        started.elapsed()
    )
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
        Some("insert") => {
            let started = sqlite_alone(arg(1), arg(2));
            return println!("{started}");
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
