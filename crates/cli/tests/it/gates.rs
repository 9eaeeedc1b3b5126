//! The gates from the command line: `systems add` and `systems import` refused beyond a gate
//! (with the row located in the dry run), and a major change of a production system proposed
//! with `signoff request --gate major_change --set`, signed, and then saved.

use std::path::{Path, PathBuf};

use crate::support::Ws;

const PASS: &str = "correct horse battery";

/// Runs `steward ARGS` as the holder of the identity in `id`; returns (success, stdout, stderr).
fn run(ws: &Ws, id: &Path, args: &[&str]) -> (bool, String, String) {
    let out = ws
        .cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(id)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(ws: &Ws, id: &Path, args: &[&str]) -> String {
    let (success, out, err) = run(ws, id, args);
    assert!(success, "steward {args:?} should succeed: {err}");
    out
}

fn refused(ws: &Ws, id: &Path, args: &[&str]) -> String {
    let (success, _, err) = run(ws, id, args);
    assert!(!success, "steward {args:?} should fail");
    err
}

/// A workspace whose board "Model board" has Ann (legal, with her identity in `id-ann`), a
/// pre-deployment rule for high risk and a major-change rule for medium risk (Ann approves).
fn setup() -> (Ws, PathBuf) {
    let ws = Ws::new();
    let id = ws.dir.path().join("id-ann");
    let cert = ws.dir.path().join("ann.pem");
    let id_s = id.display().to_string();
    let cert_s = cert.display().to_string();
    ok(
        &ws,
        &id,
        &[
            "identity",
            "init",
            "--name",
            "Ann Legal",
            "--role",
            "Board",
            "--org",
            "Acme",
        ],
    );
    ok(&ws, &id, &["identity", "export-cert", "-o", &cert_s]);
    ok(&ws, &id, &["signoff", "board", "create", "Model board"]);
    ok(
        &ws,
        &id,
        &[
            "signoff",
            "board",
            "add-member",
            "Model board",
            "--name",
            "Ann Legal",
            "--role",
            "legal",
            "--cert",
            &cert_s,
        ],
    );
    for (gate, tier) in [("pre_deployment", "high"), ("major_change", "medium")] {
        ok(
            &ws,
            &id,
            &[
                "signoff",
                "rule",
                "set",
                "--gate",
                gate,
                "--tier",
                tier,
                "--board",
                "Model board",
                "--require",
                "legal=1",
                "--quorum",
                "1",
            ],
        );
    }
    assert!(id_s.ends_with("id-ann"));
    (ws, id)
}

#[test]
fn systems_add_and_import_are_refused_beyond_a_gate() {
    let (ws, id) = setup();
    let add = |stage: &str, risk: &str| {
        run(
            &ws,
            &id,
            &[
                "systems",
                "add",
                "--name",
                "Fraud Scorer",
                "--unit",
                "Retail",
                "--owner",
                "Olu",
                "--risk",
                risk,
                "--stage",
                stage,
                "--deployed",
                "2026-01-05",
            ],
        )
    };
    let (success, _, err) = add("production", "high");
    assert!(!success);
    assert!(
        err.contains("Fraud Scorer cannot be added at stage production")
            && err.contains("pre_deployment rule for risk tier high (board \"Model board\")"),
        "names the system, the stage and the rule: {err}"
    );
    assert!(
        err.contains("hint: add it with `--stage staging` (or earlier)")
            && err.contains("steward signoff request \"Fraud Scorer\" --gate pre_deployment"),
        "the hint names the way through: {err}"
    );
    let (success, _, err) = add("retired", "low");
    assert!(
        !success,
        "retired is refused even where no rule is in force"
    );
    assert!(
        err.contains("Fraud Scorer cannot be added as retired")
            && err.contains("steward systems retire \"Fraud Scorer\""),
        "{err}"
    );
    assert!(ws.names().is_empty(), "nothing was added");

    let csv = ws.file(
        "new.csv",
        b"Name,Business unit,Owner,Stage,Risk tier,Deployment date\n\
          Fraud Scorer,Retail,Olu,production,high,2026-01-05\n",
    );
    let csv = csv.display().to_string();
    let err = refused(&ws, &id, &["systems", "import", &csv, "--dry-run"]);
    assert!(
        err.contains("row 2, column D (Stage), value \"production\": Fraud Scorer cannot be added at stage production"),
        "the dry run locates the row: {err}"
    );
    let err = refused(&ws, &id, &["systems", "import", &csv]);
    assert!(err.contains("import refused, nothing was written"), "{err}");
    assert!(ws.names().is_empty(), "nothing was imported");

    let (success, _, err) = add("production", "low");
    assert!(success, "no pre-deployment rule for low risk: {err}");
}

#[test]
fn a_major_change_is_proposed_signed_and_then_saved() {
    let (ws, id) = setup();
    let p = |p: &Path| p.display().to_string();
    ok(
        &ws,
        &id,
        &[
            "systems",
            "add",
            "--name",
            "Churn",
            "--unit",
            "Retail",
            "--owner",
            "Olu",
            "--risk",
            "medium",
            "--stage",
            "staging",
            "--purpose",
            "Predicts churn",
        ],
    );
    ok(&ws, &id, &["systems", "stage", "Churn", "production"]);
    let new = "Predicts churn and prices renewals";

    let err = refused(&ws, &id, &["systems", "edit", "Churn", "--purpose", new]);
    assert!(
        err.contains("Churn is in production and this change of it is major (purpose)")
            && err.contains("major_change rule for risk tier medium"),
        "{err}"
    );
    assert!(
        err.contains("hint: propose the change with `steward signoff request \"Churn\" --gate major_change --set purpose=VALUE`"),
        "{err}"
    );
    ok(&ws, &id, &["systems", "edit", "Churn", "--owner", "Liam"]);

    for (set, want) in [
        ("colour=red", "\"colour\" is not a field of a system"),
        (
            "risk_tier=extreme",
            "unknown risk tier \"extreme\"; accepted values: low, medium, high",
        ),
        ("purpose", "expected FIELD=VALUE"),
    ] {
        let err = refused(
            &ws,
            &id,
            &[
                "signoff",
                "request",
                "Churn",
                "--gate",
                "major_change",
                "--set",
                set,
            ],
        );
        assert!(err.contains(want), "--set {set}: {err}");
    }
    let v: serde_json::Value = serde_json::from_str(&ok(
        &ws,
        &id,
        &[
            "signoff",
            "request",
            "Churn",
            "--gate",
            "major_change",
            "--set",
            &format!("Purpose={new}"),
            "--json",
        ],
    ))
    .expect("json");
    assert_eq!(v["status"], "pending");
    assert_eq!(v["request"]["proposed"][0]["field"], "purpose");
    assert_eq!(
        v["request"]["proposed"][0]["to"],
        serde_json::to_string(new).expect("json")
    );

    let file = ws.dir.path().join("request.json");
    let sig = ws.dir.path().join("ann.sig.json");
    ok(
        &ws,
        &id,
        &["signoff", "export-request", "1", "-o", &p(&file)],
    );
    let shown = ok(&ws, &id, &["signoff", "sign", &p(&file)]);
    assert!(
        shown.contains("proposed change (the record under review has it made):")
            && shown.contains(&format!("purpose: \"Predicts churn\" -> \"{new}\"")),
        "the signer reads the proposal: {shown}"
    );
    ok(
        &ws,
        &id,
        &[
            "signoff",
            "sign",
            &p(&file),
            "--role",
            "legal",
            "--decision",
            "approve",
            "-o",
            &p(&sig),
        ],
    );
    ok(&ws, &id, &["signoff", "import-signature", &p(&sig)]);
    let err = refused(
        &ws,
        &id,
        &["systems", "edit", "Churn", "--purpose", "Something else"],
    );
    assert!(
        err.contains("request 1 (approved) is for a different change: the record would differ from it in system.purpose"),
        "{err}"
    );
    ok(&ws, &id, &["systems", "edit", "Churn", "--purpose", new]);
    let shown = ok(&ws, &id, &["systems", "show", "Churn", "--json"]);
    assert!(shown.contains(new), "{shown}");
}
