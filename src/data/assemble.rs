//! Assembling a [`Dataset`] from one or more parsed tables and the [`Roles`] of their
//! columns.
//!
//! **Assembling** ([`assemble`]): tables are aligned by row (equal row counts) or
//! joined on an id column (inner join on the id's text; rows of the first table
//! without a match elsewhere are dropped and counted). A column name is looked up in
//! every table; one present in several is written `FILE::column`. Rows with a missing
//! value in any used column are dropped and counted per column. Y and Ŷ are
//! categorical by value (numbers by their decimal form), at most
//! [`AssembleOptions::max_label_states`] states. A modality of one categorical column
//! keeps its categories; several categorical columns form joint categories `a|b`
//! ([`joint_category`]: a part holding `|` or `"` is quoted, so tuples never collide);
//! numeric columns (with any categorical ones one-hot encoded) are features for
//! [`crate::discretize`].

use super::align::{align, join_key, Aligned, Alignment};
use super::column::Interner;
use super::counts::reorder;
use super::roles::CONDITIONALS;
use super::{
    quantile_bins, quote_text, Column, ColumnData, DataError, Numbers, ParsedTable, Roles,
    StateOrder,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;

/// Settings for [`assemble`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssembleOptions {
    pub alignment: Alignment,
    /// Largest number of distinct values a Y or Ŷ column may have.
    pub max_label_states: usize,
    /// Largest number of categories one-hot encoded next to numeric features.
    pub max_one_hot_levels: usize,
    /// Order of the states of categorical Y, Ŷ and modalities.
    pub state_order: StateOrder,
    /// Mixed columns (numbers and other text) to read as numbers, the other values
    /// missing. Names as in [`Roles`] (`column` or `FILE::column`).
    #[serde(default)]
    pub numeric_columns: Vec<String>,
    /// Mixed columns to read as text (every distinct value a category).
    #[serde(default)]
    pub text_columns: Vec<String>,
    /// Whether a numeric Y is a class or a scalar target ([`TargetKind::Auto`]: by the
    /// rule of [`TargetKind::is_scalar`]).
    #[serde(default)]
    pub target_kind: TargetKind,
    /// Quantile bins of a scalar Y ([`crate::meta::Y_BINS`]).
    #[serde(default = "default_y_bins")]
    pub y_bins: usize,
    /// Whether [`Roles::y_extra`] may name further (numeric) target columns: only for
    /// the Gaussian estimator; otherwise they are refused.
    #[serde(default)]
    pub several_targets: bool,
}

fn default_y_bins() -> usize {
    crate::meta::Y_BINS.default
}

/// What a numeric Y column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A class when it has at most [`crate::meta::Y_CLASS_MAX_DISTINCT`] distinct values,
    /// or only whole numbers and at most [`crate::meta::Y_INTEGER_CLASS_MAX_DISTINCT`];
    /// a scalar otherwise.
    #[default]
    Auto,
    /// Every distinct value is a class.
    Class,
    /// A measurement: cut into quantile bins for CVX and BATCH.
    Scalar,
}

impl TargetKind {
    /// Whether a numeric Y whose distinct values are `distinct` is treated as a scalar
    /// target.
    pub fn is_scalar(self, distinct: &[f64]) -> bool {
        match self {
            TargetKind::Class => false,
            TargetKind::Scalar => true,
            TargetKind::Auto => {
                let whole = distinct.iter().all(|v| v.fract() == 0.0);
                let limit = if whole {
                    crate::meta::Y_INTEGER_CLASS_MAX_DISTINCT
                } else {
                    crate::meta::Y_CLASS_MAX_DISTINCT
                };
                distinct.len() > limit
            }
        }
    }
}

/// A scalar Y cut into quantile bins: how many distinct values it had and how many bins
/// it became (its Ŷ columns are cut at the same edges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetBinning {
    pub column: String,
    pub distinct: usize,
    pub bins: usize,
}

impl Default for AssembleOptions {
    fn default() -> Self {
        AssembleOptions {
            alignment: Alignment::ByRow,
            max_label_states: 1000,
            max_one_hot_levels: 64,
            state_order: StateOrder::Natural,
            numeric_columns: Vec::new(),
            text_columns: Vec::new(),
            target_kind: TargetKind::Auto,
            y_bins: crate::meta::Y_BINS.default,
            several_targets: false,
        }
    }
}

/// A categorical variable: one code per sample and the state names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub name: String,
    pub codes: Vec<u32>,
    pub levels: Vec<String>,
}

/// The features of one modality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModalityFeatures {
    /// Already discrete: the categories are the states.
    Categorical(Labels),
    /// Numeric features, one column of values per feature (column-major), to be
    /// clustered.
    Numeric {
        names: Vec<String>,
        columns: Vec<Numbers>,
    },
}

/// One modality (X1 or X2): the source columns and their features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Modality {
    pub columns: Vec<String>,
    pub features: ModalityFeatures,
}

/// What assembling did to the rows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AssemblyReport {
    /// Rows of the first table.
    pub rows_in: usize,
    /// Rows of the first table with no match in another table (join on id only).
    pub rows_unmatched: usize,
    /// The id column the tables were joined on (`None`: paired by row).
    #[serde(default)]
    pub joined_on: Option<String>,
    /// Per table (display name), rows with no match in every other table (join only).
    #[serde(default)]
    pub unmatched_by_file: Vec<(String, usize)>,
    /// Per mixed column read as numbers: values that were not numbers (counted as
    /// missing).
    #[serde(default)]
    pub text_as_missing: Vec<(String, usize)>,
    /// Rows dropped because a used column had a missing value.
    pub rows_dropped_missing: usize,
    /// Per used column with missing values: how many of the aligned rows had one.
    pub missing_by_column: Vec<(String, usize)>,
    /// Samples kept.
    pub rows_used: usize,
    /// A scalar Y cut into quantile bins (`None`: Y is a class).
    #[serde(default)]
    pub y_binned: Option<TargetBinning>,
}

/// Aligned samples with every role resolved: what [`crate::discretize`] consumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub x1: Modality,
    pub x2: Modality,
    pub y: Labels,
    /// Y's values when its column is numeric (the Gaussian estimator reads them as they
    /// are; the discrete estimators read [`Dataset::y`]).
    #[serde(default)]
    pub y_values: Option<Vec<f64>>,
    /// The further target columns' names and values ([`Roles::y_extra`], numeric; only
    /// the Gaussian estimator reads them).
    #[serde(default)]
    pub y_extra: Vec<(String, Vec<f64>)>,
    /// A scalar Y's bin edges (the largest value of each bin, increasing; see
    /// [`super::bin_at`]); `None` when Y is a class.
    #[serde(default)]
    pub y_upper: Option<Vec<f64>>,
    pub yhat: Vec<Labels>,
    pub weights: Option<Vec<f64>>,
    /// A model's conditionals, when their columns were given.
    pub conditionals: Option<ModelConditionals>,
    pub report: AssemblyReport,
}

/// A model's outputs (softmax probabilities) per sample: rows of one probability per
/// state of Y, in the order of Y's levels, each row summing to 1 (within 0.01).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConditionals {
    /// p̂(y|x1) per sample.
    pub x1: Vec<Vec<f64>>,
    /// p̂(y|x2) per sample.
    pub x2: Vec<Vec<f64>>,
    /// p̂(y|x1,x2) per sample.
    pub joint: Vec<Vec<f64>>,
}

/// How far a row of a model's probabilities may sum from 1 (rounding in the file).
const ROW_SUM_TOLERANCE: f64 = 0.01;

impl Dataset {
    /// Number of samples.
    pub fn rows(&self) -> usize {
        self.y.codes.len()
    }

    /// The variable to explain: Y, or the Ŷ column called `prediction`.
    pub fn target(&self, prediction: Option<&str>) -> Result<&Labels, DataError> {
        match prediction {
            None => Ok(&self.y),
            Some(name) => {
                self.yhat
                    .iter()
                    .find(|l| l.name == name)
                    .ok_or_else(|| DataError::UnknownColumn {
                        file: "Ŷ columns".into(),
                        column: name.to_string(),
                        available: self
                            .yhat
                            .iter()
                            .map(|l| format!("'{}'", l.name))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }
    }
}

/// A resolved column: which table it is in and the column itself (as the caller chose
/// to read it, for a mixed column).
struct Source<'a> {
    table: usize,
    column: Cow<'a, Column>,
    /// Values that were not numbers and count as missing (a mixed column read as numbers).
    text_as_missing: usize,
}

impl<'a> Source<'a> {
    fn new(table: usize, column: &'a Column) -> Self {
        Source {
            table,
            column: Cow::Borrowed(column),
            text_as_missing: 0,
        }
    }
}

/// `source` read as the caller said (`name` is how the roles named it): a mixed column
/// ([`Column::mixed`]) must be listed in [`AssembleOptions::numeric_columns`] (its
/// other values become missing) or [`AssembleOptions::text_columns`].
fn read_as<'a>(
    mut source: Source<'a>,
    name: &str,
    tables: &[ParsedTable],
    options: &AssembleOptions,
) -> Result<Source<'a>, DataError> {
    let table = &tables[source.table];
    let column = &source.column.name;
    let qualified = format!("{}::{column}", table.name());
    let listed = |list: &[String]| {
        list.iter()
            .any(|l| l == name || l == column || *l == qualified)
    };
    if listed(&options.text_columns) {
        return Ok(source);
    }
    let as_numbers = listed(&options.numeric_columns);
    if as_numbers && matches!(source.column.data, ColumnData::Categorical { .. }) {
        let numeric = source.column.with_text_as_missing();
        if numeric.missing == numeric.len() {
            let row = (0..source.column.len())
                .find(|&r| !source.column.is_missing(r))
                .unwrap_or(0);
            return Err(DataError::TextInNumericColumn {
                file: table.name().to_string(),
                line: table.line_of_row(row),
                column: column.clone(),
                text: quote_text(&source.column.text(row)),
            });
        }
        source.text_as_missing = numeric.missing - source.column.missing;
        source.column = Cow::Owned(numeric);
        return Ok(source);
    }
    match source.column.mixed() {
        Some(mixed) if !as_numbers => Err(DataError::MixedColumn {
            file: table.name().to_string(),
            line: table.line_of_row(mixed.first_text),
            column: column.clone(),
            text: quote_text(&mixed.text),
            numbers: mixed.numbers,
            texts: mixed.texts,
        }),
        _ => Ok(source),
    }
}

/// Finds `name` (or `FILE::column`) among `tables`.
fn resolve<'a>(tables: &'a [ParsedTable], name: &str) -> Result<Source<'a>, DataError> {
    if let Some((file, column)) = name.split_once("::") {
        if let Some(t) = tables.iter().position(|t| t.name() == file) {
            return Ok(Source::new(t, tables[t].column(column)?));
        }
    }
    let found: Vec<usize> = (0..tables.len())
        .filter(|&t| tables[t].column(name).is_ok())
        .collect();
    match found.as_slice() {
        [t] => Ok(Source::new(*t, tables[*t].column(name)?)),
        [] if tables.len() == 1 => Err(tables[0].unknown_column(name)),
        [] => Err(DataError::UnknownColumn {
            file: tables
                .iter()
                .map(ParsedTable::name)
                .collect::<Vec<_>>()
                .join(", "),
            column: name.to_string(),
            available: tables
                .iter()
                .flat_map(|t| t.column_names())
                .take(12)
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", "),
        }),
        several => Err(DataError::AmbiguousColumn {
            column: name.to_string(),
            files: several
                .iter()
                .map(|&t| tables[t].name())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// A categorical variable from `column` at the given source rows: only the states that
/// occur, ordered by `order`.
fn labels_at(column: &Column, rows: &[usize], order: StateOrder) -> Labels {
    let (codes, levels) = column.as_categories();
    let mut compact: HashMap<u32, u32> = HashMap::new();
    let mut used = Vec::new();
    let codes: Vec<u32> = rows
        .iter()
        .map(|&r| {
            *compact.entry(codes[r]).or_insert_with(|| {
                used.push(levels.get(codes[r] as usize).cloned().unwrap_or_default());
                (used.len() - 1) as u32
            })
        })
        .collect();
    let (codes, levels) = reorder(codes, used, order);
    Labels {
        name: column.name.clone(),
        codes,
        levels,
    }
}

fn numeric_at(values: &Numbers, rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&r| values.get(r)).collect()
}

/// Aligns `tables`, resolves `roles` and drops rows with missing values.
pub fn assemble(
    tables: &[ParsedTable],
    roles: &Roles,
    options: &AssembleOptions,
) -> Result<Dataset, DataError> {
    if tables.is_empty() {
        return Err(DataError::NoTables);
    }
    roles.validate()?;
    let resolve_one = |name: &str| {
        resolve(tables, name).and_then(|source| read_as(source, name, tables, options))
    };
    let resolve_all = |names: &[String]| {
        names
            .iter()
            .map(|n| resolve_one(n))
            .collect::<Result<Vec<_>, _>>()
    };
    let x1 = resolve_all(&roles.x1)?;
    let x2 = resolve_all(&roles.x2)?;
    if !roles.y_extra.is_empty() && !options.several_targets {
        let all: Vec<&str> = std::iter::once(&roles.y)
            .chain(&roles.y_extra)
            .map(String::as_str)
            .collect();
        return Err(DataError::SeveralTargets {
            count: all.len(),
            columns: all.join(", "),
        });
    }
    let y = resolve_one(&roles.y)?;
    let y_extra = resolve_all(&roles.y_extra)?;
    let yhat = resolve_all(&roles.yhat)?;
    let weight = roles.weight.as_deref().map(resolve_one).transpose()?;
    let conditionals = roles
        .conditionals()
        .map(|columns| resolve_all(columns))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;

    if let Some(id) = join_key(tables, &options.alignment) {
        // The join key says which rows belong together; it is not also a variable.
        if let Some((column, role)) = roles
            .assignments()
            .into_iter()
            .find(|(c, _)| *c == id || c.rsplit_once("::").is_some_and(|(_, c)| c == id))
        {
            return Err(DataError::JoinKeyInRole {
                column: column.to_string(),
                role,
            });
        }
    }
    let Aligned {
        rows: aligned,
        joined_on,
        unmatched: unmatched_by_file,
    } = align(tables, &options.alignment)?;
    let rows_unmatched = unmatched_by_file.first().map_or(0, |(_, n)| *n);
    let samples = aligned[0].len();

    // Drop samples with a missing value in any used column, counting per column.
    let used: Vec<&Source> = x1
        .iter()
        .chain(&x2)
        .chain(std::iter::once(&y))
        .chain(&y_extra)
        .chain(&yhat)
        .chain(weight.as_ref())
        .chain(conditionals.iter().flatten())
        .collect();
    let mut keep = vec![true; samples];
    let mut missing_by_column = Vec::new();
    let text_as_missing = used
        .iter()
        .filter(|s| s.text_as_missing > 0)
        .map(|s| (s.column.name.clone(), s.text_as_missing))
        .collect();
    for source in &used {
        let rows = &aligned[source.table];
        let mut missing = 0;
        for (sample, &row) in rows.iter().enumerate() {
            if source.column.is_missing(row) {
                missing += 1;
                keep[sample] = false;
            }
        }
        if missing > 0 {
            missing_by_column.push((source.column.name.clone(), missing));
        }
    }
    let kept: Vec<usize> = (0..samples).filter(|&s| keep[s]).collect();
    if kept.is_empty() {
        return Err(DataError::NoRowsLeft {
            reason: if samples == 0 {
                "no row has a matching id in every file".into()
            } else {
                "every row has a missing value in a used column".into()
            },
        });
    }
    // Source rows of the kept samples, per table (computed once, shared by all columns).
    let source_rows: Vec<Vec<usize>> = aligned
        .iter()
        .map(|rows| kept.iter().map(|&s| rows[s]).collect())
        .collect();
    drop(aligned);
    let rows_of = |source: &Source| -> &[usize] { &source_rows[source.table] };

    let label = |source: &Source| -> Result<Labels, DataError> {
        let labels = labels_at(&source.column, rows_of(source), options.state_order);
        if labels.levels.len() > options.max_label_states {
            return Err(DataError::TooManyLabelStates {
                file: tables[source.table].name().to_string(),
                column: source.column.name.clone(),
                distinct: labels.levels.len(),
                limit: options.max_label_states,
            });
        }
        Ok(labels)
    };

    let nonnegative = |source: &Source, role| nonnegative_at(source, rows_of(source), tables, role);
    let weights = weight
        .as_ref()
        .map(|w| nonnegative(w, "weight"))
        .transpose()?;
    let y_values = match &y.column.data {
        ColumnData::Numeric(values) => Some(numeric_at(values, rows_of(&y))),
        ColumnData::Categorical { .. } => None,
    };
    // Several target columns are one multivariate numeric Y: every one must be numeric.
    let text_target = |source: &Source| DataError::TextTargetAmongSeveral {
        file: tables[source.table].name().to_string(),
        column: source.column.name.clone(),
    };
    if !y_extra.is_empty() && y_values.is_none() {
        return Err(text_target(&y));
    }
    let y_extra = y_extra
        .iter()
        .map(|source| match &source.column.data {
            ColumnData::Numeric(values) => Ok((
                source.column.name.clone(),
                numeric_at(values, rows_of(source)),
            )),
            ColumnData::Categorical { .. } => Err(text_target(source)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A scalar Y becomes quantile bins; its Ŷ columns are cut at the same edges so that
    // a prediction and the truth share states.
    let bins = y_values.as_deref().and_then(|v| {
        let distinct = distinct_values(v);
        options.target_kind.is_scalar(&distinct).then(|| {
            (
                quantile_bins(v, weights.as_deref(), options.y_bins),
                distinct.len(),
            )
        })
    });
    let y_name = y.column.name.clone();
    let y = match &bins {
        Some((cut, _)) => Labels {
            name: y_name,
            levels: cut.labels.clone(),
            codes: cut.assignment.clone(),
        },
        None => label(&y)?,
    };
    let y_binned = bins.as_ref().map(|(cut, distinct)| TargetBinning {
        column: y.name.clone(),
        distinct: *distinct,
        bins: cut.labels.len(),
    });
    let label = |source: &Source| -> Result<Labels, DataError> {
        match (&bins, &source.column.data) {
            (Some((cut, _)), ColumnData::Numeric(values)) => Ok(Labels {
                name: source.column.name.clone(),
                levels: cut.labels.clone(),
                codes: numeric_at(values, rows_of(source))
                    .iter()
                    .map(|&v| cut.bin_of(v))
                    .collect(),
            }),
            _ => label(source),
        }
    };
    let conditionals = if conditionals.iter().all(Vec::is_empty) {
        None
    } else {
        let mut rows = Vec::with_capacity(3);
        for (sources, (_, role)) in conditionals.iter().zip(CONDITIONALS) {
            let columns = sources
                .iter()
                .map(|s| nonnegative(s, "probability"))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(conditional_rows(
                sources, &columns, role, &y, tables, rows_of,
            )?);
        }
        let [x1, x2, joint] = <[Vec<Vec<f64>>; 3]>::try_from(rows).expect("three conditionals");
        Some(ModelConditionals { x1, x2, joint })
    };

    let modality = |sources: &[Source], names: &[String]| -> Result<Modality, DataError> {
        let features = modality_features(sources, &source_rows, tables, options)?;
        Ok(Modality {
            columns: names.to_vec(),
            features,
        })
    };

    Ok(Dataset {
        x1: modality(&x1, &roles.x1)?,
        x2: modality(&x2, &roles.x2)?,
        y,
        y_values,
        y_extra,
        y_upper: bins.as_ref().map(|(cut, _)| cut.upper.clone()),
        yhat: yhat.iter().map(label).collect::<Result<_, _>>()?,
        weights,
        conditionals,
        report: AssemblyReport {
            rows_in: tables[0].rows(),
            rows_unmatched,
            joined_on,
            unmatched_by_file,
            text_as_missing,
            rows_dropped_missing: samples - kept.len(),
            missing_by_column,
            rows_used: kept.len(),
            y_binned,
        },
    })
}

/// The values of a numeric column at `rows`, each finite and ≥ 0 (a weight, a probability).
fn nonnegative_at(
    source: &Source,
    rows: &[usize],
    tables: &[ParsedTable],
    role: &'static str,
) -> Result<Vec<f64>, DataError> {
    let table = &tables[source.table];
    let bad = |row: usize, text: String| DataError::BadNonNegative {
        role,
        file: table.name().to_string(),
        line: table.line_of_row(row),
        column: source.column.name.clone(),
        text,
    };
    match &source.column.data {
        ColumnData::Numeric(values) => {
            if let Some(&row) = rows
                .iter()
                .find(|&&r| !(values.get(r) >= 0.0 && values.get(r).is_finite()))
            {
                return Err(bad(row, source.column.text(row)));
            }
            Ok(numeric_at(values, rows))
        }
        ColumnData::Categorical { .. } => {
            let (row, text) = source
                .column
                .became_categorical_at
                .clone()
                .unwrap_or_else(|| (rows[0], source.column.text(rows[0])));
            Err(bad(row, quote_text(&text)))
        }
    }
}

/// One model conditional as rows in Y's state order: each column is matched to the
/// state its name ends with (`…_<state>`, the longest such state), every state needs
/// exactly one column, and every row must sum to 1.
fn conditional_rows<'a>(
    sources: &[Source],
    columns: &[Vec<f64>],
    role: &'static str,
    y: &Labels,
    tables: &[ParsedTable],
    rows_of: impl Fn(&Source) -> &'a [usize],
) -> Result<Vec<Vec<f64>>, DataError> {
    let bad = |reason: String| DataError::BadConditionalColumns { role, reason };
    let mut column_of_state: Vec<Option<usize>> = vec![None; y.levels.len()];
    for (c, source) in sources.iter().enumerate() {
        let name = &source.column.name;
        let state = (0..y.levels.len())
            .filter(|&s| name.ends_with(&format!("_{}", y.levels[s])))
            .max_by_key(|&s| y.levels[s].len())
            .ok_or_else(|| {
                bad(format!(
                    "column '{name}' names no value of {}: its name must end in _<value>, one of {}",
                    y.name,
                    y.levels.iter().take(12).map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ")
                ))
            })?;
        if let Some(other) = column_of_state[state].replace(c) {
            return Err(bad(format!(
                "columns '{}' and '{name}' both give the probability of {} = '{}'",
                sources[other].column.name, y.name, y.levels[state]
            )));
        }
    }
    if let Some(state) = column_of_state.iter().position(Option::is_none) {
        return Err(bad(format!(
            "no column gives the probability of {} = '{}' (name it …_{})",
            y.name, y.levels[state], y.levels[state]
        )));
    }
    let order: Vec<usize> = column_of_state.into_iter().flatten().collect();
    (0..y.codes.len())
        .map(|i| {
            let row: Vec<f64> = order.iter().map(|&c| columns[c][i]).collect();
            let sum: f64 = row.iter().sum();
            if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
                let first = &sources[order[0]];
                let table = &tables[first.table];
                return Err(DataError::ProbabilitiesDoNotSumToOne {
                    role,
                    file: table.name().to_string(),
                    line: table.line_of_row(rows_of(first)[i]),
                    sum,
                });
            }
            Ok(row)
        })
        .collect()
}

/// The name of a joint category: the parts joined by `|`, a part quoted (`"a|b"`, with
/// `""` for a quote) when it holds `|` or `"` or is empty, so different tuples never
/// share a name: (`a|b`, `c`) is `"a|b"|c` and (`a`, `b|c`) is `a|"b|c"`.
pub fn joint_category<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(|part| {
            if part.is_empty() || part.contains(['|', '"']) {
                format!("\"{}\"", part.replace('"', "\"\""))
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// The features of one modality (rules in the module docs).
fn modality_features(
    sources: &[Source],
    source_rows: &[Vec<usize>],
    tables: &[ParsedTable],
    options: &AssembleOptions,
) -> Result<ModalityFeatures, DataError> {
    let all_categorical = sources
        .iter()
        .all(|s| matches!(s.column.data, ColumnData::Categorical { .. }));
    if all_categorical {
        let parts: Vec<Labels> = sources
            .iter()
            .map(|s| labels_at(&s.column, &source_rows[s.table], options.state_order))
            .collect();
        if let [only] = parts.as_slice() {
            return Ok(ModalityFeatures::Categorical(only.clone()));
        }
        // Several categorical columns: the state is the tuple of their values.
        let samples = parts.first().map_or(0, |p| p.codes.len());
        let mut interner = Interner::default();
        let codes = (0..samples)
            .map(|i| {
                let key =
                    joint_category(parts.iter().map(|p| p.levels[p.codes[i] as usize].as_str()));
                interner.code(&key)
            })
            .collect();
        let (codes, levels) = reorder(codes, interner.into_levels(), options.state_order);
        let name = parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("|");
        return Ok(ModalityFeatures::Categorical(Labels {
            name,
            codes,
            levels,
        }));
    }
    let mut names = Vec::new();
    let mut columns = Vec::new();
    for source in sources {
        let rows = &source_rows[source.table];
        match &source.column.data {
            ColumnData::Numeric(values) => {
                names.push(source.column.name.clone());
                columns.push(values.gather(rows));
            }
            ColumnData::Categorical { .. } => {
                let labels = labels_at(&source.column, rows, options.state_order);
                if labels.levels.len() > options.max_one_hot_levels {
                    return Err(DataError::TooManyCategories {
                        file: tables[source.table].name().to_string(),
                        column: source.column.name.clone(),
                        levels: labels.levels.len(),
                        limit: options.max_one_hot_levels,
                    });
                }
                for (code, level) in labels.levels.iter().enumerate() {
                    names.push(format!("{}={level}", labels.name));
                    columns.push(
                        labels
                            .codes
                            .iter()
                            .map(|&c| f64::from(u8::from(c == code as u32)))
                            .collect::<Vec<_>>()
                            .into(),
                    );
                }
            }
        }
    }
    Ok(ModalityFeatures::Numeric { names, columns })
}

/// The distinct values of a numeric column, increasing.
fn distinct_values(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    sorted
}
