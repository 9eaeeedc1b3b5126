//! Field rules of a system record. Every problem is returned, each with its field, so a form can
//! show it beside the input and an import can name the column.

use chrono::NaiveDate;

use super::types::{check_date_year, Sourcing, Stage, SystemDraft, SCORE_RANGE};
use crate::FieldError;

pub const MAX_NAME: usize = 120;
/// The longest model version accepted (a version string, a tag or a digest).
pub const MAX_VERSION: usize = 100;

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
        &mut d.sponsor,
        &mut d.model_version,
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

/// What is wrong with a (trimmed) model version, if anything: the one rule for the register's
/// version and the version evidence is recorded for.
pub fn version_problem(v: &str) -> Option<String> {
    if v.chars().count() > MAX_VERSION {
        Some(format!(
            "is longer than {MAX_VERSION} characters; give the version as its team names it, e.g. 2.3"
        ))
    } else if v.chars().any(char::is_control) {
        Some(
            "must not contain control characters (a line break, a tab); give the version on one line"
                .into(),
        )
    } else {
        None
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
    if let Some(m) = version_problem(&d.model_version) {
        errs.push(FieldError::new("model_version", m));
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
    if let (Some(retrained), Some(deployed)) = (d.last_retrained, d.deployment_date) {
        if retrained < deployed {
            errs.push(FieldError::new(
                "last_retrained",
                format!(
                    "is before the deployment date ({deployed}); enter a date on or after it, or \
                     correct the deployment date"
                ),
            ));
        }
    }
    match d.annual_value {
        Some(v) if !v.is_finite() => errs.push(FieldError::new(
            "annual_value",
            "must be a number: the value per year in the workspace's currency, 0 or more \
             (leave it empty when not known)",
        )),
        Some(v) if v < 0.0 => errs.push(FieldError::new(
            "annual_value",
            "must be 0 or more: the value per year in the workspace's currency (leave it empty \
             when not known)",
        )),
        _ => {}
    }
    let mut score = |field: &str, value: Option<u8>, low: &str, high: &str| {
        if value.is_some_and(|v| !SCORE_RANGE.contains(&v)) {
            errs.push(FieldError::new(
                field,
                format!(
                    "must be a whole number from {} ({low}) to {} ({high}), or empty when not \
                     assessed",
                    SCORE_RANGE.start(),
                    SCORE_RANGE.end()
                ),
            ));
        }
    };
    score(
        "data_readiness",
        d.data_readiness,
        "no usable data",
        "production-grade",
    );
    score(
        "strategic_alignment",
        d.strategic_alignment,
        "little fit",
        "core to the strategy",
    );
    let mut year = |field: String, date: Option<NaiveDate>| {
        if let Some(Err(m)) = date.map(check_date_year) {
            errs.push(FieldError::new(field, m));
        }
    };
    year("deployment_date".into(), d.deployment_date);
    year("last_retrained".into(), d.last_retrained);
    for (i, c) in d.certifications.iter().enumerate() {
        year(format!("certifications[{i}].expires"), Some(c.expires));
    }
    for (i, ds) in d.datasets.iter().enumerate() {
        year(format!("datasets[{i}].retain_until"), ds.retain_until);
    }
    for (i, a) in d.assumptions.iter().enumerate() {
        year(format!("assumptions[{i}].review_date"), Some(a.review_date));
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

/// All problems with a (normalized) draft saved on `today`: those of [`validate`], and a last
/// retraining that has not happened yet. The caller passes the date from its clock.
pub fn validate_on(d: &SystemDraft, today: NaiveDate) -> Vec<FieldError> {
    let mut errs = validate(d);
    if let Some(retrained) = d.last_retrained.filter(|r| *r > today) {
        errs.push(FieldError::new(
            "last_retrained",
            format!(
                "{retrained} is after today ({today}); enter the date the model was last \
                 retrained, today or earlier"
            ),
        ));
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
        // Dates in year 0 or before, or far beyond any plan, are slips (14.7).
        check(
            |d| d.deployment_date = day("0000-06-01"),
            &["deployment_date"],
        );
        check(
            |d| d.deployment_date = day("-0001-06-01"),
            &["deployment_date"],
        );
        check(
            |d| d.last_retrained = day("1899-12-31"),
            &["last_retrained"],
        );
        check(|d| d.deployment_date = day("2999-12-31"), &[]);
        check(
            |d| {
                d.certifications.push(super::super::types::Certification {
                    name: "ISO".into(),
                    expires: day("0000-01-01").expect("a date"),
                })
            },
            &["certifications[0].expires"],
        );
    }

    fn day(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn review_fields() {
        check(
            |d| {
                d.sponsor = "  Helen Carter ".into();
                d.last_retrained = day("2026-05-01");
                d.annual_value = Some(0.0);
                d.data_readiness = Some(1);
                d.strategic_alignment = Some(5);
            },
            &[],
        );
        check(|d| d.annual_value = Some(2.5e6), &[]);
        check(|d| d.annual_value = Some(-1.0), &["annual_value"]);
        check(|d| d.annual_value = Some(f64::NAN), &["annual_value"]);
        check(|d| d.annual_value = Some(f64::INFINITY), &["annual_value"]);
        check(|d| d.data_readiness = Some(0), &["data_readiness"]);
        check(|d| d.data_readiness = Some(6), &["data_readiness"]);
        check(
            |d| d.strategic_alignment = Some(0),
            &["strategic_alignment"],
        );
        check(
            |d| d.strategic_alignment = Some(9),
            &["strategic_alignment"],
        );
        check(|d| d.last_retrained = day("2020-01-01"), &[]);
        check(
            |d| {
                d.deployment_date = day("2023-03-14");
                d.last_retrained = day("2023-03-14");
            },
            &[],
        );
        check(
            |d| {
                d.deployment_date = day("2023-03-14");
                d.last_retrained = day("2023-03-13");
            },
            &["last_retrained"],
        );
    }

    #[test]
    fn a_retraining_cannot_be_in_the_future() {
        let mut d = SystemDraft::new("Churn model");
        d.business_unit = "Retail".into();
        d.owner = "A. Owner".into();
        let today = day("2026-11-02").unwrap_or_default();
        d.last_retrained = Some(today);
        assert_eq!(validate_on(&d, today), [], "today is accepted");
        d.last_retrained = today.succ_opt();
        let errs = validate_on(&d, today);
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["last_retrained"],
            "tomorrow is refused, naming the field"
        );
        assert!(
            errs[0]
                .message
                .contains("2026-11-03 is after today (2026-11-02)"),
            "the message says why: {}",
            errs[0].message
        );
        assert_eq!(
            validate(&d),
            [],
            "the date rule needs today, so plain validate skips it"
        );
    }

    #[test]
    fn model_version() {
        check(|d| d.model_version = " 2.3 ".into(), &[]);
        check(|d| d.model_version = "x".repeat(100), &[]);
        check(|d| d.model_version = "x".repeat(101), &["model_version"]);
        check(|d| d.model_version = "2.3\n2.4".into(), &["model_version"]);
        let mut d = SystemDraft::new("x");
        d.model_version = "  v7 ".into();
        normalize(&mut d);
        assert_eq!(d.model_version, "v7", "trimmed like every text field");
    }

    #[test]
    fn sponsor_is_trimmed() {
        let mut d = SystemDraft::new("x");
        d.sponsor = "  Helen Carter\n".into();
        normalize(&mut d);
        assert_eq!(d.sponsor, "Helen Carter");
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
