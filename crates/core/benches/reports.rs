//! The report engine on a 10,000-system register: building the model, rendering the PDF and
//! rendering the workbook. Run with `cargo bench -p steward-core --bench reports`.

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, TimeZone, Utc};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::register::{RiskTier, Stage, SystemDraft};
use steward_core::report::{self, Report};

const SYSTEMS: usize = 10_000;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time")
}

thread_local! {
    /// The workspace is not shareable across threads; divan runs these benches on one thread.
    static WORKSPACE: Workspace = {
        let ctx = Context::new("bench", Arc::new(FixedClock(at())));
        let mut ws = Workspace::in_memory(ctx).expect("workspace");
        let units = ["Retail Lending", "Claims", "Payments", "People", "Marketing", "Pricing", "Operations", "Digital"];
        for i in 0..SYSTEMS {
            let mut d = SystemDraft::new(format!("System {i:05} scoring and triage"));
            d.business_unit = units[i % units.len()].into();
            d.owner = format!("Owner {}", i % 97);
            d.stage = [Stage::Proposed, Stage::Development][i % 2];
            d.risk_tier = [RiskTier::Low, RiskTier::Medium, RiskTier::High][i % 3];
            ws.add_system(d).expect("add");
        }
        ws
    };
}

static MODEL: LazyLock<Report> = LazyLock::new(|| {
    WORKSPACE.with(|ws| report::register_report(ws, at(), "bench").expect("register report model"))
});

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn model_10k(bencher: divan::Bencher) {
    WORKSPACE.with(|ws| {
        bencher.bench_local(|| report::register_report(ws, at(), "bench").expect("model"));
    });
}

#[divan::bench(sample_count = 5)]
fn pdf_10k(bencher: divan::Bencher) {
    LazyLock::force(&MODEL);
    bencher.bench(|| report::render_pdf(&MODEL).expect("pdf"));
}

#[divan::bench(sample_count = 5)]
fn xlsx_10k(bencher: divan::Bencher) {
    LazyLock::force(&MODEL);
    bencher.bench(|| report::render_xlsx(&MODEL).expect("xlsx"));
}
