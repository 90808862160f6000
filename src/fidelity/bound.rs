//! The held-out classifier bound: I(X;Y) ≥ H(Y) − CE, in bits.
//!
//! For any classifier q(y|x), E[−log q(Y|X)] = H(Y|X) + KL(p(y|x) ‖ q(y|x)) ≥ H(Y|X), so
//! H(Y) − E[−log q(Y|X)] ≤ I(X;Y). Trained on one part of the rows and scored on rows it
//! never saw, the estimate of E[−log q] is unbiased for that fixed q, which keeps the
//! bound honest: over-fitting raises the held-out cross-entropy and lowers the bound, it
//! cannot inflate it.

use serde::{Deserialize, Serialize};

use crate::data::{Dataset, ModalityFeatures};
use crate::meta;
use crate::pid::batch::classifier::{modality_features, shuffled, Features, Fit};
use crate::pid::batch::{BatchConfig, BatchError, BatchProgress, BatchStage};
use crate::rng::SplitMix64;

use super::FidelityError;

/// The classifiers of the check and how the rows are split (defaults: [`crate::meta`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FidelityOptions {
    /// Seed of the row split and of the classifiers' initialisation and batches.
    pub seed: u64,
    /// Fraction of the rows the classifiers train on (capped at `max_train_rows`).
    pub train_fraction: f64,
    /// Fraction of the rows whose cross-entropy stops training (capped at a quarter of
    /// `max_train_rows`); every other row is held out for the bound.
    pub validation_fraction: f64,
    /// Most rows the classifiers train on (training time grows with it).
    pub max_train_rows: usize,
    /// Width of the MLP's hidden layers.
    pub hidden: usize,
    /// Hidden→hidden layers after the first.
    pub layers: usize,
    /// Most training epochs per classifier (early stopping usually ends sooner).
    pub epochs: usize,
    /// Epochs without a better validation loss before training stops.
    pub patience: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Rows per mini-batch.
    pub batch_size: usize,
}

impl Default for FidelityOptions {
    fn default() -> Self {
        FidelityOptions {
            seed: meta::SEED.default,
            train_fraction: 0.6,
            validation_fraction: 0.2,
            max_train_rows: meta::FIDELITY_MAX_TRAIN_ROWS,
            hidden: meta::FIDELITY_HIDDEN,
            layers: meta::FIDELITY_LAYERS,
            epochs: meta::FIDELITY_EPOCHS,
            patience: meta::FIDELITY_PATIENCE,
            learning_rate: meta::LEARNING_RATE.default,
            batch_size: meta::BATCH_SIZE.default,
        }
    }
}

impl FidelityOptions {
    /// The classifier settings in BATCH's terms (the training loop is BATCH's).
    fn classifier(&self) -> BatchConfig {
        BatchConfig {
            batch_size: self.batch_size,
            hidden: self.hidden,
            layers: self.layers,
            classifier_epochs: self.epochs,
            learning_rate: self.learning_rate,
            patience: self.patience,
            seed: self.seed,
            ..BatchConfig::default()
        }
    }

    fn validate(&self) -> Result<(), FidelityError> {
        let (t, v) = (self.train_fraction, self.validation_fraction);
        let ok = t > 0.0
            && v >= 0.0
            && t + v < 1.0
            && self.max_train_rows >= 2
            && self.hidden > 0
            && self.epochs > 0
            && self.batch_size >= 2
            && self.learning_rate > 0.0
            && self.learning_rate.is_finite();
        if ok {
            Ok(())
        } else {
            Err(FidelityError::InvalidOptions(format!("{self:?}")))
        }
    }
}

/// One held-out bound, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    /// max(0, H(Y) − CE) on the held-out rows, bits: a lower bound on I(X;Y) (up to
    /// its standard error).
    pub bits: f64,
    /// H(Y) of the held-out rows (plug-in), bits.
    pub entropy_bits: f64,
    /// The classifier's mean held-out cross-entropy −log2 q(y|x), bits.
    pub cross_entropy_bits: f64,
    /// Standard error of H(Y) − CE over the held-out rows, bits.
    pub standard_error_bits: f64,
    /// Epochs trained (early stopping may end sooner than the cap).
    pub epochs: usize,
}

/// The three bounds of one dataset and the split behind them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierBounds {
    /// From X1 alone.
    pub x1: Bound,
    /// From X2 alone.
    pub x2: Bound,
    /// From (X1, X2).
    pub joint: Bound,
    pub train_rows: usize,
    pub validation_rows: usize,
    pub test_rows: usize,
    /// The classifiers, e.g. `MLP, 2 hidden layers of 32 (ReLU)`.
    pub model: String,
    pub seed: u64,
}

/// Per-row statistics of the held-out rows: labels, weights, the marginal p(y).
struct HeldOut<'a> {
    rows: &'a [usize],
    labels: &'a [u32],
    weights: Vec<f64>,
    log_marginal: Vec<f64>,
    entropy: f64,
}

impl<'a> HeldOut<'a> {
    fn new(rows: &'a [usize], labels: &'a [u32], ny: usize, weights: Option<&[f64]>) -> Self {
        let weights: Vec<f64> = rows
            .iter()
            .map(|&i| weights.map_or(1.0, |w| w[i]))
            .collect();
        let mut p = vec![0.0; ny];
        for (&i, &w) in rows.iter().zip(&weights) {
            p[labels[i] as usize] += w;
        }
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|v| *v /= total);
        let entropy = crate::info::entropy(&p) * std::f64::consts::LN_2;
        let log_marginal = p
            .iter()
            .map(|&v| libm::log(v.max(f64::MIN_POSITIVE)))
            .collect();
        HeldOut {
            rows,
            labels,
            weights,
            log_marginal,
            entropy,
        }
    }

    /// The bound from per-row losses −ln q(y_i|x_i) (nats in, bits out). Its standard
    /// error is that of the weighted mean of d_i = ln q(y_i|x_i) − ln p(y_i), whose
    /// mean is H(Y) − CE exactly, with n_eff = (Σw)² / Σw².
    fn bound(&self, losses: &[f64], epochs: usize) -> Bound {
        let bits = std::f64::consts::LN_2;
        let total: f64 = self.weights.iter().sum();
        let d: Vec<f64> = self
            .rows
            .iter()
            .zip(losses)
            .map(|(&i, &loss)| -self.log_marginal[self.labels[i] as usize] - loss)
            .collect();
        let mean = d.iter().zip(&self.weights).map(|(v, w)| v * w).sum::<f64>() / total;
        let var = d
            .iter()
            .zip(&self.weights)
            .map(|(v, w)| w * (v - mean) * (v - mean))
            .sum::<f64>()
            / total;
        let n_eff = total * total / self.weights.iter().map(|w| w * w).sum::<f64>();
        let ce = losses
            .iter()
            .zip(&self.weights)
            .map(|(l, w)| l * w)
            .sum::<f64>()
            / total;
        Bound {
            bits: (self.entropy - ce).max(0.0) / bits,
            entropy_bits: self.entropy / bits,
            cross_entropy_bits: ce / bits,
            standard_error_bits: (var / n_eff.max(1.0)).sqrt() / bits,
            epochs,
        }
    }
}

/// Whether a modality has numeric features (the ones clustering can lose).
pub fn has_numeric_features(dataset: &Dataset) -> bool {
    [&dataset.x1, &dataset.x2]
        .iter()
        .any(|m| matches!(m.features, ModalityFeatures::Numeric { .. }))
}

/// Held-out lower bounds on I(X1;Y), I(X2;Y) and I(X1,X2;Y), in bits, from MLP
/// classifiers (BATCH's training loop) on standardised features (categories one-hot):
/// the rows are shuffled with `options.seed`, the classifiers train on the first part,
/// stop early on the second and are scored on the rest, I(X;Y) ≥ H(Y) − CE_held-out.
/// Sample weights weight the held-out scores (training counts every row once).
/// `progress` sees every training batch (stages ClassifierX1, ClassifierX2, ClassifierJoint).
pub fn classifier_bounds(
    dataset: &Dataset,
    options: &FidelityOptions,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<ClassifierBounds, FidelityError> {
    options.validate()?;
    let labels = &dataset.y.codes;
    let n = labels.len();
    if n < meta::FIDELITY_MIN_ROWS {
        return Err(FidelityError::TooFewSamples {
            samples: n,
            needed: meta::FIDELITY_MIN_ROWS,
        });
    }
    let ny = dataset.y.levels.len().max(1);
    if labels.iter().any(|&c| c as usize >= ny) {
        return Err(BatchError::InvalidInput(format!("labels must lie in 0..{ny}")).into());
    }
    let mut rng = SplitMix64::new(options.seed);
    let order = shuffled(n, &mut rng);
    let n_train =
        ((options.train_fraction * n as f64).round() as usize).clamp(2, options.max_train_rows);
    let n_val =
        ((options.validation_fraction * n as f64).round() as usize).min(options.max_train_rows / 4);
    let (train, rest) = order.split_at(n_train.min(n));
    let (validation, test) = rest.split_at(n_val.min(rest.len()));
    let config = options.classifier();
    let fit = Fit {
        config: &config,
        labels,
        ny,
        train,
        validation,
    };
    let held_out = HeldOut::new(test, labels, ny, dataset.weights.as_deref());
    let x1 = modality_features(&dataset.x1, "X1")?;
    let x2 = modality_features(&dataset.x2, "X2")?;
    let joint = Features::concat(&x1, &x2);
    let mut bound = |x: &Features, stage: BatchStage| {
        let mut history = Vec::new();
        let mlp = fit.train(x, &mut rng, stage, &mut history, progress);
        held_out.bound(&fit.log_losses(&mlp, x, test), history.len())
    };
    let b1 = bound(&x1, BatchStage::ClassifierX1);
    let b2 = bound(&x2, BatchStage::ClassifierX2);
    let b12 = bound(&joint, BatchStage::ClassifierJoint);
    Ok(ClassifierBounds {
        x1: b1,
        x2: b2,
        joint: b12,
        train_rows: train.len(),
        validation_rows: validation.len(),
        test_rows: test.len(),
        model: format!(
            "MLP, {} hidden layers of {} (ReLU)",
            options.layers + 1,
            options.hidden
        ),
        seed: options.seed,
    })
}
