//! NIST AI RMF 1.0 self-assessment: builds one rating question (on the template's maturity
//! scale) and one evidence note per subcategory of GOVERN, MAP, MEASURE and MANAGE, and turns
//! the ratings into a profile per function. Pure rules over answers; no I/O.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::template::{Builder, QuestionSpec, QuestionType, SectionKind, Template, Text};
use super::{Answers, Requirement};

const SOURCE: &str = "NIST AI 100-1, AI RMF 1.0 (2023), Section 5";

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct NistData {
    functions: Vec<Function>,
    maturity_scale: Scale,
}

#[derive(Debug, Clone, Deserialize)]
struct Function {
    id: String,
    title: String,
    description: String,
    categories: Vec<Category>,
}

#[derive(Debug, Clone, Deserialize)]
struct Category {
    id: String,
    text: String,
    subcategories: Vec<Subcategory>,
}

#[derive(Debug, Clone, Deserialize)]
struct Subcategory {
    id: String,
    text: String,
}

/// Steward's maturity scale (the AI RMF defines none): levels in rising order, a value for
/// "not applicable", and the level a subcategory should reach.
#[derive(Debug, Clone, Deserialize)]
struct Scale {
    levels: Vec<Level>,
    not_applicable: Level,
    target: u8,
}

#[derive(Debug, Clone, Deserialize)]
struct Level {
    value: String,
    label: String,
    description: Option<String>,
}

/// The self-assessment's result: a profile per function and the subcategories below target.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NistProfile {
    pub template_id: String,
    pub template_version: String,
    /// The level every subcategory should reach, and its label.
    pub target: u8,
    pub target_label: String,
    pub functions: Vec<FunctionProfile>,
    /// Subcategories rated below the target, weakest first.
    pub requirements: Vec<Requirement>,
    pub unanswered: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FunctionProfile {
    /// GOVERN, MAP, MEASURE or MANAGE.
    pub id: String,
    pub title: String,
    pub subcategories: u32,
    pub rated: u32,
    pub not_applicable: u32,
    /// Mean rating over rated subcategories; None when none is rated.
    pub mean: Option<f64>,
    pub min: Option<u8>,
    /// How many subcategories sit at each level, lowest level first.
    pub per_level: Vec<u32>,
    pub at_or_above_target: u32,
    /// Rated subcategories with an evidence note.
    pub with_evidence: u32,
    pub categories: Vec<CategoryProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CategoryProfile {
    pub id: String,
    pub rated: u32,
    pub mean: Option<f64>,
}

/// The name of a subcategory's evidence question.
pub fn evidence_name(subcategory: &str) -> String {
    format!("{subcategory} evidence")
}

pub(crate) fn build_questions(d: &NistData, b: &mut Builder) {
    let scale = &d.maturity_scale;
    let choices: Vec<(String, Text)> = scale
        .levels
        .iter()
        .chain(std::iter::once(&scale.not_applicable))
        .map(|l| {
            let text = match &l.description {
                Some(desc) => format!("{} {}: {desc}", l.value, l.label),
                None => l.label.clone(),
            };
            (l.value.clone(), Text::plain(text))
        })
        .collect();
    for f in &d.functions {
        let title = format!("{}: {}", f.id, f.description);
        let page = b.section(
            &f.id,
            SectionKind::Page,
            Some(Text::plain(title)),
            None,
            None,
        );
        for c in &f.categories {
            let panel = b.section(
                &c.id,
                SectionKind::Panel,
                Some(Text::plain(&c.text)),
                None,
                Some(page),
            );
            for s in &c.subcategories {
                let rating = QuestionSpec {
                    name: s.id.clone(),
                    kind: QuestionType::Radiogroup,
                    title: Text::plain(format!("{}: {}", s.id, s.text)),
                    description: None,
                    choices: choices.clone(),
                    visible_if: None,
                };
                b.question(rating, panel, None);
                let evidence = QuestionSpec {
                    name: evidence_name(&s.id),
                    kind: QuestionType::Comment,
                    title: Text::plain(format!("Evidence for {}", s.id)),
                    description: Some(Text::plain(
                        "Documents, records or owners that support the rating.",
                    )),
                    choices: Vec::new(),
                    visible_if: None,
                };
                b.question(evidence, panel, None);
            }
        }
    }
}

fn mean(sum: u32, n: u32) -> Option<f64> {
    (n > 0).then(|| f64::from(sum) / f64::from(n))
}

pub(crate) fn profile(t: &Template, d: &NistData, answers: &Answers) -> NistProfile {
    let scale = &d.maturity_scale;
    let target = scale.target.min(scale.levels.len().saturating_sub(1) as u8);
    let level_of = |v: &str| {
        scale
            .levels
            .iter()
            .position(|l| l.value == v)
            .map(|i| i as u8)
    };
    let mut gaps: Vec<(u8, Requirement)> = Vec::new();
    let mut functions = Vec::new();
    for f in &d.functions {
        let mut fp = FunctionProfile {
            id: f.id.clone(),
            title: f.title.clone(),
            subcategories: 0,
            rated: 0,
            not_applicable: 0,
            mean: None,
            min: None,
            per_level: vec![0; scale.levels.len()],
            at_or_above_target: 0,
            with_evidence: 0,
            categories: Vec::new(),
        };
        let mut sum = 0;
        for c in &f.categories {
            let (mut c_sum, mut c_rated) = (0, 0);
            for s in &c.subcategories {
                fp.subcategories += 1;
                let answer = answers.get(&s.id).and_then(|v| v.as_str());
                if answer == Some(scale.not_applicable.value.as_str()) {
                    fp.not_applicable += 1;
                    continue;
                }
                let Some(level) = answer.and_then(level_of) else {
                    continue;
                };
                fp.rated += 1;
                sum += u32::from(level);
                c_sum += u32::from(level);
                c_rated += 1;
                fp.per_level[usize::from(level)] += 1;
                fp.min = Some(fp.min.map_or(level, |m| m.min(level)));
                if level >= target {
                    fp.at_or_above_target += 1;
                } else {
                    let label = &scale.levels[usize::from(level)].label;
                    gaps.push((
                        level,
                        Requirement {
                            source: SOURCE.into(),
                            reference: s.id.clone(),
                            area: f.id.clone(),
                            text: format!("{} (rated {level} {label})", s.text),
                            text_fr: None,
                        },
                    ));
                }
                let evidence = answers.get(&evidence_name(&s.id)).and_then(|v| v.as_str());
                if evidence.is_some_and(|e| !e.trim().is_empty()) {
                    fp.with_evidence += 1;
                }
            }
            fp.categories.push(CategoryProfile {
                id: c.id.clone(),
                rated: c_rated,
                mean: mean(c_sum, c_rated),
            });
        }
        fp.mean = mean(sum, fp.rated);
        functions.push(fp);
    }
    // Weakest first; the template's order among equals.
    gaps.sort_by_key(|(level, _)| *level);
    NistProfile {
        template_id: t.info.id.clone(),
        template_version: t.info.version.clone(),
        target,
        target_label: scale
            .levels
            .get(usize::from(target))
            .map(|l| l.label.clone())
            .unwrap_or_default(),
        functions,
        requirements: gaps.into_iter().map(|(_, r)| r).collect(),
        unanswered: Vec::new(),
    }
}
