//! Rows of the `assessments` and `assessment_templates` tables. Plain rows in, plain rows out:
//! which status changes are allowed is decided by `api::assess`.

use super::{Store, Tx};
use crate::sql::{args, Row};
use steward_domain::Result;

/// One stored template version: its identity and its self-contained JSON snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRow {
    pub template_id: String,
    pub version: String,
    pub date: String,
    pub kind: String,
    pub title: String,
    pub source: String,
    /// Added by a person (and so a candidate for the current version), not only kept for an
    /// assessment.
    pub added: bool,
    pub added_at: String,
    pub added_by: String,
}

/// One assessment as stored; answers and result are canonical JSON texts.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRow {
    pub id: i64,
    pub system_id: i64,
    pub template_id: String,
    pub template_version: String,
    pub status: String,
    pub answers: String,
    pub result: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub completed_by: Option<String>,
    pub superseded_by: Option<i64>,
    pub decision: Option<String>,
    pub decided_tier: Option<String>,
    pub decided_eu_category: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
}

const TEMPLATE_COLUMNS: &str =
    "template_id, version, date, kind, title, source, added, added_at, added_by";

const COLUMNS: &str = "id, system_id, template_id, template_version, status, answers, result,
    created_at, created_by, updated_at, completed_at, completed_by, superseded_by, decision,
    decided_tier, decided_eu_category, decision_reason, decided_at, decided_by";

fn template_row(r: &Row<'_>) -> Result<TemplateRow> {
    Ok(TemplateRow {
        template_id: r.get(0)?,
        version: r.get(1)?,
        date: r.get(2)?,
        kind: r.get(3)?,
        title: r.get(4)?,
        source: r.get(5)?,
        added: r.get::<i64>(6)? == 1,
        added_at: r.get(7)?,
        added_by: r.get(8)?,
    })
}

fn row(r: &Row<'_>) -> Result<AssessmentRow> {
    Ok(AssessmentRow {
        id: r.get(0)?,
        system_id: r.get(1)?,
        template_id: r.get(2)?,
        template_version: r.get(3)?,
        status: r.get(4)?,
        answers: r.get(5)?,
        result: r.get(6)?,
        created_at: r.get(7)?,
        created_by: r.get(8)?,
        updated_at: r.get(9)?,
        completed_at: r.get(10)?,
        completed_by: r.get(11)?,
        superseded_by: r.get(12)?,
        decision: r.get(13)?,
        decided_tier: r.get(14)?,
        decided_eu_category: r.get(15)?,
        decision_reason: r.get(16)?,
        decided_at: r.get(17)?,
        decided_by: r.get(18)?,
    })
}

impl Tx<'_> {
    /// Keeps a template version; an existing row with the same id and version is left as it is,
    /// except that `added` is raised to 1 when a person adds a version already kept.
    pub fn keep_template(&mut self, t: &TemplateRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO assessment_templates (template_id, version, date, kind, title, source,
                                               added, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (template_id, version) DO UPDATE SET added = CASE
                 WHEN excluded.added > assessment_templates.added THEN excluded.added
                 ELSE assessment_templates.added END",
            &args![
                t.template_id,
                t.version,
                t.date,
                t.kind,
                t.title,
                t.source,
                i64::from(t.added),
                t.added_at,
                t.added_by
            ],
        )?;
        Ok(())
    }

    pub fn template_row(&self, id: &str, version: &str) -> Result<Option<TemplateRow>> {
        self.tx.query_opt(
            &format!(
                "SELECT {TEMPLATE_COLUMNS} FROM assessment_templates
                 WHERE template_id = ?1 AND version = ?2"
            ),
            &args![id, version],
            template_row,
        )
    }

    pub fn insert_assessment(&mut self, a: &AssessmentRow) -> Result<i64> {
        self.tx.query_one(
            "INSERT INTO assessments (id, system_id, template_id, template_version, status, answers,
                                      result, created_at, created_by, updated_at)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM assessments), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            &args![
                a.system_id,
                a.template_id,
                a.template_version,
                a.status,
                a.answers,
                a.result,
                a.created_at,
                a.created_by,
                a.updated_at
            ],
            |r| r.get(0),
        )
    }

    /// Writes every mutable column of an assessment.
    pub fn update_assessment(&mut self, a: &AssessmentRow) -> Result<()> {
        self.tx.execute(
            "UPDATE assessments SET status = ?2, answers = ?3, result = ?4, updated_at = ?5,
                 completed_at = ?6, completed_by = ?7, superseded_by = ?8, decision = ?9,
                 decided_tier = ?10, decided_eu_category = ?11, decision_reason = ?12,
                 decided_at = ?13, decided_by = ?14
             WHERE id = ?1",
            &args![
                a.id,
                a.status,
                a.answers,
                a.result,
                a.updated_at,
                a.completed_at,
                a.completed_by,
                a.superseded_by,
                a.decision,
                a.decided_tier,
                a.decided_eu_category,
                a.decision_reason,
                a.decided_at,
                a.decided_by
            ],
        )?;
        Ok(())
    }

    pub fn assessment(&self, id: i64) -> Result<Option<AssessmentRow>> {
        self.tx.query_opt(
            &format!("SELECT {COLUMNS} FROM assessments WHERE id = ?1"),
            &args![id],
            row,
        )
    }

    /// The assessments of one system on one template (any version) with this status, oldest
    /// first.
    /// The complete (not superseded) assessments of a system, oldest first.
    pub fn complete_assessments(&self, system_id: i64) -> Result<Vec<AssessmentRow>> {
        self.tx.query(
            &format!(
                "SELECT {COLUMNS} FROM assessments
                 WHERE system_id = ?1 AND status = 'complete' ORDER BY id"
            ),
            &args![system_id],
            row,
        )
    }

    pub fn assessments_with_status(
        &self,
        system_id: i64,
        template_id: &str,
        status: &str,
    ) -> Result<Vec<AssessmentRow>> {
        self.tx.query(
            &format!(
                "SELECT {COLUMNS} FROM assessments
                 WHERE system_id = ?1 AND template_id = ?2 AND status = ?3 ORDER BY id"
            ),
            &args![system_id, template_id, status],
            row,
        )
    }
}

impl Store {
    pub fn assessment(&self, id: i64) -> Result<Option<AssessmentRow>> {
        self.conn.query_opt(
            &format!("SELECT {COLUMNS} FROM assessments WHERE id = ?1"),
            &args![id],
            row,
        )
    }

    /// Every assessment, or those of one system, newest first.
    pub fn assessments(&self, system_id: Option<i64>) -> Result<Vec<AssessmentRow>> {
        self.conn.query(
            &format!(
                "SELECT {COLUMNS} FROM assessments
                 WHERE CAST(?1 AS BIGINT) IS NULL OR system_id = ?1 ORDER BY id DESC"
            ),
            &args![system_id],
            row,
        )
    }

    /// Every template version kept in the workspace, by id then date.
    pub fn template_rows(&self) -> Result<Vec<TemplateRow>> {
        self.conn.query(
            &format!(
                "SELECT {TEMPLATE_COLUMNS} FROM assessment_templates ORDER BY template_id, date, version"
            ),
            &[],
            template_row,
        )
    }

    pub fn template_row(&self, id: &str, version: &str) -> Result<Option<TemplateRow>> {
        self.conn.query_opt(
            &format!(
                "SELECT {TEMPLATE_COLUMNS} FROM assessment_templates
                 WHERE template_id = ?1 AND version = ?2"
            ),
            &args![id, version],
            template_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::super::{Store, APPLICATION_ID, MIGRATIONS};

    #[test]
    fn assessment_tables_arrive_on_a_database_made_by_0002() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("steward.db");
        {
            let conn = Connection::open(&path).expect("creates the file");
            for sql in &MIGRATIONS[..2] {
                conn.execute_batch(sql).expect("0001 and 0002 apply");
            }
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .expect("marks it as ours");
            conn.pragma_update(None, "user_version", 2)
                .expect("schema 2");
            conn.execute(
                "INSERT INTO systems (name, business_unit, owner, sourcing, stage,
                     regulated_domain, risk_tier, data_sensitivity, created_at, updated_at)
                 VALUES ('Old', 'Ops', 'Ann', 'in_house', 'proposed', 'none', 'low', 'internal',
                     '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                [],
            )
            .expect("a system made under schema 2");
        }
        let store = Store::open(&path).expect("opens and upgrades");
        assert_eq!(
            store.schema_version().expect("reads"),
            MIGRATIONS.len() as i64,
            "0003 to the latest were applied on top of 0002"
        );
        assert!(
            store
                .assessments(None)
                .expect("the new table exists")
                .is_empty(),
            "an upgraded workspace starts with no assessments"
        );
        assert!(
            store.system_by_name("Old").expect("reads").is_some(),
            "the system made before the upgrade survives it"
        );
    }
}
