//! CSV rendering of a `Sheet`: UTF-8 with a byte-order mark (so Excel reads accents right),
//! comma separated, dates as YYYY-MM-DD. Renders only; writing the file is `write_file`'s job.

use super::{RowProgress, Sheet, Stop, PROGRESS_EVERY};
use steward_domain::sheet::Cell;

pub fn to_csv(sheet: &Sheet) -> Result<Vec<u8>, String> {
    match to_csv_rows(sheet, &sheet.rows, &mut |_| true) {
        Ok(bytes) => Ok(bytes),
        Err(Stop::Failed(e)) => Err(e),
        Err(Stop::Cancelled) => Err("cancelled".into()),
    }
}

/// `sheet`'s headers over `rows` (not `sheet.rows`: rows can be made as they are written),
/// telling `progress` how many rows were written (every [`PROGRESS_EVERY`] rows); when it
/// returns false the rendering stops with [`Stop::Cancelled`].
pub fn to_csv_rows<R: AsRef<[Cell]>>(
    sheet: &Sheet,
    rows: impl IntoIterator<Item = R>,
    progress: &mut RowProgress<'_>,
) -> Result<Vec<u8>, Stop> {
    let failed = |e: csv::Error| Stop::Failed(e.to_string());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&sheet.headers).map_err(failed)?;
    for (r, row) in rows.into_iter().enumerate() {
        if r % PROGRESS_EVERY == 0 && r > 0 && !progress(r) {
            return Err(Stop::Cancelled);
        }
        for c in row.as_ref() {
            w.write_field(c.as_text().as_bytes()).map_err(failed)?;
        }
        // An empty record after the fields ends the row.
        w.write_record(None::<&[u8]>).map_err(failed)?;
    }
    w.into_inner().map_err(|e| Stop::Failed(e.to_string()))
}
