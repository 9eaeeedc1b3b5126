//! Shared test scaffolding: a workspace with a fixed clock and sample drafts.

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use steward_core::api::{Context, Workspace};
use steward_core::clock::FixedClock;
use steward_core::identity::{self, Profile};
use steward_core::register::SystemDraft;
use steward_core::sign::Signer;

pub fn ctx() -> Context {
    let t = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid fixed time");
    Context::new("tester", Arc::new(FixedClock(t)))
}

/// A fresh workspace for a test: in `dir` (SQLite), or, when `STEWARD_TEST_STORE=postgres`, a
/// schema of its own on the test binary's PostgreSQL (`steward-testpg`), as the superuser role
/// named like the context's actor. The conformance run (`x.sh test`) runs the store-agnostic
/// modules of this suite both ways.
pub fn workspace(dir: &Path) -> Workspace {
    workspace_with(dir, ctx())
}

/// The workspace of `dir` opened with `ctx`: created at the first call for `dir`, the same one
/// again at later calls (a reopen with another clock). On PostgreSQL each `dir` has its own
/// schema, remembered for the test binary's run.
pub fn workspace_with(dir: &Path, ctx: Context) -> Workspace {
    if on_postgres() {
        // As opening a laptop workspace makes its data directory, which some tests write beside.
        std::fs::create_dir_all(dir).expect("the data directory");
        static TEAMS: std::sync::Mutex<Vec<(std::path::PathBuf, String)>> =
            std::sync::Mutex::new(Vec::new());
        let server = steward_testpg::server();
        let schema = {
            let mut teams = TEAMS.lock().unwrap_or_else(|e| e.into_inner());
            match teams.iter().find(|(d, _)| d == dir) {
                Some((_, name)) => name.clone(),
                None => {
                    let name = server.fresh_schema().name;
                    teams.push((dir.to_path_buf(), name.clone()));
                    name
                }
            }
        };
        // The actor is the database user: each person of a test logs in as a role of their name.
        let url = server.schema_url_as(&ctx.actor, &schema);
        return Workspace::open_team(&url, ctx).expect("the team workspace opens");
    }
    Workspace::open_dir(dir, ctx).expect("the workspace opens")
}

/// Whether this run keeps its workspaces in PostgreSQL (`STEWARD_TEST_STORE=postgres`).
pub fn on_postgres() -> bool {
    match std::env::var("STEWARD_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("STEWARD_TEST_STORE={other:?}: accepted are sqlite and postgres"),
    }
}

/// Who a record says acted, for a change made as `name`: on a team workspace the database user
/// the test logged in as, whatever name the change gave.
pub fn recorded_as(name: &str) -> &str {
    if on_postgres() {
        steward_testpg::ROLE
    } else {
        name
    }
}

pub fn draft(name: &str) -> SystemDraft {
    let mut d = SystemDraft::new(name);
    d.business_unit = "Retail".into();
    d.owner = "Ann Owner".into();
    d
}

/// A workspace file in `dir` at schema `version`, made as a Steward of that release made it:
/// the shipped migrations 1..=version applied in order, then the application id and version
/// set, and one system registered with the columns schema 1 has (every later schema keeps them).
pub fn workspace_at_schema(dir: &Path, version: usize) -> rusqlite::Connection {
    workspace_at_schema_keyed(dir, version, None)
}

/// [`workspace_at_schema`], encrypted with `passphrase` when one is given (as SQLCipher keys a
/// connection: `PRAGMA key` before anything else).
pub fn workspace_at_schema_keyed(
    dir: &Path,
    version: usize,
    passphrase: Option<&str>,
) -> rusqlite::Connection {
    use steward_core::api::{APPLICATION_ID, DB_FILE, MIGRATIONS};
    let c = rusqlite::Connection::open(dir.join(DB_FILE)).expect("create the older workspace");
    if let Some(p) = passphrase {
        c.pragma_update(None, "key", p)
            .expect("keys the connection");
    }
    for (i, sql) in MIGRATIONS.iter().take(version).enumerate() {
        c.execute_batch(sql)
            .unwrap_or_else(|e| panic!("shipped migration {:04} applies: {e}", i + 1));
    }
    c.pragma_update(None, "application_id", APPLICATION_ID)
        .expect("application id");
    c.pragma_update(None, "user_version", version as i64)
        .expect("user version");
    c.execute(
        "INSERT INTO systems (name, business_unit, owner, sourcing, stage, regulated_domain,
            risk_tier, data_sensitivity, created_at, updated_at)
         VALUES ('Copilot', 'Retail', 'Ann', 'in_house', 'production', 'none', 'high',
            'internal', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
        [],
    )
    .expect("a system as the older schema stores it");
    c
}

/// A new identity for `name` (with the job title `title`) under `root`, unlocked.
pub fn signer(root: &Path, name: &str, title: &str) -> Signer {
    let dir = root.join(name);
    let now = ctx().clock.now();
    let p = Profile {
        name: name.into(),
        role: title.into(),
        organisation: "Acme Insurance".into(),
        email: String::new(),
    };
    identity::init(&dir, &p, crate::identity::PASS, now).expect("identity");
    identity::unlock(&dir, crate::identity::PASS, now).expect("unlock")
}

/// Rewrites the XML of the first worksheet of an .xlsx with `edit`, keeping every other part.
pub fn rewrite_sheet_xml(path: &Path, edit: impl FnOnce(String) -> String) {
    use std::io::{Read, Write};
    let bytes = std::fs::read(path).expect("read");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edit = Some(edit);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("entry name").to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("entry read");
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).expect("xml");
            data = edit.take().expect("one first sheet")(xml).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    let bytes = out.finish().expect("finish").into_inner();
    std::fs::write(path, bytes).expect("save");
}

/// Records validation evidence that meets the shipped evidence policy at every tier for system
/// `id` at its current model version (a holdout and a robustness run, and each attribute the high
/// tier asks to be tested at parity with its reference), dated a month before the clock's today:
/// what a pre-deployment test needs before its promotion is about the sign-off alone.
pub fn meet_evidence_policy(ws: &mut Workspace, id: i64) {
    use steward_core::evidence::{BiasDraft, BiasMetric, Method, MetricValue, RunDraft};
    let version = ws.system(id).expect("the system").draft.model_version;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).expect("a date");
    for method in [Method::Holdout, Method::Robustness] {
        ws.add_validation_run(RunDraft {
            system_id: id,
            model_version: version.clone(),
            date,
            method,
            dataset: "validation set".into(),
            run: String::new(),
            incumbent: String::new(),
            metrics: vec![MetricValue {
                name: "auc".into(),
                value: 0.8,
                incumbent: None,
            }],
            source: "test".into(),
        })
        .expect("a run");
    }
    for attribute in ["age_band", "region", "channel"] {
        ws.add_bias_result(BiasDraft {
            system_id: id,
            model_version: version.clone(),
            date,
            dataset: "validation set".into(),
            attribute: attribute.into(),
            segment: "a".into(),
            metric: BiasMetric::SelectionRate,
            reference: "b".into(),
            segment_value: Some(0.4),
            reference_value: Some(0.4),
            ratio: None,
            difference: None,
            source: "test".into(),
        })
        .expect("a result");
    }
}
