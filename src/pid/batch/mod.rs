//! BATCH: the neural PID estimator of Liang et al. (NeurIPS 2023) for continuous
//! features, trained in-process (no threads, files or clocks; builds for wasm32).
//!
//! 1. Classifiers p̂(y|x1), p̂(y|x2), p̂(y|x1,x2) ([`mlp`]) are trained with cross-entropy
//!    on the training split, or read from [`ModelConditionals`](crate::data::ModelConditionals). On each test batch,
//!    I_p(Xi;Y) = mean_a KL(p̂(y|xi_a) ‖ p(y)), with p(y) the training labels' frequencies.
//! 2. The alignment model ([`align`], [`sinkhorn`]) learns q̃ ∈ Δp over batch pairs by
//!    minimising I_q̃(X2;Y|X1) with Adam.
//! 3. Per test batch, with I_q̃ = I_p(X1;Y) + I_q̃(X2;Y|X1): R = I1 + I2 − I_q̃,
//!    U1 = I_q̃ − I2, U2 = I_q̃ − I1, S = I12 − I_q̃; averaged over test batches and
//!    converted to bits; negative means are clipped to 0 in the headline fields and kept
//!    in [`BatchPid::raw`].
//!
//! Everything is seeded ([`SplitMix64`](crate::rng::SplitMix64)) and uses
//! `libm`'s `exp`/`log`, so a seed gives the same bits natively and in WebAssembly.

pub mod align;
pub mod bench;
pub(crate) mod classifier;
mod interval;
pub mod mlp;
mod notes;
pub mod sinkhorn;
mod train;

pub use interval::{
    batch_uncertainty, t_975, BatchTermUncertainty, BatchUncertainty, MIN_NULLS_FOR_TEST,
};
pub use train::{pid_batch, pid_batch_arrays, pid_batch_null};

use crate::pid::Decomposition;
use serde::{Deserialize, Serialize};

/// Settings of the BATCH estimator; [`Default`] gives the paper's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchConfig {
    /// Samples per batch, m (classifiers and alignment). Paper: 256.
    pub batch_size: usize,
    /// Width of the hidden layers. Paper: 32.
    pub hidden: usize,
    /// Hidden→hidden layers after the first (the paper's `layers`): 3.
    pub layers: usize,
    /// Embedding size per label, d. Paper: 10 (2 ≤ d ≤ 1024).
    pub embed: usize,
    /// Classifier training epochs. Paper: 40.
    pub classifier_epochs: usize,
    /// Alignment training epochs. Paper: 10.
    pub alignment_epochs: usize,
    /// Adam learning rate. Paper: 1e-3.
    pub learning_rate: f64,
    /// Cap on Sinkhorn (column, row) step pairs. Paper: 500.
    pub sinkhorn_max_iterations: usize,
    /// Absolute tolerance on Sinkhorn's marginal sums. Paper: 0.01.
    pub sinkhorn_atol: f64,
    /// Epochs without a better validation loss before training stops (best kept).
    pub patience: usize,
    /// Fractions of samples for training and validation; the rest is the test split.
    pub train_fraction: f64,
    pub validation_fraction: f64,
    pub seed: u64,
    /// Trainings on shuffled labels after the estimate (bias floor; 20+ give p-values).
    pub null_runs: usize,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            batch_size: crate::meta::BATCH_SIZE.default,
            hidden: 32,
            layers: 3,
            embed: 10,
            classifier_epochs: crate::meta::CLASSIFIER_EPOCHS.default,
            alignment_epochs: crate::meta::ALIGNMENT_EPOCHS.default,
            learning_rate: crate::meta::LEARNING_RATE.default,
            sinkhorn_max_iterations: 500,
            sinkhorn_atol: 0.01,
            patience: 5,
            train_fraction: 0.6,
            validation_fraction: 0.2,
            seed: 0,
            null_runs: crate::meta::BATCH_NULL_RUNS.default,
        }
    }
}

/// A test batch's decomposition and I_q̃(X1,X2;Y), in bits (also their spread).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Terms {
    #[serde(flatten)]
    pub decomposition: Decomposition,
    /// I_q̃(X1,X2;Y), bits.
    pub mi_q: f64,
}

impl Terms {
    /// The `Terms` whose every field is `value(that field's accessor)`, e.g. the mean of
    /// that field over test batches.
    pub fn from_fields(mut value: impl FnMut(fn(&Terms) -> f64) -> f64) -> Terms {
        Terms {
            decomposition: Decomposition {
                redundancy: value(|t| t.decomposition.redundancy),
                unique1: value(|t| t.decomposition.unique1),
                unique2: value(|t| t.decomposition.unique2),
                synergy: value(|t| t.decomposition.synergy),
                mi_x1_y: value(|t| t.decomposition.mi_x1_y),
                mi_x2_y: value(|t| t.decomposition.mi_x2_y),
                mi_joint: value(|t| t.decomposition.mi_joint),
            },
            mi_q: value(|t| t.mi_q),
        }
    }
}

/// One epoch's mean losses (nats: cross-entropy for classifiers, I_q̃(X2;Y|X1) for
/// the alignment).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochLoss {
    pub epoch: usize,
    pub train: f64,
    pub validation: f64,
}

/// Loss curves per model (empty for classifiers that were given).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LossHistory {
    pub classifier_x1: Vec<EpochLoss>,
    pub classifier_x2: Vec<EpochLoss>,
    pub classifier_joint: Vec<EpochLoss>,
    pub alignment: Vec<EpochLoss>,
}

/// Samples per split.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Samples {
    pub train: usize,
    pub validation: usize,
    pub test: usize,
}

/// The BATCH estimate. Headline fields are means over test batches in bits, clipped at
/// 0 like the paper; [`BatchPid::raw`] has the unclipped means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchPid {
    /// Means over test batches, atoms clipped at 0: R = I1 + I2 − I_q̃, U1 = I_q̃ − I2,
    /// U2 = I_q̃ − I1, S = I12 − I_q̃, with I_p(Xi;Y) = mean KL(p̂(y|xi) ‖ p(y)).
    #[serde(flatten)]
    pub decomposition: Decomposition,
    /// I_q̃(X1,X2;Y) of the learned coupling, bits.
    pub mi_q: f64,
    /// Unclipped means, bits (atoms may be negative: estimation error, not hidden).
    pub raw: Decomposition,
    /// Standard deviation across test batches, bits.
    pub spread: Terms,
    pub history: LossHistory,
    /// Alignment epochs run (early stopping may end training sooner).
    pub epochs: usize,
    pub samples: Samples,
    /// Test batches averaged.
    pub test_batches: usize,
    /// Mean Sinkhorn (column, row) pairs per label on the test batches.
    pub sinkhorn_iterations: f64,
    /// Fraction of (test batch, label) Sinkhorn runs that met the tolerance.
    pub sinkhorn_converged: f64,
    /// Whether the classifiers were trained (false: [`ModelConditionals`](crate::data::ModelConditionals)).
    pub classifiers_trained: bool,
}

impl std::ops::Deref for BatchPid {
    type Target = Decomposition;
    fn deref(&self) -> &Decomposition {
        &self.decomposition
    }
}

/// Which model is training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStage {
    ClassifierX1,
    ClassifierX2,
    ClassifierJoint,
    Alignment,
}

/// A progress report, after every training batch and at the end of every epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BatchProgress {
    pub stage: BatchStage,
    /// 1-based epoch and its cap.
    pub epoch: usize,
    pub epochs: usize,
    /// 1-based batch within the epoch and the number of batches.
    pub batch: usize,
    pub batches: usize,
    /// The batch's loss (nats).
    pub loss: f64,
    /// At the end of an epoch: the validation loss (nats).
    pub validation_loss: Option<f64>,
}

/// Why BATCH could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    #[error("invalid BATCH settings: {0}")]
    InvalidConfig(String),
    #[error("invalid BATCH input: {0}")]
    InvalidInput(String),
    #[error("too few samples for BATCH: {samples} (need at least {needed})")]
    TooFewSamples { samples: usize, needed: usize },
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
}
