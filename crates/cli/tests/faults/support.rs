//! The run's sizes and seed, and `steward` as a child process that may be killed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Sizes of a run, from the environment (see the crate's documentation), else a short run.
pub struct Plan {
    pub seed: u64,
    /// Kills per scenario.
    pub rounds: usize,
    /// Rows of the file an import is killed in.
    pub rows: usize,
    /// Concurrent writers, and operations each makes.
    pub writers: usize,
    pub ops: usize,
    /// Mutants per input file.
    pub mutants: usize,
}

fn var(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {v:?}")),
        Err(_) => default,
    }
}

pub fn plan() -> Plan {
    Plan {
        seed: var("STEWARD_FAULT_SEED", 20_261_205),
        rounds: var("STEWARD_FAULT_ROUNDS", 6) as usize,
        rows: var("STEWARD_FAULT_ROWS", 3_000) as usize,
        writers: var("STEWARD_FAULT_WRITERS", 8) as usize,
        ops: var("STEWARD_FAULT_OPS", 8) as usize,
        mutants: var("STEWARD_FAULT_MUTANTS", 40) as usize,
    }
}

/// A generator for one scenario: the run's seed mixed with the scenario's name, so adding a
/// scenario does not move the points another one fails at.
pub fn rng(plan: &Plan, scenario: &str) -> fastrand::Rng {
    let salt = scenario.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    fastrand::Rng::with_seed(plan.seed ^ salt)
}

pub fn steward() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_steward"));
    c.env_remove("STEWARD_DATA_DIR")
        .env_remove("STEWARD_PASSPHRASE")
        .env("STEWARD_ACTOR", "faults");
    c
}

/// Runs `steward --data-dir DATA ARGS` to its end.
pub fn run(data: &Path, args: &[&str]) -> Output {
    steward()
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("steward runs")
}

/// Runs `steward ARGS --json` and returns its output, failing the test if it fails.
pub fn json(data: &Path, args: &[&str]) -> Value {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let out = run(data, &all);
    assert!(
        out.status.success(),
        "steward {args:?} on {} failed: {}",
        data.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Starts `steward --data-dir DATA ARGS`, lets it run for `after`, then kills it with SIGKILL.
/// Returns whether it had already finished (and then whether it succeeded).
pub fn kill_after(data: &Path, args: &[&str], env: &[(&str, &str)], after: Duration) -> Ended {
    let mut c = steward();
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child: Child = c.spawn().expect("steward starts");
    let start = Instant::now();
    while start.elapsed() < after {
        if let Some(status) = child.try_wait().expect("wait") {
            return if status.success() {
                Ended::Finished(start.elapsed())
            } else {
                let mut err = String::new();
                use std::io::Read;
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("steward {args:?} failed before it was killed: {err}")
            };
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    Ended::Killed
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Ended {
    /// It ended on its own, after this long.
    Finished(Duration),
    Killed,
}

/// How long `steward --data-dir DATA ARGS` takes when nothing kills it (it must succeed).
pub fn time(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Duration {
    let start = Instant::now();
    let out = steward()
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("steward runs");
    assert!(
        out.status.success(),
        "steward {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// Copies a data directory (the workspace file and whatever lies beside it).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// The log verifies (its chain, every record against it, its seals), and the chain's length.
pub fn verified_length(data: &Path) -> u64 {
    let v = json(data, &["audit", "verify"]);
    assert_eq!(
        v["intact"],
        true,
        "the audit log of {} does not verify: {v}",
        data.display()
    );
    v["chain"]["length"].as_u64().expect("length")
}

pub fn count(data: &Path, args: &[&str]) -> usize {
    json(data, args).as_array().expect("a list").len()
}

/// The files in `dir` whose names end with `suffix`.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

/// A delay drawn in [0, 1.2 × `span`]: most kills land inside the operation, some after it.
pub fn delay(rng: &mut fastrand::Rng, span: Duration) -> Duration {
    let micros = span.as_micros().max(1) as u64;
    Duration::from_micros(rng.u64(0..=micros + micros / 5))
}

/// The passphrase of the suite's signing identity.
pub const PASS: &str = "correct horse battery";

/// Runs `steward --data-dir DATA ARGS` as the signing identity in `id` (its passphrase given),
/// asserting success.
pub fn signing(data: &Path, id: &Path, args: &[&str]) {
    let out = steward()
        .arg("--data-dir")
        .arg(data)
        .env("STEWARD_IDENTITY_DIR", id)
        .env("STEWARD_PASSPHRASE", PASS)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("steward runs");
    assert!(
        out.status.success(),
        "steward {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Creates the suite's signing identity in `id`.
pub fn identity(data: &Path, id: &Path) {
    signing(
        data,
        id,
        &[
            "identity",
            "init",
            "--name",
            "Ada Faults",
            "--role",
            "Auditor",
            "--org",
            "Faults Ltd",
        ],
    );
}
