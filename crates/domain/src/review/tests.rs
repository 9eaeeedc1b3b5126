use super::*;

/// A production system that meets its targets at a modest return: the shipped rules retain it.
fn card() -> Scorecard {
    let mut c = Scorecard::bare(1, "Churn Predictor", Stage::Production, RiskTier::Medium);
    c.kpi_attainment = Some(0.9);
    c.measurements = 9;
    c.run_cost = Some(100_000.0);
    c.annual_value = Some(150_000.0);
    c.roi = roi(c.annual_value, c.run_cost);
    c.months_since_retrain = Some(4);
    c.months_since_model_review = Some(3);
    c.age_months = Some(20);
    c
}

fn proposal() -> Scorecard {
    let mut c = Scorecard::bare(2, "Claims Triage", Stage::Proposed, RiskTier::High);
    c.run_cost = Some(50_000.0);
    c.annual_value = Some(150_000.0);
    c.roi = roi(c.annual_value, c.run_cost);
    c.data_readiness = Some(4);
    c.strategic_alignment = Some(5);
    c
}

/// Applies `edit` to `base`, scores it with the shipped rules and checks which rule fires.
fn check(base: Scorecard, edit: impl FnOnce(&mut Scorecard), rule: &str, disposition: Disposition) {
    let rules = ReviewRules::default_rules();
    let mut c = base;
    edit(&mut c);
    if c.is_proposal() {
        c.proposal_score = rules.proposal_score(&c);
    }
    let r = rules
        .recommend(&c)
        .expect("the shipped rules end with a catch-all");
    assert_eq!(
        (r.rule.as_str(), r.disposition),
        (rule, disposition),
        "{}",
        r.summary()
    );
    assert_eq!(
        r.because.len(),
        rules
            .rules
            .iter()
            .find(|x| x.id == rule)
            .map_or(0, |x| x.when.len())
    );
}

#[test]
fn each_shipped_rule_fires_on_its_inputs_and_the_first_match_wins() {
    use Disposition::*;
    check(card(), |_| {}, "keep", Retain);
    check(
        card(),
        |c| c.eu_category = Some(EuAiActCategory::Prohibited),
        "prohibited",
        Suspend,
    );
    // Prohibited wins over every later rule, however good the numbers.
    check(
        card(),
        |c| {
            c.eu_category = Some(EuAiActCategory::Prohibited);
            c.roi = Some(5.0);
        },
        "prohibited",
        Suspend,
    );
    check(
        card(),
        |c| {
            c.breach_months = 6;
            c.escalations_open = 1;
        },
        "sustained-breach",
        Escalate,
    );
    // Six months of breaches without an open escalation is not escalated: it decays instead.
    check(
        card(),
        |c| {
            c.breach_months = 6;
            c.months_since_retrain = Some(8);
        },
        "performance-decay",
        Retrain,
    );
    check(
        card(),
        |c| {
            c.roi = Some(-0.4);
            c.kpi_attainment = Some(0.5);
        },
        "value-below-cost",
        Retire,
    );
    // Losing money but meeting targets: refactor, not retire.
    check(
        card(),
        |c| {
            c.roi = Some(-0.4);
            c.kpi_attainment = Some(0.7);
        },
        "costly-to-run",
        Refactor,
    );
    check(
        card(),
        |c| c.months_since_retrain = Some(18),
        "stale-model",
        Retrain,
    );
    check(
        card(),
        |c| c.months_since_retrain = Some(17),
        "keep",
        Retain,
    );
    check(card(), |c| c.roi = Some(2.0), "high-return", Scale);
    // A high-risk system with a high return is invested in, not scaled.
    check(
        card(),
        |c| {
            c.roi = Some(2.0);
            c.risk_tier = RiskTier::High;
        },
        "strong-return",
        Invest,
    );
    check(card(), |c| c.roi = Some(1.0), "strong-return", Invest);
    check(card(), |c| c.roi = Some(0.99), "keep", Retain);
}

#[test]
fn a_missing_input_never_fires_a_comparison() {
    use Disposition::*;
    // No TCO tie: no ROI, so neither the retire nor the invest rules can fire.
    check(
        card(),
        |c| {
            c.run_cost = None;
            c.roi = None;
            c.kpi_attainment = Some(0.1);
        },
        "keep",
        Retain,
    );
    // Never retrained on record: the staleness rule does not fire on a guess.
    check(
        card(),
        |c| {
            c.months_since_retrain = None;
            c.breach_months = 9;
        },
        "keep",
        Retain,
    );
    // No measurements this quarter: attainment is missing, not zero.
    check(
        card(),
        |c| {
            c.kpi_attainment = None;
            c.roi = Some(-0.9);
        },
        "keep",
        Retain,
    );
}

#[test]
fn proposals_are_funded_deferred_or_rejected_by_their_weighted_score() {
    use Disposition::*;
    // ROI 2.0 scores value 5: 0.4*5 + 0.3*4 + 0.3*5 = 4.7.
    check(proposal(), |_| {}, "proposal-strong", Fund);
    check(
        proposal(),
        |c| {
            c.data_readiness = Some(2);
            c.strategic_alignment = Some(3);
            c.roi = Some(0.6);
        },
        // value 3: 0.4*3 + 0.3*2 + 0.3*3 = 2.7
        "proposal-middling",
        Defer,
    );
    check(
        proposal(),
        |c| {
            c.data_readiness = Some(1);
            c.strategic_alignment = Some(2);
            c.roi = Some(-0.5);
        },
        // value 1: 0.4 + 0.3 + 0.6 = 1.3
        "proposal-weak",
        Reject,
    );
    check(
        proposal(),
        |c| c.data_readiness = None,
        "proposal-unscored",
        Defer,
    );
    check(proposal(), |c| c.roi = None, "proposal-unscored", Defer);
    check(
        proposal(),
        |c| c.eu_category = Some(EuAiActCategory::Prohibited),
        "prohibited",
        Suspend,
    );
}

#[test]
fn the_reasons_name_the_inputs_and_values_that_fired() {
    let rules = ReviewRules::default_rules();
    let mut c = card();
    c.roi = Some(-0.4);
    c.kpi_attainment = Some(0.42);
    let r = rules.recommend(&c).expect("fires");
    assert_eq!(r.rules_version, "2026.1");
    let texts: Vec<&str> = r.because.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "the return on its running cost is -40% (the rule: below -25%)",
            "KPI attainment over the quarter is 42% (the rule: below 60%)",
        ],
        "a board member reads which input had which value"
    );
    assert!(
        r.summary().starts_with("Retire (rule value-below-cost): "),
        "{}",
        r.summary()
    );
}

fn refused(text: &str, field: &str, message: &str) {
    match ReviewRules::from_toml(text, "rules.toml") {
        Err(crate::Error::Validation { fields, .. }) => assert!(
            fields
                .iter()
                .any(|f| f.field == field && f.message.contains(message)),
            "expected {field}: {message}, got {fields:?}"
        ),
        other => panic!("{text:?} must be refused, got {other:?}"),
    }
}

#[test]
fn a_bad_rules_file_is_refused_naming_the_rule_and_condition() {
    let rule = |when: &str, recommend: &str, applies: &str| {
        format!(
            "[[rules]]\nid = \"x\"\nrecommend = \"{recommend}\"\napplies_to = \"{applies}\"\nwhen = [{when}]\nreason = \"r\"\n"
        )
    };
    refused(
        &rule("\"roi <\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "is not a condition",
    );
    refused(
        &rule("\"profit > 1\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "\"profit\" is not an input",
    );
    refused(
        &rule("\"roi ~ 1\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "is not a comparison",
    );
    refused(
        &rule("\"roi > lots\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "is not a number",
    );
    refused(
        &rule("\"risk_tier > low\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "== or != only",
    );
    refused(
        &rule("\"risk_tier == severe\"", "retain", "in_service"),
        "rules[0] (x).when[0]",
        "low, medium, high",
    );
    refused(
        &rule("", "keep it", "in_service"),
        "rules[0] (x).recommend",
        "is not a disposition",
    );
    refused(
        &rule("", "fund", "in_service"),
        "rules[0] (x).recommend",
        "not a decision for systems in service",
    );
    refused(
        &rule("", "retrain", "proposals"),
        "rules[0] (x).recommend",
        "not a decision for proposals",
    );
    refused(
        &format!(
            "{}{}",
            rule("", "retain", "in_service"),
            rule("", "retain", "in_service")
        ),
        "rules[1] (x).id",
        "another rule has this id",
    );
    refused(
        "[proposal]\nroi_bands = [1.0, 0.5, 2.0, 3.0]",
        "proposal.roi_bands",
        "increasing order",
    );
    refused("version = ", "rules.toml", "line 1");
}

#[test]
fn a_workspace_file_replaces_the_rules_and_keeps_what_it_leaves_out() {
    let r = ReviewRules::from_toml(
        "version = \"acme-1\"\n[[rules]]\nid = \"all-keep\"\nrecommend = \"retain\"\napplies_to = \"in_service\"\nwhen = []\nreason = \"Keep everything this quarter.\"\n",
        "acme.toml",
    )
    .expect("a valid override");
    assert_eq!(r.version, "acme-1");
    assert_eq!(r.rules.len(), 1, "the list of rules is replaced whole");
    assert_eq!(
        r.proposal,
        ReviewRules::default_rules().proposal,
        "the proposal weights are kept"
    );
    let mut c = card();
    c.eu_category = Some(EuAiActCategory::Prohibited);
    assert_eq!(
        r.recommend(&c).map(|x| x.rule),
        Some("all-keep".to_string())
    );
    assert_eq!(
        r.recommend(&proposal()),
        None,
        "no rule here covers proposals"
    );
}

#[test]
fn dispositions_fall_under_the_time_model() {
    use Disposition::*;
    assert_eq!(Retain.time(), TimeCategory::Tolerate);
    assert_eq!(Scale.time(), TimeCategory::Invest);
    assert_eq!(Refactor.time(), TimeCategory::Migrate);
    assert_eq!(Retire.time(), TimeCategory::Eliminate);
    assert_eq!(Retrain.budget_line(), BudgetLine::TechnicalDebt);
    assert_eq!(Fund.budget_line(), BudgetLine::NewDevelopment);
    assert_eq!(money(1234567.4), "1,234,567");
    assert_eq!(money(-1000.0), "-1,000");
}

#[test]
fn every_scorecard_field_has_a_label() {
    let json = serde_json::to_value(card()).expect("serialises");
    let keys: Vec<&String> = json.as_object().expect("an object").keys().collect();
    for key in keys {
        if key == "system_id" {
            continue;
        }
        assert!(
            SCORECARD_LABELS.iter().any(|(k, _)| k == key),
            "{key} has no label"
        );
    }
    assert_eq!(scorecard_label("roi"), "ROI");
    assert_eq!(scorecard_label("scope"), "Scope");
    assert_eq!(scorecard_label("something_new"), "Something new");
}

#[test]
fn a_condition_reads_in_words_with_labels_not_keys() {
    let cases = [
        ("risk_tier != high", "not high"),
        ("eu_category == high_risk", "high-risk"),
        ("stage == production", "production"),
        ("months_since_retrain >= 6", "at least 6"),
        ("roi < -0.25", "below -25%"),
        ("run_cost > 100000", "above 100,000"),
        ("proposal_score is missing", "missing"),
        ("annual_value is present", "known"),
    ];
    for (text, words) in cases {
        let c = Condition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(c.in_words(), words, "{text}");
    }
    let mut c = card();
    c.risk_tier = RiskTier::Medium;
    let because = Condition::parse("risk_tier != high")
        .expect("parses")
        .because(&c);
    assert_eq!(because.text, "the risk tier is medium (the rule: not high)");
}
