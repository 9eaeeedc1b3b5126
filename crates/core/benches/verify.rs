//! `audit verify` at scale: 100,000 systems, each with its entry, and a seal; the whole check
//! (the chain, every record against the log, the seal) against the chain alone. Run with
//! `cargo bench -p steward-core --bench verify`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use steward_core::api::{Context, Workspace, DB_FILE};
use steward_core::audit::{canonical_json, next_entry};
use steward_core::clock::FixedClock;
use steward_core::identity::{self, Profile};
use steward_core::register::{AiSystem, SystemDraft};

const SYSTEMS: i64 = 100_000;

static WS: OnceLock<PathBuf> = OnceLock::new();

fn main() {
    let dir = tempfile::tempdir().expect("temp dir for the workspace");
    let path = dir.path().join("ws");
    build(&path, &dir.path().join("id"));
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

/// One system added through the API, then 99,999 more written straight into the file as
/// Steward writes them (the row and its `create` entry with the whole record, a valid chain),
/// so the set-up takes seconds; then the log sealed.
fn build(path: &std::path::Path, id_dir: &std::path::Path) {
    let mut ws = Workspace::open_dir(path, ctx()).expect("workspace");
    let mut d = SystemDraft::new("System 000001");
    d.business_unit = "Retail".into();
    d.owner = "Ann Owner".into();
    d.purpose = "Scores applications for credit risk with a gradient-boosted model".into();
    d.tags = vec!["credit".into(), "retail".into()];
    let first = ws.add_system(d).expect("add a system");
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
    {
        let mut system = tx
            .prepare(
                "INSERT INTO systems (id, name, purpose, business_unit, owner, technical_lead,
                    sourcing, vendor, model_approach, stage, regulated_domain, risk_tier,
                    data_sensitivity, certifications, datasets, assumptions, tags, created_at,
                    updated_at)
                 SELECT ?1, ?2, purpose, business_unit, owner, technical_lead, sourcing, vendor,
                    model_approach, stage, regulated_domain, risk_tier, data_sensitivity,
                    certifications, datasets, assumptions, tags, created_at, updated_at
                 FROM systems WHERE id = ?3",
            )
            .expect("prepare");
        let mut entry = tx
            .prepare(
                "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .expect("prepare");
        for n in 2..=SYSTEMS {
            let s = AiSystem {
                id: first.id + n - 1,
                draft: SystemDraft {
                    name: format!("System {n:06}"),
                    ..first.draft.clone()
                },
                ..first.clone()
            };
            system
                .execute(rusqlite::params![s.id, s.draft.name, first.id])
                .expect("insert a system");
            let e = next_entry(
                Some(prev.clone()),
                s.created_at.clone(),
                "bench".into(),
                "system",
                s.id.to_string(),
                "create",
                None,
                Some(canonical_json(&s)),
            );
            entry
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
                .expect("insert its entry");
            prev = (e.seq, e.hash);
        }
    }
    tx.commit().expect("commit");
    drop(conn);
    let p = Profile {
        name: "Ann Lee".into(),
        role: "Risk officer".into(),
        organisation: "Acme".into(),
        email: String::new(),
    };
    let now = ctx().clock.now();
    identity::init(id_dir, &p, "bench passphrase", now).expect("identity");
    let signer = identity::unlock(id_dir, "bench passphrase", now).expect("unlock");
    let mut ws = Workspace::open_dir(path, ctx()).expect("workspace");
    ws.seal_audit(&signer).expect("seal");
    let v = ws.verify_audit().expect("verify");
    assert!(
        v.is_intact() && v.state.records == SYSTEMS + 1,
        "every system is compared and as logged: {} records, {} findings",
        v.state.records,
        v.state.findings.len()
    );
}

fn ws() -> Workspace {
    Workspace::open_dir(WS.get().expect("built"), ctx()).expect("workspace")
}

/// The chain, every record against the log, and the seal.
#[divan::bench(sample_count = 5)]
fn verify_all(b: divan::Bencher) {
    let ws = ws();
    b.bench_local(|| {
        let v = ws.verify_audit().expect("verify");
        assert!(v.is_intact(), "intact");
    });
}

/// The chain alone, as before the state check and seals.
#[divan::bench(sample_count = 5)]
fn chain_only(b: divan::Bencher) {
    let ws = ws();
    b.bench_local(|| {
        let c = ws.verify_chain().expect("verify");
        assert!(c.is_intact(), "intact");
    });
}
