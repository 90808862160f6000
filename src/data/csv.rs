//! Streaming CSV ingestion: bytes are pushed in chunks of any size, fields may be
//! split across chunks, and the result is a [`ParsedTable`] of typed columns.
//!
//! Format rules: the first record is the header (names trimmed; an empty name becomes
//! `column N`; names must be unique). The delimiter is detected from the header line
//! when not given: the most frequent of comma, semicolon and tab outside double quotes
//! (comma when none occurs). Fields may be double-quoted (`""` inside quotes is a
//! quote); lines end in LF, CRLF or CR; a UTF-8 byte-order mark is skipped; empty lines
//! are skipped. Type inference and missing values: see [`crate::data::column`].

use super::column::{ColumnBuilder, ColumnKind, FieldProblem};
use super::{quote_text, Column, DataError};
use serde::{Deserialize, Serialize};

/// Size caps that keep a hostile or mistaken file from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest single field in bytes (an unclosed quote otherwise swallows the file).
    pub max_field_bytes: usize,
    pub max_columns: usize,
    pub max_rows: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: 1 << 20,
            max_columns: 100_000,
            max_rows: 100_000_000,
        }
    }
}

/// How to read one CSV file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestOptions {
    /// The name used in messages (the file name; never opened).
    pub display_name: String,
    /// `None`: detect comma, semicolon or tab from the header line.
    pub delimiter: Option<u8>,
    /// Columns that must be numeric: text in them is an error.
    pub numeric_columns: Vec<String>,
    /// Columns read as categories even when their values look like numbers.
    pub categorical_columns: Vec<String>,
    pub limits: Limits,
}

impl IngestOptions {
    /// Default options for a file shown to the user as `display_name`.
    pub fn named(display_name: impl Into<String>) -> Self {
        IngestOptions {
            display_name: display_name.into(),
            delimiter: None,
            numeric_columns: Vec::new(),
            categorical_columns: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// How far a [`CsvReader`] has got, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestProgress {
    /// Bytes pushed so far.
    pub bytes_consumed: u64,
    /// Complete data rows so far.
    pub rows: u64,
}

/// What was read, for display: per-column kind and missing values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    pub file: String,
    pub rows: usize,
    pub bytes: u64,
    pub delimiter: char,
    /// Bytes held by the parsed columns (compare with `bytes`).
    pub parsed_bytes: usize,
    pub columns: Vec<ColumnReport>,
}

/// One column of an [`IngestReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnReport {
    pub name: String,
    pub kind: ColumnKind,
    pub missing: usize,
    /// Number of distinct categories (categorical columns only).
    pub levels: Option<usize>,
    /// For a column that looked numeric at first: the line and text that made it categorical.
    pub categorical_from: Option<(u64, String)>,
    /// For a column of numbers and other text ([`Column::mixed`]): what it holds, so
    /// the user can say how to read it.
    #[serde(default)]
    pub mixed: Option<MixedReport>,
}

/// A mixed column in an [`IngestReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixedReport {
    /// The 1-based line of the first value that is not a number, and the value (shortened).
    pub line: u64,
    pub text: String,
    /// Values that are numbers, and values that are other text.
    pub numbers: usize,
    pub texts: usize,
}

/// A fully parsed CSV file: typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTable {
    name: String,
    columns: Vec<Column>,
    rows: usize,
    delimiter: u8,
    bytes: u64,
    /// `(row, line)` wherever the line of a data row is not the previous row's line + 1
    /// (always at row 0): blank lines and quoted newlines are rare, so this stays tiny.
    line_jumps: Vec<(usize, u64)>,
}

impl ParsedTable {
    /// Builds a table from columns already in memory (e.g. the page's generator), with
    /// data rows numbered from line 2.
    pub fn from_columns(name: impl Into<String>, columns: Vec<Column>) -> Result<Self, DataError> {
        let name = name.into();
        let rows = columns.first().map_or(0, Column::len);
        if let Some(bad) = columns.iter().find(|c| c.len() != rows) {
            return Err(DataError::RaggedRow {
                file: name,
                line: 2 + rows.min(bad.len()) as u64,
                expected: rows,
                found: bad.len(),
            });
        }
        Ok(ParsedTable {
            name,
            columns,
            rows,
            delimiter: b',',
            bytes: 0,
            line_jumps: vec![(0, 2)],
        })
    }

    /// A table read from a binary format (`.npy`, `.npz`, Parquet): data rows are
    /// numbered from 1, as such files have no header line.
    pub(crate) fn from_binary(name: String, columns: Vec<Column>, rows: usize, bytes: u64) -> Self {
        ParsedTable {
            name,
            columns,
            rows,
            delimiter: b',',
            bytes,
            line_jumps: vec![(0, 1)],
        }
    }

    /// The display name the reader was given.
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The column called `name`, or an error listing the columns there are.
    pub fn column(&self, name: &str) -> Result<&Column, DataError> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| self.unknown_column(name))
    }

    pub(crate) fn unknown_column(&self, name: &str) -> DataError {
        unknown_column(
            &self.name,
            self.columns.iter().map(|c| c.name.as_str()),
            name,
        )
    }

    /// The 1-based line of the file where data row `row` (0-based) starts.
    pub fn line_of_row(&self, row: usize) -> u64 {
        let i = self.line_jumps.partition_point(|&(r, _)| r <= row);
        match i.checked_sub(1).map(|i| self.line_jumps[i]) {
            Some((r, line)) => line + (row - r) as u64,
            None => row as u64 + 2,
        }
    }

    /// Bytes held by the parsed columns.
    pub fn parsed_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum()
    }

    pub fn report(&self) -> IngestReport {
        IngestReport {
            file: self.name.clone(),
            rows: self.rows,
            bytes: self.bytes,
            delimiter: self.delimiter as char,
            parsed_bytes: self.parsed_bytes(),
            columns: self
                .columns
                .iter()
                .map(|c| ColumnReport {
                    name: c.name.clone(),
                    kind: c.kind(),
                    missing: c.missing,
                    levels: match &c.data {
                        super::ColumnData::Categorical { levels, .. } => Some(levels.len()),
                        super::ColumnData::Numeric(_) => None,
                    },
                    categorical_from: c
                        .became_categorical_at
                        .as_ref()
                        .map(|(row, text)| (self.line_of_row(*row), quote_text(text))),
                    mixed: c.mixed().map(|m| MixedReport {
                        line: self.line_of_row(m.first_text),
                        text: quote_text(&m.text),
                        numbers: m.numbers,
                        texts: m.texts,
                    }),
                })
                .collect(),
        }
    }
}

/// The error for a column name that is not in a file, listing (the first few) names.
fn unknown_column<'a>(
    file: &str,
    names: impl ExactSizeIterator<Item = &'a str>,
    wanted: &str,
) -> DataError {
    const SHOWN: usize = 12;
    let count = names.len();
    let mut available = names
        .take(SHOWN)
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if count > SHOWN {
        available += &format!(", … ({count} in all)");
    }
    DataError::UnknownColumn {
        file: file.to_string(),
        column: wanted.to_string(),
        available,
    }
}

/// Detects the delimiter from the header line: the most frequent of `,` `;` `\t`
/// outside double quotes; comma on a tie or when none occurs.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header_line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// Why a field's bytes are not text.
#[derive(Debug, Clone, Copy)]
enum DecodeProblem {
    Nul,
    Utf8,
}

/// A field's bytes as trimmed text; NUL bytes mean binary data, not text.
fn decode_field(bytes: &[u8]) -> Result<&str, DecodeProblem> {
    if bytes.contains(&0) {
        return Err(DecodeProblem::Nul);
    }
    std::str::from_utf8(bytes)
        .map(|text| text.trim_matches([' ', '\t']))
        .map_err(|_| DecodeProblem::Utf8)
}

fn is_line_end(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where the reader is in the file.
enum Phase {
    /// Collecting the first line to detect the delimiter.
    Sniffing(Vec<u8>),
    Reading(Box<csv_core::Reader>),
}

/// A push-based CSV reader: `push` chunks of any size, then `finish`.
///
/// ```
/// use pidscope::data::{CsvReader, IngestOptions};
/// let mut reader = CsvReader::new(IngestOptions::named("demo.csv"));
/// reader.push(b"a;b\n1;x\n2;").unwrap();
/// reader.push(b"y\n").unwrap();
/// let table = reader.finish().unwrap();
/// assert_eq!(table.rows(), 2);
/// assert_eq!(table.column("b").unwrap().text(1), "y");
/// ```
pub struct CsvReader {
    options: IngestOptions,
    phase: Phase,
    delimiter: u8,
    /// Bytes of the field being read; only `field_len` of them are used.
    field: Vec<u8>,
    field_len: usize,
    /// Index of the field within the current record.
    field_index: usize,
    /// 1-based line where the current record starts.
    record_line: u64,
    header: Vec<String>,
    /// Each header name's position, so a duplicate is found in O(1) per column (a
    /// linear search made a 99,999-column header quadratic: minutes).
    header_index: std::collections::HashMap<String, usize>,
    columns: Vec<ColumnBuilder>,
    header_done: bool,
    rows: usize,
    bytes_pushed: u64,
    line_jumps: Vec<(usize, u64)>,
    last_row_line: u64,
    /// Once an error happened, every later call returns it again.
    failed: Option<DataError>,
}

impl CsvReader {
    pub fn new(options: IngestOptions) -> Self {
        CsvReader {
            delimiter: options.delimiter.unwrap_or(b','),
            phase: Phase::Sniffing(Vec::new()),
            // Grows on demand up to one byte past the cap, which is how a field that
            // is too large is noticed.
            field: vec![0; 256.min(options.limits.max_field_bytes + 1)],
            field_len: 0,
            field_index: 0,
            record_line: 1,
            header: Vec::new(),
            header_index: std::collections::HashMap::new(),
            columns: Vec::new(),
            header_done: false,
            rows: 0,
            bytes_pushed: 0,
            line_jumps: Vec::new(),
            last_row_line: 0,
            failed: None,
            options,
        }
    }

    /// Bytes pushed and rows completed so far.
    pub fn progress(&self) -> IngestProgress {
        IngestProgress {
            bytes_consumed: self.bytes_pushed,
            rows: self.rows as u64,
        }
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), DataError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        self.bytes_pushed += chunk.len() as u64;
        let result = self.push_inner(chunk);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    fn push_inner(&mut self, chunk: &[u8]) -> Result<(), DataError> {
        if chunk.is_empty() {
            // An empty slice means end of input to csv-core: never pass one on here.
            return Ok(());
        }
        match &mut self.phase {
            Phase::Reading(_) => self.feed(chunk),
            Phase::Sniffing(buffer) => {
                let searched_from = buffer.len();
                buffer.extend_from_slice(chunk);
                let line_complete = buffer[searched_from..].iter().any(|&b| is_line_end(b));
                if line_complete || buffer.len() > self.options.limits.max_field_bytes {
                    self.start_reading()
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Ends sniffing: picks the delimiter and parses the buffered bytes.
    fn start_reading(&mut self) -> Result<(), DataError> {
        let Phase::Sniffing(buffer) = &mut self.phase else {
            return Ok(());
        };
        let buffer = std::mem::take(buffer);
        let body = buffer.strip_prefix(UTF8_BOM).unwrap_or(&buffer);
        let header_end = body
            .iter()
            .position(|&b| is_line_end(b))
            .unwrap_or(body.len());
        if self.options.delimiter.is_none() {
            self.delimiter = detect_delimiter(&body[..header_end]);
        }
        let reader = csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .build();
        self.phase = Phase::Reading(Box::new(reader));
        if body.is_empty() {
            Ok(())
        } else {
            self.feed(body)
        }
    }

    /// Runs csv-core over `input` (non-empty), or over the end of input when empty.
    fn feed(&mut self, mut input: &[u8]) -> Result<(), DataError> {
        let at_end = input.is_empty();
        loop {
            // An empty slice means end of input to csv-core: only pass one at the end.
            if input.is_empty() && !at_end {
                return Ok(());
            }
            let Phase::Reading(reader) = &mut self.phase else {
                return Ok(());
            };
            let (result, nin, nout) = reader.read_field(input, &mut self.field[self.field_len..]);
            // The newline that ended the record, if this call consumed it, is already
            // counted in `line()`; `end_field` needs to know to find the record's line.
            let ended_on_newline = nin > 0 && input[nin - 1] == b'\n';
            let line_now = reader.line();
            input = &input[nin..];
            self.field_len += nout;
            match result {
                // At the end csv-core always reports the last field or `End`; stopping
                // here anyway guarantees the loop ends.
                csv_core::ReadFieldResult::InputEmpty if at_end => return Ok(()),
                csv_core::ReadFieldResult::InputEmpty => {}
                csv_core::ReadFieldResult::OutputFull => self.grow_field()?,
                csv_core::ReadFieldResult::Field { record_end } => {
                    if self.field_index == 0 {
                        let newlines_inside = self.field[..self.field_len]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count() as u64;
                        let terminator = u64::from(record_end && ended_on_newline);
                        self.record_line =
                            line_now.saturating_sub(newlines_inside + terminator).max(1);
                    }
                    self.end_field(record_end)?;
                    self.field_len = 0;
                }
                csv_core::ReadFieldResult::End => return Ok(()),
            }
        }
    }

    fn grow_field(&mut self) -> Result<(), DataError> {
        let limit = self.options.limits.max_field_bytes;
        if self.field[..self.field_len].contains(&0) {
            // NUL bytes: a binary file (`/dev/zero`), not a quote left open.
            return Err(DataError::BinaryData {
                file: self.options.display_name.clone(),
                line: self.record_line_estimate(),
                column: self.current_column_name(),
            });
        }
        if self.field.len() > limit {
            let text = String::from_utf8_lossy(&self.field[..64.min(self.field_len)]);
            return Err(DataError::FieldTooLarge {
                file: self.options.display_name.clone(),
                line: self.record_line_estimate(),
                column: self.current_column_name(),
                limit,
                text: quote_text(&text),
            });
        }
        let new_len = (self.field.len() * 2).min(limit + 1);
        self.field.resize(new_len, 0);
        Ok(())
    }

    /// Line of the record being read while its first field is unfinished.
    fn record_line_estimate(&self) -> u64 {
        match &self.phase {
            Phase::Reading(reader) if self.field_index == 0 => {
                let newlines = self.field[..self.field_len]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
                reader.line().saturating_sub(newlines).max(1)
            }
            _ => self.record_line,
        }
    }

    fn current_column_name(&self) -> String {
        if !self.header_done {
            return format!("column {}", self.field_index + 1);
        }
        self.header
            .get(self.field_index)
            .cloned()
            .unwrap_or_else(|| format!("column {}", self.field_index + 1))
    }

    /// The current field as text (checked for NUL bytes and UTF-8), trimmed.
    fn field_text(&self) -> Result<&str, DataError> {
        decode_field(&self.field[..self.field_len]).map_err(|problem| self.decode_error(problem))
    }

    fn decode_error(&self, problem: DecodeProblem) -> DataError {
        let (file, line, column) = (
            self.options.display_name.clone(),
            self.record_line,
            self.current_column_name(),
        );
        match problem {
            DecodeProblem::Nul => DataError::BinaryData { file, line, column },
            DecodeProblem::Utf8 => DataError::InvalidUtf8 {
                file,
                line,
                column,
                text: quote_text(&String::from_utf8_lossy(&self.field[..self.field_len])),
            },
        }
    }

    fn end_field(&mut self, record_end: bool) -> Result<(), DataError> {
        if !self.header_done {
            self.end_header_field(record_end)
        } else {
            self.end_data_field(record_end)
        }
    }

    fn end_header_field(&mut self, record_end: bool) -> Result<(), DataError> {
        let file = &self.options.display_name;
        if self.header.len() >= self.options.limits.max_columns {
            return Err(DataError::TooManyColumns {
                file: file.clone(),
                limit: self.options.limits.max_columns,
            });
        }
        let text = self.field_text()?;
        if record_end && self.header.is_empty() && text.is_empty() {
            // A line of only spaces before the header is skipped like an empty line.
            return Ok(());
        }
        let name = if text.is_empty() {
            format!("column {}", self.header.len() + 1)
        } else {
            text.to_string()
        };
        if let Some(&first) = self.header_index.get(&name) {
            return Err(DataError::DuplicateHeader {
                file: file.clone(),
                column: name,
                first: first + 1,
                second: self.header.len() + 1,
            });
        }
        self.header_index.insert(name.clone(), self.header.len());
        self.header.push(name);
        self.field_index += 1;
        if record_end {
            self.start_columns()?;
        }
        Ok(())
    }

    /// The header is complete: check declared columns exist and set up the builders.
    fn start_columns(&mut self) -> Result<(), DataError> {
        self.declare_counts_columns();
        let numeric: std::collections::HashSet<&str> = self
            .options
            .numeric_columns
            .iter()
            .map(String::as_str)
            .collect();
        let categorical: std::collections::HashSet<&str> = self
            .options
            .categorical_columns
            .iter()
            .map(String::as_str)
            .collect();
        for wanted in self
            .options
            .numeric_columns
            .iter()
            .chain(&self.options.categorical_columns)
        {
            if !self.header_index.contains_key(wanted) {
                return Err(unknown_column(
                    &self.options.display_name,
                    self.header.iter().map(String::as_str),
                    wanted,
                ));
            }
        }
        self.columns = self
            .header
            .iter()
            .map(|name| {
                let kind = if numeric.contains(name.as_str()) {
                    Some(ColumnKind::Numeric)
                } else if categorical.contains(name.as_str()) {
                    Some(ColumnKind::Categorical)
                } else {
                    None
                };
                ColumnBuilder::new(name.clone(), kind, self.delimiter == b';')
            })
            .collect();
        self.header_done = true;
        self.field_index = 0;
        Ok(())
    }

    /// A counts table read without declared columns: its states are text (trimmed, so
    /// `1`, `1.0` and `01` are three states) and its count a number, whoever reads it
    /// (the same rule as [`CountsColumns::ingest_options`](super::CountsColumns::ingest_options)).
    fn declare_counts_columns(&mut self) {
        let undeclared =
            self.options.numeric_columns.is_empty() && self.options.categorical_columns.is_empty();
        let names: Vec<&str> = self.header.iter().map(String::as_str).collect();
        if !undeclared || !super::looks_like_counts_table(&names) {
            return;
        }
        let spelled = |wanted: &str| {
            self.header
                .iter()
                .find(|h| h.eq_ignore_ascii_case(wanted))
                .cloned()
        };
        let defaults = super::CountsColumns::default();
        self.options.categorical_columns = [&defaults.x1, &defaults.x2, &defaults.y]
            .into_iter()
            .filter_map(|c| spelled(c))
            .collect();
        self.options.numeric_columns = spelled(&defaults.count).into_iter().collect();
    }

    fn end_data_field(&mut self, record_end: bool) -> Result<(), DataError> {
        let expected = self.columns.len();
        let file = &self.options.display_name;
        if self.field_index == 0 {
            // A line of only spaces in a multi-column file: skip it like an empty line.
            if record_end && expected > 1 && self.field_text()?.is_empty() {
                return Ok(());
            }
            if self.rows as u64 >= self.options.limits.max_rows {
                return Err(DataError::TooManyRows {
                    file: file.clone(),
                    line: self.record_line,
                    limit: self.options.limits.max_rows,
                });
            }
        }
        let found = self.field_index + 1;
        let newlines = self.field[..self.field_len]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        if record_end && found < expected && newlines > 0 {
            // An open quote swallows the rest of the file into one field, so the last
            // record comes up short: say that, not just the field count.
            return Err(DataError::UnclosedQuote {
                file: file.clone(),
                line: self.record_line,
                column: self.current_column_name(),
                lines: newlines + 1,
                expected,
                found,
            });
        }
        if record_end && found != expected {
            return Err(DataError::RaggedRow {
                file: file.clone(),
                line: self.record_line,
                expected,
                found,
            });
        }
        if found > expected {
            // Too many fields: keep counting to the end of the record for the message.
            self.field_index += 1;
            return Ok(());
        }
        let row = self.rows;
        // Borrow the field bytes and the builder separately (not through `self`).
        let text = match decode_field(&self.field[..self.field_len]) {
            Ok(text) => text,
            Err(problem) => return Err(self.decode_error(problem)),
        };
        let builder = &mut self.columns[self.field_index];
        if let Err(problem) = builder.push(text, row) {
            let (file, line, column, text) = (
                file.clone(),
                self.record_line,
                builder.name().to_string(),
                quote_text(text),
            );
            return Err(match problem {
                FieldProblem::TextInNumericColumn => DataError::TextInNumericColumn {
                    file,
                    line,
                    column,
                    text,
                },
                FieldProblem::Infinite => DataError::InfiniteValue {
                    file,
                    line,
                    column,
                    text,
                },
            });
        }
        if record_end {
            if self.record_line != self.last_row_line + 1 || self.line_jumps.is_empty() {
                self.line_jumps.push((row, self.record_line));
            }
            self.last_row_line = self.record_line;
            self.rows += 1;
            self.field_index = 0;
        } else {
            self.field_index += 1;
        }
        Ok(())
    }

    /// Signals the end of the input and returns the parsed table.
    pub fn finish(mut self) -> Result<ParsedTable, DataError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if matches!(self.phase, Phase::Sniffing(_)) {
            self.start_reading()?;
        }
        self.feed(&[])?;
        let file = self.options.display_name.clone();
        if !self.header_done {
            if self.header.is_empty() {
                return Err(DataError::EmptyFile { file });
            }
            // A header without a final newline still ends at the end of the input;
            // csv-core reports it as a record end, so this is only a safeguard.
            self.start_columns()?;
        }
        if self.field_index != 0 {
            return Err(DataError::RaggedRow {
                file,
                line: self.record_line,
                expected: self.columns.len(),
                found: self.field_index,
            });
        }
        if self.rows == 0 {
            return Err(DataError::NoRows { file });
        }
        Ok(ParsedTable {
            name: file,
            columns: self
                .columns
                .into_iter()
                .map(ColumnBuilder::finish)
                .collect(),
            rows: self.rows,
            delimiter: self.delimiter,
            bytes: self.bytes_pushed,
            line_jumps: self.line_jumps,
        })
    }
}

/// Parses a whole CSV file held in memory.
pub fn parse_csv(options: IngestOptions, bytes: &[u8]) -> Result<ParsedTable, DataError> {
    let mut reader = CsvReader::new(options);
    reader.push(bytes)?;
    reader.finish()
}
