//! Escalations: reconciling the stored ones with what the series call for (`reconcile`, run over
//! one KPI or the whole workspace), auditing every change, listing them, a person acknowledging
//! or resolving one, and the escalation rule per system. The levels themselves are derived by
//! `crate::kpi::derive_escalations`; nothing here decides a level or writes a measurement.

use std::collections::HashMap;

use super::{not_found, thresholds, RecomputeSummary};
use crate::api::Workspace;
use crate::audit::canonical_json;
use crate::kpi::{
    self, derive_escalations, parse_period, period_end, period_label, Cadence, Escalation,
    EscalationRule, EscalationState, Kpi, Point,
};
use crate::store::{Change, Tx};
use crate::{Error, FieldError, Result};

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
pub(super) fn reconcile(
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

pub(super) fn recompute_one(
    tx: &mut Tx<'_>,
    k: &Kpi,
    now: &str,
    actor: &str,
) -> Result<RecomputeSummary> {
    let series: Vec<(i64, i32, f64)> = tx
        .series_of(k.id)?
        .into_iter()
        .map(|(p, v)| (k.id, p, v))
        .collect();
    let existing = tx.escalations(Some(k.id))?;
    reconcile(tx, std::slice::from_ref(k), &series, existing, now, actor)
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
    /// Runs the escalation rules over every KPI of the workspace and saves what changed.
    pub fn recompute_escalations(&mut self) -> Result<RecomputeSummary> {
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| recompute_all(tx, &now, &actor))
    }

    /// Escalations, oldest first; only those in `state` when given.
    pub fn escalations(&self, state: Option<EscalationState>) -> Result<Vec<Escalation>> {
        self.escalations_among(&self.store.all_kpis()?, state)
    }

    /// `escalations` over KPIs the caller has already read (every KPI of the workspace), so a
    /// whole-portfolio view reads them once.
    pub(crate) fn escalations_among(
        &self,
        kpis: &[Kpi],
        state: Option<EscalationState>,
    ) -> Result<Vec<Escalation>> {
        let cadences: HashMap<i64, Cadence> =
            kpis.iter().map(|k| (k.id, k.draft.cadence)).collect();
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
}
