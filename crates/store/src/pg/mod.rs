//! A team workspace in PostgreSQL: connecting (libpq's conventions in [`conninfo`], TLS
//! through rustls in [`tls`]), checking that the database is a Steward workspace no newer than
//! this Steward, and migrating it. Every record kind's SQL is the one in its module, run over
//! [`crate::sql::Conn`].
//!
//! Schema versions: `steward_schema` holds one row (the application, "steward", and the
//! version). A version means the same tables as the SQLite schema of that number; the first
//! PostgreSQL migration ([`PG_BASE`]) makes the whole schema of that SQLite version at once,
//! and every later one is the counterpart of the SQLite migration of its number.

mod conninfo;
mod team;
mod tls;

pub use conninfo::ConnInfo;
pub use team::{members_role, Member, TeamInit};

use std::time::Duration;

use crate::sql::{args, Conn, PgConn, TxGuard};
use crate::{Store, BUSY_WAIT, SCHEMA_VERSION};
use steward_domain::{Error, Result};

/// The schema version the first PostgreSQL migration brings an empty database to.
pub const PG_BASE: i64 = 15;

/// PostgreSQL's migrations: the first makes schema [`PG_BASE`], each next one the version after.
pub const PG_MIGRATIONS: &[&str] = &[include_str!("../migrations_pg/0015_schema.sql")];

/// Marks a database's schema as a Steward workspace's.
const APPLICATION: &str = "steward";

/// Where a team workspace is and who this session logged in as.
pub(crate) struct Team {
    pub display: String,
    pub user: String,
}

impl Store {
    /// Opens the team workspace that `conninfo` (a `postgres://` URI or libpq's `key=value`
    /// pairs, with the `PG*` environment variables and the password file for what it leaves
    /// out) names, creating its schema in an empty database or schema, migrating an older one,
    /// and refusing a database that is not a Steward workspace or is newer than this Steward,
    /// before anything is written to it.
    pub fn open_team(conninfo: &str) -> Result<Store> {
        Store::open_team_with(&ConnInfo::read(conninfo)?)
    }

    /// [`Store::open_team`] with parameters already read.
    pub fn open_team_with(info: &ConnInfo) -> Result<Store> {
        let display = info.display();
        let tls = tls::connector(info)?;
        let client = info.config().connect(tls).map_err(|e| {
            let why = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string());
            let why = if why.contains("error connecting") || why == "db error" {
                format!("{e:?}")
            } else {
                why
            };
            Error::Workspace(format!("cannot open the team workspace {display}: {why}"))
        })?;
        let conn = Conn::Pg(Box::new(PgConn::new(client)?));
        set_lock_timeout(&conn, BUSY_WAIT)?;
        let user = conn.session_user().unwrap_or_default().to_string();
        let store = Store {
            conn,
            path: None,
            key: None,
            team: Some(Team { display, user }),
            read_only: None,
        };
        let in_workspace = |e| match e {
            Error::Storage(msg) => Error::Workspace(format!("{}: {msg}", store.describe())),
            other => other,
        };
        migrate(&store).map_err(in_workspace)?;
        Ok(store)
    }

    /// The database user this session is logged in as, on a team workspace: the person the
    /// audit log records.
    pub fn team_user(&self) -> Option<&str> {
        self.team.as_ref().map(|t| t.user.as_str())
    }

    /// Where the team workspace is (`postgres://user@host:port/db`, never with a password).
    pub fn team_display(&self) -> Option<&str> {
        self.team.as_ref().map(|t| t.display.as_str())
    }
}

pub(crate) fn set_lock_timeout(conn: &Conn, wait: Duration) -> Result<()> {
    conn.batch(&format!("SET lock_timeout = {}", wait.as_millis().max(1)))
}

/// The schema version, or None for a database (schema) without Steward's tables.
pub(crate) fn schema_version(conn: &Conn) -> Result<Option<i64>> {
    let exists = conn.query_one(
        "SELECT to_regclass('steward_schema') IS NOT NULL",
        &[],
        |r| r.get::<bool>(0),
    )?;
    if !exists {
        return Ok(None);
    }
    conn.query_opt(
        "SELECT version FROM steward_schema WHERE application = ?1",
        &args![APPLICATION],
        |r| r.get::<i64>(0),
    )
}

/// Checks and migrates under the write lock, so two members opening an older workspace at once
/// migrate it once.
fn migrate(store: &Store) -> Result<()> {
    let conn = &store.conn;
    let check = || -> Result<Option<i64>> {
        let version = schema_version(conn)?;
        match version {
            Some(v) if v > SCHEMA_VERSION => Err(Error::Workspace(format!(
                "{} was written by a newer Steward (schema version {v}; this Steward knows up \
                 to {SCHEMA_VERSION}); it was left untouched; upgrade Steward to open it",
                store.describe()
            ))),
            Some(v) if v < PG_BASE => Err(Error::Workspace(format!(
                "{} has schema version {v}, older than any team workspace; it was left untouched",
                store.describe()
            ))),
            Some(v) => Ok(Some(v)),
            None => {
                let tables = conn.query_one(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')",
                    &[],
                    |r| r.get::<i64>(0),
                )?;
                if tables > 0 {
                    return Err(Error::Workspace(format!(
                        "{} is not a Steward workspace: its schema {} holds {tables} other \
                         table(s) and no steward_schema; it was left untouched; give an empty \
                         database or schema",
                        store.describe(),
                        current_schema(conn)?
                    )));
                }
                Ok(None)
            }
        }
    };
    if check()? == Some(SCHEMA_VERSION) {
        return Ok(());
    }
    for _ in 0..(SCHEMA_VERSION - PG_BASE + 1) {
        conn.begin_write()?;
        let guard = TxGuard::new(conn);
        let from = check()?;
        let to = match from {
            Some(v) if v >= SCHEMA_VERSION => return guard.commit(),
            Some(v) => v + 1,
            None => PG_BASE,
        };
        let sql = PG_MIGRATIONS.get((to - PG_BASE) as usize).ok_or_else(|| {
            Error::Storage(format!(
                "this Steward has no PostgreSQL migration {to:04}; nothing was changed"
            ))
        })?;
        let failed = |e: Error| {
            Error::Storage(format!(
                "migration {to:04} failed: {e}; the workspace was left at schema version {}",
                from.map_or_else(|| "none".into(), |v| v.to_string())
            ))
        };
        conn.batch(sql).map_err(failed)?;
        if from.is_none() {
            conn.batch(
                "CREATE TABLE steward_schema (
                     application TEXT NOT NULL PRIMARY KEY,
                     version     BIGINT NOT NULL
                 )",
            )
            .map_err(failed)?;
            conn.execute(
                "INSERT INTO steward_schema (application, version) VALUES (?1, ?2)",
                &args![APPLICATION, to],
            )?;
        } else {
            conn.execute(
                "UPDATE steward_schema SET version = ?2 WHERE application = ?1",
                &args![APPLICATION, to],
            )?;
        }
        guard.commit()?;
    }
    Ok(())
}

fn current_schema(conn: &Conn) -> Result<String> {
    conn.query_one("SELECT current_schema()::text", &[], |r| r.get::<String>(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Change;
    use steward_domain::register::SystemDraft;

    fn scratch(test: &str) -> Option<steward_testpg::Scratch> {
        steward_testpg::server_or_skip(test).map(|s| s.fresh_schema())
    }

    #[test]
    fn every_sqlite_schema_version_from_the_base_has_its_postgresql_migration() {
        assert_eq!(
            PG_BASE + PG_MIGRATIONS.len() as i64 - 1,
            SCHEMA_VERSION,
            "a new SQLite migration needs its counterpart in migrations_pg/ of the same number, \
             so a version means the same tables on both engines"
        );
    }

    #[test]
    fn a_new_team_workspace_gets_the_schema_and_keeps_a_system_with_its_audit_entry() {
        let Some(db) = scratch("a_new_team_workspace_gets_the_schema") else {
            return;
        };
        let mut store = Store::open_team(&db.url).expect("opens and creates the schema");
        assert_eq!(
            store.schema_version().expect("reads"),
            SCHEMA_VERSION,
            "a new team workspace is at this Steward's schema"
        );
        assert_eq!(store.team_user(), Some(steward_testpg::ROLE));
        let mut d = SystemDraft::new("Fraud scoring");
        d.business_unit = "Retail".into();
        d.owner = "Ann".into();
        d.annual_value = Some(1.5e6);
        d.data_readiness = Some(4);
        let id = store
            .write(|tx| {
                let id = tx.insert_system(&d, "2026-11-02T09:30:00Z")?;
                tx.append_audit(Change {
                    at: "2026-11-02T09:30:00Z".into(),
                    actor: "someone typed on the command line",
                    entity: "system",
                    entity_id: id.to_string(),
                    action: "create",
                    before: None,
                    after: Some("{}".into()),
                })?;
                Ok(id)
            })
            .expect("writes");
        let back = store.system(id).expect("reads").expect("is there");
        assert_eq!(back.draft, d, "the record reads back as written");
        assert_eq!(
            store
                .system_by_name("FRAUD SCORING")
                .expect("reads")
                .map(|s| s.id),
            Some(id),
            "names are looked up ignoring case, as on SQLite"
        );
        let err = store
            .write(|tx| {
                tx.insert_system(
                    &SystemDraft {
                        name: "fraud Scoring".into(),
                        ..d.clone()
                    },
                    "t",
                )
            })
            .expect_err("a second system of the same name, in other case, is refused");
        assert_eq!(err.code(), "conflict", "{err}");
        let log = store.audit_entries().expect("reads");
        assert_eq!(log.len(), 1, "the refused write left no entry");
        assert_eq!(
            log[0].actor,
            steward_testpg::ROLE,
            "the actor is the database user, not what the caller said"
        );
        assert_eq!(
            steward_domain::audit::verify(&log).first_bad,
            None,
            "the chain verifies"
        );
        drop(store);
        let again = Store::open_team(&db.url).expect("opens again");
        assert_eq!(again.all_systems().expect("reads").len(), 1);
    }

    #[test]
    fn the_audit_log_refuses_update_delete_truncate_and_an_entry_off_the_chain_through_psql() {
        let Some(s) = steward_testpg::server_or_skip("the_audit_log_refuses_update") else {
            return;
        };
        let db = s.fresh_schema();
        let mut store = Store::open_team(&db.url).expect("creates");
        store
            .write(|tx| {
                tx.append_audit(Change {
                    at: "2026-11-02T09:30:00Z".into(),
                    actor: "",
                    entity: "system",
                    entity_id: "1".into(),
                    action: "create",
                    before: None,
                    after: Some("{}".into()),
                })
            })
            .expect("an entry");
        let t = &db.name;
        for (sql, says) in [
            (
                format!("UPDATE {t}.audit_log SET actor = 'mallory'"),
                "append-only",
            ),
            (format!("DELETE FROM {t}.audit_log"), "append-only"),
            (format!("TRUNCATE {t}.audit_log"), "append-only"),
            (
                format!("UPDATE {t}.audit_seals SET signer = 'x'"),
                "append-only",
            ),
            (
                format!(
                    "INSERT INTO {t}.audit_log VALUES (5, 'at', 'tester', 'system', '1', 'delete', \
                     NULL, NULL, repeat('0', 64), 'h')"
                ),
                "does not follow the head",
            ),
        ] {
            let out = s
                .psql(steward_testpg::ROLE, "postgres")
                .arg("-c")
                .arg(&sql)
                .output()
                .expect("psql runs");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && err.contains(says),
                "{sql} is refused even for a superuser through psql ({says}): {err}"
            );
        }
        assert_eq!(
            store.audit_entries().expect("reads").len(),
            1,
            "the entry is as it was"
        );
    }

    #[test]
    fn a_newer_schema_and_a_database_of_something_else_are_refused_untouched() {
        let Some(s) = steward_testpg::server_or_skip("a_newer_schema_is_refused") else {
            return;
        };
        let db = s.fresh_schema();
        drop(Store::open_team(&db.url).expect("creates"));
        s.admin(&format!(
            "UPDATE {}.steward_schema SET version = {}",
            db.name,
            SCHEMA_VERSION + 1
        ));
        let err = Store::open_team(&db.url)
            .err()
            .expect("a newer schema is refused");
        assert!(err.to_string().contains("newer Steward"), "{err}");

        let other = s.fresh_schema();
        s.admin(&format!("CREATE TABLE {}.invoices (id int)", other.name));
        let err = Store::open_team(&other.url)
            .err()
            .expect("another application's schema is refused");
        assert!(err.to_string().contains("not a Steward workspace"), "{err}");
        s.admin(&format!("SELECT 1 FROM {}.invoices", other.name));
    }
}
