//! Portfolio review benchmarks: freezing a review of N systems, each with 5 monthly KPIs
//! measured over 20 months (1M measurements at 10,000 systems) and a share of a TCO scenario
//! (one scenario per 10 systems), and rendering the board pack PDF of a frozen review of 1,000
//! such systems, compared with the quarter before; and the portfolio overview the app opens on,
//! over that workspace of 1,000 systems and over the sample portfolio. The workspaces are generated here, never
//! committed; building them is timed and printed. N is 10,000 unless
//! STEWARD_BENCH_REVIEW_SYSTEMS says otherwise.
//! Run with `cargo bench -p steward-core --bench review`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use divan::Bencher;
use steward_core::api::review::{ActionInput, Attendee, DecisionInput, ReviewDraft};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::kpi::{Cadence, Direction, KpiDraft, KpiKind};
use steward_core::review::Disposition;

const KPIS_PER_SYSTEM: usize = 5;
const MONTHS: usize = 20;
/// Systems per TCO scenario.
const TIED: usize = 10;
/// The systems of the board pack's workspace.
const PACK_SYSTEMS: usize = 1_000;
const KPI_NAMES: [&str; KPIS_PER_SYSTEM] = ["AUC", "Precision", "Retention", "Losses", "Latency"];
const LLM: &str = include_str!("../../../tests/fixtures/tco/llm-service.toml");

struct Inputs {
    /// N systems with a draft review of 2026-Q2.
    freeze: PathBuf,
    n: usize,
    /// 1,000 systems, 2026-Q1 and 2026-Q2 frozen, some decisions and actions.
    pack: PathBuf,
    /// The sample portfolio (`steward demo`).
    sample: PathBuf,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS
        .get()
        .expect("inputs are generated before the benchmarks run")
}

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 7, 20, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn header(period: &str, held_on: NaiveDate) -> ReviewDraft {
    ReviewDraft {
        period: period.into(),
        title: String::new(),
        held_on,
        chair: "Dana Chair".into(),
        attendees: vec![Attendee {
            name: "Eve Risk".into(),
            role: "Chief risk officer".into(),
        }],
        scope: Default::default(),
    }
}

fn main() {
    let n: usize = std::env::var("STEWARD_BENCH_REVIEW_SYSTEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir for benchmark inputs");
    let t = Instant::now();
    let freeze = dir.path().join("freeze-ws");
    {
        let mut ws = build(dir.path(), &freeze, n);
        ws.create_review(&header("2026-Q2", day(2026, 7, 15)))
            .expect("a draft of 2026-Q2");
    }
    eprintln!(
        "built a workspace of {n} systems, {} KPIs, {} measurements and {} TCO scenarios in {:.1} s",
        n * KPIS_PER_SYSTEM,
        n * KPIS_PER_SYSTEM * MONTHS,
        n.div_ceil(TIED),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let pack = dir.path().join("pack-ws");
    {
        let mut ws = build(dir.path(), &pack, PACK_SYSTEMS);
        ws.create_review(&header("2026-Q1", day(2026, 4, 15)))
            .expect("Q1");
        ws.freeze_review("2026-Q1").expect("freeze Q1");
        for i in 0..20 {
            ws.add_review_action(
                "2026-Q1",
                &ActionInput {
                    system: name(i * 7),
                    title: "Weekly drift report".into(),
                    owner: format!("Owner {}", i % 50),
                    due: day(2026, 6, 30),
                },
            )
            .expect("an action carried over");
        }
        ws.create_review(&header("2026-Q2", day(2026, 7, 15)))
            .expect("Q2");
        ws.freeze_review("2026-Q2").expect("freeze Q2");
        let v = ws.review("2026-Q2").expect("Q2");
        for item in v.items.iter().step_by(50) {
            let rec = item.recommendation.as_ref().expect("a rule fires");
            let d = if rec.disposition == Disposition::Retain && !item.scorecard.is_proposal() {
                Disposition::Invest
            } else {
                rec.disposition
            };
            ws.decide(
                "2026-Q2",
                &item.scorecard.system,
                &DecisionInput {
                    decision: d,
                    rationale: "The business case was presented at the meeting".into(),
                    dissent: Vec::new(),
                    conditions: "Report back next quarter".into(),
                    budget: Some(25_000.0),
                },
            )
            .expect("a decision");
        }
    }
    eprintln!(
        "built the board pack's workspace of {PACK_SYSTEMS} systems in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let sample = dir.path().join("sample-ws");
    {
        let mut ws = Workspace::open_dir(&sample, ctx()).expect("workspace");
        steward_core::demo::populate(&mut ws).expect("the sample portfolio");
    }
    let _ = INPUTS.set(Inputs {
        freeze,
        n,
        pack,
        sample,
    });
    divan::main();
}

fn name(i: usize) -> String {
    format!("System {i:05}")
}

/// A workspace in `ws_dir` of `n` systems (every twentieth a proposal, every seventh without
/// a value), 5 monthly KPIs each measured from 2025-01 to 2026-08, and one TCO scenario per
/// ten systems.
fn build(tmp: &Path, ws_dir: &Path, n: usize) -> Workspace {
    let csv = tmp.join(format!("systems-{n}.csv"));
    let mut text = String::from(
        "Name,Business unit,Owner,Sponsor,Stage,Risk tier,Deployment date,Last retrained,Annual value\n",
    );
    for s in 0..n {
        let proposal = s % 20 == 0;
        text.push_str(&format!(
            "{},Unit {},Owner {},Sponsor {},{},{},{},{},{}\n",
            name(s),
            s % 20,
            s % 50,
            s % 30,
            if proposal { "proposed" } else { "production" },
            ["low", "medium", "high"][s % 3],
            if proposal { "" } else { "2024-05-01" },
            if proposal { "" } else { "2025-09-01" },
            if s % 7 == 0 {
                String::new()
            } else {
                (50_000 + (s * 7_919) % 900_000).to_string()
            }
        ));
    }
    std::fs::write(&csv, text).expect("write systems");
    let mut ws = Workspace::open_dir(ws_dir, ctx()).expect("workspace");
    ws.import_systems(&csv, false).expect("systems import");
    for s in ws.list_systems(&Default::default()).expect("systems") {
        for (i, kpi) in KPI_NAMES.iter().enumerate() {
            let higher = i < 3;
            ws.add_kpi(KpiDraft {
                system_id: s.id,
                name: (*kpi).into(),
                kind: [
                    KpiKind::ModelMetric,
                    KpiKind::ModelMetric,
                    KpiKind::BusinessOutcome,
                    KpiKind::BusinessOutcome,
                    KpiKind::Operational,
                ][i],
                unit: "points".into(),
                direction: if higher {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                },
                target: if higher { 80.0 } else { 20.0 },
                warning: if higher { 76.0 } else { 24.0 },
                breach: if higher { 72.0 } else { 28.0 },
                cadence: Cadence::Monthly,
            })
            .expect("kpi");
        }
    }
    let mut text = String::with_capacity(n * KPIS_PER_SYSTEM * MONTHS * 48);
    text.push_str("System,KPI,Period,Value,Source\n");
    for s in 0..n {
        for (k, kpi) in KPI_NAMES.iter().enumerate() {
            for m in 0..MONTHS {
                let period = format!("{}-{:02}", 2025 + m / 12, m % 12 + 1);
                text.push_str(&format!(
                    "{},{kpi},{period},{},monitoring\n",
                    name(s),
                    value(s, k, m)
                ));
            }
        }
    }
    let measurements = tmp.join(format!("measurements-{n}.csv"));
    std::fs::write(&measurements, text).expect("write measurements");
    ws.import_measurements(&measurements, false)
        .expect("measurements import");
    let base = steward_core::tco::from_toml(LLM).expect("the fixture reads");
    for (g, chunk) in (0..n).collect::<Vec<_>>().chunks(TIED).enumerate() {
        let mut s = base.clone();
        s.name = format!("Serving group {g:04}");
        s.workload.inferences_per_month *= 0.05 + (g % 40) as f64 / 40.0;
        s.systems = chunk.iter().map(|i| name(*i)).collect();
        ws.create_tco(s).expect("a scenario tied to ten systems");
    }
    ws
}

/// A value per (system, kpi, month): around target, with one system in fifty drifting into
/// breach over its last five months (so the rules have breaches and escalations to weigh).
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

fn copy_workspace(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

/// Freezing the draft of 2026-Q2 over N systems: every scorecard gathered, recommended,
/// written as one canonical snapshot with its SHA-256, and the review read back.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn freeze(bencher: Bencher) {
    bencher
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            copy_workspace(&inputs().freeze, dir.path());
            let ws = Workspace::open_dir(dir.path(), ctx()).expect("workspace");
            (dir, ws)
        })
        .bench_local_values(|(dir, mut ws)| {
            let v = ws.freeze_review("2026-Q2").expect("freezes");
            assert_eq!(v.items.len(), inputs().n);
            (dir, ws)
        });
}

/// The board pack PDF of the frozen 2026-Q2 review of 1,000 systems (compared with 2026-Q1):
/// the review read, compared, built into a report and rendered, unsigned.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn board_pack_pdf_1k(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().pack, ctx()).expect("workspace");
    bencher.bench_local(|| {
        let pdf = ws.review_pack_pdf("2026-Q2", None).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        pdf.len()
    });
}

/// The portfolio overview the app opens on, over the board pack's workspace of 1,000 systems
/// (5,000 KPIs, 100,000 measurements, 100 TCO scenarios, two frozen reviews).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn portfolio_1k(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().pack, ctx()).expect("workspace");
    bencher.bench_local(|| {
        let o = ws.portfolio_overview().expect("overview");
        assert_eq!(o.systems as usize, PACK_SYSTEMS);
        o
    });
}

/// The portfolio overview of the sample portfolio.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn portfolio_sample(bencher: Bencher) {
    let ws = Workspace::open_dir(&inputs().sample, ctx()).expect("workspace");
    bencher.bench_local(|| ws.portfolio_overview().expect("overview"));
}
