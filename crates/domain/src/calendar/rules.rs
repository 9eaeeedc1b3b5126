//! The calendar's rules as data: `assets/calendar/rules.toml`, overridable per workspace.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::{Error, Result};

/// The rules Steward ships with.
pub const DEFAULT_RULES: &str = include_str!("../../../../assets/calendar/rules.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub version: u32,
    pub portfolio_review: PortfolioReview,
    pub model_review: ModelReview,
    pub assumption_review: AssumptionReview,
    pub certification_expiry: Reminder,
    pub data_retention: Reminder,
    pub decommission: Decommission,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortfolioReview {
    pub start: chrono::NaiveDate,
    pub interval_months: u32,
    pub remind_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelReview {
    pub high_months: u32,
    pub medium_months: u32,
    pub low_months: u32,
    pub remind_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssumptionReview {
    pub interval_months: u32,
    pub remind_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reminder {
    pub remind_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decommission {
    pub default_notice_days: u32,
    pub items: Vec<ChecklistRule>,
}

/// Who owns a checklist item: one of the system's people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerRole {
    Owner,
    TechnicalLead,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistRule {
    pub key: String,
    pub title: String,
    pub owner: OwnerRole,
    pub offset_days: i32,
}

impl Rules {
    /// The shipped rules.
    pub fn default_rules() -> Rules {
        Rules::from_toml("", "the shipped calendar rules")
            .expect("assets/calendar/rules.toml is valid (tested)")
    }

    /// Parses and checks a rules file over the shipped rules: a key the file leaves out keeps
    /// the shipped value (a list, such as the checklist items, is replaced whole). `origin` names
    /// the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Rules> {
        let bad = |message: String| Error::Validation {
            entity: "calendar rules",
            fields: vec![FieldError::new(origin, message)],
        };
        let merged = crate::overlay::over_shipped(DEFAULT_RULES, text).map_err(bad)?;
        let rules =
            Rules::deserialize(merged).map_err(|e| bad(e.message().trim_end().to_string()))?;
        let fields = rules.check();
        if fields.is_empty() {
            Ok(rules)
        } else {
            Err(Error::Validation {
                entity: "calendar rules",
                fields,
            })
        }
    }

    /// Every rule that cannot be used, by key.
    pub fn check(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut months = |key: &str, v: u32| {
            if !(1..=120).contains(&v) {
                out.push(FieldError::new(
                    key,
                    format!("{v} months: an interval is 1 to 120 months"),
                ));
            }
        };
        months(
            "portfolio_review.interval_months",
            self.portfolio_review.interval_months,
        );
        months("model_review.high_months", self.model_review.high_months);
        months(
            "model_review.medium_months",
            self.model_review.medium_months,
        );
        months("model_review.low_months", self.model_review.low_months);
        months(
            "assumption_review.interval_months",
            self.assumption_review.interval_months,
        );
        for (key, days) in [
            (
                "portfolio_review.remind_days",
                self.portfolio_review.remind_days,
            ),
            ("model_review.remind_days", self.model_review.remind_days),
            (
                "assumption_review.remind_days",
                self.assumption_review.remind_days,
            ),
            (
                "certification_expiry.remind_days",
                self.certification_expiry.remind_days,
            ),
            (
                "data_retention.remind_days",
                self.data_retention.remind_days,
            ),
            (
                "decommission.default_notice_days",
                self.decommission.default_notice_days,
            ),
        ] {
            if days > 366 {
                out.push(FieldError::new(
                    key,
                    format!("{days} days: at most 366 days ahead"),
                ));
            }
        }
        if self.version != 1 {
            out.push(FieldError::new(
                "version",
                format!(
                    "version {}: this Steward reads calendar rules version 1",
                    self.version
                ),
            ));
        }
        if self.decommission.items.is_empty() {
            out.push(FieldError::new(
                "decommission.items",
                "the decommissioning checklist needs at least one item",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, item) in self.decommission.items.iter().enumerate() {
            let at = format!("decommission.items[{}]", i + 1);
            let key_ok = !item.key.is_empty()
                && item
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok {
                out.push(FieldError::new(
                    format!("{at}.key"),
                    format!(
                        "{:?}: a key is lowercase letters, digits and _ (e.g. \"post_mortem\")",
                        item.key
                    ),
                ));
            } else if !seen.insert(item.key.as_str()) {
                out.push(FieldError::new(
                    format!("{at}.key"),
                    format!("{:?} is used by an earlier item; keys are unique", item.key),
                ));
            }
            if item.title.trim().is_empty() {
                out.push(FieldError::new(
                    format!("{at}.title"),
                    "a title is required",
                ));
            }
            if item.offset_days.abs() > 730 {
                out.push(FieldError::new(
                    format!("{at}.offset_days"),
                    format!("{} days: at most 730 days either side", item.offset_days),
                ));
            }
        }
        out
    }

    /// The model review interval for a risk tier.
    pub fn model_review_months(&self, tier: crate::register::RiskTier) -> u32 {
        use crate::register::RiskTier::*;
        match tier {
            High => self.model_review.high_months,
            Medium => self.model_review.medium_months,
            Low => self.model_review.low_months,
        }
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("rules serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_load() {
        let r = Rules::default_rules();
        assert_eq!(r.model_review.high_months, 6);
        assert_eq!(r.model_review.medium_months, 12);
        assert_eq!(r.model_review.low_months, 24);
        assert_eq!(r.certification_expiry.remind_days, 60);
        assert_eq!(r.decommission.items.len(), 6);
        // What we write reads back the same.
        assert_eq!(Rules::from_toml(&r.to_toml(), "x").expect("valid rules"), r);
    }

    fn refused(text: &str) -> Vec<FieldError> {
        match Rules::from_toml(text, "rules.toml") {
            Err(Error::Validation { fields, .. }) => fields,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn bad_rules_name_the_key() {
        let zero = DEFAULT_RULES.replace("high_months = 6", "high_months = 0");
        let f = refused(&zero);
        assert_eq!(f[0].field, "model_review.high_months", "{f:?}");

        let unknown = DEFAULT_RULES.replace("high_months = 6", "high_months = 6\nhgih = 3");
        let f = refused(&unknown);
        assert!(f[0].message.contains("hgih"), "{f:?}");

        let syntax = refused("[model_review\nhigh_months = 6");
        assert!(syntax[0].message.contains("line 1"), "{syntax:?}");

        // A partial file overrides only what it names.
        let partial =
            Rules::from_toml("[model_review]\nhigh_months = 3\n", "x").expect("valid rules");
        assert_eq!(partial.model_review.high_months, 3);
        assert_eq!(partial.model_review.low_months, 24);

        let dup = DEFAULT_RULES.replace("key = \"post_mortem\"", "key = \"notify_downstream\"");
        let f = refused(&dup);
        assert_eq!(f[0].field, "decommission.items[5].key", "{f:?}");

        let bad_owner = DEFAULT_RULES.replace("owner = \"owner\"", "owner = \"ceo\"");
        let f = refused(&bad_owner);
        assert!(f[0].message.contains("ceo"), "{f:?}");
    }
}
