//! Measurement rows in long format (system, KPI, period, value, source, note): a table row -> a
//! checked measurement, and the plan of what an import would add and change. Pure: the register's
//! systems and KPIs and the stored values are passed in; writing is `api`'s job.

use std::borrow::Borrow;
use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::table::{map_headers, Cell, FieldSpec, Table};
use super::ImportProblem;
use steward_domain::kpi::period::{parse_period, period_label, period_of_date};
use steward_domain::kpi::Kpi;
use steward_domain::register::AiSystem;

/// The columns of a measurements file, in the order an export writes them.
pub const SPECS: [FieldSpec; 6] = [
    FieldSpec {
        key: "system",
        label: "System",
        synonyms: &["AI system", "System name"],
        required: true,
    },
    FieldSpec {
        key: "kpi",
        label: "KPI",
        synonyms: &["KPI name", "Metric", "Indicator"],
        required: true,
    },
    FieldSpec {
        key: "period",
        label: "Period",
        synonyms: &["Month", "Quarter"],
        required: true,
    },
    FieldSpec {
        key: "value",
        label: "Value",
        synonyms: &["Measurement", "Actual"],
        required: true,
    },
    FieldSpec {
        key: "source",
        label: "Source",
        synonyms: &["Data source"],
        required: false,
    },
    FieldSpec {
        key: "note",
        label: "Note",
        synonyms: &["Notes", "Comment"],
        required: false,
    },
];

/// The headers an export writes (and an import reads back).
pub fn headers() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.label).collect()
}

/// At most this many problems are listed; one more line says how many were left out.
const MAX_PROBLEMS: usize = 500;

/// What a measurements import would do (or did).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeasurementPlan {
    pub file: String,
    pub sheet: Option<String>,
    /// Data rows read (fully empty rows are not counted).
    pub rows: u32,
    /// New (KPI, period) values.
    pub added: u32,
    /// Periods that already had a value and get a new one, with before and after.
    pub updated: Vec<MeasurementChange>,
    /// Rows that say exactly what is stored already.
    pub unchanged: u32,
    /// Distinct KPIs the file measures.
    pub kpis: u32,
    pub warnings: Vec<ImportProblem>,
    /// How the file was read where it departs from the plain layout (the sheet chosen, rows
    /// above the header).
    pub decisions: Vec<ImportProblem>,
    pub problems: Vec<ImportProblem>,
}

/// Whether a header names a column of a measurements file.
pub fn known_header(h: &str) -> bool {
    super::table::names_a_field(&SPECS, h)
}

/// A period whose value an import replaces.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MeasurementChange {
    pub row: u32,
    pub system: String,
    pub kpi: String,
    pub period: String,
    pub before: f64,
    pub after: f64,
    pub before_source: String,
    pub after_source: String,
}

/// A checked row to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMeasurement {
    pub kpi_id: i64,
    pub period_index: i32,
    pub period: String,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// A cell's text, borrowed when the cell holds text (the common case, with no copy per row).
fn text_of(c: &Cell) -> std::borrow::Cow<'_, str> {
    match c {
        Cell::Text(s) => std::borrow::Cow::Borrowed(s.as_str()),
        Cell::Empty => std::borrow::Cow::Borrowed(""),
        other => std::borrow::Cow::Owned(other.text()),
    }
}

/// What is stored for a (KPI, period), to tell an update from an unchanged row.
pub struct Existing<'a> {
    pub value: f64,
    pub source: &'a str,
    pub note: &'a str,
}

/// Checks every row of `table` against the register's `systems` and `kpis`, compares with what
/// `existing` returns for a (kpi, period_index), and returns the plan and the rows to write (only
/// added and changed ones). `default_source` fills an empty source cell.
pub fn plan<'e>(
    table: &Table,
    systems: &[AiSystem],
    kpis: &[Kpi],
    existing: impl Fn(i64, i32) -> Option<Existing<'e>>,
    default_source: &str,
) -> (MeasurementPlan, Vec<PlannedMeasurement>) {
    let mut writes = Vec::with_capacity(table.rows.len());
    let plan = plan_each(table, systems, kpis, existing, default_source, |w| {
        writes.push(w)
    });
    (plan, writes)
}

/// As [`plan`], handing each row to write to `write` as soon as it is checked, so the caller can
/// write while later rows are still being checked. A row handed over before a problem was found
/// must not be kept when the plan has problems.
pub fn plan_each<'e>(
    table: &Table,
    systems: &[AiSystem],
    kpis: &[Kpi],
    existing: impl Fn(i64, i32) -> Option<Existing<'e>>,
    default_source: &str,
    write: impl FnMut(PlannedMeasurement),
) -> MeasurementPlan {
    let rows = table.rows.len();
    plan_rows(
        table,
        &table.rows,
        rows,
        systems,
        kpis,
        existing,
        default_source,
        write,
    )
}

/// As [`plan_each`], with the rows below the header passed as they come (e.g. as a sheet is
/// parsed) rather than held by `table`, whose rows are not read; `expected` is how many rows
/// there may be, to size the checks' tables.
#[allow(clippy::too_many_arguments)]
pub fn plan_rows<'e, R: Borrow<(u32, Vec<Cell>)>>(
    table: &Table,
    rows: impl IntoIterator<Item = R>,
    expected: usize,
    systems: &[AiSystem],
    kpis: &[Kpi],
    existing: impl Fn(i64, i32) -> Option<Existing<'e>>,
    default_source: &str,
    mut write: impl FnMut(PlannedMeasurement),
) -> MeasurementPlan {
    let (map, warnings, mut problems) = map_headers(table, &SPECS);
    let mut plan = MeasurementPlan {
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        rows: 0,
        added: 0,
        updated: Vec::new(),
        unchanged: 0,
        kpis: 0,
        warnings,
        decisions: Vec::new(),
        problems: Vec::new(),
    };
    if !problems.is_empty() {
        plan.rows = rows.into_iter().count() as u32;
        plan.problems = problems;
        return plan;
    }
    let col = |i: usize| map.column(i);
    let (c_sys, c_kpi, c_period, c_value, c_source, c_note) =
        (col(0), col(1), col(2), col(3), col(4), col(5));

    let system_ids: HashMap<String, (i64, &str)> = systems
        .iter()
        .map(|s| (s.draft.name.to_lowercase(), (s.id, s.draft.name.as_str())))
        .collect();
    let mut kpi_index: HashMap<(i64, String), usize> = HashMap::new();
    let mut kpi_names: HashMap<i64, Vec<&str>> = HashMap::new();
    for (i, k) in kpis.iter().enumerate() {
        kpi_index.insert((k.draft.system_id, k.draft.name.to_lowercase()), i);
        kpi_names
            .entry(k.draft.system_id)
            .or_default()
            .push(&k.draft.name);
    }

    // One entry per row: keyed by (KPI index, period) packed in a u64 with a cheap hash, as the
    // default hasher is made for untrusted keys and costs more than the rest of the row's checks.
    let mut seen: HashMap<u64, u32, BuildPackedHasher> =
        HashMap::with_capacity_and_hasher(expected, BuildPackedHasher);
    // Files repeat the same few periods on every KPI: each label is formatted once.
    let mut labels: HashMap<u64, String, BuildPackedHasher> = HashMap::default();
    let mut touched = vec![false; kpis.len()];
    let mut dropped = 0usize;
    let empty = Cell::Empty;
    let mut last_kpi: Option<(String, String, usize)> = None;
    let mut count = 0u32;
    for item in rows {
        count += 1;
        let (row, cells) = item.borrow();
        let row = *row;
        let cell = |c: Option<usize>| c.and_then(|c| cells.get(c)).unwrap_or(&empty);
        let mut report = |column: Option<usize>, value: Option<String>, message: String| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(table.problem(Some(row), column, value, message));
            } else {
                dropped += 1;
            }
        };
        let sys_text = text_of(cell(c_sys));
        let kpi_text = text_of(cell(c_kpi));
        let (sys_text, kpi_text) = (sys_text.trim(), kpi_text.trim());
        // Long files repeat the same system and KPI for many periods: reuse the last lookup.
        let k = match &last_kpi {
            Some((s, n, k)) if s == sys_text && n == kpi_text => Some(*k),
            _ => {
                let found = if sys_text.is_empty() {
                    report(
                        c_sys,
                        None,
                        "the system is missing; name an AI system of the register".into(),
                    );
                    None
                } else if let Some((sid, sname)) = system_ids.get(&sys_text.to_lowercase()) {
                    if kpi_text.is_empty() {
                        report(
                            c_kpi,
                            None,
                            format!("the KPI is missing; name one of {sname}'s KPIs"),
                        );
                        None
                    } else if let Some(&k) = kpi_index.get(&(*sid, kpi_text.to_lowercase())) {
                        Some(k)
                    } else {
                        let names = kpi_names.get(sid).map(|v| v.join(", "));
                        report(
                            c_kpi,
                            Some(kpi_text.to_string()),
                            match names {
                                Some(n) => format!(
                                    "{sname} has no KPI named {kpi_text:?}; its KPIs are: {n}"
                                ),
                                None => format!(
                                    "{sname} has no KPIs yet; add the KPI to the system first"
                                ),
                            },
                        );
                        None
                    }
                } else {
                    report(
                        c_sys,
                        Some(sys_text.to_string()),
                        format!("no AI system named {sys_text:?} in the register; correct the name or add the system first"),
                    );
                    None
                };
                if let Some(k) = found {
                    last_kpi = Some((sys_text.to_string(), kpi_text.to_string(), k));
                }
                found
            }
        };
        let kpi = k.map(|k| &kpis[k]);

        let period = kpi.and_then(|kpi| {
            let cadence = kpi.draft.cadence;
            let r = match cell(c_period) {
                Cell::Text(t) if !t.trim().is_empty() => parse_period(t, cadence),
                Cell::Date(d) => period_of_date(*d, cadence),
                c if c.is_empty() => Err(format!(
                    "the period is missing; write it as {}",
                    if cadence == steward_domain::kpi::Cadence::Monthly {
                        "YYYY-MM, e.g. 2025-03"
                    } else {
                        "YYYY-Qn, e.g. 2025-Q1"
                    }
                )),
                other => parse_period(&other.text(), cadence),
            };
            r.map_err(|m| report(c_period, Some(cell(c_period).text()), m))
                .ok()
        });

        let value = match cell(c_value) {
            Cell::Number(n) if n.is_finite() => Some(*n),
            Cell::Text(t) if !t.trim().is_empty() => match parse_value(t) {
                Ok(v) => Some(v),
                Err(m) => {
                    report(c_value, Some(t.clone()), m);
                    None
                }
            },
            Cell::Error(e) => {
                report(
                    c_value,
                    Some(e.clone()),
                    format!("the cell holds the spreadsheet error {e}; enter a number"),
                );
                None
            }
            c if c.is_empty() => {
                report(c_value, None, "the value is missing; enter a number".into());
                None
            }
            other => {
                report(c_value, Some(other.text()), NOT_A_NUMBER.into());
                None
            }
        };

        let (Some(k), Some(period_index), Some(value)) = (k, period, value) else {
            continue;
        };
        let kpi = &kpis[k];
        let key = ((k as u64) << 32) | u64::from(period_index as u32);
        if let Some(first) = seen.insert(key, row) {
            report(
                c_period,
                Some(period_label(period_index, kpi.draft.cadence)),
                format!("row {first} already gives {} of {sys_text} for this period; keep one of the two rows", kpi.draft.name),
            );
            continue;
        }
        touched[k] = true;
        let source = match text_of(cell(c_source)).trim() {
            "" => default_source.to_string(),
            s => s.to_string(),
        };
        let note = text_of(cell(c_note)).trim().to_string();
        let cadence = kpi.draft.cadence;
        let label = labels
            .entry(
                u64::from(period_index as u32) << 1
                    | u64::from(cadence == steward_domain::kpi::Cadence::Monthly),
            )
            .or_insert_with(|| period_label(period_index, cadence))
            .clone();
        match existing(kpi.id, period_index) {
            Some(e) if e.value == value && e.source == source && e.note == note => {
                plan.unchanged += 1;
                continue;
            }
            Some(e) => plan.updated.push(MeasurementChange {
                row,
                system: sys_text.to_string(),
                kpi: kpi.draft.name.clone(),
                period: label.clone(),
                before: e.value,
                after: value,
                before_source: e.source.to_string(),
                after_source: source.clone(),
            }),
            None => plan.added += 1,
        }
        write(PlannedMeasurement {
            kpi_id: kpi.id,
            period_index,
            period: label,
            value,
            source,
            note,
        });
    }
    if dropped > 0 {
        problems.push(table.problem(
            None,
            None,
            None,
            format!("... and {dropped} more problems not listed; correct the ones above and check again"),
        ));
    }
    plan.rows = count;
    if count == 0 {
        problems.push(table.problem(
            None,
            None,
            None,
            "the file has a header row but no measurements below it",
        ));
    }
    plan.kpis = touched.iter().filter(|t| **t).count() as u32;
    plan.problems = problems;
    plan
}

/// Hashes a packed key such as (KPI index, period) with one folded 128-bit multiply, so every bit of
/// the key reaches the bits the table uses; cheap, as the keys come from a file the user imports
/// into their own workspace, not from an adversary.
#[derive(Clone, Copy, Default)]
struct BuildPackedHasher;

#[derive(Default)]
struct PackedHasher(u64);

impl std::hash::BuildHasher for BuildPackedHasher {
    type Hasher = PackedHasher;
    fn build_hasher(&self) -> PackedHasher {
        PackedHasher(0)
    }
}

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        let p = u128::from(self.0) * 0x9e37_79b9_7f4a_7c15_u128;
        (p as u64) ^ ((p >> 64) as u64)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(29) ^ n;
    }
}

/// What a measurement value must look like, said wherever one is refused.
pub const NOT_A_NUMBER: &str = "is not a number; write the value as a plain number such as 0.82 \
     or 1250 (no unit, no % sign, '.' for decimals)";

/// A measurement value as a person typed it (in a cell or a form): a plain finite number that an
/// f64 holds (one so small it would be stored as 0, such as 1e-400, is refused, not rounded away).
pub fn parse_value(text: &str) -> std::result::Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the value is missing; enter a number".into());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_infinite() && !t.to_ascii_lowercase().contains("inf") => Err(format!(
            "{t} is too large to store; values up to about 1.8e308 are accepted"
        )),
        Ok(v) if v == 0.0 && mantissa_is_nonzero(t) => Err(format!(
            "{t} is too small to store (it would be saved as 0); values down to about 2.2e-308 \
             are accepted, or write 0"
        )),
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(NOT_A_NUMBER.into()),
    }
}

/// Whether the digits before any exponent hold anything but zeros.
fn mantissa_is_nonzero(t: &str) -> bool {
    t.split(['e', 'E'])
        .next()
        .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::parse_value;

    fn check(input: &str, expected: Result<f64, &str>) {
        match (parse_value(input), expected) {
            (Ok(v), Ok(w)) => assert_eq!(v, w, "{input:?} reads as {w}"),
            (Err(e), Err(fragment)) => {
                assert!(
                    e.contains(fragment),
                    "{input:?} is refused saying {fragment:?}: {e}"
                )
            }
            (got, want) => panic!("{input:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn values() {
        check("0.82", Ok(0.82));
        check(" 1250 ", Ok(1250.0));
        check("0", Ok(0.0));
        check("0e5", Ok(0.0));
        check("-0.0", Ok(-0.0));
        check("2.5e-300", Ok(2.5e-300));
        // Underflow is not zero (issue 14.7).
        check("1e-400", Err("too small to store"));
        check("-3.2E-999", Err("too small to store"));
        check("1e400", Err("too large to store"));
        check("inf", Err("is not a number"));
        check("NaN", Err("is not a number"));
        check("12%", Err("is not a number"));
    }
}
