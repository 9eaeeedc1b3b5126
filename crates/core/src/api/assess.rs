//! Impact assessments kept in the workspace: start one for a system against the current version
//! of a template, save answers half-done, complete it (which locks it and supersedes the previous
//! complete one), accept or override the tier it suggests, and see which assessments were
//! answered against an older template version. Scores and levels come from `assess`; this module
//! decides the lifecycle and writes each change with its audit entry in one transaction.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::systems::{checked, update_audited};
use super::Workspace;
use crate::assess::{
    self, diff, AnswerProblem, Answers, AssessmentResult, QuestionType, Template, TemplateInfo,
    TemplateKind, TemplateSource, BUILTIN_IDS,
};
use crate::audit::canonical_json;
use crate::export::{self, ExportFormat};
use crate::register::{AiSystem, EuAiActCategory, RiskTier};
use crate::report;
use crate::store::{AssessmentRow, Change, TemplateRow, Tx};
use crate::{Error, FieldError, Result};

/// Where an assessment is in its life. "Needs review" is not a status but a flag
/// ([`Assessment::needs_review`]): a draft or complete assessment answered against an older
/// version of its template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AssessmentStatus {
    /// Being answered; answers can change.
    Draft,
    /// Completed and locked.
    Complete,
    /// Completed, then replaced by a newer complete assessment of the same system and template.
    Superseded,
}

impl AssessmentStatus {
    pub const ALL: [AssessmentStatus; 3] = [
        AssessmentStatus::Draft,
        AssessmentStatus::Complete,
        AssessmentStatus::Superseded,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "Draft",
            AssessmentStatus::Complete => "Complete",
            AssessmentStatus::Superseded => "Superseded",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "draft",
            AssessmentStatus::Complete => "complete",
            AssessmentStatus::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<AssessmentStatus> {
        Ok(match s {
            "draft" => AssessmentStatus::Draft,
            "complete" => AssessmentStatus::Complete,
            "superseded" => AssessmentStatus::Superseded,
            other => {
                return Err(Error::Integrity(format!(
                    "an assessment has the unknown status {other:?}"
                )))
            }
        })
    }
}

/// What the person made of the tier a result suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TierDecision {
    /// True when the suggestion was accepted as it is; false for an override.
    pub accepted: bool,
    pub risk_tier: RiskTier,
    pub eu_ai_act_category: Option<EuAiActCategory>,
    /// Why the suggestion was overridden (empty when accepted).
    pub reason: String,
    pub decided_at: String,
    pub decided_by: String,
}

/// A decision to record: accept the suggestion, or override it with a tier (and, for an EU AI
/// Act screening, a category) and a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TierChoice {
    pub accept: bool,
    pub risk_tier: Option<RiskTier>,
    pub eu_ai_act_category: Option<EuAiActCategory>,
    pub reason: String,
}

/// One assessment with its answers and its result.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Assessment {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system_name: String,
    /// The template version it is answered against.
    pub template: TemplateInfo,
    /// The version of the same template that is current in this workspace.
    pub current_version: String,
    pub status: AssessmentStatus,
    /// Draft or complete, and answered against a version older than the current one.
    pub needs_review: bool,
    #[ts(type = "Record<string, unknown>")]
    pub answers: Answers,
    /// The result for the answers (for a draft, what they give so far).
    pub result: AssessmentResult,
    /// Shown single-choice questions answered, and how many are shown (all of them must be
    /// answered to complete).
    pub answered: u32,
    pub shown: u32,
    pub decision: Option<TierDecision>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub completed_by: Option<String>,
    #[ts(type = "number | null")]
    pub superseded_by: Option<i64>,
}

/// One line of an assessment list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentSummary {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub system_id: i64,
    pub system_name: String,
    pub template_id: String,
    pub template_title: String,
    pub template_version: String,
    pub current_version: String,
    pub status: AssessmentStatus,
    pub needs_review: bool,
    /// The headline of the result: "Level III", "High-risk", "GOVERN 2.1 MAP 1.8 ...".
    pub outcome: String,
    pub suggested_risk_tier: Option<RiskTier>,
    pub decision: Option<TierDecision>,
    pub updated_at: String,
    pub completed_at: Option<String>,
}

/// What the questionnaire screen needs after each change of answers: which questions are shown,
/// progress, the live result (when the answers are valid) and every problem with them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Evaluation {
    /// Names of the shown questions, in document order.
    pub visible: Vec<String>,
    /// Names of the shown pages, in order.
    pub pages: Vec<String>,
    pub answered: u32,
    pub shown: u32,
    pub result: Option<AssessmentResult>,
    pub problems: Vec<AnswerProblem>,
}

/// A template as the workspace sees it: the current version, every version it knows, and the
/// assessments answered against an older version, with what changed since.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateStatus {
    pub info: TemplateInfo,
    pub questions: u32,
    /// Whether the questions are in French as well as English.
    pub bilingual: bool,
    pub versions: Vec<String>,
    pub older_in_use: Vec<VersionReview>,
}

/// An older template version still in use, what changed from it to the current version, and the
/// assessments (draft or complete) answered against it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct VersionReview {
    pub version: String,
    pub diff: diff::TemplateDiff,
    pub assessments: Vec<AssessmentSummary>,
}

/// The built-in templates, loaded once per process.
fn builtins() -> Result<&'static [TemplateSource]> {
    static BUILTINS: OnceLock<std::result::Result<Vec<TemplateSource>, String>> = OnceLock::new();
    BUILTINS
        .get_or_init(|| {
            BUILTIN_IDS
                .iter()
                .map(|id| assess::builtin_source(id))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| Error::Integrity(format!("a built-in template does not load: {e}")))
}

fn kind_key(k: TemplateKind) -> &'static str {
    match k {
        TemplateKind::Aia => "aia",
        TemplateKind::EuAiAct => "eu_ai_act",
        TemplateKind::NistAiRmf => "nist_ai_rmf",
    }
}

fn template_row(t: &TemplateSource, added: bool, now: &str, actor: &str) -> TemplateRow {
    TemplateRow {
        template_id: t.template.info.id.clone(),
        version: t.template.info.version.clone(),
        date: t.template.info.date.clone(),
        kind: kind_key(t.template.info.kind).into(),
        title: t.template.info.title.clone(),
        source: t.json.clone(),
        added,
        added_at: now.into(),
        added_by: actor.into(),
    }
}

fn bilingual(t: &Template) -> bool {
    t.questions.iter().any(|q| q.title.fr.is_some())
}

/// The shown single-choice questions (radio groups and drop-downs) left unanswered, and how many
/// are shown. These must be answered to complete; a checkbox question may rightly be left with
/// nothing ticked, and text questions are optional.
fn required(t: &Template, answers: &Answers) -> (Vec<String>, u32) {
    let shown: Vec<_> = assess::visible_questions(t, answers)
        .into_iter()
        .filter(|q| matches!(q.kind, QuestionType::Radiogroup | QuestionType::Dropdown))
        .collect();
    let missing = shown
        .iter()
        .filter(|q| answers.get(&q.name).is_none_or(serde_json::Value::is_null))
        .map(|q| q.name.clone())
        .collect();
    (missing, shown.len() as u32)
}

/// Shown single-choice questions answered, and how many are shown.
fn progress(t: &Template, answers: &Answers) -> (u32, u32) {
    let (missing, shown) = required(t, answers);
    (shown - missing.len() as u32, shown)
}

fn outcome(r: &AssessmentResult) -> String {
    match r {
        AssessmentResult::Aia(a) => format!("Level {}", a.impact_level_label),
        AssessmentResult::EuAiAct(e) => e.category.label().to_string(),
        AssessmentResult::NistAiRmf(n) => {
            let below = n.requirements.len();
            format!("{below} subcategories below {}", n.target_label)
        }
    }
}

/// An assessment's result as a model card shows it: the headline (as lists show it), what backs
/// it (AIA scores, the EU screening's grounds, the NIST profile per function), when it was
/// completed and by whom, and the tier decision.
pub(super) fn card_assessment(a: &Assessment) -> report::CardAssessment {
    let mut details = Vec::new();
    match &a.result {
        AssessmentResult::Aia(r) => {
            details.push(format!(
                "Impact score: {} of {} ({}raw impact {}, mitigation {} of {})",
                r.current_score,
                r.max_raw_impact_score,
                if r.reduction_applied {
                    "15% mitigation reduction applied; "
                } else {
                    ""
                },
                r.raw_impact_score,
                r.mitigation_score,
                r.max_mitigation_score
            ));
            details.push(format!(
                "Requirements of the level: {}",
                r.requirements.len()
            ));
        }
        AssessmentResult::EuAiAct(r) => {
            let grounds: Vec<String> = r
                .findings
                .iter()
                .filter(|f| f.category == r.category)
                .map(|f| format!("{} ({})", f.reference, f.title))
                .collect();
            if !grounds.is_empty() {
                details.push(format!("Grounds: {}", grounds.join("; ")));
            }
            details.push(format!("Obligations: {}", r.requirements.len()));
        }
        AssessmentResult::NistAiRmf(r) => {
            let functions: Vec<String> = r
                .functions
                .iter()
                .map(|f| match f.mean {
                    Some(m) => format!("{} {m:.1}", f.id),
                    None => format!("{} not rated", f.id),
                })
                .collect();
            details.push(format!(
                "Mean maturity by function: {} (target {})",
                functions.join(", "),
                r.target_label
            ));
        }
    }
    let decision = a.decision.as_ref().map_or_else(String::new, |d| {
        if d.accepted {
            format!(
                "Suggested risk tier {} accepted by {}",
                d.risk_tier.label().to_lowercase(),
                d.decided_by
            )
        } else {
            format!(
                "Overridden to a {} risk tier by {}: {}",
                d.risk_tier.label().to_lowercase(),
                d.decided_by,
                d.reason
            )
        }
    });
    report::CardAssessment {
        template_id: a.template.id.clone(),
        template: a.template.title.clone(),
        template_version: a.template.version.clone(),
        outcome: outcome(&a.result),
        details,
        completed: format!(
            "{} by {}",
            a.completed_at
                .as_deref()
                .map_or_else(String::new, report::reader_time),
            a.completed_by.as_deref().unwrap_or_default()
        ),
        decision,
    }
}

fn answer_error(problems: Vec<AnswerProblem>) -> Error {
    Error::Validation {
        entity: "answers",
        fields: problems
            .into_iter()
            .map(|p| FieldError::new(p.question, p.message))
            .collect(),
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        entity: "assessment",
        key: format!("#{id}"),
    }
}

fn parse_answers(row: &AssessmentRow) -> Result<Answers> {
    serde_json::from_str(&row.answers).map_err(|e| {
        Error::Integrity(format!(
            "assessment #{} holds answers that are not a JSON object: {e}",
            row.id
        ))
    })
}

/// The audit form of an assessment row: every column, answers as JSON rather than text.
pub(super) fn audit_json(row: &AssessmentRow) -> String {
    let answers: serde_json::Value =
        serde_json::from_str(&row.answers).unwrap_or(serde_json::Value::Null);
    canonical_json(&serde_json::json!({
        "id": row.id,
        "system_id": row.system_id,
        "template_id": row.template_id,
        "template_version": row.template_version,
        "status": row.status,
        "answers": answers,
        "completed_at": row.completed_at,
        "completed_by": row.completed_by,
        "superseded_by": row.superseded_by,
        "decision": row.decision,
        "decided_tier": row.decided_tier,
        "decided_eu_category": row.decided_eu_category,
        "decision_reason": row.decision_reason,
    }))
}

fn audit(
    tx: &mut Tx<'_>,
    now: &str,
    actor: &str,
    action: &str,
    before: Option<&AssessmentRow>,
    after: &AssessmentRow,
) -> Result<()> {
    tx.append_audit(Change {
        at: now.into(),
        actor,
        entity: "assessment",
        entity_id: after.id.to_string(),
        action,
        before: before.map(audit_json),
        after: Some(audit_json(after)),
    })?;
    Ok(())
}

/// Refuses any change of answers to an assessment that is no longer a draft.
fn check_draft(row: &AssessmentRow) -> Result<()> {
    match AssessmentStatus::parse(&row.status)? {
        AssessmentStatus::Draft => Ok(()),
        AssessmentStatus::Complete => Err(Error::Conflict(format!(
            "assessment #{} is complete and locked: its answers can no longer change; start a new \
             assessment of the system on this template (it will supersede this one when completed)",
            row.id
        ))),
        AssessmentStatus::Superseded => Err(Error::Conflict(format!(
            "assessment #{} was superseded by #{} and is locked: its answers can no longer change",
            row.id,
            row.superseded_by.map_or("?".into(), |s| s.to_string())
        ))),
    }
}

impl Workspace {
    /// Every version of template `id` this workspace can load: the built-in one and those added
    /// to the workspace, current (latest date) last.
    fn candidate_versions(&self, id: &str) -> Result<Vec<TemplateInfo>> {
        let mut out: Vec<TemplateInfo> = builtins()?
            .iter()
            .filter(|t| t.template.info.id == id)
            .map(|t| t.template.info.clone())
            .collect();
        for r in self.store.template_rows()? {
            if r.template_id == id && r.added && !out.iter().any(|i| i.version == r.version) {
                out.push(self.load_template(id, &r.version)?.info);
            }
        }
        out.sort_by(|a, b| {
            (a.date.as_str(), a.version.as_str()).cmp(&(b.date.as_str(), b.version.as_str()))
        });
        Ok(out)
    }

    /// The current version of template `id` (see [`Workspace::assessment_templates`]).
    pub fn current_template(&self, id: &str) -> Result<Template> {
        let versions = self.candidate_versions(id)?;
        let Some(current) = versions.last() else {
            return Err(Error::NotFound {
                entity: "template",
                key: format!("{id} (templates: {})", self.template_ids()?.join(", ")),
            });
        };
        self.load_template(id, &current.version)
    }

    fn template_ids(&self) -> Result<Vec<String>> {
        let mut ids: Vec<String> = BUILTIN_IDS.iter().map(|s| s.to_string()).collect();
        for r in self.store.template_rows()? {
            if r.added && !ids.contains(&r.template_id) {
                ids.push(r.template_id);
            }
        }
        Ok(ids)
    }

    /// One version of a template: the built-in one when it is that version, else the workspace's
    /// snapshot of it.
    pub fn load_template(&self, id: &str, version: &str) -> Result<Template> {
        if let Some(b) = builtins()?
            .iter()
            .find(|t| t.template.info.id == id && t.template.info.version == version)
        {
            return Ok(b.template.clone());
        }
        let row = self
            .store
            .template_row(id, version)?
            .ok_or(Error::NotFound {
                entity: "template version",
                key: format!("{id} {version}"),
            })?;
        assess::from_snapshot(&row.source, &format!("workspace template {id} {version}"))
    }

    /// Adds a template file (a newer version of a built-in template, or a new questionnaire) to
    /// the workspace. The version with the latest date becomes current; assessments answered
    /// against an older version are then listed as needing review. A file with no date (a bare
    /// SurveyJS questionnaire) is dated today.
    pub fn add_template(&mut self, path: &Path) -> Result<TemplateInfo> {
        let mut src = assess::template_file_source(path)?;
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        if src.template.info.date.is_empty() {
            src.template.info.date = self.ctx.clock.today().to_string();
            if src.template.info.kind == TemplateKind::Aia {
                // Keep the snapshot's header in step with the date given to it.
                let mut json: serde_json::Value = serde_json::from_str(&src.json)
                    .map_err(|e| Error::Integrity(format!("template snapshot: {e}")))?;
                json["template"]["date"] =
                    serde_json::Value::String(src.template.info.date.clone());
                src.json = json.to_string();
            }
        }
        let info = src.template.info.clone();
        if let Some(b) = builtins()?
            .iter()
            .find(|b| b.template.info.id == info.id && b.template.info.version == info.version)
        {
            if b.json != src.json {
                return Err(Error::Conflict(format!(
                    "{}: template {} version {} is built into Steward with different content; \
                     give the new file a version of its own",
                    path.display(),
                    info.id,
                    info.version
                )));
            }
        }
        self.store.write(|tx| {
            if let Some(existing) = tx.template_row(&info.id, &info.version)? {
                if existing.source != src.json {
                    return Err(Error::Conflict(format!(
                        "{}: the workspace already holds template {} version {} with different \
                         content; give the new file a version of its own",
                        path.display(),
                        info.id,
                        info.version
                    )));
                }
                if existing.added {
                    return Ok(());
                }
            }
            tx.keep_template(&template_row(&src, true, &now, &actor))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: "template",
                entity_id: format!("{} {}", info.id, info.version),
                action: "add",
                before: None,
                after: Some(canonical_json(&info)),
            })?;
            Ok(())
        })?;
        Ok(info)
    }

    /// Every template with its current version, and for each older version still answered
    /// against, what changed and which assessments need review.
    pub fn assessment_templates(&self) -> Result<Vec<TemplateStatus>> {
        let all = self.assessments(None)?;
        let mut out = Vec::new();
        for id in self.template_ids()? {
            let current = self.current_template(&id)?;
            let mut versions: Vec<String> = self
                .candidate_versions(&id)?
                .into_iter()
                .map(|i| i.version)
                .collect();
            let mut older: Vec<String> = all
                .iter()
                .filter(|a| a.template_id == id && a.needs_review)
                .map(|a| a.template_version.clone())
                .collect();
            older.sort();
            older.dedup();
            let mut older_in_use = Vec::new();
            for v in older {
                if !versions.contains(&v) {
                    versions.insert(0, v.clone());
                }
                let old = self.load_template(&id, &v)?;
                older_in_use.push(VersionReview {
                    diff: diff::diff(&old, &current),
                    assessments: all
                        .iter()
                        .filter(|a| {
                            a.template_id == id && a.template_version == v && a.needs_review
                        })
                        .cloned()
                        .collect(),
                    version: v,
                });
            }
            out.push(TemplateStatus {
                questions: current.questions.len() as u32,
                bilingual: bilingual(&current),
                info: current.info,
                versions,
                older_in_use,
            });
        }
        Ok(out)
    }

    /// Starts a draft assessment of a system against the current version of a template. A
    /// system has at most one draft per template: resume it instead.
    pub fn start_assessment(&mut self, system_id: i64, template_id: &str) -> Result<Assessment> {
        self.create_assessment(system_id, template_id, Answers::new(), "start")
    }

    /// Starts a draft with the answers of an answers file (as the official AIA tool saves it),
    /// checked against the template first: nothing is written when any answer names an unknown
    /// question or choice.
    pub fn import_assessment(
        &mut self,
        system_id: i64,
        template_id: &str,
        answers: Answers,
    ) -> Result<Assessment> {
        self.create_assessment(system_id, template_id, answers, "import")
    }

    fn create_assessment(
        &mut self,
        system_id: i64,
        template_id: &str,
        answers: Answers,
        action: &str,
    ) -> Result<Assessment> {
        self.system(system_id)?;
        let template = self.current_template(template_id)?;
        let problems = assess::validate_answers(&template, &answers);
        if !problems.is_empty() {
            return Err(answer_error(problems));
        }
        // A built-in version is kept in the workspace on first use; an added one already is.
        let source = builtins()?
            .iter()
            .find(|b| {
                b.template.info.id == template.info.id
                    && b.template.info.version == template.info.version
            })
            .cloned();
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        let id = self.store.write(|tx| {
            if let Some(d) = tx
                .assessments_with_status(system_id, template_id, "draft")?
                .first()
            {
                return Err(Error::Conflict(format!(
                    "system #{system_id} already has a draft {template_id} assessment (#{}); \
                     resume it, or complete it first",
                    d.id
                )));
            }
            if let Some(src) = &source {
                tx.keep_template(&template_row(src, false, &now, &actor))?;
            }
            let mut row = AssessmentRow {
                id: 0,
                system_id,
                template_id: template.info.id.clone(),
                template_version: template.info.version.clone(),
                status: AssessmentStatus::Draft.key().into(),
                answers: canonical_json(&answers),
                result: None,
                created_at: now.clone(),
                created_by: actor.clone(),
                updated_at: now.clone(),
                completed_at: None,
                completed_by: None,
                superseded_by: None,
                decision: None,
                decided_tier: None,
                decided_eu_category: None,
                decision_reason: None,
                decided_at: None,
                decided_by: None,
            };
            row.id = tx.insert_assessment(&row)?;
            audit(tx, &now, &actor, action, None, &row)?;
            Ok(row.id)
        })?;
        self.assessment(id)
    }

    /// Changes some answers of a draft: each given answer replaces the saved one, and a null
    /// removes it. Unknown questions and choices are refused, naming both; nothing is saved then.
    pub fn answer_assessment(&mut self, id: i64, changes: Answers) -> Result<Assessment> {
        self.save_answers(id, move |mut a| {
            for (k, v) in changes {
                if v.is_null() {
                    a.remove(&k);
                } else {
                    a.insert(k, v);
                }
            }
            a
        })
    }

    /// Replaces every answer of a draft (the questionnaire screen saves this way).
    pub fn replace_answers(&mut self, id: i64, answers: Answers) -> Result<Assessment> {
        self.save_answers(id, move |_| {
            answers.into_iter().filter(|(_, v)| !v.is_null()).collect()
        })
    }

    fn save_answers(
        &mut self,
        id: i64,
        edit: impl FnOnce(Answers) -> Answers,
    ) -> Result<Assessment> {
        let before = self.store.assessment(id)?.ok_or_else(|| not_found(id))?;
        check_draft(&before)?;
        let template = self.load_template(&before.template_id, &before.template_version)?;
        let answers = edit(parse_answers(&before)?);
        let problems = assess::validate_answers(&template, &answers);
        if !problems.is_empty() {
            return Err(answer_error(problems));
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            // Read again inside the transaction: another window may have completed it.
            let before = tx.assessment(id)?.ok_or_else(|| not_found(id))?;
            check_draft(&before)?;
            let mut after = before.clone();
            after.answers = canonical_json(&answers);
            if after.answers == before.answers {
                return Ok(());
            }
            after.updated_at = now.clone();
            tx.update_assessment(&after)?;
            audit(tx, &now, &actor, "answer", Some(&before), &after)
        })?;
        self.assessment(id)
    }

    /// Completes a draft: every shown choice question must be answered. The assessment is then
    /// locked, and the system's previous complete assessment on the same template is marked
    /// superseded by it (kept, not deleted).
    pub fn complete_assessment(&mut self, id: i64) -> Result<Assessment> {
        let before = self.store.assessment(id)?.ok_or_else(|| not_found(id))?;
        check_draft(&before)?;
        let template = self.load_template(&before.template_id, &before.template_version)?;
        let answers = parse_answers(&before)?;
        let result = assess::score(&template, &answers)?;
        let (missing, _) = required(&template, &answers);
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
            return Err(Error::Validation {
                entity: "assessment",
                fields: vec![FieldError::new(
                    "answers",
                    format!(
                        "{} shown question(s) are not answered yet: {}{}; answer them, then complete",
                        missing.len(),
                        shown.join(", "),
                        if missing.len() > 10 { ", ..." } else { "" }
                    ),
                )],
            });
        }
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx.assessment(id)?.ok_or_else(|| not_found(id))?;
            check_draft(&before)?;
            for old in
                tx.assessments_with_status(before.system_id, &before.template_id, "complete")?
            {
                let mut s = old.clone();
                s.status = AssessmentStatus::Superseded.key().into();
                s.superseded_by = Some(id);
                s.updated_at = now.clone();
                tx.update_assessment(&s)?;
                audit(tx, &now, &actor, "supersede", Some(&old), &s)?;
            }
            let mut after = before.clone();
            after.status = AssessmentStatus::Complete.key().into();
            after.result = Some(canonical_json(&result));
            after.completed_at = Some(now.clone());
            after.completed_by = Some(actor.clone());
            after.updated_at = now.clone();
            tx.update_assessment(&after)?;
            audit(tx, &now, &actor, "complete", Some(&before), &after)
        })?;
        self.assessment(id)
    }

    /// Records what the person makes of the suggested tier of a complete assessment, and sets the
    /// system's risk tier (and, for an EU AI Act screening, its category) to it through the
    /// register's update path. An override needs a tier and a reason.
    pub fn decide_assessment(&mut self, id: i64, choice: TierChoice) -> Result<Assessment> {
        let a = self.assessment(id)?;
        match a.status {
            AssessmentStatus::Complete => {}
            AssessmentStatus::Draft => {
                return Err(Error::Conflict(format!(
                    "assessment #{id} is a draft: complete it before accepting or overriding its \
                     suggested tier"
                )))
            }
            AssessmentStatus::Superseded => {
                return Err(Error::Conflict(format!(
                    "assessment #{id} was superseded by #{}: decide on the newer assessment",
                    a.superseded_by.map_or("?".into(), |s| s.to_string())
                )))
            }
        }
        let Some(suggested) = a.result.suggested_risk_tier() else {
            return Err(Error::Validation {
                entity: "decision",
                fields: vec![FieldError::new(
                    "risk_tier",
                    format!(
                        "a {} assessment suggests no risk tier, so there is nothing to accept or \
                         override; set the tier on the system itself",
                        a.template.title
                    ),
                )],
            });
        };
        let suggested_category = a.result.eu_ai_act_category();
        let reason = choice.reason.trim().to_string();
        let (tier, category) = if choice.accept {
            (suggested, suggested_category)
        } else {
            let mut fields = Vec::new();
            if reason.is_empty() {
                fields.push(FieldError::new(
                    "reason",
                    "an override needs a reason: say why the suggested tier does not fit",
                ));
            }
            let tier = choice.risk_tier;
            if tier.is_none() {
                fields.push(FieldError::new(
                    "risk_tier",
                    format!("an override needs a risk tier ({})", RiskTier::expected()),
                ));
            }
            if choice.eu_ai_act_category.is_some() && suggested_category.is_none() {
                fields.push(FieldError::new(
                    "eu_ai_act_category",
                    "only an EU AI Act screening sets the EU AI Act category",
                ));
            }
            let category = choice.eu_ai_act_category.or(suggested_category);
            if let Some(t) = tier {
                if t == suggested && category == suggested_category && fields.is_empty() {
                    fields.push(FieldError::new(
                        "risk_tier",
                        format!("{t} is the suggested tier: accept the suggestion instead"),
                    ));
                }
            }
            if !fields.is_empty() {
                return Err(Error::Validation {
                    entity: "decision",
                    fields,
                });
            }
            (tier.unwrap_or(suggested), category)
        };
        let now = self.ctx.timestamp();
        let today = self.ctx.clock.today();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx.assessment(id)?.ok_or_else(|| not_found(id))?;
            if before.status != AssessmentStatus::Complete.key() {
                return Err(Error::Conflict(format!(
                    "assessment #{id} changed meanwhile (now {}); reload it",
                    before.status
                )));
            }
            let mut after = before.clone();
            after.decision = Some(
                if choice.accept {
                    "accepted"
                } else {
                    "overridden"
                }
                .into(),
            );
            after.decided_tier = Some(tier.key().into());
            after.decided_eu_category = category.map(|c| c.key().into());
            after.decision_reason = if choice.accept {
                None
            } else {
                Some(reason.clone())
            };
            after.decided_at = Some(now.clone());
            after.decided_by = Some(actor.clone());
            after.updated_at = now.clone();
            tx.update_assessment(&after)?;
            audit(tx, &now, &actor, "decide", Some(&before), &after)?;
            let system = tx.system(before.system_id)?.ok_or(Error::NotFound {
                entity: "system",
                key: before.system_id.to_string(),
            })?;
            let mut d = system.draft.clone();
            d.risk_tier = tier;
            if category.is_some() {
                d.eu_ai_act_category = category;
            }
            if d != system.draft {
                let d = checked(d, today)?;
                update_audited(tx, &system, &d, &now, &actor, "assessment")?;
            }
            Ok(())
        })?;
        self.assessment(id)
    }

    /// One assessment with its answers and result.
    pub fn assessment(&self, id: i64) -> Result<Assessment> {
        let row = self.store.assessment(id)?.ok_or_else(|| not_found(id))?;
        let system = self.system(row.system_id)?;
        let current = self.current_template(&row.template_id)?;
        self.view(row, &system, &current.info.version)
    }

    fn view(
        &self,
        row: AssessmentRow,
        system: &AiSystem,
        current_version: &str,
    ) -> Result<Assessment> {
        let template = self.load_template(&row.template_id, &row.template_version)?;
        let answers = parse_answers(&row)?;
        let result = assess::score(&template, &answers)?;
        let (answered, shown) = progress(&template, &answers);
        let status = AssessmentStatus::parse(&row.status)?;
        let decision = match (&row.decision, &row.decided_tier) {
            (Some(d), Some(t)) => Some(TierDecision {
                accepted: d == "accepted",
                risk_tier: RiskTier::parse(t).ok_or_else(|| {
                    Error::Integrity(format!("assessment #{} has the unknown tier {t:?}", row.id))
                })?,
                eu_ai_act_category: row
                    .decided_eu_category
                    .as_deref()
                    .and_then(EuAiActCategory::parse),
                reason: row.decision_reason.clone().unwrap_or_default(),
                decided_at: row.decided_at.clone().unwrap_or_default(),
                decided_by: row.decided_by.clone().unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(Assessment {
            id: row.id,
            system_id: row.system_id,
            system_name: system.draft.name.clone(),
            needs_review: status != AssessmentStatus::Superseded
                && row.template_version != current_version,
            current_version: current_version.to_string(),
            template: template.info,
            status,
            answers,
            result,
            answered,
            shown,
            decision,
            created_at: row.created_at,
            created_by: row.created_by,
            updated_at: row.updated_at,
            completed_at: row.completed_at,
            completed_by: row.completed_by,
            superseded_by: row.superseded_by,
        })
    }

    /// Writes an assessment to `out` as .xlsx (result, answers with their points, requirements,
    /// each an Excel table) or as one .csv table. Written through a temporary file: a failed
    /// export leaves nothing.
    pub fn export_assessment(&self, id: i64, format: ExportFormat, out: &Path) -> Result<()> {
        let a = self.assessment(id)?;
        let t = self.load_template(&a.template.id, &a.template.version)?;
        let now = self.ctx.clock.now();
        match format {
            ExportFormat::Xlsx => {
                let workspace = self
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| ":memory:".into());
                let model = report::assessment_report(&a, &t, &workspace, now, &self.ctx.actor);
                let bytes = report::render_xlsx(&model)?;
                crate::files::write_atomically(out, &bytes)
            }
            ExportFormat::Csv => {
                export::write_file(&report::assessment_sheet(&a, &t, now), format, out)
            }
        }
    }

    /// Every assessment, or those of one system, newest first.
    pub fn assessments(&self, system_id: Option<i64>) -> Result<Vec<AssessmentSummary>> {
        if let Some(s) = system_id {
            self.system(s)?;
        }
        let mut current: Vec<(String, String)> = Vec::new();
        let mut out = Vec::new();
        for row in self.store.assessments(system_id)? {
            let cv = match current.iter().find(|(id, _)| *id == row.template_id) {
                Some((_, v)) => v.clone(),
                None => {
                    let v = self.current_template(&row.template_id)?.info.version;
                    current.push((row.template_id.clone(), v.clone()));
                    v
                }
            };
            let system = self.system(row.system_id)?;
            let a = self.view(row, &system, &cv)?;
            out.push(AssessmentSummary {
                id: a.id,
                system_id: a.system_id,
                system_name: a.system_name,
                template_id: a.template.id.clone(),
                template_title: a.template.title.clone(),
                template_version: a.template.version.clone(),
                current_version: a.current_version,
                status: a.status,
                needs_review: a.needs_review,
                outcome: outcome(&a.result),
                suggested_risk_tier: a.result.suggested_risk_tier(),
                decision: a.decision,
                updated_at: a.updated_at,
                completed_at: a.completed_at,
            });
        }
        Ok(out)
    }

    /// What the questionnaire shows for these answers: visible questions and pages, progress, the
    /// live result when the answers are valid, and every problem with them.
    pub fn evaluate_answers(
        &self,
        template_id: &str,
        version: &str,
        answers: &Answers,
    ) -> Result<Evaluation> {
        let t = self.load_template(template_id, version)?;
        evaluate(&t, answers)
    }
}

/// [`Workspace::evaluate_answers`] on a loaded template.
pub fn evaluate(t: &Template, answers: &Answers) -> Result<Evaluation> {
    let problems = assess::validate_answers(t, answers);
    let visible_q = assess::visible_questions(t, answers);
    let mut pages: Vec<String> = Vec::new();
    for q in &visible_q {
        let p = &t.page_of(q).name;
        if !pages.contains(p) {
            pages.push(p.clone());
        }
    }
    let visible = visible_q.iter().map(|q| q.name.clone()).collect();
    let (answered, shown) = progress(t, answers);
    let result = if problems.is_empty() {
        Some(assess::score(t, answers)?)
    } else {
        None
    };
    Ok(Evaluation {
        visible,
        pages,
        answered,
        shown,
        result,
        problems,
    })
}
