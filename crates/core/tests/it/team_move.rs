//! Moving between a laptop and a team workspace: a laptop workspace pushed into an empty team
//! workspace with its chain, seals and records intact, and refused (changing nothing) into a
//! workspace that holds anything, or with a broken chain, or by someone other than the owner;
//! a read-only copy taken of a team workspace, checked, on which every write is refused. Each
//! test starts the test binary's PostgreSQL (`STEWARD_PG_TESTS=0` skips them, saying so).

use std::path::Path;

use steward_core::api::{Passphrase, Workspace, DB_FILE};
use steward_core::audit::AuditEntry;

use crate::support::{ctx, draft, signer};

/// A laptop workspace in `dir` (SQLite, whichever store the suite runs on): the sample
/// portfolio, sealed by Ann, then one more change after the seal.
fn laptop(dir: &Path) -> Workspace {
    let ann = signer(dir, "Ann Lee", "Risk officer");
    let mut ws = Workspace::open_dir(&dir.join("data"), ctx()).expect("a laptop workspace");
    steward_core::demo::populate(&mut ws).expect("the sample portfolio");
    ws.seal_audit(&ann).expect("sealed");
    ws.add_system(draft("After the seal")).expect("one more");
    ws
}

/// An empty team workspace in a schema owned by a role with CREATEROLE, opened as it.
fn empty_team(s: &steward_testpg::Server) -> (String, String, Workspace) {
    let n = s.fresh_schema().name;
    let owner = format!("{n}_owner");
    s.login_role(&owner, "CREATEROLE");
    let scratch = s.fresh_schema_owned_by(&owner);
    let ws = Workspace::open_team(&scratch.url, ctx()).expect("opens");
    (scratch.name, scratch.url, ws)
}

fn entries(ws: &Workspace) -> Vec<AuditEntry> {
    ws.audit_log(&Default::default())
        .expect("log")
        .into_entries()
}

fn names(ws: &Workspace) -> Vec<String> {
    ws.list_systems(&Default::default())
        .expect("systems")
        .into_iter()
        .map(|s| s.draft.name)
        .collect()
}

#[test]
fn a_pushed_laptop_workspace_keeps_its_records_entries_hashes_and_seals() {
    let Some(s) = steward_testpg::server_or_skip("a_pushed_laptop_workspace_keeps") else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let from = laptop(dir.path());
    let (_, _, mut team) = empty_team(s);
    let pushed = team.push_from(&from).expect("pushed");
    let (was, now) = (entries(&from), entries(&team));
    assert_eq!(
        now[..was.len()],
        was[..],
        "every entry is the laptop's, with its actor, time and hash"
    );
    assert_eq!(now.len(), was.len() + 1, "and one more: the push");
    let push = now.last().expect("the push entry");
    assert_eq!(
        (push.entity.as_str(), push.action.as_str()),
        ("team", "push")
    );
    assert!(
        push.after
            .as_deref()
            .is_some_and(|a| a.contains(&was.last().expect("head").hash)),
        "the push records the chain head it moved: {:?}",
        push.after
    );
    assert_eq!(pushed.entries, was.len() as i64);
    assert_eq!(names(&team), names(&from), "the same systems");
    assert_eq!(
        team.workspace_id().expect("id"),
        from.workspace_id().expect("id"),
        "the team workspace carries the laptop's id, which its seals and calendar UIDs name"
    );
    let v = team.verify_audit().expect("verify");
    assert!(v.is_intact(), "chain, records and seals check out: {v:?}");
    assert_eq!(
        v.seals.len(),
        from.verify_audit().expect("verify").seals.len(),
        "the laptop's seals came along"
    );
    assert!(
        v.seals.iter().all(|s| s.valid),
        "and hold on the team workspace: {:?}",
        v.seals
    );
}

#[test]
fn push_is_refused_into_a_workspace_holding_anything_with_a_broken_chain_or_by_a_non_owner() {
    let Some(s) = steward_testpg::server_or_skip("push_is_refused") else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let mut from = Workspace::open_dir(&dir.path().join("data"), ctx()).expect("laptop");
    from.add_system(draft("Alpha")).expect("add");
    from.add_system(draft("Beta")).expect("add");

    // Not empty: one system already there.
    let (_, _, mut busy) = empty_team(s);
    busy.add_system(draft("Already here")).expect("add");
    let err = busy.push_from(&from).expect_err("refused");
    assert!(
        err.to_string().contains("is not empty")
            && err.to_string().contains("1 rows in systems")
            && err.to_string().contains("1 rows in audit_log"),
        "names what it holds: {err}"
    );
    assert_eq!(names(&busy), ["Already here"], "nothing was changed");
    assert_eq!(entries(&busy).len(), 1);

    // Set up for the team already: its log has begun.
    let (_, _, mut set_up) = empty_team(s);
    set_up.team_init().expect("init");
    let err = set_up.push_from(&from).expect_err("refused");
    assert!(
        err.to_string().contains("set up for its team already")
            && err.to_string().contains("1 rows in audit_log")
            && err
                .to_string()
                .contains("`steward team init` is run after the push"),
        "says what to do instead: {err}"
    );
    assert_eq!(entries(&set_up).len(), 1, "nothing was changed");

    // A member is not the owner, who alone may write entries naming other people.
    let (schema, _, mut owned) = empty_team(s);
    owned.team_init().expect("init");
    let member = format!("{schema}_bob");
    owned
        .team_add_member(&member, Some(&Passphrase::new("pw").expect("pw")))
        .expect("member");
    let mut bob =
        Workspace::open_team(&s.url_as(&member, "pw", &schema), ctx()).expect("bob logs in");
    let err = bob.push_from(&from).expect_err("refused");
    assert!(err.to_string().contains("owner"), "{err}");

    // A broken chain: an entry edited in the laptop's file.
    drop(from);
    let c = rusqlite::Connection::open(dir.path().join("data").join(DB_FILE)).expect("open");
    c.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", [])
        .expect("edited behind Steward's back");
    drop(c);
    let from = Workspace::open_dir(&dir.path().join("data"), ctx()).expect("laptop");
    let (_, _, mut team) = empty_team(s);
    let err = team.push_from(&from).expect_err("refused");
    assert!(
        err.to_string().contains("broken at entry 1"),
        "names the break: {err}"
    );
    assert!(
        names(&team).is_empty() && entries(&team).is_empty(),
        "nothing written"
    );
}

#[test]
fn a_copy_of_a_team_workspace_checks_out_reads_and_refuses_every_write() {
    let Some(s) = steward_testpg::server_or_skip("a_copy_of_a_team_workspace") else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let from = laptop(dir.path());
    let (_, url, mut team) = empty_team(s);
    team.push_from(&from).expect("pushed");
    let out = dir.path().join("travel");
    let copied = team.copy_to(&out, None).expect("copied");
    let head = entries(&team).last().expect("head").clone();
    assert_eq!(
        (copied.mark.seq, copied.mark.head.as_str()),
        (head.seq, head.hash.as_str())
    );
    assert!(
        !copied.mark.team.contains(s.password()),
        "the mark names the team workspace without its password: {}",
        copied.mark.team
    );
    let mut copy = Workspace::open_dir(&out, ctx()).expect("the copy opens");
    assert_eq!(entries(&copy), entries(&team), "the same log");
    assert_eq!(names(&copy), names(&team), "the same systems");
    let v = copy.verify_audit().expect("verify");
    assert!(v.is_intact(), "{v:?}");
    let status = copy.copy_status(&v).expect("it is a copy");
    assert!(status.ends_at_mark);
    copy.register_report_xlsx().expect("reports work on a copy");
    let err = copy
        .add_system(draft("On the train"))
        .expect_err("a copy takes no change");
    let msg = err.to_string();
    assert!(
        msg.contains("read-only copy of the team workspace")
            && msg.contains(&format!("taken at audit entry {}", head.seq))
            && msg.contains(&head.hash[..12])
            && !url.is_empty(),
        "{msg}"
    );
    assert_eq!(
        entries(&copy).len(),
        head.seq as usize,
        "nothing was written"
    );

    let err = team
        .copy_to(&out, None)
        .expect_err("a copy goes into a directory without a workspace");
    assert!(
        err.to_string().contains("already holds a workspace"),
        "{err}"
    );

    // Encrypted when a passphrase is given.
    let secret = Passphrase::new("travel passphrase").expect("passphrase");
    let enc = dir.path().join("travel-encrypted");
    assert!(team.copy_to(&enc, Some(&secret)).expect("copied").encrypted);
    let err = Workspace::open_dir(&enc, ctx())
        .err()
        .expect("an encrypted copy opens with its passphrase only");
    assert_eq!(err.code(), "locked");
    let copy = Workspace::open_dir_with(&enc, ctx(), Some(&secret)).expect("opens");
    assert!(copy.verify_audit().expect("verify").is_intact());
}
