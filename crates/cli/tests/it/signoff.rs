//! `steward signoff ...` end to end: a board of three people, each with their own identity
//! directory (their laptop), a request file passed around, signature files imported, the gate.

use std::path::{Path, PathBuf};

use crate::support::Ws;

const PASS: &str = "correct horse battery";

/// Creates an identity for `name` in its own directory (their laptop) and writes its certificate.
pub(crate) fn person(ws: &Ws, name: &str) -> (PathBuf, PathBuf) {
    let id = ws.dir.path().join(format!("id-{name}"));
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .args(["--identity-dir"])
        .arg(&id)
        .args([
            "identity",
            "init",
            "--name",
            name,
            "--role",
            "Board member",
            "--org",
            "Acme",
        ])
        .assert()
        .success();
    let cert = ws.dir.path().join(format!("{name}.pem"));
    ws.cmd()
        .arg("--identity-dir")
        .arg(&id)
        .args(["identity", "export-cert", "-o"])
        .arg(&cert)
        .assert()
        .success();
    (id, cert)
}

fn run(ws: &Ws, id: &Path, args: &[&str]) -> std::process::Output {
    ws.cmd()
        .env("STEWARD_PASSPHRASE", PASS)
        .arg("--identity-dir")
        .arg(id)
        .args(args)
        .output()
        .expect("runs")
}

pub(crate) fn ok(ws: &Ws, id: &Path, args: &[&str]) -> String {
    let out = run(ws, id, args);
    assert!(
        out.status.success(),
        "steward {args:?} should succeed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn refused(ws: &Ws, id: &Path, args: &[&str]) -> String {
    let out = run(ws, id, args);
    assert!(!out.status.success(), "steward {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn two_signers_sign_on_their_laptops_and_the_system_is_promoted() {
    let ws = Ws::new();
    let (ann_id, ann_cert) = person(&ws, "Ann Legal");
    let (bob_id, bob_cert) = person(&ws, "Bob Compliance");
    let (eve_id, _) = person(&ws, "Eve Outsider");
    let p = |p: &Path| p.display().to_string();
    ok(
        &ws,
        &ann_id,
        &[
            "systems",
            "add",
            "--name",
            "Credit Scorer",
            "--risk",
            "high",
            "--stage",
            "staging",
            "--owner",
            "Olu Owner",
            "--business-unit",
            "Retail",
        ],
    );
    ok(&ws, &ann_id, &["signoff", "board", "create", "Model board"]);
    ok(
        &ws,
        &ann_id,
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
            &p(&ann_cert),
        ],
    );
    ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "board",
            "add-member",
            "Model board",
            "--name",
            "Bob Compliance",
            "--role",
            "compliance",
            "--cert",
            &p(&bob_cert),
        ],
    );

    let e = refused(
        &ws,
        &ann_id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "pre_deployment",
            "--tier",
            "high",
            "--board",
            "Model board",
            "--require",
            "legal=2",
            "--quorum",
            "2",
        ],
    );
    assert!(
        e.contains("2 legal of 1 required but the board has 1 legal member"),
        "an unsatisfiable rule says why: {e}"
    );
    let e = refused(
        &ws,
        &ann_id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "go_live",
            "--tier",
            "high",
            "--board",
            "Model board",
            "--quorum",
            "2",
        ],
    );
    assert!(
        e.contains(
            "unknown gate \"go_live\"; expected one of pre_deployment, major_change, retirement"
        ),
        "{e}"
    );
    ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "pre-deployment",
            "--tier",
            "high",
            "--board",
            "Model board",
            "--require",
            "legal=1",
            "--require",
            "compliance=1",
            "--quorum",
            "2",
        ],
    );

    let e = refused(
        &ws,
        &ann_id,
        &["systems", "stage", "Credit Scorer", "production"],
    );
    assert!(
        e.contains("needs an approved pre-deployment sign-off"),
        "the gate is shut: {e}"
    );
    // The evidence the policy asks for is there: this test is about the sign-off.
    crate::support::meet_evidence_policy(&ws, "Credit Scorer");

    let req: serde_json::Value = serde_json::from_str(&ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "request",
            "Credit Scorer",
            "--gate",
            "pre_deployment",
            "--json",
        ],
    ))
    .expect("json");
    assert_eq!(req["status"], "pending");
    let file = ws.dir.path().join("request.json");
    ok(
        &ws,
        &ann_id,
        &["signoff", "export-request", "1", "-o", &p(&file)],
    );

    // Each signer's laptop: no workspace needed, only the request file and their identity.
    let review = ok(&ws, &bob_id, &["signoff", "sign", &p(&file)]);
    assert!(
        review.contains("Pre-deployment sign-off of Credit Scorer")
            && review.contains("owner: \"Olu Owner\""),
        "the review shows the record: {review}"
    );
    let ann_sig = ws.dir.path().join("ann.sig.json");
    let bob_sig = ws.dir.path().join("bob.sig.json");
    ok(
        &ws,
        &ann_id,
        &[
            "signoff",
            "sign",
            &p(&file),
            "--role",
            "legal",
            "--decision",
            "approve",
            "-o",
            &p(&ann_sig),
        ],
    );
    ok(
        &ws,
        &bob_id,
        &[
            "signoff",
            "sign",
            &p(&file),
            "--role",
            "compliance",
            "--decision",
            "approve_with_conditions",
            "--conditions",
            "Monthly drift report",
            "-o",
            &p(&bob_sig),
        ],
    );
    let e = refused(
        &ws,
        &eve_id,
        &[
            "signoff",
            "sign",
            &p(&file),
            "--role",
            "legal",
            "--decision",
            "approve",
            "-o",
            "x.json",
        ],
    );
    assert!(e.contains("not a board member's for the role legal"), "{e}");

    ok(
        &ws,
        &ann_id,
        &["signoff", "import-signature", &p(&ann_sig), &p(&bob_sig)],
    );
    let e = refused(&ws, &ann_id, &["signoff", "import-signature", &p(&ann_sig)]);
    assert!(e.contains("replayed signature"), "{e}");

    let st: serde_json::Value =
        serde_json::from_str(&ok(&ws, &ann_id, &["signoff", "status", "1", "--json"]))
            .expect("json");
    assert_eq!(st["status"], "approved");
    assert_eq!(st["signatures"].as_array().map(Vec::len), Some(2));
    let actions: serde_json::Value =
        serde_json::from_str(&ok(&ws, &ann_id, &["signoff", "actions", "--json"])).expect("json");
    assert_eq!(actions[0]["text"], "Monthly drift report");
    assert_eq!(actions[0]["owner"], "Olu Owner");

    ok(
        &ws,
        &ann_id,
        &["systems", "stage", "Credit Scorer", "production"],
    );
}

#[test]
fn bad_arguments_and_files_name_what_is_wrong() {
    let ws = Ws::new();
    let (id, _) = person(&ws, "Ann Legal");
    let junk = ws.file("junk.json", b"{\"format\": \"something else\"}");
    let e = refused(&ws, &id, &["signoff", "sign", &junk.display().to_string()]);
    assert!(
        e.contains("junk.json is not a readable sign-off request file"),
        "{e}"
    );
    let e = refused(
        &ws,
        &id,
        &["signoff", "import-signature", &junk.display().to_string()],
    );
    assert!(
        e.contains("junk.json is not a readable sign-off signature file"),
        "{e}"
    );
    let e = refused(
        &ws,
        &id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "retirement",
            "--tier",
            "high",
            "--board",
            "B",
            "--require",
            "legal",
            "--quorum",
            "1",
        ],
    );
    assert!(e.contains("\"legal\" is not ROLE=N (e.g. legal=1)"), "{e}");
    let e = refused(
        &ws,
        &id,
        &[
            "signoff",
            "rule",
            "set",
            "--gate",
            "retirement",
            "--tier",
            "high",
            "--board",
            "Nope",
            "--quorum",
            "1",
        ],
    );
    assert!(e.contains("review board not found: Nope"), "{e}");
    let e = refused(&ws, &id, &["signoff", "status", "9"]);
    assert!(e.contains("sign-off request not found: 9"), "{e}");
}
