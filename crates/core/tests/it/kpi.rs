//! KPI linkage through the API: KPIs, links and cycles, measurements entered and imported,
//! escalations and their order independence, the views, and the export.

use std::path::Path;

use calamine::{open_workbook_auto, Reader};
use rust_xlsxwriter::Workbook;
use steward_core::api::kpi::MeasurementInput;
use steward_core::api::{AuditQuery, Workspace};
use steward_core::export::ExportFormat;
use steward_core::kpi::{
    Cadence, Direction, EscalationRule, EscalationState, Kpi, KpiDraft, KpiKind, Status,
};
use steward_core::Error;

use crate::support::{draft, workspace};

fn kpi_draft(system_id: i64, name: &str, kind: KpiKind, cadence: Cadence) -> KpiDraft {
    KpiDraft {
        system_id,
        name: name.into(),
        kind,
        unit: "points".into(),
        direction: Direction::HigherIsBetter,
        target: 80.0,
        warning: 76.0,
        breach: 72.0,
        cadence,
    }
}

/// A workspace with "Churn" (AUC: monthly model metric; Retention: business outcome) and
/// "Offers" (Uptake: model metric; Revenue: quarterly business outcome).
fn setup(dir: &Path) -> (Workspace, Kpi, Kpi, Kpi, Kpi) {
    let mut ws = workspace(dir);
    let churn = ws.add_system(draft("Churn")).expect("system");
    let offers = ws.add_system(draft("Offers")).expect("system");
    let auc = ws
        .add_kpi(kpi_draft(
            churn.id,
            "AUC",
            KpiKind::ModelMetric,
            Cadence::Monthly,
        ))
        .expect("kpi");
    let ret = ws
        .add_kpi(kpi_draft(
            churn.id,
            "Retention",
            KpiKind::BusinessOutcome,
            Cadence::Monthly,
        ))
        .expect("kpi");
    let up = ws
        .add_kpi(kpi_draft(
            offers.id,
            "Uptake",
            KpiKind::ModelMetric,
            Cadence::Monthly,
        ))
        .expect("kpi");
    let rev = ws
        .add_kpi(kpi_draft(
            offers.id,
            "Revenue",
            KpiKind::BusinessOutcome,
            Cadence::Quarterly,
        ))
        .expect("kpi");
    (ws, auc, ret, up, rev)
}

fn measure(ws: &mut Workspace, k: &Kpi, period: &str, value: f64) {
    ws.record_measurement(MeasurementInput {
        kpi_id: k.id,
        period: period.into(),
        value,
        source: "test".into(),
        note: String::new(),
    })
    .unwrap_or_else(|e| panic!("{period} = {value} records: {e}"));
}

fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn thresholds_are_checked_against_the_direction() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("S")).expect("system");
    let mut d = kpi_draft(s.id, "AUC", KpiKind::ModelMetric, Cadence::Monthly);
    d.warning = 85.0;
    assert_eq!(
        fields(ws.add_kpi(d.clone()).expect_err("refused")),
        ["warning"],
        "warning above target"
    );
    d.direction = Direction::LowerIsBetter;
    d.target = 10.0;
    d.warning = 12.0;
    d.breach = 11.0;
    assert_eq!(
        fields(ws.add_kpi(d.clone()).expect_err("refused")),
        ["breach"],
        "breach below warning"
    );
    d.name = " ".into();
    d.system_id = 999;
    assert_eq!(
        fields(ws.add_kpi(d).expect_err("refused")),
        ["name", "system_id", "breach"],
        "every bad field is named at once"
    );
    assert!(
        ws.kpis().expect("list").is_empty(),
        "a refused KPI writes nothing"
    );
    let ok = ws
        .add_kpi(kpi_draft(
            s.id,
            "AUC",
            KpiKind::ModelMetric,
            Cadence::Monthly,
        ))
        .expect("valid");
    assert!(
        matches!(
            ws.add_kpi(kpi_draft(
                s.id,
                "auc",
                KpiKind::ModelMetric,
                Cadence::Monthly
            )),
            Err(Error::Conflict(_))
        ),
        "names are unique per system, ignoring case"
    );
    assert_eq!(
        ws.kpis().expect("list"),
        [ok],
        "only the valid KPI is stored"
    );
}

#[test]
fn links_drive_outcomes_across_systems_and_never_close_a_cycle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ret, up, rev) = setup(dir.path());
    ws.link_kpis(auc.id, ret.id, 0.3, "AUC lifts retention")
        .expect("link within a system");
    ws.link_kpis(up.id, ret.id, 0.4, "shared outcome")
        .expect("a link across systems");
    ws.link_kpis(ret.id, rev.id, 2.0, "retention drives revenue")
        .expect("outcome to outcome");
    let e = ws
        .link_kpis(ret.id, auc.id, 1.0, "")
        .expect_err("a link must end at a business outcome");
    assert_eq!(fields(e), ["to"], "AUC is a model metric");
    // Revenue -> Retention would close Retention -> Revenue -> Retention.
    let mut d = kpi_draft(
        up.draft.system_id,
        "Revenue 2",
        KpiKind::BusinessOutcome,
        Cadence::Monthly,
    );
    d.name = "Margin".into();
    let margin = ws.add_kpi(d).expect("kpi");
    ws.link_kpis(rev.id, margin.id, 1.0, "").expect("a chain");
    match ws.link_kpis(margin.id, ret.id, 1.0, "") {
        Err(Error::Conflict(m)) => assert!(
            m.contains("Margin -> Retention -> Revenue -> Margin"),
            "the cycle is named in order: {m}"
        ),
        other => panic!("a cycle must be refused, got {other:?}"),
    }
    assert!(
        matches!(
            ws.link_kpis(auc.id, ret.id, 0.5, ""),
            Err(Error::Conflict(_))
        ),
        "no duplicate link"
    );
    assert_eq!(
        ws.kpi_links().expect("links").len(),
        4,
        "refused links write nothing"
    );
}

#[test]
fn measurements_have_status_and_a_correction_is_audited_with_before_and_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, _, _, rev) = setup(dir.path());
    measure(&mut ws, &auc, "2026-01", 81.0);
    let r = ws
        .record_measurement(MeasurementInput {
            kpi_id: auc.id,
            period: "2026-01".into(),
            value: 74.0,
            source: "monitoring".into(),
            note: "recomputed".into(),
        })
        .expect("a correction");
    assert_eq!(
        r.status,
        Status::Warning,
        "74 is below the warning threshold of 76"
    );
    assert_eq!(
        r.previous.map(|p| p.value),
        Some(81.0),
        "the value it replaced"
    );
    assert_eq!(
        ws.kpi_measurements(auc.id).expect("list").len(),
        1,
        "one value per period, never a duplicate"
    );
    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("measurement".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries();
    assert_eq!(log.len(), 2, "one entry per hand-entered value");
    assert_eq!(log[1].action, "update");
    assert!(
        log[1].before.as_deref().is_some_and(|b| b.contains("81")),
        "before holds the old value"
    );
    assert!(
        log[1].after.as_deref().is_some_and(|a| a.contains("74")),
        "after holds the new value"
    );

    for (kpi, period, value, field) in [
        (&auc, "2026-Q1", 70.0, "period"),
        (&rev, "2026-03", 70.0, "period"),
        (&auc, "2026-02", f64::NAN, "value"),
    ] {
        let e = ws
            .record_measurement(MeasurementInput {
                kpi_id: kpi.id,
                period: period.into(),
                value,
                source: String::new(),
                note: String::new(),
            })
            .expect_err("refused");
        assert_eq!(
            fields(e),
            [field],
            "{period} = {value} for {}",
            kpi.draft.name
        );
    }
    assert_eq!(
        ws.kpi_measurements(auc.id).expect("list").len(),
        1,
        "refused values write nothing"
    );
}

#[test]
fn escalations_open_rise_and_stay_until_a_person_resolves_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, _, _, _) = setup(dir.path());
    measure(&mut ws, &auc, "2026-01", 70.0);
    assert!(
        ws.escalations(None).expect("list").is_empty(),
        "one breach opens nothing (rule: 2)"
    );
    measure(&mut ws, &auc, "2026-02", 71.0);
    let open = ws.escalations(None).expect("list");
    assert_eq!(open.len(), 1, "two consecutive breaches open level 1");
    assert_eq!(
        (open[0].level, open[0].opened_period.as_str()),
        (1, "2026-02")
    );
    assert_eq!(
        open[0].due_date, "2026-03-14",
        "14 days after February ends"
    );
    measure(&mut ws, &auc, "2026-03", 60.0);
    measure(&mut ws, &auc, "2026-04", 60.0);
    let e = &ws.escalations(None).expect("list")[0];
    assert_eq!(
        (e.level, e.level_name.as_str(), e.breaches),
        (3, "portfolio board", 4),
        "raised to level 3"
    );
    measure(&mut ws, &auc, "2026-05", 85.0);
    let e = ws.escalations(None).expect("list").remove(0);
    assert_eq!(
        e.state,
        EscalationState::Open,
        "a recovered KPI closes nothing by itself"
    );
    assert!(
        matches!(
            ws.resolve_escalation(e.id, "  "),
            Err(Error::Validation { .. })
        ),
        "resolving needs a note"
    );
    let acked = ws
        .acknowledge_escalation(e.id, "looking into the drift")
        .expect("ack");
    assert_eq!(acked.acknowledged_by.as_deref(), Some("tester"));
    assert!(
        matches!(
            ws.acknowledge_escalation(e.id, "again"),
            Err(Error::Conflict(_))
        ),
        "only open ones are acknowledged"
    );
    let done = ws
        .resolve_escalation(e.id, "retrained on 2026 data")
        .expect("resolve");
    assert_eq!(done.state, EscalationState::Resolved);
    assert_eq!(
        done.resolved_note.as_deref(),
        Some("retrained on 2026 data")
    );
    let actions: Vec<String> = ws
        .audit_log(&AuditQuery {
            entity: Some("escalation".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["open", "escalate", "escalate", "acknowledge", "resolve"],
        "every step is audited"
    );
}

#[test]
fn escalations_are_the_same_whatever_order_measurements_arrive_in() {
    let values = [
        ("2025-01", 70.0),
        ("2025-02", 70.0),
        ("2025-03", 81.0),
        ("2025-05", 70.0), // April is missing: May starts a new run
        ("2025-06", 70.0),
        ("2025-07", 70.0),
    ];
    let run = |order: &[usize]| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut ws, auc, ..) = setup(dir.path());
        for &i in order {
            measure(&mut ws, &auc, values[i].0, values[i].1);
        }
        ws.escalations(None)
            .expect("list")
            .into_iter()
            .map(|e| {
                (
                    e.run_start,
                    e.opened_period,
                    e.level,
                    e.breaches,
                    e.due_date,
                )
            })
            .collect::<Vec<_>>()
    };
    let forward = run(&[0, 1, 2, 3, 4, 5]);
    assert_eq!(
        forward,
        [
            (
                "2025-01".into(),
                "2025-02".into(),
                1,
                2,
                "2025-03-14".into()
            ),
            (
                "2025-05".into(),
                "2025-06".into(),
                2,
                3,
                "2025-08-14".into()
            ),
        ],
        "two runs, split by the missing April"
    );
    assert_eq!(run(&[5, 4, 3, 2, 1, 0]), forward, "reverse order");
    assert_eq!(run(&[3, 0, 5, 2, 4, 1]), forward, "shuffled order");
}

#[test]
fn a_corrected_value_withdraws_an_open_escalation_it_no_longer_supports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ..) = setup(dir.path());
    measure(&mut ws, &auc, "2026-01", 70.0);
    measure(&mut ws, &auc, "2026-02", 70.0);
    assert_eq!(ws.escalations(None).expect("list").len(), 1);
    measure(&mut ws, &auc, "2026-02", 79.0);
    assert!(
        ws.escalations(None).expect("list").is_empty(),
        "the run is gone, and so is the open escalation"
    );
}

#[test]
fn a_system_rule_overrides_the_workspace_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, _, up, _) = setup(dir.path());
    let strict = EscalationRule {
        level1_after: 1,
        level2_after: 2,
        level3_after: 3,
        due_days: 7,
    };
    ws.set_escalation_rule(Some(auc.draft.system_id), strict)
        .expect("rule");
    measure(&mut ws, &auc, "2026-01", 70.0);
    measure(&mut ws, &up, "2026-01", 70.0);
    let list = ws.escalations(None).expect("list");
    assert_eq!(list.len(), 1, "only Churn's rule opens on one breach");
    assert_eq!(
        (list[0].kpi.as_str(), list[0].due_date.as_str()),
        ("AUC", "2026-02-07")
    );
    let bad = EscalationRule {
        level1_after: 3,
        level2_after: 3,
        level3_after: 2,
        due_days: 7,
    };
    assert_eq!(
        fields(ws.set_escalation_rule(None, bad).expect_err("refused")),
        ["level2_after", "level3_after"]
    );
}

fn write_xlsx(path: &Path, rows: &[&[&str]]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Data").expect("name");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if let Some(n) = v.strip_prefix("n:") {
                ws.write_number(r as u32, c as u16, n.parse::<f64>().expect("number"))
                    .expect("write");
            } else if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).expect("write");
            }
        }
    }
    book.save(path).expect("save");
}

#[test]
fn import_writes_all_in_one_go_and_a_reimport_updates_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ..) = setup(dir.path());
    let file = dir.path().join("m.xlsx");
    write_xlsx(
        &file,
        &[
            &["System", "KPI", "Period", "Value", "Source"],
            &["Churn", "AUC", "2026-01", "n:70", "mlflow"],
            &["churn", "auc", "2026-02", "n:71", "mlflow"],
            &["Offers", "Revenue", "2026-Q1", "n:90", ""],
        ],
    );
    let dry = ws.import_measurements(&file, true).expect("dry run");
    assert_eq!((dry.added, dry.kpis), (3, 2));
    assert!(
        ws.kpi_measurements(auc.id).expect("list").is_empty(),
        "a dry run writes nothing"
    );
    let plan = ws.import_measurements(&file, false).expect("import");
    assert_eq!(plan.added, 3);
    assert_eq!(
        ws.escalations(None).expect("list").len(),
        1,
        "the import ran the rules"
    );
    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("measurement_import".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries();
    assert_eq!(log.len(), 1, "one audit entry per import, not per row");
    let after = log[0].after.as_deref().expect("after");
    assert!(
        after.contains("\"added\":3") && after.contains("sha256"),
        "{after}"
    );

    write_xlsx(
        &file,
        &[
            &["System", "KPI", "Period", "Value", "Source"],
            &["Churn", "AUC", "2026-01", "n:70", "mlflow"],
            &["Churn", "AUC", "2026-02", "n:79", "mlflow"],
        ],
    );
    let plan = ws.import_measurements(&file, false).expect("re-import");
    assert_eq!((plan.added, plan.unchanged, plan.updated.len()), (0, 1, 1));
    let u = &plan.updated[0];
    assert_eq!(
        (u.period.as_str(), u.before, u.after, u.row),
        ("2026-02", 71.0, 79.0, 3),
        "the update is named"
    );
    assert_eq!(
        ws.kpi_measurements(auc.id).expect("list").len(),
        2,
        "no duplicate period"
    );
    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("measurement_import".into()),
            entity_id: None,
            ..Default::default()
        })
        .expect("log")
        .into_entries();
    assert!(
        log[1]
            .after
            .as_deref()
            .is_some_and(|a| a.contains("\"before\":71.0") && a.contains("\"after\":79.0")),
        "the audit entry records before and after: {:?}",
        log[1].after
    );
    assert!(
        ws.escalations(None).expect("list").is_empty(),
        "the corrected run no longer calls for one"
    );
}

#[test]
fn an_xlsx_import_reads_the_sheet_as_a_dry_run_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ..) = setup(dir.path());
    // Blank rows above and inside, a row of spaces, and a first column left empty.
    let layout = |path: &Path, value: &str| {
        write_xlsx(
            path,
            &[
                &[],
                &["", "  "],
                &["", "System", "KPI", "Period", "Value", "Source", "Remarks"],
                &["", "Churn", "AUC", "2026-01", "n:70", "mlflow"],
                &[],
                &["", "churn", "auc", "2026-02", value, "", "x"],
                &["", "Offers", "Revenue", "2026-Q1", "n:90"],
            ],
        )
    };
    let bad = dir.path().join("bad.xlsx");
    layout(&bad, "high");
    let problems = |e: steward_core::Error| match e {
        steward_core::Error::Import { problems } => problems,
        other => panic!("an import error, not {other:?}"),
    };
    let dry = problems(ws.import_measurements(&bad, true).expect_err("refused"));
    let real = problems(ws.import_measurements(&bad, false).expect_err("refused"));
    assert_eq!(real, dry, "the same problems, at the same rows and columns");
    assert_eq!(
        (real[0].row, real[0].column.as_deref()),
        (Some(6), Some("E (Value)"))
    );
    assert!(ws.kpi_measurements(auc.id).expect("list").is_empty());

    let good = dir.path().join("good.xlsx");
    layout(&good, "n:71");
    let dry = ws.import_measurements(&good, true).expect("dry run");
    let real = ws.import_measurements(&good, false).expect("import");
    assert_eq!(real, dry, "the same plan, warnings and counts");
    assert_eq!((real.rows, real.added, real.warnings.len()), (3, 3, 1));
    assert_eq!(ws.kpi_measurements(auc.id).expect("list").len(), 2);
}

/// Rewrites an .xlsx so that its sheet stores the last row first, as some writers do.
fn move_last_row_first(path: &Path) {
    crate::support::rewrite_sheet_xml(path, |xml| {
        let first = xml.find("<row ").expect("a first row");
        let last = xml.rfind("<row ").expect("a last row");
        let end = xml.find("</sheetData>").expect("sheet data");
        format!(
            "{}{}{}{}",
            &xml[..first],
            &xml[last..end],
            &xml[first..last],
            &xml[end..]
        )
    });
}

#[test]
fn an_xlsx_whose_rows_are_stored_out_of_order_imports_in_row_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ..) = setup(dir.path());
    let file = dir.path().join("m.xlsx");
    write_xlsx(
        &file,
        &[
            &["System", "KPI", "Period", "Value"],
            &["Churn", "AUC", "2026-01", "n:70"],
            &["Churn", "AUC", "2026-02", "n:71"],
            &["Churn", "AUC", "2026-02", "n:72"],
        ],
    );
    move_last_row_first(&file);
    let problems = |e: steward_core::Error| match e {
        steward_core::Error::Import { problems } => problems,
        other => panic!("an import error, not {other:?}"),
    };
    let dry = problems(ws.import_measurements(&file, true).expect_err("refused"));
    let real = problems(ws.import_measurements(&file, false).expect_err("refused"));
    assert_eq!(real, dry, "the duplicate is named as a dry run names it");
    assert_eq!(real.len(), 1);
    assert_eq!(real[0].row, Some(4), "the later row is the duplicate");
    assert!(ws.kpi_measurements(auc.id).expect("list").is_empty());
}

#[test]
fn import_problems_name_file_sheet_row_and_column_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ..) = setup(dir.path());
    let file = dir.path().join("bad.xlsx");
    write_xlsx(
        &file,
        &[
            &["System", "KPI", "Period", "Value"],
            &["Churn", "AUC", "2026-01", "n:70"],
            &["Churn", "AUC", "2026-Q2", "n:70"],
            &["Churn", "AUC", "2026-02", "high"],
            &["Nowhere", "AUC", "2026-02", "n:1"],
            &["Churn", "Precision", "2026-02", "n:1"],
            &["Offers", "Revenue", "2026-03", "n:1"],
            &["Churn", "AUC", "2026-01", "n:71"],
            &["Churn", "AUC", "", ""],
        ],
    );
    let problems = match ws.import_measurements(&file, false) {
        Err(Error::Import { problems }) => problems,
        other => panic!("expected import problems, got {other:?}"),
    };
    let got: Vec<(Option<u32>, Option<String>, bool)> = problems
        .iter()
        .map(|p| (p.row, p.column.clone(), p.sheet.as_deref() == Some("Data")))
        .collect();
    let c = |s: &str| Some(s.to_string());
    assert_eq!(
        got,
        [
            (Some(3), c("C (Period)"), true),
            (Some(4), c("D (Value)"), true),
            (Some(5), c("A (System)"), true),
            (Some(6), c("B (KPI)"), true),
            (Some(7), c("C (Period)"), true),
            (Some(8), c("C (Period)"), true),
            (Some(9), c("C (Period)"), true),
            (Some(9), c("D (Value)"), true),
        ],
        "{problems:#?}"
    );
    let msg = |i: usize| problems[i].message.clone();
    assert!(
        msg(0).contains("is a quarter but this KPI is measured monthly"),
        "{}",
        msg(0)
    );
    assert!(msg(1).contains("is not a number"), "{}", msg(1));
    assert!(
        msg(2).contains("no AI system named \"Nowhere\""),
        "{}",
        msg(2)
    );
    assert!(
        msg(3).contains("its KPIs are: AUC, Retention"),
        "{}",
        msg(3)
    );
    assert!(msg(4).contains("measured quarterly"), "{}", msg(4));
    assert!(msg(5).contains("row 2 already gives AUC"), "{}", msg(5));
    assert!(
        problems.iter().all(|p| p.file.ends_with("bad.xlsx")),
        "the file is named"
    );
    assert!(
        ws.kpi_measurements(auc.id).expect("list").is_empty(),
        "all or nothing: the good row is not written"
    );

    let csv = dir.path().join("nohead.csv");
    std::fs::write(&csv, "Sys,KPI,When,Amount\nChurn,AUC,2026-01,3\n").expect("write");
    match ws.import_measurements(&csv, true) {
        Err(Error::Import { problems }) => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.message.contains("required column \"System\" is missing")),
                "{problems:#?}"
            );
            assert!(
                problems.iter().all(|p| p.sheet.is_none()),
                "a CSV has no sheet"
            );
        }
        other => panic!("missing columns must be refused, got {other:?}"),
    }
}

#[test]
fn views_and_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, auc, ret, up, _) = setup(dir.path());
    ws.link_kpis(auc.id, ret.id, 0.3, "").expect("link");
    ws.link_kpis(up.id, ret.id, 0.4, "").expect("link");
    for (p, v) in [("2026-01", 70.0), ("2026-02", 70.0), ("2026-03", 75.0)] {
        measure(&mut ws, &auc, p, v);
    }
    measure(&mut ws, &ret, "2026-03", 90.0);
    let status = ws.kpi_status().expect("status");
    let a = status.iter().find(|s| s.kpi == "AUC").expect("AUC");
    assert_eq!(
        (
            a.latest_period.as_deref(),
            a.latest_value,
            a.status,
            a.consecutive_breaches
        ),
        (Some("2026-03"), Some(75.0), Some(Status::Warning), 0)
    );
    let view = ws.kpi_linkage(auc.draft.system_id).expect("linkage");
    assert_eq!(
        view.kpis[0].status.kind,
        KpiKind::ModelMetric,
        "model metrics come first"
    );
    assert_eq!(
        view.links.len(),
        2,
        "both links into Retention, one from another system"
    );
    assert!(
        view.kpis[0].chart_svg.starts_with("<svg"),
        "the trend chart is SVG"
    );
    assert!(
        view.kpis[0].chart_svg.contains("Target"),
        "the chart shows the target line"
    );
    let p = ws.kpi_portfolio().expect("portfolio");
    assert_eq!(
        p.attention.len(),
        1,
        "AUC is in warning; Retention (90) is on target"
    );
    assert_eq!(p.escalations.len(), 1);

    let xlsx = dir.path().join("kpis.xlsx");
    assert_eq!(
        ws.export_kpis(ExportFormat::Xlsx, &xlsx).expect("export"),
        4
    );
    let mut book = open_workbook_auto(&xlsx).expect("calamine reads the export");
    assert_eq!(
        book.sheet_names(),
        ["Measurements", "KPIs", "Links", "Escalations", "Charts"]
    );
    let m = book.worksheet_range("Measurements").expect("sheet");
    assert_eq!(m.height(), 5, "header and four measurements");
    let esc = book.worksheet_range("Escalations").expect("sheet");
    assert_eq!(esc.height(), 2, "header and the one escalation");
    let bytes = std::fs::read(&xlsx).expect("read");
    let zip_has_chart = bytes
        .windows(b"xl/charts/chart1.xml".len())
        .any(|w| w == b"xl/charts/chart1.xml");
    assert!(zip_has_chart, "the workbook holds an Excel chart");

    // The export imports back unchanged.
    let plan = ws
        .import_measurements(&xlsx, true)
        .expect("re-import of the export");
    assert_eq!((plan.added, plan.updated.len(), plan.unchanged), (0, 0, 4));
    let csv = dir.path().join("m.csv");
    ws.export_kpis(ExportFormat::Csv, &csv).expect("csv");
    let plan = ws.import_measurements(&csv, true).expect("csv re-import");
    assert_eq!(plan.unchanged, 4, "the csv imports back unchanged too");
}

#[test]
fn the_demo_portfolio_shows_drift_and_open_escalations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    steward_core::demo::populate(&mut ws).expect("demo");
    let status = ws.kpi_status().expect("status");
    assert!(status.len() >= 12, "a dozen KPIs");
    let auc = status.iter().find(|s| s.kpi == "AUC").expect("churn AUC");
    assert_eq!(auc.measurements, 24, "24 months");
    assert_eq!(
        auc.latest_period.as_deref(),
        Some("2026-10"),
        "ending last month (the clock says 2026-11)"
    );
    assert_eq!(
        auc.status,
        Some(Status::Breach),
        "the churn model drifted into breach"
    );
    let esc = ws.escalations(None).expect("list");
    assert!(
        esc.iter()
            .filter(|e| e.state == EscalationState::Open)
            .count()
            >= 2,
        "escalations are open: {esc:#?}"
    );
    assert!(
        esc.iter().any(|e| e.state == EscalationState::Resolved),
        "and one was resolved with a note"
    );
    assert!(
        ws.verify_audit().expect("verify").is_intact(),
        "the sample keeps the audit chain intact"
    );
}

#[test]
fn kpi_migration_upgrades_a_schema_2_workspace_with_systems() {
    // A workspace as schema 2 left it: both earlier migrations applied, one system registered.
    let dir = tempfile::tempdir().expect("temp dir");
    let c =
        rusqlite::Connection::open(dir.path().join(steward_core::api::DB_FILE)).expect("create");
    c.execute_batch(include_str!("../../../store/src/migrations/0001_init.sql"))
        .expect("0001");
    c.execute_batch(include_str!(
        "../../../store/src/migrations/0002_certificates.sql"
    ))
    .expect("0002");
    c.execute_batch(
        "PRAGMA application_id = 1398036292; PRAGMA user_version = 2;
         INSERT INTO systems (name, business_unit, owner, sourcing, stage, regulated_domain,
            risk_tier, data_sensitivity, created_at, updated_at)
         VALUES ('Legacy', 'Retail', 'Ann', 'in_house', 'production', 'none', 'low', 'internal',
            '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
    )
    .expect("schema 2 data");
    drop(c);
    let mut ws = workspace(dir.path());
    assert_eq!(
        ws.schema_version().expect("version"),
        steward_core::api::SCHEMA_VERSION,
        "upgraded through every later migration, 0006 (KPIs) included"
    );
    let legacy = ws
        .find_system("Legacy")
        .expect("the system survives the upgrade");
    let k = ws
        .add_kpi(kpi_draft(
            legacy.id,
            "AUC",
            KpiKind::ModelMetric,
            Cadence::Monthly,
        ))
        .expect("kpi");
    measure(&mut ws, &k, "2026-01", 70.0);
    assert_eq!(
        ws.kpi_status().expect("status")[0].status,
        Some(Status::Breach)
    );
}

#[test]
fn a_value_typed_into_the_form_is_checked_by_core_naming_the_field() {
    use steward_core::api::kpi::MeasurementEntry;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let s = ws.add_system(draft("Churn")).expect("system");
    let k = ws
        .add_kpi(kpi_draft(
            s.id,
            "AUC",
            KpiKind::ModelMetric,
            Cadence::Monthly,
        ))
        .expect("kpi");
    let entry = |value: &str, period: &str| MeasurementEntry {
        kpi_id: k.id,
        period: period.into(),
        value: value.into(),
        source: String::new(),
        note: String::new(),
    };
    for (typed, says) in [
        ("1,5", "'.' for decimals"),
        ("82%", "no % sign"),
        ("  ", "missing"),
    ] {
        let e = ws
            .enter_measurement(entry(typed, "2026-01"))
            .expect_err(typed);
        let steward_core::Error::Validation { fields, .. } = e else {
            panic!("{typed}: a validation error")
        };
        assert_eq!(fields[0].field, "value", "{typed}");
        assert!(
            fields[0].message.contains(says),
            "{typed}: {}",
            fields[0].message
        );
    }
    // A bad value and a bad period are both named at once.
    let e = ws
        .enter_measurement(entry("x", "2026-13"))
        .expect_err("both");
    assert_eq!(fields(e), ["period", "value"]);
    assert!(
        ws.kpi_measurements(k.id).expect("list").is_empty(),
        "nothing written"
    );
    let r = ws
        .enter_measurement(entry(" 81.5 ", "2026-01"))
        .expect("records");
    assert_eq!(r.measurement.value, 81.5);
}
