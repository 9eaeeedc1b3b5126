//! The sample workspace: a realistic demo portfolio of a mid-sized insurer and bank, so a
//! first-time user sees every area working. Deterministic: the same data every time.

use chrono::NaiveDate;

use crate::api::Workspace;
use crate::register::*;
use crate::{Error, Result};

/// One line of the demo portfolio: name, purpose, unit, owner, lead, vendor ("" = in-house),
/// approach, stage, domain, EU AI Act category, tier, sensitivity, deployed, tags.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Stage,
    RegulatedDomain,
    Option<EuAiActCategory>,
    RiskTier,
    DataSensitivity,
    Option<&'static str>,
    &'static str,
);

use DataSensitivity::{Confidential, Internal, Public, Restricted};
use EuAiActCategory::{HighRisk, LimitedRisk, Minimal};
use RegulatedDomain::{Finance, Healthcare, Hr, PublicSector};
use RiskTier::{High, Low, Medium};
use Stage::*;

#[rustfmt::skip]
const PORTFOLIO: &[Row] = &[
    ("Credit Default Scorer", "Estimates probability of default for consumer loan applications", "Retail Lending", "Maria Okafor", "Tomás Lindqvist", "", "gradient boosting", Production, Finance, Some(HighRisk), High, Restricted, Some("2023-03-14"), "credit; scoring; basel"),
    ("Mortgage Affordability Model", "Assesses affordability for mortgage applicants under stress rates", "Retail Lending", "Maria Okafor", "Aisha Rahman", "", "logistic regression", Production, Finance, Some(HighRisk), High, Restricted, Some("2021-09-01"), "credit; mortgage"),
    ("SME Loan Early Warning", "Flags small-business borrowers likely to miss payments in 90 days", "Commercial Banking", "Daniel Brooks", "Priya Natarajan", "", "gradient boosting", Validation, Finance, Some(HighRisk), High, Confidential, None, "credit; monitoring"),
    ("Card Fraud Detector", "Scores card transactions in real time for fraud", "Payments", "Elena Petrova", "Kwame Mensah", "", "gradient boosting", Production, Finance, Some(Minimal), High, Restricted, Some("2022-05-20"), "fraud; real-time"),
    ("AML Transaction Monitoring", "Prioritises anti-money-laundering alerts for investigators", "Financial Crime", "Jonas Weber", "Kwame Mensah", "Quantexa", "graph analytics + gradient boosting", Production, Finance, Some(Minimal), High, Restricted, Some("2022-11-07"), "aml; alerts"),
    ("KYC Document Reader", "Extracts identity data from scanned documents during onboarding", "Operations", "Sophie Laurent", "Marco Rossi", "ABBYY", "OCR + transformer", Production, Finance, Some(Minimal), Medium, Restricted, Some("2023-08-15"), "onboarding; ocr"),
    ("Customer Churn Predictor", "Predicts which retail customers will close accounts in 6 months", "Marketing", "Liam O'Connor", "Yuki Tanaka", "", "gradient boosting", Production, RegulatedDomain::None, Some(Minimal), Medium, Confidential, Some("2022-02-28"), "retention; marketing"),
    ("Next Best Offer Engine", "Recommends the next product to offer in digital channels", "Marketing", "Liam O'Connor", "Yuki Tanaka", "", "contextual bandit", Production, RegulatedDomain::None, Some(Minimal), Medium, Confidential, Some("2023-10-02"), "personalisation; marketing"),
    ("Claims Triage Assistant", "Routes incoming motor claims to fast-track or adjuster review", "Claims", "Hannah Schmidt", "Rafael Costa", "", "gradient boosting", Production, Finance, Some(Minimal), Medium, Confidential, Some("2021-06-30"), "claims; triage"),
    ("Claims Fraud Network", "Detects organised fraud rings across claims", "Claims", "Hannah Schmidt", "Rafael Costa", "Shift Technology", "graph neural network", Staging, Finance, Some(Minimal), High, Restricted, None, "claims; fraud"),
    ("Motor Pricing GLM", "Sets motor insurance premiums by risk segment", "Pricing", "Oliver Grant", "Mei Chen", "", "generalised linear model", Production, Finance, Some(Minimal), High, Confidential, Some("2019-01-15"), "pricing; glm"),
    ("Home Pricing Uplift", "Adjusts home insurance prices using property imagery features", "Pricing", "Oliver Grant", "Mei Chen", "", "gradient boosting", Development, Finance, Some(Minimal), High, Confidential, None, "pricing; imagery"),
    ("Life Underwriting Triage", "Decides which life applications need medical underwriting", "Life & Health", "Fatima Al-Sayed", "Noah Williams", "", "gradient boosting", Production, Finance, Some(HighRisk), High, Restricted, Some("2022-09-12"), "underwriting; health data"),
    ("Health Claims Coding", "Suggests diagnosis codes for health insurance claims", "Life & Health", "Fatima Al-Sayed", "Noah Williams", "Nuance", "transformer", Validation, Healthcare, Some(Minimal), Medium, Restricted, None, "health data; nlp"),
    ("Wellness Nudges", "Personalises wellness programme messages to members", "Life & Health", "Fatima Al-Sayed", "Isabel Moreno", "", "uplift model", Proposed, Healthcare, None, Low, Confidential, None, "wellness"),
    ("CV Screening Assistant", "Ranks job applications for recruiter review", "People", "Grace Kim", "Ahmed Hassan", "HireVue", "transformer ranking", Deprecated, Hr, Some(HighRisk), High, Confidential, Some("2021-04-01"), "recruitment"),
    ("Attrition Risk Model", "Estimates voluntary attrition risk for workforce planning", "People", "Grace Kim", "Ahmed Hassan", "", "random forest", Validation, Hr, Some(HighRisk), High, Confidential, None, "workforce"),
    ("HR Policy Chatbot", "Answers employees' questions on HR policies", "People", "Grace Kim", "Lucas Martin", "Microsoft", "LLM (retrieval-augmented)", Production, Hr, Some(LimitedRisk), Medium, Internal, Some("2024-02-19"), "llm; chatbot"),
    ("Customer Service Copilot", "Drafts replies for contact-centre agents", "Customer Service", "Chloe Dubois", "Lucas Martin", "OpenAI", "LLM (retrieval-augmented)", Production, RegulatedDomain::None, Some(LimitedRisk), Medium, Confidential, Some("2024-06-03"), "llm; contact centre"),
    ("Voice Call Summariser", "Summarises recorded customer calls for case notes", "Customer Service", "Chloe Dubois", "Lucas Martin", "", "speech-to-text + LLM", Staging, RegulatedDomain::None, Some(LimitedRisk), Medium, Confidential, None, "llm; speech"),
    ("Complaint Classifier", "Classifies complaints by product and regulatory category", "Customer Service", "Chloe Dubois", "Yuki Tanaka", "", "fine-tuned BERT", Production, Finance, Some(Minimal), Low, Confidential, Some("2022-07-18"), "nlp; complaints"),
    ("Public Chat Assistant", "Answers prospective customers' questions on the website", "Digital", "Ethan Clarke", "Lucas Martin", "Anthropic", "LLM", Development, RegulatedDomain::None, Some(LimitedRisk), Medium, Public, None, "llm; chatbot; website"),
    ("Marketing Copy Generator", "Drafts campaign copy for human editing", "Marketing", "Liam O'Connor", "Isabel Moreno", "Jasper", "LLM", Production, RegulatedDomain::None, Some(LimitedRisk), Low, Internal, Some("2024-01-08"), "llm; content"),
    ("Branch Footfall Forecast", "Forecasts branch visits for staffing", "Retail Network", "Samuel Adeyemi", "Priya Natarajan", "", "time-series (Prophet)", Production, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2020-10-05"), "forecasting"),
    ("ATM Cash Optimiser", "Plans ATM cash replenishment", "Retail Network", "Samuel Adeyemi", "Priya Natarajan", "", "time-series + optimisation", Retired, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2018-03-12"), "forecasting; optimisation"),
    ("Liquidity Stress Forecaster", "Projects intraday liquidity under stress scenarios", "Treasury", "Victoria Hughes", "Mei Chen", "", "gradient boosting", Production, Finance, Some(Minimal), High, Confidential, Some("2023-01-23"), "treasury; stress testing"),
    ("IFRS 9 Staging Model", "Assigns loans to IFRS 9 impairment stages", "Finance", "Victoria Hughes", "Tomás Lindqvist", "", "logistic regression", Production, Finance, Some(Minimal), High, Confidential, Some("2018-01-01"), "ifrs9; provisioning"),
    ("Invoice Matching", "Matches supplier invoices to purchase orders", "Finance", "Robert Novak", "Marco Rossi", "UiPath", "document AI", Production, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2022-03-14"), "automation"),
    ("Procurement Spend Classifier", "Categorises spend lines for procurement analytics", "Procurement", "Robert Novak", "Marco Rossi", "", "fine-tuned BERT", Deprecated, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2020-05-11"), "nlp; spend"),
    ("IT Incident Router", "Routes IT tickets to resolver groups", "Technology", "Arjun Mehta", "Kwame Mensah", "ServiceNow", "text classification", Production, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2021-11-29"), "itsm"),
    ("Code Review Assistant", "Suggests review comments on internal code changes", "Technology", "Arjun Mehta", "Ahmed Hassan", "GitHub", "LLM", Production, RegulatedDomain::None, Some(Minimal), Low, Confidential, Some("2024-04-15"), "llm; engineering"),
    ("Benefit Eligibility Screener", "Pre-screens applications for a government-funded hardship scheme", "Public Programmes", "Ingrid Johansson", "Noah Williams", "", "rules + logistic regression", Validation, PublicSector, Some(HighRisk), High, Restricted, None, "public sector; eligibility"),
    ("Collections Prioritiser", "Orders overdue accounts for collection contact", "Retail Lending", "Maria Okafor", "Aisha Rahman", "", "survival model", Production, Finance, Some(Minimal), Medium, Confidential, Some("2022-08-22"), "collections"),
    ("Synthetic Data Generator", "Produces privacy-safe synthetic data for model development", "Data Office", "Ruth Abebe", "Isabel Moreno", "Mostly AI", "generative model", Proposed, RegulatedDomain::None, None, Medium, Restricted, None, "privacy; data"),
    ("Email Phishing Filter", "Detects phishing e-mails sent to staff", "Security", "Arjun Mehta", "Kwame Mensah", "Proofpoint", "ensemble classifier", Production, RegulatedDomain::None, Some(Minimal), Low, Internal, Some("2020-02-03"), "security"),
    ("Emotion Detection Pilot", "Detected caller emotion in contact-centre audio (stopped)", "Customer Service", "Chloe Dubois", "Lucas Martin", "", "audio classifier", Retired, RegulatedDomain::None, Some(HighRisk), High, Confidential, Some("2023-02-01"), "speech; stopped"),
];

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn draft(r: &Row) -> SystemDraft {
    let &(
        name,
        purpose,
        unit,
        owner,
        lead,
        vendor,
        approach,
        stage,
        domain,
        eu,
        tier,
        sens,
        deployed,
        tags,
    ) = r;
    let mut d = SystemDraft::new(name);
    d.purpose = purpose.into();
    d.business_unit = unit.into();
    d.owner = owner.into();
    d.technical_lead = lead.into();
    d.sourcing = if vendor.is_empty() {
        Sourcing::InHouse
    } else {
        Sourcing::Vendor
    };
    d.vendor = vendor.into();
    d.model_approach = approach.into();
    d.stage = stage;
    d.regulated_domain = domain;
    d.eu_ai_act_category = eu;
    d.risk_tier = tier;
    d.data_sensitivity = sens;
    d.deployment_date = deployed.and_then(date);
    d.tags = tags.split(';').map(|t| t.trim().to_string()).collect();
    if tier == High && matches!(stage, Production | Staging) {
        d.certifications.push(Certification {
            name: "ISO/IEC 42001 (AI management system)".into(),
            expires: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap_or_default(),
        });
    }
    if matches!(sens, Restricted | Confidential) {
        d.datasets.push(Dataset {
            name: format!("{} training data", name),
            retention_policy: if domain == Finance {
                "7 years after model retirement"
            } else {
                "3 years after collection"
            }
            .into(),
            retain_until: None,
        });
    }
    if stage == Production && tier != Low {
        d.assumptions.push(Assumption {
            statement: format!("{} keeps delivering value above its run cost", name),
            review_date: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap_or_default(),
        });
    }
    d
}

/// The sample TCO scenarios (the files in tests/fixtures/tco/) and the demo systems each is
/// about: a GPU-served LLM and a fleet of batch-scoring models.
const TCO_SCENARIOS: &[(&str, &[&str])] = &[
    (
        include_str!("../../../tests/fixtures/tco/llm-service.toml"),
        &["Customer Service Copilot", "Voice Call Summariser"],
    ),
    (
        include_str!("../../../tests/fixtures/tco/batch-scoring.toml"),
        &[
            "Customer Churn Predictor",
            "Credit Default Scorer",
            "Next Best Offer Engine",
        ],
    ),
];

/// Fills an empty workspace with the demo portfolio and its TCO scenarios; returns how many
/// systems it added.
pub fn populate(ws: &mut Workspace) -> Result<usize> {
    if !ws.list_systems(&SystemQuery::default())?.is_empty() {
        return Err(Error::Conflict(
            "the sample portfolio goes into an empty workspace; this one already has systems \
             (use another --data-dir)"
                .into(),
        ));
    }
    for r in PORTFOLIO {
        ws.add_system(draft(r))?;
    }
    for (toml, systems) in TCO_SCENARIOS {
        let mut s = crate::tco::from_toml(toml)?;
        s.systems = systems.iter().map(|n| n.to_string()).collect();
        ws.create_tco(s)?;
    }
    assessments(ws)?;
    crate::calendar::demo::populate(ws)?;
    Ok(PORTFOLIO.len())
}

/// AIA answers for the credit scorer, in the official tool's saved format (a level III result).
const DEMO_AIA: &str = include_str!("../../../assets/demo/aia-credit-default-scorer.json");

/// A few assessments: a complete AIA on a high-impact system with its tier accepted, a draft AIA
/// half answered, and a complete EU AI Act screening of a recruitment system.
fn assessments(ws: &mut Workspace) -> Result<()> {
    use crate::api::assess::TierChoice;
    let aia = crate::assess::parse_answers(DEMO_AIA)?;
    let credit = ws.find_system("Credit Default Scorer")?.id;
    let a = ws.import_assessment(credit, "aia", aia.clone())?;
    let a = ws.complete_assessment(a.id)?;
    ws.decide_assessment(
        a.id,
        TierChoice {
            accept: true,
            risk_tier: None,
            eu_ai_act_category: None,
            reason: String::new(),
        },
    )?;
    let sme = ws.find_system("SME Loan Early Warning")?.id;
    let half: crate::assess::Answers = aia.into_iter().take(40).collect();
    ws.import_assessment(sme, "aia", half)?;
    let cv = ws.find_system("CV Screening Assistant")?.id;
    let mut eu = serde_json::json!({
        "annex1_product": "no", "annex3_applies": "yes", "annex3_4": ["4(a)"],
        "art6_3_claimed": "no", "art50_applies": "no", "profiling": "yes"
    });
    for p in ["a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"] {
        eu[format!("art5_1_{p}")] = "no".into();
    }
    let eu = match eu {
        serde_json::Value::Object(m) => m,
        _ => crate::assess::Answers::new(),
    };
    let e = ws.import_assessment(cv, "eu-ai-act", eu)?;
    ws.complete_assessment(e.id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_demo_row_is_valid_and_varied() {
        let drafts: Vec<SystemDraft> = PORTFOLIO.iter().map(draft).collect();
        for d in &drafts {
            assert!(
                validate(d).is_empty(),
                "demo system {} must pass validation: {:?}",
                d.name,
                validate(d)
            );
        }
        assert!(drafts.len() >= 30, "the issue asks for at least 30 systems");
        let units: HashSet<_> = drafts.iter().map(|d| d.business_unit.as_str()).collect();
        let stages: HashSet<_> = drafts.iter().map(|d| d.stage).collect();
        let tiers: HashSet<_> = drafts.iter().map(|d| d.risk_tier).collect();
        let vendors = drafts
            .iter()
            .filter(|d| d.sourcing == Sourcing::Vendor)
            .count();
        assert!(units.len() >= 8, "several business units");
        assert_eq!(stages.len(), Stage::ALL.len(), "every stage is represented");
        assert_eq!(tiers.len(), 3, "every risk tier is represented");
        assert!(vendors >= 8, "a realistic share of vendor systems");
    }
}
