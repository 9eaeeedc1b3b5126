//! Seals of the audit log: a forged entry with a correct hash, before a seal, fails the seal;
//! after the last seal it is reported as unsealed; a seal whose signature or certificate was
//! replaced fails; a pack carries the seals and checks them.

use rusqlite::{params, Connection};
use steward_core::api::{AuditVerification, Workspace, DB_FILE, SCHEMA_VERSION};
use steward_core::audit::{canonical_json, next_entry, AuditEntry};
use steward_core::pack::{self, FindingLevel};
use steward_core::sign::seal::SealStatement;
use steward_core::sign::Signer;

use crate::support::{draft, signer, workspace};

/// A workspace in `dir` with three systems, sealed by Ann, then two more systems.
fn sealed(dir: &std::path::Path) -> (Workspace, Signer) {
    let ann = signer(dir, "Ann Lee", "Risk officer");
    let mut ws = workspace(dir);
    for n in ["Alpha", "Beta", "Gamma"] {
        ws.add_system(draft(n)).expect("add");
    }
    let seal = ws.seal_audit(&ann).expect("seal");
    assert_eq!(
        seal.seq, 4,
        "the seal's own entry follows the three changes"
    );
    assert!(seal.valid, "a new seal holds: {}", seal.message);
    for n in ["Delta", "Epsilon"] {
        ws.add_system(draft(n)).expect("add");
    }
    (ws, ann)
}

fn entries(conn: &Connection) -> Vec<AuditEntry> {
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash FROM audit_log ORDER BY seq")
        .expect("prepare");
    stmt.query_map([], |r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            action: r.get(5)?,
            before: r.get(6)?,
            after: r.get(7)?,
            prev_hash: r.get(8)?,
            hash: r.get(9)?,
        })
    })
    .and_then(|rows| rows.collect())
    .expect("entries")
}

/// Rewrites the log as a forger with SQL would: a forged entry (an edit of system 1's owner)
/// put at position `at` (1-based), and every entry from there on renumbered and hashed again, so
/// the chain holds. The system's row is changed to match, so the state agrees with the log.
fn forge(dir: &std::path::Path, at: i64) {
    let conn = Connection::open(dir.join(DB_FILE)).expect("open behind Steward's back");
    let old = entries(&conn);
    let mut sys: serde_json::Value = serde_json::from_str(
        old.iter()
            .rev()
            .find(|e| e.entity == "system" && e.entity_id == "1")
            .and_then(|e| e.after.as_deref())
            .expect("system 1 was logged"),
    )
    .expect("json");
    let before = canonical_json(&sys);
    sys["owner"] = "Mallory".into();
    let forged = AuditEntry {
        seq: 0,
        at: "2026-11-02T09:30:00Z".into(),
        actor: "tester".into(),
        entity: "system".into(),
        entity_id: "1".into(),
        action: "update".into(),
        before: Some(before),
        after: Some(canonical_json(&sys)),
        prev_hash: String::new(),
        hash: String::new(),
    };
    let mut new: Vec<AuditEntry> = Vec::new();
    let mut push = |e: &AuditEntry| {
        let prev = new.last().map(|p| (p.seq, p.hash.clone()));
        new.push(next_entry(
            prev,
            e.at.clone(),
            e.actor.clone(),
            &e.entity,
            e.entity_id.clone(),
            &e.action,
            e.before.clone(),
            e.after.clone(),
        ));
    };
    for e in &old {
        if e.seq == at {
            push(&forged);
        }
        push(e);
    }
    if at > old.len() as i64 {
        push(&forged);
    }
    conn.execute("DELETE FROM audit_log", []).expect("clear");
    for e in &new {
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, before, after, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash, e.hash],
        )
        .expect("insert");
    }
    conn.execute("UPDATE systems SET owner = 'Mallory' WHERE id = 1", [])
        .expect("state to match");
}

fn verify(dir: &std::path::Path) -> AuditVerification {
    workspace(dir).verify_audit().expect("verify runs")
}

#[test]
fn a_seal_covers_the_log_up_to_its_own_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (ws, ann) = sealed(dir.path());
    let v = ws.verify_audit().expect("verify");
    assert!(v.is_intact(), "chain, state and seal hold: {v:#?}");
    assert_eq!(v.seals.len(), 1, "one seal");
    let s = &v.seals[0];
    assert_eq!(
        (s.seq, s.signer.as_str(), s.valid),
        (4, "Ann Lee", true),
        "who sealed which entry, valid"
    );
    assert_eq!(v.unsealed, 2, "the two systems added after the seal");
    assert_eq!(
        s.fingerprint,
        ann.certificate_info().fingerprint_sha256,
        "the certificate's fingerprint is reported"
    );
}

#[test]
fn a_forged_entry_before_a_seal_fails_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(sealed(dir.path()));
    forge(dir.path(), 3);
    let v = verify(dir.path());
    assert!(v.chain.is_intact(), "the forger hashed the chain again");
    assert!(
        v.state.is_consistent(),
        "and made the state match: {:#?}",
        v.state.findings
    );
    let s = &v.seals[0];
    assert!(!s.valid, "the seal fails: {s:?}");
    assert!(
        s.message.contains("entry 4 no longer has the hash sealed")
            && s.message.contains("rewritten"),
        "says the history up to it was rewritten: {}",
        s.message
    );
    assert!(!v.is_intact(), "a failing seal fails the verification");
    assert_eq!(
        v.unsealed, 7,
        "no seal holds: every entry is unsealed, the six genuine and the forged"
    );
    // Nor does the rewritten history get a new seal, or a pack.
    let ann = signer(&dir.path().join("again"), "Ann Lee", "Risk officer");
    let err = workspace(dir.path()).seal_audit(&ann).expect_err("refused");
    assert!(
        err.to_string()
            .contains("the seal of entry 4 by Ann Lee fails"),
        "names the failing seal: {err}"
    );
}

#[test]
fn a_forged_entry_after_the_last_seal_is_unsealed() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(sealed(dir.path()));
    forge(dir.path(), 7);
    let v = verify(dir.path());
    assert!(v.is_intact(), "chain, state and seal hold: {v:#?}");
    assert_eq!(
        v.unsealed, 3,
        "two genuine entries and the forged one follow the seal"
    );
}

#[test]
fn a_seal_with_a_replaced_signature_or_certificate_fails() {
    let check = |tamper: &dyn Fn(&Connection, &std::path::Path), expected: &str| {
        let dir = tempfile::tempdir().expect("temp dir");
        drop(sealed(dir.path()));
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        tamper(&conn, dir.path());
        drop(conn);
        let v = verify(dir.path());
        let s = &v.seals[0];
        assert!(!s.valid, "the seal fails: {s:?}");
        assert!(
            s.message.contains(expected),
            "says {expected:?}: {}",
            s.message
        );
        assert!(!v.is_intact(), "the verification fails");
    };
    // One byte of the signature changed.
    check(
        &|c, _| {
            let mut cms: Vec<u8> = c
                .query_row("SELECT cms FROM audit_seals", [], |r| r.get(0))
                .expect("cms");
            let i = cms.len() - 10;
            cms[i] ^= 0x55;
            c.execute("UPDATE audit_seals SET cms = ?1", [cms])
                .expect("one byte changed");
        },
        "does not hold",
    );
    // The statement's certificate named as someone else's.
    check(
        &|c, _| {
            c.execute(
                "UPDATE audit_seals SET fingerprint = ?1",
                [&"ab".repeat(32)],
            )
            .expect("tamper");
        },
        "does not hold",
    );
    // The same statement signed by another person and put in its place.
    check(
        &|c, dir| {
            let bob = signer(dir, "Bob Stone", "Auditor");
            let (seq, head, at, name, fp): (i64, String, String, String, String) = c
                .query_row(
                    "SELECT seq, head_hash, sealed_at, signer, fingerprint FROM audit_seals",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .expect("seal");
            let workspace: String = c
                .query_row(
                    "SELECT value FROM settings WHERE key = 'workspace_id'",
                    [],
                    |r| r.get(0),
                )
                .expect("workspace id");
            let st = SealStatement {
                workspace,
                seq,
                head,
                sealed_at: at,
                signer: name,
                certificate: fp,
            };
            let cms = bob
                .sign_detached(&st.bytes(), crate::support::ctx().clock.now())
                .expect("bob signs");
            c.execute("UPDATE audit_seals SET cms = ?1", [cms])
                .expect("replace");
        },
        "not the one it names",
    );
}

#[test]
fn a_broken_chain_is_not_sealed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (ws, ann) = sealed(dir.path());
    drop(ws);
    let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", [])
        .expect("edit");
    drop(conn);
    let mut ws = workspace(dir.path());
    let err = ws.seal_audit(&ann).expect_err("refused");
    assert!(
        err.to_string().contains("broken at entry 2"),
        "names the break: {err}"
    );
    let n: i64 = Connection::open(dir.path().join(DB_FILE))
        .expect("open")
        .query_row("SELECT count(*) FROM audit_seals", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 1, "nothing was sealed");
}

#[test]
fn a_pack_carries_the_seals_and_checks_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, ann) = sealed(dir.path());
    let out = dir.path().join("pack.zip");
    let summary = ws.create_pack(&ann, &out, &mut |_| true).expect("pack");
    let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "seals/seal-4.json",
        "seals/seal-4.json.p7s",
        "seals/seal-7.json",
        "seals/seal-7.json.p7s",
    ] {
        assert!(paths.contains(&p), "{p} is in the pack: {paths:?}");
    }
    assert_eq!(
        summary.audit_chain.length, 7,
        "the pack ends at the seal it made"
    );
    let trusted = [ann.certificate_info()];
    let report = pack::verify_pack(&out, &trusted).expect("verify");
    assert!(report.valid, "the pack verifies: {:#?}", report.findings);
    let seal_ok = |r: &pack::PackReport, file: &str| {
        r.findings.iter().any(|f| {
            f.file.as_deref() == Some(file)
                && f.level == FindingLevel::Ok
                && f.message.contains("valid seal")
        })
    };
    assert!(
        seal_ok(&report, "seals/seal-4.json"),
        "the older seal is checked against the log"
    );
    assert!(seal_ok(&report, "seals/seal-7.json"), "and the pack's own");

    // The history rewritten before the first seal: no new pack vouches for it.
    drop(ws);
    forge(dir.path(), 2);
    let mut ws = workspace(dir.path());
    let err = ws
        .create_pack(&ann, &dir.path().join("again.zip"), &mut |_| true)
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("the seal of entry 4 by Ann Lee fails"),
        "names the seal the history contradicts: {err}"
    );
    assert!(
        !dir.path().join("again.zip").exists(),
        "no pack was written"
    );
}

/// Rebuilds the pack at `out` as a forger who can sign packs would, with `alter` applied to
/// each file's bytes, and returns the errors `steward verify` finds (file, message).
fn repacked(
    dir: &std::path::Path,
    out: &std::path::Path,
    signer: &Signer,
    alter: impl Fn(&str, Vec<u8>) -> Vec<u8>,
) -> Vec<(String, String)> {
    let file = std::fs::File::open(out).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let manifest: pack::Manifest = {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("manifest.json").expect("m"), &mut s)
            .expect("read");
        serde_json::from_str(&s).expect("manifest")
    };
    let mut files = Vec::new();
    for e in &manifest.files {
        if e.path == "signer.pem" || e.path == "HOW-TO-VERIFY.txt" {
            continue; // written again by write_pack
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&e.path).expect("entry"), &mut bytes)
            .expect("read");
        files.push(pack::PackFile {
            path: e.path.clone(),
            bytes: alter(&e.path, bytes),
        });
    }
    let forged = dir.join("forged.zip");
    pack::write_pack(
        &forged,
        files,
        ("forged", "mallory", manifest.audit_chain.clone()),
        signer,
        crate::support::ctx().clock.now(),
        &mut |_| true,
    )
    .expect("write");
    pack::verify_pack(&forged, &[signer.certificate_info()])
        .expect("verify")
        .findings
        .into_iter()
        .filter(|f| f.level == FindingLevel::Error)
        .map(|f| (f.file.unwrap_or_default(), f.message))
        .collect()
}

#[test]
fn a_pack_whose_seal_or_log_was_altered_and_signed_again_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, ann) = sealed(dir.path());
    let out = dir.path().join("pack.zip");
    ws.create_pack(&ann, &out, &mut |_| true).expect("pack");
    // The first seal's statement changed, its signature kept.
    let bad = repacked(dir.path(), &out, &ann, |path, bytes| {
        if path != "seals/seal-4.json" {
            return bytes;
        }
        let mut st: SealStatement = serde_json::from_slice(&bytes).expect("statement");
        st.sealed_at = "2020-01-01T00:00:00Z".into();
        st.bytes()
    });
    assert!(
        bad.len() == 1 && bad[0].0 == "seals/seal-4.json" && bad[0].1.contains("does not hold"),
        "the altered seal's signature fails: {bad:#?}"
    );
    // The log's entry 4 rewritten under the seal (its hash in the log's CSV replaced).
    let bad = repacked(dir.path(), &out, &ann, |path, bytes| {
        if path != "data/audit-log.csv" {
            return bytes;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with("4,") {
                    let (rest, hash) = l.rsplit_once(',').expect("hash column");
                    format!("{rest},{}", "f".repeat(hash.len()))
                } else {
                    l.to_string()
                }
            })
            .collect();
        (lines.join("\n") + "\n").into_bytes()
    });
    assert!(
        bad.len() == 1
            && bad[0].0 == "seals/seal-4.json"
            && bad[0].1.contains("FAILING: entry 4")
            && bad[0].1.contains("rewritten"),
        "the seal no longer matches the log: {bad:#?}"
    );
}

#[test]
fn migration_0012_upgrades_a_schema_11_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(crate::support::workspace_at_schema(dir.path(), 11));
    let ann = signer(dir.path(), "Ann Lee", "Risk officer");
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        SCHEMA_VERSION,
        "0012 applied on top of schema 11"
    );
    ws.add_system(draft("Alpha"))
        .expect("add after the upgrade");
    let seal = ws
        .seal_audit(&ann)
        .expect("the upgraded workspace is sealed");
    assert_eq!(seal.seq, 2, "after the one change logged since the upgrade");
    let v = ws.verify_audit().expect("verify");
    assert_eq!(v.seals.len(), 1, "the seal is kept");
    assert_eq!(v.unsealed, 0, "nothing after it");
}
