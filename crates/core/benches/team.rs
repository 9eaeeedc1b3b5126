//! A team workspace against a laptop one, on this machine: listing a 10,000-system register,
//! importing a 100,000-row .xlsx register (parse, map, validate, write, audit), and changes per
//! second with 1, 4 and 8 people writing at once (each change one system added with its audit
//! entry, in its own transaction). The aims: the list within 2 times SQLite's time, the import
//! within 3 times.
//!
//! PostgreSQL is the tests' own server (crates/testpg: Debian's PostgreSQL 15, started in a
//! temporary directory, over TCP on 127.0.0.1), run here with its durable defaults
//! (`STEWARD_PG_DURABLE=1`: each commit synced, as SQLite syncs its own), each case in a fresh
//! database. Run with `cargo bench -p steward-core --bench team`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use divan::counter::ItemsCount;
use divan::Bencher;
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::register::{SystemDraft, SystemQuery};

// Only the file it writes: the bare counterparts are the register bench's.
#[allow(dead_code)]
#[path = "data/register_file.rs"]
mod register_file;
use register_file::write_register;

const IMPORT_ROWS: usize = 100_000;
const LIST_ROWS: usize = 10_000;
/// Changes each writer makes in one sample.
const CHANGES_PER_WRITER: usize = 50;

struct Inputs {
    big_xlsx: PathBuf,
    list_dir: PathBuf,
    list_url: String,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS
        .get()
        .expect("inputs are generated before the benchmarks run")
}

fn main() {
    // Set before the server starts (at the first call to `server`).
    std::env::set_var("STEWARD_PG_DURABLE", "1");
    let server = steward_testpg::server();
    let dir = tempfile::tempdir().expect("temp dir for benchmark inputs");
    let big_xlsx = dir.path().join("register-100k.xlsx");
    write_register(&big_xlsx, IMPORT_ROWS);
    let small = dir.path().join("register-10k.xlsx");
    write_register(&small, LIST_ROWS);
    let list_dir = dir.path().join("list-ws");
    Workspace::open_dir(&list_dir, ctx())
        .expect("workspace")
        .import_systems(&small, false)
        .expect("the 10k register imports");
    let list_url = server.fresh_database().url;
    Workspace::open_team(&list_url, ctx())
        .expect("team workspace")
        .import_systems(&small, false)
        .expect("the 10k register imports into the team workspace");
    let _ = INPUTS.set(Inputs {
        big_xlsx,
        list_dir,
        list_url,
    });
    divan::main();
    // The inputs go with `dir` here (a static is never dropped).
    drop(dir);
}

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

/// A fresh workspace of the kind asked for, and what keeps it (its directory).
fn fresh(store: &str) -> (Option<tempfile::TempDir>, Workspace, Option<String>) {
    match store {
        "sqlite" => {
            let dir = tempfile::tempdir().expect("temp dir");
            let ws = Workspace::open_dir(dir.path(), ctx()).expect("fresh workspace");
            (Some(dir), ws, None)
        }
        _ => {
            let url = steward_testpg::server().fresh_database().url;
            let ws = Workspace::open_team(&url, ctx()).expect("fresh team workspace");
            (None, ws, Some(url))
        }
    }
}

/// Listing the 10,000 systems, no filter (the register's first screen).
#[divan::bench(sample_count = 10, args = ["sqlite", "postgres"])]
fn list_10k(bencher: Bencher, store: &str) {
    let ws = match store {
        "sqlite" => Workspace::open_dir(&inputs().list_dir, ctx()).expect("list workspace"),
        _ => Workspace::open_team(&inputs().list_url, ctx()).expect("team list workspace"),
    };
    let q = SystemQuery::default();
    bencher.bench_local(|| {
        let all = ws.list_systems(&q).expect("lists");
        assert_eq!(all.len(), LIST_ROWS);
        all
    });
}

/// The whole `steward systems import` of 100,000 rows into a fresh workspace.
#[divan::bench(sample_count = 2, sample_size = 1, args = ["sqlite", "postgres"])]
fn import_100k(bencher: Bencher, store: &str) {
    let file = &inputs().big_xlsx;
    bencher
        .with_inputs(|| fresh(store))
        .bench_local_values(|(dir, mut ws, url)| {
            let plan = ws
                .import_systems(file, false)
                .expect("the register imports");
            assert_eq!(plan.adds.len(), IMPORT_ROWS);
            (dir, ws, url, plan)
        });
}

static NEXT_NAME: AtomicUsize = AtomicUsize::new(0);

/// `writers` people at once, each on their own connection, each adding CHANGES_PER_WRITER
/// systems one transaction at a time; divan reports the changes per second.
fn writers(bencher: Bencher, store: &str, writers: usize) {
    let (dir, _ws, url) = fresh(store);
    bencher
        .counter(ItemsCount::new(writers * CHANGES_PER_WRITER))
        .bench_local(|| {
            std::thread::scope(|scope| {
                for _ in 0..writers {
                    let (dir, url) = (dir.as_ref().map(|d| d.path()), url.as_deref());
                    scope.spawn(move || {
                        let mut ws = match (dir, url) {
                            (Some(d), _) => Workspace::open_dir(d, ctx()),
                            (_, Some(u)) => Workspace::open_team(u, ctx()),
                            _ => unreachable!("a workspace is a directory or a URL"),
                        }
                        .expect("a writer opens the workspace");
                        for _ in 0..CHANGES_PER_WRITER {
                            let n = NEXT_NAME.fetch_add(1, Ordering::Relaxed);
                            let mut d = SystemDraft::new(format!("System {n}"));
                            d.business_unit = "Retail".into();
                            d.owner = "Ann".into();
                            ws.add_system(d).expect("a change commits");
                        }
                    });
                }
            });
        });
}

#[divan::bench(sample_count = 5, args = ["sqlite", "postgres"])]
fn changes_1_writer(bencher: Bencher, store: &str) {
    writers(bencher, store, 1);
}

#[divan::bench(sample_count = 5, args = ["sqlite", "postgres"])]
fn changes_4_writers(bencher: Bencher, store: &str) {
    writers(bencher, store, 4);
}

#[divan::bench(sample_count = 5, args = ["sqlite", "postgres"])]
fn changes_8_writers(bencher: Bencher, store: &str) {
    writers(bencher, store, 8);
}
