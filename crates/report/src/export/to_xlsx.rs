//! .xlsx rendering of a `Sheet`: one worksheet holding an Excel table (header row, autofilter),
//! the header frozen, columns sized to their content, dates as real dates (yyyy-mm-dd), and the
//! document's title, subject and creation time set. Renders only; no file system.

use std::borrow::Cow;

use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Table, TableColumn, Workbook};

use super::{RowProgress, Sheet, Stop, PROGRESS_EVERY};
use steward_domain::sheet::Cell;

const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, String> {
    match to_xlsx_rows(sheet, sheet.rows.len(), &sheet.rows, &mut |_| true) {
        Ok(bytes) => Ok(bytes),
        Err(Stop::Failed(e)) => Err(e),
        Err(Stop::Cancelled) => Err("cancelled".into()),
    }
}

/// `sheet`'s headers and names over `rows`, `n` of them (not `sheet.rows`: rows can be made
/// as they are written), telling `progress` how many rows were written (every
/// [`PROGRESS_EVERY`] rows); when it returns false the rendering stops with [`Stop::Cancelled`].
pub fn to_xlsx_rows<'a, R: Into<Cow<'a, [Cell]>>>(
    sheet: &Sheet,
    n: usize,
    rows: impl IntoIterator<Item = R>,
    progress: &mut RowProgress<'_>,
) -> Result<Vec<u8>, Stop> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_timestamp(sheet.created.timestamp())?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&sheet.title)
            .set_subject(&sheet.subject)
            .set_author("Steward")
            .set_creation_datetime(&created),
    );
    // Rows go out as they are written (constant-memory mode), so a 100,000-row register costs a
    // row's worth of worksheet memory, not the sheet's.
    write_table(
        book.add_worksheet_with_constant_memory()?,
        sheet,
        n,
        rows,
        progress,
    )?;
    Ok(book.save_to_buffer()?)
}

/// Writes `rows` (`n` of them) under `sheet`'s headers into `ws` as a named Excel table with a
/// frozen header and sized columns.
pub(super) fn write_table<'a, R: Into<Cow<'a, [Cell]>>>(
    ws: &mut rust_xlsxwriter::Worksheet,
    sheet: &Sheet,
    n: usize,
    rows: impl IntoIterator<Item = R>,
    progress: &mut RowProgress<'_>,
) -> Result<(), Stop> {
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    ws.set_name(&sheet.name)?;
    // The table first: it writes the header row, and a constant-memory sheet takes rows in order.
    let columns: Vec<TableColumn> = sheet
        .headers
        .iter()
        .map(|h| TableColumn::new().set_header(h))
        .collect();
    let table = Table::new()
        .set_name(&sheet.name)
        .set_columns(&columns)
        .set_autofilter(true);
    let last_col = sheet.headers.len().saturating_sub(1) as u16;
    // A table needs at least one data row, even when there is nothing to export.
    let last_row = n.max(1) as u32;
    ws.add_table(0, 0, last_row, last_col, &table)?;
    let mut widths: Vec<usize> = sheet
        .headers
        .iter()
        .map(|h| h.chars().count() + 4)
        .collect();
    let mut written = 0;
    for (r, row) in rows.into_iter().enumerate() {
        if r % PROGRESS_EVERY == 0 && r > 0 && !progress(r) {
            return Err(Stop::Cancelled);
        }
        written += 1;
        let r = r as u32 + 1;
        let mut put = |c: usize, cell: Cow<'_, Cell>| -> Result<(), Stop> {
            let width = write_cell(ws, r, c as u16, cell, &date_format)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width + 2);
            }
            Ok(())
        };
        // A row given whole hands its texts over; a borrowed one lends them.
        match row.into() {
            Cow::Owned(cells) => {
                for (c, cell) in cells.into_iter().enumerate() {
                    put(c, Cow::Owned(cell))?;
                }
            }
            Cow::Borrowed(cells) => {
                for (c, cell) in cells.iter().enumerate() {
                    put(c, Cow::Borrowed(cell))?;
                }
            }
        }
    }
    if written != n {
        // The table was laid out for `n` rows.
        return Err(Stop::Failed(format!(
            "{n} rows were to be written and {written} came"
        )));
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Writes one cell; returns how wide it reads, in characters.
fn write_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    col: u16,
    cell: Cow<'_, Cell>,
    date_format: &Format,
) -> Result<usize, Stop> {
    Ok(match cell.as_ref() {
        Cell::Empty => 0,
        Cell::Date(d) => {
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(r, col, &dt, date_format)?;
            10
        }
        Cell::Number(n) => {
            ws.write_number(r, col, *n)?;
            cell.as_text().len()
        }
        Cell::Bool(b) => {
            ws.write_boolean(r, col, *b)?;
            5
        }
        Cell::Text(s) | Cell::Error(s) => {
            let width = s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            let text = match cell {
                Cow::Owned(Cell::Text(s) | Cell::Error(s)) => s,
                other => other.as_text().into_owned(),
            };
            ws.write_string(r, col, text)?;
            width
        }
    })
}
