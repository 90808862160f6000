//! Typed columns pushed in batches (a `.npy` array, a Parquet row group, the page's
//! hyparquet output) into one [`ParsedTable`], so every binary format reaches roles,
//! assembly and discretisation exactly as a CSV does.
//!
//! Rows of these tables are numbered from 1 (`line N` in a message is the N-th row):
//! binary files have no lines. A numeric value that is NaN is *missing*, as `NaN` in a
//! CSV is; an infinite one is an error, as in a CSV. A list column (an embedding) of
//! width `d` becomes the columns `name[0]` … `name[d-1]`, which the role guesser keeps
//! in one modality.

use super::column::Interner;
use super::{Column, ColumnData, DataError, Limits, Numbers, ParsedTable, MISSING_CODE};

/// The name of element `index` of the list (or 2-D array) column `base`.
pub fn element_name(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

enum Values {
    Numeric(NumberBuffer),
    Text { codes: Vec<u32>, interner: Interner },
}

/// A numeric column as it is built: float32 while every batch is float32 (half the
/// memory; [`Numbers`]), widened to f64 at the first batch that is not.
enum NumberBuffer {
    F64(Vec<f64>),
    F32(Vec<f32>),
}

impl NumberBuffer {
    fn len(&self) -> usize {
        match self {
            NumberBuffer::F64(v) => v.len(),
            NumberBuffer::F32(v) => v.len(),
        }
    }

    fn push_f64(&mut self, values: &[f64]) {
        if let NumberBuffer::F32(narrow) = self {
            *self = NumberBuffer::F64(narrow.iter().map(|&x| f64::from(x)).collect());
        }
        if let NumberBuffer::F64(wide) = self {
            wide.extend_from_slice(values);
        }
    }

    fn push_f32(&mut self, values: &[f32]) {
        match self {
            NumberBuffer::F32(narrow) => narrow.extend_from_slice(values),
            NumberBuffer::F64(wide) => wide.extend(values.iter().map(|&x| f64::from(x))),
        }
    }

    fn finish(self) -> Numbers {
        match self {
            NumberBuffer::F64(mut v) => {
                v.shrink_to_fit();
                Numbers::F64(v)
            }
            NumberBuffer::F32(v) => Numbers::F32(v.into()),
        }
    }
}

struct Pending {
    name: String,
    values: Values,
    missing: usize,
}

impl Pending {
    fn len(&self) -> usize {
        match &self.values {
            Values::Numeric(v) => v.len(),
            Values::Text { codes, .. } => codes.len(),
        }
    }
}

/// Collects columns batch by batch: within a batch each column is pushed once (in the
/// same order in every batch), then [`TableBuilder::end_batch`] checks they are equally
/// long.
pub struct TableBuilder {
    file: String,
    columns: Vec<Pending>,
    /// List columns and their widths, as the first batch set them.
    lists: Vec<(String, usize)>,
    rows: usize,
    bytes: u64,
    batches: usize,
    limits: Limits,
    /// Rows the file says it has, reserved for every new column (0: unknown).
    expected_rows: usize,
}

impl TableBuilder {
    /// A builder for the file shown as `file`, within `limits` (columns and rows).
    pub fn new(file: impl Into<String>, limits: Limits) -> Self {
        TableBuilder {
            file: file.into(),
            columns: Vec::new(),
            lists: Vec::new(),
            rows: 0,
            bytes: 0,
            batches: 0,
            limits,
            expected_rows: 0,
        }
    }

    /// Reserves `rows` values for every column created from now on, so a column filled
    /// batch by batch does not double its buffer as it grows (a heap that cannot
    /// shrink, the page's, would keep the doubled size).
    pub fn expect_rows(&mut self, rows: usize) {
        self.expected_rows = rows.min(self.limits.max_rows as usize);
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// Rows of the batches ended so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Records the size of the file, for the report.
    pub fn set_bytes(&mut self, bytes: u64) {
        self.bytes = bytes;
    }

    /// An error about this file's column `column`.
    pub fn column_error(&self, column: &str, problem: impl Into<String>) -> DataError {
        DataError::UnsupportedColumn {
            file: self.file.clone(),
            column: column.to_string(),
            problem: problem.into(),
        }
    }

    /// The column called `name`, created (empty, of that kind) in the first batch.
    fn column(&mut self, name: &str, numeric: bool) -> Result<&mut Pending, DataError> {
        let i = match self.columns.iter().position(|c| c.name == name) {
            Some(i) => i,
            None if self.batches == 0 => {
                if self.columns.len() >= self.limits.max_columns {
                    return Err(DataError::TooManyColumns {
                        file: self.file.clone(),
                        limit: self.limits.max_columns,
                    });
                }
                self.columns.push(Pending {
                    name: name.to_string(),
                    values: if numeric {
                        // Empty float32 until the first batch says otherwise.
                        Values::Numeric(NumberBuffer::F32(Vec::with_capacity(self.expected_rows)))
                    } else {
                        Values::Text {
                            codes: Vec::new(),
                            interner: Interner::default(),
                        }
                    },
                    missing: 0,
                });
                self.columns.len() - 1
            }
            None => return Err(self.column_error(name, "appears in a later row group only")),
        };
        let kind_agrees = matches!(
            (&self.columns[i].values, numeric),
            (Values::Numeric(_), true) | (Values::Text { .. }, false)
        );
        if !kind_agrees {
            return Err(
                self.column_error(name, "changes between numbers and text across row groups")
            );
        }
        Ok(&mut self.columns[i])
    }

    /// Appends numbers to column `name` (NaN: missing; ±∞: an error naming the row).
    pub fn numbers(&mut self, name: &str, values: &[f64]) -> Result<(), DataError> {
        let buffer = self.checked_numbers(name, values.iter().copied())?;
        if let NumberBuffer::F32(narrow) = buffer {
            if narrow.is_empty() {
                // The column's first values are not float32: store f64 from the start.
                *buffer = NumberBuffer::F64(Vec::with_capacity(narrow.capacity()));
            }
        }
        buffer.push_f64(values);
        Ok(())
    }

    /// Appends float32 numbers to column `name`, kept as float32 while all of the
    /// column's values are ([`Numbers`]); otherwise as [`TableBuilder::numbers`].
    pub fn floats32(&mut self, name: &str, values: &[f32]) -> Result<(), DataError> {
        let buffer = self.checked_numbers(name, values.iter().map(|&x| f64::from(x)))?;
        buffer.push_f32(values);
        Ok(())
    }

    /// Appends numbers that are float32 values when `float32` (each exactly an f32, as
    /// a float32 source's values widened to f64 are) through [`TableBuilder::floats32`],
    /// others through [`TableBuilder::numbers`].
    pub fn numbers_of(
        &mut self,
        name: &str,
        values: &[f64],
        float32: bool,
    ) -> Result<(), DataError> {
        if float32 {
            let narrow: Vec<f32> = values.iter().map(|&x| x as f32).collect();
            self.floats32(name, &narrow)
        } else {
            self.numbers(name, values)
        }
    }

    /// Column `name`'s buffer once `values` are checked (no infinity) and their missing
    /// values counted.
    fn checked_numbers(
        &mut self,
        name: &str,
        values: impl Iterator<Item = f64> + Clone,
    ) -> Result<&mut NumberBuffer, DataError> {
        let file = self.file.clone();
        let column = self.column(name, true)?;
        let start = column.len();
        if let Some((at, value)) = values.clone().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(DataError::InfiniteNumber {
                file,
                row: (start + at + 1) as u64,
                column: name.to_string(),
                value,
            });
        }
        column.missing += values.filter(|v| v.is_nan()).count();
        let Values::Numeric(buffer) = &mut column.values else {
            unreachable!("column() checked the kind");
        };
        Ok(buffer)
    }

    /// Appends texts to column `name` (`None`: missing); each distinct text is a category.
    pub fn texts<'a>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Result<(), DataError> {
        let column = self.column(name, false)?;
        let Values::Text { codes, interner } = &mut column.values else {
            unreachable!("column() checked the kind");
        };
        for value in values {
            match value {
                Some(text) => codes.push(interner.code(text)),
                None => {
                    codes.push(MISSING_CODE);
                    column.missing += 1;
                }
            }
        }
        Ok(())
    }

    /// Appends a list column: row `r` holds `lengths[r]` numbers, in order in `values`;
    /// a length of 0 is a null or empty list (a missing row). Every other row must be as
    /// long as the first non-missing one (in this or an earlier batch), `d`: the list
    /// becomes the columns `name[0]` … `name[d-1]`.
    pub fn list(
        &mut self,
        name: &str,
        lengths: &[u32],
        values: &[f64],
        float32: bool,
    ) -> Result<(), DataError> {
        let known = self.lists.iter().find(|(n, _)| n == name).map(|&(_, w)| w);
        let Some(width) = known.or_else(|| lengths.iter().find(|&&l| l > 0).map(|&l| l as usize))
        else {
            return Err(self.column_error(name, "every list is empty or null"));
        };
        if known.is_none() {
            self.lists.push((name.to_string(), width));
        }
        if lengths.iter().map(|&l| l as usize).sum::<usize>() != values.len() {
            return Err(self.column_error(name, "the list lengths do not add up to the values"));
        }
        let mut flat = Vec::with_capacity(lengths.len() * width);
        let mut at = 0;
        for (r, &length) in lengths.iter().enumerate() {
            let length = length as usize;
            match length {
                0 => flat.extend(std::iter::repeat_n(f64::NAN, width)),
                _ if length != width => {
                    return Err(DataError::RaggedList {
                        file: self.file.clone(),
                        line: (self.rows + r + 1) as u64,
                        column: name.to_string(),
                        found: length,
                        expected: width,
                    })
                }
                _ => flat.extend_from_slice(&values[at..at + length]),
            }
            at += length;
        }
        let mut element = Vec::with_capacity(lengths.len());
        for j in 0..width {
            element.clear();
            element.extend(flat.iter().skip(j).step_by(width));
            self.numbers_of(&element_name(name, j), &element, float32)?;
        }
        Ok(())
    }

    /// Ends a batch: every column must have as many rows as the others.
    pub fn end_batch(&mut self) -> Result<(), DataError> {
        let Some(first) = self.columns.first() else {
            return Err(DataError::EmptyFile {
                file: self.file.clone(),
            });
        };
        let rows = first.len();
        if let Some(other) = self.columns.iter().find(|c| c.len() != rows) {
            return Err(DataError::RowCountMismatch {
                first: format!("{}::{}", self.file, first.name),
                first_rows: rows,
                other: format!("{}::{}", self.file, other.name),
                other_rows: other.len(),
                hint: String::new(),
            });
        }
        if rows as u64 > self.limits.max_rows {
            return Err(DataError::TooManyRows {
                file: self.file.clone(),
                line: self.limits.max_rows + 1,
                limit: self.limits.max_rows,
            });
        }
        self.rows = rows;
        self.batches += 1;
        Ok(())
    }

    /// The table, rows numbered from 1.
    pub fn finish(self) -> Result<ParsedTable, DataError> {
        if self.columns.is_empty() {
            return Err(DataError::EmptyFile { file: self.file });
        }
        if self.rows == 0 {
            return Err(DataError::NoRows { file: self.file });
        }
        let columns = self
            .columns
            .into_iter()
            .map(|c| Column {
                name: c.name,
                missing: c.missing,
                data: match c.values {
                    Values::Numeric(v) => ColumnData::Numeric(v.finish()),
                    Values::Text { codes, interner } => ColumnData::Categorical {
                        codes,
                        levels: interner.into_levels(),
                    },
                },
                became_categorical_at: None,
            })
            .collect();
        Ok(ParsedTable::from_binary(
            self.file, columns, self.rows, self.bytes,
        ))
    }
}
