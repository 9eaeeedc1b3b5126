//! Exporting the register: .csv and .xlsx read back by independent readers and re-imported.

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::NaiveDate;
use steward_core::api::Workspace;
use steward_core::export::ExportFormat;
use steward_core::import::systems::headers;
use steward_core::register::*;

use crate::support::{draft, workspace};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test dates are valid")
}

/// The demo portfolio plus one system whose every list holds the characters the cell syntax
/// must escape.
fn register(dir: &Path) -> Workspace {
    let mut ws = workspace(dir);
    steward_core::demo::populate(&mut ws).expect("demo portfolio");
    let mut d = draft("Edge; case [v2] (beta)");
    d.purpose = "Line one\nline two, with \"quotes\"".into();
    d.sourcing = Sourcing::Vendor;
    d.vendor = "=Acme; Ltd".into();
    d.eu_ai_act_category = Some(EuAiActCategory::LimitedRisk);
    d.tags = vec!["a;b".into(), r"back\slash".into(), "[x]".into()];
    d.certifications = vec![Certification {
        name: "ISO 27001 (2022); annex A".into(),
        expires: date("2027-01-31"),
    }];
    d.datasets = vec![
        Dataset {
            name: "logs [eu]".into(),
            retention_policy: "90 days; then [archive]".into(),
            retain_until: None,
        },
        Dataset {
            name: "crm until 2020-01-01".into(),
            retention_policy: String::new(),
            retain_until: Some(date("2031-12-31")),
        },
    ];
    d.assumptions = vec![Assumption {
        statement: "Rates (ECB) hold; mostly".into(),
        review_date: date("2026-06-30"),
    }];
    d.sponsor = "Zoë \"Z\" O'Brien, CFO; Group".into();
    d.last_retrained = Some(date("2026-11-02"));
    // Not exactly representable in binary: the text of an export must still read back as the
    // same number.
    d.annual_value = Some(0.1 + 0.2);
    d.data_readiness = Some(1);
    d.strategic_alignment = Some(5);
    ws.add_system(d).expect("edge case system");
    ws
}

/// Exports the register as `format`, then checks that the file plans as "all unchanged" against
/// the same register, and imports into an empty one as the same records but for the retired
/// ones, which a new record cannot be.
fn check_round_trip(format: ExportFormat) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = register(&dir.path().join("a"));
    let all = ws.list_systems(&SystemQuery::default()).expect("list");
    let out = dir.path().join(format!("register.{}", format.extension()));
    let n = ws
        .export_systems(&SystemQuery::default(), format, &out)
        .expect("export");
    assert_eq!(n, all.len(), "every system is exported");

    let plan = ws.plan_import_systems(&out).expect("the export reads back");
    assert_eq!(plan.problems, [], "an export is a clean import");
    assert_eq!(
        plan.warnings,
        [],
        "an export's headers are all import headers"
    );
    assert_eq!(
        plan.changes,
        [],
        "an export re-imports with no change: {:#?}",
        plan.changes.first()
    );
    assert_eq!(
        (plan.adds.len(), plan.unchanged as usize),
        (0, all.len()),
        "every row matches its system"
    );

    // Into an empty register, the retired systems are refused (a new record cannot start
    // retired: its decommissioning checklist cannot exist), each located at its stage cell, and
    // nothing is written.
    let mut fresh = workspace(&dir.path().join("b"));
    let e = fresh
        .import_systems(&out, false)
        .expect_err("retired rows cannot be added");
    let steward_core::Error::Import { problems } = &e else {
        panic!("an import error with its problems: {e}")
    };
    let retired: Vec<&str> = all
        .iter()
        .filter(|s| s.draft.stage == Stage::Retired)
        .map(|s| s.draft.name.as_str())
        .collect();
    assert_eq!(
        problems.len(),
        retired.len(),
        "one per retired row: {problems:#?}"
    );
    for (p, name) in problems.iter().zip(&retired) {
        assert_eq!(
            (p.column.as_deref(), p.value.as_deref()),
            (Some("I (Stage)"), Some("retired")),
            "located at the stage cell: {p:?}"
        );
        assert!(
            p.message
                .starts_with(&format!("{name} cannot be added as retired")),
            "{p:?}"
        );
    }
    assert!(
        fresh
            .list_systems(&SystemQuery::default())
            .expect("list")
            .is_empty(),
        "nothing was written"
    );

    // The register but its retired systems imports into an empty one as the same records.
    let in_use = SystemQuery {
        stages: Stage::ALL
            .iter()
            .copied()
            .filter(|s| *s != Stage::Retired)
            .collect(),
        ..Default::default()
    };
    let out = dir.path().join(format!("in-use.{}", format.extension()));
    ws.export_systems(&in_use, format, &out).expect("export");
    let done = fresh
        .import_systems(&out, false)
        .expect("the export imports into an empty register");
    let original: Vec<SystemDraft> = ws
        .list_systems(&in_use)
        .expect("list")
        .into_iter()
        .map(|s| s.draft)
        .collect();
    assert_eq!(done.adds.len(), original.len(), "every row is added");
    let copied: Vec<SystemDraft> = fresh
        .list_systems(&SystemQuery::default())
        .expect("list")
        .into_iter()
        .map(|s| s.draft)
        .collect();
    assert_eq!(
        copied, original,
        "the copy holds the same records, field for field"
    );
}

#[test]
fn exports_import_back_unchanged() {
    check_round_trip(ExportFormat::Csv);
    check_round_trip(ExportFormat::Xlsx);
}

#[test]
fn xlsx_export_is_an_excel_table_with_real_dates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = register(&dir.path().join("ws"));
    let out = dir.path().join("register.xlsx");
    let q = SystemQuery {
        stages: vec![Stage::Production],
        sort: SortKey::BusinessUnit,
        ..Default::default()
    };
    let n = ws
        .export_systems(&q, ExportFormat::Xlsx, &out)
        .expect("export");
    assert_eq!(
        n,
        ws.list_systems(&q).expect("list").len(),
        "the query picks the rows"
    );

    let mut book: Xlsx<_> = open_workbook(&out).expect("calamine reads the export");
    assert_eq!(
        book.sheet_names(),
        ["Register"],
        "one sheet, named for what it holds"
    );
    book.load_tables().expect("tables");
    let table = book
        .table_by_name("Register")
        .expect("the data is an Excel table, so it sorts and filters");
    assert_eq!(
        table.columns(),
        headers(),
        "the table's columns are the import's headers"
    );
    let range = book.worksheet_range("Register").expect("sheet");
    assert_eq!(
        range.height(),
        n + 1,
        "a header row, then one row per system"
    );
    let date_col = headers()
        .iter()
        .position(|h| *h == "Deployment date")
        .expect("column");
    for row in range.rows().skip(1) {
        assert!(
            matches!(row[date_col], Data::DateTime(_)),
            "production systems have a deployment date, written as a date cell: {:?}",
            row[date_col]
        );
    }
    let col = |name: &str| {
        headers()
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("a {name} column"))
    };
    let (retrained, value, readiness) = (
        col("Last retrained"),
        col("Annual value"),
        col("Data readiness"),
    );
    let rows: Vec<_> = range.rows().skip(1).collect();
    assert!(
        rows.iter()
            .any(|r| matches!(r[retrained], Data::DateTime(_))),
        "a last retraining is a date cell"
    );
    assert!(
        rows.iter().any(|r| matches!(r[value], Data::Float(_))),
        "an annual value is a number cell, so it sums"
    );
    for r in &rows {
        assert!(
            matches!(r[readiness], Data::Empty | Data::Float(_)),
            "a readiness score is a number cell or empty, never 0 for missing: {:?}",
            r[readiness]
        );
    }
}

#[test]
fn csv_export_is_utf8_with_a_byte_order_mark() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    ws.add_system(draft("Café scorer")).expect("add");
    let out = dir.path().join("register.csv");
    ws.export_systems(&SystemQuery::default(), ExportFormat::Csv, &out)
        .expect("export");
    let bytes = std::fs::read(&out).expect("read");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFName,Purpose,Business unit,"),
        "Excel reads UTF-8 CSV right only with a BOM"
    );
    assert!(
        String::from_utf8_lossy(&bytes).contains("Café scorer,,Retail,Ann Owner,,in_house,"),
        "values are written as keys"
    );
}

#[test]
fn a_failed_export_names_the_path_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = register(&dir.path().join("ws"));
    let check = |out: &Path| {
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let err = ws
                .export_systems(&SystemQuery::default(), format, out)
                .expect_err("the export cannot be written");
            assert_eq!(err.code(), "io", "{err}");
            assert!(
                err.to_string().contains(&out.display().to_string()),
                "the error names the path: {err}"
            );
        }
    };
    check(&dir.path().join("no such folder").join("register.xlsx"));
    let folder = dir.path().join("a folder");
    std::fs::create_dir(&folder).expect("mkdir");
    check(&folder);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "no temporary file is left beside the target: {left:?}"
    );
}

#[test]
fn an_empty_register_exports_a_header_only_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(&dir.path().join("ws"));
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let out = dir.path().join(format!("empty.{}", format.extension()));
        assert_eq!(
            ws.export_systems(&SystemQuery::default(), format, &out)
                .expect("export"),
            0,
            "no rows"
        );
        let plan = ws.plan_import_systems(&out).expect("readable");
        assert_eq!(
            plan.adds.len() + plan.changes.len(),
            0,
            "an empty export adds nothing on import"
        );
    }
    assert_eq!(
        ExportFormat::parse(".XLSX"),
        Some(ExportFormat::Xlsx),
        "formats parse ignoring case and dot"
    );
    assert_eq!(
        ExportFormat::parse("pdf"),
        None,
        "unknown formats are refused"
    );
}

/// An export reports its rows as it writes them, and a stopped one leaves no file and no
/// partial file beside it; whether the query selects every system (the register is counted
/// before it is read) or filters them (the rows are counted once read).
#[test]
fn an_export_reports_progress_and_a_cancelled_one_leaves_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = register(dir.path());
    for i in 0..2_500 {
        ws.add_system(draft(&format!("Bulk {i:04}"))).expect("add");
    }
    let all = ws
        .list_systems(&SystemQuery::default())
        .expect("list")
        .len();
    let bulk = SystemQuery {
        text: "bulk".into(),
        ..Default::default()
    };
    for (q, rows) in [(SystemQuery::default(), all), (bulk, 2_500)] {
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let out = dir.path().join(format!("out.{}", format.extension()));
            let mut seen = Vec::new();
            let n = ws
                .export_systems_with(&q, format, &out, &mut |done, total| {
                    seen.push((done, total));
                    true
                })
                .expect("exports");
            assert_eq!(n, rows, "every system the query selects: {q:?}");
            assert_eq!(seen.first(), Some(&(0, n)), "told the total before writing");
            assert!(seen.len() >= 3, "progress as rows are written: {seen:?}");
            assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
            let plan = ws.plan_import_systems(&out).expect("readable");
            assert_eq!(
                (plan.rows as usize, plan.unchanged as usize),
                (n, n),
                "the file holds the rows listed, as they are"
            );
            std::fs::remove_file(&out).expect("written");

            let err = ws
                .export_systems_with(&q, format, &out, &mut |done, _| done < 1_000)
                .expect_err("cancelled");
            assert!(matches!(err, steward_core::Error::Cancelled), "{err:?}");
            let err = ws
                .export_systems_with(&q, format, &out, &mut |_, _| false)
                .expect_err("cancelled before the first row");
            assert!(matches!(err, steward_core::Error::Cancelled), "{err:?}");
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .expect("dir")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("out."))
                .collect();
            assert!(
                left.is_empty(),
                "a cancelled export leaves nothing: {left:?}"
            );
        }
    }
}
