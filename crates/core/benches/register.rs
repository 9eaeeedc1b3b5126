//! Register benchmarks: importing a 100,000-row .xlsx register (plan, and plan + commit into a
//! fresh on-disk workspace: parse, map, validate, write, audit) against calamine's bare parse of
//! the same file, and the same commit into a workspace encrypted at rest against the plain one;
//! exporting 100,000 systems to .xlsx against a bare rust_xlsxwriter write of the same cells
//! (constant-memory mode); and listing a 10,000-system register. Divan reports the median of
//! each; the ratios are the import's and the export's medians over their bare counterparts', and
//! the encrypted import's over the plain one's. Run with
//! `cargo bench -p steward-core --bench register`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use divan::Bencher;
use steward_core::api::{Context, Passphrase, Workspace};
use steward_core::clock::FixedClock;
use steward_core::export::ExportFormat;
use steward_core::import::systems::system_cells;
use steward_core::import::table::Cell;
use steward_core::register::{RiskTier, SortKey, Stage, SystemQuery};

#[path = "data/register_file.rs"]
mod register_file;
use register_file::{bare_parse, bare_write, write_register};

const IMPORT_ROWS: usize = 100_000;
const LIST_ROWS: usize = 10_000;

/// The generated inputs: the 100k-row file, a workspace holding 10k systems, and one holding
/// the 100k.
struct Inputs {
    big_xlsx: PathBuf,
    list_workspace: PathBuf,
    big_workspace: PathBuf,
    out_dir: PathBuf,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS
        .get()
        .expect("inputs are generated before the benchmarks run")
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir for benchmark inputs");
    let big_xlsx = dir.path().join("register-100k.xlsx");
    write_register(&big_xlsx, IMPORT_ROWS);
    let small = dir.path().join("register-10k.xlsx");
    write_register(&small, LIST_ROWS);
    let list_workspace = dir.path().join("list-ws");
    let mut ws = Workspace::open_dir(&list_workspace, ctx()).expect("workspace");
    ws.import_systems(&small, false)
        .expect("the 10k register imports");
    drop(ws);
    let big_workspace = dir.path().join("big-ws");
    let mut ws = Workspace::open_dir(&big_workspace, ctx()).expect("workspace");
    ws.import_systems(&big_xlsx, false)
        .expect("the 100k register imports");
    drop(ws);
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("output dir");
    let _ = INPUTS.set(Inputs {
        big_xlsx,
        list_workspace,
        big_workspace,
        out_dir,
    });
    divan::main();
}

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

/// Plan and commit 100k rows into a fresh on-disk workspace (the whole `steward systems import`).
/// Two samples keep the whole run within a few minutes on a 2-core machine.
#[divan::bench(sample_count = 2, sample_size = 1)]
fn import_100k_plan_and_commit(bencher: Bencher) {
    let file = &inputs().big_xlsx;
    bencher
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let ws = Workspace::open_dir(dir.path(), ctx()).expect("fresh workspace");
            (dir, ws)
        })
        .bench_local_values(|(dir, mut ws)| {
            let plan = ws
                .import_systems(file, false)
                .expect("the register imports");
            assert_eq!(plan.adds.len(), IMPORT_ROWS);
            (dir, ws, plan)
        });
}

/// The same as `import_100k_plan_and_commit`, into a fresh workspace encrypted with a
/// passphrase (SQLCipher with its default settings); the aim is within 1.3 times the plain one.
#[divan::bench(sample_count = 2, sample_size = 1)]
fn import_100k_plan_and_commit_encrypted(bencher: Bencher) {
    let file = &inputs().big_xlsx;
    let passphrase = Passphrase::new("a benchmark passphrase").expect("a passphrase");
    bencher
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let ws = Workspace::open_dir_with(dir.path(), ctx(), Some(&passphrase))
                .expect("fresh encrypted workspace");
            (dir, ws)
        })
        .bench_local_values(|(dir, mut ws)| {
            let plan = ws
                .import_systems(file, false)
                .expect("the register imports");
            assert_eq!(plan.adds.len(), IMPORT_ROWS);
            (dir, ws, plan)
        });
}

/// Plan only (read, map, validate; what --dry-run does) against an empty workspace.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_100k_plan_only(bencher: Bencher) {
    let file = &inputs().big_xlsx;
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = Workspace::open_dir(dir.path(), ctx()).expect("fresh workspace");
    bencher.bench_local(|| ws.plan_import_systems(file).expect("plans"));
}

/// calamine alone: open, read the first sheet, touch every cell.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn calamine_bare_parse_100k(bencher: Bencher) {
    let file = &inputs().big_xlsx;
    bencher.bench_local(|| bare_parse(file));
}

/// Export 100k systems to .xlsx (the whole `steward systems export --format xlsx`).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn export_100k_xlsx(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().big_workspace, ctx()).expect("workspace");
    let out = inputs().out_dir.join("export.xlsx");
    bencher.bench_local(|| {
        ws.export_systems(&SystemQuery::default(), ExportFormat::Xlsx, &out)
            .expect("exports")
    });
}

/// rust_xlsxwriter alone, in constant-memory mode: the same 100k rows of cells as the export
/// writes (read from the workspace beforehand, outside the timing), written and saved.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn rust_xlsxwriter_bare_write_100k(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().big_workspace, ctx()).expect("workspace");
    let rows: Vec<Vec<Cell>> = ws
        .list_systems(&SystemQuery::default())
        .expect("lists")
        .iter()
        .map(|s| system_cells(&s.draft))
        .collect();
    let out = inputs().out_dir.join("bare.xlsx");
    bencher.bench_local(|| bare_write(&rows, &out));
}

/// Listing a 10,000-system register: no filter, a text search, stage + risk, sorted by unit.
#[divan::bench(sample_count = 10, args = ["no filter", "text search", "stage + risk", "sort by unit"])]
fn list_10k(bencher: Bencher, case: &str) {
    let ws = Workspace::open_dir(&inputs().list_workspace, ctx()).expect("list workspace");
    let q = match case {
        "text search" => SystemQuery {
            text: "omar".into(),
            ..Default::default()
        },
        "stage + risk" => SystemQuery {
            stages: vec![Stage::Production],
            risk_tiers: vec![RiskTier::High],
            ..Default::default()
        },
        "sort by unit" => SystemQuery {
            sort: SortKey::BusinessUnit,
            ..Default::default()
        },
        _ => SystemQuery::default(),
    };
    bencher.bench_local(|| ws.list_systems(&q).expect("lists"));
}
