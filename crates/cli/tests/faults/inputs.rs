//! Mutated input files: every file `steward` reads from a person (register and KPI sheets in
//! .xlsx, .ods and .csv, a mapping, a TCO scenario, AIA answers, an audit pack, a signed PDF),
//! with bytes flipped, cut, repeated or overwritten. Each run must end with an answer (accepted,
//! or refused with a message), never a panic, a signal or a hang, and must write nothing.

use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support;

/// Changes `bytes` in one of several ways, chosen by `rng`.
fn mutate(rng: &mut fastrand::Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if b.is_empty() {
        return b;
    }
    let at = rng.usize(0..b.len());
    match rng.u8(0..6) {
        // A few bytes flipped here and there.
        0 => {
            for _ in 0..rng.usize(1..=8) {
                let i = rng.usize(0..b.len());
                b[i] ^= 1 << rng.u8(0..8);
            }
        }
        // Cut short.
        1 => b.truncate(at),
        // A run overwritten with one byte (0x00, 0xFF, a digit, a quote, a comma).
        2 => {
            let fill = *rng
                .choice([0u8, 0xff, b'9', b'"', b',', b'\n'].iter())
                .expect("fill");
            let end = (at + rng.usize(1..=256)).min(b.len());
            b[at..end].fill(fill);
        }
        // A slice repeated many times (long cells, many rows, nesting).
        3 => {
            let end = (at + rng.usize(1..=64)).min(b.len());
            let piece = b[at..end].to_vec();
            let times = rng.usize(2..=2_000);
            let tail = b.split_off(end);
            for _ in 0..times {
                b.extend_from_slice(&piece);
            }
            b.extend_from_slice(&tail);
        }
        // Random bytes inserted.
        4 => {
            let n = rng.usize(1..=64);
            let junk: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
            b.splice(at..at, junk);
        }
        // A number in the text made huge or negative.
        _ => {
            let digits = [
                &b"99999999999999999999999"[..],
                b"-1",
                b"1e-400",
                b"1e309",
                b"NaN",
                b"0000-00-00",
            ];
            let d = rng.choice(digits.iter()).expect("digits");
            let end = (at + rng.usize(0..=4)).min(b.len());
            b.splice(at..end, d.iter().copied());
        }
    }
    b
}

/// How a run on a mutant ended.
#[derive(Default)]
struct Tally {
    accepted: usize,
    refused: usize,
}

/// Runs `steward --data-dir DATA ARGS` where `{}` in ARGS is the mutant's path; fails the test
/// on a panic, a signal or a run longer than a minute.
fn answer(data: &Path, id: &Path, args: &[&str], file: &Path, what: &str, tally: &mut Tally) {
    let f = file.to_str().expect("utf-8 path");
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { f } else { a })
        .collect();
    let mut child = support::steward()
        .arg("--data-dir")
        .arg(data)
        .env("STEWARD_IDENTITY_DIR", id)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("steward starts");
    // Read as the process writes, so a long answer never fills a pipe and stalls it.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let keep = file.with_extension("hung");
            let _ = std::fs::copy(file, &keep);
            panic!("steward {args:?} on a mutant of {what} ran over a minute (kept as {keep:?})");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let out = stdout.join().expect("stdout read");
    let err = stderr.join().expect("stderr read");
    let fail = |why: &str| {
        let keep = file.with_extension("failed");
        let _ = std::fs::copy(file, &keep);
        panic!("steward {args:?} on a mutant of {what} {why} (kept as {keep:?}): {err}");
    };
    match status.code() {
        None => fail("was killed by a signal"),
        Some(0) => {
            tally.accepted += 1;
            // STEWARD_FAULT_KEEP=DIR keeps the accepted files, to see what was let through.
            if let Ok(keep) = std::env::var("STEWARD_FAULT_KEEP") {
                let _ = std::fs::create_dir_all(&keep);
                let name = file.file_name().expect("a file name").to_string_lossy();
                let _ = std::fs::copy(
                    file,
                    Path::new(&keep).join(format!("{}-{name}", what.replace(' ', "-"))),
                );
            }
        }
        Some(101) => fail("panicked"),
        Some(_) if err.contains("panicked at") => fail("panicked"),
        Some(_) if err.trim().is_empty() && out.trim().is_empty() => {
            fail("failed without saying why")
        }
        Some(_) => tally.refused += 1,
    }
}

#[test]
fn mutated_inputs_are_answered_never_panicked_on_and_write_nothing() {
    let plan = support::plan();
    let mut rng = support::rng(&plan, "mutated inputs");
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    let data = dir.join("data");
    assert!(support::run(&data, &["demo"]).status.success());

    // The originals: files Steward wrote or ships, each accepted as it is.
    let at = |name: &str| dir.join(name).to_str().expect("utf-8 path").to_string();
    let exports: [(&[&str], String); 3] = [
        (
            &["systems", "export", "--format", "csv", "-o"],
            at("register.csv"),
        ),
        (
            &["systems", "export", "--format", "xlsx", "-o"],
            at("register.xlsx"),
        ),
        (
            &["kpi", "export", "--format", "csv", "-o"],
            at("measurements.csv"),
        ),
    ];
    for (args, out) in &exports {
        let mut all = args.to_vec();
        all.push(out);
        let o = support::run(&data, &all);
        assert!(
            o.status.success(),
            "{all:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // A mapping for the register fixture's own headers and words.
    std::fs::write(
        dir.join("mapping.toml"),
        "date_order = \"day-first\"\n[columns]\n\"Accountable\" = \"owner\"\n\"Tags\" = \"ignore\"\n\
         [values.risk_tier]\n\"Tier 1\" = \"high\"\n",
    )
    .expect("write mapping");
    let id = dir.join("identity");
    let signing = |args: &[&str]| support::signing(&data, &id, args);
    support::identity(&data, &id);
    signing(&["pack", "create", "-o", &at("pack.zip")]);
    signing(&[
        "report",
        "register",
        "--format",
        "pdf",
        "--sign",
        "-o",
        &at("register.pdf"),
    ]);
    let fixtures = support_root().join("tests/fixtures");
    let head_after_setup = support::json(&data, &["audit", "verify"]);

    let cases: Vec<(&str, std::path::PathBuf, Vec<&str>)> = vec![
        (
            "register .csv",
            dir.join("register.csv"),
            vec!["systems", "import", "--dry-run", "{}"],
        ),
        (
            "register .xlsx",
            dir.join("register.xlsx"),
            vec!["systems", "import", "--dry-run", "{}"],
        ),
        (
            "register .ods",
            fixtures.join("register-small.ods"),
            vec!["systems", "import", "--dry-run", "{}"],
        ),
        (
            "KPI .csv",
            dir.join("measurements.csv"),
            vec!["kpi", "import", "--dry-run", "{}"],
        ),
        (
            "mapping .toml",
            dir.join("mapping.toml"),
            vec![
                "systems",
                "import",
                "--dry-run",
                "--mapping",
                "{}",
                REGISTER_SMALL.as_str(),
            ],
        ),
        (
            "TCO scenario",
            fixtures.join("tco/batch-scoring.toml"),
            vec!["tco", "run", "{}"],
        ),
        (
            "AIA answers",
            fixtures.join("assess/aia-level-2.json"),
            vec!["assess", "score", "--template", "aia", "{}"],
        ),
        ("audit pack", dir.join("pack.zip"), vec!["verify", "{}"]),
        ("signed PDF", dir.join("register.pdf"), vec!["verify", "{}"]),
    ];
    let mut lines = Vec::new();
    for (what, original, args) in &cases {
        let bytes = std::fs::read(original).expect("the original");
        let ext = original
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin");
        let mut tally = Tally::default();
        // The original is accepted: a mutant refused is refused for its change.
        answer(&data, &id, args, original, what, &mut tally);
        assert_eq!(tally.accepted, 1, "the original {what} is accepted");
        tally = Tally::default();
        for i in 0..plan.mutants {
            let m = dir.join(format!("mutant-{i}.{ext}"));
            std::fs::write(&m, mutate(&mut rng, &bytes)).expect("write mutant");
            answer(&data, &id, args, &m, what, &mut tally);
            std::fs::remove_file(&m).expect("remove mutant");
        }
        lines.push(format!(
            "{what}: {} mutants, {} accepted, {} refused",
            plan.mutants, tally.accepted, tally.refused
        ));
    }
    assert_eq!(
        support::json(&data, &["audit", "verify"]),
        head_after_setup,
        "dry runs, scoring and verifying wrote nothing"
    );
    for l in lines {
        println!("{l}");
    }
}

/// The repository's root (two levels above this crate).
fn support_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

static REGISTER_SMALL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    support_root()
        .join("tests/fixtures/register-small.xlsx")
        .to_str()
        .expect("utf-8 path")
        .to_string()
});
