//! The board pack of a quarterly portfolio review, built from the API's `ReviewView` (and, when
//! there is an earlier frozen review, its `ReviewComparison` with it); time, person and
//! workspace are passed in. Two models over the same view: the pack the board reads and signs
//! (`review_pack`: attestation, dispositions, value against cost, KPI breaches, actions,
//! movement since last quarter, budget balance and the ISO/IEC 42001 clause 9.3 checklist) and
//! its workbook (`review_workbook`: every scorecard input, the rules that fired, the decisions,
//! the actions and the movements, one sheet each). Neither decides anything the API did not.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Block, Cell, Chart, ChartKind, ChartPoint, Column, ColumnKind, KeyValue, Orientation, Report,
    Section, Table,
};
use crate::api::review::{ReviewAction, ReviewComparison, ReviewItem, ReviewView};
use crate::api::signoff::RequestView;
use crate::register::{RiskTier, Stage};
use crate::review::{Disposition, Scorecard};

/// Section headings, named by the checklist as where each input is covered.
const ATTESTATION: &str = "Attestation";
const DISPOSITIONS: &str = "Dispositions";
const VALUE_COST: &str = "Value against cost";
const BREACHES: &str = "KPI breaches";
const ACTIONS: &str = "Actions";
const MOVEMENT: &str = "Movement since last quarter";
const BUDGET: &str = "Budget balance";
const CHECKLIST: &str = "ISO/IEC 42001 clause 9.3 inputs";

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Text, or an empty cell when there is none: missing is never shown as something.
fn opt_text(s: Option<&str>) -> Cell {
    match s {
        Some(s) if !s.trim().is_empty() => text(s),
        _ => Cell::Empty,
    }
}

fn opt_num(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

fn opt_int(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Integer)
}

fn count(n: u32) -> Cell {
    Cell::Integer(i64::from(n))
}

fn amount_col(header: &str) -> Column {
    Column::new(header, ColumnKind::Number { decimals: 0 })
}

fn pct_col(header: &str) -> Column {
    Column::new(header, ColumnKind::Percent { decimals: 0 })
}

fn text_col(header: &str) -> Column {
    Column::new(header, ColumnKind::Text)
}

fn int_col(header: &str) -> Column {
    Column::new(header, ColumnKind::Integer)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text a person typed, ending with a full stop when it has no closing punctuation.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?', ')', '"']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// In service: neither a proposal nor retired (the rules' `in_service`).
fn in_service(i: &ReviewItem) -> bool {
    card_in_service(&i.scorecard)
}

fn card_in_service(c: &Scorecard) -> bool {
    !matches!(c.stage, Stage::Proposed | Stage::Retired)
}

/// The board's decision where there is one, else the recommendation.
fn disposition(i: &ReviewItem) -> Option<Disposition> {
    i.decision
        .as_ref()
        .map(|d| d.decision)
        .or(i.recommendation.as_ref().map(|r| r.disposition))
}

fn action_status(a: &ReviewAction, today: NaiveDate) -> String {
    match a.done_on {
        Some(d) => format!("done {d}"),
        None if a.due < today => "overdue".into(),
        None => "open".into(),
    }
}

/// The key facts of the review: what the attestation states and the workbook's summary repeats.
fn attestation(v: &ReviewView) -> Vec<KeyValue> {
    let h = &v.header;
    let attendees: Vec<String> = h
        .attendees
        .iter()
        .map(|a| {
            if a.role.is_empty() {
                a.name.clone()
            } else {
                format!("{} ({})", a.name, a.role)
            }
        })
        .collect();
    let proposals = v.items.iter().filter(|i| i.scorecard.is_proposal()).count();
    let decided = v.items.iter().filter(|i| i.decision.is_some()).count();
    let mut scope = Vec::new();
    if !h.scope.stages.is_empty() {
        let stages: Vec<&str> = h.scope.stages.iter().map(|s| s.label()).collect();
        scope.push(format!("stages {}", stages.join(", ")));
    }
    if !h.scope.business_units.is_empty() {
        scope.push(format!(
            "business units {}",
            h.scope.business_units.join(", ")
        ));
    }
    if !h.scope.tags.is_empty() {
        scope.push(format!("tags {}", h.scope.tags.join(", ")));
    }
    vec![
        KeyValue::new("Review", format!("{} ({})", h.title, h.period)),
        KeyValue::new("Period", &h.period),
        KeyValue::new("Meeting date", h.held_on.to_string()),
        KeyValue::new("Chair", &h.chair),
        KeyValue::new(
            "Attendees",
            if attendees.is_empty() {
                "(none recorded)".to_string()
            } else {
                attendees.join("; ")
            },
        ),
        KeyValue::new("State", v.state.label()),
        KeyValue::new(
            "Scope",
            if scope.is_empty() {
                "every stage but retired".to_string()
            } else {
                scope.join("; ")
            },
        ),
        KeyValue::new(
            "Systems",
            format!(
                "{} in scope ({} in service or in build, {}); {decided} decided",
                v.items.len(),
                v.items.len() - proposals,
                plural(proposals, "proposal", "proposals")
            ),
        ),
        KeyValue::new(
            "Snapshot SHA-256",
            v.snapshot_hash.as_deref().unwrap_or("(not frozen)"),
        ),
        KeyValue::new("Rules version", &v.rules_version),
        KeyValue::new(
            "Frozen",
            format!(
                "{} by {}",
                v.frozen_at
                    .as_deref()
                    .map_or("(not frozen)".into(), super::reader_time),
                v.frozen_by.as_deref().unwrap_or("(nobody)")
            ),
        ),
    ]
}

fn attestation_text(v: &ReviewView) -> String {
    format!(
        "The figures in this pack are those frozen at {} by {}: the review's header, the \
         recommendation rules (version {}) and every system's scorecard and recommendation, kept \
         as one canonical JSON document whose SHA-256 is {}. Changes made in the workspace since \
         the freeze do not alter them; where an input differs now, the dispositions name it \
         under \"Changed since freeze\". Decisions and actions are as the board recorded them.",
        v.frozen_at
            .as_deref()
            .map_or("(not frozen)".into(), super::reader_time),
        v.frozen_by.as_deref().unwrap_or("(nobody)"),
        v.rules_version,
        v.snapshot_hash.as_deref().unwrap_or("(none)"),
    )
}

/// The board's signing of the outcome: the request's status and uid, the hash of the outcome it
/// binds (snapshot hash, decisions, attendees, actions) and every signature imported.
fn board_signoff(signoff: Option<&RequestView>) -> Vec<Block> {
    let Some(r) = signoff else {
        return vec![Block::Paragraph {
            text: "The outcome has not been put to the board for signing yet.".into(),
        }];
    };
    let d = &r.request;
    let roles: Vec<String> = r
        .tally
        .roles
        .iter()
        .map(|t| {
            format!(
                "{}: {} of {} required",
                t.role.label(),
                t.approved,
                t.required
            )
        })
        .collect();
    let t = super::signoff::signature_table("Board signatures", r);
    vec![
        Block::KeyValues {
            items: vec![
                KeyValue::new("Board sign-off", r.status.label()),
                KeyValue::new("Request", format!("{} ({})", r.id, d.uid)),
                KeyValue::new("Outcome SHA-256", &d.snapshot_hash),
                KeyValue::new(
                    "Rule",
                    format!(
                        "{} at risk tier {}: {}; quorum {} of {}",
                        d.gate.label(),
                        d.risk_tier.label().to_lowercase(),
                        roles.join(", "),
                        r.tally.approvals,
                        d.rule.quorum
                    ),
                ),
                KeyValue::new("Board", &d.board),
            ],
        },
        Block::Table(t),
    ]
}

/// The systems in service on the value-against-cost chart, and those left out by what they
/// miss. One selection for the board pack's chart and the portfolio home's.
pub(crate) struct ValueCostSplit<'a> {
    /// In service with both a run cost and a value.
    pub plotted: Vec<&'a Scorecard>,
    pub missing_cost: Vec<&'a Scorecard>,
    pub missing_value: Vec<&'a Scorecard>,
    pub missing_both: Vec<&'a Scorecard>,
}

/// Splits `cards` (proposals and retired systems are not in service and are left out).
pub(crate) fn value_cost_split<'a>(
    cards: impl IntoIterator<Item = &'a Scorecard>,
) -> ValueCostSplit<'a> {
    let mut out = ValueCostSplit {
        plotted: Vec::new(),
        missing_cost: Vec::new(),
        missing_value: Vec::new(),
        missing_both: Vec::new(),
    };
    for c in cards.into_iter().filter(|c| card_in_service(c)) {
        match (c.run_cost.is_some(), c.annual_value.is_some()) {
            (true, true) => out.plotted.push(c),
            (false, true) => out.missing_cost.push(c),
            (true, false) => out.missing_value.push(c),
            (false, false) => out.missing_both.push(c),
        }
    }
    out
}

/// Value against cost: one point per system in service with a run cost and a value, coloured
/// by risk tier and sized by run cost; the systems left out, by what they miss.
fn value_cost(v: &ReviewView) -> (Option<Chart>, Vec<String>) {
    let split = value_cost_split(v.items.iter().map(|i| &i.scorecard));
    let points: Vec<ChartPoint> = split
        .plotted
        .iter()
        .filter_map(|c| {
            Some(ChartPoint {
                label: c.system.clone(),
                group: c.risk_tier.label().to_string(),
                x: c.run_cost?,
                y: c.annual_value?,
                size: c.run_cost?.max(0.0),
            })
        })
        .collect();
    let mut notes = Vec::new();
    for (what, cards) in [
        ("run cost", &split.missing_cost),
        ("value", &split.missing_value),
        ("run cost and value", &split.missing_both),
    ] {
        if !cards.is_empty() {
            let names: Vec<&str> = cards.iter().map(|c| c.system.as_str()).collect();
            notes.push(format!(
                "Not plotted: missing {what}: {}.",
                names.join(", ")
            ));
        }
    }
    if points.is_empty() {
        return (None, notes);
    }
    // Every tier, present or not, so a tier has the same colour in every pack.
    let groups: Vec<String> = RiskTier::ALL
        .iter()
        .map(|t| t.label().to_string())
        .collect();
    let chart = Chart {
        title: "Value against running cost (colour: risk tier; size: running cost)".into(),
        kind: ChartKind::Bubble,
        stacked: false,
        categories: groups,
        series: Vec::new(),
        category_label: "Running cost per year".into(),
        value_label: "Value per year".into(),
        value_kind: ColumnKind::Number { decimals: 0 },
        points,
    };
    (Some(chart), notes)
}

fn value_cost_section(v: &ReviewView) -> Section {
    let mut s = Section::new(VALUE_COST);
    let (chart, notes) = value_cost(v);
    let n = v.items.iter().filter(|i| in_service(i)).count();
    match chart {
        Some(c) => {
            s.blocks.push(Block::Paragraph {
                text: format!(
                    "{} of the {} in service plotted: running cost per year (from the TCO \
                     scenario tied to each) across, value per year (from the register) up.",
                    c.points.len(),
                    plural(n, "system", "systems")
                ),
            });
            s.blocks.push(Block::Chart(c));
        }
        None if n == 0 => s.blocks.push(Block::Paragraph {
            text: "No system in service is in the scope of this review.".into(),
        }),
        None => s.blocks.push(Block::Paragraph {
            text: "No system in service has both a running cost and a value: nothing to plot."
                .into(),
        }),
    }
    for note in notes {
        s.blocks.push(Block::Paragraph { text: note });
    }
    s
}

fn dispositions_section(v: &ReviewView) -> Section {
    let mut t = Table::new(
        "Dispositions",
        vec![
            text_col("System"),
            text_col("Stage"),
            text_col("Risk tier"),
            text_col("Sponsor"),
            text_col("Recommendation"),
            text_col("Rule"),
            text_col("Decision"),
            text_col("Override"),
            amount_col("Budget"),
            text_col("Changed since freeze"),
        ],
    );
    let mut notes = Vec::new();
    for i in &v.items {
        let c = &i.scorecard;
        let r = i.recommendation.as_ref();
        let d = i.decision.as_ref();
        t.rows.push(vec![
            text(&c.system),
            text(c.stage.label()),
            text(c.risk_tier.label()),
            opt_text(Some(c.sponsor.as_str())),
            r.map_or(text("(no rule applies)"), |r| text(r.disposition.label())),
            opt_text(r.map(|r| r.rule.as_str())),
            d.map_or(text("(not decided)"), |d| text(d.decision.label())),
            text(if d.is_some_and(|d| d.overrode) {
                "yes"
            } else {
                ""
            }),
            opt_num(d.and_then(|d| d.budget)),
            text(changed_labels(&i.changed_since_freeze)),
        ]);
        if let Some(d) = d {
            let mut parts = vec![if d.overrode {
                format!(
                    "{}, overriding the recommendation {}{}.",
                    d.decision.label(),
                    d.recommendation
                        .map_or("(none)".to_string(), |x| x.label().to_lowercase()),
                    d.rule
                        .as_ref()
                        .map_or(String::new(), |r| format!(" (rule {r})"))
                )
            } else {
                format!("{}, as recommended.", d.decision.label())
            }];
            if !d.rationale.is_empty() {
                parts.push(format!("Rationale: {}", sentence(&d.rationale)));
            }
            if !d.dissent.is_empty() {
                parts.push(format!("Dissent: {}.", d.dissent.join(", ")));
            }
            if !d.conditions.is_empty() {
                parts.push(format!("Conditions: {}", sentence(&d.conditions)));
            }
            parts.push(format!(
                "Recorded by {} at {}.",
                d.decided_by,
                super::reader_time(&d.decided_at)
            ));
            notes.push(KeyValue::new(&c.system, parts.join(" ")));
        }
    }
    let mut s = Section::new(DISPOSITIONS);
    s.orientation = Some(Orientation::Landscape);
    let decided = v.items.iter().filter(|i| i.decision.is_some()).count();
    let overrides = v
        .items
        .iter()
        .filter(|i| i.decision.as_ref().is_some_and(|d| d.overrode))
        .count();
    s.blocks.push(Block::Paragraph {
        text: format!(
            "Per system: the rules' recommendation and the rule that fired (from the frozen \
             snapshot), the board's decision, whether it overrides the recommendation, and the \
             inputs that differ now from the frozen scorecard. {decided} of {} decided, {}.",
            v.items.len(),
            plural(overrides, "override", "overrides")
        ),
    });
    s.blocks.push(Block::Table(t));
    if !notes.is_empty() {
        s.blocks.push(Block::Paragraph {
            text: "The decisions in full: rationale, dissent and conditions.".into(),
        });
        s.blocks.push(Block::KeyValues { items: notes });
    }
    s
}

fn breaches_section(v: &ReviewView) -> Section {
    let mut s = Section::new(BREACHES);
    let (measured, on_target) = v
        .items
        .iter()
        .filter_map(|i| {
            let c = &i.scorecard;
            c.kpi_attainment
                .map(|a| (c.measurements, a * f64::from(c.measurements)))
        })
        .fold((0u32, 0f64), |(n, k), (m, o)| (n + m, k + o));
    let mut breached: Vec<&ReviewItem> = v
        .items
        .iter()
        .filter(|i| i.scorecard.kpis_in_breach > 0)
        .collect();
    breached.sort_by(|a, b| {
        b.scorecard
            .breach_months
            .cmp(&a.scorecard.breach_months)
            .then_with(|| a.scorecard.system.cmp(&b.scorecard.system))
    });
    let sum = |f: fn(&ReviewItem) -> u32| v.items.iter().map(f).sum::<u32>();
    let open = sum(|i| i.scorecard.escalations_open);
    let resolved = sum(|i| i.scorecard.escalations_resolved);
    let overdue = sum(|i| i.scorecard.overdue_items);
    s.blocks.push(Block::Paragraph {
        text: format!(
            "{} of the quarter's KPI measurements on target{}. {} with a KPI in breach; {} open \
             and {} resolved during the quarter; {} past due on the day of the meeting.",
            if measured == 0 {
                "None".to_string()
            } else {
                format!(
                    "{:.0}% ({} of {measured})",
                    on_target / f64::from(measured) * 100.0,
                    on_target.round()
                )
            },
            if measured == 0 {
                " (no measurement in the quarter)"
            } else {
                ""
            },
            plural(breached.len(), "system", "systems"),
            plural(open as usize, "escalation", "escalations"),
            resolved,
            plural(overdue as usize, "calendar item", "calendar items"),
        ),
    });
    let mut t = Table::new(
        "Systems with KPIs in breach",
        vec![
            text_col("System"),
            text_col("Risk tier"),
            int_col("KPIs in breach"),
            text_col("Worst KPI"),
            int_col("Breach run (months)"),
            int_col("Open escalations"),
            pct_col("Attainment"),
        ],
    );
    t.rows = breached
        .iter()
        .map(|i| {
            let c = &i.scorecard;
            vec![
                text(&c.system),
                text(c.risk_tier.label()),
                count(c.kpis_in_breach),
                opt_text(c.worst_kpi.as_deref()),
                count(c.breach_months),
                count(c.escalations_open),
                opt_num(c.kpi_attainment),
            ]
        })
        .collect();
    s.blocks.push(Block::Table(t));
    let mut e = Table::new(
        "Escalations and overdue items",
        vec![
            text_col("System"),
            int_col("Open escalations"),
            int_col("Resolved in the quarter"),
            int_col("Overdue calendar items"),
            int_col("Certifications expiring"),
        ],
    );
    e.rows = v
        .items
        .iter()
        .map(|i| &i.scorecard)
        .filter(|c| {
            c.escalations_open + c.escalations_resolved + c.overdue_items + c.certs_expiring > 0
        })
        .map(|c| {
            vec![
                text(&c.system),
                count(c.escalations_open),
                count(c.escalations_resolved),
                count(c.overdue_items),
                count(c.certs_expiring),
            ]
        })
        .collect();
    s.blocks.push(Block::Table(e));
    s
}

fn actions_table(name: &str, actions: &[ReviewAction], today: NaiveDate, set_in: bool) -> Table {
    let mut cols = Vec::new();
    if set_in {
        cols.push(text_col("Set in"));
    }
    cols.extend([
        text_col("System"),
        text_col("Action"),
        text_col("Owner"),
        Column::new("Due", ColumnKind::Date),
        text_col("Status"),
    ]);
    let mut t = Table::new(name, cols);
    t.rows = actions
        .iter()
        .map(|a| {
            let mut row = Vec::new();
            if set_in {
                row.push(text(&a.period));
            }
            row.extend([
                text(&a.system),
                text(&a.title),
                text(&a.owner),
                Cell::Date(a.due),
                text(action_status(a, today)),
            ]);
            row
        })
        .collect();
    t
}

fn actions_section(v: &ReviewView, today: NaiveDate) -> Section {
    let mut s = Section::new(ACTIONS);
    let late = v
        .carried_over
        .iter()
        .filter(|a| a.due < v.header.held_on)
        .count();
    s.blocks.push(Block::Paragraph {
        text: format!(
            "Carried over: {} of earlier reviews still open on {} ({} past due then), the first \
             item of the agenda. Set by this review: {}. Status as of {today}.",
            plural(v.carried_over.len(), "action", "actions"),
            v.header.held_on,
            late,
            plural(v.actions.len(), "action", "actions"),
        ),
    });
    s.blocks.push(Block::Table(actions_table(
        "Actions carried over",
        &v.carried_over,
        today,
        true,
    )));
    s.blocks.push(Block::Table(actions_table(
        "Actions set by this review",
        &v.actions,
        today,
        false,
    )));
    s
}

fn label(d: Option<Disposition>) -> Cell {
    d.map_or(Cell::Empty, |d| text(d.label()))
}

fn movement_section(v: &ReviewView, c: Option<&ReviewComparison>) -> Section {
    let mut s = Section::new(MOVEMENT);
    let Some(c) = c else {
        s.blocks.push(Block::Paragraph {
            text: format!(
                "No frozen review before {}: this is the first, and there is nothing to compare.",
                v.header.period
            ),
        });
        return s;
    };
    s.blocks.push(Block::Paragraph {
        text: format!(
            "Compared with the review of {}: a system's disposition is the board's decision where \
             there is one, else the recommendation.",
            c.from
        ),
    });
    s.blocks.push(Block::KeyValues {
        items: vec![
            KeyValue::new("Entered scope", list_or_none(&c.entered)),
            KeyValue::new("Left scope", list_or_none(&c.left)),
            KeyValue::new(
                "Changed dispositions",
                format!("{} of {} in both", c.changed.len(), c.movements.len()),
            ),
            KeyValue::new(
                "Actions",
                format!(
                    "{} opened and {} closed since {}",
                    c.actions_opened.len(),
                    c.actions_closed.len(),
                    c.from
                ),
            ),
        ],
    });
    let mut t = Table::new(
        "Changed dispositions",
        vec![
            text_col("System"),
            text_col(&c.from),
            text_col(&c.to),
            pct_col("Attainment before"),
            pct_col("Attainment now"),
            pct_col("ROI before"),
            pct_col("ROI now"),
        ],
    );
    t.rows = c
        .changed
        .iter()
        .map(|m| {
            vec![
                text(&m.system),
                label(m.before),
                label(m.after),
                opt_num(m.attainment_before),
                opt_num(m.attainment_after),
                opt_num(m.roi_before),
                opt_num(m.roi_after),
            ]
        })
        .collect();
    s.blocks.push(Block::Table(t));
    s
}

fn budget_section(v: &ReviewView) -> Section {
    let mut s = Section::new(BUDGET);
    s.blocks.push(Block::Paragraph {
        text: "The running cost of the systems in scope (those decided retire, suspend or reject \
               left out) and the budgets the decisions commit, against the board's target split."
            .into(),
    });
    let mut t = Table::new(
        "Budget balance",
        vec![
            text_col("Line"),
            amount_col("Amount"),
            Column::new("Share", ColumnKind::Percent { decimals: 1 }),
            Column::new("Target", ColumnKind::Percent { decimals: 1 }),
        ],
    );
    t.rows = v
        .budget
        .lines
        .iter()
        .map(|l| {
            vec![
                text(l.line.label()),
                Cell::Number(l.amount),
                opt_num(l.share),
                opt_num(l.target),
            ]
        })
        .collect();
    t.totals = Some(vec![
        text("Total"),
        Cell::Number(v.budget.total),
        Cell::Empty,
        Cell::Empty,
    ]);
    s.blocks.push(Block::Table(t));
    s
}

fn checklist_section(v: &ReviewView, c: Option<&ReviewComparison>, today: NaiveDate) -> Section {
    let n = v.items.len();
    let late = v
        .carried_over
        .iter()
        .filter(|a| a.due < v.header.held_on)
        .count();
    let changed = v
        .items
        .iter()
        .filter(|i| !i.changed_since_freeze.is_empty())
        .count();
    let sponsors = v
        .items
        .iter()
        .filter(|i| !i.scorecard.sponsor.trim().is_empty())
        .count();
    let breached = v
        .items
        .iter()
        .filter(|i| i.scorecard.kpis_in_breach > 0)
        .count();
    let sum = |f: fn(&ReviewItem) -> u32| v.items.iter().map(f).sum::<u32>();
    let tally = |ds: &[Disposition]| -> String {
        ds.iter()
            .map(|d| {
                let k = v
                    .items
                    .iter()
                    .filter(|i| disposition(i) == Some(*d))
                    .count();
                format!("{} {k}", d.label().to_lowercase())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let movement = match c {
        Some(c) => format!(
            "; since {}: {} entered and {} left scope, {} changed disposition",
            c.from,
            c.entered.len(),
            c.left.len(),
            c.changed.len()
        ),
        None => "; no earlier frozen review to compare with".into(),
    };
    let closed = c.map_or(String::new(), |c| {
        format!(
            "; {} closed since {}",
            plural(c.actions_closed.len(), "action", "actions"),
            c.from
        )
    });
    let rows: [(&str, String, String); 5] = [
        (
            "(a) Status of actions from previous management reviews",
            format!(
                "{} of earlier reviews still open ({late} past due at the meeting){closed}; status as of {today}",
                plural(v.carried_over.len(), "action", "actions")
            ),
            format!("{ACTIONS}: Actions carried over; {MOVEMENT}"),
        ),
        (
            "(b) Changes in external and internal issues relevant to the AI management system",
            format!(
                "{changed} of {} with inputs changed since the freeze{movement}",
                plural(n, "system", "systems")
            ),
            format!("{DISPOSITIONS}: Changed since freeze; {MOVEMENT}"),
        ),
        (
            "(c) Changes in the needs and expectations of interested parties relevant to the AI \
             management system",
            format!(
                "{} with their roles; a sponsor named for {sponsors} of {n} systems",
                plural(v.header.attendees.len(), "attendee", "attendees")
            ),
            format!("{ATTESTATION}: Attendees; {DISPOSITIONS}: Sponsor"),
        ),
        (
            "(d) Information on the performance of the AI management system, incl. trends in \
             nonconformities and corrective actions, monitoring and measurement results, and \
             audit results",
            format!(
                "KPI attainment per system; {} with KPIs in breach; {} open and {} resolved \
                 escalations; {} overdue calendar items; assessments and sign-offs per system in \
                 the workbook",
                plural(breached, "system", "systems"),
                sum(|i| i.scorecard.escalations_open),
                sum(|i| i.scorecard.escalations_resolved),
                sum(|i| i.scorecard.overdue_items),
            ),
            format!(
                "{BREACHES}; {VALUE_COST}; workbook sheet Scorecards (assessment, sign-off)"
            ),
        ),
        (
            "(e) Opportunities for continual improvement",
            format!(
                "{}; {} (decided, else recommended)",
                tally(&[Disposition::Invest, Disposition::Scale, Disposition::Fund]),
                tally(&[Disposition::Retrain, Disposition::Refactor])
            ),
            format!("{DISPOSITIONS}; {BUDGET}"),
        ),
    ];
    let mut t = Table::new(
        "Management review inputs",
        vec![
            text_col("Input (ISO/IEC 42001:2023, 9.3.2)"),
            text_col("What this pack shows"),
            text_col("Where"),
        ],
    );
    t.rows = rows
        .into_iter()
        .map(|(a, b, c)| vec![text(a), text(b), text(c)])
        .collect();
    let mut s = Section::new(CHECKLIST);
    s.blocks.push(Block::Paragraph {
        text: "The inputs a management review of an AI management system considers, and where \
               this pack covers each."
            .into(),
    });
    s.blocks.push(Block::Table(t));
    s
}

fn base(v: &ReviewView, title: String, workspace: &str, at: DateTime<Utc>, by: &str) -> Report {
    Report {
        title,
        subtitle: format!(
            "Quarterly portfolio review {}, held {}: {}",
            v.header.period,
            v.header.held_on,
            v.state.label().to_lowercase()
        ),
        workspace: workspace.to_string(),
        generated_at: at,
        generated_by: by.to_string(),
        organisation: String::new(),
        orientation: Orientation::Portrait,
        metadata: vec![
            KeyValue::new("Workspace", workspace),
            KeyValue::new("Generated", at.format("%Y-%m-%d %H:%M UTC").to_string()),
            KeyValue::new(
                "Snapshot SHA-256",
                v.snapshot_hash.as_deref().unwrap_or("(not frozen)"),
            ),
        ],
        sections: Vec::new(),
        signature: None,
    }
}

/// The board pack: what the board reads and the chair signs. `previous` compares this review
/// with the latest earlier frozen one, when there is one.
pub fn review_pack(
    v: &ReviewView,
    previous: Option<&ReviewComparison>,
    signoff: Option<&RequestView>,
    workspace: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Report {
    let today = at.date_naive();
    let mut r = base(
        v,
        format!("Board pack: {}", v.header.title),
        workspace,
        at,
        by,
    );
    let mut a = Section::new(ATTESTATION);
    a.blocks.push(Block::KeyValues {
        items: attestation(v),
    });
    a.blocks.push(Block::Paragraph {
        text: attestation_text(v),
    });
    a.blocks.extend(board_signoff(signoff));
    r.sections = vec![
        a,
        dispositions_section(v),
        value_cost_section(v),
        breaches_section(v),
        actions_section(v, today),
        movement_section(v, previous),
        budget_section(v),
        checklist_section(v, previous, today),
    ];
    r
}

/// The review's workbook: a summary (the attestation's facts and the value against cost chart
/// with its data), then Scorecards (every input, missing as empty cells), Rules fired (every
/// input that made each recommendation), Decisions, Actions and Changes (movements since the
/// latest earlier frozen review).
pub fn review_workbook(
    v: &ReviewView,
    previous: Option<&ReviewComparison>,
    signoff: Option<&RequestView>,
    workspace: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Report {
    let today = at.date_naive();
    let mut r = base(
        v,
        format!("Review workbook: {}", v.header.title),
        workspace,
        at,
        by,
    );
    // The workspace and the time, then the attestation's facts (the snapshot's hash among them).
    r.metadata.truncate(2);
    r.metadata.extend(attestation(v));
    let mut summary = Section::new(ATTESTATION);
    summary.blocks.push(Block::Paragraph {
        text: attestation_text(v),
    });
    summary.blocks.extend(board_signoff(signoff));
    let mut chart = Section::new(VALUE_COST);
    let (c, notes) = value_cost(v);
    chart.blocks.extend(c.map(Block::Chart));
    chart
        .blocks
        .extend(notes.into_iter().map(|text| Block::Paragraph { text }));
    let mut data = Section::new("Data");
    data.blocks = vec![
        Block::Table(scorecards_table(v)),
        Block::Table(rules_table(v)),
        Block::Table(decisions_table(v)),
        Block::Table(all_actions_table(v, today)),
        Block::Table(changes_table(previous)),
    ];
    r.sections = vec![summary, chart, data];
    r
}

fn scorecards_table(v: &ReviewView) -> Table {
    let money_col = amount_col;
    let mut t = Table::new(
        "Scorecards",
        vec![
            int_col("System id"),
            text_col("System"),
            text_col("Business unit"),
            text_col("Owner"),
            text_col("Sponsor"),
            text_col("Stage"),
            text_col("Risk tier"),
            text_col("EU AI Act category"),
            int_col("Age (months)"),
            pct_col("KPI attainment"),
            int_col("Measurements"),
            int_col("KPIs in breach"),
            int_col("Breach run (months)"),
            text_col("Worst KPI"),
            text_col("Outcomes"),
            int_col("Open escalations"),
            int_col("Escalations resolved"),
            money_col("Running cost per year"),
            Column::new(
                "Cost per 1,000 inferences",
                ColumnKind::Number { decimals: 4 },
            ),
            text_col("TCO scenario"),
            text_col("TCO option"),
            money_col("Value per year"),
            pct_col("ROI"),
            text_col("Assessment"),
            text_col("Sign-off"),
            int_col("Overdue items"),
            int_col("Certifications expiring"),
            int_col("Months since retrain"),
            int_col("Months since model review"),
            int_col("Data readiness"),
            int_col("Strategic alignment"),
            Column::new("Proposal score", ColumnKind::Number { decimals: 2 }),
            text_col("Recommendation"),
            text_col("Rule"),
            text_col("Changed since freeze"),
        ],
    );
    t.rows = v
        .items
        .iter()
        .map(|i| {
            let c = &i.scorecard;
            let outcomes = c.outcomes.join("; ");
            let changed = changed_labels(&i.changed_since_freeze);
            vec![
                Cell::Integer(c.system_id),
                text(&c.system),
                opt_text(Some(c.business_unit.as_str())),
                opt_text(Some(c.owner.as_str())),
                opt_text(Some(c.sponsor.as_str())),
                text(c.stage.label()),
                text(c.risk_tier.label()),
                opt_text(c.eu_category.map(|e| e.label())),
                opt_int(c.age_months),
                opt_num(c.kpi_attainment),
                count(c.measurements),
                count(c.kpis_in_breach),
                count(c.breach_months),
                opt_text(c.worst_kpi.as_deref()),
                opt_text(Some(outcomes.as_str())),
                count(c.escalations_open),
                count(c.escalations_resolved),
                opt_num(c.run_cost),
                opt_num(c.cost_per_1000),
                opt_text(c.tco_scenario.as_deref()),
                opt_text(c.tco_option.as_deref()),
                opt_num(c.annual_value),
                opt_num(c.roi),
                opt_text(c.assessment.as_deref()),
                opt_text(c.signoff.as_deref()),
                count(c.overdue_items),
                count(c.certs_expiring),
                opt_int(c.months_since_retrain),
                opt_int(c.months_since_model_review),
                opt_int(c.data_readiness.map(i64::from)),
                opt_int(c.strategic_alignment.map(i64::from)),
                opt_num(c.proposal_score),
                label(i.recommendation.as_ref().map(|r| r.disposition)),
                opt_text(i.recommendation.as_ref().map(|r| r.rule.as_str())),
                opt_text(Some(changed.as_str())),
            ]
        })
        .collect();
    t
}

fn rules_table(v: &ReviewView) -> Table {
    let mut t = Table::new(
        "Rules fired",
        vec![
            text_col("System"),
            text_col("Disposition"),
            text_col("Rule"),
            text_col("Reason"),
            text_col("Input"),
            text_col("Value"),
            text_col("Because"),
        ],
    );
    for i in &v.items {
        let system = &i.scorecard.system;
        let Some(r) = &i.recommendation else {
            t.rows.push(vec![
                text(system),
                Cell::Empty,
                text("(no rule applies)"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
            continue;
        };
        let head = |t: &mut Table, b: Option<&crate::review::Because>| {
            t.rows.push(vec![
                text(system),
                text(r.disposition.label()),
                text(&r.rule),
                text(&r.reason),
                opt_text(b.map(|b| b.input.key())),
                opt_text(b.map(|b| b.value.as_str())),
                opt_text(b.map(|b| b.text.as_str())),
            ])
        };
        if r.because.is_empty() {
            head(&mut t, None);
        }
        for b in &r.because {
            head(&mut t, Some(b));
        }
    }
    t
}

fn decisions_table(v: &ReviewView) -> Table {
    let mut t = Table::new(
        "Decisions",
        vec![
            text_col("System"),
            text_col("Recommendation"),
            text_col("Rule"),
            text_col("Decision"),
            text_col("Override"),
            text_col("Rationale"),
            text_col("Dissent"),
            text_col("Conditions"),
            amount_col("Budget"),
            text_col("Decided by"),
            text_col("Decided at"),
            text_col("Last quarter"),
        ],
    );
    t.rows = v
        .items
        .iter()
        .map(|i| {
            let d = i.decision.as_ref();
            let r = i.recommendation.as_ref();
            vec![
                text(&i.scorecard.system),
                label(r.map(|r| r.disposition)),
                opt_text(r.map(|r| r.rule.as_str())),
                label(d.map(|d| d.decision)),
                d.map_or(Cell::Empty, |d| text(if d.overrode { "yes" } else { "no" })),
                opt_text(d.map(|d| d.rationale.as_str())),
                opt_text(d.map(|d| d.dissent.join(", ")).as_deref()),
                opt_text(d.map(|d| d.conditions.as_str())),
                opt_num(d.and_then(|d| d.budget)),
                opt_text(d.map(|d| d.decided_by.as_str())),
                opt_text(d.map(|d| d.decided_at.as_str())),
                i.previous.as_ref().map_or(Cell::Empty, |p| {
                    text(format!("{} ({})", p.decision.label(), p.period))
                }),
            ]
        })
        .collect();
    t
}

fn all_actions_table(v: &ReviewView, today: NaiveDate) -> Table {
    let mut t = Table::new(
        "Actions",
        vec![
            int_col("Id"),
            text_col("Set in"),
            text_col("System"),
            text_col("Action"),
            text_col("Owner"),
            Column::new("Due", ColumnKind::Date),
            Column::new("Done on", ColumnKind::Date),
            text_col("Status"),
            text_col("Carried over"),
        ],
    );
    let rows = v
        .carried_over
        .iter()
        .map(|a| (a, true))
        .chain(v.actions.iter().map(|a| (a, false)));
    t.rows = rows
        .map(|(a, carried)| {
            vec![
                Cell::Integer(a.id),
                text(&a.period),
                text(&a.system),
                text(&a.title),
                text(&a.owner),
                Cell::Date(a.due),
                a.done_on.map_or(Cell::Empty, Cell::Date),
                text(action_status(a, today)),
                text(if carried { "yes" } else { "no" }),
            ]
        })
        .collect();
    t
}

fn changes_table(c: Option<&ReviewComparison>) -> Table {
    let mut t = Table::new(
        "Changes",
        vec![
            text_col("System"),
            text_col("Movement"),
            text_col("From review"),
            text_col("Disposition before"),
            text_col("Disposition now"),
            pct_col("Attainment before"),
            pct_col("Attainment now"),
            pct_col("ROI before"),
            pct_col("ROI now"),
        ],
    );
    let Some(c) = c else {
        return t;
    };
    for m in &c.movements {
        t.rows.push(vec![
            text(&m.system),
            text(if m.before != m.after {
                "changed"
            } else {
                "unchanged"
            }),
            text(&c.from),
            label(m.before),
            label(m.after),
            opt_num(m.attainment_before),
            opt_num(m.attainment_after),
            opt_num(m.roi_before),
            opt_num(m.roi_after),
        ]);
    }
    for (names, what) in [(&c.entered, "entered scope"), (&c.left, "left scope")] {
        for n in names {
            let mut row = vec![text(n), text(what), text(&c.from)];
            row.extend(std::iter::repeat_n(Cell::Empty, 6));
            t.rows.push(row);
        }
    }
    t
}

/// The fields changed since the freeze as the board reads them.
fn changed_labels(keys: &[String]) -> String {
    keys.iter()
        .map(|k| crate::review::scorecard_label(k))
        .collect::<Vec<_>>()
        .join(", ")
}
