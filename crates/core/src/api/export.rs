//! Exporting the register to .csv and .xlsx: picks the rows (the same query as the list view)
//! and the columns (the import's, so an export imports back unchanged); rendering is `crate::export`.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::systems::listed;
use super::Workspace;
use crate::export::{self, ExportFormat, Sheet};
use crate::import::systems;
use crate::import::table::Cell;
use crate::register::{self, SystemQuery};
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
    ///
    /// The file is written on another thread while this one reads the systems and turns them
    /// into cells, a batch at a time. When `q` selects every system the register is counted
    /// first (in the same read), so the workbook is laid out for that many rows while they are
    /// read; otherwise the writing starts once they are.
    pub fn export_systems_with(
        &self,
        q: &SystemQuery,
        format: ExportFormat,
        out: &Path,
        progress: &mut (dyn FnMut(usize, usize) -> bool + Send),
    ) -> Result<usize> {
        const BATCH: usize = 1000;
        let head = self.register_head(Vec::new());
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Vec<Cell>>>(4);
        std::thread::scope(|s| -> Result<usize> {
            let mut receive = Some(receive);
            let mut progress = Some(progress);
            let head = &head;
            // Starts the writer of `n` rows, which takes them from the channel as they come.
            let mut start = |n: usize| -> Result<_> {
                let (Some(receive), Some(progress)) = (receive.take(), progress.take()) else {
                    return Err(Error::Integrity("the export's writer started twice".into()));
                };
                if !progress(0, n) {
                    return Err(Error::Cancelled);
                }
                Ok(s.spawn(move || {
                    let rows = receive.into_iter().flatten();
                    export::write_rows_with(head, n, rows, format, out, &mut |done| {
                        progress(done, n)
                    })
                }))
            };
            let (counted, list, early) = self.store.read(|tx| {
                let counted = match register::selects_all(q) {
                    true => Some(tx.system_count()?),
                    false => None,
                };
                let early = counted.map(&mut start).transpose()?;
                Ok((counted, listed(tx.all_systems()?, q), early))
            })?;
            let n = list.len();
            let writer = match early {
                Some(w) => w,
                None => start(n)?,
            };
            if counted.is_none_or(|c| c == n) {
                for chunk in list.chunks(BATCH) {
                    let cells = chunk.iter().map(|s| systems::system_cells(&s.draft));
                    if send.send(cells.collect()).is_err() {
                        break; // the writer stopped: cancelled, or failed
                    }
                }
            }
            drop(send);
            let written = writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            match counted {
                Some(c) if c != n => Err(Error::Integrity(format!(
                    "the register counted {c} systems and listed {n} in one read"
                ))),
                _ => written.map(|()| n),
            }
        })
    }

    /// The register rows `q` selects as a sheet (the import's columns), and how many there are.
    pub(crate) fn register_sheet(&self, q: &SystemQuery) -> Result<(Sheet, usize)> {
        let list = self.list_systems(q)?;
        let rows = list
            .iter()
            .map(|s| systems::system_cells(&s.draft))
            .collect();
        Ok((self.register_head(rows), list.len()))
    }

    /// The register's sheet (its name, title and the import's columns) over `rows`.
    fn register_head(&self, rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            name: "Register".into(),
            title: "AI system register".into(),
            subject: "The register of AI systems, exported from Steward".into(),
            created: self.ctx.clock.now(),
            headers: systems::headers().into_iter().map(String::from).collect(),
            rows,
        }
    }
}
