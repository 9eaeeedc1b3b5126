//! Rows of `model_cards`: each saved revision of a model card, keyed by system, model version
//! label (compared ignoring case) and revision number. Revisions are only ever added; the fields
//! are one canonical JSON document.

use super::{Store, Tx};
use crate::sql::{args, Arg, Conn, Row};
use steward_domain::card::{CardFields, CardRevision};
use steward_domain::{Error, Result};

const COLUMNS: &str = "system_id, model_version, revision, fields, saved_at, saved_by";

fn raw(r: &Row<'_>) -> Result<(i64, String, u32, String, String, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn revision(
    (system_id, model_version, revision, fields, saved_at, saved_by): (
        i64,
        String,
        u32,
        String,
        String,
        String,
    ),
) -> Result<CardRevision> {
    let fields: CardFields = serde_json::from_str(&fields).map_err(|e| {
        Error::Integrity(format!(
            "revision {revision} of the model card of system {system_id}, version \
             {model_version:?}, cannot be read back: {e}"
        ))
    })?;
    Ok(CardRevision {
        system_id,
        model_version,
        revision,
        saved_at,
        saved_by,
        fields,
    })
}

fn query(conn: &Conn, sql: &str, args: &[Arg<'_>]) -> Result<Vec<CardRevision>> {
    conn.query(sql, args, |r| revision(raw(r)?))
}

/// The revisions of one card (the version label compared ignoring case), oldest first.
fn revisions(conn: &Conn, system_id: i64, version: &str) -> Result<Vec<CardRevision>> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM model_cards WHERE system_id = ?1 AND model_version = ?2
             ORDER BY revision"
        ),
        &args![system_id, version],
    )
}

impl Tx<'_> {
    /// Adds a revision; one of the same system, version and number is refused.
    pub fn insert_card_revision(&mut self, r: &CardRevision, fields_json: &str) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO model_cards (system_id, model_version, revision, fields, saved_at, saved_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &args![
                    r.system_id,
                    r.model_version,
                    r.revision,
                    fields_json,
                    r.saved_at,
                    r.saved_by
                ],
            )
            .map_err(|e| match e {
                Error::Conflict(_) => Error::Conflict(format!(
                    "revision {} of the model card of version {:?} was saved by someone else \
                     meanwhile; nothing was changed; open the card again and save once more",
                    r.revision, r.model_version
                )),
                e => e,
            })?;
        Ok(())
    }

    pub fn card_revisions(&self, system_id: i64, version: &str) -> Result<Vec<CardRevision>> {
        revisions(self.tx, system_id, version)
    }
}

impl Store {
    /// The revisions of one card, oldest first; empty when the system has no card of that
    /// version.
    pub fn card_revisions(&self, system_id: i64, version: &str) -> Result<Vec<CardRevision>> {
        revisions(&self.conn, system_id, version)
    }

    /// The latest revision of each card of a system (each model version), by version label.
    pub fn latest_cards(&self, system_id: i64) -> Result<Vec<(CardRevision, u32)>> {
        let heads: Vec<(String, u32, u32)> = self.conn.query(
            "SELECT model_version, max(revision), count(*) FROM model_cards WHERE system_id = ?1
             GROUP BY model_version ORDER BY min(saved_at), model_version",
            &args![system_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (version, latest, count) in heads {
            let all = query(
                &self.conn,
                &format!(
                    "SELECT {COLUMNS} FROM model_cards
                     WHERE system_id = ?1 AND model_version = ?2 AND revision = ?3"
                ),
                &args![system_id, version, latest],
            )?;
            out.extend(all.into_iter().map(|r| (r, count)));
        }
        Ok(out)
    }

    /// Every revision of every card, by system, version and revision: what `audit verify`
    /// compares with the log.
    pub fn all_card_revisions(&self) -> Result<Vec<CardRevision>> {
        query(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM model_cards ORDER BY system_id, model_version, revision"
            ),
            &[],
        )
    }
}
