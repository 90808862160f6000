//! From raw CSV, NumPy (`.npy`, `.npz`) or Parquet bytes to typed columns, column
//! roles and count tables.
//!
//! Everything here is pure core code: bytes are *pushed* in chunks (from a file
//! reader natively, from `File.stream()` in the page's worker), there are no files,
//! clocks or JavaScript types. The pieces:
//!
//! - [`CsvReader`]: streaming CSV parser on `csv-core` with delimiter detection,
//!   BOM/CRLF/quote handling and per-column type inference → [`ParsedTable`].
//! - [`npy`], [`npz`], `parquet` (native only; the page reads Parquet with hyparquet
//!   and pushes its columns): binary formats through one [`TableBuilder`], and
//!   [`FileReader`], which picks the reader from the file name ([`Format`]).
//! - [`counts`]: the `x1,x2,y,count` table format, reader, writer and detector.
//! - [`Roles`]: which columns are X1, X2, Y, Ŷ, the weight and a model's
//!   probabilities; a guess from the column names (`roles.rs`).
//! - [`assemble()`]: one [`Dataset`] from one or several parsed tables and their roles
//!   (`assemble.rs`).
//!
//! Every failure is a [`DataError`] naming the file, the 1-based line, the column and
//! the offending text, so a person can find and fix it.

mod align;
mod assemble;
pub mod builder;
pub mod column;
pub mod counts;
pub mod csv;
pub mod format;
pub mod npy;
pub mod npz;
pub mod numbers;
#[cfg(not(target_arch = "wasm32"))]
pub mod parquet;
#[cfg(not(target_arch = "wasm32"))]
pub mod parquet_write;
mod patterns;
mod quantile;
mod roles;

pub use align::{join_column, Alignment};
pub use assemble::{
    assemble, joint_category, AssembleOptions, AssemblyReport, Dataset, Labels, Modality,
    ModalityFeatures, ModelConditionals, TargetBinning, TargetKind,
};
pub use builder::{element_name, TableBuilder};
pub use column::{Column, ColumnData, ColumnKind, MixedColumn, MISSING_CODE};
pub use counts::{
    counts_table_from_parsed, looks_like_counts_table, read_counts_table, write_counts_csv,
    CountsColumns, StateOrder,
};
pub use csv::{
    parse_csv, ColumnReport, CsvReader, IngestOptions, IngestProgress, IngestReport, Limits,
    MixedReport, ParsedTable,
};
pub use format::{FileReader, Format};
pub use numbers::Numbers;
pub use patterns::{expand_patterns, matching_columns};
pub use quantile::{bin_at, quantile_bins, QuantileBins};
pub use roles::{feature_concern, FeatureConcern, Roles};

/// Longest piece of offending text quoted in an error message, in characters.
pub const MAX_QUOTED_CHARS: usize = 40;

/// Shortens user text for an error message (at a character boundary, with an ellipsis).
pub fn quote_text(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// Why data could not be read or assembled. Every variant that comes from a place in a
/// file names that file (its display name), the 1-based line, and where it applies the
/// column and the (shortened) text found there.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("{file}: the file is empty")]
    EmptyFile { file: String },
    #[error("{file}: the file has a header line but no data rows")]
    NoRows { file: String },
    #[error("{file}, line {line}, column '{column}': a quoted field spans {lines} lines and the row has {found} of {expected} fields: a quote is probably left open here")]
    UnclosedQuote {
        file: String,
        line: u64,
        column: String,
        lines: u64,
        expected: usize,
        found: usize,
    },
    #[error("{file}, line {line}: expected {expected} fields like the header, found {found}")]
    RaggedRow {
        file: String,
        line: u64,
        expected: usize,
        found: usize,
    },
    #[error("{file}, line {line}, column '{column}': '{text}' is not a number, but the column must be numeric")]
    TextInNumericColumn {
        file: String,
        line: u64,
        column: String,
        text: String,
    },
    #[error("{file}, line {line}, column '{column}': '{text}' is infinite (or too large for a 64-bit float)")]
    InfiniteValue {
        file: String,
        line: u64,
        column: String,
        text: String,
    },
    #[error("{file}, line {line}, column '{column}': the text is not valid UTF-8 (starts '{text}'); save the file as UTF-8")]
    InvalidUtf8 {
        file: String,
        line: u64,
        column: String,
        text: String,
    },
    #[error("{file}, line {line}, column '{column}': found a NUL byte; this looks like a binary file (or UTF-16), not CSV text")]
    BinaryData {
        file: String,
        line: u64,
        column: String,
    },
    #[error("{file}, line {line}, column '{column}': a field is larger than {limit} bytes (starts '{text}'); is a quote left open?")]
    FieldTooLarge {
        file: String,
        line: u64,
        column: String,
        limit: usize,
        text: String,
    },
    #[error("{file}: the header has more than {limit} columns")]
    TooManyColumns { file: String, limit: usize },
    #[error("{file}, line {line}: more than {limit} data rows")]
    TooManyRows { file: String, line: u64, limit: u64 },
    #[error("{file}, line 1: column name '{column}' appears twice (columns {first} and {second})")]
    DuplicateHeader {
        file: String,
        column: String,
        first: usize,
        second: usize,
    },
    #[error("{file}: there is no column '{column}' (columns: {available})")]
    UnknownColumn {
        file: String,
        column: String,
        available: String,
    },
    #[error("column '{column}' is in more than one file ({files}); write it as 'FILE::{column}'")]
    AmbiguousColumn { column: String, files: String },
    #[error("{file}, line {line}, column '{column}': {problem} ('{text}')")]
    BadCount {
        file: String,
        line: u64,
        column: String,
        text: String,
        problem: &'static str,
    },
    #[error("{file}, line {line}, column '{column}': the {what} is missing (empty, NA or NaN)")]
    MissingValue {
        file: String,
        line: u64,
        column: String,
        what: &'static str,
    },
    #[error("{file}, line {line}, column '{column}': {role} '{text}' must be a finite number ≥ 0")]
    BadNonNegative {
        role: &'static str,
        file: String,
        line: u64,
        column: String,
        text: String,
    },
    #[error("a model's probabilities need all three conditionals; {missing} has no columns")]
    IncompleteConditionals { missing: String },
    #[error("{role} columns: {reason}")]
    BadConditionalColumns { role: &'static str, reason: String },
    #[error("{file}, line {line}: the {role} probabilities sum to {sum:.4}, not 1 (give probabilities, e.g. softmax outputs, not logits)")]
    ProbabilitiesDoNotSumToOne {
        role: &'static str,
        file: String,
        line: u64,
        sum: f64,
    },
    #[error("column '{column}' is used both as {first} and as {second}")]
    ColumnInTwoRoles {
        column: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("no column is given for {role}")]
    EmptyRole { role: &'static str },
    #[error("could not guess the column roles: {reason}; name them explicitly")]
    CannotGuessRoles { reason: String },
    #[error("Y has {count} columns ({columns}): CVX and BATCH analyse one target column; choose one, or use the Gaussian estimator, which takes several numeric target columns")]
    SeveralTargets { count: usize, columns: String },
    #[error("{file}, column '{column}': a target column beside others must be numeric (several Y columns are one multivariate numeric target); it has text values")]
    TextTargetAmongSeveral { file: String, column: String },
    #[error("{file}, column '{column}': {distinct} distinct values as a label (at most {limit}); a label must be a class, not a measurement")]
    TooManyLabelStates {
        file: String,
        column: String,
        distinct: usize,
        limit: usize,
    },
    #[error("{file}, column '{column}': {levels} categories are too many to one-hot encode next to numeric columns (at most {limit})")]
    TooManyCategories {
        file: String,
        column: String,
        levels: usize,
        limit: usize,
    },
    #[error("files cannot be paired row by row: '{first}' has {first_rows} rows, '{other}' has {other_rows}{hint}")]
    RowCountMismatch {
        first: String,
        first_rows: usize,
        other: String,
        other_rows: usize,
        /// How to align them instead (empty, or `; …`).
        hint: String,
    },
    #[error("files cannot be paired row by row: their column '{column}' disagrees ({first}; {other}); join them on '{column}' instead")]
    IdsDisagree {
        column: String,
        /// Where and what, in each file: `FILE, line N: 'id'`.
        first: String,
        other: String,
    },
    #[error("{file}, line {line}, column '{column}': id '{text}' appears twice (first on line {first_line}); ids must be unique to join files on them")]
    DuplicateId {
        file: String,
        line: u64,
        first_line: u64,
        column: String,
        text: String,
    },
    #[error("column '{column}' is the id the files are joined on, so it cannot also be {role}")]
    JoinKeyInRole { column: String, role: &'static str },
    #[error("{file}, line {line}, column '{column}': '{text}' is not a number, though other values of the column are (numbers: {numbers}, other values: {texts}); say how to read '{column}': as numbers (values that are not numbers count as missing) or as text (every distinct value a category)")]
    MixedColumn {
        file: String,
        line: u64,
        column: String,
        text: String,
        numbers: usize,
        texts: usize,
    },
    #[error("{file}: {problem}")]
    CorruptFile { file: String, problem: String },
    #[error("{file}, array '{array}': {problem}")]
    UnsupportedArray {
        file: String,
        array: String,
        problem: String,
    },
    #[error("{file}, column '{column}': {problem}")]
    UnsupportedColumn {
        file: String,
        column: String,
        problem: String,
    },
    #[error("{file}, row {row}, column '{column}': the value is infinite ({value}); a number must be finite (NaN counts as missing)")]
    InfiniteNumber {
        file: String,
        row: u64,
        column: String,
        value: f64,
    },
    #[error("{file}, row {line}, column '{column}': the list has {found} values, but the first row's has {expected}; an embedding column needs the same length in every row")]
    RaggedList {
        file: String,
        line: u64,
        column: String,
        found: usize,
        expected: usize,
    },
    #[error("no rows are left: {reason}")]
    NoRowsLeft { reason: String },
    #[error("no input tables were given")]
    NoTables,
    #[error("{file}: {source}")]
    Table {
        file: String,
        source: crate::table::TableError,
    },
}
