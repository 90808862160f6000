//! Which rows of several tables are one sample: by position, or joined on an id column.
//!
//! - [`join_column`] finds the id column to join on: with two or more tables, the first
//!   column of the first table that is named like a row id (`id`, `index`, `idx`, `row`,
//!   `unnamed…`) and present, under the same name, in every table.
//! - [`Alignment::OnId`] is an inner join on the id's text (numbers by their shortest
//!   decimal form, so `1` and `1.0` match); every table's rows without a match in all
//!   the others are counted per file, and a repeated id is an error naming the file,
//!   the line and the id.
//! - [`Alignment::ByRow`] pairs row i of every table, and refuses when the tables share
//!   an id-like column whose values differ in some row (the files are then in another
//!   order, and pairing by position would give silently wrong numbers).

use super::roles::is_id_name;
use super::{quote_text, DataError, ParsedTable};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How rows of several tables belong together.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    /// Row i of every table is the same sample (all tables must have as many rows).
    #[default]
    ByRow,
    /// Rows with equal text in this column (present in every table) are one sample.
    /// The name may be written `FILE::column`; the column of that name in every table
    /// is used.
    OnId(String),
}

/// Rows of each table that belong to the aligned samples, and what was left out.
pub(super) struct Aligned {
    /// For every table, the source row of each sample.
    pub rows: Vec<Vec<usize>>,
    /// The id column joined on (bare name), if any.
    pub joined_on: Option<String>,
    /// Per table (display name): rows that are in no sample (join only).
    pub unmatched: Vec<(String, usize)>,
}

/// The id column to join `tables` on, if they share one (rules in the module docs).
pub fn join_column(tables: &[ParsedTable]) -> Option<String> {
    let [first, rest @ ..] = tables else {
        return None;
    };
    if rest.is_empty() {
        return None;
    }
    first
        .column_names()
        .into_iter()
        .find(|name| is_id_name(name) && rest.iter().all(|t| t.column(name).is_ok()))
        .map(str::to_string)
}

/// The bare column name of `id` (without a `FILE::` qualifier naming one of `tables`).
fn bare_id<'a>(tables: &[ParsedTable], id: &'a str) -> &'a str {
    match id.split_once("::") {
        Some((file, column)) if tables.iter().any(|t| t.name() == file) => column,
        _ => id,
    }
}

/// The bare name of the column joined on, when `alignment` joins.
pub(super) fn join_key<'a>(tables: &[ParsedTable], alignment: &'a Alignment) -> Option<&'a str> {
    match alignment {
        Alignment::ByRow => None,
        Alignment::OnId(id) => Some(bare_id(tables, id)),
    }
}

/// Aligns the rows of `tables` (at least one).
pub(super) fn align(tables: &[ParsedTable], alignment: &Alignment) -> Result<Aligned, DataError> {
    match join_key(tables, alignment) {
        None => by_row(tables),
        Some(id) => on_id(tables, id),
    }
}

fn by_row(tables: &[ParsedTable]) -> Result<Aligned, DataError> {
    let first = &tables[0];
    let shared_id = join_column(tables);
    for other in &tables[1..] {
        if other.rows() != first.rows() {
            return Err(DataError::RowCountMismatch {
                first: first.name().to_string(),
                first_rows: first.rows(),
                other: other.name().to_string(),
                other_rows: other.rows(),
                hint: shared_id
                    .as_ref()
                    .map(|id| format!("; join them on their shared column '{id}' instead"))
                    .unwrap_or_default(),
            });
        }
    }
    // Files that share an id column must agree on it row by row to be paired by position.
    for id in tables[0]
        .column_names()
        .into_iter()
        .filter(|name| is_id_name(name) && tables[1..].iter().all(|t| t.column(name).is_ok()))
    {
        let ids = tables
            .iter()
            .map(|t| t.column(id))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..first.rows() {
            let text = ids[0].text(row);
            if let Some(t) = (1..tables.len()).find(|&t| ids[t].text(row) != text) {
                let at = |table: &ParsedTable, text: &str| {
                    format!(
                        "{}, line {}: '{}'",
                        table.name(),
                        table.line_of_row(row),
                        quote_text(text)
                    )
                };
                return Err(DataError::IdsDisagree {
                    column: id.to_string(),
                    first: at(first, &text),
                    other: at(&tables[t], &ids[t].text(row)),
                });
            }
        }
    }
    Ok(Aligned {
        rows: vec![(0..first.rows()).collect(); tables.len()],
        joined_on: None,
        unmatched: Vec::new(),
    })
}

/// Each id's row in `table`, ids unique (missing ids are skipped: they match nothing).
fn index_of(table: &ParsedTable, id: &str) -> Result<HashMap<String, usize>, DataError> {
    let column = table.column(id)?;
    let mut index = HashMap::with_capacity(table.rows());
    for row in 0..table.rows() {
        if column.is_missing(row) {
            continue;
        }
        let key = column.text(row);
        if let Some(&before) = index.get(&key) {
            return Err(DataError::DuplicateId {
                file: table.name().to_string(),
                line: table.line_of_row(row),
                first_line: table.line_of_row(before),
                column: id.to_string(),
                text: quote_text(&key),
            });
        }
        index.insert(key, row);
    }
    Ok(index)
}

fn on_id(tables: &[ParsedTable], id: &str) -> Result<Aligned, DataError> {
    let indexes = tables
        .iter()
        .map(|t| index_of(t, id))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &tables[0];
    let first_ids = first.column(id)?;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    'rows: for row in 0..first.rows() {
        if first_ids.is_missing(row) {
            continue;
        }
        let key = first_ids.text(row);
        let mut matched = Vec::with_capacity(tables.len() - 1);
        for index in &indexes[1..] {
            match index.get(&key) {
                Some(&r) => matched.push(r),
                None => continue 'rows,
            }
        }
        rows[0].push(row);
        for (t, r) in matched.into_iter().enumerate() {
            rows[t + 1].push(r);
        }
    }
    let unmatched = tables
        .iter()
        .zip(&rows)
        .map(|(t, used)| (t.name().to_string(), t.rows() - used.len()))
        .collect();
    Ok(Aligned {
        rows,
        joined_on: Some(id.to_string()),
        unmatched,
    })
}
