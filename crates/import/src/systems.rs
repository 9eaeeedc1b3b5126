//! Register rows: the columns of a system, a table row -> a validated `SystemDraft`, and the plan
//! of what an import would add and change. Pure: the existing register is passed in; writing the
//! plan is `api`'s job and nothing here touches the store.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::lists;
use super::mapping::{ColumnTarget, DateOrder, Mapping, Resolved, ValueSet};
use super::table::{map_headers_with, Cell, FieldSpec, HeaderMap, Table};
use super::{
    ColumnRead, FieldDiff, ImportPlan, ImportProblem, PlannedAdd, PlannedChange, UnknownValue,
    ValueChoice,
};
use steward_domain::register::{
    self, AiSystem, DataSensitivity, EuAiActCategory, RegulatedDomain, RiskTier, Sourcing, Stage,
    SystemDraft,
};
use steward_domain::value_key;

/// One column per field of a system, in the order an export writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Purpose,
    BusinessUnit,
    Owner,
    TechnicalLead,
    Sourcing,
    Vendor,
    ModelApproach,
    Stage,
    RegulatedDomain,
    EuAiActCategory,
    RiskTier,
    DataSensitivity,
    DeploymentDate,
    Certifications,
    Datasets,
    Assumptions,
    Tags,
    Sponsor,
    LastRetrained,
    AnnualValue,
    DataReadiness,
    StrategicAlignment,
    ModelVersion,
}

use Field as F;

impl Field {
    pub const ALL: [Field; 24] = [
        F::Name,
        F::Purpose,
        F::BusinessUnit,
        F::Owner,
        F::TechnicalLead,
        F::Sourcing,
        F::Vendor,
        F::ModelApproach,
        F::Stage,
        F::RegulatedDomain,
        F::EuAiActCategory,
        F::RiskTier,
        F::DataSensitivity,
        F::DeploymentDate,
        F::Certifications,
        F::Datasets,
        F::Assumptions,
        F::Tags,
        F::Sponsor,
        F::LastRetrained,
        F::AnnualValue,
        F::DataReadiness,
        F::StrategicAlignment,
        F::ModelVersion,
    ];

    pub fn spec(self) -> &'static FieldSpec {
        &SPECS[self as usize]
    }

    /// The field of a validation error ("vendor", "datasets[0].name").
    fn of_error(field: &str) -> Option<Field> {
        let key = field.split(['[', '.']).next().unwrap_or(field);
        Field::ALL.into_iter().find(|f| f.spec().key == key)
    }
}

/// The columns of the register; labels are the headers an export writes.
#[rustfmt::skip]
pub static SPECS: [FieldSpec; 24] = [
    FieldSpec::new("name", "Name", &["system", "system name", "ai system", "model", "model name", "use case", "title"], true),
    FieldSpec::new("purpose", "Purpose", &["description", "use", "intended purpose", "what it does", "objective"], false),
    FieldSpec::new("business_unit", "Business unit", &["BU", "unit", "department", "division", "business", "line of business", "LOB", "team"], true),
    FieldSpec::new("owner", "Owner", &["business owner", "system owner", "accountable", "accountable owner", "product owner", "model owner"], true),
    FieldSpec::new("technical_lead", "Technical lead", &["tech lead", "technical owner", "lead engineer", "engineering lead", "developer", "data scientist"], false),
    FieldSpec::new("sourcing", "Sourcing", &["in-house or vendor", "build or buy", "in-house/vendor", "make or buy", "source", "origin", "in-house", "built in-house"], false),
    FieldSpec::new("vendor", "Vendor", &["supplier", "vendor name", "provider", "third party"], false),
    FieldSpec::new("model_approach", "Model approach", &["approach", "model type", "technique", "algorithm", "method", "model family"], false),
    FieldSpec::new("stage", "Stage", &["lifecycle stage", "lifecycle", "status", "phase"], false),
    FieldSpec::new("regulated_domain", "Regulated domain", &["domain", "regulated area", "sector", "regulation domain"], false),
    FieldSpec::new("eu_ai_act_category", "EU AI Act category", &["EU AI Act", "AI Act category", "AI Act", "AI Act risk", "EU AI Act risk category", "AI Act classification"], false),
    FieldSpec::new("risk_tier", "Risk tier", &["risk", "risk level", "internal risk", "internal risk tier", "risk rating", "tier"], false),
    FieldSpec::new("data_sensitivity", "Data sensitivity", &["sensitivity", "data classification", "classification", "data class"], false),
    FieldSpec::new("deployment_date", "Deployment date", &["deployed", "deployed on", "go-live", "go-live date", "go live date", "live since", "launch date", "production date"], false),
    FieldSpec::new("certifications", "Certifications", &["certification", "certificates", "certs"], false),
    FieldSpec::new("datasets", "Datasets", &["dataset", "data sets", "training data", "data sources"], false),
    FieldSpec::new("assumptions", "Assumptions", &["assumption", "strategic assumptions", "key assumptions"], false),
    FieldSpec::new("tags", "Tags", &["tag", "labels", "keywords"], false),
    FieldSpec::new("sponsor", "Sponsor", &["executive sponsor", "exec sponsor", "business sponsor", "sponsoring executive", "funding executive"], false),
    FieldSpec::new("last_retrained", "Last retrained", &["last retrain", "last retraining", "last retrained on", "retrained", "retrained on", "last trained", "last training date", "retraining date"], false),
    FieldSpec::new("annual_value", "Annual value", &["value per year", "yearly value", "value p.a.", "annual benefit", "expected annual value", "expected value per year", "annual value (expected)"], false),
    FieldSpec::new("data_readiness", "Data readiness", &["data readiness score", "data readiness (1-5)", "readiness", "data maturity"], false),
    FieldSpec::new("strategic_alignment", "Strategic alignment", &["strategic alignment score", "strategic alignment (1-5)", "strategic fit", "strategy fit", "strategy alignment", "alignment"], false),
    FieldSpec::new("model_version", "Model version", &["version", "current version", "model release", "release", "deployed version", "version in use"], false),
];

/// The register's column headers, as an export writes them.
pub fn headers() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.label).collect()
}

/// A system's cells in column order, written with the syntax `import` reads: enum keys, dates,
/// and list cells in the syntax of [`lists`]. An export of these imports back unchanged.
pub fn system_cells(d: &SystemDraft) -> Vec<Cell> {
    Field::ALL.into_iter().map(|f| cell(d, f)).collect()
}

fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

fn cell(d: &SystemDraft, f: Field) -> Cell {
    match f {
        F::Name => text(&d.name),
        F::Purpose => text(&d.purpose),
        F::BusinessUnit => text(&d.business_unit),
        F::Owner => text(&d.owner),
        F::TechnicalLead => text(&d.technical_lead),
        F::Sourcing => text(d.sourcing.key()),
        F::Vendor => text(&d.vendor),
        F::ModelApproach => text(&d.model_approach),
        F::Stage => text(d.stage.key()),
        F::RegulatedDomain => text(d.regulated_domain.key()),
        F::EuAiActCategory => d.eu_ai_act_category.map_or(Cell::Empty, |c| text(c.key())),
        F::RiskTier => text(d.risk_tier.key()),
        F::DataSensitivity => text(d.data_sensitivity.key()),
        F::DeploymentDate => d.deployment_date.map_or(Cell::Empty, Cell::Date),
        F::Certifications => text(&lists::format_certifications(&d.certifications)),
        F::Datasets => text(&lists::format_datasets(&d.datasets)),
        F::Assumptions => text(&lists::format_assumptions(&d.assumptions)),
        F::Tags => text(&lists::format_tags(&d.tags)),
        F::Sponsor => text(&d.sponsor),
        F::LastRetrained => d.last_retrained.map_or(Cell::Empty, Cell::Date),
        F::AnnualValue => d.annual_value.map_or(Cell::Empty, Cell::Number),
        F::DataReadiness => d
            .data_readiness
            .map_or(Cell::Empty, |v| Cell::Number(v.into())),
        F::StrategicAlignment => d
            .strategic_alignment
            .map_or(Cell::Empty, |v| Cell::Number(v.into())),
        F::ModelVersion => text(&d.model_version),
    }
}

/// What a clean plan writes.
#[derive(Debug, Clone, PartialEq)]
pub enum PlannedWrite {
    Add(SystemDraft),
    Update {
        before: Box<AiSystem>,
        draft: SystemDraft,
    },
}

/// Reads every row of `table` against the `existing` register: which systems it adds, which it
/// changes (and how), which it leaves as they are, and every problem. An empty cell in a column
/// that is present means "no value" (empty text, no date, no category, no items), except for
/// sourcing, stage, regulated domain, risk tier and data sensitivity, which always have a value:
/// there an empty cell keeps the current value (a new system gets the default of
/// `SystemDraft::new`). A column that is absent keeps every existing system's value. `today` is
/// the workspace clock's date, for the rules that need it (a last retraining is not in the future).
pub fn plan(
    table: &Table,
    existing: &[AiSystem],
    today: NaiveDate,
) -> (ImportPlan, Vec<PlannedWrite>) {
    let mut p = Planner::new(table, today, None, Vec::new());
    let read = p.reader(existing).read(table.rows.iter().cloned());
    p.planned(read);
    p.finish()
}

/// The value sets of the register a mapping may give values of.
pub fn value_sets() -> &'static [ValueSet] {
    &register::CLOSED_FIELDS
}

/// Whether a header names a column of the register, by its label, key or a synonym, or by what
/// `mapping` says: how the header row and the sheet are found.
pub fn known_header(h: &str, mapping: Option<&Resolved>) -> bool {
    if super::table::header_key(h).is_empty() {
        return false;
    }
    mapping.is_some_and(|m| m.column(h).is_some()) || super::table::names_a_field(&SPECS, h)
}

/// Sets the field of `d` that `field` names (its key, its label or a synonym, as a column header
/// would) from `text`, read as an import reads a cell of that column: closed values by their
/// spellings, dates as YYYY-MM-DD, lists in the syntax of [`lists`], "" for no value (a closed
/// value that always has one, such as the risk tier, keeps it). Err says
/// what is wrong: a name that is no field (listing the fields), or a value (naming what is
/// accepted). Returns the field's key.
pub fn set_field(d: &mut SystemDraft, field: &str, text: &str) -> Result<&'static str, String> {
    let k = super::table::header_key(field);
    let spec = Field::ALL
        .into_iter()
        .find(|f| {
            let s = f.spec();
            super::table::header_key(s.key) == k
                || super::table::header_key(s.label) == k
                || s.synonyms.iter().any(|x| super::table::header_key(x) == k)
        })
        .ok_or_else(|| {
            format!(
                "{field:?} is not a field of a system; the fields are: {}",
                SPECS.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")
            )
        })?;
    apply(
        d,
        spec,
        &Cell::Text(text.to_string()),
        None,
        &mut Vec::new(),
    )?;
    Ok(spec.spec().key)
}

/// Checks a mapping against the register's columns and value sets; Err lists what is wrong.
pub fn resolve_mapping(mapping: &Mapping, source: &str) -> Result<Resolved, Vec<String>> {
    mapping.resolve(source, &SPECS, value_sets())
}

/// Vendor cells that mean "built in-house" in registers without a sourcing column.
fn means_in_house(vendor: &str) -> bool {
    matches!(
        value_key(vendor).as_str(),
        "" | "inhouse" | "internal" | "none" | "n/a" | "na" | "-" | "--" | "—" | "own" | "ownbuild"
    )
}

/// What a clean row must also pass before it is planned: the gates of the lifecycle, which the
/// API decides from the workspace (its rules, sign-offs and checklists), given the record the row
/// changes (None for a new one) and the row's draft. Err names the fields of the record the
/// refusal is about (keys, e.g. "stage") and why; the plan reports it as a problem of the row,
/// located at the first of those fields the file has a column for.
pub type RowGate<'a> =
    Box<dyn FnMut(Option<&AiSystem>, &SystemDraft) -> Result<(), (Vec<String>, String)> + 'a>;

/// Plans an import row by row, as the rows come, holding only the plan: see [`plan`]. Its
/// [`RowsReader`] reads each row into a checked draft first (on any thread), and the planner
/// takes the rows so read, in file order.
pub struct Planner<'a> {
    table: &'a Table,
    map: HeaderMap,
    seen: HashMap<String, u32>,
    today: NaiveDate,
    mapping: Option<&'a Resolved>,
    plan: ImportPlan,
    writes: Vec<PlannedWrite>,
    /// Decisions made on cells, by what was decided: (first row, rows, the decision).
    notes: BTreeMap<(usize, String), (u32, u32, ImportProblem)>,
    /// Unknown values of closed fields: (field, value) -> (first row, rows).
    unknown: BTreeMap<(usize, String), (u32, u32)>,
    ok: bool,
    gate: Option<RowGate<'a>>,
}

impl<'a> Planner<'a> {
    /// A planner for the rows of `table` (its header; its rows are passed to [`Planner::rows`]),
    /// with the `decisions` made while the file was opened.
    pub fn new(
        table: &'a Table,
        today: NaiveDate,
        mapping: Option<&'a Resolved>,
        decisions: Vec<ImportProblem>,
    ) -> Self {
        let (map, warnings, mut problems) = map_headers_with(table, &SPECS, mapping);
        let mut decisions = decisions;
        if let Some(m) = mapping {
            problems.extend(m.stale(table));
            for (col, header) in table.headers.iter().enumerate() {
                match m.column(header) {
                    Some(ColumnTarget::Field(f)) => decisions.push(table.problem(
                        Some(table.header_row),
                        Some(col),
                        Some(header.clone()),
                        format!("read as {} (mapping {})", SPECS[f].label, m.source),
                    )),
                    Some(ColumnTarget::Ignore) => decisions.push(table.problem(
                        Some(table.header_row),
                        Some(col),
                        Some(header.clone()),
                        format!("ignored (mapping {})", m.source),
                    )),
                    None => {}
                }
            }
        }
        if map.column(F::Vendor as usize).is_some() && map.column(F::Sourcing as usize).is_none() {
            decisions.push(table.problem(
                Some(table.header_row),
                map.column(F::Vendor as usize),
                None,
                "the file has no Sourcing column: a row whose vendor is empty, \"In-house\", \
                 \"Internal\", \"None\", \"N/A\" or \"-\" is an in-house system, a row naming a \
                 vendor is a vendor's system",
            ));
        }
        let columns = table
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.trim().is_empty())
            .map(|(col, header)| ColumnRead {
                column: super::table::column_letter(col),
                header: header.clone(),
                field: map
                    .columns
                    .iter()
                    .position(|c| *c == Some(col))
                    .map(|f| SPECS[f].key.to_string()),
                ignored: mapping.and_then(|m| m.column(header)) == Some(ColumnTarget::Ignore),
            })
            .collect();
        let ok = problems.is_empty();
        Planner {
            table,
            map,
            seen: HashMap::new(),
            today,
            mapping,
            plan: ImportPlan {
                file: table.file.clone(),
                sheet: table.sheet.clone(),
                rows: 0,
                adds: Vec::new(),
                changes: Vec::new(),
                unchanged: 0,
                warnings,
                decisions,
                mapping: mapping.map(|m| m.source.clone()),
                problems,
                sheets: Vec::new(),
                columns,
                unknown_values: Vec::new(),
            },
            writes: Vec::new(),
            notes: BTreeMap::new(),
            unknown: BTreeMap::new(),
            ok,
            gate: None,
        }
    }

    /// This planner, with every clean row also passing `gate`.
    pub fn with_gate(mut self, gate: RowGate<'a>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Whether no problem was found so far.
    pub fn is_clean(&self) -> bool {
        self.plan.problems.is_empty()
    }

    /// The writes planned so far, handed over (a caller writes them as they come and rolls
    /// back if a later row has a problem).
    pub fn take_writes(&mut self) -> Vec<PlannedWrite> {
        std::mem::take(&mut self.writes)
    }

    /// The reader of this planner's rows against the `existing` register.
    pub fn reader(&self, existing: &'a [AiSystem]) -> RowsReader<'a> {
        RowsReader {
            table: self.table,
            map: self.map.clone(),
            by_name: existing
                .iter()
                .map(|s| (s.draft.name.to_lowercase(), s))
                .collect(),
            today: self.today,
            mapping: self.mapping,
            ok: self.ok,
        }
    }

    /// Plans these rows, read by this planner's [`RowsReader`] (in file order).
    pub fn planned(&mut self, rows: impl IntoIterator<Item = ReadRow<'a>>) {
        for read in rows {
            self.plan.rows += 1;
            if self.ok {
                self.row(read);
            } else {
                // The header has a problem, so rows are not checked; their unknown values are
                // still listed, to be mapped together with the header.
                count_unknown(&mut self.unknown, read.row, read.read.unknown);
            }
        }
    }

    fn row(&mut self, read: ReadRow<'a>) {
        let table = self.table;
        let ReadRow {
            row,
            cells,
            name,
            key,
            before,
            read,
        } = read;
        let r = RowReader {
            table,
            map: &self.map,
            row,
            cells: &cells,
            today: self.today,
            mapping: self.mapping,
        };
        let RowRead {
            draft,
            problems: mut row_problems,
            notes,
            unknown,
        } = read;
        count_unknown(&mut self.unknown, row, unknown);
        if !key.is_empty() {
            if let Some(first) = self.seen.get(&key) {
                row_problems.push((
                    F::Name,
                    r.problem(
                    F::Name,
                    format!("the name {name:?} is already used in row {first} of this file (names are unique, ignoring case); keep one row per system"),
                )));
            } else {
                self.seen.insert(key, row);
            }
        }
        if let Some(b) = before {
            if let Err(reason) = register::check_transition(b.draft.stage, draft.stage) {
                let message = format!(
                    "{} cannot move from {} to {}: {reason}",
                    b.draft.name,
                    b.draft.stage.key(),
                    draft.stage.key()
                );
                row_problems.push((F::Stage, r.problem(F::Stage, message)));
            }
        }
        if row_problems.is_empty() {
            if let Some(gate) = self.gate.as_mut() {
                if let Err((fields, message)) = gate(before, &draft) {
                    let f = fields
                        .iter()
                        .filter_map(|k| Field::ALL.into_iter().find(|f| f.spec().key == k))
                        .min_by_key(|f| r.column(*f).unwrap_or(usize::MAX))
                        .unwrap_or(F::Name);
                    row_problems.push((f, r.problem(f, message)));
                }
            }
        }
        if !row_problems.is_empty() {
            // In the order of the columns, as a person reads the row.
            row_problems.sort_by_key(|(f, _)| r.column(*f).unwrap_or(usize::MAX));
            self.plan
                .problems
                .extend(row_problems.into_iter().map(|(_, p)| p));
            return;
        }
        for (f, what) in notes {
            let col = r.column(f).unwrap_or(usize::MAX);
            let value = r.cell(f).map(Cell::text);
            let entry = self
                .notes
                .entry((col, what.clone()))
                .or_insert_with(|| (row, 0, table.problem(Some(row), r.column(f), value, what)));
            entry.1 += 1;
        }
        match before {
            None => {
                self.plan.adds.push(PlannedAdd {
                    row,
                    name: draft.name.clone(),
                });
                self.writes.push(PlannedWrite::Add(draft));
            }
            Some(b) if b.draft == draft => self.plan.unchanged += 1,
            Some(b) => {
                self.plan.changes.push(PlannedChange {
                    row,
                    name: draft.name.clone(),
                    id: b.id,
                    fields: diff(&b.draft, &draft),
                });
                self.writes.push(PlannedWrite::Update {
                    before: Box::new(b.clone()),
                    draft,
                });
            }
        }
    }

    /// The plan and what a clean plan writes.
    pub fn finish(mut self) -> (ImportPlan, Vec<PlannedWrite>) {
        if self.ok && self.plan.rows == 0 {
            self.plan.problems.push(self.table.problem(
                Some(self.table.header_row),
                None,
                None,
                "the file has a header row but no data rows below it; nothing to import",
            ));
        }
        for (_, (first, n, mut p)) in std::mem::take(&mut self.notes) {
            if n > 1 {
                p.message = format!("{} (row {first} and {} more)", p.message, n - 1);
            }
            self.plan.decisions.push(p);
        }
        self.plan.unknown_values = std::mem::take(&mut self.unknown)
            .into_iter()
            .map(|((f, value), (first_row, rows))| UnknownValue {
                field: SPECS[f].key.to_string(),
                value,
                rows,
                first_row,
                choices: value_sets()
                    .iter()
                    .find(|c| c.field == SPECS[f].key)
                    .map(|c| {
                        (c.choices)()
                            .into_iter()
                            .map(|(key, label)| ValueChoice {
                                key: key.into(),
                                label: label.into(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        if !self.plan.problems.is_empty() {
            self.writes.clear();
        }
        (self.plan, self.writes)
    }
}

/// Reads rows into checked drafts against the register as it was before the import: the part
/// of planning that needs only the file's header and the register, so an import runs it on the
/// thread that parses the file while the [`Planner`] plans the rows before. Made by
/// [`Planner::reader`].
pub struct RowsReader<'a> {
    table: &'a Table,
    map: HeaderMap,
    by_name: HashMap<String, &'a AiSystem>,
    today: NaiveDate,
    mapping: Option<&'a Resolved>,
    /// Whether the header has no problem (else only unknown values are read).
    ok: bool,
}

/// A row as a [`RowsReader`] read it, for [`Planner::planned`].
pub struct ReadRow<'a> {
    row: u32,
    cells: Vec<Cell>,
    name: String,
    /// The name as names are compared (ignoring case).
    key: String,
    /// The system of that name in the register, which the row changes.
    before: Option<&'a AiSystem>,
    read: RowRead,
}

impl<'a> RowsReader<'a> {
    /// Reads these rows (numbered as the sheet shows them, with their cells).
    pub fn read(&self, rows: impl IntoIterator<Item = (u32, Vec<Cell>)>) -> Vec<ReadRow<'a>> {
        rows.into_iter()
            .map(|(row, cells)| self.read_row(row, cells))
            .collect()
    }

    fn read_row(&self, row: u32, cells: Vec<Cell>) -> ReadRow<'a> {
        let r = RowReader {
            table: self.table,
            map: &self.map,
            row,
            cells: &cells,
            today: self.today,
            mapping: self.mapping,
        };
        if !self.ok {
            let read = r.draft(None);
            return ReadRow {
                row,
                cells,
                name: String::new(),
                key: String::new(),
                before: None,
                read,
            };
        }
        let name = r
            .cell(F::Name)
            .map(|c| c.as_text().trim().to_string())
            .unwrap_or_default();
        let key = name.to_lowercase();
        let before = self.by_name.get(&key).copied();
        let read = r.draft(before.map(|s| &s.draft));
        ReadRow {
            row,
            cells,
            name,
            key,
            before,
            read,
        }
    }
}

/// Counts a row's unknown values: (field, value) -> (first row, rows).
fn count_unknown(counts: &mut BTreeMap<(usize, String), (u32, u32)>, row: u32, unknown: Vec<Note>) {
    for (f, value) in unknown {
        counts.entry((f as usize, value)).or_insert((row, 0)).1 += 1;
    }
}

/// The fields that differ, as the cells an export would show.
fn diff(before: &SystemDraft, after: &SystemDraft) -> Vec<FieldDiff> {
    Field::ALL
        .into_iter()
        .filter_map(|f| {
            let (b, a) = (cell(before, f).text(), cell(after, f).text());
            (b != a).then(|| FieldDiff {
                field: f.spec().label.to_string(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// One data row and where its fields are.
struct RowReader<'a> {
    table: &'a Table,
    map: &'a HeaderMap,
    row: u32,
    cells: &'a [Cell],
    today: NaiveDate,
    mapping: Option<&'a Resolved>,
}

/// A decision made on a cell, in words (the same words for every row it applies to).
type Note = (Field, String);

/// What reading one row gave: see [`RowReader::draft`].
struct RowRead {
    draft: SystemDraft,
    problems: Vec<(Field, ImportProblem)>,
    notes: Vec<Note>,
    /// Values of closed fields that read as no value of the field.
    unknown: Vec<Note>,
}

const EMPTY: Cell = Cell::Empty;

impl RowReader<'_> {
    fn column(&self, f: Field) -> Option<usize> {
        self.map.column(f as usize)
    }

    /// The field's cell, or None when the file has no column for it.
    fn cell(&self, f: Field) -> Option<&Cell> {
        self.column(f).map(|c| self.cells.get(c).unwrap_or(&EMPTY))
    }

    fn problem(&self, f: Field, message: String) -> ImportProblem {
        let value = self.cell(f).filter(|c| !c.is_empty()).map(Cell::text);
        let mut p = self
            .table
            .problem(Some(self.row), self.column(f), value, message);
        if p.column.is_none() {
            p.message = format!("{} (the file has no {} column)", p.message, f.spec().label);
        }
        p
    }

    /// The row's draft: `base` (the existing record, or a new one) with every present cell applied,
    /// normalized, with every problem found on the way and the field it is about, the decisions
    /// made on its cells, and its values of closed fields that read as no value of the field.
    fn draft(&self, base: Option<&SystemDraft>) -> RowRead {
        let mut d = base.cloned().unwrap_or_else(|| SystemDraft::new(""));
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        let mut unknown = Vec::new();
        let order = self.mapping.and_then(|m| m.mapping.date_order);
        for f in Field::ALL {
            let Some(cell) = self.cell(f) else { continue };
            let mapped = self
                .mapping
                .and_then(|m| m.value(f as usize, &cell.as_text()).map(|k| (k, m)));
            let result = match mapped {
                Some((key, m)) => {
                    notes.push((
                        f,
                        format!(
                            "{:?} read as {key} (mapping {})",
                            cell.as_text().trim(),
                            m.source
                        ),
                    ));
                    apply(&mut d, f, &Cell::Text(key.to_string()), order, &mut notes)
                }
                None => apply(&mut d, f, cell, order, &mut notes),
            };
            if let Err(message) = result {
                let text = cell.as_text();
                let text = text.trim();
                let closed = value_sets().iter().find(|c| c.field == f.spec().key);
                if closed.is_some_and(|c| (c.parse)(text).is_none())
                    && !text.is_empty()
                    && !matches!(cell, Cell::Error(_))
                {
                    unknown.push((f, text.to_string()));
                }
                problems.push((f, self.problem(f, message)));
            }
        }
        // A vendor column without a sourcing column (or with its cell empty) says both.
        let sourcing_given = self.cell(F::Sourcing).is_some_and(|c| !c.is_empty());
        if let Some(vendor) = self.cell(F::Vendor).filter(|_| !sourcing_given) {
            let v = vendor.as_text();
            let v = v.trim();
            if means_in_house(v) {
                if !v.is_empty() {
                    notes.push((
                        F::Vendor,
                        format!("vendor {v:?} read as an in-house system"),
                    ));
                }
                d.sourcing = Sourcing::InHouse;
                d.vendor.clear();
            } else if d.sourcing != Sourcing::Vendor {
                notes.push((
                    F::Vendor,
                    "a vendor named with no sourcing given: read as a vendor's system".into(),
                ));
                d.sourcing = Sourcing::Vendor;
            }
        } else if sourcing_given
            && d.sourcing == Sourcing::InHouse
            && means_in_house(&d.vendor)
            && !d.vendor.is_empty()
        {
            notes.push((
                F::Vendor,
                format!(
                    "vendor {:?} of an in-house system read as no vendor",
                    d.vendor
                ),
            ));
            d.vendor.clear();
        }
        register::normalize(&mut d);
        for e in register::validate_on(&d, self.today) {
            let f = Field::of_error(&e.field).unwrap_or(F::Name);
            // A cell already refused while it was read is not reported twice.
            if problems.iter().any(|(g, _)| *g == f) {
                continue;
            }
            let message = match e
                .field
                .split_once('[')
                .and_then(|(_, rest)| rest.split_once(']'))
            {
                Some((i, _)) => format!(
                    "item {}: {}",
                    i.parse::<usize>().map_or(0, |i| i + 1),
                    e.message
                ),
                None => format!("{} {}", f.spec().label, e.message),
            };
            problems.push((f, self.problem(f, message)));
        }
        RowRead {
            draft: d,
            problems,
            notes,
            unknown,
        }
    }
}

/// Sets field `f` of `d` from `cell`; Err says what was wrong and what would be accepted.
fn apply(
    d: &mut SystemDraft,
    f: Field,
    cell: &Cell,
    order: Option<DateOrder>,
    notes: &mut Vec<Note>,
) -> Result<(), String> {
    if let Cell::Error(e) = cell {
        return Err(format!(
            "the cell holds the spreadsheet error {e}; fix its formula or type the value"
        ));
    }
    let s = cell.as_text();
    let s = s.trim();
    match f {
        F::Name => d.name = s.to_string(),
        F::Purpose => d.purpose = s.to_string(),
        F::BusinessUnit => d.business_unit = s.to_string(),
        F::Owner => d.owner = s.to_string(),
        F::TechnicalLead => d.technical_lead = s.to_string(),
        F::Vendor => d.vendor = s.to_string(),
        F::ModelApproach => d.model_approach = s.to_string(),
        F::Sourcing => set_enum(
            &mut d.sourcing,
            s,
            Sourcing::parse,
            Sourcing::expected,
            "sourcing",
        )?,
        F::Stage => set_enum(&mut d.stage, s, Stage::parse, Stage::expected, "stage")?,
        F::RegulatedDomain => set_enum(
            &mut d.regulated_domain,
            s,
            RegulatedDomain::parse,
            RegulatedDomain::expected,
            "regulated domain",
        )?,
        F::RiskTier => set_enum(
            &mut d.risk_tier,
            s,
            RiskTier::parse,
            RiskTier::expected,
            "risk tier",
        )?,
        F::DataSensitivity => set_enum(
            &mut d.data_sensitivity,
            s,
            DataSensitivity::parse,
            DataSensitivity::expected,
            "data sensitivity",
        )?,
        F::EuAiActCategory => {
            d.eu_ai_act_category = if s.is_empty() {
                None
            } else {
                Some(EuAiActCategory::parse(s).ok_or_else(|| {
                    unknown(
                        "EU AI Act category",
                        s,
                        &format!(
                            "{}, or leave it empty when not yet classified",
                            EuAiActCategory::expected()
                        ),
                    )
                })?)
            }
        }
        F::DeploymentDate => d.deployment_date = date_cell(cell, order, f, notes)?,
        F::Certifications => d.certifications = lists::parse_certifications(s)?,
        F::Datasets => d.datasets = lists::parse_datasets(s)?,
        F::Assumptions => d.assumptions = lists::parse_assumptions(s)?,
        F::Tags => d.tags = lists::parse_tags(s),
        F::Sponsor => d.sponsor = s.to_string(),
        F::LastRetrained => d.last_retrained = date_cell(cell, order, f, notes)?,
        F::AnnualValue => d.annual_value = amount_cell(cell)?,
        F::DataReadiness => d.data_readiness = score_cell(cell)?,
        F::StrategicAlignment => d.strategic_alignment = score_cell(cell)?,
        F::ModelVersion => d.model_version = s.to_string(),
    }
    Ok(())
}

fn unknown(what: &str, value: &str, expected: &str) -> String {
    format!("unknown {what} {value:?}; accepted values: {expected}")
}

fn set_enum<T>(
    slot: &mut T,
    s: &str,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
    what: &str,
) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    *slot = parse(s).ok_or_else(|| unknown(what, s, &expected()))?;
    Ok(())
}

/// A date: a date cell, an Excel serial number (45747 is 2025-03-31), or text in ISO form
/// (2025-03-31, 2025/03/31) or with the day and month first or second (31/03/2025, 03/31/2025,
/// also with '.' or '-'). Text whose day and month could be either way round (03/04/2025) is
/// refused naming both readings, unless `order` says which. Each reading other than an ISO text
/// or a date cell is noted, so a person sees how dates were read.
fn date_cell(
    cell: &Cell,
    order: Option<DateOrder>,
    f: Field,
    notes: &mut Vec<Note>,
) -> Result<Option<NaiveDate>, String> {
    const HOW: &str = "use a date cell or write the date as YYYY-MM-DD, e.g. 2026-03-31";
    let date = match cell {
        Cell::Empty => return Ok(None),
        Cell::Date(d) => *d,
        Cell::Text(s) if s.trim().is_empty() => return Ok(None),
        Cell::Number(n) => {
            let d = excel_serial(*n).ok_or_else(|| {
                format!(
                    "{} is not a date: as an Excel date serial it is out of range; {HOW}",
                    cell.text()
                )
            })?;
            notes.push((f, "a number read as an Excel date serial".to_string()));
            d
        }
        Cell::Text(s) => {
            let (d, how) = text_date(s.trim(), order)?;
            if let Some(how) = how {
                notes.push((f, how));
            }
            d
        }
        other => return Err(format!("{:?} is not a date; {HOW}", other.text())),
    };
    register::check_date_year(date).map_err(|m| format!("{}: {m}", date.format("%Y-%m-%d")))?;
    Ok(Some(date))
}

/// The date of an Excel serial number in the 1900 date system (whole days; the time of day,
/// if any, is dropped). None outside 1900-03-01 (61) to 9999-12-31.
pub(crate) fn excel_serial(n: f64) -> Option<NaiveDate> {
    if !n.is_finite() || !(61.0..2_958_466.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.floor() as u64))
}

/// A text date and, when it was not ISO, how it was read.
fn text_date(s: &str, order: Option<DateOrder>) -> Result<(NaiveDate, Option<String>), String> {
    const HOW: &str = "write it as YYYY-MM-DD, e.g. 2026-03-31";
    let bad = || format!("{s:?} is not a date; {HOW}");
    let parts: Vec<&str> = s.split(['-', '/', '.']).map(str::trim).collect();
    let [a, b, c] = parts[..] else {
        return Err(bad());
    };
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (Some(x), Some(y), Some(z)) = (num(a), num(b), num(c)) else {
        return Err(bad());
    };
    if a.len() == 4 {
        let d = NaiveDate::from_ymd_opt(x as i32, y, z).ok_or_else(bad)?;
        return Ok((d, None));
    }
    if c.len() != 4 {
        return Err(format!(
            "{s:?} is not a date: the year must have four digits; {HOW}"
        ));
    }
    let year = z as i32;
    let day_first = NaiveDate::from_ymd_opt(year, y, x);
    let month_first = NaiveDate::from_ymd_opt(year, x, y);
    match (day_first, month_first, order) {
        (Some(d), Some(m), None) if d != m => Err(format!(
            "{s:?} could be {} (day first) or {} (month first); write it as YYYY-MM-DD, or say \
             which order the file uses (date_order = \"day-first\" or \"month-first\" in the \
             mapping)",
            d.format("%-d %B %Y"),
            m.format("%B %-d, %Y")
        )),
        (Some(d), _, Some(DateOrder::DayFirst)) | (Some(d), None, None) => Ok((
            d,
            Some(if order.is_some() {
                "text dates read day first, as the mapping says".to_string()
            } else {
                "text dates read day first (DD/MM/YYYY), the only reading they allow".to_string()
            }),
        )),
        (_, Some(m), Some(DateOrder::MonthFirst)) | (None, Some(m), None) => Ok((
            m,
            Some(if order.is_some() {
                "text dates read month first, as the mapping says".to_string()
            } else {
                "text dates read month first (MM/DD/YYYY), the only reading they allow".to_string()
            }),
        )),
        (Some(d), Some(_), None) => Ok((d, None)),
        _ => Err(bad()),
    }
}

/// An amount per year: a number cell, or text holding a plain number.
fn amount_cell(cell: &Cell) -> Result<Option<f64>, String> {
    match cell {
        Cell::Number(n) => Ok(Some(*n)),
        c if c.is_empty() => Ok(None),
        other => {
            let s = other.text();
            super::measurements::parse_value(&s).map(Some).map_err(|_| {
                format!(
                    "{:?} is not an amount; write the value per year in the workspace's currency \
                     as a plain number, e.g. 1250000 (no currency sign, no thousands separators, \
                     '.' for decimals), or leave it empty when not known",
                    s.trim()
                )
            })
        }
    }
}

/// A 1-5 score: a whole number (the range is the register's rule, checked with the record).
fn score_cell(cell: &Cell) -> Result<Option<u8>, String> {
    const HOW: &str = "write a whole number from 1 to 5, or leave it empty when not assessed";
    let s = cell.as_text();
    let s = s.trim();
    match cell {
        c if c.is_empty() => Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && (0.0..=255.0).contains(n) => Ok(Some(*n as u8)),
        Cell::Text(_) if s.parse::<u8>().is_ok() => Ok(s.parse::<u8>().ok()),
        _ => Err(format!("{s:?} is not a whole number from 1 to 5; {HOW}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_one_spec_in_order() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(
                f as usize, i,
                "Field::ALL is in declaration order, which indexes SPECS"
            );
        }
        // Every field set: the review fields are left out of the JSON when empty.
        let mut d = SystemDraft::new("x");
        d.sponsor = "Helen Carter".into();
        d.last_retrained = NaiveDate::from_ymd_opt(2026, 1, 1);
        d.annual_value = Some(1.0);
        d.data_readiness = Some(3);
        d.strategic_alignment = Some(3);
        d.model_version = "2.3".into();
        let draft = serde_json::to_value(d).expect("a draft serializes");
        for s in &SPECS {
            assert!(
                draft.get(s.key).is_some(),
                "spec key {} must be a SystemDraft field so validation errors map to it",
                s.key
            );
        }
        assert_eq!(
            draft.as_object().map(|o| o.len()),
            Some(SPECS.len()),
            "every SystemDraft field has a column"
        );
    }

    #[test]
    fn no_header_names_two_fields() {
        let mut seen = HashMap::new();
        for s in &SPECS {
            for h in [s.key, s.label].iter().chain(s.synonyms) {
                let k = super::super::table::header_key(h);
                if let Some(other) = seen.insert(k.clone(), s.key) {
                    assert_eq!(other, s.key, "header {h:?} must name one field only");
                }
            }
        }
    }
}
