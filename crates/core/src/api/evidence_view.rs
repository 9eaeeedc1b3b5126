//! The evidence as the app's screens show it: a system's Evidence panel (its evidence and status
//! from `api::evidence`, each run's metrics and each bias result beside the check that judged
//! it, each metric against its bound over the model versions for the chart), and the policy
//! editor (the policy in force as its text, a text or a form checked without saving, the text
//! saved or reset). Every outcome is `evidence::status`'s and every bound `evidence::policy`'s;
//! this module only arranges them for a screen, and writes only through `api::evidence`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::evidence::{SystemEvidence, POLICY_KEY};
use super::review_rules::RulesOrigin;
use super::Workspace;
use crate::evidence::policy::DEFAULT_POLICY;
use crate::evidence::{
    same_name, BiasMetric, BiasResult, CheckKind, EvidenceCheck, EvidencePolicy, EvidenceState,
    FairnessBound, Method, MetricRule, TierPolicy, ValidationRun,
};
use crate::{Error, FieldError, Result};

/// How the policy editor's text is named in the errors it gets back.
const EDITOR_TEXT: &str = "the policy text";

/// A system's Evidence panel: its evidence with the status, and the same runs and bias results
/// arranged for tables that mark what the policy judged, and for the chart.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvidencePanel {
    pub evidence: SystemEvidence,
    /// Whether the status lets the system through the pre-deployment gate without an exception
    /// (met, or not required).
    pub passes: bool,
    /// Every run, newest first, each metric with the check that judged it.
    pub runs: Vec<RunRow>,
    /// Every bias result, newest first, with the checks of the fairness bound that judged it.
    pub bias: Vec<BiasRow>,
    /// The model versions with runs, in the order they were first tested (the current version
    /// last when it has none): the chart's axis.
    pub versions: Vec<String>,
    /// Each metric bounded by the policy, then each other metric a run reports, over the
    /// versions.
    pub trends: Vec<MetricTrend>,
}

/// A validation run as the runs table shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunRow {
    pub run: ValidationRun,
    /// Whether the run is of the system's current model version (only those count).
    pub current: bool,
    pub metrics: Vec<RunMetric>,
}

/// One metric of a run, with the policy's check of it when the policy judged this run's value.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunMetric {
    pub name: String,
    pub value: f64,
    pub incumbent: Option<f64>,
    pub check: Option<EvidenceCheck>,
}

/// A bias result as the bias table shows it: the checks of the fairness bound that judged its
/// disparity ratio and its difference, or why it was not judged.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BiasRow {
    pub result: BiasResult,
    pub current: bool,
    pub ratio: Option<EvidenceCheck>,
    pub difference: Option<EvidenceCheck>,
    /// Why the bound did not judge this result, when it did not.
    pub not_counted: Option<String>,
}

/// One metric over the model versions: the value of each version's latest run that reports it,
/// against the policy's bound when it sets one.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MetricTrend {
    pub name: String,
    /// Only runs of this method count for the bound.
    pub method: Option<Method>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    /// The bound in words; None when the policy does not bound the metric.
    pub bound: Option<String>,
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TrendPoint {
    pub model_version: String,
    pub value: f64,
    #[ts(type = "string")]
    pub date: chrono::NaiveDate,
    #[ts(type = "number")]
    pub run: i64,
    /// Met or not met against the bound; None when the metric has none.
    pub outcome: Option<EvidenceState>,
}

/// The policy editor's view: the policy in force, its text and the shipped text.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvidencePolicyText {
    pub origin: RulesOrigin,
    /// The workspace's own file when it has one, else the shipped file.
    pub text: String,
    /// The file Steward ships, which a reset returns to.
    pub shipped: String,
    pub policy: EvidencePolicy,
}

/// A policy text checked without saving: the policy it gives, or every problem (each naming
/// the key and, where the text writes it, the line).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EvidencePolicyDraft {
    pub text: String,
    pub policy: Option<EvidencePolicy>,
    pub problems: Vec<FieldError>,
}

/// The policy as the editor's form gives it: each tier's requirements.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PolicyForm {
    pub low: TierForm,
    pub medium: TierForm,
    pub high: TierForm,
}

/// One tier as the form gives it (the fields of [`TierPolicy`]).
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TierForm {
    pub max_age_days: Option<u32>,
    pub methods: Vec<Method>,
    pub segments: Vec<String>,
    pub metrics: Vec<MetricForm>,
    pub fairness: Option<FairnessForm>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct MetricForm {
    pub name: String,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub method: Option<Method>,
    pub required: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct FairnessForm {
    pub min_ratio: Option<f64>,
    pub max_difference: Option<f64>,
    pub metrics: Vec<BiasMetric>,
}

impl From<TierForm> for TierPolicy {
    fn from(f: TierForm) -> TierPolicy {
        TierPolicy {
            max_age_days: f.max_age_days,
            methods: f.methods,
            segments: f.segments,
            metrics: f
                .metrics
                .into_iter()
                .map(|m| MetricRule {
                    name: m.name,
                    at_least: m.at_least,
                    at_most: m.at_most,
                    method: m.method,
                    required: m.required,
                })
                .collect(),
            fairness: f.fairness.map(|b| FairnessBound {
                min_ratio: b.min_ratio,
                max_difference: b.max_difference,
                metrics: b.metrics,
            }),
        }
    }
}

impl Workspace {
    /// A system's Evidence panel (the system by its name or id).
    pub fn evidence_panel(&self, system: &str) -> Result<EvidencePanel> {
        let evidence = self.system_evidence(system)?;
        let current = evidence.model_version.clone();
        let status = &evidence.status;
        let runs = evidence
            .runs
            .iter()
            .map(|r| RunRow {
                run: r.clone(),
                current: r.draft.model_version == current,
                metrics: r
                    .draft
                    .metrics
                    .iter()
                    .map(|m| RunMetric {
                        name: m.name.clone(),
                        value: m.value,
                        incumbent: m.incumbent,
                        check: status
                            .checks
                            .iter()
                            .find(|c| {
                                c.kind == CheckKind::Metric
                                    && c.run == Some(r.id)
                                    && same_name(&c.subject, &m.name)
                            })
                            .cloned(),
                    })
                    .collect(),
            })
            .collect();
        let bias = evidence
            .bias
            .iter()
            .map(|b| bias_row(b, &evidence))
            .collect();
        let versions = versions(&evidence.runs, &current);
        let trends = trends(&evidence.policy, &evidence.runs, &versions);
        Ok(EvidencePanel {
            passes: status.state.passes(),
            runs,
            bias,
            versions,
            trends,
            evidence,
        })
    }

    /// The evidence policy in force as the editor shows it.
    pub fn evidence_policy_text(&self) -> Result<EvidencePolicyText> {
        let own = self.store.setting(POLICY_KEY)?;
        Ok(EvidencePolicyText {
            origin: if own.is_some() {
                RulesOrigin::Workspace
            } else {
                RulesOrigin::BuiltIn
            },
            text: own.unwrap_or_else(|| DEFAULT_POLICY.to_string()),
            shipped: DEFAULT_POLICY.to_string(),
            policy: self.evidence_policy()?,
        })
    }

    /// Checks a policy text as saving it would, without saving.
    pub fn check_evidence_policy_text(&self, text: &str) -> Result<EvidencePolicyDraft> {
        draft(text.to_string())
    }

    /// The text of the policy the editor's form gives, checked as saving it would.
    pub fn evidence_policy_form_text(&self, form: PolicyForm) -> Result<EvidencePolicyDraft> {
        let policy = EvidencePolicy {
            version: 1,
            low: form.low.into(),
            medium: form.medium.into(),
            high: form.high.into(),
        };
        draft(policy.to_toml())
    }

    /// Saves the editor's text as the workspace's evidence policy (checked first; nothing is
    /// written when it has a problem), or resets to the shipped policy with None. Audited.
    pub fn save_evidence_policy_text(&mut self, text: Option<&str>) -> Result<EvidencePolicyText> {
        self.set_evidence_policy(text, EDITOR_TEXT)?;
        self.evidence_policy_text()
    }
}

/// A text checked: the policy, or its problems as data.
fn draft(text: String) -> Result<EvidencePolicyDraft> {
    match EvidencePolicy::from_toml(&text, EDITOR_TEXT) {
        Ok(policy) => Ok(EvidencePolicyDraft {
            text,
            policy: Some(policy),
            problems: Vec::new(),
        }),
        Err(Error::Validation { fields, .. }) => Ok(EvidencePolicyDraft {
            text,
            policy: None,
            problems: fields,
        }),
        Err(e) => Err(e),
    }
}

/// A bias result beside the fairness checks that judged it. The status checks a result's
/// ratio and then its difference, each only when the bound sets it (`status::fairness_checks`).
fn bias_row(b: &BiasResult, evidence: &SystemEvidence) -> BiasRow {
    let current = b.draft.model_version == evidence.model_version;
    let mut judged = evidence
        .status
        .checks
        .iter()
        .filter(|c| c.kind == CheckKind::Fairness && c.bias == Some(b.id))
        .cloned();
    let bound = evidence.policy.fairness.as_ref();
    let ratio = bound.and_then(|f| f.min_ratio).and_then(|_| judged.next());
    let difference = bound
        .and_then(|f| f.max_difference)
        .and_then(|_| judged.next());
    let not_counted = if ratio.is_some() || difference.is_some() {
        None
    } else {
        Some(not_counted(b, evidence, current, bound))
    };
    BiasRow {
        result: b.clone(),
        current,
        ratio,
        difference,
        not_counted,
    }
}

/// Why the fairness bound did not judge a result: another model version, no bound, a metric
/// the bound leaves out, a later result of the same segment and metric, or its age.
fn not_counted(
    b: &BiasResult,
    evidence: &SystemEvidence,
    current: bool,
    bound: Option<&FairnessBound>,
) -> String {
    let d = &b.draft;
    if !current {
        return format!(
            "of model version {}; only the current version's evidence counts",
            if d.model_version.is_empty() {
                "(none recorded)"
            } else {
                &d.model_version
            }
        );
    }
    let Some(bound) = bound else {
        return "the policy of this risk tier sets no fairness bound".into();
    };
    if !bound.covers(d.metric) {
        return format!(
            "the fairness bound is not about {}",
            d.metric.label().to_lowercase()
        );
    }
    let later = evidence.bias.iter().find(|x| {
        x.draft.model_version == d.model_version
            && same_name(&x.draft.attribute, &d.attribute)
            && same_name(&x.draft.segment, &d.segment)
            && x.draft.metric == d.metric
            && (x.draft.date, x.id) > (d.date, b.id)
    });
    match later {
        Some(x) => format!("superseded by the result of {}", x.draft.date),
        None => match evidence.status.checks.iter().find_map(|c| c.oldest) {
            Some(oldest) => format!("out of date: the policy accepts evidence from {oldest} on"),
            None => "out of date".into(),
        },
    }
}

/// The versions with runs in the order they were first tested, and the current version last
/// when it has none.
fn versions(runs: &[ValidationRun], current: &str) -> Vec<String> {
    let mut first: Vec<(chrono::NaiveDate, String)> = Vec::new();
    for r in runs {
        match first.iter_mut().find(|(_, v)| *v == r.draft.model_version) {
            Some(f) if r.draft.date < f.0 => f.0 = r.draft.date,
            Some(_) => {}
            None => first.push((r.draft.date, r.draft.model_version.clone())),
        }
    }
    first.sort();
    let mut out: Vec<String> = first.into_iter().map(|(_, v)| v).collect();
    if !out.iter().any(|v| v == current) {
        out.push(current.to_string());
    }
    out
}

/// Each metric the tier's policy bounds, then each other metric a run reports (by its first
/// spelling), over `versions`: the value of each version's latest run reporting it (of the
/// bound's method, when it names one), judged by the bound.
fn trends(policy: &TierPolicy, runs: &[ValidationRun], versions: &[String]) -> Vec<MetricTrend> {
    let mut out: Vec<MetricTrend> = policy
        .metrics
        .iter()
        .map(|rule| trend(&rule.name, Some(rule), runs, versions))
        .collect();
    let mut oldest_first: Vec<&ValidationRun> = runs.iter().collect();
    oldest_first.sort_by_key(|r| (r.draft.date, r.id));
    for r in oldest_first {
        for m in &r.draft.metrics {
            if !out.iter().any(|t| same_name(&t.name, &m.name)) {
                out.push(trend(&m.name, None, runs, versions));
            }
        }
    }
    out
}

fn trend(
    name: &str,
    rule: Option<&MetricRule>,
    runs: &[ValidationRun],
    versions: &[String],
) -> MetricTrend {
    let method = rule.and_then(|r| r.method);
    let points = versions
        .iter()
        .filter_map(|v| {
            runs.iter()
                .filter(|r| {
                    r.draft.model_version == *v && method.is_none_or(|m| r.draft.method == m)
                })
                .filter_map(|r| {
                    r.draft
                        .metrics
                        .iter()
                        .find(|m| same_name(&m.name, name))
                        .map(|m| (r, m.value))
                })
                .max_by_key(|(r, _)| (r.draft.date, r.id))
                .map(|(r, value)| TrendPoint {
                    model_version: v.clone(),
                    value,
                    date: r.draft.date,
                    run: r.id,
                    outcome: rule.map(|rule| {
                        if rule.holds(value) {
                            EvidenceState::Met
                        } else {
                            EvidenceState::NotMet
                        }
                    }),
                })
        })
        .collect();
    MetricTrend {
        name: name.to_string(),
        method,
        at_least: rule.and_then(|r| r.at_least),
        at_most: rule.and_then(|r| r.at_most),
        bound: rule.map(MetricRule::bound),
        points,
    }
}
