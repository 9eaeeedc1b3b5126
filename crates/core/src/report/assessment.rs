//! The report of one impact assessment: who and what was assessed, every shown question with its
//! text, the answer (values and choice texts) and its points, the scores and level, and what the
//! level requires. Built from the API's `Assessment` and its template; renders to .xlsx through
//! the report engine and flattens to one CSV table.

use chrono::{DateTime, Utc};

use super::{Block, Cell, Column, ColumnKind, KeyValue, Orientation, Report, Section, Table};
use crate::api::assess::Assessment;
use crate::assess::{self, AssessmentResult, Template};
use crate::export::Sheet;
use crate::import::table::Cell as SheetCell;

/// The choice texts of an answer, joined with "; " (text answers as they are).
fn answer_text(t: &Template, name: &str, v: &serde_json::Value) -> (String, String) {
    let q = t.question(name);
    let label = |value: &str| {
        q.and_then(|q| q.choice(value))
            .map_or_else(|| value.to_string(), |c| c.text.default.clone())
    };
    match v {
        serde_json::Value::String(s) => (
            s.clone(),
            if q.is_some_and(|q| q.kind.has_choices()) {
                label(s)
            } else {
                s.clone()
            },
        ),
        serde_json::Value::Array(items) => {
            let values: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            (
                values.join("; "),
                values
                    .iter()
                    .map(|v| label(v))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        }
        other => (other.to_string(), other.to_string()),
    }
}

/// One row per shown, answered question: page, name, text, answer, answer text, points, max.
fn answer_rows(a: &Assessment, t: &Template) -> Vec<[String; 5]> {
    assess::visible_questions(t, &a.answers)
        .into_iter()
        .filter_map(|q| {
            let v = a.answers.get(&q.name)?;
            let (value, text) = answer_text(t, &q.name, v);
            Some([
                t.page_of(q).name.clone(),
                q.name.clone(),
                q.title.default.clone(),
                value,
                text,
            ])
        })
        .collect()
}

/// Points and maximum of a scored AIA question, when it is one.
fn points(a: &Assessment, name: &str) -> Option<(u32, u32)> {
    match &a.result {
        AssessmentResult::Aia(r) => r
            .breakdown
            .iter()
            .find(|l| l.question == name)
            .map(|l| (l.points, l.max)),
        _ => None,
    }
}

/// The headline figures of the result, as (measure, value).
fn scores(a: &Assessment) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match &a.result {
        AssessmentResult::Aia(r) => {
            out.push((
                "Raw impact score".into(),
                format!("{} of {}", r.raw_impact_score, r.max_raw_impact_score),
            ));
            out.push((
                "Mitigation score".into(),
                format!("{} of {}", r.mitigation_score, r.max_mitigation_score),
            ));
            out.push((
                "15% reduction".into(),
                format!(
                    "{} (mitigation threshold {})",
                    if r.reduction_applied {
                        "applied"
                    } else {
                        "not applied"
                    },
                    r.mitigation_threshold
                ),
            ));
            out.push(("Current score".into(), r.current_score.to_string()));
            out.push((
                "Impact level".into(),
                format!("{} ({})", r.impact_level_label, r.impact_level),
            ));
            out.push((
                "Suggested risk tier".into(),
                r.suggested_risk_tier.label().into(),
            ));
        }
        AssessmentResult::EuAiAct(r) => {
            out.push(("EU AI Act category".into(), r.category.label().into()));
            for f in &r.findings {
                out.push((
                    f.reference.clone(),
                    format!("{} ({})", f.title, f.category.label()),
                ));
            }
            out.push((
                "Suggested risk tier".into(),
                r.suggested_risk_tier.label().into(),
            ));
        }
        AssessmentResult::NistAiRmf(r) => {
            for f in &r.functions {
                out.push((
                    f.id.clone(),
                    format!(
                        "{} of {} rated, mean {}, {} at or above {}",
                        f.rated,
                        f.subcategories,
                        f.mean.map_or("-".into(), |m| format!("{m:.2}")),
                        f.at_or_above_target,
                        r.target_label
                    ),
                ));
            }
        }
    }
    if let Some(d) = &a.decision {
        out.push((
            "Decision".into(),
            format!(
                "{} {} by {} at {}{}",
                if d.accepted {
                    "accepted"
                } else {
                    "overridden to"
                },
                d.risk_tier.label(),
                d.decided_by,
                super::reader_time(&d.decided_at),
                if d.reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", d.reason)
                }
            ),
        ));
    }
    out
}

/// The report model of an assessment, for .xlsx.
pub fn assessment_report(
    a: &Assessment,
    t: &Template,
    workspace: &str,
    generated_at: DateTime<Utc>,
    generated_by: &str,
) -> Report {
    let mut answers = Table::new(
        "Answers",
        vec![
            Column::new("Page", ColumnKind::Text),
            Column::new("Question", ColumnKind::Text),
            Column::new("Question text", ColumnKind::Text),
            Column::new("Answer", ColumnKind::Text),
            Column::new("Answer text", ColumnKind::Text),
            Column::new("Points", ColumnKind::Integer),
            Column::new("Max points", ColumnKind::Integer),
        ],
    );
    for [page, name, text, value, label] in answer_rows(a, t) {
        let (p, m) = match points(a, &name) {
            Some((p, m)) => (Cell::Integer(i64::from(p)), Cell::Integer(i64::from(m))),
            None => (Cell::Empty, Cell::Empty),
        };
        answers.rows.push(vec![
            Cell::Text(page),
            Cell::Text(name),
            Cell::Text(text),
            Cell::Text(value),
            Cell::Text(label),
            p,
            m,
        ]);
    }
    let mut score_table = Table::new(
        "Scores",
        vec![
            Column::new("Measure", ColumnKind::Text),
            Column::new("Value", ColumnKind::Text),
        ],
    );
    for (k, v) in scores(a) {
        score_table.rows.push(vec![Cell::Text(k), Cell::Text(v)]);
    }
    let mut reqs = Table::new(
        "Requirements",
        vec![
            Column::new("Reference", ColumnKind::Text),
            Column::new("Area", ColumnKind::Text),
            Column::new("Requirement", ColumnKind::Text),
            Column::new("Source", ColumnKind::Text),
        ],
    );
    for r in a.result.requirements() {
        reqs.rows.push(vec![
            Cell::Text(r.reference.clone()),
            Cell::Text(r.area.clone()),
            Cell::Text(r.text.clone()),
            Cell::Text(r.source.clone()),
        ]);
    }
    let metadata = vec![
        KeyValue::new("System", a.system_name.clone()),
        KeyValue::new("Assessment", format!("#{}", a.id)),
        KeyValue::new(
            "Template",
            format!(
                "{} {} ({})",
                a.template.id, a.template.version, a.template.title
            ),
        ),
        KeyValue::new("Status", a.status.label()),
        KeyValue::new(
            "Started",
            format!("{} by {}", super::reader_time(&a.created_at), a.created_by),
        ),
        KeyValue::new(
            "Completed",
            match (&a.completed_at, &a.completed_by) {
                (Some(at), Some(by)) => format!("{} by {by}", super::reader_time(at)),
                _ => "not yet".into(),
            },
        ),
        KeyValue::new("Template source", a.template.source.clone()),
    ];
    Report {
        title: format!("{}: {}", a.template.title, a.system_name),
        subtitle: format!(
            "Assessment #{} against {} version {}",
            a.id, a.template.id, a.template.version
        ),
        workspace: workspace.to_string(),
        generated_at,
        generated_by: generated_by.to_string(),
        organisation: String::new(),
        orientation: Orientation::Landscape,
        metadata,
        sections: vec![
            Section {
                heading: "Result".into(),
                orientation: None,
                blocks: vec![Block::Table(score_table)],
            },
            Section {
                heading: "Answers".into(),
                orientation: None,
                blocks: vec![Block::Table(answers)],
            },
            Section {
                heading: "Requirements".into(),
                orientation: None,
                blocks: vec![Block::Table(reqs)],
            },
        ],
        signature: None,
    }
}

/// The assessment as one CSV table: a row per answer, then a row per score and per requirement,
/// told apart by the `kind` column.
pub fn assessment_sheet(a: &Assessment, t: &Template, created: DateTime<Utc>) -> Sheet {
    let text = |s: &str| SheetCell::Text(s.to_string());
    let mut rows = Vec::new();
    for [page, name, qtext, value, label] in answer_rows(a, t) {
        let (p, m) = match points(a, &name) {
            Some((p, m)) => (
                SheetCell::Number(f64::from(p)),
                SheetCell::Number(f64::from(m)),
            ),
            None => (SheetCell::Empty, SheetCell::Empty),
        };
        rows.push(vec![
            text("answer"),
            text(&page),
            text(&name),
            text(&qtext),
            text(&value),
            text(&label),
            p,
            m,
        ]);
    }
    for (k, v) in scores(a) {
        rows.push(vec![
            text("score"),
            SheetCell::Empty,
            text(&k),
            SheetCell::Empty,
            text(&v),
            SheetCell::Empty,
            SheetCell::Empty,
            SheetCell::Empty,
        ]);
    }
    for r in a.result.requirements() {
        rows.push(vec![
            text("requirement"),
            text(&r.area),
            text(&r.reference),
            text(&r.text),
            SheetCell::Empty,
            SheetCell::Empty,
            SheetCell::Empty,
            SheetCell::Empty,
        ]);
    }
    Sheet {
        name: "Assessment".into(),
        title: format!("{}: {}", a.template.title, a.system_name),
        subject: format!("Assessment #{}", a.id),
        created,
        headers: [
            "kind",
            "page",
            "question",
            "text",
            "answer",
            "answer_text",
            "points",
            "max_points",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}
