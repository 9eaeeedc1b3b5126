//! Signing and packs at scale: a 10,000-system register as a signed PDF, and a 1,000-file audit
//! pack created and verified. Run with `cargo bench -p steward-core --bench packs`.

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, TimeZone, Utc};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::identity::{self, Profile};
use steward_core::pack::{self, ChainAnchor, PackFile};
use steward_core::register::SystemDraft;
use steward_core::sign::{pdf, Signer};

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time")
}

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().expect("temp dir"));

static SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    let dir = DIR.path().join("id");
    let p = Profile {
        name: "Bench Signer".into(),
        role: "Risk".into(),
        organisation: "Acme".into(),
        email: String::new(),
    };
    identity::init(&dir, &p, "bench passphrase", at()).expect("identity");
    identity::unlock(&dir, "bench passphrase", at()).expect("unlock")
});

/// The unsigned 10,000-system register PDF.
static REGISTER_PDF: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let ctx = Context::new("bench", Arc::new(FixedClock(at())));
    let mut ws = Workspace::in_memory(ctx).expect("workspace");
    for i in 0..10_000 {
        let mut d = SystemDraft::new(format!("System {i:05}"));
        d.business_unit = format!("Unit {}", i % 9);
        d.owner = format!("Owner {}", i % 97);
        ws.add_system(d).expect("add");
    }
    ws.register_report_pdf(None).expect("pdf")
});

fn files() -> Vec<PackFile> {
    (0..1_000)
        .map(|i| PackFile {
            path: format!("data/file-{i:04}.csv"),
            bytes: format!("id,value\n{i},{}\n", i * 7).repeat(50).into_bytes(),
        })
        .collect()
}

static PACK: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
    let out = DIR.path().join("bench-pack.zip");
    pack::write_pack(
        &out,
        files(),
        (
            "bench",
            "bench",
            ChainAnchor {
                length: 0,
                head: String::new(),
            },
        ),
        &SIGNER,
        at(),
        &mut |_| true,
    )
    .expect("pack");
    out
});

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn sign_register_pdf_10k(bencher: divan::Bencher) {
    LazyLock::force(&REGISTER_PDF);
    LazyLock::force(&SIGNER);
    bencher.bench(|| pdf::sign_pdf(&REGISTER_PDF, &SIGNER, at(), "bench").expect("sign"));
}

#[divan::bench(sample_count = 5)]
fn pack_create_1000_files(bencher: divan::Bencher) {
    LazyLock::force(&SIGNER);
    let out = DIR.path().join("create.zip");
    bencher.with_inputs(files).bench_values(|f| {
        pack::write_pack(
            &out,
            f,
            (
                "bench",
                "bench",
                ChainAnchor {
                    length: 0,
                    head: String::new(),
                },
            ),
            &SIGNER,
            at(),
            &mut |_| true,
        )
        .expect("pack")
    });
}

#[divan::bench(sample_count = 5)]
fn pack_verify_1000_files(bencher: divan::Bencher) {
    LazyLock::force(&PACK);
    let trusted = vec![SIGNER.certificate_info()];
    bencher.bench(|| {
        let r = pack::verify_pack(&PACK, &trusted).expect("verify");
        assert!(r.valid, "the benchmark pack verifies");
        r
    });
}
