//! KPI linkage operations: KPIs, links, measurements entered by hand, and the status, portfolio
//! and linkage views; it must not hold a rule (those live in `crate::kpi`) or run SQL. Row
//! checks live in `crate::import::measurements`; this module orchestrates and writes each change
//! with its audit entry in one transaction. Its parts, each owning one thing: `views` (the types
//! that cross to the UI), `escalations` (reconciling, acknowledging and resolving escalations,
//! and their rule), `chart` (a KPI's trend chart), `import` (the measurement import pipeline)
//! and `export` (the KPI workbook and CSV).

mod chart;
mod escalations;
mod export;
mod import;
mod views;

use std::collections::HashMap;

use super::Workspace;
use crate::audit::canonical_json;
use crate::import::measurements;
use crate::kpi::rules::Thresholds;
use crate::kpi::{
    check_thresholds, find_cycle, parse_period, period_label, status, streak, EscalationState, Kpi,
    KpiDraft, KpiKind, KpiLink, Measurement, Point, Status,
};
use crate::store::{Change, MeasurementRow};
use crate::{Error, FieldError, Result};
use escalations::recompute_one;

pub use chart::trend_chart;
pub use export::MAX_EXPORT_CHARTS;
pub use views::{
    KpiCard, KpiStatus, LinkView, Linkage, MeasurementEntry, MeasurementInput, MeasurementView,
    Portfolio, RecomputeSummary, RecordedMeasurement,
};

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
