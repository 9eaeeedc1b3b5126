//! The built-in templates and everything that goes by a template's kind: the embedded assets,
//! loading a template file or a snapshot (which kind's engine builds the questions and supplies
//! the data to score), and a template's self-contained snapshot. The model and the SurveyJS reader
//! are `template`'s and scoring is `aia`'s, `eu`'s and `nist`'s: nothing here scores answers or
//! assembles questions itself.

use std::path::Path;

use serde_json::Value as Json;

use super::template::{Builder, Template, TemplateInfo, TemplateKind};
use super::{aia, eu, nist};
use steward_domain::{Error, FieldError, Result};

const AIA_HEADER: &str = include_str!("../../../assets/templates/aia/template.json");
const AIA_SURVEY: &str = include_str!("../../../assets/templates/aia/survey-enfr.json");
const EU_AI_ACT: &str = include_str!("../../../assets/templates/eu-ai-act-screening.json");
const NIST_AI_RMF: &str = include_str!("../../../assets/templates/nist-ai-rmf-1.0.json");

/// The identifiers of the templates built into Steward.
pub const BUILTIN_IDS: &[&str] = &["aia", "eu-ai-act", "nist-ai-rmf"];

/// What each kind of template needs besides its questions.
#[derive(Debug, Clone)]
pub(crate) enum KindData {
    Aia(aia::AiaData),
    EuAiAct(Box<eu::EuData>),
    NistAiRmf(nist::NistData),
}

/// The data of a template's kind, as the loaders here attached it.
pub(crate) fn kind_data(t: &Template) -> &KindData {
    t.data
        .get()
        .expect("every template is built by this module's loaders, with its kind's data")
}

/// Loads a built-in template by identifier (see [`BUILTIN_IDS`]).
pub fn builtin(id: &str) -> Result<Template> {
    match id {
        "aia" => from_json_str(
            AIA_HEADER,
            "assets/templates/aia/template.json",
            &|name: &str| {
                if name == "survey-enfr.json" {
                    Ok(AIA_SURVEY.to_string())
                } else {
                    Err(Error::NotFound {
                        entity: "embedded template file",
                        key: name.to_string(),
                    })
                }
            },
        ),
        "eu-ai-act" => from_json_str(
            EU_AI_ACT,
            "assets/templates/eu-ai-act-screening.json",
            &no_files,
        ),
        "nist-ai-rmf" => from_json_str(
            NIST_AI_RMF,
            "assets/templates/nist-ai-rmf-1.0.json",
            &no_files,
        ),
        _ => Err(Error::NotFound {
            entity: "template",
            key: format!("{id} (built-in templates: {})", BUILTIN_IDS.join(", ")),
        }),
    }
}

/// Every built-in template.
pub fn builtin_templates() -> Result<Vec<Template>> {
    BUILTIN_IDS.iter().map(|id| builtin(id)).collect()
}

fn no_files(name: &str) -> Result<String> {
    Err(Error::NotFound {
        entity: "template file",
        key: name.to_string(),
    })
}

/// Reads a template from a file: either a template file with a `template` header (as in
/// assets/templates/), or a bare SurveyJS questionnaire such as a newer `survey-enfr.json` from
/// the official AIA tool. A bare questionnaire is taken as an AIA whose version is the file's
/// name, since the SurveyJS file itself carries no version.
pub fn load_template_file(path: &Path) -> Result<Template> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let origin = path.display().to_string();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let json: Json =
        serde_json::from_str(&text).map_err(|e| template_error(&origin, e.to_string()))?;
    if json.get("template").is_none() && json.get("pages").is_some() {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let info = TemplateInfo {
            id: "aia".into(),
            kind: TemplateKind::Aia,
            version: file.clone(),
            date: String::new(),
            title: format!("Algorithmic Impact Assessment ({file})"),
            source: origin.clone(),
            licence: "as stated by the questionnaire's publisher".into(),
        };
        return aia_from_json(info, &json, &origin);
    }
    from_json(&json, &origin, &|name: &str| {
        let p = dir.join(name);
        std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
    })
}

/// A template with everything needed to load it again as one JSON text: the header and, for an
/// AIA, the SurveyJS questionnaire inline. A workspace keeps this snapshot of every template
/// version an assessment was answered against, so the version stays readable (and comparable
/// with a newer one) after Steward itself ships a newer version.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub template: Template,
    pub json: String,
}

/// Loads a template from a self-contained snapshot (see [`TemplateSource`]).
pub fn from_snapshot(text: &str, origin: &str) -> Result<Template> {
    from_json_str(text, origin, &no_files)
}

/// A built-in template and its self-contained snapshot.
pub fn builtin_source(id: &str) -> Result<TemplateSource> {
    let template = builtin(id)?;
    let json = match id {
        "aia" => snapshot_aia(&template.info, AIA_SURVEY, "assets/templates/aia")?,
        "eu-ai-act" => EU_AI_ACT.to_string(),
        _ => NIST_AI_RMF.to_string(),
    };
    Ok(TemplateSource { template, json })
}

/// A template file (see [`load_template_file`]) and its self-contained snapshot.
pub fn template_file_source(path: &Path) -> Result<TemplateSource> {
    let template = load_template_file(path)?;
    let origin = path.display().to_string();
    let json = if template.info.kind == TemplateKind::Aia {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let json: Json =
            serde_json::from_str(&text).map_err(|e| template_error(&origin, e.to_string()))?;
        let survey = match json.get("survey").and_then(Json::as_str) {
            Some(file) => {
                let p = path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default()
                    .join(file);
                std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?
            }
            None => match json.get("survey") {
                Some(inline @ Json::Object(_)) => inline.to_string(),
                _ => text,
            },
        };
        snapshot_aia(&template.info, &survey, &origin)?
    } else {
        std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
    };
    Ok(TemplateSource { template, json })
}

fn snapshot_aia(info: &TemplateInfo, survey: &str, origin: &str) -> Result<String> {
    let survey: Json =
        serde_json::from_str(survey).map_err(|e| template_error(origin, e.to_string()))?;
    let header = serde_json::to_value(info).map_err(|e| template_error(origin, e.to_string()))?;
    Ok(serde_json::json!({ "template": header, "survey": survey }).to_string())
}

/// Builds an AIA template from a SurveyJS questionnaire's text, with the given identity.
pub fn aia_from_survey(info: TemplateInfo, survey_json: &str) -> Result<Template> {
    let origin = format!("{} {}", info.id, info.version);
    let json: Json =
        serde_json::from_str(survey_json).map_err(|e| template_error(&origin, e.to_string()))?;
    aia_from_json(info, &json, &origin)
}

fn aia_from_json(info: TemplateInfo, survey: &Json, origin: &str) -> Result<Template> {
    let data = aia::AiaData::embedded()?;
    let mut b = Builder::new(info.kind);
    b.survey(survey);
    b.finish(info, KindData::Aia(data), origin)
}

/// Parses a template file's text; `read_sibling` gives the text of a file the header names
/// (the AIA header names its SurveyJS file).
fn from_json_str(
    text: &str,
    origin: &str,
    read_sibling: &dyn Fn(&str) -> Result<String>,
) -> Result<Template> {
    let json: Json =
        serde_json::from_str(text).map_err(|e| template_error(origin, e.to_string()))?;
    from_json(&json, origin, read_sibling)
}

fn from_json(
    json: &Json,
    origin: &str,
    read_sibling: &dyn Fn(&str) -> Result<String>,
) -> Result<Template> {
    let header = json.get("template").ok_or_else(|| {
        template_error(
            origin,
            "no \"template\" header (id, kind, version, date, title, source, licence)",
        )
    })?;
    let info: TemplateInfo = serde_json::from_value(header.clone())
        .map_err(|e| template_error(origin, format!("template header: {e}")))?;
    match info.kind {
        TemplateKind::Aia => {
            // A snapshot kept in a workspace carries its questionnaire inline.
            if let Some(survey @ Json::Object(_)) = json.get("survey") {
                return aia_from_json(info, survey, origin);
            }
            let Some(file) = json.get("survey").and_then(Json::as_str) else {
                return Err(template_error(
                    origin,
                    "an aia template names its SurveyJS file in \"survey\" (or holds it there)",
                ));
            };
            let text = read_sibling(file)?;
            let survey: Json = serde_json::from_str(&text)
                .map_err(|e| template_error(&format!("{origin}: {file}"), e.to_string()))?;
            aia_from_json(info, &survey, &format!("{origin}: {file}"))
        }
        TemplateKind::EuAiAct => {
            let data: eu::EuData = serde_json::from_value(json.clone())
                .map_err(|e| template_error(origin, format!("EU AI Act data: {e}")))?;
            let mut b = Builder::new(info.kind);
            eu::build_questions(&data, &mut b);
            b.finish(info, KindData::EuAiAct(Box::new(data)), origin)
        }
        TemplateKind::NistAiRmf => {
            let data: nist::NistData = serde_json::from_value(json.clone())
                .map_err(|e| template_error(origin, format!("NIST AI RMF data: {e}")))?;
            let mut b = Builder::new(info.kind);
            nist::build_questions(&data, &mut b);
            b.finish(info, KindData::NistAiRmf(data), origin)
        }
    }
}

fn template_error(origin: &str, message: impl Into<String>) -> Error {
    Error::Validation {
        entity: "template",
        fields: vec![FieldError::new(origin, message)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_load() {
        for id in BUILTIN_IDS {
            let t = builtin(id).unwrap_or_else(|e| panic!("built-in {id} must load: {e}"));
            assert_eq!(
                &t.info.id, id,
                "the header names the template it is registered as"
            );
            assert!(!t.questions.is_empty(), "{id} has questions");
        }
        assert_eq!(builtin("nope").expect_err("unknown id").code(), "not_found");
    }
}
