//! The review's recommendation rules as data: `assets/review/rules.toml`, replaceable per
//! workspace. Conditions are parsed once into typed [`Condition`]s, so a bad file is refused when
//! it is set (naming the rule and the condition), never when a review is scored.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Disposition, Scorecard};
use crate::error::FieldError;
use crate::register::{EuAiActCategory, RiskTier, Stage};
use crate::{Error, Result};

/// The rules Steward ships with.
pub const DEFAULT_RULES: &str = include_str!("../../../../assets/review/rules.toml");

/// Which systems a rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ReviewRuleScope")]
pub enum Scope {
    /// Every stage but proposed and retired.
    InService,
    /// Stage proposed: the pipeline.
    Proposals,
    All,
}

/// The rule file as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    version: String,
    proposal: ProposalWeights,
    rules: Vec<RuleFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    recommend: String,
    applies_to: Scope,
    when: Vec<String>,
    reason: String,
}

/// How a proposal's score is made: the weights of its value, data readiness and strategic
/// alignment, and the ROI bounds that score its value 2, 3, 4 and 5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ProposalWeights {
    pub value_weight: f64,
    pub data_readiness_weight: f64,
    pub strategic_alignment_weight: f64,
    pub roi_bands: Vec<f64>,
}

/// A checked rule set: what a review is scored with, and what a frozen review records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewRules {
    pub version: String,
    pub proposal: ProposalWeights,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "ReviewRule")]
pub struct Rule {
    pub id: String,
    pub recommend: Disposition,
    pub applies_to: Scope,
    pub when: Vec<Condition>,
    pub reason: String,
}

/// An input of the scorecard a condition may test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ReviewField")]
pub enum Field {
    KpiAttainment,
    KpisInBreach,
    BreachMonths,
    EscalationsOpen,
    RunCost,
    CostPer1000,
    AnnualValue,
    Roi,
    RiskTier,
    EuCategory,
    Stage,
    OverdueItems,
    CertsExpiring,
    MonthsSinceRetrain,
    MonthsSinceModelReview,
    AgeMonths,
    DataReadiness,
    StrategicAlignment,
    ProposalScore,
}

const FIELDS: &[(Field, &str, &str)] = &[
    (
        Field::KpiAttainment,
        "kpi_attainment",
        "KPI attainment over the quarter",
    ),
    (Field::KpisInBreach, "kpis_in_breach", "KPIs in breach"),
    (
        Field::BreachMonths,
        "breach_months",
        "the longest breach run",
    ),
    (
        Field::EscalationsOpen,
        "escalations_open",
        "open escalations",
    ),
    (Field::RunCost, "run_cost", "the yearly running cost"),
    (
        Field::CostPer1000,
        "cost_per_1000",
        "the cost per 1,000 inferences",
    ),
    (Field::AnnualValue, "annual_value", "the yearly value"),
    (Field::Roi, "roi", "the return on its running cost"),
    (Field::RiskTier, "risk_tier", "the risk tier"),
    (Field::EuCategory, "eu_category", "the EU AI Act category"),
    (Field::Stage, "stage", "the stage"),
    (
        Field::OverdueItems,
        "overdue_items",
        "overdue calendar items",
    ),
    (
        Field::CertsExpiring,
        "certs_expiring",
        "certifications expiring within 90 days",
    ),
    (
        Field::MonthsSinceRetrain,
        "months_since_retrain",
        "months since the last retrain",
    ),
    (
        Field::MonthsSinceModelReview,
        "months_since_model_review",
        "months since the last model review",
    ),
    (Field::AgeMonths, "age_months", "its age in months"),
    (Field::DataReadiness, "data_readiness", "data readiness"),
    (
        Field::StrategicAlignment,
        "strategic_alignment",
        "strategic alignment",
    ),
    (
        Field::ProposalScore,
        "proposal_score",
        "the proposal's score",
    ),
];

impl Field {
    pub fn key(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map_or("", |f| f.1)
    }

    /// How the board reads the input's name.
    pub fn label(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map_or("", |f| f.2)
    }

    fn parse(s: &str) -> Option<Field> {
        FIELDS.iter().find(|f| f.1 == s).map(|f| f.0)
    }

    fn expected() -> String {
        FIELDS.iter().map(|f| f.1).collect::<Vec<_>>().join(", ")
    }

    /// Inputs compared as words (closed value sets) rather than numbers.
    fn is_word(self) -> bool {
        matches!(self, Field::RiskTier | Field::EuCategory | Field::Stage)
    }
}

/// What a condition tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ReviewOp")]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Missing,
    Present,
}

/// One condition of a rule, e.g. `roi < 0` or `proposal_score is missing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "ReviewCondition")]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    /// The number compared with, for numeric inputs.
    pub number: Option<f64>,
    /// The key compared with, for the tier, the EU category and the stage.
    pub word: Option<String>,
    /// The condition as written in the file.
    pub text: String,
}

/// The value of an input on a scorecard.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Missing,
    Number(f64),
    Word(&'static str),
}

fn value(card: &Scorecard, field: Field) -> Value {
    let n = |v: Option<f64>| v.map_or(Value::Missing, Value::Number);
    let i = |v: Option<i64>| v.map_or(Value::Missing, |x| Value::Number(x as f64));
    let u = |v: u32| Value::Number(f64::from(v));
    match field {
        Field::KpiAttainment => n(card.kpi_attainment),
        Field::KpisInBreach => u(card.kpis_in_breach),
        Field::BreachMonths => u(card.breach_months),
        Field::EscalationsOpen => u(card.escalations_open),
        Field::RunCost => n(card.run_cost),
        Field::CostPer1000 => n(card.cost_per_1000),
        Field::AnnualValue => n(card.annual_value),
        Field::Roi => n(card.roi),
        Field::RiskTier => Value::Word(card.risk_tier.key()),
        Field::EuCategory => card
            .eu_category
            .map_or(Value::Missing, |c| Value::Word(c.key())),
        Field::Stage => Value::Word(card.stage.key()),
        Field::OverdueItems => u(card.overdue_items),
        Field::CertsExpiring => u(card.certs_expiring),
        Field::MonthsSinceRetrain => i(card.months_since_retrain),
        Field::MonthsSinceModelReview => i(card.months_since_model_review),
        Field::AgeMonths => i(card.age_months),
        Field::DataReadiness => n(card.data_readiness.map(f64::from)),
        Field::StrategicAlignment => n(card.strategic_alignment.map(f64::from)),
        Field::ProposalScore => n(card.proposal_score),
    }
}

/// An input's value as the board reads it: percentages for shares, money with separators.
fn shown(field: Field, v: &Value) -> String {
    match v {
        Value::Missing => "missing".into(),
        Value::Word(w) => word_label(field, w),
        Value::Number(x) => match field {
            Field::KpiAttainment | Field::Roi => format!("{:.0}%", x * 100.0),
            Field::RunCost | Field::AnnualValue => money(*x),
            Field::CostPer1000 | Field::ProposalScore => format!("{x:.2}"),
            _ => format!("{x}"),
        },
    }
}

/// A closed value as the board reads it ("high_risk" as "High-risk").
fn word_label(field: Field, w: &str) -> String {
    let label = match field {
        Field::RiskTier => RiskTier::parse(w).map(|x| x.label()),
        Field::EuCategory => EuAiActCategory::parse(w).map(|x| x.label()),
        Field::Stage => Stage::parse(w).map(|x| x.label()),
        _ => None,
    };
    label.map_or_else(|| w.replace('_', " "), str::to_lowercase)
}

/// A whole amount with thousands separators, e.g. 1,234,567.
pub fn money(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl Condition {
    pub(crate) fn parse(text: &str) -> std::result::Result<Condition, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let field_of = |w: &str| {
            Field::parse(w).ok_or_else(|| {
                format!(
                    "{w:?} is not an input of the scorecard; expected one of {}",
                    Field::expected()
                )
            })
        };
        match words.as_slice() {
            [f, "is", "missing"] => Ok(Condition {
                field: field_of(f)?,
                op: Op::Missing,
                number: None,
                word: None,
                text: text.trim().into(),
            }),
            [f, "is", "present"] => Ok(Condition {
                field: field_of(f)?,
                op: Op::Present,
                number: None,
                word: None,
                text: text.trim().into(),
            }),
            [f, op, v] => {
                let field = field_of(f)?;
                let op = match *op {
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    other => {
                        return Err(format!(
                            "{other:?} is not a comparison; expected one of < <= > >= == !="
                        ))
                    }
                };
                if field.is_word() {
                    if !matches!(op, Op::Eq | Op::Ne) {
                        return Err(format!("{f} is compared with == or != only"));
                    }
                    let known = match field {
                        Field::RiskTier => RiskTier::parse(v).map(|x| x.key()),
                        Field::EuCategory => EuAiActCategory::parse(v).map(|x| x.key()),
                        _ => Stage::parse(v).map(|x| x.key()),
                    };
                    let expected = match field {
                        Field::RiskTier => RiskTier::expected(),
                        Field::EuCategory => EuAiActCategory::expected(),
                        _ => Stage::expected(),
                    };
                    let word = known.ok_or_else(|| {
                        format!("{v:?} is not a value of {f}; expected one of {expected}")
                    })?;
                    Ok(Condition {
                        field,
                        op,
                        number: None,
                        word: Some(word.into()),
                        text: text.trim().into(),
                    })
                } else {
                    let number: f64 = v
                        .parse()
                        .ok()
                        .filter(|x: &f64| x.is_finite())
                        .ok_or_else(|| format!("{v:?} is not a number to compare {f} with"))?;
                    Ok(Condition {
                        field,
                        op,
                        number: Some(number),
                        word: None,
                        text: text.trim().into(),
                    })
                }
            }
            _ => Err(format!(
                "{text:?} is not a condition; write INPUT OP VALUE (e.g. \"roi < 0\") or \
                 INPUT is missing / INPUT is present"
            )),
        }
    }

    /// Whether the condition holds for `card`. A comparison with a missing input does not.
    pub fn holds(&self, card: &Scorecard) -> bool {
        let v = value(card, self.field);
        match (self.op, &v) {
            (Op::Missing, v) => *v == Value::Missing,
            (Op::Present, v) => *v != Value::Missing,
            (_, Value::Missing) => false,
            (op, Value::Word(w)) => {
                let same = Some(*w) == self.word.as_deref();
                match op {
                    Op::Eq => same,
                    Op::Ne => !same,
                    _ => false,
                }
            }
            (op, Value::Number(x)) => {
                let t = self.number.unwrap_or(f64::NAN);
                match op {
                    Op::Lt => *x < t,
                    Op::Le => *x <= t,
                    Op::Gt => *x > t,
                    Op::Ge => *x >= t,
                    Op::Eq => *x == t,
                    Op::Ne => *x != t,
                    _ => false,
                }
            }
        }
    }

    /// What the condition asks, in words: "below -25%", "not high", "missing".
    pub fn in_words(&self) -> String {
        let threshold = match (&self.word, self.number) {
            (Some(w), _) => word_label(self.field, w),
            (None, Some(x)) => shown(self.field, &Value::Number(x)),
            (None, None) => String::new(),
        };
        let op = match self.op {
            Op::Missing => return "missing".into(),
            Op::Present => return "known".into(),
            Op::Lt => "below",
            Op::Le => "at most",
            Op::Gt => "above",
            Op::Ge => "at least",
            Op::Eq if self.word.is_some() => "",
            Op::Eq => "equal to",
            Op::Ne => "not",
        };
        if op.is_empty() {
            threshold
        } else {
            format!("{op} {threshold}")
        }
    }

    /// The condition and the value that made it hold, in words: "the return on its running
    /// cost is -40% (the rule: below -25%)".
    pub fn because(&self, card: &Scorecard) -> Because {
        let v = value(card, self.field);
        Because {
            input: self.field,
            value: shown(self.field, &v),
            text: format!(
                "{} is {} (the rule: {})",
                self.field.label(),
                shown(self.field, &v),
                self.in_words()
            ),
        }
    }
}

/// One input that made a fired rule's condition hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Because {
    pub input: Field,
    /// The input's value as shown to the board.
    pub value: String,
    /// The whole sentence.
    pub text: String,
}

/// What the rules propose for one scorecard: the disposition, the rule that fired and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Recommendation {
    pub disposition: Disposition,
    pub rule: String,
    pub reason: String,
    pub because: Vec<Because>,
    /// The rule set's version.
    pub rules_version: String,
}

impl Recommendation {
    /// The recommendation in one line a board member reads: "Retrain (rule performance-decay):
    /// Its model metrics have decayed ... AUC ... ".
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} (rule {}): {}",
            self.disposition.label(),
            self.rule,
            self.reason
        );
        if !self.because.is_empty() {
            s.push_str(" Because ");
            s.push_str(
                &self
                    .because
                    .iter()
                    .map(|b| b.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            s.push('.');
        }
        s
    }
}

fn applies(scope: Scope, card: &Scorecard) -> bool {
    match scope {
        Scope::All => true,
        Scope::Proposals => card.stage == Stage::Proposed,
        Scope::InService => !matches!(card.stage, Stage::Proposed | Stage::Retired),
    }
}

impl ReviewRules {
    /// The shipped rules.
    pub fn default_rules() -> ReviewRules {
        ReviewRules::from_toml("", "the shipped review rules")
            .expect("assets/review/rules.toml is valid (tested)")
    }

    /// Parses and checks a rules file over the shipped rules (a key left out keeps the shipped
    /// value; `rules` is replaced whole). `origin` names the file in errors; each bad rule or
    /// condition is named by its position and id.
    pub fn from_toml(text: &str, origin: &str) -> Result<ReviewRules> {
        let bad = |field: String, message: String| Error::Validation {
            entity: "review rules",
            fields: vec![FieldError::new(field, message)],
        };
        let merged = crate::overlay::over_shipped(DEFAULT_RULES, text)
            .map_err(|message| bad(origin.into(), message))?;
        let file = RulesFile::deserialize(merged)
            .map_err(|e| bad(origin.into(), e.message().trim_end().to_string()))?;
        let mut fields = Vec::new();
        let mut rules = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for (i, r) in file.rules.iter().enumerate() {
            let at = format!("rules[{i}] ({})", r.id);
            if r.id.trim().is_empty() {
                fields.push(FieldError::new(
                    format!("rules[{i}].id"),
                    "a rule needs an id",
                ));
            } else if !ids.insert(r.id.to_lowercase()) {
                fields.push(FieldError::new(
                    format!("{at}.id"),
                    "another rule has this id; ids name rules in recommendations, so each is unique",
                ));
            }
            let recommend = Disposition::parse(&r.recommend);
            if recommend.is_none() {
                fields.push(FieldError::new(
                    format!("{at}.recommend"),
                    format!(
                        "{:?} is not a disposition; expected one of {}",
                        r.recommend,
                        Disposition::expected()
                    ),
                ));
            }
            let mut when = Vec::new();
            for (j, c) in r.when.iter().enumerate() {
                match Condition::parse(c) {
                    Ok(c) => when.push(c),
                    Err(m) => fields.push(FieldError::new(format!("{at}.when[{j}]"), m)),
                }
            }
            if let Some(recommend) = recommend {
                let fits = match r.applies_to {
                    Scope::Proposals => {
                        recommend.for_proposals() || recommend == Disposition::Suspend
                    }
                    Scope::InService => !recommend.for_proposals(),
                    Scope::All => true,
                };
                if !fits {
                    fields.push(FieldError::new(
                        format!("{at}.recommend"),
                        format!(
                            "{} is not a decision for {}",
                            recommend.key(),
                            if r.applies_to == Scope::Proposals {
                                "proposals (fund, defer, reject)"
                            } else {
                                "systems in service"
                            }
                        ),
                    ));
                }
                rules.push(Rule {
                    id: r.id.clone(),
                    recommend,
                    applies_to: r.applies_to,
                    when,
                    reason: r.reason.clone(),
                });
            }
        }
        let w = &file.proposal;
        for (name, x) in [
            ("proposal.value_weight", w.value_weight),
            ("proposal.data_readiness_weight", w.data_readiness_weight),
            (
                "proposal.strategic_alignment_weight",
                w.strategic_alignment_weight,
            ),
        ] {
            if !(x.is_finite() && x >= 0.0) {
                fields.push(FieldError::new(
                    name,
                    format!("{x} is not a weight of 0 or more"),
                ));
            }
        }
        if w.value_weight + w.data_readiness_weight + w.strategic_alignment_weight <= 0.0 {
            fields.push(FieldError::new(
                "proposal",
                "at least one weight must be above 0",
            ));
        }
        if w.roi_bands.len() != 4 || w.roi_bands.windows(2).any(|p| p[0] > p[1]) {
            fields.push(FieldError::new(
                "proposal.roi_bands",
                "give four ROI bounds in increasing order (they score a proposal's value 2 to 5)",
            ));
        }
        if fields.is_empty() {
            Ok(ReviewRules {
                version: file.version,
                proposal: file.proposal,
                rules,
            })
        } else {
            Err(Error::Validation {
                entity: "review rules",
                fields,
            })
        }
    }

    /// A proposal's score: the weighted mean of its value (scored 1-5 from its expected ROI by
    /// the bands), data readiness and strategic alignment; missing when any of them is.
    pub fn proposal_score(&self, card: &Scorecard) -> Option<f64> {
        let roi = card.roi?;
        let value = 1 + self
            .proposal
            .roi_bands
            .iter()
            .filter(|b| roi >= **b)
            .count();
        let w = &self.proposal;
        let total = w.value_weight + w.data_readiness_weight + w.strategic_alignment_weight;
        let sum = w.value_weight * value as f64
            + w.data_readiness_weight * f64::from(card.data_readiness?)
            + w.strategic_alignment_weight * f64::from(card.strategic_alignment?);
        Some(sum / total)
    }

    /// The first rule that applies to `card` and whose every condition holds. `None` only when
    /// no rule catches the card (a rule set without a final catch-all rule).
    pub fn recommend(&self, card: &Scorecard) -> Option<Recommendation> {
        let rule = self
            .rules
            .iter()
            .filter(|r| applies(r.applies_to, card))
            .find(|r| r.when.iter().all(|c| c.holds(card)))?;
        Some(Recommendation {
            disposition: rule.recommend,
            rule: rule.id.clone(),
            reason: rule.reason.clone(),
            because: rule.when.iter().map(|c| c.because(card)).collect(),
            rules_version: self.version.clone(),
        })
    }
}
