//! Differences between two versions of a template, question by question (added, removed, or
//! changed in title, choices, scores or visibility), and which answered assessments a new
//! version puts up for review. Compares loaded templates only; reads no storage.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::expr::Expr;
use super::template::{Question, Template, TemplateInfo};
use super::Answers;

/// What changed between two versions of a template.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateDiff {
    pub old: TemplateInfo,
    pub new: TemplateInfo,
    pub added: Vec<QuestionRef>,
    pub removed: Vec<QuestionRef>,
    pub changed: Vec<QuestionChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QuestionRef {
    pub name: String,
    pub title: String,
    pub page: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QuestionChange {
    pub name: String,
    /// The new title.
    pub title: String,
    pub page: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "TemplateChange")]
pub enum Change {
    /// The question type (e.g. radiogroup to checkbox).
    Type,
    /// The English or French title.
    Title,
    /// A choice was added or removed, or its text changed.
    Choices,
    /// A choice's points, or whether the question counts toward impact or mitigation.
    Scores,
    /// The condition that shows it, its own or its page's or panel's.
    VisibleIf,
}

impl Change {
    /// The stable snake_case key, as serialized.
    pub fn key(self) -> &'static str {
        match self {
            Change::Type => "type",
            Change::Title => "title",
            Change::Choices => "choices",
            Change::Scores => "scores",
            Change::VisibleIf => "visible_if",
        }
    }
}

impl TemplateDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn question_ref(t: &Template, q: &Question) -> QuestionRef {
    QuestionRef {
        name: q.name.clone(),
        title: q.title.default.clone(),
        page: t.page_of(q).name.clone(),
    }
}

/// Compares two versions question by question, matching questions by name.
pub fn diff(old: &Template, new: &Template) -> TemplateDiff {
    let added = new
        .questions
        .iter()
        .filter(|q| old.question(&q.name).is_none())
        .map(|q| question_ref(new, q))
        .collect();
    let removed = old
        .questions
        .iter()
        .filter(|q| new.question(&q.name).is_none())
        .map(|q| question_ref(old, q))
        .collect();
    let changed = new
        .questions
        .iter()
        .filter_map(|n| {
            let o = old.question(&n.name)?;
            let changes = changes(old, o, new, n);
            (!changes.is_empty()).then(|| QuestionChange {
                name: n.name.clone(),
                title: n.title.default.clone(),
                page: new.page_of(n).name.clone(),
                changes,
            })
        })
        .collect();
    TemplateDiff {
        old: old.info.clone(),
        new: new.info.clone(),
        added,
        removed,
        changed,
    }
}

/// A choice's identity across versions: its value without the points suffix, so that
/// "item1-2" becoming "item1-3" is a change of score, not a new choice.
fn identity(value: &str) -> &str {
    match value.rsplit_once('-') {
        Some((stem, points))
            if !points.is_empty() && points.bytes().all(|b| b.is_ascii_digit()) =>
        {
            stem
        }
        _ => value,
    }
}

fn changes(old_t: &Template, o: &Question, new_t: &Template, n: &Question) -> Vec<Change> {
    let mut out = Vec::new();
    if o.kind != n.kind {
        out.push(Change::Type);
    }
    if o.title != n.title {
        out.push(Change::Title);
    }
    let choices = |q: &Question| -> BTreeMap<String, (u32, String, Option<String>)> {
        q.choices
            .iter()
            .map(|c| {
                (
                    identity(&c.value).to_string(),
                    (c.weight, c.text.default.clone(), c.text.fr.clone()),
                )
            })
            .collect()
    };
    let (oc, nc) = (choices(o), choices(n));
    let same_set = oc.keys().eq(nc.keys());
    let texts_same = oc
        .iter()
        .all(|(k, (_, d, f))| nc.get(k).is_none_or(|(_, nd, nf)| d == nd && f == nf));
    if !same_set || !texts_same {
        out.push(Change::Choices);
    }
    let weights_differ = oc
        .iter()
        .any(|(k, (w, ..))| nc.get(k).is_some_and(|(nw, ..)| nw != w));
    let scored_choice_gone = oc.iter().any(|(k, (w, ..))| *w > 0 && !nc.contains_key(k));
    let scored_choice_new = nc.iter().any(|(k, (w, ..))| *w > 0 && !oc.contains_key(k));
    if o.score != n.score || weights_differ || scored_choice_gone || scored_choice_new {
        out.push(Change::Scores);
    }
    if conditions(old_t, o) != conditions(new_t, n) {
        out.push(Change::VisibleIf);
    }
    out
}

/// Every condition that decides whether the question is shown, outermost section first.
fn conditions<'t>(t: &'t Template, q: &'t Question) -> Vec<&'t Expr> {
    let mut out: Vec<&Expr> = t
        .sections_of(q)
        .iter()
        .rev()
        .filter_map(|s| s.condition.as_ref())
        .collect();
    out.extend(q.condition.as_ref());
    out
}

/// What a new template version means for one assessment's answers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct AnswerReview {
    /// Answered questions that the new version no longer has.
    pub removed: Vec<String>,
    /// Answered questions whose title, choices, scores or visibility changed.
    pub changed: Vec<String>,
    /// Questions new in this version, to be answered.
    pub added: Vec<String>,
}

impl AnswerReview {
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.changed.is_empty() && self.added.is_empty()
    }
}

/// Which of an assessment's answers a template change touches.
pub fn review_answers(diff: &TemplateDiff, answers: &Answers) -> AnswerReview {
    let answered = |name: &String| answers.get(name).is_some_and(|v| !v.is_null());
    AnswerReview {
        removed: diff
            .removed
            .iter()
            .map(|q| &q.name)
            .filter(|n| answered(n))
            .cloned()
            .collect(),
        changed: diff
            .changed
            .iter()
            .map(|q| &q.name)
            .filter(|n| answered(n))
            .cloned()
            .collect(),
        added: diff.added.iter().map(|q| q.name.clone()).collect(),
    }
}

/// The assessments answered against another version of `current`'s template: they need
/// review. `answered_with` gives an assessment's template id and version.
pub fn needing_review<'a, A>(
    current: &TemplateInfo,
    assessments: &'a [A],
    answered_with: impl Fn(&A) -> (&str, &str),
) -> Vec<&'a A> {
    assessments
        .iter()
        .filter(|a| {
            let (id, version) = answered_with(a);
            id == current.id && version != current.version
        })
        .collect()
}
