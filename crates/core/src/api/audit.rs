//! Reading and verifying the audit log: filtered pages of it (the filtering done by the store in
//! SQL), each entry with its record's name and its changes field by field, the choices the
//! filters offer, and `verify_audit` (the chain, the records' state through `audit_state`, the
//! seals through `seal`). Writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::seal::SealCheck;
use super::Workspace;
use crate::audit::state::StateReport;
use crate::audit::{self, AuditChange, AuditEntry, ChainReport, ENTITY_KINDS};
use crate::store::AuditFilter;
use crate::{Error, FieldError, Result};

/// Which entries to show. Every filter given narrows the log; `from` and `to` are dates
/// (YYYY-MM-DD, UTC, both days included). Without `limit` every matching entry is returned.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AuditQuery {
    /// A kind of record, one of `ENTITY_KINDS`' keys (e.g. `system`).
    pub entity: Option<String>,
    /// The stored id of one record of `entity`.
    pub entity_id: Option<String>,
    /// One record of `entity` by its id or its name as the log shows it.
    pub record: Option<String>,
    /// Who made the change, exactly as recorded (errors call it "person", as the CLI's
    /// `--person` and the app's filter do).
    pub actor: Option<String>,
    /// What was done (e.g. `create`, `update`, `stage`), exactly as recorded.
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
    #[ts(type = "number | null")]
    pub offset: Option<i64>,
    /// The latest entries first (the log's own order, oldest first, otherwise).
    pub newest_first: bool,
}

/// One page of the entries a query selects, and how many it selects in all.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditPage {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub offset: i64,
    pub entries: Vec<AuditRow>,
}

/// An entry as a person reads it: the record's kind and name, and what changed, field by field.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditRow {
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// E.g. "AI system".
    pub entity_label: String,
    /// The record's name now, or as the entry recorded it when the record is gone.
    pub name: String,
    pub changes: Vec<AuditChange>,
}

/// What `audit verify` found: the chain, the state of the records against the log, each seal,
/// and how many entries follow the last seal that holds.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditVerification {
    pub chain: ChainReport,
    pub state: StateReport,
    pub seals: Vec<SealCheck>,
    /// Entries after the last seal that holds (every entry when none does).
    #[ts(type = "number")]
    pub unsealed: i64,
    /// The chain is intact, every record is as the log says it became, and every seal holds.
    pub intact: bool,
}

impl AuditVerification {
    pub fn is_intact(&self) -> bool {
        self.intact
    }
}

/// What the filters offer: the kinds of record, the people and actions in the log, and the
/// records of the kind asked for.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditChoices {
    pub entities: Vec<EntityKind>,
    pub actors: Vec<String>,
    pub actions: Vec<String>,
    pub records: Vec<AuditRecord>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EntityKind {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditRecord {
    pub id: String,
    pub name: String,
}

impl AuditPage {
    /// The entries as stored, without their names or changes.
    pub fn into_entries(self) -> Vec<AuditEntry> {
        self.entries.into_iter().map(|r| r.entry).collect()
    }
}

impl Workspace {
    /// A page of the log as `q` selects it; a bad filter is a validation error naming it.
    pub fn audit_log(&self, q: &AuditQuery) -> Result<AuditPage> {
        let filter = self.audit_filter(q)?;
        let (total, entries) = self.store.audit_query(&filter)?;
        if total == 0 {
            self.check_unknown_values(&filter)?;
        }
        let names = self.names_for(entries.iter().map(|e| e.entity.as_str()))?;
        Ok(AuditPage {
            total,
            offset: filter.offset,
            entries: entries
                .into_iter()
                .map(|entry| AuditRow {
                    entity_label: entity_label(&entry.entity),
                    name: names.name(&entry),
                    changes: readable_changes(&entry),
                    entry,
                })
                .collect(),
        })
    }

    /// The choices for the audit log's filters; with `entity`, the records of that kind the log
    /// speaks of, by name.
    pub fn audit_choices(&self, entity: Option<&str>) -> Result<AuditChoices> {
        let records = match entity {
            None => Vec::new(),
            Some(e) => {
                let e = known_entity(e)?;
                self.audit_records(e)?
            }
        };
        Ok(AuditChoices {
            entities: ENTITY_KINDS
                .iter()
                .map(|(key, label)| EntityKind {
                    key: key.to_string(),
                    label: label.to_string(),
                })
                .collect(),
            actors: self.store.audit_actors()?,
            actions: self.store.audit_actions()?,
            records,
        })
    }

    /// Recomputes the whole chain and reports the first entry that breaks it.
    pub fn verify_chain(&self) -> Result<ChainReport> {
        Ok(audit::verify(&self.store.audit_entries()?))
    }

    /// Checks the log three ways, from one state of the workspace: the chain (the first entry
    /// that breaks it), the state (every record as the log says it became), and the seals (each
    /// signature, and that the history up to its entry is the one sealed), with how many
    /// entries follow the last seal that holds.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let _snapshot = self.store.snapshot()?;
        let entries = self.store.audit_entries()?;
        let chain = audit::verify(&entries);
        let state = self.check_state(&entries)?;
        let seals = super::seal::check_seals(
            &self.workspace_id()?,
            &self.store.audit_seals()?,
            &entries,
            &chain,
        );
        let last = seals
            .iter()
            .filter(|s| s.valid)
            .map(|s| s.seq)
            .max()
            .unwrap_or(0);
        let unsealed = entries.iter().filter(|e| e.seq > last).count() as i64;
        let intact = chain.is_intact() && state.is_consistent() && seals.iter().all(|s| s.valid);
        Ok(AuditVerification {
            chain,
            state,
            seals,
            unsealed,
            intact,
        })
    }

    fn audit_records(&self, entity: &str) -> Result<Vec<AuditRecord>> {
        let latest = self.store.audit_records(entity)?;
        let names = self.names_for([entity].into_iter())?;
        let mut records: Vec<AuditRecord> = latest
            .iter()
            .map(|e| AuditRecord {
                id: e.entity_id.clone(),
                name: names.name(e),
            })
            .collect();
        records.sort_by_cached_key(|r| r.name.to_lowercase());
        Ok(records)
    }

    /// Checks `q` and turns it into the store's filter; every bad field is named.
    fn audit_filter(&self, q: &AuditQuery) -> Result<AuditFilter> {
        let mut bad = Vec::new();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let entity = text(&q.entity);
        if let Some(e) = &entity {
            if let Err(Error::Validation { fields, .. }) = known_entity(e) {
                bad.extend(fields);
            }
        }
        let date = |field: &str, v: &Option<String>, bad: &mut Vec<FieldError>| {
            let t = text(v)?;
            match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    bad.push(FieldError::new(
                        field,
                        format!("{t:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31"),
                    ));
                    None
                }
            }
        };
        let from = date("from", &q.from, &mut bad);
        let to = date("to", &q.to, &mut bad);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                bad.push(FieldError::new(
                    "from",
                    format!("{f} is after the end of the range, {t}: from must be on or before to"),
                ));
            }
        }
        if let Some(l) = q.limit.filter(|l| *l < 1) {
            bad.push(FieldError::new(
                "limit",
                format!("{l} entries is no page; give 1 or more"),
            ));
        }
        if let Some(o) = q.offset.filter(|o| *o < 0) {
            bad.push(FieldError::new(
                "offset",
                format!("{o} is before the first entry; give 0 or more"),
            ));
        }
        let mut entity_id = text(&q.entity_id);
        if let Some(r) = text(&q.record) {
            match &entity {
                None => bad.push(FieldError::new(
                    "record",
                    "choose the kind of record (entity) first",
                )),
                Some(e) if bad.is_empty() => {
                    let records = self.audit_records(e)?;
                    let found = records.iter().find(|x| x.id == r).or_else(|| {
                        records
                            .iter()
                            .find(|x| x.name.to_lowercase() == r.to_lowercase())
                    });
                    match found {
                        Some(x) => entity_id = Some(x.id.clone()),
                        None => bad.push(FieldError::new(
                            "record",
                            if records.is_empty() {
                                format!(
                                    "the log has no entry about a {} yet; leave the record out",
                                    entity_label(e)
                                )
                            } else {
                                let names: Vec<String> =
                                    records.iter().map(|x| x.name.clone()).collect();
                                format!(
                                    "no {} in the log has the id or name {r:?}; it has {}",
                                    entity_label(e),
                                    some_of(&names)
                                )
                            },
                        )),
                    }
                }
                Some(_) => {}
            }
        }
        if !bad.is_empty() {
            return Err(Error::Validation {
                entity: "audit log filter",
                fields: bad,
            });
        }
        Ok(AuditFilter {
            entity,
            entity_id,
            actor: text(&q.actor),
            action: text(&q.action),
            at_from: from.map(|d| d.to_string()),
            // The day after `to`, so every time on `to` itself is inside.
            at_before: to
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .map(|d| d.to_string()),
            newest_first: q.newest_first,
            limit: q.limit,
            offset: q.offset.unwrap_or(0),
        })
    }

    /// When a query selects nothing: a person or an action the log has never recorded is a
    /// mistake (a typo, a role for a name), refused naming the field and listing what the log
    /// holds. Checked only then, so a query that finds entries costs nothing more. An empty log
    /// holds nothing to compare with and refuses nothing.
    fn check_unknown_values(&self, f: &AuditFilter) -> Result<()> {
        let mut bad = Vec::new();
        let mut check = |field: &str, what: &str, given: &Option<String>, known: Vec<String>| {
            if let Some(v) = given {
                if !known.is_empty() && !known.contains(v) {
                    bad.push(FieldError::new(
                        field,
                        format!(
                            "no entry in the log {what} {v:?}; the log has {}",
                            some_of(&known)
                        ),
                    ));
                }
            }
        };
        if f.actor.is_some() {
            check(
                "person",
                "was made by",
                &f.actor,
                self.store.audit_actors()?,
            );
        }
        if f.action.is_some() {
            check(
                "action",
                "has the action",
                &f.action,
                self.store.audit_actions()?,
            );
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation {
                entity: "audit log filter",
                fields: bad,
            })
        }
    }

    /// The current names of the records of the kinds in `kinds`, read once per kind.
    pub(super) fn names_for<'a>(&self, kinds: impl Iterator<Item = &'a str>) -> Result<Names> {
        let kinds: HashSet<&str> = kinds.collect();
        let wants = |ks: &[&str]| ks.iter().any(|k| kinds.contains(k));
        let mut n = Names::default();
        if wants(&[
            "system",
            "milestones",
            "decommission",
            "escalation_rule",
            "kpi",
            "review_decision",
            "calendar",
            "assessment",
            "evidence_run",
            "evidence_bias",
            "evidence_exception",
            "model_card",
        ]) {
            n.systems = self.store.system_names()?.into_iter().collect();
        }
        if wants(&["kpi", "measurement", "kpi_link", "escalation"]) {
            n.kpis = self
                .store
                .all_kpis()?
                .into_iter()
                .map(|k| (k.id, (k.draft.name, k.draft.system_id)))
                .collect();
        }
        if wants(&["review", "review_decision"]) {
            n.reviews = self
                .store
                .reviews()?
                .into_iter()
                .map(|r| (r.id, r.period))
                .collect();
        }
        if wants(&["signoff_board"]) {
            n.boards = self
                .store
                .boards()?
                .into_iter()
                .map(|b| (b.id, b.name))
                .collect();
        }
        if wants(&["tco_scenario"]) {
            n.tco = self
                .store
                .all_tco()?
                .into_iter()
                .map(|s| (s.id, s.scenario.name))
                .collect();
        }
        Ok(n)
    }
}

fn known_entity(e: &str) -> Result<&'static str> {
    ENTITY_KINDS
        .iter()
        .find(|(k, _)| *k == e)
        .map(|(k, _)| *k)
        .ok_or_else(|| Error::Validation {
            entity: "audit log filter",
            fields: vec![FieldError::new(
                "entity",
                format!(
                    "{e:?} is not a kind of record in the log; use one of {}",
                    ENTITY_KINDS
                        .iter()
                        .map(|(k, _)| *k)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )],
        })
}

/// Up to twelve values quoted, and how many more there are.
fn some_of(values: &[String]) -> String {
    const SHOWN: usize = 12;
    let listed: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|v| format!("{v:?}"))
        .collect();
    let more = values.len().saturating_sub(SHOWN);
    if more == 0 {
        listed.join(", ")
    } else {
        format!("{} and {more} more", listed.join(", "))
    }
}

pub(super) fn entity_label(e: &str) -> String {
    ENTITY_KINDS
        .iter()
        .find(|(k, _)| *k == e)
        .map_or_else(|| e.replace('_', " "), |(_, l)| l.to_string())
}

/// Current names by id, for the kinds of record a page holds.
#[derive(Default)]
pub(super) struct Names {
    systems: HashMap<i64, String>,
    kpis: HashMap<i64, (String, i64)>,
    reviews: HashMap<i64, String>,
    boards: HashMap<i64, String>,
    tco: HashMap<i64, String>,
}

impl Names {
    /// The name of record `entity_id` of `entity`, as an entry holding `doc` shows it.
    pub(super) fn record_name(&self, entity: &str, entity_id: &str, doc: Option<&str>) -> String {
        self.name(&AuditEntry {
            seq: 0,
            at: String::new(),
            actor: String::new(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            action: String::new(),
            before: None,
            after: doc.map(str::to_string),
            prev_hash: String::new(),
            hash: String::new(),
        })
    }

    /// The name of the record `e` is about: its current name by kind, else the name the entry
    /// recorded (a deleted record), else its kind and id.
    fn name(&self, e: &AuditEntry) -> String {
        self.current(e)
            .or_else(|| recorded_name(e))
            .unwrap_or_else(|| format!("{} {}", entity_label(&e.entity), e.entity_id))
    }

    fn current(&self, e: &AuditEntry) -> Option<String> {
        let id = e.entity_id.as_str();
        let num = |s: &str| s.parse::<i64>().ok();
        let system = |s: &str| num(s).and_then(|i| self.systems.get(&i)).cloned();
        let kpi = |s: &str| num(s).and_then(|i| self.kpis.get(&i)).map(|k| k.0.clone());
        match e.entity.as_str() {
            "system" | "milestones" => system(id),
            "decommission" => match id.split_once('/') {
                Some((s, item)) => system(s).map(|n| format!("{n}: {}", item.replace('_', " "))),
                None => system(id),
            },
            "escalation_rule" if id == "default" => Some("Every system (default)".into()),
            "escalation_rule" => system(id),
            "kpi" => {
                let (name, sys) = num(id).and_then(|i| self.kpis.get(&i))?;
                Some(match self.systems.get(sys) {
                    Some(s) => format!("{name} ({s})"),
                    None => name.clone(),
                })
            }
            "measurement" => {
                let (k, period) = id.split_once(':')?;
                kpi(k).map(|n| format!("{n}, {period}"))
            }
            "kpi_link" => {
                let v = document(e)?;
                let end = |f: &str| {
                    v.get(f)
                        .and_then(Value::as_i64)
                        .and_then(|i| kpi(&i.to_string()))
                };
                Some(format!("{} → {}", end("from_kpi")?, end("to_kpi")?))
            }
            "escalation" => {
                let v = document(e)?;
                let k = v
                    .get("kpi_id")
                    .and_then(Value::as_i64)
                    .and_then(|i| kpi(&i.to_string()))?;
                Some(format!("{k}, opened {}", v.get("opened_period")?.as_str()?))
            }
            "review" => num(id)
                .and_then(|i| self.reviews.get(&i))
                .map(|p| format!("Review {p}")),
            "review_decision" => {
                let (r, s) = id.split_once('/')?;
                let period = num(r).and_then(|i| self.reviews.get(&i))?;
                Some(format!("{period}: {}", system(s)?))
            }
            "signoff_board" => num(id).and_then(|i| self.boards.get(&i)).cloned(),
            "signoff_rule" => {
                // "portfolio_review/high": the gate and the risk tier the rule applies to.
                let (gate, tier) = id.split_once('/')?;
                let gate = crate::signoff::Gate::parse(gate)?;
                let tier = crate::register::RiskTier::parse(tier)?;
                Some(format!(
                    "{}, {} risk",
                    gate.label(),
                    tier.label().to_lowercase()
                ))
            }
            "tco_scenario" => num(id).and_then(|i| self.tco.get(&i)).cloned(),
            // "12/2.1": the system and the model version the card describes.
            "model_card" => {
                let (s, version) = id.split_once('/')?;
                Some(format!("{}, version {version}", system(s)?))
            }
            "assessment" => {
                let v = document(e)?;
                let sys = v.get("system_id")?.as_i64()?;
                let template = v.get("template_id")?.as_str()?.to_uppercase();
                Some(format!("{template} of {}", system(&sys.to_string())?))
            }
            "signoff_request" | "signoff_action" => {
                let v = document(e)?;
                // A request records `system_name`; a signature imported for it, `system`.
                let of = v.get("system_name").or(v.get("system"))?.as_str()?;
                let gate = v.get("gate").and_then(Value::as_str).unwrap_or_default();
                let gate = crate::signoff::Gate::parse(gate)
                    .map_or_else(|| gate.replace('_', " "), |g| g.label().to_lowercase());
                Some(format!("{of} ({gate})"))
            }
            "calendar" => {
                let event = calendar_event(id, |s| system(s))?;
                let on =
                    document(e).and_then(|v| v.get("occurrence")?.as_str().map(str::to_string));
                Some(match on {
                    Some(d) => format!("{event}, {d}"),
                    None => event,
                })
            }
            "audit_seal" => {
                let v = document(e)?;
                Some(format!(
                    "Sealed by {} at entry {id}",
                    v.get("signer")?.as_str()?
                ))
            }
            "evidence_run" | "evidence_bias" => {
                let v = document(e)?;
                let sys = system(&v.get("system_id")?.as_i64()?.to_string())?;
                let version = v
                    .get("model_version")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let on = v.get("date").and_then(Value::as_str).unwrap_or_default();
                let what = if e.entity == "evidence_run" {
                    let method = v.get("method").and_then(Value::as_str).unwrap_or_default();
                    let method = crate::evidence::Method::parse(method)
                        .map_or_else(|| method.to_string(), |m| m.label().to_lowercase());
                    format!("{method} run of {on}")
                } else {
                    let field = |f: &str| v.get(f).and_then(Value::as_str).unwrap_or_default();
                    format!(
                        "{} of {} {} of {on}",
                        field("metric").replace('_', " "),
                        field("attribute"),
                        field("segment")
                    )
                };
                Some(if version.is_empty() {
                    format!("{sys}: {what}")
                } else {
                    format!("{sys} {version}: {what}")
                })
            }
            "evidence_exception" => system(id),
            "evidence_import" => {
                let v = document(e)?;
                Some(format!("Evidence import of {}", v.get("file")?.as_str()?))
            }
            "calendar_rules"
            | "review_rules"
            | "review_budget_target"
            | "evidence_policy"
            | "workspace_encryption" => {
                Some(format!("{} of the workspace", entity_label(&e.entity)))
            }
            _ => None,
        }
    }
}

/// A calendar event named from its uid (`model-review-13@ws` is "Model review: <system 13>";
/// `milestone-3-production@ws` is "Milestone: <system 3> (production)"); None for an event of
/// no system.
fn calendar_event(uid: &str, system: impl Fn(&str) -> Option<String>) -> Option<String> {
    let key = uid.split('@').next()?;
    let parts: Vec<&str> = key.split('-').collect();
    let at = parts.iter().position(|p| p.parse::<i64>().is_ok())?;
    let kind = parts[..at].join(" ");
    let mut kind_chars = kind.chars();
    let kind = match kind_chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + kind_chars.as_str(),
        None => return None,
    };
    let name = system(parts[at])?;
    let rest = parts[at + 1..].join(" ");
    Some(if rest.is_empty() {
        format!("{kind}: {name}")
    } else {
        format!("{kind}: {name} ({rest})")
    })
}

/// The document an entry holds: after the change, or before it for a deletion.
fn document(e: &AuditEntry) -> Option<Value> {
    e.after
        .as_deref()
        .or(e.before.as_deref())
        .and_then(|t| serde_json::from_str(t).ok())
}

/// A name the entry itself recorded: its document's name, title, period or subject.
fn recorded_name(e: &AuditEntry) -> Option<String> {
    let v = document(e)?;
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let name = field("name")
        .or_else(|| field("title"))
        .or_else(|| {
            v.get("scenario")
                .and_then(|s| s.get("name")?.as_str().map(str::to_string))
        })
        .or_else(|| field("period").map(|p| format!("Review {p}")))
        .or_else(|| field("subject"))
        .or_else(|| {
            field("kpi")
                .map(|k| format!("{k}, opened {}", field("opened_period").unwrap_or_default()))
        })?;
    Some(name)
}

/// An entry's changes field by field, a system's closed values by their labels ("Production",
/// not `production`), as the log's reader sees them.
fn readable_changes(entry: &AuditEntry) -> Vec<AuditChange> {
    let mut changes = audit::entry_changes(entry);
    if entry.entity == "system" {
        let label = |field: &str, v: &mut Option<String>| {
            let key = v
                .as_deref()
                .and_then(|s| serde_json::from_str::<String>(s).ok());
            if let Some(l) = key.and_then(|k| crate::register::value_label(field, &k)) {
                *v = Some(Value::from(l).to_string());
            }
        };
        for c in &mut changes {
            label(&c.field, &mut c.before);
            label(&c.field, &mut c.after);
        }
    }
    changes
}
