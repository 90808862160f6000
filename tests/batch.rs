//! BATCH validation: gates with continuous noisy features, determinism, extreme inputs.
//! Run with `cargo test --release --test batch` (the debug profile is optimised too).

use pidscope::analysis::{analyse, analyse_batch};
use pidscope::data::ModelConditionals;
use pidscope::examples::{Atom, Gate};
use pidscope::pid::batch::bench::gate_samples;
use pidscope::pid::batch::{
    pid_batch_arrays, BatchConfig, BatchError, BatchPid, BatchProgress, BatchStage,
};
use pidscope::scenarios::{generate, LatentMix, Scenario, ScenarioSpec, DEFAULT_SAMPLES};

/// The known AND/OR redundancy, 1.5 − 0.75·log2 3 bits.
const AND_REDUNDANCY: f64 = 0.311_278_124_459_133;

/// Bit a (and b) embedded in 8 dimensions: x = (2a − 1)·w + 0.5·noise, with a fixed
/// random sign pattern w per modality; Y the gate of (a, b).
fn gate_data(gate: Gate, n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<u32>) {
    gate_samples(gate, n, 8, 0.5, seed)
}

fn config(seed: u64) -> BatchConfig {
    BatchConfig {
        seed,
        ..BatchConfig::default()
    }
}

fn run(gate: Gate, n: usize, config: &BatchConfig) -> BatchPid {
    let (x1, x2, y) = gate_data(gate, n, 7);
    let pid = pid_batch_arrays(&x1, &x2, &y, 2, None, config, &mut |_| {}).expect("BATCH runs");
    eprintln!(
        "R {:.4} U1 {:.4} U2 {:.4} S {:.4} | I1 {:.4} I2 {:.4} I12 {:.4} Iq {:.4} | raw {:?} | spread {:?} | sinkhorn {:.1} it, {:.2} conv",
        pid.redundancy, pid.unique1, pid.unique2, pid.synergy, pid.mi_x1_y, pid.mi_x2_y,
        pid.mi_joint, pid.mi_q, pid.raw, pid.spread, pid.sinkhorn_iterations, pid.sinkhorn_converged
    );
    pid
}

#[test]
fn xor_is_synergy() {
    let pid = run(Gate::Xor, 3000, &config(1));
    assert!(pid.synergy >= 0.9, "XOR synergy {}", pid.synergy);
}

#[test]
fn and_matches_known_values() {
    let pid = run(Gate::And, 3000, &config(2));
    assert!(
        (pid.redundancy - AND_REDUNDANCY).abs() <= 0.05,
        "AND R {}",
        pid.redundancy
    );
    assert!((pid.synergy - 0.5).abs() <= 0.05, "AND S {}", pid.synergy);
}

#[test]
fn rdn_is_redundancy() {
    let pid = run(Gate::Rdn, 3000, &config(3));
    assert!(pid.redundancy >= 0.9, "RDN R {}", pid.redundancy);
}

/// A light configuration for the tests that check plumbing, not accuracy.
fn quick(seed: u64) -> BatchConfig {
    BatchConfig {
        batch_size: 64,
        classifier_epochs: 3,
        alignment_epochs: 2,
        sinkhorn_max_iterations: 50,
        seed,
        ..BatchConfig::default()
    }
}

#[test]
fn same_seed_same_numbers() {
    let (x1, x2, y) = gate_data(Gate::And, 400, 9);
    let go =
        |seed| pid_batch_arrays(&x1, &x2, &y, 2, None, &quick(seed), &mut |_| {}).expect("runs");
    let (a, b, c) = (go(5), go(5), go(6));
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).expect("serialises"),
        serde_json::to_string(&b).expect("serialises")
    );
    assert_ne!(a.history, c.history, "another seed trains differently");
}

#[test]
fn progress_reports_every_stage() {
    let (x1, x2, y) = gate_data(Gate::Xor, 300, 4);
    let mut seen: Vec<BatchProgress> = Vec::new();
    let pid =
        pid_batch_arrays(&x1, &x2, &y, 2, None, &quick(1), &mut |p| seen.push(p)).expect("runs");
    for stage in [
        BatchStage::ClassifierX1,
        BatchStage::ClassifierX2,
        BatchStage::ClassifierJoint,
        BatchStage::Alignment,
    ] {
        assert!(seen
            .iter()
            .any(|p| p.stage == stage && p.validation_loss.is_some()));
    }
    assert!(seen.iter().all(|p| p.loss.is_finite()));
    assert_eq!(pid.history.alignment.len(), pid.epochs);
    assert_eq!(
        pid.samples.train + pid.samples.validation + pid.samples.test,
        300
    );
}

fn assert_finite(pid: &BatchPid) {
    let all = [
        pid.redundancy,
        pid.unique1,
        pid.unique2,
        pid.synergy,
        pid.mi_x1_y,
        pid.mi_x2_y,
        pid.mi_joint,
        pid.mi_q,
        pid.raw.redundancy,
        pid.raw.unique1,
        pid.raw.unique2,
        pid.raw.synergy,
        pid.spread.decomposition.redundancy,
        pid.spread.decomposition.synergy,
    ];
    assert!(all.iter().all(|v| v.is_finite()), "{pid:?}");
    let losses = pid
        .history
        .alignment
        .iter()
        .chain(&pid.history.classifier_joint);
    assert!(losses
        .clone()
        .all(|e| e.train.is_finite() && e.validation.is_finite()));
}

#[test]
fn huge_feature_values_stay_finite() {
    let (mut x1, mut x2, y) = gate_data(Gate::And, 300, 2);
    for (i, row) in x1.iter_mut().enumerate() {
        row.iter_mut().for_each(|v| *v *= 1e300);
        row[0] = if i % 2 == 0 { -1.7e308 } else { 1.7e308 };
    }
    for row in &mut x2 {
        row.iter_mut().for_each(|v| *v *= 1e-300);
    }
    let pid = pid_batch_arrays(&x1, &x2, &y, 2, None, &quick(3), &mut |_| {}).expect("runs");
    assert_finite(&pid);
}

#[test]
fn a_single_label_stays_finite() {
    let (x1, x2, _) = gate_data(Gate::Xor, 300, 2);
    // Only label 1 of 3 ever occurs.
    let y = vec![1u32; 300];
    let pid = pid_batch_arrays(&x1, &x2, &y, 3, None, &quick(4), &mut |_| {}).expect("runs");
    assert_finite(&pid);
    assert!(pid.mi_joint < 0.01 && pid.synergy < 0.01, "{pid:?}");
    // Rare label: most batches of 64 hold a single label.
    let rare: Vec<u32> = (0..300).map(|i| u32::from(i % 97 == 0)).collect();
    let pid = pid_batch_arrays(&x1, &x2, &rare, 2, None, &quick(4), &mut |_| {}).expect("runs");
    assert_finite(&pid);
}

#[test]
fn given_conditionals_skip_training() {
    let (x1, x2, y) = gate_data(Gate::Xor, 400, 6);
    // XOR: each modality alone says nothing, together everything (with a zero entry).
    let half = vec![vec![0.5, 0.5]; y.len()];
    let joint: Vec<Vec<f64>> = y
        .iter()
        .map(|&v| {
            if v == 1 {
                vec![0.0, 1.0]
            } else {
                vec![1.0, 0.0]
            }
        })
        .collect();
    let given = ModelConditionals {
        x1: half.clone(),
        x2: half,
        joint,
    };
    let mut stages = Vec::new();
    let pid = pid_batch_arrays(&x1, &x2, &y, 2, Some(&given), &quick(1), &mut |p| {
        stages.push(p.stage)
    })
    .expect("runs");
    assert!(!pid.classifiers_trained);
    assert!(stages.iter().all(|s| *s == BatchStage::Alignment));
    assert!(pid.history.classifier_x1.is_empty());
    assert!((pid.synergy - 1.0).abs() < 0.02, "{pid:?}");
    assert!(pid.redundancy.abs() < 0.02 && pid.unique1 < 0.02 && pid.unique2 < 0.02);
}

#[test]
fn bad_inputs_are_errors() {
    let (x1, x2, y) = gate_data(Gate::And, 50, 1);
    let run = |x1: &[Vec<f64>], y: &[u32], ny, config: &BatchConfig| {
        pid_batch_arrays(x1, &x2, y, ny, None, config, &mut |_| {})
    };
    assert!(matches!(
        run(&x1, &y, 1, &quick(0)),
        Err(BatchError::InvalidInput(_))
    ));
    let bad_config = BatchConfig {
        embed: 1,
        ..quick(0)
    };
    assert!(matches!(
        run(&x1, &y, 2, &bad_config),
        Err(BatchError::InvalidConfig(_))
    ));
    let mut nan = x1.clone();
    nan[3][2] = f64::NAN;
    assert!(matches!(
        run(&nan, &y, 2, &quick(0)),
        Err(BatchError::InvalidInput(_))
    ));
    let (x1s, _, _) = gate_data(Gate::And, 5, 1);
    assert!(run(&x1s, &y[..5], 2, &quick(0)).is_err());
    let constant = vec![vec![1.0; 8]; 50];
    assert!(matches!(
        run(&constant, &y, 2, &quick(0)),
        Err(BatchError::InvalidInput(_))
    ));
}

/// The largest of (R, U1, U2, S).
fn largest(atoms: [f64; 4]) -> Atom {
    let top = atoms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Atom::ALL[atoms
        .iter()
        .position(|&a| a == top)
        .expect("a largest atom")]
}

/// BATCH on the continuous features and CVX on their k-means clusters (the scenario's
/// recommended settings, as the page and the CLI run them) agree on which atom dominates
/// each of the paper's synthetic datasets D_R, D_U1, D_U2, D_S (DESIGN §5). Prints both
/// decompositions (the table in docs/batch.md).
#[test]
fn batch_and_cvx_agree_on_the_synthetic_datasets() {
    for atom in Atom::ALL {
        let spec = ScenarioSpec {
            scenario: Scenario::Synthetic {
                mix: LatentMix::only(atom),
            },
            seed: 1,
            samples: DEFAULT_SAMPLES,
        };
        let g = generate(&spec).expect("generates");
        let cvx = analyse(&g.tables, Some(&g.roles), &g.recommended, &mut |_| {})
            .expect("CVX runs")
            .dataset
            .pid;
        let batch = analyse_batch(
            &g.tables,
            Some(&g.roles),
            &g.recommended,
            &config(1),
            &mut |_| {},
        )
        .expect("BATCH runs")
        .dataset;
        let c = [cvx.redundancy, cvx.unique1, cvx.unique2, cvx.synergy];
        let b = [
            batch.redundancy,
            batch.unique1,
            batch.unique2,
            batch.synergy,
        ];
        eprintln!(
            "| {} | {:.3} / {:.3} | {:.3} / {:.3} | {:.3} / {:.3} | {:.3} / {:.3} |",
            LatentMix::only(atom).name(),
            c[0],
            b[0],
            c[1],
            b[1],
            c[2],
            b[2],
            c[3],
            b[3]
        );
        assert_eq!(largest(c), atom, "CVX {c:?}");
        assert_eq!(largest(b), largest(c), "BATCH {b:?} vs CVX {c:?}");
    }
}
