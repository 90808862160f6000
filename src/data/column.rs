//! Typed columns and the per-column type inference used while parsing.
//!
//! A column is stored either as `Vec<f64>` (numeric) or as interned `u32` codes plus
//! the list of distinct strings (categorical), so a parsed file costs about 8 bytes
//! (numeric) or 4 bytes (categorical) per cell plus the distinct levels, not the size
//! of its text.
//!
//! **Inference rule.** Fields are trimmed of surrounding spaces and tabs. A field that is
//! empty or one of `NA`, `NaN`, `N/A`, `null`, `None` (any case) is *missing*. A column
//! not declared by the caller starts numeric and stays numeric while every non-missing
//! field parses as a finite number; at the first other text it becomes categorical
//! for good: the numbers seen so far become categories named by their shortest decimal
//! form (`1.50` → `1.5`), and the line and text that caused the switch are kept for
//! the report; numbers after the switch are named the same way, so a number is one
//! category whatever its spelling (`1`, `1.0`). A column declared numeric rejects text
//! with an error instead; a column declared categorical never parses numbers (its
//! categories are the trimmed texts). An infinite number (`inf`, `1e999`) in a numeric
//! column is an error: it cannot be standardised or clustered.
//!
//! **Decimal commas.** In a file delimited by `;` a number may use a comma for its
//! decimal point (`0,5`, `-1,25e3`): a field with one comma and no point is read with
//! the comma as the point.
//!
//! **Mixed columns.** An inferred column with both numbers and other text is *mixed*
//! ([`Column::mixed`]): one stray value (`abc`, `0x1A`) would otherwise turn a
//! measurement into categories. Assembling refuses a mixed column in a role until the
//! caller says how to read it: as numbers, the other values missing
//! ([`Column::with_text_as_missing`]), or as text.

use super::Numbers;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The code that marks a missing value in a categorical column.
pub const MISSING_CODE: u32 = u32::MAX;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Numeric,
    Categorical,
}

/// The values of one column, one entry per data row. Missing values are `NaN`
/// (numeric) or [`MISSING_CODE`] (categorical).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    Numeric(Numbers),
    Categorical {
        codes: Vec<u32>,
        levels: Vec<String>,
    },
}

/// One parsed column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data: ColumnData,
    /// Number of missing values.
    pub missing: usize,
    /// For a column that started numeric and turned categorical: the 0-based data row
    /// and the text that made it categorical.
    pub became_categorical_at: Option<(usize, String)>,
}

impl Column {
    pub fn kind(&self) -> ColumnKind {
        match self.data {
            ColumnData::Numeric(_) => ColumnKind::Numeric,
            ColumnData::Categorical { .. } => ColumnKind::Categorical,
        }
    }

    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the value in `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match &self.data {
            ColumnData::Numeric(v) => v.get(row).is_nan(),
            ColumnData::Categorical { codes, .. } => codes[row] == MISSING_CODE,
        }
    }

    /// The value in `row` as text: the category, or the number's shortest decimal form
    /// (so `1` and `1.0` in two files read the same). Empty for a missing value.
    pub fn text(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric(v) if v.get(row).is_nan() => String::new(),
            ColumnData::Numeric(v) => format_number(v.get(row)),
            ColumnData::Categorical { codes, levels } => {
                levels.get(codes[row] as usize).cloned().unwrap_or_default()
            }
        }
    }

    /// The column as categories: one code per row ([`MISSING_CODE`] where missing)
    /// and the distinct values as text, in order of first appearance. A numeric column's
    /// categories are its distinct numbers in shortest decimal form.
    pub fn as_categories(&self) -> (Vec<u32>, Vec<String>) {
        match &self.data {
            ColumnData::Categorical { codes, levels } => (codes.clone(), levels.clone()),
            ColumnData::Numeric(values) => {
                // Keyed by bit pattern so no string is built per row; -0 and 0 are
                // folded so they do not become two categories.
                let mut index: HashMap<u64, u32> = HashMap::new();
                let mut levels = Vec::new();
                let codes = values
                    .iter()
                    .map(|v| {
                        if v.is_nan() {
                            return MISSING_CODE;
                        }
                        let v = if v == 0.0 { 0.0 } else { v };
                        *index.entry(v.to_bits()).or_insert_with(|| {
                            levels.push(category_of_number(v));
                            (levels.len() - 1) as u32
                        })
                    })
                    .collect();
                (codes, levels)
            }
        }
    }

    /// For a column inferred as categorical that holds numbers as well as other text:
    /// how many of each, and the first value that is not a number.
    pub fn mixed(&self) -> Option<MixedColumn> {
        let ColumnData::Categorical { codes, levels } = &self.data else {
            return None;
        };
        self.became_categorical_at.as_ref()?;
        let is_number: Vec<bool> = levels.iter().map(|l| level_number(l).is_some()).collect();
        if !is_number.contains(&true) || !is_number.contains(&false) {
            return None;
        }
        let (mut numbers, mut texts, mut first_text) = (0, 0, None);
        for (row, &code) in codes.iter().enumerate() {
            if code == MISSING_CODE {
                continue;
            }
            if is_number[code as usize] {
                numbers += 1;
            } else {
                texts += 1;
                first_text.get_or_insert(row);
            }
        }
        let first_text = first_text?;
        Some(MixedColumn {
            numbers,
            texts,
            first_text,
            text: levels[codes[first_text] as usize].clone(),
        })
    }

    /// The column as numbers: a categorical column's numeric values kept, every other
    /// value missing (what a caller chooses for a [mixed](Column::mixed) column). A
    /// numeric column is returned as it is.
    pub fn with_text_as_missing(&self) -> Column {
        let ColumnData::Categorical { codes, levels } = &self.data else {
            return self.clone();
        };
        let value: Vec<f64> = levels
            .iter()
            .map(|l| level_number(l).unwrap_or(f64::NAN))
            .collect();
        let values: Vec<f64> = codes
            .iter()
            .map(|&c| {
                if c == MISSING_CODE {
                    f64::NAN
                } else {
                    value[c as usize]
                }
            })
            .collect();
        Column {
            name: self.name.clone(),
            missing: values.iter().filter(|v| v.is_nan()).count(),
            data: ColumnData::Numeric(values.into()),
            became_categorical_at: None,
        }
    }

    /// Bytes held by the values (what the column costs in memory, levels included).
    pub fn heap_bytes(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len() * v.bytes_per_value(),
            ColumnData::Categorical { codes, levels } => {
                codes.capacity() * std::mem::size_of::<u32>()
                    + levels
                        .iter()
                        .map(|l| l.capacity() + std::mem::size_of::<String>())
                        .sum::<usize>()
            }
        }
    }
}

/// What [`Column::mixed`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixedColumn {
    /// Values that are numbers.
    pub numbers: usize,
    /// Values that are other text (missing values are neither).
    pub texts: usize,
    /// The 0-based data row of the first value that is not a number, and that value.
    pub first_text: usize,
    pub text: String,
}

/// The number a category of an inferred column stands for (its numbers are named by
/// [`format_number`], which reads back exactly).
fn level_number(level: &str) -> Option<f64> {
    level.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A field as a number, if it is one: `None` for text, `Some(±inf)` for an infinite
/// value, `Some(NaN)` for spellings of NaN. With `decimal_comma` a field with one comma
/// and no point reads the comma as the point.
fn parse_number(field: &str, decimal_comma: bool) -> Option<f64> {
    if let Ok(v) = field.parse::<f64>() {
        return Some(v);
    }
    if decimal_comma && !field.contains('.') && field.matches(',').count() == 1 {
        return field.replacen(',', ".", 1).parse::<f64>().ok();
    }
    None
}

/// The category a number becomes: its shortest decimal form, −0 folded into 0.
fn category_of_number(v: f64) -> String {
    format_number(if v == 0.0 { 0.0 } else { v })
}

/// A number's shortest decimal form that reads back to the same `f64`.
pub fn format_number(value: f64) -> String {
    format!("{value}")
}

/// Compares two labels "naturally": runs of digits compare by their numeric value
/// (`c2` < `c10`), everything else byte by byte.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (run(a), run(b));
                let strip = |s: &[u8]| {
                    let zeros = s.iter().take_while(|&&c| c == b'0').count();
                    s[zeros..].to_vec()
                };
                let (da, db) = (strip(&a[..na]), strip(&b[..nb]));
                let by_value = da.len().cmp(&db.len()).then_with(|| da.cmp(&db));
                // Equal values with different zero padding ("01" vs "1") still differ.
                let ordering = by_value.then_with(|| na.cmp(&nb));
                if ordering != Ordering::Equal {
                    return ordering;
                }
                a = &a[na..];
                b = &b[nb..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

/// The order in which to list `levels`: numerically when every level is a number,
/// otherwise by [`natural_cmp`]. Returns the level indices in that order.
pub fn natural_order(levels: &[String]) -> Vec<usize> {
    let numbers: Option<Vec<f64>> = levels
        .iter()
        .map(|l| l.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    let mut order: Vec<usize> = (0..levels.len()).collect();
    match numbers {
        Some(numbers) => order.sort_by(|&i, &j| {
            numbers[i]
                .total_cmp(&numbers[j])
                .then_with(|| natural_cmp(&levels[i], &levels[j]))
        }),
        None => order.sort_by(|&i, &j| natural_cmp(&levels[i], &levels[j])),
    }
    order
}

/// Whether a (trimmed) field means "no value".
pub fn is_missing_token(field: &str) -> bool {
    // All tokens are at most 4 bytes; the length test keeps the common case cheap.
    field.is_empty()
        || (field.len() <= 4
            && ["na", "nan", "n/a", "null", "none"]
                .iter()
                .any(|token| field.eq_ignore_ascii_case(token)))
}

/// Why one field could not be stored (the caller adds file, line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldProblem {
    TextInNumericColumn,
    Infinite,
}

/// Interns strings as dense `u32` codes in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    codes: HashMap<String, u32>,
    levels: Vec<String>,
}

impl Interner {
    pub(crate) fn code(&mut self, text: &str) -> u32 {
        if let Some(&code) = self.codes.get(text) {
            return code;
        }
        let code = self.levels.len() as u32;
        self.codes.insert(text.to_string(), code);
        self.levels.push(text.to_string());
        code
    }

    pub(crate) fn into_levels(self) -> Vec<String> {
        self.levels
    }
}

enum Values {
    Numeric(Vec<f64>),
    Categorical { codes: Vec<u32>, interner: Interner },
}

/// Accumulates one column's fields, inferring its type as described in the module docs.
pub(crate) struct ColumnBuilder {
    name: String,
    declared: Option<ColumnKind>,
    /// Whether `0,5` is a number (the file is delimited by `;`).
    decimal_comma: bool,
    values: Values,
    missing: usize,
    became_categorical_at: Option<(usize, String)>,
}

impl ColumnBuilder {
    pub(crate) fn new(name: String, declared: Option<ColumnKind>, decimal_comma: bool) -> Self {
        let values = match declared {
            Some(ColumnKind::Categorical) => Values::Categorical {
                codes: Vec::new(),
                interner: Interner::default(),
            },
            _ => Values::Numeric(Vec::new()),
        };
        ColumnBuilder {
            name,
            declared,
            decimal_comma,
            values,
            missing: 0,
            became_categorical_at: None,
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Stores the field of data row `row` (its text already trimmed).
    pub(crate) fn push(&mut self, field: &str, row: usize) -> Result<(), FieldProblem> {
        let missing = is_missing_token(field);
        if missing {
            self.missing += 1;
        }
        match &mut self.values {
            Values::Numeric(values) => {
                if missing {
                    values.push(f64::NAN);
                    return Ok(());
                }
                match parse_number(field, self.decimal_comma) {
                    Some(v) if v.is_finite() => values.push(v),
                    // "-nan" and the like parse to NaN: another spelling of missing.
                    Some(v) if v.is_nan() => {
                        self.missing += 1;
                        values.push(f64::NAN);
                    }
                    Some(_) => return Err(FieldProblem::Infinite),
                    None if self.declared == Some(ColumnKind::Numeric) => {
                        return Err(FieldProblem::TextInNumericColumn)
                    }
                    None => {
                        self.switch_to_categorical();
                        self.became_categorical_at = Some((row, field.to_string()));
                        return self.push_categorical(field, false);
                    }
                }
                Ok(())
            }
            Values::Categorical { .. } => self.push_categorical(field, missing),
        }
    }

    fn push_categorical(&mut self, field: &str, missing: bool) -> Result<(), FieldProblem> {
        // An inferred column names its numbers by value, before and after the switch.
        let number = match self.declared {
            Some(ColumnKind::Categorical) => None,
            _ if missing => None,
            _ => parse_number(field, self.decimal_comma),
        };
        if number.is_some_and(f64::is_nan) {
            self.missing += 1;
        }
        if let Values::Categorical { codes, interner } = &mut self.values {
            codes.push(match number {
                _ if missing => MISSING_CODE,
                Some(v) if v.is_nan() => MISSING_CODE,
                Some(v) if v.is_finite() => interner.code(&category_of_number(v)),
                Some(_) => return Err(FieldProblem::Infinite),
                None => interner.code(field),
            });
        }
        Ok(())
    }

    /// Re-encodes the numbers read so far as categories named by their decimal form.
    fn switch_to_categorical(&mut self) {
        if let Values::Numeric(numbers) = &self.values {
            let mut interner = Interner::default();
            let codes = numbers
                .iter()
                .map(|&v| {
                    if v.is_nan() {
                        MISSING_CODE
                    } else {
                        interner.code(&category_of_number(v))
                    }
                })
                .collect();
            self.values = Values::Categorical { codes, interner };
        }
    }

    pub(crate) fn finish(self) -> Column {
        let data = match self.values {
            Values::Numeric(mut v) => {
                v.shrink_to_fit();
                ColumnData::Numeric(v.into())
            }
            Values::Categorical {
                mut codes,
                interner,
            } => {
                codes.shrink_to_fit();
                ColumnData::Categorical {
                    codes,
                    levels: interner.into_levels(),
                }
            }
        };
        Column {
            name: self.name,
            data,
            missing: self.missing,
            became_categorical_at: self.became_categorical_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_column_turns_categorical_at_first_text() {
        let mut b = ColumnBuilder::new("c".into(), None, false);
        for (row, f) in ["1.50", "", "2", "abc", "1.5", "NA"].iter().enumerate() {
            b.push(f, row).unwrap();
        }
        let c = b.finish();
        assert_eq!(c.missing, 2);
        assert_eq!(c.became_categorical_at, Some((3, "abc".into())));
        match &c.data {
            ColumnData::Categorical { codes, levels } => {
                assert_eq!(levels, &["1.5", "2", "abc"]);
                assert_eq!(codes, &[0, MISSING_CODE, 1, 2, 0, MISSING_CODE]);
            }
            other => panic!("expected categorical, got {other:?}"),
        }
    }

    #[test]
    fn declared_kinds_are_kept() {
        let mut numeric = ColumnBuilder::new("n".into(), Some(ColumnKind::Numeric), false);
        assert_eq!(numeric.push("x", 0), Err(FieldProblem::TextInNumericColumn));
        assert_eq!(numeric.push("inf", 0), Err(FieldProblem::Infinite));
        let mut categorical = ColumnBuilder::new("k".into(), Some(ColumnKind::Categorical), false);
        categorical.push("01", 0).unwrap();
        categorical.push("1", 1).unwrap();
        let c = categorical.finish();
        assert_eq!(c.kind(), ColumnKind::Categorical);
        assert_eq!(c.text(0), "01");
        assert_eq!(c.text(1), "1");
    }

    #[test]
    fn natural_order_sorts_numbers_numerically() {
        let levels = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let l = levels(&["10", "9", "-1", "2.5"]);
        let sorted: Vec<&str> = natural_order(&l).iter().map(|&i| l[i].as_str()).collect();
        assert_eq!(sorted, ["-1", "2.5", "9", "10"]);
        let l = levels(&["c10", "c2", "b", "c1"]);
        let sorted: Vec<&str> = natural_order(&l).iter().map(|&i| l[i].as_str()).collect();
        assert_eq!(sorted, ["b", "c1", "c2", "c10"]);
    }

    #[test]
    fn missing_tokens_are_case_insensitive() {
        for token in ["", "NA", "na", "NaN", "N/A", "null", "NULL", "None"] {
            assert!(is_missing_token(token), "{token}");
        }
        for token in ["0", "nah", "nullx", "-"] {
            assert!(!is_missing_token(token), "{token}");
        }
    }
}
