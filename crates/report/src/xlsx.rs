//! The .xlsx writer: a "Summary" sheet (title, metadata, section text, a native Excel chart per
//! chart next to the cells it plots, links to the tables, the sign-off), then one worksheet per
//! table holding an Excel Table (header, autofilter, frozen header row, column widths, a number
//! format per column type, dates as real dates), and the document properties.
//! Renders only: no store, no clock, no file system.

use chrono::Datelike;
use rust_xlsxwriter::{
    Chart as XlChart, ChartAxisCrossing, ChartDataLabel, ChartFormat, ChartLegendPosition,
    ChartMarker, ChartSolidFill, ChartType, DocProperties, ExcelDateTime, Format, FormatAlign,
    Formula, Table as XlTable, TableColumn, TableFunction, Url, Workbook, Worksheet, XlsxError,
};

use super::{chart::color, Block, Cell, Chart, ChartKind, ColumnKind, Report, Table};
use steward_domain::{Error, Result};

const SUMMARY: &str = "Summary";
/// Excel's limit on sheet names.
const MAX_SHEET_NAME: usize = 31;

/// Renders the report to .xlsx bytes.
pub fn render_xlsx(report: &Report) -> Result<Vec<u8>> {
    report.check()?;
    build(report).map_err(|e| Error::Io {
        path: format!("{}.xlsx", report.title),
        message: format!("cannot write the workbook: {e}"),
    })
}

/// The sheet and Excel table names of every table, in order: unique, valid, recognisable.
fn names(report: &Report) -> Vec<(String, String)> {
    let mut sheets: Vec<String> = vec![SUMMARY.to_string()];
    let mut tables: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for t in report.tables() {
        let sheet = unique(sheet_name(&t.name), &sheets, MAX_SHEET_NAME);
        sheets.push(sheet.clone());
        let table = unique(table_name(&t.name), &tables, 255);
        tables.push(table.clone());
        out.push((sheet, table));
    }
    out
}

/// A sheet name Excel accepts: no `[]:*?/\`, no leading or trailing apostrophe, not empty,
/// at most 31 characters.
pub(crate) fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches('\'').trim();
    let mut s: String = cleaned.chars().take(MAX_SHEET_NAME).collect();
    s = s.trim_end().to_string();
    if s.is_empty() || s.eq_ignore_ascii_case("history") {
        s = "Table".to_string();
    }
    s
}

/// An Excel table name: letters, digits and underscores, starting with a letter, and not
/// something Excel would read as a cell reference.
fn table_name(name: &str) -> String {
    let words: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    let letters = words.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &words[letters..];
    let a1 = (1..=3).contains(&letters)
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit());
    let upper = words.to_ascii_uppercase();
    let r1c1 = upper.starts_with('R') && upper[1..].chars().all(|c| c.is_ascii_digit() || c == 'C');
    let looks_like_ref = words.chars().count() <= 3 || a1 || r1c1;
    let starts_ok = words.chars().next().is_some_and(char::is_alphabetic);
    if looks_like_ref || !starts_ok {
        format!("Table_{words}")
    } else {
        words
    }
}

/// `base`, or `base (2)`, `base (3)`, ... cut to `max` characters, whichever is not yet taken
/// (ignoring case, as Excel does).
fn unique(base: String, taken: &[String], max: usize) -> String {
    let free = |s: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(s));
    if free(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let suffix = if max == MAX_SHEET_NAME {
                suffix
            } else {
                format!("_{n}")
            };
            let keep = max.saturating_sub(suffix.chars().count());
            format!(
                "{}{suffix}",
                base.chars().take(keep).collect::<String>().trim_end()
            )
        })
        .find(|s| free(s))
        .unwrap_or(base)
}

fn num_format(kind: &ColumnKind) -> Option<String> {
    Some(match kind {
        ColumnKind::Text => return None,
        ColumnKind::Integer => "#,##0".into(),
        ColumnKind::Number { decimals } => decimal_format("#,##0", *decimals),
        ColumnKind::Percent { decimals } => format!("{}%", decimal_format("0", *decimals)),
        ColumnKind::Currency { code } => {
            let code: String = code.chars().filter(|c| c.is_alphanumeric()).collect();
            format!("#,##0.00 \"{code}\"")
        }
        ColumnKind::Date => "yyyy-mm-dd".into(),
    })
}

fn decimal_format(int: &str, decimals: u8) -> String {
    if decimals == 0 {
        int.to_string()
    } else {
        format!("{int}.{}", "0".repeat(usize::from(decimals)))
    }
}

fn column_format(kind: &ColumnKind) -> Format {
    match num_format(kind) {
        Some(f) => Format::new().set_num_format(f),
        None => Format::new(),
    }
}

fn build(report: &Report) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_timestamp(report.generated_at.timestamp())?;
    let mut props = DocProperties::new()
        .set_title(&report.title)
        .set_subject(if report.subtitle.is_empty() {
            &report.title
        } else {
            &report.subtitle
        })
        .set_author(&report.generated_by)
        .set_keywords(&report.workspace)
        .set_comment(format!("Workspace: {}", report.workspace))
        .set_creation_datetime(&created);
    if !report.organisation.is_empty() {
        props = props.set_company(&report.organisation);
    }
    book.set_properties(&props);

    let names = names(report);
    let summary = book.add_worksheet();
    summary.set_name(SUMMARY)?;
    write_summary(summary, report, &names)?;
    for (table, (sheet, xl_name)) in report.tables().zip(&names) {
        let ws = book.add_worksheet();
        ws.set_name(sheet)?;
        write_table(ws, table, xl_name)?;
    }
    book.save_to_buffer()
}

fn write_summary(
    ws: &mut Worksheet,
    report: &Report,
    names: &[(String, String)],
) -> std::result::Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(16);
    let heading = Format::new()
        .set_bold()
        .set_font_size(12)
        .set_font_color("2F5D8A");
    let key = Format::new().set_bold().set_font_color("5F6B7A");
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 18)?;
    ws.set_column_width(2, 14)?;
    ws.set_column_width(3, 14)?;

    let mut row = 0u32;
    ws.write_string_with_format(row, 0, &report.title, &title)?;
    ws.set_row_height(row, 22)?;
    row += 1;
    if !report.subtitle.is_empty() {
        ws.write_string(row, 0, &report.subtitle)?;
        row += 1;
    }
    row += 1;
    for kv in &report.metadata {
        ws.write_string_with_format(row, 0, &kv.key, &key)?;
        ws.write_string(row, 1, &kv.value)?;
        row += 1;
    }

    let mut table_index = 0;
    let mut chart_index = 0;
    for section in &report.sections {
        row += 1;
        ws.write_string_with_format(row, 0, &section.heading, &heading)?;
        row += 1;
        for block in &section.blocks {
            match block {
                Block::Paragraph { text } => {
                    // A paragraph spans the first columns; Excel wraps it there.
                    let lines = (text.chars().count() / 90 + 1 + text.matches('\n').count()) as f64;
                    ws.merge_range(row, 0, row, 7, text, &wrap)?;
                    ws.set_row_height(row, 15.0 * lines)?;
                    row += 1;
                }
                Block::KeyValues { items } => {
                    for kv in items {
                        ws.write_string_with_format(row, 0, &kv.key, &key)?;
                        ws.write_string(row, 1, &kv.value)?;
                        row += 1;
                    }
                }
                Block::Table(t) => {
                    if let Some((sheet, _)) = names.get(table_index) {
                        let url = Url::new(format!("internal:'{}'!A1", sheet.replace('\'', "''")))
                            .set_text(format!(
                                "{} (sheet \"{sheet}\", {} rows)",
                                t.name,
                                t.rows.len()
                            ));
                        ws.write_url(row, 0, url)?;
                        row += 1;
                    }
                    table_index += 1;
                }
                Block::Chart(c) => {
                    chart_index += 1;
                    row = write_chart(ws, c, row, &bold, chart_index)? + 1;
                }
            }
        }
    }

    if let Some(sig) = &report.signature {
        row += 1;
        ws.write_string_with_format(row, 0, &sig.title, &heading)?;
        row += 1;
        if !sig.statement.is_empty() {
            ws.merge_range(row, 0, row, 7, &sig.statement, &wrap)?;
            ws.set_row_height(row, 15.0 * (sig.statement.chars().count() / 90 + 1) as f64)?;
            row += 1;
        }
        let s = sig.signer.as_ref();
        let fields = [
            ("Name", s.map(|s| s.name.clone())),
            ("Role", s.map(|s| s.role.clone())),
            ("Organisation", s.map(|s| s.organisation.clone())),
            (
                "Certificate (SHA-256)",
                s.map(|s| s.certificate_fingerprint.clone()),
            ),
            (
                "Signed at",
                s.map(|s| s.signed_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
            ),
        ];
        for (k, v) in fields {
            ws.write_string_with_format(row, 0, k, &key)?;
            ws.write_string(row, 1, v.as_deref().unwrap_or("(not signed)"))?;
            row += 1;
        }
    }
    Ok(())
}

/// Writes the chart's data at `row` (categories down column A, one column per series) and a
/// native chart plotting it to the right. Returns the first free row under both.
fn write_chart(
    ws: &mut Worksheet,
    c: &Chart,
    row: u32,
    bold: &Format,
    index: usize,
) -> std::result::Result<u32, XlsxError> {
    if c.kind == ChartKind::Bubble {
        return write_bubbles(ws, c, row, bold, index);
    }
    let header = row;
    ws.write_string_with_format(header, 0, &c.title, bold)?;
    let value_format = column_format(&c.value_kind);
    for (si, s) in c.series.iter().enumerate() {
        ws.write_string_with_format(header, 1 + si as u16, &s.name, bold)?;
    }
    for (i, cat) in c.categories.iter().enumerate() {
        let r = header + 1 + i as u32;
        ws.write_string(r, 0, cat)?;
        for (si, s) in c.series.iter().enumerate() {
            if let Some(Some(v)) = s.values.get(i) {
                ws.write_number_with_format(r, 1 + si as u16, *v, &value_format)?;
            }
        }
    }
    let first = header + 1;
    let last = header + c.categories.len().max(1) as u32;

    let kind = match (c.kind, c.stacked) {
        (ChartKind::Bar, false) => ChartType::Column,
        (ChartKind::Bar, true) => ChartType::ColumnStacked,
        (ChartKind::HorizontalBar, false) => ChartType::Bar,
        (ChartKind::HorizontalBar, true) => ChartType::BarStacked,
        (ChartKind::Line, _) => ChartType::Line,
        (ChartKind::Bubble, _) => ChartType::Scatter,
    };
    let mut chart = XlChart::new(kind);
    chart.set_name(format!("Chart {index}"));
    chart.title().set_name(&c.title);
    for si in 0..c.series.len() {
        let col = 1 + si as u16;
        let rgb = color(si);
        let hex = format!("{:02X}{:02X}{:02X}", rgb.0, rgb.1, rgb.2);
        let series = chart
            .add_series()
            .set_name((SUMMARY, header, col))
            .set_categories((SUMMARY, first, 0, last, 0))
            .set_values((SUMMARY, first, col, last, col));
        if c.kind == ChartKind::Line {
            series
                .set_format(
                    ChartFormat::new().set_line(
                        rust_xlsxwriter::ChartLine::new()
                            .set_color(hex.as_str())
                            .set_width(2.25),
                    ),
                )
                .set_marker(ChartMarker::new().set_automatic());
        } else {
            series
                .set_format(
                    ChartFormat::new()
                        .set_solid_fill(ChartSolidFill::new().set_color(hex.as_str())),
                )
                .set_gap(60);
            if c.stacked {
                series.set_overlap(100);
            } else if c.series.len() == 1 {
                series.set_data_label(ChartDataLabel::new().show_value());
            }
        }
    }
    set_axes(&mut chart, c);
    if c.series.len() == 1 {
        chart.legend().set_hidden();
    } else {
        chart.legend().set_position(ChartLegendPosition::Top);
    }
    // Horizontal bars get taller with their categories, so every label shows.
    let height = if c.kind == ChartKind::HorizontalBar {
        (90 + 26 * c.categories.len() as u32).max(300)
    } else {
        300
    };
    chart.set_width(560).set_height(height);
    let chart_col = 2 + c.series.len() as u16;
    ws.insert_chart_with_offset(header, chart_col, &chart, 10, 0)?;
    // Rows are 20 pixels high by default.
    Ok((last + 1).max(header + height / 20 + 2))
}

/// A bubble chart's points at `row`, grouped in the order of the chart's groups (label, group,
/// x, y, size), and a native scatter chart of them to the right with one series per group in
/// the PDF's colours. rust_xlsxwriter (0.102) writes no bubble charts, so the workbook's points
/// all have one size; their sizes are in the Size column. Returns the first free row.
fn write_bubbles(
    ws: &mut Worksheet,
    c: &Chart,
    row: u32,
    bold: &Format,
    index: usize,
) -> std::result::Result<u32, XlsxError> {
    let header = row;
    let value_format = column_format(&c.value_kind);
    ws.write_string_with_format(header, 0, &c.title, bold)?;
    let x_title = if c.category_label.is_empty() {
        "x"
    } else {
        &c.category_label
    };
    let y_title = if c.value_label.is_empty() {
        "y"
    } else {
        &c.value_label
    };
    for (col, h) in ["Group", x_title, y_title, "Size"].into_iter().enumerate() {
        ws.write_string_with_format(header, 1 + col as u16, h, bold)?;
    }
    let mut r = header + 1;
    // Per group: its rows (first, last) and its colour index.
    let mut groups = Vec::new();
    for (gi, g) in c.categories.iter().enumerate() {
        let first = r;
        for p in c.points.iter().filter(|p| &p.group == g) {
            ws.write_string(r, 0, &p.label)?;
            ws.write_string(r, 1, &p.group)?;
            ws.write_number_with_format(r, 2, p.x, &value_format)?;
            ws.write_number_with_format(r, 3, p.y, &value_format)?;
            ws.write_number_with_format(r, 4, p.size, &value_format)?;
            r += 1;
        }
        if r > first {
            groups.push((gi, first, r - 1));
        }
    }
    if groups.is_empty() {
        return Ok(r + 1);
    }
    let mut chart = XlChart::new(ChartType::Scatter);
    chart.set_name(format!("Chart {index}"));
    chart.title().set_name(&c.title);
    for &(gi, first, last) in &groups {
        let rgb = color(gi);
        let hex = format!("{:02X}{:02X}{:02X}", rgb.0, rgb.1, rgb.2);
        chart
            .add_series()
            .set_name((SUMMARY, first, 1))
            .set_categories((SUMMARY, first, 2, last, 2))
            .set_values((SUMMARY, first, 3, last, 3))
            .set_marker(
                ChartMarker::new()
                    .set_type(rust_xlsxwriter::ChartMarkerType::Circle)
                    .set_size(7)
                    .set_format(
                        ChartFormat::new()
                            .set_solid_fill(ChartSolidFill::new().set_color(hex.as_str()))
                            .set_border(rust_xlsxwriter::ChartLine::new().set_color(hex.as_str())),
                    ),
            );
    }
    if !c.category_label.is_empty() {
        chart.x_axis().set_name(&c.category_label);
    }
    if !c.value_label.is_empty() {
        chart.y_axis().set_name(&c.value_label);
    }
    if let Some(num) = num_format(&c.value_kind) {
        chart.x_axis().set_num_format(&num);
        chart.y_axis().set_num_format(num);
    }
    chart.legend().set_position(ChartLegendPosition::Top);
    chart.set_width(560).set_height(340);
    ws.insert_chart_with_offset(header, 6, &chart, 10, 0)?;
    Ok(r.max(header + 340 / 20 + 2))
}

fn set_axes(chart: &mut XlChart, c: &Chart) {
    let horizontal = c.kind == ChartKind::HorizontalBar;
    // Bar charts swap the axes: the categories are on the y axis.
    let cat = if horizontal {
        chart.y_axis()
    } else {
        chart.x_axis()
    };
    if !c.category_label.is_empty() {
        cat.set_name(&c.category_label);
    }
    if horizontal {
        // The first category on top, as in the PDF, with the value axis kept at the bottom.
        cat.set_reverse().set_crossing(ChartAxisCrossing::Max);
    }
    let val = if horizontal {
        chart.x_axis()
    } else {
        chart.y_axis()
    };
    if !c.value_label.is_empty() {
        val.set_name(&c.value_label);
    }
    if let Some(num) = num_format(&c.value_kind) {
        val.set_num_format(num);
    }
}

/// One table as an Excel Table at A1: typed cells, a number format per column, the header
/// frozen, widths from the content, and a totals row (a SUM formula where the total is the sum
/// of the column, the model's value otherwise).
fn write_table(
    ws: &mut Worksheet,
    table: &Table,
    name: &str,
) -> std::result::Result<(), XlsxError> {
    let formats: Vec<Format> = table
        .columns
        .iter()
        .map(|c| column_format(&c.kind))
        .collect();
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|c| c.header.chars().count() + 3)
        .collect();
    for (r, row) in table.rows.iter().enumerate() {
        let r = 1 + r as u32;
        for (c, (cell, format)) in row.iter().zip(&formats).enumerate() {
            write_cell(ws, r, c as u16, cell, format)?;
            let shown = cell.display(&table.columns[c].kind).chars().count();
            widths[c] = widths[c].max(shown + 2);
        }
    }
    let data_rows = table.rows.len().max(1) as u32;
    let totals_row = data_rows + 1;
    let mut columns = Vec::new();
    for (c, col) in table.columns.iter().enumerate() {
        let mut tc = TableColumn::new()
            .set_header(&col.header)
            .set_format(formats[c].clone());
        if let Some(total) = table.totals.as_ref().and_then(|t| t.get(c)) {
            tc = match total {
                Cell::Text(label) => tc.set_total_label(label),
                Cell::Integer(_) | Cell::Number(_) => {
                    let value = total.number().unwrap_or_default();
                    let sum: f64 = table
                        .rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .filter_map(Cell::number)
                        .sum();
                    if (sum - value).abs() <= 1e-9 * value.abs().max(1.0) {
                        let formula =
                            Formula::new(format!("SUM({name}[{}])", escape_column(&col.header)))
                                .set_result(value.to_string());
                        tc.set_total_function(TableFunction::Custom(formula))
                    } else {
                        tc
                    }
                }
                Cell::Empty | Cell::Date(_) => tc,
            };
        }
        columns.push(tc);
    }
    let xl = XlTable::new()
        .set_name(name)
        .set_columns(&columns)
        .set_autofilter(true)
        .set_total_row(table.totals.is_some());
    let last_row = if table.totals.is_some() {
        totals_row
    } else {
        data_rows
    };
    let last_col = table.columns.len().saturating_sub(1) as u16;
    ws.add_table(0, 0, last_row, last_col, &xl)?;
    // Totals that are not a plain sum are written as values.
    if let Some(totals) = &table.totals {
        for (c, cell) in totals.iter().enumerate() {
            let written_by_table = match cell {
                Cell::Text(_) => true,
                Cell::Integer(_) | Cell::Number(_) => {
                    let sum: f64 = table
                        .rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .filter_map(Cell::number)
                        .sum();
                    let value = cell.number().unwrap_or_default();
                    (sum - value).abs() <= 1e-9 * value.abs().max(1.0)
                }
                Cell::Empty => true,
                Cell::Date(_) => false,
            };
            if !written_by_table {
                write_cell(
                    ws,
                    totals_row,
                    c as u16,
                    cell,
                    &formats[c].clone().set_bold(),
                )?;
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let w = (*w).clamp(8, 60);
        ws.set_column_width(c as u16, w as f64 * 1.1)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: &Format,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Integer(i) => {
            ws.write_number_with_format(row, col, *i as f64, format)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(row, col, *n, format)?;
        }
        Cell::Date(d) => {
            let (Ok(y), Ok(m), Ok(day)) = (
                u16::try_from(d.year()),
                u8::try_from(d.month()),
                u8::try_from(d.day()),
            ) else {
                ws.write_string(row, col, d.to_string())?;
                return Ok(());
            };
            match ExcelDateTime::from_ymd(y, m, day) {
                Ok(dt) => ws.write_datetime_with_format(row, col, &dt, format)?,
                // Before 1900 Excel has no dates: keep the text.
                Err(_) => ws.write_string(row, col, d.to_string())?,
            };
        }
    }
    Ok(())
}

/// A column name inside a structured reference: `'` escapes `[`, `]`, `#` and `'`.
fn escape_column(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars() {
        if matches!(c, '[' | ']' | '#' | '\'') {
            out.push('\'');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_for_excel() {
        assert_eq!(
            sheet_name("Systems by stage"),
            "Systems by stage",
            "a plain name is kept"
        );
        assert_eq!(
            sheet_name("Q1/Q2 [draft]: costs?"),
            "Q1 Q2 draft costs",
            "characters Excel refuses are dropped"
        );
        assert!(
            sheet_name(&"x".repeat(40)).chars().count() <= 31,
            "Excel allows 31 characters"
        );
        assert_eq!(
            sheet_name("'quoted'"),
            "quoted",
            "a name may not start or end with an apostrophe"
        );
        assert_eq!(
            sheet_name("History"),
            "Table",
            "History is reserved by Excel"
        );
        assert_eq!(
            unique("Summary".into(), &["Summary".into()], MAX_SHEET_NAME),
            "Summary (2)",
            "a taken name gets a number"
        );
        let long = "y".repeat(31);
        assert_eq!(
            unique(long.clone(), &[long], MAX_SHEET_NAME)
                .chars()
                .count(),
            31,
            "the number fits in 31 characters"
        );
    }

    #[test]
    fn table_names_are_valid_for_excel() {
        assert_eq!(
            table_name("AI system register"),
            "AISystemRegister",
            "words are joined"
        );
        assert_eq!(
            table_name("2024 costs"),
            "Table_2024Costs",
            "a name starts with a letter"
        );
        assert_eq!(
            table_name("AB12"),
            "Table_AB12",
            "a name that reads as a cell reference is prefixed"
        );
        assert_eq!(table_name("R1C1"), "Table_R1C1", "so is an R1C1 reference");
    }
}
