use chrono::NaiveDate;

use super::*;
use crate::Error;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

const TODAY: &str = "2026-11-02";
const V: &str = "2.0";

fn run(
    id: i64,
    version: &str,
    date: &str,
    method: Method,
    metrics: &[(&str, f64)],
) -> ValidationRun {
    ValidationRun {
        id,
        draft: RunDraft {
            system_id: 1,
            model_version: version.into(),
            date: day(date),
            method,
            dataset: "holdout 2026".into(),
            run: String::new(),
            incumbent: String::new(),
            metrics: metrics
                .iter()
                .map(|(n, v)| MetricValue {
                    name: n.to_string(),
                    value: *v,
                    incumbent: None,
                })
                .collect(),
            source: String::new(),
        },
        recorded_at: String::new(),
        recorded_by: String::new(),
    }
}

/// A bias result with the values given (ratio and difference computed as `check_bias` does).
fn bias(
    id: i64,
    date: &str,
    attribute: &str,
    segment: &str,
    metric: BiasMetric,
    values: (Option<f64>, Option<f64>),
    given: (Option<f64>, Option<f64>),
) -> BiasResult {
    let d = BiasDraft {
        system_id: 1,
        model_version: V.into(),
        date: day(date),
        dataset: String::new(),
        attribute: attribute.into(),
        segment: segment.into(),
        metric,
        reference: "reference".into(),
        segment_value: values.0,
        reference_value: values.1,
        ratio: given.0,
        difference: given.1,
        source: String::new(),
    };
    BiasResult {
        id,
        draft: check_bias(d, day(TODAY)).expect("a valid result"),
        recorded_at: String::new(),
        recorded_by: String::new(),
    }
}

/// A result of one segment at `ratio` (values 0.4 * ratio against 0.4).
fn segment(id: i64, date: &str, attribute: &str, metric: BiasMetric, ratio: f64) -> BiasResult {
    bias(
        id,
        date,
        attribute,
        "seg",
        metric,
        (Some(0.4 * ratio), Some(0.4)),
        (None, None),
    )
}

/// The high tier of the shipped policy with `high` laid over it.
fn tier(high: &str) -> TierPolicy {
    EvidencePolicy::from_toml(high, "test.toml")
        .unwrap_or_else(|e| panic!("{high:?} is a valid policy: {e}"))
        .high
}

/// Data-driven: the status of `runs` and `bias` under the high tier of `policy` on TODAY for
/// version V, and each check as (subject, outcome).
fn check(
    policy: &str,
    runs: &[ValidationRun],
    bias: &[BiasResult],
    state: EvidenceState,
    checks: &[(&str, EvidenceState)],
) -> EvidenceStatus {
    let s = status(
        &tier(policy),
        crate::register::RiskTier::High,
        V,
        runs,
        bias,
        day(TODAY),
    );
    let got: Vec<(&str, EvidenceState)> = s
        .checks
        .iter()
        .map(|c| (c.subject.as_str(), c.outcome))
        .collect();
    assert_eq!(got, checks, "checks under {policy:?}: {:#?}", s.checks);
    assert_eq!(s.state, state, "state under {policy:?}: {:#?}", s.checks);
    s
}

/// A high tier asking only for what `rest` says (a tier given replaces the shipped one whole).
fn only(rest: &str) -> String {
    format!("[high]\n{rest}")
}

use EvidenceState::{Met, Missing, NotMet, NotRequired, OutOfDate};
use Method::{CrossValidation, Holdout, Shadow};

#[test]
fn a_tier_asking_for_nothing_is_not_required() {
    check(&only(""), &[], &[], NotRequired, &[]);
    check(
        &only(""),
        &[run(1, V, "2026-10-01", Holdout, &[("auc", 0.5)])],
        &[],
        NotRequired,
        &[],
    );
}

#[test]
fn each_required_method_needs_a_recent_run_of_the_current_version() {
    let p = only("methods = [\"holdout\", \"cv\"]\nmax_age_days = 365");
    check(
        &p,
        &[],
        &[],
        Missing,
        &[("holdout", Missing), ("cross_validation", Missing)],
    );
    let both = [
        run(1, V, "2026-10-01", Holdout, &[("auc", 0.8)]),
        run(2, V, "2025-11-02", CrossValidation, &[("auc", 0.8)]),
    ];
    // 365 days before today is the oldest day accepted.
    check(
        &p,
        &both,
        &[],
        Met,
        &[("holdout", Met), ("cross_validation", Met)],
    );
    let old = [
        run(1, V, "2026-10-01", Holdout, &[("auc", 0.8)]),
        run(2, V, "2025-11-01", CrossValidation, &[("auc", 0.8)]),
    ];
    let s = check(
        &p,
        &old,
        &[],
        OutOfDate,
        &[("holdout", Met), ("cross_validation", OutOfDate)],
    );
    let c = &s.checks[1];
    assert_eq!(
        (c.date, c.oldest),
        (Some(day("2025-11-01")), Some(day("2025-11-02"))),
        "the date and the limit are given"
    );
    assert!(
        c.message.contains("2025-11-01 is out of date")
            && c.message
                .contains("at most 365 days old (from 2025-11-02 on)"),
        "{}",
        c.message
    );
    // The latest run of the method counts: a new one brings it up to date.
    let renewed = [
        old[0].clone(),
        old[1].clone(),
        run(3, V, "2026-01-10", CrossValidation, &[]),
    ];
    check(
        &p,
        &renewed,
        &[],
        Met,
        &[("holdout", Met), ("cross_validation", Met)],
    );
}

#[test]
fn evidence_of_another_model_version_does_not_count() {
    let p = only("methods = [\"holdout\"]");
    let s = check(
        &p,
        &[run(1, "1.9", "2026-10-01", Holdout, &[("auc", 0.9)])],
        &[],
        Missing,
        &[("holdout", Missing)],
    );
    assert_eq!(s.other_versions, ["1.9"]);
    assert!(
        s.checks[0].message.contains("model version 2.0")
            && s.checks[0]
                .message
                .contains("recorded for model version 1.9 only"),
        "the message says why the run does not count: {}",
        s.checks[0].message
    );
}

#[test]
fn a_system_without_a_model_version_is_named_as_such() {
    let s = status(
        &tier(&only("methods = [\"holdout\"]")),
        crate::register::RiskTier::High,
        "",
        &[run(1, "", "2026-10-01", Holdout, &[("auc", 0.9)])],
        &[],
        day(TODAY),
    );
    assert_eq!(s.state, Met, "{:#?}", s.checks);
    let missing = status(
        &tier(&only("methods = [\"robustness\"]")),
        crate::register::RiskTier::High,
        "",
        &[],
        &[],
        day(TODAY),
    );
    assert!(
        missing.checks[0]
            .message
            .contains("for the system (no model version recorded)"),
        "the message reads as a sentence: {}",
        missing.checks[0].message
    );
}

#[test]
fn each_metric_bound_holds_in_its_direction() {
    let at_least = only("[[high.metrics]]\nname = \"auc\"\nat_least = 0.75");
    let at_most = only("[[high.metrics]]\nname = \"ece\"\nat_most = 0.1");
    let between = only("[[high.metrics]]\nname = \"psi\"\nat_least = 0.2\nat_most = 0.4");
    let r = |name: &str, v: f64| [run(1, V, "2026-10-01", Holdout, &[(name, v)])];
    check(&at_least, &r("auc", 0.75), &[], Met, &[("auc", Met)]);
    check(&at_least, &r("AUC", 0.80), &[], Met, &[("auc", Met)]);
    check(
        &at_least,
        &r("auc", 0.7499),
        &[],
        NotMet,
        &[("auc", NotMet)],
    );
    check(&at_most, &r("ece", 0.1), &[], Met, &[("ece", Met)]);
    check(&at_most, &r("ece", 0.11), &[], NotMet, &[("ece", NotMet)]);
    check(&between, &r("psi", 0.2), &[], Met, &[("psi", Met)]);
    check(&between, &r("psi", 0.41), &[], NotMet, &[("psi", NotMet)]);
    check(&between, &r("psi", 0.19), &[], NotMet, &[("psi", NotMet)]);
    let s = check(&at_least, &r("auc", 0.7), &[], NotMet, &[("auc", NotMet)]);
    let c = &s.checks[0];
    assert_eq!(
        (c.value, c.bound.as_deref(), c.run),
        (Some(0.7), Some("at least 0.75"), Some(1)),
        "the value, the bound and the run are given"
    );
    assert!(
        c.message
            .contains("auc is 0.7, not at least 0.75, in the holdout run of 2026-10-01"),
        "{}",
        c.message
    );
}

#[test]
fn a_missing_metric_is_named_and_an_optional_one_is_no_gap() {
    let required = only("[[high.metrics]]\nname = \"auc\"\nat_least = 0.75");
    let optional = only("[[high.metrics]]\nname = \"auc\"\nat_least = 0.75\nrequired = false");
    let other = [run(1, V, "2026-10-01", Holdout, &[("gini", 0.6)])];
    let s = check(&required, &other, &[], Missing, &[("auc", Missing)]);
    assert!(
        s.checks[0]
            .message
            .contains("auc (at least 0.75) is not reported by any run"),
        "{}",
        s.checks[0].message
    );
    check(&optional, &other, &[], NotRequired, &[]);
    check(
        &optional,
        &[run(1, V, "2026-10-01", Holdout, &[("auc", 0.6)])],
        &[],
        NotMet,
        &[("auc", NotMet)],
    );
}

#[test]
fn a_metric_rule_of_one_method_reads_only_its_runs_and_the_latest() {
    let p = only("[[high.metrics]]\nname = \"auc\"\nat_least = 0.75\nmethod = \"holdout\"");
    check(
        &p,
        &[run(1, V, "2026-10-01", CrossValidation, &[("auc", 0.9)])],
        &[],
        Missing,
        &[("auc", Missing)],
    );
    let runs = [
        run(1, V, "2026-09-01", Holdout, &[("auc", 0.7)]),
        run(2, V, "2026-10-01", Holdout, &[("auc", 0.8)]),
        run(3, V, "2026-10-15", Shadow, &[("auc", 0.6)]),
    ];
    let s = check(&p, &runs, &[], Met, &[("auc", Met)]);
    assert_eq!(s.checks[0].run, Some(2), "the latest holdout run");
    // A stale value is out of date, whatever it is.
    let stale = only("max_age_days = 30\n[[high.metrics]]\nname = \"auc\"\nat_least = 0.75");
    check(
        &stale,
        &[run(1, V, "2026-09-01", Holdout, &[("auc", 0.5)])],
        &[],
        OutOfDate,
        &[("auc", OutOfDate)],
    );
}

#[test]
fn each_required_segment_must_be_tested() {
    use BiasMetric::{SelectionRate, TruePositiveRate};
    let p = only("segments = [\"age_band\", \"region\"]\nmax_age_days = 365");
    check(
        &p,
        &[],
        &[],
        Missing,
        &[("age_band", Missing), ("region", Missing)],
    );
    let tested = [
        segment(1, "2026-10-01", "Age band", SelectionRate, 1.0),
        segment(2, "2025-10-01", "region", TruePositiveRate, 1.0),
    ];
    let s = check(
        &p,
        &[],
        &tested,
        OutOfDate,
        &[("age_band", Met), ("region", OutOfDate)],
    );
    assert!(
        s.checks[1].message.contains("2025-10-01 is out of date"),
        "{:?}",
        s.checks[1]
    );
    // With the bound's metrics named, each attribute is tested on each of them.
    let named = only(
        "segments = [\"age_band\"]\n[high.fairness]\nmin_ratio = 0.8\nmetrics = [\"selection_rate\", \"tpr\"]",
    );
    check(
        &named,
        &[],
        &[segment(1, "2026-10-01", "age_band", SelectionRate, 1.0)],
        Missing,
        &[
            ("age_band, selection_rate", Met),
            ("age_band, true_positive_rate", Missing),
            ("age_band seg, selection_rate", Met),
        ],
    );
}

#[test]
fn the_fairness_ratio_bound_holds_both_ways() {
    use BiasMetric::SelectionRate as S;
    let p = only("[high.fairness]\nmin_ratio = 0.8");
    for (ratio, outcome) in [
        (0.8, Met),
        (1.0, Met),
        (1.25, Met),
        (0.79, NotMet),
        (1.26, NotMet),
        (0.0, NotMet),
    ] {
        let s = check(
            &p,
            &[],
            &[segment(1, "2026-10-01", "age_band", S, ratio)],
            outcome,
            &[("age_band seg, selection_rate", outcome)],
        );
        assert_eq!(s.checks[0].bound.as_deref(), Some("0.8 to 1.25"), "{ratio}");
    }
    let s = check(
        &p,
        &[],
        &[segment(7, "2026-10-01", "age_band", S, 0.7)],
        NotMet,
        &[("age_band seg, selection_rate", NotMet)],
    );
    assert_eq!(s.checks[0].bias, Some(7), "the failing result is named");
    assert!(
        s.checks[0]
            .message
            .contains("disparity ratio 0.7 is outside 0.8 to 1.25: selection rate of age_band seg against reference"),
        "{}",
        s.checks[0].message
    );
    // A reference group at 0: equal when the segment is at 0 too, else no ratio can hold.
    let zero = |s: f64| {
        bias(
            1,
            "2026-10-01",
            "region",
            "north",
            S,
            (Some(s), Some(0.0)),
            (None, None),
        )
    };
    check(
        &p,
        &[],
        &[zero(0.0)],
        Met,
        &[("region north, selection_rate", Met)],
    );
    check(
        &p,
        &[],
        &[zero(0.1)],
        NotMet,
        &[("region north, selection_rate", NotMet)],
    );
    // Given as a difference only: no ratio to hold to the bound.
    let diff = bias(
        1,
        "2026-10-01",
        "region",
        "north",
        S,
        (None, None),
        (None, Some(0.05)),
    );
    check(
        &p,
        &[],
        &[diff],
        Missing,
        &[("region north, selection_rate", Missing)],
    );
}

#[test]
fn the_fairness_difference_bound_holds_either_way() {
    use BiasMetric::FalsePositiveRate as F;
    let p = only("[high.fairness]\nmax_difference = 0.1");
    let r = |s: f64, d: f64| {
        bias(
            1,
            "2026-10-01",
            "channel",
            "web",
            F,
            (Some(s), Some(d)),
            (None, None),
        )
    };
    check(
        &p,
        &[],
        &[r(0.3, 0.2)],
        Met,
        &[("channel web, false_positive_rate", Met)],
    );
    check(
        &p,
        &[],
        &[r(0.1, 0.2)],
        Met,
        &[("channel web, false_positive_rate", Met)],
    );
    check(
        &p,
        &[],
        &[r(0.31, 0.2)],
        NotMet,
        &[("channel web, false_positive_rate", NotMet)],
    );
    check(
        &p,
        &[],
        &[r(0.09, 0.2)],
        NotMet,
        &[("channel web, false_positive_rate", NotMet)],
    );
    let both = only("[high.fairness]\nmin_ratio = 0.8\nmax_difference = 0.1");
    check(
        &both,
        &[],
        &[r(0.31, 0.2)],
        NotMet,
        &[
            ("channel web, false_positive_rate", NotMet),
            ("channel web, false_positive_rate", NotMet),
        ],
    );
}

#[test]
fn the_latest_recent_result_of_a_segment_is_the_one_in_force() {
    use BiasMetric::{SelectionRate as S, TruePositiveRate as T};
    let p = only(
        "max_age_days = 365\n[high.fairness]\nmin_ratio = 0.8\nmetrics = [\"selection_rate\"]",
    );
    // Fixed since: the later result of the segment replaces the failing one.
    check(
        &p,
        &[],
        &[
            segment(1, "2026-01-01", "age_band", S, 0.6),
            segment(2, "2026-06-01", "age_band", S, 0.9),
        ],
        Met,
        &[("age_band seg, selection_rate", Met)],
    );
    // An old result of an attribute not required is not in force; a metric outside the bound
    // is not checked.
    check(
        &p,
        &[],
        &[
            segment(1, "2024-01-01", "age_band", S, 0.5),
            segment(2, "2026-06-01", "age_band", T, 0.5),
        ],
        NotRequired,
        &[],
    );
}

#[test]
fn not_met_outranks_missing_which_outranks_out_of_date() {
    let p = only(
        "methods = [\"holdout\", \"shadow\", \"cv\"]\nmax_age_days = 100\n[[high.metrics]]\nname = \"auc\"\nat_least = 0.8\nmethod = \"holdout\"",
    );
    let failing = [run(1, V, "2026-10-01", Holdout, &[("auc", 0.7)])];
    check(
        &p,
        &failing,
        &[],
        NotMet,
        &[
            ("holdout", Met),
            ("shadow", Missing),
            ("cross_validation", Missing),
            ("auc", NotMet),
        ],
    );
    let old = [
        run(1, V, "2026-10-01", Holdout, &[("auc", 0.9)]),
        run(2, V, "2020-01-01", Shadow, &[]),
    ];
    check(
        &p,
        &old,
        &[],
        Missing,
        &[
            ("holdout", Met),
            ("shadow", OutOfDate),
            ("cross_validation", Missing),
            ("auc", Met),
        ],
    );
}

/// Data-driven: the fields of a refused run (or None when it is accepted).
fn run_fields(edit: impl FnOnce(&mut RunDraft), expected: &[&str]) {
    let mut d = run(0, V, "2026-10-01", Holdout, &[("auc", 0.8)]).draft;
    edit(&mut d);
    let got: Vec<String> = match check_run(d, day(TODAY)) {
        Ok(_) => Vec::new(),
        Err(f) => f.into_iter().map(|f| f.field).collect(),
    };
    assert_eq!(got, expected);
}

#[test]
fn a_run_is_refused_naming_each_bad_field() {
    run_fields(|_| {}, &[]);
    run_fields(|d| d.dataset = "  ".into(), &["dataset"]);
    run_fields(|d| d.date = day("2026-11-03"), &["date"]);
    run_fields(|d| d.date = day("1899-12-31"), &["date"]);
    run_fields(|d| d.metrics.clear(), &["metrics"]);
    run_fields(|d| d.metrics[0].value = f64::NAN, &["metrics[0].value"]);
    run_fields(
        |d| {
            d.metrics.push(MetricValue {
                name: "AUC".into(),
                value: 0.7,
                incumbent: None,
            })
        },
        &["metrics[1].name"],
    );
    run_fields(|d| d.model_version = "2\n3".into(), &["model_version"]);
    // A shadow comparison names its incumbent and gives its value of every metric.
    run_fields(
        |d| d.method = Method::Shadow,
        &["incumbent", "metrics[0].incumbent"],
    );
    run_fields(
        |d| {
            d.method = Method::Shadow;
            d.incumbent = "scorer 1.9".into();
            d.metrics[0].incumbent = Some(0.78);
        },
        &[],
    );
}

/// Data-driven: a bias result as checked: Ok with (ratio, difference), or the refused fields.
fn bias_case(
    values: (Option<f64>, Option<f64>),
    given: (Option<f64>, Option<f64>),
    expected: Result<(Option<f64>, Option<f64>), &[&str]>,
) {
    let d = BiasDraft {
        system_id: 1,
        model_version: V.into(),
        date: day("2026-10-01"),
        dataset: String::new(),
        attribute: "age_band".into(),
        segment: "18-25".into(),
        metric: BiasMetric::SelectionRate,
        reference: "26-40".into(),
        segment_value: values.0,
        reference_value: values.1,
        ratio: given.0,
        difference: given.1,
        source: String::new(),
    };
    let got = check_bias(d, day(TODAY))
        .map(|d| {
            (
                d.ratio.map(|r| (r * 1e6).round() / 1e6),
                d.difference.map(|x| (x * 1e6).round() / 1e6),
            )
        })
        .map_err(|f| f.into_iter().map(|f| f.field).collect::<Vec<_>>());
    let expected = expected.map_err(|f| f.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(got, expected, "{values:?} {given:?}");
}

#[test]
fn a_bias_result_computes_its_ratio_and_difference_and_refuses_disagreement() {
    bias_case(
        (Some(0.3), Some(0.4)),
        (None, None),
        Ok((Some(0.75), Some(-0.1))),
    );
    // Given values that agree once rounded as given are kept as computed.
    bias_case(
        (Some(0.25), Some(0.3)),
        (Some(0.83), Some(-0.05)),
        Ok((Some(0.833333), Some(-0.05))),
    );
    bias_case((Some(0.3), Some(0.4)), (Some(0.6), None), Err(&["ratio"]));
    bias_case(
        (Some(0.3), Some(0.4)),
        (None, Some(0.1)),
        Err(&["difference"]),
    );
    // Without both values, the ratio or the difference stands alone.
    bias_case((None, None), (Some(0.7), None), Ok((Some(0.7), None)));
    bias_case(
        (Some(0.3), None),
        (None, Some(-0.02)),
        Ok((None, Some(-0.02))),
    );
    bias_case((None, None), (None, None), Err(&["segment_value"]));
    // Rates are proportions; a reference at 0 has no ratio.
    bias_case(
        (Some(42.0), Some(0.4)),
        (None, None),
        Err(&["segment_value"]),
    );
    bias_case((Some(0.1), Some(0.0)), (None, None), Ok((None, Some(0.1))));
    bias_case((Some(0.1), Some(0.0)), (Some(2.0), None), Err(&["ratio"]));
    bias_case((None, None), (Some(-1.0), None), Err(&["ratio"]));
    bias_case((None, None), (None, Some(1.5)), Err(&["difference"]));
}

#[test]
fn a_bias_result_names_its_segment_and_a_distinct_reference() {
    let base = BiasDraft {
        system_id: 1,
        model_version: V.into(),
        date: day("2026-10-01"),
        dataset: String::new(),
        attribute: " ".into(),
        segment: "North".into(),
        metric: BiasMetric::SelectionRate,
        reference: "north".into(),
        segment_value: Some(0.3),
        reference_value: Some(0.3),
        ratio: None,
        difference: None,
        source: String::new(),
    };
    let fields: Vec<String> = check_bias(base, day(TODAY))
        .expect_err("refused")
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(fields, ["attribute", "reference"]);
}

#[test]
fn agreement_is_to_the_decimals_given() {
    for (given, computed, ok) in [
        (0.83, 0.833333, true),
        (0.8, 0.8333, true),
        (0.84, 0.8333, false),
        (1.0, 0.96, true),
        (0.75, 0.75, true),
        (0.7501, 0.75, false),
    ] {
        assert_eq!(agrees(given, computed), ok, "{given} against {computed}");
    }
}

#[test]
fn the_shipped_policy_loads_and_round_trips() {
    let p = EvidencePolicy::default_policy();
    assert_eq!(p.high.methods, [Method::Holdout, Method::Robustness]);
    assert_eq!(p.high.segments, ["age_band", "region", "channel"]);
    assert_eq!(
        p.high.fairness.as_ref().and_then(|f| f.min_ratio),
        Some(0.8)
    );
    assert_eq!(p.high.max_age_days, Some(365));
    assert!(!p.low.requires_evidence(), "low asks for nothing");
    assert_eq!(
        EvidencePolicy::from_toml(&p.to_toml(), "x").expect("reads back"),
        p,
        "what is written reads back the same: {}",
        p.to_toml()
    );
}

/// Data-driven: a policy file refused, each problem as (key, a fragment of its message).
fn refused(text: &str, expected: &[(&str, &str)]) {
    let fields = match EvidencePolicy::from_toml(text, "policy.toml") {
        Err(Error::Validation { fields, .. }) => fields,
        other => panic!("{text:?}: expected a validation error, got {other:?}"),
    };
    assert_eq!(fields.len(), expected.len(), "{text:?}: {fields:#?}");
    for (f, (key, fragment)) in fields.iter().zip(expected) {
        assert_eq!(f.field, *key, "{text:?}: {fields:#?}");
        assert!(
            f.message.contains(fragment),
            "{text:?}: {key} says {fragment:?}: {}",
            f.message
        );
    }
}

#[test]
fn a_bad_policy_names_the_file_the_line_and_the_key() {
    refused(
        "[high]\nmethods = [\"holdout\", \"peer review\"]",
        &[("high.methods[1]", "policy.toml, line 2: \"peer review\" is not a validation method; expected one of holdout, cross_validation")],
    );
    refused(
        "[medium]\nmax_age_days = 0",
        &[("medium.max_age_days", "line 2: 0 days")],
    );
    refused(
        "[high.fairness]\nmin_ratio = 1.25",
        &[(
            "high.fairness.min_ratio",
            "line 2: 1.25: a minimum disparity ratio is above 0 and at most 1",
        )],
    );
    refused(
        "[high.fairness]\nmin_ratio = 0.8\nmetrics = [\"parity\"]",
        &[(
            "high.fairness.metrics[0]",
            "line 3: \"parity\" is not a bias metric",
        )],
    );
    refused(
        "[low.fairness]\nmetrics = []",
        &[("low.fairness", "line 1: a fairness bound needs min_ratio")],
    );
    refused(
        "[[high.metrics]]\nname = \"auc\"\n\n[[high.metrics]]\nname = \"ece\"\nat_least = 0.3\nat_most = 0.1",
        &[
            ("high.metrics[0]", "line 1: \"auc\" has no bound"),
            ("high.metrics[1].at_most", "line 7: 0.1 is below at_least (0.3)"),
        ],
    );
    refused(
        "[[high.metrics]]\nname = \"auc\"\nat_least = 0.7\nmethod = \"oot-ish\"",
        &[(
            "high.metrics[0].method",
            "line 4: \"oot-ish\" is not a validation method",
        )],
    );
    refused(
        "[high]\nsegments = [\"region\", \"Region\"]",
        &[("high.segments[1]", "\"Region\" is listed twice")],
    );
    refused("version = 2", &[("version", "line 1: version 2")]);
    refused(
        "[hihg]\nmax_age_days = 3",
        &[("policy.toml", "unknown field `hihg`")],
    );
    refused("[high\nmax_age_days = 3", &[("policy.toml", "(line 1)")]);
}

#[test]
fn a_tier_given_replaces_the_shipped_tier_whole() {
    let p = EvidencePolicy::from_toml("[high]\nmax_age_days = 180\n", "x").expect("valid");
    assert_eq!(p.high.max_age_days, Some(180));
    assert_eq!(
        (
            p.high.methods.len(),
            p.high.segments.len(),
            p.high.fairness.is_none()
        ),
        (0, 0, true),
        "what the tier leaves out is not required, the shipped bound included"
    );
    assert_eq!(
        p.medium,
        EvidencePolicy::default_policy().medium,
        "a tier left out keeps the shipped one"
    );
}

#[test]
fn the_results_in_force_are_found_in_linear_time() {
    // 20,000 segments: comparing each with every other (as once done) takes minutes; a keyed
    // pass takes a fraction of a second, so the bound below holds on any machine that runs
    // the suite and fails the quadratic pass.
    let results: Vec<BiasResult> = (0..20_000)
        .map(|i| {
            let mut b = segment(i, "2026-10-01", "age_band", BiasMetric::SelectionRate, 1.0);
            b.draft.segment = format!("segment {i}");
            b
        })
        .collect();
    let started = std::time::Instant::now();
    let s = status(
        &tier(&only("[high.fairness]\nmin_ratio = 0.8")),
        crate::register::RiskTier::High,
        V,
        &[],
        &results,
        day(TODAY),
    );
    assert_eq!(s.checks.len(), 20_000, "one check per segment in force");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?} for 20,000 results",
        started.elapsed()
    );
}
