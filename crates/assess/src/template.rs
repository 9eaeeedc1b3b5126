//! Questionnaire templates as data: the one model every questionnaire is loaded into, and the
//! builder that assembles one, reading a SurveyJS questionnaire as it is. It knows no kind's
//! engine: the built-in templates and loading a template by its kind are in `catalog`, scoring is
//! in `aia`, `eu` and `nist`, and nothing here may name those modules. Nothing here scores or
//! stores answers.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use super::expr::{self, Expr};
use steward_domain::{Error, FieldError, Result};

/// At its old path for callers; it lives in `catalog`, as an AIA needs the AIA engine's data.
pub use crate::catalog::aia_from_survey;

/// Which engine scores a template's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TemplateKind {
    /// Canada's Algorithmic Impact Assessment (SurveyJS questionnaire, official scoring).
    Aia,
    /// Classification under Regulation (EU) 2024/1689.
    EuAiAct,
    /// NIST AI RMF 1.0 maturity self-assessment.
    NistAiRmf,
}

/// Identity and provenance of one version of a template, as its file states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TemplateInfo {
    /// Stable identifier, e.g. "aia"; the same across versions.
    pub id: String,
    pub kind: TemplateKind,
    pub version: String,
    /// Date of this version (ISO 8601), empty when the file does not say.
    pub date: String,
    pub title: String,
    /// Where the questions and the scoring come from.
    pub source: String,
    pub licence: String,
}

/// A text in the template's languages: SurveyJS's `default` (English here) and French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "TemplateText")]
pub struct Text {
    pub default: String,
    pub fr: Option<String>,
}

impl Text {
    pub fn plain(s: impl Into<String>) -> Text {
        Text {
            default: s.into(),
            fr: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QuestionType {
    Radiogroup,
    Checkbox,
    Dropdown,
    Text,
    Comment,
}

impl QuestionType {
    /// Whether answers are chosen from the question's choices.
    pub fn has_choices(self) -> bool {
        matches!(
            self,
            QuestionType::Radiogroup | QuestionType::Checkbox | QuestionType::Dropdown
        )
    }

    fn parse(s: &str) -> Option<QuestionType> {
        Some(match s {
            "radiogroup" => QuestionType::Radiogroup,
            "checkbox" => QuestionType::Checkbox,
            "dropdown" => QuestionType::Dropdown,
            "text" => QuestionType::Text,
            "comment" => QuestionType::Comment,
            _ => return None,
        })
    }
}

/// Where a question's points go in the AIA: impact (`-RS`), mitigation (`-MS`), or nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ScoreKind {
    Impact,
    Mitigation,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "QuestionChoice")]
pub struct Choice {
    /// The value saved in the answers, e.g. "item2-3".
    pub value: String,
    pub text: Text,
    /// Points for choosing it: the number after the value's last '-' (AIA rule), else 0.
    pub weight: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "TemplateSectionKind")]
pub enum SectionKind {
    Page,
    Panel,
}

/// A page or a panel; a question is shown only if every section around it is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "TemplateSection")]
pub struct Section {
    pub name: String,
    pub kind: SectionKind,
    pub title: Option<Text>,
    /// The SurveyJS condition as written in the file.
    pub visible_if: Option<String>,
    /// Index of the enclosing section in [`Template::sections`].
    pub parent: Option<u32>,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) condition: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "TemplateQuestion")]
pub struct Question {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub title: Text,
    pub description: Option<Text>,
    pub help: Option<Text>,
    pub choices: Vec<Choice>,
    pub visible_if: Option<String>,
    /// Index of the innermost enclosing section in [`Template::sections`].
    pub section: u32,
    pub score: ScoreKind,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) condition: Option<Expr>,
}

impl Question {
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }

    /// The most points the question can give: its best choice, or all its choices for a checkbox.
    pub fn max_weight(&self) -> u32 {
        let weights = self.choices.iter().map(|c| c.weight);
        if self.kind == QuestionType::Checkbox {
            weights.sum()
        } else {
            weights.max().unwrap_or(0)
        }
    }
}

/// A loaded questionnaire: its identity, its sections and questions in document order, and the
/// data its kind needs to score (requirements per level, legal references, maturity scale).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Template {
    pub info: TemplateInfo,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) data: KindPayload,
    #[serde(skip)]
    #[ts(skip)]
    index: HashMap<String, usize>,
}

/// What a template's kind needs besides its questions (requirements per level, legal text,
/// maturity scale). The model only carries it: `catalog` attaches each kind's data when it loads a
/// template and reads it back to score, so this module names no kind's engine.
#[derive(Clone)]
pub(crate) struct KindPayload(Arc<dyn Payload>);

trait Payload: Any + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> Payload for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl KindPayload {
    /// The data attached when the template was built, if it is a `T`.
    pub(crate) fn get<T: Any>(&self) -> Option<&T> {
        // Through the data itself: the `Arc` holding it is a `Payload` too.
        let data: &dyn Payload = &*self.0;
        data.as_any().downcast_ref()
    }
}

impl fmt::Debug for KindPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Template {
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.index.get(name).map(|&i| &self.questions[i])
    }

    pub(crate) fn question_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The page a question is on.
    pub fn page_of(&self, q: &Question) -> &Section {
        let mut s = &self.sections[q.section as usize];
        while let Some(p) = s.parent {
            s = &self.sections[p as usize];
        }
        s
    }

    /// The sections around a question, innermost first.
    pub(crate) fn sections_of(&self, q: &Question) -> Vec<&Section> {
        let mut out = vec![&self.sections[q.section as usize]];
        while let Some(p) = out.last().and_then(|s| s.parent) {
            out.push(&self.sections[p as usize]);
        }
        out
    }
}

/// The points of a choice value, as the official AIA tool computes them: the number after the
/// last '-' (`"item3-2"` gives 2); no '-', an empty or a non-numeric suffix give 0. A suffix that
/// JavaScript would read as a fractional or signed number is refused rather than guessed at.
pub fn choice_weight(value: &str) -> std::result::Result<u32, String> {
    let Some(i) = value.rfind('-') else {
        return Ok(0);
    };
    let suffix = &value[i + 1..];
    if suffix.is_empty() {
        return Ok(0);
    }
    if suffix.bytes().all(|b| b.is_ascii_digit()) {
        return suffix
            .parse()
            .map_err(|_| format!("weight {suffix} of choice {value} is too large"));
    }
    let t = suffix.trim();
    let numeric_like = t.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+');
    if numeric_like && t.parse::<f64>().is_ok_and(|n| !n.is_nan()) {
        return Err(format!(
            "choice {value} has the weight {suffix:?}, which is not a whole number of points"
        ));
    }
    Ok(0)
}

/// Assembles sections and questions, collecting every problem rather than stopping at the first.
pub(crate) struct Builder {
    kind: TemplateKind,
    sections: Vec<Section>,
    questions: Vec<Question>,
    problems: Vec<FieldError>,
}

/// A question as a builder is given it.
pub(crate) struct QuestionSpec<'a> {
    pub name: String,
    pub kind: QuestionType,
    pub title: Text,
    pub description: Option<Text>,
    pub choices: Vec<(String, Text)>,
    pub visible_if: Option<&'a str>,
}

impl Builder {
    pub(crate) fn new(kind: TemplateKind) -> Builder {
        Builder {
            kind,
            sections: Vec::new(),
            questions: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(FieldError::new(field, message));
    }

    fn condition(&mut self, owner: &str, src: Option<&str>) -> Option<Expr> {
        let src = src?;
        match expr::parse(src) {
            Ok(e) => Some(e),
            Err(e) => {
                // A condition refused for its size is not quoted whole.
                let shown: String = src.chars().take(80).collect();
                let shown = if shown.len() < src.len() {
                    format!("{shown:?}...")
                } else {
                    format!("{src:?}")
                };
                self.problem(format!("{owner}.visibleIf"), format!("{shown}: {e}"));
                None
            }
        }
    }

    /// Adds a page (no parent) or a panel; returns its index.
    pub(crate) fn section(
        &mut self,
        name: &str,
        kind: SectionKind,
        title: Option<Text>,
        visible_if: Option<&str>,
        parent: Option<usize>,
    ) -> usize {
        let condition = self.condition(name, visible_if);
        self.sections.push(Section {
            name: name.to_string(),
            kind,
            title,
            visible_if: visible_if.map(str::to_string),
            parent: parent.map(|p| p as u32),
            condition,
        });
        self.sections.len() - 1
    }

    pub(crate) fn question(&mut self, spec: QuestionSpec<'_>, section: usize, help: Option<Text>) {
        let condition = self.condition(&spec.name, spec.visible_if);
        let mut choices = Vec::with_capacity(spec.choices.len());
        for (value, text) in spec.choices {
            if choices.iter().any(|c: &Choice| c.value == value) {
                self.problem(&spec.name, format!("choice {value} appears twice"));
                continue;
            }
            let weight = choice_weight(&value).unwrap_or_else(|msg| {
                self.problem(&spec.name, msg);
                0
            });
            choices.push(Choice {
                value,
                text,
                weight,
            });
        }
        if spec.kind.has_choices() && choices.is_empty() {
            self.problem(&spec.name, "a choice question needs at least one choice");
        }
        let score = match self.kind {
            TemplateKind::Aia if spec.kind.has_choices() => {
                let panel = &self.sections[section].name;
                score_kind(&spec.name)
                    .or_else(|| score_kind(panel))
                    .unwrap_or(ScoreKind::None)
            }
            _ => ScoreKind::None,
        };
        self.questions.push(Question {
            name: spec.name,
            kind: spec.kind,
            title: spec.title,
            description: spec.description,
            help,
            choices,
            visible_if: spec.visible_if.map(str::to_string),
            section: section as u32,
            score,
            condition,
        });
    }

    /// Reads a SurveyJS questionnaire: `pages`, each with `elements` (or the older `questions`).
    pub(crate) fn survey(&mut self, survey: &Json) {
        let Some(pages) = survey.get("pages").and_then(Json::as_array) else {
            self.problem("pages", "a SurveyJS questionnaire has a \"pages\" array");
            return;
        };
        for (i, page) in pages.iter().enumerate() {
            let path = format!("pages[{i}]");
            let name = page
                .get("name")
                .and_then(Json::as_str)
                .map_or_else(|| format!("page{}", i + 1), str::to_string);
            let title = self.text(page.get("title"), &path);
            let visible_if = self.visible_if(page, &path);
            let idx = self.section(&name, SectionKind::Page, title, visible_if.as_deref(), None);
            self.elements(page, idx, &path);
        }
    }

    fn elements(&mut self, container: &Json, section: usize, path: &str) {
        let list = container
            .get("elements")
            .or_else(|| container.get("questions"));
        let Some(list) = list else { return };
        let Some(list) = list.as_array() else {
            self.problem(path, "\"elements\" must be an array");
            return;
        };
        for (i, el) in list.iter().enumerate() {
            let path = format!("{path}.elements[{i}]");
            let Some(ty) = el.get("type").and_then(Json::as_str) else {
                self.problem(&path, "an element needs a \"type\"");
                continue;
            };
            let name = el
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string();
            let path = if name.is_empty() {
                path
            } else {
                format!("{path} ({name})")
            };
            match ty {
                "html" | "image" => {} // content only, never answered
                "panel" => {
                    let title = self.text(el.get("title"), &path);
                    let visible_if = self.visible_if(el, &path);
                    let idx = self.section(
                        &name,
                        SectionKind::Panel,
                        title,
                        visible_if.as_deref(),
                        Some(section),
                    );
                    self.elements(el, idx, &path);
                }
                _ => {
                    let Some(kind) = QuestionType::parse(ty) else {
                        self.problem(
                            &path,
                            format!("question type {ty} is not supported (supported: panel, html, image, radiogroup, checkbox, dropdown, text, comment)"),
                        );
                        continue;
                    };
                    if name.is_empty() {
                        self.problem(&path, "a question needs a \"name\"");
                        continue;
                    }
                    let title = self
                        .text(el.get("title"), &path)
                        .unwrap_or_else(|| Text::plain(&name));
                    let description = self.text(el.get("description"), &path);
                    let help = self.text(el.get("help"), &path);
                    let choices = self.choices(el, &path);
                    let visible_if = self.visible_if(el, &path);
                    let spec = QuestionSpec {
                        name,
                        kind,
                        title,
                        description,
                        choices,
                        visible_if: visible_if.as_deref(),
                    };
                    self.question(spec, section, help);
                }
            }
        }
    }

    /// `visibleIf`, or `visible: false` as a condition that never holds.
    fn visible_if(&mut self, el: &Json, path: &str) -> Option<String> {
        if el.get("visible") == Some(&Json::Bool(false)) {
            return Some("false".into());
        }
        match el.get("visibleIf") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) if s.trim().is_empty() => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problem(path, "\"visibleIf\" must be a string");
                None
            }
        }
    }

    /// A SurveyJS localizable string: a plain string or `{ "default": ..., "fr": ... }`.
    fn text(&mut self, v: Option<&Json>, path: &str) -> Option<Text> {
        match v? {
            Json::String(s) => Some(Text::plain(s.clone())),
            Json::Object(m) => {
                let get = |k: &str| m.get(k).and_then(Json::as_str).map(str::to_string);
                let default = get("default")
                    .or_else(|| get("en"))
                    .or_else(|| m.values().find_map(|v| v.as_str().map(str::to_string)));
                Some(Text {
                    default: default.unwrap_or_default(),
                    fr: get("fr"),
                })
            }
            _ => {
                self.problem(path, "a text must be a string or an object of translations");
                None
            }
        }
    }

    fn choices(&mut self, el: &Json, path: &str) -> Vec<(String, Text)> {
        let Some(list) = el.get("choices").and_then(Json::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let at = format!("{path}.choices[{i}]");
            match c {
                Json::String(s) => out.push((s.clone(), Text::plain(s.clone()))),
                Json::Object(m) => match m.get("value") {
                    Some(Json::String(v)) => {
                        let text = self
                            .text(m.get("text"), &at)
                            .unwrap_or_else(|| Text::plain(v.clone()));
                        out.push((v.clone(), text));
                    }
                    _ => self.problem(at, "a choice needs a string \"value\""),
                },
                _ => self.problem(
                    at,
                    "a choice is a string or an object with \"value\" and \"text\"",
                ),
            }
        }
        out
    }

    pub(crate) fn finish<D: Any + fmt::Debug + Send + Sync>(
        mut self,
        info: TemplateInfo,
        data: D,
        origin: &str,
    ) -> Result<Template> {
        let mut index = HashMap::new();
        for (i, q) in self.questions.iter().enumerate() {
            if index.insert(q.name.clone(), i).is_some() {
                self.problems
                    .push(FieldError::new(&q.name, "two questions have this name"));
            }
        }
        let mut unknown = Vec::new();
        let conditions = self.sections.iter().map(|s| (&s.name, &s.condition));
        for (owner, cond) in
            conditions.chain(self.questions.iter().map(|q| (&q.name, &q.condition)))
        {
            for var in cond.iter().flat_map(|c| c.variables()) {
                if !index.contains_key(var) {
                    unknown.push(FieldError::new(
                        format!("{owner}.visibleIf"),
                        format!("reads {{{var}}}, which is no question of this template"),
                    ));
                }
            }
        }
        self.problems.extend(unknown);
        if !self.problems.is_empty() {
            for p in &mut self.problems {
                p.field = format!("{origin}: {}", p.field);
            }
            return Err(Error::Validation {
                entity: "template",
                fields: self.problems,
            });
        }
        Ok(Template {
            info,
            sections: self.sections,
            questions: self.questions,
            data: KindPayload(Arc::new(data)),
            index,
        })
    }
}

/// `-RS` impact, `-MS` mitigation, `-NS` explicitly unscored; None when the name says nothing.
fn score_kind(name: &str) -> Option<ScoreKind> {
    if name.ends_with("-RS") {
        Some(ScoreKind::Impact)
    } else if name.ends_with("-MS") {
        Some(ScoreKind::Mitigation)
    } else if name.ends_with("-NS") {
        Some(ScoreKind::None)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_weights_follow_the_official_rule() {
        let check = |value: &str, expected: std::result::Result<u32, ()>| {
            assert_eq!(
                choice_weight(value).map_err(|_| ()),
                expected,
                "weight of {value:?}"
            );
        };
        check("item3-2", Ok(2));
        check("item1-0", Ok(0));
        check("item6", Ok(0)); // no '-'
        check("a-b-12", Ok(12)); // the last '-'
        check("item1-", Ok(0)); // Number("") is 0
        check("item1-x", Ok(0)); // not a number
        check("item1-1.5", Err(()));
        check("001", Ok(0));
    }
}
