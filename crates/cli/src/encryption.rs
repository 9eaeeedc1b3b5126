//! The passphrase of an encrypted workspace, taken as the signing commands take theirs: from
//! a file (`--passphrase-file`), from STEWARD_WORKSPACE_PASSPHRASE, or asked for on the
//! terminal without echo; never as an argument, never written anywhere. Also `steward encrypt`
//! and `steward decrypt`. Glue only: opening and converting are `steward_core::api`'s.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use steward_core::api::Passphrase;

/// The environment variable read for the workspace's passphrase (the signing key's is
/// STEWARD_PASSPHRASE: they are two secrets).
pub const PASSPHRASE_ENV: &str = "STEWARD_WORKSPACE_PASSPHRASE";

/// Where the workspace's passphrase comes from when one is needed.
pub struct Keys {
    /// `--passphrase-file`: a file whose first line is the passphrase.
    pub file: Option<PathBuf>,
}

impl Keys {
    /// The passphrase given without asking: the file's first line, else the environment
    /// variable; None when neither is given.
    pub fn given(&self) -> Result<Option<Passphrase>> {
        if let Some(file) = &self.file {
            let text = zeroize::Zeroizing::new(
                std::fs::read_to_string(file)
                    .with_context(|| format!("reading the passphrase from {}", file.display()))?,
            );
            let line = text.lines().next().unwrap_or_default();
            let p = Passphrase::new(line)
                .with_context(|| format!("the first line of {} is empty", file.display()))?;
            return Ok(Some(p));
        }
        match std::env::var_os(PASSPHRASE_ENV) {
            Some(v) => {
                let v = v
                    .into_string()
                    .map_err(|_| anyhow::anyhow!("{PASSPHRASE_ENV} is not valid UTF-8"))?;
                Ok(Some(
                    Passphrase::new(v).with_context(|| format!("{PASSPHRASE_ENV} is empty"))?,
                ))
            }
            None => Ok(None),
        }
    }

    /// Runs `open` with the passphrase given; if that finds `what` encrypted (the error's code
    /// is `locked`) and none was given, asks for it on the terminal and runs `open` once more.
    pub fn unlock<T>(
        &self,
        what: &Path,
        open: impl Fn(Option<&Passphrase>) -> steward_core::Result<T>,
    ) -> Result<T> {
        let given = self.given()?;
        match open(given.as_ref()) {
            Err(e) if e.code() == "locked" && given.is_none() && std::io::stdin().is_terminal() => {
                let asked = ask(&format!("Passphrase of the workspace {}: ", what.display()))?;
                Ok(open(Some(&asked))?)
            }
            other => Ok(other?),
        }
    }

    /// A new passphrase: the one given, or asked for twice on the terminal.
    pub fn new_passphrase(&self) -> Result<Passphrase> {
        if let Some(p) = self.given()? {
            return Ok(p);
        }
        if !std::io::stdin().is_terminal() {
            bail!(
                "no terminal to ask for the new passphrase on: set {PASSPHRASE_ENV} or pass \
                 --passphrase-file FILE; nothing was changed"
            );
        }
        let first = zeroize::Zeroizing::new(
            rpassword::prompt_password("New passphrase for the workspace: ")
                .context("reading the passphrase from the terminal")?,
        );
        let again = zeroize::Zeroizing::new(
            rpassword::prompt_password("The same passphrase again: ")
                .context("reading the passphrase from the terminal")?,
        );
        if first != again {
            bail!("the two passphrases differ; nothing was changed");
        }
        Ok(Passphrase::new(first.as_str())?)
    }
}

/// Asks for a passphrase on the terminal without echo.
fn ask(prompt: &str) -> Result<Passphrase> {
    let text = zeroize::Zeroizing::new(
        rpassword::prompt_password(prompt).context("reading the passphrase from the terminal")?,
    );
    Ok(Passphrase::new(text.as_str())?)
}

/// What the CLI says to do about a workspace that did not open for want of its passphrase.
pub fn hint() -> String {
    format!(
        "give the workspace's passphrase in {PASSPHRASE_ENV} or with --passphrase-file FILE \
         (or run the command on a terminal to be asked for it)"
    )
}
