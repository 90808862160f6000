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
//! the report. A column declared numeric rejects text with an error instead; a column
//! declared categorical never parses numbers (its categories are the trimmed texts).
//! An infinite number (`inf`, `1e999`) in a numeric column is an error: it cannot be
//! standardised or clustered.

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
    Numeric(Vec<f64>),
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
            ColumnData::Numeric(v) => v[row].is_nan(),
            ColumnData::Categorical { codes, .. } => codes[row] == MISSING_CODE,
        }
    }

    /// The value in `row` as text: the category, or the number's shortest decimal form
    /// (so `1` and `1.0` in two files read the same). Empty for a missing value.
    pub fn text(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric(v) if v[row].is_nan() => String::new(),
            ColumnData::Numeric(v) => format_number(v[row]),
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
                    .map(|&v| {
                        if v.is_nan() {
                            return MISSING_CODE;
                        }
                        let v = if v == 0.0 { 0.0 } else { v };
                        *index.entry(v.to_bits()).or_insert_with(|| {
                            levels.push(format_number(v));
                            (levels.len() - 1) as u32
                        })
                    })
                    .collect();
                (codes, levels)
            }
        }
    }

    /// Bytes held by the values (what the column costs in memory, levels included).
    pub fn heap_bytes(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.capacity() * std::mem::size_of::<f64>(),
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
    values: Values,
    missing: usize,
    became_categorical_at: Option<(usize, String)>,
}

impl ColumnBuilder {
    pub(crate) fn new(name: String, declared: Option<ColumnKind>) -> Self {
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
                match field.parse::<f64>() {
                    Ok(v) if v.is_finite() => values.push(v),
                    // "-nan" and the like parse to NaN: another spelling of missing.
                    Ok(v) if v.is_nan() => {
                        self.missing += 1;
                        values.push(f64::NAN);
                    }
                    Ok(_) => return Err(FieldProblem::Infinite),
                    Err(_) if self.declared == Some(ColumnKind::Numeric) => {
                        return Err(FieldProblem::TextInNumericColumn)
                    }
                    Err(_) => {
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
        if let Values::Categorical { codes, interner } = &mut self.values {
            codes.push(if missing {
                MISSING_CODE
            } else {
                interner.code(field)
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
                        interner.code(&format_number(v))
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
                ColumnData::Numeric(v)
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
        let mut b = ColumnBuilder::new("c".into(), None);
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
        let mut numeric = ColumnBuilder::new("n".into(), Some(ColumnKind::Numeric));
        assert_eq!(numeric.push("x", 0), Err(FieldProblem::TextInNumericColumn));
        assert_eq!(numeric.push("inf", 0), Err(FieldProblem::Infinite));
        let mut categorical = ColumnBuilder::new("k".into(), Some(ColumnKind::Categorical));
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
