//! Field rules of a system record. Every problem is returned, each with its field, so a form can
//! show it beside the input and an import can name the column.

use super::types::{Sourcing, Stage, SystemDraft};
use crate::FieldError;

pub const MAX_NAME: usize = 120;

/// Trims text fields, drops empty tags and duplicate tags, sorts nothing else.
pub fn normalize(d: &mut SystemDraft) {
    for s in [
        &mut d.name,
        &mut d.purpose,
        &mut d.business_unit,
        &mut d.owner,
        &mut d.technical_lead,
        &mut d.vendor,
        &mut d.model_approach,
    ] {
        let t = s.trim();
        if t.len() != s.len() {
            *s = t.to_string();
        }
    }
    let mut seen = std::collections::HashSet::new();
    d.tags = d
        .tags
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && seen.insert(t.to_lowercase()))
        .collect();
    for c in &mut d.certifications {
        c.name = c.name.trim().to_string();
    }
    for ds in &mut d.datasets {
        ds.name = ds.name.trim().to_string();
        ds.retention_policy = ds.retention_policy.trim().to_string();
    }
    for a in &mut d.assumptions {
        a.statement = a.statement.trim().to_string();
    }
}

/// All problems with a (normalized) draft; empty when it may be saved.
pub fn validate(d: &SystemDraft) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut required = |field: &str, value: &str| {
        if value.is_empty() {
            errs.push(FieldError::new(field, "is required"));
        }
    };
    required("name", &d.name);
    required("business_unit", &d.business_unit);
    required("owner", &d.owner);
    if d.name.chars().count() > MAX_NAME {
        errs.push(FieldError::new(
            "name",
            format!("is longer than {MAX_NAME} characters"),
        ));
    }
    if d.name.chars().any(char::is_control) {
        errs.push(FieldError::new(
            "name",
            "must not contain control characters",
        ));
    }
    match d.sourcing {
        Sourcing::Vendor if d.vendor.is_empty() => errs.push(FieldError::new(
            "vendor",
            "is required when sourcing is vendor",
        )),
        Sourcing::InHouse if !d.vendor.is_empty() => errs.push(FieldError::new(
            "vendor",
            "must be empty for an in-house system (set sourcing to vendor to name one)",
        )),
        _ => {}
    }
    let live = matches!(d.stage, Stage::Production | Stage::Deprecated);
    if live && d.deployment_date.is_none() {
        errs.push(FieldError::new(
            "deployment_date",
            format!(
                "is required for a system in {} (when did it go live?)",
                d.stage.key()
            ),
        ));
    }
    for (i, c) in d.certifications.iter().enumerate() {
        if c.name.is_empty() {
            errs.push(FieldError::new(
                format!("certifications[{i}].name"),
                "is required",
            ));
        }
    }
    for (i, ds) in d.datasets.iter().enumerate() {
        if ds.name.is_empty() {
            errs.push(FieldError::new(
                format!("datasets[{i}].name"),
                "is required",
            ));
        }
        if ds.retention_policy.is_empty() && ds.retain_until.is_none() {
            errs.push(FieldError::new(
                format!("datasets[{i}].retention_policy"),
                "a dataset needs a retention policy or a retain-until date",
            ));
        }
    }
    for (i, a) in d.assumptions.iter().enumerate() {
        if a.statement.is_empty() {
            errs.push(FieldError::new(
                format!("assumptions[{i}].statement"),
                "is required",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(edit: impl FnOnce(&mut SystemDraft), expected: &[&str]) {
        let mut d = SystemDraft::new("Churn model");
        d.business_unit = "Retail".into();
        d.owner = "A. Owner".into();
        edit(&mut d);
        normalize(&mut d);
        let fields: Vec<String> = validate(&d).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, expected, "fields in error");
    }

    #[test]
    fn rules() {
        check(|_| {}, &[]);
        check(|d| d.name = "   ".into(), &["name"]);
        check(|d| d.owner.clear(), &["owner"]);
        check(|d| d.sourcing = Sourcing::Vendor, &["vendor"]);
        check(|d| d.vendor = "Acme".into(), &["vendor"]);
        check(|d| d.stage = Stage::Production, &["deployment_date"]);
        check(|d| d.name = "x".repeat(121), &["name"]);
        check(|d| d.name = "a\u{7}b".into(), &["name"]);
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let mut d = SystemDraft::new("x");
        d.tags = vec![" nlp ".into(), "NLP".into(), "".into(), "pricing".into()];
        normalize(&mut d);
        assert_eq!(
            d.tags,
            ["nlp", "pricing"],
            "case-insensitive duplicates and blanks go"
        );
    }
}
