//! The board pack of a quarterly portfolio review: its report model (snapshot), the signed PDF
//! checked by pdfsig and qpdf, the workbook read back by calamine, the audit pack that carries
//! every frozen review, and the refusal of a draft.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use steward_core::api::kpi::MeasurementInput;
use steward_core::api::review::{ActionInput, Attendee, DecisionInput, ReviewDraft, ReviewScope};
use steward_core::api::Workspace;
use steward_core::error::Remedy;
use steward_core::kpi::{Cadence, Direction, KpiDraft, KpiKind};
use steward_core::register::{RiskTier, Stage};
use steward_core::report::{self, Block};
use steward_core::review::Disposition;
use steward_core::sign::Signer;

use crate::identity::run_ok;
use crate::support::{ctx, draft, workspace};

const LLM: &str = include_str!("../../../../tests/fixtures/tco/llm-service.toml");

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn header(period: &str, held_on: NaiveDate) -> ReviewDraft {
    ReviewDraft {
        period: period.into(),
        title: String::new(),
        held_on,
        chair: "Dana Chair".into(),
        attendees: vec![
            Attendee {
                name: "Eve Risk".into(),
                role: "Chief risk officer".into(),
            },
            Attendee {
                name: "Finn Data".into(),
                role: "Head of data science".into(),
            },
        ],
        scope: ReviewScope::default(),
    }
}

fn decision(d: Disposition, rationale: &str) -> DecisionInput {
    DecisionInput {
        decision: d,
        rationale: rationale.into(),
        dissent: Vec::new(),
        conditions: String::new(),
        budget: None,
    }
}

fn signer(root: &Path, name: &str) -> Signer {
    crate::support::signer(root, name, "Board secretary")
}

/// Four systems: a production model whose AUC breached through Q3 2026 (the rules recommend
/// retraining it; it has a value but no TCO scenario), a search service with a value and a TCO
/// scenario (plotted), a high-risk screen with neither (not plotted), and a proposal. Reviewed
/// in 2026-Q2 (decided; one action left open) and 2026-Q3 (decided, overrides with rationale
/// and dissent, one action, and a value learnt after the freeze).
pub(crate) fn portfolio(dir: &Path) -> Workspace {
    let mut ws = workspace(dir);
    let mut d = draft("Churn Predictor");
    d.stage = Stage::Production;
    d.risk_tier = RiskTier::Medium;
    d.deployment_date = Some(day(2025, 3, 1));
    d.last_retrained = Some(day(2025, 12, 1));
    d.sponsor = "Gail Sponsor".into();
    d.annual_value = Some(300_000.0);
    let churn = ws.add_system(d).expect("churn").id;
    let mut d = draft("Doc Search");
    d.stage = Stage::Production;
    d.risk_tier = RiskTier::Low;
    d.deployment_date = Some(day(2025, 6, 1));
    d.annual_value = Some(2_000_000.0);
    d.sponsor = "Hal Sponsor".into();
    ws.add_system(d).expect("search");
    let mut d = draft("Fraud Screen");
    d.stage = Stage::Production;
    d.risk_tier = RiskTier::High;
    d.deployment_date = Some(day(2025, 9, 1));
    ws.add_system(d).expect("fraud");
    let mut d = draft("Claims Triage");
    d.annual_value = Some(250_000.0);
    ws.add_system(d).expect("proposal");

    let mut s = steward_core::tco::from_toml(LLM).expect("the fixture reads");
    s.systems = vec!["Doc Search".into()];
    ws.create_tco(s).expect("a scenario tied to Doc Search");
    let auc = ws
        .add_kpi(KpiDraft {
            system_id: churn,
            name: "AUC".into(),
            kind: KpiKind::ModelMetric,
            unit: "points".into(),
            direction: Direction::HigherIsBetter,
            target: 80.0,
            warning: 76.0,
            breach: 72.0,
            cadence: Cadence::Monthly,
        })
        .expect("kpi")
        .id;
    for (period, value) in [("2026-07", 71.0), ("2026-08", 70.0), ("2026-09", 69.5)] {
        ws.record_measurement(MeasurementInput {
            kpi_id: auc,
            period: period.into(),
            value,
            source: "test".into(),
            note: String::new(),
        })
        .expect("measurement");
    }

    ws.create_review(&header("2026-Q2", day(2026, 7, 10)))
        .expect("Q2");
    ws.freeze_review("2026-Q2").expect("freeze Q2");
    let q2 = ws.review("2026-Q2").expect("Q2");
    for i in &q2.items {
        let rec = i.recommendation.as_ref().expect("a rule fires").disposition;
        let (d, why) = if i.scorecard.system == "Churn Predictor" {
            (Disposition::Retain, "A replacement ships next quarter")
        } else {
            (rec, "")
        };
        ws.decide("2026-Q2", &i.scorecard.system, &decision(d, why))
            .expect("decide Q2");
    }
    ws.add_review_action(
        "2026-Q2",
        &ActionInput {
            system: "Churn Predictor".into(),
            title: "Weekly drift report".into(),
            owner: "Liam O'Connor".into(),
            due: day(2026, 8, 15),
        },
    )
    .expect("action Q2");

    ws.create_review(&header("2026-Q3", day(2026, 10, 15)))
        .expect("Q3");
    ws.freeze_review("2026-Q3").expect("freeze Q3");
    let mut retrain = decision(Disposition::Retrain, "");
    retrain.conditions = "Retrained model validated by model risk before release".into();
    retrain.budget = Some(40_000.0);
    ws.decide("2026-Q3", "Churn Predictor", &retrain)
        .expect("retrain");
    let mut scale = decision(
        Disposition::Scale,
        "Claims handlers ask for it in two more countries",
    );
    scale.dissent = vec!["Finn Data".into()];
    scale.budget = Some(100_000.0);
    ws.decide("2026-Q3", "Doc Search", &scale).expect("scale");
    ws.decide(
        "2026-Q3",
        "Fraud Screen",
        &decision(Disposition::Retain, ""),
    )
    .expect("retain");
    let mut fund = decision(Disposition::Fund, "Regulator expects faster triage");
    fund.budget = Some(150_000.0);
    ws.decide("2026-Q3", "Claims Triage", &fund).expect("fund");
    ws.add_review_action(
        "2026-Q3",
        &ActionInput {
            system: "Doc Search".into(),
            title: "Rollout plan for two countries".into(),
            owner: "Hal Sponsor".into(),
            due: day(2026, 12, 1),
        },
    )
    .expect("action Q3");
    // After the freeze the register learns Fraud Screen's value: the pack keeps the frozen
    // figures and names the input that moved.
    let fraud = ws
        .list_systems(&Default::default())
        .expect("systems")
        .into_iter()
        .find(|s| s.draft.name == "Fraud Screen")
        .expect("fraud");
    let mut d = fraud.draft.clone();
    d.annual_value = Some(50_000.0);
    ws.update_system(fraud.id, d)
        .expect("a value after the freeze");
    ws
}

/// The model as text, with its chart's points, the workspace path and the snapshot hash
/// replaced.
fn dumped(ws: &Workspace, model: &report::Report) -> String {
    let v = ws.review("2026-Q3").expect("Q3");
    let mut text = crate::report::dump(model);
    for b in model.sections.iter().flat_map(|s| &s.blocks) {
        if let Block::Chart(c) = b {
            text.push_str(&format!("\n[points of {:?}]\n", c.title));
            for p in &c.points {
                text.push_str(&format!(
                    "  {} ({}): x={:.0} y={:.0} size={:.0}\n",
                    p.label, p.group, p.x, p.y, p.size
                ));
            }
        }
    }
    let path = match ws.team() {
        Some(team) => team.to_string(),
        None => ws
            .path()
            .and_then(|p| p.parent().map(|d| d.display().to_string()))
            .expect("a workspace on disk"),
    };
    text.replace(&path, "<workspace>").replace(
        v.snapshot_hash.as_deref().expect("frozen"),
        "<snapshot-sha256>",
    )
}

#[test]
fn board_pack_model_of_a_frozen_and_decided_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = portfolio(dir.path());
    let v = ws.review("2026-Q3").expect("Q3");
    let cmp = ws.compare_reviews("2026-Q2", "2026-Q3").expect("compare");
    let model = report::review_pack(
        &v,
        Some(&cmp),
        None,
        "<workspace>",
        ctx().clock.now(),
        "tester",
    );
    model
        .check()
        .expect("the builder makes a model the writers accept");
    let headings: Vec<&str> = model.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Attestation",
            "Dispositions",
            "Value against cost",
            "KPI breaches",
            "Actions",
            "Movement since last quarter",
            "Budget balance",
            "ISO/IEC 42001 clause 9.3 inputs"
        ],
        "the attestation comes first, the checklist last"
    );
    let chart = model.charts().next().expect("a value against cost chart");
    let plotted: Vec<&str> = chart.points.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        plotted,
        ["Doc Search"],
        "only a system in service with both a cost and a value is plotted"
    );
    insta::assert_snapshot!("review_pack_model", dumped(&ws, &model));
}

#[test]
fn the_api_compares_with_the_latest_earlier_frozen_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(dir.path());
    // A later draft does not change the pack of Q3; a draft before Q2 would not be compared.
    ws.create_review(&header("2026-Q4", day(2027, 1, 14)))
        .expect("Q4 draft");
    let pdf = ws
        .review_pack_pdf("2026-Q3", None)
        .expect("the pack renders");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let first = ws.review_pack_pdf("2026-Q2", None).expect("Q2 renders");
    assert!(
        first.starts_with(b"%PDF-"),
        "the first review has a pack too"
    );
}

#[test]
fn the_signed_board_pack_is_valid_for_pdfsig_and_qpdf() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = portfolio(&dir.path().join("data"));
    let secretary = signer(dir.path(), "Sam Secretary");
    let pdf = ws
        .review_pack_pdf("2026-Q3", Some(&secretary))
        .expect("a signed pack");
    let path = dir.path().join("pack.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let file = path.to_str().expect("utf-8");
    let said = run_ok(dir.path(), "pdfsig", &[file]);
    assert!(
        said.contains("Signature is Valid."),
        "pdfsig accepts the board pack's signature: {said}"
    );
    assert!(
        said.contains("Sam Secretary"),
        "pdfsig names the signer: {said}"
    );
    run_ok(dir.path(), "qpdf", &["--check", file]);
    let text = run_ok(dir.path(), "pdftotext", &[file, "-"]);
    let hash = ws
        .review("2026-Q3")
        .expect("Q3")
        .snapshot_hash
        .expect("frozen");
    for want in [
        "Attestation",
        "Dispositions",
        "Not plotted: missing run cost: Churn Predictor.",
        "Not plotted: missing run cost and value: Fraud Screen.",
        "Weekly drift report",
        "ISO/IEC 42001",
    ] {
        assert!(text.contains(want), "the pack says {want:?}:\n{text}");
    }
    assert!(
        text.replace(['\n', ' '], "").contains(&hash),
        "the snapshot's SHA-256 is printed"
    );

    // Through the writer: a signed workbook is refused, an unknown format named.
    let out = dir.path().join("pack.xlsx");
    let e = ws
        .write_review_pack("2026-Q3", "xlsx", Some(&secretary), &out)
        .expect_err("only a PDF is signed");
    assert_eq!(e.code(), "validation");
    assert!(!out.exists(), "nothing is written");
    let e = ws
        .write_review_pack("2026-Q3", "docx", None, &out)
        .expect_err("unknown format");
    assert!(e.to_string().contains("expected pdf or xlsx"), "{e}");
    let n = ws
        .write_review_pack("2026-Q3", "pdf", Some(&secretary), &path)
        .expect("written");
    assert_eq!(n as u64, std::fs::metadata(&path).expect("file").len());
}

#[test]
fn the_workbook_has_a_sheet_per_table_and_missing_inputs_are_empty() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = portfolio(dir.path());
    let bytes = ws.review_pack_xlsx("2026-Q3").expect("a workbook");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("calamine reads it");
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Scorecards",
            "Rules fired",
            "Decisions",
            "Actions",
            "Changes"
        ]
    );
    let cards = book.worksheet_range("Scorecards").expect("Scorecards");
    let rows: Vec<&[Data]> = cards.rows().collect();
    let col = |name: &str| {
        rows[0]
            .iter()
            .position(|c| *c == name)
            .unwrap_or_else(|| panic!("a column {name:?}: {:?}", rows[0]))
    };
    let row = |system: &str| {
        rows.iter()
            .find(|r| r[col("System")] == system)
            .unwrap_or_else(|| panic!("a row for {system}"))
    };
    let (cost, value, roi) = (
        col("Running cost per year"),
        col("Value per year"),
        col("ROI"),
    );
    let fraud = row("Fraud Screen");
    assert_eq!(
        (&fraud[cost], &fraud[value], &fraud[roi]),
        (&Data::Empty, &Data::Empty, &Data::Empty),
        "a missing input is an empty cell, never zero"
    );
    assert!(
        matches!(row("Churn Predictor")[value], Data::Float(v) if v == 300_000.0),
        "a known value is a number"
    );
    assert!(
        matches!(row("Doc Search")[cost], Data::Float(v) if v > 0.0),
        "the TCO scenario's running cost"
    );
    assert_eq!(
        row("Churn Predictor")[col("KPIs in breach")],
        Data::Float(1.0),
        "a count is a number"
    );

    let fired = book.worksheet_range("Rules fired").expect("Rules fired");
    let text = format!("{:?}", fired.rows().collect::<Vec<_>>());
    assert!(
        text.contains("performance-decay") && text.contains("breach_months"),
        "each input that fired a rule is a row: {text}"
    );
    let decisions = book.worksheet_range("Decisions").expect("Decisions");
    let text = format!("{:?}", decisions.rows().collect::<Vec<_>>());
    assert!(
        text.contains("Claims handlers ask for it") && text.contains("Finn Data"),
        "rationale and dissent: {text}"
    );
    let actions = book.worksheet_range("Actions").expect("Actions");
    assert_eq!(
        actions.rows().count(),
        3,
        "a header, the action carried over and the one set"
    );
    let changes = book.worksheet_range("Changes").expect("Changes");
    let text = format!("{:?}", changes.rows().collect::<Vec<_>>());
    assert!(
        text.contains("changed") && text.contains("Scale"),
        "movements since 2026-Q2: {text}"
    );
}

#[test]
fn the_audit_pack_carries_every_frozen_review_and_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(&dir.path().join("data"));
    ws.create_review(&header("2026-Q4", day(2027, 1, 14)))
        .expect("a draft");
    let secretary = signer(dir.path(), "Sam Secretary");
    let out = dir.path().join("pack.zip");
    let summary = ws
        .create_pack(&secretary, &out, &mut |_| true)
        .expect("the pack is written");
    let paths: Vec<&str> = summary.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "reports/review-2026-Q2.pdf",
        "reports/review-2026-Q2.xlsx",
        "reports/review-2026-Q3.pdf",
        "reports/review-2026-Q3.xlsx",
    ] {
        assert!(paths.contains(&p), "{p} is in the pack: {paths:?}");
    }
    assert!(
        !paths.iter().any(|p| p.contains("2026-Q4")),
        "a draft has no board pack: {paths:?}"
    );
    let report =
        steward_core::pack::verify_pack(&out, &[secretary.certificate_info()]).expect("verifies");
    assert!(report.valid, "the pack verifies: {:?}", report.findings);
    for period in ["2026-Q2", "2026-Q3"] {
        let file = format!("reports/review-{period}.pdf");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.file.as_deref() == Some(&file)
                    && f.message.starts_with("valid PDF signature")),
            "verify checks the signature of {file}: {:?}",
            report.findings
        );
    }
}

#[test]
fn a_draft_has_no_board_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = portfolio(dir.path());
    ws.create_review(&header("2026-Q4", day(2027, 1, 14)))
        .expect("a draft");
    for e in [
        ws.review_pack_pdf("2026-Q4", None).expect_err("refused"),
        ws.review_pack_xlsx("2026-Q4").expect_err("refused"),
    ] {
        assert_eq!(e.code(), "conflict", "{e:?}");
        assert!(
            e.to_string().contains("is a draft: freeze it first"),
            "the error says why and what to do: {e}"
        );
        assert_eq!(
            e.remedy(),
            Some(&Remedy::FreezeReview {
                period: "2026-Q4".into()
            }),
            "the remedy names the review to freeze, for the CLI and the app to word"
        );
    }
    let out = dir.path().join("draft.pdf");
    ws.write_review_pack("2026-Q4", "pdf", None, &out)
        .expect_err("refused");
    assert!(!out.exists(), "nothing is written for a draft");
}

#[test]
fn a_pack_is_one_state_of_the_workspace_while_another_process_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = crate::support::workspace(dir.path());
    for i in 0..5 {
        ws.add_system(crate::support::draft(&format!("System {i}")))
            .expect("adds");
    }
    let signer = crate::support::signer(dir.path(), "Ann Lee", "Risk officer");
    // Another Steward on the same workspace registers a system at every step of the pack.
    let mut other = crate::support::workspace(dir.path());
    let mut added = 0;
    let out = dir.path().join("pack.zip");
    ws.create_pack(&signer, &out, &mut |_| {
        added += 1;
        other
            .add_system(crate::support::draft(&format!("Added meanwhile {added}")))
            .expect("the other writer is not blocked");
        true
    })
    .expect("pack");
    assert!(
        added >= 3,
        "the other process wrote during the pack: {added}"
    );
    let report =
        steward_core::pack::verify_pack(&out, &[signer.certificate_info()]).expect("verifies");
    assert!(report.valid, "one state: {:#?}", report.findings);
    let manifest = report.manifest.expect("manifest");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.file.as_deref() == Some("data/audit-log.csv")
                && f.message.contains("ends at the chain head")),
        "the audit log is checked against the chain head: {:#?}",
        report.findings
    );
    assert_eq!(
        manifest.audit_chain.length, 6,
        "the chain as the pack began: five systems and the seal the pack makes"
    );
    // The pack's register holds the five systems of that state, none added meanwhile.
    let file = std::fs::File::open(&out).expect("opens");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut csv = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("data/register.csv").expect("csv"),
        &mut csv,
    )
    .expect("reads");
    assert_eq!(csv.lines().count(), 6, "a header and five systems:\n{csv}");
    assert!(!csv.contains("Added meanwhile"));
}

#[test]
fn a_pack_whose_audit_log_stops_short_of_its_chain_head_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let signer = crate::support::signer(dir.path(), "Ann Lee", "Risk officer");
    let out = dir.path().join("pack.zip");
    let log = "seq,at,actor,entity,entity_id,action,before,after,prev_hash,hash\n\
               1,2026-11-02T09:30:00Z,tester,system,1,create,,{},0,aaaa\n\
               2,2026-11-02T09:30:00Z,tester,system,2,create,,{},aaaa,bbbb\n";
    let anchor = steward_core::pack::ChainAnchor {
        length: 3,
        head: "cccc".into(),
    };
    steward_core::pack::write_pack(
        &out,
        vec![steward_core::pack::PackFile {
            path: "data/audit-log.csv".into(),
            bytes: log.as_bytes().to_vec(),
        }],
        ("test", "tester", anchor),
        &signer,
        crate::support::ctx().clock.now(),
        &mut |_| true,
    )
    .expect("writes");
    let report =
        steward_core::pack::verify_pack(&out, &[signer.certificate_info()]).expect("verifies");
    assert!(!report.valid, "a cut log fails");
    let finding = report
        .findings
        .iter()
        .find(|f| {
            f.file.as_deref() == Some("data/audit-log.csv")
                && f.level == steward_core::pack::FindingLevel::Error
        })
        .expect("names the log");
    assert!(
        finding.message.contains("2 entries") && finding.message.contains("says 3"),
        "{}",
        finding.message
    );
}
