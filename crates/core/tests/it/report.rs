//! The report engine: the register report model (snapshot), its PDF read back by poppler, qpdf
//! and lopdf, its workbook read back by calamine and converted by LibreOffice, and the charts.

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use steward_core::api::Workspace;
use steward_core::register::{EuAiActCategory, RiskTier, Sourcing, Stage, SystemDraft};
use steward_core::report::{self, chart, Cell, Chart, ChartKind, ColumnKind, Series};

use crate::support::{ctx, draft};

const UNICODE_NAME: &str = "Zoë Ångström – Łódź";

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0)
        .single()
        .expect("valid fixed time")
}

fn demo() -> Workspace {
    let mut ws = Workspace::in_memory(ctx()).expect("in-memory workspace");
    steward_core::demo::populate(&mut ws).expect("the demo portfolio loads");
    ws
}

/// A workspace in `dir` with `n` generated systems, one of them owned by [`UNICODE_NAME`].
fn big(dir: &Path, n: usize) -> Workspace {
    let mut ws = crate::support::workspace(dir);
    let units = [
        "Retail Lending",
        "Claims",
        "Payments",
        "People",
        "Marketing",
        "Pricing",
        "Operations",
    ];
    for i in 0..n {
        let mut d: SystemDraft = draft(&format!("System {i:05} for scoring and triage of cases"));
        d.business_unit = units[i % units.len()].into();
        d.owner = if i == 7 {
            UNICODE_NAME.into()
        } else {
            format!("Owner {}", i % 40)
        };
        d.risk_tier = [RiskTier::Low, RiskTier::Medium, RiskTier::High][i % 3];
        d.eu_ai_act_category = [
            Some(EuAiActCategory::HighRisk),
            Some(EuAiActCategory::Minimal),
            None,
        ][i % 3];
        if i % 4 == 0 {
            d.sourcing = Sourcing::Vendor;
            d.vendor = "Example Vendor Ltd".into();
        }
        ws.add_system(d).expect("add a generated system");
    }
    ws
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} must be installed (poppler-utils, qpdf, libreoffice-calc): {e}")
    });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn register_model_of_the_demo_portfolio() {
    let ws = demo();
    let model = report::register_report(&ws, at(), "tester").expect("the register report builds");
    model
        .check()
        .expect("the builder makes a model the writers accept");
    // The chain head depends on the workspace's random id (calendar UIDs are in its entries).
    insta::assert_snapshot!("register_report_model", redact_head(&dump(&model)));
}

/// Replaces each `head <64 hex digits>` with `head [hash]`.
fn redact_head(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("head ") {
        let (before, after) = rest.split_at(i + 5);
        out.push_str(before);
        let hex = after.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        if hex == 64 {
            out.push_str("[hash]");
            rest = &after[64..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The model as text: every block, every table row with its cells formatted for their column.
pub fn dump(r: &report::Report) -> String {
    let mut out = format!(
        "# {}\n{}\nworkspace: {} | at: {} | by: {} | {:?}\n",
        r.title, r.subtitle, r.workspace, r.generated_at, r.generated_by, r.orientation
    );
    for kv in &r.metadata {
        out += &format!("  {}: {}\n", kv.key, kv.value);
    }
    for s in &r.sections {
        out += &format!("\n## {} ({:?})\n", s.heading, s.orientation);
        for b in &s.blocks {
            match b {
                report::Block::Paragraph { text } => out += &format!("{text}\n"),
                report::Block::KeyValues { items } => {
                    for kv in items {
                        out += &format!("  {}: {}\n", kv.key, kv.value);
                    }
                }
                report::Block::Chart(c) => {
                    out += &format!(
                        "[chart {:?} {:?} stacked={}] {} ({} / {})\n",
                        c.kind, c.value_kind, c.stacked, c.title, c.category_label, c.value_label
                    );
                    for (i, cat) in c.categories.iter().enumerate() {
                        let values: Vec<String> = c
                            .series
                            .iter()
                            .map(|s| format!("{}={:?}", s.name, s.values[i]))
                            .collect();
                        out += &format!("  {cat}: {}\n", values.join(", "));
                    }
                }
                report::Block::Table(t) => {
                    let kinds: Vec<String> = t
                        .columns
                        .iter()
                        .map(|c| format!("{} ({:?})", c.header, c.kind))
                        .collect();
                    out += &format!("[table] {}: {}\n", t.name, kinds.join(" | "));
                    let line = |cells: &[Cell]| {
                        cells
                            .iter()
                            .zip(&t.columns)
                            .map(|(c, col)| c.display(&col.kind))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    };
                    for row in &t.rows {
                        out += &format!("  {}\n", line(row));
                    }
                    if let Some(totals) = &t.totals {
                        out += &format!("  = {}\n", line(totals));
                    }
                }
            }
        }
    }
    if let Some(sig) = &r.signature {
        out += &format!(
            "\n[signature] {}: {} signer={:?}\n",
            sig.title, sig.statement, sig.signer
        );
    }
    out
}

#[test]
fn register_pdf_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = big(&dir.path().join("ws"), 500);
    let model = report::register_report(&ws, at(), "tester").expect("model");
    let pdf = report::render_pdf(&model).expect("the register renders to PDF");
    assert_eq!(
        pdf,
        report::render_pdf(&model).expect("again"),
        "the same model and time give the same bytes"
    );
    let file = dir.path().join("register.pdf");
    std::fs::write(&file, &pdf).expect("write the pdf");
    let path = file.to_str().expect("utf-8 temp path");

    let (ok, info) = run("pdfinfo", &[path]);
    assert!(ok, "pdfinfo reads the file: {info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo reports a page count: {info}"));
    assert!(
        pages > 1,
        "a 500-system register cannot fit on one page: {pages}"
    );
    assert!(
        info.contains("Title:           AI system register"),
        "the document title is set: {info}"
    );
    assert!(
        info.contains("Author:          tester"),
        "the author is who generated it: {info}"
    );
    assert!(
        info.contains("2026"),
        "creation date is the passed-in time, not 1970: {info}"
    );
    assert!(
        !info.contains("1970"),
        "no date defaults to the epoch: {info}"
    );

    let (ok, text) = run("pdftotext", &["-enc", "UTF-8", path, "-"]);
    assert!(ok, "pdftotext extracts the text: {text}");
    let page_texts: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), pages, "every page has text");
    let workspace = match ws.team() {
        Some(team) => team.to_string(),
        None => dir.path().join("ws").display().to_string(),
    };
    for (i, p) in page_texts.iter().enumerate() {
        assert!(
            p.contains(&workspace),
            "the running header names the workspace on page {}",
            i + 1
        );
        assert!(
            p.contains("2026-11-02"),
            "the running header has the report date on page {}",
            i + 1
        );
        assert!(
            p.contains(&format!("Page {} of {pages}", i + 1)),
            "page {} has its 'Page N of M' footer",
            i + 1
        );
    }
    assert!(
        text.contains(UNICODE_NAME),
        "non-Latin-1 characters survive the embedded font and its ToUnicode map"
    );
    let register_pages = page_texts
        .iter()
        .filter(|p| p.contains("EU AI Act category"))
        .count();
    assert!(
        register_pages > 2,
        "the register table's header row repeats on every page it spans: {register_pages}"
    );
    assert!(
        text.contains("AI system register (continued)"),
        "a continued table says so"
    );
    assert!(text.contains("System 00499"), "the last row is printed");
    assert!(text.contains("Sign-off"), "the signature block is printed");

    let (ok, out) = run("qpdf", &["--check", path]);
    assert!(ok, "qpdf finds no structural error: {out}");

    let (ok, fonts) = run("pdffonts", &[path]);
    assert!(ok, "pdffonts lists the fonts: {fonts}");
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "the text uses fonts: {fonts}");
    for row in &rows {
        assert!(
            row.contains("DejaVu"),
            "only the shipped font is used, never a viewer substitute: {row}"
        );
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols.iter().rev().nth(4).copied().unwrap_or_default();
        assert_eq!(
            emb, "yes",
            "every font is embedded so the PDF prints the same anywhere: {row}"
        );
    }

    let doc =
        lopdf::Document::load_mem(&pdf).expect("lopdf loads the file the signer will append to");
    assert_eq!(
        doc.get_pages().len(),
        pages,
        "lopdf sees the same pages as poppler"
    );
    let mut inc = lopdf::IncrementalDocument::load_from(&pdf[..])
        .expect("lopdf opens it for an incremental update");
    inc.new_document.trailer.set(
        "Info",
        inc.get_prev_documents()
            .trailer
            .get(b"Info")
            .expect("Info")
            .clone(),
    );
    let mut appended = Vec::new();
    inc.save_to(&mut appended).expect("the update is written");
    assert!(
        appended.starts_with(&pdf),
        "an incremental update leaves the original bytes in place"
    );
    let updated = dir.path().join("updated.pdf");
    std::fs::write(&updated, &appended).expect("write");
    let (ok, out) = run("qpdf", &["--check", updated.to_str().expect("utf-8")]);
    assert!(ok, "the appended file is still a valid PDF: {out}");
}

#[test]
fn register_pdf_pages_render() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = report::render_pdf(&report::register_report(&demo(), at(), "tester").expect("model"))
        .expect("pdf");
    let file = dir.path().join("demo.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let prefix = dir.path().join("page");
    let (ok, out) = run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            file.to_str().expect("utf-8"),
            prefix.to_str().expect("utf-8"),
        ],
    );
    assert!(ok, "poppler renders the pages without error: {out}");
    let pngs = std::fs::read_dir(dir.path())
        .expect("list")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
        })
        .count();
    assert_eq!(pngs, 2, "two pages were rendered");
}

#[test]
fn register_workbook_reads_back() {
    let ws = demo();
    let model = report::register_report(&ws, at(), "tester").expect("model");
    let xlsx = report::render_xlsx(&model).expect("the register renders to xlsx");
    let mut book = Xlsx::new(Cursor::new(xlsx.clone())).expect("calamine opens the workbook");
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Systems by stage",
            "Systems by risk tier",
            "Systems by business unit",
            "AI system register"
        ],
        "a summary sheet, then one sheet per table"
    );
    book.load_tables().expect("calamine reads the Excel tables");
    let register = book
        .table_by_name("AISystemRegister")
        .expect("the register is an Excel table");
    assert_eq!(register.columns()[0], "Name", "the table has its header");
    let systems = ws.list_systems(&Default::default()).expect("list");
    assert_eq!(
        register.data().height(),
        systems.len(),
        "one table row per system"
    );
    let first = &systems[0];
    let row: Vec<&Data> = register
        .data()
        .rows()
        .next()
        .expect("a first row")
        .iter()
        .collect();
    assert_eq!(
        row[0],
        &Data::String(first.draft.name.clone()),
        "rows are the systems in name order"
    );
    let deployed = systems
        .iter()
        .position(|s| s.draft.deployment_date.is_some())
        .expect("a deployed demo system");
    let cell = register.data().rows().nth(deployed).expect("row")[8].clone();
    assert!(
        matches!(cell, Data::DateTime(_)),
        "deployment dates are real dates, not text: {cell:?}"
    );
    assert_eq!(
        cell.as_date(),
        systems[deployed].draft.deployment_date,
        "the date is the system's deployment date"
    );

    let stages = book
        .table_by_name("SystemsByStage")
        .expect("stage counts are an Excel table");
    let labels: Vec<String> = stages.data().rows().map(|r| r[0].to_string()).collect();
    let expected: Vec<&str> = Stage::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(labels, expected, "stages in lifecycle order");
    let sheet = book
        .worksheet_range("Systems by stage")
        .expect("the stage sheet");
    let totals = Stage::ALL.len() as u32 + 1;
    assert_eq!(
        sheet.get_value((totals, 0)),
        Some(&Data::String("Total".into())),
        "a totals row follows the rows"
    );
    let total = sheet.get_value((totals, 1)).and_then(Data::as_f64);
    assert_eq!(
        total,
        Some(systems.len() as f64),
        "the totals row's SUM carries its value for readers that do not recalculate"
    );
    let share = stages.data().rows().next().expect("row")[2]
        .as_f64()
        .expect("share is a number");
    assert!(
        (0.0..=1.0).contains(&share),
        "shares are fractions shown as percent: {share}"
    );

    let raw = String::from_utf8_lossy(&xlsx);
    for i in 1..=3 {
        assert!(
            raw.contains(&format!("xl/charts/chart{i}.xml")),
            "chart {i} of the model is a native Excel chart"
        );
    }
}

#[test]
fn register_workbook_converts_in_libreoffice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let xlsx =
        report::render_xlsx(&report::register_report(&demo(), at(), "tester").expect("model"))
            .expect("xlsx");
    let file = dir.path().join("register.xlsx");
    std::fs::write(&file, &xlsx).expect("write");
    let (ok, out) = run(
        "soffice",
        &[
            "-env:UserInstallation=file:///tmp/lo-report-test",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            dir.path().to_str().expect("utf-8"),
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(ok, "LibreOffice converts the workbook: {out}");
    let csv = std::fs::read_to_string(dir.path().join("register.csv"))
        .unwrap_or_else(|e| panic!("no csv ({e}): {out}"));
    assert!(
        csv.contains("AI system register"),
        "LibreOffice reads the summary sheet: {csv}"
    );
}

#[test]
fn writers_refuse_an_inconsistent_model() {
    let mut model = report::register_report(&demo(), at(), "tester").expect("model");
    let report::Block::Table(t) = &mut model.sections[1].blocks[0] else {
        panic!("the register section holds the table")
    };
    t.rows[0].pop();
    for err in [
        report::render_pdf(&model).expect_err("pdf"),
        report::render_xlsx(&model).expect_err("xlsx"),
    ] {
        assert_eq!(
            err.code(),
            "validation",
            "a short row is a model error, not a crash: {err}"
        );
        assert!(
            err.to_string().contains("rows[0]"),
            "the error names the row: {err}"
        );
    }
}

fn tornado() -> Chart {
    Chart {
        title: "NPV sensitivity".into(),
        kind: ChartKind::HorizontalBar,
        stacked: true,
        categories: vec![
            "Adoption rate".into(),
            "Licence cost".into(),
            "Staff savings".into(),
        ],
        series: vec![
            Series {
                name: "Downside".into(),
                values: vec![Some(-120_000.0), Some(-45_000.0), Some(-30_000.0)],
            },
            Series {
                name: "Upside".into(),
                values: vec![Some(90_000.0), Some(25_000.0), Some(60_000.0)],
            },
        ],
        category_label: String::new(),
        value_label: "Change in NPV".into(),
        value_kind: ColumnKind::Currency { code: "EUR".into() },
        points: Vec::new(),
    }
}

#[test]
fn charts_render_to_png_and_svg() {
    let line = Chart {
        title: "AUC by quarter".into(),
        kind: ChartKind::Line,
        stacked: false,
        categories: ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
            .map(String::from)
            .to_vec(),
        series: vec![
            Series {
                name: "Credit Default Scorer".into(),
                values: vec![Some(0.81), Some(0.79), None, Some(0.76)],
            },
            Series {
                name: "Churn Predictor".into(),
                values: vec![Some(0.72), Some(0.74), Some(0.75), Some(0.77)],
            },
        ],
        category_label: "Quarter".into(),
        value_label: "AUC".into(),
        value_kind: ColumnKind::Number { decimals: 2 },
        points: Vec::new(),
    };
    for c in [tornado(), line] {
        let png = chart::render_png(&c, 800, 400).expect("the chart renders to PNG");
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "a PNG signature starts the image"
        );
        let svg = chart::render_svg(&c);
        assert!(
            svg.starts_with("<svg"),
            "an SVG document: {}",
            &svg[..svg.len().min(200)]
        );
        assert!(svg.contains(&c.title), "the SVG keeps the title as text");
        assert!(
            svg.contains(&c.categories[0]),
            "category labels are drawn as text"
        );
    }
    let mut bad = tornado();
    bad.series[0].values.pop();
    assert!(
        chart::render_svg(&bad).contains("values"),
        "a broken chart model shows what is wrong instead of failing"
    );
    assert_eq!(
        chart::render_png(&bad, 800, 400)
            .expect_err("refused")
            .code(),
        "validation",
        "a broken chart is refused"
    );
}

#[test]
fn report_with_every_block_kind_renders() {
    let mut model = report::register_report(&demo(), at(), "tester").expect("model");
    let mut s = report::Section::new("Every kind of table cell");
    let mut t = report::Table::new(
        "Typed columns",
        vec![
            report::Column::new("Text", ColumnKind::Text),
            report::Column::new("Integer", ColumnKind::Integer),
            report::Column::new("Number", ColumnKind::Number { decimals: 3 }),
            report::Column::new("Percent", ColumnKind::Percent { decimals: 1 }),
            report::Column::new("Cost", ColumnKind::Currency { code: "EUR".into() }),
            report::Column::new("Date", ColumnKind::Date),
        ],
    );
    let day = NaiveDate::from_ymd_opt(2026, 3, 31).expect("date");
    t.rows.push(vec![
        Cell::from("a"),
        Cell::from(-3i64),
        Cell::from(1.23456),
        Cell::from(0.125),
        Cell::from(1250.5),
        Cell::from(day),
    ]);
    t.rows.push(vec![
        Cell::from(UNICODE_NAME),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    s.blocks.push(report::Block::Table(t));
    s.blocks.push(report::Block::Chart(tornado()));
    model.sections.push(s);
    model.signature = Some(report::SignatureBlock {
        title: "Sign-off".into(),
        statement: "Approved.".into(),
        signer: Some(report::Signer {
            name: UNICODE_NAME.into(),
            role: "Chief Risk Officer".into(),
            organisation: "Example Bank".into(),
            certificate_fingerprint: "ab".repeat(32),
            signed_at: at(),
        }),
    });
    let pdf = report::render_pdf(&model).expect("pdf");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("all.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let (ok, text) = run(
        "pdftotext",
        &["-enc", "UTF-8", file.to_str().expect("utf-8"), "-"],
    );
    assert!(ok, "pdftotext reads it: {text}");
    for expected in [
        "1,250.50 EUR",
        "12.5%",
        "1.235",
        "2026-03-31",
        "ABAB ABAB",
        "Chief Risk Officer",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} is printed, formatted for its column"
        );
    }
    let xlsx = report::render_xlsx(&model).expect("xlsx");
    let mut book = Xlsx::new(Cursor::new(xlsx)).expect("calamine");
    let range = book
        .worksheet_range("Typed columns")
        .expect("the typed table has its sheet");
    assert_eq!(
        range.get((1, 3)).and_then(Data::as_f64),
        Some(0.125),
        "percent is stored as a fraction"
    );
    assert_eq!(
        range.get((1, 5)).and_then(Data::as_date),
        Some(day),
        "dates are dates"
    );
}

#[test]
fn tco_model_of_the_llm_fixture() {
    let s = steward_core::tco::from_toml(include_str!(
        "../../../../tests/fixtures/tco/llm-service.toml"
    ))
    .expect("the fixture is valid");
    let r = steward_core::tco::run(&s).expect("runs");
    let model = report::tco_report(&s, &r, "test workspace", at(), "tester");
    model
        .check()
        .expect("the builder makes a model the writers accept");
    insta::assert_snapshot!("tco_report_model", dump(&model));
}
