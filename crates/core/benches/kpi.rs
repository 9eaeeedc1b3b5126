//! KPI benchmarks: importing 1,000,000 measurements (10,000 systems x 5 KPIs x 20 months) from
//! .csv and from .xlsx into a workspace that holds the systems and KPIs, against the bare parse
//! of the same files (calamine for .xlsx, the csv crate for .csv), and recomputing every status
//! and escalation over the 1M measurements. The files are generated here, never committed.
//! Run with `cargo bench -p steward-core --bench kpi`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use calamine::{open_workbook_auto, Data, Reader};
use chrono::{TimeZone, Utc};
use divan::Bencher;
use rust_xlsxwriter::Workbook;
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::kpi::{Cadence, Direction, KpiDraft, KpiKind};

const SYSTEMS: usize = 10_000;
const KPIS_PER_SYSTEM: usize = 5;
const MONTHS: usize = 20;
const ROWS: usize = SYSTEMS * KPIS_PER_SYSTEM * MONTHS;

struct Inputs {
    csv: PathBuf,
    xlsx: PathBuf,
    /// A workspace with the systems and KPIs and no measurements.
    empty: PathBuf,
    /// The same with the 1M measurements imported.
    full: PathBuf,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS
        .get()
        .expect("inputs are generated before the benchmarks run")
}

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

const KPI_NAMES: [&str; KPIS_PER_SYSTEM] = ["AUC", "Precision", "Retention", "Losses", "Latency"];

fn main() {
    let dir = tempfile::tempdir().expect("temp dir for benchmark inputs");
    let systems_csv = dir.path().join("systems.csv");
    let mut text = String::from("Name,Business unit,Owner\n");
    for s in 0..SYSTEMS {
        text.push_str(&format!("System {s:05},Unit {},Owner {}\n", s % 20, s % 50));
    }
    std::fs::write(&systems_csv, text).expect("write systems");
    let empty = dir.path().join("empty-ws");
    {
        let mut ws = Workspace::open_dir(&empty, ctx()).expect("workspace");
        ws.import_systems(&systems_csv, false)
            .expect("systems import");
        for s in ws.list_systems(&Default::default()).expect("systems") {
            for (i, name) in KPI_NAMES.iter().enumerate() {
                let (kind, direction, target, warning, breach) = match i {
                    0 | 1 => (
                        KpiKind::ModelMetric,
                        Direction::HigherIsBetter,
                        80.0,
                        76.0,
                        72.0,
                    ),
                    2 => (
                        KpiKind::BusinessOutcome,
                        Direction::HigherIsBetter,
                        80.0,
                        76.0,
                        72.0,
                    ),
                    3 => (
                        KpiKind::BusinessOutcome,
                        Direction::LowerIsBetter,
                        20.0,
                        24.0,
                        28.0,
                    ),
                    _ => (
                        KpiKind::Operational,
                        Direction::LowerIsBetter,
                        20.0,
                        24.0,
                        28.0,
                    ),
                };
                ws.add_kpi(KpiDraft {
                    system_id: s.id,
                    name: (*name).into(),
                    kind,
                    unit: "points".into(),
                    direction,
                    target,
                    warning,
                    breach,
                    cadence: Cadence::Monthly,
                })
                .expect("kpi");
            }
        }
    }
    let csv = dir.path().join("measurements-1m.csv");
    let xlsx = dir.path().join("measurements-1m.xlsx");
    write_files(&csv, &xlsx);
    let full = dir.path().join("full-ws");
    copy_workspace(&empty, &full);
    {
        let mut ws = Workspace::open_dir(&full, ctx()).expect("workspace");
        let plan = ws
            .import_measurements(&csv, false)
            .expect("the 1M rows import");
        assert_eq!(plan.added as usize, ROWS);
    }
    let _ = INPUTS.set(Inputs {
        csv,
        xlsx,
        empty,
        full,
    });
    divan::main();
}

/// A value per (system, kpi, month): on target, with one system in fifty drifting into breach
/// over its last five months (so the rules have escalations to open).
fn value(s: usize, k: usize, m: usize) -> f64 {
    let higher = k < 3;
    let wiggle = ((s * 31 + k * 7 + m * 13) % 40) as f64 / 10.0;
    let drift = if s % 50 == 0 && m + 5 >= MONTHS {
        (m + 6 - MONTHS) as f64 * 3.0
    } else {
        0.0
    };
    if higher {
        84.0 - wiggle - drift
    } else {
        16.0 + wiggle + drift
    }
}

fn write_files(csv: &Path, xlsx: &Path) {
    let mut text = String::with_capacity(ROWS * 48);
    text.push_str("System,KPI,Period,Value,Source\n");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Measurements").expect("name");
    for (c, h) in ["System", "KPI", "Period", "Value", "Source"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let mut r = 1u32;
    for s in 0..SYSTEMS {
        let system = format!("System {s:05}");
        for (k, kpi) in KPI_NAMES.iter().enumerate() {
            for m in 0..MONTHS {
                let period = format!("{}-{:02}", 2025 + m / 12, m % 12 + 1);
                let v = value(s, k, m);
                text.push_str(&format!("{system},{kpi},{period},{v},monitoring\n"));
                sheet.write_string(r, 0, &system).expect("cell");
                sheet.write_string(r, 1, *kpi).expect("cell");
                sheet.write_string(r, 2, &period).expect("cell");
                sheet.write_number(r, 3, v).expect("cell");
                sheet.write_string(r, 4, "monitoring").expect("cell");
                r += 1;
            }
        }
    }
    std::fs::write(csv, text).expect("write csv");
    book.save(xlsx).expect("save xlsx");
}

fn copy_workspace(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

/// A fresh copy of the workspace with systems and KPIs but no measurements.
fn fresh() -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_workspace(&inputs().empty, dir.path());
    let ws = Workspace::open_dir(dir.path(), ctx()).expect("workspace");
    (dir, ws)
}

/// The whole `steward kpi import` of the .csv: read, check, write 1M rows, audit, run the rules.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_1m_csv(bencher: Bencher) {
    bencher
        .with_inputs(fresh)
        .bench_local_values(|(dir, mut ws)| {
            let plan = ws
                .import_measurements(&inputs().csv, false)
                .expect("imports");
            assert_eq!(plan.added as usize, ROWS);
            (dir, ws)
        });
}

/// The same from .xlsx.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_1m_xlsx(bencher: Bencher) {
    bencher
        .with_inputs(fresh)
        .bench_local_values(|(dir, mut ws)| {
            let plan = ws
                .import_measurements(&inputs().xlsx, false)
                .expect("imports");
            assert_eq!(plan.added as usize, ROWS);
            (dir, ws)
        });
}

/// calamine alone: open the .xlsx, read the sheet, touch every cell.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn bare_parse_1m_xlsx_calamine(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut book = open_workbook_auto(&inputs().xlsx).expect("opens");
        let range = book.worksheet_range("Measurements").expect("sheet");
        range
            .rows()
            .flatten()
            .filter(|c| !matches!(c, Data::Empty))
            .count()
    });
}

/// The csv crate alone: read the .csv and touch every field.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn bare_parse_1m_csv(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&inputs().csv)
            .expect("opens");
        let mut record = csv::ByteRecord::new();
        let mut n = 0usize;
        while reader.read_byte_record(&mut record).expect("reads") {
            n += record.iter().filter(|f| !f.is_empty()).count();
        }
        n
    });
}

/// Every status and escalation over the 1M measurements: one pass sorted by (kpi, period),
/// comparing with the stored escalations (nothing changes, so nothing is written).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn recompute_all_1m(bencher: Bencher) {
    let mut ws = Workspace::open_dir(&inputs().full, ctx()).expect("workspace");
    bencher.bench_local(|| {
        let s = ws.recompute_escalations().expect("recomputes");
        assert_eq!(s.measurements as usize, ROWS);
        s
    });
}

/// The status of every KPI (latest value, status, consecutive breaches) over the 1M measurements.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn status_all_1m(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().full, ctx()).expect("workspace");
    bencher.bench_local(|| ws.kpi_status().expect("status").len());
}
