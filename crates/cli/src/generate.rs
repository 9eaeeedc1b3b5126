//! Shell completions and man pages generated from the clap definitions, for the package.
//! Only writes files into the directory it is given; never opens a workspace.
//!
//! These commands are parsed apart from `Cli`, so the completions and man pages they write
//! do not offer them to people.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Command, Parser};
use clap_complete::Shell;

/// The commands the package build calls: `steward generate-completions DIR` and
/// `steward generate-man DIR`.
#[derive(Parser)]
#[command(name = "steward")]
pub enum Packaging {
    /// Write bash, zsh and fish completions into DIR.
    GenerateCompletions {
        #[arg(value_name = "DIR")]
        out_dir: PathBuf,
    },
    /// Write the man pages, one per command, into DIR.
    GenerateMan {
        #[arg(value_name = "DIR")]
        out_dir: PathBuf,
    },
}

impl Packaging {
    /// The packaging command on the command line, if the first argument names one.
    pub fn from_args() -> Option<Packaging> {
        let first = std::env::args_os().nth(1)?;
        if !first.to_str()?.starts_with("generate-") {
            return None;
        }
        Some(Packaging::parse())
    }

    /// Writes the files for `cmd`, the `steward` command's definition.
    pub fn run(self, cmd: Command) -> Result<()> {
        match self {
            Packaging::GenerateCompletions { out_dir } => completions(cmd, &out_dir),
            Packaging::GenerateMan { out_dir } => man_pages(cmd, &out_dir),
        }
    }
}

/// The shells the package installs completions for.
const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

/// Writes `steward.bash`, `_steward` (zsh) and `steward.fish` into `out_dir`.
fn completions(mut cmd: Command, out_dir: &Path) -> Result<()> {
    create(out_dir)?;
    for shell in SHELLS {
        clap_complete::generate_to(shell, &mut cmd, "steward", out_dir).with_context(|| {
            format!("writing the {shell} completions into {}", out_dir.display())
        })?;
    }
    Ok(())
}

/// Writes `steward.1` and one page per subcommand (`steward-systems-add.1`, ...) into `out_dir`.
fn man_pages(cmd: Command, out_dir: &Path) -> Result<()> {
    create(out_dir)?;
    clap_mangen::generate_to(cmd, out_dir)
        .with_context(|| format!("writing the man pages into {}", out_dir.display()))
}

fn create(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}
