//! Warm starts (`max_entropy_coupling_from`, `pid_cvx_from`) and the solver's observer:
//! a warm-started solve is as exact and as certified as a cold one, a start that does
//! not fit changes nothing, and observing changes nothing.

use pidscope::pid::random::{multinomial_table, random_table, TableKind};
use pidscope::pid::{
    max_entropy_coupling, max_entropy_coupling_from, max_entropy_coupling_observed, pid_cvx_from,
    pid_cvx_with, Coupling, CvxOptions, DualStart, TraceEvent,
};
use pidscope::rng::SplitMix64;
use pidscope::JointTable;

fn resample(rng: &mut SplitMix64, t: &JointTable, n: usize) -> JointTable {
    multinomial_table(t, n, rng)
}

fn dirichlet(shape: [usize; 3], seed: u64) -> JointTable {
    let kind = TableKind::Dirichlet {
        concentration_percent: 100,
    };
    random_table(shape, kind, seed)
}

/// Both certified to the tolerance, and their h* brackets overlap.
fn agree(warm: &Coupling, cold: &Coupling, tol: f64) {
    for c in [warm, cold] {
        assert!(
            c.converged && c.certificate_bits <= tol,
            "{}",
            c.certificate_bits
        );
        assert!(c.feasibility_l1 < 1e-14);
    }
    let gap = (warm.h_lower_bits - cold.h_lower_bits).abs();
    assert!(
        gap <= warm.certificate_bits + cold.certificate_bits,
        "{gap:e}"
    );
}

#[test]
fn resamples_warm_started_from_the_original_are_certified_and_agree_with_cold() {
    let mut rng = SplitMix64::new(7);
    for (shape, samples) in [
        ([10, 10, 5], 200_000),
        ([8, 6, 4], 2_000),
        ([20, 20, 10], 20_000),
    ] {
        let original = resample(&mut rng, &dirichlet(shape, 3), samples);
        for tolerance_bits in [1e-7, 1e-5] {
            let opts = CvxOptions {
                tolerance_bits,
                ..CvxOptions::default()
            };
            let first = max_entropy_coupling(&original, &opts).unwrap();
            assert!(!first.dual.is_empty() && first.dual.shape() == shape);
            for _ in 0..5 {
                let t = resample(&mut rng, &original, samples);
                assert!(first.dual.fits(&t), "a resample only loses support");
                let warm = max_entropy_coupling_from(&t, &opts, Some(&first.dual)).unwrap();
                let cold = max_entropy_coupling(&t, &opts).unwrap();
                agree(&warm, &cold, tolerance_bits);
            }
        }
    }
}

#[test]
fn warm_starts_save_newton_steps_when_the_tables_are_close() {
    // 2·10⁶ samples: the resample's marginals differ from the original's by ≈ 1.5 % (L1).
    let mut rng = SplitMix64::new(11);
    let original = resample(&mut rng, &dirichlet([20, 20, 10], 5), 2_000_000);
    let opts = CvxOptions::default();
    let first = max_entropy_coupling(&original, &opts).unwrap();
    let t = resample(&mut rng, &original, 2_000_000);
    let warm = max_entropy_coupling_from(&t, &opts, Some(&first.dual)).unwrap();
    let cold = max_entropy_coupling(&t, &opts).unwrap();
    agree(&warm, &cold, opts.tolerance_bits);
    assert!(
        warm.iterations < cold.iterations,
        "{} vs {}",
        warm.iterations,
        cold.iterations
    );
    // The same table again: the start is (nearly) its own optimum.
    let again = max_entropy_coupling_from(&original, &opts, Some(&first.dual)).unwrap();
    agree(&again, &first, opts.tolerance_bits);
    assert!(again.iterations < first.iterations);
}

#[test]
fn a_table_that_lost_a_label_of_a_row_starts_warm() {
    // p(x1 = 0, ·, y = 0) = 0: λ(0, 0) drops out of the problem.
    let t = dirichlet([6, 5, 4], 9);
    let mut w = t.p().to_vec();
    for x2 in 0..5 {
        w[x2 * 4] = 0.0;
    }
    let thinner = JointTable::from_weights([6, 5, 4], w).unwrap();
    let opts = CvxOptions::default();
    let first = max_entropy_coupling(&t, &opts).unwrap();
    assert!(first.dual.fits(&thinner));
    let warm = max_entropy_coupling_from(&thinner, &opts, Some(&first.dual)).unwrap();
    let cold = max_entropy_coupling(&thinner, &opts).unwrap();
    agree(&warm, &cold, opts.tolerance_bits);
    assert!(warm.q.iter().step_by(4).take(5).all(|&v| v == 0.0));
    // The other way round the start lacks λ(0, 0): it does not fit.
    assert!(!cold.dual.fits(&t));
}

#[test]
fn a_start_that_does_not_fit_gives_exactly_the_cold_result() {
    let opts = CvxOptions::default();
    let t = dirichlet([5, 4, 3], 2);
    let other_shape = max_entropy_coupling(&dirichlet([4, 5, 3], 2), &opts).unwrap();
    let sparse = random_table([5, 4, 3], TableKind::Sparse { zero_percent: 70 }, 2);
    let smaller_support = max_entropy_coupling(&sparse, &opts).unwrap();
    let cold = max_entropy_coupling(&t, &opts).unwrap();
    for start in [
        &other_shape.dual,
        &smaller_support.dual,
        &DualStart::default(),
    ] {
        assert!(!start.fits(&t));
        assert_eq!(
            max_entropy_coupling_from(&t, &opts, Some(start)).unwrap(),
            cold
        );
    }
    assert_eq!(max_entropy_coupling_from(&t, &opts, None).unwrap(), cold);
}

#[test]
fn pid_from_a_warm_start_matches_the_cold_pid() {
    let mut rng = SplitMix64::new(3);
    let original = resample(&mut rng, &dirichlet([10, 8, 4], 1), 50_000);
    let opts = CvxOptions::default();
    let (first, dual) = pid_cvx_from(&original, &opts, None).unwrap();
    assert_eq!(first, pid_cvx_with(&original, &opts).unwrap());
    let t = resample(&mut rng, &original, 50_000);
    let (warm, _) = pid_cvx_from(&t, &opts, Some(&dual)).unwrap();
    let cold = pid_cvx_with(&t, &opts).unwrap();
    assert!(warm.converged && cold.converged);
    let bound = warm.certificate_bits + cold.certificate_bits;
    for (a, b) in [
        (warm.redundancy, cold.redundancy),
        (warm.unique1, cold.unique1),
        (warm.unique2, cold.unique2),
        (warm.synergy, cold.synergy),
    ] {
        assert!((a - b).abs() <= bound, "{a} vs {b}");
    }
}

#[test]
fn a_coupling_without_a_dual_point_deserialises_with_an_empty_one() {
    let c = max_entropy_coupling(&dirichlet([3, 3, 2], 4), &CvxOptions::default()).unwrap();
    let mut v = serde_json::to_value(&c).unwrap();
    v.as_object_mut().unwrap().remove("dual");
    let back: Coupling = serde_json::from_value(v).unwrap();
    assert!(back.dual.is_empty());
    let round: Coupling = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
    assert_eq!(round, c);
}

#[test]
fn observing_a_solve_changes_nothing_and_reports_its_steps() {
    let t = dirichlet([10, 10, 5], 8);
    let opts = CvxOptions::default();
    let mut events = Vec::new();
    let mut observer = |ev: &TraceEvent| events.push(*ev);
    let observed = max_entropy_coupling_observed(&t, &opts, None, &mut observer).unwrap();
    let plain = max_entropy_coupling(&t, &opts).unwrap();
    assert_eq!(observed, plain);
    assert!(matches!(events[0], TraceEvent::Start { warm: false, .. }));
    let steps = events
        .iter()
        .filter(|e| matches!(e, TraceEvent::NewtonStep { .. }))
        .count();
    // Accepted steps (a step whose line search failed counts as an iteration too).
    assert!(steps > 0 && steps <= plain.iterations);
    let cg: usize = events
        .iter()
        .map(|e| match e {
            TraceEvent::Cg { iterations, .. } => *iterations,
            _ => 0,
        })
        .sum();
    assert_eq!(cg, plain.cg_iterations);
    let best = events
        .iter()
        .filter_map(|e| match e {
            TraceEvent::Certified {
                certificate_bits, ..
            } => Some(*certificate_bits),
            _ => None,
        })
        .fold(f64::INFINITY, f64::min);
    assert_eq!(best, plain.certificate_bits);
}
