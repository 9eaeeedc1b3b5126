//! The sample's validation evidence: the insurer's own evidence policy, and for each system in
//! production (and the fraud network in staging) its model version's holdout run, for the
//! high-risk ones a backtest and bias tests by age band and region, dated when the model was last
//! retrained. Most meet the policy; the mortgage model fails the four-fifths rule for its
//! youngest applicants (it was promoted before the policy), two high-risk models' evidence is a
//! year old, the liquidity forecaster has no segments to test, and the card fraud detector's
//! version was compared in shadow with the one it replaced. Built through the API, with every
//! date relative to the clock's today.

use chrono::{Days, NaiveDate};

use crate::api::Workspace;
use crate::evidence::{BiasDraft, BiasMetric, Method, MetricValue, RunDraft};
use crate::register::{Stage, SystemDraft};
use crate::Result;

/// The sample's evidence policy (see the file).
pub(super) const POLICY: &str = include_str!("../../../../assets/demo/evidence-policy.toml");

/// One system's evidence: its model version, the metrics of its holdout run, and the bias metric
/// its segments are tested on (None: no bias tests).
type Row = (
    &'static str,
    &'static str,
    &'static [(&'static str, f64)],
    Option<BiasMetric>,
);

use BiasMetric::{FalsePositiveRate, SelectionRate};

#[rustfmt::skip]
const EVIDENCE: &[Row] = &[
    ("Credit Default Scorer", "4.3", &[("auc", 0.82), ("precision", 0.64), ("recall", 0.71), ("psi", 0.06)], Some(SelectionRate)),
    ("Mortgage Affordability Model", "2.7", &[("auc", 0.77), ("precision", 0.69), ("recall", 0.66), ("psi", 0.09)], Some(SelectionRate)),
    ("Card Fraud Detector", "5.2", &[("auc", 0.95), ("precision", 0.81), ("recall", 0.93), ("psi", 0.04)], Some(FalsePositiveRate)),
    ("AML Transaction Monitoring", "2024.3", &[("auc", 0.88), ("precision", 0.42), ("recall", 0.86), ("psi", 0.11)], Some(FalsePositiveRate)),
    ("KYC Document Reader", "16.1", &[("field accuracy", 0.97), ("rejection rate", 0.03)], None),
    ("Customer Churn Predictor", "3.0", &[("auc", 0.83), ("precision", 0.58), ("recall", 0.62)], None),
    ("Next Best Offer Engine", "1.8", &[("offer uptake", 0.086), ("revenue per offer", 12.4)], None),
    ("Claims Triage Assistant", "2.4", &[("fast-track precision", 0.93), ("recall", 0.77)], None),
    ("Motor Pricing GLM", "2019.2", &[("gini", 0.41), ("psi", 0.14)], Some(SelectionRate)),
    ("Life Underwriting Triage", "1.6", &[("auc", 0.8), ("precision", 0.74), ("psi", 0.07)], Some(SelectionRate)),
    ("HR Policy Chatbot", "2.1", &[("answer accuracy", 0.91), ("groundedness", 0.95)], None),
    ("Customer Service Copilot", "3.4", &[("draft acceptance", 0.72), ("groundedness", 0.93)], None),
    ("Complaint Classifier", "1.3", &[("macro f1", 0.84)], None),
    ("Marketing Copy Generator", "1.0", &[("editor acceptance", 0.68)], None),
    ("Branch Footfall Forecast", "6.0", &[("mape", 0.09)], None),
    ("Liquidity Stress Forecaster", "2.2", &[("mape", 0.07), ("psi", 0.05)], None),
    ("IFRS 9 Staging Model", "2018.4", &[("auc", 0.76), ("psi", 0.18)], Some(SelectionRate)),
    ("Invoice Matching", "2023.1", &[("match precision", 0.98)], None),
    ("IT Incident Router", "7.3", &[("routing accuracy", 0.88)], None),
    ("Code Review Assistant", "1.2", &[("comment acceptance", 0.41)], None),
    ("Collections Prioritiser", "1.9", &[("c-index", 0.74), ("psi", 0.08)], None),
    ("Email Phishing Filter", "2025.11", &[("recall", 0.97), ("false positive rate", 0.004)], None),
    ("Claims Fraud Network", "1.0", &[("auc", 0.87), ("precision", 0.61), ("recall", 0.74), ("psi", 0.05)], Some(SelectionRate)),
];

/// The model version the sample gives `system`, if it is one with evidence.
pub(super) fn model_version(system: &str) -> Option<&'static str> {
    EVIDENCE.iter().find(|r| r.0 == system).map(|r| r.1)
}

/// The segments tested per attribute, the reference group first, and each segment's rate as a
/// share of the reference's.
const SEGMENTS: &[(&str, &[(&str, f64)])] = &[
    (
        "age_band",
        &[
            ("26-40", 1.0),
            ("18-25", 0.9),
            ("41-64", 1.04),
            ("65+", 0.92),
        ],
    ),
    (
        "region",
        &[
            ("South", 1.0),
            ("North", 0.96),
            ("East", 1.02),
            ("West", 0.94),
        ],
    ),
];

/// The reference group's rate of each bias metric.
fn reference_rate(m: BiasMetric) -> f64 {
    match m {
        BiasMetric::FalsePositiveRate => 0.02,
        _ => 0.4,
    }
}

/// When the evidence of `d` was produced: the day its model was last retrained, else the day it
/// went live; three weeks ago for a system not yet in production.
fn evidence_day(d: &SystemDraft, today: NaiveDate) -> NaiveDate {
    d.last_retrained
        .or(d.deployment_date)
        .filter(|_| d.stage == Stage::Production)
        .unwrap_or_else(|| today.checked_sub_days(Days::new(21)).unwrap_or(today))
}

/// Sets the sample's evidence policy and records each system's evidence.
pub(super) fn populate(ws: &mut Workspace) -> Result<()> {
    ws.set_evidence_policy(Some(POLICY), "the sample's evidence policy")?;
    let today = ws.context().clock.today();
    for &(name, version, metrics, bias) in EVIDENCE {
        let s = ws.find_system(name)?;
        let on = evidence_day(&s.draft, today);
        let high = s.draft.risk_tier == crate::register::RiskTier::High;
        let metric = |m: &(&str, f64)| MetricValue {
            name: m.0.into(),
            value: m.1,
            incumbent: None,
        };
        let run = |method: Method, date: NaiveDate, dataset: String, metrics: Vec<MetricValue>| {
            RunDraft {
                system_id: s.id,
                model_version: version.into(),
                date,
                method,
                dataset,
                run: String::new(),
                incumbent: String::new(),
                metrics,
                source: "model validation report".into(),
            }
        };
        ws.add_validation_run(run(
            Method::Holdout,
            on,
            format!("{name} holdout sample"),
            metrics.iter().map(metric).collect(),
        ))?;
        if high {
            // Tested against the history it would have scored, a week before its holdout test.
            let before = on.checked_sub_days(Days::new(7)).unwrap_or(on);
            ws.add_validation_run(run(
                Method::Backtest,
                before,
                "the last five years' outcomes".into(),
                metrics
                    .iter()
                    .map(|m| MetricValue {
                        value: m.1 * if m.0 == "psi" { 1.2 } else { 0.98 },
                        ..metric(m)
                    })
                    .collect(),
            ))?;
        }
        if name == "Card Fraud Detector" {
            // The new version beside the one it replaced, on the same live transactions.
            let shadow = on.checked_sub_days(Days::new(14)).unwrap_or(on);
            let mut r = run(
                Method::Shadow,
                shadow,
                "two weeks of live card transactions".into(),
                [
                    ("recall", 0.93, 0.91),
                    ("precision", 0.81, 0.78),
                    ("alerts per 1000", 3.1, 3.6),
                ]
                .iter()
                .map(|(n, v, i)| MetricValue {
                    name: (*n).into(),
                    value: *v,
                    incumbent: Some(*i),
                })
                .collect(),
            );
            r.incumbent = "Card Fraud Detector 5.1".into();
            ws.add_validation_run(r)?;
        }
        let Some(metric) = bias else { continue };
        for (attribute, segments) in SEGMENTS {
            let (reference, _) = segments[0];
            for &(segment, share) in &segments[1..] {
                // The mortgage model approves few of its youngest applicants.
                let share = if name == "Mortgage Affordability Model" && segment == "18-25" {
                    0.74
                } else {
                    share
                };
                let rate = reference_rate(metric);
                ws.add_bias_result(BiasDraft {
                    system_id: s.id,
                    model_version: version.into(),
                    date: on,
                    dataset: format!("{name} holdout sample"),
                    attribute: (*attribute).into(),
                    segment: segment.into(),
                    metric,
                    reference: reference.into(),
                    segment_value: Some((rate * share * 10_000.0).round() / 10_000.0),
                    reference_value: Some(rate),
                    ratio: None,
                    difference: None,
                    source: "model validation report".into(),
                })?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_policy_reads() {
        let p = crate::evidence::EvidencePolicy::from_toml(POLICY, "sample")
            .expect("the sample's policy is valid");
        assert_eq!(p.high.methods, [Method::Holdout, Method::Backtest]);
        assert!(p.high.metrics.iter().any(|m| m.name == "psi" && m.required));
    }
}
