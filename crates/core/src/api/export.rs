//! Exporting the register to .csv and .xlsx: picks the rows (the same query as the list view)
//! and the columns (the import's, so an export imports back unchanged); rendering is `crate::export`.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::export::{self, ExportFormat, Sheet};
use crate::import::systems;
use crate::register::SystemQuery;
use crate::{Error, Result};

/// How far an export is: rows written of all it writes.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct RowsDone {
    #[ts(type = "number")]
    pub done: usize,
    #[ts(type = "number")]
    pub total: usize,
}

impl Workspace {
    /// Writes the systems `q` selects, in its order, to `out`; returns how many rows were written.
    pub fn export_systems(
        &self,
        q: &SystemQuery,
        format: ExportFormat,
        out: &Path,
    ) -> Result<usize> {
        self.export_systems_with(q, format, out, &mut |_, _| true)
    }

    /// As [`Workspace::export_systems`], telling `progress` how many of how many rows were
    /// written; when it returns false the export stops with `Error::Cancelled` and no file is
    /// written.
    pub fn export_systems_with(
        &self,
        q: &SystemQuery,
        format: ExportFormat,
        out: &Path,
        progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
    ) -> Result<usize> {
        let (sheet, n) = self.register_sheet(q)?;
        if !progress(0, n) {
            return Err(Error::Cancelled);
        }
        export::write_file_with(&sheet, format, out, &mut |done| progress(done, n))?;
        Ok(n)
    }

    /// The register rows `q` selects as a sheet (the import's columns), and how many there are.
    pub(crate) fn register_sheet(&self, q: &SystemQuery) -> Result<(Sheet, usize)> {
        let list = self.list_systems(q)?;
        let sheet = Sheet {
            name: "Register".into(),
            title: "AI system register".into(),
            subject: "The register of AI systems, exported from Steward".into(),
            created: self.ctx.clock.now(),
            headers: systems::headers().into_iter().map(String::from).collect(),
            rows: list
                .iter()
                .map(|s| systems::system_cells(&s.draft))
                .collect(),
        };
        Ok((sheet, list.len()))
    }
}
