//! Milestones: planned and actual dates per lifecycle stage, sunset and decommission.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::FieldError;

string_enum! {
    /// The dated steps of a system's life, in the order they happen.
    MilestoneKind {
        Development = "development", "Development starts";
        Validation = "validation", "Validation starts";
        Staging = "staging", "Staging starts";
        Production = "production", "Goes to production";
        Sunset = "sunset", "Sunset";
        Decommission = "decommission", "Decommissioned";
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Milestone {
    pub kind: MilestoneKind,
    #[ts(type = "string | null")]
    pub planned: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub actual: Option<NaiveDate>,
}

/// Every inconsistency in a system's milestones, by field (`production.actual`, ...):
/// - a stage appears once;
/// - planned dates follow the stage order;
/// - an actual date is not in the future, and not before an earlier stage's date (its actual
///   date if it has one, else its planned date: an actual date before the planned one of an
///   earlier stage is an error).
pub fn check_milestones(ms: &[Milestone], today: NaiveDate) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut sorted: Vec<&Milestone> = Vec::new();
    for m in ms {
        if sorted.iter().any(|s| s.kind == m.kind) {
            out.push(FieldError::new(
                m.kind.key(),
                format!(
                    "{} is given twice; each stage has one milestone",
                    m.kind.key()
                ),
            ));
        } else {
            sorted.push(m);
        }
    }
    sorted.sort_by_key(|m| m.kind);
    for (i, m) in sorted.iter().enumerate() {
        let k = m.kind.key();
        if let Some(a) = m.actual {
            if a > today {
                out.push(FieldError::new(
                    format!("{k}.actual"),
                    format!("{a} is in the future; an actual date is when it happened (today is {today}); plan it instead"),
                ));
            }
        }
        for earlier in &sorted[..i] {
            let e = earlier.kind.key();
            if let (Some(p), Some(pe)) = (m.planned, earlier.planned) {
                if p < pe {
                    out.push(FieldError::new(
                        format!("{k}.planned"),
                        format!("planned {p} is before the planned {e} date {pe}; stages follow each other"),
                    ));
                }
            }
            if let Some(a) = m.actual {
                let (date, which) = match (earlier.actual, earlier.planned) {
                    (Some(d), _) => (d, "actual"),
                    (None, Some(d)) => (d, "planned"),
                    (None, None) => continue,
                };
                if a < date {
                    out.push(FieldError::new(
                        format!("{k}.actual"),
                        format!(
                            "actual {a} is before the {which} {e} date {date}, an earlier stage"
                        ),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use MilestoneKind::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }
    fn m(kind: MilestoneKind, planned: Option<&str>, actual: Option<&str>) -> Milestone {
        Milestone {
            kind,
            planned: planned.map(d),
            actual: actual.map(d),
        }
    }

    #[test]
    fn cases() {
        let today = d("2026-06-30");
        // (milestones, fields in error)
        let cases: Vec<(Vec<Milestone>, Vec<&str>)> = vec![
            (vec![], vec![]),
            (
                vec![
                    m(Validation, Some("2026-01-01"), Some("2026-01-10")),
                    m(Production, Some("2026-03-01"), Some("2026-02-20")),
                ],
                vec![],
            ),
            // Actual production before the planned validation date.
            (
                vec![
                    m(Validation, Some("2026-04-01"), None),
                    m(Production, None, Some("2026-03-01")),
                ],
                vec!["production.actual"],
            ),
            // ... but validation happened early: its actual date counts.
            (
                vec![
                    m(Validation, Some("2026-04-01"), Some("2026-02-01")),
                    m(Production, None, Some("2026-03-01")),
                ],
                vec![],
            ),
            // Planned out of order.
            (
                vec![
                    m(Staging, Some("2026-05-01"), None),
                    m(Development, Some("2026-06-01"), None),
                ],
                vec!["staging.planned"],
            ),
            // An actual date in the future.
            (
                vec![m(Production, None, Some("2026-07-01"))],
                vec!["production.actual"],
            ),
            // The same stage twice.
            (
                vec![
                    m(Sunset, Some("2027-01-01"), None),
                    m(Sunset, Some("2027-02-01"), None),
                ],
                vec!["sunset"],
            ),
        ];
        for (i, (ms, want)) in cases.iter().enumerate() {
            let got: Vec<String> = check_milestones(ms, today)
                .into_iter()
                .map(|f| f.field)
                .collect();
            assert_eq!(got, *want, "case {i}: {ms:?}");
        }
    }
}
