//! Column roles (X1, X2, Y, Ŷ, weight, a model's probabilities): the [`Roles`] type,
//! guessing them from column names, and checking them. Assembling the samples they
//! name is [`assemble`](super::assemble()).
//!
//! **Guessing roles** ([`Roles::guess`]), case-insensitive on column names:
//! - Y: the first column named `label`, `labels`, `y`, `target`, `class`, `outcome`.
//! - Ŷ: `yhat`, `y_hat`, `y_pred`, `prediction`, or any name starting with `pred`.
//! - weight: `weight`, `weights`, `sample_weight`.
//! - a model's probabilities: `p_x1_<state>`, `p_x2_<state>`, `p_x1x2_<state>` (one
//!   column per state of Y) for p̂(y|x1), p̂(y|x2), p̂(y|x1,x2); see [`ModelConditionals`](super::ModelConditionals).
//! - ignored as row identifiers: `id`, `index`, `idx`, `row`, and names starting
//!   with `unnamed` (pandas' index column).
//! - every other column is a feature. Features are grouped by prefix: an element of an
//!   array or list column (`emb[0]`…`emb[63]`, from `.npy`, `.npz` or Parquet) by the
//!   array's whole name (`emb`, `cam_left`); otherwise the part before the first
//!   `_ . - : /` or space, or without one the name minus trailing digits
//!   (`cam_0`…`cam_63` → `cam`, `lidar3` → `lidar`). With two or more groups, X1 is the
//!   first group and X2 all the others; with a single group the features are split in
//!   half in column order. With several tables ([`Roles::guess_tables`]) X1 is the
//!   first table's features and X2 the second's.

use super::{Column, ColumnData, DataError, ParsedTable, MISSING_CODE};
use serde::{Deserialize, Serialize};

/// Which columns play which part. Names may be written `FILE::column` when several
/// tables have a column of that name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Roles {
    pub x1: Vec<String>,
    pub x2: Vec<String>,
    pub y: String,
    /// Further target columns after [`Roles::y`] (Y multivariate numeric). Only the
    /// Gaussian estimator takes them; assembling for CVX and BATCH refuses them
    /// ([`super::DataError::SeveralTargets`]), since their Y is one discrete variable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub y_extra: Vec<String>,
    /// Model predictions Ŷ (optional), analysable in place of Y.
    pub yhat: Vec<String>,
    /// Per-row sample weights (optional).
    pub weight: Option<String>,
    /// A model's p̂(y|x1), one column per state of Y, named `…_<state>` (optional; BATCH
    /// reads these instead of training its classifiers).
    #[serde(default)]
    pub p_x1: Vec<String>,
    /// A model's p̂(y|x2), as `p_x1`.
    #[serde(default)]
    pub p_x2: Vec<String>,
    /// A model's p̂(y|x1,x2), as `p_x1`.
    #[serde(default)]
    pub p_joint: Vec<String>,
}

/// The three conditionals a model may supply, in the order of [`Roles::conditionals`]:
/// the column-name prefix and the role's name in messages.
pub(super) const CONDITIONALS: [(&str, &str); 3] = [
    ("p_x1_", "p̂(y|x1)"),
    ("p_x2_", "p̂(y|x2)"),
    ("p_x1x2_", "p̂(y|x1,x2)"),
];

const LABEL_NAMES: [&str; 6] = ["label", "labels", "y", "target", "class", "outcome"];
const PREDICTION_NAMES: [&str; 4] = ["yhat", "y_hat", "y_pred", "prediction"];
const WEIGHT_NAMES: [&str; 3] = ["weight", "weights", "sample_weight"];
const ID_NAMES: [&str; 4] = ["id", "index", "idx", "row"];

/// What a column's name says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRole {
    Label,
    Prediction,
    Weight,
    Id,
    /// One state's column of a model's conditional (index into [`CONDITIONALS`]).
    Conditional(usize),
    Feature,
}

fn name_role(name: &str) -> NameRole {
    let lower = name.to_ascii_lowercase();
    let is = |list: &[&str]| list.contains(&lower.as_str());
    if let Some(k) = CONDITIONALS
        .iter()
        .position(|(prefix, _)| lower.starts_with(prefix) && lower.len() > prefix.len())
    {
        NameRole::Conditional(k)
    } else if is(&LABEL_NAMES) {
        NameRole::Label
    } else if is(&PREDICTION_NAMES) || lower.starts_with("pred") {
        NameRole::Prediction
    } else if is(&WEIGHT_NAMES) {
        NameRole::Weight
    } else if is(&ID_NAMES) || lower.starts_with("unnamed") {
        NameRole::Id
    } else {
        NameRole::Feature
    }
}

/// Whether a column's name says it identifies rows (`id`, `index`, `idx`, `row`,
/// `unnamed…`).
pub(super) fn is_id_name(name: &str) -> bool {
    name_role(name) == NameRole::Id
}

/// Why a column makes a poor feature, if it does: the page warns when such a column is
/// given to X1 or X2 (clustering a row key puts each row in a cluster of its own; a
/// constant carries no information).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureConcern {
    /// Its name says it identifies rows (`id`, `index`, `idx`, `row`, `unnamed…`).
    IdName,
    /// Whole numbers or text, a different one in every row: a row number or key.
    Distinct,
    /// The same value in every row that has one.
    Constant,
}

/// Fewest rows for "a different value in every row" to suggest a key rather than chance.
const MIN_ROWS_FOR_KEY: usize = 20;

/// What is wrong with `column` as a feature, if anything (see [`FeatureConcern`]).
/// Distinct real numbers are no concern: a measurement rarely repeats exactly.
pub fn feature_concern(column: &Column) -> Option<FeatureConcern> {
    if is_id_name(&column.name) {
        return Some(FeatureConcern::IdName);
    }
    // Each present value as a key: a whole number's value, a category's code.
    let keys: Vec<i64> = match &column.data {
        ColumnData::Numeric(values) => {
            let present: Vec<f64> = values.iter().filter(|v| !v.is_nan()).collect();
            if present.iter().all(|v| v.fract() == 0.0 && v.abs() < 9e15) {
                present.iter().map(|&v| v as i64).collect()
            } else {
                let first = present.first().copied();
                return present
                    .iter()
                    .all(|&v| Some(v) == first)
                    .then_some(FeatureConcern::Constant);
            }
        }
        ColumnData::Categorical { codes, .. } => codes
            .iter()
            .filter(|&&c| c != MISSING_CODE)
            .map(|&c| i64::from(c))
            .collect(),
    };
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 1 {
        Some(FeatureConcern::Constant)
    } else if distinct.len() == keys.len() && keys.len() >= MIN_ROWS_FOR_KEY {
        Some(FeatureConcern::Distinct)
    } else {
        None
    }
}

/// The group a feature column belongs to (see the module docs).
fn feature_prefix(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    // An element of an array or list column (`emb[3]`): the whole array is one group.
    if let Some((base, index)) = lower.strip_suffix(']').and_then(|n| n.rsplit_once('[')) {
        if !base.is_empty() && !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) {
            return base.to_string();
        }
    }
    match lower.find(['_', '.', '-', ':', '/', ' ']) {
        Some(0) | None => lower
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .to_string(),
        Some(cut) => lower[..cut].to_string(),
    }
}

impl Roles {
    /// Guesses roles from the column names of one table (rules in the module docs).
    pub fn guess(column_names: &[&str]) -> Result<Roles, DataError> {
        let mut roles = Roles::default();
        let mut features: Vec<&str> = Vec::new();
        for &name in column_names {
            match name_role(name) {
                NameRole::Label if roles.y.is_empty() => roles.y = name.to_string(),
                NameRole::Prediction => roles.yhat.push(name.to_string()),
                NameRole::Weight if roles.weight.is_none() => roles.weight = Some(name.to_string()),
                NameRole::Conditional(k) => roles.conditionals_mut()[k].push(name.to_string()),
                NameRole::Id => {}
                _ => features.push(name),
            }
        }
        if roles.y.is_empty() {
            return Err(DataError::CannotGuessRoles {
                reason: format!("no column is named {}", LABEL_NAMES.join(", ")),
            });
        }
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for name in features {
            let prefix = feature_prefix(name);
            match groups.iter_mut().find(|(p, _)| *p == prefix) {
                Some((_, members)) => members.push(name.to_string()),
                None => groups.push((prefix, vec![name.to_string()])),
            }
        }
        let mut groups = groups.into_iter().map(|(_, members)| members);
        match (groups.next(), groups.len()) {
            (Some(first), 0) if first.len() >= 2 => {
                let half = first.len().div_ceil(2);
                roles.x1 = first[..half].to_vec();
                roles.x2 = first[half..].to_vec();
            }
            (Some(first), rest) if rest > 0 => {
                roles.x1 = first;
                roles.x2 = groups.flatten().collect();
            }
            _ => {
                return Err(DataError::CannotGuessRoles {
                    reason: "fewer than two feature columns".into(),
                })
            }
        }
        Ok(roles)
    }

    /// Guesses roles over several tables: with two or more, X1 is the first table's
    /// features and X2 the second's (names qualified as `FILE::column` where needed);
    /// with one, as [`Roles::guess`].
    pub fn guess_tables(tables: &[ParsedTable]) -> Result<Roles, DataError> {
        Roles::guess_joined(tables, None)
    }

    /// As [`Roles::guess_tables`], with the column `join_on` (the id the tables are
    /// joined on, in every table) left out of every role.
    pub fn guess_joined(tables: &[ParsedTable], join_on: Option<&str>) -> Result<Roles, DataError> {
        let key = join_on.map(|k| k.rsplit_once("::").map_or(k, |(_, c)| c));
        let role_of = |name: &str| {
            if Some(name) == key {
                NameRole::Id
            } else {
                name_role(name)
            }
        };
        let Some(first) = tables.first() else {
            return Err(DataError::NoTables);
        };
        if tables.len() == 1 {
            let names = first.column_names();
            return Roles::guess(
                &names
                    .into_iter()
                    .filter(|n| Some(*n) != key)
                    .collect::<Vec<_>>(),
            );
        }
        let count = |name: &str| {
            tables
                .iter()
                .filter(|t| t.columns().iter().any(|c| c.name == name))
                .count()
        };
        let qualified = |table: &ParsedTable, name: &str| {
            if count(name) > 1 {
                format!("{}::{name}", table.name())
            } else {
                name.to_string()
            }
        };
        let mut roles = Roles::default();
        let mut features: Vec<Vec<String>> = vec![Vec::new(); tables.len()];
        for (t, table) in tables.iter().enumerate() {
            for name in table.column_names() {
                match role_of(name) {
                    NameRole::Label if roles.y.is_empty() => roles.y = qualified(table, name),
                    NameRole::Prediction => roles.yhat.push(qualified(table, name)),
                    NameRole::Weight if roles.weight.is_none() => {
                        roles.weight = Some(qualified(table, name))
                    }
                    NameRole::Conditional(k) => {
                        roles.conditionals_mut()[k].push(qualified(table, name))
                    }
                    NameRole::Feature => features[t].push(qualified(table, name)),
                    _ => {}
                }
            }
        }
        if roles.y.is_empty() {
            return Err(DataError::CannotGuessRoles {
                reason: format!("no column in any file is named {}", LABEL_NAMES.join(", ")),
            });
        }
        roles.x1 = std::mem::take(&mut features[0]);
        roles.x2 = std::mem::take(&mut features[1]);
        roles.validate()?;
        Ok(roles)
    }

    /// The columns of p̂(y|x1), p̂(y|x2) and p̂(y|x1,x2).
    pub fn conditionals(&self) -> [&Vec<String>; 3] {
        [&self.p_x1, &self.p_x2, &self.p_joint]
    }

    fn conditionals_mut(&mut self) -> [&mut Vec<String>; 3] {
        [&mut self.p_x1, &mut self.p_x2, &mut self.p_joint]
    }

    /// Every (column, role) pair, in role order.
    pub(super) fn assignments(&self) -> Vec<(&str, &'static str)> {
        let mut all: Vec<(&str, &'static str)> = Vec::new();
        all.extend(self.x1.iter().map(|c| (c.as_str(), "X1")));
        all.extend(self.x2.iter().map(|c| (c.as_str(), "X2")));
        all.push((self.y.as_str(), "Y"));
        all.extend(self.y_extra.iter().map(|c| (c.as_str(), "Y")));
        all.extend(self.yhat.iter().map(|c| (c.as_str(), "Ŷ")));
        all.extend(self.weight.iter().map(|c| (c.as_str(), "weight")));
        for (columns, (_, role)) in self.conditionals().into_iter().zip(CONDITIONALS) {
            all.extend(columns.iter().map(|c| (c.as_str(), role)));
        }
        all
    }

    /// Checks that X1, X2 and Y are given and no column has two roles.
    pub fn validate(&self) -> Result<(), DataError> {
        for (empty, role) in [
            (self.x1.is_empty(), "X1"),
            (self.x2.is_empty(), "X2"),
            (self.y.is_empty(), "Y"),
        ] {
            if empty {
                return Err(DataError::EmptyRole { role });
            }
        }
        let given = self.conditionals().map(|c| !c.is_empty());
        if given.contains(&true) && given.contains(&false) {
            return Err(DataError::IncompleteConditionals {
                missing: CONDITIONALS
                    .iter()
                    .zip(given)
                    .filter(|(_, g)| !g)
                    .map(|((_, role), _)| *role)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let all = self.assignments();
        for (i, (column, role)) in all.iter().enumerate() {
            if let Some((_, first)) = all[..i].iter().find(|(c, _)| c == column) {
                return Err(DataError::ColumnInTwoRoles {
                    column: column.to_string(),
                    first,
                    second: role,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_modalities_from_prefixes() {
        let roles = Roles::guess(&[
            "id", "cam_0", "cam_1", "lidar_0", "lidar_1", "label", "pred_a", "weight",
        ])
        .unwrap();
        assert_eq!(roles.x1, ["cam_0", "cam_1"]);
        assert_eq!(roles.x2, ["lidar_0", "lidar_1"]);
        assert_eq!(roles.y, "label");
        assert_eq!(roles.yhat, ["pred_a"]);
        assert_eq!(roles.weight.as_deref(), Some("weight"));
        let single = Roles::guess(&["x1", "x2", "y"]).unwrap();
        assert_eq!(
            (single.x1, single.x2),
            (vec!["x1".to_string()], vec!["x2".to_string()])
        );
        assert!(matches!(
            Roles::guess(&["a", "b"]),
            Err(DataError::CannotGuessRoles { .. })
        ));
        assert!(matches!(
            Roles::guess(&["a", "y"]),
            Err(DataError::CannotGuessRoles { .. })
        ));
    }

    #[test]
    fn flags_keys_and_constants_but_not_measurements() {
        let numeric = |name: &str, values: Vec<f64>| Column {
            name: name.into(),
            data: ColumnData::Numeric(values.into()),
            missing: 0,
            became_categorical_at: None,
        };
        let rows = |f: fn(usize) -> f64| (0..30).map(f).collect::<Vec<_>>();
        assert_eq!(
            feature_concern(&numeric("Index", rows(|i| (i % 3) as f64))),
            Some(FeatureConcern::IdName)
        );
        assert_eq!(
            feature_concern(&numeric("sample", rows(|i| (100 + i) as f64))),
            Some(FeatureConcern::Distinct)
        );
        assert_eq!(
            feature_concern(&numeric("gain", rows(|_| 2.5))),
            Some(FeatureConcern::Constant)
        );
        assert_eq!(
            feature_concern(&numeric("cam_0", rows(|i| i as f64 * 0.37 + 0.1))),
            None
        );
        assert_eq!(
            feature_concern(&numeric("level", rows(|i| (i % 4) as f64))),
            None
        );
        // Too few rows for distinct whole numbers to say "key".
        assert_eq!(feature_concern(&numeric("x", vec![1.0, 2.0, 3.0])), None);
        let text = Column {
            name: "colour".into(),
            data: ColumnData::Categorical {
                codes: vec![0, MISSING_CODE, 0],
                levels: vec!["red".into()],
            },
            missing: 1,
            became_categorical_at: None,
        };
        assert_eq!(feature_concern(&text), Some(FeatureConcern::Constant));
    }

    #[test]
    fn keeps_the_elements_of_an_array_in_one_modality() {
        let roles = Roles::guess(&["cam_left[0]", "cam_left[1]", "cam_right[0]", "y"]).unwrap();
        assert_eq!(roles.x1, ["cam_left[0]", "cam_left[1]"]);
        assert_eq!(roles.x2, ["cam_right[0]"]);
    }

    #[test]
    fn rejects_a_column_in_two_roles() {
        let roles = Roles {
            x1: vec!["a".into()],
            x2: vec!["b".into(), "a".into()],
            y: "y".into(),
            ..Roles::default()
        };
        let err = roles.validate().unwrap_err();
        assert_eq!(
            err,
            DataError::ColumnInTwoRoles {
                column: "a".into(),
                first: "X1",
                second: "X2"
            }
        );
        assert!(err.to_string().contains("'a'"));
    }
}
