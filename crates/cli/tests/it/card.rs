//! `steward card`: a card edited with --set and from a TOML draft, listed, shown, diffed, and
//! exported as Markdown (its metadata read by PyYAML) and as a signed PDF (checked by pdfsig);
//! bad input refused with what and where, writing nothing.

use std::process::Command as Proc;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use crate::support::Ws;

const PASS: &str = "correct horse battery";

const REQUIRED: [&str; 6] = [
    "intended_use=Ranks customers by the risk that they leave.",
    "Out-of-scope use=Pricing and credit decisions.",
    "limitations=New customers are scored poorly.",
    "assumptions=Transaction history is complete.",
    "fallback=The retention team works its segment list.",
    "human_oversight=Agents decide whom to call.",
];

/// A workspace with "Churn Predictor" and its card of version 2.1 at revision 1.
fn with_card() -> Ws {
    let ws = Ws::new();
    ws.cmd()
        .args([
            "systems",
            "add",
            "--name",
            "Churn Predictor",
            "--unit",
            "Marketing",
        ])
        .args(["--owner", "Liam O'Connor", "--tags", "retention; yes"])
        .assert()
        .success();
    let mut c = ws.cmd();
    c.args(["card", "edit", "Churn Predictor", "--version", "2.1"]);
    for s in REQUIRED {
        c.args(["--set", s]);
    }
    c.assert().success().stdout(contains(
        "saved revision 1 of the card of Churn Predictor, model version 2.1",
    ));
    ws
}

fn entries(ws: &Ws) -> i64 {
    ws.json(&["info"])["audit_entries"]
        .as_i64()
        .expect("a count")
}

#[test]
fn a_card_is_edited_listed_diffed_and_shown() {
    let ws = with_card();
    ws.cmd()
        .args(["card", "edit", "Churn Predictor", "--version", "2.1"])
        .args([
            "--set",
            "limitations=New customers and closed products are scored poorly.",
        ])
        .assert()
        .success()
        .stdout(contains("saved revision 2"));
    ws.cmd()
        .args(["card", "edit", "Churn Predictor", "--version", "2.1"])
        .args([
            "--set",
            "limitations=New customers and closed products are scored poorly.",
        ])
        .assert()
        .success()
        .stdout(contains(
            "no change: the card of Churn Predictor, model version 2.1, stays at revision 2",
        ));

    let list = ws.json(&["card", "list", "Churn Predictor"]);
    assert_eq!(list[0]["model_version"], "2.1", "{list}");
    assert_eq!(list[0]["revisions"], 2, "{list}");
    ws.cmd()
        .args(["card", "list", "Churn Predictor", "--version", "2.1"])
        .assert()
        .success()
        .stdout(contains("revision").and(contains("tester")));

    ws.cmd()
        .args(["card", "diff", "Churn Predictor"])
        .assert()
        .success()
        .stdout(
            contains("revision 2 against revision 1")
                .and(contains("Limitations (limitations)"))
                .and(contains("  revision 1: New customers are scored poorly."))
                .and(contains(
                    "  revision 2: New customers and closed products are scored poorly.",
                ))
                .and(contains("Fallback").not()),
        );
    let d = ws.json(&[
        "card",
        "diff",
        "Churn Predictor",
        "--version",
        "2.1",
        "--revision",
        "1",
    ]);
    assert_eq!(
        d["against"],
        serde_json::Value::Null,
        "the first revision: {d}"
    );
    assert_eq!(d["changes"].as_array().map(Vec::len), Some(6), "{d}");

    ws.cmd()
        .args(["card", "show", "Churn Predictor", "--revision", "1"])
        .assert()
        .success()
        .stdout(
            contains("---\nmodel_name: Churn Predictor\n")
                .and(contains(
                    "## Limitations\n\nNew customers are scored poorly.",
                ))
                .and(contains("## Evaluation")),
        );
    let card = ws.json(&["card", "show", "Churn Predictor"]);
    assert_eq!(card["revision"]["revision"], 2, "{card}");
    assert_eq!(card["system"]["owner"], "Liam O'Connor", "{card}");
}

#[test]
fn a_card_exports_as_markdown_pdf_and_a_draft_that_reads_back() {
    let ws = with_card();
    let dir = ws.dir.path();

    let md = dir.join("MODEL_CARD.md");
    ws.cmd()
        .args(["card", "export", "Churn Predictor", "-o"])
        .arg(&md)
        .assert()
        .success()
        .stdout(contains("wrote"));
    let script = "import json, sys, yaml\n\
                  t = open(sys.argv[1], encoding='utf-8').read()\n\
                  end = t.index('\\n---\\n', 3)\n\
                  print(json.dumps(yaml.safe_load(t[4:end + 1])))\n";
    let out = Proc::new("python3")
        .args(["-c", script])
        .arg(&md)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "PyYAML reads the metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(meta["model_version"], "2.1", "text, not a number: {meta}");
    assert_eq!(
        meta["tags"],
        serde_json::json!(["retention", "yes"]),
        "a tag \"yes\" stays text for a YAML 1.1 reader: {meta}"
    );

    // The PDF is signed: with no identity it is refused and nothing is written.
    let pdf = dir.join("card.pdf");
    ws.cmd()
        .arg("--identity-dir")
        .arg(dir.join("id"))
        .args(["card", "export", "Churn Predictor", "-o"])
        .arg(&pdf)
        .assert()
        .code(1)
        .stderr(contains("no signing identity"));
    assert!(!pdf.exists(), "no unsigned PDF");
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(dir.join("id"))
        .args([
            "identity",
            "init",
            "--name",
            "Yuki Tanaka",
            "--role",
            "Technical lead",
        ])
        .args(["--org", "Acme Bank"])
        .assert()
        .success();
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(dir.join("id"))
        .args([
            "card",
            "export",
            "Churn Predictor",
            "--version",
            "2.1",
            "-o",
        ])
        .arg(&pdf)
        .assert()
        .success()
        .stdout(contains("signed"));
    let said = Proc::new("pdfsig")
        .arg(&pdf)
        .output()
        .unwrap_or_else(|e| panic!("pdfsig must be installed (poppler-utils): {e}"));
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(
        said.contains("Signature is Valid.") && said.contains("Yuki Tanaka"),
        "pdfsig accepts the card signed with the identity: {said}"
    );

    // The draft: written, edited, read back as the next revision.
    let draft = dir.join("card.toml");
    ws.cmd()
        .args(["card", "export", "Churn Predictor", "-o"])
        .arg(&draft)
        .assert()
        .success();
    let text = std::fs::read_to_string(&draft).expect("the draft");
    std::fs::write(
        &draft,
        text.replace(
            "Agents decide whom to call.",
            "Agents decide; supervisors review weekly.",
        ),
    )
    .expect("edit");
    ws.cmd()
        .args([
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1",
            "--file",
        ])
        .arg(&draft)
        .assert()
        .success()
        .stdout(contains("saved revision 2"));
    let d = ws.json(&["card", "diff", "Churn Predictor"]);
    assert_eq!(d["changes"][0]["field"], "human_oversight", "{d}");
}

#[test]
fn bad_input_is_refused_naming_what_and_writes_nothing() {
    let ws = with_card();
    let before = entries(&ws);
    let fails = |args: &[&str], says: &[&str]| {
        let out = ws.cmd().args(args).output().expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?} fails: {err}");
        for s in says {
            assert!(err.contains(s), "{args:?} says {s:?}: {err}");
        }
    };
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1",
            "--set",
            "owner=Ann",
            "--set",
            "risk=low",
        ],
        &[
            "owner: \"owner\" is not a field of a model card",
            "risk: \"risk\" is not a field",
            "the fields are: intended_use",
        ],
    );
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1",
            "--set",
            "limitations",
        ],
        &["--set \"limitations\": expected FIELD=TEXT"],
    );
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "3.0",
            "--set",
            "limitations=x",
        ],
        &[
            "intended_use: Intended uses is required",
            "fallback: Fallback is required",
        ],
    );
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1",
            "--set",
            "fallback=  ",
        ],
        &["fallback: Fallback is required"],
    );
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1/x",
            "--set",
            "fallback=y",
        ],
        &["version: \"2.1/x\" is not a version label"],
    );
    fails(
        &[
            "card",
            "edit",
            "Churn Predicter",
            "--version",
            "2.1",
            "--set",
            "fallback=y",
        ],
        &["system not found: Churn Predicter"],
    );
    fails(
        &["card", "show", "Churn Predictor", "--version", "9"],
        &["no card of model version \"9\"", "its versions are 2.1"],
    );
    fails(
        &["card", "diff", "Churn Predictor", "--revision", "4"],
        &[
            "4 of the card of Churn Predictor version 2.1",
            "its only revision is 1",
        ],
    );
    let bad = ws.file("bad.toml", b"limitations = 3\nowner = \"x\"\n");
    fails(
        &[
            "card",
            "edit",
            "Churn Predictor",
            "--version",
            "2.1",
            "--file",
            bad.to_str().expect("utf-8"),
        ],
        &[
            "bad.toml: limitations: is not text but a TOML integer",
            "bad.toml: owner",
        ],
    );
    let out = ws.dir.path().join("card.docx");
    fails(
        &[
            "card",
            "export",
            "Churn Predictor",
            "-o",
            out.to_str().expect("utf-8"),
        ],
        &["unknown format \"docx\""],
    );
    assert!(!out.exists(), "no file for a refused export");
    // Usage errors: exit 2.
    ws.cmd()
        .args(["card", "edit", "Churn Predictor", "--set", "fallback=y"])
        .assert()
        .code(2)
        .stderr(contains("--version"));
    ws.cmd()
        .args(["card", "edit", "Churn Predictor", "--version", "2.1"])
        .assert()
        .code(2)
        .stderr(contains("--set"));
    assert_eq!(entries(&ws), before, "nothing was logged");
    assert_eq!(
        ws.json(&["card", "list", "Churn Predictor"])[0]["revisions"],
        1,
        "no revision was added"
    );
}
