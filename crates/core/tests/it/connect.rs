//! Opening a team workspace by the app's form (`api::connect`): the form read field by field
//! into one connection string, what is remembered of it (never a password), and opening one
//! against the test binary's PostgreSQL, where a refusal remembers nothing.

use steward_core::api::connect::{self, SslMode, TeamLogin, RECENT_FILE, RECENT_MAX};
use steward_core::api::Workspace;

use crate::support::ctx;

fn parts(host: &str, port: &str, dbname: &str, user: &str, password: &str) -> TeamLogin {
    TeamLogin {
        host: host.into(),
        port: port.into(),
        dbname: dbname.into(),
        user: user.into(),
        password: password.into(),
        ..TeamLogin::default()
    }
}

fn pasted(uri: &str, password: &str) -> TeamLogin {
    TeamLogin {
        uri: uri.into(),
        password: password.into(),
        ..TeamLogin::default()
    }
}

/// What the form gives: the connection string with and without the password, or each field
/// refused with a piece of what it says.
fn check(login: TeamLogin, expected: Result<(&str, &str), &[(&str, &str)]>) {
    let got = login
        .conninfo()
        .and_then(|with| Ok((with, login.without_password()?)));
    match (got, expected) {
        (Ok((with, without)), Ok((w, wo))) => {
            assert_eq!((with.as_str(), without.as_str()), (w, wo));
        }
        (Err(e), Err(fields)) => {
            assert_eq!(e.code(), "validation", "a form's mistake is located: {e}");
            let steward_core::Error::Validation { fields: got, .. } = e.inner() else {
                panic!("not a validation error: {e}");
            };
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|f| (f.field.as_str(), f.message.as_str()))
                .collect();
            assert_eq!(got.len(), fields.len(), "each wrong field once: {got:?}");
            for ((gf, gm), (ef, em)) in got.iter().zip(fields) {
                assert_eq!(gf, ef, "{got:?}");
                assert!(gm.contains(em), "{gf}: {gm:?} says {em:?}");
            }
        }
        (got, expected) => panic!(
            "got {:?}, expected {expected:?}",
            got.map_err(|e| e.to_string())
        ),
    }
}

#[test]
fn the_form_gives_one_connection_string_and_what_is_remembered_has_no_password() {
    check(
        parts("db.example.org", "5433", "governance", "ann", "s3cret"),
        Ok((
            "host='db.example.org' port='5433' dbname='governance' user='ann' sslmode='prefer' password='s3cret'",
            "host='db.example.org' port='5433' dbname='governance' user='ann' sslmode='prefer'",
        )),
    );
    // Empty host and port are libpq's (PGHOST, the local socket; 5432); no password typed is
    // PGPASSWORD's or ~/.pgpass's.
    check(
        TeamLogin {
            sslmode: SslMode::VerifyFull,
            ..parts(" ", "", "gov", "bob", "")
        },
        Ok((
            "dbname='gov' user='bob' sslmode='verify-full'",
            "dbname='gov' user='bob' sslmode='verify-full'",
        )),
    );
    check(
        parts("h", "", "it's", "o'neil", "a\\b'c"),
        Ok((
            "host='h' dbname='it\\'s' user='o\\'neil' sslmode='prefer' password='a\\\\b\\'c'",
            "host='h' dbname='it\\'s' user='o\\'neil' sslmode='prefer'",
        )),
    );
    // A URI pasted whole: its own password is used but never remembered; a typed one wins.
    check(
        pasted("postgres://ann:inside@db/gov?sslmode=require", ""),
        Ok((
            "host='db' dbname='gov' user='ann' password='inside' sslmode='require'",
            "host='db' dbname='gov' user='ann' sslmode='require'",
        )),
    );
    check(
        pasted("postgres://ann:inside@db/gov", "typed"),
        Ok((
            "host='db' dbname='gov' user='ann' password='typed'",
            "host='db' dbname='gov' user='ann'",
        )),
    );
    check(
        pasted("host=db dbname=gov user=ann", ""),
        Ok((
            "host='db' dbname='gov' user='ann'",
            "host='db' dbname='gov' user='ann'",
        )),
    );
}

#[test]
fn a_wrong_field_of_the_form_is_named_with_what_it_accepts() {
    check(
        parts("db", "54x", "", "", ""),
        Err(&[
            ("port", "accepted: 1 to 65535"),
            ("dbname", "database of the team workspace is required"),
            ("user", "database user you sign in as is required"),
        ]),
    );
    check(
        parts("db", "0", "gov", "ann", ""),
        Err(&[("port", "\"0\" is not a port number")]),
    );
    check(
        TeamLogin {
            sslrootcert: "/nonexistent/ca.pem".into(),
            ..parts("db", "", "gov", "ann", "")
        },
        Err(&[("sslrootcert", "no file at /nonexistent/ca.pem")]),
    );
    check(
        pasted("postgres://ann@db/gov?sslmode=verify", ""),
        Err(&[("uri", "accepted: disable, allow, prefer")]),
    );
    check(
        pasted("dbname", ""),
        Err(&[("uri", "key=value pairs or a postgres:// URI")]),
    );
}

#[test]
fn the_recent_list_keeps_the_latest_first_once_each_and_no_more_than_its_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config");
    assert!(connect::recent(&config).expect("no file yet").is_empty());
    for i in 0..RECENT_MAX + 2 {
        let login = parts("db", "", &format!("gov{i}"), "ann", "pw");
        connect::remember(&config, &format!("d{i}"), &login, &format!("t{i}")).expect("remembers");
    }
    let again = parts("db", "", "gov5", "ann", "other");
    connect::remember(&config, "d5", &again, "later").expect("remembers");
    let list = connect::recent(&config).expect("reads");
    let shown: Vec<(&str, &str)> = list
        .iter()
        .map(|r| (r.display.as_str(), r.opened.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("d5", "later"),
            ("d9", "t9"),
            ("d8", "t8"),
            ("d7", "t7"),
            ("d6", "t6"),
            ("d4", "t4"),
            ("d3", "t3"),
            ("d2", "t2"),
        ],
        "the latest first; one opened again moves up rather than showing twice; the oldest go"
    );
    let text = std::fs::read_to_string(config.join(RECENT_FILE)).expect("the file");
    assert!(
        !text.contains("pw") && !text.contains("other") && !text.contains("password"),
        "no password is ever written: {text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(
            mode(&config),
            0o700,
            "the configuration directory is its owner's alone"
        );
        assert_eq!(mode(&config.join(RECENT_FILE)), 0o600, "and so is the list");
    }

    let left = connect::forget(&config, &list[0].conninfo).expect("forgets");
    assert_eq!(left.len(), RECENT_MAX - 1);
    assert!(
        left.iter().all(|r| r.display != "d5"),
        "the one forgotten is gone"
    );

    std::fs::write(config.join(RECENT_FILE), "not json").expect("write");
    let err = connect::recent(&config).expect_err("a damaged list is refused");
    assert!(
        err.to_string().contains(RECENT_FILE),
        "naming the file: {err}"
    );
    let err = connect::remember(&config, "d", &parts("db", "", "g", "ann", ""), "t")
        .expect_err("never overwritten unread");
    assert!(err.to_string().contains("not the list"), "{err}");
    assert_eq!(
        std::fs::read_to_string(config.join(RECENT_FILE)).expect("file"),
        "not json",
        "the damaged file is left as it was"
    );
}

#[test]
fn opening_by_the_form_signs_in_as_the_database_user_and_remembers_it_without_the_password() {
    let Some(s) = steward_testpg::server_or_skip("opening_by_the_form") else {
        return;
    };
    let db = s.fresh_database().name;
    // A role of its own, so the test's actor ("tester") is not the database user.
    let _ = s.database_url_as("formuser", &db);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config");
    let login = |password: &str| TeamLogin {
        sslmode: SslMode::Disable,
        ..parts(
            "127.0.0.1",
            &s.port().to_string(),
            &db,
            "formuser",
            password,
        )
    };

    let err = Workspace::open_team_login(&login("wrong"), ctx(), &config)
        .err()
        .expect("a wrong password is refused");
    assert!(
        err.to_string().contains("password authentication failed"),
        "the server's reason is given: {err}"
    );
    assert!(!config.exists(), "a refused login remembers nothing");

    let mut ws = Workspace::open_team_login(&login(s.password()), ctx(), &config).expect("opens");
    let info = ws.info().expect("info");
    let display = format!("postgres://formuser@127.0.0.1:{}/{db}", s.port());
    assert_eq!(
        info.team.as_deref(),
        Some(display.as_str()),
        "the header names the workspace"
    );
    assert_eq!(info.path, display, "with no password in it");
    assert_eq!(
        info.actor, "formuser",
        "signed in as the database user, whatever the context said"
    );
    ws.add_system(crate::support::draft("Alpha")).expect("adds");
    let page = ws
        .audit_log(&steward_core::api::AuditQuery::default())
        .expect("the log");
    assert!(
        page.entries.iter().all(|r| r.entry.actor == "formuser"),
        "the log names the database user"
    );

    let recent = connect::recent(&config).expect("reads");
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].display, display);
    let text = std::fs::read_to_string(config.join(RECENT_FILE)).expect("file");
    assert!(
        !text.contains(s.password()),
        "the password is not remembered: {text}"
    );

    // Opened again from the list: its string and a password typed then.
    drop(ws);
    let again = TeamLogin {
        uri: recent[0].conninfo.clone(),
        password: s.password().to_string(),
        ..TeamLogin::default()
    };
    let ws = Workspace::open_team_login(&again, ctx(), &config).expect("opens from the list");
    assert_eq!(ws.info().expect("info").systems, 1, "the same workspace");
    assert_eq!(
        connect::recent(&config).expect("reads").len(),
        1,
        "still one entry"
    );
}

#[test]
fn a_database_that_is_not_a_steward_workspace_is_refused_and_not_remembered() {
    let Some(s) = steward_testpg::server_or_skip("not_a_steward_workspace_by_the_form") else {
        return;
    };
    let scratch = s.fresh_schema();
    s.admin(&format!("CREATE TABLE {}.payroll (id int)", scratch.name));
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Workspace::open_team_login(&pasted(&scratch.url, ""), ctx(), dir.path())
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("is not a Steward workspace"),
        "as the core says it: {err}"
    );
    assert!(
        !dir.path().join(RECENT_FILE).exists(),
        "a refused workspace is not remembered"
    );
}
