//! What the register benchmark and the `register_once` example share: the register file they
//! import (`n` systems with realistic values in every column), and the bare library counterparts
//! the import and the export are measured against.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use steward_core::import::systems::headers;
use steward_core::import::table::Cell;

/// A register of `n` systems with realistic values in every column.
pub fn write_register(path: &Path, n: usize) {
    const UNITS: &[&str] = &[
        "Retail Banking",
        "Payments",
        "Claims",
        "Customer Service",
        "People",
        "Risk",
        "Marketing",
        "Operations",
    ];
    const PEOPLE: &[&str] = &[
        "Dana Whitfield",
        "Omar Haddad",
        "Lena Fischer",
        "Priya Raman",
        "Tom Becker",
        "Aiko Tanaka",
        "João Silva",
    ];
    const APPROACH: &[&str] = &[
        "logistic regression",
        "gradient boosting",
        "LLM",
        "random forest",
        "rules + ML",
        "deep learning",
    ];
    // Every stage a new record may start at: a retired one is refused (no decommissioning
    // checklist can exist for it), and this workspace has no sign-off rule, so the rest are open.
    const STAGES: &[&str] = &[
        "proposed",
        "development",
        "validation",
        "staging",
        "production",
        "deprecated",
    ];
    const DOMAINS: &[&str] = &["finance", "healthcare", "hr", "public_sector", "none"];
    const EU: &[&str] = &["high_risk", "limited_risk", "minimal", ""];
    const RISK: &[&str] = &["low", "medium", "high"];
    const SENS: &[&str] = &["public", "internal", "confidential", "restricted"];
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Register").expect("sheet name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in headers().iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    for i in 0..n {
        let r = i as u32 + 1;
        let pick =
            |list: &[&'static str], salt: usize| list[(i * 7 + salt * 13 + i / 5) % list.len()];
        let vendor = i % 3 == 0;
        let stage = pick(STAGES, 1);
        let live = matches!(stage, "production" | "deprecated");
        let cells: [String; 18] = [
            format!("System {i:06} {}", pick(APPROACH, 2)),
            format!(
                "Scores {} cases to prioritise review and cut handling time",
                pick(UNITS, 3).to_lowercase()
            ),
            pick(UNITS, 4).to_string(),
            pick(PEOPLE, 5).to_string(),
            pick(PEOPLE, 6).to_string(),
            if vendor { "vendor" } else { "in_house" }.to_string(),
            if vendor {
                format!("Vendor {}", i % 40)
            } else {
                String::new()
            },
            pick(APPROACH, 2).to_string(),
            stage.to_string(),
            pick(DOMAINS, 7).to_string(),
            pick(EU, 8).to_string(),
            pick(RISK, 9).to_string(),
            pick(SENS, 10).to_string(),
            String::new(),
            if i % 4 == 0 {
                "ISO/IEC 42001 (2027-03-31); SOC 2 (2026-12-31)".into()
            } else {
                String::new()
            },
            format!(
                "cases-{} [7 years after closure] until 2031-12-31; web-logs [90 days]",
                2020 + i % 6
            ),
            if i % 2 == 0 {
                "Volumes stay within 10% of plan (review 2027-01-15)".into()
            } else {
                String::new()
            },
            format!("{}; {}", pick(APPROACH, 11), pick(UNITS, 12).to_lowercase()),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).expect("cell");
            }
        }
        if live || i % 5 == 0 {
            let d = ExcelDateTime::from_ymd(
                2020 + (i % 6) as u16,
                1 + (i % 12) as u8,
                1 + (i % 28) as u8,
            )
            .expect("date");
            ws.write_datetime_with_format(r, 13, &d, &date)
                .expect("date cell");
        }
    }
    book.save(path).expect("save the benchmark register");
}

/// calamine alone: open the file, read the "Register" sheet, touch every cell; returns how many
/// are not empty.
pub fn bare_parse(file: &Path) -> usize {
    let mut book = open_workbook_auto(file).expect("opens");
    let range = book.worksheet_range("Register").expect("sheet");
    range
        .rows()
        .flatten()
        .filter(|c| !matches!(c, Data::Empty))
        .count()
}

/// rust_xlsxwriter alone, in constant-memory mode: the register's header and `rows` of cells
/// (as the export writes them) written and saved to `out`.
pub fn bare_write(rows: &[Vec<Cell>], out: &Path) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut book = Workbook::new();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .expect("a constant-memory sheet");
    for (c, h) in headers().iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s).expect("text");
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).expect("number");
                }
                Cell::Date(d) => {
                    let d =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .expect("date");
                    sheet
                        .write_datetime_with_format(r, c, &d, &date)
                        .expect("date");
                }
                other => {
                    sheet.write_string(r, c, other.text()).expect("text");
                }
            }
        }
    }
    book.save(out).expect("saves");
}
