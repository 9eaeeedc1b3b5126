//! Impact assessments: AIA scoring against the official rules, the SurveyJS `visibleIf`
//! evaluator on every expression of the official questionnaire, the EU AI Act screening on cases
//! written from the Regulation, the NIST AI RMF profile, and template version differences.
//!
//! Expected AIA scores in the fixtures were computed by an independent implementation of
//! ../shared/data/aia/README.md (not this crate), and the answer files were built from the
//! official questionnaire in the official tool's SurveyJS data format.

use serde_json::{json, Value};
use steward_core::assess::{self, diff, expr, Answers, AssessmentResult, Template};
use steward_core::register::{EuAiActCategory, RiskTier};

const AIA_SURVEY: &str = include_str!("../../../../assets/templates/aia/survey-enfr.json");

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/assess/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

fn answers(v: Value) -> Answers {
    match v {
        Value::Object(m) => m,
        other => panic!("answers must be a JSON object, got {other}"),
    }
}

fn template(id: &str) -> Template {
    assess::builtin(id).unwrap_or_else(|e| panic!("built-in template {id}: {e}"))
}

fn aia_result(t: &Template, a: &Answers) -> assess::aia::AiaResult {
    match assess::score(t, a) {
        Ok(AssessmentResult::Aia(r)) => r,
        Ok(other) => panic!("an aia template gives an aia result, got {other:?}"),
        Err(e) => panic!("scoring must succeed: {e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// AIA scoring

/// Scores `a` with the built-in AIA and compares the official four numbers
/// [raw impact, mitigation, current score, level].
fn check_aia(what: &str, a: &Answers, expected: [u32; 4]) {
    let r = aia_result(&template("aia"), a);
    let o = r.official();
    let got = [
        o.raw_impact_score,
        o.mitigation_score,
        o.current_score,
        u32::from(o.impact_level),
    ];
    assert_eq!(got, expected, "{what}: [raw, mitigation, current, level]");
    assert_eq!(
        (r.max_raw_impact_score, r.max_mitigation_score),
        (167, 154),
        "{what}: README's maxima"
    );
}

fn check_aia_file(name: &str, expected: [u32; 4]) {
    let a = assess::parse_answers(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_aia(name, &a, expected);
}

#[test]
fn aia_answer_files_score_as_the_official_tool() {
    check_aia_file("aia-level-1.json", [30, 20, 30, 1]);
    // Saved by the tool with its {"version", "currentPage", "data"} wrapper.
    check_aia_file("aia-level-2.json", [70, 40, 70, 2]);
    // Carries stale answers to hidden questions (the other phase, data questions switched off).
    check_aia_file("aia-level-3.json", [110, 70, 94, 3]);
    check_aia_file("aia-level-4.json", [160, 77, 136, 4]);
    // The 80% threshold is 0.8 x 154 / 2 = 61.6: 62 earns the 15% reduction, 61 does not.
    check_aia_file("aia-mitigation-62.json", [98, 62, 83, 2]);
    check_aia_file("aia-mitigation-61.json", [98, 61, 98, 3]);
}

#[test]
fn aia_boundary_cases() {
    let cases: Vec<Value> =
        serde_json::from_str(&fixture("aia-cases.json")).expect("cases are JSON");
    assert!(
        cases.len() >= 13,
        "every level boundary, rounding and threshold case is there"
    );
    for c in cases {
        let e = &c["expected"];
        let n = |k: &str| {
            e[k].as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .expect("expected numbers")
        };
        let expected = [
            n("raw_impact_score"),
            n("mitigation_score"),
            n("current_score"),
            n("impact_level"),
        ];
        check_aia(
            c["name"].as_str().unwrap_or("case"),
            &answers(c["answers"].clone()),
            expected,
        );
    }
}

#[test]
fn aia_checkbox_sums_and_hidden_answers() {
    let check = |what: &str, a: Value, expected: [u32; 4]| check_aia(what, &answers(a), expected);
    check("nothing answered", json!({}), [0, 0, 0, 1]);
    check(
        "checkbox sums its ticks",
        json!({"decisionSector1": ["item1-1", "item2-1", "item6-1"]}),
        [3, 0, 3, 1],
    );
    check(
        "choices without a weight score 0",
        json!({"businessDrivers1": ["item1", "item6"]}),
        [0, 0, 0, 1],
    );
    check(
        "a shown checkbox with weights 3 + 3",
        json!({"aboutDataSource1": "item1-2", "aboutDataSource14": ["item4-3", "item5-3"]}),
        [8, 0, 8, 1],
    );
    check(
        "the same ticks hidden by aboutDataSource1 = no",
        json!({"aboutDataSource1": "item2-0", "aboutDataSource14": ["item4-3", "item5-3"]}),
        [0, 0, 0, 1],
    );
    check(
        "a dropdown scores its choice",
        json!({"impact6": "item4-4", "aboutDataSource2": "item5-4"}),
        [8, 0, 8, 1],
    );
    check(
        "design mitigation in the design phase",
        json!({"projectDetailsPhase": "item1", "fairnessDesign2": "item1-2"}),
        [0, 2, 0, 1],
    );
    check(
        "design mitigation hidden in implementation",
        json!({"projectDetailsPhase": "item2", "fairnessDesign2": "item1-2"}),
        [0, 0, 0, 1],
    );
    check(
        "no phase chosen: no mitigation page is shown",
        json!({"fairnessImplementation2": "item1-2"}),
        [0, 0, 0, 1],
    );
    check(
        "a hidden answer hides what depends on it",
        json!({"projectDetailsPhase": "item2", "fairnessDesign24": "item1-2", "fairnessDesign24A": "item1-1"}),
        [0, 0, 0, 1],
    );
    check(
        "radiogroups score their choice",
        json!({"aboutSystem3": "item3-1", "aboutSystem4": "item4-1"}),
        [2, 0, 2, 1],
    );
}

#[test]
fn aia_contains_on_a_radiogroup_matches_the_value_as_text() {
    let t = template("aia");
    // `{aboutSystem3} contains ["item3"]`: SurveyJS tests a string answer by substring, so the
    // radiogroup value "item3-1" shows aboutSystem3B and "item2-0" shows aboutSystem3A.
    let check = |answer: &str, shown: &str, hidden: &str| {
        let a = answers(json!({ "aboutSystem3": answer }));
        let names: Vec<_> = assess::visible_questions(&t, &a)
            .iter()
            .map(|q| q.name.clone())
            .collect();
        assert!(names.iter().any(|n| n == shown), "{answer} shows {shown}");
        assert!(
            !names.iter().any(|n| n == hidden),
            "{answer} hides {hidden}"
        );
    };
    check("item3-1", "aboutSystem3B", "aboutSystem3A");
    check("item2-0", "aboutSystem3A", "aboutSystem3B");
}

#[test]
fn aia_result_lists_the_levels_requirements() {
    let t = template("aia");
    let check = |file: &str, level: &str, tier: RiskTier, peer_review: &str| {
        let a = assess::parse_answers(&fixture(file)).expect("fixture parses");
        let r = aia_result(&t, &a);
        assert_eq!(r.impact_level_label, level, "{file}: level label");
        assert_eq!(r.suggested_risk_tier, tier, "{file}: suggested tier");
        let areas: Vec<_> = r.requirements.iter().map(|q| q.area.as_str()).collect();
        assert_eq!(
            areas,
            [
                "Notice",
                "Explanation",
                "Peer review",
                "Gender-based Analysis Plus",
                "Training",
                "Ensuring human involvement",
                "Approval for the system to operate"
            ],
            "{file}: the seven Appendix C rows of 2025"
        );
        let peer = r
            .requirements
            .iter()
            .find(|q| q.area == "Peer review")
            .map(|q| q.text.as_str());
        assert!(
            peer.is_some_and(|p| p.starts_with(peer_review)),
            "{file}: peer review row is {peer:?}"
        );
        assert!(
            r.requirements.iter().all(|q| q.text_fr.is_some()),
            "{file}: French text is carried"
        );
    };
    check("aia-level-1.json", "I", RiskTier::Low, "None");
    check(
        "aia-level-2.json",
        "II",
        RiskTier::Medium,
        "Consult at least one",
    );
    check(
        "aia-level-4.json",
        "IV",
        RiskTier::High,
        "Consult at least two",
    );
}

#[test]
fn aia_answers_naming_unknown_questions_or_choices_are_refused() {
    let t = template("aia");
    let check = |a: Value, question: &str, choice: Option<&str>| {
        let a = answers(a);
        let problems = assess::validate_answers(&t, &a);
        assert!(
            problems
                .iter()
                .any(|p| p.question == question && p.choice.as_deref() == choice),
            "a problem names {question} and {choice:?}: {problems:?}"
        );
        let err = assess::score(&t, &a)
            .expect_err("scoring refuses bad answers")
            .to_string();
        assert!(
            err.contains(question),
            "the error names the question: {err}"
        );
        if let Some(c) = choice {
            assert!(err.contains(c), "the error names the choice: {err}");
        }
    };
    check(json!({"impact99": "item1-0"}), "impact99", None);
    check(json!({"impact3": "item9-9"}), "impact3", Some("item9-9"));
    check(
        json!({"decisionSector1": ["item1-1", "item42-1"]}),
        "decisionSector1",
        Some("item42-1"),
    );
    check(json!({"impact3": ["item1-4"]}), "impact3", None); // a list for a single choice
    check(
        json!({"decisionSector1": "item1-1"}),
        "decisionSector1",
        None,
    ); // one value for a checkbox
    check(
        json!({"decisionSector1": ["item1-1", "item1-1"]}),
        "decisionSector1",
        Some("item1-1"),
    );
}

#[test]
fn aia_hidden_answers_are_not_shown() {
    let t = template("aia");
    let a = assess::parse_answers(&fixture("aia-level-3.json")).expect("fixture parses");
    let shown = assess::visible_answers(&t, &a);
    assert!(
        a.contains_key("fairnessImplementation2"),
        "the file keeps a stale implementation answer"
    );
    assert!(
        !shown.contains_key("fairnessImplementation2"),
        "the implementation phase is hidden in a design AIA"
    );
    assert!(
        !shown.contains_key("aboutDataSource14"),
        "hidden while no personal information is used"
    );
    assert!(
        shown.contains_key("fairnessDesign2"),
        "the design phase is shown"
    );
    let names: Vec<_> = assess::visible_questions(&t, &a)
        .iter()
        .map(|q| q.name.clone())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("Implementation")),
        "no implementation question is listed"
    );
    assert_eq!(
        t.questions.len(),
        295,
        "every question of the 2025 questionnaire is read (html blocks are not)"
    );
}

#[test]
fn aia_wrapper_and_bare_files_read_alike() {
    let bare = json!({"impact3": "item1-4"});
    let wrapped = json!({"version": "1.0.1", "currentPage": 3, "data": bare.clone(), "translationsOnResult": {}});
    let read = |v: &Value| assess::parse_answers(&v.to_string()).expect("answers parse");
    assert_eq!(
        read(&wrapped),
        read(&bare),
        "the tool's wrapper is unwrapped"
    );
    assert!(
        assess::parse_answers("[1, 2]").is_err(),
        "an array is not an answers file"
    );
    assert!(
        assess::parse_answers("{").is_err(),
        "broken JSON is refused"
    );
}

// ---------------------------------------------------------------------------------------------
// visibleIf

fn check_visible_if(src: &str, a: &Value, expected: bool) {
    let e = expr::parse(src).unwrap_or_else(|err| panic!("{src:?} must parse: {err}"));
    let lookup = |name: &str| {
        a.get(name)
            .map_or(expr::Value::Null, expr::Value::from_json)
    };
    assert_eq!(e.holds(&lookup), expected, "{src} with {a}");
}

#[test]
fn visible_if_every_expression_of_the_official_file() {
    let cases: Vec<Value> =
        serde_json::from_str(&fixture("aia-visibleif.json")).expect("cases are JSON");
    let mut covered = std::collections::BTreeSet::new();
    for c in &cases {
        let src = c["expression"].as_str().expect("expression");
        check_visible_if(
            src,
            &c["answers"],
            c["expected"].as_bool().expect("expected"),
        );
        covered.insert(src.to_string());
    }
    let t = template("aia");
    let in_file: std::collections::BTreeSet<String> = t
        .sections
        .iter()
        .filter_map(|s| s.visible_if.clone())
        .chain(t.questions.iter().filter_map(|q| q.visible_if.clone()))
        .collect();
    assert_eq!(
        in_file.len(),
        110,
        "the 2025 questionnaire has 110 distinct visibleIf expressions"
    );
    assert_eq!(
        covered, in_file,
        "every expression is checked true and false"
    );
}

// ---------------------------------------------------------------------------------------------
// EU AI Act screening

/// Screens `a` and compares the category and the references of the findings that led there.
fn check_eu(
    what: &str,
    a: Value,
    category: EuAiActCategory,
    grounds: &[&str],
) -> assess::eu::EuScreening {
    let r = match assess::score(&template("eu-ai-act"), &answers(a)) {
        Ok(AssessmentResult::EuAiAct(r)) => r,
        other => panic!("{what}: expected a screening, got {other:?}"),
    };
    assert_eq!(r.category, category, "{what}: category ({:?})", r.findings);
    let got: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == category)
        .map(|f| f.reference.as_str())
        .collect();
    assert_eq!(
        got, grounds,
        "{what}: the articles and points that led there"
    );
    assert!(
        !r.requirements.is_empty(),
        "{what}: what the category requires is listed"
    );
    r
}

#[test]
fn eu_every_article_5_point_is_prohibited() {
    use EuAiActCategory::Prohibited;
    for (name, reference, what) in [
        (
            "art5_1_a",
            "Article 5(1)(a)",
            "subliminal nudging of purchases causing significant financial harm",
        ),
        (
            "art5_1_b",
            "Article 5(1)(b)",
            "loan offers exploiting the financial distress of elderly customers",
        ),
        (
            "art5_1_c",
            "Article 5(1)(c)",
            "a citizen score that restricts access to unrelated public services",
        ),
        (
            "art5_1_d",
            "Article 5(1)(d)",
            "predicting who will commit fraud from personality traits alone",
        ),
        (
            "art5_1_e",
            "Article 5(1)(e)",
            "building a face database by scraping social media images",
        ),
        (
            "art5_1_f",
            "Article 5(1)(f)",
            "inferring call-centre staff emotions from their voice",
        ),
        (
            "art5_1_g",
            "Article 5(1)(g)",
            "inferring sexual orientation from photographs",
        ),
        (
            "art5_1_h",
            "Article 5(1)(h)",
            "live face recognition in a station for policing",
        ),
        (
            "art5_1_ba",
            "Article 5(1)(ba)",
            "an app made to undress photos of identifiable people",
        ),
        (
            "art5_1_bb",
            "Article 5(1)(bb)",
            "generating child sexual abuse material",
        ),
    ] {
        let r = check_eu(what, json!({ name: "yes" }), Prohibited, &[reference]);
        assert_eq!(
            r.suggested_risk_tier,
            RiskTier::High,
            "{what}: a prohibited practice suggests a high tier"
        );
        assert!(
            r.requirements.iter().any(|q| q.reference == "Article 5(1)"),
            "{what}: must not be placed on the market"
        );
    }
    check_eu(
        "a practice answered no",
        json!({"art5_1_c": "no"}),
        EuAiActCategory::Minimal,
        &["Articles 5, 6 and 50"],
    );
}

#[test]
fn eu_every_annex_3_area_is_high_risk() {
    use EuAiActCategory::HighRisk;
    for (area, point, what) in [
        ("1", "1(c)", "emotion recognition of customers in a shop"),
        (
            "2",
            "2",
            "safety component controlling a regional electricity grid",
        ),
        ("3", "3(a)", "deciding admission to a university programme"),
        ("4", "4(a)", "ranking job applicants' CVs"),
        ("5", "5(b)", "credit scoring of consumers"),
        ("6", "6(d)", "police assessment of re-offending risk"),
        ("7", "7(c)", "examining visa applications"),
        ("8", "8(a)", "helping a judge research and apply case law"),
    ] {
        let a =
            json!({"annex3_applies": "yes", format!("annex3_{area}"): [point], "profiling": "no"});
        let reference = format!("Article 6(2) and Annex III, point {point}");
        let r = check_eu(what, a, HighRisk, &[reference.as_str()]);
        assert!(
            r.requirements.iter().any(|q| q.reference == "Article 14"),
            "{what}: human oversight is required"
        );
        assert_eq!(
            r.findings[0].applies_from.as_deref(),
            Some("2027-12-02"),
            "{what}: Annex III obligations date"
        );
    }
}

#[test]
fn eu_article_6_3_derogation_and_its_profiling_exception() {
    use EuAiActCategory::{HighRisk, Minimal};
    let base = |profiling: Option<&str>| {
        let mut a = json!({
            "annex3_applies": "yes",
            "annex3_4": ["4(a)"],
            "art6_3_claimed": "yes",
            "art6_3_conditions": ["6(3)(d)"],
        });
        if let Some(p) = profiling {
            a["profiling"] = json!(p);
        }
        a
    };
    // A tool that only converts CVs into a standard format before a recruiter reads them.
    let r = check_eu(
        "derogation, no profiling",
        base(Some("no")),
        Minimal,
        &["Article 6(3)(d)"],
    );
    let refs: Vec<_> = r
        .requirements
        .iter()
        .map(|q| q.reference.as_str())
        .collect();
    assert!(
        refs.contains(&"Article 6(4)") && refs.contains(&"Article 49(2)"),
        "document and register: {refs:?}"
    );
    // The same tool scoring candidates' personalities: profiling keeps it high-risk.
    check_eu(
        "derogation claimed, but profiling",
        base(Some("yes")),
        HighRisk,
        &[
            "Article 6(3), second subparagraph",
            "Article 6(2) and Annex III, point 4(a)",
        ],
    );
    let r = check_eu(
        "derogation claimed, profiling not answered",
        base(None),
        HighRisk,
        &["Article 6(2) and Annex III, point 4(a)"],
    );
    assert!(
        r.notes.iter().any(|n| n.contains("profiles")),
        "the note says why: {:?}",
        r.notes
    );
    let mut no_condition = base(Some("no"));
    no_condition["art6_3_conditions"] = json!([]);
    check_eu(
        "derogation claimed without a condition",
        no_condition,
        HighRisk,
        &["Article 6(2) and Annex III, point 4(a)"],
    );
}

#[test]
fn eu_annex_1_transparency_minimal_and_precedence() {
    use EuAiActCategory::*;
    check_eu(
        "a machine-safety vision component needing a notified body",
        json!({"annex1_product": "yes", "annex1_third_party": "yes"}),
        HighRisk,
        &["Article 6(1) and Annex I"],
    );
    check_eu(
        "an Annex I product assessed internally only",
        json!({"annex1_product": "yes", "annex1_third_party": "no"}),
        Minimal,
        &["Articles 5, 6 and 50"],
    );
    let r = check_eu(
        "a customer-service chatbot that writes marketing images",
        json!({"art50_applies": "yes", "art50_duties": ["50(1)", "50(2)"]}),
        LimitedRisk,
        &["Article 50(1)", "Article 50(2)"],
    );
    assert_eq!(
        r.suggested_risk_tier,
        RiskTier::Medium,
        "limited risk suggests a medium tier"
    );
    let r = check_eu(
        "a recruitment chatbot: high-risk and transparency duties",
        json!({"annex3_applies": "yes", "annex3_4": ["4(a)"], "profiling": "yes", "art50_applies": "yes", "art50_duties": ["50(1)"]}),
        HighRisk,
        &[
            "Article 6(3), second subparagraph",
            "Article 6(2) and Annex III, point 4(a)",
        ],
    );
    assert!(
        r.requirements
            .iter()
            .any(|q| q.reference == "Article 50(1)"),
        "Article 50(6): duties apply on top"
    );
    check_eu(
        "prohibited wins over high-risk",
        json!({"art5_1_f": "yes", "annex3_applies": "yes", "annex3_1": ["1(c)"], "profiling": "no"}),
        Prohibited,
        &["Article 5(1)(f)"],
    );
    let r = check_eu(
        "an internal spam filter",
        json!({"annex3_applies": "no", "art50_applies": "no"}),
        Minimal,
        &["Articles 5, 6 and 50"],
    );
    assert!(
        r.requirements.iter().any(|q| q.reference == "Article 4"),
        "AI literacy applies to all"
    );
    check_eu(
        "Annex III ticks hidden by annex3_applies = no do not count",
        json!({"annex3_applies": "no", "annex3_4": ["4(a)"]}),
        Minimal,
        &["Articles 5, 6 and 50"],
    );
}

// ---------------------------------------------------------------------------------------------
// NIST AI RMF

#[test]
fn nist_profile_per_function() {
    let t = template("nist-ai-rmf");
    assert_eq!(
        t.questions.len(),
        2 * 72,
        "a rating and an evidence note for each of the 72 subcategories"
    );
    let a = answers(json!({
        "GOVERN 1.1": "3", "GOVERN 1.1 evidence": "AI policy v2, legal register",
        "GOVERN 1.2": "1",
        "GOVERN 2.1": "4",
        "MAP 1.1": "n/a",
        "MEASURE 2.11": "0",
    }));
    let r = match assess::score(&t, &a) {
        Ok(AssessmentResult::NistAiRmf(r)) => r,
        other => panic!("expected a NIST profile, got {other:?}"),
    };
    let check = |id: &str, subcategories: u32, rated: u32, mean: Option<f64>, min: Option<u8>| {
        let f = r
            .functions
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("function {id}"));
        assert_eq!(
            (f.subcategories, f.rated, f.mean, f.min),
            (subcategories, rated, mean, min),
            "{id} profile"
        );
    };
    check("GOVERN", 19, 3, Some(8.0 / 3.0), Some(1));
    check("MAP", 18, 0, None, None);
    check("MEASURE", 22, 1, Some(0.0), Some(0));
    check("MANAGE", 13, 0, None, None);
    let gov = &r.functions[0];
    assert_eq!(
        (gov.at_or_above_target, gov.with_evidence),
        (2, 1),
        "target 3 reached twice; one evidence note"
    );
    assert_eq!(r.functions[1].not_applicable, 1, "n/a is counted apart");
    let gaps: Vec<_> = r
        .requirements
        .iter()
        .map(|q| q.reference.as_str())
        .collect();
    assert_eq!(
        gaps,
        ["MEASURE 2.11", "GOVERN 1.2"],
        "below target, weakest first"
    );
    assert_eq!(r.target_label, "Defined", "the target level is named");
    assert_eq!(
        AssessmentResult::NistAiRmf(r).suggested_risk_tier(),
        None,
        "a self-assessment suggests no tier"
    );
    let err =
        assess::score(&t, &answers(json!({"GOVERN 1.1": "5"}))).expect_err("5 is off the scale");
    assert!(err.to_string().contains("GOVERN 1.1"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Template versions

/// Loads the official AIA with `edit` applied to its SurveyJS JSON, as version "next".
fn aia_edited(edit: impl FnOnce(&mut Value)) -> Template {
    let mut survey: Value = serde_json::from_str(AIA_SURVEY).expect("survey JSON");
    edit(&mut survey);
    let mut info = template("aia").info;
    info.version = "next".into();
    assess::template::aia_from_survey(info, &survey.to_string()).expect("edited survey loads")
}

/// The element named `name` anywhere in the survey.
fn element<'a>(v: &'a mut Value, name: &str) -> &'a mut Value {
    fn find<'a>(v: &'a mut Value, name: &str) -> Option<&'a mut Value> {
        if v.get("name").and_then(Value::as_str) == Some(name) && v.get("type").is_some() {
            return Some(v);
        }
        v.get_mut("elements")?
            .as_array_mut()?
            .iter_mut()
            .find_map(|e| find(e, name))
    }
    let pages = v["pages"].as_array_mut().expect("pages");
    pages
        .iter_mut()
        .find_map(|p| find(p, name))
        .unwrap_or_else(|| panic!("element {name}"))
}

fn check_diff(what: &str, new: &Template, expected: &[(&str, &str)]) {
    let d = diff::diff(&template("aia"), new);
    let mut got: Vec<(String, String)> = Vec::new();
    got.extend(d.added.iter().map(|q| ("added".into(), q.name.clone())));
    got.extend(d.removed.iter().map(|q| ("removed".into(), q.name.clone())));
    for c in &d.changed {
        for k in &c.changes {
            got.push((k.key().into(), c.name.clone()));
        }
    }
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect();
    assert_eq!(got, expected, "{what}");
}

#[test]
fn template_versions_show_what_changed() {
    check_diff("the same file", &aia_edited(|_| {}), &[]);
    check_diff(
        "whitespace in a condition is no change",
        &aia_edited(|s| {
            element(s, "impact27")["visibleIf"] = json!("{impact26}   = \"item1-0\" or {impact26} = \"item2-0\" or {impact26} = \"item3-0\" or {impact26} = \"item4-0\"");
        }),
        &[],
    );
    let edited = aia_edited(|s| {
        element(s, "impact30")["title"]["default"] = json!("A reworded question");
        let choices = element(s, "aboutSystem5")["choices"]
            .as_array_mut()
            .expect("choices");
        choices[2]["value"] = json!("item3-3");
        element(s, "impact22")["visibleIf"] = json!("{impact18} = \"item1-3\"");
        let panel = element(s, "impactPanel-RS")["elements"]
            .as_array_mut()
            .expect("panel");
        panel.retain(|e| e["name"] != "impact3");
        panel.push(json!({"type": "radiogroup", "name": "impactNew1", "title": {"default": "New?", "fr": "Nouveau?"},
            "choices": [{"value": "item1-2", "text": {"default": "Yes", "fr": "Oui"}}]}));
    });
    check_diff(
        "a title, a weight, a condition, a removal and an addition",
        &edited,
        &[
            ("added", "impactNew1"),
            ("removed", "impact3"),
            ("scores", "aboutSystem5"),
            ("title", "impact30"),
            ("visible_if", "impact22"),
        ],
    );
    let d = diff::diff(&template("aia"), &edited);
    let a = answers(json!({"impact3": "item1-4", "impact30": "item1-4", "impact5": "item1-2"}));
    let review = diff::review_answers(&d, &a);
    assert_eq!(
        review.removed,
        ["impact3"],
        "an answered question was removed"
    );
    assert_eq!(review.changed, ["impact30"], "an answered question changed");
    assert_eq!(review.added, ["impactNew1"], "a new question to answer");

    let page_condition = aia_edited(|s| {
        let pages = s["pages"].as_array_mut().expect("pages");
        let page = pages
            .iter_mut()
            .find(|p| p["name"] == "privacyDesign")
            .expect("page");
        page["visibleIf"] = json!("{projectDetailsPhase} = \"item2\"");
    });
    let d = diff::diff(&template("aia"), &page_condition);
    assert_eq!(
        d.changed.len(),
        11,
        "each question of the page changes visibility: {:?}",
        d.changed
    );
    assert!(
        d.changed
            .iter()
            .all(|c| c.changes == [diff::Change::VisibleIf]),
        "only visibility changed"
    );

    let stored = [
        ("a1", "aia", "1.0.1"),
        ("a2", "aia", "next"),
        ("a3", "eu-ai-act", "1.0.1"),
    ];
    let stale = diff::needing_review(&edited.info, &stored, |s| (s.1, s.2));
    assert_eq!(
        stale,
        [&stored[0]],
        "only the aia assessment on the older version needs review"
    );
}

#[test]
fn template_files_load_like_builtins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bare = dir.path().join("survey-enfr.json");
    std::fs::write(&bare, AIA_SURVEY).expect("write");
    let t = assess::load_template_file(&bare).expect("a bare SurveyJS file is read as an AIA");
    assert_eq!(t.info.kind, assess::TemplateKind::Aia, "kind");
    assert!(
        diff::diff(&template("aia"), &t).is_empty(),
        "the same questions as the built-in"
    );
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"pages": [{"name": "p", "elements": [
        {"type": "radiogroup", "name": "q1", "choices": ["a"], "visibleIf": "{nope} = 1"},
        {"type": "matrix", "name": "q2"},
        {"type": "radiogroup", "name": "q3", "choices": ["a"], "visibleIf": "{q1} = "}]}]}"#,
    )
    .expect("write");
    let err = assess::load_template_file(&broken)
        .expect_err("problems are refused")
        .to_string();
    for part in ["{nope}", "matrix", "q3.visibleIf"] {
        assert!(err.contains(part), "the error names {part}: {err}");
    }
}
