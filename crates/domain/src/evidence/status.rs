//! A system's evidence status against its tier's policy, as a pure function of the policy, the
//! system's runs and bias results, its current model version and today: each requirement checked
//! (met, not met with the value and the bound, missing, out of date with the date and the
//! limit), and the status they add up to.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::policy::{FairnessBound, MetricRule, TierPolicy};
use super::{round, same_name, BiasMetric, BiasResult, Method, ValidationRun};
use crate::register::RiskTier;
use crate::value_key;

string_enum! {
    /// Where evidence stands against the policy: a whole system's status, or one requirement's.
    EvidenceState {
        NotRequired = "not_required", "Not required";
        Met = "met", "Met";
        NotMet = "not_met", "Not met";
        Missing = "missing", "Missing";
        OutOfDate = "out_of_date", "Out of date";
    }
}

string_enum! {
    /// What a requirement of the policy is about.
    CheckKind as "EvidenceCheckKind" {
        Method = "method", "Validation method";
        Metric = "metric", "Metric";
        Segment = "segment", "Segment tested";
        Fairness = "fairness", "Fairness bound";
    }
}

impl EvidenceState {
    /// Whether the pre-deployment gate lets a system with this status through.
    pub fn passes(self) -> bool {
        matches!(self, EvidenceState::Met | EvidenceState::NotRequired)
    }
}

/// One requirement of the policy checked against the evidence in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvidenceCheck {
    pub kind: CheckKind,
    /// Met, not met, missing or out of date.
    pub outcome: EvidenceState,
    /// What is checked: a method, a metric's name, an attribute, or a segment's result
    /// ("age_band 18-25, selection_rate").
    pub subject: String,
    /// The value checked: the metric's value, the disparity ratio or the difference.
    pub value: Option<f64>,
    /// The bound in words ("at least 0.75", "0.8 to 1.25", "at most 0.1 either way").
    pub bound: Option<String>,
    /// The date of the evidence checked.
    #[ts(type = "string | null")]
    pub date: Option<NaiveDate>,
    /// The oldest date the policy accepts (today less its maximum age).
    #[ts(type = "string | null")]
    pub oldest: Option<NaiveDate>,
    /// The run or bias result checked.
    #[ts(type = "number | null")]
    pub run: Option<i64>,
    #[ts(type = "number | null")]
    pub bias: Option<i64>,
    /// The check in a sentence.
    pub message: String,
}

/// A system's evidence status: every requirement checked and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EvidenceStatus {
    /// Not met when any check is not met; else missing when any is missing; else out of date
    /// when any is; else met (not required when the tier asks for nothing and nothing recorded
    /// is bounded).
    pub state: EvidenceState,
    pub tier: RiskTier,
    /// The version whose evidence counts: the system's current model version.
    pub model_version: String,
    pub checks: Vec<EvidenceCheck>,
    /// Versions with evidence other than the current one (it does not count).
    pub other_versions: Vec<String>,
}

impl EvidenceStatus {
    /// Each check that is not met, missing or out of date, in a sentence.
    pub fn failing(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c.outcome != EvidenceState::Met)
            .map(|c| c.message.as_str())
            .collect()
    }
}

/// The latest of `items` by date, then by id (the one recorded last).
fn latest<'a, T>(
    items: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> (NaiveDate, i64),
) -> Option<&'a T>
where
    T: 'a,
{
    items.max_by_key(|x| key(x))
}

fn version_note(version: &str) -> String {
    if version.is_empty() {
        // Read after "for": "no holdout run for the system (no model version recorded)".
        "the system (no model version recorded)".into()
    } else {
        format!("model version {version}")
    }
}

/// The status of a system's evidence: `policy` is its tier's, `version` its current model
/// version, `runs` and `bias` every run and result of the system (of any version: only the
/// current version's count), `today` the day it is judged on.
pub fn status(
    policy: &TierPolicy,
    tier: RiskTier,
    version: &str,
    runs: &[ValidationRun],
    bias: &[BiasResult],
    today: NaiveDate,
) -> EvidenceStatus {
    let mut other_versions: Vec<String> = runs
        .iter()
        .map(|r| &r.draft.model_version)
        .chain(bias.iter().map(|b| &b.draft.model_version))
        .filter(|v| *v != version)
        .cloned()
        .collect();
    other_versions.sort();
    other_versions.dedup();
    let runs: Vec<&ValidationRun> = runs
        .iter()
        .filter(|r| r.draft.model_version == version)
        .collect();
    let bias: Vec<&BiasResult> = bias
        .iter()
        .filter(|b| b.draft.model_version == version)
        .collect();
    let oldest = policy
        .max_age_days
        .and_then(|d| today.checked_sub_days(Days::new(d.into())));
    let fresh = |d: NaiveDate| oldest.is_none_or(|o| d >= o);
    let for_version = version_note(version);
    let mut missing_for = for_version.clone();
    if !other_versions.is_empty() {
        missing_for.push_str(&format!(
            " (evidence is recorded for {} only, which does not count for it)",
            other_versions
                .iter()
                .map(|v| version_note(v))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let stale = |what: String, date: NaiveDate| {
        format!(
            "{what} of {date} is out of date: evidence may be at most {} days old (from {} on)",
            policy.max_age_days.unwrap_or_default(),
            oldest.map(|o| o.to_string()).unwrap_or_default()
        )
    };
    let mut checks = Vec::new();
    let check = |kind, outcome, subject: String, message: String| EvidenceCheck {
        kind,
        outcome,
        subject,
        value: None,
        bound: None,
        date: None,
        oldest,
        run: None,
        bias: None,
        message,
    };

    for m in &policy.methods {
        let found = latest(runs.iter().copied().filter(|r| r.draft.method == *m), |r| {
            (r.draft.date, r.id)
        });
        checks.push(match found {
            None => check(
                CheckKind::Method,
                EvidenceState::Missing,
                m.key().into(),
                format!("no {} run for {missing_for}", m.label().to_lowercase()),
            ),
            Some(r) => {
                let what = format!("the {} run", m.label().to_lowercase());
                let (outcome, message) = if fresh(r.draft.date) {
                    (
                        EvidenceState::Met,
                        format!("{what} of {} for {for_version}", r.draft.date),
                    )
                } else {
                    (EvidenceState::OutOfDate, stale(what, r.draft.date))
                };
                EvidenceCheck {
                    date: Some(r.draft.date),
                    run: Some(r.id),
                    ..check(CheckKind::Method, outcome, m.key().into(), message)
                }
            }
        });
    }

    for rule in &policy.metrics {
        if let Some(c) = metric_check(rule, &runs, &missing_for, &fresh, &stale) {
            checks.push(EvidenceCheck { oldest, ..c });
        }
    }

    let covered = |m: BiasMetric| policy.fairness.as_ref().is_none_or(|f| f.covers(m));
    let tested_metrics: Vec<Option<BiasMetric>> = match &policy.fairness {
        Some(f) if !f.metrics.is_empty() => f.metrics.iter().copied().map(Some).collect(),
        _ => vec![None],
    };
    for attribute in &policy.segments {
        for metric in &tested_metrics {
            let of = |b: &&BiasResult| {
                same_name(&b.draft.attribute, attribute)
                    && metric.is_none_or(|m| b.draft.metric == m)
                    && covered(b.draft.metric)
            };
            let on = metric
                .map(|m| format!(" for {}", m.key()))
                .unwrap_or_default();
            let subject = format!("{attribute}{}", on.replace(" for ", ", "));
            let found = latest(bias.iter().copied().filter(of), |b| (b.draft.date, b.id));
            checks.push(match found {
                None => check(
                    CheckKind::Segment,
                    EvidenceState::Missing,
                    subject,
                    format!("the segments of {attribute} are not tested{on} for {missing_for}"),
                ),
                Some(b) => {
                    let what = format!("the bias test of {attribute}{on}");
                    let (outcome, message) = if fresh(b.draft.date) {
                        (
                            EvidenceState::Met,
                            format!("{what} of {} for {for_version}", b.draft.date),
                        )
                    } else {
                        (EvidenceState::OutOfDate, stale(what, b.draft.date))
                    };
                    EvidenceCheck {
                        date: Some(b.draft.date),
                        bias: Some(b.id),
                        ..check(CheckKind::Segment, outcome, subject, message)
                    }
                }
            });
        }
    }

    if let Some(bound) = &policy.fairness {
        // The result in force for each segment and metric: its latest, when it is recent enough.
        // Keyed by the names as compared, in the order each segment first appears.
        let mut order: Vec<(String, String, BiasMetric)> = Vec::new();
        let mut latest_of: HashMap<(String, String, BiasMetric), &BiasResult> = HashMap::new();
        for b in bias
            .iter()
            .copied()
            .filter(|b| bound.covers(b.draft.metric))
        {
            let key = (
                value_key(&b.draft.attribute),
                value_key(&b.draft.segment),
                b.draft.metric,
            );
            match latest_of.get_mut(&key) {
                Some(x) if (b.draft.date, b.id) > (x.draft.date, x.id) => *x = b,
                Some(_) => {}
                None => {
                    order.push(key.clone());
                    latest_of.insert(key, b);
                }
            }
        }
        let in_force: Vec<&BiasResult> = order
            .iter()
            .filter_map(|k| latest_of.get(k).copied())
            .filter(|b| fresh(b.draft.date))
            .collect();
        for b in in_force {
            checks.extend(
                fairness_checks(bound, b)
                    .into_iter()
                    .map(|c| EvidenceCheck { oldest, ..c }),
            );
        }
    }

    let state = if checks.iter().any(|c| c.outcome == EvidenceState::NotMet) {
        EvidenceState::NotMet
    } else if checks.iter().any(|c| c.outcome == EvidenceState::Missing) {
        EvidenceState::Missing
    } else if checks.iter().any(|c| c.outcome == EvidenceState::OutOfDate) {
        EvidenceState::OutOfDate
    } else if checks.is_empty() && !policy.requires_evidence() {
        EvidenceState::NotRequired
    } else {
        EvidenceState::Met
    };
    EvidenceStatus {
        state,
        tier,
        model_version: version.to_string(),
        checks,
        other_versions,
    }
}

/// The check of one metric rule: the latest run (of the rule's method, if it names one) that
/// reports the metric. None when the rule is not required and no run reports it.
fn metric_check(
    rule: &MetricRule,
    runs: &[&ValidationRun],
    for_version: &str,
    fresh: &dyn Fn(NaiveDate) -> bool,
    stale: &dyn Fn(String, NaiveDate) -> String,
) -> Option<EvidenceCheck> {
    let value_in = |r: &ValidationRun| {
        r.draft
            .metrics
            .iter()
            .find(|m| same_name(&m.name, &rule.name))
            .map(|m| m.value)
    };
    let of_method = |r: &&&ValidationRun| rule.method.is_none_or(|m| r.draft.method == m);
    let found = latest(
        runs.iter()
            .filter(of_method)
            .filter(|r| value_in(r).is_some()),
        |r| (r.draft.date, r.id),
    );
    let bound = rule.bound();
    let in_runs = rule
        .method
        .map(|m: Method| format!("a {} run", m.label().to_lowercase()))
        .unwrap_or_else(|| "any run".into());
    let blank = |outcome, message| EvidenceCheck {
        kind: CheckKind::Metric,
        outcome,
        subject: rule.name.clone(),
        value: None,
        bound: Some(bound.clone()),
        date: None,
        oldest: None,
        run: None,
        bias: None,
        message,
    };
    let Some(r) = found else {
        return rule.required.then(|| {
            blank(
                EvidenceState::Missing,
                format!(
                    "{} ({bound}) is not reported by {in_runs} for {for_version}",
                    rule.name
                ),
            )
        });
    };
    let value = value_in(r).unwrap_or_default();
    let what = format!("the {} run", r.draft.method.label().to_lowercase());
    let (outcome, message) = if !fresh(r.draft.date) {
        (
            EvidenceState::OutOfDate,
            stale(format!("{} in {what}", rule.name), r.draft.date),
        )
    } else if rule.holds(value) {
        (
            EvidenceState::Met,
            format!(
                "{} is {} ({bound}) in {what} of {}",
                rule.name,
                round(value),
                r.draft.date
            ),
        )
    } else {
        (
            EvidenceState::NotMet,
            format!(
                "{} is {}, not {bound}, in {what} of {}",
                rule.name,
                round(value),
                r.draft.date
            ),
        )
    };
    Some(EvidenceCheck {
        value: Some(value),
        date: Some(r.draft.date),
        run: Some(r.id),
        ..blank(outcome, message)
    })
}

/// The checks of one bias result against the bound: the ratio within `min_ratio` and its
/// inverse, the difference within `max_difference` either way.
fn fairness_checks(bound: &FairnessBound, b: &BiasResult) -> Vec<EvidenceCheck> {
    let d = &b.draft;
    let subject = format!("{} {}, {}", d.attribute, d.segment, d.metric.key());
    let of = format!(
        "{} of {} {} against {} ({})",
        d.metric.label().to_lowercase(),
        d.attribute,
        d.segment,
        d.reference,
        d.date
    );
    let blank = |outcome, value, bound: String, message| EvidenceCheck {
        kind: CheckKind::Fairness,
        outcome,
        subject: subject.clone(),
        value,
        bound: Some(bound),
        date: Some(d.date),
        oldest: None,
        run: None,
        bias: Some(b.id),
        message,
    };
    let mut out = Vec::new();
    if let Some(min) = bound.min_ratio {
        let range = format!("{} to {}", round(min), round(1.0 / min));
        // A reference group at 0 gives no ratio: equal when the segment is at 0 too.
        let ratio = d.ratio.or(match (d.segment_value, d.reference_value) {
            (Some(s), Some(r)) if r == 0.0 && s == 0.0 => Some(1.0),
            _ => None,
        });
        out.push(match ratio {
            Some(r) if r >= min && r <= 1.0 / min => blank(
                EvidenceState::Met,
                Some(r),
                range.clone(),
                format!("disparity ratio {} is within {range}: {of}", round(r)),
            ),
            Some(r) => blank(
                EvidenceState::NotMet,
                Some(r),
                range.clone(),
                format!("disparity ratio {} is outside {range}: {of}", round(r)),
            ),
            None if d.reference_value == Some(0.0) => blank(
                EvidenceState::NotMet,
                None,
                range.clone(),
                format!(
                    "the reference group's rate is 0 and the segment's is not, so no ratio is \
                     within {range}: {of}"
                ),
            ),
            None => blank(
                EvidenceState::Missing,
                None,
                range.clone(),
                format!("no disparity ratio to hold to {range}: {of} gives the difference only"),
            ),
        });
    }
    if let Some(max) = bound.max_difference {
        let words = format!("at most {} either way", round(max));
        out.push(match d.difference {
            Some(x) if x.abs() <= max + 1e-12 => blank(
                EvidenceState::Met,
                Some(x),
                words.clone(),
                format!("difference {} is {words}: {of}", round(x)),
            ),
            Some(x) => blank(
                EvidenceState::NotMet,
                Some(x),
                words.clone(),
                format!("difference {} is beyond {words}: {of}", round(x)),
            ),
            None => blank(
                EvidenceState::Missing,
                None,
                words.clone(),
                format!("no difference to hold to {words}: {of} gives the ratio only"),
            ),
        });
    }
    out
}
