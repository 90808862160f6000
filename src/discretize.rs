//! From a [`Dataset`] of samples to a discrete [`JointTable`]: the paper's pipeline
//! (DESIGN §4) of standardising each modality's numeric features, projecting them on
//! their first principal components and clustering them with k-means.
//!
//! Per modality:
//! - a categorical modality passes through: its categories are the states;
//! - numeric features are standardised (weighted mean 0, s.d. 1; constant features
//!   dropped), projected on the first `pca_components` principal components (fewer when
//!   there are fewer features; Jacobi eigen-decomposition of the covariance up to
//!   [`JACOBI_MAX_DIMENSION`] features, subspace iteration beyond), and clustered into at most `clusters` states by
//!   Lloyd's k-means with k-means++ seeding from a seeded [`SplitMix64`];
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

use crate::data::{DataError, Dataset, Labels, Modality, ModalityFeatures};
use crate::table::{Axis, JointTable, TableError, TableStats};
use serde::{Deserialize, Serialize};

use crate::rng::SplitMix64;

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
}

impl Default for DiscretizeOptions {
    fn default() -> Self {
        DiscretizeOptions {
            pca_components: 5,
            clusters: 20,
            seed: 0x5EED,
            max_iterations: 100,
            single_column: SingleColumnMethod::KMeans,
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
}

/// A stage of the work, reported through the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    Standardise,
    Pca,
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
    pub stage: Stage,
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
    /// Per state: the (weighted) mean of its samples' original features.
    pub centres: Vec<Vec<f64>>,
    /// Per state: its centre in PCA space (empty unless k-means was used).
    pub pca_centres: Vec<Vec<f64>>,
    /// Variance of the standardised features along each kept component.
    pub explained_variance: Vec<f64>,
    /// Total variance of the standardised features (the number of non-constant ones).
    pub total_variance: f64,
    /// Lloyd iterations run, and whether the assignment stopped changing.
    pub iterations: usize,
    pub converged: bool,
}

impl ModalityStates {
    /// States without clustering details (filled in by the caller where they exist).
    fn new(method: Method, labels: Vec<String>, assignment: Vec<u32>) -> Self {
        ModalityStates {
            method,
            labels,
            assignment,
            feature_names: Vec::new(),
            centres: Vec::new(),
            pca_centres: Vec::new(),
            explained_variance: Vec::new(),
            total_variance: 0.0,
            iterations: 0,
            converged: true,
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
        stage: Stage::Table,
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
        ModalityFeatures::Categorical(Labels { codes, levels, .. }) => Ok(ModalityStates::new(
            Method::Categorical,
            levels.clone(),
            codes.clone(),
        )),
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
                report(Stage::QuantileBins);
                quantile_states(&columns[0], weights, options.clusters)
            } else {
                cluster_states(columns, weights, options, &mut report)
            };
            states.feature_names = names.clone();
            Ok(states)
        }
    }
}

/// Standardise → PCA → k-means for one numeric modality.
fn cluster_states(
    columns: &[Vec<f64>],
    weights: Option<&[f64]>,
    options: &DiscretizeOptions,
    report: &mut dyn FnMut(Stage),
) -> ModalityStates {
    report(Stage::Standardise);
    let standardised = standardise(columns, weights);
    report(Stage::Pca);
    let pca = Pca::fit(&standardised, weights, options.pca_components);
    let points = pca.project(&standardised);
    drop(standardised);
    let dim = pca.components.len();
    if dim == 0 {
        // Every feature is constant: all samples are one state.
        let samples = columns.first().map_or(0, Vec::len);
        let assignment = vec![0; samples];
        return ModalityStates {
            centres: group_means(columns, &assignment, 1, weights),
            pca_centres: vec![Vec::new()],
            ..ModalityStates::new(Method::KMeans, vec!["c0".into()], assignment)
        };
    }
    let result = kmeans(
        &points,
        dim,
        weights,
        options.clusters,
        options.seed,
        options.max_iterations,
        report,
    );
    let centres = group_means(columns, &result.assignment, result.centres.len(), weights);
    let labels = (0..result.centres.len()).map(|c| format!("c{c}")).collect();
    ModalityStates {
        centres,
        pca_centres: result.centres,
        explained_variance: pca.explained_variance,
        total_variance: pca.total_variance,
        iterations: result.iterations,
        converged: result.converged,
        ..ModalityStates::new(Method::KMeans, labels, result.assignment)
    }
}

/// Weighted sums in a fixed order with four accumulators (faster, still deterministic).
fn weighted_dot(a: &[f64], b: &[f64], w: Option<&[f64]>) -> f64 {
    let mut acc = [0.0; 4];
    match w {
        None => {
            let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
            let (ra, rb) = (ca.remainder(), cb.remainder());
            for (x, y) in ca.zip(cb) {
                for l in 0..4 {
                    acc[l] += x[l] * y[l];
                }
            }
            acc[0] += ra.iter().zip(rb).map(|(x, y)| x * y).sum::<f64>();
        }
        Some(w) => {
            for (i, ((x, y), w)) in a.iter().zip(b).zip(w).enumerate() {
                acc[i % 4] += w * x * y;
            }
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Weight of sample `i` (1 when unweighted).
fn weight_of(weights: Option<&[f64]>, i: usize) -> f64 {
    weights.map_or(1.0, |w| w[i])
}

fn total_weight(n: usize, w: Option<&[f64]>) -> f64 {
    w.map_or(n as f64, |w| w.iter().sum())
}

/// Each column minus its weighted mean over its weighted standard deviation; constant
/// columns (s.d. 0) are dropped, as they carry no information.
pub fn standardise(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Vec<Vec<f64>> {
    let n = columns.first().map_or(0, Vec::len);
    let total = total_weight(n, weights);
    let ones = vec![1.0; n];
    columns
        .iter()
        .filter_map(|column| {
            let mean = weighted_dot(column, &ones, weights) / total;
            let centred: Vec<f64> = column.iter().map(|v| v - mean).collect();
            let variance = weighted_dot(&centred, &centred, weights) / total;
            let sd = variance.sqrt();
            // Relative test: a column of identical large numbers still has rounding noise.
            let scale = column.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
            (sd > 1e-12 * scale && sd.is_finite())
                .then(|| centred.into_iter().map(|v| v / sd).collect())
        })
        .collect()
}

/// Principal components of standardised columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Unit vectors (one per kept component, each of the columns' dimension), by
    /// decreasing variance; signed so their largest entry is positive.
    pub components: Vec<Vec<f64>>,
    pub explained_variance: Vec<f64>,
    pub total_variance: f64,
}

impl Pca {
    /// Fits at most `k` components (weighted covariance, Jacobi eigen-decomposition).
    pub fn fit(columns: &[Vec<f64>], weights: Option<&[f64]>, k: usize) -> Pca {
        let d = columns.len();
        let n = columns.first().map_or(0, Vec::len);
        let total = total_weight(n, weights);
        let mut covariance = vec![0.0; d * d];
        for i in 0..d {
            for j in i..d {
                let c = weighted_dot(&columns[i], &columns[j], weights) / total;
                covariance[i * d + j] = c;
                covariance[j * d + i] = c;
            }
        }
        let total_variance = (0..d).map(|i| covariance[i * d + i]).sum();
        let kept = k.min(d);
        // Jacobi gives every eigenpair and is exact enough, but costs O(d³) per sweep;
        // beyond a few hundred features only the leading `kept` pairs are computed.
        let (values, vectors) = if d <= JACOBI_MAX_DIMENSION {
            symmetric_eigen(covariance, d)
        } else {
            leading_eigen(&covariance, d, kept)
        };
        Pca {
            components: vectors.into_iter().take(kept).collect(),
            explained_variance: values.into_iter().take(kept).collect(),
            total_variance,
        }
    }

    /// The samples in component coordinates, row-major (`sample * k + component`).
    pub fn project(&self, columns: &[Vec<f64>]) -> Vec<f64> {
        let k = self.components.len();
        let n = columns.first().map_or(0, Vec::len);
        let mut points = vec![0.0; n * k];
        for (c, component) in self.components.iter().enumerate() {
            for (column, &loading) in columns.iter().zip(component) {
                for (i, v) in column.iter().enumerate() {
                    points[i * k + c] += loading * v;
                }
            }
        }
        points
    }
}

/// Largest matrix handed to [`symmetric_eigen`] by [`Pca::fit`]; larger ones go to
/// [`leading_eigen`] (Jacobi took 0.8 s at 256 and 19 s at 512 here).
pub const JACOBI_MAX_DIMENSION: usize = 128;

/// Leading `k` eigenpairs of a symmetric positive semi-definite `n × n` matrix
/// (row-major) by subspace iteration on a block of `k + 5` vectors with a
/// Rayleigh–Ritz step (the small projected matrix is solved by Jacobi), in the same
/// order and sign convention as [`symmetric_eigen`]. Deterministic: the start block
/// comes from a fixed-seed [`SplitMix64`].
pub fn leading_eigen(a: &[f64], n: usize, k: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = k.min(n);
    let block = (k + 5).min(n);
    let mut rng = SplitMix64::new(0x9CA);
    let random_vector =
        |rng: &mut SplitMix64| -> Vec<f64> { (0..n).map(|_| rng.next_f64() - 0.5).collect() };
    let mut basis: Vec<Vec<f64>> = (0..block).map(|_| random_vector(&mut rng)).collect();
    orthonormalise(&mut basis, &mut || random_vector(&mut rng));
    let multiply = |v: &[f64]| -> Vec<f64> {
        a.chunks_exact(n)
            .map(|row| weighted_dot(row, v, None))
            .collect()
    };
    let mut previous: Vec<f64> = Vec::new();
    let mut ritz = (Vec::new(), Vec::new());
    for iteration in 1..=1000 {
        let images: Vec<Vec<f64>> = basis.iter().map(|v| multiply(v)).collect();
        if iteration % 10 == 0 || iteration == 1000 {
            // Rayleigh–Ritz: the projected matrix Vᵀ A V and its eigenpairs.
            let mut projected = vec![0.0; block * block];
            for i in 0..block {
                for j in 0..block {
                    projected[i * block + j] = weighted_dot(&basis[i], &images[j], None);
                }
            }
            let (values, small) = symmetric_eigen(projected, block);
            let scale = values
                .first()
                .copied()
                .unwrap_or(0.0)
                .abs()
                .max(f64::MIN_POSITIVE);
            let settled = previous.len() == k
                && values
                    .iter()
                    .zip(&previous)
                    .all(|(v, p)| (v - p).abs() <= 1e-12 * scale);
            previous = values[..k].to_vec();
            ritz = (values, small);
            if settled || iteration == 1000 {
                // `basis` is still the block that `ritz` was computed from.
                break;
            }
        }
        basis = images;
        orthonormalise(&mut basis, &mut || random_vector(&mut rng));
    }
    // Ritz vectors: the basis combined by the small eigenvectors.
    let (values, small) = ritz;
    let vectors = small
        .iter()
        .take(k)
        .map(|coefficients| {
            let mut vector = vec![0.0; n];
            for (c, v) in coefficients.iter().zip(&basis) {
                for (x, y) in vector.iter_mut().zip(v) {
                    *x += c * y;
                }
            }
            let norm = weighted_dot(&vector, &vector, None)
                .sqrt()
                .max(f64::MIN_POSITIVE);
            let largest =
                vector
                    .iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            let sign = if largest < 0.0 { -1.0 } else { 1.0 };
            vector.iter_mut().for_each(|x| *x *= sign / norm);
            vector
        })
        .collect();
    (values.into_iter().take(k).collect(), vectors)
}

/// Modified Gram–Schmidt, replacing a vector that collapses (the matrix has lower
/// rank than the block) with a fresh random one.
fn orthonormalise(vectors: &mut [Vec<f64>], fresh: &mut dyn FnMut() -> Vec<f64>) {
    for i in 0..vectors.len() {
        for attempt in 0..3 {
            let (done, rest) = vectors.split_at_mut(i);
            let v = &mut rest[0];
            let before = weighted_dot(v, v, None).sqrt();
            for u in done.iter() {
                let projection = weighted_dot(u, v, None);
                v.iter_mut().zip(u).for_each(|(x, y)| *x -= projection * y);
            }
            let norm = weighted_dot(v, v, None).sqrt();
            if norm > 1e-10 * before.max(f64::MIN_POSITIVE) && norm > 0.0 {
                v.iter_mut().for_each(|x| *x /= norm);
                break;
            }
            if attempt < 2 {
                *v = fresh();
            }
        }
    }
}

/// Eigen-decomposition of a symmetric `n × n` matrix (row-major) by cyclic Jacobi
/// rotations: eigenvalues in decreasing order and their unit eigenvectors, each signed
/// so that its largest-magnitude entry is positive (a stable convention for display).
pub fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let norm2: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off2: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off2 <= 1e-30 * norm2 || off2 == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                // The smaller root of t² + 2θt − 1 = 0, written to avoid overflow.
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let vectors = order
        .iter()
        .map(|&col| {
            let mut vector: Vec<f64> = (0..n).map(|row| v[row * n + col]).collect();
            let largest =
                vector
                    .iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            if largest < 0.0 {
                vector.iter_mut().for_each(|x| *x = -*x);
            }
            vector
        })
        .collect();
    (values, vectors)
}

/// The outcome of [`kmeans`].
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansResult {
    /// Cluster of every point; clusters are numbered by first appearance.
    pub assignment: Vec<u32>,
    /// Centre of every cluster (`dim` coordinates each).
    pub centres: Vec<Vec<f64>>,
    pub iterations: usize,
    pub converged: bool,
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Index of the nearest centre (the lowest index on ties) and the squared distance.
fn nearest(point: &[f64], centres: &[f64], dim: usize) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.chunks_exact(dim).enumerate() {
        let d = squared_distance(point, centre);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// k-means++ seeding: the first centre drawn by weight, each next one with probability
/// ∝ weight × squared distance to the nearest centre. Stops early when every point
/// coincides with a centre (fewer distinct points than `k`).
fn seed_centres(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    k: usize,
    rng: &mut SplitMix64,
) -> Vec<f64> {
    let n = points.len() / dim;
    let weight = |i: usize| weight_of(weights, i);
    let draw = |scores: &dyn Fn(usize) -> f64, total: f64, rng: &mut SplitMix64| {
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        let mut last_positive = 0;
        for i in 0..n {
            let s = scores(i);
            if s > 0.0 {
                acc += s;
                last_positive = i;
                if acc > target {
                    return i;
                }
            }
        }
        last_positive
    };
    let total: f64 = (0..n).map(weight).sum();
    let first = if total > 0.0 {
        draw(&weight, total, rng)
    } else {
        0
    };
    let mut centres = points[first * dim..(first + 1) * dim].to_vec();
    let mut distance: Vec<f64> = (0..n)
        .map(|i| squared_distance(&points[i * dim..(i + 1) * dim], &centres))
        .collect();
    while centres.len() / dim < k {
        // Zero-weight points still count as distinct: they become states too.
        let score = |i: usize| distance[i] * weight(i).max(f64::MIN_POSITIVE);
        let total: f64 = (0..n).map(score).sum();
        if total <= 0.0 {
            break;
        }
        let next = draw(&score, total, rng);
        let new_centre = points[next * dim..(next + 1) * dim].to_vec();
        for (i, d) in distance.iter_mut().enumerate() {
            *d = d.min(squared_distance(
                &points[i * dim..(i + 1) * dim],
                &new_centre,
            ));
        }
        centres.extend_from_slice(&new_centre);
    }
    centres
}

/// Lloyd's k-means on `points` (row-major, `dim` coordinates each, `weights` one per
/// point) into at most `k` clusters, seeded by k-means++ from `seed`. A cluster left empty is re-seeded with
/// the point farthest from its centre. Deterministic for a given seed.
pub fn kmeans(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    k: usize,
    seed: u64,
    max_iterations: usize,
    report: &mut dyn FnMut(Stage),
) -> KMeansResult {
    let n = points.len().checked_div(dim).unwrap_or(0);
    if n == 0 || k == 0 {
        return KMeansResult {
            assignment: Vec::new(),
            centres: Vec::new(),
            iterations: 0,
            converged: true,
        };
    }
    // One weight per point or none; a mismatched slice is ignored rather than indexed.
    let weights = weights.filter(|w| w.len() == n);
    report(Stage::Seeding);
    let mut rng = SplitMix64::new(seed);
    let centres = seed_centres(points, dim, weights, k, &mut rng);
    lloyd(points, dim, weights, centres, max_iterations, report)
}

/// Lloyd iterations from the given initial `centres` (row-major, `dim` each).
fn lloyd(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    mut centres: Vec<f64>,
    max_iterations: usize,
    report: &mut dyn FnMut(Stage),
) -> KMeansResult {
    let n = points.len() / dim;
    let k = centres.len() / dim;
    let weight = |i: usize| weight_of(weights, i);
    let mut assignment = vec![u32::MAX; n];
    let mut distance = vec![0.0; n];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < max_iterations {
        iterations += 1;
        report(Stage::Lloyd {
            iteration: iterations,
            max_iterations,
        });
        let mut changed = 0usize;
        for i in 0..n {
            let (c, d) = nearest(&points[i * dim..(i + 1) * dim], &centres, dim);
            if assignment[i] != c as u32 {
                assignment[i] = c as u32;
                changed += 1;
            }
            distance[i] = d;
        }
        if changed == 0 {
            converged = true;
            break;
        }
        // New centres: weighted means (plain means for clusters of zero weight).
        let mut sums = vec![0.0; k * dim];
        let mut plain_sums = vec![0.0; k * dim];
        let mut mass = vec![0.0; k];
        let mut members = vec![0usize; k];
        for i in 0..n {
            let c = assignment[i] as usize;
            let w = weight(i);
            mass[c] += w;
            members[c] += 1;
            for j in 0..dim {
                sums[c * dim + j] += w * points[i * dim + j];
                plain_sums[c * dim + j] += points[i * dim + j];
            }
        }
        for c in 0..k {
            if members[c] == 0 {
                // Empty cluster: move it onto the point worst served by its centre.
                let far = (0..n).fold(0, |best, i| {
                    if distance[i] > distance[best] {
                        i
                    } else {
                        best
                    }
                });
                centres[c * dim..(c + 1) * dim]
                    .copy_from_slice(&points[far * dim..(far + 1) * dim]);
                distance[far] = 0.0;
                continue;
            }
            for j in 0..dim {
                centres[c * dim + j] = if mass[c] > 0.0 {
                    sums[c * dim + j] / mass[c]
                } else {
                    plain_sums[c * dim + j] / members[c] as f64
                };
            }
        }
    }
    relabel_by_first_appearance(assignment, &centres, dim).with_progress(iterations, converged)
}

impl KMeansResult {
    fn with_progress(mut self, iterations: usize, converged: bool) -> Self {
        self.iterations = iterations;
        self.converged = converged;
        self
    }
}

/// Renumbers clusters by the first sample in each (dropping empty ones), so labels are
/// stable and readable: `c0` is the cluster of the first sample.
fn relabel_by_first_appearance(assignment: Vec<u32>, centres: &[f64], dim: usize) -> KMeansResult {
    let k = centres.len() / dim;
    let mut new_index = vec![u32::MAX; k];
    let mut ordered = Vec::new();
    let assignment = assignment
        .into_iter()
        .map(|c| {
            let c = c as usize;
            if new_index[c] == u32::MAX {
                new_index[c] = ordered.len() as u32;
                ordered.push(centres[c * dim..(c + 1) * dim].to_vec());
            }
            new_index[c]
        })
        .collect();
    KMeansResult {
        assignment,
        centres: ordered,
        iterations: 0,
        converged: false,
    }
}

/// Per group: the weighted mean of every column over the samples in it (plain mean
/// for a group of zero weight).
fn group_means<C: AsRef<[f64]>>(
    columns: &[C],
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
        for (i, (&v, &g)) in column.as_ref().iter().zip(assignment).enumerate() {
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

/// A short rendering of a number for bin labels (4 significant digits).
fn short_number(x: f64) -> String {
    let text = format!("{x:.4e}");
    match text.parse::<f64>() {
        Ok(rounded) => crate::data::column::format_number(rounded),
        Err(_) => text,
    }
}

/// Cuts one column into at most `bins` weighted quantile bins; equal values always
/// share a bin, so there are fewer bins when values repeat.
fn quantile_states(values: &[f64], weights: Option<&[f64]>, bins: usize) -> ModalityStates {
    let n = values.len();
    let weight = |i: usize| weight_of(weights, i);
    let total: f64 = (0..n).map(weight).sum();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut bin_of = vec![0u32; n];
    let mut before = 0.0;
    let mut start = 0;
    while start < n {
        let value = values[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| values[i] == value)
                .count();
        let fraction = if total > 0.0 {
            before / total
        } else {
            start as f64 / n as f64
        };
        let bin = ((fraction * bins as f64) as usize).min(bins - 1);
        for &i in &order[start..end] {
            bin_of[i] = bin as u32;
            before += weight(i);
        }
        start = end;
    }
    // Number the used bins in increasing value order and name them by their range.
    let mut used: Vec<u32> = order.iter().map(|&i| bin_of[i]).collect();
    used.dedup();
    let mut renumber = vec![0u32; bins];
    for (new, &old) in used.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    let assignment: Vec<u32> = bin_of.iter().map(|&b| renumber[b as usize]).collect();
    let mut ranges = vec![(f64::INFINITY, f64::NEG_INFINITY); used.len()];
    for (i, &b) in assignment.iter().enumerate() {
        let r = &mut ranges[b as usize];
        *r = (r.0.min(values[i]), r.1.max(values[i]));
    }
    let labels = ranges
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                short_number(lo)
            } else {
                format!("{}–{}", short_number(lo), short_number(hi))
            }
        })
        .collect();
    let centres = group_means(&[values], &assignment, used.len(), weights);
    ModalityStates {
        centres,
        ..ModalityStates::new(Method::QuantileBins, labels, assignment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cluster_is_reseeded_at_the_farthest_point() {
        // Two groups on a line; the second initial centre is far from every point.
        let points = [0.0, 0.1, 0.2, 10.0, 10.1];
        let result = lloyd(&points, 1, None, vec![0.0, 1000.0], 100, &mut |_| {});
        assert!(result.converged);
        assert_eq!(result.assignment, [0, 0, 0, 1, 1]);
        assert!((result.centres[1][0] - 10.05).abs() < 1e-12);
    }

    #[test]
    fn jacobi_diagonalises_a_known_matrix() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 along (1, 1) and (1, −1).
        let (values, vectors) = symmetric_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        assert!((values[0] - 3.0).abs() < 1e-12 && (values[1] - 1.0).abs() < 1e-12);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vectors[0][0] - h).abs() < 1e-12 && (vectors[0][1] - h).abs() < 1e-12);
    }

    #[test]
    fn subspace_iteration_agrees_with_jacobi() {
        let n = 40;
        let mut rng = SplitMix64::new(5);
        let m: Vec<f64> = (0..n * 6).map(|_| rng.next_f64() - 0.5).collect();
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..6)
                    .map(|r| m[i * 6 + r] * m[j * 6 + r] * (r + 1) as f64)
                    .sum();
            }
        }
        let (all_values, all_vectors) = symmetric_eigen(a.clone(), n);
        let (values, vectors) = leading_eigen(&a, n, 3);
        for c in 0..3 {
            assert!(
                (values[c] - all_values[c]).abs() < 1e-9,
                "{values:?} vs {all_values:?}"
            );
            let agreement: f64 = vectors[c]
                .iter()
                .zip(&all_vectors[c])
                .map(|(x, y)| x * y)
                .sum();
            assert!((agreement - 1.0).abs() < 1e-9, "component {c}: {agreement}");
        }
        // Rank 6 < block of 8: collapsing vectors are replaced, not divided by zero.
        let (values, _) = leading_eigen(&a, n, 5);
        assert!(values.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn splitmix_matches_its_reference_stream() {
        // First outputs for seed 1234567 from the reference implementation.
        let mut rng = SplitMix64::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }
}
