//! CSV rendering of a `Sheet`: UTF-8 with a byte-order mark (so Excel reads accents right),
//! comma separated, dates as YYYY-MM-DD. Renders only; writing the file is `write_file`'s job.

use super::{RowProgress, Sheet, Stop, PROGRESS_EVERY};

pub fn to_csv(sheet: &Sheet) -> Result<Vec<u8>, String> {
    match to_csv_with(sheet, &mut |_| true) {
        Ok(bytes) => Ok(bytes),
        Err(Stop::Failed(e)) => Err(e),
        Err(Stop::Cancelled) => Err("cancelled".into()),
    }
}

/// As [`to_csv`], telling `progress` how many rows were written (every [`PROGRESS_EVERY`]
/// rows); when it returns false the rendering stops with [`Stop::Cancelled`].
pub fn to_csv_with(sheet: &Sheet, progress: &mut RowProgress<'_>) -> Result<Vec<u8>, Stop> {
    let failed = |e: csv::Error| Stop::Failed(e.to_string());
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&sheet.headers).map_err(failed)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        if r % PROGRESS_EVERY == 0 && r > 0 && !progress(r) {
            return Err(Stop::Cancelled);
        }
        w.write_record(row.iter().map(|c| c.text()))
            .map_err(failed)?;
    }
    w.into_inner().map_err(|e| Stop::Failed(e.to_string()))
}
