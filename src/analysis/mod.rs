//! One analysis from start to end — parsed files, roles and settings, through the
//! discrete table, to the PID of Y and of every model prediction Ŷ. The CLI and the
//! page's worker both call this, so they give the same numbers for the same input.

//!
//! Three rooms: this module runs the pipeline; `report.rs` holds the types the page and
//! the CLI read; `share.rs` converts an analysis to and from its share-link state.

mod fidelity;
mod gaussian;
mod notes;
mod report;
mod share;
mod sweep;
mod uncertainty;

pub use fidelity::analyse_fidelity;
pub use gaussian::{
    analyse_gaussian, GaussianAnalysis, GaussianColumns, GaussianOptions, TargetEncoding,
};
pub use notes::data_notes;
pub use report::{
    Analysis, AnalysisKind, BatchAnalysis, ModalitySummary, Names, TableView, TargetAnalysis,
};
pub use share::{open_shared, ShareMeta, SharedAnalysis};
pub use sweep::{
    nested_rows, run_sweep, sweep_dataset, sweep_plan, sweep_reading, sweep_table,
    sweep_uncertainty_counts, AtomPoint, SweepAtoms, SweepAxis, SweepPoint, SweepSetting,
    SweepTable,
};
pub use uncertainty::{estimated_uncertainty_seconds, target_uncertainty, uncertainty_samples};

use serde::{Deserialize, Serialize};

use crate::data::{
    counts_table_from_parsed, looks_like_counts_table, Alignment, AssembleOptions, ColumnData,
    CountsColumns, DataError, Dataset, Numbers, ParsedTable, Roles, StateOrder, TargetKind,
};
use crate::discretize::{
    constant_features, discretize, table_from_states, DiscretiserModel, DiscretizeError,
    DiscretizeOptions, Discretized, Normalisation, PcaMethod, Progress,
};
use crate::info::InfoTerms;
use crate::meta;
use crate::pid::batch::{
    batch_uncertainty, pid_batch, pid_batch_null, BatchConfig, BatchError, BatchPid, BatchProgress,
};
use crate::pid::{pid_cvx, PidError, SolveCost};
use crate::rigor::{RigorError, Samples, Settings as UncertaintySettings, Surrogates};
use crate::share::ShareError;
use crate::table::{JointTable, TableError, TableStats};

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
    #[error(transparent)]
    Rigor(#[from] RigorError),
    #[error(transparent)]
    Gaussian(#[from] crate::pid::gaussian::GaussianError),
    #[error(transparent)]
    Fidelity(#[from] crate::fidelity::FidelityError),
    #[error("{0}")]
    NoSampleSize(&'static str),
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
    #[error("no file to analyse: add a samples CSV or a counts table")]
    NoInput,
    #[error(
        "'{file}' is a counts table (x1, x2, y, count) and cannot be combined with other files; analyse it on its own"
    )]
    CountsWithOthers { file: String },
    #[error(
        "this table's coupling has {entries} entries (x1, x2, y) and its solver needs {megabytes:.0} MB: solving it would take about {seconds:.0} s here, more than {limit:.0} s. Fewer clusters, states or target classes make it faster; to run it anyway, ask for it explicitly (the CLI's --allow-slow, the page's Run anyway)"
    )]
    SlowSolve {
        entries: u64,
        megabytes: f64,
        seconds: f64,
        limit: f64,
    },
    #[error(
        "{rows} rows × {features} features: the analysis needs about {megabytes:.0} MB of working memory beyond the files, and the page has {available:.0} MB left (a page can use at most 4 GB). Use fewer rows or features, or the CLI (pidscope estimate), which has no such limit"
    )]
    OutOfMemory {
        rows: usize,
        features: usize,
        megabytes: f64,
        available: f64,
    },
    #[error(
        "this table has {labels} target classes: its solver would need {megabytes:.0} MB, more than the {limit:.0} MB it may use. Merge rare classes, or use fewer clusters or classes"
    )]
    SolverMemory {
        labels: u64,
        megabytes: f64,
        limit: f64,
    },
}

/// The settings a user chooses (defaults and bounds: [`crate::meta`]; the paper's
/// clustering, 20 clusters and 5 PCA components).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisSettings {
    /// Clusters (states) per numeric modality.
    pub clusters: usize,
    /// PCA components kept per modality before clustering.
    pub pca: usize,
    /// How numeric features are prepared for PCA: standardised columns, or the paper's
    /// L2-normalised rows ([`meta::Preset::Paper`]).
    pub normalisation: Normalisation,
    /// k-means runs per modality, the one of least inertia kept.
    pub restarts: usize,
    /// Seed of the clustering's random start (and of randomized PCA).
    pub seed: u64,
    /// Exact or randomized PCA; by default chosen by size ([`meta::EXACT_PCA_MAX_PRODUCTS`]).
    pub pca_method: PcaMethod,
    /// Join several files on this id column instead of aligning them row by row.
    pub join_on: Option<String>,
    /// Mixed columns (numbers and other text) read as numbers, the rest missing.
    pub numeric_columns: Vec<String>,
    /// Mixed columns read as text (categories).
    pub text_columns: Vec<String>,
    /// Bootstrap replicates behind every interval (0: none).
    pub resamples: usize,
    /// Permutations per null behind every p-value (0: none).
    pub permutations: usize,
    /// Shuffles for independent rows, circular shifts for a time series.
    pub surrogates: Surrogates,
    /// Whether a numeric Y is a class or a scalar target (auto: by its values).
    pub target_kind: TargetKind,
    /// Quantile bins of a scalar Y for CVX and BATCH.
    pub y_bins: usize,
    /// Solve even when the estimated time exceeds [`meta::SLOW_SOLVE_SECONDS`].
    pub allow_slow: bool,
    /// Memory the analysis may still allocate, in bytes, when it is bounded (the page:
    /// what the wasm heap can still grow by); an analysis estimated to need more is
    /// refused before it starts ([`check_working_memory`]). Set by the caller, never
    /// read from a user's settings.
    #[serde(skip)]
    pub memory_limit_bytes: Option<u64>,
}

impl Default for AnalysisSettings {
    fn default() -> Self {
        AnalysisSettings {
            clusters: meta::CLUSTERS.default,
            pca: meta::PCA_COMPONENTS.default,
            normalisation: Normalisation::default(),
            restarts: meta::RESTARTS.default,
            seed: meta::SEED.default,
            pca_method: PcaMethod::Auto,
            join_on: None,
            numeric_columns: Vec::new(),
            text_columns: Vec::new(),
            resamples: meta::RESAMPLES.default,
            permutations: meta::PERMUTATIONS.default,
            surrogates: Surrogates::default(),
            target_kind: TargetKind::Auto,
            y_bins: meta::Y_BINS.default,
            allow_slow: false,
            memory_limit_bytes: None,
        }
    }
}

impl AnalysisSettings {
    /// These settings with `preset`'s normalisation, PCA components, clusters and
    /// restarts (what a caller sets afterwards, such as an explicit `--pca`, wins).
    pub fn with_preset(self, preset: meta::Preset) -> Self {
        let p = preset.settings();
        AnalysisSettings {
            normalisation: p.normalisation,
            pca: p.pca,
            clusters: p.clusters,
            restarts: p.restarts,
            ..self
        }
    }

    /// The discretisation in words, for the card, the CLI and JSON:
    /// `each feature standardised → PCA 5 → k-means K = 20 (1 run)`, with
    /// `PCA 5 (randomized)` when a modality's PCA was randomized.
    pub fn preprocessing(&self, randomized_pca: bool) -> String {
        let runs = match self.restarts {
            1 => "1 run".to_string(),
            n => format!("best of {n} runs"),
        };
        let method = if randomized_pca { " (randomized)" } else { "" };
        format!(
            "{} → PCA {}{method} → k-means K = {} ({runs})",
            self.normalisation.describe(),
            self.pca,
            self.clusters
        )
    }

    /// Checks every setting against its bounds in [`crate::meta`].
    pub fn validate(&self) -> Result<(), AnalysisError> {
        let invalid = AnalysisError::InvalidSetting;
        meta::CLUSTERS
            .check("clusters", self.clusters)
            .map_err(invalid)?;
        meta::PCA_COMPONENTS
            .check("PCA components", self.pca)
            .map_err(invalid)?;
        meta::RESTARTS
            .check("k-means restarts", self.restarts)
            .map_err(invalid)?;
        meta::SEED.check("the seed", self.seed).map_err(invalid)?;
        meta::Y_BINS.check("Y bins", self.y_bins).map_err(invalid)?;
        meta::RESAMPLES
            .check("resamples", self.resamples)
            .map_err(invalid)?;
        meta::PERMUTATIONS
            .check("permutations", self.permutations)
            .map_err(invalid)?;
        Ok(())
    }

    /// The uncertainty estimate's settings: these counts and surrogates, the analysis's
    /// seed, the rest at their measured defaults (docs/rigor.md).
    pub fn uncertainty(&self) -> UncertaintySettings {
        UncertaintySettings {
            resamples: self.resamples,
            permutations: self.permutations,
            seed: self.seed,
            surrogates: self.surrogates,
            ..UncertaintySettings::default()
        }
    }

    pub(crate) fn assemble_options(&self) -> AssembleOptions {
        AssembleOptions {
            alignment: match &self.join_on {
                Some(id) => Alignment::OnId(id.clone()),
                None => Alignment::ByRow,
            },
            numeric_columns: self.numeric_columns.clone(),
            text_columns: self.text_columns.clone(),
            target_kind: self.target_kind,
            y_bins: self.y_bins,
            ..AssembleOptions::default()
        }
    }

    fn discretize_options(&self) -> DiscretizeOptions {
        DiscretizeOptions {
            clusters: self.clusters,
            pca_components: self.pca,
            seed: self.seed,
            normalisation: self.normalisation,
            restarts: self.restarts,
            pca_method: self.pca_method,
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

/// PID of one table, with its information terms, in bits.
///
/// `samples` are the rows the table was counted from, kept (not serialised) for the
/// uncertainty estimate; for a counts table they are its whole counts expanded.
pub fn analyse_target(
    name: &str,
    table: &JointTable,
    stats: Option<TableStats>,
    samples: Option<Samples>,
) -> Result<TargetAnalysis, AnalysisError> {
    Ok(TargetAnalysis {
        name: name.to_string(),
        pid: pid_cvx(table)?,
        info: InfoTerms::of(table),
        table: TableView::from(table),
        stats,
        samples,
        uncertainty: None,
        uncertainty_note: None,
    })
}

/// Refuses a solve estimated to take longer than [`meta::SLOW_SOLVE_SECONDS`] unless
/// `settings.allow_slow`, and one whose solver needs more than
/// [`meta::SOLVER_MEMORY_MB`] in any case: the cost is known from the table before
/// solving.
pub fn check_solve_cost(
    table: &JointTable,
    settings: &AnalysisSettings,
) -> Result<(), AnalysisError> {
    let cost = SolveCost::of(table);
    let megabytes = cost.preconditioner_bytes() as f64 / 1e6;
    if megabytes > meta::SOLVER_MEMORY_MB {
        return Err(AnalysisError::SolverMemory {
            labels: cost.labels,
            megabytes,
            limit: meta::SOLVER_MEMORY_MB,
        });
    }
    let seconds = cost.seconds();
    if seconds > meta::SLOW_SOLVE_SECONDS && !settings.allow_slow {
        return Err(AnalysisError::SlowSolve {
            entries: cost.entries,
            megabytes,
            seconds,
            limit: meta::SLOW_SOLVE_SECONDS,
        });
    }
    Ok(())
}

/// The analysis of a table given directly (a counts file, a built-in example, an
/// edited table): its PID and information terms, with no clustering involved.
pub fn analyse_joint_table(
    kind: AnalysisKind,
    table: &JointTable,
    names: Names,
    stats: Option<TableStats>,
    settings: &AnalysisSettings,
) -> Result<Analysis, AnalysisError> {
    check_solve_cost(table, settings)?;
    Ok(Analysis {
        kind,
        // Whole counts are samples: expanded to rows, they carry the uncertainty.
        dataset: analyse_target(
            &names.y,
            table,
            stats.clone(),
            stats.and_then(|_| Samples::from_table(table).ok()),
        )?,
        names,
        models: Vec::new(),
        notes: Vec::new(),
        x1: None,
        x2: None,
        report: None,
        roles: None,
        settings: settings.clone(),
        preprocessing: None,
        example: None,
    })
}

/// Whether the parsed files form a counts table (one file with x1, x2, y, count columns).
pub fn is_counts_input(tables: &[ParsedTable]) -> bool {
    counts_file(tables).is_some()
}

/// The first of the files that is a counts table.
fn counts_file(tables: &[ParsedTable]) -> Option<&ParsedTable> {
    tables
        .iter()
        .find(|t| looks_like_counts_table(&t.column_names()))
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
    settings.validate()?;
    if let Some(counts) = counts_file(tables) {
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
        let stats = sample_stats(&table);
        return analyse_joint_table(AnalysisKind::Counts, &table, names, stats, settings);
    }

    let Fitted {
        roles,
        dataset,
        discrete,
        ..
    } = fit(tables, roles, settings, progress)?;
    check_solve_cost(&discrete.table, settings)?;
    progress(Stage::Solving {
        target: roles.y.clone(),
    });
    let weights = dataset.weights.as_deref();
    let rows = |codes: &[u32], ny: usize| {
        let (x1, x2) = (&discrete.x1.assignment, &discrete.x2.assignment);
        let shape = [discrete.x1.labels.len(), discrete.x2.labels.len(), ny];
        Samples::new(shape, x1, x2, codes, weights)
    };
    let y = dataset.target(None)?;
    let dataset_result = analyse_target(
        &roles.y,
        &discrete.table,
        Some(discrete.stats.clone()),
        Some(rows(&y.codes, y.levels.len())?),
    )?;
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
        let samples = rows(&target.codes, target.levels.len())?;
        models.push(analyse_target(name, &table, Some(stats), Some(samples))?);
    }
    let (x1, x2) = (
        ModalitySummary::of(&roles.x1, &discrete.x1),
        ModalitySummary::of(&roles.x2, &discrete.x2),
    );
    Ok(Analysis {
        kind: AnalysisKind::Samples,
        names: Names::of_roles(&roles.x1, &roles.x2, &roles.y),
        dataset: dataset_result,
        models,
        notes: data_notes(
            Some(&dataset.report),
            &[
                ("X1", &discrete.x1.constant_features),
                ("X2", &discrete.x2.constant_features),
            ],
        ),
        x1: Some(x1),
        x2: Some(x2),
        report: Some(dataset.report),
        roles: Some(roles),
        preprocessing: [&discrete.x1, &discrete.x2]
            .iter()
            .any(|m| m.method == crate::discretize::Method::KMeans)
            .then(|| {
                settings.preprocessing(discrete.x1.pca_randomized || discrete.x2.pca_randomized)
            }),
        settings: settings.clone(),
        example: None,
    })
}

/// Samples files discretised: the roles, the assembled rows, their states and the
/// fitted discretiser that gives those states (what `pidscope fit` saves).
#[derive(Debug, Clone)]
pub struct Fitted {
    pub roles: Roles,
    pub dataset: Dataset,
    pub discrete: Discretized,
    pub model: DiscretiserModel,
}

/// Assembles samples files and discretises them once (every target, Y then each Ŷ,
/// reuses the states): the first half of [`analyse`], which the saved model of
/// `pidscope fit` comes from, so the model is the analysis's own discretiser.
pub fn fit(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    progress: &mut dyn FnMut(Stage),
) -> Result<Fitted, AnalysisError> {
    let (roles, dataset) = samples_dataset(
        tables,
        roles,
        settings,
        "there are no rows to fit a discretiser to",
    )?;
    let options = settings.discretize_options();
    let discrete = discretize(&dataset, None, &options, &mut |p| {
        progress(Stage::Clustering(p))
    })?;
    let model = DiscretiserModel::of(&dataset, &discrete, &options, roles.weight.as_deref())
        .map_err(|e| DiscretizeError::Model(e.to_string()))?;
    Ok(Fitted {
        roles,
        dataset,
        discrete,
        model,
    })
}

/// The roles (given, or guessed) and the assembled rows of samples files, after checking
/// the settings; a counts table is refused, saying `why_not` it cannot serve.
pub(crate) fn samples_dataset(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    why_not: &str,
) -> Result<(Roles, Dataset), AnalysisError> {
    settings.validate()?;
    if let Some(counts) = counts_file(tables) {
        return Err(AnalysisError::InvalidSetting(format!(
            "'{}' is a counts table: {why_not}",
            counts.name()
        )));
    }
    roles_and_rows(tables, roles, settings, WorkingCopies::Cvx)
}

/// Working copies of the features, in f64 (8 bytes per value), that an estimator makes
/// beyond the assembled rows: BATCH, the fidelity check and the Gaussian estimator
/// widen every feature and standardise it (measured as a peak of 2.5× the features' 8
/// bytes per number, parse included, on 50,000 rows × (768 + 768) before float32
/// storage; docs/scale.md). CVX standardises as PCA reads the rows and holds no copy;
/// with rows L2-normalised (the paper's preset) it holds the normalised and the centred
/// rows, and first widens float32 features: at most three.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WorkingCopies {
    /// CVX's discretisation.
    Cvx,
    /// Estimators that read every feature as f64.
    Widened,
}

impl WorkingCopies {
    fn f64_copies(self, settings: &AnalysisSettings) -> f64 {
        match (self, settings.normalisation) {
            (WorkingCopies::Cvx, Normalisation::StandardiseColumns) => 0.0,
            (WorkingCopies::Cvx, Normalisation::NormaliseRows) => 3.0,
            (WorkingCopies::Widened, _) => 1.5,
        }
    }
}

/// The roles and assembled rows of the files for an estimator that widens every feature (BATCH):
/// the settings checked, the roles given or guessed, the memory checked.
fn widened_dataset(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
) -> Result<(Roles, Dataset), AnalysisError> {
    if tables.is_empty() {
        return Err(AnalysisError::NoInput);
    }
    settings.validate()?;
    roles_and_rows(tables, roles, settings, WorkingCopies::Widened)
}

/// The roles (given, or guessed) and the rows assembled with them, once the memory the
/// estimator needs is checked.
fn roles_and_rows(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    copies: WorkingCopies,
) -> Result<(Roles, Dataset), AnalysisError> {
    let roles = resolve_roles(tables, roles, settings)?;
    let options = settings.assemble_options();
    let dataset = assemble_within_memory(tables, &roles, settings, &options, copies)?;
    Ok((roles, dataset))
}

/// The assembled rows, after [`check_working_memory`].
pub(crate) fn assemble_within_memory(
    tables: &[ParsedTable],
    roles: &Roles,
    settings: &AnalysisSettings,
    options: &crate::data::AssembleOptions,
    copies: WorkingCopies,
) -> Result<Dataset, AnalysisError> {
    check_working_memory(tables, roles, settings, copies)?;
    Ok(crate::data::assemble(tables, roles, options)?)
}

/// Refuses an analysis of samples whose memory beyond the parsed files exceeds
/// `settings.memory_limit_bytes`, before anything is allocated: the assembled features
/// (float32 columns read in their rows' order with no missing value are shared with
/// the file, every other column is copied: rows × 4 or 8 bytes) plus the estimator's
/// working copies ([`WorkingCopies`], rows × features × 8 bytes each).
pub fn check_working_memory(
    tables: &[ParsedTable],
    roles: &Roles,
    settings: &AnalysisSettings,
    copies: WorkingCopies,
) -> Result<(), AnalysisError> {
    let Some(limit) = settings.memory_limit_bytes else {
        return Ok(());
    };
    let rows = tables.iter().map(ParsedTable::rows).max().unwrap_or(0);
    let features = roles.x1.len() + roles.x2.len();
    // By name once: a wide file's roles name tens of thousands of columns.
    let mut by_name = std::collections::HashMap::new();
    for column in tables.iter().flat_map(|t| t.columns()) {
        // The first file's column of a name, as assembling picks it.
        by_name.entry(column.name.as_str()).or_insert(column);
    }
    // A role names a column, or `FILE::column` (as assembling reads it).
    let lookup = |name: &str| {
        let qualified = name.split_once("::").and_then(|(file, column)| {
            let table = tables.iter().find(|t| t.name() == file)?;
            table.columns().iter().find(|c| c.name == column)
        });
        qualified.or_else(|| by_name.get(name).copied())
    };
    let assembled: usize = roles
        .x1
        .iter()
        .chain(&roles.x2)
        .map(|name| match lookup(name).map(|c| (&c.data, c.missing)) {
            Some((ColumnData::Numeric(Numbers::F32(_)), 0)) if settings.join_on.is_none() => 0,
            Some((ColumnData::Numeric(Numbers::F32(_)), _)) => rows * 4,
            _ => rows * 8,
        })
        .sum();
    let needed = assembled as f64 + copies.f64_copies(settings) * (rows * features * 8) as f64;
    if needed > limit as f64 {
        return Err(AnalysisError::OutOfMemory {
            rows,
            features,
            megabytes: needed / 1e6,
            available: limit as f64 / 1e6,
        });
    }
    Ok(())
}

/// The roles given, or guessed from the column names when `None` (never the column
/// the files are joined on).
pub(crate) fn resolve_roles(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
) -> Result<Roles, AnalysisError> {
    Ok(match roles {
        Some(roles) => roles.clone(),
        None => Roles::guess_joined(tables, settings.join_on.as_deref())?,
    })
}

/// Whether a weight is a whole number of samples (to a relative 1e-6, since weights
/// pass through probabilities times a total).
pub(crate) fn is_whole(count: f64) -> bool {
    (count - count.round()).abs() <= 1e-6 * count.abs().max(1.0)
}

/// The samples-per-cell statistics of a table whose weights are whole counts; `None`
/// for a table of probabilities, which has no sample size.
pub(crate) fn sample_stats(table: &JointTable) -> Option<TableStats> {
    let total = table.total_weight();
    let whole = total > 1.0 && table.p().iter().all(|&p| is_whole(p * total));
    whole.then(|| TableStats::of_table(table))
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

/// Analyses parsed files with the neural BATCH estimator on the continuous features
/// (no clustering): roles as for [`analyse`], guessed when `None`.
pub fn analyse_batch(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    config: &BatchConfig,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchAnalysis, AnalysisError> {
    let (roles, dataset) = widened_dataset(tables, roles, settings)?;
    // A model's own probabilities, when their columns are given, replace the classifiers.
    let pid = pid_batch(
        &dataset,
        None,
        dataset.conditionals.as_ref(),
        config,
        progress,
    )?;
    Ok(BatchAnalysis {
        kind: AnalysisKind::Batch,
        names: Names::of_roles(&roles.x1, &roles.x2, &roles.y),
        uncertainty: batch_uncertainty(&pid, &[], meta::SIGNIFICANCE_LEVEL),
        estimate_notes: pid.notes(config),
        dataset: pid,
        notes: data_notes(
            Some(&dataset.report),
            &[
                ("X1", &constant_features(&dataset.x1)),
                ("X2", &constant_features(&dataset.x2)),
            ],
        ),
        report: dataset.report,
        roles,
        config: config.clone(),
    })
}

/// Shuffled-label run `index` of the analysis [`analyse_batch`] makes with these
/// arguments: the same training with Y shuffled (seeded by the settings' seed and
/// `index`), whose estimate is BATCH's bias floor. `None` when a model's own
/// probabilities stand in for the classifiers (they cannot be shuffled with Y).
pub fn analyse_batch_null(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    config: &BatchConfig,
    index: u64,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<Option<BatchPid>, AnalysisError> {
    let (_, dataset) = widened_dataset(tables, roles, settings)?;
    if dataset.conditionals.is_some() {
        return Ok(None);
    }
    let seed =
        crate::rng::SplitMix64::new(settings.seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .next_u64();
    Ok(Some(pid_batch_null(&dataset, config, seed, progress)?))
}
