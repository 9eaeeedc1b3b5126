//! Mappings a person makes once for the spreadsheets they have: which header names which field
//! ("Accountable exec" is the owner), what a value means ("Tier 1" is high), and the order of
//! text dates. Read from a small TOML file (`--mapping FILE`) or a profile saved in the
//! workspace (the same text); checked against the fields and value sets an import knows, and
//! against the file it is used on (a profile whose columns the file no longer has is stale).
//! Pure: no files are read here.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::table::{header_key, FieldSpec, Table};
use super::ImportProblem;
use steward_domain::value_key;

/// How to read a text date whose day and month could be either way round (03/04/2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum DateOrder {
    /// 03/04/2025 is 3 April 2025.
    DayFirst,
    /// 03/04/2025 is March 4, 2025.
    MonthFirst,
}

/// A mapping as written: see the module's documentation and [`Mapping::TEMPLATE`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Mapping {
    /// Header as the file writes it -> the field's key or label ("owner", "Risk tier"), or
    /// "ignore" to leave the column out.
    #[serde(default)]
    #[ts(type = "Record<string, string>")]
    pub columns: std::collections::BTreeMap<String, String>,
    /// Field key -> (value as the file writes it -> the value's key or label).
    #[serde(default)]
    #[ts(type = "Record<string, Record<string, string>>")]
    pub values: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// The order of day and month in text dates such as 03/04/2025.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub date_order: Option<DateOrder>,
}

/// What a column mapping says of one header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnTarget {
    Field(usize),
    Ignore,
}

/// A value set a mapping may give values of: the register's closed fields.
pub use steward_domain::register::ClosedField as ValueSet;

/// A mapping checked against an import's fields, ready to apply.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Where the mapping came from, as the audit entry and the plan name it.
    pub source: String,
    pub mapping: Mapping,
    /// (header_key(header), target).
    pub columns: Vec<(String, ColumnTarget, String)>,
    /// (field index, value_key(value), target key, value as written).
    pub values: Vec<(usize, String, &'static str, String)>,
}

impl Mapping {
    /// A commented example, as `steward systems import --mapping` documents it.
    pub const TEMPLATE: &'static str = r#"# How Steward reads your register. Headers and values are matched ignoring case and spaces.

# "day-first" reads 03/04/2025 as 3 April; "month-first" as March 4. (Before any [section].)
date_order = "day-first"

[columns]
"Accountable exec" = "owner"
"Internal notes" = "ignore"

[values.risk_tier]
"Tier 1" = "high"
"#;

    /// Reads a mapping's TOML text; Err names what is wrong in it.
    pub fn from_toml(text: &str) -> Result<Mapping, String> {
        toml::from_str(text).map_err(|e| format!("is not a mapping: {}", e.message().trim()))
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.values.is_empty() && self.date_order.is_none()
    }

    /// Checks the mapping against the import's `specs` and value `sets`: every column names a
    /// field (or "ignore"), every value mapping a field with a value set and a value of it.
    pub fn resolve(
        &self,
        source: &str,
        specs: &[FieldSpec],
        sets: &[ValueSet],
    ) -> Result<Resolved, Vec<String>> {
        let mut errors = Vec::new();
        let field_of = |name: &str| {
            let k = header_key(name);
            specs
                .iter()
                .position(|s| header_key(s.key) == k || header_key(s.label) == k)
        };
        let fields: Vec<&str> = specs.iter().map(|s| s.key).collect();
        let mut columns = Vec::new();
        for (header, target) in &self.columns {
            let t = if header_key(target) == "ignore" {
                Some(ColumnTarget::Ignore)
            } else {
                field_of(target).map(ColumnTarget::Field)
            };
            match t {
                Some(t) if !header_key(header).is_empty() => {
                    columns.push((header_key(header), t, header.clone()))
                }
                Some(_) => errors.push(format!("columns: the header {header:?} is empty")),
                None => errors.push(format!(
                    "columns: {header:?} maps to {target:?}, which is no field; name one of: {}, \
                     or \"ignore\"",
                    fields.join(", ")
                )),
            }
        }
        let mut values = Vec::new();
        for (field, map) in &self.values {
            let Some(set) = sets
                .iter()
                .find(|s| header_key(s.field) == header_key(field))
            else {
                let names: Vec<&str> = sets.iter().map(|s| s.field).collect();
                errors.push(format!(
                    "values: {field:?} has no fixed set of values to map; the fields that have \
                     one are: {}",
                    names.join(", ")
                ));
                continue;
            };
            let Some(index) = specs.iter().position(|s| s.key == set.field) else {
                continue;
            };
            for (value, target) in map {
                match (set.parse)(target) {
                    Some(key) => values.push((index, value_key(value), key, value.clone())),
                    None => errors.push(format!(
                        "values.{}: {value:?} maps to {target:?}, which is not a value of {}; \
                         accepted values: {}",
                        set.field,
                        set.field,
                        (set.expected)()
                    )),
                }
            }
        }
        if errors.is_empty() {
            Ok(Resolved {
                source: source.to_string(),
                mapping: self.clone(),
                columns,
                values,
            })
        } else {
            Err(errors)
        }
    }
}

impl Resolved {
    /// The target of a header, when the mapping names it.
    pub fn column(&self, header: &str) -> Option<ColumnTarget> {
        let k = header_key(header);
        self.columns.iter().find(|c| c.0 == k).map(|c| c.1)
    }

    /// The value key a mapped value stands for in field `field`.
    pub fn value(&self, field: usize, value: &str) -> Option<&'static str> {
        if self.values.is_empty() {
            return None;
        }
        let k = value_key(value);
        self.values
            .iter()
            .find(|v| v.0 == field && v.1 == k)
            .map(|v| v.2)
    }

    /// Problems when the mapping is stale for `table`: a column it maps that the file's header
    /// does not have. A profile made for another layout is refused rather than half applied.
    pub fn stale(&self, table: &Table) -> Vec<ImportProblem> {
        let present: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
        self.columns
            .iter()
            .filter(|(k, _, _)| !present.contains(k))
            .map(|(_, _, header)| {
                table.problem(
                    Some(table.header_row),
                    None,
                    Some(header.clone()),
                    format!(
                        "the mapping {} maps the column {header:?}, which this file does not \
                         have (its headers are: {}); the mapping is stale: update it or import \
                         without it",
                        self.source,
                        table
                            .headers
                            .iter()
                            .filter(|h| !h.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads() {
        let m = Mapping::from_toml(Mapping::TEMPLATE).expect("the template is a mapping");
        assert_eq!(
            m.columns.get("Accountable exec").map(String::as_str),
            Some("owner")
        );
        assert_eq!(m.date_order, Some(DateOrder::DayFirst));
        assert_eq!(
            Mapping::from_toml(&m.to_toml()).expect("round trip"),
            m,
            "a saved profile reads back as it was"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = Mapping::from_toml("[colums]\nA = \"owner\"\n").expect_err("a typo is refused");
        assert!(e.contains("colums"), "the error names the key: {e}");
    }
}
