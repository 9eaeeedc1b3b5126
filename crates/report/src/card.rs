//! A model card rendered: the card's content as one model ([`ModelCard`]: the system's register
//! record, the revision a person wrote, the latest assessment results, and the validation
//! evidence of its model version with its status against the policy), laid out as a [`Report`]
//! for the PDF and the app's preview ([`card_report`]), and written as Markdown with YAML
//! metadata in the layout model hubs use ([`card_markdown`]: a metadata block between `---`
//! lines, with the evaluation results as `model-index`, then the card's sections), so it can
//! live next to the model's code. Plain data in, text out: no store, no clock, and no status
//! judged here (the status and each check come computed).

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::{Block, Cell, Column, ColumnKind, KeyValue, Report, Section, Table};
use steward_domain::card::{languages, CardFields, CardRevision, CARD_FIELDS};
use steward_domain::evidence::{
    round, BiasResult, CheckKind, EvidenceCheck, EvidenceState, EvidenceStatus, Method,
    ValidationRun,
};
use steward_domain::register::{AiSystem, Sourcing};
use steward_domain::{Error, Result};

/// Everything a rendered card says, gathered by the API when it is rendered.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ModelCard {
    /// The system's register record as it is now.
    pub system: AiSystem,
    /// The revision rendered: the model version, its number, who saved it and when, the fields.
    pub revision: CardRevision,
    /// How many revisions the card of this model version has.
    pub revisions: u32,
    /// The latest complete assessment of each template, oldest template first.
    pub assessments: Vec<CardAssessment>,
    /// The "Evaluation" section: the validation runs and bias results of this system and model
    /// version with their status against the policy. None when none is recorded for the
    /// version; the section then says so, and the metadata has no `model-index` (which is
    /// written from those results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub evidence: Option<CardEvidence>,
    /// The workspace the card was rendered from, and when.
    pub workspace: String,
    pub rendered_at: DateTime<Utc>,
}

/// The validation evidence of a card's model version, as the API read and judged it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardEvidence {
    /// The version's evidence against its risk tier's policy on the day the card is rendered:
    /// each check with its outcome, value and bound.
    pub status: EvidenceStatus,
    /// The version's validation runs, newest first.
    pub runs: Vec<ValidationRun>,
    /// The version's bias results, newest first.
    pub bias: Vec<BiasResult>,
}

/// One assessment's result as a card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardAssessment {
    /// The template's id (`aia`, `eu-ai-act`, `nist-ai-rmf`) and title.
    pub template_id: String,
    pub template: String,
    pub template_version: String,
    /// The headline: "Level III", "High-risk", "12 subcategories below Defined".
    pub outcome: String,
    /// What backs the headline: scores, findings, the profile per function.
    pub details: Vec<String>,
    /// "2026-10-01 by Ann Lee".
    pub completed: String,
    /// What the person made of the tier it suggests; empty when none was decided.
    pub decision: String,
}

const NONE: &str = "(none)";

fn or_none(s: &str) -> String {
    if s.trim().is_empty() {
        NONE.into()
    } else {
        s.to_string()
    }
}

/// The register facts of the "Model details" section, in order.
fn details(card: &ModelCard) -> Vec<KeyValue> {
    let d = &card.system.draft;
    let r = &card.revision;
    let mut out = vec![
        KeyValue::new("System", format!("{} (#{})", d.name, card.system.id)),
        KeyValue::new("Model version", &r.model_version),
        KeyValue::new(
            "Card revision",
            format!(
                "{} of {}, saved {} by {}",
                r.revision,
                card.revisions,
                reader_time(&r.saved_at),
                r.saved_by
            ),
        ),
        KeyValue::new("Purpose", or_none(&d.purpose)),
        KeyValue::new("Business unit", or_none(&d.business_unit)),
        KeyValue::new("Owner", or_none(&d.owner)),
        KeyValue::new("Technical lead", or_none(&d.technical_lead)),
    ];
    if !d.sponsor.is_empty() {
        out.push(KeyValue::new("Sponsor", &d.sponsor));
    }
    out.push(KeyValue::new(
        "Sourcing",
        match d.sourcing {
            Sourcing::Vendor if !d.vendor.is_empty() => format!("Vendor: {}", d.vendor),
            s => s.label().to_string(),
        },
    ));
    out.push(KeyValue::new("Model approach", or_none(&d.model_approach)));
    out.push(KeyValue::new("Lifecycle stage", d.stage.label()));
    out.push(KeyValue::new(
        "Deployed",
        d.deployment_date
            .map_or_else(|| NONE.into(), |x| x.to_string()),
    ));
    if let Some(t) = d.last_retrained {
        out.push(KeyValue::new("Last retrained", t.to_string()));
    }
    out.push(KeyValue::new(
        "Datasets",
        if d.datasets.is_empty() {
            NONE.into()
        } else {
            d.datasets
                .iter()
                .map(|x| {
                    if x.retention_policy.is_empty() {
                        x.name.clone()
                    } else {
                        format!("{} (kept: {})", x.name, x.retention_policy)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        },
    ));
    out.push(KeyValue::new(
        "Tags",
        if d.tags.is_empty() {
            NONE.into()
        } else {
            d.tags.join(", ")
        },
    ));
    let langs = languages(&r.fields.language);
    if !langs.is_empty() {
        out.push(KeyValue::new("Languages", langs.join(", ")));
    }
    if !r.fields.license.is_empty() {
        out.push(KeyValue::new("Licence", &r.fields.license));
    }
    out
}

/// The register's risk facts of the "Risk and assessments" section.
fn risk(card: &ModelCard) -> Vec<KeyValue> {
    let d = &card.system.draft;
    vec![
        KeyValue::new("Risk tier", d.risk_tier.label()),
        KeyValue::new(
            "EU AI Act category",
            d.eu_ai_act_category.map_or("Not classified", |c| c.label()),
        ),
        KeyValue::new("Regulated domain", d.regulated_domain.label()),
        KeyValue::new("Data sensitivity", d.data_sensitivity.label()),
    ]
}

fn assessment_items(a: &CardAssessment) -> Vec<KeyValue> {
    let mut items = vec![
        KeyValue::new("Outcome", &a.outcome),
        KeyValue::new("Completed", &a.completed),
    ];
    if !a.decision.is_empty() {
        items.push(KeyValue::new("Decision", &a.decision));
    }
    for d in &a.details {
        match d.split_once(": ") {
            Some((k, v)) => items.push(KeyValue::new(k, v)),
            None => items.push(KeyValue::new("Note", d)),
        }
    }
    items
}

/// The "Evaluation" section's blocks: the status and its checks, the runs metric by metric,
/// each shadow comparison new against incumbent, and the bias results each with its outcome
/// against the fairness bound (the failing ones say "Not met" in words).
fn evidence_blocks(e: &CardEvidence) -> Vec<Block> {
    let s = &e.status;
    let mut out = vec![Block::KeyValues {
        items: {
            let mut items = vec![
                KeyValue::new(
                    "Evidence status",
                    format!(
                        "{} against the evidence policy for risk tier {}",
                        s.state.label(),
                        s.tier.label().to_lowercase()
                    ),
                ),
                KeyValue::new("Model version", or_none(&s.model_version)),
            ];
            if !s.other_versions.is_empty() {
                items.push(KeyValue::new(
                    "Evidence of other versions (not counted)",
                    s.other_versions.join(", "),
                ));
            }
            items
        },
    }];
    if !s.checks.is_empty() {
        let mut t = Table::new(
            "Checks against the evidence policy",
            vec![
                Column::new("Outcome", ColumnKind::Text),
                Column::new("Requirement", ColumnKind::Text),
                Column::new("What was found", ColumnKind::Text),
            ],
        );
        for c in &s.checks {
            t.rows.push(vec![
                Cell::Text(c.outcome.label().into()),
                Cell::Text(requirement(c)),
                Cell::Text(c.message.clone()),
            ]);
        }
        out.push(Block::Table(t));
    }
    if !e.runs.is_empty() {
        let mut t = Table::new(
            "Validation runs",
            vec![
                Column::new("Date", ColumnKind::Date),
                Column::new("Method", ColumnKind::Text),
                Column::new("Dataset", ColumnKind::Text),
                Column::new("Metric", ColumnKind::Text),
                Column::new("Value", ColumnKind::Text),
                Column::new("Against the policy", ColumnKind::Text),
            ],
        );
        for r in &e.runs {
            for m in &r.draft.metrics {
                let check = s.checks.iter().find(|c| {
                    c.kind == CheckKind::Metric
                        && c.run == Some(r.id)
                        && steward_domain::evidence::same_name(&c.subject, &m.name)
                });
                t.rows.push(vec![
                    Cell::Date(r.draft.date),
                    Cell::Text(r.draft.method.label().into()),
                    Cell::Text(r.draft.dataset.clone()),
                    Cell::Text(m.name.clone()),
                    Cell::Text(round(m.value)),
                    Cell::Text(check.map_or_else(String::new, outcome_words)),
                ]);
            }
        }
        out.push(Block::Table(t));
    }
    let shadows: Vec<&ValidationRun> = e
        .runs
        .iter()
        .filter(|r| r.draft.method == Method::Shadow)
        .collect();
    if !shadows.is_empty() {
        let mut t = Table::new(
            "Shadow comparisons: new against incumbent",
            vec![
                Column::new("Date", ColumnKind::Date),
                Column::new("Dataset", ColumnKind::Text),
                Column::new("Incumbent model", ColumnKind::Text),
                Column::new("Metric", ColumnKind::Text),
                Column::new("New", ColumnKind::Text),
                Column::new("Incumbent", ColumnKind::Text),
            ],
        );
        for r in shadows {
            for m in &r.draft.metrics {
                t.rows.push(vec![
                    Cell::Date(r.draft.date),
                    Cell::Text(r.draft.dataset.clone()),
                    Cell::Text(r.draft.incumbent.clone()),
                    Cell::Text(m.name.clone()),
                    Cell::Text(round(m.value)),
                    Cell::Text(m.incumbent.map(round).unwrap_or_default()),
                ]);
            }
        }
        out.push(Block::Table(t));
    }
    if !e.bias.is_empty() {
        let mut t = Table::new(
            "Bias results",
            vec![
                Column::new("Segment", ColumnKind::Text),
                Column::new("Metric", ColumnKind::Text),
                Column::new("Reference", ColumnKind::Text),
                Column::new("Rates", ColumnKind::Text),
                Column::new("Ratio", ColumnKind::Text),
                Column::new("Difference", ColumnKind::Text),
                Column::new("Fairness bound", ColumnKind::Text),
            ],
        );
        for b in &e.bias {
            let d = &b.draft;
            let checks: Vec<String> = s
                .checks
                .iter()
                .filter(|c| c.kind == CheckKind::Fairness && c.bias == Some(b.id))
                .map(outcome_words)
                .collect();
            let num = |v: Option<f64>| v.map(round).unwrap_or_default();
            t.rows.push(vec![
                Cell::Text(format!("{} {} ({})", d.attribute, d.segment, d.date)),
                Cell::Text(d.metric.label().into()),
                Cell::Text(d.reference.clone()),
                Cell::Text(match (d.segment_value, d.reference_value) {
                    (Some(s), Some(r)) => format!("{} against {}", round(s), round(r)),
                    _ => String::new(),
                }),
                Cell::Text(num(d.ratio)),
                Cell::Text(num(d.difference)),
                Cell::Text(if checks.is_empty() {
                    "Not counted (superseded, out of date or not bounded)".into()
                } else {
                    checks.join("; ")
                }),
            ]);
        }
        out.push(Block::Table(t));
    }
    out
}

/// What a check requires, in words: the method by its label, a metric or an attribute by the
/// name the policy gives it; a fairness check by its kind alone (its sentence names the segment).
fn requirement(c: &EvidenceCheck) -> String {
    match c.kind {
        CheckKind::Method => format!(
            "{}: {}",
            c.kind.label(),
            Method::parse(&c.subject).map_or(c.subject.clone(), |m| m.label().to_string())
        ),
        CheckKind::Fairness => c.kind.label().to_string(),
        CheckKind::Metric | CheckKind::Segment => format!("{}: {}", c.kind.label(), c.subject),
    }
}

/// A check's outcome in words with its bound: "Met (at least 0.75)", "Not met (0.8 to 1.25)".
fn outcome_words(c: &EvidenceCheck) -> String {
    match (&c.bound, c.outcome) {
        (Some(b), EvidenceState::Met | EvidenceState::NotMet) => {
            format!("{} ({b})", c.outcome.label())
        }
        _ => c.outcome.label().to_string(),
    }
}

const NO_EVIDENCE: &str = "No validation evidence (validation runs, bias results) is recorded \
                           for this model version in the workspace.";
const NO_ASSESSMENT: &str = "No assessment of this system has been completed.";

/// The text of a written field, or a note that it is not given (only optional fields can be
/// empty in a saved revision).
fn written(fields: &CardFields, key: &str) -> String {
    or_none(fields.get(key).unwrap_or_default())
}

/// The headings of the sections a person writes, in order, with their field: the first six of
/// [`CARD_FIELDS`] (the licence and languages are metadata).
fn written_sections() -> impl Iterator<Item = (&'static str, &'static str)> {
    CARD_FIELDS
        .iter()
        .filter(|s| s.multiline)
        .map(|s| (s.label, s.key))
}

/// The card as a report: for the signed PDF and the app's preview.
pub fn card_report(card: &ModelCard, by: &str) -> Report {
    let r = &card.revision;
    let d = &card.system.draft;
    let mut sections = Vec::new();
    let mut s = Section::new("Model details");
    s.blocks.push(Block::KeyValues {
        items: details(card),
    });
    sections.push(s);
    for (heading, key) in written_sections() {
        let mut s = Section::new(heading);
        s.blocks.push(Block::Paragraph {
            text: written(&r.fields, key),
        });
        sections.push(s);
    }
    let mut s = Section::new("Evaluation");
    match &card.evidence {
        Some(e) => s.blocks.extend(evidence_blocks(e)),
        None => s.blocks.push(Block::Paragraph {
            text: NO_EVIDENCE.into(),
        }),
    }
    sections.push(s);
    let mut s = Section::new("Risk and assessments");
    s.blocks.push(Block::KeyValues { items: risk(card) });
    if card.assessments.is_empty() {
        s.blocks.push(Block::Paragraph {
            text: NO_ASSESSMENT.into(),
        });
    }
    for a in &card.assessments {
        s.blocks.push(Block::Paragraph {
            text: format!("{} (version {})", a.template, a.template_version),
        });
        s.blocks.push(Block::KeyValues {
            items: assessment_items(a),
        });
    }
    sections.push(s);
    Report {
        title: format!("Model card: {}", d.name),
        subtitle: format!(
            "Model version {}, card revision {}",
            r.model_version, r.revision
        ),
        workspace: card.workspace.clone(),
        generated_at: card.rendered_at,
        generated_by: by.to_string(),
        organisation: String::new(),
        orientation: Default::default(),
        metadata: vec![
            KeyValue::new("System", &d.name),
            KeyValue::new("Model version", &r.model_version),
            KeyValue::new(
                "Card revision",
                format!("{} of {}", r.revision, card.revisions),
            ),
            KeyValue::new(
                "Saved",
                format!("{} by {}", reader_time(&r.saved_at), r.saved_by),
            ),
            KeyValue::new(
                "Rendered",
                format!(
                    "{} by {by}",
                    card.rendered_at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            ),
        ],
        sections,
        signature: None,
    }
}

/// The metadata block of the Markdown card: the keys model hubs read first (`model_name`,
/// `license`, `language`, `tags`, `datasets`), then the card's own under `steward`.
#[derive(Serialize)]
struct Metadata<'a> {
    model_name: &'a str,
    model_version: &'a str,
    card_revision: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    license: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    language: Vec<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    datasets: Vec<&'a str>,
    /// The evaluation results, as model hubs read them; left out when there are none.
    #[serde(rename = "model-index", skip_serializing_if = "Vec::is_empty")]
    model_index: Vec<ModelIndex<'a>>,
    steward: StewardMetadata<'a>,
}

/// One model's results in the hubs' `model-index` layout: each a task, the dataset and the
/// metrics (type, value, name).
#[derive(Serialize)]
struct ModelIndex<'a> {
    name: &'a str,
    results: Vec<IndexResult>,
}

#[derive(Serialize)]
struct IndexResult {
    task: IndexNamed,
    dataset: IndexNamed,
    metrics: Vec<IndexMetric>,
}

#[derive(Serialize)]
struct IndexNamed {
    #[serde(rename = "type")]
    kind: String,
    name: String,
}

#[derive(Serialize)]
struct IndexMetric {
    #[serde(rename = "type")]
    kind: String,
    value: f64,
    name: String,
}

/// A name as an identifier: lower case, each run of other characters one '-'.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The evaluation results of `e` as `model-index` results: one per validation run (the method
/// as the task, its metrics), and one per dataset of bias results (each segment's disparity
/// ratio and difference against its reference group), oldest first.
fn index_results(e: &CardEvidence) -> Vec<IndexResult> {
    let dataset = |name: &str| IndexNamed {
        kind: slug(name),
        name: name.to_string(),
    };
    let mut out: Vec<IndexResult> = e
        .runs
        .iter()
        .rev()
        .map(|r| IndexResult {
            task: IndexNamed {
                kind: r.draft.method.key().to_string(),
                name: r.draft.method.label().to_string(),
            },
            dataset: dataset(&r.draft.dataset),
            metrics: r
                .draft
                .metrics
                .iter()
                .map(|m| IndexMetric {
                    kind: slug(&m.name),
                    value: m.value,
                    name: m.name.clone(),
                })
                .collect(),
        })
        .collect();
    let mut bias: Vec<(String, Vec<IndexMetric>)> = Vec::new();
    for b in e.bias.iter().rev() {
        let d = &b.draft;
        let name = if d.dataset.is_empty() {
            "bias test data".to_string()
        } else {
            d.dataset.clone()
        };
        let at = match bias.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                bias.push((name, Vec::new()));
                bias.len() - 1
            }
        };
        let of = format!("{} {} against {}", d.attribute, d.segment, d.reference);
        for (kind, what, v) in [
            ("disparity-ratio", "disparity ratio", d.ratio),
            ("disparity-difference", "difference", d.difference),
        ] {
            if let Some(value) = v {
                bias[at].1.push(IndexMetric {
                    kind: kind.into(),
                    value,
                    name: format!("{} {what}: {of}", d.metric.label()),
                });
            }
        }
    }
    out.extend(bias.into_iter().map(|(name, metrics)| IndexResult {
        task: IndexNamed {
            kind: "bias-test".into(),
            name: "Bias test across segments".into(),
        },
        dataset: dataset(&name),
        metrics,
    }));
    out.retain(|r| !r.metrics.is_empty());
    out
}

/// What Steward knows of the system, in its keys, for tools that read the card.
#[derive(Serialize)]
struct StewardMetadata<'a> {
    system_id: i64,
    purpose: &'a str,
    business_unit: &'a str,
    owner: &'a str,
    technical_lead: &'a str,
    sourcing: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    vendor: &'a str,
    model_approach: &'a str,
    stage: &'a str,
    risk_tier: &'a str,
    eu_ai_act_category: Option<&'a str>,
    regulated_domain: &'a str,
    data_sensitivity: &'a str,
    deployment_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_retrained: Option<String>,
    card_saved_at: &'a str,
    card_saved_by: &'a str,
    rendered_at: String,
    /// The evidence status of the version against the policy (a key: met, not_met, missing,
    /// out_of_date, not_required); absent when no evidence is recorded for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_status: Option<&'a str>,
    assessments: Vec<AssessmentMetadata<'a>>,
}

#[derive(Serialize)]
struct AssessmentMetadata<'a> {
    template: &'a str,
    version: &'a str,
    outcome: &'a str,
}

fn metadata(card: &ModelCard) -> Metadata<'_> {
    let d = &card.system.draft;
    let r = &card.revision;
    Metadata {
        model_name: &d.name,
        model_version: &r.model_version,
        card_revision: r.revision,
        license: &r.fields.license,
        language: languages(&r.fields.language),
        tags: &d.tags,
        datasets: d.datasets.iter().map(|x| x.name.as_str()).collect(),
        model_index: card
            .evidence
            .as_ref()
            .map(index_results)
            .filter(|r| !r.is_empty())
            .map(|results| {
                vec![ModelIndex {
                    name: &d.name,
                    results,
                }]
            })
            .unwrap_or_default(),
        steward: StewardMetadata {
            system_id: card.system.id,
            purpose: &d.purpose,
            business_unit: &d.business_unit,
            owner: &d.owner,
            technical_lead: &d.technical_lead,
            sourcing: d.sourcing.key(),
            vendor: &d.vendor,
            model_approach: &d.model_approach,
            stage: d.stage.key(),
            risk_tier: d.risk_tier.key(),
            eu_ai_act_category: d.eu_ai_act_category.map(|c| c.key()),
            regulated_domain: d.regulated_domain.key(),
            data_sensitivity: d.data_sensitivity.key(),
            deployment_date: d.deployment_date.map(|x| x.to_string()),
            last_retrained: d.last_retrained.map(|x| x.to_string()),
            card_saved_at: &r.saved_at,
            card_saved_by: &r.saved_by,
            rendered_at: card.rendered_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            evidence_status: card.evidence.as_ref().map(|e| e.status.state.key()),
            assessments: card
                .assessments
                .iter()
                .map(|a| AssessmentMetadata {
                    template: &a.template_id,
                    version: &a.template_version,
                    outcome: &a.outcome,
                })
                .collect(),
        },
    }
}

/// The card as Markdown: YAML metadata between `---` lines (written by a YAML library, never by
/// hand), then "Model details", the sections a person wrote, "Evaluation" and "Risk and
/// assessments". The written fields are Markdown already and go in as they are.
pub fn card_markdown(card: &ModelCard) -> Result<String> {
    let yaml = serde_saphyr::to_string(&metadata(card))
        .map_err(|e| Error::Integrity(format!("the card's metadata cannot be written: {e}")))?;
    let d = &card.system.draft;
    let r = &card.revision;
    let mut md = format!("---\n{yaml}---\n\n# Model card: {}\n\n", inline(&d.name));
    md.push_str(&format!(
        "Model version {}, card revision {} of {}, saved {} by {}. Rendered from Steward \
         on {}.\n\n",
        inline(&r.model_version),
        r.revision,
        card.revisions,
        reader_time(&r.saved_at),
        inline(&r.saved_by),
        card.rendered_at.format("%Y-%m-%d %H:%M:%S UTC")
    ));
    md.push_str("## Model details\n\n");
    key_values_md(&details(card), &mut md);
    for (heading, key) in written_sections() {
        md.push_str(&format!("## {heading}\n\n{}\n\n", written(&r.fields, key)));
    }
    md.push_str("## Evaluation\n\n");
    match &card.evidence {
        Some(e) => blocks_md(&evidence_blocks(e), &mut md),
        None => md.push_str(&format!("{NO_EVIDENCE}\n\n")),
    }
    md.push_str("## Risk and assessments\n\n");
    key_values_md(&risk(card), &mut md);
    if card.assessments.is_empty() {
        md.push_str(&format!("{NO_ASSESSMENT}\n\n"));
    }
    for a in &card.assessments {
        md.push_str(&format!(
            "### {} (version {})\n\n",
            inline(&a.template),
            inline(&a.template_version)
        ));
        key_values_md(&assessment_items(a), &mut md);
    }
    Ok(md.trim_end().to_string() + "\n")
}

/// Register text put inside Markdown written here: one line, with the characters Markdown
/// would read as formatting escaped.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn key_values_md(items: &[KeyValue], md: &mut String) {
    for kv in items {
        md.push_str(&format!(
            "- **{}:** {}\n",
            inline(&kv.key),
            inline(&kv.value)
        ));
    }
    md.push('\n');
}

/// Report blocks as Markdown: paragraphs as they are, key-values as a list, tables as pipe
/// tables, a chart by its title (the PDF draws it).
fn blocks_md(blocks: &[Block], md: &mut String) {
    for b in blocks {
        match b {
            Block::Paragraph { text } => md.push_str(&format!("{text}\n\n")),
            Block::KeyValues { items } => key_values_md(items, md),
            Block::Table(t) => {
                let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                md.push_str(&format!("**{}**\n\n", inline(&t.name)));
                md.push_str(&row(t.columns.iter().map(|c| inline(&c.header)).collect()));
                md.push_str(&row(t.columns.iter().map(|_| "---".to_string()).collect()));
                for r in t.rows.iter().chain(t.totals.iter()) {
                    md.push_str(&row(r
                        .iter()
                        .zip(&t.columns)
                        .map(|(c, col): (&Cell, _)| inline(&c.display(&col.kind)))
                        .collect()));
                }
                md.push('\n');
            }
            Block::Chart(c) => md.push_str(&format!("*Chart: {}*\n\n", inline(&c.title))),
        }
    }
}

/// A stored time ("2026-12-05T08:48:29Z") as a reader sees it ("2026-12-05 08:48:29 UTC").
fn reader_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_string(),
        |t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use steward_domain::register::SystemDraft;

    pub(crate) fn sample() -> ModelCard {
        let mut d = SystemDraft::new("Credit Default Scorer");
        d.purpose = "Estimates probability of default".into();
        d.owner = "Maria Okafor".into();
        d.tags = vec!["credit".into(), "yes".into()];
        ModelCard {
            system: AiSystem {
                id: 4,
                draft: d,
                created_at: "2026-01-01T00:00:00Z".into(),
                updated_at: "2026-01-01T00:00:00Z".into(),
            },
            revision: CardRevision {
                system_id: 4,
                model_version: "2.10".into(),
                revision: 2,
                saved_at: "2026-11-02T09:30:00Z".into(),
                saved_by: "Ann Lee".into(),
                fields: CardFields {
                    intended_use: "Scores *consumer* loans.\n\nSecond paragraph.".into(),
                    out_of_scope_uses: "Business lending".into(),
                    limitations: "Thin files".into(),
                    assumptions: "---\nStable economy".into(),
                    fallback: "Manual underwriting".into(),
                    human_oversight: "Underwriters".into(),
                    license: "other".into(),
                    language: "en, fr".into(),
                },
            },
            revisions: 2,
            assessments: Vec::new(),
            evidence: None,
            workspace: "ws".into(),
            rendered_at: Utc
                .with_ymd_and_hms(2026, 11, 3, 8, 0, 0)
                .single()
                .expect("a time"),
        }
    }

    #[test]
    fn the_markdown_has_its_metadata_first_then_the_sections_in_order() {
        let md = card_markdown(&sample()).expect("renders");
        assert!(md.starts_with("---\n"), "metadata first: {md}");
        let end = md[4..].find("\n---\n").expect("the metadata block ends") + 4;
        let meta = &md[4..end];
        for quoted in [
            "model_version: \"2.10\"",
            "- \"yes\"",
            "card_saved_at: \"2026-11-02T09:30:00Z\"",
        ] {
            assert!(
                meta.contains(quoted),
                "text a YAML 1.1 reader would take for a number, a boolean or a time is \
                 quoted ({quoted}): {meta}"
            );
        }
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## Model details",
                "## Intended uses",
                "## Out-of-scope use",
                "## Limitations",
                "## Assumptions",
                "## Fallback",
                "## Human oversight",
                "## Evaluation",
                "## Risk and assessments"
            ],
            "the sections, in the hubs' order"
        );
        assert!(
            md.contains(NO_EVIDENCE),
            "evidence is said to be missing, not invented"
        );
    }
}
