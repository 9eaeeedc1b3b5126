//! Assessments kept in a workspace: the draft → complete → superseded lifecycle, locking, the
//! tier decision and its effect on the system, newer template versions and the assessments that
//! need review, export, and every error path leaving the workspace unchanged.

use serde_json::{json, Value};
use steward_core::api::assess::{AssessmentStatus, TierChoice};
use steward_core::api::{AuditQuery, Workspace};
use steward_core::assess::{self, Answers, AssessmentResult};
use steward_core::export::ExportFormat;
use steward_core::register::{EuAiActCategory, RiskTier};

use crate::support::{draft, workspace};

fn fixture(name: &str) -> Answers {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/assess")
        .join(name);
    assess::read_answers_file(&path).expect("fixture reads")
}

fn answers(v: Value) -> Answers {
    match v {
        Value::Object(m) => m,
        other => panic!("answers must be an object, got {other}"),
    }
}

fn eu_high_risk() -> Answers {
    let mut a = json!({
        "annex1_product": "no", "annex3_applies": "yes", "annex3_4": ["4(a)"],
        "art6_3_claimed": "no", "art50_applies": "no", "profiling": "yes"
    });
    for p in ["a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"] {
        a[format!("art5_1_{p}")] = "no".into();
    }
    answers(a)
}

fn audit_count(ws: &Workspace) -> usize {
    ws.audit_log(&AuditQuery::default())
        .expect("log reads")
        .into_entries()
        .len()
}

fn accept() -> TierChoice {
    TierChoice {
        accept: true,
        risk_tier: None,
        eu_ai_act_category: None,
        reason: String::new(),
    }
}

fn level(r: &AssessmentResult) -> u8 {
    match r {
        AssessmentResult::Aia(a) => a.impact_level,
        other => panic!("expected an AIA result, got {other:?}"),
    }
}

#[test]
fn draft_is_saved_half_done_resumed_completed_and_locked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Benefits Triage")).expect("adds").id;
    let a = ws.start_assessment(sys, "aia").expect("starts");
    assert_eq!(
        a.status,
        AssessmentStatus::Draft,
        "a new assessment is a draft"
    );
    assert_eq!(
        a.template.version, "1.0.1",
        "answered against the current version"
    );

    let full = fixture("aia-level-3.json");
    let half: Answers = full.clone().into_iter().take(30).collect();
    ws.answer_assessment(a.id, half.clone())
        .expect("half the answers save");
    drop(ws);
    // Resume in a new session: the saved answers are there.
    let mut ws = workspace(dir.path());
    let resumed = ws.assessment(a.id).expect("reads back");
    assert_eq!(resumed.answers, half, "half-done answers survive reopening");
    assert!(
        resumed.answered < resumed.shown,
        "progress shows it is not finished"
    );
    let err = ws
        .complete_assessment(a.id)
        .expect_err("cannot complete half done");
    assert_eq!(
        err.code(),
        "validation",
        "unanswered questions are a validation error"
    );
    assert!(
        err.to_string().contains("not answered"),
        "the error says what is missing: {err}"
    );

    ws.replace_answers(a.id, full)
        .expect("the rest is answered");
    let done = ws.complete_assessment(a.id).expect("completes");
    assert_eq!(done.status, AssessmentStatus::Complete, "complete");
    assert_eq!(level(&done.result), 3, "the fixture is level III");
    assert!(done.completed_at.is_some(), "completion time is recorded");

    let before = audit_count(&ws);
    let err = ws
        .answer_assessment(a.id, answers(json!({"projectDetailsPhase": "item2"})))
        .expect_err("a complete assessment is locked");
    assert_eq!(err.code(), "conflict", "locked is a conflict");
    assert!(
        err.to_string().contains("locked"),
        "the error says it is locked: {err}"
    );
    let err = ws
        .replace_answers(a.id, Answers::new())
        .expect_err("replacing is refused too");
    assert_eq!(err.code(), "conflict", "locked for replace as well");
    assert_eq!(
        audit_count(&ws),
        before,
        "a refused change writes no audit entry"
    );
    assert_eq!(
        ws.assessment(a.id).expect("reads").answers,
        fixture("aia-level-3.json"),
        "answers of a locked assessment are unchanged"
    );
}

#[test]
fn a_new_complete_assessment_supersedes_the_previous_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Grant Screening")).expect("adds").id;
    let first = ws
        .import_assessment(sys, "aia", fixture("aia-level-2.json"))
        .expect("imports");
    ws.complete_assessment(first.id).expect("completes");
    let second = ws
        .import_assessment(sys, "aia", fixture("aia-level-4.json"))
        .expect("a second one may start while the first is complete");
    let err = ws
        .start_assessment(sys, "aia")
        .expect_err("only one draft per system and template");
    assert_eq!(err.code(), "conflict", "a second draft is a conflict");
    assert!(
        err.to_string().contains(&format!("#{}", second.id)),
        "names the draft: {err}"
    );

    ws.complete_assessment(second.id).expect("completes");
    let old = ws.assessment(first.id).expect("the old one is kept");
    assert_eq!(
        old.status,
        AssessmentStatus::Superseded,
        "marked superseded"
    );
    assert_eq!(old.superseded_by, Some(second.id), "by the newer one");
    assert_eq!(level(&old.result), 2, "its result is kept as it was");
    let err = ws
        .decide_assessment(first.id, accept())
        .expect_err("a superseded assessment takes no decision");
    assert!(err.to_string().contains("superseded"), "says why: {err}");

    let other = ws.add_system(draft("Other")).expect("adds").id;
    let eu = ws
        .import_assessment(other, "eu-ai-act", eu_high_risk())
        .expect("imports");
    ws.complete_assessment(eu.id).expect("completes");
    let list = ws.assessments(Some(sys)).expect("lists");
    assert_eq!(
        list.iter().map(|a| (a.id, a.status)).collect::<Vec<_>>(),
        vec![
            (second.id, AssessmentStatus::Complete),
            (first.id, AssessmentStatus::Superseded)
        ],
        "per system, newest first; another system's assessment is not superseded"
    );
    let log = ws
        .audit_log(&AuditQuery {
            entity: Some("assessment".into()),
            entity_id: Some(first.id.to_string()),
            ..Default::default()
        })
        .expect("log reads")
        .into_entries();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for a in ["import", "complete", "supersede"] {
        assert!(actions.contains(&a), "{a} is audited: {actions:?}");
    }
}

#[test]
fn accepting_sets_the_systems_tier_and_an_override_needs_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut d = draft("Recruiting Ranker");
    d.risk_tier = RiskTier::Low;
    let sys = ws.add_system(d).expect("adds").id;
    let a = ws
        .import_assessment(sys, "aia", fixture("aia-level-4.json"))
        .expect("imports");
    let err = ws
        .decide_assessment(a.id, accept())
        .expect_err("a draft takes no decision");
    assert!(
        err.to_string().contains("draft"),
        "says it is a draft: {err}"
    );
    ws.complete_assessment(a.id).expect("completes");

    let before = audit_count(&ws);
    let no_reason = TierChoice {
        accept: false,
        risk_tier: Some(RiskTier::Medium),
        eu_ai_act_category: None,
        reason: "  ".into(),
    };
    let err = ws
        .decide_assessment(a.id, no_reason)
        .expect_err("an override needs a reason");
    assert!(err.to_string().contains("reason"), "names the field: {err}");
    let no_tier = TierChoice {
        accept: false,
        risk_tier: None,
        eu_ai_act_category: None,
        reason: "because".into(),
    };
    assert!(
        ws.decide_assessment(a.id, no_tier)
            .expect_err("needs a tier")
            .to_string()
            .contains("risk_tier"),
        "an override without a tier names the field"
    );
    let eu_on_aia = TierChoice {
        accept: false,
        risk_tier: Some(RiskTier::Medium),
        eu_ai_act_category: Some(EuAiActCategory::Minimal),
        reason: "because".into(),
    };
    assert!(
        ws.decide_assessment(a.id, eu_on_aia).is_err(),
        "an AIA does not set the EU AI Act category"
    );
    assert_eq!(audit_count(&ws), before, "refused decisions write nothing");
    assert_eq!(
        ws.system(sys).expect("reads").draft.risk_tier,
        RiskTier::Low,
        "tier unchanged"
    );

    let decided = ws.decide_assessment(a.id, accept()).expect("accepts");
    let dec = decided.decision.expect("recorded");
    assert!(dec.accepted, "accepted");
    assert_eq!(dec.risk_tier, RiskTier::High, "level IV suggests high");
    assert_eq!(
        ws.system(sys).expect("reads").draft.risk_tier,
        RiskTier::High,
        "the system's tier follows"
    );
    let sys_log = ws
        .audit_log(&AuditQuery {
            entity: Some("system".into()),
            entity_id: Some(sys.to_string()),
            ..Default::default()
        })
        .expect("log reads")
        .into_entries();
    assert!(
        sys_log.iter().any(|e| e.action == "assessment"),
        "the tier change is audited on the system"
    );

    let over = ws
        .decide_assessment(
            a.id,
            TierChoice {
                accept: false,
                risk_tier: Some(RiskTier::Medium),
                eu_ai_act_category: None,
                reason: "Human review of every decision".into(),
            },
        )
        .expect("overrides");
    let dec = over.decision.expect("recorded");
    assert!(
        !dec.accepted && dec.reason == "Human review of every decision",
        "override and reason kept"
    );
    assert_eq!(
        ws.system(sys).expect("reads").draft.risk_tier,
        RiskTier::Medium,
        "override applies"
    );
}

#[test]
fn eu_screening_sets_the_category_and_nist_suggests_no_tier() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("CV Ranker")).expect("adds").id;
    let a = ws
        .import_assessment(sys, "eu-ai-act", eu_high_risk())
        .expect("imports");
    ws.complete_assessment(a.id).expect("completes");
    ws.decide_assessment(a.id, accept()).expect("accepts");
    let s = ws.system(sys).expect("reads");
    assert_eq!(
        s.draft.eu_ai_act_category,
        Some(EuAiActCategory::HighRisk),
        "category set"
    );
    assert_eq!(s.draft.risk_tier, RiskTier::High, "high-risk suggests high");

    let n = ws.start_assessment(sys, "nist-ai-rmf").expect("starts");
    let err = ws.decide_assessment(n.id, accept()).expect_err("draft");
    assert_eq!(err.code(), "conflict", "a draft first");
}

#[test]
fn bad_answers_name_question_and_choice_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Parole Advisor")).expect("adds").id;
    let before = audit_count(&ws);
    let err = ws
        .import_assessment(sys, "aia", answers(json!({"noSuchQuestion": "item1"})))
        .expect_err("unknown question");
    assert!(
        err.to_string().contains("noSuchQuestion"),
        "names the question: {err}"
    );
    let err = ws
        .import_assessment(sys, "aia", answers(json!({"riskProfile1": "item9-9"})))
        .expect_err("unknown choice");
    let msg = err.to_string();
    assert!(
        msg.contains("riskProfile1") && msg.contains("item9-9"),
        "names both: {msg}"
    );
    assert!(
        ws.assessments(Some(sys)).expect("lists").is_empty(),
        "nothing was created"
    );
    assert_eq!(audit_count(&ws), before, "nothing was audited");

    let a = ws.start_assessment(sys, "aia").expect("starts");
    let err = ws
        .answer_assessment(a.id, answers(json!({"riskProfile1": "item9-9"})))
        .expect_err("a bad answer to a draft");
    assert!(
        err.to_string().contains("item9-9"),
        "names the choice: {err}"
    );
    assert!(
        ws.assessment(a.id).expect("reads").answers.is_empty(),
        "nothing saved"
    );

    assert_eq!(
        ws.start_assessment(9999, "aia")
            .expect_err("no system")
            .code(),
        "not_found",
        "unknown system"
    );
    assert_eq!(
        ws.start_assessment(sys, "nope")
            .expect_err("no template")
            .code(),
        "not_found",
        "unknown template"
    );
    assert_eq!(
        ws.assessment(9999).expect_err("none").code(),
        "not_found",
        "unknown assessment"
    );
    assert_eq!(
        ws.complete_assessment(9999).expect_err("none").code(),
        "not_found",
        "complete unknown"
    );
}

#[test]
fn a_newer_template_version_shows_changes_and_assessments_needing_review() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Visa Triage")).expect("adds").id;
    let a = ws
        .import_assessment(sys, "aia", fixture("aia-level-1.json"))
        .expect("imports");
    ws.complete_assessment(a.id).expect("completes");
    assert!(
        !ws.assessment(a.id).expect("reads").needs_review,
        "current version: no review"
    );

    // A newer questionnaire: one question removed, one added, a later date.
    let survey: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/templates/aia/survey-enfr.json"),
        )
        .expect("reads the survey"),
    )
    .expect("json");
    let mut survey = survey;
    let page = &mut survey["pages"][1]["elements"][0]["elements"];
    let removed = page[0]["name"]
        .as_str()
        .expect("a named element")
        .to_string();
    page.as_array_mut().expect("elements").remove(0);
    page.as_array_mut().expect("elements").push(json!({
        "type": "radiogroup", "name": "newQuestion2027",
        "title": {"default": "A new question", "fr": "Une nouvelle question"},
        "choices": [{"value": "item1-0", "text": {"default": "No", "fr": "Non"}}]
    }));
    let newer = json!({
        "template": {"id": "aia", "kind": "aia", "version": "1.1.0", "date": "2027-01-15",
            "title": "Algorithmic Impact Assessment", "source": "test", "licence": "MIT"},
        "survey": survey
    });
    let file = dir.path().join("aia-1.1.0.json");
    std::fs::write(&file, newer.to_string()).expect("writes");
    let info = ws.add_template(&file).expect("adds the newer version");
    assert_eq!(info.version, "1.1.0", "its version");
    ws.add_template(&file)
        .expect("adding the same file again changes nothing");

    let templates = ws.assessment_templates().expect("lists");
    let aia = templates
        .iter()
        .find(|t| t.info.id == "aia")
        .expect("aia listed");
    assert_eq!(aia.info.version, "1.1.0", "the later date is current");
    assert_eq!(aia.older_in_use.len(), 1, "one older version still in use");
    let review = &aia.older_in_use[0];
    assert_eq!(review.version, "1.0.1", "the old version");
    assert!(
        review
            .diff
            .added
            .iter()
            .any(|q| q.name == "newQuestion2027"),
        "added question shown"
    );
    assert!(
        review.diff.removed.iter().any(|q| q.name == removed),
        "removed question shown"
    );
    assert_eq!(
        review.assessments.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![a.id],
        "the assessment answered against 1.0.1 needs review"
    );
    assert!(
        ws.assessment(a.id).expect("reads").needs_review,
        "flagged on the assessment"
    );
    let fresh = ws.start_assessment(sys, "aia").expect("starts");
    assert_eq!(
        fresh.template.version, "1.1.0",
        "new assessments use the newer version"
    );

    // Same id and version, different content: refused.
    let mut clash = newer.clone();
    clash["survey"]["pages"][1]["elements"][0]["elements"]
        .as_array_mut()
        .expect("array")
        .pop();
    std::fs::write(&file, clash.to_string()).expect("writes");
    let err = ws
        .add_template(&file)
        .expect_err("same version, other content");
    assert_eq!(err.code(), "conflict", "a clash is a conflict: {err}");
}

#[test]
fn export_writes_xlsx_and_csv_with_answers_points_and_requirements() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Loan Scorer")).expect("adds").id;
    let a = ws
        .import_assessment(sys, "aia", fixture("aia-level-3.json"))
        .expect("imports");
    ws.complete_assessment(a.id).expect("completes");
    let xlsx = dir.path().join("a.xlsx");
    ws.export_assessment(a.id, ExportFormat::Xlsx, &xlsx)
        .expect("xlsx");
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("calamine reads it");
    let names = book.sheet_names().to_vec();
    for sheet in ["Scores", "Answers", "Requirements"] {
        assert!(
            names.iter().any(|n| n == sheet),
            "{sheet} sheet in {names:?}"
        );
    }
    let scores = book.worksheet_range("Scores").expect("scores sheet");
    let text: Vec<String> = scores
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        text.iter().any(|c| c == "III (3)"),
        "the level is in the workbook: {text:?}"
    );
    assert!(
        text.iter().any(|c| c == "94"),
        "the current score is in the workbook"
    );
    let answers_sheet = book.worksheet_range("Answers").expect("answers sheet");
    assert!(
        answers_sheet.height() > 50,
        "every answered question is listed"
    );

    let csv = dir.path().join("a.csv");
    ws.export_assessment(a.id, ExportFormat::Csv, &csv)
        .expect("csv");
    let body = std::fs::read_to_string(&csv).expect("reads");
    let mut r = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().expect("valid csv");
    let scored: u32 = rows
        .iter()
        .filter(|r| &r[0] == "answer")
        .filter_map(|r| r[6].parse::<u32>().ok())
        .sum();
    let AssessmentResult::Aia(res) = ws.assessment(a.id).expect("reads").result else {
        panic!("aia result");
    };
    assert_eq!(
        scored,
        res.raw_impact_score + res.mitigation_score,
        "the per-question points in the CSV add up to the scores"
    );
    assert!(
        rows.iter().any(|r| &r[0] == "requirement"),
        "requirements are listed"
    );
    let bad = dir.path().join("no/such/dir/a.csv");
    assert!(
        ws.export_assessment(a.id, ExportFormat::Csv, &bad).is_err(),
        "a bad path is an error"
    );
}

#[test]
fn a_nist_self_assessment_completes_but_suggests_no_tier() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let sys = ws.add_system(draft("Forecaster")).expect("adds").id;
    let a = ws.start_assessment(sys, "nist-ai-rmf").expect("starts");
    let t = ws
        .load_template("nist-ai-rmf", &a.template.version)
        .expect("loads");
    // Rate every subcategory at the first level of the scale.
    let all: Answers = t
        .questions
        .iter()
        .filter(|q| q.kind == assess::QuestionType::Radiogroup)
        .map(|q| (q.name.clone(), Value::String(q.choices[0].value.clone())))
        .collect();
    ws.replace_answers(a.id, all).expect("answers save");
    let done = ws.complete_assessment(a.id).expect("completes");
    assert!(
        done.result.suggested_risk_tier().is_none(),
        "NIST suggests no tier"
    );
    let before = audit_count(&ws);
    let err = ws
        .decide_assessment(a.id, accept())
        .expect_err("nothing to accept");
    assert_eq!(err.code(), "validation", "a validation error");
    assert!(
        err.to_string().contains("suggests no risk tier"),
        "says why: {err}"
    );
    assert_eq!(audit_count(&ws), before, "nothing written");
}

#[test]
fn evaluation_shows_conditional_questions_and_lists_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = workspace(dir.path());
    let version = ws
        .current_template("eu-ai-act")
        .expect("loads")
        .info
        .version;
    let check = |a: Value, shown: &[&str], hidden: &[&str]| {
        let e = ws
            .evaluate_answers("eu-ai-act", &version, &answers(a.clone()))
            .expect("evaluates");
        for q in shown {
            assert!(e.visible.iter().any(|v| v == q), "{q} is shown for {a}");
        }
        for q in hidden {
            assert!(!e.visible.iter().any(|v| v == q), "{q} is hidden for {a}");
        }
        e
    };
    let e = check(json!({}), &["annex3_applies"], &["annex3_4"]);
    assert!(
        e.result.is_some() && e.problems.is_empty(),
        "empty answers are valid and scored"
    );
    check(
        json!({"annex3_applies": "yes"}),
        &["annex3_1", "annex3_4"],
        &[],
    );
    check(
        json!({"annex3_applies": "no"}),
        &["annex3_applies"],
        &["annex3_4"],
    );
    let e = ws
        .evaluate_answers(
            "eu-ai-act",
            &version,
            &answers(json!({"annex3_applies": "perhaps"})),
        )
        .expect("evaluates");
    assert!(e.result.is_none(), "no score while an answer is invalid");
    assert_eq!(e.problems.len(), 1, "the bad answer is listed");
    assert_eq!(
        e.problems[0].choice.as_deref(),
        Some("perhaps"),
        "naming the choice"
    );
    assert_eq!(
        ws.evaluate_answers("eu-ai-act", "0.0", &Answers::new())
            .expect_err("no such version")
            .code(),
        "not_found",
        "an unknown version is not found"
    );
}

#[test]
fn a_template_file_that_clashes_with_a_built_in_version_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = workspace(dir.path());
    let mut eu: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/templates/eu-ai-act-screening.json"),
        )
        .expect("reads"),
    )
    .expect("json");
    eu["template"]["title"] = "Edited".into();
    let file = dir.path().join("eu.json");
    std::fs::write(&file, eu.to_string()).expect("writes");
    let before = audit_count(&ws);
    let err = ws
        .add_template(&file)
        .expect_err("same version as the built-in one");
    assert_eq!(err.code(), "conflict", "a clash: {err}");
    assert!(
        err.to_string().contains("built into Steward"),
        "says with what: {err}"
    );
    let missing = dir.path().join("missing.json");
    let err = ws.add_template(&missing).expect_err("no file");
    assert!(
        err.to_string().contains("missing.json"),
        "names the file: {err}"
    );
    assert_eq!(audit_count(&ws), before, "nothing written");
}
