//! The quarterly portfolio review as pure rules: a system's scorecard (every input the board
//! weighs, each one missing rather than zero when the workspace does not know it), the
//! recommendation rules as data (`rules`), and what fired and why. The API gathers the inputs
//! from the workspace and keeps reviews; nothing here touches the store, the clock or files.

pub mod rules;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::register::{EuAiActCategory, RiskTier, Stage};
pub use rules::{money, Because, Condition, Field, Recommendation, ReviewRules, Rule, Scope};

string_enum! {
    /// What the board may decide for a system: for systems in service, the TIME model's
    /// tolerate (retain), invest (invest, scale), migrate (retrain, refactor) and eliminate
    /// (retire, suspend), plus escalate; for proposals, fund, defer or reject.
    Disposition {
        Suspend = "suspend", "Suspend", ["stop", "halt"];
        Escalate = "escalate", "Escalate", [];
        Retire = "retire", "Retire", ["eliminate", "sunset", "decommission"];
        Retrain = "retrain", "Retrain", [];
        Refactor = "refactor", "Refactor", ["migrate", "rebuild"];
        Invest = "invest", "Invest", [];
        Scale = "scale", "Scale", ["expand"];
        Retain = "retain", "Retain", ["keep", "tolerate"];
        Fund = "fund", "Fund", ["approve"];
        Defer = "defer", "Defer", ["postpone"];
        Reject = "reject", "Reject", ["decline"];
    }
}

string_enum! {
    /// Gartner's TIME model, which every disposition falls under.
    TimeCategory {
        Tolerate = "tolerate", "Tolerate";
        Invest = "invest", "Invest";
        Migrate = "migrate", "Migrate";
        Eliminate = "eliminate", "Eliminate";
    }
}

string_enum! {
    /// Where the money of a decision goes, for the board's budget balance.
    BudgetLine {
        Run = "run", "Running cost";
        TechnicalDebt = "technical_debt", "Retraining and refactoring";
        NewDevelopment = "new_development", "New development";
    }
}

string_enum! {
    /// Where a review stands: a draft is scored live; frozen, its inputs are fixed; decided, the
    /// board has decided every system in scope; signed, the board has signed its outcome.
    ReviewState {
        Draft = "draft", "Draft";
        Frozen = "frozen", "Frozen";
        Decided = "decided", "Decided";
        Signed = "signed", "Signed";
    }
}

impl Disposition {
    /// The TIME category of this disposition (a proposal's fund is an investment).
    pub fn time(self) -> TimeCategory {
        use Disposition::*;
        match self {
            Retain | Escalate | Defer => TimeCategory::Tolerate,
            Invest | Scale | Fund => TimeCategory::Invest,
            Retrain | Refactor => TimeCategory::Migrate,
            Retire | Suspend | Reject => TimeCategory::Eliminate,
        }
    }

    /// Whether this is a decision about a proposal (fund, defer, reject).
    pub fn for_proposals(self) -> bool {
        matches!(
            self,
            Disposition::Fund | Disposition::Defer | Disposition::Reject
        )
    }

    /// The budget line money spent on this decision comes from.
    pub fn budget_line(self) -> BudgetLine {
        use Disposition::*;
        match self {
            Retrain | Refactor => BudgetLine::TechnicalDebt,
            Invest | Scale | Fund => BudgetLine::NewDevelopment,
            _ => BudgetLine::Run,
        }
    }
}

/// Everything the board weighs about one system for one quarter, as computed from the workspace.
/// Every input the workspace may not know is an `Option`: missing is shown as missing, never as
/// zero, and a rule's comparison with a missing input does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Scorecard {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub business_unit: String,
    pub owner: String,
    pub sponsor: String,
    pub stage: Stage,
    pub risk_tier: RiskTier,
    pub eu_category: Option<EuAiActCategory>,
    /// Months since it went into production (or since it was registered, before that).
    #[ts(type = "number | null")]
    pub age_months: Option<i64>,

    /// Value: the share of the quarter's measurements on target (0-1), over every KPI.
    pub kpi_attainment: Option<f64>,
    /// Measurements of the quarter the attainment counts.
    pub measurements: u32,
    /// KPIs whose latest value is a breach.
    pub kpis_in_breach: u32,
    /// The longest current run of breaches of one KPI, in months (a quarterly period is three).
    pub breach_months: u32,
    /// The KPI with that run, when there is one.
    pub worst_kpi: Option<String>,
    /// The business outcomes its model metrics drive (through KPI links), by name.
    pub outcomes: Vec<String>,
    pub escalations_open: u32,
    /// Escalations resolved during the quarter.
    pub escalations_resolved: u32,

    /// Cost: yearly running cost from the TCO scenario tied to it (the scenario's cheapest option
    /// over its first twelve months, shared evenly among the systems tied to it).
    pub run_cost: Option<f64>,
    pub cost_per_1000: Option<f64>,
    pub tco_scenario: Option<String>,
    pub tco_option: Option<String>,
    /// The value it delivers per year (a proposal: is expected to deliver).
    pub annual_value: Option<f64>,
    /// (annual_value - run_cost) / run_cost.
    pub roi: Option<f64>,

    /// Risk: the latest complete assessment's result in words, e.g. "AIA impact level III".
    pub assessment: Option<String>,

    /// Compliance: the latest pre-deployment sign-off's status, e.g. "approved".
    pub signoff: Option<String>,
    /// Calendar items of this system past their date and not done.
    pub overdue_items: u32,
    /// Certifications expiring within 90 days of the review date.
    pub certs_expiring: u32,

    /// Technical health.
    #[ts(type = "number | null")]
    pub months_since_retrain: Option<i64>,
    #[ts(type = "number | null")]
    pub months_since_model_review: Option<i64>,

    /// Proposals: how ready the data is and how well it fits the strategy (1-5), and the
    /// weighted score the rules' `[proposal]` table makes of them.
    pub data_readiness: Option<u8>,
    pub strategic_alignment: Option<u8>,
    pub proposal_score: Option<f64>,
}

impl Scorecard {
    /// A scorecard with only what the register says; every computed input missing or zero.
    pub fn bare(system_id: i64, system: &str, stage: Stage, risk_tier: RiskTier) -> Scorecard {
        Scorecard {
            system_id,
            system: system.into(),
            business_unit: String::new(),
            owner: String::new(),
            sponsor: String::new(),
            stage,
            risk_tier,
            eu_category: None,
            age_months: None,
            kpi_attainment: None,
            measurements: 0,
            kpis_in_breach: 0,
            breach_months: 0,
            worst_kpi: None,
            outcomes: Vec::new(),
            escalations_open: 0,
            escalations_resolved: 0,
            run_cost: None,
            cost_per_1000: None,
            tco_scenario: None,
            tco_option: None,
            annual_value: None,
            roi: None,
            assessment: None,
            signoff: None,
            overdue_items: 0,
            certs_expiring: 0,
            months_since_retrain: None,
            months_since_model_review: None,
            data_readiness: None,
            strategic_alignment: None,
            proposal_score: None,
        }
    }

    /// Whether the system is a proposal (the pipeline) rather than in service.
    pub fn is_proposal(&self) -> bool {
        self.stage == Stage::Proposed
    }
}

/// How a scorecard's fields read, by their key (the key a review reports as changed since its
/// freeze, "scope" included), in the order the board reads them.
pub const SCORECARD_LABELS: &[(&str, &str)] = &[
    ("system", "Name"),
    ("business_unit", "Business unit"),
    ("owner", "Owner"),
    ("sponsor", "Sponsor"),
    ("kpi_attainment", "KPI attainment"),
    ("measurements", "Measurements"),
    ("kpis_in_breach", "KPIs in breach"),
    ("breach_months", "Longest breach run"),
    ("worst_kpi", "Worst KPI"),
    ("outcomes", "Outcomes driven"),
    ("escalations_open", "Escalations open"),
    ("escalations_resolved", "Escalations resolved"),
    ("run_cost", "Run cost per year"),
    ("cost_per_1000", "Cost per 1,000 inferences"),
    ("tco_scenario", "TCO scenario"),
    ("tco_option", "TCO option"),
    ("annual_value", "Annual value"),
    ("roi", "ROI"),
    ("risk_tier", "Risk tier"),
    ("eu_category", "EU AI Act category"),
    ("assessment", "Assessment"),
    ("signoff", "Pre-deployment sign-off"),
    ("overdue_items", "Overdue calendar items"),
    ("certs_expiring", "Certifications expiring in 90 days"),
    ("months_since_retrain", "Since last retrain"),
    ("months_since_model_review", "Since last model review"),
    ("stage", "Stage"),
    ("age_months", "Age"),
    ("data_readiness", "Data readiness"),
    ("strategic_alignment", "Strategic alignment"),
    ("proposal_score", "Proposal score"),
    ("scope", "Scope"),
];

/// The label of a scorecard field; a key the table does not know reads as words
/// ("something_new" as "Something new").
pub fn scorecard_label(key: &str) -> String {
    if let Some((_, label)) = SCORECARD_LABELS.iter().find(|(k, _)| *k == key) {
        return (*label).to_string();
    }
    let words = key.replace('_', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// (value - cost) / cost, when both are known and the cost is not zero.
pub fn roi(annual_value: Option<f64>, run_cost: Option<f64>) -> Option<f64> {
    match (annual_value, run_cost) {
        (Some(v), Some(c)) if c > 0.0 => Some((v - c) / c),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
