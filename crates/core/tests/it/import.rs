//! Importing the register from .xlsx, .ods and .csv: plans, writes, and every kind of bad input.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use steward_core::api::{AuditQuery, ImportOptions, Workspace};
use steward_core::import::mapping::Mapping;
use steward_core::import::ImportPlan;
use steward_core::register::{AiSystem, Stage};
use steward_core::Error;

use crate::support::{draft, workspace};

/// A cell of a generated sheet: "d:2026-01-31" is a date cell, "n:3" a number, "" nothing.
fn write_xlsx(path: &Path, rows: &[&[&str]]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Register").expect("sheet name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Some(d) = v.strip_prefix("d:") {
                let d = ExcelDateTime::parse_from_str(d).expect("test dates are valid");
                ws.write_datetime_with_format(r, c, &d, &date)
                    .expect("write date");
            } else if let Some(n) = v.strip_prefix("n:") {
                ws.write_number(r, c, n.parse::<f64>().expect("test numbers are valid"))
                    .expect("write number");
            } else if !v.is_empty() {
                ws.write_string(r, c, *v).expect("write text");
            }
        }
    }
    book.save(path).expect("save test workbook");
}

/// The same rows as CSV text separated by `sep` (date and number markers become plain text).
fn csv_text(rows: &[&[&str]], sep: &str) -> String {
    let plain = |v: &str| {
        v.strip_prefix("d:")
            .or_else(|| v.strip_prefix("n:"))
            .unwrap_or(v)
            .to_string()
    };
    let quote = |v: String| {
        if v.contains(sep) || v.contains('"') {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v
        }
    };
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|v| quote(plain(v)))
                .collect::<Vec<_>>()
                .join(sep)
                + "\r\n"
        })
        .collect()
}

/// A workspace holding two systems: "Churn model" (development, Retail) and "Fraud scoring"
/// (production since 2024-05-01, Payments, high risk).
fn seeded(dir: &Path) -> Workspace {
    let mut ws = workspace(&dir.join("ws"));
    let mut churn = draft("Churn model");
    churn.stage = Stage::Development;
    churn.tags = vec!["retention".into()];
    ws.add_system(churn).expect("seed churn");
    let mut fraud = draft("Fraud scoring");
    fraud.business_unit = "Payments".into();
    fraud.stage = Stage::Staging;
    fraud.risk_tier = steward_core::register::RiskTier::High;
    let id = ws.add_system(fraud).expect("seed fraud").id;
    ws.set_stage(id, Stage::Production)
        .expect("fraud goes live");
    ws
}

/// Everything the database holds that an import could change.
fn state(ws: &Workspace) -> (Vec<AiSystem>, usize) {
    let systems = ws.list_systems(&Default::default()).expect("list");
    let audit = ws
        .audit_log(&AuditQuery::default())
        .expect("audit")
        .into_entries()
        .len();
    (systems, audit)
}

const H: &[&str] = &[
    "Name",
    "Business unit",
    "Owner",
    "Stage",
    "Risk tier",
    "Deployment date",
];

enum Kind {
    Xlsx,
    Csv,
}

fn write_input(dir: &Path, kind: Kind, rows: &[&[&str]]) -> PathBuf {
    match kind {
        Kind::Xlsx => {
            let p = dir.join("register.xlsx");
            write_xlsx(&p, rows);
            p
        }
        Kind::Csv => {
            let p = dir.join("register.csv");
            std::fs::write(&p, csv_text(rows, ",")).expect("write csv");
            p
        }
    }
}

/// The import of `rows` is refused with exactly these problems (each given as a fragment of its
/// text, in order), and the workspace is exactly as before.
fn check_refused(kind: Kind, rows: &[&[&str]], expected: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = seeded(dir.path());
    let path = write_input(dir.path(), kind, rows);
    check_refused_file(&mut ws, &path, expected);
}

fn check_refused_file(ws: &mut Workspace, path: &Path, expected: &[&str]) {
    let before = state(ws);
    let err = ws
        .import_systems(path, false)
        .expect_err("the import must be refused");
    let Error::Import { problems } = &err else {
        panic!("a bad file is an import error, got {err:?}")
    };
    let got: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "every problem is reported once: {got:#?}"
    );
    for (g, e) in got.iter().zip(expected) {
        assert!(
            g.contains(e),
            "the problem must say {e:?} so the user can find and fix it; got {g:?}"
        );
        assert!(
            g.contains(&path.display().to_string()),
            "the problem names the file: {g}"
        );
    }
    assert_eq!(state(ws), before, "a refused import writes nothing");
    if let Ok(plan) = ws.plan_import_systems(path) {
        assert_eq!(
            plan.problems, *problems,
            "the plan lists the same problems the import refuses with"
        );
    }
}

#[test]
#[rustfmt::skip]
fn bad_rows_are_refused_with_their_place_and_what_is_accepted() {
    use Kind::*;
    check_refused(Xlsx, &[H, &["Claims triage", "Claims", "B. Owner", "dev", "extreme", ""]], &[
        r#"sheet "Register", row 2, column E (Risk tier), value "extreme": unknown risk tier "extreme"; accepted values: low, medium, high"#,
    ]);
    check_refused(Csv, &[H, &["Claims triage", "Claims", "B. Owner", "alpha", "low", ""]], &[
        r#"row 2, column D (Stage), value "alpha": unknown stage "alpha"; accepted values: proposed, development, validation, staging, production, deprecated, retired"#,
    ]);
    // Day-first and month-first text dates and Excel serials are read (see import_conventions);
    // a text date that could be either, or a serial out of range, is refused.
    check_refused(Xlsx, &[H, &["Claims triage", "Claims", "B. Owner", "production", "low", "11/12/2025"]], &[
        r#"row 2, column F (Deployment date), value "11/12/2025": "11/12/2025" could be 11 December 2025 (day first) or November 12, 2025 (month first); write it as YYYY-MM-DD"#,
    ]);
    check_refused(Xlsx, &[H, &["Claims triage", "Claims", "B. Owner", "production", "low", "n:45"]], &[
        r#"column F (Deployment date), value "45": 45 is not a date: as an Excel date serial it is out of range"#,
    ]);
    check_refused(Csv, &[H, &["Claims triage", "Claims", "B. Owner", "production", "low", "2025-02-30"]], &[
        r#"row 2, column F (Deployment date), value "2025-02-30""#,
    ]);
    check_refused(Xlsx, &[H, &["Claims triage", "Claims", "B. Owner", "production", "low", ""]], &[
        "row 2, column F (Deployment date): Deployment date is required for a system in production",
    ]);
    check_refused(Xlsx, &[H, &["Claims triage", "", "B. Owner", "", "", ""]], &["row 2, column B (Business unit): Business unit is required"]);
    check_refused(Xlsx, &[H, &["", "Claims", "B. Owner", "", "", ""]], &["row 2, column A (Name): Name is required"]);
    check_refused(Xlsx, &[H, &["Claims triage", "Claims", "B", "", "", ""], &["x", "y", "z", "", "", ""], &["CLAIMS TRIAGE", "Claims", "C", "", "", ""]], &[
        r#"row 4, column A (Name), value "CLAIMS TRIAGE": the name "CLAIMS TRIAGE" is already used in row 2 of this file"#,
    ]);
    // Stage changes through an import follow the same transitions as edits.
    check_refused(Xlsx, &[H, &["Churn model", "Retail", "Ann Owner", "production", "medium", "d:2026-10-01"]], &[
        r#"row 2, column D (Stage), value "production": Churn model cannot move from development to production: a system reaches production only from staging"#,
    ]);
    check_refused(Xlsx, &[H, &["fraud scoring", "Payments", "Ann Owner", "retired", "high", "d:2024-05-01"]], &[
        "Fraud scoring cannot move from production to retired: a production system is deprecated first",
    ]);
    // Lists use their cell syntax and say so when they do not.
    check_refused(Xlsx, &[&["Name", "BU", "Owner", "Certifications", "Datasets", "Assumptions"], &["A", "B", "C", "SOC 2", "crm [1y", "Churn low"]], &[
        r#"column D (Certifications), value "SOC 2": certification "SOC 2" needs its expiry date in parentheses: NAME (YYYY-MM-DD)"#,
        r#"column E (Datasets), value "crm [1y": dataset "crm [1y": '[' has no closing ']'"#,
        r#"column F (Assumptions), value "Churn low": assumption "Churn low" needs its review date in parentheses: STATEMENT (review YYYY-MM-DD)"#,
    ]);
    check_refused(Xlsx, &[&["Name", "BU", "Owner", "Datasets"], &["A", "B", "C", "crm; logs [90 days]"]], &[
        "column D (Datasets), value \"crm; logs [90 days]\": item 1: a dataset needs a retention policy or a retain-until date",
    ]);
    check_refused(Xlsx, &[&["Name", "BU", "Owner", "Sourcing"], &["A", "B", "C", "vendor"]], &[
        "row 2: Vendor is required when sourcing is vendor (the file has no Vendor column)",
    ]);
}

#[test]
fn a_file_with_several_errors_reports_all_of_them() {
    check_refused(
        Kind::Xlsx,
        &[
            H,
            &["Good one", "Claims", "B. Owner", "", "", ""],
            &[
                "Bad tier", "Claims", "B. Owner", "staging", "huge", "tomorrow",
            ],
            &["", "", "", "", "", ""],
            &["", "Claims", "", "", "", ""],
            &["Good one", "Claims", "B. Owner", "", "", ""],
        ],
        &[
            r#"row 3, column E (Risk tier), value "huge""#,
            r#"row 3, column F (Deployment date), value "tomorrow""#,
            "row 5, column A (Name): Name is required",
            "row 5, column C (Owner): Owner is required",
            r#"row 6, column A (Name), value "Good one": the name "Good one" is already used in row 2"#,
        ],
    );
}

#[test]
fn unreadable_files_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = seeded(dir.path());
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write input");
        p
    };
    let check = |ws: &mut Workspace, path: PathBuf, expected: &str| {
        check_refused_file(ws, &path, &[expected])
    };
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    check(
        &mut ws,
        file("corrupt.xlsx", &noise),
        "is not a readable .xlsx workbook",
    );
    check(
        &mut ws,
        file("corrupt.ods", b"PK\x03\x04 not really a zip"),
        "is not a readable .ods workbook",
    );
    check(
        &mut ws,
        file("empty.xlsx", b""),
        "the file is empty (0 bytes)",
    );
    check(
        &mut ws,
        file("empty.csv", b""),
        "the file is empty (0 bytes)",
    );
    check(
        &mut ws,
        file("blank.csv", b"\xEF\xBB\xBF\r\n , ,\r\n"),
        "no header row was found",
    );
    check(
        &mut ws,
        file("header-only.csv", b"Name,Business unit,Owner\r\n"),
        "row 1: the file has a header row but no data rows",
    );
    check(
        &mut ws,
        file("register.txt", b"Name\nx\n"),
        "accepted file types are .xlsx, .xlsm, .xls, .ods, .csv",
    );
    check(
        &mut ws,
        file(
            "latin1.csv",
            b"Name,Business unit,Owner\nCaf\xe9 model,Retail,Ann\n",
        ),
        "row 2, column A: the file is not UTF-8 text; save it as \"CSV UTF-8\"",
    );
    check(&mut ws, dir.path().join("missing.xlsx"), "cannot be read");
    let empty_sheet = dir.path().join("empty-sheet.xlsx");
    write_xlsx(&empty_sheet, &[]);
    check(
        &mut ws,
        empty_sheet,
        r#"nothing to import in sheet "Register": no header row was found"#,
    );
    let header_only = dir.path().join("header-only.xlsx");
    write_xlsx(&header_only, &[&[], H]);
    check(
        &mut ws,
        header_only,
        r#"sheet "Register", row 2: the file has a header row but no data rows"#,
    );
}

#[test]
#[rustfmt::skip]
fn headers_must_name_the_required_columns_once() {
    use Kind::*;
    check_refused(Xlsx, &[&["Name", "Purpose"], &["A", "B"]], &[
        r#"required column "Business unit" is missing (a header named one of: Business unit, BU, unit, department"#,
        r#"required column "Owner" is missing (a header named one of: Owner, business owner"#,
    ]);
    check_refused(Csv, &[&["Purpose", "BU", "Owner"], &["A", "B", "C"]], &[r#"required column "Name" is missing"#]);
    check_refused(Csv, &[&["Purpose", "BU", "Owner"], &["A", "B", "C"]], &["the headers found are: Purpose, BU, Owner"]);
    check_refused(Xlsx, &[&["Name", "BU", "Owner", "Department"], &["A", "B", "C", "D"]], &[
        r#"row 1, column D (Department), value "Department": column B (BU) already holds Business unit; keep one of the two columns"#,
    ]);
}

/// The plan for importing `rows` into the seeded workspace: added names, changed names with
/// their changed fields as "Field: before -> after", and the unchanged count.
fn check_plan(
    kind: Kind,
    rows: &[&[&str]],
    adds: &[&str],
    changes: &[(&str, &[&str])],
    unchanged: u32,
) -> ImportPlan {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = seeded(dir.path());
    let path = write_input(dir.path(), kind, rows);
    let plan = ws
        .plan_import_systems(&path)
        .expect("a readable file plans");
    assert_eq!(plan.problems, [], "these rows are clean");
    let got_adds: Vec<&str> = plan.adds.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(got_adds, adds, "new names are added, in file order");
    let got_changes: Vec<(String, Vec<String>)> = plan
        .changes
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.fields
                    .iter()
                    .map(|f| format!("{}: {} -> {}", f.field, f.before, f.after))
                    .collect(),
            )
        })
        .collect();
    let want: Vec<(String, Vec<String>)> = changes
        .iter()
        .map(|(n, f)| (n.to_string(), f.iter().map(|s| s.to_string()).collect()))
        .collect();
    assert_eq!(
        got_changes, want,
        "existing names (ignoring case) are changes, listing each changed field"
    );
    assert_eq!(
        plan.unchanged, unchanged,
        "rows matching the register exactly are counted as unchanged"
    );
    plan
}

#[test]
#[rustfmt::skip]
fn plans_show_adds_changes_and_unchanged_rows() {
    use Kind::*;
    let churn = ["Churn model", "Retail", "Ann Owner", "development", "medium", ""];
    check_plan(Xlsx, &[H, &churn], &[], &[], 1);
    check_plan(Csv, &[H, &churn], &[], &[], 1);
    check_plan(Xlsx, &[H, &churn, &["New one", "Claims", "B. Owner", "", "", ""]], &["New one"], &[], 1);
    check_plan(Xlsx, &[H, &["Churn model", "Retail", "Ann Owner", "validation", "high", ""]], &[], &[("Churn model", &["Stage: development -> validation", "Risk tier: medium -> high"])], 0);
    check_plan(Csv, &[H, &["churn MODEL", "Retail", "Ann Owner", "dev", "Medium", ""]], &[], &[("churn MODEL", &["Name: Churn model -> churn MODEL"])], 0);
    // Absent columns keep the register's values; empty enum cells keep them too.
    check_plan(Xlsx, &[&["Name", "Owner", "BU"], &["Fraud scoring", "Zoe", "Payments"]], &[], &[("Fraud scoring", &["Owner: Ann Owner -> Zoe"])], 0);
    check_plan(Xlsx, &[H, &["Fraud scoring", "Payments", "Ann Owner", "", "", "d:2024-05-01"]], &[], &[("Fraud scoring", &["Deployment date: 2026-11-02 -> 2024-05-01"])], 0);
    check_plan(Csv, &[&["Name", "BU", "Owner", "Tags"], &["Churn model", "Retail", "Ann Owner", ""]], &[], &[("Churn model", &["Tags: retention -> "])], 0);
    check_plan(Csv, &[&["Name", "BU", "Owner", "Tags"], &["Churn model", "Retail", "Ann Owner", "retention; nlp; NLP"]], &[], &[("Churn model", &["Tags: retention -> retention; nlp"])], 0);
    // Headers people use map to the fields, whatever their case and punctuation.
    check_plan(
        Xlsx,
        &[
            &["System Name", "department", "ACCOUNTABLE", "tech_lead", "Build or buy", "supplier", "Lifecycle stage", "risk-level", "AI Act category", "Go-live date"],
            &["Vendor bot", "Service", "Lena", "Omar", "bought", "Acme", "pilot", "Tier 3", "limited", "d:2026-01-15"],
        ],
        &["Vendor bot"],
        &[],
        0,
    );
    let plan = check_plan(Xlsx, &[&["Name", "BU", "Owner", "Notes", ""], &["Churn model", "Retail", "Ann Owner", "call Ann", "x"]], &[], &[], 1);
    let warnings: Vec<String> = plan.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "an unknown column is one warning, not a problem: {warnings:?}");
    assert!(warnings[0].contains("column D (Notes), value \"Notes\": this column names no field and was ignored"), "{}", warnings[0]);
}

#[test]
fn xlsx_csv_and_ods_of_one_register_plan_the_same() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = seeded(dir.path());
    let plan = |p: &Path| {
        let mut plan = ws
            .plan_import_systems(p)
            .unwrap_or_else(|e| panic!("{} plans: {e}", p.display()));
        assert_eq!(plan.problems, [], "the fixture {} is clean", p.display());
        plan.file.clear();
        plan.sheet = None;
        plan
    };
    let xlsx = plan(&fixtures.join("register-small.xlsx"));
    let ods = plan(&fixtures.join("register-small.ods"));
    let names: Vec<&str> = xlsx.adds.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["Claims triage", "Support chatbot", "CV screening"],
        "every fixture row is a new system"
    );
    assert_eq!(
        ods, xlsx,
        "LibreOffice's .ods of the same sheet (dates as ISO strings) reads the same"
    );
    let csv = dir.path().join("semicolons.csv");
    let text = "\u{feff}System name;BU;Accountable;Tech lead;Build or buy;Vendor;Model approach;Lifecycle stage;Regulated domain;EU AI Act;Risk level;Data sensitivity;Go-live date;Certifications;Datasets;Assumptions;Tags\r\n\
        Claims triage;Claims;Dana Whitfield;Omar Haddad;In-house;;gradient boosting;Production;Insurance;High-risk;High;Confidential;2025-03-14;ISO/IEC 42001 (2027-03-31);claims-2024 [7 years after closure] until 2031-12-31;Claim volumes stay within 10% of 2024 (review 2026-09-30);\"claims; triage\"\r\n";
    std::fs::write(&csv, text).expect("write csv");
    let c = plan(&csv);
    assert_eq!(
        c.adds.len(),
        1,
        "a ';' separated CSV with a byte-order mark reads like the spreadsheet"
    );
    assert_eq!(
        c.adds[0].row, 2,
        "CSV rows are numbered like the spreadsheet's"
    );
}

#[test]
fn import_writes_every_row_with_its_audit_entry_or_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = seeded(dir.path());
    let rows: &[&[&str]] = &[
        H,
        &[
            "Churn model",
            "Retail",
            "Ann Owner",
            "validation",
            "high",
            "",
        ],
        &[
            "Fraud scoring",
            "Payments",
            "Ann Owner",
            "production",
            "high",
            "d:2026-11-02",
        ],
        &["Claims triage", "Claims", "B. Owner", "proposed", "low", ""],
    ];
    let path = write_input(dir.path(), Kind::Xlsx, rows);
    let before = state(&ws);

    let dry = ws
        .import_systems(&path, true)
        .expect("a dry run of a clean file succeeds");
    assert_eq!(
        (dry.adds.len(), dry.changes.len(), dry.unchanged),
        (1, 1, 1),
        "the dry run shows what would happen"
    );
    assert_eq!(
        state(&ws),
        before,
        "a dry run writes nothing, not even to the audit log"
    );

    let done = ws
        .import_systems(&path, false)
        .expect("a clean file imports");
    assert_eq!(done, dry, "the import does what the dry run showed");
    let (systems, audit) = state(&ws);
    assert_eq!(systems.len(), 3, "one system added");
    assert_eq!(
        audit,
        before.1 + 3,
        "one audit entry per written record, none for the unchanged row, and one for the import"
    );
    let log = ws
        .audit_log(&AuditQuery::default())
        .expect("audit")
        .into_entries();
    let actions: Vec<&str> = log[before.1..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["import_update", "import_create", "import"],
        "imports are told apart from edits in the log"
    );
    assert!(
        log[before.1]
            .before
            .as_deref()
            .is_some_and(|b| b.contains("\"stage\":\"development\"")),
        "an update keeps the before state"
    );
    assert!(
        ws.verify_audit().expect("verify").is_intact(),
        "the chain stays intact"
    );
    let churn = ws.find_system("churn model").expect("churn");
    assert_eq!(
        (churn.draft.stage, churn.draft.risk_tier.key()),
        (Stage::Validation, "high"),
        "the change was written"
    );

    let again = ws
        .import_systems(&path, false)
        .expect("the same file imports again");
    assert_eq!(
        (again.adds.len(), again.changes.len(), again.unchanged),
        (0, 0, 3),
        "re-importing the same file changes nothing"
    );
    assert_eq!(
        ws.audit_log(&AuditQuery::default())
            .expect("audit")
            .into_entries()
            .len(),
        audit,
        "and logs nothing"
    );
}

/// The portfolio review's columns, under headers people use for them.
const REVIEW: &[&str] = &[
    "Name",
    "BU",
    "Owner",
    "Deployment date",
    "Executive sponsor",
    "Last retrain",
    "Value per year",
    "Data readiness",
    "Strategic fit",
];

#[test]
#[rustfmt::skip]
fn review_fields_are_refused_with_their_place_and_what_is_accepted() {
    use Kind::*;
    check_refused(Xlsx, &[REVIEW, &["A", "B", "C", "d:2024-05-01", "Helen Carter", "d:2024-04-30", "-5", "n:2.5", "n:7"]], &[
        r#"row 2, column F (Last retrain), value "2024-04-30": Last retrained is before the deployment date (2024-05-01)"#,
        r#"row 2, column G (Value per year), value "-5": Annual value must be 0 or more: the value per year in the workspace's currency"#,
        r#"row 2, column H (Data readiness), value "2.5": "2.5" is not a whole number from 1 to 5; write a whole number from 1 to 5, or leave it empty when not assessed"#,
        r#"row 2, column I (Strategic fit), value "7": Strategic alignment must be a whole number from 1 (little fit) to 5 (core to the strategy), or empty when not assessed"#,
    ]);
    check_refused(Csv, &[REVIEW, &["A", "B", "C", "", "", "2026-11-03", "EUR 1.2m", "high", "0"]], &[
        r#"row 2, column F (Last retrain), value "2026-11-03": Last retrained 2026-11-03 is after today (2026-11-02); enter the date the model was last retrained, today or earlier"#,
        r#"row 2, column G (Value per year), value "EUR 1.2m": "EUR 1.2m" is not an amount; write the value per year in the workspace's currency as a plain number, e.g. 1250000"#,
        r#"row 2, column H (Data readiness), value "high": "high" is not a whole number from 1 to 5"#,
        r#"row 2, column I (Strategic fit), value "0": Strategic alignment must be a whole number from 1 (little fit) to 5"#,
    ]);
    check_refused(Csv, &[REVIEW, &["A", "B", "C", "", "", "01/10/2026", "", "6", ""]], &[
        r#"row 2, column F (Last retrain), value "01/10/2026": "01/10/2026" could be 1 October 2026 (day first) or January 10, 2026 (month first)"#,
        r#"row 2, column H (Data readiness), value "6": Data readiness must be a whole number from 1 (no usable data) to 5 (production-grade)"#,
    ]);
}

#[test]
#[rustfmt::skip]
fn review_fields_import_under_their_names_and_synonyms() {
    use Kind::*;
    let set = &[
        "Sponsor:  -> Helen Carter",
        "Last retrained:  -> 2026-10-01",
        "Annual value:  -> 1250000.5",
        "Data readiness:  -> 3",
        "Strategic alignment:  -> 4",
    ];
    check_plan(
        Xlsx,
        &[
            &["Name", "BU", "Owner", "Sponsor", "Last retrained", "Annual value", "Data readiness", "Strategic alignment"],
            &["Churn model", "Retail", "Ann Owner", "Helen Carter", "d:2026-10-01", "n:1250000.5", "n:3", "4"],
        ],
        &[],
        &[("Churn model", set)],
        0,
    );
    check_plan(
        Csv,
        &[
            &["Name", "BU", "Owner", "Exec. sponsor", "Last retraining", "Expected annual value", "Readiness", "Strategy fit"],
            &["Churn model", "Retail", "Ann Owner", "Helen Carter", "2026-10-01", "1250000.50", "3", "4"],
        ],
        &[],
        &[("Churn model", set)],
        0,
    );
    // Present but empty cells: no value, never zero.
    check_plan(Csv, &[REVIEW, &["Churn model", "Retail", "Ann Owner", "", "", "", "", "", ""]], &[], &[], 1);
}

#[test]
fn an_import_sets_and_clears_review_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = seeded(dir.path());
    let set: &[&[&str]] = &[
        REVIEW,
        &[
            "Fraud scoring",
            "Payments",
            "Ann Owner",
            "d:2024-05-01",
            "Helen Carter",
            "d:2026-09-15",
            "n:0",
            "n:5",
            "n:2",
        ],
    ];
    ws.import_systems(&write_input(dir.path(), Kind::Xlsx, set), false)
        .expect("a clean file imports");
    let fraud = ws.find_system("Fraud scoring").expect("fraud").draft;
    assert_eq!(
        (
            fraud.sponsor.as_str(),
            fraud.last_retrained.map(|d| d.to_string()),
            fraud.annual_value,
            fraud.data_readiness,
            fraud.strategic_alignment
        ),
        (
            "Helen Carter",
            Some("2026-09-15".to_string()),
            Some(0.0),
            Some(5),
            Some(2)
        ),
        "every review field is written; a value of 0 is a value"
    );
    let clear: &[&[&str]] = &[
        REVIEW,
        &[
            "Fraud scoring",
            "Payments",
            "Ann Owner",
            "d:2024-05-01",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    ws.import_systems(&write_input(dir.path(), Kind::Csv, clear), false)
        .expect("a clean file imports");
    let fraud = ws.find_system("Fraud scoring").expect("fraud").draft;
    assert_eq!(
        (
            fraud.sponsor.as_str(),
            fraud.last_retrained,
            fraud.annual_value,
            fraud.data_readiness,
            fraud.strategic_alignment
        ),
        ("", None, None, None, None),
        "empty cells in present columns clear the fields"
    );
}

/// The audit entries of an import are the same bytes, and so the same hashes, whatever makes
/// them faster: every field of a system in every form a file gives it (closed values by their
/// synonyms, lists, dates in two forms, numbers, a vendor column read as sourcing), an
/// update beside additions, and the import's own entry. The hashes were taken from the entries
/// as Steward wrote them before canonical JSON was written straight from the record; stored
/// chains and signed packs depend on them never changing.
#[test]
fn an_imports_audit_entries_are_byte_for_byte_as_before() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = seeded(dir.path());
    let rows: &[&[&str]] = &[
        &[
            "Name",
            "Purpose",
            "BU",
            "Owner",
            "Tech lead",
            "Vendor",
            "Approach",
            "Status",
            "Domain",
            "AI Act",
            "Risk",
            "Sensitivity",
            "Go-live",
            "Certifications",
            "Datasets",
            "Assumptions",
            "Tags",
            "Executive sponsor",
            "Last retrain",
            "Value per year",
            "Data readiness",
            "Strategic fit",
            "Notes",
        ],
        &[
            "Churn model",
            "Predicts \"churn\" – weekly\u{a0}",
            "Retail",
            "Ann Owner",
            "",
            "In-house",
            "gradient boosting",
            "Validation",
            "finance",
            "high risk",
            "High",
            "Confidential",
            "",
            "",
            "crm-2025 [7 years] until 2032-12-31",
            "",
            "retention",
            "",
            "",
            "",
            "",
            "",
            "keep",
        ],
        &[
            "Claims triage",
            "Routes claims",
            "Claims",
            "B. Owner",
            "Łukasz Żółw",
            "Acme AI",
            "LLM",
            "Live",
            "Healthcare",
            "Limited",
            "tier 2",
            "restricted",
            "31/03/2026",
            "ISO/IEC 42001 (2027-03-31); SOC 2 (2026-12-31)",
            "claims-2024 [7 years after closure]; notes [90 days]",
            "Volumes stay within 10% of plan (review 2027-01-15)",
            "claims; llm",
            "Helen Carter",
            "2026-10-01",
            "1250000.5",
            "4",
            "5",
            "",
        ],
        &[
            "Doc search",
            "",
            "Operations",
            "C. Owner",
            "",
            "",
            "",
            "Pilot",
            "none",
            "",
            "low",
            "internal",
            "2026-01-31",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "x",
        ],
    ];
    let path = dir.path().join("register.csv");
    std::fs::write(&path, csv_text(rows, ",")).expect("write csv");
    let seeded = state(&ws).1;
    let mapping = Mapping::from_toml(
        "date_order = \"day-first\"\n[columns]\n\"Tech lead\" = \"technical_lead\"\n\
         Notes = \"ignore\"\n[values.risk_tier]\n\"tier 2\" = \"high\"\n",
    )
    .expect("a mapping");
    let opts = ImportOptions {
        sheet: None,
        mapping: Some(("file map.toml".into(), mapping)),
    };
    let plan = ws
        .import_systems_with(&path, false, &opts, &mut |_| true)
        .expect("the file imports");
    assert_eq!((plan.adds.len(), plan.changes.len()), (2, 1));
    let log = ws
        .audit_log(&AuditQuery::default())
        .expect("audit")
        .into_entries();
    let hashes: Vec<&str> = log[seeded..].iter().map(|e| e.hash.as_str()).collect();
    let import = log.last().expect("the import's entry");
    let file = path.display().to_string();
    assert_eq!(
        import.after.as_deref().map(|a| a.replace(&file, "FILE")),
        Some(IMPORT_DOC.to_string()),
        "the import's own entry, the temporary file's path aside"
    );
    assert_eq!(
        hashes[..3],
        SYSTEM_HASHES,
        "the entries of the records the import wrote, and their chain"
    );
    assert!(ws.verify_audit().expect("verify").is_intact());
}

const IMPORT_DOC: &str = r#"{"added":2,"changed":1,"decisions":["FILE, row 1, column E (Tech lead), value \"Tech lead\": read as Technical lead (mapping file map.toml)","FILE, row 1, column W (Notes), value \"Notes\": ignored (mapping file map.toml)","FILE, row 1, column F (Vendor): the file has no Sourcing column: a row whose vendor is empty, \"In-house\", \"Internal\", \"None\", \"N/A\" or \"-\" is an in-house system, a row naming a vendor is a vendor's system","FILE, row 3, column F (Vendor), value \"Acme AI\": a vendor named with no sourcing given: read as a vendor's system","FILE, row 2, column F (Vendor), value \"In-house\": vendor \"In-house\" read as an in-house system","FILE, row 3, column K (Risk), value \"tier 2\": \"tier 2\" read as high (mapping file map.toml)","FILE, row 3, column M (Go-live), value \"31/03/2026\": text dates read day first, as the mapping says"],"file":"FILE","mapping":{"columns":{"Notes":"ignore","Tech lead":"technical_lead"},"date_order":"day-first","source":"file map.toml","values":{"risk_tier":{"tier 2":"high"}}},"rows":3,"sha256":"486779f23bcd95fbe9946c862236d5e2c45767713eee0fd690d5fffbbca51bfa","sheet":null,"unchanged":0}"#;
const SYSTEM_HASHES: [&str; 3] = [
    "977cc0534e37364c0a1e36f0425f277bdf171cf73600ee6fc1fb7b7b992b03b3",
    "e9e29796e7ac9df1c82a453e2d464347c747cde37812503b4116fe805a75b15f",
    "2085e33a969596f4b59f972dd58da5c3ab18da71790db841c8b9df39f525f374",
];
