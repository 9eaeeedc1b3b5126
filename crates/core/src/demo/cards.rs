//! The sample's model cards: one for every system in production, for the model version in
//! service, written by its technical lead; the credit scorer's card revised once by its owner
//! (two revisions), so the diff has something to show.

use crate::api::Workspace;
use crate::card::CardFields;
use crate::Result;

/// System, model version, intended use, out-of-scope use, limitations, assumptions, fallback,
/// human oversight, languages.
type CardRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const CARDS: &[CardRow] = &[
    ("Credit Default Scorer", "3.2",
     "Estimates the 12-month probability of default of consumer loan applications. Underwriters use the score and its reason codes to approve, decline or refer an application within the credit policy's cut-offs.",
     "Business and SME lending; pricing or limit setting; applicants with less than six months of credit history; any use outside the UK retail book it was trained on.",
     "Trained on applications from 2018 to 2024, a period without a full recession: default rates under severe stress are extrapolated. Thin-file applicants are scored with lower discrimination (AUC about 0.68 against 0.79 overall).",
     "Bureau data arrives within 24 hours of application. The relationship between affordability, bureau history and default stays as it was in the training period; the model is monitored monthly for drift.",
     "When the model is unavailable or its inputs fail validation, applications are routed to manual underwriting under the credit policy's rule-based scorecard; nothing is declined automatically.",
     "Every decline and every score within 5 points of a cut-off is reviewed by an underwriter, who may override it with a recorded reason. Overrides are reported to the credit risk committee monthly.",
     "en"),
    ("Mortgage Affordability Model", "2.4",
     "Assesses whether a mortgage applicant can afford repayments at the stressed rate the lending policy sets, as one input to the underwriter's decision.",
     "Buy-to-let and commercial mortgages; setting the interest rate; applicants with income that is not verified.",
     "Self-employed income is estimated from two years of accounts and is less reliable. Household expenditure uses national averages where the applicant's own is missing.",
     "Verified income and committed expenditure are complete; the stress rate in the policy is current.",
     "Underwriters apply the manual affordability calculator of the lending policy.",
     "An underwriter reviews every application; the model's result is advisory and cannot decline on its own.",
     "en"),
    ("Card Fraud Detector", "5.1",
     "Scores card transactions in real time for the likelihood of fraud, so the authorisation system can hold or decline suspicious ones and alert the cardholder.",
     "Investigating customers; credit decisions; transactions on cards of other issuers.",
     "New fraud patterns are caught late until retraining; card-not-present transactions in new merchant categories have higher false positives.",
     "Transaction features arrive within 50 ms; fraud labels are confirmed within 60 days.",
     "If the model times out, the authorisation system applies the static rule set and approves below the floor limit.",
     "Fraud analysts work every held transaction within 15 minutes and release false positives; the customer can confirm a transaction through the app.",
     "en"),
    ("AML Transaction Monitoring", "2023.4",
     "Prioritises anti-money-laundering alerts for investigators by the likelihood that an alert leads to a suspicious activity report.",
     "Closing alerts without review; sanctions screening; customer exit decisions.",
     "The vendor's network features are opaque to us; the model learns from past investigator outcomes, including their inconsistencies.",
     "Investigator outcomes are recorded consistently; the vendor's graph is refreshed daily.",
     "Alerts are worked in order of the rule-based risk score when the model is unavailable.",
     "Every alert is reviewed by an investigator; the model only orders the queue. A sample of low-priority alerts is reviewed each month.",
     "en"),
    ("KYC Document Reader", "4.0",
     "Extracts name, date of birth, document number and expiry from scanned identity documents during onboarding, for an operator to confirm.",
     "Verifying that a document is genuine; biometric matching; documents other than passports, driving licences and national identity cards.",
     "Handwritten fields and damaged documents are read poorly; accuracy is lower for non-Latin scripts.",
     "Scans are at least 300 dpi and the document type is selected correctly.",
     "Operators key the fields by hand.",
     "An onboarding operator confirms every extracted field before it is saved.",
     "en, fr, de"),
    ("Customer Churn Predictor", "1.7",
     "Predicts which retail customers are likely to close their accounts within six months, so the retention team can prioritise outreach.",
     "Pricing, credit or any decision that changes a customer's terms; customers in collections.",
     "Customers with fewer than three months of history are scored with low accuracy; the model does not see competitor offers.",
     "Product holdings and transaction history are complete and up to date each month.",
     "The retention team works its previous segment-based list.",
     "Retention agents choose whom to contact and what to offer; the score only orders the list.",
     "en"),
    ("Next Best Offer Engine", "3.0",
     "Recommends the next product to show a customer in digital channels, from the products they are eligible for.",
     "Credit decisions; customers flagged as vulnerable; anything sent outside the bank's own channels.",
     "Learns from clicks, which favour simple products; new products start without history.",
     "Eligibility rules are applied before the model ranks; the exploration rate is kept at 10%.",
     "Channels show the product of the month.",
     "The marketing team reviews the offers shown each week and can exclude any product.",
     "en"),
    ("Claims Triage Assistant", "2.2",
     "Routes incoming motor claims to fast-track settlement or to an adjuster, from the first notification of loss.",
     "Declining a claim; fraud decisions; injury claims.",
     "Claims with few details at first notification are routed to adjusters more often than needed.",
     "First notification data is captured in full by the call centre.",
     "All claims go to adjusters.",
     "Adjusters can pull any fast-tracked claim back; a weekly sample of fast-tracked claims is audited.",
     "en"),
    ("Motor Pricing GLM", "2019.1",
     "Sets motor insurance risk premiums by rating factor, reviewed by the pricing committee before each rate change.",
     "Pricing other lines of business; setting premiums on protected characteristics.",
     "Fitted on 2014-2018 claims; it has not been refitted since, and post-pandemic driving patterns are not reflected.",
     "Claim frequency and severity relativities are stable between refits.",
     "The last approved rate tables stay in force.",
     "Every rate change is signed off by the pricing committee and the chief actuary.",
     "en"),
    ("Life Underwriting Triage", "1.9",
     "Decides which life insurance applications need medical underwriting and which can be accepted on the application's answers.",
     "Declining an application; setting premium loadings; critical illness cover.",
     "Applicants over 60 are few in the training data; their applications are always sent to medical underwriting.",
     "Applicants answer the health questions truthfully; the questions have not changed since training.",
     "Every application goes to medical underwriting.",
     "Medical underwriters review every application the model refers and a monthly sample of those it accepts.",
     "en"),
    ("HR Policy Chatbot", "2024.2",
     "Answers employees' questions on HR policies from the published policy documents, with a link to the source.",
     "Advice on an individual's case; disciplinary, grievance or medical matters; anything not in the published policies.",
     "May paraphrase a policy wrongly or miss a recent change until the index is refreshed.",
     "The policy library is the only source and is refreshed weekly.",
     "The HR service desk answers by e-mail.",
     "Every answer shows its source and a link to the HR service desk; the HR policy team reviews a sample of conversations each month.",
     "en, fr"),
    ("Customer Service Copilot", "1.3",
     "Drafts replies for contact-centre agents from the customer's message and the knowledge base; the agent edits and sends.",
     "Sending replies without an agent; complaints handling decisions; advice on investments.",
     "Drafts can state policies wrongly or in the wrong tone; it cannot see the customer's accounts.",
     "Agents read every draft before sending; the knowledge base is current.",
     "Agents write replies from templates.",
     "An agent reviews and edits every draft; nothing reaches a customer without the agent sending it.",
     "en, fr"),
    ("Complaint Classifier", "1.1",
     "Classifies complaints by product and regulatory category, so they reach the right team and are reported correctly.",
     "Deciding the outcome of a complaint; identifying vulnerable customers.",
     "Complaints that span several products are given one category.",
     "Categories match the regulator's current reporting taxonomy.",
     "Complaints handlers classify by hand.",
     "Handlers correct the category when they open the complaint; corrections are used in retraining.",
     "en"),
    ("Marketing Copy Generator", "2024.1",
     "Drafts campaign copy for the marketing team to edit.",
     "Publishing without editing; financial promotions without compliance approval.",
     "Can produce claims that are not accurate or not approved.",
     "Every piece of copy goes through the financial promotions approval.",
     "Copywriters write campaigns themselves.",
     "A copywriter edits every draft and compliance approves every financial promotion.",
     "en"),
    ("Branch Footfall Forecast", "3.5",
     "Forecasts daily branch visits for staff rostering.",
     "Decisions on closing branches.",
     "Local events and weather are not modelled.",
     "Visit patterns follow the seasonality of the last three years.",
     "Branch managers roster from last year's figures.",
     "Branch managers adjust rosters from the forecast.",
     "en"),
    ("Liquidity Stress Forecaster", "2.0",
     "Projects intraday liquidity under the treasury's stress scenarios, as one input to the liquidity buffer.",
     "Regulatory liquidity returns without the treasury's review.",
     "Tail behaviour rests on few historical stress days.",
     "Payment flows in stress follow the scenarios' assumptions.",
     "Treasury uses the deterministic scenario spreadsheet.",
     "The treasury desk reviews every projection before it informs the buffer.",
     "en"),
    ("IFRS 9 Staging Model", "2018.1",
     "Assigns loans to IFRS 9 impairment stages from the change in credit risk since origination.",
     "Credit decisions on individual customers.",
     "Calibrated in 2018 and not recalibrated since; forward-looking information is applied as an overlay.",
     "Origination probabilities of default are recorded for every loan.",
     "Finance applies the backstop criteria (30 days past due) alone.",
     "Finance reviews stage transfers each quarter and the audit committee approves overlays.",
     "en"),
    ("Invoice Matching", "2022.3",
     "Matches supplier invoices to purchase orders for payment.",
     "Approving payments above the delegated limit.",
     "Invoices with many lines or unusual layouts fail to match.",
     "Purchase orders are raised before invoices arrive.",
     "Accounts payable match by hand.",
     "Accounts payable clear every exception; payments above the limit need an approver.",
     "en, de"),
    ("IT Incident Router", "2021.2",
     "Routes IT tickets to resolver groups from their text.",
     "Deciding priority or closing tickets.",
     "New systems' tickets are misrouted until retraining.",
     "Resolver groups are current in the service catalogue.",
     "The service desk routes by hand.",
     "The service desk reassigns misrouted tickets; reassignments are used in retraining.",
     "en"),
    ("Code Review Assistant", "2024.1",
     "Suggests review comments on internal code changes.",
     "Approving changes; security sign-off.",
     "Suggestions can be wrong or miss defects.",
     "Human review remains mandatory for every change.",
     "Reviews proceed without suggestions.",
     "A human reviewer approves every change.",
     "en"),
    ("Collections Prioritiser", "1.4",
     "Orders overdue accounts for contact by the likelihood that they cure without intervention.",
     "Deciding fees, legal action or write-off; customers flagged as vulnerable.",
     "Accounts in their first month overdue have little behavioural history.",
     "Contact outcomes are recorded consistently by agents.",
     "Agents work accounts by days past due.",
     "Collections agents decide every contact; vulnerable customers go to a specialist team.",
     "en"),
    ("Email Phishing Filter", "2020.5",
     "Detects phishing e-mails sent to staff and quarantines them.",
     "Monitoring staff conduct.",
     "Targeted phishing with new domains can pass.",
     "The vendor's threat feed is current.",
     "Mail passes through the gateway's static rules.",
     "Staff can release a quarantined message through the security team, who review reports of missed phishing.",
     "en"),
];

/// The credit scorer's second revision, by its owner: the limitations after the stress
/// back-test, and the override review tightened.
const CREDIT_REVISED: [(&str, &str); 2] = [
    ("limitations", "Trained on applications from 2018 to 2024, a period without a full recession: default rates under severe stress are extrapolated, and the 2008-09 back-test underestimated defaults by 18%. Thin-file applicants are scored with lower discrimination (AUC about 0.68 against 0.79 overall)."),
    ("human_oversight", "Every decline and every score within 5 points of a cut-off is reviewed by an underwriter, who may override it with a recorded reason. Overrides are reported to the credit risk committee monthly, and a second underwriter checks any override of a decline above GBP 25,000."),
];

/// Writes the cards, each by its system's technical lead, and the credit scorer's second
/// revision by its owner. The actor is put back afterwards.
pub(super) fn populate(ws: &mut Workspace) -> Result<()> {
    let actor = ws.context().actor.clone();
    for (system, version, intended, out, limits, assume, fallback, oversight, lang) in CARDS {
        let lead = ws.find_system(system)?.draft.technical_lead;
        ws.set_actor(lead);
        let fields = CardFields {
            intended_use: intended.to_string(),
            out_of_scope_uses: out.to_string(),
            limitations: limits.to_string(),
            assumptions: assume.to_string(),
            fallback: fallback.to_string(),
            human_oversight: oversight.to_string(),
            license: "other".into(),
            language: lang.to_string(),
        };
        ws.save_card(system, version, fields)?;
    }
    let owner = ws.find_system("Credit Default Scorer")?.draft.owner;
    ws.set_actor(owner);
    let changes: Vec<(String, String)> = CREDIT_REVISED
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ws.edit_card("Credit Default Scorer", "3.2", &changes)?;
    ws.set_actor(actor);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_production_system_has_a_card_row() {
        let production: Vec<&str> = super::super::PORTFOLIO
            .iter()
            .filter(|r| r.7 == crate::register::Stage::Production)
            .map(|r| r.0)
            .collect();
        let carded: Vec<&str> = super::CARDS.iter().map(|c| c.0).collect();
        assert_eq!(
            carded, production,
            "one card per production system, in the portfolio's order"
        );
    }
}
