//! CSV rendering of a `Sheet`: UTF-8 with a byte-order mark (so Excel reads accents right),
//! comma separated, dates as YYYY-MM-DD. Renders only; writing the file is `write_file`'s job.

use super::Sheet;

pub fn to_csv(sheet: &Sheet) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&sheet.headers).map_err(|e| e.to_string())?;
    for row in &sheet.rows {
        w.write_record(row.iter().map(|c| c.text()))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
