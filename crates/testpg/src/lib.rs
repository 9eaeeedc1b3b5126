//! Test support only: a real PostgreSQL 15 for the tests of one test binary.
//!
//! The first test that asks ([`server`]) starts it: `initdb` and `pg_ctl` from Debian's
//! `postgresql-15` package (or `STEWARD_PG_BIN`) in a new temporary directory, on a free TCP port
//! of 127.0.0.1 and a Unix socket in that directory, with a superuser role [`ROLE`] that logs in
//! with a password over TCP. PostgreSQL refuses to run as root, and CI runs as root: then the
//! server runs as the unprivileged system user `steward-pg` (or `STEWARD_PG_OS_USER`), created
//! with `useradd --system` when missing. A watchdog process started beside it stops the server
//! and removes the directory once the test binary has exited, however it exits.
//!
//! The server does not sync what it writes (tests need not survive a crash) unless
//! `STEWARD_PG_DURABLE=1`, which benchmarks set to compare it fairly with SQLite.
//!
//! Each test takes its own schema ([`Server::fresh_schema`]) or database
//! ([`Server::fresh_database`]), so tests run side by side on the one server.
//!
//! When PostgreSQL 15 is not installed the tests that need it fail, saying how to install it;
//! they are skipped (loudly) only when `STEWARD_PG_TESTS=0` says so.
//!
//! Must not be used by shipped code: it runs `useradd`, `runuser` and a server.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The superuser role the tests connect as. Named as the actor of core's tests, so an audit
/// entry made on PostgreSQL (whose actor is the database user) reads as one made on SQLite.
pub const ROLE: &str = "tester";

/// The PostgreSQL major version the tests run against.
pub const MAJOR: u32 = 15;

const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";
const DEFAULT_OS_USER: &str = "steward-pg";

/// The running server of this test binary.
pub struct Server {
    dir: PathBuf,
    port: u16,
    password: String,
    bin: PathBuf,
    /// The OS user the server runs as when this process is root (then its client tools run as
    /// that user too).
    run_as: Option<String>,
    admin: Mutex<postgres::Client>,
}

/// A schema of its own for one test, and the URL that opens it.
pub struct Scratch {
    pub name: String,
    pub url: String,
}

static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT: AtomicU64 = AtomicU64::new(1);

/// Whether the PostgreSQL tests are to run: always, unless `STEWARD_PG_TESTS=0`.
pub fn enabled() -> bool {
    std::env::var("STEWARD_PG_TESTS").map_or(true, |v| v != "0")
}

/// The server, started at the first call. Panics (failing the test) with what to do when it
/// cannot be started; call [`server_or_skip`] where `STEWARD_PG_TESTS=0` may skip the test.
pub fn server() -> &'static Server {
    match SERVER.get_or_init(start) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// The server, or None (having said loudly that the test is skipped) when `STEWARD_PG_TESTS=0`.
pub fn server_or_skip(test: &str) -> Option<&'static Server> {
    if !enabled() {
        eprintln!(
            "SKIPPED {test}: it needs PostgreSQL and STEWARD_PG_TESTS=0 says not to run such tests"
        );
        return None;
    }
    Some(server())
}

impl Server {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory of the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The superuser's password (the tests' own server; it is also in [`Server::url`]).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// `postgres://tester:PASSWORD@127.0.0.1:PORT/DATABASE`.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{ROLE}:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    /// A new, empty schema in the database `postgres`, and the URL that opens it as the
    /// superuser (the schema first on the search path).
    pub fn fresh_schema(&self) -> Scratch {
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.admin(&format!("CREATE SCHEMA {name}"));
        Scratch {
            url: format!("{}?options=-csearch_path%3D{name}", self.url("postgres")),
            name,
        }
    }

    /// The URL that opens schema `schema` of the database `postgres` as `role`, a superuser
    /// that logs in with the test password, created at the first call for its name: tests in
    /// which several people act connect as one role each, so the database names each as the
    /// actor of what they did.
    pub fn schema_url_as(&self, role: &str, schema: &str) -> String {
        format!(
            "{}?options=-csearch_path%3D{schema}",
            self.database_url_as(role, "postgres")
        )
    }

    /// The URL that opens `database` as `role`, made as in [`Server::schema_url_as`].
    pub fn database_url_as(&self, role: &str, database: &str) -> String {
        static MADE: Mutex<Vec<String>> = Mutex::new(Vec::new());
        let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
        if role != ROLE && !made.iter().any(|r| r == role) {
            let quoted = role.replace('"', "\"\"");
            self.admin(&format!(
                "DO $$ BEGIN
                   IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{}') THEN
                     CREATE ROLE \"{quoted}\" LOGIN SUPERUSER PASSWORD '{}';
                   END IF;
                 END $$",
                role.replace('\'', "''"),
                self.password
            ));
            made.push(role.to_string());
        }
        self.login_url(role, &self.password, database)
    }

    /// The URL that opens schema `schema` of the database `postgres` as `role` with `password`
    /// over TCP, creating nothing: for roles a test made itself (a workspace's owner, a member
    /// added by Steward).
    pub fn url_as(&self, role: &str, password: &str, schema: &str) -> String {
        format!(
            "{}?options=-csearch_path%3D{schema}",
            self.login_url(role, password, "postgres")
        )
    }

    /// `postgres://ROLE:PASSWORD@127.0.0.1:PORT/DATABASE`, the user and password escaped.
    fn login_url(&self, role: &str, password: &str, database: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    b => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{database}",
            enc(role),
            enc(password),
            self.port
        )
    }

    /// A role that logs in with the test password and is no superuser, with `attributes` (e.g.
    /// `CREATEROLE`), created unless it exists: the owner of a team workspace as an
    /// organisation would set one up.
    pub fn login_role(&self, role: &str, attributes: &str) {
        self.admin(&format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{}') THEN
                 CREATE ROLE \"{}\" LOGIN NOSUPERUSER {attributes} PASSWORD '{}';
               END IF;
             END $$",
            role.replace('\'', "''"),
            role.replace('"', "\"\""),
            self.password
        ));
    }

    /// A new, empty schema in the database `postgres` owned by `role` (who may then create a
    /// workspace in it and own its tables), and the URL that opens it as that role.
    pub fn fresh_schema_owned_by(&self, role: &str) -> Scratch {
        let name = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.admin(&format!(
            "CREATE SCHEMA {name} AUTHORIZATION \"{}\"",
            role.replace('"', "\"\"")
        ));
        Scratch {
            url: self.url_as(role, &self.password, &name),
            name,
        }
    }

    /// Turns TLS on with the certificate chain and key given (PEM), for the tests of sslmode:
    /// the files go in the server's directory, owned by its user, and the configuration is
    /// reloaded. Connections that do not ask for TLS go on without it.
    pub fn enable_tls(&self, cert_pem: &[u8], key_pem: &[u8]) {
        static ON: Mutex<bool> = Mutex::new(false);
        let mut on = ON.lock().unwrap_or_else(|e| e.into_inner());
        if *on {
            return;
        }
        for (name, bytes) in [("server.crt", cert_pem), ("server.key", key_pem)] {
            let path = self.dir.join(name);
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(user) = &self.run_as {
                run(Command::new("chown").arg(format!("{user}:")).arg(&path))
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            run(Command::new("chmod").arg("600").arg(&path)).unwrap_or_else(|e| panic!("{e}"));
        }
        for sql in [
            format!(
                "ALTER SYSTEM SET ssl_cert_file = '{}'",
                self.dir.join("server.crt").display()
            ),
            format!(
                "ALTER SYSTEM SET ssl_key_file = '{}'",
                self.dir.join("server.key").display()
            ),
            "ALTER SYSTEM SET ssl = on".to_string(),
            "SELECT pg_reload_conf()".to_string(),
        ] {
            self.admin(&sql);
        }
        // The reload is asynchronous: wait until the server says TLS is on.
        for _ in 0..100 {
            let mut c = self.admin.lock().unwrap_or_else(|e| e.into_inner());
            let ssl: String = c
                .query_one("SHOW ssl", &[])
                .map(|r| r.get(0))
                .unwrap_or_default();
            drop(c);
            if ssl == "on" {
                *on = true;
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the test PostgreSQL did not turn TLS on");
    }

    /// A new, empty database, and the URL that opens it as the superuser.
    pub fn fresh_database(&self) -> Scratch {
        let name = format!("db{}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.admin(&format!("CREATE DATABASE {name}"));
        Scratch {
            url: self.url(&name),
            name,
        }
    }

    /// Stops the server and removes its directory now, rather than once this process has exited
    /// (the watchdog then finds nothing left to do): for a process that is done with the server,
    /// such as `testpg-serve`, whose parent waits for it to be gone.
    pub fn stop(&self) -> Result<(), String> {
        run(self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "fast", "-w", "stop"]))?;
        std::fs::remove_dir_all(&self.dir)
            .map_err(|e| format!("cannot remove {}: {e}", self.dir.display()))
    }

    /// Runs `sql` as the superuser on the database `postgres`; panics on an error.
    pub fn admin(&self, sql: &str) {
        let mut c = self.admin.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = c.batch_execute(sql) {
            panic!("the test server refused {sql:?}: {e}");
        }
    }

    /// `psql` on `database` as `user` over the Unix socket (trusted there): for the tests that
    /// act behind Steward's back, as a person with psql would.
    pub fn psql(&self, user: &str, database: &str) -> Command {
        let mut c = self.command("psql");
        c.arg("-X")
            .arg("-v")
            .arg("ON_ERROR_STOP=1")
            .arg("-h")
            .arg(&self.dir)
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-U")
            .arg(user)
            .arg("-d")
            .arg(database);
        c
    }

    /// A client tool of the server's installation, run as the server's OS user when this
    /// process is root.
    fn command(&self, tool: &str) -> Command {
        command(&self.bin.join(tool), self.run_as.as_deref())
    }
}

fn command(program: &Path, run_as: Option<&str>) -> Command {
    match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.arg("-u").arg(user).arg("--").arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn start() -> Result<Server, String> {
    let bin = std::env::var_os("STEWARD_PG_BIN").map_or_else(|| DEFAULT_BIN.into(), PathBuf::from);
    check_installed(&bin)?;
    let run_as = if is_root()? {
        let user = std::env::var("STEWARD_PG_OS_USER").unwrap_or_else(|_| DEFAULT_OS_USER.into());
        ensure_os_user(&user)?;
        Some(user)
    } else {
        None
    };
    let dir = std::env::temp_dir().join(format!(
        "steward-pg-{}-{}",
        std::process::id(),
        random_hex(4)?
    ));
    std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if let Some(user) = &run_as {
        run(Command::new("chown").arg(format!("{user}:")).arg(&dir))?;
    }
    run(Command::new("chmod").arg("700").arg(&dir))?;
    // From here on the directory is the watchdog's to remove.
    let data = dir.join("data");
    let password = random_hex(16)?;
    run(command(&bin.join("initdb"), run_as.as_deref())
        .arg("-D")
        .arg(&data)
        .arg("-U")
        .arg(ROLE)
        .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
        .args([
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        ]))?;
    // Tests do not need a crash to keep what they wrote, so the server skips syncing; a
    // benchmark that compares it with SQLite (which syncs each commit) sets
    // STEWARD_PG_DURABLE=1 to run it with PostgreSQL's own durable defaults.
    let durability = if std::env::var("STEWARD_PG_DURABLE").is_ok_and(|v| v == "1") {
        ""
    } else {
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    };
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port()?;
        let started = run(command(&bin.join("pg_ctl"), run_as.as_deref())
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
                 {durability} -c max_connections=300",
                dir.display()
            ))
            .arg("start"));
        match started {
            Ok(()) => {
                watch(&dir, &data, &bin, run_as.as_deref())?;
                return connect(dir, port, password, bin, run_as);
            }
            // Another process took the port between our look and the server's bind.
            Err(e) => last = e,
        }
    }
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Err(format!(
        "the test PostgreSQL did not start: {last}\nserver log:\n{log}"
    ))
}

fn connect(
    dir: PathBuf,
    port: u16,
    password: String,
    bin: PathBuf,
    run_as: Option<String>,
) -> Result<Server, String> {
    // Over the socket (trusted) to set the password the tests then log in with over TCP.
    let mut admin = postgres::Config::new()
        .host_path(&dir)
        .port(port)
        .user(ROLE)
        .dbname("postgres")
        .connect(postgres::NoTls)
        .map_err(|e| {
            format!(
                "cannot connect to the test PostgreSQL in {}: {e}",
                dir.display()
            )
        })?;
    admin
        .batch_execute(&format!("ALTER ROLE {ROLE} PASSWORD '{password}'"))
        .map_err(|e| format!("cannot set the test role's password: {e}"))?;
    Ok(Server {
        dir,
        port,
        password,
        bin,
        run_as,
        admin: Mutex::new(admin),
    })
}

fn check_installed(bin: &Path) -> Result<(), String> {
    let postgres = bin.join("postgres");
    let how = format!(
        "the PostgreSQL tests need PostgreSQL {MAJOR} (looked for {}): install it with \
         `apt-get install -y postgresql-{MAJOR}` (Debian), or point STEWARD_PG_BIN at its bin \
         directory; to skip these tests on purpose, set STEWARD_PG_TESTS=0",
        postgres.display()
    );
    let out = Command::new(&postgres)
        .arg("--version")
        .output()
        .map_err(|e| format!("{how} ({e})"))?;
    let version = String::from_utf8_lossy(&out.stdout);
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    let major = version
        .split_whitespace()
        .nth(2)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if major != Some(MAJOR) {
        return Err(format!("{how}; found {}", version.trim()));
    }
    Ok(())
}

fn is_root() -> Result<bool, String> {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run `id -u`: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Creates the system user the server runs as, unless it exists.
fn ensure_os_user(user: &str) -> Result<(), String> {
    let exists = Command::new("id")
        .arg("-u")
        .arg(user)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run `id`: {e}"))?
        .success();
    if exists {
        return Ok(());
    }
    eprintln!("steward-testpg: creating the system user {user} to run the test PostgreSQL as");
    run(Command::new("useradd")
        .args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
        .args(["--shell", "/usr/sbin/nologin"])
        .arg(user))
    .map_err(|e| {
        format!(
            "PostgreSQL refuses to run as root, and the user {user} to run it as could not be \
             created: {e}; create it (`useradd --system {user}`) or name another with \
             STEWARD_PG_OS_USER"
        )
    })
}

/// Starts a process, in a session of its own (so an interrupt of the tests does not reach
/// it), that waits for this test binary to exit, then stops the server and removes `dir`.
fn watch(dir: &Path, data: &Path, bin: &Path, run_as: Option<&str>) -> Result<(), String> {
    let stop = command(&bin.join("pg_ctl"), run_as);
    let mut stop_line: Vec<String> = vec![stop.get_program().to_string_lossy().into_owned()];
    stop_line.extend(stop.get_args().map(|a| a.to_string_lossy().into_owned()));
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {stop} -D '{data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        stop = stop_line.join(" "),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("setsid")
        .arg("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the watchdog that stops the test PostgreSQL: {e}"))?;
    Ok(())
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot read the port: {e}"))
}

fn random_hex(bytes: usize) -> Result<String, String> {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs a command to its end, its output kept for the error when it fails.
fn run(c: &mut Command) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", c.get_program()))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{:?} {:?} failed ({}): {}{}",
        c.get_program(),
        c.get_args().collect::<Vec<_>>(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_postgresql_15_and_the_test_role_is_a_superuser() {
        let Some(s) = server_or_skip("the_server_is_postgresql_15") else {
            return;
        };
        let scratch = s.fresh_schema();
        let mut c = postgres::Client::connect(&s.url("postgres"), postgres::NoTls)
            .expect("the superuser logs in over TCP with its password");
        let row = c
            .query_one(
                "SELECT current_setting('server_version_num')::int / 10000, current_user::text,
                        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
                &[],
            )
            .expect("reads");
        assert_eq!(
            row.get::<_, i32>(0),
            15,
            "the tests run against PostgreSQL 15"
        );
        assert_eq!(row.get::<_, String>(1), ROLE);
        assert!(row.get::<_, bool>(2), "the test role is a superuser");
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                &[&scratch.name],
            )
            .expect("reads")
            .get(0);
        assert_eq!(n, 1, "fresh_schema made the schema");
    }

    #[test]
    fn a_wrong_password_is_refused_over_tcp() {
        let Some(s) = server_or_skip("a_wrong_password_is_refused_over_tcp") else {
            return;
        };
        let url = format!("postgres://{ROLE}:wrong@127.0.0.1:{}/postgres", s.port());
        let err = postgres::Client::connect(&url, postgres::NoTls)
            .err()
            .expect("TCP logins need the password (scram-sha-256), so the tests exercise it");
        assert_eq!(
            err.code(),
            Some(&postgres::error::SqlState::INVALID_PASSWORD),
            "refused for the password: {err:?}"
        );
    }
}
