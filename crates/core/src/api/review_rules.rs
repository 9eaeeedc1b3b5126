//! The review rules in force as a settings screen shows them (their version, where they come
//! from, each rule), and a workspace's own rules set from a file or reset to the shipped ones.
//! The rules themselves, and checking a file, are `steward_domain::review::rules`'.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::review::ReviewRules;
use crate::{Error, Result};

/// Where the rules in force come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RulesOrigin {
    /// The rules Steward ships (`assets/review/rules.toml`).
    BuiltIn,
    /// The workspace's own file, laid over the shipped rules.
    Workspace,
}

/// The review rules a draft is scored with now; a frozen review keeps the rules it froze.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReviewRulesInForce {
    pub origin: RulesOrigin,
    pub rules: ReviewRules,
}

impl Workspace {
    /// The review rules in force and where they come from.
    pub fn review_rules_in_force(&self) -> Result<ReviewRulesInForce> {
        Ok(ReviewRulesInForce {
            origin: if self.store.setting(super::review::RULES_KEY)?.is_some() {
                RulesOrigin::Workspace
            } else {
                RulesOrigin::BuiltIn
            },
            rules: self.review_rules()?,
        })
    }

    /// Sets the workspace's review rules from the TOML file at `path` (checked first; errors
    /// name the file), or back to the shipped rules with `None`. Audited.
    pub fn set_review_rules_file(&mut self, path: Option<&Path>) -> Result<ReviewRulesInForce> {
        match path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| Error::io(p, format!("cannot read the review rules file: {e}")))?;
                self.set_review_rules(Some(&text), &p.display().to_string())?;
            }
            None => {
                self.set_review_rules(None, "")?;
            }
        }
        self.review_rules_in_force()
    }
}
