//! Degenerate tables: zero cells and marginals, one-state variables, deterministic Y,
//! X1 = X2, ny = 1, n1 = 1.

use pidscope::pid::{pid_cvx, Pid};
use pidscope::JointTable;

fn pid(shape: [usize; 3], w: Vec<f64>) -> Pid {
    let t = JointTable::from_weights(shape, w).unwrap();
    let p = pid_cvx(&t).unwrap();
    assert!(p.converged, "{p:?}");
    assert!(p.certificate_bits <= 1e-6);
    for a in [p.redundancy, p.unique1, p.unique2, p.synergy] {
        assert!(a >= -1e-9 && a.is_finite(), "{p:?}");
    }
    let total = p.redundancy + p.unique1 + p.unique2 + p.synergy;
    assert!((total - p.mi_joint).abs() <= 1e-9);
    p
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7
}

#[test]
fn single_label_has_no_information() {
    let p = pid([3, 2, 1], vec![1., 2., 0., 4., 5., 6.]);
    assert_eq!([p.redundancy, p.unique1, p.unique2, p.synergy], [0.0; 4]);
    assert_eq!(p.q_star.len(), 6);
}

#[test]
fn one_state_input_leaves_only_the_other_one() {
    // n1 = 1: X1 is constant, so everything X2 knows is unique to X2.
    let p = pid([1, 3, 2], vec![3., 1., 1., 3., 2., 2.]);
    assert!(close(p.redundancy, 0.0) && close(p.unique1, 0.0) && close(p.synergy, 0.0));
    assert!(close(p.unique2, p.mi_x2_y));
    // n2 = 1 as well.
    let p = pid([1, 1, 3], vec![1., 2., 3.]);
    assert_eq!([p.redundancy, p.unique1, p.unique2, p.synergy], [0.0; 4]);
}

#[test]
fn identical_inputs_are_fully_redundant() {
    // X1 = X2 with Y a noisy function of it.
    let mut w = vec![0.0; 3 * 3 * 2];
    for x in 0..3 {
        w[(x * 3 + x) * 2] = 1.0 + x as f64;
        w[(x * 3 + x) * 2 + 1] = 3.0 - x as f64 * 0.5;
    }
    let p = pid([3, 3, 2], w);
    assert!(close(p.redundancy, p.mi_x1_y), "{p:?}");
    assert!(close(p.unique1, 0.0) && close(p.unique2, 0.0) && close(p.synergy, 0.0));
}

#[test]
fn deterministic_label_and_zero_marginals() {
    // Y = X1 AND X2 on a 3×3 grid where the state x1 = 2 and x2 = 0 never occur.
    let mut w = vec![0.0; 3 * 3 * 2];
    for x1 in 0..2 {
        for x2 in 1..3 {
            let y = usize::from(x1 == 1 && x2 == 2);
            w[(x1 * 3 + x2) * 2 + y] = 1.0;
        }
    }
    let p = pid([3, 3, 2], w);
    // Same as the AND gate: R = 0.311278, S = 0.5.
    assert!(close(p.redundancy, 0.311_278_124_459_133), "{p:?}");
    assert!(close(p.synergy, 0.5));
    assert!(close(p.unique1, 0.0) && close(p.unique2, 0.0));
}

#[test]
fn constant_label_with_many_states() {
    // Y always takes its second value.
    let mut w = vec![0.0; 2 * 2 * 3];
    for c in 0..4 {
        w[c * 3 + 1] = 1.0 + c as f64;
    }
    let p = pid([2, 2, 3], w);
    assert_eq!(p.mi_joint, 0.0);
    assert!(close(p.redundancy + p.unique1 + p.unique2 + p.synergy, 0.0));
}

#[test]
fn single_cell_table() {
    let p = pid([1, 1, 1], vec![5.0]);
    assert_eq!(p.q_star, vec![1.0]);
}

#[test]
fn invalid_options_are_rejected() {
    let t = JointTable::from_weights([2, 2, 2], vec![1.; 8]).unwrap();
    let opts = pidscope::pid::CvxOptions {
        tolerance_bits: 0.0,
        ..Default::default()
    };
    assert!(pidscope::pid::pid_cvx_with(&t, &opts).is_err());
}

#[test]
fn result_serialises_with_the_documented_field_names() {
    let p = pid([2, 2, 2], vec![1., 0., 0., 1., 0., 1., 1., 0.]);
    let v = serde_json::to_value(&p).unwrap();
    for key in [
        "redundancy",
        "unique1",
        "unique2",
        "synergy",
        "mi_x1_y",
        "mi_x2_y",
        "mi_joint",
        "certificate_bits",
        "iterations",
        "q_star",
        "converged",
        "shape",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let back: Pid = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
}
