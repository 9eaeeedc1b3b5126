//! `steward systems`: the register from the command line, good and bad input.

use predicates::str::contains;

use crate::support::{repo_root, Ws};

const HEADER: &str = "Name,Business unit,Owner,Risk tier,Stage,Deployment date\n";

#[test]
fn add_list_show_edit_stage_retire() {
    let ws = Ws::new();
    let s = ws.json(&[
        "systems",
        "add",
        "--name",
        "Churn Predictor",
        "--unit",
        "Marketing",
        "--owner",
        "Liam",
        "--risk",
        "high",
        "--tags",
        "retention; marketing",
    ]);
    assert_eq!(s["stage"], "proposed", "a new system starts as proposed");
    assert_eq!(
        s["tags"],
        serde_json::json!(["retention", "marketing"]),
        "tags split on ';'"
    );
    ws.cmd()
        .args(["systems", "list"])
        .assert()
        .success()
        .stdout(contains("Churn Predictor"))
        .stdout(contains("1 system"));
    ws.cmd()
        .args(["systems", "show", "churn predictor"])
        .assert()
        .success()
        .stdout(contains("Marketing"));
    ws.cmd()
        .args(["systems", "edit", "Churn Predictor", "--vendor", "Acme AI"])
        .assert()
        .success();
    assert_eq!(
        ws.json(&["systems", "show", "1"])["sourcing"],
        "vendor",
        "naming a vendor makes it a vendor system"
    );
    ws.cmd()
        .args(["systems", "stage", "Churn Predictor", "production"])
        .assert()
        .code(1)
        .stderr(contains("stage change refused: proposed -> production"))
        .stderr(contains("staging"));
    ws.cmd()
        .args(["systems", "stage", "Churn Predictor", "development"])
        .assert()
        .success()
        .stdout(contains("is now Development"));
    ws.cmd()
        .args([
            "systems",
            "retire",
            "Churn Predictor",
            "--date",
            "2030-01-31",
        ])
        .assert()
        .success()
        .stdout(contains("started the decommissioning checklist"))
        .stdout(contains("post_mortem"));
    ws.cmd()
        .args(["systems", "retire", "Churn Predictor"])
        .assert()
        .code(1)
        .stderr(contains("6 open item"));
    let items = ws.json(&["calendar", "checklist", "Churn Predictor"]);
    for item in items.as_array().expect("items") {
        let key = item["key"].as_str().expect("key");
        ws.cmd()
            .args(["calendar", "checklist", "Churn Predictor", key, "--done"])
            .assert()
            .success();
    }
    ws.cmd()
        .args(["systems", "retire", "Churn Predictor"])
        .assert()
        .success()
        .stdout(contains("is now Retired"));
}

#[test]
fn list_filters_and_sorts() {
    let ws = Ws::new();
    ws.cmd()
        .arg("demo")
        .assert()
        .success()
        .stdout(contains("added 36 sample systems"));
    let check = |args: &[&str], first: &str, len: usize| {
        let mut all = vec!["systems", "list"];
        all.extend_from_slice(args);
        let v = ws.json(&all);
        let list = v.as_array().expect("list");
        assert_eq!(list.len(), len, "count for {args:?}");
        assert_eq!(list[0]["name"], first, "first for {args:?}");
    };
    check(
        &[
            "--stage",
            "production",
            "--risk",
            "high",
            "--unit",
            "Retail Lending",
        ],
        "Credit Default Scorer",
        2,
    );
    check(
        &["-q", "chatbot", "--sort", "name", "--desc"],
        "Public Chat Assistant",
        2,
    );
    check(
        &["--domain", "hr", "--sourcing", "vendor"],
        "CV Screening Assistant",
        2,
    );
    ws.cmd()
        .args(["systems", "list", "--stage", "live-ish"])
        .assert()
        .code(2)
        .stderr(contains("expected one of: proposed"));
    ws.cmd()
        .arg("demo")
        .assert()
        .code(1)
        .stderr(contains("empty workspace"));
}

#[test]
fn validation_errors_name_fields_and_exit_1() {
    let ws = Ws::new();
    ws.cmd()
        .args(["systems", "add", "--name", "X", "--sourcing", "vendor"])
        .assert()
        .code(1)
        .stderr(contains("business_unit: is required"))
        .stderr(contains("owner: is required"))
        .stderr(contains("vendor: is required when sourcing is vendor"));
    ws.json(&[
        "systems", "add", "--name", "X", "--unit", "U", "--owner", "O",
    ]);
    ws.cmd()
        .args([
            "systems", "add", "--name", "x", "--unit", "U", "--owner", "O",
        ])
        .assert()
        .code(1)
        .stderr(contains("already exists"));
    let out = ws
        .cmd()
        .args([
            "systems", "add", "--name", "x", "--unit", "U", "--owner", "O", "--json",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON error on stdout with --json");
    assert_eq!(
        v["error"]["code"], "conflict",
        "scripts can switch on the error code"
    );
    ws.cmd()
        .args(["systems", "add", "--deployed", "2024-13-01"])
        .assert()
        .code(2)
        .stderr(contains("expected YYYY-MM-DD"));
    ws.cmd()
        .args(["systems", "show", "Nope"])
        .assert()
        .code(1)
        .stderr(contains("system not found: Nope"));
    ws.cmd().arg("frobnicate").assert().code(2);
}

#[test]
fn review_fields_are_set_shown_and_cleared() {
    let ws = Ws::new();
    let s = ws.json(&[
        "systems",
        "add",
        "--name",
        "Wellness Nudges",
        "--unit",
        "Life & Health",
        "--owner",
        "Fatima",
        "--sponsor",
        "Amara Nwosu",
        "--annual-value",
        "350000",
        "--data-readiness",
        "2",
        "--strategic-alignment",
        "3",
    ]);
    assert_eq!(s["sponsor"], "Amara Nwosu");
    assert_eq!(s["annual_value"], 350000.0);
    assert_eq!(s["data_readiness"], 2);
    assert_eq!(s["strategic_alignment"], 3);
    assert!(
        s.get("last_retrained").is_none(),
        "a field not given stays missing: {s}"
    );
    ws.cmd()
        .args([
            "systems",
            "edit",
            "Wellness Nudges",
            "--last-retrained",
            "2024-01-31",
            "--annual-value",
            "1250000.5",
        ])
        .assert()
        .success();
    ws.cmd()
        .args(["systems", "show", "Wellness Nudges"])
        .assert()
        .success()
        .stdout(contains("sponsor  Amara Nwosu"))
        .stdout(contains("last retrained  2024-01-31"))
        .stdout(contains("annual value  1,250,000"))
        .stdout(contains("data readiness  2 of 5"))
        .stdout(contains("strategic alignment  3 of 5"));
    let shown = ws.json(&["systems", "show", "Wellness Nudges"]);
    assert_eq!(
        shown["annual_value"], 1250000.5,
        "--json keeps the exact value"
    );
    assert_eq!(shown["last_retrained"], "2024-01-31");

    // Core's rules, each naming its field (exit 1); unreadable values are usage errors (exit 2).
    for (flag, value, said) in [
        (
            "--last-retrained",
            "2999-01-01",
            "last_retrained: 2999-01-01 is after today",
        ),
        (
            "--data-readiness",
            "6",
            "data_readiness: must be a whole number from 1 (no usable data) to 5",
        ),
        (
            "--strategic-alignment",
            "0",
            "strategic_alignment: must be a whole number from 1",
        ),
        ("--annual-value", "-5", "annual_value: must be 0 or more"),
    ] {
        ws.cmd()
            .args(["systems", "edit", "Wellness Nudges", flag, value])
            .assert()
            .code(1)
            .stderr(contains(said));
    }
    for (flag, value, said) in [
        ("--last-retrained", "31/01/2024", "expected YYYY-MM-DD"),
        (
            "--data-readiness",
            "2.5",
            "is not a whole number from 1 to 5",
        ),
        (
            "--strategic-alignment",
            "-1",
            "is not a whole number from 1 to 5",
        ),
        ("--annual-value", "EUR 5", "is not an amount"),
    ] {
        ws.cmd()
            .args(["systems", "edit", "Wellness Nudges", flag, value])
            .assert()
            .code(2)
            .stderr(contains(said));
    }

    let cleared = ws.json(&[
        "systems",
        "edit",
        "Wellness Nudges",
        "--sponsor",
        "",
        "--last-retrained",
        "",
        "--annual-value",
        "",
        "--data-readiness",
        "",
        "--strategic-alignment",
        "",
    ]);
    for key in [
        "sponsor",
        "last_retrained",
        "annual_value",
        "data_readiness",
        "strategic_alignment",
    ] {
        assert!(cleared.get(key).is_none(), "\"\" clears {key}: {cleared}");
    }
    ws.cmd()
        .args(["systems", "show", "Wellness Nudges"])
        .assert()
        .success()
        .stdout(contains("data readiness  -"))
        .stdout(contains("annual value  -"));
}

#[test]
fn import_dry_run_then_commit() {
    let ws = Ws::new();
    let csv = ws.file("reg.csv", format!("{HEADER}Alpha,Retail,Ann,high,development,\nBeta,Claims,Bob,low,production,2024-02-01\n").as_bytes());
    ws.cmd()
        .args(["systems", "import"])
        .arg(&csv)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains("would add Alpha"))
        .stdout(contains("nothing was written"));
    assert!(ws.names().is_empty(), "a dry run writes nothing");
    ws.cmd()
        .args(["systems", "import"])
        .arg(&csv)
        .assert()
        .success()
        .stdout(contains("imported: 2 added"));
    assert_eq!(ws.names(), ["Alpha", "Beta"], "both rows imported");
    let csv2 = ws.file("reg2.csv", format!("{HEADER}Alpha,Retail,Ann,medium,development,\nBeta,Claims,Bob,low,production,2024-02-01\n").as_bytes());
    let plan = ws.json(&[
        "systems",
        "import",
        csv2.to_str().expect("utf8"),
        "--dry-run",
    ]);
    assert_eq!(
        plan["changes"][0]["fields"][0],
        serde_json::json!({"field": "Risk tier", "before": "high", "after": "medium"}),
        "the change shows before and after"
    );
    assert_eq!(plan["unchanged"], 1, "Beta is unchanged");
}

/// Imports `contents` as `name` into a workspace holding one system, and checks that the
/// import fails with every `expected` text in its message and leaves the workspace unchanged.
fn check_bad_import(name: &str, contents: &[u8], expected: &[&str]) {
    let ws = Ws::new();
    ws.json(&[
        "systems", "add", "--name", "Existing", "--unit", "U", "--owner", "O",
    ]);
    let before = ws.json(&["audit", "log"]);
    let file = ws.file(name, contents);
    let out = ws
        .cmd()
        .args(["systems", "import"])
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad import of {name} exits 1: {stderr}"
    );
    for e in expected {
        assert!(
            stderr.contains(e),
            "the error for {name} should say {e:?}; it said:\n{stderr}"
        );
    }
    assert_eq!(
        ws.names(),
        ["Existing"],
        "a failed import of {name} changes nothing"
    );
    assert_eq!(
        ws.json(&["audit", "log"]),
        before,
        "a failed import of {name} audits nothing"
    );
}

#[test]
fn bad_imports_are_refused_with_locations() {
    check_bad_import(
        "corrupt.xlsx",
        b"PK\x03\x04 this is not really a workbook",
        &["corrupt.xlsx"],
    );
    check_bad_import("empty.csv", b"", &["empty.csv", "empty"]);
    check_bad_import(
        "cols.csv",
        b"Name,Purpose\nAlpha,x\n",
        &["cols.csv", "Business unit", "Owner"],
    );
    check_bad_import(
        "enum.csv",
        format!("{HEADER}Alpha,Retail,Ann,extreme,development,\n").as_bytes(),
        &[
            "row 2",
            "column D (Risk tier)",
            "\"extreme\"",
            "low, medium, high",
        ],
    );
    check_bad_import(
        "date.csv",
        format!("{HEADER}Alpha,Retail,Ann,low,production,31/02/2024\n").as_bytes(),
        &["row 2", "column F", "31/02/2024", "YYYY-MM-DD"],
    );
    check_bad_import(
        "dup.csv",
        format!("{HEADER}Alpha,Retail,Ann,low,development,\nALPHA,Retail,Ann,low,development,\n")
            .as_bytes(),
        &["row 3", "row 2"],
    );
    check_bad_import(
        "many.csv",
        format!("{HEADER}Alpha,Retail,Ann,low,development,\nBeta,,Bob,low,development,\nGamma,Claims,Cy,huge,development,\n").as_bytes(),
        &["row 3", "row 4", "2 problems"],
    );
    check_bad_import(
        "stage.csv",
        format!("{HEADER}Existing,U,O,medium,production,2024-01-01\n").as_bytes(),
        &["row 2", "column E (Stage)", "from proposed to production"],
    );
    check_bad_import("notes.txt", b"hello", &["notes.txt", ".csv"]);
}

#[test]
fn ods_and_xlsx_round_trip() {
    let ws = Ws::new();
    let ods = repo_root().join("tests/fixtures/register-small.ods");
    ws.cmd()
        .args(["systems", "import"])
        .arg(&ods)
        .assert()
        .success()
        .stdout(contains("added"));
    let n = ws.names().len();
    assert!(n >= 2, "the .ods fixture holds several systems");
    for fmt in ["xlsx", "csv"] {
        let out = ws.dir.path().join(format!("export.{fmt}"));
        ws.cmd()
            .args(["systems", "export", "--format", fmt, "-o"])
            .arg(&out)
            .assert()
            .success()
            .stdout(contains(format!("wrote {n} systems")));
        let plan = ws.json(&[
            "systems",
            "import",
            out.to_str().expect("utf8"),
            "--dry-run",
        ]);
        assert_eq!(
            (
                plan["adds"].as_array().map(Vec::len),
                plan["changes"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0)),
            "an exported {fmt} re-imports with no change"
        );
        assert_eq!(
            plan["unchanged"], n,
            "every exported row matches the register"
        );
    }
}

#[test]
fn refused_workspaces() {
    let ws = Ws::new();
    std::fs::create_dir_all(ws.data()).expect("mkdir");
    std::fs::write(ws.data().join("steward.db"), b"just some text").expect("write");
    ws.cmd()
        .args(["systems", "list"])
        .assert()
        .code(1)
        .stderr(contains("not a Steward workspace"));
    assert_eq!(
        std::fs::read(ws.data().join("steward.db")).expect("read"),
        b"just some text",
        "left untouched"
    );
}

#[test]
fn read_only_data_directory_is_a_clear_error() {
    let ws = Ws::new();
    ws.json(&[
        "systems", "add", "--name", "A", "--unit", "U", "--owner", "O",
    ]);
    let ro = ws.dir.path().join("ro");
    std::fs::create_dir_all(&ro).expect("mkdir");
    // Root ignores permission bits, so as root the directory is a read-only tmpfs mount instead.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    if root {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "ro", "tmpfs"])
            .arg(&ro)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "as root the test mounts a read-only tmpfs");
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    let out = ws
        .cmd_in(&ro.join("ws"))
        .args(["systems", "list"])
        .output()
        .expect("runs");
    if root {
        let _ = std::process::Command::new("umount").arg(&ro).status();
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a read-only data directory is an error: {stderr}"
    );
    assert!(
        stderr.contains("cannot create the data directory")
            && stderr.contains("Read-only file system")
            || stderr.contains("Permission denied"),
        "says why: {stderr}"
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    // `head -n 1` closes the pipe after one line; steward must stop without a panic message.
    let bin = assert_cmd::cargo::cargo_bin("steward");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#""$0" --data-dir "$1" calendar list --from 2000-01-01 --to 2100-01-01 | head -n 1"#)
        .arg(&bin)
        .arg(ws.data())
        .env("STEWARD_ACTOR", "tester")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Date"));
}

/// `--mapping FILE` maps headers and values, `--save-profile` keeps it, `--profile` reuses it,
/// and `--sheet` on a CSV is refused; every mapped column is listed in the dry run.
#[test]
fn imports_take_a_mapping_file_and_saved_profiles() {
    let ws = Ws::new();
    let template = ws
        .cmd()
        .args(["systems", "mapping-template"])
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&template.stdout).contains("[columns]"),
        "the template shows the mapping's shape"
    );
    let csv = ws.file(
        "risk.csv",
        b"AI inventory\nName,BU,Accountable exec,Criticality\nAlpha,Retail,Ann,Tier 1\n",
    );
    let map = ws.file(
        "map.toml",
        b"[columns]\n\"Accountable exec\" = \"owner\"\n\"Criticality\" = \"risk_tier\"\n\n[values.risk_tier]\n\"Tier 1\" = \"high\"\n",
    );
    ws.cmd()
        .args(["systems", "import"])
        .arg(&csv)
        .args(["--dry-run", "--mapping"])
        .arg(&map)
        .args(["--save-profile", "Risk team"])
        .assert()
        .success()
        .stdout(contains("read as Owner (mapping file"))
        .stdout(contains("\"Tier 1\" read as high"))
        .stdout(contains("the header is row 2"))
        .stdout(contains("would add Alpha"));
    ws.cmd()
        .args(["systems", "profiles"])
        .assert()
        .success()
        .stdout(contains("Risk team"));
    ws.cmd()
        .args(["systems", "import"])
        .arg(&csv)
        .args(["--profile", "Risk team"])
        .assert()
        .success()
        .stdout(contains("imported: 1 added"));
    let alpha = ws.json(&["systems", "show", "Alpha"]);
    assert_eq!(
        alpha["risk_tier"], "high",
        "the profile's value mapping applied"
    );
    assert_eq!(
        alpha["owner"], "Ann",
        "the profile's column mapping applied"
    );
    let out = ws
        .cmd()
        .args(["systems", "import"])
        .arg(&csv)
        .args(["--sheet", "Register"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "a sheet of a CSV is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a .csv file has no sheets"),
        "and says why"
    );
}

#[test]
fn the_model_version_is_set_shown_and_cleared() {
    let ws = Ws::new();
    let s = ws.json(&[
        "systems",
        "add",
        "--name",
        "Churn",
        "--unit",
        "Marketing",
        "--owner",
        "Liam",
        "--model-version",
        "2.3",
    ]);
    assert_eq!(s["model_version"], "2.3");
    ws.cmd()
        .args(["systems", "show", "Churn"])
        .assert()
        .success()
        .stdout(contains("model version  2.3"));
    ws.cmd()
        .args(["systems", "edit", "Churn", "--model-version", "2.3\t2.4"])
        .assert()
        .code(1)
        .stderr(contains("model_version"))
        .stderr(contains("control characters"));
    let s = ws.json(&["systems", "edit", "Churn", "--model-version", ""]);
    assert!(
        s.get("model_version").is_none(),
        "\"\" clears it, and an empty version is left out: {s}"
    );
}
