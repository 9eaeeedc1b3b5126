//! The signing identity (create, unlock, key protection, PKCS#12 import) and colleagues'
//! certificates in the workspace (import, duplicates, migration 0002).

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use steward_core::api::{AuditQuery, DB_FILE, SCHEMA_VERSION};
use steward_core::identity::{self, Profile};
use steward_core::sign::{self, cms::verify_detached};

use crate::support::{draft, workspace};

pub const PASS: &str = "correct horse battery";

pub fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 30, 0)
        .single()
        .expect("valid fixed time")
}

pub fn profile(name: &str) -> Profile {
    Profile {
        name: name.into(),
        role: "Model risk officer".into(),
        organisation: "Acme Insurance".into(),
        email: "ann.lee@acme.example".into(),
    }
}

/// Runs a program that the tests need; fails (never skips) when it is missing or fails.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("{program} is needed by these tests (apt-get install openssl poppler-utils qpdf): {e}")
    });
    out
}

pub fn run_ok(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = run(dir, program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} must succeed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An RSA key and certificate made by OpenSSL, as an organisation would issue, exported to
/// PKCS#12 with `extra` options; returns the .p12 bytes and a time inside the validity period.
pub fn openssl_p12(dir: &Path, extra: &[&str], password: &str) -> (Vec<u8>, DateTime<Utc>) {
    if !dir.join("rsa.crt").exists() {
        run_ok(
            dir,
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "rsa.key",
                "-out",
                "rsa.crt",
                "-days",
                "30",
                "-subj",
                "/CN=Rita Rsa/O=Acme Insurance/OU=Compliance",
            ],
        );
    }
    let pass = format!("pass:{password}");
    let mut args = vec![
        "pkcs12", "-export", "-inkey", "rsa.key", "-in", "rsa.crt", "-out", "org.p12", "-passout",
        &pass,
    ];
    args.extend_from_slice(extra);
    run_ok(dir, "openssl", &args);
    let cert = std::fs::read(dir.join("rsa.crt")).expect("read rsa.crt");
    let info =
        sign::cert_info(&sign::parse_certificate(&cert).expect("openssl's certificate parses"))
            .expect("certificate facts");
    (
        std::fs::read(dir.join("org.p12")).expect("read org.p12"),
        info.not_before + Duration::hours(1),
    )
}

#[test]
fn init_then_unlock_round_trips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = dir.path().join("identity");
    let now = at(2026, 11, 2);
    let created =
        identity::init(&id, &profile("Ann Lee"), PASS, now).expect("a new identity is created");
    let cert = &created.certificate;
    assert_eq!(
        cert.subject, "CN=Ann Lee,OU=Model risk officer,O=Acme Insurance",
        "the subject names the person"
    );
    assert_eq!(cert.issuer, cert.subject, "the certificate is self-signed");
    assert_eq!(cert.not_before, now, "valid from the time passed in");
    assert_eq!(cert.not_after, at(2029, 11, 2), "valid for three years");
    assert_eq!(
        identity::show(&id).expect("show").profile,
        profile("Ann Lee"),
        "profile.json keeps the profile"
    );

    let signer =
        identity::unlock(&id, PASS, now + Duration::days(1)).expect("the right passphrase unlocks");
    assert_eq!(
        &signer.certificate_info(),
        cert,
        "the signer carries the identity's certificate"
    );
    let sig = signer
        .sign_detached(b"manifest", now)
        .expect("the unlocked key signs");
    assert_eq!(
        verify_detached(b"manifest", &sig).expect("verifies"),
        *cert,
        "the signature names the signer"
    );

    // An independent reader agrees on the certificate's contents.
    let text = run_ok(
        &id,
        "openssl",
        &["x509", "-in", "cert.pem", "-noout", "-text"],
    );
    for expected in [
        "Digital Signature, Non Repudiation",
        "CA:FALSE",
        "email:ann.lee@acme.example",
        "prime256v1",
    ] {
        assert!(
            text.contains(expected),
            "openssl must show {expected:?} in the certificate:\n{text}"
        );
    }
    let err = identity::init(&id, &profile("Someone Else"), PASS, now)
        .expect_err("init must not overwrite");
    assert_eq!(
        err.code(),
        "conflict",
        "an existing identity is a conflict: {err}"
    );
    assert!(
        err.to_string().contains("already exists"),
        "says why: {err}"
    );
    assert_eq!(
        identity::show(&id).expect("show").profile.name,
        "Ann Lee",
        "the first identity is untouched"
    );
}

#[test]
fn unlock_errors_say_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = dir.path().join("identity");
    identity::init(&id, &profile("Ann Lee"), PASS, at(2020, 1, 1)).expect("identity made in 2020");
    let key_path = id.join(identity::KEY_FILE).display().to_string();
    let check = |dir: &Path, pass: &str, now: DateTime<Utc>, code: &str, expected: &[&str]| {
        let err = identity::unlock(dir, pass, now).expect_err("unlock must fail");
        assert_eq!(err.code(), code, "error kind for {err}");
        for e in expected {
            assert!(
                err.to_string().contains(e),
                "message {:?} should contain {e:?}",
                err.to_string()
            );
        }
    };
    let wrong = format!("wrong passphrase for the key in {key_path}");
    check(
        &id,
        "not the passphrase",
        at(2021, 1, 1),
        "identity",
        &[&wrong],
    );
    check(
        &id,
        PASS,
        at(2024, 6, 1),
        "identity",
        &[
            "has expired",
            "2020-01-01 09:30:00 UTC",
            "2023-01-01 09:30:00 UTC",
        ],
    );
    check(
        &id,
        PASS,
        at(2019, 6, 1),
        "identity",
        &["not valid yet", "2020-01-01 09:30:00 UTC"],
    );
    check(
        &dir.path().join("none"),
        PASS,
        at(2021, 1, 1),
        "no_identity",
        &["no signing identity in", "create one"],
    );
    let err =
        identity::unlock(&dir.path().join("none"), PASS, at(2021, 1, 1)).expect_err("no identity");
    assert_eq!(
        err.remedy(),
        Some(&steward_core::error::Remedy::CreateIdentity),
        "the remedy is data; the CLI and the app word it (a command, the Profile screen)"
    );
}

#[test]
fn init_checks_profile_and_passphrase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let check = |p: Profile, pass: &str, expected: &str| {
        let err =
            identity::init(dir.path(), &p, pass, at(2026, 11, 2)).expect_err("init must refuse");
        assert_eq!(
            err.code(),
            "validation",
            "bad input is a validation error: {err}"
        );
        assert!(
            err.to_string().contains(expected),
            "message {err} should contain {expected:?}"
        );
        assert!(
            !identity::exists(dir.path()),
            "a refused init writes nothing"
        );
    };
    check(
        Profile {
            name: "".into(),
            ..profile("x")
        },
        PASS,
        "name: must not be empty",
    );
    check(
        Profile {
            email: "ann".into(),
            ..profile("Ann")
        },
        PASS,
        "not an e-mail address",
    );
    check(
        profile("Ann"),
        "short",
        "passphrase: must be at least 8 characters",
    );
}

#[test]
fn key_is_stored_encrypted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = dir.path();
    identity::init(id, &profile("Ann Lee"), PASS, at(2026, 11, 2)).expect("identity");
    let pem = std::fs::read_to_string(id.join(identity::KEY_FILE)).expect("read key.pem");
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "the key is encrypted PKCS#8:\n{pem}"
    );
    assert!(
        !pem.contains("BEGIN PRIVATE KEY") && !pem.contains("BEGIN EC PRIVATE KEY"),
        "no clear key"
    );

    // OpenSSL opens it with the passphrase and not without: a standard format, really encrypted.
    let pass = format!("pass:{PASS}");
    run_ok(
        id,
        "openssl",
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "key.pem",
            "-passin",
            &pass,
            "-outform",
            "DER",
            "-out",
            "plain.der",
        ],
    );
    let wrong = run(
        id,
        "openssl",
        &[
            "pkey",
            "-in",
            "key.pem",
            "-passin",
            "pass:wrong passphrase",
            "-noout",
        ],
    );
    assert!(
        !wrong.status.success(),
        "openssl must not open the key with a wrong passphrase"
    );
    let plain = std::fs::read(id.join("plain.der")).expect("decrypted key");
    let secret = <p256::SecretKey as pkcs8::DecodePrivateKey>::from_pkcs8_der(&plain)
        .expect("the decrypted key is a PKCS#8 P-256 key")
        .to_bytes();
    let (_, stored) = der::Document::from_pem(&pem).expect("key.pem is PEM");
    assert!(
        !stored
            .as_bytes()
            .windows(secret.len())
            .any(|w| w == secret.as_slice()),
        "the raw private key bytes must not appear in key.pem"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(id.join(identity::KEY_FILE))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "key.pem is readable by its owner only");
    }
}

#[test]
fn p12_files_from_openssl_are_imported() {
    let check = |name: &str, extra: &[&str]| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (p12, now) = openssl_p12(dir.path(), extra, "s3cret-p12");
        let id = dir.path().join("identity");
        let info = identity::import_p12(&id, &p12, "s3cret-p12", now)
            .unwrap_or_else(|e| panic!("{name}: import: {e}"));
        assert_eq!(
            info.profile.name, "Rita Rsa",
            "{name}: the name comes from the certificate's CN"
        );
        assert_eq!(
            info.profile.organisation, "Acme Insurance",
            "{name}: the organisation from O"
        );
        assert_eq!(info.profile.role, "Compliance", "{name}: the role from OU");
        let key = std::fs::read_to_string(id.join(identity::KEY_FILE)).expect("key.pem");
        assert!(
            key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{name}: the imported key is kept encrypted"
        );

        let signer = identity::unlock(&id, "s3cret-p12", now)
            .unwrap_or_else(|e| panic!("{name}: unlock: {e}"));
        let sig = signer
            .sign_detached(b"board minutes", now)
            .expect("the RSA key signs");
        let who = verify_detached(b"board minutes", &sig).expect("the RSA signature verifies");
        assert_eq!(
            who, info.certificate,
            "{name}: signed as the imported certificate"
        );
        let direct = identity::signer_from_p12(&p12, "s3cret-p12", now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            direct.certificate_info(),
            info.certificate,
            "{name}: signing straight from the .p12 is the same"
        );
    };
    check("OpenSSL 3 default (PBES2, AES-256, SHA-256 MAC)", &[]);
    check(
        "legacy (3DES key, RC2-40 certificates, SHA-1 MAC)",
        &["-legacy"],
    );
    check(
        "3DES throughout",
        &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
}

#[test]
fn p12_problems_are_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (p12, now) = openssl_p12(dir.path(), &[], "s3cret-p12");
    let check = |bytes: &[u8], password: &str, expected: &str| {
        let id = dir.path().join("identity");
        let err = identity::import_p12(&id, bytes, password, now).expect_err("import must fail");
        assert!(
            err.to_string().contains(expected),
            "message {err} should contain {expected:?}"
        );
        assert!(!identity::exists(&id), "a failed import writes nothing");
        let err = identity::signer_from_p12(bytes, password, now)
            .expect_err("signing from it must fail too");
        assert!(
            err.to_string().contains(expected),
            "message {err} should contain {expected:?}"
        );
    };
    check(&p12, "not the password", "wrong password for the PKCS#12");
    check(
        b"certainly not a p12",
        "s3cret-p12",
        "not a readable PKCS#12",
    );
    run_ok(
        dir.path(),
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            "rsa.crt",
            "-out",
            "nokey.p12",
            "-passout",
            "pass:pw",
        ],
    );
    let nokey = std::fs::read(dir.path().join("nokey.p12")).expect("nokey.p12");
    check(&nokey, "pw", "holds no private key (1 certificate only)");
    let err = identity::import_p12(
        &dir.path().join("late"),
        &p12,
        "s3cret-p12",
        now + Duration::days(400),
    )
    .expect_err("an expired certificate is refused");
    assert!(
        err.to_string().contains("has expired"),
        "says the certificate expired: {err}"
    );
}

#[test]
fn colleagues_certificates_are_imported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = dir.path().join("identity");
    let ann = identity::init(&id, &profile("Ann Lee"), PASS, at(2026, 11, 2))
        .expect("identity")
        .certificate;
    let mut ws = workspace(&dir.path().join("ws"));

    let imported = ws
        .import_certificate(ann.pem.as_bytes())
        .expect("a PEM certificate imports");
    assert_eq!(imported, ann, "the stored facts are the certificate's");
    let err = ws
        .import_certificate(ann.pem.as_bytes())
        .expect_err("the same certificate twice is refused");
    assert_eq!(err.code(), "conflict", "a duplicate is a conflict: {err}");
    assert!(
        err.to_string()
            .contains("already in this workspace, imported 2026-11-02T09:30:00Z by tester"),
        "{err}"
    );
    assert_eq!(
        ws.certificates().expect("list"),
        vec![ann.clone()],
        "no duplicate row"
    );

    run_ok(
        dir.path(),
        "openssl",
        &[
            "x509",
            "-in",
            "identity/cert.pem",
            "-outform",
            "DER",
            "-out",
            "ann.der",
        ],
    );
    let der = std::fs::read(dir.path().join("ann.der")).expect("DER");
    assert_eq!(
        ws.import_certificate(&der)
            .expect_err("DER form too")
            .code(),
        "conflict",
        "DER is the same certificate"
    );

    let upper = ann.fingerprint_sha256.to_uppercase();
    assert_eq!(
        ws.certificate_by_fingerprint(&upper).expect("found"),
        ann,
        "fingerprints match in any case"
    );
    assert_eq!(
        ws.certificate_by_fingerprint("00")
            .expect_err("unknown")
            .code(),
        "not_found",
        "unknown fingerprint"
    );

    let err = ws
        .import_certificate(b"name,owner\nx,y\n")
        .expect_err("a CSV is not a certificate");
    assert_eq!(
        err.code(),
        "validation",
        "not a certificate is bad input: {err}"
    );
    assert!(
        err.to_string().contains("not an X.509 certificate"),
        "says what was expected: {err}"
    );

    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("certificate".into()),
            ..Default::default()
        })
        .expect("log")
        .into_entries();
    assert_eq!(log.len(), 1, "one audit entry for the one import");
    assert_eq!(
        log[0].entity_id, ann.fingerprint_sha256,
        "the entry names the certificate by fingerprint"
    );
    assert!(
        ws.verify_audit().expect("verify").is_intact(),
        "the chain stays intact"
    );
}

#[test]
fn migration_0002_upgrades_a_schema_1_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let c = Connection::open(dir.path().join(DB_FILE)).expect("create");
        c.execute_batch(include_str!("../../../store/src/migrations/0001_init.sql"))
            .expect("schema 1");
        c.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = 1;",
            0x5354_5744
        ))
        .expect("mark");
        c.execute(
            "INSERT INTO systems (name, business_unit, owner, sourcing, stage, regulated_domain, risk_tier,
                                  data_sensitivity, created_at, updated_at)
             VALUES ('Legacy', 'Retail', 'Ann', 'in_house', 'production', 'none', 'low', 'internal', 'x', 'x')",
            [],
        )
        .expect("a schema-1 row");
    }
    let mut ws = workspace(dir.path());
    assert!(
        ws.schema_version().expect("version") >= 2,
        "upgraded past schema 1 (now {SCHEMA_VERSION})"
    );
    assert!(
        ws.find_system("Legacy").is_ok(),
        "schema-1 data survives the upgrade"
    );
    let id = dir.path().join("identity");
    let cert = identity::init(&id, &profile("Ann Lee"), PASS, at(2026, 11, 2))
        .expect("identity")
        .certificate;
    ws.import_certificate(cert.pem.as_bytes())
        .expect("the new certificates table takes a certificate");
    ws.add_system(draft("Beta"))
        .expect("and the rest of the schema still works");
}
