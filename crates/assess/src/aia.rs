//! Canada's Algorithmic Impact Assessment: the official scoring (raw impact, mitigation, the 15%
//! reduction, impact levels I-IV) and the Directive's Appendix C requirements per level. Works on
//! a loaded template and its answers only; no I/O, no storage.
//!
//! The rules are those of ../shared/data/aia/README.md, taken from the official tool's
//! `src/store.ts`. Where the tool computes in floating point (the 80% threshold, the level
//! boundaries) so does this module, with the same operations, so results agree to the point.
//!
//! Where the README and the tool's code differ or are silent, the README is followed and the
//! choice is stated here:
//! - Hidden answers: `store.ts` sums `survey.data[name]` for every scored question and relies on
//!   SurveyJS having cleared hidden values; the README says hidden answers must not count, so
//!   answers to questions that are not shown (see [`super::visible_questions`]) are left out even
//!   when a saved file still holds them.
//! - A question or panel named `...-NS` is explicitly unscored (as in `store.ts`); the README
//!   names only `-RS` and `-MS`. No scored question of the 2025 questionnaire is affected.
//! - The tool scores a choice whose value is a JSON number by that number; the README speaks of
//!   string values only, and the template loader refuses non-string values and fractional
//!   weights rather than guess.
//! - The tool rewrites `aboutSystem1: "item6-1"` in files saved before its issue #622 to
//!   `"item6"`; Steward reports such an answer as a choice the question does not have.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::template::{ScoreKind, Template};
use super::{Answers, Requirement};
use steward_domain::register::RiskTier;
use steward_domain::{Error, FieldError, Result};

const APPENDIX_C: &str = include_str!("../../../assets/templates/canada-adm-appendix-c.json");

/// The official tool's constants: the reduction applies at 80% of the mitigation maximum of one
/// phase (the questionnaire asks the mitigation questions twice, for design and for
/// implementation, and only one phase is ever shown), and takes 15% off the raw impact score.
const MITIGATION_SHARE: f64 = 0.8;
const LEVEL_BOUNDS: [f64; 3] = [0.25, 0.5, 0.75];

/// The score of an AIA as the official tool reports it, and what the level requires.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AiaResult {
    pub template_id: String,
    pub template_version: String,
    pub raw_impact_score: u32,
    pub mitigation_score: u32,
    /// The raw impact score, less 15% (rounded half up) when mitigation reaches the threshold.
    pub current_score: u32,
    /// 1 to 4.
    pub impact_level: u8,
    /// "I" to "IV".
    pub impact_level_label: String,
    /// Over every scored question, shown or not (167 for the 2025 questionnaire).
    pub max_raw_impact_score: u32,
    /// Over both phases' mitigation questions (154 for the 2025 questionnaire).
    pub max_mitigation_score: u32,
    /// 80% of half the maximum mitigation score (61.6): at or above it the reduction applies.
    pub mitigation_threshold: f64,
    pub reduction_applied: bool,
    /// Steward's mapping of the impact level to a risk tier: I low, II medium, III and IV high.
    pub suggested_risk_tier: RiskTier,
    /// Appendix C of the Directive on Automated Decision-Making for this level.
    pub requirements: Vec<Requirement>,
    /// The scored questions that were shown and answered, with their points.
    pub breakdown: Vec<ScoreLine>,
    /// Choice questions that are shown but not answered.
    pub unanswered: Vec<String>,
}

/// One scored answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ScoreLine {
    pub question: String,
    /// The page the question is on.
    pub page: String,
    pub score: ScoreKind,
    pub points: u32,
    pub max: u32,
}

/// Exactly the four numbers the official tool shows, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialScore {
    pub raw_impact_score: u32,
    pub mitigation_score: u32,
    pub current_score: u32,
    /// 1 to 4.
    pub impact_level: u8,
}

impl AiaResult {
    pub fn official(&self) -> OfficialScore {
        OfficialScore {
            raw_impact_score: self.raw_impact_score,
            mitigation_score: self.mitigation_score,
            current_score: self.current_score,
            impact_level: self.impact_level,
        }
    }
}

/// Appendix C of the Directive on Automated Decision-Making: requirements per impact level.
#[derive(Debug, Clone)]
pub(crate) struct AiaData {
    instrument: String,
    levels: BTreeMap<String, Vec<AppendixRow>>,
}

#[derive(Debug, Clone, Deserialize)]
struct AppendixFile {
    source: AppendixSource,
    levels: BTreeMap<String, Vec<AppendixRow>>,
}

#[derive(Debug, Clone, Deserialize)]
struct AppendixSource {
    instrument: String,
}

#[derive(Debug, Clone, Deserialize)]
struct AppendixRow {
    area: String,
    directive_section: String,
    requirement: String,
    requirement_fr: Option<String>,
}

const LEVEL_LABELS: [&str; 4] = ["I", "II", "III", "IV"];

impl AiaData {
    /// Appendix C as shipped in assets/templates/canada-adm-appendix-c.json.
    pub(crate) fn embedded() -> Result<AiaData> {
        let file: AppendixFile =
            serde_json::from_str(APPENDIX_C).map_err(|e| Error::Validation {
                entity: "template",
                fields: vec![FieldError::new("canada-adm-appendix-c.json", e.to_string())],
            })?;
        let missing: Vec<_> = LEVEL_LABELS
            .iter()
            .filter(|l| !file.levels.contains_key(**l))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Validation {
                entity: "template",
                fields: vec![FieldError::new(
                    "canada-adm-appendix-c.json",
                    format!("levels {missing:?} are missing; levels I, II, III and IV are needed"),
                )],
            });
        }
        Ok(AiaData {
            instrument: file.source.instrument,
            levels: file.levels,
        })
    }

    fn requirements(&self, level: u8) -> Vec<Requirement> {
        let label = LEVEL_LABELS[usize::from(level.clamp(1, 4)) - 1];
        let rows = self
            .levels
            .get(label)
            .map(Vec::as_slice)
            .unwrap_or_default();
        rows.iter()
            .map(|r| Requirement {
                source: self.instrument.clone(),
                reference: r.directive_section.clone(),
                area: r.area.clone(),
                text: r.requirement.clone(),
                text_fr: r.requirement_fr.clone(),
            })
            .collect()
    }
}

/// The raw score less 15%, rounded half up. The tool computes `Math.round((1 - 0.15) * raw)`;
/// for whole scores that equals this integer form (a unit test checks every raw score up to
/// 10 000 against the floating-point one).
pub fn reduced_score(raw: u32) -> u32 {
    ((85 * u64::from(raw) + 50) / 100) as u32
}

/// Whether the mitigation score earns the reduction: `mitigation >= 0.8 * (max / 2)`, computed
/// as the tool does.
pub fn reduction_applies(mitigation: u32, max_mitigation: u32) -> bool {
    f64::from(mitigation) >= MITIGATION_SHARE * (f64::from(max_mitigation) / 2.0)
}

/// The impact level from the current score: at most 25% of the maximum raw impact is level 1,
/// at most 50% level 2, at most 75% level 3, above that level 4.
pub fn impact_level(current: u32, max_raw: u32) -> u8 {
    let c = f64::from(current);
    let m = f64::from(max_raw);
    match LEVEL_BOUNDS.iter().position(|share| c <= m * share) {
        Some(i) => i as u8 + 1,
        None => 4,
    }
}

/// Points of one answer: the chosen choice's weight, or the sum over ticked choices.
pub(crate) fn points(q: &super::template::Question, answer: Option<&serde_json::Value>) -> u32 {
    match answer {
        Some(serde_json::Value::String(v)) => q.choice(v).map_or(0, |c| c.weight),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(serde_json::Value::as_str)
            .filter_map(|v| q.choice(v))
            .map(|c| c.weight)
            .sum(),
        _ => 0,
    }
}

pub(crate) fn score(
    t: &Template,
    data: &AiaData,
    answers: &Answers,
    visible: &[bool],
) -> AiaResult {
    let (mut raw, mut mitigation, mut max_raw, mut max_mitigation) = (0u32, 0u32, 0u32, 0u32);
    let mut breakdown = Vec::new();
    for (q, &shown) in t.questions.iter().zip(visible) {
        if !q.kind.has_choices() || q.score == ScoreKind::None {
            continue;
        }
        let (total, max) = match q.score {
            ScoreKind::Impact => (&mut raw, &mut max_raw),
            _ => (&mut mitigation, &mut max_mitigation),
        };
        *max += q.max_weight();
        let answer = answers.get(&q.name).filter(|v| !v.is_null());
        if !shown || answer.is_none() {
            continue; // a hidden question's answer does not count
        }
        let p = points(q, answer);
        *total += p;
        breakdown.push(ScoreLine {
            question: q.name.clone(),
            page: t.page_of(q).name.clone(),
            score: q.score,
            points: p,
            max: q.max_weight(),
        });
    }
    let reduction_applied = reduction_applies(mitigation, max_mitigation);
    let current = if reduction_applied {
        reduced_score(raw)
    } else {
        raw
    };
    let level = impact_level(current, max_raw);
    AiaResult {
        template_id: t.info.id.clone(),
        template_version: t.info.version.clone(),
        raw_impact_score: raw,
        mitigation_score: mitigation,
        current_score: current,
        impact_level: level,
        impact_level_label: LEVEL_LABELS[usize::from(level) - 1].to_string(),
        max_raw_impact_score: max_raw,
        max_mitigation_score: max_mitigation,
        mitigation_threshold: MITIGATION_SHARE * (f64::from(max_mitigation) / 2.0),
        reduction_applied,
        suggested_risk_tier: match level {
            1 => RiskTier::Low,
            2 => RiskTier::Medium,
            _ => RiskTier::High,
        },
        requirements: data.requirements(level),
        breakdown,
        unanswered: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_reduction_equals_the_tools_floating_point() {
        for raw in 0..=10_000u32 {
            let tool = ((1.0 - 0.15) * f64::from(raw)).round(); // JS Math.round, raw >= 0
            assert_eq!(f64::from(reduced_score(raw)), tool, "raw {raw}");
        }
    }

    #[test]
    fn thresholds_with_the_2025_maxima() {
        let check = |mitigation: u32, applies: bool| {
            assert_eq!(
                reduction_applies(mitigation, 154),
                applies,
                "mitigation {mitigation} of 154"
            );
        };
        check(61, false);
        check(62, true); // 0.8 x 77 = 61.6
        let level = |current: u32, expected: u8| {
            assert_eq!(
                impact_level(current, 167),
                expected,
                "current {current} of 167"
            );
        };
        for (current, expected) in [
            (0, 1),
            (41, 1),
            (42, 2),
            (83, 2),
            (84, 3),
            (125, 3),
            (126, 4),
            (167, 4),
        ] {
            level(current, expected);
        }
    }
}
