//! The audit log against the records it speaks of: what the latest entry about a record says it
//! became, compared field by field with the record as it is stored. Pure: the API reads both
//! sides (`api::audit_state`) and names the records; nothing here reads the database.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::diff_fields;

/// What is wrong with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StateProblem {
    /// Stored, but not as the log says it became.
    Changed,
    /// The log says it exists; it is not stored: deleted behind Steward's back.
    Missing,
    /// The log says it was deleted; it is still stored.
    NotDeleted,
    /// Stored, but no entry of the log records it: added behind Steward's back.
    Unlogged,
    /// The stored records of a kind cannot be read back at all.
    Unreadable,
}

/// One field whose stored value is not the one the log recorded, each as canonical JSON; None
/// where the field is absent on that side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StateField {
    pub field: String,
    pub logged: Option<String>,
    pub stored: Option<String>,
}

/// One record whose stored state is not what the log says it became.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StateFinding {
    /// The kind of record, one of `ENTITY_KINDS`' keys, and its label.
    pub entity: String,
    pub entity_label: String,
    /// The record's id as the log names it (empty for a whole kind that cannot be read).
    pub entity_id: String,
    /// The record's name as the audit screen shows it.
    pub name: String,
    pub problem: StateProblem,
    /// The entry that says what the record became; None for a record the log never mentions.
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
    pub message: String,
    pub fields: Vec<StateField>,
}

/// A kind of record (or some of its records) whose entries cannot be compared with what is
/// stored, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NotComparable {
    pub entity: String,
    pub entity_label: String,
    /// How many records (or, for an event, entries) this covers.
    #[ts(type = "number")]
    pub count: i64,
    pub reason: String,
}

/// The state check: how many records were compared, each that differs, and what could not be
/// compared.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StateReport {
    #[ts(type = "number")]
    pub records: i64,
    pub findings: Vec<StateFinding>,
    pub not_comparable: Vec<NotComparable>,
}

impl StateReport {
    /// Every compared record is as the log says it became.
    pub fn is_consistent(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The fields in which `stored` differs from `logged` (both the canonical JSON of one record),
/// leaving out the `joined` paths: fields a record carries from another record (a system's name
/// in an escalation), which follow that record and are checked with it. Equal texts cost one
/// comparison; only documents that differ are parsed.
pub fn differences(logged: &str, stored: &str, joined: &[&[&str]]) -> Vec<StateField> {
    if logged == stored {
        return Vec::new();
    }
    let parse = |t: &str| {
        let mut v = serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string()));
        for path in joined {
            remove_path(&mut v, path);
        }
        v
    };
    let (l, s) = (parse(logged), parse(stored));
    let mut out = Vec::new();
    nested("", &l, &s, &mut out);
    out
}

/// The differences of two documents field by field, into nested objects (`scenario.horizon`);
/// lists and values are compared whole.
fn nested(prefix: &str, logged: &Value, stored: &Value, out: &mut Vec<StateField>) {
    for c in diff_fields(prefix, Some(logged), Some(stored)) {
        let key = c.field.strip_prefix(prefix).unwrap_or(&c.field);
        let key = key.strip_prefix('.').unwrap_or(key);
        match (logged.get(key), stored.get(key)) {
            (Some(l @ Value::Object(_)), Some(s @ Value::Object(_))) if !key.is_empty() => {
                nested(&c.field, l, s, out)
            }
            _ => out.push(StateField {
                field: c.field,
                logged: c.before,
                stored: c.after,
            }),
        }
    }
}

fn remove_path(v: &mut Value, path: &[&str]) {
    match path {
        [] => {}
        [last] => {
            if let Value::Object(m) = v {
                m.remove(*last);
            }
        }
        [first, rest @ ..] => {
            if let Some(inner) = v.get_mut(*first) {
                remove_path(inner, rest);
            }
        }
    }
}

/// What a person reads about a finding: the problem, the entry, and each field with the value
/// the log recorded and the value stored.
pub fn describe(problem: StateProblem, seq: Option<i64>, fields: &[StateField]) -> String {
    let entry = seq.map_or_else(String::new, |s| format!(" (entry {s})"));
    match problem {
        StateProblem::Changed => {
            let list: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: logged {}, stored {}",
                        f.field,
                        f.logged.as_deref().unwrap_or("nothing"),
                        f.stored.as_deref().unwrap_or("nothing")
                    )
                })
                .collect();
            format!(
                "changed behind Steward's back: it is not what the log says it became{entry}: {}",
                list.join("; ")
            )
        }
        StateProblem::Missing => format!(
            "deleted behind Steward's back: the log says it exists{entry}, the workspace has no such record"
        ),
        StateProblem::NotDeleted => format!(
            "still stored, though the log says it was deleted{entry}"
        ),
        StateProblem::Unlogged => {
            "added behind Steward's back: it is stored, but no entry of the log records it".into()
        }
        StateProblem::Unreadable => "the stored records cannot be read back".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(logged: &str, stored: &str, joined: &[&[&str]], expected: &[(&str, &str, &str)]) {
        let got: Vec<(String, String, String)> = differences(logged, stored, joined)
            .into_iter()
            .map(|f| {
                (
                    f.field,
                    f.logged.unwrap_or_default(),
                    f.stored.unwrap_or_default(),
                )
            })
            .collect();
        let want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "differences of {logged} and {stored}");
    }

    #[test]
    fn differences_name_each_field_with_both_values() {
        check(r#"{"a":1}"#, r#"{"a":1}"#, &[], &[]);
        check(
            r#"{"a":1,"tier":"high"}"#,
            r#"{"a":1,"tier":"low"}"#,
            &[],
            &[("tier", r#""high""#, r#""low""#)],
        );
        // A field only one side has is a difference too.
        check(r#"{"a":1}"#, r#"{"a":1,"b":2}"#, &[], &[("b", "", "2")]);
        // A joined field (a name copied from another record) follows that record: not compared,
        // at any depth; the others still are.
        check(
            r#"{"system":"Old name","level":1}"#,
            r#"{"system":"New name","level":1}"#,
            &[&["system"]],
            &[],
        );
        check(
            r#"{"scenario":{"systems":["A"],"horizon":12}}"#,
            r#"{"scenario":{"systems":["B"],"horizon":24}}"#,
            &[&["scenario", "systems"]],
            &[("scenario.horizon", "12", "24")],
        );
    }

    #[test]
    fn a_finding_reads_as_a_sentence() {
        let fields = [StateField {
            field: "risk_tier".into(),
            logged: Some(r#""high""#.into()),
            stored: Some(r#""low""#.into()),
        }];
        assert_eq!(
            describe(StateProblem::Changed, Some(12), &fields),
            "changed behind Steward's back: it is not what the log says it became (entry 12): \
             risk_tier: logged \"high\", stored \"low\"",
            "names the entry, the field and both values"
        );
    }
}
