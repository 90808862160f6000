//! One SQL query that does on a warehouse what [`DiscretiserModel`] does on a row:
//! every row of a table to its cell, grouped into the counts table `x1, x2, y, count`
//! that `pidscope estimate` reads (`crate::data::write_counts_csv`'s columns and labels).
//!
//! The query repeats the pipeline's arithmetic operation for operation, so the cells
//! are the ones pidscope itself gives: z = ((v · scale − mean) − recentre) / sd per
//! feature; each component coordinate (((l₀z₀) + l₁z₁) + …) in feature order; the
//! squared distance to each centre ((p₀ − c₀)² + (p₁ − c₁)²) + … in coordinate order;
//! the first centre at the least distance. Numbers are written in exponent form with
//! the shortest digits that read back to the same `f64` (`1.5e0`): both DuckDB and
//! Spark read such a literal as a DOUBLE (a plain `1.5` would be a DECIMAL).
//!
//! Rows with a NULL (or NaN) in a used column are left out, as pidscope drops rows with
//! a missing value; so are rows whose category or Y value the model never saw (their
//! state is NULL). The two dialects differ only in how identifiers and strings are
//! quoted: DuckDB `"col"` and `'it''s'`, Spark SQL `` `col` `` and `'it\'s'`.

use super::model::{DiscretiserModel, FeatureSource, ModalityModel, ModalityRule};
use serde::{Deserialize, Serialize};

/// The SQL dialects a query can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    DuckDb,
    Spark,
}

impl Dialect {
    /// A quoted identifier: `"a ""b"""` (DuckDB), `` `a ``b` `` (Spark).
    pub fn identifier(self, name: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A string literal: quotes doubled (DuckDB); backslash escapes (Spark, whose
    /// parser reads `\` as an escape and `'a''b'` as two adjacent literals).
    pub fn string(self, text: &str) -> String {
        match self {
            Dialect::DuckDb => format!("'{}'", text.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// A table name: each `.`-separated part quoted (`db.schema.table`).
    pub fn table(self, name: &str) -> String {
        name.split('.')
            .map(|part| self.identifier(part))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// A DOUBLE literal with full round-trip precision (`-2.5e-3`, in parentheses when
/// negative so it can follow any operator).
pub fn number(x: f64) -> String {
    let text = format!("{x:e}");
    if text.starts_with('-') {
        format!("({text})")
    } else {
        text
    }
}

/// Why a model cannot be written as SQL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SqlError {
    #[error("{axis} is the joint category of several columns ({columns}); the SQL export handles one categorical column per modality")]
    JointCategory { axis: &'static str, columns: String },
    /// Row normalisation (the paper's preset) is not written as SQL: refused rather than
    /// written as a query whose cells would differ from pidscope's.
    #[error("{axis} is clustered after L2-normalising each row (the paper's preprocessing, --preset paper); the SQL export writes only standardised features. Fit the model without row normalisation (the default) to export it")]
    RowNormalisation { axis: &'static str },
}

/// The query over `table` (see the module docs), one line per select expression.
pub fn counts_query(
    model: &DiscretiserModel,
    dialect: Dialect,
    table: &str,
) -> Result<String, SqlError> {
    let mut q = Query {
        dialect,
        base: Vec::new(),
        filters: Vec::new(),
        stages: vec![Vec::new(); 4],
        carry: Vec::new(),
        distances: Vec::new(),
    };
    q.modality(&model.x1, "x1", "X1")?;
    q.modality(&model.x2, "x2", "X2")?;
    let y = q.column(&model.y.column, model.y.numeric);
    let y_case = match &model.y.upper {
        // A scalar Y's bins: the first whose largest value is at least y, the last above.
        Some(upper) => {
            let last = model.y.labels.len().saturating_sub(1);
            let cases = model
                .y
                .labels
                .iter()
                .zip(upper)
                .enumerate()
                .map(|(i, (label, &u))| {
                    let test = if i == last {
                        "TRUE".to_string()
                    } else {
                        format!("{y} <= {}", number(u))
                    };
                    (test, dialect.string(label))
                });
            case(cases)
        }
        None => case(model.y.labels.iter().map(|label| {
            let value = match label.parse::<f64>() {
                Ok(v) if model.y.numeric => number(v),
                _ => dialect.string(label),
            };
            (format!("{y} = {value}"), dialect.string(label))
        })),
    };
    q.base.push(format!("{y_case} AS y"));
    q.carry.push("y".into());
    let count = match &model.weight {
        Some(w) => {
            let weight = q.column(w, true);
            q.base.push(format!("{weight} AS row_weight"));
            q.carry.push("row_weight".into());
            "SUM(row_weight) AS count"
        }
        None => "COUNT(*) AS count",
    };
    Ok(q.finish(table, count))
}

/// The query under construction: the first stage reads the table, each later one
/// (`SELECT *, …`) adds the columns computed from the previous one.
struct Query {
    dialect: Dialect,
    /// Expressions over the table's columns.
    base: Vec<String>,
    /// Conditions every used row meets (no missing value).
    filters: Vec<String>,
    /// Projections, distances, least distances, nearest states.
    stages: Vec<Vec<String>>,
    /// Columns every stage passes on (Y, the weight, states made in the first stage).
    carry: Vec<String>,
    /// The distance columns, which the least-distance stage passes on to the last.
    distances: Vec<String>,
}

impl Query {
    /// A used column cast to its type; rows where it is missing are filtered out.
    fn column(&mut self, name: &str, numeric: bool) -> String {
        let id = self.dialect.identifier(name);
        let cast = format!(
            "CAST({id} AS {})",
            if numeric { "DOUBLE" } else { "STRING" }
        );
        let filter = if numeric {
            format!("{id} IS NOT NULL AND NOT isnan({cast})")
        } else {
            format!("{id} IS NOT NULL")
        };
        if !self.filters.contains(&filter) {
            self.filters.push(filter);
        }
        cast
    }

    fn modality(
        &mut self,
        model: &ModalityModel,
        name: &str,
        axis: &'static str,
    ) -> Result<(), SqlError> {
        let dialect = self.dialect;
        let label = |s: u32| dialect.string(&model.labels[s as usize]);
        match &model.rule {
            ModalityRule::Categorical { sources } => {
                let [source] = sources.as_slice() else {
                    return Err(SqlError::JointCategory {
                        axis,
                        columns: sources.join(", "),
                    });
                };
                let v = self.column(source, false);
                let cases: Vec<_> = (0..model.labels.len() as u32)
                    .map(|s| (format!("{v} = {}", label(s)), label(s)))
                    .collect();
                self.base.push(format!("{} AS {name}", case(cases)));
                self.carry.push(name.into());
            }
            ModalityRule::QuantileBins { column, upper } => {
                let v = self.column(column, true);
                let last = upper.len().saturating_sub(1) as u32;
                let cases: Vec<_> = (0..last)
                    .map(|b| (format!("{v} <= {}", number(upper[b as usize])), label(b)))
                    .chain([("TRUE".to_string(), label(last))])
                    .collect();
                self.base.push(format!("{} AS {name}", case(cases)));
                self.carry.push(name.into());
            }
            ModalityRule::KMeans {
                normalise_rows: true,
                ..
            } => return Err(SqlError::RowNormalisation { axis }),
            ModalityRule::KMeans {
                features,
                components,
                centres,
                ..
            } => {
                if let [only] = centres.as_slice() {
                    self.base.push(format!("{} AS {name}", label(only.state)));
                    self.carry.push(name.into());
                    return Ok(());
                }
                let mut used = 0;
                for f in features {
                    let value = match &f.source {
                        FeatureSource::Number { column } => self.column(column, true),
                        FeatureSource::OneHot { column, level } => {
                            let v = self.column(column, false);
                            let level = dialect.string(level);
                            format!("CASE WHEN {v} = {level} THEN 1e0 ELSE 0e0 END")
                        }
                    };
                    let Some(s) = f.standardise else { continue };
                    let mut z = format!("{value} * {} - {}", number(s.scale), number(s.mean));
                    if s.recentre != 0.0 {
                        z = format!("({z}) - {}", number(s.recentre));
                    }
                    self.base
                        .push(format!("({z}) / {} AS {name}_z{used}", number(s.sd)));
                    used += 1;
                }
                for (c, component) in components.iter().enumerate() {
                    let terms: Vec<String> = component
                        .iter()
                        .enumerate()
                        .map(|(j, l)| format!("{} * {name}_z{j}", number(*l)))
                        .collect();
                    self.stages[0].push(format!("{} AS {name}_p{c}", left_sum(&terms)));
                }
                for (k, centre) in centres.iter().enumerate() {
                    let terms: Vec<String> = centre
                        .at
                        .iter()
                        .enumerate()
                        .map(|(c, x)| {
                            let d = format!("({name}_p{c} - {})", number(*x));
                            format!("{d} * {d}")
                        })
                        .collect();
                    self.stages[1].push(format!("{} AS {name}_d{k}", left_sum(&terms)));
                    self.distances.push(format!("{name}_d{k}"));
                }
                let all: Vec<String> = (0..centres.len()).map(|k| format!("{name}_d{k}")).collect();
                self.stages[2].push(format!("LEAST({}) AS {name}_least", all.join(", ")));
                let cases: Vec<_> = centres
                    .iter()
                    .enumerate()
                    .map(|(k, c)| (format!("{name}_d{k} = {name}_least"), label(c.state)))
                    .collect();
                self.stages[3].push(format!("{} AS {name}", case(cases)));
            }
        }
        Ok(())
    }

    fn finish(self, table: &str, count: &str) -> String {
        let line = ",\n    ";
        // DuckDB inlines a CTE into every reference unless told to materialise it, which
        // repeats each projection in every distance: 5 times slower (docs/scale.md).
        let materialized = match self.dialect {
            Dialect::DuckDb => " MATERIALIZED",
            Dialect::Spark => "",
        };
        let mut ctes = vec![format!(
            "rows_0 AS{materialized} (\n  SELECT\n    {}\n  FROM {}\n  WHERE {}\n)",
            self.base.join(line),
            self.dialect.table(table),
            self.filters.join("\n    AND "),
        )];
        for (i, stage) in self
            .stages
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_empty())
        {
            // Each stage names what it passes on, so no stage's columns pile up.
            let kept = self
                .carry
                .iter()
                .chain(if i == 2 { &self.distances[..] } else { &[] });
            let columns: Vec<&str> = kept
                .map(String::as_str)
                .chain(stage.iter().map(String::as_str))
                .collect();
            let previous = ctes.len() - 1;
            ctes.push(format!(
                "rows_{} AS{} (\n  SELECT\n    {}\n  FROM rows_{previous}\n)",
                ctes.len(),
                materialized,
                columns.join(line)
            ));
        }
        format!(
            "-- pidscope: rows to cells of the fitted discretiser, counted (x1, x2, y, count).\n\
             WITH\n{}\n\
             SELECT x1, x2, y, {count}\n\
             FROM rows_{}\n\
             WHERE x1 IS NOT NULL AND x2 IS NOT NULL AND y IS NOT NULL\n\
             GROUP BY x1, x2, y\n\
             ORDER BY x1, x2, y\n",
            ctes.join(",\n"),
            ctes.len() - 1,
        )
    }
}

/// `CASE WHEN a THEN x WHEN b THEN y … END` (NULL when no condition holds).
fn case(cases: impl IntoIterator<Item = (String, String)>) -> String {
    let whens: String = cases
        .into_iter()
        .map(|(when, then)| format!(" WHEN {when} THEN {then}"))
        .collect();
    format!("CASE{whens} END")
}

/// `((a + b) + c) + …`: the left-to-right order of the Rust sums ("0" for none).
fn left_sum(terms: &[String]) -> String {
    match terms.split_first() {
        None => "0e0".to_string(),
        Some((first, rest)) => rest
            .iter()
            .fold(first.clone(), |acc, t| format!("({acc}) + {t}")),
    }
}
