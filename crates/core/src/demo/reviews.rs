//! The sample portfolio's quarterly reviews: the two quarters before today's, frozen and
//! decided (one decision overriding the rules with its rationale and a dissent, actions set,
//! one done and one still open so it carries over), and today's quarter as a draft. Dates are
//! relative to today, like the sample calendar, so the sample always has a history. The board
//! has signed the older quarter's outcome; the newer one waits for its second signature.

use chrono::{Datelike, Duration, NaiveDate};

use crate::api::review::{ActionInput, Attendee, DecisionInput, ReviewDraft, ReviewScope};
use crate::api::signoff::sign_request;
use crate::api::Workspace;
use crate::identity::{self, Profile};
use crate::register::RiskTier;
use crate::signoff::{Decision, Gate, Role, RoleRequirement, RuleSpec};
use crate::Result;

/// The quarter `back` quarters before the one holding `day`, as (label, first day).
fn quarter(day: NaiveDate, back: i32) -> (String, NaiveDate) {
    let index = day.year() * 4 + (day.month0() / 3) as i32 - back;
    let (year, q) = (index.div_euclid(4), index.rem_euclid(4) as u32);
    let first = NaiveDate::from_ymd_opt(year, q * 3 + 1, 1).unwrap_or(day);
    (format!("{year}-Q{}", q + 1), first)
}

fn board() -> Vec<Attendee> {
    [
        ("Margaret Osei", "Chief risk officer"),
        ("Tomás Herrera", "Head of data science"),
        ("Priya Raman", "Group legal counsel"),
        ("Jonas Lindqvist", "Chief financial officer"),
        ("Aiko Tanaka", "Data protection officer"),
    ]
    .iter()
    .map(|(n, r)| Attendee {
        name: (*n).into(),
        role: (*r).into(),
    })
    .collect()
}

pub(crate) fn populate(ws: &mut Workspace) -> Result<()> {
    let today = ws.context().clock.today();
    for back in [2, 1] {
        let (period, first) = quarter(today, back);
        // Held two weeks into the next quarter, once the quarter's figures are in.
        let held_on = first + Duration::days(91 + 14);
        let draft = ReviewDraft {
            period: period.clone(),
            title: String::new(),
            held_on,
            chair: "Margaret Osei".into(),
            attendees: board(),
            scope: ReviewScope::default(),
        };
        ws.create_review(&draft)?;
        let frozen = ws.freeze_review(&period)?;
        let mut overridden = false;
        for item in &frozen.items {
            let Some(r) = &item.recommendation else {
                continue;
            };
            let name = item.scorecard.system.clone();
            // The board keeps the first system the rules would retrain, for a reason the rules
            // cannot see; the CFO disagrees.
            let input = if !overridden && r.disposition == crate::review::Disposition::Retrain {
                overridden = true;
                DecisionInput {
                    decision: crate::review::Disposition::Retain,
                    rationale: "A replacement model is in validation and ships next quarter; \
                                retraining this one now would be wasted effort."
                        .into(),
                    dissent: vec!["Jonas Lindqvist".into()],
                    conditions: "Weekly drift report to the chief risk officer until the \
                                 replacement ships."
                        .into(),
                    budget: None,
                }
            } else {
                DecisionInput {
                    decision: r.disposition,
                    rationale: String::new(),
                    dissent: Vec::new(),
                    conditions: String::new(),
                    budget: match r.disposition.budget_line() {
                        crate::review::BudgetLine::TechnicalDebt => Some(40_000.0),
                        crate::review::BudgetLine::NewDevelopment => Some(120_000.0),
                        crate::review::BudgetLine::Run => None,
                    },
                }
            };
            ws.decide(&period, &name, &input)?;
        }
        // One action each quarter on the first system in scope; the older one is done.
        if let Some(item) = frozen.items.iter().find(|i| !i.scorecard.is_proposal()) {
            let a = ws.add_review_action(
                &period,
                &ActionInput {
                    system: item.scorecard.system.clone(),
                    title: if back == 2 {
                        "Report the drift monitoring set-up to the board".into()
                    } else {
                        "Present the replacement model's validation results".into()
                    },
                    owner: item.scorecard.owner.clone(),
                    due: held_on + Duration::days(45),
                },
            )?;
            if back == 2 {
                ws.mark_done(
                    &a.uid,
                    None,
                    Some(held_on + Duration::days(40)),
                    "Presented at the risk committee",
                )?;
            }
        }
    }
    sign_outcomes(ws, &quarter(today, 2).0, &quarter(today, 1).0)?;
    let (period, first) = quarter(today, 0);
    ws.create_review(&ReviewDraft {
        period,
        title: String::new(),
        held_on: first + Duration::days(91 + 14),
        chair: "Margaret Osei".into(),
        attendees: board(),
        scope: ReviewScope::default(),
    })?;
    Ok(())
}

/// The passphrase of the sample board's identities: they exist to try the signing, nothing else.
pub const SAMPLE_BOARD_PASSPHRASE: &str = "sample board";

/// The folder, in the workspace's data directory, holding the sample board members' identities.
pub const SAMPLE_BOARD_DIR: &str = "sample-board";

/// The board signs review outcomes, 2 of its 3 members and one of them legal: the older quarter
/// is signed, the newer has one signature of the two it needs. The members' identities are made
/// in `sample-board/NAME` beside the workspace, so a person trying the sample can add the
/// missing signature. An in-memory workspace has nowhere to keep them and is left unsigned.
fn sign_outcomes(ws: &mut Workspace, signed: &str, pending: &str) -> Result<()> {
    let Some(dir) = ws
        .path()
        .and_then(|p| p.parent().map(|d| d.join(SAMPLE_BOARD_DIR)))
    else {
        return Ok(());
    };
    let now = ws.context().clock.now();
    let mut members = Vec::new();
    for (name, title, role) in [
        ("Priya Raman", "Group legal counsel", Role::Legal),
        ("Margaret Osei", "Chief risk officer", Role::Risk),
        (
            "Aiko Tanaka",
            "Data protection officer",
            Role::DataProtection,
        ),
    ] {
        let home = dir.join(name);
        let profile = Profile {
            name: name.into(),
            role: title.into(),
            organisation: "Northwind Mutual".into(),
            email: String::new(),
        };
        identity::init(&home, &profile, SAMPLE_BOARD_PASSPHRASE, now)?;
        let signer = identity::unlock(&home, SAMPLE_BOARD_PASSPHRASE, now)?;
        members.push((role, signer));
    }
    ws.create_board("Portfolio board")?;
    for (role, s) in &members {
        let name = s.certificate_info().common_name();
        ws.add_board_member(
            "Portfolio board",
            &name,
            *role,
            s.certificate_info().pem.as_bytes(),
        )?;
    }
    for tier in RiskTier::ALL {
        ws.save_rule(
            Gate::PortfolioReview,
            *tier,
            "Portfolio board",
            RuleSpec {
                roles: vec![RoleRequirement {
                    role: Role::Legal,
                    required: 1,
                }],
                quorum: 2,
                valid_days: 30,
            },
        )?;
    }
    for (period, signers) in [(signed, 2), (pending, 1)] {
        let request = ws.request_review_signoff(period, None)?;
        for (role, s) in members.iter().take(signers) {
            let file = ws.export_request(&request.id.to_string(), s)?;
            let signature =
                sign_request(&file, "request.json", s, *role, Decision::Approve, "", now)?;
            ws.import_signature(&signature, "signature.json")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_count_back_across_years() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 10).expect("date");
        assert_eq!(quarter(d, 0).0, "2026-Q1");
        assert_eq!(
            quarter(d, 1),
            (
                "2025-Q4".into(),
                NaiveDate::from_ymd_opt(2025, 10, 1).expect("date")
            )
        );
        assert_eq!(quarter(d, 2).0, "2025-Q3");
        assert_eq!(quarter(d, 5).0, "2024-Q4");
    }
}
