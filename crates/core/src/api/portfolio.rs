//! The portfolio overview the app opens on: systems by stage and risk tier, KPIs in breach, open
//! escalations, overdue calendar items, sign-off requests waiting, the next review and the
//! latest decided one, and value against cost. It gathers what the other areas' API computes
//! (KPI status, the calendar's occurrences, request status, reviews, scorecards) and decides
//! only which of those figures to show; it must not compute a status, a date or a cost itself.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use super::review::{parse_quarter, ReviewDraft, ReviewSummary};
use super::Workspace;
use crate::calendar::{occurrences, CalendarQuery, EventKind, EventState, Occurrence};
use crate::kpi::{Escalation, Status as KpiStatusKind};
use crate::register::{RiskTier, Stage};
use crate::review::ReviewState;
use crate::signoff::{Gate, Status as SignoffStatus};
use crate::Result;

use super::kpi::KpiStatus;

/// Everything the portfolio home shows; each item names what the UI needs to open it in its
/// area (a system's id and name, a KPI's id, a request's id, a review's period).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PortfolioOverview {
    /// The day the figures are for.
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// Systems in the register, every stage.
    pub systems: u32,
    /// Proposed systems: the pipeline (also counted in `matrix`).
    pub pipeline: u32,
    /// The columns of `matrix`, in order.
    pub tiers: Vec<RiskTier>,
    /// Systems by lifecycle stage (every stage, in lifecycle order) and risk tier.
    pub matrix: Vec<StageCounts>,
    /// KPIs in the workspace.
    pub kpis: u32,
    /// KPIs whose latest measurement is in breach, the longest run of breaches first.
    pub breaches: Vec<KpiStatus>,
    /// Escalations not yet resolved (open or acknowledged), oldest first.
    pub escalations: Vec<Escalation>,
    /// Calendar occurrences overdue today, by date.
    pub overdue: Vec<Occurrence>,
    /// Sign-off requests waiting for something: pending, stale or expired.
    pub signoffs: Vec<PendingSignoff>,
    /// The review the board meets for next.
    pub next_review: NextReview,
    /// The newest review that is frozen, decided or signed.
    pub latest_review: Option<ReviewSummary>,
    pub value_cost: ValueCost,
}

/// One row of the stage by risk tier matrix.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StageCounts {
    pub stage: Stage,
    /// Per tier, in the order of `PortfolioOverview::tiers`.
    pub by_tier: Vec<u32>,
    pub total: u32,
}

/// A sign-off request that waits for signatures, for signing again (stale) or for a new
/// request (expired).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PendingSignoff {
    #[ts(type = "number")]
    pub request_id: i64,
    /// The system signed off; None for a review's outcome.
    #[ts(type = "number | null")]
    pub system_id: Option<i64>,
    /// The period of the review whose outcome is signed, for gate portfolio_review.
    pub review: Option<String>,
    /// The system's name, or the review's title.
    pub system: String,
    pub gate: Gate,
    pub status: SignoffStatus,
    #[ts(type = "string")]
    pub deadline: NaiveDate,
    pub approvals: u32,
    pub quorum: u32,
}

/// The next review: the open draft when there is one, else the first quarter from today's on
/// that has no review yet.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NextReview {
    /// The quarter, e.g. "2026-Q4".
    pub period: String,
    /// The draft's meeting day; without a draft, the next quarterly portfolio review on the
    /// calendar, if the calendar has one.
    #[ts(type = "string | null")]
    pub date: Option<NaiveDate>,
    /// The draft, when one is open.
    pub review: Option<ReviewSummary>,
}

/// Value against running cost of the systems in service, as the board pack plots it: the
/// scorecards' yearly value (from the register) and yearly run cost (the system's share of
/// the cheapest option of its TCO scenario).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ValueCost {
    /// The quarter whose scorecards these are (today's).
    pub period: String,
    pub points: Vec<ValuePoint>,
    /// Systems in service left off the chart, with what they miss.
    pub not_plotted: Vec<NotPlotted>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ValuePoint {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub stage: Stage,
    pub risk_tier: RiskTier,
    /// Running cost per year.
    pub run_cost: f64,
    /// Value per year.
    pub annual_value: f64,
    /// The TCO scenario the cost comes from.
    pub tco_scenario: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NotPlotted {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub missing_cost: bool,
    pub missing_value: bool,
}

/// "2026-Q4" for a day in October to December 2026.
fn quarter_of(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The quarter after `period` ("2026-Q4" -> "2027-Q1").
fn next_quarter(period: &str) -> Option<String> {
    let (y, q) = parse_quarter(period)?;
    Some(if q == 4 {
        format!("{}-Q1", y + 1)
    } else {
        format!("{y}-Q{}", q + 1)
    })
}

impl Workspace {
    /// The portfolio overview as the workspace stands today.
    pub fn portfolio_overview(&self) -> Result<PortfolioOverview> {
        let today = self.ctx.clock.today();

        let systems = self.store.all_systems()?;
        let tiers = RiskTier::ALL.to_vec();
        let matrix: Vec<StageCounts> = Stage::ALL
            .iter()
            .map(|&stage| {
                let by_tier: Vec<u32> = tiers
                    .iter()
                    .map(|&t| {
                        systems
                            .iter()
                            .filter(|s| s.draft.stage == stage && s.draft.risk_tier == t)
                            .count() as u32
                    })
                    .collect();
                StageCounts {
                    stage,
                    total: by_tier.iter().sum(),
                    by_tier,
                }
            })
            .collect();
        let pipeline = matrix
            .iter()
            .find(|r| r.stage == Stage::Proposed)
            .map_or(0, |r| r.total);

        let kpi = self.kpi_portfolio()?;
        let breaches = kpi
            .attention
            .into_iter()
            .filter(|k| k.status == Some(KpiStatusKind::Breach))
            .collect();

        // The calendar's events derived once, then the two views this page needs of them.
        let events = self.calendar_events()?;
        let completions = self.store.completions()?;
        let overdue = occurrences(
            &events,
            &completions,
            &CalendarQuery {
                to: Some(today),
                overdue_only: true,
                ..CalendarQuery::default()
            },
            today,
        );
        let next_on_calendar = occurrences(
            &events,
            &completions,
            &CalendarQuery {
                from: Some(today),
                to: Some(today + Duration::days(366)),
                kinds: vec![EventKind::PortfolioReview],
                ..CalendarQuery::default()
            },
            today,
        )
        .into_iter()
        .find(|o| o.state == EventState::Open)
        .map(|o| o.date);

        let signoffs = self
            .requests(None)?
            .into_iter()
            .filter(|r| {
                matches!(
                    r.status,
                    SignoffStatus::Pending | SignoffStatus::Stale | SignoffStatus::Expired
                )
            })
            .map(|r| PendingSignoff {
                request_id: r.id,
                system_id: r.request.system_id,
                review: r.request.review.clone(),
                system: r.request.system_name.clone(),
                gate: r.request.gate,
                status: r.status,
                deadline: r.request.deadline,
                approvals: r.tally.approvals,
                quorum: r.tally.quorum,
            })
            .collect();

        let mut reviews = self.reviews()?;
        reviews.sort_by(|a, b| a.period.cmp(&b.period));
        let latest_review = reviews
            .iter()
            .rev()
            .find(|r| r.state != ReviewState::Draft)
            .cloned();
        let next_review = match reviews.iter().find(|r| r.state == ReviewState::Draft) {
            Some(d) => NextReview {
                period: d.period.clone(),
                date: Some(d.held_on),
                review: Some(d.clone()),
            },
            None => {
                let mut period = quarter_of(today);
                while reviews.iter().any(|r| r.period == period) {
                    match next_quarter(&period) {
                        Some(p) => period = p,
                        None => break,
                    }
                }
                NextReview {
                    period,
                    date: next_on_calendar,
                    review: None,
                }
            }
        };

        let period = quarter_of(today);
        let header = ReviewDraft {
            period: period.clone(),
            title: String::new(),
            held_on: today,
            chair: String::new(),
            attendees: Vec::new(),
            scope: Default::default(),
        };
        let cards = self.scorecards(&header, &self.review_rules()?)?;
        let split = crate::report::value_cost_split(&cards);
        let points = split
            .plotted
            .iter()
            .filter_map(|c| {
                Some(ValuePoint {
                    system_id: c.system_id,
                    system: c.system.clone(),
                    stage: c.stage,
                    risk_tier: c.risk_tier,
                    run_cost: c.run_cost?,
                    annual_value: c.annual_value?,
                    tco_scenario: c.tco_scenario.clone(),
                })
            })
            .collect();
        let mut not_plotted: Vec<NotPlotted> = split
            .missing_cost
            .iter()
            .chain(&split.missing_value)
            .chain(&split.missing_both)
            .map(|c| NotPlotted {
                system_id: c.system_id,
                system: c.system.clone(),
                missing_cost: c.run_cost.is_none(),
                missing_value: c.annual_value.is_none(),
            })
            .collect();
        not_plotted.sort_by_cached_key(|n| n.system.to_lowercase());

        Ok(PortfolioOverview {
            today,
            systems: systems.len() as u32,
            pipeline,
            tiers,
            matrix,
            kpis: kpi.kpis,
            breaches,
            escalations: kpi.escalations,
            overdue,
            signoffs,
            next_review,
            latest_review,
            value_cost: ValueCost {
                period,
                points,
                not_plotted,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_follow_the_calendar_year() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(quarter_of(d(2026, 1, 1)), "2026-Q1");
        assert_eq!(quarter_of(d(2026, 3, 31)), "2026-Q1");
        assert_eq!(quarter_of(d(2026, 11, 2)), "2026-Q4");
        assert_eq!(next_quarter("2026-Q4").as_deref(), Some("2027-Q1"));
        assert_eq!(next_quarter("2026-Q2").as_deref(), Some("2026-Q3"));
        assert_eq!(next_quarter("not a quarter"), None);
    }
}
