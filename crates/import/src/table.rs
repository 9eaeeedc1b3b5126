//! Reading a spreadsheet or CSV file into a plain table of cells, and mapping its header row onto
//! the fields an import knows. Generic over what is imported; knows nothing of systems or the store.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{
    open_workbook_auto, Data, DataRef, DataType, Range, Reader, ReaderRef, Sheets, Xlsx,
};

use super::ImportProblem;
use steward_domain::{Error, Result};

/// The file extensions `read_table` accepts, for error messages.
pub const ACCEPTED_EXTENSIONS: &str = ".xlsx, .xlsm, .xls, .ods, .csv";

pub use steward_domain::sheet::Cell;

/// Rows of cells, each with its 1-based row number.
pub type Rows = Vec<(u32, Vec<Cell>)>;

/// The first worksheet of a file (or the whole CSV) as rows of cells.
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

/// Reads the first worksheet of an .xlsx/.xlsm/.xls/.ods file, or a .csv file (UTF-8, with or
/// without a byte-order mark, `,` or `;` separated). The header row is the first row that holds
/// anything; fully empty rows below it are skipped. Every failure is an `Error::Import` with one
/// problem that names the file and what is wrong.
pub fn read_table(path: &Path) -> Result<Table> {
    let (file, ext) = checked(path)?;
    let (sheet, rows) = if ext == "csv" {
        let bytes =
            std::fs::read(path).map_err(|e| whole_file(&file, format!("cannot be read: {e}")))?;
        (None, csv_rows(&file, &bytes)?)
    } else {
        let (name, rows) = sheet_rows(path, &ext).map_err(|m| whole_file(&file, m))?;
        (Some(name), rows)
    };
    into_table(file, sheet, rows)
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
fn checked(path: &Path) -> Result<(String, String)> {
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
    Ok((file, ext))
}

/// Splits the first non-empty row off as the header and drops empty rows.
fn into_table(file: String, sheet: Option<String>, rows: Rows) -> Result<Table> {
    let (mut table, rows) = split_header(file, sheet, rows)?;
    table.rows = rows.collect();
    Ok(table)
}

/// The table's header, from the first row that holds anything, and the rows below it that hold
/// anything, as they come. The returned table has no rows.
pub fn split_header<I>(
    file: String,
    sheet: Option<String>,
    rows: I,
) -> Result<(Table, impl Iterator<Item = (u32, Vec<Cell>)>)>
where
    I: IntoIterator<Item = (u32, Vec<Cell>)>,
{
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header_cells)) = rows.next() else {
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
    let headers = header_cells
        .iter()
        .map(|c| c.text().trim().to_string())
        .collect();
    Ok((
        Table {
            file,
            sheet,
            headers,
            header_row,
            rows: Vec::new(),
        },
        rows,
    ))
}

/// The first worksheet of an .xlsx/.xlsm file, opened to be read row by row as it is parsed
/// rather than into a table first, so that rows can be checked while later ones are parsed.
pub struct XlsxStream {
    /// The file name as given.
    pub file: String,
    /// The worksheet read.
    pub sheet: String,
    book: Xlsx<BufReader<File>>,
}

/// What [`XlsxStream::read`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    /// Every row was handed over, in order.
    Done,
    /// The sheet's cells are not stored row after row (or it is no worksheet): reading stopped,
    /// and the file must be read with [`read_table`], which orders them.
    Unordered,
}

/// Opens the file for [`XlsxStream::read`], with the checks and messages of [`read_table`].
/// `Ok(None)` when the file is not an .xlsx/.xlsm workbook: read it with [`read_table`].
pub fn open_xlsx_stream(path: &Path) -> Result<Option<XlsxStream>> {
    let (file, ext) = checked(path)?;
    if !matches!(ext.as_str(), "xlsx" | "xlsm") {
        return Ok(None);
    }
    let (book, sheet) = open_first_sheet(path, &ext).map_err(|m| whole_file(&file, m))?;
    match book {
        Sheets::Xlsx(book) => Ok(Some(XlsxStream { file, sheet, book })),
        _ => Ok(None),
    }
}

impl XlsxStream {
    /// Hands the sheet's rows to `batch` as they are parsed, a few thousand at a time, numbered
    /// and with cells placed by column as [`read_table`] reads them (rows that hold nothing may be
    /// included or not: [`split_header`] drops them). A sheet that cannot be parsed is the error
    /// `read_table` gives.
    pub fn read(mut self, mut batch: impl FnMut(Rows)) -> Result<Streamed> {
        const BATCH: usize = 4096;
        let (file, name) = (self.file, self.sheet);
        let unreadable = |e: calamine::XlsxError| {
            whole_file(
                &file,
                format!(
                    "sheet {name:?} cannot be read ({}); open the file in Excel or LibreOffice Calc and save it again",
                    calamine::Error::from(e)
                ),
            )
        };
        let mut reader = match self.book.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Streamed::Unordered),
            Err(e) => return Err(unreadable(e)),
        };
        let mut rows: Rows = Vec::with_capacity(BATCH);
        let mut current: Option<(u32, Vec<Cell>)> = None;
        while let Some(c) = reader.next_cell().map_err(unreadable)? {
            if matches!(c.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, col) = c.get_position();
            let (r, col) = (r + 1, col as usize);
            match &mut current {
                Some((at, _)) if *at == r => {}
                Some((at, _)) if *at > r => return Ok(Streamed::Unordered),
                _ => {
                    if let Some(done) = current.replace((r, Vec::new())) {
                        rows.push(done);
                        if rows.len() == BATCH {
                            batch(std::mem::replace(&mut rows, Vec::with_capacity(BATCH)));
                        }
                    }
                }
            }
            if let Some((_, cells)) = &mut current {
                if cells.len() <= col {
                    cells.resize(col + 1, Cell::Empty);
                }
                cells[col] = cell_of_ref(c.get_value());
            }
        }
        rows.extend(current);
        if !rows.is_empty() {
            batch(rows);
        }
        Ok(Streamed::Done)
    }
}

/// The workbook and the name of its first worksheet, or what is wrong, as a problem says it.
fn open_first_sheet(
    path: &Path,
    ext: &str,
) -> std::result::Result<(Sheets<BufReader<File>>, String), String> {
    let kind = format!(".{ext}");
    let book = open_workbook_auto(path).map_err(|e| {
        format!(
            "is not a readable {kind} workbook ({e}); open it in Excel or LibreOffice Calc and save it again as {kind}"
        )
    })?;
    let names = book.sheet_names();
    let Some(name) = names.first().cloned() else {
        return Err("the workbook has no worksheet".into());
    };
    Ok((book, name))
}

fn sheet_rows(path: &Path, ext: &str) -> std::result::Result<(String, Rows), String> {
    let (mut book, name) = open_first_sheet(path, ext)?;
    let unreadable = |e: calamine::Error| {
        format!("sheet {name:?} cannot be read ({e}); open the file in Excel or LibreOffice Calc and save it again")
    };
    // .xlsx keeps its texts in a shared table: borrowing them while the sheet is read saves a
    // copy of every text cell (the cells get their own copy once, below).
    let rows = if matches!(ext, "xlsx" | "xlsm") {
        let range = book.worksheet_range_ref(&name).map_err(unreadable)?;
        rows_of(&range, cell_of_ref)
    } else {
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        rows_of(&range, cell_of)
    };
    Ok((name, rows))
}

/// A sheet's rows, numbered from 1 as a spreadsheet shows them, with the columns left of the
/// first used one filled with empty cells. A large sheet is converted in two halves on two
/// threads, as copying a million rows of texts takes a noticeable part of an import.
fn rows_of<T: calamine::CellType + Sync>(
    range: &Range<T>,
    cell: impl Fn(&T) -> Cell + Sync,
) -> Rows {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let convert = |skip: usize, take: usize| -> Rows {
        range
            .rows()
            .enumerate()
            .skip(skip)
            .take(take)
            .map(|(i, row)| {
                let mut cells = Vec::with_capacity(col0 as usize + row.len());
                cells.resize(col0 as usize, Cell::Empty);
                cells.extend(row.iter().map(&cell));
                (row0 + i as u32 + 1, cells)
            })
            .collect()
    };
    let height = range.height();
    if height < 50_000 {
        return convert(0, height);
    }
    let half = height / 2;
    std::thread::scope(|s| {
        let second = s.spawn(|| convert(half, height - half));
        let mut rows = convert(0, half);
        rows.extend(
            second
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        rows
    })
}

/// As `cell_of` reads the same cell once calamine has copied it (the same rules for every kind),
/// with a shared text copied once, straight into the cell.
fn cell_of_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        other => cell_of(&Data::from(other.clone())),
    }
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
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

/// Parses CSV bytes; row numbers are the line each record starts on (1-based).
fn csv_rows(file: &str, bytes: &[u8]) -> Result<Rows> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
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
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    let (mut counted, mut lines) = (0usize, 1u32);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line() as u32);
                return Err(problem(line, None, format!("is not readable as CSV: {e}")));
            }
        }
        // The record's first line: the reader may place a record's start on the line break
        // before it, so skip line breaks, then count the ones before it.
        let mut start = record
            .position()
            .map_or(counted, |p| p.byte() as usize)
            .max(counted);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        lines += bytes[counted..start.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u32;
        counted = start.min(bytes.len());
        let line = lines;
        let mut cells = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
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
                Cell::Text(text.to_string())
            });
        }
        rows.push((line, cells));
    }
    Ok(rows)
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
    for (col, header) in table.headers.iter().enumerate() {
        let k = header_key(header);
        if k.is_empty() {
            continue;
        }
        let Some(field) = keys.iter().position(|ks| ks.contains(&k)) else {
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
        let rows = csv_rows("t.csv", b"a,b\r\n\r\n1,\"x\ny\"\n2,z\n\n\n3,w").expect("reads");
        let lines: Vec<u32> = rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            lines,
            [1, 3, 5, 8],
            "blank lines and multi-line cells count, as a text editor shows them"
        );
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
