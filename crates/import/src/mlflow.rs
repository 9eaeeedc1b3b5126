//! An MLflow run's JSON read into a validation run and bias results: the REST API's `runs/get`
//! response (`{"run": {"info": ..., "data": {"metrics": [{"key", "value", "timestamp", "step"}],
//! "params": [{"key", "value"}], "tags": [...]}}}`) or the output of `mlflow runs describe` (the
//! run itself, with metrics, params and tags as lists or as objects of key to value). Which tags
//! and params say what is documented in the README ("Evidence"): a tag or param
//! `steward.<field>` or `<field>` (system, model_version, method, dataset, date, incumbent);
//! metrics `bias.<attribute>.<segment>.<metric>` are segments' rates, compared with the segment
//! the tag `reference.<attribute>` names; `incumbent.<metric>` is the incumbent's value of a
//! metric. Pure: the register and the stored evidence are passed in; problems name the file and
//! the place in the JSON.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::evidence::{against_stored, message, EvidencePlan, PlannedEvidence, Record, Stored};
use super::ImportProblem;
use steward_domain::evidence::{
    check_bias, check_run, same_name, BiasDraft, BiasMetric, Method, MetricValue, RunDraft,
};
use steward_domain::register::AiSystem;

/// What the person says of the run where its tags and params do not (each wins over them).
#[derive(Debug, Clone, Copy, Default)]
pub struct MlflowOptions<'a> {
    /// The system (name or id).
    pub system: Option<&'a str>,
    pub model_version: Option<&'a str>,
    pub method: Option<&'a str>,
    pub dataset: Option<&'a str>,
}

/// The prefix of metrics that are segments' rates: `bias.<attribute>.<segment>.<metric>`.
pub const BIAS_PREFIX: &str = "bias.";
/// The prefix of the incumbent's value of a metric in a shadow comparison.
pub const INCUMBENT_PREFIX: &str = "incumbent.";

/// Segments' rates by attribute and bias metric: each segment, its rate and its metric.
type Segments<'a> = BTreeMap<(String, BiasMetric), Vec<(String, f64, &'a Metric)>>;

/// One metric as read, with where it is in the JSON.
struct Metric {
    key: String,
    value: f64,
    path: String,
    step: i64,
    timestamp: i64,
}

struct Reader<'a> {
    file: &'a str,
    problems: Vec<ImportProblem>,
    decisions: Vec<ImportProblem>,
}

impl Reader<'_> {
    fn problem(
        &self,
        path: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) -> ImportProblem {
        ImportProblem {
            file: self.file.to_string(),
            sheet: None,
            row: None,
            column: path.map(str::to_string),
            value,
            message: message.into(),
        }
    }
    fn fail(&mut self, path: Option<&str>, value: Option<String>, message: impl Into<String>) {
        let p = self.problem(path, value, message);
        self.problems.push(p);
    }
    fn decide(&mut self, path: Option<&str>, message: impl Into<String>) {
        let p = self.problem(path, None, message);
        self.decisions.push(p);
    }
}

/// A key-value list (`[{"key", "value"}]`) or object at `path`, as (key, value, path of the item).
fn pairs(v: Option<&Value>, path: &str) -> Result<Vec<(String, Value, String)>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let at = format!("{path}[{i}]");
                let key = item.get("key").and_then(Value::as_str).ok_or_else(|| {
                    format!("{at} has no \"key\"; each item is {{\"key\": ..., \"value\": ...}}")
                })?;
                let value = item.get("value").cloned().unwrap_or(Value::Null);
                Ok((key.to_string(), value, format!("{at} ({key})")))
            })
            .collect(),
        Some(Value::Object(m)) => Ok(m
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), format!("{path}.{k}")))
            .collect()),
        Some(other) => Err(format!(
            "{path} is {}, not a list of {{\"key\", \"value\"}} items or an object",
            kind(other)
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Milliseconds since the epoch (a number, or text of one) as a UTC date.
fn epoch_day(v: &Value) -> Option<NaiveDate> {
    let ms = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive())
}

/// Reads `bytes`, an MLflow run's JSON named `file`, against the register's `systems` and what is
/// `stored`, on `today`: the plan and the records to write.
pub fn plan(
    file: &str,
    bytes: &[u8],
    systems: &[AiSystem],
    stored: &Stored<'_>,
    opts: &MlflowOptions<'_>,
    today: NaiveDate,
) -> (EvidencePlan, Vec<PlannedEvidence>) {
    let mut r = Reader {
        file,
        problems: Vec::new(),
        decisions: Vec::new(),
    };
    let mut plan = EvidencePlan {
        file: file.to_string(),
        sheet: None,
        format: "MLflow run".into(),
        rows: 0,
        runs_added: 0,
        bias_added: 0,
        replaced: Vec::new(),
        unchanged: 0,
        systems: Vec::new(),
        warnings: Vec::new(),
        decisions: Vec::new(),
        problems: Vec::new(),
    };
    let records = read(&mut r, &mut plan, bytes, systems, opts, today);
    plan.decisions = std::mem::take(&mut r.decisions);
    plan.problems = std::mem::take(&mut r.problems);
    if !plan.problems.is_empty() {
        return (plan, Vec::new());
    }
    let writes = against_stored(&mut plan, records, stored, systems);
    (plan, writes)
}

const SHAPE: &str =
    "expected an MLflow run's JSON: {\"run\": {\"info\": {...}, \"data\": {\"metrics\": \
     [...], \"params\": [...], \"tags\": [...]}}} as the REST API's runs/get returns it, or the \
     output of `mlflow runs describe`";

fn read(
    r: &mut Reader<'_>,
    plan: &mut EvidencePlan,
    bytes: &[u8],
    systems: &[AiSystem],
    opts: &MlflowOptions<'_>,
    today: NaiveDate,
) -> Vec<(Option<u32>, Record)> {
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            r.fail(None, None, format!("is not JSON: {e}; {SHAPE}"));
            return Vec::new();
        }
    };
    let (run, at) = match root.get("run") {
        Some(run) if run.is_object() => (run, "run"),
        _ if root.get("data").is_some() || root.get("info").is_some() => (&root, ""),
        _ => {
            r.fail(None, None, format!("has no MLflow run in it; {SHAPE}"));
            return Vec::new();
        }
    };
    let path = |p: &str| {
        if at.is_empty() {
            p.to_string()
        } else {
            format!("{at}.{p}")
        }
    };
    let info = run.get("info").cloned().unwrap_or(Value::Null);
    let data = run.get("data").cloned().unwrap_or(Value::Null);
    if !data.is_object() {
        r.fail(
            Some(&path("data")),
            None,
            format!("the run has no data object; {SHAPE}"),
        );
        return Vec::new();
    }
    let mut lists = BTreeMap::new();
    for part in ["metrics", "params", "tags"] {
        match pairs(data.get(part), &path(&format!("data.{part}"))) {
            Ok(p) => {
                lists.insert(part, p);
            }
            Err(m) => r.fail(Some(&path(&format!("data.{part}"))), None, m),
        }
    }
    if !r.problems.is_empty() {
        return Vec::new();
    }
    let (params, tags) = (&lists["params"], &lists["tags"]);
    // A tag wins over a param; `steward.<field>` over `<field>`.
    let lookup = |field: &str| -> Option<(String, String)> {
        let keys = [format!("steward.{field}"), field.to_string()];
        keys.iter().find_map(|k| {
            tags.iter()
                .chain(params.iter())
                .find(|(key, _, _)| key == k)
                .and_then(|(_, v, p)| as_text(v).filter(|t| !t.is_empty()).map(|t| (t, p.clone())))
        })
    };

    // The metrics: the latest of each key (by step, then time), as runs/get gives it.
    let items = match data.get("metrics") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let mut metrics: Vec<Metric> = Vec::new();
    for (i, (key, value, at)) in lists["metrics"].iter().enumerate() {
        plan.rows += 1;
        let int = |f: &str| {
            items
                .get(i)
                .and_then(|x| x.get(f))
                .and_then(Value::as_i64)
                .unwrap_or(0)
        };
        let (step, timestamp) = (int("step"), int("timestamp"));
        let Some(v) = value.as_f64().filter(|v| v.is_finite()) else {
            r.fail(
                Some(at),
                as_text(value),
                format!("the value of metric {key:?} is not a number"),
            );
            continue;
        };
        match metrics.iter_mut().find(|m| m.key == *key) {
            Some(m) if (step, timestamp) >= (m.step, m.timestamp) => {
                m.value = v;
                m.path = at.to_string();
                m.step = step;
                m.timestamp = timestamp;
            }
            Some(_) => {}
            None => metrics.push(Metric {
                key: key.clone(),
                value: v,
                path: at.to_string(),
                step,
                timestamp,
            }),
        }
    }

    // The system, its version, and the run's date.
    let system_text = opts
        .system
        .map(|s| (s.trim().to_string(), "--system".to_string()))
        .or_else(|| lookup("system"));
    let system = match &system_text {
        None => {
            r.fail(None, None, "the run does not say which AI system it validated: give it with --system, or tag the run steward.system with the system's name");
            None
        }
        Some((name, at)) => {
            let found = systems
                .iter()
                .find(|s| s.draft.name.eq_ignore_ascii_case(name))
                .or_else(|| {
                    name.trim_start_matches('#')
                        .parse::<i64>()
                        .ok()
                        .and_then(|id| systems.iter().find(|s| s.id == id))
                });
            if found.is_none() {
                r.fail(Some(at), Some(name.clone()), format!("no AI system named {name:?} in the register; correct the name or add the system first"));
            }
            found
        }
    };
    let version = match opts
        .model_version
        .map(|v| v.trim().to_string())
        .or_else(|| lookup("model_version").map(|x| x.0))
    {
        Some(v) => v,
        None => {
            let v = system
                .map(|s| s.draft.model_version.clone())
                .unwrap_or_default();
            if let Some(s) = system {
                r.decide(None, format!(
                    "the run gives no model version (tag steward.model_version, or --model-version): read as {}'s current one ({})",
                    s.draft.name,
                    if v.is_empty() { "none recorded" } else { &v }
                ));
            }
            v
        }
    };
    let date = match lookup("date") {
        Some((t, at)) => match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                r.fail(
                    Some(&at),
                    Some(t.clone()),
                    format!("{t:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31"),
                );
                None
            }
        },
        None => {
            let (field, day) = ["end_time", "start_time"]
                .iter()
                .find_map(|f| info.get(*f).and_then(epoch_day).map(|d| (*f, d)))
                .unzip();
            match (field, day) {
                (Some(f), Some(d)) => {
                    r.decide(
                        Some(&path(&format!("info.{f}"))),
                        format!("the run's date is its {} in UTC, {d}", f.replace('_', " ")),
                    );
                    Some(d)
                }
                _ => {
                    r.fail(Some(&path("info")), None, "the run has no date: tag it steward.date (YYYY-MM-DD), or keep its info.end_time or info.start_time (milliseconds since 1970)");
                    None
                }
            }
        }
    };
    let run_id = ["run_id", "run_uuid", "run_name"]
        .iter()
        .find_map(|k| info.get(*k).and_then(as_text).filter(|t| !t.is_empty()))
        .unwrap_or_default();
    let source = if run_id.is_empty() {
        format!(
            "MLflow run in {}",
            std::path::Path::new(r.file)
                .file_name()
                .map_or_else(|| r.file.to_string(), |n| n.to_string_lossy().into_owned())
        )
    } else {
        format!("MLflow run {run_id}")
    };

    // Plain metrics, the incumbent's values, and segments' rates.
    let mut plain: Vec<&Metric> = Vec::new();
    let mut incumbent_of: Vec<(&str, &Metric)> = Vec::new();
    // (attribute, metric) -> [(segment, value, metric)]
    let mut segments: Segments<'_> = BTreeMap::new();
    for m in &metrics {
        if let Some(rest) = m.key.strip_prefix(BIAS_PREFIX) {
            let parts: Vec<&str> = rest.split('.').collect();
            if parts.len() < 3 || parts.iter().any(|p| p.trim().is_empty()) {
                r.fail(Some(&m.path), Some(m.key.clone()), format!("a bias metric is named {BIAS_PREFIX}<attribute>.<segment>.<metric>, e.g. bias.age_band.18-25.selection_rate"));
                continue;
            }
            let (attribute, metric) = (parts[0], parts[parts.len() - 1]);
            let segment = parts[1..parts.len() - 1].join(".");
            match BiasMetric::parse(metric) {
                Some(b) => segments.entry((attribute.to_string(), b)).or_default().push((segment, m.value, m)),
                None => r.fail(Some(&m.path), Some(m.key.clone()), format!("{metric:?} is not a bias metric; the last part of a bias metric's name is one of {}", BiasMetric::expected())),
            }
        } else if let Some(name) = m.key.strip_prefix(INCUMBENT_PREFIX) {
            incumbent_of.push((name, m));
        } else {
            plain.push(m);
        }
    }
    // A method given is checked whether or not the run has metrics of its own.
    let method_given = opts
        .method
        .map(|m| (m.trim().to_string(), "--method".to_string()))
        .or_else(|| lookup("method"));
    let method = method_given.as_ref().and_then(|(t, at)| {
        let m = Method::parse(t);
        if m.is_none() {
            r.fail(
                Some(at),
                Some(t.clone()),
                format!(
                    "unknown validation method {t:?}; accepted values: {}",
                    Method::expected()
                ),
            );
        }
        m
    });
    let mut records = Vec::new();
    let (Some(system), Some(date)) = (system, date) else {
        return records;
    };
    if !plain.is_empty() || !incumbent_of.is_empty() {
        if method_given.is_none() {
            r.fail(None, None, format!("the run's validation method is missing: tag the run steward.method (or give --method) with one of {}", Method::expected()));
        }
        let dataset = match opts
            .dataset
            .map(|d| d.trim().to_string())
            .or_else(|| lookup("dataset").map(|x| x.0))
        {
            Some(d) => Some(d),
            None => {
                let name = run
                    .get("inputs")
                    .and_then(|i| i.get("dataset_inputs"))
                    .and_then(|d| d.get(0))
                    .and_then(|d| d.get("dataset"))
                    .and_then(|d| d.get("name"))
                    .and_then(as_text)
                    .filter(|t| !t.is_empty());
                match name {
                    Some(n) => {
                        r.decide(
                            Some(&path("inputs.dataset_inputs[0].dataset.name")),
                            format!("the dataset is the run's first input dataset, {n:?}"),
                        );
                        Some(n)
                    }
                    None => {
                        r.fail(None, None, "the run does not say which data it was validated on: tag it steward.dataset (or give --dataset), or log the dataset as the run's input");
                        None
                    }
                }
            }
        };
        for (name, m) in &incumbent_of {
            if !plain.iter().any(|p| same_name(&p.key, name)) {
                r.fail(Some(&m.path), Some(m.key.clone()), format!("the incumbent's {name:?} has no metric {name:?} of the new model beside it; log both, or neither"));
            }
        }
        if let (Some(method), Some(dataset)) = (method, dataset) {
            let draft = RunDraft {
                system_id: system.id,
                model_version: version.clone(),
                date,
                method,
                dataset,
                run: run_id.clone(),
                incumbent: lookup("incumbent").map(|x| x.0).unwrap_or_default(),
                metrics: plain
                    .iter()
                    .map(|m| MetricValue {
                        name: m.key.clone(),
                        value: m.value,
                        incumbent: incumbent_of
                            .iter()
                            .find(|(n, _)| same_name(n, &m.key))
                            .map(|(_, i)| i.value),
                    })
                    .collect(),
                source: source.clone(),
            };
            match check_run(draft, today) {
                Ok(d) => records.push((None, Record::Run(d))),
                Err(fields) => {
                    for f in fields {
                        let at = f
                            .field
                            .strip_prefix("metrics[")
                            .and_then(|x| x.split_once(']'))
                            .and_then(|(i, _)| i.parse::<usize>().ok())
                            .and_then(|i| plain.get(i))
                            .map(|m| m.path.clone());
                        let hint = match f.field.as_str() {
                            "incumbent" => " (tag the run steward.incumbent with the incumbent model's name and version)",
                            x if x.ends_with(".incumbent") => " (log the incumbent's value as incumbent.<metric>)",
                            _ => "",
                        };
                        r.fail(at.as_deref(), None, format!("{}{hint}", message(&f)));
                    }
                }
            }
        }
    }
    for ((attribute, metric), segs) in &segments {
        let reference = lookup(&format!("reference.{attribute}"));
        let Some((reference, ref_at)) = reference else {
            let names: Vec<&str> = segs.iter().map(|s| s.0.as_str()).collect();
            r.fail(Some(&segs[0].2.path), Some(segs[0].2.key.clone()), format!(
                "the bias metrics of {attribute} need their reference group: tag the run reference.{attribute} with the segment the others are compared with (one of {})",
                names.join(", ")
            ));
            continue;
        };
        let Some(&(_, ref_value, _)) = segs.iter().find(|s| same_name(&s.0, &reference)) else {
            r.fail(Some(&ref_at), Some(reference.clone()), format!(
                "the reference group {reference:?} of {attribute} has no {BIAS_PREFIX}{attribute}.{reference}.{} metric to compare with; its segments are {}",
                metric.key(),
                segs.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        for (segment, value, m) in segs.iter().filter(|s| !same_name(&s.0, &reference)) {
            let draft = BiasDraft {
                system_id: system.id,
                model_version: version.clone(),
                date,
                // As the run's: the option, else a tag or param (a bias test may name none).
                dataset: opts
                    .dataset
                    .map(|d| d.trim().to_string())
                    .or_else(|| lookup("dataset").map(|x| x.0))
                    .unwrap_or_default(),
                attribute: attribute.clone(),
                segment: segment.clone(),
                metric: *metric,
                reference: reference.clone(),
                segment_value: Some(*value),
                reference_value: Some(ref_value),
                ratio: None,
                difference: None,
                source: source.clone(),
            };
            match check_bias(draft, today) {
                Ok(d) => records.push((None, Record::Bias(d))),
                Err(fields) => {
                    for f in fields {
                        r.fail(Some(&m.path), Some(m.key.clone()), message(&f));
                    }
                }
            }
        }
    }
    if records.is_empty() && r.problems.is_empty() {
        r.fail(
            Some(&path("data.metrics")),
            None,
            "the run logs no metrics: nothing to import",
        );
    }
    plan.systems = vec![system.draft.name.clone()];
    records
}
