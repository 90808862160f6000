//! BATCH's benchmark and validation workloads, and their timing with a caller's clock
//! (the core reads no clock): `benches/batch.rs` times them natively,
//! `wasm::bench_batch` in WebAssembly, `tests/batch.rs` validates on the gates.
//!
//! - [`gate_samples`]: a bit a in X1 and a bit b in X2, each embedded in `dim`
//!   dimensions as x = (2a − 1)·w + noise·N(0, 1) with a fixed random sign pattern w;
//!   Y = the [`Gate`] of (a, b) (XOR, AND, …; for RDN, b = a and Y = a).
//! - [`time_pipeline`]: the whole estimator (the paper's defaults: batch 256, 40
//!   classifier and 10 alignment epochs) on such a dataset, timed per stage through the
//!   progress reports.
//! - [`time_alignment_step`]: one alignment training step on a batch of 256 split into
//!   its parts, Sinkhorn included.

use super::align::{balanced_targets, AlignBatch, EncoderGrads, Encoders};
use super::sinkhorn::{sinkhorn, SinkhornOptions};
use super::{pid_batch_arrays, BatchConfig, BatchError, BatchPid, BatchStage};
use crate::examples::Gate;
use crate::rng::SplitMix64;
use serde::Serialize;

/// Rows of X1, X2 features and labels Y for `gate` (see the module docs).
pub fn gate_samples(
    gate: Gate,
    n: usize,
    dim: usize,
    noise: f64,
    seed: u64,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<u32>) {
    let mut rng = SplitMix64::new(seed);
    let signs = |rng: &mut SplitMix64| -> Vec<f64> {
        (0..dim)
            .map(|_| if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 })
            .collect()
    };
    let (w1, w2) = (signs(&mut rng), signs(&mut rng));
    let embed = |bit: u32, w: &[f64], rng: &mut SplitMix64| -> Vec<f64> {
        let s = 2.0 * f64::from(bit) - 1.0;
        w.iter().map(|wk| s * wk + noise * rng.normal()).collect()
    };
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let a = (rng.next_u64() & 1) as u32;
        let b = if gate.copies_x1() {
            a
        } else {
            (rng.next_u64() & 1) as u32
        };
        y.push(gate.y_of(a as usize, b as usize) as u32);
        x1.push(embed(a, &w1, &mut rng));
        x2.push(embed(b, &w2, &mut rng));
    }
    (x1, x2, y)
}

/// Wall-clock seconds per stage of one [`time_pipeline`] run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineTimes {
    pub samples: usize,
    /// The three classifiers, start to the last classifier report.
    pub classifiers: f64,
    /// Of which their per-epoch validation passes.
    pub classifier_validation: f64,
    /// Alignment training, from the last classifier report to the last alignment
    /// report (includes the joint classifier's predictions on every sample).
    pub alignment: f64,
    /// Of which the alignment's per-epoch validation passes.
    pub alignment_validation: f64,
    /// The test-batch read-out after the last alignment report.
    pub readout: f64,
    pub total: f64,
    pub samples_per_second: f64,
    pub pid: BatchPid,
}

/// Runs BATCH with the paper's defaults (`alignment_epochs` alignment epochs, patience
/// off, seed 1) on [`gate_samples`]`(gate, samples, dim, 1.0, 7)`; `now` gives seconds.
pub fn time_pipeline(
    gate: Gate,
    samples: usize,
    dim: usize,
    alignment_epochs: usize,
    now: &mut dyn FnMut() -> f64,
) -> Result<PipelineTimes, BatchError> {
    let (x1, x2, y) = gate_samples(gate, samples, dim, 1.0, 7);
    let config = BatchConfig {
        alignment_epochs,
        patience: usize::MAX,
        seed: 1,
        ..BatchConfig::default()
    };
    let start = now();
    let (mut last, mut classifiers_end, mut alignment_end) = (start, start, start);
    let (mut classifier_validation, mut alignment_validation) = (0.0, 0.0);
    let ny = gate.y_labels().len();
    let pid = pid_batch_arrays(&x1, &x2, &y, ny, None, &config, &mut |p| {
        let t = now();
        // An epoch-end report follows the epoch's last batch by its validation pass.
        if p.validation_loss.is_some() {
            if p.stage == BatchStage::Alignment {
                alignment_validation += t - last;
            } else {
                classifier_validation += t - last;
            }
        }
        if p.stage == BatchStage::Alignment {
            alignment_end = t;
        } else {
            classifiers_end = t;
        }
        last = t;
    })?;
    let end = now();
    let total = end - start;
    Ok(PipelineTimes {
        samples,
        classifiers: classifiers_end - start,
        classifier_validation,
        alignment: alignment_end - classifiers_end,
        alignment_validation,
        readout: end - alignment_end,
        total,
        samples_per_second: samples as f64 / total,
        pid,
    })
}

/// Milliseconds of one alignment training step on m = 256, by part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StepTimes {
    /// Sinkhorn (column, row) pairs per label.
    pub pairs_per_label: f64,
    /// Loss forward pass (encoders, scores, Sinkhorn, q̃, loss).
    pub forward: f64,
    /// Backward pass (total step minus forward).
    pub backward: f64,
    pub total: f64,
    /// Sinkhorn alone, per (column, row) pair and label, forward: measured over
    /// [`SINKHORN_PAIRS`] pairs on N(0, 1) scores, m = 256.
    pub sinkhorn_pair_forward: f64,
    /// The same for its backward pass.
    pub sinkhorn_pair_backward: f64,
}

/// Pairs run (tolerance 0) to time Sinkhorn per pair.
pub const SINKHORN_PAIRS: usize = 20;

/// Times one alignment step on a batch of 256 with two 64-dim inputs and conditionals
/// like a trained AND (p̂(y=1|x) = ½ on every other row of X1 and on 112 of the 256
/// rows of X2, so the label totals disagree) or XOR (½ everywhere; any other gate
/// too); `now` gives
/// seconds, each part is the mean over `reps` runs.
pub fn time_alignment_step(gate: Gate, reps: usize, now: &mut dyn FnMut() -> f64) -> StepTimes {
    const M: usize = 256;
    const DIM: usize = 64;
    let mut rng = SplitMix64::new(1);
    let config = BatchConfig::default();
    let ny = 2;
    let enc = Encoders::new(
        [DIM, DIM],
        config.hidden,
        config.layers,
        ny,
        config.embed,
        &mut rng,
    );
    let x1: Vec<f64> = (0..M * DIM).map(|_| rng.normal()).collect();
    let x2: Vec<f64> = (0..M * DIM).map(|_| rng.normal()).collect();
    let cond = |on: fn(usize) -> bool| -> Vec<f64> {
        (0..M)
            .flat_map(|a| {
                let p = match gate {
                    Gate::And => 0.5 * f64::from(u8::from(on(a))),
                    _ => 0.5,
                };
                [(1.0 - p).max(1e-12), p.max(1e-12)]
            })
            .collect()
    };
    let (p1, p2) = (cond(|a| a % 2 == 0), cond(|a| a % 2 == 0 && a % 16 != 0));
    let batch = AlignBatch {
        rows: M,
        x1: &x1,
        x2: &x2,
        p1: &p1,
        p2: &p2,
    };
    let opts = SinkhornOptions {
        max_iterations: config.sinkhorn_max_iterations,
        atol: config.sinkhorn_atol,
    };
    let reps = reps.max(1);
    let mut time = |f: &mut dyn FnMut()| {
        f(); // Warm-up (in wasm: the engine's optimising tier).
        let t = now();
        for _ in 0..reps {
            f();
        }
        (now() - t) * 1e3 / reps as f64
    };
    let mut pairs = 0;
    let forward = time(&mut || pairs = enc.loss(&batch, &opts, None).iterations);
    let total = time(&mut || {
        let mut g = EncoderGrads::zeros(&enc);
        enc.loss(&batch, &opts, Some(&mut g));
    });
    // Sinkhorn alone, a fixed number of pairs on scores of the size standardised
    // embeddings give, label 1.
    let scores: Vec<f64> = (0..M * M).map(|_| rng.normal()).collect();
    let (lr, lc) = balanced_targets(&p1, &p2, ny, 1);
    let fixed = SinkhornOptions {
        max_iterations: SINKHORN_PAIRS,
        atol: 0.0,
    };
    let per_pair = 1.0 / SINKHORN_PAIRS as f64;
    let sinkhorn_pair_forward = time(&mut || {
        sinkhorn(&scores, M, M, &lr, &lc, &fixed);
    }) * per_pair;
    let trace = sinkhorn(&scores, M, M, &lr, &lc, &fixed);
    let g_bar: Vec<f64> = (0..M).map(|_| rng.normal()).collect();
    let sinkhorn_pair_backward = time(&mut || {
        let mut s_bar = vec![0.0; M * M];
        trace.backward(&g_bar, &mut s_bar);
    }) * per_pair;
    StepTimes {
        pairs_per_label: pairs as f64 / ny as f64,
        forward,
        backward: total - forward,
        total,
        sinkhorn_pair_forward,
        sinkhorn_pair_backward,
    }
}
