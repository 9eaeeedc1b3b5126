//! The audit chain against tampering done with plain SQL, behind Steward's back.

use rusqlite::Connection;
use steward_core::api::DB_FILE;
use steward_core::audit::BreakKind;

use crate::support::{draft, workspace};

/// Makes a workspace with five audited changes, applies `tamper` as raw SQL, and checks what
/// `verify_audit` reports: None for an intact chain, or the first bad entry and its kind.
fn check(tamper: &str, expected: Option<(i64, BreakKind)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let mut ws = workspace(dir.path());
        let a = ws.add_system(draft("Alpha")).expect("add Alpha");
        ws.add_system(draft("Beta")).expect("add Beta");
        let mut d = a.draft.clone();
        d.purpose = "Scores things".into();
        ws.update_system(a.id, d).expect("edit Alpha");
        ws.set_stage(a.id, steward_core::register::Stage::Development)
            .expect("stage Alpha");
        ws.add_system(draft("Gamma")).expect("add Gamma");
        assert_eq!(
            ws.verify_audit().expect("verify").length,
            5,
            "five changes, five entries"
        );
    }
    if !tamper.is_empty() {
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open behind Steward's back");
        conn.execute_batch(tamper).expect("tampering SQL runs");
    }
    let ws = workspace(dir.path());
    let report = ws.verify_audit().expect("verify runs");
    let got = report.first_bad.as_ref().map(|b| (b.seq, b.kind));
    assert_eq!(
        got, expected,
        "first bad entry after {tamper:?}: {report:?}"
    );
}

#[test]
fn intact_chain_verifies() {
    check("", None);
}

#[test]
fn edited_entry_is_named() {
    check(
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
        Some((3, BreakKind::Edited)),
    );
    check(
        "UPDATE audit_log SET after = replace(after, 'Scores things', 'Scores nothing') WHERE seq = 3",
        Some((3, BreakKind::Edited)),
    );
    check(
        "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1",
        Some((1, BreakKind::Edited)),
    );
}

#[test]
fn deleted_entry_is_named() {
    check(
        "DELETE FROM audit_log WHERE seq = 2",
        Some((3, BreakKind::Deleted)),
    );
    check(
        "DELETE FROM audit_log WHERE seq = 1",
        Some((2, BreakKind::Deleted)),
    );
}

#[test]
fn reordered_entries_are_named() {
    // Swap entries 2 and 4 wholesale, each keeping its hash: the positions give it away.
    check(
        "UPDATE audit_log SET seq = -2 WHERE seq = 2;
         UPDATE audit_log SET seq = 2 WHERE seq = 4;
         UPDATE audit_log SET seq = 4 WHERE seq = -2;",
        Some((2, BreakKind::Reordered)),
    );
}

#[test]
fn rewritten_history_with_recomputed_hash_breaks_the_link() {
    // An editor who recomputes the edited entry's own hash still breaks the next link.
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let mut ws = workspace(dir.path());
        ws.add_system(draft("Alpha")).expect("add");
        ws.add_system(draft("Beta")).expect("add");
    }
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    let mut entries = workspace(dir.path())
        .audit_log(&Default::default())
        .expect("log");
    entries[0].actor = "mallory".into();
    let forged = steward_core::audit::entry_hash(&entries[0]);
    conn.execute(
        "UPDATE audit_log SET actor = 'mallory', hash = ?1 WHERE seq = 1",
        [&forged],
    )
    .expect("forge");
    let report = workspace(dir.path()).verify_audit().expect("verify");
    let b = report
        .first_bad
        .expect("the forged entry must break the chain");
    assert_eq!(
        (b.seq, b.kind),
        (2, BreakKind::Edited),
        "entry 2 no longer links to the forged entry 1"
    );
}

#[test]
fn every_change_is_audited_in_its_transaction() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let a = ws.add_system(draft("Alpha")).expect("add");
    let err = ws
        .add_system(draft("alpha"))
        .expect_err("duplicate name, ignoring case");
    assert_eq!(
        err.code(),
        "conflict",
        "a duplicate name is a conflict: {err}"
    );
    let log = ws.audit_log(&Default::default()).expect("log");
    assert_eq!(log.len(), 1, "the refused add left no audit entry");
    let after: serde_json::Value =
        serde_json::from_str(log[0].after.as_deref().expect("after")).expect("json");
    assert_eq!(
        after["name"], "Alpha",
        "the entry holds the record as created"
    );
    assert_eq!(
        (log[0].actor.as_str(), log[0].entity_id.clone()),
        ("tester", a.id.to_string()),
        "actor and id recorded"
    );
}
