//! Rows of the `systems` table.

use chrono::NaiveDate;

use super::{Store, Tx};
use crate::sql::{args, Arg, Conn, Dialect, Row};
use steward_domain::audit::canonical_json;
use steward_domain::register::*;
use steward_domain::{Error, Result};

const COLUMNS: &str = "id, name, purpose, business_unit, owner, technical_lead, sourcing, vendor,
    model_approach, stage, regulated_domain, eu_ai_act_category, risk_tier, data_sensitivity,
    deployment_date, certifications, datasets, assumptions, tags, created_at, updated_at,
    sponsor, last_retrained, annual_value, data_readiness, strategic_alignment, model_version";

/// A stored value that no longer reads as what the column holds.
pub(crate) fn unreadable(column: &str, what: impl std::fmt::Display) -> Error {
    Error::Integrity(format!("the stored {column} cannot be read back: {what}"))
}

pub(crate) fn enum_col<T>(r: &Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = r.get(i)?;
    parse(&s).ok_or_else(|| unreadable(&format!("column {i}"), format!("unknown value {s:?}")))
}

fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, i: usize) -> Result<T> {
    let s: String = r.get(i)?;
    serde_json::from_str(&s).map_err(|e| unreadable(&format!("column {i}"), e))
}

fn date_col(r: &Row<'_>, i: usize) -> Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
        .transpose()
        .map_err(|e| unreadable(&format!("column {i}"), e))
}

fn from_row(r: &Row<'_>) -> Result<AiSystem> {
    Ok(AiSystem {
        id: r.get(0)?,
        draft: SystemDraft {
            name: r.get(1)?,
            purpose: r.get(2)?,
            business_unit: r.get(3)?,
            owner: r.get(4)?,
            technical_lead: r.get(5)?,
            sourcing: enum_col(r, 6, Sourcing::parse)?,
            vendor: r.get(7)?,
            model_approach: r.get(8)?,
            stage: enum_col(r, 9, Stage::parse)?,
            regulated_domain: enum_col(r, 10, RegulatedDomain::parse)?,
            eu_ai_act_category: r
                .get::<Option<String>>(11)?
                .map(|s| {
                    EuAiActCategory::parse(&s).ok_or_else(|| {
                        unreadable("EU AI Act category", format!("unknown value {s:?}"))
                    })
                })
                .transpose()?,
            risk_tier: enum_col(r, 12, RiskTier::parse)?,
            data_sensitivity: enum_col(r, 13, DataSensitivity::parse)?,
            deployment_date: date_col(r, 14)?,
            certifications: json_col(r, 15)?,
            datasets: json_col(r, 16)?,
            assumptions: json_col(r, 17)?,
            tags: json_col(r, 18)?,
            sponsor: r.get(21)?,
            last_retrained: date_col(r, 22)?,
            annual_value: r.get(23)?,
            data_readiness: r.get(24)?,
            strategic_alignment: r.get(25)?,
            model_version: r.get(26)?,
        },
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

/// A unique violation said as the register says it.
fn unique_violation(e: Error, name: &str) -> Error {
    match e {
        Error::Conflict(_) => Error::Conflict(format!(
            "a system named {name:?} already exists (names are unique, ignoring case)"
        )),
        e => e,
    }
}

/// How many rows a multi-row statement carries: within PostgreSQL's 65,535 arguments for the
/// widest record, and large enough that the round trips stop mattering.
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|x| x.format("%Y-%m-%d").to_string())
}

impl Tx<'_> {
    pub fn insert_system(&mut self, d: &SystemDraft, now: &str) -> Result<i64> {
        self.tx
            .query_one(
                "INSERT INTO systems (id, name, purpose, business_unit, owner, technical_lead, sourcing, vendor,
                    model_approach, stage, regulated_domain, eu_ai_act_category, risk_tier, data_sensitivity,
                    deployment_date, certifications, datasets, assumptions, tags, created_at, updated_at,
                    sponsor, last_retrained, annual_value, data_readiness, strategic_alignment, model_version)
                 VALUES ((SELECT coalesce(max(id), 0) + 1 FROM systems), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19,
                    ?20, ?21, ?22, ?23, ?24, ?25)
                 RETURNING id",
                &args![
                    d.name, d.purpose, d.business_unit, d.owner, d.technical_lead,
                    d.sourcing.key(), d.vendor, d.model_approach, d.stage.key(),
                    d.regulated_domain.key(), d.eu_ai_act_category.map(|c| c.key()),
                    d.risk_tier.key(), d.data_sensitivity.key(), date_text(d.deployment_date),
                    canonical_json(&d.certifications), canonical_json(&d.datasets),
                    canonical_json(&d.assumptions), canonical_json(&d.tags), now,
                    d.sponsor, date_text(d.last_retrained), d.annual_value, d.data_readiness,
                    d.strategic_alignment, d.model_version
                ],
                |r| r.get(0),
            )
            .map_err(|e| unique_violation(e, &d.name))
    }

    /// Inserts `drafts` in order, each as [`Tx::insert_system`] would, and returns their ids.
    /// On PostgreSQL, where each statement is a round trip to the server, they go as
    /// multi-row statements; the ids are the ones one insert after another would give (the
    /// largest plus one, under the write lock).
    pub fn insert_systems(&mut self, drafts: &[SystemDraft], now: &str) -> Result<Vec<i64>> {
        if self.tx.dialect() == Dialect::Sqlite || drafts.len() == 1 {
            return drafts.iter().map(|d| self.insert_system(d, now)).collect();
        }
        let base: i64 =
            self.tx
                .query_one("SELECT coalesce(max(id), 0) FROM systems", &[], |r| {
                    r.get(0)
                })?;
        let ids: Vec<i64> = (1..=drafts.len() as i64).map(|k| base + k).collect();
        for (chunk, chunk_ids) in drafts
            .chunks(ROWS_PER_STATEMENT)
            .zip(ids.chunks(ROWS_PER_STATEMENT))
        {
            let texts: Vec<[Option<String>; 6]> = chunk
                .iter()
                .map(|d| {
                    [
                        date_text(d.deployment_date),
                        Some(canonical_json(&d.certifications)),
                        Some(canonical_json(&d.datasets)),
                        Some(canonical_json(&d.assumptions)),
                        Some(canonical_json(&d.tags)),
                        date_text(d.last_retrained),
                    ]
                })
                .collect();
            let mut args: Vec<Arg<'_>> = vec![Arg::Text(now)];
            let mut values = Vec::with_capacity(chunk.len());
            for ((d, id), t) in chunk.iter().zip(chunk_ids).zip(&texts) {
                let first = args.len() + 1;
                let key = |k: &'static str| Arg::Text(k);
                args.extend([Arg::Int(*id)]);
                args.extend(args![
                    d.name,
                    d.purpose,
                    d.business_unit,
                    d.owner,
                    d.technical_lead
                ]);
                args.extend([key(d.sourcing.key())]);
                args.extend(args![d.vendor, d.model_approach]);
                args.extend([
                    key(d.stage.key()),
                    key(d.regulated_domain.key()),
                    d.eu_ai_act_category.map_or(Arg::Null, |c| key(c.key())),
                    key(d.risk_tier.key()),
                    key(d.data_sensitivity.key()),
                ]);
                args.extend(args![t[0], t[1], t[2], t[3], t[4], d.sponsor, t[5]]);
                args.extend(args![
                    d.annual_value,
                    d.data_readiness,
                    d.strategic_alignment,
                    d.model_version
                ]);
                let p: Vec<String> = (first..args.len() + 1).map(|i| format!("?{i}")).collect();
                values.push(format!(
                    "({}, ?1, ?1, {})",
                    p[..19].join(", "),
                    p[19..].join(", ")
                ));
            }
            self.tx
                .execute(
                    &format!(
                        "INSERT INTO systems (id, name, purpose, business_unit, owner, technical_lead,
                            sourcing, vendor, model_approach, stage, regulated_domain,
                            eu_ai_act_category, risk_tier, data_sensitivity, deployment_date,
                            certifications, datasets, assumptions, tags, created_at, updated_at,
                            sponsor, last_retrained, annual_value, data_readiness,
                            strategic_alignment, model_version)
                         VALUES {}",
                        values.join(", ")
                    ),
                    &args,
                )
                .map_err(|e| match e {
                    Error::Conflict(_) => Error::Conflict(format!(
                        "one of the systems {} already exists (names are unique, ignoring case)",
                        chunk
                            .iter()
                            .map(|d| format!("{:?}", d.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    e => e,
                })?;
        }
        Ok(ids)
    }

    pub fn update_system(&mut self, id: i64, d: &SystemDraft, now: &str) -> Result<()> {
        let n = self
            .tx
            .execute(
                "UPDATE systems SET name = ?1, purpose = ?2, business_unit = ?3, owner = ?4, technical_lead = ?5,
                    sourcing = ?6, vendor = ?7, model_approach = ?8, stage = ?9, regulated_domain = ?10,
                    eu_ai_act_category = ?11, risk_tier = ?12, data_sensitivity = ?13, deployment_date = ?14,
                    certifications = ?15, datasets = ?16, assumptions = ?17, tags = ?18, updated_at = ?19,
                    sponsor = ?21, last_retrained = ?22, annual_value = ?23, data_readiness = ?24,
                    strategic_alignment = ?25, model_version = ?26
                 WHERE id = ?20",
                &args![
                    d.name, d.purpose, d.business_unit, d.owner, d.technical_lead,
                    d.sourcing.key(), d.vendor, d.model_approach, d.stage.key(),
                    d.regulated_domain.key(), d.eu_ai_act_category.map(|c| c.key()),
                    d.risk_tier.key(), d.data_sensitivity.key(), date_text(d.deployment_date),
                    canonical_json(&d.certifications), canonical_json(&d.datasets),
                    canonical_json(&d.assumptions), canonical_json(&d.tags), now, id,
                    d.sponsor, date_text(d.last_retrained), d.annual_value, d.data_readiness,
                    d.strategic_alignment, d.model_version
                ],
            )
            .map_err(|e| unique_violation(e, &d.name))?;
        if n == 0 {
            return Err(Error::NotFound {
                entity: "system",
                key: id.to_string(),
            });
        }
        Ok(())
    }

    pub fn system(&self, id: i64) -> Result<Option<AiSystem>> {
        load(self.tx, id)
    }

    pub fn all_systems(&self) -> Result<Vec<AiSystem>> {
        load_all(self.tx)
    }

    /// How many systems the register holds.
    pub fn system_count(&self) -> Result<usize> {
        let n: i64 = self
            .tx
            .query_one("SELECT count(*) FROM systems", &[], |r| r.get(0))?;
        Ok(n as usize)
    }
}

impl Store {
    pub fn system(&self, id: i64) -> Result<Option<AiSystem>> {
        load(&self.conn, id)
    }

    /// Looks a system up by name, ignoring case.
    pub fn system_by_name(&self, name: &str) -> Result<Option<AiSystem>> {
        self.conn.query_opt(
            &format!("SELECT {COLUMNS} FROM systems WHERE name = ?1"),
            &args![name],
            from_row,
        )
    }

    pub fn all_systems(&self) -> Result<Vec<AiSystem>> {
        load_all(&self.conn)
    }

    /// Every system's id and name, for views that only name systems.
    pub fn system_names(&self) -> Result<Vec<(i64, String)>> {
        self.conn
            .query("SELECT id, name FROM systems ORDER BY id", &[], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
    }
}

fn load(conn: &Conn, id: i64) -> Result<Option<AiSystem>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM systems WHERE id = ?1"),
        &args![id],
        from_row,
    )
}

fn load_all(conn: &Conn) -> Result<Vec<AiSystem>> {
    conn.query(
        &format!("SELECT {COLUMNS} FROM systems ORDER BY id"),
        &[],
        from_row,
    )
}
