//! Model cards kept in the workspace: per system and model version label, each save a new
//! revision with its audit entry (in one transaction), read back, compared with the revision
//! before it field by field (`audit::diff_fields`, the one diff), and rendered from the workspace
//! at the time (the register record, the latest assessment results, the version's validation
//! evidence with its status against the policy in force) as the app's preview, a signed PDF and
//! Markdown with YAML metadata. What a card's fields are and which are required is
//! `steward_domain::card`; how it is laid out is `report::card`.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::audit::{self, canonical_json, AuditChange};
use crate::card::{self, CardFields, CardRevision, CARD_FIELDS};
use crate::evidence as ev;
use crate::register::AiSystem;
use crate::report::{self, CardEvidence, ModelCard, Report};
use crate::sign::{pdf, Signer};
use crate::store::Change;
use crate::{Error, FieldError, Result};

const ENTITY: &str = "model_card";

/// The formats a card exports to.
pub const CARD_FORMATS: &str = "md (Markdown with YAML metadata), pdf (signed) or toml (the \
                                fields, to edit and read back with a draft file)";

/// One card of a system (one model version) as the list shows it: its latest revision and how
/// many it has.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardSummary {
    pub model_version: String,
    pub revisions: u32,
    pub latest: CardRevision,
}

/// What a save did: the revision the card is at, and whether the save made it (false when the
/// fields were the latest revision's already, and nothing was written).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardSave {
    pub revision: CardRevision,
    pub created: bool,
}

/// A revision of a card against an earlier one (by default the one before it), field by field in
/// the card's order; each value as canonical JSON, None where the field is empty or absent.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardDiff {
    pub system: String,
    pub model_version: String,
    pub revision: u32,
    /// The revision compared with; None for the first revision (every field is new).
    pub against: Option<u32>,
    pub changes: Vec<AuditChange>,
}

/// A card as the app shows it: the content, laid out as the PDF prints it, the Markdown as it
/// is exported, and every revision of this model version, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CardView {
    pub card: ModelCard,
    pub preview: Report,
    pub markdown: String,
    pub history: Vec<CardRevision>,
}

/// A card's fields as the audit log and the diff compare them: empty optional fields left out.
fn fields_value(f: &CardFields) -> serde_json::Value {
    serde_json::to_value(f).unwrap_or(serde_json::Value::Null)
}

/// Every problem of a list of (field, text) changes: each name that is no field of a card.
fn set_all(fields: &mut CardFields, changes: &[(String, String)], origin: &str) -> Result<()> {
    let mut bad = Vec::new();
    for (name, text) in changes {
        if let Err(m) = fields.set(name, text) {
            bad.push(FieldError::new(format!("{origin}{name}"), m));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation {
            entity: "model card",
            fields: bad,
        })
    }
}

impl Workspace {
    /// The cards of a system, one per model version, in the order they were first saved.
    pub fn cards(&self, system: &str) -> Result<Vec<CardSummary>> {
        let sys = self.find_system(system)?;
        Ok(self
            .store
            .latest_cards(sys.id)?
            .into_iter()
            .map(|(latest, revisions)| CardSummary {
                model_version: latest.model_version.clone(),
                revisions,
                latest,
            })
            .collect())
    }

    /// Every revision of the card of `version` of a system, oldest first.
    pub fn card_history(&self, system: &str, version: &str) -> Result<Vec<CardRevision>> {
        let sys = self.find_system(system)?;
        self.revisions_of(&sys, Some(version))
    }

    /// The revisions of a system's card of `version` (ignoring case), or of the version saved
    /// most recently when none is given; refused naming the system and the versions it has.
    fn revisions_of(&self, sys: &AiSystem, version: Option<&str>) -> Result<Vec<CardRevision>> {
        let versions = || -> Result<Vec<String>> {
            Ok(self
                .store
                .latest_cards(sys.id)?
                .into_iter()
                .map(|(r, _)| r.model_version)
                .collect())
        };
        let label = match version {
            Some(v) => card::version_label(v)?,
            None => {
                let latest = self
                    .store
                    .latest_cards(sys.id)?
                    .into_iter()
                    .max_by(|a, b| a.0.saved_at.cmp(&b.0.saved_at));
                match latest {
                    Some((r, _)) => r.model_version,
                    None => {
                        return Err(Error::NotFound {
                            entity: "model card",
                            key: format!("{} has no model card yet", sys.draft.name),
                        })
                    }
                }
            }
        };
        let revs = self.store.card_revisions(sys.id, &label)?;
        if revs.is_empty() {
            let known = versions()?;
            return Err(Error::NotFound {
                entity: "model card",
                key: if known.is_empty() {
                    format!(
                        "{} has no model card yet (asked for version {label:?})",
                        sys.draft.name
                    )
                } else {
                    format!(
                        "{} has no card of model version {label:?}; its versions are {}",
                        sys.draft.name,
                        known.join(", ")
                    )
                },
            });
        }
        Ok(revs)
    }

    /// Revision `revision` (the latest when None) among `revs` (oldest first, not empty).
    fn pick(sys: &AiSystem, revs: &[CardRevision], revision: Option<u32>) -> Result<CardRevision> {
        let last = revs.last().ok_or_else(|| Error::NotFound {
            entity: "model card",
            key: sys.draft.name.clone(),
        })?;
        match revision {
            None => Ok(last.clone()),
            Some(n) => revs
                .iter()
                .find(|r| r.revision == n)
                .cloned()
                .ok_or_else(|| Error::NotFound {
                    entity: "model card revision",
                    key: format!(
                        "{n} of the card of {} version {}; {}",
                        sys.draft.name,
                        last.model_version,
                        match last.revision {
                            1 => "its only revision is 1".to_string(),
                            l => format!("it has revisions 1 to {l}"),
                        }
                    ),
                }),
        }
    }

    /// Saves `fields` as the next revision of the card of `version` of a system (its first
    /// revision when the system has no card of that version). The fields are normalised and
    /// checked first; every problem is returned at once and nothing is written. Saving the
    /// latest revision's fields again writes nothing.
    pub fn save_card(
        &mut self,
        system: &str,
        version: &str,
        fields: CardFields,
    ) -> Result<CardSave> {
        let sys = self.find_system(system)?;
        let label = card::version_label(version)?;
        let fields = fields.normalised();
        card::validate(&fields)?;
        let (now, actor) = (self.ctx.timestamp(), self.ctx.actor.clone());
        self.store.write(|tx| {
            let revs = tx.card_revisions(sys.id, &label)?;
            let prev = revs.last();
            if let Some(p) = prev.filter(|p| p.fields == fields) {
                return Ok(CardSave {
                    revision: p.clone(),
                    created: false,
                });
            }
            let rev = CardRevision {
                system_id: sys.id,
                // The label as first saved, so a card keeps one spelling.
                model_version: prev.map_or(label.clone(), |p| p.model_version.clone()),
                revision: prev.map_or(1, |p| p.revision + 1),
                saved_at: now.clone(),
                saved_by: actor.clone(),
                fields: fields.clone(),
            };
            tx.insert_card_revision(&rev, &canonical_json(&fields_value(&rev.fields)))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: ENTITY,
                entity_id: card_id(&rev),
                action: if prev.is_some() { "revise" } else { "create" },
                before: prev.map(canonical_json),
                after: Some(canonical_json(&rev)),
            })?;
            Ok(CardSave {
                revision: rev,
                created: true,
            })
        })
    }

    /// Sets the fields named in `changes` (each a field's key or label, with its text; "" empties
    /// it) on the latest revision of the card of `version` (on an empty card when there is none)
    /// and saves the result as the next revision. A name that is no field is refused, naming it
    /// and the fields there are; nothing is written.
    pub fn edit_card(
        &mut self,
        system: &str,
        version: &str,
        changes: &[(String, String)],
    ) -> Result<CardSave> {
        let sys = self.find_system(system)?;
        let label = card::version_label(version)?;
        let mut fields = self
            .store
            .card_revisions(sys.id, &label)?
            .pop()
            .map(|r| r.fields)
            .unwrap_or_default();
        set_all(&mut fields, changes, "")?;
        self.save_card(&sys.id.to_string(), &label, fields)
    }

    /// Reads a draft file (TOML: each field's key or label = its text) and saves it as
    /// [`Workspace::edit_card`] does: the fields the file names are set, the others kept. Every
    /// problem names the file and the key.
    pub fn edit_card_from_file(
        &mut self,
        system: &str,
        version: &str,
        path: &Path,
    ) -> Result<CardSave> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let changes = card::read_draft(&text).map_err(|fields| Error::Validation {
            entity: "model card draft",
            fields: fields
                .into_iter()
                .map(|f| FieldError::new(format!("{}: {}", path.display(), f.field), f.message))
                .collect(),
        })?;
        self.edit_card(system, version, &changes)
    }

    /// The card as rendered now: revision `revision` (the latest when None) of the card of
    /// `version` (the most recently saved version when None), with the system's register record
    /// and its latest complete assessments as they are today.
    pub fn model_card(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
    ) -> Result<ModelCard> {
        let sys = self.find_system(system)?;
        let revs = self.revisions_of(&sys, version)?;
        let rev = Self::pick(&sys, &revs, revision)?;
        self.render(sys, rev, revs.len() as u32)
    }

    fn render(&self, sys: AiSystem, revision: CardRevision, revisions: u32) -> Result<ModelCard> {
        let mut assessments = Vec::new();
        let mut done: Vec<String> = Vec::new();
        // Newest first: the first complete one of each template is its latest.
        for a in self.assessments(Some(sys.id))? {
            if a.status != super::assess::AssessmentStatus::Complete
                || done.contains(&a.template_id)
            {
                continue;
            }
            done.push(a.template_id.clone());
            assessments.push(super::assess::card_assessment(&self.assessment(a.id)?));
        }
        assessments.reverse();
        let evidence = self.card_evidence(&sys, &revision.model_version)?;
        Ok(ModelCard {
            system: sys,
            revision,
            revisions,
            assessments,
            evidence,
            workspace: report::workspace_label(self),
            rendered_at: self.ctx.clock.now(),
        })
    }

    /// The evidence of a card's model version (`label`, matched ignoring case as card labels
    /// are): its runs and bias results, newest first, and their status on today against the
    /// policy in force for the system's tier, as `evidence::status` judges it. None when
    /// nothing is recorded for the version.
    fn card_evidence(&self, sys: &AiSystem, label: &str) -> Result<Option<CardEvidence>> {
        let policy = self.evidence_policy()?;
        let today = self.ctx.clock.today();
        let (runs, bias) = self.store.read(|tx| {
            Ok((
                tx.evidence_runs(Some(sys.id))?,
                tx.bias_results(Some(sys.id))?,
            ))
        })?;
        let version = runs
            .iter()
            .map(|r| &r.draft.model_version)
            .chain(bias.iter().map(|b| &b.draft.model_version))
            .find(|v| v.eq_ignore_ascii_case(label))
            .cloned();
        let Some(version) = version else {
            return Ok(None);
        };
        let tier = sys.draft.risk_tier;
        let status = ev::status(policy.tier(tier), tier, &version, &runs, &bias, today);
        Ok(Some(CardEvidence {
            status,
            runs: runs
                .into_iter()
                .rev()
                .filter(|r| r.draft.model_version == version)
                .collect(),
            bias: bias
                .into_iter()
                .rev()
                .filter(|b| b.draft.model_version == version)
                .collect(),
        }))
    }

    /// The card as the app shows it: content, the layout the PDF prints, the Markdown, and the
    /// revisions of its model version.
    pub fn card_view(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
    ) -> Result<CardView> {
        let sys = self.find_system(system)?;
        let history = self.revisions_of(&sys, version)?;
        let rev = Self::pick(&sys, &history, revision)?;
        let card = self.render(sys, rev, history.len() as u32)?;
        Ok(CardView {
            preview: report::card_report(&card, &self.ctx.actor),
            markdown: report::card_markdown(&card)?,
            card,
            history,
        })
    }

    /// Revision `revision` (the latest when None) of a card against revision `against` (the one
    /// before it when None), field by field.
    pub fn card_diff(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
        against: Option<u32>,
    ) -> Result<CardDiff> {
        let sys = self.find_system(system)?;
        let revs = self.revisions_of(&sys, version)?;
        let rev = Self::pick(&sys, &revs, revision)?;
        let base = match against {
            Some(n) => Some(Self::pick(&sys, &revs, Some(n))?),
            None if rev.revision > 1 => Some(Self::pick(&sys, &revs, Some(rev.revision - 1))?),
            None => None,
        };
        let mut changes = audit::diff_fields(
            "",
            base.as_ref().map(|b| fields_value(&b.fields)).as_ref(),
            Some(&fields_value(&rev.fields)),
        );
        // In the card's order, as it is read.
        changes.sort_by_key(|c| CARD_FIELDS.iter().position(|s| s.key == c.field));
        Ok(CardDiff {
            system: sys.draft.name,
            model_version: rev.model_version,
            revision: rev.revision,
            against: base.map(|b| b.revision),
            changes,
        })
    }

    /// The card as Markdown with YAML metadata.
    pub fn card_markdown(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
    ) -> Result<String> {
        report::card_markdown(&self.model_card(system, version, revision)?)
    }

    /// The card as a PDF signed by `signer`.
    pub fn card_pdf(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
        signer: &Signer,
    ) -> Result<Vec<u8>> {
        let card = self.model_card(system, version, revision)?;
        let at = self.ctx.clock.now();
        let mut model = report::card_report(&card, &self.ctx.actor);
        model.signature = Some(super::pack::signature_block(signer, at));
        let bytes = report::render_pdf(&model)?;
        pdf::sign_pdf(&bytes, signer, at, "Model card issued by Steward")
    }

    /// The card's fields as a TOML draft, which `edit_card_from_file` reads back.
    pub fn card_toml(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
    ) -> Result<String> {
        let card = self.model_card(system, version, revision)?;
        Ok(card::draft_toml(
            &format!(
                "Model card of {}, model version {}, revision {} of {}.\nEdit the fields and \
                 read the file back as the card's next revision.",
                card.system.draft.name,
                card.revision.model_version,
                card.revision.revision,
                card.revisions
            ),
            &card.revision.fields,
        ))
    }

    /// Writes a card to `out` as `format` (md, pdf or toml); a PDF needs `signer` and is signed.
    /// Returns the bytes written; a failed export leaves no file.
    pub fn write_card_export(
        &self,
        system: &str,
        version: Option<&str>,
        revision: Option<u32>,
        format: &str,
        signer: Option<&Signer>,
        out: &Path,
    ) -> Result<usize> {
        let f = format.trim().trim_start_matches('.').to_ascii_lowercase();
        let bytes = match f.as_str() {
            "md" | "markdown" => self.card_markdown(system, version, revision)?.into_bytes(),
            "toml" => self.card_toml(system, version, revision)?.into_bytes(),
            "pdf" => {
                let s = signer.ok_or_else(|| Error::Remedied {
                    error: Box::new(format_error(
                        "a model card's PDF is always signed: it needs your signing identity",
                    )),
                    remedy: crate::error::Remedy::CreateIdentity,
                })?;
                self.card_pdf(system, version, revision, s)?
            }
            other => {
                return Err(format_error(format!(
                    "unknown format {other:?}; expected {CARD_FORMATS}"
                )))
            }
        };
        crate::files::write_atomically(out, &bytes)?;
        Ok(bytes.len())
    }
}

/// The audit log's id of a card: its system and model version.
fn card_id(r: &CardRevision) -> String {
    format!("{}/{}", r.system_id, r.model_version)
}

/// The key `audit verify` gives one revision: its card and number.
pub(super) fn revision_key(r: &CardRevision) -> String {
    format!("{}/{}", card_id(r), r.revision)
}

fn format_error(message: impl Into<String>) -> Error {
    Error::Validation {
        entity: "model card export",
        fields: vec![FieldError::new("format", message)],
    }
}
