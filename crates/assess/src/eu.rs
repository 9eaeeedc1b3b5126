//! EU AI Act classification screening (Regulation (EU) 2024/1689 as amended): builds the
//! screening's questions from the legal text in assets/templates/eu-ai-act-screening.json and
//! classifies a system from the answers: prohibited practices of Article 5, high-risk through
//! Annex I products (Article 6(1)) or Annex III areas (Article 6(2)), the Article 6(3) derogation
//! and its profiling exception, transparency duties of Article 50, else minimal risk. Pure rules:
//! no I/O, no clock (application dates are reported, not compared with today).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::template::{Builder, QuestionSpec, QuestionType, SectionKind, Template, Text};
use super::{Answers, Requirement};
use steward_domain::register::{EuAiActCategory, RiskTier};

const SOURCE: &str = "Regulation (EU) 2024/1689 (Artificial Intelligence Act), as amended";

/// The legal text and references the screening is built from.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct EuData {
    article5: Vec<Article5Point>,
    annex3: Vec<Annex3Area>,
    annex1_question: String,
    annex1_notes: Vec<String>,
    article6_3: Article63,
    article50: Vec<Article50Duty>,
    article50_common: Article50Common,
    application_dates: Vec<ApplicationDate>,
    obligations: Obligations,
}

#[derive(Debug, Clone, Deserialize)]
struct Article5Point {
    id: String,
    title: String,
    text: String,
    applies_from: String,
    scope_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Annex3Area {
    id: String,
    area: String,
    points: Vec<Annex3Point>,
}

#[derive(Debug, Clone, Deserialize)]
struct Annex3Point {
    id: String,
    short: String,
    text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Article63 {
    chapeau: String,
    conditions: Vec<Article63Condition>,
    profiling_exception: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Article63Condition {
    id: String,
    text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Article50Duty {
    id: String,
    addressee: String,
    title: String,
    text: String,
    exceptions: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Article50Common {
    applies_from: String,
}

#[derive(Debug, Clone, Deserialize)]
struct ApplicationDate {
    what: String,
    from: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Obligations {
    prohibited: Vec<Obligation>,
    high_risk: Vec<Obligation>,
    derogation: Vec<Obligation>,
    limited_risk: Vec<Obligation>,
    minimal: Vec<Obligation>,
}

#[derive(Debug, Clone, Deserialize)]
struct Obligation {
    reference: String,
    text: String,
}

/// One article or point that the answers engage, and the category it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "EuFinding")]
pub struct Finding {
    pub category: EuAiActCategory,
    /// E.g. "Article 5(1)(c)", "Article 6(2) and Annex III, point 4(a)".
    pub reference: String,
    pub title: String,
    /// When the provision applies (ISO date), where the Regulation staggers it.
    pub applies_from: Option<String>,
}

/// The outcome of the screening.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EuScreening {
    pub template_id: String,
    pub template_version: String,
    /// The most severe category any finding leads to; minimal when none does.
    pub category: EuAiActCategory,
    /// Steward's mapping: prohibited and high-risk suggest a high tier, limited risk medium,
    /// minimal low.
    pub suggested_risk_tier: RiskTier,
    /// Every provision engaged; those of `category` are the grounds for it.
    pub findings: Vec<Finding>,
    /// What the category (and each transparency duty) requires.
    pub requirements: Vec<Requirement>,
    /// Answers that stopped a rule from applying, e.g. a derogation claimed without saying
    /// whether the system profiles people.
    pub notes: Vec<String>,
    pub unanswered: Vec<String>,
}

const YES_NO: [(&str, &str); 2] = [("yes", "Yes"), ("no", "No")];

fn yes_no() -> Vec<(String, Text)> {
    YES_NO
        .iter()
        .map(|(v, t)| (v.to_string(), Text::plain(*t)))
        .collect()
}

/// "5(1)(ba)" -> "art5_1_ba".
fn article5_name(id: &str) -> String {
    format!("art{}", id.replace('(', "_").replace(')', ""))
}

fn annex3_name(area: &str) -> String {
    format!("annex3_{area}")
}

pub(crate) fn build_questions(d: &EuData, b: &mut Builder) {
    let page = b.section(
        "article5",
        SectionKind::Page,
        Some(Text::plain("Prohibited AI practices (Article 5)")),
        None,
        None,
    );
    for p in &d.article5 {
        let mut description = p.text.clone();
        if let Some(note) = &p.scope_note {
            description = format!("{description}\n\n{note}");
        }
        let spec = QuestionSpec {
            name: article5_name(&p.id),
            kind: QuestionType::Radiogroup,
            title: Text::plain(format!(
                "Article {}: {}. Does the system do this?",
                p.id, p.title
            )),
            description: Some(Text::plain(description)),
            choices: yes_no(),
            visible_if: None,
        };
        b.question(spec, page, None);
    }

    let page = b.section(
        "annex1",
        SectionKind::Page,
        Some(Text::plain("Products under Annex I (Article 6(1))")),
        None,
        None,
    );
    let notes = d.annex1_notes.join("\n");
    b.question(
        QuestionSpec {
            name: "annex1_product".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Article 6(1)(a): is the system a safety component of a product, or itself a product, covered by the Union harmonisation legislation listed in Annex I?",
            ),
            description: Some(Text::plain(format!("{}\n\n{notes}", d.annex1_question))),
            choices: yes_no(),
            visible_if: None,
        },
        page,
        None,
    );
    b.question(
        QuestionSpec {
            name: "annex1_third_party".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Article 6(1)(b): must that product undergo a third-party conformity assessment under that legislation?",
            ),
            description: None,
            choices: yes_no(),
            visible_if: Some("{annex1_product} = 'yes'"),
        },
        page,
        None,
    );

    let page = b.section(
        "annex3",
        SectionKind::Page,
        Some(Text::plain(
            "High-risk areas of Annex III (Article 6(2) and 6(3))",
        )),
        None,
        None,
    );
    b.question(
        QuestionSpec {
            name: "annex3_applies".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Is the system intended to be used in one of the areas listed in Annex III?",
            ),
            description: Some(Text::plain(
                d.annex3
                    .iter()
                    .map(|a| format!("{}. {}", a.id, a.area))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
            choices: yes_no(),
            visible_if: None,
        },
        page,
        None,
    );
    for area in &d.annex3 {
        let spec = QuestionSpec {
            name: annex3_name(&area.id),
            kind: QuestionType::Checkbox,
            title: Text::plain(format!(
                "Annex III, point {}: {}. Which uses apply?",
                area.id, area.area
            )),
            description: Some(Text::plain(
                area.points
                    .iter()
                    .map(|p| format!("{}: {}", p.id, p.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
            choices: area
                .points
                .iter()
                .map(|p| (p.id.clone(), Text::plain(format!("{} {}", p.id, p.short))))
                .collect(),
            visible_if: Some("{annex3_applies} = 'yes'"),
        };
        b.question(spec, page, None);
    }
    let any_annex3 = d
        .annex3
        .iter()
        .map(|a| format!("{{{}}} notempty", annex3_name(&a.id)))
        .collect::<Vec<_>>()
        .join(" or ");
    b.question(
        QuestionSpec {
            name: "art6_3_claimed".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Article 6(3): does the system not pose a significant risk of harm to health, safety or fundamental rights because at least one of the Article 6(3) conditions is met?",
            ),
            description: Some(Text::plain(d.article6_3.chapeau.clone())),
            choices: yes_no(),
            visible_if: Some(any_annex3.as_str()),
        },
        page,
        None,
    );
    b.question(
        QuestionSpec {
            name: "art6_3_conditions".into(),
            kind: QuestionType::Checkbox,
            title: Text::plain("Which Article 6(3) conditions are met?"),
            description: None,
            choices: d
                .article6_3
                .conditions
                .iter()
                .map(|c| (c.id.clone(), Text::plain(format!("{}: {}", c.id, c.text))))
                .collect(),
            visible_if: Some("{art6_3_claimed} = 'yes'"),
        },
        page,
        None,
    );
    b.question(
        QuestionSpec {
            name: "profiling".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Does the system perform profiling of natural persons (Article 3(52): as defined in Article 4(4) of Regulation (EU) 2016/679)?",
            ),
            description: Some(Text::plain(d.article6_3.profiling_exception.clone())),
            choices: yes_no(),
            visible_if: Some(any_annex3.as_str()),
        },
        page,
        None,
    );

    let page = b.section(
        "article50",
        SectionKind::Page,
        Some(Text::plain("Transparency obligations (Article 50)")),
        None,
        None,
    );
    b.question(
        QuestionSpec {
            name: "art50_applies".into(),
            kind: QuestionType::Radiogroup,
            title: Text::plain(
                "Does the system interact directly with people, generate or manipulate content (text, images, audio, video), or recognise emotions or categorise people biometrically?",
            ),
            description: None,
            choices: yes_no(),
            visible_if: None,
        },
        page,
        None,
    );
    b.question(
        QuestionSpec {
            name: "art50_duties".into(),
            kind: QuestionType::Checkbox,
            title: Text::plain("Which Article 50 situations apply?"),
            description: Some(Text::plain(
                d.article50
                    .iter()
                    .map(|a| format!("{} ({}): {}", a.id, a.addressee, a.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
            choices: d
                .article50
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        Text::plain(format!("{}: {} ({})", a.id, a.title, a.addressee)),
                    )
                })
                .collect(),
            visible_if: Some("{art50_applies} = 'yes'"),
        },
        page,
        None,
    );
}

/// The answer to a shown question, if any.
fn shown<'a>(
    t: &Template,
    answers: &'a Answers,
    visible: &[bool],
    name: &str,
) -> Option<&'a serde_json::Value> {
    let i = t.question_index(name)?;
    if !visible[i] {
        return None;
    }
    answers.get(name).filter(|v| !v.is_null())
}

fn is(t: &Template, answers: &Answers, visible: &[bool], name: &str) -> Option<bool> {
    shown(t, answers, visible, name)
        .and_then(|v| v.as_str())
        .map(|v| v == "yes")
}

fn ticked<'a>(t: &Template, answers: &'a Answers, visible: &[bool], name: &str) -> Vec<&'a str> {
    match shown(t, answers, visible, name) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    }
}

fn severity(c: EuAiActCategory) -> u8 {
    match c {
        EuAiActCategory::Minimal => 0,
        EuAiActCategory::LimitedRisk => 1,
        EuAiActCategory::HighRisk => 2,
        EuAiActCategory::Prohibited => 3,
    }
}

impl EuData {
    /// The application date whose description mentions `needle`.
    fn date_for(&self, needle: &str) -> Option<String> {
        self.application_dates
            .iter()
            .find(|a| a.what.contains(needle))
            .map(|a| a.from.clone())
    }

    fn requirements(&self, area: &str, list: &[Obligation]) -> Vec<Requirement> {
        list.iter()
            .map(|o| Requirement {
                source: SOURCE.into(),
                reference: o.reference.clone(),
                area: area.into(),
                text: o.text.clone(),
                text_fr: None,
            })
            .collect()
    }
}

pub(crate) fn screen(t: &Template, d: &EuData, answers: &Answers, visible: &[bool]) -> EuScreening {
    use EuAiActCategory::*;
    let mut findings = Vec::new();
    let mut notes = Vec::new();

    for p in &d.article5 {
        if is(t, answers, visible, &article5_name(&p.id)) == Some(true) {
            findings.push(Finding {
                category: Prohibited,
                reference: format!("Article {}", p.id),
                title: p.title.clone(),
                applies_from: Some(p.applies_from.clone()),
            });
        }
    }

    let product = is(t, answers, visible, "annex1_product");
    let third_party = is(t, answers, visible, "annex1_third_party");
    if product == Some(true) && third_party == Some(true) {
        findings.push(Finding {
            category: HighRisk,
            reference: "Article 6(1) and Annex I".into(),
            title: "Safety component of, or itself, an Annex I product that needs a third-party conformity assessment".into(),
            applies_from: d.date_for("Annex I systems"),
        });
    }

    let points: Vec<(&Annex3Area, &Annex3Point)> = d
        .annex3
        .iter()
        .flat_map(|area| {
            let chosen = ticked(t, answers, visible, &annex3_name(&area.id));
            area.points
                .iter()
                .filter(move |p| chosen.contains(&p.id.as_str()))
                .map(move |p| (area, p))
        })
        .collect();
    if is(t, answers, visible, "annex3_applies") == Some(true) && points.is_empty() {
        notes.push("An Annex III use was stated but no point of Annex III was chosen.".into());
    }
    let mut derogation = false;
    if !points.is_empty() {
        let profiling = is(t, answers, visible, "profiling");
        let claimed = is(t, answers, visible, "art6_3_claimed") == Some(true);
        let conditions = ticked(t, answers, visible, "art6_3_conditions");
        let annex3_date = d.date_for("Annex III systems");
        if profiling == Some(true) {
            findings.push(Finding {
                category: HighRisk,
                reference: "Article 6(3), second subparagraph".into(),
                title: "Profiling of natural persons: an Annex III system is always high-risk"
                    .into(),
                applies_from: annex3_date.clone(),
            });
        } else if claimed && !conditions.is_empty() && profiling == Some(false) {
            derogation = true;
            for c in d
                .article6_3
                .conditions
                .iter()
                .filter(|c| conditions.contains(&c.id.as_str()))
            {
                findings.push(Finding {
                    category: Minimal,
                    reference: format!("Article {}", c.id),
                    title: format!("Not high-risk by derogation: {}", c.text),
                    applies_from: None,
                });
            }
        } else if claimed {
            notes.push(if profiling.is_none() {
                "The Article 6(3) derogation was not applied: whether the system profiles natural persons is not answered.".into()
            } else {
                "The Article 6(3) derogation was not applied: no Article 6(3) condition was chosen.".into()
            });
        }
        if !derogation {
            for (area, p) in &points {
                findings.push(Finding {
                    category: HighRisk,
                    reference: format!("Article 6(2) and Annex III, point {}", p.id),
                    title: format!("{}: {}", area.area, p.short),
                    applies_from: annex3_date.clone(),
                });
            }
        }
    }

    let duties: Vec<&Article50Duty> = {
        let chosen = ticked(t, answers, visible, "art50_duties");
        d.article50
            .iter()
            .filter(|a| chosen.contains(&a.id.as_str()))
            .collect()
    };
    for a in &duties {
        findings.push(Finding {
            category: LimitedRisk,
            reference: format!("Article {}", a.id),
            title: a.title.clone(),
            applies_from: Some(d.article50_common.applies_from.clone()),
        });
    }

    let category = findings
        .iter()
        .map(|f| f.category)
        .max_by_key(|c| severity(*c))
        .unwrap_or(Minimal);
    if findings.is_empty() {
        findings.push(Finding {
            category: Minimal,
            reference: "Articles 5, 6 and 50".into(),
            title: "No prohibited practice, no high-risk use and no transparency duty was reported"
                .into(),
            applies_from: None,
        });
    }

    let o = &d.obligations;
    let mut requirements = match category {
        Prohibited => d.requirements("Prohibited", &o.prohibited),
        HighRisk => d.requirements("High-risk", &o.high_risk),
        LimitedRisk | Minimal => Vec::new(),
    };
    if derogation && category != Prohibited {
        requirements.extend(d.requirements("Article 6(3) derogation", &o.derogation));
    }
    if !duties.is_empty() {
        for a in &duties {
            let text = match &a.exceptions {
                Some(ex) => format!("{} Exceptions: {ex}", a.text),
                None => a.text.clone(),
            };
            requirements.push(Requirement {
                source: SOURCE.into(),
                reference: format!("Article {}", a.id),
                area: "Transparency".into(),
                text,
                text_fr: None,
            });
        }
        requirements.extend(d.requirements("Transparency", &o.limited_risk));
    }
    if category == Minimal {
        requirements.extend(d.requirements("Minimal risk", &o.minimal));
    }

    EuScreening {
        template_id: t.info.id.clone(),
        template_version: t.info.version.clone(),
        category,
        suggested_risk_tier: match category {
            Prohibited | HighRisk => RiskTier::High,
            LimitedRisk => RiskTier::Medium,
            Minimal => RiskTier::Low,
        },
        findings,
        requirements,
        notes,
        unanswered: Vec::new(),
    }
}
