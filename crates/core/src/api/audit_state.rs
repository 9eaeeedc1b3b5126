//! The state check of `audit verify`: every record the log speaks of, as stored now, against
//! what the latest entry about it says it became; a record the log says was deleted must not
//! exist, and a stored record must have an entry. One pass over the log; each kind's stored
//! records read once, through the serialisation its write path logs: the kind's record type
//! through `canonical_json` (systems, KPIs, links, measurements, escalations and their rules,
//! milestones, checklist items, completions, TCO scenarios, certificates, template versions,
//! sign-off requests and signature statements, review decisions, model card revisions), or the
//! `*_doc` function its module declares and logs with (assessments, review boards, sign-off
//! rules and conditions, reviews and their actions, validation runs and bias results, settings,
//! seals). Reads only; the comparison itself is `audit::state`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::Workspace;
use crate::audit::state::{self, NotComparable, StateFinding, StateProblem, StateReport};
use crate::audit::{canonical_json, AuditEntry, ENTITY_KINDS};
use crate::Result;

/// A record as stored: its key (as the log's entries lead to it), the id the log names it by,
/// and its audited form.
struct Stored {
    key: String,
    entity_id: String,
    doc: String,
    /// For a measurement: when and by whom it was written (an import writes many under one
    /// entry).
    written: Option<(String, String)>,
}

/// A finding before its record is named.
struct Raw {
    kind: &'static str,
    entity_id: String,
    problem: StateProblem,
    seq: Option<i64>,
    /// The record's document (stored, else logged), to name it by; for an unreadable kind, why.
    doc: Option<String>,
    fields: Vec<state::StateField>,
}

/// The entry with sequence number `seq` (entries are in sequence order).
fn entry_at(entries: &[AuditEntry], seq: i64) -> Option<&AuditEntry> {
    entries
        .binary_search_by_key(&seq, |e| e.seq)
        .ok()
        .map(|i| &entries[i])
}

/// What the latest entry about a record says it became.
struct Claim<'a> {
    seq: i64,
    entity_id: Cow<'a, str>,
    /// None when the entry deleted the record.
    doc: Option<Cow<'a, str>>,
    /// False for an entry that logged a part of the record rather than the whole (an older
    /// Steward's review, board and profile entries).
    comparable: bool,
}

/// Entries that are about an event rather than a record, and what the check learns from them.
#[derive(Default)]
struct Events {
    /// (time, person) of every measurement import: the measurements it wrote carry them.
    imports: HashSet<(String, String)>,
    counts: HashMap<&'static str, i64>,
    /// Entries of a kind Steward does not write (the chain check says whether they are genuine).
    unknown: HashMap<String, i64>,
    /// Mapping profiles set or deleted before their entries named the profile.
    unnamed_profiles: bool,
}

/// Kinds whose entries record an event, not a record, with why they are not compared.
const EVENTS: &[(&str, &str)] = &[
    (
        "measurement_import",
        "an import's entry records the file (its SHA-256), the counts and the values it replaced, \
         not a record to compare; the measurements it wrote are checked as measurements",
    ),
    (
        "system_import",
        "an import's entry records the file (its SHA-256), the counts and the mapping, not a \
         record to compare; every system it added or changed has its own entry, checked as a system",
    ),
    (
        "evidence_import",
        "an import's entry records the file (its SHA-256) and the counts, not a record to compare; \
         every run and bias result it wrote has its own entry, checked as such",
    ),
    (
        "team",
        "records how the workspace was set up for a team (its members' role and grants, members \
         added and removed) or moved in from a laptop; roles and grants are the database \
         server's, not records to compare",
    ),
    (
        "evidence_exception",
        "records that a system passed the pre-deployment gate by its board's evidence exception \
         (the request, the reason and the status signed), not a record to compare; the system's \
         change has its own entry, checked as a system",
    ),
];

/// Fields a kind's records carry from another record (a system's current name), which follow
/// that record and are checked with it, not with this one.
fn joined(kind: &str) -> &'static [&'static [&'static str]] {
    match kind {
        "escalation" | "review_action" => &[&["system"]],
        "tco_scenario" => &[&["scenario", "systems"]],
        _ => &[],
    }
}

fn kind_of(entity: &str) -> Option<&'static str> {
    ENTITY_KINDS
        .iter()
        .find(|(k, _)| *k == entity)
        .map(|(k, _)| *k)
}

fn parse(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

/// What `e` says about records: each (kind, key) and its claim. Most entries speak of one
/// record, their own id, as their `after`; the exceptions are spelled out here.
fn claims<'a>(
    e: &'a AuditEntry,
    events: &mut Events,
    mut put: impl FnMut(&'static str, String, Claim<'a>),
) {
    let Some(kind) = kind_of(&e.entity) else {
        *events.unknown.entry(e.entity.clone()).or_default() += 1;
        return;
    };
    if let Some((k, _)) = EVENTS.iter().find(|(k, _)| *k == kind) {
        *events.counts.entry(k).or_default() += 1;
        if kind == "measurement_import" {
            events.imports.insert((e.at.clone(), e.actor.clone()));
        }
        return;
    }
    let one = |comparable| Claim {
        seq: e.seq,
        entity_id: Cow::Borrowed(e.entity_id.as_str()),
        doc: e.after.as_deref().map(Cow::Borrowed),
        comparable,
    };
    match kind {
        // Starting a retirement logs the whole checklist; each item is a record of its own
        // (`SYSTEM/KEY`), as its later changes log it.
        "decommission" if !e.entity_id.contains('/') => {
            let items = match parse(e.after.as_deref()) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            for item in items {
                let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
                let id = format!("{}/{key}", e.entity_id);
                put(
                    kind,
                    id.clone(),
                    Claim {
                        seq: e.seq,
                        entity_id: Cow::Owned(id),
                        doc: Some(Cow::Owned(canonical_json(&item))),
                        comparable: true,
                    },
                );
            }
        }
        // A completion is of one occurrence of an event: the event's uid and the date.
        "calendar" => {
            let on = parse(e.after.as_deref())
                .and_then(|v| v.get("occurrence")?.as_str().map(str::to_string))
                .unwrap_or_default();
            put(kind, format!("{}#{on}", e.entity_id), one(true));
        }
        // An imported signature is a record of its own: one signer's statement on the request.
        "signoff_request" if e.action == "import_signature" => {
            let v = parse(e.after.as_deref()).unwrap_or(Value::Null);
            let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
            let key = signature_key(&e.entity_id, field("role"), field("signer"));
            put(kind, key, one(true));
        }
        // Entries written before boards and reviews were logged whole hold a part of them.
        "signoff_board" => {
            let whole = parse(e.after.as_deref()).is_some_and(|v| v.get("members").is_some());
            put(kind, e.entity_id.clone(), one(whole));
        }
        "review" => {
            let whole = parse(e.after.as_deref()).is_some_and(|v| v.get("header").is_some());
            put(kind, e.entity_id.clone(), one(whole));
        }
        // A model card's entry logs one revision of it (the one before it as `before`); each
        // revision is a record of its own (`SYSTEM/VERSION/REVISION`), only ever added.
        "model_card" => {
            let n = parse(e.after.as_deref())
                .and_then(|v| v.get("revision")?.as_u64())
                .unwrap_or_default();
            put(kind, format!("{}/{n}", e.entity_id), one(true));
        }
        // Profiles were once all logged as the record "workspace", whichever was saved.
        "import_profile" if e.entity_id == "workspace" => events.unnamed_profiles = true,
        _ => put(kind, e.entity_id.clone(), one(true)),
    }
}

fn signature_key(request: &str, role: &str, signer: &str) -> String {
    format!("{request}/signature/{role}/{signer}")
}

impl Workspace {
    /// Compares every record of every kind the log speaks of with what the log says it became.
    pub(super) fn check_state(&self, entries: &[AuditEntry]) -> Result<StateReport> {
        let mut events = Events::default();
        let mut latest: HashMap<(&'static str, String), Claim<'_>> = HashMap::new();
        for e in entries {
            claims(e, &mut events, |kind, key, claim| {
                latest.insert((kind, key), claim);
            });
        }
        let mut by_kind: HashMap<&'static str, HashMap<String, Claim<'_>>> = HashMap::new();
        for ((kind, key), claim) in latest {
            by_kind.entry(kind).or_default().insert(key, claim);
        }
        let mut report = StateReport {
            records: 0,
            findings: Vec::new(),
            not_comparable: Vec::new(),
        };
        // What each finding is about, named at the end (only when there are findings).
        let mut raw: Vec<Raw> = Vec::new();
        let mut uncompared: HashMap<&'static str, (i64, String)> = HashMap::new();
        let legacy =
            |kind: &'static str, n: &mut HashMap<&'static str, (i64, String)>| {
                let reason = match kind {
                "import_profile" => "logged before entries named the profile they set, so which \
                                     profile an entry set cannot be told",
                _ => "logged before its entries held the whole record (an older Steward logged a \
                      part of it); it is compared again from its next change",
            };
                n.entry(kind).or_insert((0, reason.to_string())).0 += 1;
            };
        let own_file = self.team().is_none() && self.store.copy_mark().is_none();
        for (kind, _) in ENTITY_KINDS {
            if EVENTS.iter().any(|(k, _)| k == kind) {
                continue;
            }
            let mut claims = by_kind.remove(kind).unwrap_or_default();
            let stored = match self.stored(kind) {
                Ok(s) => s,
                Err(e) => {
                    raw.push(Raw {
                        kind,
                        entity_id: String::new(),
                        problem: StateProblem::Unreadable,
                        seq: None,
                        doc: Some(e.to_string()),
                        fields: Vec::new(),
                    });
                    continue;
                }
            };
            for s in stored {
                let claim = claims.remove(&s.key);
                // A measurement an import wrote (or rewrote after its last entry) carries the
                // import's time and person; the import's entry does not list its values.
                if let Some(mark) = &s.written {
                    let own = claim.as_ref().is_some_and(|c| {
                        entry_at(entries, c.seq)
                            .is_some_and(|e| (&e.at, &e.actor) == (&mark.0, &mark.1))
                    });
                    if !own && events.imports.contains(mark) {
                        uncompared
                            .entry(kind)
                            .or_insert((
                                0,
                                "written by an import, whose entry records the file's \
                                            SHA-256 and counts rather than each value: only that \
                                            an import at the measurement's time by its person \
                                            accounts for it is checked"
                                    .to_string(),
                            ))
                            .0 += 1;
                        continue;
                    }
                }
                // A workspace is created plain or encrypted without an entry; only a
                // conversion is logged, and from then on the file must be as it says. A team
                // workspace (kept by its server) and a copy taken of one have no file of that
                // history: their log's conversions are of the laptop workspace pushed in.
                if *kind == "workspace_encryption" && (claim.is_none() || !own_file) {
                    if claim.is_some() {
                        uncompared
                            .entry(kind)
                            .or_insert((
                                0,
                                "a conversion of the laptop workspace this one was pushed from;                                  a team workspace is kept by its server, and a copy of one is                                  encrypted or not as it was taken"
                                    .to_string(),
                            ))
                            .0 += 1;
                    }
                    continue;
                }
                report.records += 1;
                match claim {
                    None if *kind == "import_profile" && events.unnamed_profiles => {
                        legacy(kind, &mut uncompared);
                    }
                    None => raw.push(Raw {
                        kind,
                        entity_id: s.entity_id,
                        problem: StateProblem::Unlogged,
                        seq: None,
                        doc: Some(s.doc),
                        fields: Vec::new(),
                    }),
                    Some(c) if !c.comparable => legacy(kind, &mut uncompared),
                    Some(c) => match &c.doc {
                        None => raw.push(Raw {
                            kind,
                            entity_id: s.entity_id,
                            problem: StateProblem::NotDeleted,
                            seq: Some(c.seq),
                            doc: Some(s.doc),
                            fields: Vec::new(),
                        }),
                        Some(logged) => {
                            let fields = state::differences(logged, &s.doc, joined(kind));
                            if !fields.is_empty() {
                                raw.push(Raw {
                                    kind,
                                    entity_id: s.entity_id,
                                    problem: StateProblem::Changed,
                                    seq: Some(c.seq),
                                    doc: Some(s.doc),
                                    fields,
                                });
                            }
                        }
                    },
                }
            }
            // What the log says exists and is not stored.
            let mut gone: Vec<Claim<'_>> = claims
                .into_values()
                .filter(|c| c.doc.is_some() && c.comparable)
                .collect();
            gone.sort_by_key(|c| c.seq);
            for c in gone {
                report.records += 1;
                raw.push(Raw {
                    kind,
                    entity_id: c.entity_id.into_owned(),
                    problem: StateProblem::Missing,
                    seq: Some(c.seq),
                    doc: c.doc.map(Cow::into_owned),
                    fields: Vec::new(),
                });
            }
        }
        if !raw.is_empty() {
            let names = self.names_for(ENTITY_KINDS.iter().map(|(k, _)| *k))?;
            for Raw {
                kind,
                entity_id,
                problem,
                seq,
                doc,
                fields,
            } in raw
            {
                let label = super::audit::entity_label(kind);
                let (name, message) = if problem == StateProblem::Unreadable {
                    (
                        format!("every {label}"),
                        format!(
                            "{}: {}",
                            state::describe(problem, seq, &fields),
                            doc.unwrap_or_default()
                        ),
                    )
                } else {
                    let mut name = names.record_name(kind, &entity_id, doc.as_deref());
                    // A signature is named by its request, then by who signed it in which role.
                    if let Some(v) = parse(doc.as_deref()).filter(|_| kind == "signoff_request") {
                        if let (Some(who), Some(role)) = (
                            v.get("signer").and_then(Value::as_str),
                            v.get("role").and_then(Value::as_str),
                        ) {
                            name = format!("{name}: signature of {who} as {role}");
                        }
                    }
                    (name, state::describe(problem, seq, &fields))
                };
                report.findings.push(StateFinding {
                    entity: kind.to_string(),
                    entity_label: label,
                    entity_id,
                    name,
                    problem,
                    seq,
                    message,
                    fields,
                });
            }
        }
        for (kind, reason) in EVENTS {
            if let Some(n) = events.counts.get(kind) {
                report.not_comparable.push(NotComparable {
                    entity: kind.to_string(),
                    entity_label: super::audit::entity_label(kind),
                    count: *n,
                    reason: reason.to_string(),
                });
            }
        }
        for (kind, _) in ENTITY_KINDS {
            if let Some((n, reason)) = uncompared.remove(kind) {
                report.not_comparable.push(NotComparable {
                    entity: kind.to_string(),
                    entity_label: super::audit::entity_label(kind),
                    count: n,
                    reason,
                });
            }
        }
        let mut unknown: Vec<(String, i64)> = events.unknown.into_iter().collect();
        unknown.sort();
        for (entity, n) in unknown {
            report.not_comparable.push(NotComparable {
                entity_label: entity.replace('_', " "),
                entity,
                count: n,
                reason: "not a kind of record Steward logs: no stored record to compare with"
                    .into(),
            });
        }
        Ok(report)
    }

    /// Every stored record of `kind` in its audited form, keyed as `claims` keys the entries.
    fn stored(&self, kind: &str) -> Result<Vec<Stored>> {
        let by_id = |id: String, doc: String| Stored {
            key: id.clone(),
            entity_id: id,
            doc,
            written: None,
        };
        let setting = |key: &str, doc: fn(&str) -> String| -> Result<Vec<Stored>> {
            Ok(self
                .store
                .setting(key)?
                .map(|t| by_id("workspace".into(), doc(&t)))
                .into_iter()
                .collect())
        };
        Ok(match kind {
            "system" => self
                .store
                .all_systems()?
                .iter()
                .map(|s| by_id(s.id.to_string(), canonical_json(s)))
                .collect(),
            "milestones" => {
                let mut per: std::collections::BTreeMap<i64, Vec<crate::calendar::Milestone>> =
                    Default::default();
                for m in self.store.milestones(None)? {
                    per.entry(m.system_id).or_default().push(m.milestone);
                }
                per.into_iter()
                    .map(|(sys, ms)| by_id(sys.to_string(), canonical_json(&ms)))
                    .collect()
            }
            "decommission" => self
                .store
                .checklist(None)?
                .iter()
                .map(|i| by_id(format!("{}/{}", i.system_id, i.key), canonical_json(i)))
                .collect(),
            "calendar" => self
                .store
                .completions()?
                .iter()
                .map(|c| Stored {
                    key: format!("{}#{}", c.uid, c.occurrence),
                    entity_id: c.uid.clone(),
                    doc: canonical_json(c),
                    written: None,
                })
                .collect(),
            "calendar_rules" => setting(super::calendar::RULES_KEY, super::setting_doc)?,
            "evidence_policy" => setting(super::evidence::POLICY_KEY, super::setting_doc)?,
            "evidence_run" => self
                .store
                .evidence_runs(None)?
                .iter()
                .map(|r| by_id(r.id.to_string(), super::evidence::run_doc(r)))
                .collect(),
            "evidence_bias" => self
                .store
                .bias_results(None)?
                .iter()
                .map(|b| by_id(b.id.to_string(), super::evidence::bias_doc(b)))
                .collect(),
            "review_rules" => setting(super::review::RULES_KEY, super::setting_doc)?,
            // The target is kept as its canonical JSON and logged as that text.
            "review_budget_target" => setting(super::review::BUDGET_KEY, str::to_string)?,
            "import_profile" => self
                .store
                .settings_with_prefix(super::import::PROFILE_KEY)?
                .into_iter()
                .map(|(key, text)| {
                    by_id(
                        key[super::import::PROFILE_KEY.len()..].to_string(),
                        super::setting_doc(&text),
                    )
                })
                .collect(),
            "assessment" => self
                .store
                .assessments(None)?
                .iter()
                .map(|a| by_id(a.id.to_string(), super::assess::audit_json(a)))
                .collect(),
            "template" => {
                let mut out = Vec::new();
                for r in self.store.template_rows()?.into_iter().filter(|r| r.added) {
                    let origin = format!("workspace template {} {}", r.template_id, r.version);
                    let info = crate::assess::from_snapshot(&r.source, &origin)?.info;
                    out.push(by_id(
                        format!("{} {}", r.template_id, r.version),
                        canonical_json(&info),
                    ));
                }
                out
            }
            "kpi" => self
                .store
                .all_kpis()?
                .iter()
                .map(|k| by_id(k.id.to_string(), canonical_json(k)))
                .collect(),
            "kpi_link" => self
                .store
                .all_links()?
                .iter()
                .map(|l| by_id(l.id.to_string(), canonical_json(l)))
                .collect(),
            "measurement" => self
                .store
                .all_measurements()?
                .iter()
                .map(|m| Stored {
                    written: Some((m.recorded_at.clone(), m.recorded_by.clone())),
                    ..by_id(format!("{}:{}", m.kpi_id, m.period), canonical_json(m))
                })
                .collect(),
            "escalation" => self
                .store
                .escalations()?
                .iter()
                .map(|e| by_id(e.id.to_string(), canonical_json(e)))
                .collect(),
            "escalation_rule" => {
                let mut rules: Vec<(i64, crate::kpi::EscalationRule)> =
                    self.store.escalation_rules()?.into_iter().collect();
                rules.sort_by_key(|(scope, _)| *scope);
                rules
                    .iter()
                    .map(|(scope, r)| {
                        let id = if *scope == 0 {
                            "default".to_string()
                        } else {
                            scope.to_string()
                        };
                        by_id(id, canonical_json(r))
                    })
                    .collect()
            }
            "tco_scenario" => self
                .store
                .all_tco()?
                .iter()
                .map(|s| by_id(s.id.to_string(), canonical_json(s)))
                .collect(),
            "certificate" => self
                .store
                .certificates()?
                .iter()
                .map(|c| by_id(c.fingerprint_sha256.clone(), canonical_json(c)))
                .collect(),
            "signoff_board" => self
                .store
                .boards()?
                .iter()
                .map(|b| by_id(b.id.to_string(), super::signoff::board_doc(b)))
                .collect(),
            "signoff_rule" => self
                .store
                .signoff_rules()?
                .iter()
                .map(|r| {
                    by_id(
                        format!("{}/{}", r.gate, r.risk_tier),
                        super::signoff::rule_doc(&r.board, &r.spec),
                    )
                })
                .collect(),
            "signoff_request" => {
                let mut out = Vec::new();
                for r in self.store.signoff_requests()? {
                    for s in self.store.signoff_signatures(r.id)? {
                        out.push(Stored {
                            key: signature_key(
                                &r.id.to_string(),
                                s.statement.role.key(),
                                &s.statement.signer,
                            ),
                            entity_id: r.id.to_string(),
                            doc: canonical_json(&s.statement),
                            written: None,
                        });
                    }
                    out.push(by_id(r.id.to_string(), canonical_json(&r.doc)));
                }
                out
            }
            "signoff_action" => self
                .store
                .signoff_actions()?
                .iter()
                .map(|a| by_id(a.id.to_string(), super::signoff::action_doc(a)))
                .collect(),
            "review" => self
                .store
                .reviews()?
                .iter()
                .map(|r| by_id(r.id.to_string(), super::review::review_doc(r)))
                .collect(),
            "review_decision" => self
                .store
                .review_decisions(None)?
                .into_iter()
                .map(|d| by_id(format!("{}/{}", d.review_id, d.system_id), d.doc))
                .collect(),
            "review_action" => {
                let periods: HashMap<i64, String> = self
                    .store
                    .reviews()?
                    .into_iter()
                    .map(|r| (r.id, r.period))
                    .collect();
                let systems: HashMap<i64, String> =
                    self.store.system_names()?.into_iter().collect();
                self.store
                    .review_actions(None)?
                    .iter()
                    .map(|a| {
                        let period = periods.get(&a.review_id).map_or("", String::as_str);
                        let system = systems.get(&a.system_id).map_or("", String::as_str);
                        by_id(
                            a.id.to_string(),
                            super::review::review_action_doc(a, period, system),
                        )
                    })
                    .collect()
            }
            // Whether the file is encrypted, as the last conversion logged it.
            "workspace_encryption" => vec![by_id(
                "workspace".into(),
                canonical_json(&serde_json::json!({ "encrypted": self.is_encrypted() })),
            )],
            "model_card" => self
                .store
                .all_card_revisions()?
                .iter()
                .map(|r| Stored {
                    key: super::card::revision_key(r),
                    entity_id: format!("{}/{}", r.system_id, r.model_version),
                    doc: canonical_json(r),
                    written: None,
                })
                .collect(),
            "audit_seal" => self
                .store
                .audit_seals()?
                .iter()
                .map(|s| by_id(s.seq.to_string(), super::seal::seal_doc(s)))
                .collect(),
            _ => Vec::new(),
        })
    }
}
