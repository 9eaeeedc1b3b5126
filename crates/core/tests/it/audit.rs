//! The audit chain against tampering done with plain SQL, behind Steward's back.

use rusqlite::Connection;
use steward_core::api::AuditQuery;
use steward_core::api::DB_FILE;
use steward_core::audit::BreakKind;
use steward_core::clock::FixedClock;

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
            ws.verify_audit().expect("verify").chain.length,
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
    let got = report.chain.first_bad.as_ref().map(|b| (b.seq, b.kind));
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
        .expect("log")
        .into_entries();
    entries[0].actor = "mallory".into();
    let forged = steward_core::audit::entry_hash(&entries[0]);
    conn.execute(
        "UPDATE audit_log SET actor = 'mallory', hash = ?1 WHERE seq = 1",
        [&forged],
    )
    .expect("forge");
    let report = workspace(dir.path()).verify_audit().expect("verify");
    let b = report
        .chain
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
    let log = ws
        .audit_log(&Default::default())
        .expect("log")
        .into_entries();
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

/// The workspace in `dir` opened by `actor` on `day` (at noon UTC).
fn open_as(dir: &std::path::Path, actor: &str, day: u32) -> steward_core::api::Workspace {
    use chrono::{TimeZone, Utc};
    let t = Utc
        .with_ymd_and_hms(2026, 3, day, 12, 0, 0)
        .single()
        .expect("valid time");
    let ctx = steward_core::api::Context::new(actor, std::sync::Arc::new(FixedClock(t)));
    crate::support::workspace_with(dir, ctx)
}

/// A log of eight entries by two people over four days:
///   1 Ann  03-01 system Alpha create     5 Bob  03-03 system Beta  update
///   2 Ann  03-01 system Beta  create     6 Bob  03-03 tco_scenario create ("Support assistant LLM")
///   3 Bob  03-02 system Alpha update     7 Bob  03-03 system Alpha update (renamed "Alpha 2")
///   4 Bob  03-02 system Alpha stage      8 Ann  03-04 tco_scenario delete
fn searchable_log() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = {
        let mut ws = open_as(dir.path(), "Ann Lee", 1);
        let a = ws.add_system(draft("Alpha")).expect("add Alpha");
        let b = ws.add_system(draft("Beta")).expect("add Beta");
        (a, b)
    };
    let tco_id = {
        let mut ws = open_as(dir.path(), "Bob Ray", 2);
        let mut d = a.draft.clone();
        d.purpose = "Scores things".into();
        ws.update_system(a.id, d).expect("edit Alpha");
        ws.set_stage(a.id, steward_core::register::Stage::Development)
            .expect("stage Alpha");
        let mut ws = open_as(dir.path(), "Bob Ray", 3);
        let mut d = b.draft.clone();
        d.owner = "Cy Doe".into();
        ws.update_system(b.id, d).expect("edit Beta");
        let s = steward_core::tco::from_toml(include_str!(
            "../../../../tests/fixtures/tco/llm-service.toml"
        ))
        .expect("fixture");
        let s = steward_core::tco::Scenario {
            systems: vec!["Beta".into()],
            ..s
        };
        let st = ws.create_tco(s).expect("create scenario");
        let mut d = ws.system(a.id).expect("Alpha").draft;
        d.name = "Alpha 2".into();
        ws.update_system(a.id, d).expect("rename Alpha");
        st.id
    };
    open_as(dir.path(), "Ann Lee", 4)
        .delete_tco(tco_id)
        .expect("delete scenario");
    dir
}

/// The sequence numbers `q` selects, in the order given, and the total it reports.
fn check_page(dir: &std::path::Path, q: AuditQuery, expected: &[i64], total: i64) {
    let page = open_as(dir, "reader", 5)
        .audit_log(&q)
        .expect("the query runs");
    let got: Vec<i64> = page.entries.iter().map(|r| r.entry.seq).collect();
    assert_eq!(
        (got.as_slice(), page.total),
        (expected, total),
        "entries and total for {q:?}"
    );
}

fn q() -> AuditQuery {
    AuditQuery::default()
}

#[test]
fn filters_select_by_record_person_action_and_date() {
    let dir = searchable_log();
    let d = dir.path();
    let s = |v: &str| Some(v.to_string());
    check_page(d, q(), &[1, 2, 3, 4, 5, 6, 7, 8], 8);
    check_page(
        d,
        AuditQuery {
            entity: s("system"),
            ..q()
        },
        &[1, 2, 3, 4, 5, 7],
        6,
    );
    check_page(
        d,
        AuditQuery {
            entity: s("system"),
            entity_id: s("1"),
            ..q()
        },
        &[1, 3, 4, 7],
        4,
    );
    // A record by its name now, whatever the case, or by its id.
    check_page(
        d,
        AuditQuery {
            entity: s("system"),
            record: s("alpha 2"),
            ..q()
        },
        &[1, 3, 4, 7],
        4,
    );
    check_page(
        d,
        AuditQuery {
            entity: s("system"),
            record: s("2"),
            ..q()
        },
        &[2, 5],
        2,
    );
    // A deleted record by the name its entries recorded.
    check_page(
        d,
        AuditQuery {
            entity: s("tco_scenario"),
            record: s("Support assistant LLM"),
            ..q()
        },
        &[6, 8],
        2,
    );
    check_page(
        d,
        AuditQuery {
            actor: s("Bob Ray"),
            ..q()
        },
        &[3, 4, 5, 6, 7],
        5,
    );
    check_page(
        d,
        AuditQuery {
            action: s("create"),
            ..q()
        },
        &[1, 2, 6],
        3,
    );
    check_page(
        d,
        AuditQuery {
            actor: s("Bob Ray"),
            action: s("update"),
            entity: s("system"),
            entity_id: s("1"),
            ..q()
        },
        &[3, 7],
        2,
    );
    // Both ends of a date range are whole days, included.
    check_page(
        d,
        AuditQuery {
            from: s("2026-03-02"),
            to: s("2026-03-03"),
            ..q()
        },
        &[3, 4, 5, 6, 7],
        5,
    );
    check_page(
        d,
        AuditQuery {
            from: s("2026-03-04"),
            ..q()
        },
        &[8],
        1,
    );
    check_page(
        d,
        AuditQuery {
            to: s("2026-03-01"),
            ..q()
        },
        &[1, 2],
        2,
    );
    check_page(
        d,
        AuditQuery {
            actor: s("Ann Lee"),
            action: s("update"),
            ..q()
        },
        &[],
        0,
    );
}

#[test]
fn pages_count_the_whole_selection() {
    let dir = searchable_log();
    let d = dir.path();
    check_page(
        d,
        AuditQuery {
            limit: Some(3),
            ..q()
        },
        &[1, 2, 3],
        8,
    );
    check_page(
        d,
        AuditQuery {
            limit: Some(3),
            offset: Some(6),
            ..q()
        },
        &[7, 8],
        8,
    );
    check_page(
        d,
        AuditQuery {
            limit: Some(3),
            offset: Some(9),
            ..q()
        },
        &[],
        8,
    );
    check_page(
        d,
        AuditQuery {
            limit: Some(2),
            newest_first: true,
            ..q()
        },
        &[8, 7],
        8,
    );
    check_page(
        d,
        AuditQuery {
            limit: Some(2),
            offset: Some(2),
            newest_first: true,
            actor: Some("Bob Ray".into()),
            ..q()
        },
        &[5, 4],
        5,
    );
}

#[test]
fn entries_name_their_records_and_list_their_changes() {
    let dir = searchable_log();
    let page = open_as(dir.path(), "reader", 5)
        .audit_log(&q())
        .expect("log");
    let names: Vec<(&str, &str)> = page
        .entries
        .iter()
        .map(|r| (r.entity_label.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("AI system", "Alpha 2"),
            ("AI system", "Beta"),
            ("AI system", "Alpha 2"),
            ("AI system", "Alpha 2"),
            ("AI system", "Beta"),
            ("TCO scenario", "Support assistant LLM"),
            ("AI system", "Alpha 2"),
            ("TCO scenario", "Support assistant LLM"),
        ],
        "a record is named as it is now; a deleted one as its entries recorded it"
    );
    let changes = |seq: usize| -> Vec<(String, Option<String>, Option<String>)> {
        page.entries[seq - 1]
            .changes
            .iter()
            .filter(|c| c.field != "updated_at")
            .map(|c| (c.field.clone(), c.before.clone(), c.after.clone()))
            .collect()
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        changes(5),
        [("owner".to_string(), s("\"Ann Owner\""), s("\"Cy Doe\""))],
        "an edit shows only the field that changed, before and after"
    );
    assert_eq!(
        changes(7),
        [("name".to_string(), s("\"Alpha\""), s("\"Alpha 2\""))],
        "a rename shows the old and new name"
    );
    assert!(
        changes(1)
            .iter()
            .any(|(f, b, a)| f == "name" && b.is_none() && a.as_deref() == Some("\"Alpha\"")),
        "a creation shows each field with nothing before: {:?}",
        changes(1)
    );
    assert!(
        changes(8).iter().all(|(_, _, a)| a.is_none()) && !changes(8).is_empty(),
        "a deletion shows each field with nothing after"
    );
    for (field, label) in [
        ("stage", "\"Proposed\""),
        ("risk_tier", "\"Medium\""),
        ("sourcing", "\"In-house\""),
    ] {
        assert!(
            changes(1)
                .iter()
                .any(|(f, _, a)| f == field && a.as_deref() == Some(label)),
            "a closed value shows as its label, {field} as {label}: {:?}",
            changes(1)
        );
    }
}

#[test]
fn filter_choices_come_from_the_log() {
    let dir = searchable_log();
    let ws = open_as(dir.path(), "reader", 5);
    let c = ws.audit_choices(Some("system")).expect("choices");
    assert_eq!(
        c.actors,
        ["Ann Lee", "Bob Ray"],
        "the people who made changes"
    );
    assert_eq!(
        c.actions,
        ["create", "delete", "stage", "update"],
        "the actions in the log"
    );
    assert!(
        c.entities
            .iter()
            .any(|e| e.key == "system" && e.label == "AI system"),
        "the kinds of record come from core's vocabulary"
    );
    let records: Vec<(&str, &str)> = c
        .records
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        records,
        [("1", "Alpha 2"), ("2", "Beta")],
        "the systems the log speaks of, by name"
    );
}

/// The fields a bad query is refused for.
fn refused(q: AuditQuery, fields: &[&str]) {
    let dir = searchable_log();
    refused_in(dir.path(), q, fields);
}

/// The fields a bad query on the log in `dir` is refused for; returns each field's message.
fn refused_in(dir: &std::path::Path, q: AuditQuery, fields: &[&str]) -> Vec<String> {
    let err = open_as(dir, "reader", 5)
        .audit_log(&q)
        .expect_err("a bad filter is refused");
    let steward_core::Error::Validation { fields: got, .. } = &err else {
        panic!("a validation error, not {err}");
    };
    let names: Vec<&str> = got.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, fields, "the bad fields are named: {err}");
    got.iter().map(|f| f.message.clone()).collect()
}

#[test]
fn a_person_or_action_the_log_never_recorded_is_refused_with_what_it_has() {
    let dir = searchable_log();
    let d = dir.path();
    let s = |v: &str| Some(v.to_string());
    let said = refused_in(
        d,
        AuditQuery {
            actor: s("Bob R."),
            action: s("stagee"),
            ..q()
        },
        &["person", "action"],
    );
    assert_eq!(
        said,
        [
            r#"no entry in the log was made by "Bob R."; the log has "Ann Lee", "Bob Ray""#,
            r#"no entry in the log has the action "stagee"; the log has "create", "delete", "stage", "update""#,
        ],
        "each message says what the log does hold, so the fix is a copy away"
    );
    // Known values that select nothing together are an empty page, not a mistake.
    check_page(
        d,
        AuditQuery {
            actor: s("Ann Lee"),
            action: s("stage"),
            ..q()
        },
        &[],
        0,
    );
    let said = refused_in(
        d,
        AuditQuery {
            entity: s("system"),
            record: s("Gamma"),
            ..q()
        },
        &["record"],
    );
    assert_eq!(
        said,
        [r#"no AI system in the log has the id or name "Gamma"; it has "Alpha 2", "Beta""#],
        "an unknown record is refused with the records the log has"
    );
    let said = refused_in(
        d,
        AuditQuery {
            limit: Some(0),
            offset: Some(-5),
            ..q()
        },
        &["limit", "offset"],
    );
    assert_eq!(
        said,
        [
            "0 entries is no page; give 1 or more",
            "-5 is before the first entry; give 0 or more"
        ],
        "paging values say what is accepted"
    );
    // An empty log has nothing to compare a person or an action with: it selects nothing.
    let empty = tempfile::tempdir().expect("temp dir");
    let page = open_as(empty.path(), "reader", 5)
        .audit_log(&AuditQuery {
            actor: s("Ann Lee"),
            action: s("create"),
            ..q()
        })
        .expect("an empty log refuses nothing");
    assert_eq!(page.total, 0, "an empty log selects nothing");
}

#[test]
fn bad_filters_are_refused_naming_the_field() {
    let s = |v: &str| Some(v.to_string());
    refused(
        AuditQuery {
            entity: s("spaceship"),
            ..q()
        },
        &["entity"],
    );
    refused(
        AuditQuery {
            from: s("2026-13-01"),
            ..q()
        },
        &["from"],
    );
    refused(
        AuditQuery {
            to: s("yesterday"),
            ..q()
        },
        &["to"],
    );
    refused(
        AuditQuery {
            from: s("2026-03-04"),
            to: s("2026-03-01"),
            ..q()
        },
        &["from"],
    );
    refused(
        AuditQuery {
            record: s("Alpha"),
            ..q()
        },
        &["record"],
    );
    refused(
        AuditQuery {
            entity: s("system"),
            record: s("Gamma"),
            ..q()
        },
        &["record"],
    );
    refused(
        AuditQuery {
            limit: Some(0),
            offset: Some(-1),
            ..q()
        },
        &["limit", "offset"],
    );
}

#[test]
fn migration_0011_upgrades_a_schema_10_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 10));
    let mut ws = open_as(dir.path(), "Ann Lee", 1);
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION,
        "0011 applied on top of schema 10"
    );
    ws.add_system(draft("Alpha"))
        .expect("add after the upgrade");
    let page = ws
        .audit_log(&AuditQuery {
            actor: Some("Ann Lee".into()),
            ..q()
        })
        .expect("search after the upgrade");
    assert_eq!(page.total, 1, "the upgraded log is searchable by person");
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("indexes");
    assert_eq!(
        indexes,
        [
            "audit_log_action",
            "audit_log_actor",
            "audit_log_at",
            "audit_log_entity"
        ],
        "the search indexes arrive with 0011"
    );
}
