//! Benchmark of the TCO engine: 1,000 scenarios of 60 months, four options each (on demand,
//! reserved, on premises, hybrid), with the full sensitivity (16 drivers x 2 re-runs).
//! Also the editor's round trip for one draft. Run: `cargo bench -p steward-core --bench tco`.

use steward_core::tco::{from_toml, run, Scenario};

fn main() {
    divan::main();
}

/// The LLM fixture, varied so no two scenarios are alike.
fn scenarios() -> Vec<Scenario> {
    let base = from_toml(include_str!("../../../tests/fixtures/tco/llm-service.toml"))
        .unwrap_or_else(|e| panic!("the fixture is valid: {e}"));
    assert_eq!(
        base.horizon_months, 60,
        "the benchmark is about 60-month scenarios"
    );
    (0..1000)
        .map(|i| {
            let mut s = base.clone();
            let f = 1.0 + i as f64 / 1000.0;
            s.workload.inferences_per_month *= f;
            s.workload.inference_growth_per_year = 0.1 + 0.3 * (i % 10) as f64 / 10.0;
            s.discount_rate = 0.04 + 0.06 * (i % 7) as f64 / 7.0;
            s
        })
        .collect()
}

#[divan::bench(sample_count = 10)]
fn thousand_scenarios_60_months_with_sensitivity(bencher: divan::Bencher) {
    let all = scenarios();
    bencher.bench(|| {
        for s in &all {
            divan::black_box(run(divan::black_box(s)).unwrap_or_else(|e| panic!("runs: {e}")));
        }
    });
}

/// What the editor waits for after each pause in typing: the draft read from JSON, validated,
/// computed with its sensitivity, and its cumulative and tornado charts drawn as SVG.
#[divan::bench(sample_count = 20)]
fn editor_evaluates_one_draft(bencher: divan::Bencher) {
    use std::sync::Arc;
    use steward_core::api::{Context, Workspace};
    use steward_core::clock::SystemClock;

    let ws = Workspace::in_memory(Context::new("bench", Arc::new(SystemClock)))
        .unwrap_or_else(|e| panic!("an in-memory workspace opens: {e}"));
    let mut scenario = scenarios().swap_remove(0);
    // The fixture names a system this empty workspace does not have.
    scenario.systems.clear();
    let draft =
        serde_json::to_value(&scenario).unwrap_or_else(|e| panic!("a scenario is JSON: {e}"));
    // A workspace holds an SQLite connection, which is not Sync: run on this thread only.
    bencher.bench_local(|| {
        let e = ws
            .evaluate_tco_draft(divan::black_box(&draft))
            .unwrap_or_else(|e| panic!("evaluates: {e}"));
        assert!(e.errors.is_empty(), "the draft is valid: {:?}", e.errors);
        divan::black_box(e)
    });
}
