//! Register operations: add, edit, change stage, retire, show, list.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::audit::canonical_json;
use crate::register::{self, AiSystem, Stage, SystemDraft, SystemQuery};
use crate::store::{Change, Tx};
use crate::{Error, Result};

/// Values in use, for the filters of the register view.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Facets {
    pub business_units: Vec<String>,
    pub tags: Vec<String>,
}

/// Normalizes and validates a draft saved on `today` (the workspace clock's date);
/// Err(Validation) lists every bad field.
pub(super) fn checked(mut d: SystemDraft, today: NaiveDate) -> Result<SystemDraft> {
    register::normalize(&mut d);
    let fields = register::validate_on(&d, today);
    if fields.is_empty() {
        Ok(d)
    } else {
        Err(Error::Validation {
            entity: "system",
            fields,
        })
    }
}

/// The day of a change made at `now` (RFC 3339), for the gates.
fn day_of(now: &str) -> Result<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| t.date_naive())
        .map_err(|e| Error::Integrity(format!("the time of a change {now:?} is not RFC 3339: {e}")))
}

/// The systems of `all` that `q` selects, in its order.
pub(super) fn listed(all: Vec<AiSystem>, q: &SystemQuery) -> Vec<AiSystem> {
    let mut list: Vec<AiSystem> = all
        .into_iter()
        .filter(|s| register::matches(s, q))
        .collect();
    register::sort(&mut list, q.sort, q.descending);
    list
}

/// Inserts a checked draft and appends its audit entry, in the caller's transaction, once the
/// gates allow a new record at its stage (`gates::check`).
pub(super) fn insert_audited(
    tx: &mut Tx<'_>,
    d: &SystemDraft,
    now: &str,
    actor: &str,
    action: &str,
) -> Result<AiSystem> {
    let mut saved = insert_audited_many(tx, vec![d.clone()], now, actor, action)?;
    saved
        .pop()
        .ok_or_else(|| Error::Integrity("a system was inserted and not returned".into()))
}

/// [`insert_audited`] for each of `drafts` in order, as the store writes many rows at once:
/// the same gates, ids, records and audit entries as one after another.
pub(super) fn insert_audited_many(
    tx: &mut Tx<'_>,
    drafts: Vec<SystemDraft>,
    now: &str,
    actor: &str,
    action: &str,
) -> Result<Vec<AiSystem>> {
    let today = day_of(now)?;
    for d in &drafts {
        // A new record cannot pass a gate by an exception: no request can exist for it.
        super::gates::check(tx, None, d, today)?;
    }
    let ids = tx.insert_systems(&drafts, now)?;
    // Exactly what each row now holds: the draft as given and both timestamps set to `now`.
    let saved: Vec<AiSystem> = drafts
        .into_iter()
        .zip(ids)
        .map(|(draft, id)| AiSystem {
            id,
            draft,
            created_at: now.to_string(),
            updated_at: now.to_string(),
        })
        .collect();
    let changes = saved
        .iter()
        .map(|s| Change {
            at: now.to_string(),
            actor,
            entity: "system",
            entity_id: s.id.to_string(),
            action,
            before: None,
            after: Some(canonical_json(s)),
        })
        .collect();
    tx.append_audits(changes)?;
    Ok(saved)
}

/// Saves a checked draft over `before` and appends the audit entry with both states, in the
/// caller's transaction, once the gates the change crosses are open (`gates::check`); a change
/// that passes the pre-deployment gate by the board's evidence exception gets a second entry
/// saying so (the request, its reason, the evidence status it was approved with).
pub(super) fn update_audited(
    tx: &mut Tx<'_>,
    before: &AiSystem,
    d: &SystemDraft,
    now: &str,
    actor: &str,
    action: &str,
) -> Result<AiSystem> {
    let exception = super::gates::check(tx, Some(before), d, day_of(now)?)?;
    tx.update_system(before.id, d, now)?;
    let after = AiSystem {
        id: before.id,
        draft: d.clone(),
        created_at: before.created_at.clone(),
        updated_at: now.to_string(),
    };
    tx.append_audit(Change {
        at: now.to_string(),
        actor,
        entity: "system",
        entity_id: before.id.to_string(),
        action,
        before: Some(canonical_json(before)),
        after: Some(canonical_json(&after)),
    })?;
    if let Some(e) = exception {
        // The promotion passed the evidence gate by the board's exception: said so on record.
        let record = serde_json::json!({
            "stage": d.stage,
            "request": e.request,
            "request_uid": e.uid,
            "reason": e.reason,
            "model_version": e.status.model_version,
            "evidence_status": e.status.state,
            "failing": e.status.failing(),
        });
        tx.append_audit(Change {
            at: now.to_string(),
            actor,
            entity: "evidence_exception",
            entity_id: before.id.to_string(),
            action: "pass",
            before: None,
            after: Some(canonical_json(&record)),
        })?;
    }
    Ok(after)
}

impl Workspace {
    pub fn add_system(&mut self, draft: SystemDraft) -> Result<AiSystem> {
        let d = checked(draft, self.ctx.clock.today())?;
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store
            .write(|tx| insert_audited(tx, &d, &now, &actor, "create"))
    }

    /// Saves an edited record. A stage change in it must follow the allowed transitions.
    pub fn update_system(&mut self, id: i64, draft: SystemDraft) -> Result<AiSystem> {
        let d = checked(draft, self.ctx.clock.today())?;
        self.write_system(id, "update", |before| {
            register::check_transition(before.stage, d.stage).map_err(|reason| {
                Error::Transition {
                    from: before.stage.key().into(),
                    to: d.stage.key().into(),
                    reason,
                }
            })?;
            Ok(d)
        })
    }

    /// Moves a system to another lifecycle stage along an allowed transition.
    pub fn set_stage(&mut self, id: i64, stage: Stage) -> Result<AiSystem> {
        let today = self.ctx.clock.today();
        self.write_system(id, "stage", |before| {
            register::check_transition(before.stage, stage).map_err(|reason| {
                Error::Transition {
                    from: before.stage.key().into(),
                    to: stage.key().into(),
                    reason,
                }
            })?;
            let mut d = before.clone();
            if stage == Stage::Production && d.deployment_date.is_none() {
                d.deployment_date = Some(today);
            }
            d.stage = stage;
            checked(d, today)
        })
    }

    /// Reads the record, lets `edit` produce the new draft, writes it and the audit entry.
    fn write_system(
        &mut self,
        id: i64,
        action: &str,
        edit: impl FnOnce(&SystemDraft) -> Result<SystemDraft>,
    ) -> Result<AiSystem> {
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx.system(id)?.ok_or(Error::NotFound {
                entity: "system",
                key: id.to_string(),
            })?;
            let d = edit(&before.draft)?;
            if d == before.draft {
                return Ok(before);
            }
            update_audited(tx, &before, &d, &now, &actor, action)
        })
    }

    pub fn system(&self, id: i64) -> Result<AiSystem> {
        self.store.system(id)?.ok_or(Error::NotFound {
            entity: "system",
            key: id.to_string(),
        })
    }

    /// Finds a system by its id (all digits, or "#12") or by its name, ignoring case.
    pub fn find_system(&self, key: &str) -> Result<AiSystem> {
        let k = key.trim();
        if let Some(s) = self.store.system_by_name(k)? {
            return Ok(s);
        }
        if let Ok(id) = k.trim_start_matches('#').parse::<i64>() {
            if let Some(s) = self.store.system(id)? {
                return Ok(s);
            }
        }
        Err(Error::NotFound {
            entity: "system",
            key: key.to_string(),
        })
    }

    pub fn list_systems(&self, q: &SystemQuery) -> Result<Vec<AiSystem>> {
        Ok(listed(self.store.all_systems()?, q))
    }

    pub fn facets(&self) -> Result<Facets> {
        let all = self.store.all_systems()?;
        let mut units: Vec<String> = all.iter().map(|s| s.draft.business_unit.clone()).collect();
        units.sort_by_key(|u| u.to_lowercase());
        units.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let mut tags: Vec<String> = all
            .iter()
            .flat_map(|s| s.draft.tags.iter().cloned())
            .collect();
        tags.sort_by_key(|t| t.to_lowercase());
        tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        Ok(Facets {
            business_units: units,
            tags,
        })
    }
}
