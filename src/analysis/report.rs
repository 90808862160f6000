//! What an analysis reports: the types the CLI prints and the page draws.

use serde::{Deserialize, Serialize};

use crate::data::Roles;
use crate::discretize::{Method, ModalityStates};
use crate::info::InfoTerms;
use crate::pid::batch::{BatchConfig, BatchPid, BatchUncertainty};
use crate::pid::Pid;
use crate::rigor::{Samples, Uncertainty};
use crate::table::{Axis, JointTable, TableError, TableStats};

use super::{is_whole, AnalysisSettings};

/// Where an analysis's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    /// A counts table (x1, x2, y, count) read from a file.
    Counts,
    /// Samples, clustered into a table.
    Samples,
    /// A built-in gallery example.
    Example,
    /// A table given directly as weights (the page's table input).
    Table,
    /// A table edited in learn mode.
    Edited,
    /// A table opened from a share link or analysis file.
    Shared,
    /// A BATCH (neural) estimate on the continuous features.
    Batch,
}

/// A discrete table as the page draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableView {
    pub shape: [usize; 3],
    pub labels: [Vec<String>; 3],
    pub p: Vec<f64>,
    /// The weight the table was built from (the number of samples for counts).
    pub total: f64,
}

impl From<&JointTable> for TableView {
    fn from(table: &JointTable) -> Self {
        TableView {
            shape: table.shape(),
            labels: Axis::ALL.map(|axis| table.labels(axis).to_vec()),
            p: table.p().to_vec(),
            total: table.total_weight(),
        }
    }
}

impl TableView {
    /// The table's weights: whole counts when it was built from counts (short links,
    /// exact CSV), else the probabilities.
    pub fn weights(&self) -> Vec<f64> {
        let counts: Vec<f64> = self.p.iter().map(|p| p * self.total).collect();
        if counts.iter().all(|&c| is_whole(c)) {
            counts.iter().map(|c| c.round()).collect()
        } else {
            self.p.clone()
        }
    }

    /// The table again, with its labels and [`TableView::weights`].
    pub fn to_table(&self) -> Result<JointTable, TableError> {
        JointTable::from_weights(self.shape, self.weights())?.with_labels(self.labels.clone())
    }
}

/// The PID of one target variable and everything it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetAnalysis {
    /// The target's name (the Y or Ŷ column, or `Y`).
    pub name: String,
    pub pid: Pid,
    pub info: InfoTerms,
    pub table: TableView,
    /// How well the samples fill the table (samples and counts tables only).
    pub stats: Option<TableStats>,
    /// The rows the table was counted from (samples, or whole counts expanded): what
    /// the uncertainty is estimated from. Kept in memory, never serialised.
    #[serde(skip)]
    pub samples: Option<Samples>,
    /// Bias-corrected values, intervals and p-values of every term, once estimated
    /// ([`super::target_uncertainty`]); the page fills it in after the plug-in result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    /// Why the uncertainty was not estimated, when it was skipped (too slow, no sample
    /// size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty_note: Option<String>,
}

/// How one modality became discrete, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModalitySummary {
    pub columns: Vec<String>,
    pub method: Method,
    pub states: usize,
    /// Share of the standardised features' variance kept by PCA (k-means only).
    pub explained_variance_share: Option<f64>,
    pub iterations: usize,
    pub converged: bool,
    /// Features left out because they have one value only.
    #[serde(default)]
    pub constant_features: Vec<String>,
}

impl ModalitySummary {
    pub(crate) fn of(columns: &[String], states: &ModalityStates) -> Self {
        let kept: f64 = states.explained_variance.iter().sum();
        ModalitySummary {
            columns: columns.to_vec(),
            method: states.method,
            states: states.labels.len(),
            explained_variance_share: (states.method == Method::KMeans
                && states.total_variance > 0.0)
                .then(|| kept / states.total_variance),
            iterations: states.iterations,
            converged: states.converged,
            constant_features: states.constant_features.clone(),
        }
    }
}

/// Display names of the three variables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Names {
    pub x1: String,
    pub x2: String,
    pub y: String,
}

impl Names {
    /// The names of an analysis with these role columns: each modality by its columns'
    /// shared prefix, Y by its column (`Y` when unnamed).
    pub fn of_roles(x1: &[String], x2: &[String], y: &str) -> Names {
        Names {
            x1: modality_name(x1, "X1"),
            x2: modality_name(x2, "X2"),
            y: if y.is_empty() {
                "Y".into()
            } else {
                y.to_string()
            },
        }
    }

    /// The plain names X1, X2, Y.
    pub fn plain() -> Names {
        Names {
            x1: "X1".into(),
            x2: "X2".into(),
            y: "Y".into(),
        }
    }
}

/// A complete analysis: the dataset's PID and each model's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub kind: AnalysisKind,
    pub names: Names,
    pub dataset: TargetAnalysis,
    /// One per Ŷ column: the model's PID (the same inputs, its predictions as target).
    pub models: Vec<TargetAnalysis>,
    /// What happened to rows and columns on the way ([`super::data_notes`]).
    #[serde(default)]
    pub notes: Vec<String>,
    pub x1: Option<ModalitySummary>,
    pub x2: Option<ModalitySummary>,
    /// Rows read, matched and dropped (samples only).
    pub report: Option<crate::data::AssemblyReport>,
    pub roles: Option<Roles>,
    pub settings: AnalysisSettings,
    /// How numeric features became states, in words
    /// ([`AnalysisSettings::preprocessing`]); `None` when nothing was clustered.
    #[serde(default)]
    pub preprocessing: Option<String>,
    /// The gallery example analysed, for `example` analyses.
    #[serde(default)]
    pub example: Option<String>,
}

/// The BATCH estimate of one target, with the names it was computed for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchAnalysis {
    /// Always [`AnalysisKind::Batch`]: the page tells estimates apart by it.
    pub kind: AnalysisKind,
    pub names: Names,
    /// The atoms in bits (negatives clipped to 0; the raw values are kept inside).
    pub dataset: BatchPid,
    /// What happened to rows and columns on the way ([`super::data_notes`]).
    pub notes: Vec<String>,
    pub report: crate::data::AssemblyReport,
    pub roles: Roles,
    pub config: BatchConfig,
    /// [`BatchPid::notes`]: atoms clipped at 0 that break the identities, models still
    /// improving at their last epoch.
    pub estimate_notes: Vec<String>,
    /// The t interval over test batches, and once the shuffled-label run is in
    /// ([`super::analyse_batch_null`]), the bias floor and the corrected values.
    pub uncertainty: BatchUncertainty,
}

/// A short name for a modality: its columns' shared prefix (`cam_0…cam_63` → `cam`),
/// the column itself when there is one, or the fallback.
fn modality_name(columns: &[String], fallback: &str) -> String {
    match columns {
        [] => fallback.to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => {
            let mut prefix = first.as_str();
            for name in rest {
                let common = prefix
                    .char_indices()
                    .zip(name.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((i, c), _)| i + c.len_utf8());
                prefix = &prefix[..common];
            }
            let prefix = prefix.trim_end_matches(|c: char| !c.is_alphanumeric());
            let bare = first.rsplit("::").next().unwrap_or(first);
            if prefix.is_empty() || prefix.len() < 2 {
                format!("{fallback} ({bare} …)")
            } else {
                prefix.rsplit("::").next().unwrap_or(prefix).to_string()
            }
        }
    }
}
