//! Encryption at rest: a workspace created encrypted or converted both ways, opened with its
//! passphrase only, and none of its files (log, index, backups) readable without it.

use std::path::Path;

use rusqlite::Connection;
use steward_core::api::{backup, Passphrase, Workspace, DB_FILE, SCHEMA_VERSION};

use crate::support::{ctx, draft, workspace};

/// A name that appears nowhere else: if these bytes are in a file, the register is readable.
const NAME: &str = "Quokka Zanzibar Underwriting Scorer";
const PASS: &str = "correct horse battery staple";

fn pass(text: &str) -> Passphrase {
    Passphrase::new(text).expect("a passphrase")
}

/// Every file in `dir` with its bytes, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .expect("lists")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("reads"),
            )
        })
        .collect();
    found.sort();
    found
}

/// The files of `dir` in which `text` can be read (what `strings FILE | grep TEXT` finds).
fn readable_in(dir: &Path, text: &str) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|(_, bytes)| contains(bytes, text))
        .map(|(name, _)| name)
        .collect()
}

fn contains(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// An encrypted workspace in `dir` holding one system named [`NAME`].
fn encrypted(dir: &Path) -> Workspace {
    let mut ws = Workspace::open_dir_with(dir, ctx(), Some(&pass(PASS))).expect("creates");
    ws.add_system(draft(NAME)).expect("adds");
    ws
}

/// Opening `dir` with `passphrase` fails as locked, saying `expected`, and leaves every file
/// there as it was.
fn check_locked(dir: &Path, passphrase: Option<&str>, expected: &str) {
    let before = files(dir);
    let err = Workspace::open_dir_with(dir, ctx(), passphrase.map(pass).as_ref())
        .err()
        .expect("does not open");
    let message = err.to_string();
    assert_eq!(
        err.code(),
        "locked",
        "the UI asks for the passphrase on this code: {message}"
    );
    assert!(
        message.contains(expected),
        "{message:?} should say {expected:?}"
    );
    assert!(
        !message.contains("not a database"),
        "SQLite's own words are not the explanation: {message}"
    );
    assert!(files(dir) == before, "nothing was written: {message}");
}

fn names(ws: &Workspace) -> Vec<String> {
    ws.list_systems(&Default::default())
        .expect("lists")
        .into_iter()
        .map(|s| s.draft.name)
        .collect()
}

#[test]
fn an_encrypted_workspace_opens_with_its_passphrase_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(encrypted(dir.path()));
    check_locked(
        dir.path(),
        None,
        "the workspace is encrypted; it opens with its passphrase only",
    );
    check_locked(
        dir.path(),
        Some("Correct horse battery staple"),
        "the workspace is encrypted; the passphrase does not open it",
    );
    let ws = Workspace::open_dir_with(dir.path(), ctx(), Some(&pass(PASS))).expect("opens");
    assert_eq!(
        names(&ws),
        [NAME],
        "the right passphrase opens it as it was"
    );
    let info = ws.info().expect("info");
    assert!(info.encrypted, "the app shows that it is encrypted");
    assert_eq!(ws.schema_version().expect("version"), SCHEMA_VERSION);

    // A plain workspace is not opened with a passphrase (someone expected it encrypted).
    let plain = tempfile::tempdir().expect("temp dir");
    drop(workspace(plain.path()));
    let before = files(plain.path());
    let err = Workspace::open_dir_with(plain.path(), ctx(), Some(&pass(PASS)))
        .err()
        .expect("refused");
    assert!(err.to_string().contains("is not encrypted"), "{err}");
    assert!(files(plain.path()) == before, "left as it was");

    let empty = Passphrase::new("").expect_err("an empty passphrase is refused");
    assert_eq!(empty.code(), "validation");
    assert_eq!(
        format!("{:?}", pass(PASS)),
        "Passphrase(..)",
        "a passphrase is never printed"
    );
}

#[test]
fn no_system_name_is_readable_in_an_encrypted_workspace_its_log_or_its_backup() {
    // The same steps on a plain workspace find the name: the scan can fail.
    let plain = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(plain.path());
    ws.add_system(draft(NAME)).expect("adds");
    assert!(
        !readable_in(plain.path(), NAME).is_empty(),
        "a plain workspace shows its register"
    );
    drop(ws);

    let dir = tempfile::tempdir().expect("temp dir");
    let ws = encrypted(dir.path());
    // While it is open, the last changes are in the write-ahead log, not yet in the file.
    let present: Vec<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
    for name in [DB_FILE, "steward.db-wal", "steward.db-shm"] {
        assert!(
            present.iter().any(|p| p == name),
            "{name} is scanned: {present:?}"
        );
    }
    assert_eq!(readable_in(dir.path(), NAME), Vec::<String>::new());
    let out = dir.path().join("copy.db");
    let summary = ws.backup(&out).expect("backs up");
    assert!(summary.encrypted, "the backup is encrypted too");
    let copy = std::fs::read(&out).expect("reads");
    assert!(!contains(&copy, NAME), "the backup shows no name");
    assert!(!copy.starts_with(b"SQLite format 3"), "nor SQLite's header");
    drop(ws);
    assert_eq!(
        readable_in(dir.path(), NAME),
        Vec::<String>::new(),
        "nor the file once the log is folded into it"
    );
}

#[test]
fn an_encrypted_backup_restores_with_its_passphrase_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = encrypted(dir.path());
    let out = dir.path().join("monday.db");
    let taken = ws.backup(&out).expect("backs up");
    drop(ws);
    let into = dir.path().join("restored");
    for (given, says) in [
        (None, "it opens with its passphrase only"),
        (Some("monday"), "the passphrase does not open it"),
    ] {
        let err = backup::restore(&out, &into, ctx(), given.map(pass).as_ref())
            .expect_err("not without the passphrase");
        assert_eq!(err.code(), "locked");
        let message = err.to_string();
        assert!(message.contains(says), "{message}");
        assert!(
            message.contains(&out.display().to_string()),
            "names the backup given: {message}"
        );
        assert!(files(&into).is_empty(), "nothing restored: {message}");
    }
    let restored = backup::restore(&out, &into, ctx(), Some(&pass(PASS))).expect("restores");
    assert!(restored.encrypted, "it stays encrypted");
    assert_eq!(restored.audit_chain, taken.audit_chain);
    assert_eq!(readable_in(&into, NAME), Vec::<String>::new());
    let ws = Workspace::open_dir_with(&into, ctx(), Some(&pass(PASS))).expect("opens");
    assert_eq!(names(&ws), [NAME]);
}

#[test]
fn an_encrypted_workspace_is_backed_up_encrypted_before_it_is_upgraded() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema_keyed(
        dir.path(),
        9,
        Some(PASS),
    ));
    let ws = Workspace::open_dir_with(dir.path(), ctx(), Some(&pass(PASS))).expect("upgrades");
    assert_eq!(ws.schema_version().expect("version"), SCHEMA_VERSION);
    let kept = dir.path().join("steward-backup-schema-9.db");
    let bytes = std::fs::read(&kept).expect("the copy before the upgrade is kept");
    assert!(!contains(&bytes, "Copilot"), "it shows no system name");
    assert!(!bytes.starts_with(b"SQLite format 3"), "it is encrypted");
    let c = Connection::open(&kept).expect("opens");
    c.pragma_update(None, "key", PASS).expect("keys");
    let (version, name): (i64, String) = c
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), name FROM systems",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("reads with the workspace's passphrase");
    assert_eq!((version, name.as_str()), (9, "Copilot"));
}

#[test]
fn a_workspace_is_encrypted_and_decrypted_with_each_conversion_in_its_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft(NAME)).expect("adds");
    let before = ws.verify_audit().expect("verifies");

    let (ws, summary) = ws.encrypt(&pass(PASS)).expect("encrypts");
    assert!(summary.encrypted && ws.is_encrypted());
    assert_eq!(summary.systems, 1);
    assert_eq!(summary.audit_chain.length, before.chain.length + 1);
    let after = ws.verify_audit().expect("verifies");
    assert!(
        after.intact,
        "the log says encrypted and it is: {:?}",
        after.state
    );
    let err = ws.encrypt(&pass("again")).err().expect("once is enough");
    assert_eq!(err.code(), "conflict", "{err}");
    let ws = Workspace::open_dir_with(dir.path(), ctx(), Some(&pass(PASS))).expect("opens");
    assert_eq!(readable_in(dir.path(), NAME), Vec::<String>::new());
    let left: Vec<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
    assert!(
        left.iter().all(|n| n.starts_with("steward.db")),
        "no copy is left beside it: {left:?}"
    );
    drop(ws);
    check_locked(dir.path(), None, "the workspace is encrypted");

    let ws = Workspace::open_dir_with(dir.path(), ctx(), Some(&pass(PASS))).expect("opens");
    let (ws, summary) = ws.decrypt().expect("decrypts");
    assert!(!summary.encrypted && !ws.is_encrypted());
    let err = ws.decrypt().err().expect("it is plain already");
    assert_eq!(err.code(), "conflict", "{err}");
    let ws = workspace(dir.path());
    assert_eq!(names(&ws), [NAME]);
    let report = ws.verify_audit().expect("verifies");
    assert!(report.intact, "{:?}", report.state);
    assert_eq!(report.chain.length, before.chain.length + 2);
    let log = ws
        .audit_log(&steward_core::api::AuditQuery {
            entity: Some("workspace_encryption".into()),
            ..Default::default()
        })
        .expect("reads the log");
    let actions: Vec<&str> = log
        .entries
        .iter()
        .map(|e| e.entry.action.as_str())
        .collect();
    assert_eq!(
        actions,
        ["encrypt", "decrypt"],
        "each conversion is audited"
    );
    drop(ws);
    assert_eq!(readable_in(dir.path(), NAME), [DB_FILE], "plain again");
}

#[test]
fn a_conversion_refused_or_failed_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut other = workspace(dir.path());
    other.add_system(draft(NAME)).expect("adds");

    // Another Steward has it open: refused, and the other one carries on.
    let ws = workspace(dir.path());
    let err = ws.encrypt(&pass(PASS)).err().expect("refused");
    let message = err.to_string();
    assert!(
        message.contains("another Steward") && message.contains("nothing was changed"),
        "{message}"
    );
    other
        .add_system(draft("Second"))
        .expect("the other Steward still writes");
    drop(other);

    // A copy that fails its checks (here, a log edited behind Steward's back) is not put in place.
    Connection::open(dir.path().join(DB_FILE))
        .expect("opens")
        .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", [])
        .expect("edits");
    let ws = workspace(dir.path());
    let err = ws.encrypt(&pass(PASS)).err().expect("refused");
    assert!(err.to_string().contains("broken at entry 1"), "{err}");
    let ws = workspace(dir.path());
    assert!(
        !ws.is_encrypted(),
        "still plain, opened without a passphrase"
    );
    assert_eq!(names(&ws), [NAME, "Second"]);
    let left: Vec<String> = files(dir.path()).into_iter().map(|(n, _)| n).collect();
    assert!(
        left.iter().all(|n| n.starts_with("steward.db")),
        "the copy was removed: {left:?}"
    );
}

#[test]
fn a_file_that_only_looks_encrypted_is_never_written() {
    // Whole pages of noise: without a key, nothing tells them from an encrypted workspace, and
    // with one they fail SQLCipher's check of the first page before anything is written.
    let dir = tempfile::tempdir().expect("temp dir");
    let noise: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.path().join(DB_FILE), &noise).expect("writes");
    check_locked(dir.path(), None, "the workspace is encrypted");
    check_locked(dir.path(), Some(PASS), "the passphrase does not open it");
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).expect("reads"),
        noise,
        "the file is as it was"
    );
}
