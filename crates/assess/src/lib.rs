//! Impact assessments: questionnaire templates as data, one engine to validate answers, decide
//! which questions are shown, and score them (Canada's AIA, the EU AI Act screening, the NIST AI
//! RMF self-assessment). Answers are kept exactly as SurveyJS saves them. This module neither
//! stores assessments nor reads the clock; the store and the UI call it.

pub mod aia;
pub mod catalog;
pub mod diff;
pub mod eu;
pub mod expr;
pub mod nist;
pub mod template;

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

pub use catalog::{
    builtin, builtin_source, builtin_templates, from_snapshot, load_template_file,
    template_file_source, TemplateSource, BUILTIN_IDS,
};
pub use template::{Question, QuestionType, Template, TemplateInfo, TemplateKind};

use steward_domain::register::{EuAiActCategory, RiskTier};
use steward_domain::{Error, FieldError, Result};

/// Answers as SurveyJS saves them: question name to a choice value (a string), a list of choice
/// values (checkbox), or text.
pub type Answers = serde_json::Map<String, serde_json::Value>;

/// One thing wrong with an answer file, naming the question and, for a bad choice, the choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AnswerProblem {
    pub question: String,
    pub choice: Option<String>,
    pub message: String,
}

/// One thing a result asks of the system's owners: a requirement of the level (AIA), an
/// obligation of the category (EU AI Act), or a subcategory below target (NIST AI RMF).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "AssessmentRequirement")]
pub struct Requirement {
    /// The instrument, e.g. "Directive on Automated Decision-Making, Appendix C".
    pub source: String,
    /// Section, article or subcategory, e.g. "6.3.7", "Article 14", "GOVERN 1.1".
    pub reference: String,
    /// Topic, e.g. "Peer review", "High-risk", "GOVERN".
    pub area: String,
    pub text: String,
    pub text_fr: Option<String>,
}

/// The result of scoring one set of answers, by template kind.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum AssessmentResult {
    Aia(aia::AiaResult),
    EuAiAct(eu::EuScreening),
    NistAiRmf(nist::NistProfile),
}

impl AssessmentResult {
    /// The risk tier the result suggests for the system; a NIST self-assessment suggests none.
    pub fn suggested_risk_tier(&self) -> Option<RiskTier> {
        match self {
            AssessmentResult::Aia(r) => Some(r.suggested_risk_tier),
            AssessmentResult::EuAiAct(r) => Some(r.suggested_risk_tier),
            AssessmentResult::NistAiRmf(_) => None,
        }
    }

    /// The EU AI Act category, from an EU AI Act screening only.
    pub fn eu_ai_act_category(&self) -> Option<EuAiActCategory> {
        match self {
            AssessmentResult::EuAiAct(r) => Some(r.category),
            _ => None,
        }
    }

    pub fn requirements(&self) -> &[Requirement] {
        match self {
            AssessmentResult::Aia(r) => &r.requirements,
            AssessmentResult::EuAiAct(r) => &r.requirements,
            AssessmentResult::NistAiRmf(r) => &r.requirements,
        }
    }

    /// Shown choice questions left unanswered.
    pub fn unanswered(&self) -> &[String] {
        match self {
            AssessmentResult::Aia(r) => &r.unanswered,
            AssessmentResult::EuAiAct(r) => &r.unanswered,
            AssessmentResult::NistAiRmf(r) => &r.unanswered,
        }
    }
}

/// Reads an answers file as the official AIA tool saves it: either the SurveyJS data object
/// itself, or the tool's wrapper `{"version", "currentPage", "data": {...}, ...}` (recognised by a
/// `data` object beside `currentPage` or `version`), whose `data` holds the answers.
pub fn parse_answers(text: &str) -> Result<Answers> {
    let bad = |message: String| Error::Validation {
        entity: "answers file",
        fields: vec![FieldError::new("file", message)],
    };
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let serde_json::Value::Object(mut top) = json else {
        return Err(bad(
            "expected a JSON object of answers (question name to value)".into(),
        ));
    };
    let wrapped = matches!(top.get("data"), Some(serde_json::Value::Object(_)))
        && (top.contains_key("currentPage") || top.contains_key("version"));
    if wrapped {
        if let Some(serde_json::Value::Object(data)) = top.remove("data") {
            return Ok(data);
        }
    }
    Ok(top)
}

/// Reads and parses an answers file (see [`parse_answers`]).
pub fn read_answers_file(path: &Path) -> Result<Answers> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_answers(&text).map_err(|e| match e {
        Error::Validation { entity, mut fields } => {
            for f in &mut fields {
                f.field = path.display().to_string();
            }
            Error::Validation { entity, fields }
        }
        other => other,
    })
}

fn json_text(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// Every answer that names no question of the template, or a choice its question does not
/// have; also answers of the wrong shape (a list for a single choice, ...). Answers to hidden
/// questions are not problems: they are kept and simply not counted.
pub fn validate_answers(t: &Template, answers: &Answers) -> Vec<AnswerProblem> {
    let mut out = Vec::new();
    let problem = |question: &str, choice: Option<String>, message: String| AnswerProblem {
        question: question.to_string(),
        choice,
        message,
    };
    for (name, value) in answers {
        if value.is_null() {
            continue;
        }
        let Some(q) = t.question(name) else {
            out.push(problem(
                name,
                None,
                format!(
                    "no question is named {name} in template {} {}",
                    t.info.id, t.info.version
                ),
            ));
            continue;
        };
        let choices = || {
            q.choices
                .iter()
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let bad_choice = |v: &serde_json::Value| {
            problem(
                name,
                Some(json_text(v)),
                format!(
                    "{} is not a choice of question {name} (choices: {})",
                    json_text(v),
                    choices()
                ),
            )
        };
        match (q.kind, value) {
            (QuestionType::Radiogroup | QuestionType::Dropdown, serde_json::Value::String(v)) => {
                if q.choice(v).is_none() {
                    out.push(bad_choice(value));
                }
            }
            (QuestionType::Radiogroup | QuestionType::Dropdown, _) => {
                out.push(problem(
                    name,
                    None,
                    format!("question {name} takes one choice value, got {value}"),
                ));
            }
            (QuestionType::Checkbox, serde_json::Value::Array(items)) => {
                let mut seen = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(v) if q.choice(v).is_some() => {
                            if seen.contains(&v) {
                                out.push(problem(
                                    name,
                                    Some(v.into()),
                                    format!("{v} is ticked twice in question {name}"),
                                ));
                            }
                            seen.push(v);
                        }
                        _ => out.push(bad_choice(item)),
                    }
                }
            }
            (QuestionType::Checkbox, _) => {
                out.push(problem(
                    name,
                    None,
                    format!("question {name} takes a list of choice values, got {value}"),
                ));
            }
            (QuestionType::Text, serde_json::Value::String(_) | serde_json::Value::Number(_)) => {}
            (QuestionType::Comment, serde_json::Value::String(_)) => {}
            (QuestionType::Text | QuestionType::Comment, _) => {
                out.push(problem(
                    name,
                    None,
                    format!("question {name} takes text, got {value}"),
                ));
            }
        }
    }
    out
}

/// Which questions are shown, by index in `t.questions`. A question is shown when its own
/// `visibleIf` and those of every page and panel around it hold. Answers to hidden questions are
/// treated as absent when evaluating the conditions, repeatedly, until nothing changes: this is
/// what SurveyJS arrives at when it clears hidden values on completion (a question that depends
/// on a hidden answer is hidden too). If the conditions never settle (a rule that shows a
/// question only while another is hidden, and the reverse), the last evaluation is returned.
pub(crate) fn visibility(t: &Template, answers: &Answers) -> Vec<bool> {
    let mut current = answers.clone();
    let mut shown = Vec::new();
    for _ in 0..=t.questions.len() + 1 {
        let lookup = |name: &str| {
            current
                .get(name)
                .map_or(expr::Value::Null, expr::Value::from_json)
        };
        let holds = |c: &Option<expr::Expr>| c.as_ref().is_none_or(|e| e.holds(&lookup));
        let mut sections: Vec<bool> = Vec::with_capacity(t.sections.len());
        for s in &t.sections {
            let parent = s.parent.is_none_or(|p| sections[p as usize]);
            sections.push(parent && holds(&s.condition));
        }
        shown = t
            .questions
            .iter()
            .map(|q| sections[q.section as usize] && holds(&q.condition))
            .collect();
        let next: Answers = answers
            .iter()
            .filter(|(k, _)| t.question_index(k).is_some_and(|i| shown[i]))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if next == current {
            break;
        }
        current = next;
    }
    shown
}

/// The questions shown for these answers, in document order.
pub fn visible_questions<'t>(t: &'t Template, answers: &Answers) -> Vec<&'t Question> {
    let shown = visibility(t, answers);
    t.questions
        .iter()
        .zip(shown)
        .filter(|(_, s)| *s)
        .map(|(q, _)| q)
        .collect()
}

/// The answers to shown questions only: what is displayed and counted.
pub fn visible_answers(t: &Template, answers: &Answers) -> Answers {
    let shown = visibility(t, answers);
    answers
        .iter()
        .filter(|(k, _)| t.question_index(k).is_some_and(|i| shown[i]))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Validates and scores answers against a template. Any answer naming an unknown question or
/// choice fails the whole call with a validation error listing each one.
pub fn score(t: &Template, answers: &Answers) -> Result<AssessmentResult> {
    let problems = validate_answers(t, answers);
    if !problems.is_empty() {
        let fields = problems
            .into_iter()
            .map(|p| FieldError::new(p.question, p.message))
            .collect();
        return Err(Error::Validation {
            entity: "answers",
            fields,
        });
    }
    let shown = visibility(t, answers);
    let unanswered: Vec<String> = t
        .questions
        .iter()
        .zip(&shown)
        .filter(|(q, s)| **s && q.kind.has_choices())
        .filter(|(q, _)| {
            answers
                .get(&q.name)
                .is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
        })
        .map(|(q, _)| q.name.clone())
        .collect();
    Ok(match catalog::kind_data(t) {
        catalog::KindData::Aia(d) => {
            let mut r = aia::score(t, d, answers, &shown);
            r.unanswered = unanswered;
            AssessmentResult::Aia(r)
        }
        catalog::KindData::EuAiAct(d) => {
            let mut r = eu::screen(t, d, answers, &shown);
            r.unanswered = unanswered;
            AssessmentResult::EuAiAct(r)
        }
        catalog::KindData::NistAiRmf(d) => {
            let mut r = nist::profile(t, d, answers);
            r.unanswered = unanswered;
            AssessmentResult::NistAiRmf(r)
        }
    })
}
