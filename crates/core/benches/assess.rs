//! Benchmark of what the questionnaire screen asks core after every change of answers: the
//! visible questions, progress and live score of a full AIA (295 questions, 166 answers), and a
//! whole assessment read back from a workspace (template, answers, result).
//! Run: `cargo bench -p steward-core --bench assess`.

use std::sync::Arc;

use steward_core::api::assess::evaluate;
use steward_core::api::{Context, Workspace};
use steward_core::assess::{builtin, parse_answers};
use steward_core::clock::SystemClock;
use steward_core::register::SystemDraft;

const ANSWERS: &str = include_str!("../../../tests/fixtures/assess/aia-level-3.json");

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 50)]
fn evaluate_full_aia(bencher: divan::Bencher) {
    let t = builtin("aia").unwrap_or_else(|e| panic!("the AIA loads: {e}"));
    let answers = parse_answers(ANSWERS).unwrap_or_else(|e| panic!("answers parse: {e}"));
    bencher.bench_local(|| divan::black_box(evaluate(&t, divan::black_box(&answers))));
}

#[divan::bench(sample_count = 20)]
fn read_a_complete_aia_assessment(bencher: divan::Bencher) {
    let ctx = Context::new("bench", Arc::new(SystemClock));
    let mut ws = Workspace::in_memory(ctx).unwrap_or_else(|e| panic!("workspace: {e}"));
    let mut d = SystemDraft::new("Bench");
    d.business_unit = "Ops".into();
    d.owner = "Ann".into();
    let sys = ws.add_system(d).unwrap_or_else(|e| panic!("adds: {e}")).id;
    let answers = parse_answers(ANSWERS).unwrap_or_else(|e| panic!("answers parse: {e}"));
    let a = ws
        .import_assessment(sys, "aia", answers)
        .unwrap_or_else(|e| panic!("imports: {e}"));
    ws.complete_assessment(a.id)
        .unwrap_or_else(|e| panic!("completes: {e}"));
    bencher.bench_local(|| divan::black_box(ws.assessment(a.id)));
}
