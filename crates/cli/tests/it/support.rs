//! Running `steward` against a temporary workspace.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Ws {
    pub dir: TempDir,
}

impl Ws {
    pub fn new() -> Ws {
        Ws {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A `steward` command on this workspace, as actor "tester", with no inherited overrides.
    pub fn cmd(&self) -> Command {
        self.cmd_in(&self.data())
    }

    /// A `steward` command on the workspace in `data_dir`.
    pub fn cmd_in(&self, data_dir: &Path) -> Command {
        let mut c = Command::cargo_bin("steward").expect("the steward binary is built");
        c.env_remove("STEWARD_DATA_DIR")
            .env_remove("STEWARD_WORKSPACE_PASSPHRASE")
            .env("STEWARD_ACTOR", "tester")
            .arg("--data-dir")
            .arg(data_dir);
        c
    }

    /// Runs `steward ARGS --json`, asserts success, returns the parsed JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.cmd().args(args).arg("--json").output().expect("runs");
        assert!(
            out.status.success(),
            "steward {args:?} should succeed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is JSON")
    }

    /// Writes `contents` to a file named `name` in the temp dir, returns its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).expect("write fixture");
        p
    }

    pub fn names(&self) -> Vec<String> {
        let v = self.json(&["systems", "list"]);
        v.as_array()
            .expect("a list")
            .iter()
            .map(|s| s["name"].as_str().expect("name").to_string())
            .collect()
    }
}

pub fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Imports validation evidence for `system` (at its current model version) that meets the
/// shipped evidence policy at every tier, dated yesterday: a holdout and a robustness run, and
/// each attribute the high tier asks to be tested at parity with its reference.
pub fn meet_evidence_policy(ws: &Ws, system: &str) {
    let on = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
    let mut rows = String::from(
        "System,Date,Dataset,Method,Metric,Value,Attribute,Segment,Reference group,Reference value\n",
    );
    for method in ["holdout", "robustness"] {
        rows.push_str(&format!(
            "{system},{on},validation set,{method},auc,0.8,,,,\n"
        ));
    }
    for attribute in ["age_band", "region", "channel"] {
        rows.push_str(&format!(
            "{system},{on},validation set,,selection_rate,0.4,{attribute},a,b,0.4\n"
        ));
    }
    let file = ws.file("meets-policy.csv", rows.as_bytes());
    ws.cmd()
        .args(["evidence", "import"])
        .arg(&file)
        .assert()
        .success();
}
