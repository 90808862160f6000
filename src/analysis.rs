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
    Progress,
};
use crate::info::InfoTerms;
use crate::pid::batch::{pid_batch, BatchConfig, BatchError, BatchPid, BatchProgress};
use crate::pid::{pid_cvx, Pid, PidError};
use crate::share::{
    results_agree, CountTable, Estimator, PidResults, Settings as ShareSettings, ShareError,
    ShareRoles, ShareState, Source, Units,
};
use crate::table::{Axis, JointTable, TableError, TableStats};

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
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Batch(#[from] BatchError),
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
    /// The gallery example analysed, for `example` analyses.
    #[serde(default)]
    pub example: Option<String>,
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
        example: None,
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
        example: None,
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

/// What a share link carries besides the analysis itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShareMeta {
    pub title: Option<String>,
    pub note: Option<String>,
    /// `bits` or `nats`: the unit the numbers were shown in.
    pub units: Option<String>,
    /// Names of the analysed files (never their contents).
    pub files: Vec<String>,
}

impl PidResults {
    fn of(pid: &Pid) -> PidResults {
        PidResults {
            redundancy: pid.redundancy,
            unique1: pid.unique1,
            unique2: pid.unique2,
            synergy: pid.synergy,
            mi_x1_y: pid.mi_x1_y,
            mi_x2_y: pid.mi_x2_y,
            mi_joint: pid.mi_joint,
            certificate_bits: Some(pid.certificate_bits),
        }
    }
}

/// The weights to share: whole counts when the table was built from counts (short
/// links), else the probabilities.
fn shared_weights(table: &TableView) -> Vec<f64> {
    let counts: Vec<f64> = table.p.iter().map(|p| p * table.total).collect();
    let whole = counts
        .iter()
        .all(|c| (c - c.round()).abs() < 1e-6 * c.max(1.0));
    if whole {
        counts.iter().map(|c| c.round()).collect()
    } else {
        table.p.clone()
    }
}

impl Analysis {
    /// The share-link state of this analysis: its discrete table (never raw rows), the
    /// settings and roles, and the results as shown.
    pub fn to_share_state(&self, meta: &ShareMeta) -> ShareState {
        let table = &self.dataset.table;
        let counts = CountTable {
            shape: table.shape,
            labels: table.labels.clone(),
            weights: shared_weights(table),
        };
        let source = match (self.kind.as_str(), &self.example) {
            ("example", Some(name)) => Source::Example { name: name.clone() },
            ("edited", base) => Source::EditedTable {
                base_example: base.clone(),
                table: counts,
            },
            _ => Source::Table(counts),
        };
        let clustered = self.kind == "samples";
        let clusters = self.settings.clusters.min(u32::MAX as usize) as u32;
        ShareState {
            source,
            settings: ShareSettings {
                estimator: Some(Estimator::Cvx),
                clusters: clustered.then_some([clusters, clusters]),
                pca_components: clustered
                    .then_some(self.settings.pca.min(u32::MAX as usize) as u32),
                seed: clustered.then_some(self.settings.seed),
                units: match meta.units.as_deref() {
                    Some("nats") => Some(Units::Nats),
                    Some("bits") => Some(Units::Bits),
                    _ => None,
                },
                roles: self.roles.as_ref().map(|r| ShareRoles {
                    x1: r.x1.clone(),
                    x2: r.x2.clone(),
                    y: r.y.clone(),
                    yhat: r.yhat.clone(),
                    weight: r.weight.clone(),
                }),
                files: meta.files.clone(),
            },
            title: meta.title.clone(),
            note: meta.note.clone(),
            results: PidResults::of(&self.dataset.pid),
            model: self.models.first().map(|m| PidResults::of(&m.pid)),
        }
    }
}

/// A shared analysis opened again: recomputed from its table and checked against
/// the numbers the link carried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedAnalysis {
    /// The analysis recomputed from the shared table.
    pub analysis: Analysis,
    /// The results as stored in the link.
    pub stored: PidResults,
    /// The model's results as stored (not recomputable: the link has no model table).
    pub stored_model: Option<PidResults>,
    /// Every number that differs from the stored one beyond the tolerance, in words.
    pub mismatches: Vec<String>,
    /// The tolerance used, in bits.
    pub tolerance_bits: f64,
    pub title: Option<String>,
    pub note: Option<String>,
    pub units: Option<String>,
    pub files: Vec<String>,
}

/// Recomputes a shared analysis from its table and compares it with the stored
/// results (agreeing to within both certificates, and never looser than 1e-6 bits).
pub fn open_shared(state: &ShareState) -> Result<SharedAnalysis, AnalysisError> {
    let table = state.table()?;
    let (kind, example) = match &state.source {
        Source::Example { name } => ("example", Some(name.clone())),
        Source::EditedTable { base_example, .. } => ("edited", base_example.clone()),
        Source::Table(_) => ("shared", None),
    };
    let names = match &state.settings.roles {
        Some(roles) => Names {
            x1: modality_name(&roles.x1, "X1"),
            x2: modality_name(&roles.x2, "X2"),
            y: if roles.y.is_empty() {
                "Y".into()
            } else {
                roles.y.clone()
            },
        },
        None => Names::plain(),
    };
    let stats = state
        .table()
        .ok()
        .filter(|t| {
            t.p()
                .iter()
                .all(|p| (p * t.total_weight()).fract().abs() < 1e-9)
                && t.total_weight() > 1.0
        })
        .map(|t| TableStats::of_table(&t));
    let mut analysis =
        analyse_joint_table(kind, &table, names, stats, &AnalysisSettings::default())?;
    analysis.example = example;
    if let Some(clusters) = state.settings.clusters {
        analysis.settings.clusters = clusters[0] as usize;
    }
    if let Some(pca) = state.settings.pca_components {
        analysis.settings.pca = pca as usize;
    }
    if let Some(seed) = state.settings.seed {
        analysis.settings.seed = seed;
    }
    let recomputed = PidResults::of(&analysis.dataset.pid);
    let tolerance_bits = (state.results.certificate_bits.unwrap_or(0.0)
        + analysis.dataset.pid.certificate_bits)
        .max(1e-6);
    let mismatches = match results_agree(&state.results, &recomputed, tolerance_bits) {
        Ok(()) => Vec::new(),
        Err(list) => list.iter().map(|m| m.to_string()).collect(),
    };
    Ok(SharedAnalysis {
        analysis,
        stored: state.results,
        stored_model: state.model,
        mismatches,
        tolerance_bits,
        title: state.title.clone(),
        note: state.note.clone(),
        units: state.settings.units.map(|u| match u {
            Units::Bits => "bits".to_string(),
            Units::Nats => "nats".to_string(),
        }),
        files: state.settings.files.clone(),
    })
}

/// The BATCH estimate of one target, with the names it was computed for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchAnalysis {
    pub names: Names,
    /// The atoms in bits (negatives clipped to 0; the raw values are kept inside).
    pub dataset: BatchPid,
    pub report: crate::data::AssemblyReport,
    pub roles: Roles,
    pub config: BatchConfig,
}

/// Analyses parsed files with the neural BATCH estimator on the continuous features
/// (no clustering): roles as for [`analyse`], guessed when `None`.
pub fn analyse_batch(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    config: &BatchConfig,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchAnalysis, AnalysisError> {
    if tables.is_empty() {
        return Err(AnalysisError::NoInput);
    }
    let roles = match roles {
        Some(roles) => roles.clone(),
        None => Roles::guess_tables(tables)?,
    };
    let dataset = crate::data::assemble(tables, &roles, &settings.assemble_options())?;
    // A model's own probabilities, when their columns are given, replace the classifiers.
    let pid = pid_batch(
        &dataset,
        None,
        dataset.conditionals.as_ref(),
        config,
        progress,
    )?;
    Ok(BatchAnalysis {
        names: Names {
            x1: modality_name(&roles.x1, "X1"),
            x2: modality_name(&roles.x2, "X2"),
            y: roles.y.clone(),
        },
        dataset: pid,
        report: dataset.report,
        roles,
        config: config.clone(),
    })
}
