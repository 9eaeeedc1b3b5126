//! Validation evidence as records and pure rules: validation runs (a method on a dataset, its
//! metrics, and for a shadow comparison the incumbent's value of each), bias results per segment
//! (a metric of one segment against the reference group, with the disparity ratio and
//! difference), the evidence policy per risk tier (`policy`, from `assets/evidence/policy.toml`
//! with a workspace override) and each system's evidence status against it (`status`). Evidence
//! is kept per system and model version; the evidence that counts is the evidence for the
//! system's current version. Nothing here reads the store, the clock or a file.

pub mod policy;
pub mod status;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::register::{check_date_year, version_problem};
use crate::{value_key, FieldError};

pub use policy::{EvidencePolicy, FairnessBound, MetricRule, TierPolicy};
pub use status::{status, CheckKind, EvidenceCheck, EvidenceState, EvidenceStatus};

string_enum! {
    /// How a validation run tested the model.
    Method as "ValidationMethod" {
        Holdout = "holdout", "Holdout", ["hold-out", "held-out", "test set", "hold-out test", "out of sample"];
        CrossValidation = "cross_validation", "Cross-validation", ["cv", "k-fold", "kfold", "k-fold cross-validation", "crossval"];
        Backtest = "backtest", "Backtest", ["back-test", "backtesting", "historical backtest", "out of time", "oot"];
        Shadow = "shadow", "Shadow comparison", ["shadow mode", "shadow run", "shadow test", "champion challenger", "champion-challenger"];
        Robustness = "robustness", "Adversarial / robustness", ["adversarial", "robustness test", "adversarial test", "stress test", "red team", "red teaming", "perturbation"];
    }
}

string_enum! {
    /// A rate compared between a segment and its reference group in a bias test. Every one is a
    /// proportion from 0 to 1.
    BiasMetric {
        SelectionRate = "selection_rate", "Selection rate", ["approval rate", "positive rate", "acceptance rate", "demographic parity", "statistical parity"];
        TruePositiveRate = "true_positive_rate", "True positive rate", ["tpr", "recall", "sensitivity", "equal opportunity", "hit rate"];
        FalsePositiveRate = "false_positive_rate", "False positive rate", ["fpr", "fall-out", "false alarm rate"];
        FalseNegativeRate = "false_negative_rate", "False negative rate", ["fnr", "miss rate"];
        Precision = "precision", "Precision", ["ppv", "positive predictive value", "predictive parity"];
        Accuracy = "accuracy", "Accuracy", [];
    }
}

/// One metric of a validation run, and in a shadow comparison the incumbent's value of the same
/// metric on the same data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricValue {
    /// As the team names it, e.g. "auc", "precision", "mape"; compared ignoring case, spaces,
    /// '-' and '_'.
    pub name: String,
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub incumbent: Option<f64>,
}

/// What a person enters (or an import reads) for one validation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunDraft {
    #[ts(type = "number")]
    pub system_id: i64,
    /// The model version the run tested; empty when the system records none.
    pub model_version: String,
    pub date: NaiveDate,
    pub method: Method,
    /// The data the run used, e.g. "2025 Q3 holdout" or "applications 2019-2024".
    pub dataset: String,
    /// The run's own name or id (an MLflow run id); empty when it has none. Runs of one system,
    /// version, day, method and dataset are told apart by it.
    pub run: String,
    /// The model a shadow comparison ran beside, by its name and version; empty otherwise.
    pub incumbent: String,
    pub metrics: Vec<MetricValue>,
    /// Where the run came from: entered by hand, a file's name, an MLflow run.
    pub source: String,
}

/// A validation run as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ValidationRun {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(flatten)]
    pub draft: RunDraft,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// What a person enters (or an import reads) for one bias result: a rate of one segment of an
/// attribute against the reference group. The disparity ratio (segment / reference) and the
/// difference (segment - reference) are computed from the two values when both are given; a
/// result may give the ratio or the difference alone when the values are not at hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BiasDraft {
    #[ts(type = "number")]
    pub system_id: i64,
    pub model_version: String,
    pub date: NaiveDate,
    /// The data the rates were measured on; may be empty.
    pub dataset: String,
    /// The attribute segmented, e.g. "age_band", "region", "channel".
    pub attribute: String,
    /// The segment, e.g. "18-25".
    pub segment: String,
    pub metric: BiasMetric,
    /// The reference group the segment is compared with, e.g. "26-40".
    pub reference: String,
    pub segment_value: Option<f64>,
    pub reference_value: Option<f64>,
    pub ratio: Option<f64>,
    pub difference: Option<f64>,
    pub source: String,
}

/// A bias result as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BiasResult {
    #[ts(type = "number")]
    pub id: i64,
    #[serde(flatten)]
    pub draft: BiasDraft,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// The evidence a pre-deployment sign-off request is bound to, as its snapshot holds it: the
/// policy of the system's tier, the current version's runs and bias results as recorded, the
/// status they gave when the request was opened, and the reason of the evidence exception the
/// request asks its board to approve, if it asks for one. Written into the snapshot and read
/// back from it (a request file on a signer's laptop included) through this one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SnapshotEvidence {
    pub model_version: String,
    pub policy: TierPolicy,
    pub runs: Vec<ValidationRun>,
    pub bias: Vec<BiasResult>,
    pub status: EvidenceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exception: Option<String>,
}

impl SnapshotEvidence {
    /// The evidence section of a snapshot, when it has one that reads.
    pub fn of(section: Option<&serde_json::Value>) -> Option<SnapshotEvidence> {
        section.and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// The longest text of a run or result (a dataset, a segment, a metric's name).
pub const MAX_TEXT: usize = 200;

fn text_problem(field: &str, v: &str, required: bool, out: &mut Vec<FieldError>) {
    if required && v.is_empty() {
        out.push(FieldError::new(field, "is required"));
    } else if v.chars().count() > MAX_TEXT {
        out.push(FieldError::new(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    } else if v.chars().any(char::is_control) {
        out.push(FieldError::new(
            field,
            "must not contain control characters (a line break, a tab)",
        ));
    }
}

fn date_problems(date: NaiveDate, today: NaiveDate, out: &mut Vec<FieldError>) {
    if let Err(m) = check_date_year(date) {
        out.push(FieldError::new("date", m));
    } else if date > today {
        out.push(FieldError::new(
            "date",
            format!(
                "{date} is after today ({today}); evidence is dated the day it was produced, \
                 today or earlier"
            ),
        ));
    }
}

fn trim(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_string();
    }
}

/// A run checked on `today`: its texts trimmed, or every problem with it, each naming its field
/// (`dataset`, `metrics[1].value`, ...) and what would be accepted.
pub fn check_run(mut d: RunDraft, today: NaiveDate) -> Result<RunDraft, Vec<FieldError>> {
    for s in [
        &mut d.model_version,
        &mut d.dataset,
        &mut d.run,
        &mut d.incumbent,
        &mut d.source,
    ] {
        trim(s);
    }
    for m in &mut d.metrics {
        trim(&mut m.name);
    }
    let mut out = Vec::new();
    if let Some(m) = version_problem(&d.model_version) {
        out.push(FieldError::new("model_version", m));
    }
    date_problems(d.date, today, &mut out);
    text_problem("dataset", &d.dataset, true, &mut out);
    text_problem("run", &d.run, false, &mut out);
    text_problem("incumbent", &d.incumbent, false, &mut out);
    if d.metrics.is_empty() {
        out.push(FieldError::new(
            "metrics",
            "a run needs at least one metric with its value, e.g. auc = 0.81",
        ));
    }
    let shadow = d.method == Method::Shadow;
    if shadow && d.incumbent.is_empty() {
        out.push(FieldError::new(
            "incumbent",
            "a shadow comparison names the incumbent model it ran beside (its name and version)",
        ));
    }
    let mut seen = std::collections::HashMap::new();
    for (i, m) in d.metrics.iter().enumerate() {
        let at = |f: &str| format!("metrics[{i}].{f}");
        text_problem(&at("name"), &m.name, true, &mut out);
        if !m.name.is_empty() {
            if let Some(first) = seen.insert(value_key(&m.name), i) {
                out.push(FieldError::new(
                    at("name"),
                    format!(
                        "{:?} is given twice (metrics[{first}] too); a run gives each metric once",
                        m.name
                    ),
                ));
            }
        }
        if !m.value.is_finite() {
            out.push(FieldError::new(at("value"), "must be a finite number"));
        }
        match m.incumbent {
            Some(v) if !v.is_finite() => {
                out.push(FieldError::new(at("incumbent"), "must be a finite number"))
            }
            None if shadow => out.push(FieldError::new(
                at("incumbent"),
                format!(
                    "a shadow comparison gives the incumbent's value of {:?} on the same data, so \
                     new and incumbent can be compared",
                    m.name
                ),
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        Ok(d)
    } else {
        Err(out)
    }
}

/// A rate must be a proportion: 0 to 1.
fn rate_problem(field: &str, v: Option<f64>, out: &mut Vec<FieldError>) {
    if let Some(v) = v {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            out.push(FieldError::new(
                field,
                format!("{v} is not a rate; give a proportion from 0 to 1 (write 42% as 0.42)"),
            ));
        }
    }
}

/// Whether a value a person gave agrees with the value computed: equal once the computed value
/// is rounded to as many decimals as the given one has (0.83 agrees with 0.8333...).
pub fn agrees(given: f64, computed: f64) -> bool {
    let text = format!("{given}");
    let decimals = match text.split_once('.') {
        _ if text.contains('e') => 12,
        Some((_, d)) => d.len().min(12) as i32,
        None => 0,
    };
    (given - computed).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-12
}

/// A bias result checked on `today`: texts trimmed, the ratio and difference computed from the
/// two values where both are given (a given ratio or difference must agree with them), or every
/// problem, each naming its field and what would be accepted.
pub fn check_bias(mut d: BiasDraft, today: NaiveDate) -> Result<BiasDraft, Vec<FieldError>> {
    for s in [
        &mut d.model_version,
        &mut d.dataset,
        &mut d.attribute,
        &mut d.segment,
        &mut d.reference,
        &mut d.source,
    ] {
        trim(s);
    }
    let mut out = Vec::new();
    if let Some(m) = version_problem(&d.model_version) {
        out.push(FieldError::new("model_version", m));
    }
    date_problems(d.date, today, &mut out);
    text_problem("dataset", &d.dataset, false, &mut out);
    text_problem("attribute", &d.attribute, true, &mut out);
    text_problem("segment", &d.segment, true, &mut out);
    text_problem("reference", &d.reference, true, &mut out);
    if !d.segment.is_empty() && value_key(&d.segment) == value_key(&d.reference) {
        out.push(FieldError::new(
            "reference",
            format!(
                "the reference group is the segment itself ({:?}); compare the segment with \
                 another group of {}",
                d.segment, d.attribute
            ),
        ));
    }
    rate_problem("segment_value", d.segment_value, &mut out);
    rate_problem("reference_value", d.reference_value, &mut out);
    match d.ratio {
        Some(r) if !(r.is_finite() && r >= 0.0) => out.push(FieldError::new(
            "ratio",
            format!("{r} is not a disparity ratio; give the segment's rate divided by the reference group's, 0 or more"),
        )),
        _ => {}
    }
    match d.difference {
        Some(x) if !(x.is_finite() && (-1.0..=1.0).contains(&x)) => out.push(FieldError::new(
            "difference",
            format!("{x} is not a difference of two rates; give the segment's rate minus the reference group's, from -1 to 1"),
        )),
        _ => {}
    }
    if out.is_empty() {
        if let (Some(s), Some(r)) = (d.segment_value, d.reference_value) {
            let difference = clean(s - r);
            if let Some(given) = d.difference.filter(|g| !agrees(*g, difference)) {
                out.push(FieldError::new(
                    "difference",
                    format!(
                        "{given} disagrees with the values given: {s} - {r} = {}; leave it \
                         empty to have it computed, or correct the values",
                        round(difference)
                    ),
                ));
            }
            d.difference = Some(difference);
            if r > 0.0 {
                let ratio = clean(s / r);
                if let Some(given) = d.ratio.filter(|g| !agrees(*g, ratio)) {
                    out.push(FieldError::new(
                        "ratio",
                        format!(
                            "{given} disagrees with the values given: {s} / {r} = {}; leave it \
                             empty to have it computed, or correct the values",
                            round(ratio)
                        ),
                    ));
                }
                d.ratio = Some(ratio);
            } else if d.ratio.is_some() {
                out.push(FieldError::new(
                    "ratio",
                    "the reference group's value is 0, so there is no ratio; leave it empty (the \
                     difference is computed)",
                ));
            }
        } else if d.ratio.is_none() && d.difference.is_none() {
            out.push(FieldError::new(
                "segment_value",
                "give the segment's and the reference group's values (the disparity ratio and \
                 difference are computed from them), or the ratio or the difference",
            ));
        }
    }
    if out.is_empty() {
        Ok(d)
    } else {
        Err(out)
    }
}

/// A computed ratio or difference to twelve decimals, so 0.36 / 0.4 is kept as 0.9 and not
/// 0.8999999999999999 (far below any precision a rate is measured to).
fn clean(v: f64) -> f64 {
    let c = (v * 1e12).round() / 1e12;
    if c == 0.0 {
        0.0
    } else {
        c
    }
}

/// A number as a message shows it: at most four decimals.
pub fn round(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Whether two names (of a metric, an attribute, a segment) are the same, ignoring case, spaces,
/// '-' and '_' as closed values are compared.
pub fn same_name(a: &str, b: &str) -> bool {
    value_key(a) == value_key(b)
}

#[cfg(test)]
mod tests;
