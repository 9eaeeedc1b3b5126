//! `steward report`, `steward pack` and `steward verify`: signed reports and audit packs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use steward_core::api::Workspace;
use steward_core::clock::{Clock, SystemClock};
use steward_core::identity;
use steward_core::pack::{self, FindingLevel};
use steward_core::sign::{self, CertInfo, Signer};

use crate::identity::passphrase;
use crate::output;

#[derive(Subcommand)]
pub enum ReportCmd {
    /// The AI system register: summary counts and charts, then every system.
    Register {
        /// pdf or xlsx.
        #[arg(long, default_value = "pdf")]
        format: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Sign the PDF with your identity (or --p12).
        #[arg(long)]
        sign: bool,
        #[command(flatten)]
        signer: SignerArgs,
    },
}

#[derive(Subcommand)]
pub enum PackCmd {
    /// Write a signed audit pack: reports, data, manifest and signatures in one .zip.
    Create {
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        signer: SignerArgs,
    },
}

/// Who signs: your identity (unlocked with its passphrase), or a PKCS#12 file.
#[derive(Args)]
pub struct SignerArgs {
    /// Sign with this .p12/.pfx instead of your identity (its password is asked for, or read
    /// from STEWARD_PASSPHRASE).
    #[arg(long, value_name = "FILE")]
    p12: Option<PathBuf>,
}

impl SignerArgs {
    pub fn signer(&self, identity_dir: &Path) -> Result<Signer> {
        let now = SystemClock.now();
        if let Some(p12) = &self.p12 {
            let bytes = std::fs::read(p12).with_context(|| format!("reading {}", p12.display()))?;
            let pw = passphrase(&format!("Password for {}: ", p12.display()))?;
            return Ok(identity::signer_from_p12(&bytes, &pw, now)?);
        }
        // Say "no identity" before asking for a passphrase.
        identity::show(identity_dir)?;
        let pw = passphrase("Passphrase for your signing key: ")?;
        Ok(identity::unlock(identity_dir, &pw, now)?)
    }
}

pub fn report(ws: &Workspace, cmd: ReportCmd, identity_dir: &Path, json: bool) -> Result<ExitCode> {
    match cmd {
        ReportCmd::Register {
            format,
            output: out,
            sign,
            signer,
        } => {
            if sign && !format.eq_ignore_ascii_case("pdf") {
                bail!("only PDF reports carry a signature; sign .xlsx files by putting them in an audit pack");
            }
            let s = if sign {
                Some(signer.signer(identity_dir)?)
            } else {
                None
            };
            let bytes = ws.write_register_report(&format, s.as_ref(), &out)?;
            output::message(
                json,
                &format!("wrote {} ({bytes} bytes)", out.display()),
                serde_json::json!({ "path": out, "bytes": bytes, "signed": sign }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn pack(ws: &mut Workspace, cmd: PackCmd, identity_dir: &Path, json: bool) -> Result<ExitCode> {
    match cmd {
        PackCmd::Create {
            output: out,
            signer,
        } => {
            let s = signer.signer(identity_dir)?;
            let summary = ws.create_pack(&s, &out, &mut |p| {
                if !json {
                    eprintln!("[{}/{}] {}", p.done, p.total, p.step);
                }
                true
            })?;
            if json {
                output::json(&summary)?;
            } else {
                println!(
                    "wrote {} ({} files), signed by {} ({})",
                    summary.path,
                    summary.files.len(),
                    summary.signer,
                    summary.signer_fingerprint_sha256
                );
                println!(
                    "audit chain: {} entries, head {}",
                    summary.audit_chain.length, summary.audit_chain.head
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The certificates a verification trusts: the workspace's imported ones, your own identity's,
/// and any given with --trust.
pub fn trusted(
    ws: Option<&Workspace>,
    identity_dir: &Path,
    extra: &[PathBuf],
) -> Result<Vec<CertInfo>> {
    let mut out = steward_core::api::pack::trusted_certificates(ws, identity_dir)?;
    for p in extra {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let cert = sign::parse_certificate(&bytes)
            .with_context(|| format!("{} is not a certificate", p.display()))?;
        out.push(sign::cert_info(&cert)?);
    }
    Ok(out)
}

/// `steward verify FILE`: a pack (.zip) or a single signed PDF.
pub fn verify(file: &Path, trusted: &[CertInfo], json: bool) -> Result<ExitCode> {
    let report = pack::verify_file(file, trusted)?;
    if json {
        output::json(&report)?;
    } else {
        for f in &report.findings {
            let mark = if f.level == FindingLevel::Ok {
                "ok   "
            } else {
                "FAIL "
            };
            println!(
                "{mark} {}: {}",
                f.file.as_deref().unwrap_or("(pack)"),
                f.message
            );
            if let Some(r) = &f.remedy {
                println!("      hint: {}", crate::remedy::hint(r));
            }
        }
        println!(
            "{}",
            if report.valid {
                format!("{}: every check holds", report.pack)
            } else {
                format!("{}: NOT VALID", report.pack)
            }
        );
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
