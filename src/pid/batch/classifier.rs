//! The classifiers shared by BATCH and the fidelity check: standardised features, a
//! seeded training loop (cross-entropy, Adam, early stopping on a validation split) and
//! the read-outs (probabilities, per-row log-loss).

use super::align::PROB_FLOOR;
use super::mlp::{Adam, Mlp, MlpCache};
use super::{BatchConfig, BatchError, BatchProgress, BatchStage, EpochLoss};
use crate::data::{Labels, Modality, ModalityFeatures};
use crate::discretize::standardise;
use crate::rng::SplitMix64;
use libm::{exp, log};

/// Row-major features of one input: `rows × dim`.
pub(crate) struct Features {
    pub(crate) dim: usize,
    data: Vec<f64>,
}

impl Features {
    /// The rows `idx`, stacked.
    pub(crate) fn gather(&self, idx: &[usize]) -> Vec<f64> {
        let mut out = Vec::with_capacity(idx.len() * self.dim);
        for &i in idx {
            out.extend_from_slice(&self.data[i * self.dim..(i + 1) * self.dim]);
        }
        out
    }

    /// [x1 | x2] per row.
    pub(crate) fn concat(a: &Features, b: &Features) -> Features {
        let rows = a.data.len() / a.dim.max(1);
        let mut data = Vec::with_capacity(rows * (a.dim + b.dim));
        for i in 0..rows {
            data.extend_from_slice(&a.data[i * a.dim..(i + 1) * a.dim]);
            data.extend_from_slice(&b.data[i * b.dim..(i + 1) * b.dim]);
        }
        Features {
            dim: a.dim + b.dim,
            data,
        }
    }

    /// From feature columns: each scaled by its largest magnitude (so huge values
    /// cannot overflow), then standardised (mean 0, s.d. 1; constant columns dropped).
    pub(crate) fn from_columns(columns: &[Vec<f64>], what: &str) -> Result<Features, BatchError> {
        let rows = columns.first().map_or(0, Vec::len);
        let mut scaled = Vec::with_capacity(columns.len());
        for column in columns {
            if column.len() != rows || column.iter().any(|v| !v.is_finite()) {
                return Err(BatchError::InvalidInput(format!(
                    "{what}: every feature needs one finite value per sample"
                )));
            }
            let top = column.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let top = if top > 0.0 { top } else { 1.0 };
            scaled.push(column.iter().map(|v| v / top).collect::<Vec<f64>>());
        }
        let std_cols = standardise(&scaled, None);
        let dim = std_cols.len();
        if dim == 0 {
            return Err(BatchError::InvalidInput(format!(
                "{what} has no varying feature"
            )));
        }
        let mut data = Vec::with_capacity(rows * dim);
        for i in 0..rows {
            data.extend(std_cols.iter().map(|c| c[i]));
        }
        Ok(Features { dim, data })
    }
}

/// A seeded Fisher–Yates shuffle of 0..n.
pub(crate) fn shuffled(n: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// Consecutive batches of `m`; a trailing partial batch is dropped when there is at
/// least one full one (the paper's `drop_last`).
pub(crate) fn batches(order: &[usize], m: usize) -> Vec<&[usize]> {
    if order.len() <= m {
        return if order.is_empty() {
            vec![]
        } else {
            vec![order]
        };
    }
    order.chunks_exact(m).collect()
}

/// Softmax of each row of `ny` logits (max-shifted).
pub(crate) fn softmax_rows(logits: &[f64], ny: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(logits.len());
    for row in logits.chunks_exact(ny) {
        let top = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let e: Vec<f64> = row.iter().map(|&v| exp(v - top)).collect();
        let s: f64 = e.iter().sum();
        out.extend(e.iter().map(|v| v / s));
    }
    out
}

/// Each row floored at [`PROB_FLOOR`] and renormalised to sum 1.
pub(crate) fn floor_rows(p: &mut [f64], ny: usize) {
    for row in p.chunks_exact_mut(ny) {
        row.iter_mut().for_each(|v| *v = v.max(PROB_FLOOR));
        let s: f64 = row.iter().sum();
        row.iter_mut().for_each(|v| *v /= s);
    }
}

/// Mean cross-entropy −(1/n) Σ ln softmax(z_i)_{y_i} in nats, and ∂/∂logits.
pub(crate) fn cross_entropy(logits: &[f64], labels: &[u32], ny: usize) -> (f64, Vec<f64>) {
    let mut grad = softmax_rows(logits, ny);
    let n = labels.len().max(1) as f64;
    let mut loss = 0.0;
    for (row, &y) in grad.chunks_exact_mut(ny).zip(labels) {
        let y = y as usize;
        loss -= log(row[y].max(f64::MIN_POSITIVE));
        row[y] -= 1.0;
        row.iter_mut().for_each(|g| *g /= n);
    }
    (loss / n, grad)
}

/// Keeps the best parameters by validation loss and says when to stop.
pub(crate) struct EarlyStop<T> {
    pub(crate) best: Option<(f64, T)>,
    since: usize,
    patience: usize,
}

impl<T: Clone> EarlyStop<T> {
    pub(crate) fn new(patience: usize) -> Self {
        EarlyStop {
            best: None,
            since: 0,
            patience,
        }
    }

    /// Records an epoch; true when training should stop.
    pub(crate) fn update(&mut self, loss: f64, params: &T) -> bool {
        let better = self.best.as_ref().is_none_or(|(b, _)| loss < *b);
        if better && loss.is_finite() {
            self.best = Some((loss, params.clone()));
            self.since = 0;
        } else {
            self.since += 1;
        }
        self.since > self.patience
    }
}

/// One-hot columns of categorical labels.
fn one_hot(labels: &Labels) -> Vec<Vec<f64>> {
    (0..labels.levels.len())
        .map(|k| {
            labels
                .codes
                .iter()
                .map(|&c| f64::from(u8::from(c as usize == k)))
                .collect()
        })
        .collect()
}

/// A modality's features for a classifier: numeric columns standardised, categories
/// one-hot encoded.
pub(crate) fn modality_features(m: &Modality, what: &str) -> Result<Features, BatchError> {
    match &m.features {
        ModalityFeatures::Numeric { columns, .. } => {
            let columns: Vec<Vec<f64>> = columns.iter().map(|c| c.to_f64().into_owned()).collect();
            Features::from_columns(&columns, what)
        }
        ModalityFeatures::Categorical(labels) => Features::from_columns(&one_hot(labels), what),
    }
}

/// One classifier's training problem: labels in `0..ny`, the rows it trains on and the
/// rows whose cross-entropy decides early stopping (none: the training loss decides).
pub(crate) struct Fit<'a> {
    pub(crate) config: &'a BatchConfig,
    pub(crate) labels: &'a [u32],
    pub(crate) ny: usize,
    pub(crate) train: &'a [usize],
    pub(crate) validation: &'a [usize],
}

/// A progress report at the end of an epoch.
pub(crate) fn report_epoch(
    progress: &mut dyn FnMut(BatchProgress),
    stage: BatchStage,
    epoch: usize,
    epochs: usize,
    train: f64,
    validation: f64,
) {
    progress(BatchProgress {
        stage,
        epoch,
        epochs,
        batch: 0,
        batches: 0,
        loss: train,
        validation_loss: Some(validation),
    });
}

impl Fit<'_> {
    /// Trains p̂(y|x) (the config's MLP) on the training rows: cross-entropy, Adam,
    /// early stopping on the validation cross-entropy; returns the best parameters.
    /// Every random draw comes from `rng`, in a fixed order.
    pub(crate) fn train(
        &self,
        x: &Features,
        rng: &mut SplitMix64,
        stage: BatchStage,
        history: &mut Vec<EpochLoss>,
        progress: &mut dyn FnMut(BatchProgress),
    ) -> Mlp {
        let c = self.config;
        let ny = self.ny;
        let mut mlp = Mlp::new(x.dim, c.hidden, c.layers, ny, rng);
        let mut adam = Adam::new(mlp.params.len(), c.learning_rate);
        let mut stop = EarlyStop::new(c.patience);
        let mut cache = MlpCache::default();
        let mut grads = vec![0.0; mlp.params.len()];
        for epoch in 1..=c.classifier_epochs {
            let order: Vec<usize> = {
                let perm = shuffled(self.train.len(), rng);
                perm.iter().map(|&i| self.train[i]).collect()
            };
            let list = batches(&order, c.batch_size);
            let mut total = 0.0;
            for (bi, idx) in list.iter().enumerate() {
                let xb = x.gather(idx);
                let yb: Vec<u32> = idx.iter().map(|&i| self.labels[i]).collect();
                mlp.forward(&xb, idx.len(), &mut cache);
                let (loss, g_out) = cross_entropy(cache.output(), &yb, ny);
                grads.iter_mut().for_each(|g| *g = 0.0);
                mlp.backward(&cache, &g_out, &mut grads, false);
                adam.step(&mut mlp.params, &grads);
                total += loss;
                progress(BatchProgress {
                    stage,
                    epoch,
                    epochs: c.classifier_epochs,
                    batch: bi + 1,
                    batches: list.len(),
                    loss,
                    validation_loss: None,
                });
            }
            let train = total / list.len().max(1) as f64;
            let validation = if self.validation.is_empty() {
                train
            } else {
                self.mean_cross_entropy(&mlp, x, self.validation)
            };
            history.push(EpochLoss {
                epoch,
                train,
                validation,
            });
            report_epoch(
                progress,
                stage,
                epoch,
                c.classifier_epochs,
                train,
                validation,
            );
            if stop.update(validation, &mlp.params) {
                break;
            }
        }
        if let Some((_, best)) = stop.best {
            mlp.params = best;
        }
        mlp
    }

    /// Mean cross-entropy of `mlp` on the rows `idx`, nats.
    pub(crate) fn mean_cross_entropy(&self, mlp: &Mlp, x: &Features, idx: &[usize]) -> f64 {
        let mut cache = MlpCache::default();
        let mut total = 0.0;
        for chunk in idx.chunks(self.config.batch_size.max(1)) {
            mlp.forward(&x.gather(chunk), chunk.len(), &mut cache);
            let yb: Vec<u32> = chunk.iter().map(|&i| self.labels[i]).collect();
            total += cross_entropy(cache.output(), &yb, self.ny).0 * chunk.len() as f64;
        }
        total / idx.len().max(1) as f64
    }

    /// p̂(y|x) of the rows `idx` (`idx.len() × ny`, softmax, not floored).
    pub(crate) fn probabilities(&self, mlp: &Mlp, x: &Features, idx: &[usize]) -> Vec<f64> {
        let mut cache = MlpCache::default();
        let mut probs = Vec::with_capacity(idx.len() * self.ny);
        for chunk in idx.chunks(self.config.batch_size.max(1)) {
            mlp.forward(&x.gather(chunk), chunk.len(), &mut cache);
            probs.extend(softmax_rows(cache.output(), self.ny));
        }
        probs
    }

    /// −ln p̂(y_i|x_i) of each row `i` of `idx`, nats (the probability floored at
    /// [`PROB_FLOOR`], so a confident mistake costs at most −ln PROB_FLOOR).
    pub(crate) fn log_losses(&self, mlp: &Mlp, x: &Features, idx: &[usize]) -> Vec<f64> {
        let probs = self.probabilities(mlp, x, idx);
        idx.iter()
            .zip(probs.chunks_exact(self.ny))
            .map(|(&i, row)| -log(row[self.labels[i] as usize].max(PROB_FLOOR)))
            .collect()
    }
}
