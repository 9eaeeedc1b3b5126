//! The evidence policy as data: `assets/evidence/policy.toml`, laid under a workspace's own file
//! (`overlay`), checked when read. What each risk tier requires: validation methods, metrics with
//! a bound and its direction, segments tested for bias, the fairness bound, and how recent the
//! evidence must be. Errors name the file, the line and the key.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{BiasMetric, Method};
use crate::error::FieldError;
use crate::register::RiskTier;
use crate::{value_key, Error, Result};

/// The tables of a policy file, one per risk tier.
const TIERS: [&str; 3] = ["low", "medium", "high"];

/// The policy Steward ships with.
pub const DEFAULT_POLICY: &str = include_str!("../../../../assets/evidence/policy.toml");

/// What every risk tier requires.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EvidencePolicy {
    pub version: u32,
    pub low: TierPolicy,
    pub medium: TierPolicy,
    pub high: TierPolicy,
}

/// What one risk tier requires of its systems' evidence (read back from a snapshot as written;
/// a policy file is read through its own checks, `EvidencePolicy::from_toml`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TierPolicy {
    /// Evidence dated more than this many days before today is out of date; None: any age.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_age_days: Option<u32>,
    /// Each method must have a run for the current model version.
    pub methods: Vec<Method>,
    /// Attributes (e.g. "age_band") whose segments must have been tested for bias.
    pub segments: Vec<String>,
    pub metrics: Vec<MetricRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fairness: Option<FairnessBound>,
}

/// A metric a run must report, within a bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MetricRule {
    pub name: String,
    /// The value must be at least this (higher is better).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at_least: Option<f64>,
    /// The value must be at most this (lower is better).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at_most: Option<f64>,
    /// Only a run of this method counts; any method when None.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub method: Option<Method>,
    /// False: the bound applies when a run reports the metric, and its absence is no gap.
    pub required: bool,
}

/// The bound every bias result in force must meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FairnessBound {
    /// The disparity ratio (segment / reference) must lie within `min_ratio` and `1 / min_ratio`
    /// (0.8: the four-fifths rule, either way round).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min_ratio: Option<f64>,
    /// The difference of the two rates must be at most this either way.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_difference: Option<f64>,
    /// The bias metrics the bound (and the segments' testing) is about; every one when empty.
    pub metrics: Vec<BiasMetric>,
}

impl MetricRule {
    /// The bound in words, e.g. "at least 0.75", "from 0.2 to 0.4".
    pub fn bound(&self) -> String {
        match (self.at_least, self.at_most) {
            (Some(l), Some(m)) => format!("from {l} to {m}"),
            (Some(l), None) => format!("at least {l}"),
            (None, Some(m)) => format!("at most {m}"),
            (None, None) => "any value".into(),
        }
    }

    /// Whether `v` is within the bound.
    pub fn holds(&self, v: f64) -> bool {
        self.at_least.is_none_or(|l| v >= l) && self.at_most.is_none_or(|m| v <= m)
    }
}

impl FairnessBound {
    /// Whether the bound is about `metric`.
    pub fn covers(&self, metric: BiasMetric) -> bool {
        self.metrics.is_empty() || self.metrics.contains(&metric)
    }
}

impl TierPolicy {
    /// Whether the tier asks for any evidence at all (a bound alone checks what is recorded but
    /// asks for nothing).
    pub fn requires_evidence(&self) -> bool {
        !self.methods.is_empty()
            || !self.segments.is_empty()
            || self.metrics.iter().any(|m| m.required)
    }
}

impl EvidencePolicy {
    /// The shipped policy.
    pub fn default_policy() -> EvidencePolicy {
        EvidencePolicy::from_toml("", "the shipped evidence policy")
            .expect("assets/evidence/policy.toml is valid (tested)")
    }

    /// What `tier` requires.
    pub fn tier(&self, tier: RiskTier) -> &TierPolicy {
        match tier {
            RiskTier::Low => &self.low,
            RiskTier::Medium => &self.medium,
            RiskTier::High => &self.high,
        }
    }

    /// Parses and checks a policy file laid over the shipped policy: a tier the file gives
    /// replaces the shipped tier whole (a requirement it leaves out is not required), a tier it
    /// leaves out keeps the shipped one. `origin` names the file in errors; each error names the
    /// key and, where the file writes it, its line.
    pub fn from_toml(text: &str, origin: &str) -> Result<EvidencePolicy> {
        let invalid = |fields: Vec<FieldError>| Error::Validation {
            entity: "evidence policy",
            fields,
        };
        let merged = crate::overlay::over_shipped_with(DEFAULT_POLICY, text, &TIERS)
            .map_err(|m| invalid(vec![FieldError::new(origin, m)]))?;
        let raw = RawPolicy::deserialize(merged).map_err(|e| {
            invalid(vec![FieldError::new(
                origin,
                e.message().trim_end().to_string(),
            )])
        })?;
        let (policy, mut fields) = raw.check();
        if fields.is_empty() {
            return Ok(policy);
        }
        for f in &mut fields {
            let at = match crate::overlay::line_of(text, &f.field) {
                Some(line) => format!("{origin}, line {line}"),
                None if text.trim().is_empty() => origin.to_string(),
                None => format!("{origin} (the shipped value)"),
            };
            f.message = format!("{at}: {}", f.message);
        }
        Err(invalid(fields))
    }

    /// The policy as a file that reads back as it (keys of closed values, every tier whole).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: u32,
    low: RawTier,
    medium: RawTier,
    high: RawTier,
}

const _: () = assert!(TIERS.len() == RiskTier::ALL.len());

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    #[serde(default)]
    max_age_days: Option<i64>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(default)]
    segments: Vec<String>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
    #[serde(default)]
    fairness: Option<RawFairness>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    name: String,
    #[serde(default)]
    at_least: Option<f64>,
    #[serde(default)]
    at_most: Option<f64>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default = "required_by_default")]
    required: bool,
}

fn required_by_default() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFairness {
    #[serde(default)]
    min_ratio: Option<f64>,
    #[serde(default)]
    max_difference: Option<f64>,
    #[serde(default)]
    metrics: Vec<String>,
}

/// The most days evidence may be kept in force: ten years.
const MAX_AGE_DAYS: i64 = 3650;

impl RawPolicy {
    fn check(self) -> (EvidencePolicy, Vec<FieldError>) {
        let mut out = Vec::new();
        if self.version != 1 {
            out.push(FieldError::new(
                "version",
                format!(
                    "version {}: this Steward reads evidence policy version 1",
                    self.version
                ),
            ));
        }
        let policy = EvidencePolicy {
            version: self.version,
            low: self.low.check("low", &mut out),
            medium: self.medium.check("medium", &mut out),
            high: self.high.check("high", &mut out),
        };
        (policy, out)
    }
}

impl RawTier {
    fn check(self, tier: &str, out: &mut Vec<FieldError>) -> TierPolicy {
        let mut err = |key: String, message: String| out.push(FieldError::new(key, message));
        let max_age_days = match self.max_age_days {
            Some(d) if (1..=MAX_AGE_DAYS).contains(&d) => Some(d as u32),
            Some(d) => {
                err(
                    format!("{tier}.max_age_days"),
                    format!("{d} days: evidence may be from 1 to {MAX_AGE_DAYS} days old (leave the key out for any age)"),
                );
                None
            }
            None => None,
        };
        let mut methods = Vec::new();
        for (i, m) in self.methods.iter().enumerate() {
            match Method::parse(m) {
                Some(x) if methods.contains(&x) => err(
                    format!("{tier}.methods[{i}]"),
                    format!("{m:?} is listed twice; give each method once"),
                ),
                Some(x) => methods.push(x),
                None => err(
                    format!("{tier}.methods[{i}]"),
                    format!(
                        "{m:?} is not a validation method; expected one of {}",
                        Method::expected()
                    ),
                ),
            }
        }
        let mut segments: Vec<String> = Vec::new();
        for (i, s) in self.segments.iter().enumerate() {
            let s = s.trim();
            if s.is_empty() {
                err(
                    format!("{tier}.segments[{i}]"),
                    "an attribute's name is required, e.g. \"age_band\"".into(),
                );
            } else if segments.iter().any(|x| value_key(x) == value_key(s)) {
                err(
                    format!("{tier}.segments[{i}]"),
                    format!("{s:?} is listed twice; give each attribute once"),
                );
            } else {
                segments.push(s.to_string());
            }
        }
        let mut metrics: Vec<MetricRule> = Vec::new();
        for (i, m) in self.metrics.into_iter().enumerate() {
            let at = format!("{tier}.metrics[{i}]");
            let name = m.name.trim().to_string();
            if name.is_empty() {
                err(
                    format!("{at}.name"),
                    "a metric's name is required, e.g. \"auc\"".into(),
                );
            }
            let method = match m.method.as_deref().map(|s| (s, Method::parse(s))) {
                Some((_, Some(x))) => Some(x),
                Some((s, None)) => {
                    err(
                        format!("{at}.method"),
                        format!(
                            "{s:?} is not a validation method; expected one of {}, or leave it \
                             out for a run of any method",
                            Method::expected()
                        ),
                    );
                    None
                }
                None => None,
            };
            for (key, v) in [("at_least", m.at_least), ("at_most", m.at_most)] {
                if v.is_some_and(|v| !v.is_finite()) {
                    err(format!("{at}.{key}"), "must be a finite number".into());
                }
            }
            match (m.at_least, m.at_most) {
                (None, None) => err(
                    at.clone(),
                    format!(
                        "{name:?} has no bound; give at_least (higher is better) or at_most \
                         (lower is better), or both"
                    ),
                ),
                (Some(l), Some(h)) if l > h => err(
                    format!("{at}.at_most"),
                    format!("{h} is below at_least ({l}); no value could meet both"),
                ),
                _ => {}
            }
            if !name.is_empty()
                && metrics
                    .iter()
                    .any(|x| value_key(&x.name) == value_key(&name) && x.method == method)
            {
                err(
                    format!("{at}.name"),
                    format!("{name:?} is bounded twice for the same runs; give it once"),
                );
            }
            metrics.push(MetricRule {
                name,
                at_least: m.at_least,
                at_most: m.at_most,
                method,
                required: m.required,
            });
        }
        let fairness = self.fairness.map(|f| {
            let at = format!("{tier}.fairness");
            if f.min_ratio.is_none() && f.max_difference.is_none() {
                err(
                    at.clone(),
                    "a fairness bound needs min_ratio (e.g. 0.8, the four-fifths rule) or \
                     max_difference (e.g. 0.1), or both"
                        .into(),
                );
            }
            if let Some(r) = f
                .min_ratio
                .filter(|r| !(r.is_finite() && *r > 0.0 && *r <= 1.0))
            {
                err(
                    format!("{at}.min_ratio"),
                    format!(
                        "{r}: a minimum disparity ratio is above 0 and at most 1 (e.g. 0.8); the \
                         bound applies both ways"
                    ),
                );
            }
            if let Some(d) = f
                .max_difference
                .filter(|d| !(d.is_finite() && (0.0..=1.0).contains(d)))
            {
                err(
                    format!("{at}.max_difference"),
                    format!(
                        "{d}: a difference of two rates is bounded by 0 to 1 (e.g. 0.1 for 10 \
                         points)"
                    ),
                );
            }
            let mut metrics = Vec::new();
            for (i, m) in f.metrics.iter().enumerate() {
                match BiasMetric::parse(m) {
                    Some(x) if metrics.contains(&x) => err(
                        format!("{at}.metrics[{i}]"),
                        format!("{m:?} is listed twice; give each metric once"),
                    ),
                    Some(x) => metrics.push(x),
                    None => err(
                        format!("{at}.metrics[{i}]"),
                        format!(
                            "{m:?} is not a bias metric; expected one of {}",
                            BiasMetric::expected()
                        ),
                    ),
                }
            }
            FairnessBound {
                min_ratio: f.min_ratio,
                max_difference: f.max_difference,
                metrics,
            }
        });
        TierPolicy {
            max_age_days,
            methods,
            segments,
            metrics,
            fairness,
        }
    }
}
