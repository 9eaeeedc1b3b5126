//! KPI linkage operations: KPIs, links, measurements (entered and imported), status, escalations
//! and the views of the UI. Rules live in `crate::kpi`, row checks in `crate::import::measurements`;
//! this module orchestrates and writes each change with its audit entry in one transaction.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Workspace;
use crate::audit::canonical_json;
use crate::export::{self, kpi_workbook, ExportFormat, SeriesChart, Sheet};
use crate::import::measurements::{self, Existing, MeasurementPlan, PlannedMeasurement};
use crate::import::table::{
    open_xlsx_stream, read_table, split_header, Streamed, Table, XlsxStream,
};
use crate::kpi::rules::Thresholds;
use crate::kpi::{
    self, check_thresholds, derive_escalations, find_cycle, parse_period, period_end, period_label,
    status, streak, Cadence, Direction, Escalation, EscalationRule, EscalationState, Kpi, KpiDraft,
    KpiKind, KpiLink, Measurement, Point, Status,
};
use crate::report::{Chart, ChartKind, ColumnKind, Series};
use crate::store::{Change, MeasurementRow, Tx};
use crate::{Error, FieldError, Result};

/// A measurement a person enters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasurementInput {
    #[ts(type = "number")]
    pub kpi_id: i64,
    /// "2025-03" for a monthly KPI, "2025-Q1" for a quarterly one.
    pub period: String,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// A measurement as typed into a form: the value is checked by core, so "1,5", "82%" or an empty
/// field get the same message an import gives, naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasurementEntry {
    #[ts(type = "number")]
    pub kpi_id: i64,
    pub period: String,
    pub value: String,
    pub source: String,
    pub note: String,
}

/// What recording a measurement did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RecordedMeasurement {
    pub measurement: Measurement,
    pub status: Status,
    /// The value the period held before, when this replaced one.
    pub previous: Option<Measurement>,
    /// The KPI's escalations after the rules ran.
    pub escalations: Vec<Escalation>,
}

/// For every KPI: its latest measurement, status and consecutive breaches.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KpiStatus {
    #[ts(type = "number")]
    pub kpi_id: i64,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub kpi: String,
    pub kind: KpiKind,
    pub unit: String,
    pub direction: Direction,
    pub cadence: Cadence,
    pub target: f64,
    pub warning: f64,
    pub breach: f64,
    pub latest_period: Option<String>,
    pub latest_value: Option<f64>,
    pub status: Option<Status>,
    pub consecutive_breaches: u32,
    pub measurements: u32,
}

/// One measurement with its status, for views.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeasurementView {
    pub period: String,
    pub value: f64,
    pub status: Status,
    pub source: String,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A link as views show it, with both ends named.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LinkView {
    pub link: KpiLink,
    pub from_system: String,
    pub from_kpi: String,
    pub from_unit: String,
    pub to_system: String,
    pub to_kpi: String,
    pub to_unit: String,
}

/// One KPI in the linkage view: status, series and the trend chart as SVG.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KpiCard {
    pub status: KpiStatus,
    pub measurements: Vec<MeasurementView>,
    pub chart_svg: String,
}

/// A system's model metrics, the business outcomes they drive, and the links between them
/// (including links to and from other systems' KPIs).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Linkage {
    #[ts(type = "number")]
    pub system_id: i64,
    pub system: String,
    pub kpis: Vec<KpiCard>,
    pub links: Vec<LinkView>,
    pub escalations: Vec<Escalation>,
    pub rule: EscalationRule,
}

/// Across the portfolio: every KPI in breach or warning (breaches first, then by streak) and every
/// open or acknowledged escalation, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Portfolio {
    pub attention: Vec<KpiStatus>,
    pub escalations: Vec<Escalation>,
    pub kpis: u32,
    pub on_target: u32,
}

/// What the rules changed in the escalations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RecomputeSummary {
    pub kpis: u32,
    pub measurements: u32,
    pub opened: u32,
    pub changed: u32,
    pub withdrawn: u32,
}

fn not_found(entity: &'static str, key: impl ToString) -> Error {
    Error::NotFound {
        entity,
        key: key.to_string(),
    }
}

fn thresholds(k: &Kpi) -> Thresholds {
    Thresholds {
        direction: k.draft.direction,
        warning: k.draft.warning,
        breach: k.draft.breach,
    }
}

fn status_of(k: &Kpi, value: f64) -> Status {
    status(value, k.draft.direction, k.draft.warning, k.draft.breach)
}

fn rule_for(rules: &HashMap<i64, EscalationRule>, system_id: i64) -> EscalationRule {
    rules
        .get(&system_id)
        .or_else(|| rules.get(&0))
        .copied()
        .unwrap_or_default()
}

/// Brings the stored escalations of `kpis` in line with what their series call for: opens new
/// ones, updates level, breaches and due date of existing ones, and withdraws open ones no
/// series supports any more (a corrected value). Acknowledged and resolved ones stay as a person
/// left them. `series` must be sorted by (kpi, period).
fn reconcile(
    tx: &mut Tx<'_>,
    kpis: &[Kpi],
    series: &[(i64, i32, f64)],
    existing: Vec<Escalation>,
    now: &str,
    actor: &str,
) -> Result<RecomputeSummary> {
    let rules = tx.escalation_rules()?;
    let mut by_kpi: HashMap<i64, Vec<Escalation>> = HashMap::new();
    for e in existing {
        by_kpi.entry(e.kpi_id).or_default().push(e);
    }
    let mut summary = RecomputeSummary {
        kpis: kpis.len() as u32,
        measurements: series.len() as u32,
        ..Default::default()
    };
    let mut at = 0usize;
    let mut points: Vec<Point> = Vec::new();
    let mut sorted: Vec<&Kpi> = kpis.iter().collect();
    sorted.sort_by_key(|k| k.id);
    for k in sorted {
        while at < series.len() && series[at].0 < k.id {
            at += 1;
        }
        points.clear();
        while at < series.len() && series[at].0 == k.id {
            points.push(Point {
                period: series[at].1,
                value: series[at].2,
            });
            at += 1;
        }
        let derived =
            derive_escalations(&points, thresholds(k), &rule_for(&rules, k.draft.system_id));
        let mut stored = by_kpi.remove(&k.id).unwrap_or_default();
        if derived.is_empty() && stored.is_empty() {
            continue;
        }
        let rule = rule_for(&rules, k.draft.system_id);
        let cadence = k.draft.cadence;
        for d in derived {
            let run_start = period_label(d.run_start, cadence);
            let due =
                period_end(d.level_period, cadence) + chrono::Days::new(u64::from(rule.due_days));
            let fresh = Escalation {
                id: 0,
                kpi_id: k.id,
                system_id: k.draft.system_id,
                system: String::new(),
                kpi: k.draft.name.clone(),
                level: d.level,
                level_name: kpi::level_name(d.level).to_string(),
                run_start: run_start.clone(),
                opened_period: period_label(d.opened_period, cadence),
                level_period: period_label(d.level_period, cadence),
                breaches: d.breaches,
                due_date: due.format("%Y-%m-%d").to_string(),
                state: EscalationState::Open,
                opened_at: now.to_string(),
                acknowledged_by: None,
                acknowledged_at: None,
                acknowledged_note: None,
                resolved_by: None,
                resolved_at: None,
                resolved_note: None,
            };
            match stored.iter().position(|e| e.run_start == run_start) {
                None => {
                    let id = tx.insert_escalation(&fresh)?;
                    let saved = tx
                        .escalation(id)?
                        .ok_or_else(|| not_found("escalation", id))?;
                    audit_escalation(tx, now, actor, "open", None, &saved)?;
                    summary.opened += 1;
                }
                Some(i) => {
                    let before = stored.swap_remove(i);
                    let after = Escalation {
                        opened_period: fresh.opened_period,
                        level: fresh.level,
                        level_name: fresh.level_name,
                        level_period: fresh.level_period,
                        breaches: fresh.breaches,
                        due_date: fresh.due_date,
                        ..before.clone()
                    };
                    if after != before {
                        tx.update_escalation(&after)?;
                        let action = if after.level > before.level {
                            "escalate"
                        } else {
                            "update"
                        };
                        audit_escalation(tx, now, actor, action, Some(&before), &after)?;
                        summary.changed += 1;
                    }
                }
            }
        }
        for gone in stored {
            if gone.state == EscalationState::Open {
                tx.delete_escalation(gone.id)?;
                tx.append_audit(Change {
                    at: now.to_string(),
                    actor,
                    entity: "escalation",
                    entity_id: gone.id.to_string(),
                    action: "withdraw",
                    before: Some(canonical_json(&gone)),
                    after: None,
                })?;
                summary.withdrawn += 1;
            }
        }
    }
    Ok(summary)
}

fn audit_escalation(
    tx: &mut Tx<'_>,
    now: &str,
    actor: &str,
    action: &str,
    before: Option<&Escalation>,
    after: &Escalation,
) -> Result<()> {
    tx.append_audit(Change {
        at: now.to_string(),
        actor,
        entity: "escalation",
        entity_id: after.id.to_string(),
        action,
        before: before.map(canonical_json),
        after: Some(canonical_json(after)),
    })?;
    Ok(())
}

/// The rules over every KPI of the workspace, in one pass over measurements sorted by (kpi, period).
fn recompute_all(tx: &mut Tx<'_>, now: &str, actor: &str) -> Result<RecomputeSummary> {
    let kpis = tx.all_kpis()?;
    let series = tx.series()?;
    let existing = tx.escalations(None)?;
    reconcile(tx, &kpis, &series, existing, now, actor)
}

fn recompute_one(tx: &mut Tx<'_>, k: &Kpi, now: &str, actor: &str) -> Result<RecomputeSummary> {
    let series: Vec<(i64, i32, f64)> = tx
        .series_of(k.id)?
        .into_iter()
        .map(|(p, v)| (k.id, p, v))
        .collect();
    let existing = tx.escalations(Some(k.id))?;
    reconcile(tx, std::slice::from_ref(k), &series, existing, now, actor)
}

/// Per KPI: (latest period, latest value, streak, count) from a series sorted by (kpi, period).
pub(super) fn latest_by_kpi(
    kpis: &[Kpi],
    series: &[(i64, i32, f64)],
) -> HashMap<i64, (i32, f64, u32, u32)> {
    let by_id: HashMap<i64, &Kpi> = kpis.iter().map(|k| (k.id, k)).collect();
    let mut out = HashMap::with_capacity(kpis.len());
    let mut points = Vec::new();
    let mut i = 0;
    while i < series.len() {
        let id = series[i].0;
        points.clear();
        while i < series.len() && series[i].0 == id {
            points.push(Point {
                period: series[i].1,
                value: series[i].2,
            });
            i += 1;
        }
        let (Some(k), Some(last)) = (by_id.get(&id), points.last()) else {
            continue;
        };
        out.insert(
            id,
            (
                last.period,
                last.value,
                streak(&points, thresholds(k)),
                points.len() as u32,
            ),
        );
    }
    out
}

pub(super) fn kpi_status_row(
    k: &Kpi,
    system: &str,
    latest: Option<&(i32, f64, u32, u32)>,
) -> KpiStatus {
    KpiStatus {
        kpi_id: k.id,
        system_id: k.draft.system_id,
        system: system.to_string(),
        kpi: k.draft.name.clone(),
        kind: k.draft.kind,
        unit: k.draft.unit.clone(),
        direction: k.draft.direction,
        cadence: k.draft.cadence,
        target: k.draft.target,
        warning: k.draft.warning,
        breach: k.draft.breach,
        latest_period: latest.map(|l| period_label(l.0, k.draft.cadence)),
        latest_value: latest.map(|l| l.1),
        status: latest.map(|l| status_of(k, l.1)),
        consecutive_breaches: latest.map_or(0, |l| l.2),
        measurements: latest.map_or(0, |l| l.3),
    }
}

/// The trend chart of a KPI: its values with target, warning and breach as flat lines.
pub fn trend_chart(k: &Kpi, system: &str, ms: &[Measurement]) -> Chart {
    let n = ms.len();
    let flat = |name: &str, v: f64| Series {
        name: name.to_string(),
        values: vec![Some(v); n],
    };
    Chart {
        title: format!("{system}: {}", k.draft.name),
        kind: ChartKind::Line,
        stacked: false,
        categories: ms.iter().map(|m| m.period.clone()).collect(),
        series: vec![
            Series {
                name: k.draft.name.clone(),
                values: ms.iter().map(|m| Some(m.value)).collect(),
            },
            flat("Target", k.draft.target),
            flat("Warning", k.draft.warning),
            flat("Breach", k.draft.breach),
        ],
        category_label: match k.draft.cadence {
            Cadence::Monthly => "Month".into(),
            Cadence::Quarterly => "Quarter".into(),
        },
        value_label: k.draft.unit.clone(),
        value_kind: ColumnKind::Number { decimals: 2 },
    }
}

/// Sorts escalations oldest first: by the end of the period that opened them, then by id.
fn oldest_first(list: &mut [Escalation], kpis: &HashMap<i64, Cadence>) {
    list.sort_by_key(|e| {
        let cadence = kpis.get(&e.kpi_id).copied().unwrap_or(Cadence::Monthly);
        let end = parse_period(&e.opened_period, cadence)
            .map(|p| period_end(p, cadence))
            .unwrap_or(chrono::NaiveDate::MAX);
        (end, e.id)
    });
}

impl Workspace {
    /// Adds a KPI to a system. Thresholds must be ordered for the direction.
    pub fn add_kpi(&mut self, mut d: KpiDraft) -> Result<Kpi> {
        d.name = d.name.trim().to_string();
        d.unit = d.unit.trim().to_string();
        let mut fields = Vec::new();
        if d.name.is_empty() {
            fields.push(FieldError::new(
                "name",
                "is required, e.g. \"AUC\" or \"Retention rate\"",
            ));
        }
        if d.unit.is_empty() {
            fields.push(FieldError::new(
                "unit",
                "is required, e.g. \"AUC\", \"%\", \"EUR\" or \"ms\"",
            ));
        }
        if self.store.system(d.system_id)?.is_none() {
            fields.push(FieldError::new(
                "system_id",
                format!("no AI system with id {}", d.system_id),
            ));
        }
        fields.extend(check_thresholds(d.direction, d.target, d.warning, d.breach));
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "kpi",
                fields,
            });
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let id = tx.insert_kpi(&d, &now)?;
            let saved = Kpi {
                id,
                draft: d.clone(),
                created_at: now.clone(),
            };
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "kpi",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(canonical_json(&saved)),
            })?;
            Ok(saved)
        })
    }

    /// Every KPI, by id.
    pub fn kpis(&self) -> Result<Vec<Kpi>> {
        self.store.all_kpis()
    }

    pub fn kpi(&self, id: i64) -> Result<Kpi> {
        self.store.kpi(id)?.ok_or_else(|| not_found("kpi", id))
    }

    /// Finds a KPI by its system (name or id) and its name (ignoring case) or id.
    pub fn find_kpi(&self, system: &str, kpi: &str) -> Result<Kpi> {
        let s = self.find_system(system)?;
        let key = kpi.trim();
        let all = self.store.all_kpis()?;
        all.iter()
            .find(|k| k.draft.system_id == s.id && k.draft.name.eq_ignore_ascii_case(key))
            .or_else(|| {
                let id = key.trim_start_matches('#').parse::<i64>().ok()?;
                all.iter().find(|k| k.draft.system_id == s.id && k.id == id)
            })
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = all
                    .iter()
                    .filter(|k| k.draft.system_id == s.id)
                    .map(|k| k.draft.name.as_str())
                    .collect();
                Error::NotFound {
                    entity: "kpi",
                    key: if names.is_empty() {
                        format!("{kpi} ({} has no KPIs yet)", s.draft.name)
                    } else {
                        format!("{kpi} ({}'s KPIs are: {})", s.draft.name, names.join(", "))
                    },
                }
            })
    }

    /// Links `from` (a driver) to `to` (a business outcome) with the expected effect per unit.
    /// Links may cross systems; a link that would close a cycle is refused.
    pub fn link_kpis(
        &mut self,
        from: i64,
        to: i64,
        effect_per_unit: f64,
        note: &str,
    ) -> Result<KpiLink> {
        let a = self.kpi(from)?;
        let b = self.kpi(to)?;
        let mut fields = Vec::new();
        if b.draft.kind != KpiKind::BusinessOutcome {
            fields.push(FieldError::new(
                "to",
                format!(
                    "a link drives a business outcome; {} is a {}",
                    b.draft.name,
                    b.draft.kind.label().to_lowercase()
                ),
            ));
        }
        if !effect_per_unit.is_finite() {
            fields.push(FieldError::new(
                "effect_per_unit",
                "must be a number, e.g. 0.3",
            ));
        }
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "link",
                fields,
            });
        }
        let names: HashMap<i64, String> = self
            .store
            .all_kpis()?
            .into_iter()
            .map(|k| (k.id, k.draft.name))
            .collect();
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let note = note.trim().to_string();
        self.store.write(|tx| {
            let pairs: Vec<(i64, i64)> = tx.all_links()?.iter().map(|l| (l.from_kpi, l.to_kpi)).collect();
            if let Some(cycle) = find_cycle(&pairs, a.id, b.id) {
                let path: Vec<String> = cycle
                    .iter()
                    .map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}")))
                    .collect();
                return Err(Error::Conflict(format!(
                    "linking {} -> {} would close a cycle ({}); a KPI cannot drive itself, directly or through others",
                    a.draft.name, b.draft.name, path.join(" -> ")
                )));
            }
            let id = tx.insert_link(a.id, b.id, effect_per_unit, &note, &now)?;
            let link = KpiLink { id, from_kpi: a.id, to_kpi: b.id, effect_per_unit, note: note.clone(), created_at: now.clone() };
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "kpi_link",
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(canonical_json(&link)),
            })?;
            Ok(link)
        })
    }

    /// Every link, with both ends named.
    pub fn kpi_links(&self) -> Result<Vec<LinkView>> {
        let kpis: HashMap<i64, Kpi> = self
            .store
            .all_kpis()?
            .into_iter()
            .map(|k| (k.id, k))
            .collect();
        let systems: HashMap<i64, String> = self
            .store
            .all_systems()?
            .into_iter()
            .map(|s| (s.id, s.draft.name))
            .collect();
        let view = |l: KpiLink| -> Option<LinkView> {
            let a = kpis.get(&l.from_kpi)?;
            let b = kpis.get(&l.to_kpi)?;
            Some(LinkView {
                from_system: systems.get(&a.draft.system_id).cloned().unwrap_or_default(),
                from_kpi: a.draft.name.clone(),
                from_unit: a.draft.unit.clone(),
                to_system: systems.get(&b.draft.system_id).cloned().unwrap_or_default(),
                to_kpi: b.draft.name.clone(),
                to_unit: b.draft.unit.clone(),
                link: l,
            })
        };
        Ok(self
            .store
            .all_links()?
            .into_iter()
            .filter_map(view)
            .collect())
    }

    /// Records (or corrects) one measurement with its own audit entry, then runs the escalation
    /// rules over the KPI's whole series.
    pub fn record_measurement(&mut self, input: MeasurementInput) -> Result<RecordedMeasurement> {
        let value = if input.value.is_finite() {
            Ok(input.value)
        } else {
            Err(measurements::NOT_A_NUMBER.to_string())
        };
        self.record(input, value)
    }

    /// Records a measurement typed into a form (see [`MeasurementEntry`]).
    pub fn enter_measurement(&mut self, e: MeasurementEntry) -> Result<RecordedMeasurement> {
        let value = measurements::parse_value(&e.value);
        let input = MeasurementInput {
            kpi_id: e.kpi_id,
            period: e.period,
            value: *value.as_ref().unwrap_or(&f64::NAN),
            source: e.source,
            note: e.note,
        };
        self.record(input, value)
    }

    fn record(
        &mut self,
        input: MeasurementInput,
        value: std::result::Result<f64, String>,
    ) -> Result<RecordedMeasurement> {
        let k = self.kpi(input.kpi_id).map_err(|_| Error::Validation {
            entity: "measurement",
            fields: vec![FieldError::new(
                "kpi_id",
                format!("no KPI with id {}", input.kpi_id),
            )],
        })?;
        let mut fields = Vec::new();
        let period = parse_period(&input.period, k.draft.cadence)
            .map_err(|m| fields.push(FieldError::new("period", m)))
            .ok();
        if let Err(m) = value {
            fields.push(FieldError::new("value", m));
        }
        let (Some(period), true) = (period, fields.is_empty()) else {
            return Err(Error::Validation {
                entity: "measurement",
                fields,
            });
        };
        let label = period_label(period, k.draft.cadence);
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let source = input.source.trim().to_string();
        let note = input.note.trim().to_string();
        self.store.write(|tx| {
            let previous = tx.measurement(k.id, period)?;
            let measurement = Measurement {
                kpi_id: k.id,
                period: label.clone(),
                value: input.value,
                source: source.clone(),
                note: note.clone(),
                recorded_at: now.clone(),
                recorded_by: actor.clone(),
            };
            let same = previous.as_ref().is_some_and(|p| {
                p.value == measurement.value
                    && p.source == measurement.source
                    && p.note == measurement.note
            });
            if !same {
                tx.upsert_measurements(
                    [MeasurementRow {
                        kpi_id: k.id,
                        period_index: period,
                        period: &label,
                        value: input.value,
                        source: &source,
                        note: &note,
                    }],
                    &now,
                    &actor,
                )?;
                tx.append_audit(Change {
                    at: now.clone(),
                    actor: &actor,
                    entity: "measurement",
                    entity_id: format!("{}:{label}", k.id),
                    action: if previous.is_some() {
                        "update"
                    } else {
                        "record"
                    },
                    before: previous.as_ref().map(canonical_json),
                    after: Some(canonical_json(&measurement)),
                })?;
                recompute_one(tx, &k, &now, &actor)?;
            }
            Ok(RecordedMeasurement {
                status: status_of(&k, input.value),
                measurement: if same {
                    previous.clone().unwrap_or(measurement)
                } else {
                    measurement
                },
                previous,
                escalations: tx.escalations(Some(k.id))?,
            })
        })
    }

    /// What importing the measurements in `path` would add and change. Never writes.
    pub fn plan_import_measurements(&self, path: &Path) -> Result<MeasurementPlan> {
        let table = read_table(path)?;
        let systems = self.store.all_systems()?;
        let kpis = self.store.all_kpis()?;
        let stored = self.store.stored_values()?;
        let source = default_source(path);
        Ok(measurements::plan(
            &table,
            &systems,
            &kpis,
            |k, p| existing(&stored, k, p),
            &source,
        )
        .0)
    }

    /// Imports measurements in long format (system, KPI, period, value, source, note) from .xlsx,
    /// .ods or .csv. Any problem: `Err(Error::Import)` and nothing is written. Otherwise every new
    /// and changed value is written in one transaction with one audit entry for the file (its
    /// SHA-256, the counts, and each replaced value before and after), and the escalation rules
    /// run over the whole workspace.
    pub fn import_measurements(&mut self, path: &Path, dry_run: bool) -> Result<MeasurementPlan> {
        if dry_run {
            return refuse(self.plan_import_measurements(path)?);
        }
        // The file's digest (for the audit entry) on another thread while the sheet is parsed.
        let digest = {
            let path = path.to_path_buf();
            std::thread::spawn(move || -> Result<String> {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                Ok(hex::encode(Sha256::digest(&bytes)))
            })
        };
        let digest = || {
            digest
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        };
        // An .xlsx sheet is checked and written as it is parsed; other files, and a sheet whose
        // cells are not stored row after row, are read into a table first.
        if let Some(stream) = open_xlsx_stream(path)? {
            if let Some(plan) =
                self.write_measurements(path, Rows::Stream(Box::new(stream)), digest)?
            {
                return Ok(plan);
            }
            let table = read_table(path)?;
            return self
                .write_measurements(path, Rows::Table(table), || {
                    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                    Ok(hex::encode(Sha256::digest(&bytes)))
                })
                .map(|plan| plan.expect("a table is always read in order"));
        }
        let table = read_table(path);
        let sha256 = digest();
        let (table, sha256) = (table?, sha256?);
        self.write_measurements(path, Rows::Table(table), || Ok(sha256))
            .map(|plan| plan.expect("a table is always read in order"))
    }

    /// Writes the measurements of `rows` as `import_measurements` says; `None` (and nothing
    /// written) when streamed rows turned out not to be in order, so the file must be read whole.
    fn write_measurements(
        &mut self,
        path: &Path,
        rows: Rows,
        sha256: impl FnOnce() -> Result<String>,
    ) -> Result<Option<MeasurementPlan>> {
        let source = default_source(path);
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let mut unordered = false;
        let mut rows = Some(rows);
        let outcome = self.store.write(|tx| {
            let systems = tx.all_systems()?;
            let kpis = tx.all_kpis()?;
            let stored = tx.stored_values()?;
            let expected = match &rows {
                Some(Rows::Table(t)) => t.rows.len(),
                _ => 0,
            };
            // Every value once the import is written, as (KPI, period, 0 for written or 1 for
            // stored, value): the rules read it below, rather than reading it back from the store.
            let mut series: Vec<(i64, i32, u8, f64)> = Vec::with_capacity(stored.len() + expected);
            // The rows are checked on a second thread and written here as they come, in chunks,
            // while a streamed sheet is parsed on a third: parsing, checking and writing overlap.
            // A file with a problem writes nothing, as the transaction is rolled back when the
            // plan is refused.
            let rows = rows.take().expect("rows are taken once");
            let (plan, written) = tx.with_bulk_cache(|tx| {
                std::thread::scope(|s| -> Result<(Option<MeasurementPlan>, usize)> {
                    let (send, receive) =
                        std::sync::mpsc::sync_channel::<Vec<PlannedMeasurement>>(8);
                    let (systems, kpis, stored, source) = (&systems, &kpis, &stored, &source);
                    let planner = s.spawn(move || -> Result<Option<MeasurementPlan>> {
                        const CHUNK: usize = 8192;
                        let mut chunk = Vec::with_capacity(CHUNK);
                        let write = |w| {
                            chunk.push(w);
                            if chunk.len() == CHUNK {
                                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                                // The receiver lives until every chunk is sent.
                                let _ = send.send(full);
                            }
                        };
                        let existing = |k, p| existing(stored, k, p);
                        let plan = match rows {
                            Rows::Table(table) => {
                                let plan = measurements::plan_each(
                                    &table, systems, kpis, existing, source, write,
                                );
                                // Freeing the million cells read takes a while: done on another
                                // thread (if no thread can be started, it is freed here).
                                let _ = std::thread::Builder::new().spawn(move || drop(table));
                                Some(plan)
                            }
                            Rows::Stream(stream) => {
                                let (file, sheet) = (stream.file.clone(), stream.sheet.clone());
                                let (rows_send, rows_receive) = std::sync::mpsc::sync_channel(4);
                                std::thread::scope(|s| {
                                    let reader = s.spawn(move || {
                                        stream.read(|batch| {
                                            // The receiver reads every batch sent.
                                            let _ = rows_send.send(batch);
                                        })
                                    });
                                    let plan = split_header(
                                        file,
                                        Some(sheet),
                                        rows_receive.into_iter().flatten(),
                                    )
                                    .map(|(table, rows)| {
                                        measurements::plan_rows(
                                            &table, rows, 0, systems, kpis, existing, source, write,
                                        )
                                    });
                                    let read = reader
                                        .join()
                                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                                    match read? {
                                        Streamed::Unordered => Ok(None),
                                        Streamed::Done => plan.map(Some),
                                    }
                                })?
                            }
                        };
                        if !chunk.is_empty() {
                            let _ = send.send(chunk);
                        }
                        Ok(plan)
                    });
                    let mut written = Ok(0);
                    for chunk in receive {
                        let Ok(n) = &mut written else { continue };
                        series.extend(chunk.iter().map(|w| (w.kpi_id, w.period_index, 0, w.value)));
                        match tx.upsert_measurements(
                            chunk.iter().map(|w| MeasurementRow {
                                kpi_id: w.kpi_id,
                                period_index: w.period_index,
                                period: &w.period,
                                value: w.value,
                                source: &w.source,
                                note: &w.note,
                            }),
                            &now,
                            &actor,
                        ) {
                            Ok(k) => *n += k,
                            Err(e) => written = Err(e),
                        }
                    }
                    let plan = planner
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                    let Some(plan) = plan else {
                        return Ok((None, 0));
                    };
                    let plan = refuse(plan)?;
                    Ok((Some(plan), written?))
                })
            })?;
            let Some(plan) = plan else {
                // Roll back what was written: the file is read whole instead.
                unordered = true;
                return Err(Error::Import {
                    problems: Vec::new(),
                });
            };
            if written == 0 {
                return Ok(plan);
            }
            let sha256 = sha256()?;
            series.extend(stored.iter().map(|(&(k, p), v)| (k, p, 1, v.value)));
            drop(stored);
            series.sort_unstable_by_key(|a| (a.0, a.1, a.2));
            // A written value replaces the stored one: keep the first of each (KPI, period).
            series.dedup_by(|later, first| (later.0, later.1) == (first.0, first.1));
            let series: Vec<(i64, i32, f64)> =
                series.into_iter().map(|(k, p, _, v)| (k, p, v)).collect();
            let record = serde_json::json!({
                "file": plan.file,
                "sheet": plan.sheet,
                "sha256": sha256,
                "rows": plan.rows,
                "added": plan.added,
                "unchanged": plan.unchanged,
                "kpis": plan.kpis,
                "updated": plan.updated,
            });
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "measurement_import",
                entity_id: sha256.clone(),
                action: "import",
                before: None,
                after: Some(canonical_json(&record)),
            })?;
            let escalations = tx.escalations(None)?;
            reconcile(tx, &kpis, &series, escalations, &now, &actor)?;
            Ok(plan)
        });
        match outcome {
            Err(_) if unordered => Ok(None),
            outcome => outcome.map(Some),
        }
    }

    /// Runs the escalation rules over every KPI of the workspace and saves what changed.
    pub fn recompute_escalations(&mut self) -> Result<RecomputeSummary> {
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| recompute_all(tx, &now, &actor))
    }

    /// For every KPI: latest period, value, status and consecutive breaches; by system, then KPI.
    pub fn kpi_status(&self) -> Result<Vec<KpiStatus>> {
        let kpis = self.store.all_kpis()?;
        let series = self.store.series()?;
        let latest = latest_by_kpi(&kpis, &series);
        let systems: HashMap<i64, String> = self
            .store
            .all_systems()?
            .into_iter()
            .map(|s| (s.id, s.draft.name))
            .collect();
        let mut out: Vec<KpiStatus> = kpis
            .iter()
            .map(|k| {
                let sys = systems.get(&k.draft.system_id).map_or("", String::as_str);
                kpi_status_row(k, sys, latest.get(&k.id))
            })
            .collect();
        out.sort_by(|a, b| {
            (a.system.to_lowercase(), a.kpi.to_lowercase())
                .cmp(&(b.system.to_lowercase(), b.kpi.to_lowercase()))
        });
        Ok(out)
    }

    /// Escalations, oldest first; only those in `state` when given.
    pub fn escalations(&self, state: Option<EscalationState>) -> Result<Vec<Escalation>> {
        let cadences: HashMap<i64, Cadence> = self
            .store
            .all_kpis()?
            .into_iter()
            .map(|k| (k.id, k.draft.cadence))
            .collect();
        let mut list: Vec<Escalation> = self
            .store
            .escalations()?
            .into_iter()
            .filter(|e| state.is_none_or(|s| e.state == s))
            .collect();
        oldest_first(&mut list, &cadences);
        Ok(list)
    }

    /// A person acknowledges an open escalation, with a note.
    pub fn acknowledge_escalation(&mut self, id: i64, note: &str) -> Result<Escalation> {
        self.escalation_step(id, note, "acknowledge", |e, who, at, note| {
            if e.state != EscalationState::Open {
                return Err(Error::Conflict(format!(
                    "escalation {id} is {}; only an open escalation can be acknowledged",
                    e.state.label().to_lowercase()
                )));
            }
            e.state = EscalationState::Acknowledged;
            e.acknowledged_by = Some(who);
            e.acknowledged_at = Some(at);
            e.acknowledged_note = Some(note);
            Ok(())
        })
    }

    /// A person resolves an open or acknowledged escalation, with a note saying what was done.
    pub fn resolve_escalation(&mut self, id: i64, note: &str) -> Result<Escalation> {
        self.escalation_step(id, note, "resolve", |e, who, at, note| {
            if e.state == EscalationState::Resolved {
                return Err(Error::Conflict(format!(
                    "escalation {id} is already resolved (by {} on {})",
                    e.resolved_by.as_deref().unwrap_or("?"),
                    e.resolved_at.as_deref().unwrap_or("?")
                )));
            }
            e.state = EscalationState::Resolved;
            e.resolved_by = Some(who);
            e.resolved_at = Some(at);
            e.resolved_note = Some(note);
            Ok(())
        })
    }

    fn escalation_step(
        &mut self,
        id: i64,
        note: &str,
        action: &str,
        step: impl FnOnce(&mut Escalation, String, String, String) -> Result<()>,
    ) -> Result<Escalation> {
        let note = note.trim().to_string();
        if note.is_empty() {
            return Err(Error::Validation {
                entity: "escalation",
                fields: vec![FieldError::new(
                    "note",
                    format!("is required: say what was done or decided when you {action}"),
                )],
            });
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx
                .escalation(id)?
                .ok_or_else(|| not_found("escalation", id))?;
            let mut after = before.clone();
            step(&mut after, actor.clone(), now.clone(), note)?;
            tx.update_escalation(&after)?;
            audit_escalation(tx, &now, &actor, action, Some(&before), &after)?;
            Ok(after)
        })
    }

    /// The escalation rule of a system (its own, else the workspace default, else the built-in
    /// default), or the workspace default when `system` is None.
    pub fn escalation_rule(&self, system: Option<i64>) -> Result<EscalationRule> {
        let rules = self.store.escalation_rules()?;
        Ok(rule_for(&rules, system.unwrap_or(0)))
    }

    /// Sets the escalation rule of a system, or the workspace default when `system` is None, and
    /// re-runs the rules over the workspace.
    pub fn set_escalation_rule(
        &mut self,
        system: Option<i64>,
        rule: EscalationRule,
    ) -> Result<EscalationRule> {
        let fields = rule.check();
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "escalation_rule",
                fields,
            });
        }
        if let Some(id) = system {
            self.system(id)?;
        }
        let before = self
            .store
            .escalation_rules()?
            .get(&system.unwrap_or(0))
            .copied();
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            tx.set_escalation_rule(system.unwrap_or(0), &rule, &now)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "escalation_rule",
                entity_id: system.map_or_else(|| "default".to_string(), |s| s.to_string()),
                action: "set",
                before: before.as_ref().map(canonical_json),
                after: Some(canonical_json(&rule)),
            })?;
            recompute_all(tx, &now, &actor)?;
            Ok(rule)
        })
    }

    /// Every measurement of a KPI, oldest period first, with its status.
    pub fn kpi_measurements(&self, kpi_id: i64) -> Result<Vec<MeasurementView>> {
        let k = self.kpi(kpi_id)?;
        Ok(self
            .store
            .measurements_of(kpi_id)?
            .into_iter()
            .map(|m| MeasurementView {
                status: status_of(&k, m.value),
                period: m.period,
                value: m.value,
                source: m.source,
                note: m.note,
                recorded_at: m.recorded_at,
                recorded_by: m.recorded_by,
            })
            .collect())
    }

    /// The linkage view of one system.
    pub fn kpi_linkage(&self, system_id: i64) -> Result<Linkage> {
        let system = self.system(system_id)?;
        let all = self.store.all_kpis()?;
        let mine: Vec<&Kpi> = all
            .iter()
            .filter(|k| k.draft.system_id == system_id)
            .collect();
        let mut kpis = Vec::new();
        for k in &mine {
            let ms = self.store.measurements_of(k.id)?;
            let points: Vec<Point> = ms
                .iter()
                .filter_map(|m| {
                    parse_period(&m.period, k.draft.cadence)
                        .ok()
                        .map(|p| Point {
                            period: p,
                            value: m.value,
                        })
                })
                .collect();
            let latest = points.last().map(|l| {
                (
                    l.period,
                    l.value,
                    streak(&points, thresholds(k)),
                    points.len() as u32,
                )
            });
            let chart_svg =
                crate::report::chart::render_svg(&trend_chart(k, &system.draft.name, &ms));
            kpis.push(KpiCard {
                status: kpi_status_row(k, &system.draft.name, latest.as_ref()),
                measurements: self.kpi_measurements(k.id)?,
                chart_svg,
            });
        }
        // Model metrics first, then business outcomes, then operational KPIs.
        kpis.sort_by_key(|c| (c.status.kind, c.status.kpi.to_lowercase()));
        let ids: Vec<i64> = mine.iter().map(|k| k.id).collect();
        let links = self
            .kpi_links()?
            .into_iter()
            .filter(|l| ids.contains(&l.link.from_kpi) || ids.contains(&l.link.to_kpi))
            .collect();
        let escalations = self
            .escalations(None)?
            .into_iter()
            .filter(|e| e.system_id == system_id)
            .collect();
        Ok(Linkage {
            system_id,
            system: system.draft.name.clone(),
            kpis,
            links,
            escalations,
            rule: self.escalation_rule(Some(system_id))?,
        })
    }

    /// The portfolio view: KPIs in breach or warning, and escalations not yet resolved.
    pub fn kpi_portfolio(&self) -> Result<Portfolio> {
        let all = self.kpi_status()?;
        let kpis = all.len() as u32;
        let on_target = all
            .iter()
            .filter(|s| s.status == Some(Status::OnTarget))
            .count() as u32;
        let mut attention: Vec<KpiStatus> = all
            .into_iter()
            .filter(|s| matches!(s.status, Some(Status::Breach | Status::Warning)))
            .collect();
        attention.sort_by(|a, b| {
            b.status
                .cmp(&a.status)
                .then(b.consecutive_breaches.cmp(&a.consecutive_breaches))
                .then(a.system.to_lowercase().cmp(&b.system.to_lowercase()))
                .then(a.kpi.to_lowercase().cmp(&b.kpi.to_lowercase()))
        });
        let escalations = self
            .escalations(None)?
            .into_iter()
            .filter(|e| e.state != EscalationState::Resolved)
            .collect();
        Ok(Portfolio {
            attention,
            escalations,
            kpis,
            on_target,
        })
    }
}

fn existing(
    stored: &HashMap<(i64, i32), crate::store::StoredValue>,
    kpi: i64,
    period: i32,
) -> Option<Existing<'_>> {
    stored.get(&(kpi, period)).map(|s| Existing {
        value: s.value,
        source: &s.source,
        note: &s.note,
    })
}

/// The source recorded for rows whose source cell is empty: the file's name.
fn default_source(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The rows of a measurements file: read whole, or to be parsed as they are checked.
enum Rows {
    Table(Table),
    Stream(Box<XlsxStream>),
}

fn refuse(plan: MeasurementPlan) -> Result<MeasurementPlan> {
    if plan.problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Import {
            problems: plan.problems,
        })
    }
}

/// At most this many KPIs get an Excel chart in an export; the data of every KPI is exported.
pub const MAX_EXPORT_CHARTS: usize = 250;

impl Workspace {
    /// Exports the KPI register and measurements. .xlsx: sheets Measurements (the import's
    /// columns, so the file imports back), KPIs (with latest status), Links, Escalations, and
    /// Charts (an Excel line chart per KPI, up to [`MAX_EXPORT_CHARTS`]). .csv: the measurements.
    /// Returns how many measurements were written.
    pub fn export_kpis(&self, format: ExportFormat, out: &Path) -> Result<usize> {
        use crate::import::table::Cell as C;
        let created = self.ctx.clock.now();
        let sheet = |name: &str, title: &str, headers: &[&str], rows: Vec<Vec<C>>| Sheet {
            name: name.into(),
            title: title.into(),
            subject: "KPI linkage, exported from Steward".into(),
            created,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        };
        let text = |s: &str| {
            if s.is_empty() {
                C::Empty
            } else {
                C::Text(s.to_string())
            }
        };
        let status = self.kpi_status()?;
        let names: HashMap<i64, (&str, &str, &str)> = status
            .iter()
            .map(|s| {
                (
                    s.kpi_id,
                    (s.system.as_str(), s.kpi.as_str(), s.unit.as_str()),
                )
            })
            .collect();
        let all = self.store.all_measurements()?;
        let mut charts = Vec::new();
        let mut rows = Vec::with_capacity(all.len());
        let mut start = 0usize;
        for (i, m) in all.iter().enumerate() {
            let (system, kpi, unit) = names.get(&m.kpi_id).copied().unwrap_or(("", "", ""));
            rows.push(vec![
                text(system),
                text(kpi),
                text(&m.period),
                C::Number(m.value),
                text(&m.source),
                text(&m.note),
            ]);
            let last_of_kpi = all.get(i + 1).is_none_or(|n| n.kpi_id != m.kpi_id);
            if last_of_kpi {
                if charts.len() < MAX_EXPORT_CHARTS {
                    charts.push(SeriesChart {
                        title: format!("{system}: {kpi}"),
                        unit: unit.to_string(),
                        first_row: start as u32 + 1,
                        last_row: i as u32 + 1,
                        category_col: 2,
                        value_col: 3,
                    });
                }
                start = i + 1;
            }
        }
        let n = rows.len();
        let measurements = sheet(
            "Measurements",
            "KPI measurements",
            &measurements::headers(),
            rows,
        );
        if format == ExportFormat::Csv {
            export::write_file(&measurements, format, out)?;
            return Ok(n);
        }
        let opt = |v: Option<f64>| v.map_or(C::Empty, C::Number);
        let kpi_rows = status
            .iter()
            .map(|s| {
                vec![
                    text(&s.system),
                    text(&s.kpi),
                    text(s.kind.label()),
                    text(&s.unit),
                    text(s.direction.label()),
                    C::Number(s.target),
                    C::Number(s.warning),
                    C::Number(s.breach),
                    text(s.cadence.label()),
                    text(s.latest_period.as_deref().unwrap_or("")),
                    opt(s.latest_value),
                    text(s.status.map_or("", |x| x.label())),
                    C::Number(f64::from(s.consecutive_breaches)),
                ]
            })
            .collect();
        let link_rows = self
            .kpi_links()?
            .iter()
            .map(|l| {
                vec![
                    text(&l.from_system),
                    text(&l.from_kpi),
                    text(&l.to_system),
                    text(&l.to_kpi),
                    C::Number(l.link.effect_per_unit),
                    text(&l.link.note),
                ]
            })
            .collect();
        let o = |s: &Option<String>| text(s.as_deref().unwrap_or(""));
        let esc_rows = self
            .escalations(None)?
            .iter()
            .map(|e| {
                vec![
                    C::Number(e.id as f64),
                    text(&e.system),
                    text(&e.kpi),
                    C::Number(f64::from(e.level)),
                    text(&e.level_name),
                    text(&e.run_start),
                    text(&e.opened_period),
                    text(&e.level_period),
                    C::Number(f64::from(e.breaches)),
                    text(&e.due_date),
                    text(e.state.label()),
                    o(&e.acknowledged_by),
                    o(&e.acknowledged_at),
                    o(&e.acknowledged_note),
                    o(&e.resolved_by),
                    o(&e.resolved_at),
                    o(&e.resolved_note),
                ]
            })
            .collect();
        let sheets = [
            measurements,
            sheet(
                "KPIs",
                "KPIs",
                &[
                    "System",
                    "KPI",
                    "Kind",
                    "Unit",
                    "Direction",
                    "Target",
                    "Warning",
                    "Breach",
                    "Cadence",
                    "Latest period",
                    "Latest value",
                    "Status",
                    "Consecutive breaches",
                ],
                kpi_rows,
            ),
            sheet(
                "Links",
                "KPI links",
                &[
                    "Driver system",
                    "Driver KPI",
                    "Outcome system",
                    "Outcome KPI",
                    "Effect per unit",
                    "Note",
                ],
                link_rows,
            ),
            sheet(
                "Escalations",
                "Escalations",
                &[
                    "Id",
                    "System",
                    "KPI",
                    "Level",
                    "Goes to",
                    "Run start",
                    "Opened period",
                    "Level period",
                    "Breaches",
                    "Due date",
                    "State",
                    "Acknowledged by",
                    "Acknowledged at",
                    "Acknowledgement note",
                    "Resolved by",
                    "Resolved at",
                    "Resolution note",
                ],
                esc_rows,
            ),
        ];
        let bytes = kpi_workbook(&sheets, &charts)
            .map_err(|e| Error::io(out, format!("cannot write the xlsx export: {e}")))?;
        export::write_bytes(&bytes, out)?;
        Ok(n)
    }
}
