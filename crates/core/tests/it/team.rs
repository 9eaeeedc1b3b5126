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
        .unwrap_or(15);
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
