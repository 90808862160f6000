//! The fitted discretiser as data: everything [`super::discretize`] learnt from a sample
//! (per modality the standardisation, the PCA basis and the cluster centres, or the
//! quantile bins, or the categories; Y's states), in a versioned JSON form that
//! assigns new rows to the same cells ([`DiscretiserModel::assign`]) and that
//! [`super::sql`] turns into one SQL query for a warehouse.
//!
//! The pipeline itself produces the model (each [`ModalityStates::rule`] is filled in
//! while its modality is discretised), and the assignment reuses the pipeline's own
//! arithmetic ([`Standardiser::apply`], the PCA projection's summation order and
//! k-means' `nearest`), so a sample's rows get exactly the states the analysis gave
//! them, bit for bit.

use super::kmeans::nearest;
use super::{table_from_states, DiscretizeError, DiscretizeOptions, Discretized, Standardiser};
use crate::data::{bin_at, Dataset, Labels, Modality, ModalityFeatures, Numbers};
use crate::table::{JointTable, TableStats};
use serde::{Deserialize, Serialize};

/// The `format` field of a saved model.
pub const MODEL_FORMAT: &str = "pidscope-discretiser";
/// The newest version of the saved form this code writes and reads (it reads every
/// version from 1). Version 2 added row normalisation (`normalise_rows`); a model
/// without it is still written as version 1, so an older pidscope reads it, and one
/// with it as version 2, which an older pidscope refuses instead of misreading.
pub const MODEL_VERSION: u32 = 2;

/// A fitted discretiser: how X1, X2 and Y of a row become the cell of the counts table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscretiserModel {
    /// Always [`MODEL_FORMAT`].
    pub format: String,
    /// Always [`MODEL_VERSION`].
    pub version: u32,
    /// The settings it was fitted with (for the record; assigning does not read them).
    pub options: DiscretizeOptions,
    pub x1: ModalityModel,
    pub x2: ModalityModel,
    pub y: TargetModel,
    /// The weight column: a counts table of weighted rows sums it.
    pub weight: Option<String>,
}

/// How one modality's rows become states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModalityModel {
    /// The modality's columns as the roles named them.
    pub columns: Vec<String>,
    /// The states in table order: the labels of the counts table.
    pub labels: Vec<String>,
    #[serde(flatten)]
    pub rule: ModalityRule,
}

/// The rule of a modality (see [`super::Method`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ModalityRule {
    /// The state is the category: its text, or for several columns their joint
    /// category (`a|b`, [`crate::data::joint_category`]).
    Categorical {
        /// The source columns (several: a joint category).
        sources: Vec<String>,
    },
    /// Standardise every feature (or divide the row by its L2 norm, then centre every
    /// feature), project on `components`, take the nearest centre.
    KMeans {
        /// Each row divided by its L2 norm over all `features` first
        /// ([`super::row_divisor`]); the standardisers then only centre.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        normalise_rows: bool,
        /// Every feature in the pipeline's order (constant ones have no standardiser
        /// and are left out of the projection).
        features: Vec<Feature>,
        /// Unit vectors over the standardised non-constant features, one per kept
        /// component (components × features).
        components: Vec<Vec<f64>>,
        /// Squared Euclidean distance in component space, the first nearest wins.
        centres: Vec<Centre>,
    },
    /// One numeric column cut at the bins' upper ends: the first bin whose `upper`
    /// is ≥ the value (the last bin beyond them all).
    QuantileBins { column: String, upper: Vec<f64> },
}

impl ModalityRule {
    /// How the states are made.
    pub fn method(&self) -> super::Method {
        match self {
            ModalityRule::Categorical { .. } => super::Method::Categorical,
            ModalityRule::KMeans { .. } => super::Method::KMeans,
            ModalityRule::QuantileBins { .. } => super::Method::QuantileBins,
        }
    }
}

/// One numeric feature of a clustered modality and how it is standardised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// The feature's name in the pipeline (`column`, or `column=level` one-hot).
    pub name: String,
    #[serde(flatten)]
    pub source: FeatureSource,
    /// `None`: the feature was constant in the sample and is not used.
    pub standardise: Option<Standardiser>,
}

/// Where a feature's value comes from in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureSource {
    /// The number in `column`.
    Number { column: String },
    /// 1 when the text of the categorical `column` is `level`, else 0.
    OneHot { column: String, level: String },
}

/// A cluster centre in component space and the state it stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Centre {
    pub state: u32,
    pub at: Vec<f64>,
}

/// Y: a category per distinct value (numbers by their shortest decimal form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetModel {
    pub column: String,
    /// Whether the column is numeric (a state is then the number its label reads as).
    pub numeric: bool,
    pub labels: Vec<String>,
    /// A scalar Y cut into quantile bins: each bin's largest value (a value goes to the
    /// first bin whose largest value is at least it, [`crate::data::bin_at`]); `None`
    /// when every value is a class.
    #[serde(default)]
    pub upper: Option<Vec<f64>>,
}

/// Why a saved model cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("not a pidscope discretiser: {0}")]
    Json(String),
    #[error("not a pidscope discretiser (format '{0}', expected '{MODEL_FORMAT}')")]
    Format(String),
    #[error("discretiser version {found} is not supported (this pidscope reads version {MODEL_VERSION})")]
    Version { found: u32 },
    #[error("{0}")]
    Invalid(String),
}

impl DiscretiserModel {
    /// The model of a discretisation of `dataset` (against Y), with the weight column
    /// as the roles named it.
    pub fn of(
        dataset: &Dataset,
        discrete: &Discretized,
        options: &DiscretizeOptions,
        weight: Option<&str>,
    ) -> Result<Self, ModelError> {
        let modality = |states: &super::ModalityStates, m: &Modality| {
            let rule = states.rule.clone().ok_or_else(|| {
                ModelError::Invalid("the discretisation carries no fitted rule".into())
            })?;
            Ok::<_, ModelError>(ModalityModel {
                columns: m.columns.clone(),
                labels: states.labels.clone(),
                rule,
            })
        };
        let x1 = modality(&discrete.x1, &dataset.x1)?;
        let x2 = modality(&discrete.x2, &dataset.x2)?;
        Ok(DiscretiserModel {
            format: MODEL_FORMAT.into(),
            version: if x1.normalises_rows() || x2.normalises_rows() {
                MODEL_VERSION
            } else {
                1
            },
            options: *options,
            x1,
            x2,
            y: TargetModel {
                column: dataset.y.name.clone(),
                numeric: dataset.y_values.is_some(),
                labels: dataset.y.levels.clone(),
                upper: dataset.y_upper.clone(),
            },
            weight: weight.map(|w| plain_column(w).to_string()),
        })
    }

    /// Pretty JSON, numbers with full round-trip precision.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }

    /// Reads a saved model, checking its format, version and shapes.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != MODEL_FORMAT {
            return Err(ModelError::Format(format.to_string()));
        }
        let found = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if !(1..=u64::from(MODEL_VERSION)).contains(&found) {
            return Err(ModelError::Version {
                found: found.min(u64::from(u32::MAX)) as u32,
            });
        }
        let model: Self =
            serde_json::from_value(value).map_err(|e| ModelError::Json(e.to_string()))?;
        model.x1.check("x1")?;
        model.x2.check("x2")?;
        Ok(model)
    }

    /// The cell of every row of `dataset` under this model: the states of X1, X2 and Y.
    /// A category or Y value the model has never seen is an error naming it.
    pub fn assign(&self, dataset: &Dataset) -> Result<[Vec<u32>; 3], ModelError> {
        let y = match (&self.y.upper, &dataset.y_values) {
            (Some(upper), Some(values)) => values.iter().map(|&v| bin_at(upper, v)).collect(),
            _ => labels_to_states(&dataset.y, &self.y.labels, "Y")?,
        };
        Ok([
            self.x1.assign_all(&dataset.x1, "X1")?,
            self.x2.assign_all(&dataset.x2, "X2")?,
            y,
        ])
    }

    /// The (weighted) table of `dataset`'s rows counted in this model's cells.
    pub fn table(&self, dataset: &Dataset) -> Result<(JointTable, TableStats), DiscretizeError> {
        let [x1, x2, y] = self
            .assign(dataset)
            .map_err(|e| DiscretizeError::Model(e.to_string()))?;
        table_from_states(
            [&x1, &x2, &y],
            [
                self.x1.labels.clone(),
                self.x2.labels.clone(),
                self.y.labels.clone(),
            ],
            dataset.weights.as_deref(),
        )
    }
}

impl ModalityModel {
    /// Whether rows are L2-normalised before the features are centred.
    pub fn normalises_rows(&self) -> bool {
        matches!(
            self.rule,
            ModalityRule::KMeans {
                normalise_rows: true,
                ..
            }
        )
    }

    /// The state of one row's numeric features (in the pipeline's feature order);
    /// `None` for a categorical modality.
    pub fn assign_features(&self, features: &[f64]) -> Option<u32> {
        match &self.rule {
            ModalityRule::Categorical { .. } => None,
            ModalityRule::QuantileBins { upper, .. } => {
                let v = *features.first()?;
                let bin = upper.iter().position(|&u| v <= u);
                Some(bin.unwrap_or(upper.len().saturating_sub(1)) as u32)
            }
            ModalityRule::KMeans {
                normalise_rows,
                features: model,
                components,
                centres,
            } => {
                // As `normalise_rows`: squares summed in feature order from 0.
                let divisor = if *normalise_rows {
                    super::row_divisor(features.iter().fold(0.0, |s, v| s + v * v))
                } else {
                    1.0
                };
                let z: Vec<f64> = model
                    .iter()
                    .zip(features)
                    .filter_map(|(f, &v)| {
                        // v / 1 is v exactly: standardised rows keep their bits.
                        let v = if *normalise_rows { v / divisor } else { v };
                        f.standardise.map(|s| s.apply(v))
                    })
                    .collect();
                // As `Pca::project`: each coordinate summed over features in order from 0.
                let point: Vec<f64> = components
                    .iter()
                    .map(|c| c.iter().zip(&z).fold(0.0, |acc, (l, v)| acc + l * v))
                    .collect();
                let (best, _) = nearest(&point, centres.iter().map(|c| c.at.as_slice()));
                centres.get(best).map(|c| c.state)
            }
        }
    }

    /// The state of a category's text; `None` when the model has not seen it.
    pub fn assign_category(&self, text: &str) -> Option<u32> {
        self.labels.iter().position(|l| l == text).map(|s| s as u32)
    }

    fn assign_all(&self, modality: &Modality, axis: &str) -> Result<Vec<u32>, ModelError> {
        match &modality.features {
            ModalityFeatures::Categorical(labels) => labels_to_states(labels, &self.labels, axis),
            ModalityFeatures::Numeric { columns, .. } => {
                let rows = columns.first().map_or(0, Numbers::len);
                let mut row = vec![0.0; columns.len()];
                (0..rows)
                    .map(|i| {
                        row.iter_mut().zip(columns).for_each(|(v, c)| *v = c.get(i));
                        self.assign_features(&row).ok_or_else(|| {
                            ModelError::Invalid(format!(
                                "{axis} is numeric here but categorical in the model"
                            ))
                        })
                    })
                    .collect()
            }
        }
    }

    /// Shapes agree: every centre and component has the right length, every state
    /// exists.
    fn check(&self, axis: &str) -> Result<(), ModelError> {
        let bad = |what: String| Err(ModelError::Invalid(format!("{axis}: {what}")));
        match &self.rule {
            ModalityRule::Categorical { sources } if sources.is_empty() => {
                bad("a categorical modality without columns".into())
            }
            ModalityRule::Categorical { .. } => Ok(()),
            ModalityRule::QuantileBins { upper, .. } if upper.len() != self.labels.len() => bad(
                format!("{} bins for {} labels", upper.len(), self.labels.len()),
            ),
            ModalityRule::QuantileBins { .. } => Ok(()),
            ModalityRule::KMeans {
                features,
                components,
                centres,
                ..
            } => {
                let used = features.iter().filter(|f| f.standardise.is_some()).count();
                if let Some(c) = components.iter().find(|c| c.len() != used) {
                    return bad(format!(
                        "a component of {} entries for {used} features",
                        c.len()
                    ));
                }
                if centres.is_empty() {
                    return bad("no cluster centres".into());
                }
                for c in centres {
                    if c.at.len() != components.len() {
                        return bad(format!(
                            "a centre of {} coordinates for {} components",
                            c.at.len(),
                            components.len()
                        ));
                    }
                    if c.state as usize >= self.labels.len() {
                        return bad(format!(
                            "a centre of state {} of {}",
                            c.state,
                            self.labels.len()
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Each sample's category mapped to the model's state of the same text.
fn labels_to_states(labels: &Labels, model: &[String], axis: &str) -> Result<Vec<u32>, ModelError> {
    let map: Vec<Option<u32>> = labels
        .levels
        .iter()
        .map(|l| model.iter().position(|m| m == l).map(|s| s as u32))
        .collect();
    labels
        .codes
        .iter()
        .map(|&c| {
            map[c as usize].ok_or_else(|| {
                ModelError::Invalid(format!(
                    "{axis} '{}' has the value '{}', which the model has never seen",
                    labels.name, labels.levels[c as usize]
                ))
            })
        })
        .collect()
}

/// A column as one table names it: `FILE::column` without its file.
pub(super) fn plain_column(role: &str) -> &str {
    role.split_once("::").map_or(role, |(_, c)| c)
}

/// Where each feature of a numeric modality comes from: the pipeline names a numeric
/// column's feature after the column and a categorical column's one-hot features
/// `column=level`, in the order of the role's columns (`crate::data::assemble`).
pub(super) fn feature_sources(columns: &[String], names: &[String]) -> Vec<FeatureSource> {
    let mut out = Vec::with_capacity(names.len());
    let mut next = 0;
    for role in columns {
        // The role may be `FILE::column`; the feature names carry the column only.
        let candidates = [role.as_str(), plain_column(role)];
        if let Some(name) = names.get(next) {
            if candidates.contains(&name.as_str()) {
                out.push(FeatureSource::Number {
                    column: name.clone(),
                });
                next += 1;
                continue;
            }
        }
        for column in candidates {
            let prefix = format!("{column}=");
            let before = next;
            while let Some(level) = names.get(next).and_then(|n| n.strip_prefix(&prefix)) {
                out.push(FeatureSource::OneHot {
                    column: column.to_string(),
                    level: level.to_string(),
                });
                next += 1;
            }
            if next > before {
                break;
            }
        }
    }
    // Anything not matched (never, for features made by `assemble`) reads its own name.
    out.extend(
        names[next.min(names.len())..]
            .iter()
            .map(|n| FeatureSource::Number { column: n.clone() }),
    );
    out
}

/// The upper end of every quantile bin: the largest value assigned to it.
pub(super) fn bin_upper_ends(values: &[f64], assignment: &[u32], bins: usize) -> Vec<f64> {
    let mut upper = vec![f64::NEG_INFINITY; bins];
    for (&v, &b) in values.iter().zip(assignment) {
        upper[b as usize] = upper[b as usize].max(v);
    }
    upper
}
