//! The sign-off certificate of one request: what was under review (every field of the snapshot),
//! each signature (signer, role, decision, conditions, time, certificate fingerprint), the tally
//! against the rule and the computed status, and, when stale, what changed. Built from the API's
//! `RequestView`; time, person and workspace are passed in.

use chrono::{DateTime, Utc};

use super::{Block, Cell, Column, ColumnKind, KeyValue, Orientation, Report, Section, Table};
use crate::api::signoff::RequestView;

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A JSON value as a person reads it: strings bare, lists and objects as compact JSON.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

pub fn signoff_report(v: &RequestView, workspace: &str, at: DateTime<Utc>, by: &str) -> Report {
    let d = &v.request;
    let roles: Vec<String> = d
        .rule
        .roles
        .iter()
        .map(|r| {
            format!(
                "{} {} of {}",
                r.required,
                r.role.label().to_lowercase(),
                d.members.iter().filter(|m| m.role == r.role).count()
            )
        })
        .collect();
    let metadata = vec![
        match d.system_id {
            Some(id) => KeyValue::new("System", format!("{} (#{id})", d.system_name)),
            None => KeyValue::new("Review", &d.system_name),
        },
        KeyValue::new("Gate", d.gate.label()),
        KeyValue::new("Status", v.status.label()),
        KeyValue::new("Request", format!("{} ({})", v.id, d.uid)),
        KeyValue::new("Snapshot SHA-256", &d.snapshot_hash),
        KeyValue::new(
            "Requested",
            format!(
                "{} by {}",
                super::reader_time(&d.requested_at),
                d.requested_by
            ),
        ),
        KeyValue::new("Deadline", d.deadline.to_string()),
        KeyValue::new("Board", &d.board),
        KeyValue::new(
            "Rule",
            format!(
                "{}; quorum {}; one rejection rejects",
                roles.join(", "),
                d.rule.quorum
            ),
        ),
    ];

    let sigs = signature_table("Signatures", v);

    let mut tally = Table::new(
        "Tally",
        vec![
            Column::new("Role", ColumnKind::Text),
            Column::new("Approved", ColumnKind::Integer),
            Column::new("Required", ColumnKind::Integer),
            Column::new("Members", ColumnKind::Integer),
        ],
    );
    tally.rows = v
        .tally
        .roles
        .iter()
        .map(|r| {
            vec![
                text(r.role.label()),
                Cell::Integer(i64::from(r.approved)),
                Cell::Integer(i64::from(r.required)),
                Cell::Integer(i64::from(r.members)),
            ]
        })
        .collect();
    tally.totals = Some(vec![
        text("All roles (quorum)"),
        Cell::Integer(i64::from(v.tally.approvals)),
        Cell::Integer(i64::from(v.tally.quorum)),
        Cell::Integer(d.members.len() as i64),
    ]);

    let mut reviewed = Table::new(
        "Under review",
        vec![
            Column::new("Field", ColumnKind::Text),
            Column::new("Value", ColumnKind::Text),
        ],
    );
    let sections: [(&str, Option<&serde_json::Value>); 3] = [
        ("system", Some(&d.snapshot.system)),
        ("assessment", d.snapshot.assessment.as_ref()),
        ("kpis", d.snapshot.kpis.as_ref()),
    ];
    for (name, value) in sections {
        match value {
            Some(serde_json::Value::Object(m)) => {
                for (k, x) in m {
                    reviewed
                        .rows
                        .push(vec![text(format!("{name}.{k}")), text(shown(x))]);
                }
            }
            Some(other) => reviewed.rows.push(vec![text(name), text(shown(other))]),
            None => reviewed
                .rows
                .push(vec![text(name), text("(not kept in the workspace yet)")]),
        }
    }

    let mut status = Section::new("Status");
    status.blocks.push(Block::Paragraph {
        text: format!(
            "{}: {} approval{} of the quorum of {}, {} rejection{}.",
            v.status.label(),
            v.tally.approvals,
            if v.tally.approvals == 1 { "" } else { "s" },
            v.tally.quorum,
            v.tally.rejections,
            if v.tally.rejections == 1 { "" } else { "s" }
        ),
    });
    status.blocks.push(Block::Table(tally));
    let mut sections = vec![status];
    let mut s = Section::new("Signatures");
    s.orientation = Some(Orientation::Landscape);
    if v.signatures.is_empty() {
        s.blocks.push(Block::Paragraph {
            text: "No signature has been imported yet.".into(),
        });
    }
    s.blocks.push(Block::Table(sigs));
    sections.push(s);
    if !v.changes.is_empty() {
        let mut c = Table::new(
            "Changed since",
            vec![
                Column::new("Field", ColumnKind::Text),
                Column::new("Signed", ColumnKind::Text),
                Column::new("Now", ColumnKind::Text),
            ],
        );
        c.rows = v
            .changes
            .iter()
            .map(|x| {
                vec![
                    text(&x.field),
                    text(x.signed.clone().unwrap_or_else(|| "(none)".into())),
                    text(x.now.clone().unwrap_or_else(|| "(none)".into())),
                ]
            })
            .collect();
        let mut cs = Section::new("Changed since the snapshot");
        cs.blocks.push(Block::Paragraph {
            text: "The record no longer matches what was put up for review: open a new request and sign it again.".into(),
        });
        cs.blocks.push(Block::Table(c));
        sections.push(cs);
    }
    let mut r = Section::new("Under review");
    r.blocks.push(Block::Paragraph {
        text: format!(
            "The snapshot the signatures cover; its canonical JSON hashes to {}.",
            d.snapshot_hash
        ),
    });
    r.blocks.push(Block::Table(reviewed));
    sections.push(r);

    Report {
        title: format!("Sign-off certificate: {}", d.system_name),
        subtitle: format!(
            "{} sign-off, {}",
            d.gate.label(),
            v.status.label().to_lowercase()
        ),
        workspace: workspace.to_string(),
        generated_at: at,
        generated_by: by.to_string(),
        organisation: String::new(),
        orientation: Orientation::Portrait,
        metadata,
        sections,
        signature: None,
    }
}

/// Every signature a request holds, as the sign-off certificate and the board pack show them:
/// who, in which role, what they decided and on which conditions, when, with which certificate.
pub(super) fn signature_table(title: &str, r: &RequestView) -> Table {
    let mut t = Table::new(
        title,
        vec![
            Column::new("Signer", ColumnKind::Text),
            Column::new("Role", ColumnKind::Text),
            Column::new("Decision", ColumnKind::Text),
            Column::new("Conditions", ColumnKind::Text),
            Column::new("Signed at", ColumnKind::Text),
            Column::new("Certificate", ColumnKind::Text),
        ],
    );
    t.rows = r
        .signatures
        .iter()
        .map(|s| {
            vec![
                text(&s.signer),
                text(s.role.label()),
                text(s.decision.label()),
                if s.conditions.trim().is_empty() {
                    Cell::Empty
                } else {
                    text(&s.conditions)
                },
                text(super::reader_time(&s.signed_at)),
                text(format!("{} (SHA-256 {})", s.subject, s.fingerprint)),
            ]
        })
        .collect();
    t
}
