//! Opening workspaces: foreign files and newer schemas are refused and left untouched.

use std::path::Path;

use rusqlite::Connection;
use steward_core::api::{Workspace, DB_FILE, SCHEMA_VERSION};

use crate::support::{ctx, draft, workspace};

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// Puts `contents` in place of the workspace file (via `prepare`), opens, and checks that the
/// open fails with a message containing `expected` and the directory is byte-for-byte unchanged.
fn check_refused(prepare: impl FnOnce(&Path), expected: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    prepare(&dir.path().join(DB_FILE));
    let before = snapshot(dir.path());
    let err = Workspace::open_dir(dir.path(), ctx())
        .err()
        .expect("the open must be refused");
    assert!(
        err.to_string().contains(expected),
        "message {:?} should say {expected:?}",
        err.to_string()
    );
    assert_eq!(
        err.code(),
        "workspace",
        "a refused file is a workspace error"
    );
    assert!(
        snapshot(dir.path()) == before,
        "a refused file and its directory are left untouched"
    );
}

#[test]
fn foreign_files_are_refused() {
    check_refused(
        |p| std::fs::write(p, "name,owner\nx,y\n").expect("write"),
        "not an SQLite database",
    );
    check_refused(
        |p| std::fs::write(p, b"SQLite format 3\0garbage garbage garbage").expect("write"),
        "not a Steward workspace",
    );
    check_refused(
        |p| {
            let c = Connection::open(p).expect("create");
            c.execute_batch(
                "CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (1);",
            )
            .expect("sql");
        },
        "not a Steward workspace",
    );
}

#[test]
fn newer_schema_is_refused() {
    check_refused(
        |p| {
            let c = Connection::open(p).expect("create");
            c.execute_batch(&format!(
                "PRAGMA application_id = {}; PRAGMA user_version = {};",
                0x5354_5744,
                SCHEMA_VERSION + 1
            ))
            .expect("sql");
            c.execute_batch("CREATE TABLE future (x)").expect("sql");
        },
        "newer Steward",
    );
}

#[test]
fn fresh_workspace_is_migrated_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        SCHEMA_VERSION,
        "all migrations applied"
    );
    drop(ws);
    let c = Connection::open(dir.path().join(DB_FILE)).expect("open");
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(
        mode, "wal",
        "workspaces use WAL so the app and CLI can share a file"
    );
    let app_id: i64 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .expect("id");
    assert_eq!(app_id, 0x5354_5744, "the file is marked as Steward's");
}

#[test]
fn migration_0001_upgrades_an_empty_database() {
    // The schema before 0001 is "no schema": an empty SQLite file made by someone else's tool.
    let dir = tempfile::tempdir().expect("temp dir");
    Connection::open(dir.path().join(DB_FILE))
        .expect("create")
        .execute_batch("PRAGMA user_version = 0")
        .expect("sql");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Alpha"))
        .expect("the upgraded schema takes a system");
    assert_eq!(
        ws.schema_version().expect("version"),
        SCHEMA_VERSION,
        "upgraded to the latest schema"
    );
}

#[test]
fn data_directory_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let err = Workspace::open_dir(&file, ctx()).err().expect("refused");
    assert!(
        err.to_string().contains("is a file, not a directory"),
        "says what is wrong: {err}"
    );
}

#[test]
fn a_write_blocked_by_another_process_says_so_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Before")).expect("adds");
    // Another process holds the write lock (as a long import does).
    let other = Connection::open(dir.path().join(DB_FILE)).expect("opens");
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("takes the write lock");
    ws.set_busy_wait(std::time::Duration::from_millis(200))
        .expect("sets the wait");
    let err = ws.add_system(draft("Blocked")).expect_err("cannot write");
    let message = err.to_string();
    assert!(
        message.contains("another Steward") && message.contains("nothing was changed"),
        "says what happened: {message}"
    );
    assert!(!message.contains("database is locked"), "{message}");
    other.execute_batch("ROLLBACK").expect("releases");
    // Once the other writer is done, the same change goes through.
    ws.add_system(draft("Blocked")).expect("adds once free");
    let names: Vec<String> = ws
        .list_systems(&Default::default())
        .expect("lists")
        .into_iter()
        .map(|s| s.draft.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_workspace_is_backed_up_beside_itself_before_it_is_upgraded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let older = crate::support::workspace_at_schema(dir.path(), 9);
    drop(older);
    let original = std::fs::read(dir.path().join(DB_FILE)).expect("reads");
    let ws = workspace(dir.path());
    assert_eq!(ws.schema_version().expect("version"), SCHEMA_VERSION);
    let kept = dir.path().join("steward-backup-schema-9.db");
    let c = Connection::open(&kept).expect("the backup opens");
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 9, "the workspace as it was before the upgrade");
    let name: String = c
        .query_row("SELECT name FROM systems", [], |r| r.get(0))
        .expect("its system");
    assert_eq!(name, "Copilot");
    assert!(!original.is_empty());
    // Opening it again upgrades nothing and keeps the older copy as it is.
    drop(ws);
    let before = std::fs::read(&kept).expect("reads");
    let _ws = workspace(dir.path());
    assert_eq!(std::fs::read(&kept).expect("reads"), before);
}
