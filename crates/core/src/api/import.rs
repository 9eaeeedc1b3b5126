//! Importing systems from .xlsx, .ods and .csv: plan (read and check, never write), then write a
//! clean plan in one transaction with one audit entry per record. Reading and checking rows lives
//! in `crate::import`; this module only orchestrates.

use std::path::Path;

use super::systems::{insert_audited, update_audited};
use super::Workspace;
use crate::import::systems::{self, PlannedWrite};
use crate::import::table::read_table;
use crate::import::ImportPlan;
use crate::{Error, Result};

impl Workspace {
    /// What importing `path` would add and change, with every problem and warning. Never writes.
    /// An unreadable, empty or corrupt file is `Err(Error::Import)` naming the file.
    pub fn plan_import_systems(&self, path: &Path) -> Result<ImportPlan> {
        let table = read_table(path)?;
        let existing = self.store.all_systems()?;
        Ok(systems::plan(&table, &existing, self.ctx.clock.today()).0)
    }

    /// Imports the register rows of `path`. With any problem: `Err(Error::Import)` listing them
    /// all, and nothing is written. With `dry_run`: the plan, and nothing is written. Otherwise
    /// every add and change is written in one transaction, each with its audit entry
    /// ("import_create" / "import_update"), and the plan is returned.
    pub fn import_systems(&mut self, path: &Path, dry_run: bool) -> Result<ImportPlan> {
        let table = read_table(path)?;
        let today = self.ctx.clock.today();
        if dry_run {
            let existing = self.store.all_systems()?;
            return refuse_problems(systems::plan(&table, &existing, today).0);
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        // Planned inside the write transaction, so the register cannot change between the check
        // and the write.
        self.store.write(|tx| {
            let existing = tx.all_systems()?;
            let (plan, writes) = systems::plan(&table, &existing, today);
            let plan = refuse_problems(plan)?;
            for w in &writes {
                match w {
                    PlannedWrite::Add(d) => insert_audited(tx, d, &now, &actor, "import_create")?,
                    PlannedWrite::Update { before, draft } => {
                        update_audited(tx, before, draft, &now, &actor, "import_update")?
                    }
                };
            }
            Ok(plan)
        })
    }
}

fn refuse_problems(plan: ImportPlan) -> Result<ImportPlan> {
    if plan.problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Import {
            problems: plan.problems,
        })
    }
}
