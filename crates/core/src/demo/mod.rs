//! The sample workspace: a realistic demo portfolio of a mid-sized insurer and bank, so a
//! first-time user sees every area working. Deterministic: the same data every time.

mod calendar;
mod cards;
mod evidence;
mod reviews;

use chrono::{Datelike, Days, NaiveDate};

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

/// The executive who sponsors each business unit's systems at the portfolio board.
#[rustfmt::skip]
const SPONSORS: &[(&str, &str)] = &[
    ("Retail Lending", "Catherine Moreau"), ("Retail Network", "Catherine Moreau"),
    ("Commercial Banking", "Henrik Sørensen"), ("Payments", "Nadia Rahimi"),
    ("Financial Crime", "Paul Whitaker"), ("Operations", "Beatriz Santos"),
    ("Marketing", "Julian Park"), ("Digital", "Julian Park"), ("Claims", "Margaret Doyle"),
    ("Pricing", "Stefan Kowalski"), ("Life & Health", "Amara Nwosu"),
    ("People", "Eleanor Fitzgerald"), ("Customer Service", "Marcus Lindgren"),
    ("Treasury", "Dominic Achterberg"), ("Finance", "Dominic Achterberg"),
    ("Procurement", "Dominic Achterberg"), ("Technology", "Sarah Lindholm"),
    ("Data Office", "Sarah Lindholm"), ("Security", "Sarah Lindholm"),
    ("Public Programmes", "Thomas Okonkwo"),
];

/// The portfolio review's facts of a system: days since its model was last retrained (before
/// the sample's today, so the sample stays current), the value it delivers per year in EUR (a
/// proposal's: is expected to deliver), data readiness and strategic alignment (1-5). The
/// regulatory models and the phishing filter have no value put on them; one proposal has not
/// had its data assessed yet.
type Review = (
    &'static str,
    Option<u64>,
    Option<f64>,
    Option<u8>,
    Option<u8>,
);

#[rustfmt::skip]
const REVIEW: &[Review] = &[
    ("Credit Default Scorer", Some(95), Some(4_200_000.0), None, None),
    ("Mortgage Affordability Model", Some(160), Some(1_800_000.0), None, None),
    ("Card Fraud Detector", Some(21), Some(6_500_000.0), None, None),
    ("AML Transaction Monitoring", Some(60), Some(2_400_000.0), None, None),
    ("KYC Document Reader", Some(120), Some(950_000.0), None, None),
    ("Customer Churn Predictor", Some(250), Some(3_100_000.0), None, None),
    ("Next Best Offer Engine", Some(30), Some(2_700_000.0), None, None),
    ("Claims Triage Assistant", Some(330), Some(1_600_000.0), None, None),
    ("Motor Pricing GLM", Some(430), Some(5_200_000.0), None, None),
    ("Life Underwriting Triage", Some(200), Some(1_100_000.0), None, None),
    ("HR Policy Chatbot", Some(75), Some(180_000.0), None, None),
    ("Customer Service Copilot", Some(150), Some(1_400_000.0), None, None),
    ("Complaint Classifier", Some(180), Some(320_000.0), None, None),
    ("Marketing Copy Generator", Some(90), Some(150_000.0), None, None),
    ("Branch Footfall Forecast", Some(14), Some(420_000.0), None, None),
    ("Liquidity Stress Forecaster", Some(35), None, None, None),
    ("IFRS 9 Staging Model", Some(540), None, None, None),
    ("Invoice Matching", Some(110), Some(610_000.0), None, None),
    ("IT Incident Router", Some(65), Some(270_000.0), None, None),
    ("Code Review Assistant", Some(50), Some(390_000.0), None, None),
    ("Collections Prioritiser", Some(140), Some(1_250_000.0), None, None),
    ("Email Phishing Filter", Some(7), None, None, None),
    ("Wellness Nudges", None, Some(350_000.0), Some(2), Some(3)),
    ("Synthetic Data Generator", None, Some(600_000.0), None, Some(4)),
];

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The last day of the month `months` after today's, so the sample's fixed-looking dates
/// (certifications expiring, assumptions to review) stay ahead of today on any clock.
fn month_end(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(months + 1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(today)
}

/// The sample system of `r` as of `today` (the workspace clock's date).
fn draft(r: &Row, today: NaiveDate) -> SystemDraft {
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
            expires: month_end(today, 4),
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
            review_date: month_end(today, 2),
        });
    }
    d.model_version = evidence::model_version(name)
        .unwrap_or_default()
        .to_string();
    d.sponsor = SPONSORS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, who)| who.to_string())
        .unwrap_or_default();
    if let Some(&(_, retrained, value, readiness, alignment)) = REVIEW.iter().find(|r| r.0 == name)
    {
        // Never before the deployment, never after today, whatever the clock says.
        let deployed = d.deployment_date.unwrap_or(NaiveDate::MIN);
        d.last_retrained = retrained
            .and_then(|n| today.checked_sub_days(Days::new(n)))
            .map(|at| at.max(deployed))
            .filter(|at| *at <= today);
        d.annual_value = value;
        d.data_readiness = readiness;
        d.strategic_alignment = alignment;
    }
    d
}

/// The sample TCO scenarios (the files in tests/fixtures/tco/) and the demo systems each is
/// about: a GPU-served LLM and a fleet of batch-scoring models.
const TCO_SCENARIOS: &[(&str, &[&str])] = &[
    (
        include_str!("../../../../tests/fixtures/tco/llm-service.toml"),
        &["Customer Service Copilot", "Voice Call Summariser"],
    ),
    (
        include_str!("../../../../tests/fixtures/tco/batch-scoring.toml"),
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
    let today = ws.context().clock.today();
    for r in PORTFOLIO {
        let d = draft(r, today);
        if d.stage == Retired {
            retired(ws, d, today)?;
        } else {
            ws.add_system(d)?;
        }
    }
    for (toml, systems) in TCO_SCENARIOS {
        let mut s = crate::tco::from_toml(toml)?;
        s.systems = systems.iter().map(|n| n.to_string()).collect();
        ws.create_tco(s)?;
    }
    assessments(ws)?;
    evidence::populate(ws)?;
    cards::populate(ws)?;
    populate_kpis(ws)?;
    crate::demo::calendar::populate(ws)?;
    crate::demo::reviews::populate(ws)?;
    Ok(PORTFOLIO.len())
}

/// Days before today the sample's retired systems were switched off.
const RETIRED_DAYS_AGO: u64 = 120;

/// A system of the sample that was retired: registered deprecated, as it was before, and retired
/// through its decommissioning checklist, every item done around the day it was switched off (a
/// new record cannot start retired; the gate asks for the checklist).
fn retired(ws: &mut Workspace, mut d: SystemDraft, today: NaiveDate) -> Result<()> {
    use crate::calendar::{ItemState, MilestoneKind};
    let day = today
        .checked_sub_days(Days::new(RETIRED_DAYS_AGO))
        .unwrap_or(today);
    d.stage = Deprecated;
    let id = ws.add_system(d)?.id;
    for item in ws.retire_system(id, Some(day))?.checklist {
        ws.close_checklist_item(
            id,
            &item.key,
            ItemState::Done,
            "done when it was switched off",
        )?;
    }
    ws.retire_system(id, None)?;
    let mut ms = ws.milestones(id)?;
    for m in ms
        .iter_mut()
        .filter(|m| m.kind == MilestoneKind::Decommission)
    {
        m.actual = Some(day);
    }
    ws.set_milestones(id, ms)?;
    Ok(())
}

/// AIA answers for the credit scorer, in the official tool's saved format (a level III result).
const DEMO_AIA: &str = include_str!("../../../../assets/demo/aia-credit-default-scorer.json");

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

/// One demo KPI: system, name, kind, unit, direction, target, warning, breach, cadence, base
/// value, wiggle, and a drift added over the last `drift_len` periods (reaching `drift`).
type KpiRow = (
    &'static str,
    &'static str,
    crate::kpi::KpiKind,
    &'static str,
    crate::kpi::Direction,
    f64,
    f64,
    f64,
    crate::kpi::Cadence,
    f64,
    f64,
    usize,
    f64,
);

use crate::kpi::Cadence::{Monthly, Quarterly};
use crate::kpi::Direction::{HigherIsBetter as Up, LowerIsBetter as Down};
use crate::kpi::KpiKind::{BusinessOutcome, ModelMetric, Operational};

#[rustfmt::skip]
const KPIS: &[KpiRow] = &[
    ("Customer Churn Predictor", "AUC", ModelMetric, "AUC points", Up, 80.0, 76.0, 72.0, Monthly, 82.5, 0.8, 7, -16.0),
    ("Customer Churn Predictor", "12-month retention", BusinessOutcome, "%", Up, 92.0, 90.0, 88.0, Monthly, 92.8, 0.3, 5, -5.5),
    ("Card Fraud Detector", "Fraud recall", ModelMetric, "%", Up, 90.0, 85.0, 80.0, Monthly, 91.5, 1.0, 5, -20.0),
    ("Card Fraud Detector", "Fraud losses", BusinessOutcome, "kEUR", Down, 400.0, 480.0, 550.0, Monthly, 380.0, 15.0, 4, 190.0),
    ("Card Fraud Detector", "Scoring latency p99", Operational, "ms", Down, 50.0, 80.0, 120.0, Monthly, 42.0, 4.0, 0, 0.0),
    ("Credit Default Scorer", "Gini", ModelMetric, "Gini points", Up, 60.0, 55.0, 50.0, Monthly, 63.0, 1.0, 0, 0.0),
    ("Credit Default Scorer", "Default rate", BusinessOutcome, "%", Down, 2.0, 2.4, 2.8, Quarterly, 1.85, 0.08, 0, 0.0),
    ("Customer Service Copilot", "Draft acceptance", ModelMetric, "%", Up, 70.0, 65.0, 60.0, Monthly, 72.0, 1.5, 4, -13.0),
    ("Customer Service Copilot", "Average handling time", BusinessOutcome, "minutes", Down, 6.0, 7.0, 8.0, Monthly, 5.8, 0.2, 4, 1.3),
    ("Claims Triage Assistant", "Fast-track precision", ModelMetric, "%", Up, 92.0, 88.0, 85.0, Monthly, 93.0, 0.7, 0, 0.0),
    ("Claims Triage Assistant", "Claims cycle time", BusinessOutcome, "days", Down, 12.0, 14.0, 16.0, Monthly, 11.2, 0.5, 0, 0.0),
    ("Next Best Offer Engine", "Offer uptake", ModelMetric, "%", Up, 8.0, 7.0, 6.0, Monthly, 8.6, 0.3, 0, 0.0),
    ("HR Policy Chatbot", "Answers resolved without escalation", Operational, "%", Up, 80.0, 75.0, 70.0, Monthly, 83.0, 1.2, 0, 0.0),
];

/// (driver system, driver KPI, outcome system, outcome KPI, effect per unit, note).
#[rustfmt::skip]
const LINKS: &[(&str, &str, &str, &str, f64, &str)] = &[
    ("Customer Churn Predictor", "AUC", "Customer Churn Predictor", "12-month retention", 0.3, "+1 AUC point lifts 12-month retention by about 0.3 points (2024 retention campaign test)"),
    ("Card Fraud Detector", "Fraud recall", "Card Fraud Detector", "Fraud losses", -9.0, "each recall point avoids about 9 kEUR of monthly losses"),
    ("Credit Default Scorer", "Gini", "Credit Default Scorer", "Default rate", -0.02, "a Gini point lowers the default rate of approved loans by about 0.02 points"),
    ("Customer Service Copilot", "Draft acceptance", "Customer Service Copilot", "Average handling time", -0.05, "each accepted-draft point saves about 3 seconds per contact"),
    ("Claims Triage Assistant", "Fast-track precision", "Claims Triage Assistant", "Claims cycle time", -0.25, "fewer wrong fast-tracks, fewer reopened claims"),
    ("Next Best Offer Engine", "Offer uptake", "Customer Churn Predictor", "12-month retention", 0.4, "customers holding one more product stay longer (shared outcome)"),
];

/// How many months of measurements the sample has.
const DEMO_MONTHS: i32 = 24;

/// A deterministic series: base, a wiggle, and the drift over the last periods; the claims KPI
/// also has a two-month dip a year ago, so the sample shows a resolved escalation.
fn demo_value(r: &KpiRow, i: usize, n: usize) -> f64 {
    let (_, name, .., base, wiggle, drift_len, drift) = *r;
    let seed = name.len() as f64;
    let mut v = base + wiggle * ((i as f64) * 1.3 + seed).sin();
    if drift_len > 0 && i + drift_len >= n {
        let step = i + drift_len + 1 - n;
        v += drift * step as f64 / drift_len as f64;
    }
    if name == "Fast-track precision" && (n - 13..n - 11).contains(&i) {
        v = 83.5 + 0.5 * (i % 2) as f64;
    }
    (v * 100.0).round() / 100.0
}

/// Adds the sample KPIs, their links and 24 months of measurements ending last month; the
/// rules open escalations where KPIs drift into breach, and the claims dip of a year ago is
/// resolved with a note.
fn populate_kpis(ws: &mut Workspace) -> Result<()> {
    use crate::api::kpi::MeasurementInput;
    use crate::kpi::{period_label, EscalationState, KpiDraft};

    let today = ws.context().clock.today();
    let last_month = today.year() * 12 + today.month0() as i32 - 1;
    let first_month = last_month - DEMO_MONTHS + 1;
    for r in KPIS {
        let (system, name, kind, unit, direction, target, warning, breach, cadence, ..) = *r;
        let s = ws.find_system(system)?;
        let k = ws.add_kpi(KpiDraft {
            system_id: s.id,
            name: name.into(),
            kind,
            unit: unit.into(),
            direction,
            target,
            warning,
            breach,
            cadence,
        })?;
        let periods: Vec<i32> = match cadence {
            Monthly => (first_month..=last_month).collect(),
            // The quarters that end within the 24 months.
            Quarterly => (first_month..=last_month)
                .filter(|m| m.rem_euclid(3) == 2)
                .map(|m| m.div_euclid(3))
                .collect(),
        };
        let n = periods.len();
        for (i, p) in periods.into_iter().enumerate() {
            ws.record_measurement(MeasurementInput {
                kpi_id: k.id,
                period: period_label(p, cadence),
                value: demo_value(r, i, n),
                source: match kind {
                    ModelMetric => "monitoring pipeline",
                    BusinessOutcome => "finance data warehouse",
                    Operational => "service metrics",
                }
                .into(),
                note: String::new(),
            })?;
        }
    }
    for (fs, fk, ts, tk, effect, note) in LINKS {
        let a = ws.find_kpi(fs, fk)?;
        let b = ws.find_kpi(ts, tk)?;
        ws.link_kpis(a.id, b.id, *effect, note)?;
    }
    let claims = ws.find_kpi("Claims Triage Assistant", "Fast-track precision")?;
    for e in ws.escalations(Some(EscalationState::Open))? {
        if e.kpi_id == claims.id {
            ws.acknowledge_escalation(e.id, "Hannah Schmidt: retraining on last quarter's claims")?;
            ws.resolve_escalation(
                e.id,
                "Retrained model deployed; precision back above 92% for two months",
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_demo_row_is_valid_and_varied() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
        let drafts: Vec<SystemDraft> = PORTFOLIO.iter().map(|r| draft(r, today)).collect();
        for d in &drafts {
            assert!(
                validate_on(d, today).is_empty(),
                "demo system {} must pass validation: {:?}",
                d.name,
                validate_on(d, today)
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

    #[test]
    fn the_sample_has_what_the_portfolio_review_needs() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
        let drafts: Vec<SystemDraft> = PORTFOLIO.iter().map(|r| draft(r, today)).collect();
        for (name, ..) in REVIEW {
            assert!(
                drafts.iter().any(|d| d.name == *name),
                "review facts for {name}, which is in the sample"
            );
        }
        for d in &drafts {
            assert!(d.sponsor.contains(' '), "{} has a named sponsor", d.name);
            assert_eq!(
                d.last_retrained.is_some(),
                d.stage == Stage::Production,
                "{}: the production systems, and only they, have a last retraining",
                d.name
            );
        }
        let prod: Vec<&SystemDraft> = drafts.iter().filter(|d| d.stage == Production).collect();
        let a_year_ago = today.checked_sub_days(Days::new(365)).unwrap_or_default();
        let stale = prod
            .iter()
            .filter(|d| d.last_retrained.is_some_and(|r| r < a_year_ago))
            .count();
        assert!(
            (1..=2).contains(&stale),
            "one or two retrained over a year ago: {stale}"
        );
        let valued = prod.iter().filter(|d| d.annual_value.is_some()).count();
        assert!(
            valued * 4 >= prod.len() * 3,
            "most production systems have a value: {valued}"
        );
        let proposed: Vec<&SystemDraft> = drafts.iter().filter(|d| d.stage == Proposed).collect();
        assert!(proposed.len() >= 2, "proposals to compare");
        for p in &proposed {
            assert!(
                p.annual_value.is_some() && p.strategic_alignment.is_some(),
                "{} has an expected value and a strategic alignment",
                p.name
            );
        }
        assert_eq!(
            proposed
                .iter()
                .filter(|p| p.data_readiness.is_none())
                .count(),
            1,
            "one proposal shows a missing readiness input"
        );
    }

    #[test]
    fn month_ends_fall_on_the_last_day() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            month_end(d(2026, 11, 2), 4),
            d(2027, 3, 31),
            "the sample's usual day"
        );
        assert_eq!(
            month_end(d(2026, 12, 31), 2),
            d(2027, 2, 28),
            "a short month"
        );
        assert_eq!(month_end(d(2027, 12, 1), 2), d(2028, 2, 29), "a leap year");
    }

    #[test]
    fn review_dates_stay_valid_under_any_clock() {
        // A clock just after the newest deployment: retraining dates move up to it, not before.
        let today = NaiveDate::from_ymd_opt(2024, 6, 10).unwrap_or_default();
        for r in PORTFOLIO {
            let d = draft(r, today);
            assert_eq!(validate_on(&d, today), [], "{} on {today}", d.name);
        }
    }
}
