//! The counts-table format: a CSV with a header and one row per cell,
//! `x1,x2,y,count` by default (other column names selectable, extra columns ignored).
//!
//! - States are any strings or numbers; a variable's states are listed in natural
//!   order by default (all numbers → numerically, otherwise text with digit runs
//!   compared by value, so `c2` < `c10`), or in order of first appearance.
//! - Counts are any finite non-negative numbers (probabilities work too); repeated
//!   `(x1, x2, y)` rows are summed. Negative, missing, NaN or infinite counts and
//!   missing states are errors naming the line and column.
//! - The writer emits every cell with positive weight, plus a zero-count row for any
//!   state that has none, so that no state is lost on the way back.

use super::column::{natural_order, MISSING_CODE};
use super::csv::parse_csv;
use super::{quote_text, ColumnData, DataError, IngestOptions, ParsedTable};
use crate::table::{Axis, JointTable};
use serde::{Deserialize, Serialize};

/// The names of the four columns of a counts table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsColumns {
    pub x1: String,
    pub x2: String,
    pub y: String,
    pub count: String,
}

impl Default for CountsColumns {
    fn default() -> Self {
        CountsColumns {
            x1: "x1".into(),
            x2: "x2".into(),
            y: "y".into(),
            count: "count".into(),
        }
    }
}

impl CountsColumns {
    fn states(&self) -> [&str; 3] {
        [&self.x1, &self.x2, &self.y]
    }

    /// Reader options for a counts file: states read as text (so `01` stays `01`),
    /// the count column must be numeric.
    pub fn ingest_options(&self, display_name: impl Into<String>) -> IngestOptions {
        let mut options = IngestOptions::named(display_name);
        options.categorical_columns = self.states().map(String::from).to_vec();
        options.numeric_columns = vec![self.count.clone()];
        options
    }
}

/// How the states of each variable are ordered in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateOrder {
    #[default]
    Natural,
    FirstAppearance,
}

/// Whether a file's columns make it a counts table (it has the columns `x1`, `x2`,
/// `y` and `count`, in any case and order), so the CLI and page can detect the format.
pub fn looks_like_counts_table(column_names: &[&str]) -> bool {
    let has = |wanted: &str| column_names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    CountsColumns::default().states().iter().all(|c| has(c)) && has("count")
}

/// Reads a whole counts file held in memory.
pub fn read_counts_table(
    display_name: &str,
    bytes: &[u8],
    columns: &CountsColumns,
    order: StateOrder,
) -> Result<JointTable, DataError> {
    let table = parse_csv(columns.ingest_options(display_name), bytes)?;
    counts_table_from_parsed(&table, columns, order)
}

/// Builds the labelled joint table from a parsed counts file.
pub fn counts_table_from_parsed(
    parsed: &ParsedTable,
    columns: &CountsColumns,
    order: StateOrder,
) -> Result<JointTable, DataError> {
    let file = parsed.name().to_string();
    let bad = |row: usize, column: &str, text: String, problem: &'static str| DataError::BadCount {
        file: file.clone(),
        line: parsed.line_of_row(row),
        column: column.to_string(),
        text: quote_text(&text),
        problem,
    };

    let count_column = parsed.column(&columns.count)?;
    let counts = match &count_column.data {
        ColumnData::Numeric(values) => values.to_f64(),
        ColumnData::Categorical { codes, levels } => {
            // Text in the count column: point at its first non-number.
            let (row, text) = count_column
                .became_categorical_at
                .clone()
                .unwrap_or_else(|| {
                    let row = codes.iter().position(|&c| c != MISSING_CODE).unwrap_or(0);
                    let text = levels.get(codes[row] as usize).cloned().unwrap_or_default();
                    (row, text)
                });
            return Err(bad(row, &columns.count, text, "a count must be a number"));
        }
    };
    let missing = |row: usize, column: &str, what: &'static str| DataError::MissingValue {
        file: file.clone(),
        line: parsed.line_of_row(row),
        column: column.to_string(),
        what,
    };
    if let Some(row) = counts.iter().position(|v| v.is_nan()) {
        return Err(missing(row, &columns.count, "count"));
    }
    if let Some(row) = counts.iter().position(|&v| v < 0.0) {
        let text = count_column.text(row);
        return Err(bad(row, &columns.count, text, "a count cannot be negative"));
    }

    // Per variable: each row's state index (in the chosen order) and the labels.
    let mut state_of_row: [Vec<u32>; 3] = Default::default();
    let mut labels: [Vec<String>; 3] = Default::default();
    for (axis, name) in columns.states().into_iter().enumerate() {
        let column = parsed.column(name)?;
        let (codes, levels) = column.as_categories();
        if let Some(row) = codes.iter().position(|&c| c == MISSING_CODE) {
            return Err(missing(row, name, "state"));
        }
        (state_of_row[axis], labels[axis]) = reorder(codes, levels, order);
    }

    let shape = [labels[0].len(), labels[1].len(), labels[2].len()];
    let cells = shape.iter().map(|&n| n as u128).product::<u128>();
    if cells > crate::table::MAX_CELLS as u128 {
        return Err(DataError::Table {
            file,
            source: crate::table::TableError::TooLarge {
                shape,
                cells,
                max: crate::table::MAX_CELLS,
            },
        });
    }
    let mut weights = vec![0.0; cells as usize];
    for (row, &count) in counts.iter().enumerate() {
        let [x1, x2, y] = [0, 1, 2].map(|v| state_of_row[v][row] as usize);
        weights[(x1 * shape[1] + x2) * shape[2] + y] += count;
    }
    JointTable::from_weights(shape, weights)
        .and_then(|t| t.with_labels(labels))
        .map_err(|source| DataError::Table { file, source })
}

/// Renumbers category codes so that the levels follow `order`.
pub(crate) fn reorder(
    codes: Vec<u32>,
    levels: Vec<String>,
    order: StateOrder,
) -> (Vec<u32>, Vec<String>) {
    if order == StateOrder::FirstAppearance {
        return (codes, levels);
    }
    let sorted = natural_order(&levels);
    let mut new_code = vec![0u32; levels.len()];
    for (new, &old) in sorted.iter().enumerate() {
        new_code[old] = new as u32;
    }
    let codes = codes
        .into_iter()
        .map(|c| {
            if c == MISSING_CODE {
                c
            } else {
                new_code[c as usize]
            }
        })
        .collect();
    let mut levels: Vec<Option<String>> = levels.into_iter().map(Some).collect();
    let levels = sorted
        .iter()
        .map(|&i| levels[i].take().unwrap_or_default())
        .collect();
    (codes, levels)
}

/// Quotes a CSV field when it holds a delimiter, quote, line break or edge spaces.
pub fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    let needs_quotes = text.contains([',', ';', '\t', '"', '\n', '\r'])
        || text.starts_with(' ')
        || text.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// Writes `table` as a counts CSV (`x1,x2,y,count`, counts = p × total weight).
pub fn write_counts_csv(table: &JointTable) -> String {
    let [n1, n2, ny] = table.shape();
    let labels = [Axis::X1, Axis::X2, Axis::Y].map(|a| table.labels(a));
    let mut out = String::from("x1,x2,y,count\n");
    let mut row = |cell: [usize; 3], count: f64| {
        for (axis, &state) in cell.iter().enumerate() {
            out += &csv_field(&labels[axis][state]);
            out.push(',');
        }
        out += &crate::data::column::format_number(count);
        out.push('\n');
    };
    let mut seen = [vec![false; n1], vec![false; n2], vec![false; ny]];
    for x1 in 0..n1 {
        for x2 in 0..n2 {
            for y in 0..ny {
                let p = table.get(x1, x2, y);
                if p > 0.0 {
                    row([x1, x2, y], p * table.total_weight());
                    for (axis, state) in [x1, x2, y].into_iter().enumerate() {
                        seen[axis][state] = true;
                    }
                }
            }
        }
    }
    // A state with no weight at all would vanish on reading: give it a zero row.
    for (axis, seen) in seen.iter().enumerate() {
        for (state, &seen) in seen.iter().enumerate() {
            if !seen {
                let mut cell = [0; 3];
                cell[axis] = state;
                row(cell, 0.0);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_repeated_rows_and_orders_states_naturally() {
        let csv = b"x1,x2,y,count\nb,10,1,2\na,2,0,1\nb,10,1,3\na,10,0,0.5\n";
        let t = read_counts_table("t.csv", csv, &CountsColumns::default(), StateOrder::Natural)
            .unwrap();
        assert_eq!(t.shape(), [2, 2, 2]);
        assert_eq!(t.labels(Axis::X1), ["a", "b"]);
        assert_eq!(t.labels(Axis::X2), ["2", "10"]);
        assert_eq!(t.total_weight(), 6.5);
        assert!((t.get(1, 1, 1) - 5.0 / 6.5).abs() < 1e-15);
        let first = read_counts_table(
            "t.csv",
            csv,
            &CountsColumns::default(),
            StateOrder::FirstAppearance,
        )
        .unwrap();
        assert_eq!(first.labels(Axis::X1), ["b", "a"]);
    }

    #[test]
    fn detects_counts_tables_by_header() {
        assert!(looks_like_counts_table(&["X1", "x2", "y", "count", "note"]));
        assert!(!looks_like_counts_table(&["x1", "x2", "y"]));
    }

    #[test]
    fn writer_quotes_awkward_labels() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
