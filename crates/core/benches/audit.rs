//! The audit log at scale: pages of a 100,000-entry log, unfiltered and filtered by record (by
//! name, as the CLI takes it, and by id, as the app sends it), person, action and dates, the
//! first page and the last, and the filters' choices. Run with
//! `cargo bench -p steward-core --bench audit`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use chrono::{Duration, TimeZone, Utc};
use steward_core::api::{AuditQuery, Context, Workspace, DB_FILE};
use steward_core::audit::{canonical_json, next_entry};
use steward_core::clock::FixedClock;
use steward_core::register::SystemDraft;

const ENTRIES: i64 = 100_000;
const SYSTEMS: i64 = 1_000;
const PEOPLE: i64 = 20;

static WS: OnceLock<PathBuf> = OnceLock::new();

fn main() {
    let dir = tempfile::tempdir().expect("temp dir for the workspace");
    let path = dir.path().join("ws");
    build(&path);
    let _ = WS.set(path);
    divan::main();
}

fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid time");
    Context::new("bench", Arc::new(FixedClock(t)))
}

/// 1,000 systems added through the API, then the log filled to 100,000 entries as Steward
/// writes them (a whole system record before and after, a valid chain) over two years, by 20
/// people, straight into the file so the set-up takes seconds.
fn build(path: &std::path::Path) {
    let mut ws = Workspace::open_dir(path, ctx()).expect("workspace");
    for i in 1..=SYSTEMS {
        let mut d = SystemDraft::new(format!("System {i:04}"));
        d.business_unit = "Retail".into();
        d.owner = "Ann Owner".into();
        d.purpose = "Scores applications for credit risk with a gradient-boosted model".into();
        ws.add_system(d).expect("add a system");
    }
    let record = serde_json::to_value(ws.system(1).expect("system 1")).expect("json");
    drop(ws);
    let mut conn = rusqlite::Connection::open(path.join(DB_FILE)).expect("open the file");
    let tx = conn.transaction().expect("transaction");
    let mut prev: (i64, String) = tx
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the last entry");
    let start = Utc
        .with_ymd_and_hms(2024, 11, 1, 8, 0, 0)
        .single()
        .expect("valid time");
    let actions = ["update", "stage", "update", "assessment"];
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .expect("prepare");
        for n in prev.0 + 1..=ENTRIES {
            let mut before = record.clone();
            before["purpose"] = format!("purpose as of entry {}", n - 1).into();
            let mut after = record.clone();
            after["purpose"] = format!("purpose as of entry {n}").into();
            let at = (start + Duration::minutes(n * 10)).format("%Y-%m-%dT%H:%M:%SZ");
            let e = next_entry(
                Some(prev.clone()),
                at.to_string(),
                format!("Person {:02}", n % PEOPLE),
                "system",
                (n % SYSTEMS + 1).to_string(),
                actions[(n % 4) as usize],
                Some(canonical_json(&before)),
                Some(canonical_json(&after)),
            );
            insert
                .execute(rusqlite::params![
                    e.seq,
                    e.at,
                    e.actor,
                    e.entity,
                    e.entity_id,
                    e.action,
                    e.before,
                    e.after,
                    e.prev_hash,
                    e.hash
                ])
                .expect("insert");
            prev = (e.seq, e.hash);
        }
    }
    tx.commit().expect("commit");
}

fn ws() -> Workspace {
    Workspace::open_dir(WS.get().expect("built"), ctx()).expect("workspace")
}

fn page(q: AuditQuery) -> impl Fn() {
    let ws = ws();
    move || {
        let p = ws.audit_log(&q).expect("page");
        assert!(p.total > 0, "the page selects entries");
    }
}

fn q() -> AuditQuery {
    AuditQuery {
        limit: Some(50),
        newest_first: true,
        ..AuditQuery::default()
    }
}

#[divan::bench]
fn first_page(b: divan::Bencher) {
    b.bench_local(page(q()));
}

#[divan::bench]
fn last_page(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        offset: Some(ENTRIES - 50),
        ..q()
    }));
}

#[divan::bench]
fn one_record(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        entity: Some("system".into()),
        record: Some("System 0500".into()),
        ..q()
    }));
}

/// The same record as the app asks for it, by its stored id: no name to resolve.
#[divan::bench]
fn one_record_by_id(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        entity: Some("system".into()),
        entity_id: Some("500".into()),
        ..q()
    }));
}

#[divan::bench]
fn one_person_page_ten(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        actor: Some("Person 07".into()),
        offset: Some(450),
        ..q()
    }));
}

#[divan::bench]
fn one_action_last_page(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        action: Some("stage".into()),
        offset: Some(ENTRIES / 4 - 50),
        ..q()
    }));
}

#[divan::bench]
fn one_month(b: divan::Bencher) {
    b.bench_local(page(AuditQuery {
        from: Some("2025-06-01".into()),
        to: Some("2025-06-30".into()),
        ..q()
    }));
}

#[divan::bench]
fn filter_choices(b: divan::Bencher) {
    let ws = ws();
    b.bench_local(|| ws.audit_choices(Some("system")).expect("choices"));
}
