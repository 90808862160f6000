//! Training and read-out: splits, classifiers, the alignment model, test-batch PID.

use super::align::{AlignBatch, EncoderGrads, Encoders};
use super::classifier::{
    batches, floor_rows, modality_features, report_epoch, shuffled, EarlyStop, Features, Fit,
};
use super::mlp::Adam;
use super::sinkhorn::SinkhornOptions;
use super::{
    BatchConfig, BatchError, BatchPid, BatchProgress, BatchStage, EpochLoss, LossHistory, Samples,
    Terms,
};
use crate::data::{Dataset, ModelConditionals};
use crate::pid::Decomposition;
use crate::rng::SplitMix64;
use libm::log;

/// Samples needed in total; each split also needs at least two.
const MIN_SAMPLES: usize = 10;

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
        let fit = Fit {
            config: self.config,
            labels: self.labels,
            ny: self.ny,
            train: &self.split.train,
            validation: &self.split.validation,
        };
        let mlp = fit.train(x, &mut self.rng, stage, history, self.progress);
        let all: Vec<usize> = (0..self.labels.len()).collect();
        let mut probs = fit.probabilities(&mlp, x, &all);
        floor_rows(&mut probs, self.ny);
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
        report_epoch(self.progress, stage, epoch, epochs, train, validation);
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
