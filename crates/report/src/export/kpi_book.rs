//! The KPI workbook: one worksheet per concern (measurements first, so the file imports back),
//! and a "Charts" sheet with an Excel line chart of each KPI's series over its rows of the
//! measurements sheet. Renders only; which rows go out is decided by `api`.

use rust_xlsxwriter::{Chart, ChartType, DocProperties, ExcelDateTime, Workbook};

use super::{Sheet, Stop};

/// An Excel line chart of one KPI: its values are rows `first_row..=last_row` (0-based, header
/// is row 0) of the first sheet, periods in `category_col`, values in `value_col`.
#[derive(Debug, Clone)]
pub struct SeriesChart {
    pub title: String,
    pub unit: String,
    pub first_row: u32,
    pub last_row: u32,
    pub category_col: u16,
    pub value_col: u16,
}

/// Renders `sheets` (each through the same table writer as the register export) into one
/// workbook, then adds a "Charts" worksheet with `charts` laid out two per row.
pub fn kpi_workbook(sheets: &[Sheet], charts: &[SeriesChart]) -> Result<Vec<u8>, String> {
    render(sheets, charts).map_err(|e| match e {
        Stop::Failed(m) => m,
        Stop::Cancelled => "cancelled".into(),
    })
}

fn render(sheets: &[Sheet], charts: &[SeriesChart]) -> Result<Vec<u8>, Stop> {
    let mut book = Workbook::new();
    if let Some(first) = sheets.first() {
        let created = ExcelDateTime::from_timestamp(first.created.timestamp())?;
        book.set_properties(
            &DocProperties::new()
                .set_title(&first.title)
                .set_subject(&first.subject)
                .set_author("Steward")
                .set_creation_datetime(&created),
        );
    }
    for sheet in sheets {
        let ws = book.add_worksheet();
        super::to_xlsx::write_table(ws, sheet, sheet.rows.len(), &sheet.rows, &mut |_| true)?;
    }
    if let (Some(data), false) = (sheets.first(), charts.is_empty()) {
        let ws = book.add_worksheet();
        ws.set_name("Charts")?;
        for (i, c) in charts.iter().enumerate() {
            let mut chart = Chart::new(ChartType::Line);
            chart.title().set_name(&c.title);
            chart
                .add_series()
                .set_name(&c.title)
                .set_categories((
                    data.name.as_str(),
                    c.first_row,
                    c.category_col,
                    c.last_row,
                    c.category_col,
                ))
                .set_values((
                    data.name.as_str(),
                    c.first_row,
                    c.value_col,
                    c.last_row,
                    c.value_col,
                ));
            chart.y_axis().set_name(&c.unit);
            chart.legend().set_hidden();
            let (row, col) = ((i / 2) as u32 * 16, (i % 2) as u16 * 9);
            ws.insert_chart(row, col, &chart)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
