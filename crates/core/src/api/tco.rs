//! TCO scenarios kept in the workspace: evaluate a draft, create, update and delete (each
//! audited), import from and export to the scenario file, and the signed report. The cost model
//! is `tco::engine`; this module only ties scenarios to the register and to the store.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::pack::signature_block;
use super::Workspace;
use crate::audit::canonical_json;
use crate::report::{self, chart, tco_cumulative_chart, tco_report, tco_tornado_chart};
use crate::sign::{pdf, Signer};
use crate::store::Change;
use crate::tco::{self, Scenario, StoredScenario, TcoResult};
use crate::{Error, FieldError, Result};

const ENTITY: &str = "tco_scenario";

/// One line of the list of stored scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct TcoSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub systems: Vec<String>,
    pub currency: String,
    pub horizon_months: u32,
    pub options: u32,
    /// The option with the lowest NPV and that NPV.
    pub cheapest: String,
    pub cheapest_npv: f64,
    pub updated_at: String,
}

/// A draft scenario as the editor sees it: every problem (each naming its key, e.g.
/// `options[1].on_prem.pue`) or, when there is none, the results and their charts as SVG.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct TcoEvaluation {
    pub errors: Vec<FieldError>,
    pub result: Option<TcoResult>,
    /// The cumulative cost of each option, month by month.
    pub cumulative_svg: Option<String>,
    /// One tornado chart per option (the NPV change at -20% / +20% of each driver), in option
    /// order; an empty string for an option no driver moves.
    pub tornado_svgs: Vec<String>,
}

/// The formats a stored scenario exports to.
pub const EXPORT_FORMATS: &str = "toml, xlsx, pdf or json";

impl Workspace {
    /// Every stored scenario, by name, with its cheapest option.
    pub fn list_tco(&self) -> Result<Vec<TcoSummary>> {
        self.store
            .all_tco()?
            .into_iter()
            .map(|st| {
                let r = tco::run(&st.scenario)?;
                let best = r.options.get(r.cheapest as usize);
                Ok(TcoSummary {
                    id: st.id,
                    name: st.scenario.name.clone(),
                    description: st.scenario.description.clone(),
                    systems: st.scenario.systems.clone(),
                    currency: st.scenario.currency.clone(),
                    horizon_months: st.scenario.horizon_months,
                    options: st.scenario.options.len() as u32,
                    cheapest: best.map_or_else(String::new, |o| o.name.clone()),
                    cheapest_npv: best.map_or(0.0, |o| o.npv),
                    updated_at: st.updated_at,
                })
            })
            .collect()
    }

    /// The stored scenario with this name (ignoring case) or id ("12" or "#12").
    pub fn tco_scenario(&self, key: &str) -> Result<StoredScenario> {
        let k = key.trim();
        if let Some(s) = self.store.tco_by_name(k)? {
            return Ok(s);
        }
        if let Ok(id) = k.trim_start_matches('#').parse::<i64>() {
            if let Some(s) = self.store.tco(id)? {
                return Ok(s);
            }
        }
        Err(Error::NotFound {
            entity: "TCO scenario",
            key: key.to_string(),
        })
    }

    /// Checks a draft as the editor holds it (JSON in the scenario file's shape) and, when it is
    /// valid, computes it. Writes nothing.
    pub fn evaluate_tco_draft(&self, draft: &serde_json::Value) -> Result<TcoEvaluation> {
        let scenario = match self.read_draft(draft) {
            Ok(s) => s,
            Err(Error::Validation { fields, .. }) => {
                return Ok(TcoEvaluation {
                    errors: fields,
                    result: None,
                    cumulative_svg: None,
                    tornado_svgs: Vec::new(),
                })
            }
            Err(other) => return Err(other),
        };
        let r = tco::run(&scenario)?;
        let tornado_svgs = (0..r.options.len())
            .map(|i| {
                let c = tco_tornado_chart(&r, i);
                if c.categories.is_empty() {
                    String::new()
                } else {
                    chart::render_svg(&c)
                }
            })
            .collect();
        Ok(TcoEvaluation {
            errors: Vec::new(),
            cumulative_svg: Some(chart::render_svg(&tco_cumulative_chart(&r))),
            tornado_svgs,
            result: Some(r),
        })
    }

    /// Saves a draft (JSON in the scenario file's shape) as a new scenario (`id` none) or over
    /// the stored one with this id. Every problem is returned at once and nothing is written.
    pub fn save_tco_draft(
        &mut self,
        id: Option<i64>,
        draft: &serde_json::Value,
    ) -> Result<StoredScenario> {
        let s = self.read_draft(draft)?;
        match id {
            None => self.create_tco(s),
            Some(id) => self.update_tco(id, s),
        }
    }

    /// Stores a new scenario, tied to the systems its `systems` list names (names or ids).
    pub fn create_tco(&mut self, scenario: Scenario) -> Result<StoredScenario> {
        let (s, ids) = self.checked(scenario)?;
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let id = tx.insert_tco(&s, &canonical_json(&s), &now)?;
            tx.set_tco_systems(id, &ids)?;
            let after = tx.tco(id)?.ok_or_else(|| not_found(id))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: ENTITY,
                entity_id: id.to_string(),
                action: "create",
                before: None,
                after: Some(canonical_json(&after)),
            })?;
            Ok(after)
        })
    }

    /// Replaces the stored scenario `id` (its name may change). Saving it unchanged writes
    /// nothing.
    pub fn update_tco(&mut self, id: i64, scenario: Scenario) -> Result<StoredScenario> {
        let (s, ids) = self.checked(scenario)?;
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx.tco(id)?.ok_or_else(|| not_found(id))?;
            if before.scenario == s && before.system_ids == ids {
                return Ok(before);
            }
            tx.update_tco(id, &s, &canonical_json(&s), &now)?;
            tx.set_tco_systems(id, &ids)?;
            let after = tx.tco(id)?.ok_or_else(|| not_found(id))?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: ENTITY,
                entity_id: id.to_string(),
                action: "update",
                before: Some(canonical_json(&before)),
                after: Some(canonical_json(&after)),
            })?;
            Ok(after)
        })
    }

    /// Deletes a stored scenario; the audit entry keeps what it was.
    pub fn delete_tco(&mut self, id: i64) -> Result<StoredScenario> {
        let now = self.ctx.timestamp();
        let actor = self.ctx.actor.clone();
        self.store.write(|tx| {
            let before = tx.tco(id)?.ok_or_else(|| not_found(id))?;
            tx.delete_tco(id)?;
            tx.append_audit(Change {
                at: now.clone(),
                actor: &actor,
                entity: ENTITY,
                entity_id: id.to_string(),
                action: "delete",
                before: Some(canonical_json(&before)),
                after: None,
            })?;
            Ok(before)
        })
    }

    /// Imports a scenario file as a new stored scenario, or, with `replace`, over the stored
    /// scenario of the same name when there is one. When `systems` is not empty it replaces the
    /// file's own `systems` list. Problems name the file and the key; nothing is written.
    pub fn import_tco(
        &mut self,
        path: &Path,
        systems: &[String],
        replace: bool,
    ) -> Result<StoredScenario> {
        let mut s = tco::read(path).map_err(|e| in_file(path, e))?;
        if !systems.is_empty() {
            s.systems = systems.to_vec();
        }
        let existing = match replace {
            true => self.store.tco_by_name(&s.name)?.map(|st| st.id),
            false => None,
        };
        match existing {
            Some(id) => self.update_tco(id, s),
            None => self.create_tco(s),
        }
        .map_err(|e| in_file(path, e))
    }

    /// Reads a draft from the editor: every problem of the file format and of its ties to
    /// systems at once.
    fn read_draft(&self, draft: &serde_json::Value) -> Result<Scenario> {
        let systems: Vec<String> = draft
            .get("systems")
            .and_then(|v| v.as_array())
            .map(|a| {
                // A value that is not text keeps its place (so positions match the draft's) and
                // is reported by the file reader.
                a.iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let ties = match self.resolve_systems(&systems) {
            Ok(_) => Vec::new(),
            Err(Error::Validation { fields, .. }) => fields,
            Err(other) => return Err(other),
        };
        match tco::from_json(draft) {
            Ok(s) if ties.is_empty() => Ok(s),
            Ok(_) => Err(Error::Validation {
                entity: "TCO scenario",
                fields: ties,
            }),
            Err(Error::Validation { mut fields, entity }) => {
                let new: Vec<FieldError> = ties
                    .into_iter()
                    .filter(|t| !fields.iter().any(|f| f.field == t.field))
                    .collect();
                fields.extend(new);
                Err(Error::Validation { entity, fields })
            }
            Err(other) => Err(other),
        }
    }

    /// The report model of a stored scenario.
    pub fn tco_report(&self, key: &str) -> Result<report::Report> {
        let st = self.tco_scenario(key)?;
        let r = tco::run(&st.scenario)?;
        Ok(tco_report(
            &st.scenario,
            &r,
            &report::workspace_label(self),
            self.ctx.clock.now(),
            &self.ctx.actor,
        ))
    }

    /// The report of a stored scenario as a PDF, signed by `signer` when one is given.
    pub fn tco_report_pdf(&self, key: &str, signer: Option<&Signer>) -> Result<Vec<u8>> {
        let st = self.tco_scenario(key)?;
        let r = tco::run(&st.scenario)?;
        file_report_pdf(
            &st.scenario,
            &r,
            &report::workspace_label(self),
            self.ctx.clock.now(),
            &self.ctx.actor,
            signer,
        )
    }

    /// The live-formula workbook of a stored scenario.
    pub fn tco_workbook(&self, key: &str) -> Result<Vec<u8>> {
        let st = self.tco_scenario(key)?;
        let r = tco::run(&st.scenario)?;
        tco::to_xlsx(&st.scenario, &r)
    }

    /// Writes a stored scenario to `out` as `format` (toml, xlsx, pdf or json: the results);
    /// only a PDF carries a signature. Returns the bytes written.
    pub fn write_tco_export(
        &self,
        key: &str,
        format: &str,
        signer: Option<&Signer>,
        out: &Path,
    ) -> Result<usize> {
        let f = format.trim_start_matches('.').to_ascii_lowercase();
        if signer.is_some() && f != "pdf" {
            return Err(format_error(
                "only a PDF report carries a signature; sign an .xlsx by putting it in an audit pack",
            ));
        }
        let bytes = match f.as_str() {
            "toml" => tco::to_toml(&self.tco_scenario(key)?.scenario).into_bytes(),
            "xlsx" => self.tco_workbook(key)?,
            "pdf" => self.tco_report_pdf(key, signer)?,
            "json" => {
                let r = tco::run(&self.tco_scenario(key)?.scenario)?;
                serde_json::to_vec_pretty(&r).map_err(|e| Error::Integrity(e.to_string()))?
            }
            other => {
                return Err(format_error(format!(
                    "unknown format {other:?}; expected {EXPORT_FORMATS}"
                )))
            }
        };
        crate::files::write_atomically(out, &bytes)?;
        Ok(bytes.len())
    }

    /// The file name stem each stored scenario's report gets in an audit pack:
    /// `tco-<name as lowercase words joined by hyphens>`, with `-<id>` added when two names
    /// would give the same stem.
    pub(crate) fn tco_pack_stems(&self) -> Result<Vec<(StoredScenario, String)>> {
        let all = self.store.all_tco()?;
        let slugs: Vec<String> = all.iter().map(|s| slug(&s.scenario.name)).collect();
        Ok(all
            .into_iter()
            .zip(&slugs)
            .map(|(s, g)| {
                let stem = if slugs.iter().filter(|x| *x == g).count() > 1 {
                    format!("tco-{g}-{}", s.id)
                } else {
                    format!("tco-{g}")
                };
                (s, stem)
            })
            .collect())
    }

    /// Validates a scenario and resolves its systems to ids of the register; every problem at
    /// once.
    fn checked(&self, mut s: Scenario) -> Result<(Scenario, Vec<i64>)> {
        let mut fields = match tco::validate(&s) {
            Ok(()) => Vec::new(),
            Err(Error::Validation { fields, .. }) => fields,
            Err(other) => return Err(other),
        };
        let ties = match self.resolve_systems(&s.systems) {
            Ok(t) => t,
            Err(Error::Validation { fields: f, .. }) => {
                fields.extend(f);
                Vec::new()
            }
            Err(other) => return Err(other),
        };
        if !fields.is_empty() {
            return Err(Error::Validation {
                entity: "TCO scenario",
                fields,
            });
        }
        let mut ids: Vec<i64> = Vec::new();
        let mut names = Vec::new();
        for (id, name) in ties {
            if !ids.contains(&id) {
                ids.push(id);
                names.push(name);
            }
        }
        s.systems = names;
        ids.sort_unstable();
        Ok((s, ids))
    }

    /// The register's systems named (or numbered) in `systems`, as (id, current name).
    fn resolve_systems(&self, systems: &[String]) -> Result<Vec<(i64, String)>> {
        let mut fields = Vec::new();
        let mut out = Vec::new();
        for (i, key) in systems.iter().enumerate() {
            match self.find_system(key) {
                Ok(s) => out.push((s.id, s.draft.name)),
                Err(Error::NotFound { .. }) => fields.push(FieldError::new(
                    format!("systems[{i}]"),
                    format!(
                        "no AI system named or numbered {key:?} in this workspace; expected the \
                         name or id of a system in the register"
                    ),
                )),
                Err(other) => return Err(other),
            }
        }
        if fields.is_empty() {
            Ok(out)
        } else {
            Err(Error::Validation {
                entity: "TCO scenario",
                fields,
            })
        }
    }
}

/// What a new scenario starts from in the editor: the commented example (every option kind),
/// renamed and tied to no system.
pub fn new_tco_draft() -> Result<Scenario> {
    let mut s = tco::from_toml(tco::template())?;
    s.name = "New scenario".into();
    s.description = String::new();
    s.systems.clear();
    Ok(s)
}

/// The report of a scenario that is not stored (e.g. a file), as a PDF signed by `signer` when
/// one is given; `source` says where it came from in place of a workspace.
pub fn file_report_pdf(
    scenario: &Scenario,
    result: &TcoResult,
    source: &str,
    at: chrono::DateTime<chrono::Utc>,
    by: &str,
    signer: Option<&Signer>,
) -> Result<Vec<u8>> {
    let mut model = tco_report(scenario, result, source, at, by);
    if let Some(s) = signer {
        model.signature = Some(signature_block(s, at));
    }
    let bytes = report::render_pdf(&model)?;
    match signer {
        Some(s) => pdf::sign_pdf(&bytes, s, at, "TCO comparison issued by Steward"),
        None => Ok(bytes),
    }
}

fn not_found(id: i64) -> Error {
    Error::NotFound {
        entity: "TCO scenario",
        key: id.to_string(),
    }
}

fn format_error(message: impl Into<String>) -> Error {
    Error::Validation {
        entity: "TCO export",
        fields: vec![FieldError::new("format", message)],
    }
}

/// Prefixes each problem of a validation error with the file it came from.
fn in_file(path: &Path, e: Error) -> Error {
    match e {
        Error::Validation { entity, fields } => Error::Validation {
            entity,
            fields: fields
                .into_iter()
                .map(|f| FieldError::new(format!("{}: {}", path.display(), f.field), f.message))
                .collect(),
        },
        other => other,
    }
}

/// "Support assistant LLM (v2)" -> "support-assistant-llm-v2".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "scenario".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        for (name, expected) in [
            ("Support assistant LLM (v2)", "support-assistant-llm-v2"),
            ("  GPU / CPU  ", "gpu-cpu"),
            ("Ünïcode Straße", "ünïcode-straße"),
            ("!!!", "scenario"),
        ] {
            assert_eq!(super::slug(name), expected, "slug of {name:?}");
        }
    }
}
