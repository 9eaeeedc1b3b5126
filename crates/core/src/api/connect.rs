//! Opening a team workspace by a form: the connection a person gives (a string pasted whole,
//! or its parts: host, port, database, user, password, sslmode, root certificate) checked field
//! by field and turned into one connection string, and the team workspaces opened lately,
//! remembered in a file of the configuration directory *without* their passwords. Reading the
//! string and connecting are the store's (`ConnInfo`, `Store::open_team`); this module never
//! writes a password anywhere.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Context, Workspace};
use crate::store::ConnInfo;
use crate::{Error, FieldError, Result};

/// The file of the configuration directory that lists the team workspaces opened lately.
pub const RECENT_FILE: &str = "team-workspaces.json";

/// How many team workspaces are remembered; opening another forgets the oldest.
pub const RECENT_MAX: usize = 8;

/// How much TLS the connection insists on and what it checks: libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum SslMode {
    Disable,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub const ALL: [SslMode; 5] = [
        SslMode::Disable,
        SslMode::Prefer,
        SslMode::Require,
        SslMode::VerifyCa,
        SslMode::VerifyFull,
    ];

    /// libpq's name of the mode.
    pub fn key(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SslMode::Disable => "disable: no TLS",
            SslMode::Prefer => "prefer: TLS when the server offers it",
            SslMode::Require => "require: always TLS",
            SslMode::VerifyCa => "verify-ca: TLS, the server's certificate checked",
            SslMode::VerifyFull => "verify-full: TLS, the certificate and the host name checked",
        }
    }
}

/// The "Open a team workspace" form. A connection string pasted whole (`uri`: a `postgres://`
/// URI or libpq's `key=value` pairs) is read instead of the parts; the password, when given,
/// is used with either. Parts left empty are libpq's: `PG*` variables, then its defaults.
#[derive(Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct TeamLogin {
    pub uri: String,
    pub host: String,
    pub port: String,
    pub dbname: String,
    pub user: String,
    /// Used to log in and never written anywhere; empty: `PGPASSWORD`, else `~/.pgpass`.
    pub password: String,
    pub sslmode: SslMode,
    /// The certificate authority's PEM file the server's certificate is checked against;
    /// empty: `~/.postgresql/root.crt`.
    pub sslrootcert: String,
}

impl TeamLogin {
    /// The connection string the form gives, password included: for opening only.
    pub fn conninfo(&self) -> Result<String> {
        let mut params = self.params()?;
        if !self.password.is_empty() {
            params.retain(|(k, _)| k != "password");
            params.push(("password".into(), self.password.clone()));
        }
        Ok(ConnInfo::pairs(&params))
    }

    /// The connection string without any password (the one typed, or one inside a pasted
    /// URI): what may be remembered.
    pub fn without_password(&self) -> Result<String> {
        let mut params = self.params()?;
        params.retain(|(k, _)| k != "password");
        Ok(ConnInfo::pairs(&params))
    }

    /// The parameters the form gives, each part checked and named by its field when wrong.
    fn params(&self) -> Result<Vec<(String, String)>> {
        let uri = self.uri.trim();
        if !uri.is_empty() {
            let in_field = |e: Error| invalid(vec![FieldError::new("uri", e.to_string())]);
            ConnInfo::read(uri).map_err(in_field)?;
            return ConnInfo::given(uri).map_err(in_field);
        }
        let mut problems = Vec::new();
        let mut params: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| params.push((k.to_string(), v.to_string()));
        let host = self.host.trim();
        if !host.is_empty() {
            put("host", host);
        }
        let port = self.port.trim();
        if !port.is_empty() {
            match port.parse::<u16>() {
                Ok(p) if p > 0 => put("port", port),
                _ => problems.push(FieldError::new(
                    "port",
                    format!("{port:?} is not a port number; accepted: 1 to 65535 (PostgreSQL's is 5432)"),
                )),
            }
        }
        for (field, value, what) in [
            (
                "dbname",
                self.dbname.trim(),
                "the database of the team workspace",
            ),
            ("user", self.user.trim(), "the database user you sign in as"),
        ] {
            if value.is_empty() {
                problems.push(FieldError::new(field, format!("{what} is required")));
            } else {
                put(field, value);
            }
        }
        put("sslmode", self.sslmode.key());
        let root = self.sslrootcert.trim();
        if !root.is_empty() {
            if Path::new(root).is_file() {
                put("sslrootcert", root);
            } else {
                problems.push(FieldError::new(
                    "sslrootcert",
                    format!(
                        "no file at {root}; give the PEM file of the certificate authority that \
                         signed the server's certificate, or leave it empty for \
                         ~/.postgresql/root.crt"
                    ),
                ));
            }
        }
        if problems.is_empty() {
            Ok(params)
        } else {
            Err(invalid(problems))
        }
    }
}

fn invalid(fields: Vec<FieldError>) -> Error {
    Error::Validation {
        entity: "team workspace connection",
        fields,
    }
}

/// A team workspace opened lately, as remembered: never with a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentTeam {
    /// `postgres://user@host:port/database`, as the app's header names it.
    pub display: String,
    /// The connection string without its password, to open it again by.
    pub conninfo: String,
    /// When it was last opened (RFC 3339, UTC).
    pub opened: String,
}

/// The default configuration directory: the platform's per-user one for Steward
/// (`$XDG_CONFIG_HOME/steward` or `~/.config/steward` on Linux).
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "steward").map(|p| p.config_dir().to_path_buf())
}

/// The team workspaces opened lately, the latest first; none when the file is missing. A file
/// that cannot be read as the list is an error naming it (it is never overwritten unread).
pub fn recent(config_dir: &Path) -> Result<Vec<RecentTeam>> {
    let path = config_dir.join(RECENT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::Workspace(format!(
            "{} is not the list of team workspaces opened lately ({e}); remove it and Steward \
             starts a new one",
            path.display()
        ))
    })
}

/// Remembers `login` (without its password) as opened at `opened`, first in the list; the same
/// connection opened before moves up rather than appearing twice.
pub fn remember(config_dir: &Path, display: &str, login: &TeamLogin, opened: &str) -> Result<()> {
    let entry = RecentTeam {
        display: display.to_string(),
        conninfo: login.without_password()?,
        opened: opened.to_string(),
    };
    let mut list = recent(config_dir)?;
    list.retain(|r| r.conninfo != entry.conninfo);
    list.insert(0, entry);
    list.truncate(RECENT_MAX);
    write_recent(config_dir, &list)
}

/// Forgets the team workspace remembered with `conninfo`.
pub fn forget(config_dir: &Path, conninfo: &str) -> Result<Vec<RecentTeam>> {
    let mut list = recent(config_dir)?;
    list.retain(|r| r.conninfo != conninfo);
    write_recent(config_dir, &list)?;
    Ok(list)
}

fn write_recent(config_dir: &Path, list: &[RecentTeam]) -> Result<()> {
    if !config_dir.exists() {
        steward_domain::files::create_private_dir(config_dir)
            .map_err(|e| Error::io(config_dir, e))?;
    }
    let text = serde_json::to_string_pretty(list)
        .map_err(|e| Error::Storage(format!("the list of team workspaces: {e}")))?;
    steward_domain::files::write_atomically(&config_dir.join(RECENT_FILE), text.as_bytes())
}

impl Workspace {
    /// Opens the team workspace the form names (see [`Workspace::open_team`]) and, once it is
    /// open, remembers it in `config_dir` without its password. A form with a wrong field, or a
    /// workspace that does not open, changes nothing there.
    pub fn open_team_login(
        login: &TeamLogin,
        ctx: Context,
        config_dir: &Path,
    ) -> Result<Workspace> {
        let ws = Workspace::open_team(&login.conninfo()?, ctx)?;
        let display = ws.team().unwrap_or_default().to_string();
        remember(config_dir, &display, login, &ws.ctx.timestamp())?;
        Ok(ws)
    }
}
