//! `steward identity ...` (the signing identity) and `steward certs ...` (colleagues'
//! certificates), plus the passphrase prompt and identity directory every signing command uses.
//! Glue only: the rules live in `steward_core::identity` and the workspace API.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use steward_core::api::Workspace;
use steward_core::identity::{self, IdentityInfo, Profile};
use steward_core::sign::CertInfo;

use crate::output;

/// The environment variable read for the passphrase when there is no terminal to ask on.
pub const PASSPHRASE_ENV: &str = "STEWARD_PASSPHRASE";
/// The environment variable naming the identity directory.
pub const IDENTITY_DIR_ENV: &str = "STEWARD_IDENTITY_DIR";

#[derive(Subcommand)]
pub enum IdentityCmd {
    /// Create your signing identity: a key pair, encrypted with a passphrase, and a self-signed
    /// certificate naming you. The passphrase is asked for (or read from STEWARD_PASSPHRASE).
    Init {
        /// Your full name, as it will appear on signatures.
        #[arg(long)]
        name: String,
        /// Your role, e.g. "Model risk officer".
        #[arg(long)]
        role: String,
        /// Your organisation.
        #[arg(long)]
        org: String,
        /// Your e-mail address (optional).
        #[arg(long)]
        email: Option<String>,
    },
    /// Show your identity: profile and certificate.
    Show,
    /// Use an organisation-issued certificate and key from a PKCS#12 file (.p12/.pfx) as your
    /// identity. The key is kept encrypted with the file's password.
    ImportP12 { file: PathBuf },
    /// Write your certificate (PEM) to a file, for colleagues to import with `steward certs import`.
    ExportCert {
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum CertsCmd {
    /// Import a colleague's certificate (PEM or DER) to verify their signatures.
    Import { file: PathBuf },
    /// List the imported certificates.
    List,
}

/// The identity directory: `explicit` (from --identity-dir), else STEWARD_IDENTITY_DIR, else the
/// platform's configuration directory for Steward (`~/.config/steward/identity` on Linux).
pub fn identity_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| {
            std::env::var_os(IDENTITY_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(identity::default_dir)
        .unwrap_or_else(|| PathBuf::from("steward-identity"))
}

/// The passphrase: STEWARD_PASSPHRASE when set; else asked for on the terminal without echo;
/// an error when there is neither (scripts and CI must set the variable).
pub fn passphrase(prompt: &str) -> Result<String> {
    if let Some(p) = std::env::var_os(PASSPHRASE_ENV) {
        return p
            .into_string()
            .map_err(|_| anyhow::anyhow!("{PASSPHRASE_ENV} is not valid UTF-8"));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the passphrase on: set {PASSPHRASE_ENV}");
    }
    rpassword::prompt_password(prompt).context("reading the passphrase from the terminal")
}

/// A new passphrase: from STEWARD_PASSPHRASE, or asked for twice on the terminal.
fn new_passphrase() -> Result<String> {
    if std::env::var_os(PASSPHRASE_ENV).is_some() || !std::io::stdin().is_terminal() {
        return passphrase("");
    }
    let first = passphrase("Passphrase for the new signing key: ")?;
    let again = passphrase("The same passphrase again: ")?;
    if first != again {
        bail!("the two passphrases differ; nothing was created");
    }
    Ok(first)
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn print_identity(info: &IdentityInfo, heading: &str, json: bool) -> Result<()> {
    if json {
        return output::json(info);
    }
    let p = &info.profile;
    println!("{heading} {}", info.dir);
    println!("  name:          {}", p.name);
    println!("  role:          {}", p.role);
    println!("  organisation:  {}", p.organisation);
    if !p.email.is_empty() {
        println!("  e-mail:        {}", p.email);
    }
    print_cert(&info.certificate);
    Ok(())
}

fn print_cert(c: &CertInfo) {
    println!("  subject:       {}", c.subject);
    println!("  issuer:        {}", c.issuer);
    println!("  serial:        {}", c.serial);
    println!("  SHA-256:       {}", c.fingerprint_sha256);
    println!(
        "  valid:         {} to {}",
        day(c.not_before),
        day(c.not_after)
    );
}

impl IdentityCmd {
    /// Runs the command on the identity in `dir` at time `now`.
    pub fn run(self, dir: &Path, now: DateTime<Utc>, json: bool) -> Result<ExitCode> {
        match self {
            IdentityCmd::Init {
                name,
                role,
                org,
                email,
            } => {
                // Said before the passphrase is asked for.
                identity::ensure_absent(dir)?;
                let profile = Profile {
                    name,
                    role,
                    organisation: org,
                    email: email.unwrap_or_default(),
                };
                let pass = new_passphrase()?;
                let info = identity::init(dir, &profile, &pass, now)
                    .with_context(|| format!("creating the identity in {}", dir.display()))?;
                print_identity(&info, "Created the identity in", json)?;
            }
            IdentityCmd::Show => print_identity(&identity::show(dir)?, "Identity in", json)?,
            IdentityCmd::ImportP12 { file } => {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                let pass = passphrase(&format!("Password of {}: ", file.display()))?;
                let info = identity::import_p12(dir, &bytes, &pass, now).with_context(|| {
                    format!(
                        "importing {} as the identity in {}",
                        file.display(),
                        dir.display()
                    )
                })?;
                print_identity(&info, "Imported the identity into", json)?;
            }
            IdentityCmd::ExportCert { output: path } => {
                let info = identity::show(dir)?;
                std::fs::write(&path, info.certificate.pem.as_bytes())
                    .with_context(|| format!("writing {}", path.display()))?;
                output::message(
                    json,
                    &format!(
                        "wrote the certificate of {} to {}",
                        info.certificate.subject,
                        path.display()
                    ),
                    serde_json::json!({ "file": path.display().to_string(), "certificate": info.certificate }),
                )?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

impl CertsCmd {
    pub fn run(self, ws: &mut Workspace, json: bool) -> Result<ExitCode> {
        match self {
            CertsCmd::Import { file } => {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                match ws.import_certificate(&bytes) {
                    Ok(info) => output::message(
                        json,
                        &format!(
                            "imported the certificate of {} (SHA-256 {})",
                            info.subject, info.fingerprint_sha256
                        ),
                        serde_json::json!({ "imported": true, "certificate": info }),
                    )?,
                    // Importing the same certificate again changes nothing and is not a failure.
                    Err(e) if e.code() == "conflict" => output::message(
                        json,
                        &e.to_string(),
                        serde_json::json!({ "imported": false, "message": e.to_string() }),
                    )?,
                    Err(e) => {
                        return Err(e).with_context(|| {
                            format!("importing the certificate {}", file.display())
                        })
                    }
                }
            }
            CertsCmd::List => {
                let certs = ws.certificates()?;
                if json {
                    output::json(&certs)?;
                } else if certs.is_empty() {
                    println!("no certificates imported; add one with `steward certs import FILE`");
                } else {
                    let rows: Vec<Vec<String>> = certs
                        .iter()
                        .map(|c| {
                            vec![
                                c.subject.clone(),
                                c.fingerprint_sha256[..16].to_string(),
                                day(c.not_after),
                                c.issuer.clone(),
                            ]
                        })
                        .collect();
                    output::table(&["SUBJECT", "SHA-256", "VALID UNTIL", "ISSUER"], &rows);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
