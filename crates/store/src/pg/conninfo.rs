//! Where a team workspace is and how to log in to it, read the way libpq reads it: a URI
//! (`postgres://user@host:port/dbname?sslmode=verify-full`) or keyword/value pairs
//! (`host=... dbname=...`), then the `PG*` environment variables for what it leaves out, then
//! libpq's defaults; the password, when none is given, from the password file (`PGPASSFILE`, or
//! `~/.pgpass`). The `postgres` crate reads none of the environment or the password file and
//! knows no `verify-ca`/`verify-full`, so this module does, and hands it a finished `Config`.
//! Nothing here writes anything; a password is only ever held in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use steward_domain::{Error, Result};

/// The keywords a connection string may give, with the environment variable that stands in for
/// each when the string leaves it out (libpq's names).
const KEYWORDS: &[(&str, Option<&str>)] = &[
    ("host", Some("PGHOST")),
    ("port", Some("PGPORT")),
    ("dbname", Some("PGDATABASE")),
    ("user", Some("PGUSER")),
    ("password", Some("PGPASSWORD")),
    ("passfile", Some("PGPASSFILE")),
    ("sslmode", Some("PGSSLMODE")),
    ("sslrootcert", Some("PGSSLROOTCERT")),
    ("sslcert", Some("PGSSLCERT")),
    ("sslkey", Some("PGSSLKEY")),
    ("connect_timeout", Some("PGCONNECT_TIMEOUT")),
    ("application_name", Some("PGAPPNAME")),
    ("options", Some("PGOPTIONS")),
];

/// Where the server's Unix socket is when no host is given (Debian's libpq default).
pub const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";

/// How much TLS a connection insists on and what it checks, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// libpq's `allow` and `prefer` (TLS when the server offers it; `allow` is taken as
    /// `prefer`, which tries TLS first).
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(bad(format!(
                    "sslmode {other:?} is not one libpq knows; accepted: disable, allow, prefer, \
                     require, verify-ca, verify-full"
                )))
            }
        })
    }
}

/// A connection's parameters once the string, the environment and the defaults are merged.
#[derive(Clone)]
pub struct ConnInfo {
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    /// Given in the string, `PGPASSWORD` or the password file; never written anywhere.
    pub password: Option<String>,
    pub sslmode: SslMode,
    /// The certificate authorities to check the server against (`verify-ca`, `verify-full`,
    /// and `prefer`/`require` when the file exists, as libpq does).
    pub sslrootcert: PathBuf,
    /// A client certificate and its key, used when both files exist.
    pub sslcert: PathBuf,
    pub sslkey: PathBuf,
    pub connect_timeout: Option<u64>,
    pub application_name: Option<String>,
    pub options: Option<String>,
}

impl std::fmt::Debug for ConnInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

impl ConnInfo {
    /// Whether the host is a Unix socket directory rather than a network host.
    pub fn is_socket(&self) -> bool {
        self.host.starts_with('/')
    }

    /// The workspace as people name it in messages: never with its password.
    pub fn display(&self) -> String {
        let host = if self.is_socket() {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!(
            "postgres://{}@{host}:{}/{}",
            self.user, self.port, self.dbname
        )
    }

    /// The `postgres` crate's configuration for these parameters (TLS is chosen apart).
    pub fn config(&self) -> postgres::Config {
        let mut c = postgres::Config::new();
        if self.is_socket() {
            c.host_path(&self.host);
        } else {
            c.host(&self.host);
        }
        c.port(self.port).user(&self.user).dbname(&self.dbname);
        if let Some(p) = &self.password {
            c.password(p);
        }
        if let Some(t) = self.connect_timeout.filter(|t| *t > 0) {
            c.connect_timeout(std::time::Duration::from_secs(t));
        }
        c.application_name(self.application_name.as_deref().unwrap_or("steward"));
        if let Some(o) = &self.options {
            c.options(o);
        }
        c.ssl_mode(match self.sslmode {
            // A Unix socket never carries TLS (libpq ignores sslmode there too).
            _ if self.is_socket() => postgres::config::SslMode::Disable,
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        });
        c
    }
}

impl ConnInfo {
    /// Reads the connection string `s` as opening it does (the process's environment and
    /// password file filling the gaps), every value checked.
    pub fn read(s: &str) -> Result<ConnInfo> {
        parse(s, &Env::process())
    }

    /// The parameters the connection string `s` (a URI or keyword/value pairs) gives itself, in
    /// libpq's order of keywords, nothing filled from the environment or the password file:
    /// what a person typed, to be changed (a password set, or left out before it is remembered)
    /// and written back with [`ConnInfo::pairs`].
    pub fn given(s: &str) -> Result<Vec<(String, String)>> {
        let mut given = if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            parse_uri(s)?
        } else {
            parse_pairs(s)?
        };
        Ok(KEYWORDS
            .iter()
            .filter_map(|(k, _)| given.remove(*k).map(|v| (k.to_string(), v)))
            .collect())
    }

    /// `params` as keyword/value pairs, each value quoted as libpq reads it (`'...'`, with `\'`
    /// and `\\` inside), so [`ConnInfo::given`] and the parsing read them back unchanged.
    pub fn pairs(params: &[(String, String)]) -> String {
        params
            .iter()
            .map(|(k, v)| format!("{k}='{}'", v.replace('\\', "\\\\").replace('\'', "\\'")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What the parsing reads from outside the string: environment variables and the home
/// directory, passed in so tests give their own.
pub struct Env<'a> {
    pub var: &'a dyn Fn(&str) -> Option<String>,
    pub home: Option<PathBuf>,
    pub os_user: Option<String>,
}

impl Env<'_> {
    /// The process's environment.
    pub fn process() -> Env<'static> {
        Env {
            var: &|k| std::env::var(k).ok().filter(|v| !v.is_empty()),
            home: std::env::var_os("HOME").map(PathBuf::from),
            os_user: std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .ok(),
        }
    }
}

fn bad(msg: String) -> Error {
    Error::Workspace(format!("the team workspace's connection string: {msg}"))
}

/// Reads `s` (a URI or keyword/value pairs; empty takes everything from the environment),
/// fills the gaps from `env`, then looks the password up in the password file if still none.
pub fn parse(s: &str, env: &Env<'_>) -> Result<ConnInfo> {
    let given = if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        parse_uri(s)?
    } else {
        parse_pairs(s)?
    };
    let mut p: BTreeMap<&str, String> = BTreeMap::new();
    for (key, var) in KEYWORDS {
        if let Some(v) = given.get(*key) {
            p.insert(key, v.clone());
        } else if let Some(v) = var.and_then(|var| (env.var)(var)) {
            p.insert(key, v);
        }
    }
    let host = match p.remove("host") {
        Some(h) if h.contains(',') => {
            return Err(bad(format!(
                "host {h:?} names several hosts; a team workspace is opened on one host"
            )))
        }
        Some(h) if !h.is_empty() => h,
        _ => DEFAULT_SOCKET_DIR.to_string(),
    };
    let port = match p.remove("port") {
        Some(v) => v.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
            bad(format!(
                "port {v:?} is not a port number; accepted: 1 to 65535"
            ))
        })?,
        None => 5432,
    };
    let user = match p.remove("user") {
        Some(u) => u,
        None => env.os_user.clone().ok_or_else(|| {
            bad("no user is given (user=, PGUSER) and the login name is not known".into())
        })?,
    };
    let dbname = p.remove("dbname").unwrap_or_else(|| user.clone());
    let sslmode = SslMode::parse(p.get("sslmode").map_or("prefer", String::as_str))?;
    let in_home = |name: &str| {
        env.home
            .as_ref()
            .map(|h| h.join(".postgresql").join(name))
            .unwrap_or_default()
    };
    let connect_timeout = match p.remove("connect_timeout") {
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            bad(format!(
                "connect_timeout {v:?} is not a whole number of seconds"
            ))
        })?),
        None => None,
    };
    let mut info = ConnInfo {
        port,
        dbname,
        password: p.remove("password"),
        sslmode,
        sslrootcert: p
            .remove("sslrootcert")
            .map_or_else(|| in_home("root.crt"), PathBuf::from),
        sslcert: p
            .remove("sslcert")
            .map_or_else(|| in_home("postgresql.crt"), PathBuf::from),
        sslkey: p
            .remove("sslkey")
            .map_or_else(|| in_home("postgresql.key"), PathBuf::from),
        connect_timeout,
        application_name: p.remove("application_name"),
        options: p.remove("options"),
        host,
        user,
    };
    if info.password.is_none() {
        let file = p
            .remove("passfile")
            .map(PathBuf::from)
            .or_else(|| env.home.as_ref().map(|h| h.join(".pgpass")));
        if let Some(file) = file {
            info.password = password_from_file(&file, &info)?;
        }
    }
    Ok(info)
}

fn known(key: &str) -> Result<()> {
    if KEYWORDS.iter().any(|(k, _)| *k == key) {
        return Ok(());
    }
    let names: Vec<&str> = KEYWORDS.iter().map(|(k, _)| *k).collect();
    Err(bad(format!(
        "{key:?} is not a parameter Steward takes; accepted: {}",
        names.join(", ")
    )))
}

/// `postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]`, each part
/// percent-decoded; a host may be a bracketed IPv6 address or a percent-encoded socket path.
fn parse_uri(s: &str) -> Result<BTreeMap<String, String>> {
    let rest = s
        .strip_prefix("postgresql://")
        .or_else(|| s.strip_prefix("postgres://"))
        .unwrap_or(s);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut out = BTreeMap::new();
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        let (user, password) = u.split_once(':').unwrap_or((u, ""));
        if !user.is_empty() {
            out.insert("user".into(), decode(user)?);
        }
        if u.contains(':') {
            out.insert("password".into(), decode(password)?);
        }
    }
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or_else(|| {
            bad(format!(
                "{hostport:?}: an IPv6 address opened with [ is not closed"
            ))
        })?;
        (addr.to_string(), after.strip_prefix(':').unwrap_or(""))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (decode(h)?, p),
            None => (decode(hostport)?, ""),
        }
    };
    if !host.is_empty() {
        out.insert("host".into(), host);
    }
    if !port.is_empty() {
        out.insert("port".into(), decode(port)?);
    }
    if !path.is_empty() {
        out.insert("dbname".into(), decode(path)?);
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            bad(format!(
                "{pair:?} in the URI's query has no value (key=value)"
            ))
        })?;
        let k = decode(k)?;
        known(&k)?;
        out.insert(k, decode(v)?);
    }
    Ok(out)
}

/// `key=value key='quoted value'`, with `\'` and `\\` inside quotes, as libpq reads them.
fn parse_pairs(s: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(bad(format!(
                "{key:?} has no value; write key=value pairs or a postgres:// URI"
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => {
                        return Err(bad(format!(
                            "the value of {key} opens a quote it does not close"
                        )))
                    }
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        known(&key)?;
        out.insert(key, value);
    }
}

fn decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad(format!("{s:?} has a % not followed by two hex digits")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad(format!("{s:?} does not decode to UTF-8 text")))
}

/// The password for `info` from a password file (`hostname:port:database:username:password`,
/// `*` matching anything, `\:` and `\\` escaped), as libpq reads it: the first line that
/// matches wins; a file others may read is ignored (with a warning on standard error, as
/// libpq prints one); a missing file is no password.
fn password_from_file(file: &Path, info: &ConnInfo) -> Result<Option<String>> {
    let Ok(meta) = std::fs::metadata(file) else {
        return Ok(None);
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: password file {} has group or world access; permissions should be \
                 u=rw (0600) or less; it was not read",
                file.display()
            );
            return Ok(None);
        }
    }
    if !meta.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    let port = info.port.to_string();
    let hosts: &[&str] = if info.is_socket() {
        &[info.host.as_str(), "localhost"]
    } else {
        &[info.host.as_str()]
    };
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        let [h, p, d, u, pw] = fields.as_slice() else {
            continue;
        };
        let matches = |pat: &str, v: &str| pat == "*" || pat == v;
        if hosts.iter().any(|x| matches(h, x))
            && matches(p, &port)
            && matches(d, &info.dbname)
            && matches(u, &info.user)
        {
            return Ok(Some(pw.clone()));
        }
    }
    Ok(None)
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), out.last_mut()) {
                    f.push(n);
                }
            }
            // The password is the rest of the line, colons included once four fields are read.
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(f) = out.last_mut() {
                    f.push(c)
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of<'a>(vars: &'a [(&'a str, &'a str)], home: Option<&Path>) -> Env<'a> {
        Env {
            var: Box::leak(Box::new(move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })),
            home: home.map(Path::to_path_buf),
            os_user: Some("ann".into()),
        }
    }

    fn check(s: &str, vars: &[(&str, &str)], expected: &str) {
        let info = parse(s, &env_of(vars, None)).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        let got = format!(
            "{} pw={:?} ssl={:?} root={} opts={:?}",
            info.display(),
            info.password,
            info.sslmode,
            info.sslrootcert.display(),
            info.options
        );
        assert_eq!(got, expected, "{s:?} with {vars:?}");
    }

    #[test]
    fn uris_pairs_environment_and_defaults_merge_as_libpq_merges_them() {
        check(
            "postgres://bob:s%40cret@db.example.org:6543/steward?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            &[],
            "postgres://bob@db.example.org:6543/steward pw=Some(\"s@cret\") ssl=VerifyFull root=/etc/ca.pem opts=None",
        );
        check(
            "postgresql://[::1]:5433/team",
            &[("PGUSER", "carol"), ("PGSSLMODE", "require")],
            "postgres://carol@::1:5433/team pw=None ssl=Require root= opts=None",
        );
        check(
            "",
            &[
                ("PGHOST", "pg.internal"),
                ("PGDATABASE", "gov"),
                ("PGPASSWORD", "x"),
            ],
            "postgres://ann@pg.internal:5432/gov pw=Some(\"x\") ssl=Prefer root= opts=None",
        );
        check(
            "host=/tmp/s port=5999 dbname='my db' password='it\\'s' options='-csearch_path=t1'",
            &[("PGHOST", "ignored")],
            "postgres://ann@[/tmp/s]:5999/my db pw=Some(\"it's\") ssl=Prefer root= opts=Some(\"-csearch_path=t1\")",
        );
        check(
            "postgres://%2Fvar%2Frun%2Fpostgresql/gov",
            &[],
            "postgres://ann@[/var/run/postgresql]:5432/gov pw=None ssl=Prefer root= opts=None",
        );
        check(
            "dbname=gov",
            &[],
            "postgres://ann@[/var/run/postgresql]:5432/gov pw=None ssl=Prefer root= opts=None",
        );
    }

    #[test]
    fn given_parameters_written_as_pairs_read_back_unchanged() {
        for s in [
            "postgres://bob:s%40cret@db.example.org:6543/steward?sslmode=verify-full",
            "host=/tmp/s dbname='my db' password='it\\'s \\\\ back' options='-csearch_path=t1'",
            "postgresql://[::1]/team",
            "",
        ] {
            let given = ConnInfo::given(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            let written = ConnInfo::pairs(&given);
            assert_eq!(
                ConnInfo::given(&written).expect("reads back"),
                given,
                "{s:?} written as {written:?} gives the same parameters"
            );
            let env = env_of(&[], None);
            let (a, b) = (
                parse(s, &env).expect("parses"),
                parse(&written, &env).expect("parses"),
            );
            assert_eq!(
                (a.display(), a.password, a.options),
                (b.display(), b.password, b.options),
                "{s:?} and {written:?} open the same workspace as the same person"
            );
        }
        assert_eq!(
            ConnInfo::given("host=h user=ann password=x").expect("reads"),
            [("host", "h"), ("user", "ann"), ("password", "x")]
                .map(|(k, v)| (k.to_string(), v.to_string())),
            "only what the string gives, nothing from the environment"
        );
    }

    #[test]
    fn bad_strings_are_refused_saying_what_is_accepted() {
        for (s, says) in [
            ("postgres://h/db?sslmode=verify", "accepted: disable, allow"),
            ("postgres://h/db?sslmod=require", "accepted: host, port"),
            ("postgres://h:99999/db", "accepted: 1 to 65535"),
            ("host=a,b dbname=x", "one host"),
            ("host='open", "does not close"),
            ("dbname", "key=value"),
            ("postgres://h/%zz", "two hex digits"),
        ] {
            let err = parse(s, &env_of(&[], None)).expect_err(s).to_string();
            assert!(err.contains(says), "{s:?}: {err}");
        }
    }

    #[test]
    fn the_password_file_gives_the_first_matching_line_and_is_ignored_when_others_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(".pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:ann:no\ndb.example.org:5432:gov:ann:pa\\:ss:word\n*:*:*:*:fallback\n",
        )
        .expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let env = env_of(&[], Some(dir.path()));
        let info = parse("postgres://ann@db.example.org/gov", &env).expect("parses");
        assert_eq!(
            info.password.as_deref(),
            Some("pa:ss:word"),
            "the first matching line, its escaped colon and the rest of the line"
        );
        let info = parse("postgres://ann@elsewhere/x", &env).expect("parses");
        assert_eq!(
            info.password.as_deref(),
            Some("fallback"),
            "* matches anything"
        );
        let info = parse("postgres://ann:given@db.example.org/gov", &env).expect("parses");
        assert_eq!(
            info.password.as_deref(),
            Some("given"),
            "a given password wins"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let info = parse("postgres://ann@db.example.org/gov", &env).expect("parses");
        assert_eq!(info.password, None, "a file others can read is not used");
    }
}
