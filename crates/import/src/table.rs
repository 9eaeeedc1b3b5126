//! Reading a spreadsheet or CSV file into a plain table of cells, and mapping its header row onto
//! the fields an import knows. Generic over what is imported; knows nothing of systems or the store.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{open_workbook_auto, Data, DataRef, DataType, Reader, Sheets, Xlsx};

use super::ImportProblem;
use steward_domain::contain::{contain, reader_failed};
use steward_domain::{Error, Result};

/// The file extensions `read_table` accepts, for error messages.
pub const ACCEPTED_EXTENSIONS: &str = ".xlsx, .xlsm, .xls, .ods, .csv";

pub use steward_domain::sheet::Cell;

/// Rows of cells, each with its 1-based row number.
pub type Rows = Vec<(u32, Vec<Cell>)>;

/// The header row is looked for among this many rows that hold anything, from the top.
pub const HEADER_SEARCH_ROWS: usize = 20;
/// The widest row a sheet may have: Excel's last column, XFD.
pub const MAX_COLUMNS: usize = 16_384;
/// The most cells a workbook read whole (.ods, .xls) may span, empty ones included: calamine
/// holds every one of them in memory (about 56 bytes each), so a larger file is refused up front.
pub const MAX_WHOLE_CELLS: u64 = 4_000_000;
/// The most cells of an .xlsx sheet whose cells are not stored row after row (they are held and
/// sorted before they are read).
pub const MAX_UNORDERED_CELLS: usize = 10_000_000;

/// The header and place of one worksheet of a file (or the whole CSV), and its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file name as given.
    pub file: String,
    /// The worksheet read, for .xlsx and .ods; None for .csv.
    pub sheet: Option<String>,
    /// The header row's texts, trimmed; index = column (0 is "A").
    pub headers: Vec<String>,
    /// The 1-based row of the header, as a spreadsheet shows it.
    pub header_row: u32,
    /// The rows below the header that hold anything: (1-based row, cells by column from "A").
    /// Empty when the rows are streamed (see [`Sheet::rows`]).
    pub rows: Vec<(u32, Vec<Cell>)>,
}

impl Table {
    /// A problem located in this table; `column` is a column index (0 is "A").
    pub fn problem(
        &self,
        row: Option<u32>,
        column: Option<usize>,
        value: Option<String>,
        message: impl Into<String>,
    ) -> ImportProblem {
        ImportProblem {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row,
            column: column.map(|c| self.column_name(c)),
            value,
            message: message.into(),
        }
    }

    /// The column as a problem names it: its letter and its header, e.g. "D (Risk tier)".
    pub fn column_name(&self, column: usize) -> String {
        match self.headers.get(column).filter(|h| !h.is_empty()) {
            Some(h) => format!("{} ({h})", column_letter(column)),
            None => column_letter(column),
        }
    }
}

/// A column's letters as a spreadsheet shows them: 0 is "A", 25 "Z", 26 "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// How to find the sheet and its header row.
#[derive(Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// The worksheet to read, by name (ignoring case); else the one whose header names the most
    /// known columns, the first on a tie.
    pub sheet: Option<&'a str>,
    /// Whether a header text names a column the import knows. Without it, the header is the
    /// first row that holds anything and the first sheet is read.
    pub known: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
}

/// Reads a file into one table, every row held: for small files and tests. Imports stream the
/// rows with [`open_sheet`] and [`Sheet::rows`].
pub fn read_table(path: &Path) -> Result<Table> {
    read_table_with(path, &ReadOptions::default())
}

/// As [`read_table`], finding the sheet and the header row as `opts` says.
pub fn read_table_with(path: &Path, opts: &ReadOptions<'_>) -> Result<Table> {
    let sheet = open_sheet(path, opts)?;
    let mut table = sheet.table.clone();
    let mut rows = Vec::new();
    sheet.rows(|batch| {
        rows.extend(batch);
        true
    })?;
    table.rows = rows;
    Ok(table)
}

/// A problem with the file as a whole.
fn whole_file(file: &str, message: String) -> Error {
    Error::Import {
        problems: vec![ImportProblem {
            file: file.to_string(),
            sheet: None,
            row: None,
            column: None,
            value: None,
            message,
        }],
    }
}

/// The file's name as given and its extension in lower case, once the file is known to be of an
/// accepted type, readable and not empty.
fn checked(path: &Path) -> Result<(String, String, u64)> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods" | "csv") {
        return Err(whole_file(
            &file,
            format!(
                "cannot import a file of this type; accepted file types are {ACCEPTED_EXTENSIONS}"
            ),
        ));
    }
    let meta =
        std::fs::metadata(path).map_err(|e| whole_file(&file, format!("cannot be read: {e}")))?;
    if meta.is_dir() {
        return Err(whole_file(&file, "is a directory, not a file".into()));
    }
    if meta.len() == 0 {
        return Err(whole_file(
            &file,
            "the file is empty (0 bytes); expected a header row and data rows".into(),
        ));
    }
    Ok((file, ext, meta.len()))
}

/// One worksheet (or CSV file) opened at its header row, its data rows still to be read.
pub struct Sheet {
    /// The header (`rows` empty).
    pub table: Table,
    /// How the file was read where it departs from a plain table with its header in row 1 of
    /// the only sheet: which sheet was chosen, rows skipped above the header, header cells
    /// taken from a merged cell above. Each is located; none stops an import.
    pub decisions: Vec<ImportProblem>,
    /// Every worksheet of the workbook, in order (empty for .csv): for choosing another.
    pub sheets: Vec<String>,
    /// Size of the file in bytes, for progress.
    pub bytes: u64,
    source: Source,
    /// Data rows read while the header was looked for.
    ahead: Rows,
    /// Columns past the last header: their cells are dropped.
    width: usize,
}

enum Source {
    Xlsx(Box<Xlsx<BufReader<File>>>),
    /// A workbook read whole by calamine (.ods, .xls): the sheet's rows, in order.
    Whole(VecDeque<(u32, Vec<Cell>)>),
    Csv(Box<CsvReader>, std::sync::Arc<LineState>),
}

/// Opens the sheet of `path` that `opts` asks for (or the one whose header matches best), finds
/// its header row among the first [`HEADER_SEARCH_ROWS`] rows that hold anything, and leaves the
/// data rows to [`Sheet::rows`]. Reads only populated cells of .xlsx sheets; refuses an .ods or
/// .xls workbook whose cells would take more than [`MAX_WHOLE_CELLS`] to hold. Every failure is
/// an `Error::Import` with one problem naming the file and what is wrong.
pub fn open_sheet(path: &Path, opts: &ReadOptions<'_>) -> Result<Sheet> {
    let (file, ext, bytes) = checked(path)?;
    let fail = |m: String| whole_file(&file, m);
    if ext == "csv" {
        if let Some(name) = opts.sheet {
            return Err(fail(format!(
                "a .csv file has no sheets, so the sheet {name:?} cannot be chosen; leave the sheet out"
            )));
        }
        let reader = csv_reader(path).map_err(fail)?;
        return open_csv(file, bytes, reader, opts);
    }
    if ext == "ods" {
        ods_bound(path).map_err(fail)?;
    }
    let kind = format!(".{ext}");
    let mut book = contain(|| open_workbook_auto(path))
        .map_err(|m| fail(reader_failed(&kind, &m)))?
        .map_err(|e| {
            fail(format!(
                "is not a readable {kind} workbook ({e}); open it in Excel or LibreOffice Calc and save it again as {kind}"
            ))
        })?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(fail("the workbook has no worksheet".into()));
    }
    let unreadable = |name: &str, e: String| {
        fail(format!(
            "sheet {name:?} cannot be read ({e}); open the file in Excel or LibreOffice Calc and save it again"
        ))
    };
    let chosen: Vec<String> = match opts.sheet {
        Some(want) => {
            let Some(n) = names
                .iter()
                .find(|n| n.trim().eq_ignore_ascii_case(want.trim()))
            else {
                return Err(fail(format!(
                    "the workbook has no sheet named {want:?}; its sheets are: {}",
                    quoted(&names)
                )));
            };
            vec![n.clone()]
        }
        None if opts.known.is_none() => vec![names[0].clone()],
        None => names.clone(),
    };
    // The first rows of each candidate sheet, to pick the one whose header matches best.
    let mut best: Option<(usize, String, Rows)> = None;
    let mut scores = Vec::new();
    for name in &chosen {
        let head = match &mut book {
            Sheets::Xlsx(x) => xlsx_head(x, name).map_err(|e| unreadable(name, e))?,
            other => {
                let range = contain(|| other.worksheet_range(name))
                    .map_err(|m| unreadable(name, reader_failed(&kind, &m)))?
                    .map_err(|e| unreadable(name, e.to_string()))?;
                dense_rows(&range)
                    .filter(|(_, c)| holds_anything(c))
                    .take(HEADER_SEARCH_ROWS)
                    .collect()
            }
        };
        let score = head
            .iter()
            .map(|(_, c)| score_row(c, opts))
            .max()
            .unwrap_or(0);
        scores.push((name.clone(), score));
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, name.clone(), head));
        }
    }
    let Some((_, name, head)) = best else {
        return Err(fail("the workbook has no worksheet".into()));
    };
    let mut decisions = Vec::new();
    if opts.sheet.is_none() && names.len() > 1 && opts.known.is_some() {
        let others: Vec<String> = scores
            .iter()
            .filter(|(n, _)| *n != name)
            .map(|(n, s)| format!("{n:?} ({s})"))
            .collect();
        let score = scores.iter().find(|(n, _)| *n == name).map_or(0, |s| s.1);
        decisions.push(ImportProblem {
            file: file.clone(),
            sheet: Some(name.clone()),
            row: None,
            column: None,
            value: None,
            message: format!(
                "the workbook has {} sheets; read {name:?}, whose header names {score} known \
                 columns (the others: {}); choose another sheet to read it instead",
                names.len(),
                others.join(", ")
            ),
        });
    }
    let source = match book {
        Sheets::Xlsx(x) => Source::Xlsx(Box::new(x)),
        mut other => {
            let range = contain(|| other.worksheet_range(&name))
                .map_err(|m| unreadable(&name, reader_failed(&kind, &m)))?
                .map_err(|e| unreadable(&name, e.to_string()))?;
            Source::Whole(dense_rows(&range).collect())
        }
    };
    finish(
        file,
        Some(name),
        names,
        bytes,
        head,
        source,
        opts,
        decisions,
    )
}

/// A CSV file opened at its header row.
fn open_csv(
    file: String,
    bytes: u64,
    (mut reader, lines): (CsvReader, std::sync::Arc<LineState>),
    opts: &ReadOptions<'_>,
) -> Result<Sheet> {
    let mut head = Vec::new();
    while head.len() < HEADER_SEARCH_ROWS {
        match csv_next(&file, &mut reader, &lines)? {
            Some(row) if holds_anything(&row.1) => head.push(row),
            Some(_) => {}
            None => break,
        }
    }
    let source = Source::Csv(Box::new(reader), lines);
    finish(
        file,
        None,
        Vec::new(),
        bytes,
        head,
        source,
        opts,
        Vec::new(),
    )
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn holds_anything(cells: &[Cell]) -> bool {
    cells.iter().any(|c| !c.is_empty())
}

/// How many of the row's texts name a known column.
fn score_row(cells: &[Cell], opts: &ReadOptions<'_>) -> usize {
    let Some(known) = opts.known else { return 0 };
    cells
        .iter()
        .filter(|c| matches!(c, Cell::Text(t) if known(t)))
        .count()
}

/// Picks the header among `head` (the first rows that hold anything), fills header cells left
/// empty under a merged cell above, and keeps the data rows read past it.
#[allow(clippy::too_many_arguments)]
fn finish(
    file: String,
    sheet: Option<String>,
    sheets: Vec<String>,
    bytes: u64,
    head: Rows,
    source: Source,
    opts: &ReadOptions<'_>,
    mut decisions: Vec<ImportProblem>,
) -> Result<Sheet> {
    let scores: Vec<usize> = head.iter().map(|(_, c)| score_row(c, opts)).collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let at = scores.iter().position(|s| *s == best).unwrap_or(0);
    let Some((header_row, header_cells)) = head.get(at).cloned() else {
        let where_ = sheet
            .as_ref()
            .map_or_else(String::new, |s| format!(" in sheet {s:?}"));
        return Err(Error::Import {
            problems: vec![ImportProblem {
                file,
                sheet,
                row: None,
                column: None,
                value: None,
                message: format!("nothing to import{where_}: no header row was found; the first row must hold the column names"),
            }],
        });
    };
    let note =
        |row: Option<u32>, column: Option<String>, value: Option<String>, message: String| {
            ImportProblem {
                file: file.clone(),
                sheet: sheet.clone(),
                row,
                column,
                value,
                message,
            }
        };
    let mut headers: Vec<String> = header_cells.iter().map(|c| clean(&c.text())).collect();
    if at > 0 {
        let above = &head[..at];
        let first = above
            .iter()
            .flat_map(|(_, c)| c.iter())
            .find(|c| !c.is_empty())
            .map(Cell::text);
        decisions.push(note(
            Some(header_row),
            None,
            first,
            format!(
                "the header is row {header_row}, where the column names are; {} row{} above it \
                 (titles, notes) {} skipped",
                above.len(),
                if above.len() == 1 { "" } else { "s" },
                if above.len() == 1 { "was" } else { "were" },
            ),
        ));
        // A header cell merged over two rows keeps its text in the upper one.
        if let (Some(known), Some((up_row, up))) = (opts.known, above.last()) {
            for (col, cell) in up.iter().enumerate() {
                let text = clean(&cell.text());
                if text.is_empty() || !known(&text) {
                    continue;
                }
                if headers.len() <= col {
                    headers.resize(col + 1, String::new());
                }
                if headers[col].is_empty() {
                    decisions.push(note(
                        Some(header_row),
                        Some(column_letter(col)),
                        Some(text.clone()),
                        format!(
                            "column {}'s header is empty in row {header_row}; read {text:?} from \
                             row {up_row} above it (a header cell merged over two rows)",
                            column_letter(col)
                        ),
                    ));
                    headers[col] = text;
                }
            }
        }
    }
    let width = headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);
    headers.truncate(width);
    let ahead = head.into_iter().skip(at + 1).collect();
    Ok(Sheet {
        table: Table {
            file,
            sheet,
            headers,
            header_row,
            rows: Vec::new(),
        },
        decisions,
        sheets,
        bytes,
        source,
        ahead,
        width,
    })
}

/// A text as a header or value reads: non-breaking spaces as spaces, trimmed.
fn clean(s: &str) -> String {
    if s.contains('\u{a0}') {
        s.replace('\u{a0}', " ").trim().to_string()
    } else {
        s.trim().to_string()
    }
}

impl Sheet {
    /// Hands the data rows below the header to `batch`, a few thousand at a time, in order,
    /// numbered as a spreadsheet shows them, cut at the last header column (cells right of it
    /// name no field). Rows that hold nothing are left out. `batch` returns false to stop
    /// reading (a cancelled import). Memory stays bounded by a batch, whatever the file's size.
    pub fn rows(self, mut batch: impl FnMut(Rows) -> bool) -> Result<()> {
        const BATCH: usize = 2048;
        let Sheet {
            table,
            source,
            ahead,
            width,
            ..
        } = self;
        let header_row = table.header_row;
        // Rows up to here were read while the header was looked for.
        let skip_to = ahead.last().map_or(header_row, |r| r.0);
        let mut out: Rows = Vec::with_capacity(BATCH);
        let mut push = |mut row: (u32, Vec<Cell>), out: &mut Rows| -> bool {
            row.1.truncate(width);
            if !holds_anything(&row.1) {
                return true;
            }
            out.push(row);
            if out.len() >= BATCH {
                return batch(std::mem::replace(out, Vec::with_capacity(BATCH)));
            }
            true
        };
        for row in ahead {
            if !push(row, &mut out) {
                return Ok(());
            }
        }
        let file = table.file.clone();
        match source {
            Source::Whole(rows) => {
                for row in rows {
                    if row.0 > skip_to && !push(row, &mut out) {
                        return Ok(());
                    }
                }
            }
            Source::Csv(mut reader, lines) => {
                while let Some(row) = csv_next(&file, &mut reader, &lines)? {
                    if !push(row, &mut out) {
                        return Ok(());
                    }
                }
            }
            Source::Xlsx(mut book) => {
                let name = table.sheet.clone().unwrap_or_default();
                let mut stopped = false;
                xlsx_rows(&mut book, &name, width, skip_to, |row| {
                    let go = push(row, &mut out);
                    stopped = !go;
                    go
                })
                .map_err(|e| whole_file(&file, e))?;
                if stopped {
                    return Ok(());
                }
            }
        }
        if !out.is_empty() {
            batch(out);
        }
        Ok(())
    }
}

/// The first [`HEADER_SEARCH_ROWS`] rows of an .xlsx sheet that hold anything.
fn xlsx_head(book: &mut Xlsx<BufReader<File>>, name: &str) -> std::result::Result<Rows, String> {
    let mut head = Vec::new();
    xlsx_rows(book, name, MAX_COLUMNS, 0, |row| {
        if holds_anything(&row.1) {
            head.push(row);
        }
        head.len() < HEADER_SEARCH_ROWS
    })?;
    Ok(head)
}

/// Reads the populated cells of an .xlsx sheet row by row into `each` (which returns false to
/// stop), each row cut at `width` columns; only cells are held, never the sheet's dense range,
/// so a stray cell at XFD1048576 costs one cell. Rows up to `skip_to` are parsed but left out.
/// A sheet whose cells are not stored row after row is sorted first (up to
/// [`MAX_UNORDERED_CELLS`] cells) when that shows before any row was handed over, and refused
/// when it shows later. Ok(false) when `each` stopped the reading.
fn xlsx_rows(
    book: &mut Xlsx<BufReader<File>>,
    name: &str,
    width: usize,
    skip_to: u32,
    mut each: impl FnMut((u32, Vec<Cell>)) -> bool,
) -> std::result::Result<bool, String> {
    let unreadable = |e: calamine::XlsxError| {
        format!(
            "sheet {name:?} cannot be read ({}); open the file in Excel or LibreOffice Calc and save it again",
            calamine::Error::from(e)
        )
    };
    let failed = |m: String| {
        format!(
            "sheet {name:?} cannot be read ({}); open the file in Excel or LibreOffice Calc and save it again",
            reader_failed(".xlsx", &m)
        )
    };
    let mut reader = match contain(|| book.worksheet_cells_reader(name)).map_err(failed)? {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => {
            return Err(format!(
                "sheet {name:?} is a chart or macro sheet, not a worksheet; choose a worksheet"
            ))
        }
        Err(e) => return Err(unreadable(e)),
    };
    let mut current: Option<(u32, Vec<Cell>)> = None;
    let mut sparse: Option<Vec<(u32, u32, Cell)>> = None;
    let mut handed = false;
    while let Some(c) = contain(|| reader.next_cell())
        .map_err(failed)?
        .map_err(unreadable)?
    {
        let value = c.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let (r, col) = c.get_position();
        let r = r + 1;
        if let Some(cells) = &mut sparse {
            if (col as usize) < width {
                if cells.len() >= MAX_UNORDERED_CELLS {
                    return Err(format!(
                        "sheet {name:?} stores more than {MAX_UNORDERED_CELLS} cells out of row \
                         order, more than an import holds; open the file in Excel or \
                         LibreOffice Calc and save it again, or save it as .csv"
                    ));
                }
                cells.push((r, col, cell_of_ref(value)));
            }
            continue;
        }
        if r <= skip_to {
            continue;
        }
        let at = current.as_ref().map(|c| c.0);
        match at {
            Some(at) if at == r => {}
            Some(at) if at > r => {
                if handed {
                    return Err(format!(
                        "sheet {name:?} stores its cells out of row order (row {r} after row \
                         {at}); open the file in Excel or LibreOffice Calc and save it again"
                    ));
                }
                // Out of order: from here on, hold the cells and sort them.
                let mut cells = Vec::new();
                if let Some((at, row)) = current.take() {
                    cells.extend(
                        row.into_iter()
                            .enumerate()
                            .filter(|(_, c)| !matches!(c, Cell::Empty))
                            .map(|(i, c)| (at, i as u32, c)),
                    );
                }
                if (col as usize) < width {
                    cells.push((r, col, cell_of_ref(value)));
                }
                sparse = Some(cells);
                continue;
            }
            _ => {
                if let Some(done) = current.replace((r, Vec::new())) {
                    handed = true;
                    if !each(done) {
                        return Ok(false);
                    }
                }
            }
        }
        let col = col as usize;
        if col >= width {
            continue;
        }
        if let Some((_, cells)) = &mut current {
            if cells.len() <= col {
                cells.resize(col + 1, Cell::Empty);
            }
            cells[col] = cell_of_ref(value);
        }
    }
    if let Some(mut cells) = sparse {
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut row: Option<(u32, Vec<Cell>)> = None;
        for (r, c, cell) in cells {
            if r <= skip_to {
                continue;
            }
            if row.as_ref().is_some_and(|(at, _)| *at != r) {
                if let Some(done) = row.take() {
                    if !each(done) {
                        return Ok(false);
                    }
                }
            }
            let (_, cells) = row.get_or_insert_with(|| (r, Vec::new()));
            let c = c as usize;
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = cell;
        }
        if let Some(done) = row {
            return Ok(each(done));
        }
        return Ok(true);
    }
    if let Some(done) = current {
        return Ok(each(done));
    }
    Ok(true)
}

/// A dense range's rows, numbered from 1 as a spreadsheet shows them, with the columns left of
/// the first used one filled with empty cells.
fn dense_rows(range: &calamine::Range<Data>) -> impl Iterator<Item = (u32, Vec<Cell>)> + '_ {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    range.rows().enumerate().map(move |(i, row)| {
        let mut cells = Vec::with_capacity(col0 as usize + row.len());
        cells.resize(col0 as usize, Cell::Empty);
        cells.extend(row.iter().map(cell_of));
        (row0 + i as u32 + 1, cells)
    })
}

/// Refuses an .ods workbook whose sheets would take more than [`MAX_WHOLE_CELLS`] cells to
/// hold, before calamine reads it: an .ods file repeats rows and columns by count, so a few
/// kilobytes can describe a million rows. Reads `content.xml` as it streams, holding nothing.
fn ods_bound(path: &Path) -> std::result::Result<(), String> {
    use quick_xml::events::Event;
    let unreadable = |e: String| {
        format!("is not a readable .ods workbook ({e}); open it in LibreOffice Calc and save it again as .ods")
    };
    let file = File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut zip =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| unreadable(e.to_string()))?;
    let content = zip
        .by_name("content.xml")
        .map_err(|e| unreadable(e.to_string()))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let repeat = |e: &quick_xml::events::BytesStart<'_>, key: &str| -> u64 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let (mut total, mut rows, mut cols, mut last_row, mut last_col) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut row_repeat, mut in_cell_valued) = (1u64, false);
    let mut sheet = String::new();
    let mut buf = Vec::new();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => {
                    (rows, last_row, last_col) = (0, 0, 0);
                    sheet = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default();
                }
                "table:table-row" => {
                    row_repeat = repeat(&e, "table:number-rows-repeated");
                    cols = 0;
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let n = repeat(&e, "table:number-columns-repeated");
                    let valued = e
                        .try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                    if valued {
                        last_col = last_col.max(cols + n);
                        last_row = rows + row_repeat;
                    }
                    in_cell_valued = valued;
                    cols += n;
                }
                "text:p" if !in_cell_valued => {
                    // A text cell without a value type still holds something.
                    last_col = last_col.max(cols);
                    last_row = rows + row_repeat;
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => rows += row_repeat,
                "table:table-cell" | "table:covered-table-cell" => in_cell_valued = false,
                "table:table" => {
                    let cells = last_row.saturating_mul(last_col);
                    total = total.saturating_add(cells);
                    if total > MAX_WHOLE_CELLS {
                        return Err(format!(
                            "sheet {sheet:?} spans {last_row} rows by {last_col} columns \
                             ({cells} cells, counting empty ones between used cells), more \
                             than an .ods import may hold ({MAX_WHOLE_CELLS} cells in all); \
                             delete the unused rows and columns, or save the sheet as .xlsx or \
                             .csv, which are read as they stream"
                        ));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// As `cell_of` reads the same cell once calamine has copied it (the same rules for every kind),
/// with a shared text copied once, straight into the cell.
fn cell_of_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => text_cell(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        other => cell_of(&Data::from(other.clone())),
    }
}

/// A text cell, with non-breaking spaces read as spaces.
fn text_cell(s: &str) -> Cell {
    if s.contains('\u{a0}') {
        Cell::Text(s.replace('\u{a0}', " "))
    } else {
        Cell::Text(s.to_string())
    }
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => text_cell(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => match d.as_date() {
            Some(date) => Cell::Date(date),
            None => Cell::Text(d.to_string()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Where the line breaks are in the bytes a CSV reader has been given and has not yet placed a
/// record past: enough to number each record by the line it starts on, holding only the breaks
/// of the bytes buffered (a few kilobytes), never the file's.
#[derive(Default)]
pub struct LineState {
    inner: std::sync::Mutex<Lines>,
}

#[derive(Default)]
struct Lines {
    /// Offsets of '\r' and '\n' bytes not yet passed, in order, with whether each is '\n'.
    breaks: VecDeque<(u64, bool)>,
    /// '\n' bytes passed so far.
    passed: u32,
}

impl LineState {
    /// The 1-based line of the first byte at or after `start` that is not a line break.
    fn line_of(&self, start: u64) -> u32 {
        let mut l = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(&(at, lf)) = l.breaks.front() {
            if at >= start {
                break;
            }
            l.breaks.pop_front();
            l.passed += u32::from(lf);
        }
        let mut at = start;
        while let Some(&(b, lf)) = l.breaks.front() {
            if b != at {
                break;
            }
            l.breaks.pop_front();
            l.passed += u32::from(lf);
            at += 1;
        }
        l.passed + 1
    }
}

/// A reader that notes where the line breaks are as the bytes go through.
pub struct LineCounter<R> {
    inner: R,
    at: u64,
    lines: std::sync::Arc<LineState>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut l = self.lines.inner.lock().unwrap_or_else(|p| p.into_inner());
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                l.breaks.push_back((self.at + i as u64, b == b'\n'));
            }
        }
        self.at += n as u64;
        Ok(n)
    }
}

type CsvReader = csv::Reader<LineCounter<Box<dyn Read + Send>>>;

/// A CSV file opened to be read record by record: UTF-8 with or without a byte-order mark, `,`
/// or `;` separated (sniffed from the first line that holds anything).
fn csv_reader(path: &Path) -> std::result::Result<(CsvReader, std::sync::Arc<LineState>), String> {
    let mut f = File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut start = vec![0u8; 64 * 1024];
    let mut got = 0;
    while got < start.len() {
        match f.read(&mut start[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(format!("cannot be read: {e}")),
        }
    }
    start.truncate(got);
    let rest = BufReader::with_capacity(64 * 1024, f);
    Ok(csv_reader_of(Box::new(
        std::io::Cursor::new(start).chain(rest),
    )))
}

/// As [`csv_reader`], over any bytes.
fn csv_reader_of(mut r: Box<dyn Read + Send>) -> (CsvReader, std::sync::Arc<LineState>) {
    // Sniff from the first bytes, then read them again.
    let mut head = Vec::with_capacity(64 * 1024);
    let _ = (&mut r).take(64 * 1024).read_to_end(&mut head);
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
    let delimiter = sniff_delimiter(&body);
    let lines = std::sync::Arc::new(LineState::default());
    let input: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(body).chain(r));
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(64 * 1024)
        .from_reader(LineCounter {
            inner: input,
            at: 0,
            lines: lines.clone(),
        });
    (reader, lines)
}

/// The next CSV record as cells, numbered by the line it starts on (1-based); None at the end.
fn csv_next(
    file: &str,
    reader: &mut CsvReader,
    lines: &LineState,
) -> Result<Option<(u32, Vec<Cell>)>> {
    let problem = |row: Option<u32>, column: Option<String>, message: String| Error::Import {
        problems: vec![ImportProblem {
            file: file.to_string(),
            sheet: None,
            row,
            column,
            value: None,
            message,
        }],
    };
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(false) => return Ok(None),
        Ok(true) => {}
        Err(e) => {
            let line = e.position().map(|p| p.line() as u32);
            return Err(problem(line, None, format!("is not readable as CSV: {e}")));
        }
    }
    let line = lines.line_of(record.position().map_or(0, |p| p.byte()));
    let mut cells = Vec::with_capacity(record.len().min(MAX_COLUMNS));
    for (i, field) in record.iter().enumerate().take(MAX_COLUMNS) {
        let text = std::str::from_utf8(field).map_err(|_| {
            problem(
                Some(line),
                Some(column_letter(i)),
                "the file is not UTF-8 text; save it as \"CSV UTF-8\" (Excel) or with character set \
                 Unicode (UTF-8) (LibreOffice) and import it again"
                    .into(),
            )
        })?;
        cells.push(if text.is_empty() {
            Cell::Empty
        } else {
            text_cell(text)
        });
    }
    Ok(Some((line, cells)))
}

/// `;` when the first non-empty line has more semicolons than commas outside quotes, else `,`.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for &b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas {
        b';'
    } else {
        b','
    }
}

/// A field an import reads from one column, and the headers that name it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The field's key, e.g. "risk_tier".
    pub key: &'static str,
    /// The canonical header, which exports write, e.g. "Risk tier".
    pub label: &'static str,
    /// Other headers people use for it.
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

impl FieldSpec {
    pub const fn new(
        key: &'static str,
        label: &'static str,
        synonyms: &'static [&'static str],
        required: bool,
    ) -> FieldSpec {
        FieldSpec {
            key,
            label,
            synonyms,
            required,
        }
    }
}

/// Whether header `h` names one of `specs`, by its key, its label or a synonym (compared as
/// [`header_key`] does): how the header row and the sheet of a file are found.
pub fn names_a_field(specs: &[FieldSpec], h: &str) -> bool {
    let k = header_key(h);
    !k.is_empty()
        && specs.iter().any(|s| {
            header_key(s.key) == k
                || header_key(s.label) == k
                || s.synonyms.iter().any(|x| header_key(x) == k)
        })
}

/// Where each field was found. `columns[i]` is the column of `specs[i]`, if present.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMap {
    pub columns: Vec<Option<usize>>,
    /// Columns with a header that names no field; they are ignored.
    pub ignored: Vec<usize>,
}

impl HeaderMap {
    pub fn column(&self, field: usize) -> Option<usize> {
        self.columns.get(field).copied().flatten()
    }
}

/// Compares headers ignoring case and everything but letters and digits ("Risk-tier" = "risk tier").
pub fn header_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Maps the table's headers onto `specs`: a header matches a field's key, label or synonym,
/// ignoring case, spaces and punctuation. Returns the map and warnings (columns that name no
/// field are ignored, not refused, so a register with extra notes columns still imports), or the
/// problems: a required field with no column, or two columns naming the same field.
pub fn map_headers(
    table: &Table,
    specs: &[FieldSpec],
) -> (HeaderMap, Vec<ImportProblem>, Vec<ImportProblem>) {
    map_headers_with(table, specs, None)
}

/// As [`map_headers`], with a person's `mapping` applied first: a header it maps names that
/// field (or is ignored), whatever the synonyms say.
pub fn map_headers_with(
    table: &Table,
    specs: &[FieldSpec],
    mapping: Option<&crate::mapping::Resolved>,
) -> (HeaderMap, Vec<ImportProblem>, Vec<ImportProblem>) {
    use crate::mapping::ColumnTarget;
    let keys: Vec<Vec<String>> = specs
        .iter()
        .map(|s| {
            let mut k = vec![header_key(s.key), header_key(s.label)];
            k.extend(s.synonyms.iter().map(|x| header_key(x)));
            k
        })
        .collect();
    let mut map = HeaderMap {
        columns: vec![None; specs.len()],
        ignored: Vec::new(),
    };
    let (mut warnings, mut problems) = (Vec::new(), Vec::new());
    let header_row = Some(table.header_row);
    // The mapping's columns first: they win over a synonym elsewhere in the header.
    let mapped: Vec<Option<ColumnTarget>> = table
        .headers
        .iter()
        .map(|h| mapping.and_then(|m| m.column(h)))
        .collect();
    let by_mapping: Vec<Option<usize>> = mapped
        .iter()
        .map(|t| match t {
            Some(ColumnTarget::Field(f)) => Some(*f),
            _ => None,
        })
        .collect();
    for (col, header) in table.headers.iter().enumerate() {
        let k = header_key(header);
        if k.is_empty() {
            continue;
        }
        if mapped[col] == Some(ColumnTarget::Ignore) {
            map.ignored.push(col);
            continue;
        }
        let field = by_mapping[col].or_else(|| {
            keys.iter()
                .position(|ks| ks.contains(&k))
                .filter(|f| !by_mapping.contains(&Some(*f)))
        });
        let Some(field) = field else {
            map.ignored.push(col);
            warnings.push(table.problem(
                header_row,
                Some(col),
                Some(header.clone()),
                "this column names no field and was ignored",
            ));
            continue;
        };
        match map.columns[field] {
            Some(first) => problems.push(table.problem(
                header_row,
                Some(col),
                Some(header.clone()),
                format!(
                    "column {} already holds {}; keep one of the two columns",
                    table.column_name(first),
                    specs[field].label
                ),
            )),
            None => map.columns[field] = Some(col),
        }
    }
    let found: Vec<&str> = table
        .headers
        .iter()
        .map(String::as_str)
        .filter(|h| !h.is_empty())
        .collect();
    for (i, spec) in specs.iter().enumerate() {
        if spec.required && map.columns[i].is_none() {
            let mut names = vec![spec.label];
            names.extend(spec.synonyms.iter().copied());
            problems.push(table.problem(
                header_row,
                None,
                None,
                format!(
                    "required column {:?} is missing (a header named one of: {}); the headers found are: {}",
                    spec.label,
                    names.join(", "),
                    if found.is_empty() { "none".to_string() } else { found.join(", ") }
                ),
            ));
        }
    }
    if !map.ignored.is_empty() {
        let accepted: Vec<&str> = specs.iter().map(|s| s.label).collect();
        for w in &mut warnings {
            w.message = format!(
                "{}; the columns read are: {}",
                w.message,
                accepted.join(", ")
            );
        }
    }
    (map, warnings, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        for (i, want) in [
            (0, "A"),
            (3, "D"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (51, "AZ"),
            (52, "BA"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(
                column_letter(i),
                want,
                "column {i} as a spreadsheet labels it"
            );
        }
    }

    #[test]
    fn delimiter_is_sniffed_from_the_header_line() {
        for (input, want) in [
            ("a,b,c\n1;2;3;4", b','),
            ("a;b;c\n1,2,3,4", b';'),
            ("\n\n\"x;y\",b\n", b','),
            ("only\n", b','),
        ] {
            assert_eq!(
                sniff_delimiter(input.as_bytes()) as char,
                want as char,
                "delimiter of {input:?}"
            );
        }
    }

    #[test]
    fn csv_rows_are_numbered_by_the_line_they_start_on() {
        let (mut reader, lines) = csv_reader_of(Box::new(std::io::Cursor::new(
            b"\xEF\xBB\xBFa,b\r\n\r\n1,\"x\ny\"\n2,z\n\n\n3,w".to_vec(),
        )));
        let mut rows = Vec::new();
        while let Some(row) = csv_next("t.csv", &mut reader, &lines).expect("reads") {
            rows.push(row);
        }
        let lines: Vec<u32> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [1, 3, 5, 8],
            "blank lines and multi-line cells count, as a text editor shows them"
        );
    }

    /// Issue 14.4: a CSV is read as it streams. An endless file would never finish if it were
    /// read whole first (as it was); streamed, batches arrive and reading stops when asked.
    #[test]
    fn a_csv_streams_in_bounded_memory() {
        struct Endless(u64, Vec<u8>);
        impl Read for Endless {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                if self.1.is_empty() {
                    self.1 = format!("System {},Retail,Ann\n", self.0).into_bytes();
                    self.0 += 1;
                }
                let n = out.len().min(self.1.len());
                out[..n].copy_from_slice(&self.1[..n]);
                self.1.drain(..n);
                Ok(n)
            }
        }
        let input =
            std::io::Cursor::new(b"Title\nName,BU,Owner\n".to_vec()).chain(Endless(0, Vec::new()));
        let known = |h: &str| matches!(h, "Name" | "BU" | "Owner");
        let opts = ReadOptions {
            sheet: None,
            known: Some(&known),
        };
        let sheet = open_csv(
            "endless.csv".into(),
            0,
            csv_reader_of(Box::new(input)),
            &opts,
        )
        .expect("opens at its header");
        assert_eq!(
            sheet.table.header_row, 2,
            "the header is found below the title"
        );
        let (mut batches, mut last) = (0, 0);
        sheet
            .rows(|b| {
                batches += 1;
                last = b.last().map_or(0, |r| r.0);
                batches < 5
            })
            .expect("reads");
        assert_eq!(batches, 5, "reading stops when the caller says so");
        assert!(last > 5 * 2000, "rows keep their line numbers: {last}");
    }

    #[test]
    fn cell_text_reads_like_a_spreadsheet() {
        assert_eq!(
            Cell::Number(3.0).text(),
            "3",
            "integral numbers show without a fraction"
        );
        assert_eq!(Cell::Number(2.5).text(), "2.5", "fractions are kept");
    }
}
