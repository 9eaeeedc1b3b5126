//! The quarterly portfolio review: reviews (period, scope, chair, attendees), scorecards gathered
//! from every area of the workspace, recommendations by the review rules, the freeze (one
//! canonical snapshot of every input and the rules, with its SHA-256), the board's decisions and
//! actions, the decision register across reviews, and quarter-over-quarter comparison.
//! Scoring and recommending are `steward_domain::review`'s; this module gathers and keeps.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Workspace;
use crate::audit::canonical_json;
use crate::calendar::{occurrences, CalendarQuery, EventState};
use crate::kpi::{parse_period, rules as kpi_rules, Cadence, EscalationState, KpiKind, Status};
use crate::register::{AiSystem, Stage};
use crate::review::{
    roi, BudgetLine, Disposition, Recommendation, ReviewRules, ReviewState, Scorecard,
};
use crate::store::{Change, ReviewActionRow, ReviewRow, Tx};
use crate::{Error, FieldError, Result};

/// The settings key of a workspace's own review rules (TOML).
pub(super) const RULES_KEY: &str = "review_rules";
/// The settings key of the board's target budget split (JSON).
pub(super) const BUDGET_KEY: &str = "review_budget_target";

/// Someone at the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attendee {
    pub name: String,
    pub role: String,
}

/// Which systems a review covers: those whose stage is one of `stages` (every stage but retired
/// when empty), in one of `business_units` and carrying one of `tags` (any, when empty).
/// Proposed systems in scope are the pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewScope {
    pub stages: Vec<Stage>,
    pub business_units: Vec<String>,
    pub tags: Vec<String>,
}

impl ReviewScope {
    pub fn covers(&self, s: &AiSystem) -> bool {
        let d = &s.draft;
        let stage_ok = if self.stages.is_empty() {
            d.stage != Stage::Retired
        } else {
            self.stages.contains(&d.stage)
        };
        let unit_ok = self.business_units.is_empty()
            || self
                .business_units
                .iter()
                .any(|u| u.eq_ignore_ascii_case(&d.business_unit));
        let tag_ok = self.tags.is_empty()
            || self
                .tags
                .iter()
                .any(|t| d.tags.iter().any(|x| x.eq_ignore_ascii_case(t)));
        stage_ok && unit_ok && tag_ok
    }
}

/// What a person fills in to open or change a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewDraft {
    /// The quarter, e.g. "2026-Q4".
    pub period: String,
    pub title: String,
    /// The day of the meeting.
    #[ts(type = "string")]
    pub held_on: NaiveDate,
    pub chair: String,
    pub attendees: Vec<Attendee>,
    pub scope: ReviewScope,
}

/// The board's decision on one system, as a person enters it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DecisionInput {
    pub decision: Disposition,
    /// Why; required when the decision differs from the recommendation.
    pub rationale: String,
    /// Members who disagreed, by name.
    pub dissent: Vec<String>,
    pub conditions: String,
    /// Money the decision commits (retraining, refactoring, new development), if any.
    pub budget: Option<f64>,
}

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "ReviewDecision")]
pub struct DecisionView {
    pub decision: Disposition,
    pub recommendation: Option<Disposition>,
    pub rule: Option<String>,
    /// The decision differs from the recommendation.
    pub overrode: bool,
    pub rationale: String,
    pub dissent: Vec<String>,
    pub conditions: String,
    pub budget: Option<f64>,
    pub decided_by: String,
    pub decided_at: String,
}

/// An action the board set, with its owner and due date; on the calendar until done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewAction {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub review_id: i64,
    pub period: String,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub title: String,
    pub owner: String,
    #[ts(type = "string")]
    pub due: NaiveDate,
    /// The calendar event that tracks it.
    pub uid: String,
    #[ts(type = "string | null")]
    pub done_on: Option<NaiveDate>,
}

/// What a person fills in to set an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionInput {
    /// The system's name or id.
    pub system: String,
    pub title: String,
    pub owner: String,
    #[ts(type = "string")]
    pub due: NaiveDate,
}

/// One system of a review: its scorecard (frozen or live), the recommendation, the board's
/// decision, last quarter's decision, and what changed in the workspace since the freeze.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewItem {
    pub scorecard: Scorecard,
    pub recommendation: Option<Recommendation>,
    pub decision: Option<DecisionView>,
    /// The decision on this system in the latest earlier review, with that review's period.
    pub previous: Option<PreviousDecision>,
    /// This quarter's recommendation disagrees with last quarter's decision.
    pub mismatch: bool,
    /// Inputs that differ now from the frozen scorecard ("kpi_attainment", ...); empty for a
    /// draft, which is always live.
    pub changed_since_freeze: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviousDecision {
    pub period: String,
    pub decision: Disposition,
}

/// The board's money by line: the running cost of the systems in scope, and the budgets its
/// decisions commit to retraining and refactoring and to new development, against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BudgetBalance {
    pub lines: Vec<BudgetLineView>,
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BudgetLineView {
    pub line: BudgetLine,
    pub amount: f64,
    /// Share of the total, 0-1; missing when the total is zero.
    pub share: Option<f64>,
    /// The board's target share, 0-1, when it set one.
    pub target: Option<f64>,
}

/// The board's target split of its budget, shares summing to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BudgetTarget {
    pub run: f64,
    pub technical_debt: f64,
    pub new_development: f64,
}

/// A review as every view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewView {
    #[ts(type = "number")]
    pub id: i64,
    pub state: ReviewState,
    pub header: ReviewDraft,
    pub rules_version: String,
    pub snapshot_hash: Option<String>,
    pub frozen_at: Option<String>,
    pub frozen_by: Option<String>,
    pub items: Vec<ReviewItem>,
    /// Actions this review set.
    pub actions: Vec<ReviewAction>,
    /// Open actions of earlier reviews: the first item of the agenda.
    pub carried_over: Vec<ReviewAction>,
    pub budget: BudgetBalance,
}

/// A review in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub period: String,
    pub title: String,
    #[ts(type = "string")]
    pub held_on: NaiveDate,
    pub state: ReviewState,
    pub systems: u32,
    pub decided: u32,
    pub snapshot_hash: Option<String>,
}

/// One line of the decision register: a decision of any review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RegisterEntry {
    #[ts(type = "number")]
    pub review_id: i64,
    pub period: String,
    pub snapshot_hash: Option<String>,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub decision: DecisionView,
}

/// How one system moved between two reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Movement {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub before: Option<Disposition>,
    pub after: Option<Disposition>,
    pub attainment_before: Option<f64>,
    pub attainment_after: Option<f64>,
    pub roi_before: Option<f64>,
    pub roi_after: Option<f64>,
}

/// Two reviews side by side: systems in and out of scope, score movements, changed
/// dispositions (the decision where there is one, else the recommendation), actions opened and
/// closed between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReviewComparison {
    pub from: String,
    pub to: String,
    pub entered: Vec<String>,
    pub left: Vec<String>,
    pub movements: Vec<Movement>,
    pub changed: Vec<Movement>,
    pub actions_opened: Vec<ReviewAction>,
    pub actions_closed: Vec<ReviewAction>,
}

/// What a frozen review keeps: the header, the rules and every scorecard with its
/// recommendation, as one canonical JSON document whose SHA-256 the review records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Snapshot {
    pub(super) header: ReviewDraft,
    pub(super) rules: ReviewRules,
    pub(super) items: Vec<FrozenItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct FrozenItem {
    pub(super) scorecard: Scorecard,
    pub(super) recommendation: Option<Recommendation>,
}

/// What a scorecard needs of one KPI now: its latest status and current breach run.
struct KpiNow<'a> {
    id: i64,
    name: &'a str,
    cadence: Cadence,
    status: Option<Status>,
    consecutive_breaches: u32,
}

/// "2026-Q4" as (year, quarter 1-4).
pub fn parse_quarter(period: &str) -> Option<(i32, u32)> {
    let (y, q) = period.trim().split_once(['-', ' '])?;
    let year: i32 = y.parse().ok().filter(|y| (1900..=9999).contains(y))?;
    let q = q.trim().strip_prefix(['Q', 'q'])?;
    let quarter: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
    Some((year, quarter))
}

/// The three month labels ("2026-10", ...) and the quarter label of a quarter.
fn quarter_periods(year: i32, quarter: u32) -> (Vec<String>, String) {
    let first = (quarter - 1) * 3 + 1;
    (
        (first..first + 3)
            .map(|m| format!("{year}-{m:02}"))
            .collect(),
        format!("{year}-Q{quarter}"),
    )
}

/// Whole months from `from` to `to` (0 when `to` is earlier in the same month or before).
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let m = (to.year() - from.year()) as i64 * 12 + to.month() as i64 - from.month() as i64;
    if to.day() < from.day() {
        (m - 1).max(0)
    } else {
        m.max(0)
    }
}

fn check_draft(d: &ReviewDraft) -> Result<ReviewDraft> {
    let mut fields = Vec::new();
    let period = match parse_quarter(&d.period) {
        Some((y, q)) => format!("{y}-Q{q}"),
        None => {
            fields.push(FieldError::new(
                "period",
                format!(
                    "{:?} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q4",
                    d.period
                ),
            ));
            d.period.clone()
        }
    };
    if d.chair.trim().is_empty() {
        fields.push(FieldError::new("chair", "name who chairs the review"));
    }
    for (i, a) in d.attendees.iter().enumerate() {
        if a.name.trim().is_empty() {
            fields.push(FieldError::new(
                format!("attendees[{i}].name"),
                "must not be empty",
            ));
        }
    }
    if !fields.is_empty() {
        return Err(Error::Validation {
            entity: "review",
            fields,
        });
    }
    let title = if d.title.trim().is_empty() {
        format!("Portfolio review {period}")
    } else {
        d.title.trim().to_string()
    };
    Ok(ReviewDraft {
        period,
        title,
        held_on: d.held_on,
        chair: d.chair.trim().to_string(),
        attendees: d
            .attendees
            .iter()
            .map(|a| Attendee {
                name: a.name.trim().to_string(),
                role: a.role.trim().to_string(),
            })
            .collect(),
        scope: d.scope.clone(),
    })
}

/// The inputs of two scorecards that differ, by field name.
fn changed_fields(frozen: &Scorecard, now: &Scorecard) -> Vec<String> {
    if frozen == now {
        return Vec::new();
    }
    let (a, b) = (
        serde_json::to_value(frozen).unwrap_or_default(),
        serde_json::to_value(now).unwrap_or_default(),
    );
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.sort();
    out
}

fn not_found(key: impl ToString) -> Error {
    Error::NotFound {
        entity: "review",
        key: key.to_string(),
    }
}

impl Workspace {
    /// The review rules in force: the workspace's own, else the shipped ones.
    pub fn review_rules(&self) -> Result<ReviewRules> {
        match self.store.setting(RULES_KEY)? {
            Some(t) => ReviewRules::from_toml(&t, "the workspace's review rules"),
            None => Ok(ReviewRules::default_rules()),
        }
    }

    /// Sets the workspace's review rules from a file's text (checked first), or back to the
    /// shipped rules with `None`. Audited; reviews frozen earlier keep the rules they froze.
    pub fn set_review_rules(&mut self, text: Option<&str>, origin: &str) -> Result<ReviewRules> {
        let rules = match text {
            Some(t) => ReviewRules::from_toml(t, origin)?,
            None => ReviewRules::default_rules(),
        };
        self.set_file_setting(RULES_KEY, ("review_rules", "workspace"), text)?;
        Ok(rules)
    }

    /// The board's target budget split, when it set one.
    pub fn budget_target(&self) -> Result<Option<BudgetTarget>> {
        match self.store.setting(BUDGET_KEY)? {
            Some(t) => serde_json::from_str(&t).map(Some).map_err(|e| {
                Error::Integrity(format!("the budget target cannot be read back: {e}"))
            }),
            None => Ok(None),
        }
    }

    /// Sets the board's target split (shares of 0-1 summing to 1), audited.
    pub fn set_budget_target(&mut self, t: BudgetTarget) -> Result<BudgetTarget> {
        let mut fields = Vec::new();
        for (name, x) in [
            ("run", t.run),
            ("technical_debt", t.technical_debt),
            ("new_development", t.new_development),
        ] {
            if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                fields.push(FieldError::new(
                    name,
                    format!("{x} is not a share between 0 and 1"),
                ));
            }
        }
        let sum = t.run + t.technical_debt + t.new_development;
        if fields.is_empty() && (sum - 1.0).abs() > 1e-6 {
            fields.push(FieldError::new(
                "run",
                format!("the shares add up to {sum}; they must add up to 1 (100%)"),
            ));
        }
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "budget target",
                fields,
            });
        }
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let text = canonical_json(&t);
        self.store.write(|tx| {
            let before = tx.setting(BUDGET_KEY)?;
            tx.set_setting(BUDGET_KEY, Some(&text))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "review_budget_target",
                entity_id: "workspace".into(),
                action: "set",
                before,
                after: Some(text.clone()),
            })
        })?;
        Ok(t)
    }

    /// Opens a draft review of a quarter; audited. A quarter has one review.
    pub fn create_review(&mut self, draft: &ReviewDraft) -> Result<ReviewView> {
        let d = check_draft(draft)?;
        let header = canonical_json(&d);
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let id = self.store.write(|tx| {
            let id = tx.insert_review(&d.period, &header, &now)?;
            audit_review(tx, id, None, "create", &now, &actor)?;
            Ok(id)
        })?;
        self.review(&id.to_string())
    }

    /// Changes a draft's header (title, date, chair, attendees, scope); a frozen review's header
    /// is part of what was frozen and does not change.
    pub fn update_review(&mut self, key: &str, draft: &ReviewDraft) -> Result<ReviewView> {
        let row = self.review_row(key)?;
        if row.state != ReviewState::Draft.key() {
            return Err(Error::Conflict(format!(
                "review {} is {}; only a draft's header changes (its frozen inputs never do)",
                row.period, row.state
            )));
        }
        let mut d = check_draft(draft)?;
        d.period = row.period.clone();
        let header = canonical_json(&d);
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            tx.update_review_header(row.id, &header, &now)?;
            audit_review(tx, row.id, Some(&row), "update", &now, &actor)
        })?;
        self.review(&row.id.to_string())
    }

    /// Every review, oldest quarter first.
    pub fn reviews(&self) -> Result<Vec<ReviewSummary>> {
        let decisions = self.store.review_decisions(None)?;
        self.store
            .reviews()?
            .into_iter()
            .map(|r| {
                let header = header_of(&r)?;
                let systems = match &r.snapshot {
                    Some(s) => snapshot_of(s)?.items.len() as u32,
                    None => self.scope_systems(&header.scope)?.len() as u32,
                };
                Ok(ReviewSummary {
                    id: r.id,
                    period: r.period.clone(),
                    title: header.title.clone(),
                    held_on: header.held_on,
                    state: ReviewState::parse(&r.state).unwrap_or(ReviewState::Draft),
                    systems,
                    decided: decisions.iter().filter(|d| d.review_id == r.id).count() as u32,
                    snapshot_hash: r.snapshot_hash.clone(),
                })
            })
            .collect()
    }

    pub(super) fn review_row(&self, key: &str) -> Result<ReviewRow> {
        let k = key.trim().trim_start_matches('#');
        let rows = self.store.reviews()?;
        let found = match k.parse::<i64>() {
            Ok(id) => rows.into_iter().find(|r| r.id == id),
            Err(_) => {
                let period = parse_quarter(k).map(|(y, q)| format!("{y}-Q{q}"));
                rows.into_iter()
                    .find(|r| Some(&r.period) == period.as_ref())
            }
        };
        found.ok_or_else(|| {
            not_found(format!(
                "{key} (a review is named by its number or its quarter, e.g. 2026-Q4)"
            ))
        })
    }

    fn scope_systems(&self, scope: &ReviewScope) -> Result<Vec<AiSystem>> {
        Ok(self
            .store
            .all_systems()?
            .into_iter()
            .filter(|s| scope.covers(s))
            .collect())
    }

    /// The scorecards of the systems in `scope` for the quarter of `header`, as the workspace
    /// stands now, with the rules' proposal scores filled in. Each kind of record is read once
    /// for the whole portfolio (every KPI and measurement in one pass, each TCO scenario
    /// evaluated once) and looked up by system, so a review of 10,000 systems freezes in seconds.
    pub fn scorecards(&self, header: &ReviewDraft, rules: &ReviewRules) -> Result<Vec<Scorecard>> {
        let (year, quarter) = parse_quarter(&header.period).ok_or_else(|| Error::Validation {
            entity: "review",
            fields: vec![FieldError::new(
                "period",
                "write the quarter as YYYY-Qn, e.g. 2026-Q4",
            )],
        })?;
        let (months, qlabel) = quarter_periods(year, quarter);
        let all_systems = self.store.all_systems()?;
        let names: HashMap<i64, &str> = all_systems
            .iter()
            .map(|s| (s.id, s.draft.name.as_str()))
            .collect();
        let on = header.held_on;

        // KPIs: every KPI and measurement read once, the series sorted by (kpi, period). Per
        // KPI its latest status and current breach run (as `kpi_status` computes them) and the
        // statuses of the quarter's measurements.
        let kpis = self.store.all_kpis()?;
        let series = self.store.series()?;
        let latest = super::kpi::latest_by_kpi(&kpis, &series);
        let kpi_by_id: HashMap<i64, &crate::kpi::Kpi> = kpis.iter().map(|k| (k.id, k)).collect();
        let quarter_index = |cadence: Cadence| -> Vec<i32> {
            match cadence {
                Cadence::Monthly => months
                    .iter()
                    .filter_map(|m| parse_period(m, Cadence::Monthly).ok())
                    .collect(),
                Cadence::Quarterly => parse_period(&qlabel, Cadence::Quarterly)
                    .ok()
                    .into_iter()
                    .collect(),
            }
        };
        let in_quarter: HashMap<Cadence, Vec<i32>> = [Cadence::Monthly, Cadence::Quarterly]
            .into_iter()
            .map(|c| (c, quarter_index(c)))
            .collect();
        // Per KPI: (measurements of the quarter, of them on target). The series is sorted by
        // KPI, so each KPI's run is looked up once.
        let mut quarter_counts: HashMap<i64, (u32, u32)> = HashMap::new();
        for run in series.chunk_by(|a, b| a.0 == b.0) {
            let kpi_id = run[0].0;
            let Some(k) = kpi_by_id.get(&kpi_id) else {
                continue;
            };
            let d = &k.draft;
            let Some(ps) = in_quarter.get(&d.cadence) else {
                continue;
            };
            let (mut n, mut ok) = (0u32, 0u32);
            for &(_, _, value) in run.iter().filter(|m| ps.contains(&m.1)) {
                n += 1;
                ok += u32::from(
                    kpi_rules::status(value, d.direction, d.warning, d.breach) == Status::OnTarget,
                );
            }
            if n > 0 {
                quarter_counts.insert(kpi_id, (n, ok));
            }
        }
        // Per system, its KPIs (with their latest status and current breach run) in the order
        // `kpi_status` lists them (by name).
        let mut by_system: HashMap<i64, Vec<KpiNow>> = HashMap::new();
        for k in &kpis {
            let d = &k.draft;
            let latest = latest.get(&k.id);
            by_system.entry(d.system_id).or_default().push(KpiNow {
                id: k.id,
                name: &d.name,
                cadence: d.cadence,
                status: latest.map(|l| kpi_rules::status(l.1, d.direction, d.warning, d.breach)),
                consecutive_breaches: latest.map_or(0, |l| l.2),
            });
        }
        for list in by_system.values_mut() {
            list.sort_by_cached_key(|k| k.name.to_lowercase());
        }
        // Per system, the business outcomes its KPIs drive through links.
        let mut outcomes_of: HashMap<i64, Vec<String>> = HashMap::new();
        for l in self.store.all_links()? {
            let (Some(from), Some(to)) = (kpi_by_id.get(&l.from_kpi), kpi_by_id.get(&l.to_kpi))
            else {
                continue;
            };
            if to.draft.kind == KpiKind::BusinessOutcome {
                outcomes_of
                    .entry(from.draft.system_id)
                    .or_default()
                    .push(format!(
                        "{} ({})",
                        to.draft.name,
                        names.get(&to.draft.system_id).copied().unwrap_or_default()
                    ));
            }
        }
        let mut escalations_of: HashMap<i64, Vec<crate::kpi::Escalation>> = HashMap::new();
        for e in self.store.escalations()? {
            escalations_of.entry(e.system_id).or_default().push(e);
        }
        let (q_from, q_to) = {
            let first = (quarter - 1) * 3 + 1;
            let from = NaiveDate::from_ymd_opt(year, first, 1).unwrap_or(on);
            let to = NaiveDate::from_ymd_opt(
                if quarter == 4 { year + 1 } else { year },
                if quarter == 4 { 1 } else { first + 3 },
                1,
            )
            .and_then(|d| d.pred_opt())
            .unwrap_or(on);
            (from, to)
        };

        // TCO: per system, the yearly cost of the cheapest option of each tied scenario, shared
        // evenly among the scenario's systems. Each scenario is evaluated once, without the
        // sensitivity analysis the cost needs nothing from.
        let mut cost: HashMap<i64, (f64, Option<f64>, String, String)> = HashMap::new();
        for stored in self.store.all_tco()? {
            if stored.system_ids.is_empty() {
                continue;
            }
            let result = crate::tco::run_without_sensitivity(&stored.scenario)?;
            let Some(best) = result.options.get(result.cheapest as usize) else {
                continue;
            };
            let first_year = best.yearly.first().map(|y| y.total).unwrap_or(0.0);
            let share = first_year / stored.system_ids.len() as f64;
            for id in &stored.system_ids {
                let e = cost.entry(*id).or_insert((
                    0.0,
                    best.cost_per_1k_inferences,
                    stored.scenario.name.clone(),
                    best.name.clone(),
                ));
                e.0 += share;
            }
        }

        // Assessments: the latest complete one per system.
        let mut assessment: HashMap<i64, String> = HashMap::new();
        let mut assessments = self.assessments(None)?;
        assessments.sort_by(|a, b| a.completed_at.cmp(&b.completed_at));
        for a in assessments.iter().filter(|a| a.completed_at.is_some()) {
            assessment.insert(a.system_id, format!("{}: {}", a.template_title, a.outcome));
        }

        // Sign-offs: the latest pre-deployment request's status.
        let mut signoff: HashMap<i64, String> = HashMap::new();
        for r in self.requests(None)? {
            if let (crate::signoff::Gate::PreDeployment, Some(id)) =
                (r.request.gate, r.request.system_id)
            {
                signoff.insert(id, r.status.label().to_lowercase());
            }
        }

        // Calendar: overdue items on the review date (as `calendar` lists them, from the
        // systems and KPIs read above); the last model review done by then.
        let completions = self.store.completions()?;
        let mut overdue: HashMap<i64, u32> = HashMap::new();
        for o in occurrences(
            &self.calendar_events_among(&all_systems, &kpis)?,
            &completions,
            &CalendarQuery {
                to: Some(on),
                overdue_only: true,
                ..CalendarQuery::default()
            },
            self.ctx.clock.today(),
        ) {
            if let (Some(id), EventState::Overdue) = (o.system_id, o.state) {
                *overdue.entry(id).or_default() += 1;
            }
        }
        let ws = self.workspace_id()?;
        let mut last_done: HashMap<String, NaiveDate> = HashMap::new();
        for c in completions {
            if c.done_on <= on {
                let e = last_done.entry(c.uid).or_insert(c.done_on);
                *e = (*e).max(c.done_on);
            }
        }

        let no_kpis = Vec::new();
        let no_escalations = Vec::new();
        let mut cards = Vec::new();
        for s in all_systems.iter().filter(|s| header.scope.covers(s)) {
            let d = &s.draft;
            let mut c = Scorecard::bare(s.id, &d.name, d.stage, d.risk_tier);
            c.business_unit = d.business_unit.clone();
            c.owner = d.owner.clone();
            c.sponsor = d.sponsor.clone();
            c.eu_category = d.eu_ai_act_category;
            let since = d.deployment_date.or_else(|| {
                s.created_at
                    .get(..10)
                    .and_then(|t| t.parse::<NaiveDate>().ok())
            });
            c.age_months = since.map(|f| months_between(f, on));

            let (mut on_target, mut counted) = (0u32, 0u32);
            for k in by_system.get(&s.id).unwrap_or(&no_kpis) {
                if let Some((n, ok)) = quarter_counts.get(&k.id) {
                    counted += n;
                    on_target += ok;
                }
                if k.status == Some(Status::Breach) {
                    c.kpis_in_breach += 1;
                }
                let months_run = k.consecutive_breaches
                    * if k.cadence == Cadence::Quarterly {
                        3
                    } else {
                        1
                    };
                if months_run > c.breach_months {
                    c.breach_months = months_run;
                    c.worst_kpi = Some(k.name.to_string());
                }
            }
            c.measurements = counted;
            c.kpi_attainment = (counted > 0).then(|| f64::from(on_target) / f64::from(counted));
            let mut outcomes = outcomes_of.get(&s.id).cloned().unwrap_or_default();
            outcomes.sort();
            outcomes.dedup();
            c.outcomes = outcomes;
            for e in escalations_of.get(&s.id).unwrap_or(&no_escalations) {
                match e.state {
                    EscalationState::Open | EscalationState::Acknowledged => {
                        c.escalations_open += 1
                    }
                    EscalationState::Resolved => {
                        let resolved = e
                            .resolved_at
                            .as_deref()
                            .and_then(|t| t.get(..10))
                            .and_then(|t| t.parse::<NaiveDate>().ok());
                        if resolved.is_some_and(|r| r >= q_from && r <= q_to) {
                            c.escalations_resolved += 1;
                        }
                    }
                }
            }

            if let Some((run, per_1k, scenario, option)) = cost.get(&s.id) {
                c.run_cost = Some(*run);
                c.cost_per_1000 = *per_1k;
                c.tco_scenario = Some(scenario.clone());
                c.tco_option = Some(option.clone());
            }
            c.annual_value = d.annual_value;
            c.roi = roi(c.annual_value, c.run_cost);

            c.assessment = assessment.get(&s.id).cloned();
            c.signoff = signoff.get(&s.id).cloned();
            c.overdue_items = overdue.get(&s.id).copied().unwrap_or(0);
            c.certs_expiring = d
                .certifications
                .iter()
                .filter(|x| x.expires >= on && x.expires <= on + chrono::Duration::days(90))
                .count() as u32;

            c.months_since_retrain = d.last_retrained.map(|r| months_between(r, on));
            c.months_since_model_review = last_done
                .get(&format!("model-review-{}@{ws}", s.id))
                .map(|done| months_between(*done, on));

            c.data_readiness = d.data_readiness;
            c.strategic_alignment = d.strategic_alignment;
            if c.is_proposal() {
                c.proposal_score = rules.proposal_score(&c);
            }
            cards.push(c);
        }
        cards.sort_by_cached_key(|c| c.system.to_lowercase());
        Ok(cards)
    }

    /// Freezes a draft: the header, the rules in force and every scorecard with its
    /// recommendation become one canonical JSON snapshot, whose SHA-256 the review records.
    /// Later changes in the workspace show as "changed since the freeze" and never alter it.
    pub fn freeze_review(&mut self, key: &str) -> Result<ReviewView> {
        let row = self.review_row(key)?;
        if row.state != ReviewState::Draft.key() {
            return Err(Error::Conflict(format!(
                "review {} is already {} (frozen at {}); a review is frozen once",
                row.period,
                row.state,
                row.frozen_at.as_deref().unwrap_or("?")
            )));
        }
        let header = header_of(&row)?;
        let rules = self.review_rules()?;
        let cards = self.scorecards(&header, &rules)?;
        let items = cards
            .iter()
            .map(|c| FrozenItem {
                recommendation: rules.recommend(c),
                scorecard: c.clone(),
            })
            .collect();
        let snapshot = canonical_json(&Snapshot {
            header,
            rules,
            items,
        });
        let hash = hex::encode(Sha256::digest(snapshot.as_bytes()));
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            tx.freeze_review(row.id, &snapshot, &hash, &now, &actor)?;
            audit_review(tx, row.id, Some(&row), "freeze", &now, &actor)
        })?;
        // Nothing the scorecards read has changed since they were gathered: the view compares
        // the snapshot as stored with them rather than gathering them again.
        self.review_with(self.review_row(&row.id.to_string())?, Some(cards))
    }

    /// A review with every system's scorecard (frozen, or live for a draft), recommendation,
    /// decision, last quarter's decision and what changed since the freeze.
    pub fn review(&self, key: &str) -> Result<ReviewView> {
        self.review_with(self.review_row(key)?, None)
    }

    /// `review` of a stored row, with the live scorecards when the caller has just gathered them.
    fn review_with(&self, row: ReviewRow, live: Option<Vec<Scorecard>>) -> Result<ReviewView> {
        let header = header_of(&row)?;
        let state = ReviewState::parse(&row.state).unwrap_or(ReviewState::Draft);
        let (rules, frozen) = match &row.snapshot {
            Some(s) => {
                let snap = snapshot_of(s)?;
                (snap.rules, Some(snap.items))
            }
            None => (self.review_rules()?, None),
        };
        let live = match live {
            Some(cards) => cards,
            None => self.scorecards(&header, &rules)?,
        };
        let items: Vec<FrozenItem> = match frozen {
            Some(items) => items,
            None => live
                .iter()
                .map(|c| FrozenItem {
                    recommendation: rules.recommend(c),
                    scorecard: c.clone(),
                })
                .collect(),
        };
        let decisions = self.decisions_of(row.id)?;
        let previous = self.previous_decisions(&row.period)?;
        let out_items = items
            .into_iter()
            .map(|f| {
                let id = f.scorecard.system_id;
                let changed = if row.snapshot.is_some() {
                    match live.iter().find(|c| c.system_id == id) {
                        Some(now) => changed_fields(&f.scorecard, now),
                        None => vec!["scope".to_string()],
                    }
                } else {
                    Vec::new()
                };
                let previous = previous.get(&id).cloned();
                let mismatch = match (&previous, &f.recommendation) {
                    (Some(p), Some(r)) => p.decision != r.disposition,
                    _ => false,
                };
                ReviewItem {
                    decision: decisions.get(&id).cloned(),
                    scorecard: f.scorecard,
                    recommendation: f.recommendation,
                    previous,
                    mismatch,
                    changed_since_freeze: changed,
                }
            })
            .collect::<Vec<_>>();
        let all_actions = self.review_actions_all()?;
        let actions = all_actions
            .iter()
            .filter(|a| a.review_id == row.id)
            .cloned()
            .collect();
        let carried_over = all_actions
            .iter()
            .filter(|a| a.period < row.period && a.done_on.is_none())
            .cloned()
            .collect();
        let budget = self.budget_of(&out_items)?;
        Ok(ReviewView {
            id: row.id,
            state,
            header,
            rules_version: rules.version.clone(),
            snapshot_hash: row.snapshot_hash.clone(),
            frozen_at: row.frozen_at.clone(),
            frozen_by: row.frozen_by.clone(),
            items: out_items,
            actions,
            carried_over,
            budget,
        })
    }

    fn decisions_of(&self, review_id: i64) -> Result<HashMap<i64, DecisionView>> {
        self.store
            .review_decisions(Some(review_id))?
            .into_iter()
            .map(|d| Ok((d.system_id, decision_of(&d.doc)?)))
            .collect()
    }

    /// Per system, the decision of the latest review before `period`.
    fn previous_decisions(&self, period: &str) -> Result<HashMap<i64, PreviousDecision>> {
        let periods: HashMap<i64, String> = self
            .store
            .reviews()?
            .into_iter()
            .map(|r| (r.id, r.period))
            .collect();
        let mut out: HashMap<i64, PreviousDecision> = HashMap::new();
        for d in self.store.review_decisions(None)? {
            let Some(p) = periods.get(&d.review_id) else {
                continue;
            };
            if p.as_str() >= period {
                continue;
            }
            let decision = decision_of(&d.doc)?.decision;
            let newer = out.get(&d.system_id).is_none_or(|x| x.period < *p);
            if newer {
                out.insert(
                    d.system_id,
                    PreviousDecision {
                        period: p.clone(),
                        decision,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Every review action, with whether its calendar event was marked done.
    fn review_actions_all(&self) -> Result<Vec<ReviewAction>> {
        let names = self.store.system_names()?;
        self.review_actions_named(&names.iter().map(|(id, n)| (*id, n.as_str())).collect())
    }

    /// `review_actions_all` with the systems' names by id as the caller has them.
    fn review_actions_named(&self, names: &HashMap<i64, &str>) -> Result<Vec<ReviewAction>> {
        let ws = self.workspace_id()?;
        let periods: HashMap<i64, String> = self
            .store
            .reviews()?
            .into_iter()
            .map(|r| (r.id, r.period))
            .collect();
        let completions = self.store.completions()?;
        self.store
            .review_actions(None)?
            .into_iter()
            .map(|a| {
                let uid = format!("review-action-{}@{ws}", a.id);
                let due = a.due.parse::<NaiveDate>().map_err(|e| {
                    Error::Integrity(format!(
                        "review action {} has an unreadable due date: {e}",
                        a.id
                    ))
                })?;
                Ok(ReviewAction {
                    id: a.id,
                    review_id: a.review_id,
                    period: periods.get(&a.review_id).cloned().unwrap_or_default(),
                    system_id: a.system_id,
                    system: names
                        .get(&a.system_id)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    title: a.title,
                    owner: a.owner,
                    due,
                    done_on: completions.iter().find(|c| c.uid == uid).map(|c| c.done_on),
                    uid,
                })
            })
            .collect()
    }

    /// The review actions as calendar actions (each one dated task owned by a person), with the
    /// systems' names by id.
    pub(crate) fn review_calendar_actions(
        &self,
        names: &HashMap<i64, &str>,
    ) -> Result<Vec<crate::calendar::Action>> {
        Ok(self
            .review_actions_named(names)?
            .into_iter()
            .map(|a| crate::calendar::Action {
                key: format!("review-action-{}", a.id),
                due: a.due,
                title: format!("Action of review {}: {}", a.period, a.title),
                source: format!(
                    "{}: action set by the portfolio review {} (owner {})",
                    a.system, a.period, a.owner
                ),
                system: a.system,
                owner: a.owner,
                rule: "review_action".into(),
            })
            .collect())
    }

    fn budget_of(&self, items: &[ReviewItem]) -> Result<BudgetBalance> {
        let target = self.budget_target()?;
        let mut amounts: BTreeMap<BudgetLine, f64> =
            BudgetLine::ALL.iter().map(|l| (*l, 0.0)).collect();
        for i in items {
            let eliminated = i.decision.as_ref().is_some_and(|d| {
                matches!(
                    d.decision,
                    Disposition::Retire | Disposition::Suspend | Disposition::Reject
                )
            });
            if !i.scorecard.is_proposal() && !eliminated {
                *amounts.entry(BudgetLine::Run).or_default() += i.scorecard.run_cost.unwrap_or(0.0);
            }
            if let Some(d) = &i.decision {
                if let Some(b) = d.budget {
                    let line = d.decision.budget_line();
                    if line != BudgetLine::Run {
                        *amounts.entry(line).or_default() += b;
                    }
                }
            }
        }
        let total: f64 = amounts.values().sum();
        let lines = amounts
            .into_iter()
            .map(|(line, amount)| BudgetLineView {
                line,
                amount,
                share: (total > 0.0).then(|| amount / total),
                target: target.as_ref().map(|t| match line {
                    BudgetLine::Run => t.run,
                    BudgetLine::TechnicalDebt => t.technical_debt,
                    BudgetLine::NewDevelopment => t.new_development,
                }),
            })
            .collect();
        Ok(BudgetBalance { lines, total })
    }

    /// Records the board's decision on one system of a frozen review; a rationale is required
    /// when it differs from the recommendation. When every system in scope has a decision the
    /// review is decided. A retire decision starts the system's retirement: its decommissioning
    /// checklist, and a retirement sign-off request where the workspace has a rule for it.
    pub fn decide(&mut self, key: &str, system: &str, input: &DecisionInput) -> Result<ReviewView> {
        let row = self.review_row(key)?;
        match ReviewState::parse(&row.state) {
            Some(ReviewState::Frozen) | Some(ReviewState::Decided) => {}
            Some(ReviewState::Draft) => {
                return Err(Error::Conflict(format!(
                    "review {} is a draft: freeze it first, so the board decides on inputs that no longer move",
                    row.period
                )))
            }
            _ => {
                return Err(Error::Conflict(format!(
                    "review {} is signed; its decisions no longer change",
                    row.period
                )))
            }
        }
        let snap = snapshot_of(row.snapshot.as_deref().unwrap_or_default())?;
        let sys = self.find_system(system)?;
        let Some(item) = snap.items.iter().find(|i| i.scorecard.system_id == sys.id) else {
            return Err(Error::Validation {
                entity: "review decision",
                fields: vec![FieldError::new(
                    "system",
                    format!(
                        "{} is not in the scope of review {}",
                        sys.draft.name, row.period
                    ),
                )],
            });
        };
        let recommendation = item.recommendation.as_ref().map(|r| r.disposition);
        let overrode = recommendation != Some(input.decision);
        let mut fields = Vec::new();
        if overrode && input.rationale.trim().is_empty() {
            fields.push(FieldError::new(
                "rationale",
                format!(
                    "the board decided {} where the rules recommend {}: say why",
                    input.decision.label().to_lowercase(),
                    recommendation.map_or("nothing".to_string(), |r| r.label().to_lowercase())
                ),
            ));
        }
        if input.decision.for_proposals() != item.scorecard.is_proposal()
            && input.decision != Disposition::Suspend
        {
            fields.push(FieldError::new(
                "decision",
                if item.scorecard.is_proposal() {
                    format!("{} is a proposal: fund, defer or reject it", sys.draft.name)
                } else {
                    format!(
                        "{} is in service: fund, defer and reject are for proposals",
                        sys.draft.name
                    )
                },
            ));
        }
        if let Some(b) = input.budget {
            if !(b.is_finite() && b >= 0.0) {
                fields.push(FieldError::new(
                    "budget",
                    format!("{b} is not an amount of 0 or more"),
                ));
            }
        }
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "review decision",
                fields,
            });
        }
        let view = DecisionView {
            decision: input.decision,
            recommendation,
            rule: item.recommendation.as_ref().map(|r| r.rule.clone()),
            overrode,
            rationale: input.rationale.trim().to_string(),
            dissent: input
                .dissent
                .iter()
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            conditions: input.conditions.trim().to_string(),
            budget: input.budget,
            decided_by: self.ctx.actor.clone(),
            decided_at: self.ctx.timestamp(),
        };
        let doc = canonical_json(&view);
        let in_scope: Vec<i64> = snap.items.iter().map(|i| i.scorecard.system_id).collect();
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let before = tx
                .review_decisions(Some(row.id))?
                .into_iter()
                .find(|d| d.system_id == sys.id)
                .map(|d| d.doc);
            tx.upsert_decision(row.id, sys.id, input.decision.key(), &doc, &now)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "review_decision",
                entity_id: format!("{}/{}", row.id, sys.id),
                action: if before.is_some() { "update" } else { "decide" },
                before,
                after: Some(doc.clone()),
            })?;
            let decided: Vec<i64> = tx
                .review_decisions(Some(row.id))?
                .into_iter()
                .map(|d| d.system_id)
                .collect();
            if row.state == ReviewState::Frozen.key()
                && in_scope.iter().all(|id| decided.contains(id))
            {
                let before = tx.review(row.id)?;
                tx.set_review_state(row.id, ReviewState::Decided.key(), &now)?;
                audit_review(tx, row.id, before.as_ref(), "decided", &now, &actor)?;
            }
            Ok(())
        })?;
        if input.decision == Disposition::Retire && sys.draft.stage != Stage::Retired {
            self.start_retirement_path(&sys)?;
        }
        self.review(&row.id.to_string())
    }

    /// A retire decision's first steps: a production system is deprecated (its users get
    /// notice), its decommissioning checklist starts (if not started) and a retirement sign-off
    /// request opens (where a rule asks for one and none is open). Each step is audited.
    fn start_retirement_path(&mut self, sys: &AiSystem) -> Result<()> {
        if sys.draft.stage == Stage::Production {
            self.set_stage(sys.id, Stage::Deprecated)?;
        }
        if self.store.checklist(Some(sys.id))?.is_empty() {
            self.retire_system(sys.id, None)?;
        }
        let gate = crate::signoff::Gate::Retirement;
        let open = self
            .requests(Some(&sys.id.to_string()))?
            .iter()
            .any(|r| r.request.gate == gate && r.status == crate::signoff::Status::Pending);
        if !open
            && self
                .store
                .signoff_rule(gate, sys.draft.risk_tier.key())?
                .is_some()
        {
            self.create_request(&sys.id.to_string(), gate, None, None)?;
        }
        Ok(())
    }

    /// Sets an action on a system of a review; it lands on the calendar, owned by `owner`.
    pub fn add_review_action(&mut self, key: &str, input: &ActionInput) -> Result<ReviewAction> {
        let row = self.review_row(key)?;
        if row.state == ReviewState::Signed.key() {
            return Err(Error::Conflict(format!(
                "review {} is signed; set the action in the next review",
                row.period
            )));
        }
        let sys = self.find_system(&input.system)?;
        let mut fields = Vec::new();
        if input.title.trim().is_empty() {
            fields.push(FieldError::new("title", "say what is to be done"));
        }
        if input.owner.trim().is_empty() {
            fields.push(FieldError::new(
                "owner",
                "name the person who owns the action",
            ));
        }
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "review action",
                fields,
            });
        }
        let a = ReviewActionRow {
            id: 0,
            review_id: row.id,
            system_id: sys.id,
            title: input.title.trim().to_string(),
            owner: input.owner.trim().to_string(),
            due: input.due.to_string(),
            created_at: self.ctx.timestamp(),
            created_by: self.ctx.actor.clone(),
        };
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        let id = self.store.write(|tx| {
            let id = tx.insert_review_action(&a)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "review_action",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(review_action_doc(&a, &row.period, &sys.draft.name)),
            })?;
            Ok(id)
        })?;
        self.review_actions_all()?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or_else(|| not_found(format!("action {id}")))
    }

    /// Every decision of every review, newest quarter first: the decision register.
    pub fn decision_register(&self) -> Result<Vec<RegisterEntry>> {
        let reviews: HashMap<i64, ReviewRow> = self
            .store
            .reviews()?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let names: HashMap<i64, String> = self
            .store
            .all_systems()?
            .into_iter()
            .map(|s| (s.id, s.draft.name))
            .collect();
        let mut out = self
            .store
            .review_decisions(None)?
            .into_iter()
            .filter_map(|d| {
                let r = reviews.get(&d.review_id)?;
                Some((d, r))
            })
            .map(|(d, r)| {
                Ok(RegisterEntry {
                    review_id: r.id,
                    period: r.period.clone(),
                    snapshot_hash: r.snapshot_hash.clone(),
                    system_id: d.system_id,
                    system: names.get(&d.system_id).cloned().unwrap_or_default(),
                    decision: decision_of(&d.doc)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| b.period.cmp(&a.period).then(a.system.cmp(&b.system)));
        Ok(out)
    }

    /// Two reviews side by side (`from` the earlier).
    pub fn compare_reviews(&self, from: &str, to: &str) -> Result<ReviewComparison> {
        let (a, b) = (self.review(from)?, self.review(to)?);
        let disposition = |i: &ReviewItem| {
            i.decision
                .as_ref()
                .map(|d| d.decision)
                .or(i.recommendation.as_ref().map(|r| r.disposition))
        };
        let ids_a: Vec<i64> = a.items.iter().map(|i| i.scorecard.system_id).collect();
        let ids_b: Vec<i64> = b.items.iter().map(|i| i.scorecard.system_id).collect();
        let entered = b
            .items
            .iter()
            .filter(|i| !ids_a.contains(&i.scorecard.system_id))
            .map(|i| i.scorecard.system.clone())
            .collect();
        let left = a
            .items
            .iter()
            .filter(|i| !ids_b.contains(&i.scorecard.system_id))
            .map(|i| i.scorecard.system.clone())
            .collect();
        let movements: Vec<Movement> = b
            .items
            .iter()
            .filter_map(|ib| {
                let ia = a
                    .items
                    .iter()
                    .find(|x| x.scorecard.system_id == ib.scorecard.system_id)?;
                Some(Movement {
                    system_id: ib.scorecard.system_id,
                    system: ib.scorecard.system.clone(),
                    before: disposition(ia),
                    after: disposition(ib),
                    attainment_before: ia.scorecard.kpi_attainment,
                    attainment_after: ib.scorecard.kpi_attainment,
                    roi_before: ia.scorecard.roi,
                    roi_after: ib.scorecard.roi,
                })
            })
            .collect();
        let changed = movements
            .iter()
            .filter(|m| m.before != m.after)
            .cloned()
            .collect();
        let actions = self.review_actions_all()?;
        let (from_day, to_day) = (a.header.held_on, b.header.held_on);
        let actions_opened = actions
            .iter()
            .filter(|x| {
                x.review_id == b.id || (x.period > a.header.period && x.period < b.header.period)
            })
            .cloned()
            .collect();
        let actions_closed = actions
            .iter()
            .filter(|x| x.done_on.is_some_and(|d| d > from_day && d <= to_day))
            .cloned()
            .collect();
        Ok(ReviewComparison {
            from: a.header.period,
            to: b.header.period,
            entered,
            left,
            movements,
            changed,
            actions_opened,
            actions_closed,
        })
    }
}

/// The audited form of a review: its period, state, header and, once frozen, the snapshot's
/// hash and who froze it when. Every change of a review logs this whole, before and after.
pub(super) fn review_doc(r: &ReviewRow) -> String {
    let header: serde_json::Value = serde_json::from_str(&r.header)
        .unwrap_or_else(|_| serde_json::Value::String(r.header.clone()));
    canonical_json(&serde_json::json!({
        "period": r.period,
        "state": r.state,
        "header": header,
        "snapshot_sha256": r.snapshot_hash,
        "frozen_at": r.frozen_at,
        "frozen_by": r.frozen_by,
    }))
}

/// Appends the entry of a change to review `id` (made already in `tx`): the review as it was
/// (`before`) and as it now is.
pub(super) fn audit_review(
    tx: &mut Tx<'_>,
    id: i64,
    before: Option<&ReviewRow>,
    action: &str,
    now: &str,
    actor: &str,
) -> Result<()> {
    let after = tx.review(id)?.ok_or_else(|| {
        Error::Integrity(format!("review #{id} cannot be read back after its change"))
    })?;
    tx.append_audit(Change {
        at: now.to_string(),
        actor,
        entity: "review",
        entity_id: id.to_string(),
        action,
        before: before.map(review_doc),
        after: Some(review_doc(&after)),
    })?;
    Ok(())
}

/// The audited form of a review's action: the review's period and the system's name (which
/// follows the system, so `audit verify` does not compare it), the title, owner and due date.
pub(super) fn review_action_doc(a: &ReviewActionRow, period: &str, system: &str) -> String {
    canonical_json(&serde_json::json!({
        "review": period,
        "system": system,
        "title": a.title,
        "owner": a.owner,
        "due": a.due,
    }))
}

pub(super) fn header_of(r: &ReviewRow) -> Result<ReviewDraft> {
    serde_json::from_str(&r.header)
        .map_err(|e| Error::Integrity(format!("review {} cannot be read back: {e}", r.period)))
}

pub(super) fn snapshot_of(text: &str) -> Result<Snapshot> {
    serde_json::from_str(text).map_err(|e| {
        Error::Integrity(format!(
            "a review's frozen snapshot cannot be read back: {e}"
        ))
    })
}

pub(super) fn decision_of(text: &str) -> Result<DecisionView> {
    serde_json::from_str(text)
        .map_err(|e| Error::Integrity(format!("a review decision cannot be read back: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_read_in_the_forms_people_write() {
        assert_eq!(parse_quarter("2026-Q4"), Some((2026, 4)));
        assert_eq!(parse_quarter("2026 q1"), Some((2026, 1)));
        assert_eq!(parse_quarter("2026-Q5"), None);
        assert_eq!(parse_quarter("26-Q1"), None);
        assert_eq!(parse_quarter("2026-04"), None);
        assert_eq!(
            quarter_periods(2026, 4),
            (
                vec!["2026-10".into(), "2026-11".into(), "2026-12".into()],
                "2026-Q4".into()
            )
        );
    }

    #[test]
    fn months_between_counts_whole_months() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(months_between(d(2026, 1, 15), d(2026, 4, 15)), 3);
        assert_eq!(months_between(d(2026, 1, 15), d(2026, 4, 14)), 2);
        assert_eq!(months_between(d(2026, 5, 1), d(2026, 4, 1)), 0);
    }
}
