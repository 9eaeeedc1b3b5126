//! The register import on the spreadsheets people really keep: conventions read and reported as
//! decisions, workbooks that would cost more memory than a laptop has, loose values refused,
//! mappings made once and reused, and cancellation.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use steward_core::api::{AuditQuery, ImportOptions, ImportRequest, Workspace};
use steward_core::import::mapping::{DateOrder, Mapping};
use steward_core::import::ImportPlan;
use steward_core::register::{AiSystem, RiskTier, Sourcing, Stage};
use steward_core::Error;

use crate::support::workspace;

/// One sheet of a generated workbook: its name and rows. A cell "d:2026-01-31" is a date cell,
/// "n:3" a number, "" nothing.
type SheetSpec<'a> = (&'a str, &'a [&'a [&'a str]]);

fn write_book(path: &Path, sheets: &[SheetSpec<'_>]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if let Some(d) = v.strip_prefix("d:") {
                    let d = ExcelDateTime::parse_from_str(d).expect("test dates are valid");
                    ws.write_datetime_with_format(r, c, &d, &date)
                        .expect("date");
                } else if let Some(n) = v.strip_prefix("n:") {
                    ws.write_number(r, c, n.parse::<f64>().expect("a number"))
                        .expect("number");
                } else if !v.is_empty() {
                    ws.write_string(r, c, *v).expect("text");
                }
            }
        }
    }
    book.save(path).expect("save the workbook");
}

fn one_sheet(dir: &Path, rows: &[&[&str]]) -> PathBuf {
    let p = dir.join("register.xlsx");
    write_book(&p, &[("Register", rows)]);
    p
}

/// Everything an import could change.
fn state(ws: &Workspace) -> (Vec<AiSystem>, usize) {
    let systems = ws.list_systems(&Default::default()).expect("list");
    let audit = ws.audit_log(&AuditQuery::default()).expect("audit").total as usize;
    (systems, audit)
}

fn system(ws: &Workspace, name: &str) -> AiSystem {
    ws.list_systems(&Default::default())
        .expect("list")
        .into_iter()
        .find(|s| s.draft.name == name)
        .unwrap_or_else(|| panic!("{name} was imported"))
}

/// Plans `path` with `opts`; the plan must be clean and each of `decisions` must be a fragment
/// of one decision the plan shows.
fn check_read(ws: &Workspace, path: &Path, opts: &ImportOptions, decisions: &[&str]) -> ImportPlan {
    let plan = ws
        .plan_import_systems_with(path, opts)
        .expect("the file is readable");
    assert_eq!(plan.problems, [], "the file is read without problems");
    let shown: Vec<String> = plan.decisions.iter().map(ToString::to_string).collect();
    for d in decisions {
        assert!(
            shown.iter().any(|s| s.contains(d)),
            "the dry run shows the decision {d:?} so the user can see it; decisions: {shown:#?}"
        );
    }
    plan
}

/// Imports `path` with `opts`, which must be clean.
fn import(ws: &mut Workspace, path: &Path, opts: &ImportOptions) -> ImportPlan {
    ws.import_systems_with(path, false, opts, &mut |_| true)
        .expect("the file imports")
}

/// The problems planning `path` finds, as text; the import must be refused with the same ones.
fn problems(ws: &mut Workspace, path: &Path, opts: &ImportOptions) -> Vec<String> {
    let before = state(ws);
    let err = ws
        .import_systems_with(path, false, opts, &mut |_| true)
        .expect_err("the import is refused");
    let Error::Import { problems } = err else {
        panic!("a bad file is an import error, got {err:?}")
    };
    assert_eq!(state(ws), before, "a refused import writes nothing");
    problems.iter().map(ToString::to_string).collect()
}

fn has(got: &[String], fragment: &str) {
    assert!(
        got.iter().any(|g| g.contains(fragment)),
        "a problem says {fragment:?}; got {got:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Conventions, case by case.

/// A vendor column without a sourcing column: each vendor cell and what it means.
#[test]
fn a_vendor_column_says_in_house_or_names_the_vendor() {
    for (vendor, sourcing, name) in [
        ("In-house", Sourcing::InHouse, ""),
        ("in house", Sourcing::InHouse, ""),
        ("Internal", Sourcing::InHouse, ""),
        ("None", Sourcing::InHouse, ""),
        ("N/A", Sourcing::InHouse, ""),
        ("-", Sourcing::InHouse, ""),
        ("", Sourcing::InHouse, ""),
        ("\u{a0}In-house\u{a0}", Sourcing::InHouse, ""),
        ("Acme Analytics", Sourcing::Vendor, "Acme Analytics"),
        ("OpenAI", Sourcing::Vendor, "OpenAI"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(&dir.path().join("ws"));
        let path = one_sheet(
            dir.path(),
            &[
                &["Name", "Business unit", "Owner", "Vendor"],
                &["Triage bot", "Claims", "Ann", vendor],
            ],
        );
        check_read(
            &ws,
            &path,
            &Default::default(),
            &["the file has no Sourcing column"],
        );
        import(&mut ws, &path, &Default::default());
        let s = system(&ws, "Triage bot");
        assert_eq!(s.draft.sourcing, sourcing, "vendor cell {vendor:?}");
        assert_eq!(s.draft.vendor, name, "vendor cell {vendor:?}");
    }
}

#[test]
fn the_header_need_not_be_row_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(&dir.path().join("ws"));
    let path = one_sheet(
        dir.path(),
        &[
            &["AI system register - Risk team"],
            &["Maintained by J. Doe; last reviewed March"],
            &[],
            &["System name", "BU", "Business owner", "Risk level"],
            &["Churn model", "Retail", "Ann", "High"],
            &[],
            &[],
        ],
    );
    let plan = check_read(
        &ws,
        &path,
        &Default::default(),
        &["row 4", "the header is row 4, where the column names are; 2 rows above it (titles, notes) were skipped"],
    );
    assert_eq!(
        plan.adds.len(),
        1,
        "the row under the header is the one system"
    );
    assert_eq!(
        plan.adds[0].row, 5,
        "rows keep the numbers the spreadsheet shows"
    );
}

#[test]
fn a_header_cell_merged_over_two_rows_is_read_from_above() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(&dir.path().join("ws"));
    // "Name" spans A1:A2 (its text sits in A1); the other headers are in row 2 under a group title.
    let path = one_sheet(
        dir.path(),
        &[
            &["Name", "Ownership", "", "Risk"],
            &["", "Business unit", "Owner", "Risk tier"],
            &["Churn model", "Retail", "Ann", "low"],
        ],
    );
    check_read(
        &ws,
        &path,
        &Default::default(),
        &["column A's header is empty in row 2; read \"Name\" from row 1 above it"],
    );
}

#[test]
fn blanks_non_breaking_spaces_and_case_do_not_matter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    // Trailing empty cells and rows, blanks and non-breaking spaces, any case.
    let p2 = one_sheet(
        dir.path(),
        &[
            &[
                "  NAME\u{a0}",
                "business\u{a0}unit",
                " owner ",
                "RISK TIER",
                "stage",
                "Go-live date",
            ],
            &[
                "\u{a0}Churn\u{a0}model ",
                " Retail",
                "Ann ",
                " HIGH\u{a0}",
                "\u{a0}Live",
                "d:2025-01-02",
            ],
            &["", " ", "", "", "", ""],
            &[],
        ],
    );
    import(&mut ws, &p2, &Default::default());
    let s = system(&ws, "Churn model");
    assert_eq!(s.draft.risk_tier, RiskTier::High);
    assert_eq!(s.draft.stage, Stage::Production, "\"Live\" is production");
    assert_eq!(s.draft.business_unit, "Retail");
}

#[test]
fn common_words_for_closed_values() {
    for (stage, want) in [
        ("Live", Stage::Production),
        ("Pilot", Stage::Staging),
        ("Sunset", Stage::Deprecated),
        ("Decommissioned", Stage::Retired),
        ("in development", Stage::Development),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(&dir.path().join("ws"));
        let path = one_sheet(
            dir.path(),
            &[
                &[
                    "Name", "BU", "Owner", "Status", "Go-live", "In-house", "Vendor",
                ],
                &["Scorer", "Risk", "Ann", stage, "d:2024-02-01", "Yes", ""],
                &[
                    "Bought bot",
                    "Risk",
                    "Ann",
                    stage,
                    "d:2024-02-01",
                    "No",
                    "Acme",
                ],
            ],
        );
        let plan = ws.plan_import_systems(&path).expect("plans");
        if want == Stage::Retired {
            // A new system cannot start retired without its checklist: the plan says so, but
            // the word itself was understood (the problem is not "unknown stage").
            assert!(
                plan.problems
                    .iter()
                    .all(|p| !p.message.contains("unknown stage")),
                "{stage:?} is a stage: {:?}",
                plan.problems
            );
            continue;
        }
        assert_eq!(plan.problems, [], "{stage:?} reads");
        import(&mut ws, &path, &Default::default());
        assert_eq!(system(&ws, "Scorer").draft.stage, want, "{stage:?}");
        assert_eq!(
            system(&ws, "Scorer").draft.sourcing,
            Sourcing::InHouse,
            "In-house: Yes"
        );
        assert_eq!(
            system(&ws, "Bought bot").draft.sourcing,
            Sourcing::Vendor,
            "In-house: No"
        );
    }
}

#[test]
fn unknown_columns_are_listed_as_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(&dir.path().join("ws"));
    let path = one_sheet(
        dir.path(),
        &[
            &["Name", "BU", "Owner", "Comments", "Budget code"],
            &["Churn model", "Retail", "Ann", "ok", "X1"],
        ],
    );
    let plan = check_read(&ws, &path, &Default::default(), &[]);
    let ignored: Vec<String> = plan.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(ignored.len(), 2, "two columns ignored: {ignored:?}");
    assert!(ignored[0].contains("column D (Comments)") && ignored[0].contains("ignored"));
    assert!(ignored[1].contains("column E (Budget code)"));
}

/// Each date cell of the deployment date column and what it reads as (None: refused with a
/// problem holding the fragment).
#[test]
fn dates_as_serials_date_cells_and_text() {
    for (cell, order, want) in [
        ("d:2025-03-31", None, Ok("2025-03-31")),
        ("n:45747", None, Ok("2025-03-31")),
        ("2025-03-31", None, Ok("2025-03-31")),
        ("2025/03/31", None, Ok("2025-03-31")),
        ("31/03/2025", None, Ok("2025-03-31")),
        ("31.03.2025", None, Ok("2025-03-31")),
        ("03/31/2025", None, Ok("2025-03-31")),
        ("04/04/2025", None, Ok("2025-04-04")),
        (
            "03/04/2025",
            None,
            Err("\"03/04/2025\" could be 3 April 2025 (day first) or March 4, 2025 (month first)"),
        ),
        ("03/04/2025", Some(DateOrder::DayFirst), Ok("2025-04-03")),
        ("03/04/2025", Some(DateOrder::MonthFirst), Ok("2025-03-04")),
        ("31/03/25", None, Err("the year must have four digits")),
        (
            "0000-01-01",
            None,
            Err("the year 0 is outside the years accepted (1900 to 2999)"),
        ),
        ("n:10", None, Err("out of range")),
        ("soon", None, Err("\"soon\" is not a date")),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(&dir.path().join("ws"));
        let path = one_sheet(
            dir.path(),
            &[
                &["Name", "BU", "Owner", "Deployment date"],
                &["Churn model", "Retail", "Ann", cell],
            ],
        );
        let opts = ImportOptions {
            sheet: None,
            mapping: order.map(|o| {
                (
                    "test".to_string(),
                    Mapping {
                        date_order: Some(o),
                        ..Default::default()
                    },
                )
            }),
        };
        match want {
            Ok(date) => {
                import(&mut ws, &path, &opts);
                assert_eq!(
                    system(&ws, "Churn model")
                        .draft
                        .deployment_date
                        .map(|d| d.to_string()),
                    Some(date.to_string()),
                    "{cell:?} with {order:?}"
                );
            }
            Err(fragment) => {
                let got = problems(&mut ws, &path, &opts);
                has(&got, fragment);
                has(&got, "row 2, column D (Deployment date)");
            }
        }
    }
}

/// Issue 14.7: only declared spellings and synonyms; the problem names the accepted values.
#[test]
fn loose_values_are_refused_naming_what_is_accepted() {
    for bad in ["-3", "-1", "-high", "high!", "+3"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(&dir.path().join("ws"));
        let path = one_sheet(
            dir.path(),
            &[
                &["Name", "BU", "Owner", "Risk tier"],
                &["Churn model", "Retail", "Ann", bad],
            ],
        );
        let got = problems(&mut ws, &path, &Default::default());
        has(
            &got,
            &format!("unknown risk tier {bad:?}; accepted values: low, medium, high"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Several sheets, and a messy real-world workbook.

#[test]
fn the_sheet_whose_header_matches_or_the_one_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("book.xlsx");
    write_book(
        &path,
        &[
            (
                "Read me",
                &[&["How to fill in this register"], &["Ask J. Doe"]],
            ),
            (
                "Register",
                &[&["Name", "BU", "Owner"], &["Churn model", "Retail", "Ann"]],
            ),
            (
                "Archive",
                &[&["Name", "BU", "Owner"], &["Old model", "Retail", "Ann"]],
            ),
        ],
    );
    let plan = check_read(
        &ws,
        &path,
        &Default::default(),
        &["the workbook has 3 sheets; read \"Register\", whose header names 3 known columns"],
    );
    assert_eq!(plan.sheet.as_deref(), Some("Register"));
    let archive = ImportOptions {
        sheet: Some("archive".into()),
        mapping: None,
    };
    let plan = check_read(&ws, &path, &archive, &[]);
    assert_eq!(
        plan.adds[0].name, "Old model",
        "--sheet reads the sheet named"
    );
    let missing = ImportOptions {
        sheet: Some("Systems".into()),
        mapping: None,
    };
    let got = problems(&mut ws, &path, &missing);
    has(&got, "the workbook has no sheet named \"Systems\"; its sheets are: \"Read me\", \"Register\", \"Archive\"");
}

/// A register as a risk team keeps it: notes sheet first, title rows, vendor names in the
/// vendor column, dates of every kind, "Live", an extra column.
#[test]
fn a_messy_real_world_workbook_imports_with_its_decisions_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("risk-register.xlsx");
    write_book(
        &path,
        &[
            (
                "Notes",
                &[&["Register owner: Model Risk"], &["Updated quarterly"]],
            ),
            (
                "AI Register",
                &[
                    &["Model Risk - AI inventory 2025"],
                    &["Confidential"],
                    &[
                        "Model name",
                        "Business unit",
                        "Model owner",
                        "Vendor",
                        "Status",
                        "Risk rating",
                        "Go-live date",
                        "Last retrain",
                        "Comments",
                    ],
                    &[
                        "Credit scorecard",
                        "Lending",
                        "Ann",
                        "In-house",
                        "Live",
                        "High",
                        "d:2023-06-01",
                        "n:45300",
                        "core model",
                    ],
                    &[
                        "Chat assistant",
                        "Service",
                        "Omar",
                        "OpenAI",
                        "Pilot",
                        "Medium",
                        "",
                        "",
                        "",
                    ],
                    &[
                        "Fraud rules+ML",
                        "Payments",
                        "Lena",
                        "N/A",
                        "in production",
                        "high",
                        "2022-11-30",
                        "31/01/2025",
                        "",
                    ],
                    &[
                        "Doc extractor",
                        "Operations",
                        "Tom",
                        "Acme OCR Ltd",
                        "Sunset",
                        "low",
                        "03/31/2021",
                        "",
                        "replace 2026",
                    ],
                    &[],
                    &[],
                ],
            ),
        ],
    );
    let plan = check_read(
        &ws,
        &path,
        &Default::default(),
        &[
            "read \"AI Register\"",
            "the header is row 3",
            "the file has no Sourcing column",
            "vendor \"In-house\" read as an in-house system",
            "a vendor named with no sourcing given: read as a vendor's system (row 5 and 1 more)",
            "a number read as an Excel date serial",
            "text dates read day first",
            "text dates read month first",
        ],
    );
    assert_eq!(
        plan.adds.len(),
        4,
        "every system row is added: {:?}",
        plan.adds
    );
    assert_eq!(plan.warnings.len(), 1, "Comments is ignored, not an error");
    let before = state(&ws).1;
    import(&mut ws, &path, &Default::default());
    let chat = system(&ws, "Chat assistant");
    assert_eq!(
        (chat.draft.sourcing, chat.draft.vendor.as_str()),
        (Sourcing::Vendor, "OpenAI")
    );
    assert_eq!(chat.draft.stage, Stage::Staging, "Pilot");
    let fraud = system(&ws, "Fraud rules+ML");
    assert_eq!(fraud.draft.sourcing, Sourcing::InHouse, "N/A vendor");
    assert_eq!(
        fraud.draft.last_retrained.map(|d| d.to_string()).as_deref(),
        Some("2025-01-31")
    );
    let doc = system(&ws, "Doc extractor");
    assert_eq!(
        doc.draft.deployment_date.map(|d| d.to_string()).as_deref(),
        Some("2021-03-31")
    );
    let credit = system(&ws, "Credit scorecard");
    assert_eq!(
        credit
            .draft
            .last_retrained
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-01-09")
    );
    // Four systems and the import's own entry, which lists the decisions.
    let log = ws.audit_log(&AuditQuery::default()).expect("audit").entries;
    assert_eq!(log.len(), before + 5);
    let entry = log
        .iter()
        .map(|r| &r.entry)
        .find(|e| e.entity == "system_import")
        .expect("the import has its own audit entry");
    let after = entry.after.as_deref().unwrap_or_default();
    assert!(
        after.contains("the header is row 3"),
        "the decisions are audited: {after}"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 14.1: a sheet that says it is huge.

#[test]
fn a_stray_cell_far_away_costs_one_cell() {
    for (row, col) in [(1_048_575u32, 16_383u16), (1_048_575, 25), (5, 16_383)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ws = workspace(&dir.path().join("ws"));
        let path = dir.path().join("stray.xlsx");
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["Name", "BU", "Owner"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).expect("header");
        }
        for (c, v) in ["Churn model", "Retail", "Ann"].iter().enumerate() {
            sheet.write_string(1, c as u16, *v).expect("cell");
        }
        sheet.write_string(row, col, "x").expect("the stray cell");
        book.save(&path).expect("save");
        assert!(
            std::fs::metadata(&path).expect("written").len() < 20_000,
            "a few kilobytes"
        );
        // Before: calamine sized a dense range from the furthest cell (512 GB for XFD1048576)
        // and the process aborted; now only populated cells are read.
        let plan = ws
            .import_systems(&path, true)
            .expect("the dry run reads the file");
        assert_eq!(
            plan.adds.len(),
            1,
            "the stray cell is right of the header: {:?}",
            plan
        );
        import(&mut ws, &path, &Default::default());
    }
}

/// A cell reference of more column letters than any sheet has: calamine's reader overflows on
/// it (a panic where overflow is checked). The import answers with a problem naming the file,
/// and the process goes on; before, the panic ended it.
#[test]
fn an_xlsx_whose_reader_fails_inside_is_a_problem_not_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("odd.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Name", "BU", "Owner"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in ["Churn model", "Retail", "Ann"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).expect("cell");
    }
    book.save(&path).expect("save");
    crate::support::rewrite_sheet_xml(&path, |xml| {
        assert!(xml.contains(r#"r="C2""#), "{xml}");
        xml.replace(r#"r="C2""#, r#"r="ZZZZZZZZZZZZZZ2""#)
    });
    let before = ws.verify_audit().expect("verify").chain.length;
    match ws.import_systems(&path, false) {
        Err(Error::Import { problems }) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(problems[0].file.ends_with("odd.xlsx"), "{problems:?}");
            assert!(
                problems[0]
                    .message
                    .contains("reader failed on this file's content"),
                "{problems:?}"
            );
        }
        // Where overflow wraps (release builds) the stray cell lands right of the header.
        Ok(plan) => assert_eq!(plan.adds.len(), 1, "{plan:?}"),
        Err(other) => panic!("an import problem, not {other:?}"),
    }
    if ws
        .list_systems(&Default::default())
        .expect("list")
        .is_empty()
    {
        assert_eq!(
            ws.verify_audit().expect("verify").chain.length,
            before,
            "nothing written"
        );
    }
}

/// An .ods workbook of a few kilobytes whose repeated rows and columns describe a sheet of
/// 17 billion cells: refused up front, with what to do.
#[test]
fn an_ods_repeating_rows_beyond_the_bound_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("huge.ods");
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Register">
<table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>BU</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Owner</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let file = std::fs::File::create(&path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("mimetype");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("mimetype");
    zip.start_file("content.xml", stored).expect("content");
    zip.write_all(content.as_bytes()).expect("content");
    zip.start_file("META-INF/manifest.xml", stored)
        .expect("manifest");
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("manifest");
    zip.finish().expect("zip");
    let got = problems(&mut ws, &path, &Default::default());
    has(
        &got,
        "sheet \"Register\" spans 1048575 rows by 16384 columns",
    );
    has(
        &got,
        "more than an .ods import may hold (4000000 cells in all)",
    );
    has(&got, "save the sheet as .xlsx or .csv");
}

// ---------------------------------------------------------------------------------------------
// Mappings made once.

#[test]
fn a_mapping_names_columns_and_values_and_is_saved_as_a_profile() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let rows: &[&[&str]] = &[
        &[
            "Name",
            "BU",
            "Accountable exec",
            "Criticality",
            "Owner notes",
        ],
        &["Churn model", "Retail", "Ann", "Tier 1", "n/a"],
    ];
    let path = one_sheet(dir.path(), rows);
    // Without a mapping: "Owner notes" is not the owner... it is, by synonym? No: the owner is
    // missing and "Tier 1" is not a risk tier here (Criticality names no field).
    let got = problems(&mut ws, &path, &Default::default());
    has(&got, "required column \"Owner\" is missing");
    let mapping = Mapping::from_toml(
        r#"
[columns]
"Accountable exec" = "owner"
"Criticality" = "risk tier"
"Owner notes" = "ignore"

[values.risk_tier]
"Tier 1" = "high"
"#,
    )
    .expect("a mapping");
    let opts = ImportOptions {
        sheet: None,
        mapping: Some(("profile \"Risk team\"".into(), mapping.clone())),
    };
    check_read(
        &ws,
        &path,
        &opts,
        &[
            "column C (Accountable exec), value \"Accountable exec\": read as Owner (mapping profile \"Risk team\")",
            "column E (Owner notes), value \"Owner notes\": ignored (mapping",
            "\"Tier 1\" read as high (mapping profile \"Risk team\")",
        ],
    );
    ws.save_import_profile("Risk team", &mapping)
        .expect("the profile is saved");
    let saved = ws.import_profile("risk team").expect("found ignoring case");
    assert_eq!(saved, mapping, "the profile reads back as saved");
    let reuse = ImportOptions {
        sheet: None,
        mapping: Some(("profile \"Risk team\"".into(), saved)),
    };
    let plan = import(&mut ws, &path, &reuse);
    assert_eq!(plan.mapping.as_deref(), Some("profile \"Risk team\""));
    let s = system(&ws, "Churn model");
    assert_eq!(
        (s.draft.owner.as_str(), s.draft.risk_tier),
        ("Ann", RiskTier::High)
    );
    let log = ws.audit_log(&AuditQuery::default()).expect("audit").entries;
    let entry = log
        .iter()
        .map(|r| &r.entry)
        .find(|e| e.entity == "system_import")
        .expect("the import's entry");
    let after = entry.after.as_deref().unwrap_or_default();
    assert!(
        after.contains("Accountable exec")
            && after.contains("Tier 1")
            && after.contains("Risk team"),
        "the mapping used is in the import's audit entry: {after}"
    );
    assert!(
        log.iter()
            .any(|r| r.entry.entity == "import_profile" && r.entry.action == "set"),
        "saving a profile is audited"
    );

    // Stale: the next file no longer has the "Accountable exec" column.
    let path2 = dir.path().join("next.xlsx");
    write_book(
        &path2,
        &[(
            "Register",
            &[
                &["Name", "BU", "Owner", "Criticality"],
                &["Other", "Retail", "Ann", "Tier 1"],
            ],
        )],
    );
    let got = problems(&mut ws, &path2, &reuse);
    has(&got, "the mapping profile \"Risk team\" maps the column \"Accountable exec\", which this file does not have");
    has(&got, "the mapping is stale");
}

#[test]
fn a_mapping_that_names_no_field_or_value_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let bad = Mapping::from_toml(
        "[columns]\n\"Exec\" = \"ownr\"\n[values.risk_tier]\n\"Tier 1\" = \"severe\"\n",
    )
    .expect("well-formed TOML");
    let e = ws
        .save_import_profile("Bad", &bad)
        .expect_err("a mapping naming no field is refused");
    let text = e.to_string();
    assert!(
        text.contains("\"Exec\" maps to \"ownr\", which is no field"),
        "{text}"
    );
    assert!(
        text.contains(
            "\"severe\", which is not a value of risk_tier; accepted values: low, medium, high"
        ),
        "{text}"
    );
    assert!(
        ws.import_profiles().expect("profiles").is_empty(),
        "nothing saved"
    );
}

// ---------------------------------------------------------------------------------------------
// Cancellation.

#[test]
fn a_cancelled_import_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("big.csv");
    let mut text = String::from("Name,BU,Owner\n");
    for i in 0..10_000 {
        text.push_str(&format!("System {i},Retail,Ann\n"));
    }
    std::fs::write(&path, text).expect("write");
    let before = state(&ws);
    let mut calls = 0;
    let err = ws
        .import_systems_with(&path, false, &Default::default(), &mut |rows| {
            calls += 1;
            rows < 4_000
        })
        .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled), "got {err:?}");
    assert!(calls >= 2, "progress is reported as rows are read");
    assert_eq!(state(&ws), before, "a cancelled import writes nothing");
    // And the same file imports whole when not cancelled.
    let plan = import(&mut ws, &path, &Default::default());
    assert_eq!(plan.adds.len(), 10_000);
}

/// What the import screen shows to map: every sheet, how each column was read, and each value
/// of a closed field that reads as nothing, with its rows and the field's values to choose from.
/// A request with a mapping made on the screen, or a saved profile, reads the file that way.
#[test]
fn the_plan_lists_sheets_columns_and_unknown_values_to_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(&dir.path().join("ws"));
    let path = dir.path().join("book.xlsx");
    let register: &[&[&str]] = &[
        &["Name", "BU", "Accountable exec", "Risk tier", "Stage"],
        &["Alpha", "Retail", "Ann", "Band A", "Pilot"],
        &["Beta", "Retail", "Bo", "Band A", "Pilot"],
        &["Gamma", "Retail", "Cy", "High", "Pilot"],
    ];
    write_book(&path, &[("Notes", &[&["Read me"]]), ("Register", register)]);
    let plan = ws
        .plan_import_systems_with(&path, &ImportOptions::default())
        .expect("plans");
    assert_eq!(plan.sheets, ["Notes", "Register"]);
    assert_eq!(plan.sheet.as_deref(), Some("Register"));
    let columns: Vec<(&str, &str, Option<&str>)> = plan
        .columns
        .iter()
        .map(|c| (c.column.as_str(), c.header.as_str(), c.field.as_deref()))
        .collect();
    assert_eq!(
        columns,
        [
            ("A", "Name", Some("name")),
            ("B", "BU", Some("business_unit")),
            ("C", "Accountable exec", None),
            ("D", "Risk tier", Some("risk_tier")),
            ("E", "Stage", Some("stage")),
        ]
    );
    let unknown: Vec<(&str, &str, u32, u32)> = plan
        .unknown_values
        .iter()
        .map(|u| (u.field.as_str(), u.value.as_str(), u.rows, u.first_row))
        .collect();
    assert_eq!(
        unknown,
        [("risk_tier", "Band A", 2, 2)],
        "{:?}",
        plan.unknown_values
    );
    let choices: Vec<&str> = plan.unknown_values[0]
        .choices
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(choices, ["Low", "Medium", "High"]);

    // The screen's mapping: the column is the owner, "Tier 1" is high.
    let mut mapping = Mapping::default();
    mapping
        .columns
        .insert("Accountable exec".into(), "owner".into());
    mapping
        .values
        .entry("risk_tier".into())
        .or_default()
        .insert("Band A".into(), "high".into());
    let req = ImportRequest {
        mapping: Some(mapping.clone()),
        ..Default::default()
    };
    let opts = ws.import_options(&req).expect("options");
    let plan = ws.plan_import_systems_with(&path, &opts).expect("plans");
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert!(plan.unknown_values.is_empty());
    assert_eq!(plan.columns[2].field.as_deref(), Some("owner"));
    assert_eq!(plan.adds.len(), 3);

    // Saved as a profile, the same request by the profile's name reads the file the same way.
    ws.save_import_profile("Risk team", &mapping)
        .expect("saved");
    let by_profile = ImportRequest {
        profile: Some("Risk team".into()),
        ..Default::default()
    };
    let again = ws
        .plan_import_systems_with(&path, &ws.import_options(&by_profile).expect("options"))
        .expect("plans");
    assert_eq!(again.adds.len(), 3);
    assert_eq!(again.mapping.as_deref(), Some("profile \"Risk team\""));
    let missing = ImportRequest {
        profile: Some("Nobody's".into()),
        ..Default::default()
    };
    let err = ws.import_options(&missing).expect_err("no such profile");
    assert!(err.to_string().contains("\"Risk team\""), "{err}");
    // Another sheet, by request.
    let notes = ImportRequest {
        sheet: Some("Notes".into()),
        ..Default::default()
    };
    let err = ws
        .plan_import_systems_with(&path, &ws.import_options(&notes).expect("options"))
        .map(|p| p.problems.len());
    assert!(
        matches!(err, Err(Error::Import { .. })) || matches!(err, Ok(n) if n > 0),
        "the notes sheet is not a register: {err:?}"
    );
}
