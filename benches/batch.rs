//! BATCH benchmark: the paper's default workload (20,000 samples, two 64-dimensional
//! modalities, batch 256, 40 classifier epochs, 10 alignment epochs), natively.
//!
//! `cargo bench --bench batch` runs (1) one alignment batch of 256 split into its parts
//! and (2) the whole pipeline, timed by stage through the progress callback. With
//! `BATCH_BENCH_ALIGN_EPOCHS=k` the pipeline trains k alignment epochs and the printed
//! total extrapolates the alignment stage to 10 (said so in the output);
//! `BATCH_BENCH_GATE=xor` (or `and`) runs only that pipeline.

use pidscope::pid::batch::align::{balanced_targets, AlignBatch, EncoderGrads, Encoders};
use pidscope::pid::batch::sinkhorn::{sinkhorn, SinkhornOptions};
use pidscope::pid::batch::{pid_batch_arrays, BatchConfig, BatchStage};
use pidscope::pid::random::SplitMix64;
use std::time::Instant;

const SAMPLES: usize = 20_000;
const DIM: usize = 64;
const M: usize = 256;

#[derive(Clone, Copy, Debug)]
enum Gate {
    Xor,
    And,
}

/// Bits a, b embedded in 64 dimensions with Gaussian noise; Y = gate(a, b).
fn data(gate: Gate, n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<u32>) {
    let mut rng = SplitMix64::new(seed);
    let w1: Vec<f64> = (0..DIM).map(|_| rng.normal()).collect();
    let w2: Vec<f64> = (0..DIM).map(|_| rng.normal()).collect();
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let (a, b) = ((rng.next_u64() & 1) as u32, (rng.next_u64() & 1) as u32);
        let embed = |bit: u32, w: &[f64], rng: &mut SplitMix64| -> Vec<f64> {
            let s = 2.0 * f64::from(bit) - 1.0;
            w.iter().map(|wk| s * wk + rng.normal()).collect()
        };
        x1.push(embed(a, &w1, &mut rng));
        x2.push(embed(b, &w2, &mut rng));
        y.push(match gate {
            Gate::Xor => a ^ b,
            Gate::And => a & b,
        });
    }
    (x1, x2, y)
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Mean seconds of `f` over `reps` runs.
fn time<F: FnMut()>(reps: usize, mut f: F) -> f64 {
    let t = Instant::now();
    for _ in 0..reps {
        f();
    }
    secs(t) / reps as f64
}

/// One batch of m = 256 with conditionals like a trained AND (0 / ½ for y = 1, whose
/// totals disagree: balanced before scaling) or XOR (½ everywhere: 1 step).
fn one_batch(gate: Gate) {
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
    // p̂(y=1|x) per row: ½ on every other row (X1) or on 112 of 256 rows (X2) for AND,
    // so the label-1 totals (64 vs 56) disagree as in a real batch; ½ everywhere for XOR.
    let cond = |on: fn(usize) -> bool| -> Vec<f64> {
        (0..M)
            .flat_map(|a| {
                let p = match gate {
                    Gate::Xor => 0.5,
                    Gate::And => 0.5 * f64::from(u8::from(on(a))),
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
    let reps = match gate {
        Gate::Xor => 20,
        Gate::And => 3,
    };
    let mut iterations = 0;
    let forward = time(reps, || {
        iterations = enc.loss(&batch, &opts, None).iterations
    });
    let total = time(reps, || {
        let mut g = EncoderGrads::zeros(&enc);
        enc.loss(&batch, &opts, Some(&mut g));
    });
    // Sinkhorn alone on a representative score matrix (label 1), scores of the size
    // standardised embeddings give (|S| ≤ (d − 1)/√d).
    let scores: Vec<f64> = (0..M * M).map(|_| rng.normal()).collect();
    let (lr, lc) = balanced_targets(&p1, &p2, ny, 1);
    let sk_fwd = time(reps, || {
        sinkhorn(&scores, M, M, &lr, &lc, &opts);
    }) * ny as f64;
    let trace = sinkhorn(&scores, M, M, &lr, &lc, &opts);
    let g_bar: Vec<f64> = (0..M).map(|_| rng.normal()).collect();
    let sk_bwd = time(reps, || {
        let mut s_bar = vec![0.0; M * M];
        trace.backward(&g_bar, &mut s_bar);
    }) * ny as f64;
    println!(
        "one alignment batch ({gate:?}-like conditionals, m = {M}, {} Sinkhorn pairs per label): \
         forward {:.1} ms (of which Sinkhorn ≈ {:.1} ms), backward {:.1} ms (of which Sinkhorn ≈ {:.1} ms), \
         total {:.1} ms",
        iterations / ny,
        forward * 1e3,
        sk_fwd * 1e3,
        (total - forward) * 1e3,
        sk_bwd * 1e3,
        total * 1e3
    );
}

fn pipeline(gate: Gate, align_epochs: usize) {
    let (x1, x2, y) = data(gate, SAMPLES, 7);
    let config = BatchConfig {
        alignment_epochs: align_epochs,
        patience: usize::MAX,
        seed: 1,
        ..BatchConfig::default()
    };
    let start = Instant::now();
    // The last classifier report (the joint classifier's final epoch) ends that stage.
    let mut classifiers = 0.0;
    let pid = pid_batch_arrays(&x1, &x2, &y, 2, None, &config, &mut |p| {
        if p.stage != BatchStage::Alignment {
            classifiers = secs(start);
        }
    })
    .expect("BATCH runs");
    let total = secs(start);
    let alignment = total - classifiers;
    let scale = 10.0 / align_epochs as f64;
    let full = classifiers + alignment * scale;
    println!(
        "pipeline {gate:?}: {SAMPLES} samples × 2 × {DIM} dims: classifiers (3 × 40 epochs) {classifiers:.1} s, \
         alignment {align_epochs} epoch(s) + read-out {alignment:.1} s; Sinkhorn {:.0} pairs/label on test batches",
        pid.sinkhorn_iterations
    );
    if align_epochs == 10 {
        println!(
            "  total {full:.1} s = {:.0} samples/s",
            SAMPLES as f64 / full
        );
    } else {
        println!(
            "  EXTRAPOLATED to 10 alignment epochs (×{scale:.0}, read-out included in the scaling): \
             total ≈ {full:.0} s ≈ {:.0} samples/s",
            SAMPLES as f64 / full
        );
    }
    println!(
        "  R {:.3} U1 {:.3} U2 {:.3} S {:.3} (raw {:?})",
        pid.redundancy, pid.unique1, pid.unique2, pid.synergy, pid.raw
    );
}

fn main() {
    one_batch(Gate::Xor);
    one_batch(Gate::And);
    let epochs = std::env::var("BATCH_BENCH_ALIGN_EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    // BATCH_BENCH_GATE=xor or =and runs one pipeline only.
    let only = std::env::var("BATCH_BENCH_GATE").unwrap_or_default();
    for gate in [Gate::Xor, Gate::And] {
        if only.is_empty() || only.eq_ignore_ascii_case(&format!("{gate:?}")) {
            pipeline(gate, epochs);
        }
    }
}
