//! BATCH benchmark: the paper's default workload (20,000 samples, two 64-dimensional
//! modalities, batch 256, 40 classifier epochs, 10 alignment epochs), natively. The
//! workload and its timing are `pidscope::pid::batch::bench`, shared with the wasm
//! benchmark (`scripts/bench-wasm.mjs --batch`).
//!
//! `cargo bench --bench batch` runs (1) one alignment step on a batch of 256 split into
//! its parts and (2) the whole pipeline for XOR and AND, timed by stage. With
//! `BATCH_BENCH_ALIGN_EPOCHS=k` the pipeline trains k alignment epochs and the printed
//! total extrapolates the alignment stage to 10 (said so in the output);
//! `BATCH_BENCH_GATE=xor` (or `and`, or `none`) runs only that pipeline.

use pidscope::examples::Gate;
use pidscope::pid::batch::bench::{time_alignment_step, time_pipeline};
use std::time::Instant;

const SAMPLES: usize = 20_000;
const DIM: usize = 64;

fn main() {
    let t0 = Instant::now();
    let mut now = || t0.elapsed().as_secs_f64();
    for (gate, reps) in [(Gate::Xor, 20), (Gate::And, 20)] {
        let s = time_alignment_step(gate, reps, &mut now);
        println!(
            "one alignment step ({gate:?}-like conditionals, m = 256, {:.0} Sinkhorn pairs per label): \
             forward {:.1} ms, backward {:.1} ms, total {:.1} ms",
            s.pairs_per_label, s.forward, s.backward, s.total
        );
    }
    let s = time_alignment_step(Gate::Xor, 20, &mut now);
    println!(
        "Sinkhorn alone (m = 256): {:.3} ms forward, {:.3} ms backward per pair and label",
        s.sinkhorn_pair_forward, s.sinkhorn_pair_backward
    );
    let epochs = std::env::var("BATCH_BENCH_ALIGN_EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let only = std::env::var("BATCH_BENCH_GATE").unwrap_or_default();
    for gate in [Gate::Xor, Gate::And] {
        if !(only.is_empty() || only.eq_ignore_ascii_case(&format!("{gate:?}"))) {
            continue;
        }
        let t = time_pipeline(gate, SAMPLES, DIM, epochs, &mut now).expect("BATCH runs");
        println!(
            "pipeline {gate:?}: {SAMPLES} samples × 2 × {DIM} dims: classifiers (3 × 40 epochs) {:.1} s \
             (validation {:.1} s), alignment {epochs} epoch(s) {:.1} s (validation {:.1} s), read-out {:.1} s; \
             Sinkhorn {:.1} pairs/label on test batches",
            t.classifiers,
            t.classifier_validation,
            t.alignment,
            t.alignment_validation,
            t.readout,
            t.pid.sinkhorn_iterations
        );
        if epochs == 10 {
            println!(
                "  total {:.1} s = {:.0} samples/s",
                t.total, t.samples_per_second
            );
        } else {
            let full = t.classifiers + (t.alignment + t.readout) * 10.0 / epochs as f64;
            println!(
                "  EXTRAPOLATED to 10 alignment epochs (read-out included in the scaling): \
                 total ≈ {full:.0} s ≈ {:.0} samples/s",
                SAMPLES as f64 / full
            );
        }
        let p = &t.pid;
        println!(
            "  R {:.3} U1 {:.3} U2 {:.3} S {:.3} (raw {:?})",
            p.redundancy, p.unique1, p.unique2, p.synergy, p.raw
        );
    }
}
