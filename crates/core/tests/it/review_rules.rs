//! The review rules in force as the settings screen shows them, set from a file and reset.

use steward_core::api::review_rules::RulesOrigin;
use steward_core::api::AuditQuery;

use crate::support::workspace;

#[test]
fn rules_are_set_from_a_file_and_reset_with_their_origin_and_audit_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("data"));
    let shipped = ws.review_rules_in_force().expect("rules");
    assert_eq!(
        shipped.origin,
        RulesOrigin::BuiltIn,
        "a new workspace uses the shipped rules"
    );

    let file = dir.path().join("board-rules.toml");
    std::fs::write(&file, "version = \"2027.1-board\"\n").expect("write the rules file");
    let own = ws.set_review_rules_file(Some(&file)).expect("a valid file");
    assert_eq!(own.origin, RulesOrigin::Workspace, "the workspace's own");
    assert_eq!(own.rules.version, "2027.1-board", "the file's version");
    assert_eq!(
        own.rules.rules, shipped.rules.rules,
        "keys the file leaves out keep the shipped value"
    );
    assert_eq!(
        ws.review_rules_in_force().expect("rules"),
        own,
        "and read back"
    );

    std::fs::write(&file, "version = ").expect("write a broken file");
    let e = ws
        .set_review_rules_file(Some(&file))
        .expect_err("a broken file is refused");
    assert!(
        e.to_string().contains("board-rules.toml") && e.to_string().contains("line 1"),
        "the error names the file and the line: {e}"
    );
    let missing = dir.path().join("none.toml");
    let e = ws
        .set_review_rules_file(Some(&missing))
        .expect_err("a missing file is refused");
    assert_eq!(e.code(), "io", "{e}");
    assert_eq!(
        ws.review_rules_in_force().expect("rules").rules.version,
        "2027.1-board",
        "a refused file changes nothing"
    );

    let reset = ws.set_review_rules_file(None).expect("reset");
    assert_eq!(reset, shipped, "back to the shipped rules");
    let actions: Vec<String> = ws
        .audit_log(&AuditQuery {
            entity: Some("review_rules".into()),
            ..AuditQuery::default()
        })
        .expect("audit")
        .into_entries()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions.len(),
        2,
        "one entry per change, none for a refused file: {actions:?}"
    );
    assert!(
        actions.contains(&"set".to_string()) && actions.contains(&"reset".to_string()),
        "{actions:?}"
    );
}
