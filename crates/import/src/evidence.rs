//! Evidence rows in long format: one row per metric value of a validation run, or per segment
//! result of a bias test (a row naming an attribute), checked into runs and bias results, and the
//! plan of what an import would add, replace and leave as it is. The same plan is made from an
//! MLflow run's JSON (`mlflow`). Pure: the register's systems and the stored evidence are passed
//! in; writing is `api`'s job.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use super::table::{map_headers, Cell, FieldSpec, Table};
use super::ImportProblem;
use steward_domain::evidence::{
    check_bias, check_run, BiasDraft, BiasMetric, BiasResult, Method, MetricValue, RunDraft,
    ValidationRun,
};
use steward_domain::register::AiSystem;
use steward_domain::FieldError;

/// The columns of an evidence file, in the order the README documents them.
#[rustfmt::skip]
pub const SPECS: [FieldSpec; 16] = [
    FieldSpec::new("system", "System", &["AI system", "System name"], true),
    FieldSpec::new("model_version", "Model version", &["Version"], false),
    FieldSpec::new("date", "Date", &["Run date", "Test date", "Evaluated on", "As of"], true),
    FieldSpec::new("dataset", "Dataset", &["Data set", "Test set", "Evaluation data"], false),
    FieldSpec::new("method", "Method", &["Validation method", "Test type"], false),
    FieldSpec::new("run", "Run", &["Run id", "Run name"], false),
    FieldSpec::new("metric", "Metric", &["Metric name", "Measure"], true),
    FieldSpec::new("value", "Value", &["Metric value", "Score", "Segment value"], false),
    FieldSpec::new("incumbent", "Incumbent", &["Incumbent model", "Champion"], false),
    FieldSpec::new("incumbent_value", "Incumbent value", &["Champion value", "Incumbent score"], false),
    FieldSpec::new("attribute", "Attribute", &["Segment attribute", "Protected attribute", "Sensitive attribute"], false),
    FieldSpec::new("segment", "Segment", &["Group", "Subgroup", "Cohort"], false),
    FieldSpec::new("reference", "Reference group", &["Reference", "Baseline group", "Privileged group"], false),
    FieldSpec::new("reference_value", "Reference value", &["Reference group value", "Baseline value"], false),
    FieldSpec::new("ratio", "Disparity ratio", &["Ratio", "Disparate impact", "Impact ratio"], false),
    FieldSpec::new("difference", "Difference", &["Disparity difference", "Rate difference", "Gap"], false),
];

mod col {
    pub const SYSTEM: usize = 0;
    pub const VERSION: usize = 1;
    pub const DATE: usize = 2;
    pub const DATASET: usize = 3;
    pub const METHOD: usize = 4;
    pub const RUN: usize = 5;
    pub const METRIC: usize = 6;
    pub const VALUE: usize = 7;
    pub const INCUMBENT: usize = 8;
    pub const INCUMBENT_VALUE: usize = 9;
    pub const ATTRIBUTE: usize = 10;
    pub const SEGMENT: usize = 11;
    pub const REFERENCE: usize = 12;
    pub const REFERENCE_VALUE: usize = 13;
    pub const RATIO: usize = 14;
    pub const DIFFERENCE: usize = 15;
}

/// The headers of the long format.
pub fn headers() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.label).collect()
}

/// Whether a header names a column of an evidence file.
pub fn known_header(h: &str) -> bool {
    super::table::names_a_field(&SPECS, h)
}

/// What an evidence import would do (or did).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EvidencePlan {
    pub file: String,
    pub sheet: Option<String>,
    /// "long format" for a spreadsheet, "MLflow run" for an MLflow run's JSON.
    pub format: String,
    /// Data rows read (for MLflow, the metrics read).
    pub rows: u32,
    pub runs_added: u32,
    pub bias_added: u32,
    /// Stored records the file gives anew with other values, each replaced.
    pub replaced: Vec<ReplacedEvidence>,
    /// Records the file gives exactly as stored.
    pub unchanged: u32,
    /// The systems the file gives evidence of.
    pub systems: Vec<String>,
    pub warnings: Vec<ImportProblem>,
    /// How the file was read where it departs from the plain layout (a model version left
    /// empty read as the system's current one, a date taken from the run's end time, ...).
    pub decisions: Vec<ImportProblem>,
    pub problems: Vec<ImportProblem>,
}

/// A stored record an import gives anew with other values.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReplacedEvidence {
    /// The first row of the file that gives it (None for an MLflow run).
    pub row: Option<u32>,
    /// "run" or "bias".
    pub kind: String,
    #[ts(type = "number")]
    pub id: i64,
    /// The record, as a sentence.
    pub record: String,
}

/// A checked record to write: new, or replacing a stored one.
#[derive(Debug, Clone, PartialEq)]
pub enum PlannedEvidence {
    Run {
        draft: RunDraft,
        replaces: Option<ValidationRun>,
    },
    Bias {
        draft: BiasDraft,
        replaces: Option<BiasResult>,
    },
}

/// What is stored, to tell a new record from a replacement or an unchanged one.
pub struct Stored<'a> {
    pub runs: &'a [ValidationRun],
    pub bias: &'a [BiasResult],
}

fn run_key(d: &RunDraft) -> (i64, &str, NaiveDate, Method, &str, &str) {
    (
        d.system_id,
        &d.model_version,
        d.date,
        d.method,
        &d.dataset,
        &d.run,
    )
}

#[allow(clippy::type_complexity)]
fn bias_key(d: &BiasDraft) -> (i64, &str, NaiveDate, &str, &str, &str, BiasMetric) {
    (
        d.system_id,
        &d.model_version,
        d.date,
        &d.dataset,
        &d.attribute,
        &d.segment,
        d.metric,
    )
}

/// A run described for a person: "Credit Scorer 2.0: holdout run of 2026-10-01 on 2025 Q3".
pub fn describe_run(system: &str, d: &RunDraft) -> String {
    let named = if d.run.is_empty() {
        String::new()
    } else {
        format!(" ({})", d.run)
    };
    format!(
        "{system} {}: {} run{named} of {} on {}",
        version(&d.model_version),
        d.method.label().to_lowercase(),
        d.date,
        d.dataset
    )
}

/// A bias result described for a person.
pub fn describe_bias(system: &str, d: &BiasDraft) -> String {
    format!(
        "{system} {}: {} of {} {} against {} on {}",
        version(&d.model_version),
        d.metric.label().to_lowercase(),
        d.attribute,
        d.segment,
        d.reference,
        d.date
    )
}

fn version(v: &str) -> String {
    if v.is_empty() {
        "(no model version)".into()
    } else {
        format!("version {v}")
    }
}

/// Sorts each checked record into added, replaced or unchanged against what is stored, and
/// returns what to write. `rows` gives each record's first row, for the plan.
pub(crate) fn against_stored(
    plan: &mut EvidencePlan,
    records: Vec<(Option<u32>, Record)>,
    stored: &Stored<'_>,
    systems: &[AiSystem],
) -> Vec<PlannedEvidence> {
    let name = |id: i64| {
        systems
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.draft.name.clone())
    };
    let runs: HashMap<_, &ValidationRun> =
        stored.runs.iter().map(|r| (run_key(&r.draft), r)).collect();
    let results: HashMap<_, &BiasResult> = stored
        .bias
        .iter()
        .map(|b| (bias_key(&b.draft), b))
        .collect();
    let mut writes = Vec::new();
    for (row, r) in records {
        match r {
            Record::Run(d) => {
                let old = runs.get(&run_key(&d)).copied();
                match old {
                    Some(o) if same_run(&o.draft, &d) => plan.unchanged += 1,
                    Some(o) => {
                        plan.replaced.push(ReplacedEvidence {
                            row,
                            kind: "run".into(),
                            id: o.id,
                            record: describe_run(&name(d.system_id), &d),
                        });
                        writes.push(PlannedEvidence::Run {
                            draft: d,
                            replaces: Some(o.clone()),
                        });
                    }
                    None => {
                        plan.runs_added += 1;
                        writes.push(PlannedEvidence::Run {
                            draft: d,
                            replaces: None,
                        });
                    }
                }
            }
            Record::Bias(d) => {
                let old = results.get(&bias_key(&d)).copied();
                match old {
                    Some(o) if same_bias(&o.draft, &d) => plan.unchanged += 1,
                    Some(o) => {
                        plan.replaced.push(ReplacedEvidence {
                            row,
                            kind: "bias".into(),
                            id: o.id,
                            record: describe_bias(&name(d.system_id), &d),
                        });
                        writes.push(PlannedEvidence::Bias {
                            draft: d,
                            replaces: Some(o.clone()),
                        });
                    }
                    None => {
                        plan.bias_added += 1;
                        writes.push(PlannedEvidence::Bias {
                            draft: d,
                            replaces: None,
                        });
                    }
                }
            }
        }
    }
    writes
}

/// Equal but for where they came from.
fn same_run(a: &RunDraft, b: &RunDraft) -> bool {
    RunDraft {
        source: String::new(),
        ..a.clone()
    } == RunDraft {
        source: String::new(),
        ..b.clone()
    }
}

fn same_bias(a: &BiasDraft, b: &BiasDraft) -> bool {
    BiasDraft {
        source: String::new(),
        ..a.clone()
    } == BiasDraft {
        source: String::new(),
        ..b.clone()
    }
}

/// A checked record before it is compared with what is stored.
pub(crate) enum Record {
    Run(RunDraft),
    Bias(BiasDraft),
}

/// A run being gathered from its rows: the first row, the row of each metric.
struct Gathered {
    draft: RunDraft,
    first: u32,
    metric_rows: Vec<u32>,
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.trim().to_string(),
        Cell::Empty => String::new(),
        other => other.text().trim().to_string(),
    }
}

/// A number cell, or text holding a plain number; Ok(None) when empty.
fn number(c: &Cell) -> Result<Option<f64>, String> {
    match c {
        Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
        c if c.is_empty() => Ok(None),
        Cell::Error(e) => Err(format!(
            "the cell holds the spreadsheet error {e}; enter a number"
        )),
        other => super::measurements::parse_value(&other.text()).map(Some),
    }
}

/// A date cell, an Excel serial, or text as YYYY-MM-DD.
pub(crate) fn date(c: &Cell) -> Result<NaiveDate, String> {
    const HOW: &str = "use a date cell or write the date as YYYY-MM-DD, e.g. 2026-03-31";
    match c {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) => super::systems::excel_serial(*n).ok_or_else(|| {
            format!(
                "{} is not a date: as an Excel date serial it is out of range; {HOW}",
                c.text()
            )
        }),
        c if c.is_empty() => Err(format!("the date is missing; {HOW}")),
        other => {
            let t = other.text();
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{:?} is not a date; {HOW}", t.trim()))
        }
    }
}

/// The most problems listed; one more line says how many were left out.
const MAX_PROBLEMS: usize = 500;

/// A run's identity in a file: system, version, date, method, dataset and the run's name.
type RunKey = (i64, String, NaiveDate, Method, String, String);
/// A bias result's identity: system, version, date, dataset, attribute, segment and metric.
type BiasKey = (i64, String, NaiveDate, String, String, String, BiasMetric);

/// The problems of a file, each located in its table; past [`MAX_PROBLEMS`] only counted.
struct Problems<'t> {
    table: &'t Table,
    list: Vec<ImportProblem>,
    dropped: usize,
}

impl Problems<'_> {
    fn at(&mut self, row: u32, column: Option<usize>, value: Option<String>, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list
                .push(self.table.problem(Some(row), column, value, message));
        } else {
            self.dropped += 1;
        }
    }

    fn len(&self) -> usize {
        self.list.len() + self.dropped
    }

    /// The problems, with a line saying how many were not listed.
    fn finish(mut self) -> Vec<ImportProblem> {
        if self.dropped > 0 {
            self.list.push(self.table.problem(
                None,
                None,
                None,
                format!(
                    "... and {} more problems not listed; correct the ones above and check again",
                    self.dropped
                ),
            ));
        }
        self.list
    }
}

/// A number cell read, its problem reported.
fn read_number(
    cell: &Cell,
    column: Option<usize>,
    row: u32,
    problems: &mut Problems<'_>,
) -> Option<f64> {
    match number(cell) {
        Ok(v) => v,
        Err(m) => {
            problems.at(row, column, Some(cell.text()), m);
            None
        }
    }
}

/// Checks every row of `table` against the register's `systems` and what is `stored` on
/// `today`, and returns the plan and the records to write. A row naming an attribute is a bias
/// result; any other row is one metric of a validation run, and rows of one system, version,
/// date, method, dataset and run are that run's metrics. An empty model version is the system's
/// current one (a decision in the plan). Every problem is located at its row and column.
pub fn plan(
    table: &Table,
    systems: &[AiSystem],
    stored: &Stored<'_>,
    today: NaiveDate,
) -> (EvidencePlan, Vec<PlannedEvidence>) {
    let source = std::path::Path::new(&table.file)
        .file_name()
        .map_or_else(|| table.file.clone(), |n| n.to_string_lossy().into_owned());
    let (map, warnings, header_problems) = map_headers(table, &SPECS);
    let mut plan = EvidencePlan {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        format: "long format".into(),
        rows: table.rows.len() as u32,
        runs_added: 0,
        bias_added: 0,
        replaced: Vec::new(),
        unchanged: 0,
        systems: Vec::new(),
        warnings,
        decisions: Vec::new(),
        problems: Vec::new(),
    };
    if !header_problems.is_empty() {
        plan.problems = header_problems;
        return (plan, Vec::new());
    }
    let mut problems = Problems {
        table,
        list: Vec::new(),
        dropped: 0,
    };
    let c = |f: usize| map.column(f);
    let by_name: HashMap<String, &AiSystem> = systems
        .iter()
        .map(|s| (s.draft.name.to_lowercase(), s))
        .collect();
    let mut runs: Vec<Gathered> = Vec::new();
    let mut run_index: HashMap<RunKey, usize> = HashMap::new();
    let mut bias: Vec<(u32, BiasDraft)> = Vec::new();
    let mut bias_seen: HashMap<BiasKey, u32> = HashMap::new();
    // Systems whose rows left the model version empty: (system, first row, rows).
    let mut defaulted: Vec<(String, String, u32, u32)> = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let empty = Cell::Empty;
    for (row, cells) in &table.rows {
        let row = *row;
        let cell = |f: usize| c(f).and_then(|i| cells.get(i)).unwrap_or(&empty);
        let before = problems.len();
        let sys_text = text(cell(col::SYSTEM));
        let sys = if sys_text.is_empty() {
            problems.at(
                row,
                c(col::SYSTEM),
                None,
                "the system is missing; name an AI system of the register".into(),
            );
            None
        } else {
            let found = by_name.get(&sys_text.to_lowercase()).copied().or_else(|| {
                sys_text
                    .trim_start_matches('#')
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| systems.iter().find(|s| s.id == id))
            });
            if found.is_none() {
                problems.at(row, c(col::SYSTEM), Some(sys_text.clone()), format!("no AI system named {sys_text:?} in the register; correct the name or add the system first"));
            }
            found
        };
        let given_version = c(col::VERSION)
            .map(|_| text(cell(col::VERSION)))
            .unwrap_or_default();
        let version = match sys {
            Some(s) if given_version.is_empty() => {
                match defaulted.iter_mut().find(|d| d.0 == s.draft.name) {
                    Some(d) => d.3 += 1,
                    None => defaulted.push((
                        s.draft.name.clone(),
                        s.draft.model_version.clone(),
                        row,
                        1,
                    )),
                }
                s.draft.model_version.clone()
            }
            _ => given_version,
        };
        let day = match date(cell(col::DATE)) {
            Ok(d) => Some(d),
            Err(m) => {
                problems.at(
                    row,
                    c(col::DATE),
                    Some(cell(col::DATE).text()).filter(|t| !t.trim().is_empty()),
                    m,
                );
                None
            }
        };
        let dataset = text(cell(col::DATASET));
        let metric_text = text(cell(col::METRIC));
        let attribute = text(cell(col::ATTRIBUTE));
        if attribute.is_empty() {
            // One metric of a validation run; the bias columns stay empty.
            for f in [
                col::SEGMENT,
                col::REFERENCE,
                col::REFERENCE_VALUE,
                col::RATIO,
                col::DIFFERENCE,
            ] {
                if !cell(f).is_empty() {
                    problems.at(row, c(f), Some(cell(f).text()), "this column is for bias results, rows that name an Attribute; leave it empty on a validation run's row, or name the attribute the segment is of".into());
                }
            }
            let method_text = text(cell(col::METHOD));
            let method = if method_text.is_empty() {
                problems.at(row, c(col::METHOD).or(c(col::METRIC)), None, format!("the validation method is missing; give one of {} (or name an Attribute for a bias result)", Method::expected()));
                None
            } else {
                let m = Method::parse(&method_text);
                if m.is_none() {
                    problems.at(
                        row,
                        c(col::METHOD),
                        Some(method_text.clone()),
                        format!(
                            "unknown validation method {method_text:?}; accepted values: {}",
                            Method::expected()
                        ),
                    );
                }
                m
            };
            let value = read_number(cell(col::VALUE), c(col::VALUE), row, &mut problems);
            if value.is_none() && cell(col::VALUE).is_empty() {
                problems.at(
                    row,
                    c(col::VALUE).or(c(col::METRIC)),
                    None,
                    format!("the value of {metric_text:?} is missing; enter a number"),
                );
            }
            let incumbent_value = read_number(
                cell(col::INCUMBENT_VALUE),
                c(col::INCUMBENT_VALUE),
                row,
                &mut problems,
            );
            let incumbent = text(cell(col::INCUMBENT));
            let run = text(cell(col::RUN));
            if problems.len() > before {
                continue;
            }
            let (Some(s), Some(day), Some(method), Some(value)) = (sys, day, method, value) else {
                continue;
            };
            touched.push(s.draft.name.clone());
            let key = (
                s.id,
                version.clone(),
                day,
                method,
                dataset.clone(),
                run.clone(),
            );
            let i = *run_index.entry(key).or_insert_with(|| {
                runs.push(Gathered {
                    draft: RunDraft {
                        system_id: s.id,
                        model_version: version.clone(),
                        date: day,
                        method,
                        dataset: dataset.clone(),
                        run: run.clone(),
                        incumbent: incumbent.clone(),
                        metrics: Vec::new(),
                        source: source.clone(),
                    },
                    first: row,
                    metric_rows: Vec::new(),
                });
                runs.len() - 1
            });
            let g = &mut runs[i];
            if g.draft.incumbent != incumbent {
                problems.at(row, c(col::INCUMBENT), Some(incumbent.clone()), format!("row {} of the same run names the incumbent {:?}; a run compares with one incumbent", g.first, g.draft.incumbent));
                continue;
            }
            if let Some(j) = g
                .draft
                .metrics
                .iter()
                .position(|m| steward_domain::evidence::same_name(&m.name, &metric_text))
            {
                problems.at(row, c(col::METRIC), Some(metric_text.clone()), format!("row {} already gives {metric_text:?} of this run (same system, version, date, method, dataset and run); keep one of the two rows", g.metric_rows[j]));
                continue;
            }
            g.draft.metrics.push(MetricValue {
                name: metric_text,
                value,
                incumbent: incumbent_value,
            });
            g.metric_rows.push(row);
        } else {
            for f in [col::METHOD, col::INCUMBENT, col::INCUMBENT_VALUE, col::RUN] {
                if !cell(f).is_empty() {
                    problems.at(row, c(f), Some(cell(f).text()), "this column is for validation runs; a bias result (a row naming an Attribute) leaves it empty".into());
                }
            }
            let metric = BiasMetric::parse(&metric_text);
            if metric.is_none() {
                problems.at(row, c(col::METRIC), Some(metric_text.clone()).filter(|t| !t.is_empty()), format!("{metric_text:?} is not a bias metric; a row naming an Attribute gives one of {}", BiasMetric::expected()));
            }
            let segment_value = read_number(cell(col::VALUE), c(col::VALUE), row, &mut problems);
            let reference_value = read_number(
                cell(col::REFERENCE_VALUE),
                c(col::REFERENCE_VALUE),
                row,
                &mut problems,
            );
            let ratio = read_number(cell(col::RATIO), c(col::RATIO), row, &mut problems);
            let difference = read_number(
                cell(col::DIFFERENCE),
                c(col::DIFFERENCE),
                row,
                &mut problems,
            );
            if problems.len() > before {
                continue;
            }
            let (Some(s), Some(day), Some(metric)) = (sys, day, metric) else {
                continue;
            };
            touched.push(s.draft.name.clone());
            let draft = BiasDraft {
                system_id: s.id,
                model_version: version.clone(),
                date: day,
                dataset,
                attribute,
                segment: text(cell(col::SEGMENT)),
                metric,
                reference: text(cell(col::REFERENCE)),
                segment_value,
                reference_value,
                ratio,
                difference,
                source: source.clone(),
            };
            match check_bias(draft, today) {
                Ok(d) => {
                    let key = (
                        d.system_id,
                        d.model_version.clone(),
                        d.date,
                        d.dataset.clone(),
                        d.attribute.clone(),
                        d.segment.clone(),
                        d.metric,
                    );
                    if let Some(first) = bias_seen.insert(key, row) {
                        problems.at(row, c(col::SEGMENT), Some(d.segment.clone()), format!("row {first} already gives the {} of {} {} on this date and dataset; keep one of the two rows", d.metric.key(), d.attribute, d.segment));
                        continue;
                    }
                    bias.push((row, d));
                }
                Err(fields) => {
                    for f in fields {
                        let column = bias_column(&f.field);
                        problems.at(
                            row,
                            c(column),
                            Some(cell(column).text()).filter(|t| !t.trim().is_empty()),
                            message(&f),
                        );
                    }
                }
            }
        }
    }
    let mut records: Vec<(Option<u32>, Record)> = Vec::new();
    for g in runs {
        match check_run(g.draft, today) {
            Ok(d) => records.push((Some(g.first), Record::Run(d))),
            Err(fields) => {
                for f in fields {
                    let (row, column) = run_place(&f.field, g.first, &g.metric_rows);
                    let at = table
                        .rows
                        .iter()
                        .find(|(r, _)| *r == row)
                        .and_then(|(_, cells)| c(column).and_then(|i| cells.get(i)))
                        .map(Cell::text)
                        .filter(|t| !t.trim().is_empty());
                    problems.at(row, c(column).or(c(col::METRIC)), at, message(&f));
                }
            }
        }
    }
    records.extend(
        bias.into_iter()
            .map(|(row, d)| (Some(row), Record::Bias(d))),
    );
    for (system, version, first, n) in defaulted {
        plan.decisions.push(table.problem(
            Some(first),
            c(col::VERSION),
            None,
            format!(
                "{n} row(s) of {system} give no model version, read as its current one ({})",
                if version.is_empty() {
                    "none recorded".to_string()
                } else {
                    version
                }
            ),
        ));
    }
    let mut problems = problems.finish();
    if table.rows.is_empty() {
        problems.push(table.problem(
            None,
            None,
            None,
            "the file has a header row but no evidence below it",
        ));
    }
    touched.sort();
    touched.dedup();
    plan.systems = touched;
    plan.problems = problems;
    if !plan.problems.is_empty() {
        return (plan, Vec::new());
    }
    let writes = against_stored(&mut plan, records, stored, systems);
    (plan, writes)
}

/// A field error of a record, as a problem's message.
pub(crate) fn message(f: &FieldError) -> String {
    let field = f.field.replace('_', " ");
    if f.message.starts_with("is ") || f.message.starts_with("must ") {
        format!("the {field} {}", f.message)
    } else {
        f.message.clone()
    }
}

/// The column of a bias result's field.
fn bias_column(field: &str) -> usize {
    match field {
        "model_version" => col::VERSION,
        "date" => col::DATE,
        "dataset" => col::DATASET,
        "attribute" => col::ATTRIBUTE,
        "segment" => col::SEGMENT,
        "reference" => col::REFERENCE,
        "segment_value" => col::VALUE,
        "reference_value" => col::REFERENCE_VALUE,
        "ratio" => col::RATIO,
        "difference" => col::DIFFERENCE,
        _ => col::METRIC,
    }
}

/// The row and column of a run's field error: a metric's at its own row, the rest at the run's
/// first row.
fn run_place(field: &str, first: u32, metric_rows: &[u32]) -> (u32, usize) {
    if let Some(rest) = field.strip_prefix("metrics[") {
        let (i, part) = rest.split_once(']').unwrap_or((rest, ""));
        let row = i
            .parse::<usize>()
            .ok()
            .and_then(|i| metric_rows.get(i))
            .copied()
            .unwrap_or(first);
        let column = match part {
            ".value" => col::VALUE,
            ".incumbent" => col::INCUMBENT_VALUE,
            _ => col::METRIC,
        };
        return (row, column);
    }
    let column = match field {
        "model_version" => col::VERSION,
        "date" => col::DATE,
        "dataset" => col::DATASET,
        "run" => col::RUN,
        "incumbent" => col::INCUMBENT,
        _ => col::METRIC,
    };
    (first, column)
}
