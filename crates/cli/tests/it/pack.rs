//! Signed reports and audit packs: round trips, tampering, and checks by independent programs
//! (pdfsig, qpdf, openssl, sha256sum, Python's zipfile), installed by the test command.

use std::path::{Path, PathBuf};
use std::process::Command as Proc;

use predicates::str::contains;

use crate::support::Ws;

const PASS: &str = "correct horse battery";

/// A workspace with the demo portfolio and a signing identity for `name`.
fn signed_ws(name: &str) -> Ws {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    identity(&ws, name, &ws.dir.path().join("id"));
    ws
}

fn identity(ws: &Ws, name: &str, dir: &Path) {
    ws.cmd()
        .env("STEWARD_IDENTITY_DIR", dir)
        .env("STEWARD_PASSPHRASE", PASS)
        .args([
            "identity",
            "init",
            "--name",
            name,
            "--role",
            "Risk officer",
            "--org",
            "Acme Bank",
        ])
        .assert()
        .success();
}

fn signing(ws: &Ws) -> assert_cmd::Command {
    let mut c = ws.cmd();
    c.env("STEWARD_IDENTITY_DIR", ws.dir.path().join("id"))
        .env("STEWARD_PASSPHRASE", PASS);
    c
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Proc::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (./x.sh test installs it): {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn make_pack(ws: &Ws) -> PathBuf {
    let pack = ws.dir.path().join("pack.zip");
    signing(ws)
        .args(["pack", "create", "-o"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(contains("signed by Ann Lee"));
    pack
}

#[test]
fn signed_register_pdf_is_valid_for_pdfsig_and_qpdf_and_breaks_on_one_byte() {
    let ws = signed_ws("Ann Lee");
    let pdf = ws.dir.path().join("register.pdf");
    signing(&ws)
        .args(["report", "register", "--sign", "-o"])
        .arg(&pdf)
        .assert()
        .success();
    let p = pdf.to_str().expect("utf8");
    let (_, sig) = run("pdfsig", &[p]);
    assert!(
        sig.contains("Signature is Valid."),
        "pdfsig accepts the signature: {sig}"
    );
    assert!(sig.contains("Ann Lee"), "pdfsig names the signer: {sig}");
    let (ok, check) = run("qpdf", &["--check", p]);
    assert!(
        ok && check.contains("No syntax or stream encoding errors"),
        "qpdf finds the file sound: {check}"
    );
    signing(&ws)
        .arg("verify")
        .arg(&pdf)
        .assert()
        .success()
        .stdout(contains("valid PDF signature by CN=Ann Lee"));

    // Flip one byte of the report's content (inside the first signed range).
    let mut bytes = std::fs::read(&pdf).expect("read");
    let at = bytes
        .windows(7)
        .position(|w| w == b"/Length")
        .expect("a stream length")
        + 9;
    bytes[at] ^= 0x01;
    let bad = ws.dir.path().join("tampered.pdf");
    std::fs::write(&bad, &bytes).expect("write");
    let (_, sig) = run("pdfsig", &[bad.to_str().expect("utf8")]);
    assert!(
        !sig.contains("Signature is Valid."),
        "pdfsig must reject a changed byte: {sig}"
    );
    signing(&ws)
        .arg("verify")
        .arg(&bad)
        .assert()
        .code(1)
        .stdout(contains("invalid"));
}

#[test]
fn pack_round_trip_and_independent_check() {
    let ws = signed_ws("Ann Lee");
    let pack = make_pack(&ws);
    signing(&ws)
        .arg("verify")
        .arg(&pack)
        .assert()
        .success()
        .stdout(contains("every check holds"));
    // The auditor's way, as HOW-TO-VERIFY.txt and the README say.
    let dir = ws.dir.path().join("unzipped");
    let (ok, out) = run(
        "python3",
        &[
            "-m",
            "zipfile",
            "-e",
            pack.to_str().expect("utf8"),
            dir.to_str().expect("utf8"),
        ],
    );
    assert!(ok, "python's zipfile reads the pack: {out}");
    let d = dir.to_str().expect("utf8");
    let (ok, out) = run("sh", &["-c", &format!("cd {d} && sha256sum -c SHA256SUMS")]);
    assert!(
        ok && !out.contains("FAILED"),
        "sha256sum agrees with every file: {out}"
    );
    let (ok, out) = run(
        "sh",
        &["-c", &format!("cd {d} && openssl cms -verify -binary -inform DER -in SHA256SUMS.p7s -content SHA256SUMS -certfile signer.pem -CAfile signer.pem -purpose any -out /dev/null")],
    );
    assert!(
        ok && out.contains("Verification successful"),
        "openssl verifies the signed checksums: {out}"
    );
    let (_, sig) = run("pdfsig", &[&format!("{d}/reports/register.pdf")]);
    assert!(
        sig.contains("Signature is Valid."),
        "the PDF inside the pack is signed: {sig}"
    );
}

/// Applies `script` (Python, with `src` and `dst` zip paths) to the pack, then checks that
/// `steward verify` fails and names `expected`.
fn check_tampered(script: &str, expected: &[&str]) {
    let ws = signed_ws("Ann Lee");
    let pack = make_pack(&ws);
    let bad = ws.dir.path().join("bad.zip");
    let prog = format!(
        "import zipfile,sys\nsrc=zipfile.ZipFile(sys.argv[1])\ndst=zipfile.ZipFile(sys.argv[2],'w')\n{script}\ndst.close()"
    );
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            &prog,
            pack.to_str().expect("utf8"),
            bad.to_str().expect("utf8"),
        ],
    );
    assert!(ok, "tampering script runs: {out}");
    let assert = signing(&ws).arg("verify").arg(&bad).assert().code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for e in expected {
        assert!(
            stdout.contains(e),
            "verify should report {e:?}; it said:\n{stdout}"
        );
    }
}

const COPY_EXCEPT: &str = "for i in src.infolist():\n    if i.filename not in SKIP: dst.writestr(i, src.read(i.filename))";

#[test]
fn tampered_packs_are_named() {
    check_tampered(
        &format!("SKIP=['data/register.csv']\n{COPY_EXCEPT}\ndst.writestr('data/register.csv', b'name\\nforged\\n')"),
        &["FAIL  data/register.csv: altered"],
    );
    check_tampered(
        &format!("SKIP=['reports/register.xlsx']\n{COPY_EXCEPT}"),
        &["FAIL  reports/register.xlsx: listed in the manifest but missing"],
    );
    check_tampered(
        &format!("SKIP=[]\n{COPY_EXCEPT}\ndst.writestr('data/extra.csv', b'x')"),
        &["FAIL  data/extra.csv: not listed in the manifest"],
    );
    check_tampered(
        &format!("SKIP=['manifest.json']\n{COPY_EXCEPT}\ndst.writestr('manifest.json', src.read('manifest.json').replace(b'\"created_by\": \"tester\"', b'\"created_by\": \"mallory\"'))"),
        &["FAIL  manifest.json.p7s", "digest mismatch", "FAIL  SHA256SUMS"],
    );
    check_tampered(
        "dst.writestr('readme.txt', b'not a pack')",
        &["manifest.json: missing"],
    );
}

/// Writes `name` as `mib` MiB of zeros, deflated to a few hundred KB.
fn bomb(name: &str, mib: usize) -> String {
    format!("with dst.open('{name}', 'w', force_zip64=True) as w:\n    for _ in range({mib}): w.write(bytes(1 << 20))")
}

#[test]
fn zip_bombs_are_refused_without_inflating_them() {
    // The manifest read whole: refused past its cap, not parsed.
    check_tampered(
        &format!(
            "SKIP=['manifest.json']\n{COPY_EXCEPT}\n{}",
            bomb("manifest.json", 20)
        ),
        &["FAIL  manifest.json: inflates to more than the 16777216 bytes accepted here"],
    );
    // A listed file is never inflated past the size its manifest gives.
    check_tampered(
        &format!(
            "SKIP=['data/register.csv']\n{COPY_EXCEPT}\n{}",
            bomb("data/register.csv", 64)
        ),
        &["FAIL  data/register.csv: altered: it holds more than the"],
    );
    // 256 MiB that inflated into memory before: the peak stays far below it.
    let ws = signed_ws("Ann Lee");
    let pack = make_pack(&ws);
    let bad = ws.dir.path().join("bomb.zip");
    let steward = assert_cmd::cargo::cargo_bin("steward");
    let prog = format!(
        "import zipfile,sys,subprocess,resource\nsrc=zipfile.ZipFile(sys.argv[1])\ndst=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED)\nSKIP=['data/register.csv']\n{COPY_EXCEPT}\n{}\ndst.close()\n\
r=subprocess.run([sys.argv[3],'--data-dir',sys.argv[4],'verify',sys.argv[2]],capture_output=True,text=True,env={{'STEWARD_IDENTITY_DIR':sys.argv[5],'PATH':'/usr/bin:/bin'}})\n\
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nprint(r.stdout)",
        bomb("data/register.csv", 256)
    );
    let (ok, out) = run(
        "python3",
        &[
            "-c",
            &prog,
            pack.to_str().expect("utf8"),
            bad.to_str().expect("utf8"),
            steward.to_str().expect("utf8"),
            ws.data().to_str().expect("utf8"),
            ws.dir.path().join("id").to_str().expect("utf8"),
        ],
    );
    assert!(ok, "the bomb is built and verified: {out}");
    let (first, report) = out.split_once('\n').expect("two parts");
    let (code, peak_kib) = first.split_once(' ').expect("code and peak");
    assert_eq!(code, "1", "the pack fails verification: {report}");
    assert!(
        report.contains("FAIL  data/register.csv: altered: it holds more than the"),
        "names the file: {report}"
    );
    let peak_mib = peak_kib.trim().parse::<u64>().expect("a number") / 1024;
    assert!(
        peak_mib < 128,
        "verifying a pack with a 256 MiB entry peaked at {peak_mib} MiB"
    );
}

#[test]
fn signature_from_an_unknown_certificate_is_refused() {
    let ws = signed_ws("Ann Lee");
    let pack = make_pack(&ws);
    // Someone else, with no knowledge of Ann's certificate, checks the pack.
    let other = ws.dir.path().join("other-id");
    identity(&ws, "Bob Stone", &other);
    let mut c = ws.cmd_in(&ws.dir.path().join("elsewhere"));
    c.env("STEWARD_IDENTITY_DIR", &other);
    let out = c.arg("verify").arg(&pack).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unknown signer fails verification: {stdout}"
    );
    assert!(
        stdout.contains("not said you trust") && stdout.contains("CN=Ann Lee"),
        "names the unknown signer: {stdout}"
    );
    // Once Bob trusts Ann's certificate, the same pack verifies.
    let cert = ws.dir.path().join("ann.pem");
    signing(&ws)
        .args(["identity", "export-cert", "-o"])
        .arg(&cert)
        .assert()
        .success();
    let mut c = ws.cmd_in(&ws.dir.path().join("elsewhere"));
    c.env("STEWARD_IDENTITY_DIR", &other)
        .arg("verify")
        .arg(&pack)
        .arg("--trust")
        .arg(&cert)
        .assert()
        .success();
}

#[test]
fn audit_chain_is_anchored_by_a_pack() {
    let ws = signed_ws("Ann Lee");
    let pack = make_pack(&ws);
    let then = ws.json(&["audit", "log"])["entries"]
        .as_array()
        .map(Vec::len)
        .expect("a list");
    ws.cmd()
        .args(["audit", "verify", "--against"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(contains("extends"));
    ws.cmd()
        .args([
            "systems", "add", "--name", "Later", "--unit", "U", "--owner", "O",
        ])
        .assert()
        .success();
    ws.cmd()
        .args(["audit", "verify", "--against"])
        .arg(&pack)
        .assert()
        .success()
        .stdout(contains(format!("{then} entries then, {} now", then + 1)));
    // Truncation: the newest entries vanish. The chain itself still holds, but the records
    // those entries wrote are stored with no entry, and the pack's seal is gone.
    let db = ws.data().join("steward.db");
    let sql = |q: &str| {
        run("python3", &["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", db.to_str().expect("utf8"), q])
    };
    assert!(sql("DELETE FROM audit_log WHERE seq >= 30").0, "truncate");
    ws.cmd()
        .args(["audit", "verify"])
        .assert()
        .code(1)
        .stdout(contains("audit chain intact: 29 entries"))
        .stdout(contains("added behind Steward's back"))
        .stdout(contains("FAILING"));
    ws.cmd()
        .args(["audit", "verify", "--against"])
        .arg(&pack)
        .assert()
        .code(1)
        .stdout(contains("truncated"));
}

#[test]
fn signing_without_identity_names_the_command() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    ws.cmd()
        .env("STEWARD_IDENTITY_DIR", ws.dir.path().join("none"))
        .args(["pack", "create", "-o", "x.zip"])
        .assert()
        .code(1)
        .stderr(contains(
            "steward identity init --name NAME --role ROLE --org ORG",
        ));
    let wrong = signed_ws("Ann Lee");
    wrong
        .cmd()
        .env("STEWARD_IDENTITY_DIR", wrong.dir.path().join("id"))
        .env("STEWARD_PASSPHRASE", "not the passphrase")
        .args(["pack", "create", "-o"])
        .arg(wrong.dir.path().join("x.zip"))
        .assert()
        .code(1)
        .stderr(contains("wrong passphrase"));
    assert!(
        !wrong.dir.path().join("x.zip").exists(),
        "a failed pack leaves no file"
    );
}

#[test]
fn report_formats_are_pdf_and_xlsx_and_only_pdf_is_signed() {
    let ws = Ws::new();
    ws.cmd().arg("demo").assert().success();
    let xlsx = ws.dir.path().join("register.xlsx");
    ws.cmd()
        .args(["report", "register", "--format", "xlsx", "-o"])
        .arg(&xlsx)
        .assert()
        .success()
        .stdout(contains("bytes"));
    assert!(
        std::fs::read(&xlsx).expect("written").starts_with(b"PK"),
        "an .xlsx is a zip archive"
    );
    ws.cmd()
        .args(["report", "register", "--format", "docx", "-o", "x.docx"])
        .assert()
        .code(1)
        .stderr(contains("expected pdf or xlsx"));
    ws.cmd()
        .args([
            "report", "register", "--format", "xlsx", "--sign", "-o", "x.xlsx",
        ])
        .assert()
        .code(1)
        .stderr(contains("only PDF reports carry a signature"));
}

#[test]
fn changes_are_recorded_as_the_signing_identity() {
    let ws = signed_ws("Ann Lee");
    signing(&ws)
        .env_remove("STEWARD_ACTOR")
        .args([
            "systems", "add", "--name", "Mine", "--unit", "U", "--owner", "O",
        ])
        .assert()
        .success();
    let log = ws.json(&["audit", "log"]);
    let last = log["entries"]
        .as_array()
        .and_then(|l| l.last())
        .expect("an entry");
    assert_eq!(
        last["actor"], "Ann Lee",
        "with an identity and no --actor, the audit log names the signer, as signatures do"
    );
}

#[cfg(unix)]
#[test]
fn the_workspace_and_the_identity_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let ws = signed_ws("Ann Lee");
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&ws.data()), 0o700, "the data directory");
    assert_eq!(mode(&ws.data().join("steward.db")), 0o600, "the workspace");
    let id = ws.dir.path().join("id");
    assert_eq!(mode(&id), 0o700, "the identity directory");
    for f in std::fs::read_dir(&id).expect("lists").flatten() {
        assert_eq!(mode(&f.path()), 0o600, "{}", f.path().display());
    }
    // A killed `pack create` left a partial pack: the next one removes it.
    let left = ws
        .dir
        .path()
        .join(".pack.zip.4194999.k1ll3d.steward-partial");
    std::fs::write(&left, b"half a pack").expect("writes");
    make_pack(&ws);
    assert!(!left.exists(), "the stale partial pack is removed");
}
