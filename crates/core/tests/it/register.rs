//! The register through the API: add, edit, transitions, list queries.

use steward_core::register::*;

use crate::support::{draft, workspace};

#[test]
fn validation_names_every_bad_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut d = SystemDraft::new(" ");
    d.sourcing = Sourcing::Vendor;
    let err = ws.add_system(d).expect_err("an empty draft is refused");
    let steward_core::Error::Validation { fields, .. } = err else {
        panic!("expected a validation error, got {err}")
    };
    let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        ["name", "business_unit", "owner", "vendor"],
        "each missing field is named once"
    );
    assert!(
        ws.list_systems(&Default::default())
            .expect("list")
            .is_empty(),
        "nothing was saved"
    );
}

#[test]
fn stage_changes_follow_the_transitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("Alpha")).expect("add");
    let err = ws
        .set_stage(s.id, Stage::Production)
        .expect_err("proposed -> production is refused");
    assert_eq!(err.code(), "transition", "{err}");
    assert!(
        err.to_string().contains("staging"),
        "the reason names the way: {err}"
    );
    for st in [
        Stage::Development,
        Stage::Validation,
        Stage::Staging,
        Stage::Production,
    ] {
        ws.set_stage(s.id, st)
            .unwrap_or_else(|e| panic!("{st} must be allowed: {e}"));
    }
    let live = ws.system(s.id).expect("get");
    assert_eq!(
        live.draft.deployment_date,
        Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")),
        "going live records the date"
    );
    assert_eq!(
        ws.retire_system(s.id, None)
            .expect_err("production cannot retire directly")
            .code(),
        "transition"
    );
    ws.set_stage(s.id, Stage::Deprecated).expect("deprecate");
    let started = ws.retire_system(s.id, None).expect("checklist");
    for item in started.checklist {
        ws.close_checklist_item(s.id, &item.key, steward_core::calendar::ItemState::Done, "")
            .expect("done");
    }
    assert!(ws.retire_system(s.id, None).expect("retire").retired);
    let mut d = ws.system(s.id).expect("get").draft;
    d.stage = Stage::Development;
    assert_eq!(
        ws.update_system(s.id, d)
            .expect_err("a retired system is final")
            .code(),
        "transition"
    );
}

#[test]
fn list_filters_searches_and_sorts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    steward_core::demo::populate(&mut ws).expect("demo");
    let check = |q: SystemQuery, expected_first: &str, expected_len: usize| {
        let list = ws.list_systems(&q).expect("list");
        assert_eq!(list.len(), expected_len, "count for {q:?}");
        assert_eq!(
            list.first().map(|s| s.draft.name.as_str()),
            Some(expected_first),
            "first for {q:?}"
        );
    };
    check(
        SystemQuery {
            text: "llm".into(),
            ..Default::default()
        },
        "Code Review Assistant",
        6,
    );
    check(
        SystemQuery {
            stages: vec![Stage::Retired],
            ..Default::default()
        },
        "ATM Cash Optimiser",
        2,
    );
    check(
        SystemQuery {
            risk_tiers: vec![RiskTier::High],
            stages: vec![Stage::Validation],
            ..Default::default()
        },
        "Attrition Risk Model",
        3,
    );
    check(
        SystemQuery {
            business_units: vec!["people".into()],
            sort: SortKey::Name,
            descending: true,
            ..Default::default()
        },
        "HR Policy Chatbot",
        3,
    );
    check(
        SystemQuery {
            tag: Some("CHATBOT".into()),
            ..Default::default()
        },
        "HR Policy Chatbot",
        2,
    );
    check(
        SystemQuery {
            sort: SortKey::DeploymentDate,
            descending: true,
            ..Default::default()
        },
        "Customer Service Copilot",
        36,
    );
}

#[test]
fn demo_needs_an_empty_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    ws.add_system(draft("Mine")).expect("add");
    assert_eq!(
        steward_core::demo::populate(&mut ws)
            .expect_err("not empty")
            .code(),
        "conflict",
        "demo never mixes into real data"
    );
}

fn day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The names of the fields a refused save reports.
fn refused_fields(err: steward_core::Error) -> Vec<(String, String)> {
    let steward_core::Error::Validation { fields, .. } = err else {
        panic!("expected a validation error, got {err}")
    };
    fields.into_iter().map(|f| (f.field, f.message)).collect()
}

#[test]
fn review_fields_are_saved_read_and_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("Alpha")).expect("add");
    assert_eq!(
        (
            s.draft.sponsor.as_str(),
            s.draft.last_retrained,
            s.draft.annual_value,
            s.draft.data_readiness,
            s.draft.strategic_alignment
        ),
        ("", None, None, None, None),
        "a new system has none: missing, never zero"
    );
    let mut d = s.draft.clone();
    d.sponsor = " Helen Carter ".into();
    d.last_retrained = day("2026-11-02");
    d.annual_value = Some(1_250_000.5);
    d.data_readiness = Some(2);
    d.strategic_alignment = Some(5);
    let saved = ws.update_system(s.id, d).expect("a clean edit saves");
    assert_eq!(saved.draft.sponsor, "Helen Carter", "text is trimmed");
    assert_eq!(
        ws.system(s.id).expect("read").draft,
        saved.draft,
        "what is read back is what was saved"
    );
    let log = ws
        .audit_log(&steward_core::api::AuditQuery::default())
        .expect("audit")
        .into_entries();
    let after = log.last().and_then(|e| e.after.clone()).unwrap_or_default();
    for want in [
        r#""sponsor":"Helen Carter""#,
        r#""last_retrained":"2026-11-02""#,
        r#""annual_value":1250000.5"#,
        r#""data_readiness":2"#,
        r#""strategic_alignment":5"#,
    ] {
        assert!(
            after.contains(want),
            "the audit entry holds {want}: {after}"
        );
    }
    let created = log
        .first()
        .and_then(|e| e.after.clone())
        .unwrap_or_default();
    assert!(
        !created.contains("sponsor") && !created.contains("annual_value"),
        "an unset field is not in the record's JSON: {created}"
    );

    let mut cleared = saved.draft.clone();
    cleared.sponsor.clear();
    cleared.last_retrained = None;
    cleared.annual_value = None;
    cleared.data_readiness = None;
    cleared.strategic_alignment = None;
    let back = ws.update_system(s.id, cleared).expect("clearing saves");
    assert_eq!(
        ws.system(s.id).expect("read").draft,
        back.draft,
        "cleared fields read back as missing"
    );
    assert_eq!(back.draft, s.draft, "the record is as it was");
}

#[test]
fn review_fields_are_refused_naming_the_field_and_what_is_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut d = draft("Alpha");
    d.last_retrained = day("2026-11-03");
    d.annual_value = Some(-1.0);
    d.data_readiness = Some(0);
    d.strategic_alignment = Some(6);
    let fields = refused_fields(ws.add_system(d).expect_err("refused"));
    let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "annual_value",
            "data_readiness",
            "strategic_alignment",
            "last_retrained"
        ],
        "each bad field is named: {fields:?}"
    );
    assert!(
        fields[3].1.contains("is after today (2026-11-02)"),
        "the workspace clock decides what today is: {}",
        fields[3].1
    );
    assert!(
        fields[1]
            .1
            .contains("from 1 (no usable data) to 5 (production-grade)"),
        "{}",
        fields[1].1
    );

    let mut d = draft("Beta");
    d.stage = Stage::Production;
    d.deployment_date = day("2025-06-01");
    d.last_retrained = day("2025-05-31");
    let fields = refused_fields(ws.add_system(d).expect_err("refused"));
    assert_eq!(
        fields,
        [(
            "last_retrained".to_string(),
            "is before the deployment date (2025-06-01); enter a date on or after it, or correct \
             the deployment date"
                .to_string()
        )],
    );
    assert!(
        ws.list_systems(&Default::default())
            .expect("list")
            .is_empty(),
        "nothing was saved"
    );
}

#[test]
fn migration_0008_upgrades_a_schema_7_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 7));
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    let old = ws.system(1).expect("kept");
    assert_eq!(
        old.draft.name, "Copilot",
        "data made under schema 7 is kept"
    );
    assert_eq!(
        (
            old.draft.sponsor.as_str(),
            old.draft.last_retrained,
            old.draft.annual_value,
            old.draft.data_readiness,
            old.draft.strategic_alignment
        ),
        ("", None, None, None, None),
        "an upgraded system has no review facts yet"
    );
    let mut d = old.draft.clone();
    d.deployment_date = day("2025-01-01");
    d.sponsor = "Helen Carter".into();
    d.last_retrained = day("2026-10-01");
    d.annual_value = Some(0.0);
    d.data_readiness = Some(5);
    d.strategic_alignment = Some(1);
    let saved = ws
        .update_system(1, d)
        .expect("the upgraded schema takes them");
    assert_eq!(ws.system(1).expect("read").draft, saved.draft);
    drop(ws);

    let c = rusqlite::Connection::open(dir.path().join(steward_core::api::DB_FILE)).expect("open");
    for (column, bad) in [
        ("data_readiness", "6"),
        ("strategic_alignment", "0"),
        ("annual_value", "-1"),
    ] {
        assert!(
            c.execute(&format!("UPDATE systems SET {column} = {bad}"), [])
                .is_err(),
            "the table refuses {column} = {bad} whatever writes to it"
        );
    }
}

#[test]
fn the_model_version_is_saved_imported_and_left_out_of_the_json_when_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("Alpha")).expect("add");
    assert_eq!(s.draft.model_version, "", "a new system has no version");
    let mut d = s.draft.clone();
    d.model_version = " 2.3 ".into();
    let saved = ws.update_system(s.id, d).expect("a version saves");
    assert_eq!(saved.draft.model_version, "2.3", "trimmed");
    assert_eq!(ws.system(s.id).expect("read").draft, saved.draft);
    let log = ws
        .audit_log(&steward_core::api::AuditQuery::default())
        .expect("audit")
        .into_entries();
    let (created, updated) = (
        log.first()
            .and_then(|e| e.after.clone())
            .unwrap_or_default(),
        log.last().and_then(|e| e.after.clone()).unwrap_or_default(),
    );
    assert!(
        !created.contains("model_version"),
        "a record without a version keeps the JSON (and the sign-off hash) it had: {created}"
    );
    assert!(
        updated.contains(r#""model_version":"2.3""#),
        "the audit entry holds the version: {updated}"
    );

    let mut bad = saved.draft.clone();
    bad.model_version = "2.3\n2.4".into();
    let fields = refused_fields(ws.update_system(s.id, bad).expect_err("refused"));
    assert_eq!(fields[0].0, "model_version", "{fields:?}");

    let csv = dir.path().join("register.csv");
    std::fs::write(
        &csv,
        "Name,Business unit,Owner,Version\nAlpha,Retail,Ann,3.0-rc1\nBeta,Retail,Ann,\n",
    )
    .expect("write");
    let plan = ws.import_systems(&csv, false).expect("imports");
    assert_eq!(plan.problems, [], "a Version column is the model version");
    assert_eq!(
        ws.find_system("Alpha").expect("alpha").draft.model_version,
        "3.0-rc1"
    );
    assert_eq!(
        ws.find_system("Beta").expect("beta").draft.model_version,
        ""
    );
}

#[test]
fn migration_0015_upgrades_a_schema_14_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let c = crate::support::workspace_at_schema(dir.path(), 14);
    c.execute(
        "INSERT INTO milestones (system_id, kind, planned, updated_by, updated_at)
         VALUES (1, 'production', '2025-02-01', 'Ann', '2025-01-01T00:00:00Z')",
        [],
    )
    .expect("a milestone of the system, as schema 14 keeps it");
    drop(c);
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION
    );
    let old = ws.system(1).expect("kept under its id");
    assert_eq!(
        (
            old.draft.name.as_str(),
            old.draft.stage,
            old.draft.risk_tier
        ),
        ("Copilot", Stage::Production, RiskTier::High),
        "the system made under schema 14 is kept as it was"
    );
    let mut d = draft("Beta");
    d.eu_ai_act_category = None;
    ws.add_system(d)
        .expect("a system with no EU AI Act category yet is accepted, as before");
    drop(ws);

    let c = rusqlite::Connection::open(dir.path().join(steward_core::api::DB_FILE)).expect("open");
    let planned: String = c
        .query_row(
            "SELECT planned FROM milestones WHERE system_id = 1",
            [],
            |r| r.get(0),
        )
        .expect("the milestone");
    assert_eq!(
        planned, "2025-02-01",
        "the milestone still points at its system"
    );
    let dangling: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("check");
    assert_eq!(
        dangling, 0,
        "every record that points at a system still finds it"
    );
    for (column, good, bad) in [
        ("sourcing", "vendor", "bought"),
        ("stage", "retired", "live"),
        ("regulated_domain", "public_sector", "banking"),
        ("eu_ai_act_category", "minimal", "low"),
        ("risk_tier", "medium", "extreme"),
        ("data_sensitivity", "restricted", "secret"),
        ("data_readiness", "5", "6"),
        ("strategic_alignment", "1", "0"),
        ("annual_value", "0", "-1"),
    ] {
        c.execute(
            &format!("UPDATE systems SET {column} = '{good}' WHERE id = 1"),
            [],
        )
        .unwrap_or_else(|e| panic!("the table takes {column} = {good}: {e}"));
        assert!(
            c.execute(
                &format!("UPDATE systems SET {column} = '{bad}' WHERE id = 1"),
                []
            )
            .is_err(),
            "the table refuses {column} = {bad} whatever writes to it"
        );
    }
    // What the rebuild is for: writing a system builds no temporary b-tree per row (SQLite
    // builds one for each `IN` list of three or more values it checks).
    let program: Vec<String> = c
        .prepare(
            "EXPLAIN INSERT INTO systems (name, business_unit, owner, sourcing, stage,
                regulated_domain, eu_ai_act_category, risk_tier, data_sensitivity, created_at,
                updated_at)
             VALUES ('Gamma', 'Retail', 'Ann', 'in_house', 'proposed', 'none', NULL, 'low',
                'internal', 'now', 'now')",
        )
        .expect("explain")
        .query_map([], |r| r.get::<_, String>(1))
        .expect("opcodes")
        .collect::<rusqlite::Result<_>>()
        .expect("opcodes");
    assert!(
        !program.iter().any(|op| op == "OpenEphemeral"),
        "a row is checked without a temporary b-tree: {program:?}"
    );
}
