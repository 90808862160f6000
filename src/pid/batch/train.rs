//! Training and read-out: splits, classifiers, the alignment model, test-batch PID.

use super::align::{AlignBatch, EncoderGrads, Encoders, PROB_FLOOR};
use super::mlp::{Adam, Mlp, MlpCache};
use super::sinkhorn::SinkhornOptions;
use super::{
    BatchConfig, BatchError, BatchPid, BatchProgress, BatchStage, EpochLoss, LossHistory, Samples,
    Terms,
};
use crate::data::{Dataset, Labels, Modality, ModalityFeatures, ModelConditionals};
use crate::discretize::standardise;
use crate::pid::Decomposition;
use crate::rng::SplitMix64;
use libm::{exp, log};

/// Samples needed in total; each split also needs at least two.
const MIN_SAMPLES: usize = 10;

/// Row-major features of one input: `rows × dim`.
struct Features {
    dim: usize,
    data: Vec<f64>,
}

impl Features {
    /// The rows `idx`, stacked.
    fn gather(&self, idx: &[usize]) -> Vec<f64> {
        let mut out = Vec::with_capacity(idx.len() * self.dim);
        for &i in idx {
            out.extend_from_slice(&self.data[i * self.dim..(i + 1) * self.dim]);
        }
        out
    }

    /// [x1 | x2] per row.
    fn concat(a: &Features, b: &Features) -> Features {
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
    fn from_columns(columns: &[Vec<f64>], what: &str) -> Result<Features, BatchError> {
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
fn shuffled(n: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// Consecutive batches of `m`; a trailing partial batch is dropped when there is at
/// least one full one (the paper's `drop_last`).
fn batches(order: &[usize], m: usize) -> Vec<&[usize]> {
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
fn softmax_rows(logits: &[f64], ny: usize) -> Vec<f64> {
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
fn floor_rows(p: &mut [f64], ny: usize) {
    for row in p.chunks_exact_mut(ny) {
        row.iter_mut().for_each(|v| *v = v.max(PROB_FLOOR));
        let s: f64 = row.iter().sum();
        row.iter_mut().for_each(|v| *v /= s);
    }
}

/// Mean cross-entropy −(1/n) Σ ln softmax(z_i)_{y_i} in nats, and ∂/∂logits.
fn cross_entropy(logits: &[f64], labels: &[u32], ny: usize) -> (f64, Vec<f64>) {
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
struct EarlyStop<T> {
    best: Option<(f64, T)>,
    since: usize,
    patience: usize,
}

impl<T: Clone> EarlyStop<T> {
    fn new(patience: usize) -> Self {
        EarlyStop {
            best: None,
            since: 0,
            patience,
        }
    }

    /// Records an epoch; true when training should stop.
    fn update(&mut self, loss: f64, params: &T) -> bool {
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

/// The three index sets.
struct Split {
    train: Vec<usize>,
    validation: Vec<usize>,
    test: Vec<usize>,
}

/// What the classifiers stage passes on: floored conditionals per sample (`n × ny`).
struct Conditionals {
    p1: Vec<f64>,
    p2: Vec<f64>,
    p12: Vec<f64>,
}

struct Trainer<'a> {
    config: &'a BatchConfig,
    ny: usize,
    labels: &'a [u32],
    split: Split,
    rng: SplitMix64,
    progress: &'a mut dyn FnMut(BatchProgress),
}

impl Trainer<'_> {
    /// Trains p̂(y|x) on the training split (cross-entropy, Adam, early stopping on the
    /// validation cross-entropy) and returns the floored conditionals of every sample.
    fn classifier(
        &mut self,
        x: &Features,
        stage: BatchStage,
        history: &mut Vec<EpochLoss>,
    ) -> Vec<f64> {
        let c = self.config;
        let ny = self.ny;
        let mut mlp = Mlp::new(x.dim, c.hidden, c.layers, ny, &mut self.rng);
        let mut adam = Adam::new(mlp.params.len(), c.learning_rate);
        let mut stop = EarlyStop::new(c.patience);
        let mut cache = MlpCache::default();
        let mut grads = vec![0.0; mlp.params.len()];
        for epoch in 1..=c.classifier_epochs {
            let order: Vec<usize> = {
                let perm = shuffled(self.split.train.len(), &mut self.rng);
                perm.iter().map(|&i| self.split.train[i]).collect()
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
                (self.progress)(BatchProgress {
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
            let validation = if self.split.validation.is_empty() {
                train
            } else {
                self.eval_ce(&mlp, x, &self.split.validation)
            };
            history.push(EpochLoss {
                epoch,
                train,
                validation,
            });
            self.report_epoch(stage, epoch, c.classifier_epochs, train, validation);
            if stop.update(validation, &mlp.params) {
                break;
            }
        }
        if let Some((_, best)) = stop.best {
            mlp.params = best;
        }
        let all: Vec<usize> = (0..self.labels.len()).collect();
        let mut probs = Vec::with_capacity(all.len() * ny);
        for chunk in all.chunks(c.batch_size.max(1)) {
            mlp.forward(&x.gather(chunk), chunk.len(), &mut cache);
            probs.extend(softmax_rows(cache.output(), ny));
        }
        floor_rows(&mut probs, ny);
        probs
    }

    fn report_epoch(
        &mut self,
        stage: BatchStage,
        epoch: usize,
        epochs: usize,
        train: f64,
        validation: f64,
    ) {
        (self.progress)(BatchProgress {
            stage,
            epoch,
            epochs,
            batch: 0,
            batches: 0,
            loss: train,
            validation_loss: Some(validation),
        });
    }

    /// Mean cross-entropy of `mlp` on the samples `idx`, nats.
    fn eval_ce(&self, mlp: &Mlp, x: &Features, idx: &[usize]) -> f64 {
        let mut cache = MlpCache::default();
        let mut total = 0.0;
        for chunk in idx.chunks(self.config.batch_size.max(1)) {
            mlp.forward(&x.gather(chunk), chunk.len(), &mut cache);
            let yb: Vec<u32> = chunk.iter().map(|&i| self.labels[i]).collect();
            total += cross_entropy(cache.output(), &yb, self.ny).0 * chunk.len() as f64;
        }
        total / idx.len().max(1) as f64
    }
}

/// Inputs of one alignment batch, gathered.
struct Gathered {
    rows: usize,
    x1: Vec<f64>,
    x2: Vec<f64>,
    p1: Vec<f64>,
    p2: Vec<f64>,
}

impl Gathered {
    fn new(idx: &[usize], x1: &Features, x2: &Features, cond: &Conditionals, ny: usize) -> Self {
        let probs = |p: &[f64]| -> Vec<f64> {
            idx.iter()
                .flat_map(|&i| p[i * ny..(i + 1) * ny].iter().copied())
                .collect()
        };
        Gathered {
            rows: idx.len(),
            x1: x1.gather(idx),
            x2: x2.gather(idx),
            p1: probs(&cond.p1),
            p2: probs(&cond.p2),
        }
    }

    fn batch(&self) -> AlignBatch<'_> {
        AlignBatch {
            rows: self.rows,
            x1: &self.x1,
            x2: &self.x2,
            p1: &self.p1,
            p2: &self.p2,
        }
    }
}

/// KL(p ‖ prior) in nats for one row.
fn kl(p: &[f64], log_prior: &[f64]) -> f64 {
    p.iter()
        .zip(log_prior)
        .map(|(&pi, &lq)| pi * (log(pi) - lq))
        .sum()
}

/// Mean and sample standard deviation.
fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    (mean, var.sqrt())
}

fn validate(config: &BatchConfig) -> Result<(), BatchError> {
    let bad = |what: &str| Err(BatchError::InvalidConfig(what.to_string()));
    if config.batch_size < 2 {
        return bad("batch size must be at least 2");
    }
    if config.hidden == 0 {
        return bad("hidden width must be positive");
    }
    if !(2..=1024).contains(&config.embed) {
        return bad("embedding size must be between 2 and 1024");
    }
    if config.classifier_epochs == 0 || config.alignment_epochs == 0 {
        return bad("epochs must be positive");
    }
    if !(config.learning_rate > 0.0 && config.learning_rate.is_finite()) {
        return bad("learning rate must be positive");
    }
    if config.sinkhorn_max_iterations == 0
        || config.sinkhorn_atol.is_nan()
        || config.sinkhorn_atol < 0.0
    {
        return bad("Sinkhorn needs at least one iteration and a tolerance ≥ 0");
    }
    let (t, v) = (config.train_fraction, config.validation_fraction);
    if !(t > 0.0 && v >= 0.0 && t + v < 1.0) {
        return bad("train fraction must be > 0, validation ≥ 0, and their sum < 1");
    }
    Ok(())
}

/// Conditionals given by the user: shape-checked, floored and renormalised.
fn given_conditionals(
    given: &ModelConditionals,
    n: usize,
    ny: usize,
) -> Result<Conditionals, BatchError> {
    let flat = |rows: &[Vec<f64>], what: &str| -> Result<Vec<f64>, BatchError> {
        if rows.len() != n {
            return Err(BatchError::InvalidInput(format!(
                "{what}: {} rows for {n} samples",
                rows.len()
            )));
        }
        let mut out = Vec::with_capacity(n * ny);
        for row in rows {
            let ok = row.len() == ny
                && row.iter().all(|v| v.is_finite() && *v >= 0.0)
                && row.iter().sum::<f64>() > 0.0;
            if !ok {
                return Err(BatchError::InvalidInput(format!(
                    "{what}: each row needs {ny} non-negative probabilities with a positive sum"
                )));
            }
            let s: f64 = row.iter().sum();
            out.extend(row.iter().map(|v| v / s));
        }
        floor_rows(&mut out, ny);
        Ok(out)
    };
    Ok(Conditionals {
        p1: flat(&given.x1, "p(y|x1)")?,
        p2: flat(&given.x2, "p(y|x2)")?,
        p12: flat(&given.joint, "p(y|x1,x2)")?,
    })
}

/// BATCH on plain arrays: `x1[i]`, `x2[i]` are sample i's features (row-major), `y[i]`
/// its label in `0..ny`. Features are standardised per column. With `given`, the
/// classifiers are not trained. Result in bits (see [`BatchPid`]).
pub fn pid_batch_arrays(
    x1: &[Vec<f64>],
    x2: &[Vec<f64>],
    y: &[u32],
    ny: usize,
    given: Option<&ModelConditionals>,
    config: &BatchConfig,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchPid, BatchError> {
    let columns = |rows: &[Vec<f64>], what: &str| -> Result<Vec<Vec<f64>>, BatchError> {
        let dim = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != dim) || rows.len() != y.len() {
            return Err(BatchError::InvalidInput(format!(
                "{what}: every sample needs the same number of features, one row per label"
            )));
        }
        Ok((0..dim)
            .map(|k| rows.iter().map(|r| r[k]).collect())
            .collect())
    };
    let f1 = Features::from_columns(&columns(x1, "X1")?, "X1")?;
    let f2 = Features::from_columns(&columns(x2, "X2")?, "X2")?;
    run(f1, f2, y, ny, given, config, progress)
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

fn modality_features(m: &Modality, what: &str) -> Result<Features, BatchError> {
    match &m.features {
        ModalityFeatures::Numeric { columns, .. } => Features::from_columns(columns, what),
        ModalityFeatures::Categorical(labels) => Features::from_columns(&one_hot(labels), what),
    }
}

/// BATCH on an assembled [`Dataset`]: numeric features standardised, a categorical
/// modality one-hot encoded; `target` is `None` for Y or the name of a Ŷ column.
/// Sample weights are not used (every sample counts once). Result in bits.
pub fn pid_batch(
    dataset: &Dataset,
    target: Option<&str>,
    given: Option<&ModelConditionals>,
    config: &BatchConfig,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchPid, BatchError> {
    let labels = dataset.target(target)?;
    let f1 = modality_features(&dataset.x1, "X1")?;
    let f2 = modality_features(&dataset.x2, "X2")?;
    run(
        f1,
        f2,
        &labels.codes,
        labels.levels.len().max(1),
        given,
        config,
        progress,
    )
}

/// BATCH on `dataset` with Y's labels shuffled (seeded by `seed`; Y's marginal kept):
/// every true atom is 0, so the estimate is what BATCH reports on nothing with these
/// features and this many samples, its bias floor (see [`super::batch_uncertainty`]).
pub fn pid_batch_null(
    dataset: &Dataset,
    config: &BatchConfig,
    seed: u64,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchPid, BatchError> {
    let labels = dataset.target(None)?;
    // Its own stream: the training's split and initialisation stay those of `config.seed`.
    let order = shuffled(labels.codes.len(), &mut SplitMix64::new(seed ^ NULL_STREAM));
    let codes: Vec<u32> = order.iter().map(|&i| labels.codes[i]).collect();
    let f1 = modality_features(&dataset.x1, "X1")?;
    let f2 = modality_features(&dataset.x2, "X2")?;
    let ny = labels.levels.len().max(1);
    run(f1, f2, &codes, ny, None, config, progress)
}

/// Mixed into the shuffled-label run's seed.
const NULL_STREAM: u64 = 0x005E_ED0F_4E55_11AB;

fn run(
    x1: Features,
    x2: Features,
    y: &[u32],
    ny: usize,
    given: Option<&ModelConditionals>,
    config: &BatchConfig,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<BatchPid, BatchError> {
    validate(config)?;
    let n = y.len();
    if ny == 0 || y.iter().any(|&c| c as usize >= ny) {
        return Err(BatchError::InvalidInput(format!(
            "labels must lie in 0..{ny}"
        )));
    }
    // Labels that never occur carry no information; a learned classifier would only
    // put stray mass on them, which KL against a floored p(y) = 0 blows up. Keep the
    // occurring ones (given conditionals keep their columns).
    let compact: Vec<u32>;
    let (y, ny) = if given.is_none() {
        let mut used = vec![false; ny];
        y.iter().for_each(|&c| used[c as usize] = true);
        let mut code = vec![0u32; ny];
        let mut next = 0u32;
        for (slot, &u) in code.iter_mut().zip(&used) {
            *slot = next;
            next += u32::from(u);
        }
        compact = y.iter().map(|&c| code[c as usize]).collect();
        (&compact[..], (next as usize).max(1))
    } else {
        (y, ny)
    };
    let mut rng = SplitMix64::new(config.seed);
    let order = shuffled(n, &mut rng);
    let n_train = (config.train_fraction * n as f64).round() as usize;
    let n_val = (config.validation_fraction * n as f64).round() as usize;
    let n_test = n.saturating_sub(n_train + n_val);
    if n < MIN_SAMPLES || n_train < 2 || n_test < 2 {
        return Err(BatchError::TooFewSamples {
            samples: n,
            needed: MIN_SAMPLES,
        });
    }
    let split = Split {
        train: order[..n_train].to_vec(),
        validation: order[n_train..n_train + n_val].to_vec(),
        test: order[n_train + n_val..].to_vec(),
    };
    // p(y) from the training labels, floored.
    let mut prior = vec![0.0; ny];
    for &i in &split.train {
        prior[y[i] as usize] += 1.0;
    }
    let total: f64 = prior.iter().sum();
    prior.iter_mut().for_each(|p| *p /= total);
    floor_rows(&mut prior, ny);
    let log_prior: Vec<f64> = prior.iter().map(|&p| log(p)).collect();

    let mut history = LossHistory::default();
    let mut trainer = Trainer {
        config,
        ny,
        labels: y,
        split,
        rng,
        progress,
    };
    let cond = match given {
        Some(g) => given_conditionals(g, n, ny)?,
        None => {
            let joint = Features::concat(&x1, &x2);
            Conditionals {
                p1: trainer.classifier(&x1, BatchStage::ClassifierX1, &mut history.classifier_x1),
                p2: trainer.classifier(&x2, BatchStage::ClassifierX2, &mut history.classifier_x2),
                p12: trainer.classifier(
                    &joint,
                    BatchStage::ClassifierJoint,
                    &mut history.classifier_joint,
                ),
            }
        }
    };

    // Alignment.
    let opts = SinkhornOptions {
        max_iterations: config.sinkhorn_max_iterations,
        atol: config.sinkhorn_atol,
    };
    let mut enc = Encoders::new(
        [x1.dim, x2.dim],
        config.hidden,
        config.layers,
        ny,
        config.embed,
        &mut trainer.rng,
    );
    let mut adam1 = Adam::new(enc.f1.params.len(), config.learning_rate);
    let mut adam2 = Adam::new(enc.f2.params.len(), config.learning_rate);
    let mut stop = EarlyStop::new(config.patience);
    let val_batches: Vec<Gathered> = batches(&trainer.split.validation, config.batch_size)
        .into_iter()
        .map(|idx| Gathered::new(idx, &x1, &x2, &cond, ny))
        .collect();
    let mut epochs = 0;
    for epoch in 1..=config.alignment_epochs {
        epochs = epoch;
        let perm = shuffled(trainer.split.train.len(), &mut trainer.rng);
        let order: Vec<usize> = perm.iter().map(|&i| trainer.split.train[i]).collect();
        let list = batches(&order, config.batch_size);
        let mut total = 0.0;
        for (bi, idx) in list.iter().enumerate() {
            let g = Gathered::new(idx, &x1, &x2, &cond, ny);
            let mut grads = EncoderGrads::zeros(&enc);
            let out = enc.loss(&g.batch(), &opts, Some(&mut grads));
            adam1.step(&mut enc.f1.params, &grads.g1);
            adam2.step(&mut enc.f2.params, &grads.g2);
            total += out.loss;
            (trainer.progress)(BatchProgress {
                stage: BatchStage::Alignment,
                epoch,
                epochs: config.alignment_epochs,
                batch: bi + 1,
                batches: list.len(),
                loss: out.loss,
                validation_loss: None,
            });
        }
        let train = total / list.len().max(1) as f64;
        let validation = if val_batches.is_empty() {
            train
        } else {
            val_batches
                .iter()
                .map(|g| enc.loss(&g.batch(), &opts, None).loss)
                .sum::<f64>()
                / val_batches.len() as f64
        };
        history.alignment.push(EpochLoss {
            epoch,
            train,
            validation,
        });
        trainer.report_epoch(
            BatchStage::Alignment,
            epoch,
            config.alignment_epochs,
            train,
            validation,
        );
        if stop.update(validation, &(enc.f1.params.clone(), enc.f2.params.clone())) {
            break;
        }
    }
    if let Some((_, (p1, p2))) = stop.best {
        enc.f1.params = p1;
        enc.f2.params = p2;
    }

    // Read-out per test batch, nats → bits.
    let bits = std::f64::consts::LN_2;
    let mut per_batch: Vec<Terms> = Vec::new();
    let (mut iterations, mut converged, mut runs) = (0usize, 0usize, 0usize);
    for idx in batches(&trainer.split.test, config.batch_size) {
        let g = Gathered::new(idx, &x1, &x2, &cond, ny);
        let out = enc.loss(&g.batch(), &opts, None);
        iterations += out.iterations;
        converged += out.converged;
        runs += ny;
        let mean_kl = |p: &[f64]| {
            idx.iter()
                .map(|&i| kl(&p[i * ny..(i + 1) * ny], &log_prior))
                .sum::<f64>()
                / idx.len() as f64
        };
        let (i1, i2, i12) = (mean_kl(&cond.p1), mean_kl(&cond.p2), mean_kl(&cond.p12));
        let iq = i1 + out.loss;
        per_batch.push(Terms {
            decomposition: Decomposition {
                redundancy: (i1 + i2 - iq) / bits,
                unique1: (iq - i2) / bits,
                unique2: (iq - i1) / bits,
                synergy: (i12 - iq) / bits,
                mi_x1_y: i1 / bits,
                mi_x2_y: i2 / bits,
                mi_joint: i12 / bits,
            },
            mi_q: iq / bits,
        });
    }
    // Mean and spread of every field across the test batches.
    let stat = |f: fn(&Terms) -> f64| mean_std(&per_batch.iter().map(f).collect::<Vec<f64>>());
    let mut finite = true;
    let mean = Terms::from_fields(|f| {
        let m = stat(f).0;
        finite &= m.is_finite();
        m
    });
    let spread = Terms::from_fields(|f| stat(f).1);
    let raw = mean.decomposition;
    if !finite {
        return Err(BatchError::InvalidInput(
            "non-finite estimate (numerical failure)".into(),
        ));
    }
    Ok(BatchPid {
        decomposition: Decomposition {
            redundancy: raw.redundancy.max(0.0),
            unique1: raw.unique1.max(0.0),
            unique2: raw.unique2.max(0.0),
            synergy: raw.synergy.max(0.0),
            ..raw
        },
        mi_q: mean.mi_q,
        raw,
        spread,
        history,
        epochs,
        samples: Samples {
            train: trainer.split.train.len(),
            validation: trainer.split.validation.len(),
            test: trainer.split.test.len(),
        },
        test_batches: per_batch.len(),
        sinkhorn_iterations: iterations as f64 / runs.max(1) as f64,
        sinkhorn_converged: converged as f64 / runs.max(1) as f64,
        classifiers_trained: given.is_none(),
    })
}
