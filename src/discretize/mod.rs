//! From a [`Dataset`] of samples to a discrete [`JointTable`]: the paper's pipeline
//! (DESIGN §4) of standardising each modality's numeric features, projecting them on
//! their first principal components and clustering them with k-means.
//!
//! Per modality:
//! - a categorical modality passes through: its categories are the states;
//! - numeric features are standardised (or, with [`Normalisation::NormaliseRows`], each
//!   row scaled to unit length and each column centred, as the paper's code does;
//!   `normalise.rs`) (weighted mean 0, s.d. 1, invariant to the
//!   feature's scale and offset; features with one value only are dropped and named in
//!   [`ModalityStates::constant_features`]), projected on the first `pca_components` principal components (fewer when
//!   there are fewer features; Jacobi eigen-decomposition of the covariance up to
//!   [`JACOBI_MAX_DIMENSION`] features, subspace iteration beyond), and clustered into at most `clusters` states by
//!   Lloyd's k-means with k-means++ seeding from a seeded [`SplitMix64`](crate::rng::SplitMix64),
//!   the best of [`DiscretizeOptions::restarts`] runs by inertia ([`kmeans_best_of`]);
//! - optionally a single numeric feature is cut into weighted quantile bins instead.
//!
//! Clusters are numbered by first appearance in row order and named `c0, c1, …`;
//! quantile bins are named by the range of their values. With fewer distinct points
//! than `clusters`, every distinct point is its own state.
//!
//! **Determinism.** All arithmetic is plain `f64` loops in a fixed order (no BLAS, no
//! fused multiply-add, no threads, only `sqrt` among the library functions), so the
//! same seed gives the same clusters natively and in WebAssembly.
//!
//! The table comes with its [`TableStats`] (reliability of the plug-in estimate).

mod kmeans;
mod model;
mod normalise;
mod pca;
mod quantile;
pub mod sql;
mod standardise;

pub use kmeans::{kmeans, kmeans_best_of, restart_seeds, KMeansResult};
pub use model::{
    Centre, DiscretiserModel, Feature, FeatureSource, ModalityModel, ModalityRule, ModelError,
    TargetModel, MODEL_FORMAT, MODEL_VERSION,
};
pub use normalise::{centre_features, normalise_rows, row_divisor};
pub use pca::{FeatureTiles, Pca, PcaMethod, JACOBI_MAX_DIMENSION, RANDOMIZED_PASSES};
pub use standardise::{
    standardise, standardise_features, standardise_lazily, LazyStandardised, Standardised,
    Standardiser,
};

use quantile::quantile_states;

use crate::data::{DataError, Dataset, Labels, Modality, ModalityFeatures, Numbers};
use crate::table::{Axis, JointTable, TableError, TableStats};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What to do with a modality that is a single numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SingleColumnMethod {
    /// Cluster it like any other numeric modality.
    #[default]
    KMeans,
    /// Cut it into (weighted) quantile bins.
    QuantileBins,
}

/// How a numeric modality's features are prepared for PCA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// Each feature (column) to weighted mean 0 and s.d. 1: invariant to every
    /// feature's units (pidscope's default).
    #[default]
    StandardiseColumns,
    /// Each sample (row) to unit L2 length, then each column centred (the paper's
    /// released code: scikit-learn's `normalize` before PCA; [`normalise_rows`]).
    NormaliseRows,
}

impl Normalisation {
    /// Every choice, in the order the page offers them.
    pub const ALL: [Normalisation; 2] = [
        Normalisation::StandardiseColumns,
        Normalisation::NormaliseRows,
    ];

    /// What it does, in a few words, for the card and the CLI.
    pub fn describe(self) -> &'static str {
        match self {
            Normalisation::StandardiseColumns => "each feature standardised",
            Normalisation::NormaliseRows => "each row L2-normalised (the paper's code)",
        }
    }
}

/// Settings of the discretisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscretizeOptions {
    /// Principal components kept per modality (the paper: 5; 2 on its synthetic sets).
    pub pca_components: usize,
    /// Clusters (states) per numeric modality (the paper: 20).
    pub clusters: usize,
    pub seed: u64,
    /// Cap on Lloyd iterations.
    pub max_iterations: usize,
    pub single_column: SingleColumnMethod,
    /// How numeric features are prepared for PCA (older saved models: standardised).
    #[serde(default)]
    pub normalisation: Normalisation,
    /// k-means runs from different seeds, the one of least inertia kept (the paper's
    /// scikit-learn: 10); older saved models: 1.
    #[serde(default = "one")]
    pub restarts: usize,
    /// Exact or randomized PCA (older saved settings: chosen by size).
    #[serde(default)]
    pub pca_method: PcaMethod,
}

fn one() -> usize {
    1
}

impl Default for DiscretizeOptions {
    fn default() -> Self {
        DiscretizeOptions {
            pca_components: 5,
            clusters: 20,
            seed: 0x5EED,
            max_iterations: 100,
            single_column: SingleColumnMethod::KMeans,
            normalisation: Normalisation::StandardiseColumns,
            restarts: 1,
            pca_method: PcaMethod::Auto,
        }
    }
}

/// Largest number of numeric features in one modality: the covariance matrix and its
/// Jacobi eigen-decomposition grow with the square and cube of it.
pub const MAX_FEATURES: usize = 1024;

/// Why discretisation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscretizeError {
    #[error("there are no samples to discretise")]
    NoSamples,
    #[error(
        "{modality} has {features} numeric features; at most {limit} can be reduced by PCA here"
    )]
    TooManyFeatures {
        modality: Axis,
        features: usize,
        limit: usize,
    },
    #[error("invalid setting: {0}")]
    InvalidOption(&'static str),
    #[error("{what} has {found} values but there are {expected} samples")]
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("cannot build the table: {0}")]
    Table(#[from] TableError),
    #[error("{0}")]
    Model(String),
}

/// A stage of the work, reported through the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum DiscretizeStage {
    Standardise,
    /// PCA, at pass `pass` (from 1) of `passes` over the rows (randomized PCA makes
    /// several; the exact one a single pass, then its eigenvectors).
    Pca {
        pass: usize,
        passes: usize,
    },
    Seeding,
    Lloyd {
        iteration: usize,
        max_iterations: usize,
    },
    QuantileBins,
    Table,
}

/// One progress report: which modality (Y for the final table) and which stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub modality: Axis,
    #[serde(flatten)]
    pub stage: DiscretizeStage,
}

/// How a modality's states were made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Categorical,
    KMeans,
    QuantileBins,
}

/// The states of one modality and how every sample was assigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModalityStates {
    pub method: Method,
    /// Name of every state, in table order.
    pub labels: Vec<String>,
    /// The state of every sample.
    pub assignment: Vec<u32>,
    /// Names of the numeric features (empty for a categorical modality).
    pub feature_names: Vec<String>,
    /// Features left out because every sample has the same value (they carry no
    /// information; a caller should say so).
    #[serde(default)]
    pub constant_features: Vec<String>,
    /// Per state: the (weighted) mean of its samples' original features.
    pub centres: Vec<Vec<f64>>,
    /// Per state: its centre in PCA space (empty unless k-means was used).
    pub pca_centres: Vec<Vec<f64>>,
    /// Variance of the prepared (standardised, or row-normalised and centred) features
    /// along each kept component.
    pub explained_variance: Vec<f64>,
    /// Total variance of the prepared features (standardised: the number of non-constant
    /// ones).
    pub total_variance: f64,
    /// Whether PCA was randomized ([`PcaMethod`]).
    #[serde(default)]
    pub pca_randomized: bool,
    /// Lloyd iterations run, and whether the assignment stopped changing.
    pub iterations: usize,
    pub converged: bool,
    /// The rule that gave `assignment`, for the saved model ([`DiscretiserModel`]);
    /// not sent to the page.
    #[serde(skip)]
    pub rule: Option<ModalityRule>,
}

impl ModalityStates {
    /// States without clustering details (filled in by the caller where they exist).
    fn new(method: Method, labels: Vec<String>, assignment: Vec<u32>) -> Self {
        ModalityStates {
            method,
            labels,
            assignment,
            feature_names: Vec::new(),
            constant_features: Vec::new(),
            centres: Vec::new(),
            pca_centres: Vec::new(),
            explained_variance: Vec::new(),
            total_variance: 0.0,
            pca_randomized: false,
            iterations: 0,
            converged: true,
            rule: None,
        }
    }
}

/// The result of [`discretize`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discretized {
    pub table: JointTable,
    pub x1: ModalityStates,
    pub x2: ModalityStates,
    pub stats: TableStats,
}

/// Discretises both modalities of `dataset` and counts the joint table against Y, or
/// against the Ŷ column named `prediction`.
pub fn discretize(
    dataset: &Dataset,
    prediction: Option<&str>,
    options: &DiscretizeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Discretized, DiscretizeError> {
    if options.clusters == 0 {
        return Err(DiscretizeError::InvalidOption(
            "clusters must be at least 1",
        ));
    }
    if options.pca_components == 0 {
        return Err(DiscretizeError::InvalidOption(
            "PCA components must be at least 1",
        ));
    }
    let target = dataset.target(prediction)?;
    let samples = target.codes.len();
    if samples == 0 {
        return Err(DiscretizeError::NoSamples);
    }
    let weights = dataset.weights.as_deref();
    // A Dataset can be built by hand: check lengths so no index can go out of range.
    if let Some(w) = weights {
        check_length("the weight column", w.len(), samples)?;
    }
    for (axis, modality) in [(Axis::X1, &dataset.x1), (Axis::X2, &dataset.x2)] {
        if let ModalityFeatures::Categorical(labels) = &modality.features {
            check_length(
                &format!("{axis} '{}'", labels.name),
                labels.codes.len(),
                samples,
            )?;
        }
    }
    let x1 = discretize_modality(&dataset.x1, Axis::X1, samples, weights, options, progress)?;
    let x2 = discretize_modality(&dataset.x2, Axis::X2, samples, weights, options, progress)?;
    progress(Progress {
        modality: Axis::Y,
        stage: DiscretizeStage::Table,
    });
    let (table, stats) = table_from_states(
        [&x1.assignment, &x2.assignment, &target.codes],
        [x1.labels.clone(), x2.labels.clone(), target.levels.clone()],
        weights,
    )?;
    Ok(Discretized {
        table,
        x1,
        x2,
        stats,
    })
}

fn check_length(what: &str, found: usize, expected: usize) -> Result<(), DiscretizeError> {
    if found == expected {
        Ok(())
    } else {
        Err(DiscretizeError::LengthMismatch {
            what: what.to_string(),
            expected,
            found,
        })
    }
}

/// Counts samples into a labelled table: `states` are each sample's state of X1, X2
/// and Y, `labels` the state names. Returns the (weighted) table and the statistics
/// of the unweighted sample counts.
pub fn table_from_states(
    states: [&[u32]; 3],
    labels: [Vec<String>; 3],
    weights: Option<&[f64]>,
) -> Result<(JointTable, TableStats), DiscretizeError> {
    let shape = [labels[0].len(), labels[1].len(), labels[2].len()];
    let cells = shape.iter().map(|&n| n as u128).product::<u128>();
    if cells > crate::table::MAX_CELLS as u128 {
        return Err(TableError::TooLarge {
            shape,
            cells,
            max: crate::table::MAX_CELLS,
        }
        .into());
    }
    let samples = states[2].len();
    for (axis, s) in [Axis::X1, Axis::X2].into_iter().zip(&states[..2]) {
        check_length(&format!("the {axis} states"), s.len(), samples)?;
    }
    if let Some(w) = weights {
        check_length("the weight column", w.len(), samples)?;
    }
    let mut counts = vec![0.0; cells as usize];
    let mut weighted = weights.map(|_| vec![0.0; cells as usize]);
    for i in 0..states[2].len() {
        let [x1, x2, y] = states.map(|s| s[i] as usize);
        if x1 >= shape[0] || x2 >= shape[1] || y >= shape[2] {
            return Err(DiscretizeError::InvalidOption(
                "a state code exceeds its labels",
            ));
        }
        let cell = (x1 * shape[1] + x2) * shape[2] + y;
        counts[cell] += 1.0;
        if let (Some(w), Some(acc)) = (weights, weighted.as_mut()) {
            acc[cell] += w[i];
        }
    }
    let stats = TableStats::from_counts(shape, &counts);
    let table = JointTable::from_weights(shape, weighted.unwrap_or(counts))?.with_labels(labels)?;
    Ok((table, stats))
}

fn discretize_modality(
    modality: &Modality,
    axis: Axis,
    samples: usize,
    weights: Option<&[f64]>,
    options: &DiscretizeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ModalityStates, DiscretizeError> {
    match &modality.features {
        ModalityFeatures::Categorical(Labels {
            codes,
            levels,
            name,
        }) => Ok(ModalityStates {
            rule: Some(ModalityRule::Categorical {
                // One column: its name as the data names it; several: each role's column.
                sources: match modality.columns.as_slice() {
                    [_] => vec![name.clone()],
                    many => many
                        .iter()
                        .map(|c| model::plain_column(c).to_string())
                        .collect(),
                },
            }),
            ..ModalityStates::new(Method::Categorical, levels.clone(), codes.clone())
        }),
        ModalityFeatures::Numeric { names, columns } => {
            if columns.len() > MAX_FEATURES {
                return Err(DiscretizeError::TooManyFeatures {
                    modality: axis,
                    features: columns.len(),
                    limit: MAX_FEATURES,
                });
            }
            if names.len() != columns.len() {
                return Err(DiscretizeError::LengthMismatch {
                    what: format!("the list of {axis} feature names"),
                    expected: columns.len(),
                    found: names.len(),
                });
            }
            for (name, column) in names.iter().zip(columns) {
                check_length(&format!("{axis} feature '{name}'"), column.len(), samples)?;
            }
            let mut report = |stage| {
                progress(Progress {
                    modality: axis,
                    stage,
                })
            };
            let mut states = if columns.len() == 1
                && options.single_column == SingleColumnMethod::QuantileBins
            {
                report(DiscretizeStage::QuantileBins);
                let column = columns[0].to_f64();
                let mut states = quantile_states(&column, weights, options.clusters);
                states.rule = Some(ModalityRule::QuantileBins {
                    column: names[0].clone(),
                    upper: model::bin_upper_ends(&column, &states.assignment, states.labels.len()),
                });
                states
            } else {
                let sources = model::feature_sources(&modality.columns, names);
                cluster_states(columns, names, sources, weights, options, &mut report)
            };
            states.feature_names = names.clone();
            states.constant_features = names
                .iter()
                .zip(columns)
                .filter(|(_, c)| standardise::is_constant(c.iter(), weights))
                .map(|(name, _)| name.clone())
                .collect();
            Ok(states)
        }
    }
}

/// The numeric features of `modality` with one value only: what standardising leaves
/// out (BATCH's, unweighted), for a caller to name.
pub fn constant_features(modality: &Modality) -> Vec<String> {
    match &modality.features {
        ModalityFeatures::Numeric { names, columns } => names
            .iter()
            .zip(columns)
            .filter(|(_, c)| standardise::is_constant(c.iter(), None))
            .map(|(name, _)| name.clone())
            .collect(),
        ModalityFeatures::Categorical(_) => Vec::new(),
    }
}

/// Standardise (or normalise rows and centre) → PCA → k-means for one numeric modality
/// (`names` and `sources`: its features' names and where they come from, for the rule).
fn cluster_states(
    columns: &[Numbers],
    names: &[String],
    sources: Vec<model::FeatureSource>,
    weights: Option<&[f64]>,
    options: &DiscretizeOptions,
    report: &mut dyn FnMut(DiscretizeStage),
) -> ModalityStates {
    report(DiscretizeStage::Standardise);
    // Standardising is done as PCA reads the rows, so the features are never held
    // twice; row normalisation (the paper's preset) needs whole rows and is held.
    let mut fit = |features: &dyn FeatureTiles| {
        let mut pass = |pass, passes| report(DiscretizeStage::Pca { pass, passes });
        let pca = Pca::fit(
            features,
            weights,
            options.pca_components,
            options.pca_method,
            options.seed,
            &mut pass,
        );
        let points = pca.project(features);
        (pca, points)
    };
    let (pca, points, mut standardisers, constant) = match options.normalisation {
        Normalisation::StandardiseColumns => {
            let lazy = standardise_lazily(columns, weights);
            let (pca, points) = fit(&lazy);
            (pca, points, lazy.standardisers, lazy.constant)
        }
        Normalisation::NormaliseRows => {
            // Borrowed from f64 storage, widened from f32.
            let wide: Vec<Cow<[f64]>> = columns.iter().map(Numbers::to_f64).collect();
            let Standardised {
                columns: centred,
                standardisers,
                constant,
            } = centre_features(&normalise_rows(&wide), weights);
            drop(wide);
            let (pca, points) = fit(&centred);
            (pca, points, standardisers, constant)
        }
    };
    standardisers.reverse();
    let features = names
        .iter()
        .zip(sources)
        .enumerate()
        .map(|(i, (name, source))| model::Feature {
            name: name.clone(),
            source,
            standardise: if constant.contains(&i) {
                None
            } else {
                standardisers.pop()
            },
        })
        .collect();
    let normalise_rows = options.normalisation == Normalisation::NormaliseRows;
    let rule = |centres: Vec<model::Centre>| ModalityRule::KMeans {
        normalise_rows,
        features,
        components: pca.components.clone(),
        centres,
    };
    let dim = pca.components.len();
    if dim == 0 {
        // Every feature is constant: all samples are one state.
        let samples = columns.first().map_or(0, Numbers::len);
        let assignment = vec![0; samples];
        return ModalityStates {
            centres: group_means(columns, &assignment, 1, weights),
            pca_centres: vec![Vec::new()],
            rule: Some(rule(vec![model::Centre {
                state: 0,
                at: Vec::new(),
            }])),
            ..ModalityStates::new(Method::KMeans, vec!["c0".into()], assignment)
        };
    }
    let result = kmeans_best_of(
        &points,
        dim,
        weights,
        options.clusters,
        options.seed,
        options.max_iterations,
        options.restarts,
        report,
    );
    let centres = group_means(columns, &result.assignment, result.centres.len(), weights);
    let labels = (0..result.centres.len()).map(|c| format!("c{c}")).collect();
    let nearest = result
        .assigned_by
        .into_iter()
        .map(|(state, at)| model::Centre { state, at })
        .collect();
    ModalityStates {
        rule: Some(rule(nearest)),
        centres,
        pca_centres: result.centres,
        explained_variance: pca.explained_variance,
        total_variance: pca.total_variance,
        pca_randomized: pca.randomized,
        iterations: result.iterations,
        converged: result.converged,
        ..ModalityStates::new(Method::KMeans, labels, result.assignment)
    }
}

/// `a` with every entry multiplied by its sample's weight (`a` itself when unweighted),
/// so that `numeric::dot(&weighted(a, w), b)` is Σ w_i a_i b_i: each term (w_i a_i) b_i,
/// in `dot`'s fixed order.
fn weighted<'a>(a: &'a [f64], weights: Option<&[f64]>) -> Cow<'a, [f64]> {
    match weights {
        None => Cow::Borrowed(a),
        Some(w) => Cow::Owned(a.iter().zip(w).map(|(x, w)| w * x).collect()),
    }
}

/// Weight of sample `i` (1 when unweighted).
fn weight_of(weights: Option<&[f64]>, i: usize) -> f64 {
    weights.map_or(1.0, |w| w[i])
}

fn total_weight(n: usize, w: Option<&[f64]>) -> f64 {
    w.map_or(n as f64, |w| w.iter().sum())
}

/// Per group: the weighted mean of every column over the samples in it (plain mean
/// for a group of zero weight).
fn group_means(
    columns: &[Numbers],
    assignment: &[u32],
    groups: usize,
    weights: Option<&[f64]>,
) -> Vec<Vec<f64>> {
    let weight = |i: usize| weight_of(weights, i);
    let mut mass = vec![0.0; groups];
    let mut members = vec![0usize; groups];
    for (i, &g) in assignment.iter().enumerate() {
        mass[g as usize] += weight(i);
        members[g as usize] += 1;
    }
    let mut means: Vec<Vec<f64>> = (0..groups)
        .map(|_| Vec::with_capacity(columns.len()))
        .collect();
    for column in columns {
        let mut sums = vec![0.0; groups];
        let mut plain = vec![0.0; groups];
        for (i, (v, &g)) in column.iter().zip(assignment).enumerate() {
            sums[g as usize] += weight(i) * v;
            plain[g as usize] += v;
        }
        for g in 0..groups {
            means[g].push(if mass[g] > 0.0 {
                sums[g] / mass[g]
            } else {
                plain[g] / members[g].max(1) as f64
            });
        }
    }
    means
}
