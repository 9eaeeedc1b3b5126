//! `steward` killed with SIGKILL at random points: an import, a KPI import, a pack being
//! written, migrations. Afterwards the workspace holds all of the operation or none of it, its
//! audit chain verifies, and no partial file is left where a reader would take it for whole.

use std::path::Path;
use std::time::Duration;

use crate::support::{self, Ended, Plan};

/// A workspace with the sample portfolio, in `root/base`.
fn sample(root: &Path) -> std::path::PathBuf {
    let base = root.join("base");
    let out = support::run(&base, &["demo"]);
    assert!(out.status.success(), "demo: {out:?}");
    base
}

/// Runs `args` on a fresh copy of `base` once per round, killed at a random point, and calls
/// `check(data, ended)` after each. Returns (kills before the end, runs that finished).
fn rounds(
    plan: &Plan,
    scenario: &str,
    root: &Path,
    base: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    mut check: impl FnMut(&Path, Ended),
) -> (usize, usize) {
    let mut rng = support::rng(plan, scenario);
    let probe = root.join("probe");
    support::copy_dir(base, &probe);
    // How long the operation takes, measured once and then from every run that finished before
    // its kill: the shortest is kept, so that while other tests load the machine at the start
    // the kills still move into the operation.
    let mut span = support::time(&probe, args, env);
    let (mut killed, mut finished) = (0, 0);
    for i in 0..plan.rounds {
        let data = root.join(format!("round-{i}"));
        support::copy_dir(base, &data);
        let ended = support::kill_after(&data, args, env, support::delay(&mut rng, span));
        match ended {
            Ended::Killed => killed += 1,
            Ended::Finished(took) => {
                finished += 1;
                span = span.min(took);
            }
        }
        check(&data, ended);
        std::fs::remove_dir_all(&data).expect("clean up");
    }
    println!(
        "{scenario}: {} rounds over {:.0} ms, {killed} killed, {finished} finished",
        plan.rounds,
        span.as_secs_f64() * 1e3
    );
    (killed, finished)
}

#[test]
fn a_killed_register_import_writes_all_rows_or_none() {
    let plan = support::plan();
    let root = tempfile::tempdir().expect("temp dir");
    let base = sample(root.path());
    let before = support::count(&base, &["systems", "list"]);
    let chain = support::verified_length(&base);

    let mut csv = String::from(
        "Name,Purpose,Business unit,Owner,Sourcing,Stage,Regulated domain,Risk tier,Data sensitivity\n",
    );
    for i in 0..plan.rows {
        csv.push_str(&format!(
            "Fault model {i:06},Scores case {i},Operations,Owner {},in_house,development,none,low,internal\n",
            i % 17
        ));
    }
    let file = root.path().join("register.csv");
    std::fs::write(&file, csv).expect("write");
    let file = file.to_str().expect("utf-8 path");

    let (killed, _) = rounds(
        &plan,
        "register import",
        root.path(),
        &base,
        &["systems", "import", file],
        &[],
        |data, ended| {
            let length = support::verified_length(data);
            let n = support::count(data, &["systems", "list"]);
            if n == before {
                assert_eq!(length, chain, "no rows, so no new audit entries");
            } else {
                assert_eq!(n, before + plan.rows, "all the rows or none");
                assert!(length >= chain + plan.rows as u64, "every row audited");
            }
            if matches!(ended, Ended::Finished(_)) {
                assert_eq!(n, before + plan.rows);
            }
        },
    );
    assert!(
        killed > 0 || plan.rounds == 0,
        "no kill fell inside the import"
    );
}

#[test]
fn a_killed_kpi_import_writes_all_measurements_or_none() {
    let plan = support::plan();
    let root = tempfile::tempdir().expect("temp dir");
    let base = sample(root.path());
    let measurements = |data: &Path| -> u64 {
        support::json(data, &["kpi", "list"])
            .as_array()
            .expect("a list")
            .iter()
            .map(|k| k["measurements"].as_u64().expect("a count"))
            .sum()
    };
    let before = measurements(&base);
    let chain = support::verified_length(&base);

    // Monthly KPIs of the sample, measured month after month before its own history starts.
    let kpis = support::json(&base, &["kpi", "list"]);
    let monthly: Vec<(String, String)> = kpis
        .as_array()
        .expect("a list")
        .iter()
        .filter(|k| k["cadence"] == "monthly")
        .map(|k| {
            let s = |f: &str| k[f].as_str().expect("text").to_string();
            (s("system"), s("kpi"))
        })
        .collect();
    assert!(!monthly.is_empty(), "the sample has monthly KPIs");
    let mut csv = String::from("System,KPI,Period,Value,Source\n");
    let per_kpi = plan.rows.div_ceil(monthly.len());
    let mut rows = 0;
    'fill: for (system, kpi) in &monthly {
        for m in 0..per_kpi {
            if rows == plan.rows {
                break 'fill;
            }
            let (year, month) = (1900 + m / 12, m % 12 + 1);
            csv.push_str(&format!(
                "{system},{kpi},{year}-{month:02},{}.5,fault run\n",
                m % 90
            ));
            rows += 1;
        }
    }
    let file = root.path().join("measurements.csv");
    std::fs::write(&file, csv).expect("write");
    let file = file.to_str().expect("utf-8 path");
    // Long runs reach the sample's own months, which the import updates rather than adds.
    let dry = support::json(&base, &["kpi", "import", "--dry-run", file]);
    let added = dry["added"].as_u64().expect("added");
    assert_eq!(dry["rows"].as_u64(), Some(rows as u64));

    let (killed, _) = rounds(
        &plan,
        "KPI import",
        root.path(),
        &base,
        &["kpi", "import", file],
        &[],
        |data, _| {
            let length = support::verified_length(data);
            let n = measurements(data);
            if n == before {
                assert_eq!(length, chain, "nothing written, nothing audited");
            } else {
                assert_eq!(n, before + added, "all the measurements or none");
                assert!(length > chain, "the import is audited");
            }
        },
    );
    assert!(
        killed > 0 || plan.rounds == 0,
        "no kill fell inside the import"
    );
}

#[test]
fn a_killed_pack_leaves_no_file_that_passes_for_a_pack() {
    let plan = support::plan();
    let root = tempfile::tempdir().expect("temp dir");
    let base = sample(root.path());
    let id = root.path().join("identity");
    let id_s = id.to_str().expect("utf-8 path").to_string();
    let env = [
        ("STEWARD_IDENTITY_DIR", id_s.as_str()),
        ("STEWARD_PASSPHRASE", support::PASS),
    ];
    support::identity(&base, &id);
    let outdir = root.path().join("out");
    std::fs::create_dir_all(&outdir).expect("mkdir");
    let pack = outdir.join("pack.zip");
    let pack_s = pack.to_str().expect("utf-8 path").to_string();
    let args = ["pack", "create", "-o", pack_s.as_str()];
    let mut partials = 0;
    let (killed, finished) = rounds(
        &plan,
        "pack create",
        root.path(),
        &base,
        &args,
        &env,
        |data, ended| {
            // A killed writer may leave its partial file (recognisable by name, never the pack's).
            partials += support::files_ending(&outdir, ".steward-partial").len();
            support::verified_length(data);
            if pack.exists() {
                let v = support::steward()
                    .arg("--data-dir")
                    .arg(data)
                    .envs(env)
                    .args(["verify", pack_s.as_str()])
                    .output()
                    .expect("runs");
                assert!(
                    v.status.success(),
                    "a pack file exists after a kill ({ended:?}) but does not verify: {}",
                    String::from_utf8_lossy(&v.stdout)
                );
                std::fs::remove_file(&pack).expect("remove");
            } else {
                assert_eq!(ended, Ended::Killed, "a finished run wrote its pack");
            }
        },
    );
    // Whatever killed writers left, the next writer clears away.
    let leftovers = support::files_ending(&outdir, ".steward-partial");
    let data = root.path().join("last");
    support::copy_dir(&base, &data);
    let t = support::time(&data, &args, &env);
    assert!(t > Duration::ZERO);
    assert!(
        support::files_ending(&outdir, ".steward-partial").is_empty(),
        "stale partial files are removed by the next write: {leftovers:?} were left"
    );
    println!(
        "pack create: {killed} killed, {finished} finished; a partial file was left after {partials} \
         rounds, {} at the end, removed by the next pack",
        leftovers.len()
    );
}

#[test]
fn killed_migrations_leave_a_workspace_that_opens() {
    let plan = support::plan();
    let root = tempfile::tempdir().expect("temp dir");
    // A workspace at schema version 1 holding many systems and audit rows, so the later
    // migrations (tables rebuilt, columns and indexes added) take long enough to be killed in.
    let base = root.path().join("base");
    std::fs::create_dir_all(&base).expect("mkdir");
    let rows = plan.rows as i64 * 4;
    {
        let db = rusqlite::Connection::open(base.join("steward.db")).expect("open");
        db.execute_batch(steward_store::MIGRATIONS[0])
            .expect("schema 1");
        db.pragma_update(None, "application_id", steward_store::APPLICATION_ID)
            .expect("id");
        db.pragma_update(None, "user_version", 1).expect("version");
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO systems (name, business_unit, owner, sourcing, stage, regulated_domain,
                                  risk_tier, data_sensitivity, created_at, updated_at)
             SELECT 'Old model ' || i, 'Operations', 'Owner', 'in_house', 'development', 'none',
                    'low', 'internal', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z' FROM n",
            [rows],
        )
        .expect("systems");
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO audit_log (at, actor, entity, entity_id, action, before, after,
                                    prev_hash, hash)
             SELECT '2024-01-01T00:00:00Z', 'someone', 'system', i, 'create', NULL, '{}',
                    printf('%064d', i - 1), printf('%064d', i) FROM n",
            [rows * 3],
        )
        .expect("audit rows");
    }
    let (killed, _) = rounds(
        &plan,
        "migrations",
        root.path(),
        &base,
        &["systems", "list", "--json"],
        &[],
        |data, _| {
            let db_path = data.join("steward.db");
            {
                // Read-write: a kill can leave a hot journal, which SQLite rolls back on the
                // next open that may write (a read-only one refuses to).
                let db = rusqlite::Connection::open(&db_path).expect("opens");
                let ok: String = db
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .expect("integrity check");
                assert_eq!(ok, "ok", "the file is intact");
                let v: i64 = db
                    .query_row("PRAGMA user_version", [], |r| r.get(0))
                    .expect("version");
                assert!(
                    (1..=steward_store::SCHEMA_VERSION).contains(&v),
                    "version {v}"
                );
                let n: i64 = db
                    .query_row("SELECT count(*) FROM systems", [], |r| r.get(0))
                    .expect("count");
                assert_eq!(n, rows, "every system kept at schema version {v}");
            }
            // Opening again finishes the migrations, from wherever they were stopped.
            assert_eq!(support::count(data, &["systems", "list"]), rows as usize);
            let db = rusqlite::Connection::open(&db_path).expect("opens");
            let v: i64 = db
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version");
            assert_eq!(v, steward_store::SCHEMA_VERSION);
            assert!(
                support::files_ending(data, ".steward-partial").is_empty(),
                "no partial backup is left once the workspace opened"
            );
        },
    );
    assert!(
        killed > 0 || plan.rounds == 0,
        "no kill fell inside the migrations"
    );
}
