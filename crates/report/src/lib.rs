//! Reports: one *model* (title, metadata, sections of paragraphs, key-value lists, typed tables
//! and charts, a signature block) that every area builds from the store, and the writers that
//! render one model to bytes: [`render_pdf`], [`render_xlsx`] and the [`chart`] images.
//!
//! Builders (e.g. [`register_report`]) read a workspace through its public API; writers see only
//! the model: they never query the store, read the clock or touch the file system, so the same
//! model and time always give the same bytes.

mod card;
pub mod chart;
pub mod export;
pub mod ics;
mod pdf;
mod tco;
pub mod tco_workbook;
mod xlsx;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ts_rs::TS;

use steward_domain::{Error, FieldError, Result};

pub use card::{card_markdown, card_report, CardAssessment, CardEvidence, ModelCard};
pub use pdf::render_pdf;
pub use tco::{tco_cumulative_chart, tco_inputs, tco_report, tco_tornado_chart};
pub use xlsx::render_xlsx;

/// The font every writer uses, shipped in `assets/fonts/` (DejaVu Sans, Bitstream Vera licence):
/// it covers Latin, Greek and Cyrillic, so names like "Zoë Ångström – Łódź" print as typed.
pub(crate) const FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
pub(crate) const FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// The family name the font is known by inside charts and workbooks.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans";

/// A whole report: what it is, where it comes from, what it says, and who signs it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    /// The workspace the data comes from, printed in the running header of every page.
    pub workspace: String,
    /// When the report was generated: the header date, the PDF and workbook creation dates.
    pub generated_at: DateTime<Utc>,
    /// Who generated it: the document author.
    pub generated_by: String,
    /// The organisation, written as the workbook's company; empty when unknown.
    pub organisation: String,
    /// The page orientation of the PDF unless a section says otherwise.
    pub orientation: Orientation,
    /// The key-value lines under the title (workspace, counts, audit chain head, ...).
    pub metadata: Vec<KeyValue>,
    pub sections: Vec<Section>,
    /// Printed as a framed box at the end; its signer is filled in when the report is signed.
    pub signature: Option<SignatureBlock>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ReportOrientation")]
pub enum Orientation {
    #[default]
    Portrait,
    /// For tables too wide for a portrait page.
    Landscape,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportKeyValue")]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A headed part of a report. A section with its own orientation starts on a new page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportSection")]
pub struct Section {
    pub heading: String,
    pub orientation: Option<Orientation>,
    pub blocks: Vec<Block>,
}

impl Section {
    pub fn new(heading: impl Into<String>) -> Self {
        Section {
            heading: heading.into(),
            orientation: None,
            blocks: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, rename = "ReportBlock")]
pub enum Block {
    /// A paragraph of text, wrapped to the page width; `\n` starts a new line.
    Paragraph {
        text: String,
    },
    KeyValues {
        items: Vec<KeyValue>,
    },
    Table(Table),
    Chart(Chart),
}

/// Rows of typed cells under typed columns: a table in the PDF, an Excel table in the workbook.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportTable")]
pub struct Table {
    /// A short unique name: the caption in the PDF and the worksheet name in the workbook.
    pub name: String,
    pub columns: Vec<Column>,
    /// Each row has exactly one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// A totals row printed under the rows (one cell per column), if the table has one.
    pub totals: Option<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Self {
        Table {
            name: name.into(),
            columns,
            rows: Vec::new(),
            totals: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportColumn")]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
}

impl Column {
    pub fn new(header: impl Into<String>, kind: ColumnKind) -> Self {
        Column {
            header: header.into(),
            kind,
        }
    }
}

/// How a column's values are typed and shown. Numbers are right-aligned.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, rename = "ReportColumnKind")]
pub enum ColumnKind {
    Text,
    Integer,
    Number {
        decimals: u8,
    },
    /// Values are fractions: 0.25 is shown as 25%.
    Percent {
        decimals: u8,
    },
    /// Two decimals and the ISO 4217 code, e.g. "1,250.00 EUR".
    Currency {
        code: String,
    },
    Date,
}

impl ColumnKind {
    pub fn is_numeric(&self) -> bool {
        !matches!(self, ColumnKind::Text | ColumnKind::Date)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export, rename = "ReportCell")]
pub enum Cell {
    Empty,
    Text(String),
    Integer(#[ts(type = "number")] i64),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as a number, when it holds one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Integer(i) => Some(*i as f64),
            Cell::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The cell as text, formatted for its column: thousands separators, fixed decimals,
    /// percent, currency code, ISO dates.
    pub fn display(&self, kind: &ColumnKind) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Integer(_) | Cell::Number(_) => {
                let v = self.number().unwrap_or_default();
                match kind {
                    ColumnKind::Text | ColumnKind::Date | ColumnKind::Integer => match self {
                        Cell::Integer(i) => group_thousands(&i.to_string()),
                        _ => format_number(v, 0),
                    },
                    ColumnKind::Number { decimals } => format_number(v, *decimals),
                    ColumnKind::Percent { decimals } => {
                        format!("{}%", format_number(v * 100.0, *decimals))
                    }
                    ColumnKind::Currency { code } => format!("{} {code}", format_number(v, 2)),
                }
            }
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(i: i64) -> Self {
        Cell::Integer(i)
    }
}
impl From<usize> for Cell {
    fn from(i: usize) -> Self {
        Cell::Integer(i64::try_from(i).unwrap_or(i64::MAX))
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// `1234567.891` with 2 decimals -> "1,234,567.89".
pub(crate) fn format_number(v: f64, decimals: u8) -> String {
    let s = format!("{:.*}", usize::from(decimals), v);
    let (sign, digits) = match s.strip_prefix('-') {
        // "-0" and "-0.00" are shown without the sign.
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => ("-", rest),
        Some(rest) => ("", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = format!("{sign}{}", group_thousands(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

fn group_thousands(int: &str) -> String {
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A chart over categories: one or more series of values, one value per category; or, for a
/// [`ChartKind::Bubble`], a cloud of [`ChartPoint`]s coloured by group.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportChart")]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
    /// Bars of several series stacked instead of side by side. Negative values stack below
    /// (or left of) zero, so a tornado chart is a stacked horizontal bar chart with a downside
    /// series of negative values and an upside series of positive ones.
    pub stacked: bool,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The axis titles; empty for none.
    pub category_label: String,
    pub value_label: String,
    /// How values are shown on the axis, in labels and in the workbook (integer, number,
    /// percent, currency).
    pub value_kind: ColumnKind,
    /// A bubble chart's points; empty for every other kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<ChartPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ReportChartKind")]
pub enum ChartKind {
    /// Vertical bars, categories along the bottom.
    Bar,
    /// Horizontal bars, categories down the side, first category on top.
    HorizontalBar,
    /// One line per series, categories (e.g. periods) along the bottom.
    Line,
    /// A scatter of sized points: the data are the chart's `points`, not series (it has none).
    /// Each point's `group` is one of the `categories`, which give the legend and colour
    /// order; `category_label` titles the x axis and `value_label` the y axis, and both axes
    /// show their values as `value_kind`. A bubble's area is proportional to its size.
    Bubble,
}

/// One point of a bubble chart.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportChartPoint")]
pub struct ChartPoint {
    /// What the point is (e.g. a system), printed beside it when there are few points and
    /// listed with its values in the workbook.
    pub label: String,
    /// One of the chart's categories: its colour and legend entry.
    pub group: String,
    pub x: f64,
    pub y: f64,
    /// 0 or more; the largest size gets the largest bubble.
    pub size: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportSeries")]
pub struct Series {
    pub name: String,
    /// One value per category; `None` where there is no value (a gap in a line).
    pub values: Vec<Option<f64>>,
}

/// Where a report is signed. The signing module fills in `signer` and then appends the digital
/// signature to the rendered PDF.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportSignatureBlock")]
pub struct SignatureBlock {
    pub title: String,
    /// What the signer attests, e.g. "I have reviewed this register and confirm ...".
    pub statement: String,
    pub signer: Option<Signer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, rename = "ReportSigner")]
pub struct Signer {
    pub name: String,
    pub role: String,
    pub organisation: String,
    /// SHA-256 fingerprint of the signing certificate, hex.
    pub certificate_fingerprint: String,
    pub signed_at: DateTime<Utc>,
}

impl Report {
    /// Checks what the writers rely on: one cell per column in every row and totals row, one
    /// value per category in every series, table names that are unique and not empty, and
    /// finite chart values.
    pub fn check(&self) -> Result<()> {
        let mut fields = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (s, section) in self.sections.iter().enumerate() {
            for (b, block) in section.blocks.iter().enumerate() {
                let at = format!("sections[{s}].blocks[{b}]");
                match block {
                    Block::Table(t) => check_table(t, &at, &mut names, &mut fields),
                    Block::Chart(c) => check_chart(c, &at, &mut fields),
                    Block::Paragraph { .. } | Block::KeyValues { .. } => {}
                }
            }
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation {
                entity: "report",
                fields,
            })
        }
    }

    /// Every table of the report, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every chart of the report, in order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        self.blocks().filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
    }

    fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections.iter().flat_map(|s| s.blocks.iter())
    }
}

fn check_table(t: &Table, at: &str, names: &mut Vec<String>, fields: &mut Vec<FieldError>) {
    if t.name.trim().is_empty() {
        fields.push(FieldError::new(
            format!("{at}.name"),
            "a table needs a name (its caption and sheet name)",
        ));
    } else if names.iter().any(|n| n.eq_ignore_ascii_case(&t.name)) {
        fields.push(FieldError::new(
            format!("{at}.name"),
            format!("the table name {:?} is used twice", t.name),
        ));
    } else {
        names.push(t.name.clone());
    }
    if t.columns.is_empty() {
        fields.push(FieldError::new(
            format!("{at}.columns"),
            "a table needs at least one column",
        ));
    }
    let n = t.columns.len();
    for (r, row) in t.rows.iter().enumerate() {
        if row.len() != n {
            fields.push(FieldError::new(
                format!("{at}.rows[{r}]"),
                format!("has {} cells; the table has {n} columns", row.len()),
            ));
        }
    }
    if let Some(totals) = &t.totals {
        if totals.len() != n {
            fields.push(FieldError::new(
                format!("{at}.totals"),
                format!("has {} cells; the table has {n} columns", totals.len()),
            ));
        }
    }
}

fn check_chart(c: &Chart, at: &str, fields: &mut Vec<FieldError>) {
    if matches!(c.value_kind, ColumnKind::Text | ColumnKind::Date) {
        fields.push(FieldError::new(
            format!("{at}.value_kind"),
            "chart values are numbers: expected integer, number, percent or currency",
        ));
    }
    if c.kind == ChartKind::Bubble {
        check_points(c, at, fields);
        return;
    }
    if !c.points.is_empty() {
        fields.push(FieldError::new(
            format!("{at}.points"),
            "only a bubble chart has points; other charts plot their series",
        ));
    }
    if c.series.is_empty() {
        fields.push(FieldError::new(
            format!("{at}.series"),
            "a chart needs at least one series",
        ));
    }
    for (i, s) in c.series.iter().enumerate() {
        if s.values.len() != c.categories.len() {
            fields.push(FieldError::new(
                format!("{at}.series[{i}]"),
                format!(
                    "has {} values; the chart has {} categories",
                    s.values.len(),
                    c.categories.len()
                ),
            ));
        }
        if s.values.iter().flatten().any(|v| !v.is_finite()) {
            fields.push(FieldError::new(
                format!("{at}.series[{i}]"),
                "values must be finite numbers",
            ));
        }
    }
}

/// A bubble chart: no series, and every point finite, of a size of 0 or more, in a group the
/// categories name.
fn check_points(c: &Chart, at: &str, fields: &mut Vec<FieldError>) {
    if !c.series.is_empty() {
        fields.push(FieldError::new(
            format!("{at}.series"),
            "a bubble chart plots its points; it has no series",
        ));
    }
    for (i, p) in c.points.iter().enumerate() {
        if ![p.x, p.y, p.size].iter().all(|v| v.is_finite()) || p.size < 0.0 {
            fields.push(FieldError::new(
                format!("{at}.points[{i}]"),
                format!(
                    "{:?}: x, y and size must be finite numbers and the size 0 or more",
                    p.label
                ),
            ));
        }
        if !c.categories.contains(&p.group) {
            fields.push(FieldError::new(
                format!("{at}.points[{i}].group"),
                format!(
                    "{:?} is not one of the chart's groups ({})",
                    p.group,
                    c.categories.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f64, kind: ColumnKind, expected: &str) {
        assert_eq!(
            Cell::Number(v).display(&kind),
            expected,
            "{v} shown as {kind:?}"
        );
    }

    #[test]
    fn numbers_are_formatted_for_their_column() {
        check(
            1234567.891,
            ColumnKind::Number { decimals: 2 },
            "1,234,567.89",
        );
        check(-1234.5, ColumnKind::Number { decimals: 1 }, "-1,234.5");
        check(-0.001, ColumnKind::Number { decimals: 2 }, "0.00");
        check(999.0, ColumnKind::Integer, "999");
        check(0.256, ColumnKind::Percent { decimals: 1 }, "25.6%");
        check(
            1250.0,
            ColumnKind::Currency { code: "EUR".into() },
            "1,250.00 EUR",
        );
        assert_eq!(
            Cell::Integer(-1234567).display(&ColumnKind::Integer),
            "-1,234,567",
            "integers group thousands"
        );
    }
}
