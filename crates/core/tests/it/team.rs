//! A team workspace in PostgreSQL, beyond what the rest of the suite checks on both stores:
//! changes made with psql behind Steward's back, and people writing at once. Each test starts
//! the test binary's PostgreSQL (`steward-testpg`); `STEWARD_PG_TESTS=0` skips them, saying so.

use std::sync::Arc;

use steward_core::api::{Context, Workspace};
use steward_core::audit::state::StateProblem;
use steward_core::register::RiskTier;

use crate::support::{ctx, draft};

fn as_person(url_of: &dyn Fn(&str) -> String, person: &str) -> Workspace {
    let c = Context::new(person, Arc::clone(&ctx().clock));
    Workspace::open_team(&url_of(person), c).expect("the team workspace opens")
}

#[test]
fn a_register_change_made_with_psql_is_named_by_audit_verify() {
    let Some(s) = steward_testpg::server_or_skip("a_register_change_made_with_psql") else {
        return;
    };
    let schema = s.fresh_schema().name;
    let url_of = |who: &str| s.schema_url_as(who, &schema);
    let mut ws = as_person(&url_of, "ann");
    let mut d = draft("Alpha");
    d.risk_tier = RiskTier::High;
    let a = ws.add_system(d).expect("add");
    assert!(
        ws.verify_audit().expect("verify").is_intact(),
        "as Steward wrote it"
    );
    let _mallory = url_of("mallory");
    let out = s
        .psql("mallory", "postgres")
        .arg("-c")
        .arg(format!(
            "UPDATE {schema}.systems SET risk_tier = 'low' WHERE id = {}",
            a.id
        ))
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "whoever may write the register's tables can change them with psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = ws.verify_audit().expect("verify");
    assert!(v.chain.is_intact(), "the log itself is untouched");
    let found: Vec<_> = v
        .state
        .findings
        .iter()
        .map(|f| {
            (
                f.entity.as_str(),
                f.problem,
                f.fields
                    .iter()
                    .map(|x| x.field.as_str())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("system", StateProblem::Changed, vec!["risk_tier"])],
        "the change behind Steward's back is named with its field"
    );
    assert!(!v.is_intact());
}

#[test]
fn people_writing_at_once_lose_nothing_and_make_one_chain_naming_each() {
    let Some(s) = steward_testpg::server_or_skip("people_writing_at_once") else {
        return;
    };
    let writers: usize = std::env::var("STEWARD_TEAM_WRITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let changes: usize = std::env::var("STEWARD_TEAM_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let schema = s.fresh_schema().name;
    let url_of = |who: &str| s.schema_url_as(who, &schema);
    drop(as_person(&url_of, "owner"));
    std::thread::scope(|scope| {
        for w in 0..writers {
            let url = url_of(&format!("writer{w}"));
            scope.spawn(move || {
                let c = Context::new(format!("writer{w}"), Arc::clone(&ctx().clock));
                let mut ws = Workspace::open_team(&url, c).expect("opens");
                let mine = ws.add_system(draft(&format!("W{w}"))).expect("add");
                for i in 1..changes {
                    let mut d = ws.system(mine.id).expect("reads").draft;
                    d.purpose = format!("change {i}");
                    ws.update_system(mine.id, d).expect("edit");
                }
            });
        }
    });
    let ws = as_person(&url_of, "owner");
    let log = ws
        .audit_log(&Default::default())
        .expect("log")
        .into_entries();
    assert_eq!(
        log.len(),
        writers * changes,
        "every change of every writer has its entry"
    );
    for w in 0..writers {
        let name = format!("writer{w}");
        assert_eq!(
            log.iter().filter(|e| e.actor == name).count(),
            changes,
            "each entry names the database user who made it"
        );
        let s = ws
            .find_system(&format!("W{w}"))
            .expect("each writer's system is there");
        assert_eq!(
            s.draft.purpose,
            format!("change {}", changes - 1),
            "no write was lost"
        );
    }
    let v = ws.verify_audit().expect("verify");
    assert!(v.is_intact(), "one linear chain that verifies: {v:?}");
}

/// An import into a team workspace writes its new systems many rows to a statement; the
/// records, ids and audit entries are the very ones of the same import into a laptop
/// workspace (the same hashes to the last entry), across the statements' boundaries and
/// around a changed system in between.
#[test]
fn an_import_writes_the_same_records_and_entries_on_both_stores() {
    let Some(s) = steward_testpg::server_or_skip("an_import_writes_the_same_records") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("register.csv");
    let mut text = String::from("Name,Business unit,Owner,Stage,Risk tier\r\n");
    for i in 1..=1203 {
        if i == 600 {
            text.push_str("Existing,Retail,Bea,development,low\r\n");
        }
        let stage = ["proposed", "development", "validation"][i % 3];
        text.push_str(&format!(
            "System {i:04},Unit {},Ann,{stage},medium\r\n",
            i % 7
        ));
    }
    std::fs::write(&file, text).expect("write the register");
    let head = |ws: &mut Workspace| {
        ws.add_system(draft("Existing")).expect("add");
        let plan = ws.import_systems(&file, false).expect("imports");
        assert_eq!((plan.adds.len(), plan.changes.len()), (1203, 1));
        assert!(ws.verify_audit().expect("verify").is_intact());
        let page = ws
            .audit_log(&steward_core::api::AuditQuery {
                limit: Some(1),
                newest_first: true,
                ..Default::default()
            })
            .expect("the log");
        let last = &page.entries[0].entry;
        (
            page.total,
            last.seq,
            last.hash.clone(),
            ws.list_systems(&Default::default()).expect("list"),
        )
    };
    let laptop = head(&mut Workspace::open_dir(&dir.path().join("ws"), ctx()).expect("opens"));
    let url = s.fresh_schema().url;
    let team = head(&mut Workspace::open_team(&url, ctx()).expect("opens"));
    assert_eq!(
        laptop.0,
        1 + 1204 + 1,
        "a create, 1,204 rows and the import's own entry"
    );
    assert_eq!(team.1, laptop.1);
    assert_eq!(team.2, laptop.2, "the same chain, entry for entry");
    assert_eq!(team.3, laptop.3, "the same systems with the same ids");
}

/// A team workspace as an organisation sets one up: a schema owned by a role that is no
/// superuser (with CREATEROLE when `creates_roles`), opened as that role. Returns the server,
/// the schema, the owner and the owner's workspace.
fn owned_team(
    test: &str,
    creates_roles: bool,
) -> Option<(&'static steward_testpg::Server, String, String, Workspace)> {
    let s = steward_testpg::server_or_skip(test)?;
    let n = s.fresh_schema().name;
    let owner = format!("{n}_owner");
    s.login_role(
        &owner,
        if creates_roles {
            "CREATEROLE"
        } else {
            "NOCREATEROLE"
        },
    );
    let scratch = s.fresh_schema_owned_by(&owner);
    let ws = Workspace::open_team(&scratch.url, ctx()).expect("the owner opens the workspace");
    Some((s, scratch.name, owner, ws))
}

/// psql as `user` on the test database: the output, and whether it succeeded.
fn psql(s: &steward_testpg::Server, user: &str, sql: &str) -> (bool, String) {
    let out = s
        .psql(user, "postgres")
        .arg("-c")
        .arg(sql)
        .output()
        .expect("psql runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn team_init_sets_up_the_members_role_once_and_a_second_run_changes_nothing() {
    let Some((_s, schema, owner, mut ws)) = owned_team("team_init_sets_up", true) else {
        return;
    };
    let first = ws.team_init().expect("the owner sets the workspace up");
    let role = format!("steward_postgres_{schema}_members");
    assert_eq!(
        first.members_role, role,
        "named after the database and schema"
    );
    assert!(
        first
            .changes
            .iter()
            .any(|c| c.contains("created the members' role")),
        "{:?}",
        first.changes
    );
    assert!(
        first
            .changes
            .iter()
            .any(|c| c == "granted SELECT, INSERT on audit_log"),
        "the log is only read and appended: {:?}",
        first.changes
    );
    let log = ws
        .audit_log(&Default::default())
        .expect("log")
        .into_entries();
    assert_eq!(
        log.iter()
            .map(|e| (e.entity.as_str(), e.action.as_str(), e.actor.as_str()))
            .collect::<Vec<_>>(),
        [("team", "init", owner.as_str())],
        "the set-up is audited as made by the owner who logged in"
    );
    let second = ws.team_init().expect("runs again");
    assert_eq!(second.changes, Vec::<String>::new(), "nothing left to do");
    assert_eq!(
        ws.audit_log(&Default::default()).expect("log").total,
        1,
        "a run that changed nothing writes no entry"
    );
    assert!(ws.verify_audit().expect("verify").is_intact());
}

#[test]
fn team_init_without_createrole_or_by_a_member_is_refused_naming_what_is_missing() {
    let Some((s, schema, owner, mut ws)) = owned_team("team_init_without_createrole", false) else {
        return;
    };
    let err = ws
        .team_init()
        .expect_err("creating a role needs CREATEROLE");
    assert!(
        err.to_string().contains("CREATEROLE") && err.to_string().contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(ws.audit_log(&Default::default()).expect("log").total, 0);
    let (_, out) = psql(
        s,
        steward_testpg::ROLE,
        &format!(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'steward_postgres_{schema}_members'"
        ),
    );
    assert!(out.contains(" 0\n"), "no role was made: {out}");
    // Someone who does not own the tables cannot set them up, whatever they may do otherwise.
    let other = format!("{schema}_other");
    s.login_role(&other, "CREATEROLE");
    s.admin(&format!("GRANT USAGE ON SCHEMA {schema} TO {other}; GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {other}"));
    let mut theirs = Workspace::open_team(&s.url_as(&other, s.password(), &schema), ctx())
        .expect("opens to read");
    let err = theirs.team_init().expect_err("not the owner");
    assert!(
        err.to_string().contains("is for the workspace's owner")
            && err.to_string().contains(&owner),
        "{err}"
    );
}

#[test]
fn a_member_writes_through_steward_and_psql_refuses_what_the_log_and_schema_forbid() {
    let Some((s, schema, owner_role, mut owner)) =
        owned_team("a_member_writes_through_steward", true)
    else {
        return;
    };
    owner.team_init().expect("set up");
    let member = format!("{schema}_ann");
    let password = steward_core::api::Passphrase::new("ann's secret").expect("a password");
    let added = owner
        .team_add_member(&member, Some(&password))
        .expect("the owner adds a member");
    assert_eq!(added.outcome, "created");
    assert_eq!(
        owner.team_add_member(&member, None).expect("again").outcome,
        "already",
        "adding a member twice changes nothing"
    );
    assert_eq!(
        owner.team_members().expect("members").members.len(),
        1,
        "one member"
    );
    let err = Workspace::open_team(&s.url_as(&member, "wrong", &schema), ctx())
        .err()
        .expect("a wrong password is refused");
    assert!(err.to_string().contains("password"), "{err}");
    let mut ann = Workspace::open_team(&s.url_as(&member, "ann's secret", &schema), ctx())
        .expect("the member logs in with the password the owner gave");
    let mut d = draft("Alpha");
    d.risk_tier = RiskTier::High;
    let a = ann.add_system(d).expect("a member writes through Steward");
    let err = ann.team_init().expect_err("a member is not the owner");
    assert!(err.to_string().contains("owner"), "{err}");
    let err = ann
        .team_add_member("mallory", None)
        .expect_err("a member adds no one");
    assert!(err.to_string().contains("owner"), "{err}");
    let chain = ann.verify_chain().expect("chain");
    let t = &schema;
    for (sql, says) in [
        (
            format!("UPDATE {t}.audit_log SET actor = 'mallory'"),
            "permission denied",
        ),
        (format!("DELETE FROM {t}.audit_log"), "permission denied"),
        (format!("TRUNCATE {t}.audit_log"), "permission denied"),
        (format!("DELETE FROM {t}.audit_seals"), "permission denied"),
        (format!("DROP TABLE {t}.systems"), "must be owner"),
        (
            format!("ALTER TABLE {t}.systems ADD COLUMN x int"),
            "must be owner",
        ),
        (format!("CREATE TABLE {t}.x (id int)"), "permission denied"),
        (
            format!(
                "INSERT INTO {t}.audit_log VALUES ({}, 'at', '{}', 'system', '1', 'delete', \
                 NULL, NULL, '{}', 'h')",
                chain.length + 1,
                owner_role,
                chain.head
            ),
            "as its actor",
        ),
    ] {
        let (ok, out) = psql(s, &member, &sql);
        assert!(
            !ok && out.contains(says),
            "{sql} is refused for a member ({says}): {out}"
        );
    }
    assert_eq!(
        ann.verify_chain().expect("chain"),
        chain,
        "the log is as it was"
    );
    let (ok, out) = psql(
        s,
        &member,
        &format!(
            "UPDATE {t}.systems SET risk_tier = 'low' WHERE id = {}",
            a.id
        ),
    );
    assert!(ok, "a member may write the register's tables: {out}");
    let v = owner.verify_audit().expect("verify");
    assert!(
        !v.is_intact()
            && v.state.findings.len() == 1
            && v.state.findings[0].fields[0].field == "risk_tier",
        "the change behind Steward's back is named: {:?}",
        v.state.findings
    );
    let removed = owner.team_remove_member(&member).expect("removed");
    assert_eq!(removed.outcome, "removed");
    assert_eq!(owner.team_members().expect("members").members.len(), 0);
    let actions: Vec<String> = owner
        .audit_log(&Default::default())
        .expect("log")
        .into_entries()
        .into_iter()
        .filter(|e| e.entity == "team")
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["init", "add_member", "remove_member"]);
}
