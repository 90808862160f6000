//! One analysis from start to end — parsed files, roles and settings, through the
//! discrete table, to the PID of Y and of every model prediction Ŷ. The CLI and the
//! page's worker both call this, so they give the same numbers for the same input.

use serde::{Deserialize, Serialize};

use crate::data::{
    counts_table_from_parsed, looks_like_counts_table, Alignment, AssembleOptions, CountsColumns,
    DataError, ParsedTable, Roles, StateOrder,
};
use crate::discretize::{
    discretize, table_from_states, DiscretizeError, DiscretizeOptions, Method, ModalityStates,
    Progress, TableStats,
};
use crate::info::InfoTerms;
use crate::pid::{pid_cvx, Pid, PidError};
use crate::table::{Axis, JointTable, TableError};

/// Why an analysis could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Discretize(#[from] DiscretizeError),
    #[error(transparent)]
    Pid(#[from] PidError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("no file to analyse: add a samples CSV or a counts table")]
    NoInput,
    #[error(
        "'{file}' is a counts table (x1, x2, y, count) and cannot be combined with other files; analyse it on its own"
    )]
    CountsWithOthers { file: String },
}

/// The settings a user chooses (defaults as in the paper: 20 clusters, 5 PCA components).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisSettings {
    /// Clusters (states) per numeric modality.
    pub clusters: usize,
    /// PCA components kept per modality before clustering.
    pub pca: usize,
    /// Seed of the clustering's random start.
    pub seed: u64,
    /// Join several files on this id column instead of aligning them row by row.
    pub join_on: Option<String>,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings {
            clusters: 20,
            pca: 5,
            seed: 0,
            join_on: None,
        }
    }
}

impl AnalysisSettings {
    fn assemble_options(&self) -> AssembleOptions {
        AssembleOptions {
            alignment: match &self.join_on {
                Some(id) => Alignment::OnId(id.clone()),
                None => Alignment::ByRow,
            },
            ..AssembleOptions::default()
        }
    }

    fn discretize_options(&self) -> DiscretizeOptions {
        DiscretizeOptions {
            clusters: self.clusters,
            pca_components: self.pca,
            seed: self.seed,
            ..DiscretizeOptions::default()
        }
    }
}

/// A stage of the work, for progress bars.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Stage {
    /// Discretising one modality (standardise, PCA, k-means), or counting the table.
    Clustering(Progress),
    /// Solving the PID of one target (Y, or a Ŷ column).
    Solving { target: String },
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
}

impl ModalitySummary {
    fn of(columns: &[String], states: &ModalityStates) -> Self {
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

/// A complete analysis: the dataset's PID and each model's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// `counts` (a counts table) or `samples` (clustered samples).
    pub kind: String,
    pub names: Names,
    pub dataset: TargetAnalysis,
    /// One per Ŷ column: the model's PID (the same inputs, its predictions as target).
    pub models: Vec<TargetAnalysis>,
    pub x1: Option<ModalitySummary>,
    pub x2: Option<ModalitySummary>,
    /// Rows read, matched and dropped (samples only).
    pub report: Option<crate::data::AssemblyReport>,
    pub roles: Option<Roles>,
    pub settings: AnalysisSettings,
}

/// PID of one table, with its information terms, in bits.
pub fn analyse_target(
    name: &str,
    table: &JointTable,
    stats: Option<TableStats>,
) -> Result<TargetAnalysis, AnalysisError> {
    Ok(TargetAnalysis {
        name: name.to_string(),
        pid: pid_cvx(table)?,
        info: InfoTerms::of(table),
        table: TableView::from(table),
        stats,
    })
}

/// The analysis of a table given directly (a counts file, a built-in example, an
/// edited table): its PID and information terms, with no clustering involved.
pub fn analyse_joint_table(
    kind: &str,
    table: &JointTable,
    names: Names,
    stats: Option<TableStats>,
    settings: &AnalysisSettings,
) -> Result<Analysis, AnalysisError> {
    Ok(Analysis {
        kind: kind.to_string(),
        dataset: analyse_target(&names.y, table, stats)?,
        names,
        models: Vec::new(),
        x1: None,
        x2: None,
        report: None,
        roles: None,
        settings: settings.clone(),
    })
}

impl Names {
    /// The plain names X1, X2, Y.
    pub fn plain() -> Names {
        Names {
            x1: "X1".into(),
            x2: "X2".into(),
            y: "Y".into(),
        }
    }
}

/// Whether the parsed files form a counts table (one file with x1, x2, y, count columns).
pub fn is_counts_input(tables: &[ParsedTable]) -> bool {
    tables
        .iter()
        .any(|t| looks_like_counts_table(&t.column_names()))
}

/// Analyses parsed files: a counts table directly, samples by assembling `roles`
/// (guessed when `None`), discretising each modality and solving the PID of Y and
/// of every Ŷ column.
pub fn analyse(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    progress: &mut dyn FnMut(Stage),
) -> Result<Analysis, AnalysisError> {
    let first = tables.first().ok_or(AnalysisError::NoInput)?;
    if let Some(counts) = tables
        .iter()
        .find(|t| looks_like_counts_table(&t.column_names()))
    {
        if tables.len() > 1 {
            return Err(AnalysisError::CountsWithOthers {
                file: counts.name().to_string(),
            });
        }
        let columns = counts_columns_of(first);
        let table = counts_table_from_parsed(first, &columns, StateOrder::Natural)?;
        progress(Stage::Solving {
            target: columns.y.clone(),
        });
        let names = Names {
            x1: columns.x1,
            x2: columns.x2,
            y: columns.y,
        };
        // Sample statistics only mean something when the weights are counts, not probabilities.
        let counts = table
            .p()
            .iter()
            .all(|p| (p * table.total_weight()).fract().abs() < 1e-9);
        let stats = counts.then(|| TableStats::of_table(&table));
        return analyse_joint_table("counts", &table, names, stats, settings);
    }

    let roles = match roles {
        Some(roles) => roles.clone(),
        None => Roles::guess_tables(tables)?,
    };
    let dataset = crate::data::assemble(tables, &roles, &settings.assemble_options())?;
    // Cluster the modalities once; every target (Y, then each Ŷ) reuses the states.
    let discrete = discretize(&dataset, None, &settings.discretize_options(), &mut |p| {
        progress(Stage::Clustering(p))
    })?;
    progress(Stage::Solving {
        target: roles.y.clone(),
    });
    let dataset_result = analyse_target(&roles.y, &discrete.table, Some(discrete.stats.clone()))?;
    let mut models = Vec::with_capacity(roles.yhat.len());
    for name in &roles.yhat {
        let target = dataset.target(Some(name))?;
        let (table, stats) = table_from_states(
            [
                &discrete.x1.assignment,
                &discrete.x2.assignment,
                &target.codes,
            ],
            [
                discrete.x1.labels.clone(),
                discrete.x2.labels.clone(),
                target.levels.clone(),
            ],
            dataset.weights.as_deref(),
        )?;
        progress(Stage::Solving {
            target: name.clone(),
        });
        models.push(analyse_target(name, &table, Some(stats))?);
    }
    let (x1, x2) = (
        ModalitySummary::of(&roles.x1, &discrete.x1),
        ModalitySummary::of(&roles.x2, &discrete.x2),
    );
    Ok(Analysis {
        kind: "samples".into(),
        names: Names {
            x1: modality_name(&roles.x1, "X1"),
            x2: modality_name(&roles.x2, "X2"),
            y: roles.y.clone(),
        },
        dataset: dataset_result,
        models,
        x1: Some(x1),
        x2: Some(x2),
        report: Some(dataset.report),
        roles: Some(roles),
        settings: settings.clone(),
    })
}

/// The counts columns as the file spells them (matching is case-insensitive).
fn counts_columns_of(table: &ParsedTable) -> CountsColumns {
    let names = table.column_names();
    let spelled = |wanted: &str| {
        names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .map_or_else(|| wanted.to_string(), |n| n.to_string())
    };
    CountsColumns {
        x1: spelled("x1"),
        x2: spelled("x2"),
        y: spelled("y"),
        count: spelled("count"),
    }
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
