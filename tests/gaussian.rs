//! The Gaussian PID (src/pid/gaussian/) against ground truth: for a scalar Y the
//! Gaussian BROJA PID is the MMI PID (Barrett 2015), R = min(I1, I2); the identities;
//! swapping X1 and X2; invariance to invertible linear maps of X1; and the CLI on
//! samples of Y = a0 + b0 + noise.

use pidscope::pid::gaussian::{gaussian_mi_bits, pid_gaussian, Dims, GaussianPid, SolverOptions};
use pidscope::rng::SplitMix64;

/// Exact covariance of (X1, X2, Y) for X = A Z with Z ~ N(0, I): A Aᵀ, `a` n×k row-major.
fn gram(a: &[f64], n: usize, k: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|t| a[i * k + t] * a[j * k + t]).sum();
        }
    }
    c
}

/// A random covariance of (X1, X2, Y) with the given dims: A Aᵀ for a Gaussian A with
/// more latent factors than variables (so it is positive definite).
fn random_covariance(rng: &mut SplitMix64, dims: Dims) -> Vec<f64> {
    let n = dims.total();
    let k = n + 3;
    let a: Vec<f64> = (0..n * k).map(|_| rng.normal()).collect();
    gram(&a, n, k)
}

fn solve(cov: &[f64], dims: Dims) -> GaussianPid {
    pid_gaussian(cov, dims, &SolverOptions::default()).expect("a positive definite covariance")
}

/// The MMI closed form from the three information terms, in bits: [R, U1, U2, S].
fn mmi(i1: f64, i2: f64, i12: f64) -> [f64; 4] {
    let r = i1.min(i2);
    [r, i1 - r, i2 - r, i12 - i1 - i2 + r]
}

fn atoms(p: &GaussianPid) -> [f64; 4] {
    let d = &p.pid;
    [d.redundancy, d.unique1, d.unique2, d.synergy]
}

/// Index lists of the X1, X2 and Y blocks.
fn blocks(dims: Dims) -> [Vec<usize>; 3] {
    let n = dims.total();
    [
        (0..dims.x1).collect(),
        (dims.x1..dims.x1 + dims.x2).collect(),
        (dims.x1 + dims.x2..n).collect(),
    ]
}

#[test]
fn scalar_target_matches_the_mmi_closed_form_to_1e9_bits() {
    let mut rng = SplitMix64::new(16);
    let mut worst = 0.0f64;
    for case in 0..40 {
        let dims = Dims {
            x1: 1 + case % 4,
            x2: 1 + (case / 4) % 3,
            y: 1,
        };
        let cov = random_covariance(&mut rng, dims);
        let p = solve(&cov, dims);
        // The information terms computed independently of the solver's whitening.
        let n = dims.total();
        let [x1, x2, y] = blocks(dims);
        let both: Vec<usize> = x1.iter().chain(&x2).copied().collect();
        let i1 = gaussian_mi_bits(&cov, n, &x1, &y).unwrap();
        let i2 = gaussian_mi_bits(&cov, n, &x2, &y).unwrap();
        let i12 = gaussian_mi_bits(&cov, n, &both, &y).unwrap();
        let want = mmi(i1, i2, i12);
        for (got, want) in atoms(&p).iter().zip(want) {
            worst = worst.max((got - want).abs());
        }
        // The solver's own value, before any clamping, is within 1e-9 too.
        assert!(
            (p.union_bits - i1.max(i2)).abs() < 1e-9,
            "case {case} {dims:?}: I∪ {} vs max(I1, I2) {}",
            p.union_bits,
            i1.max(i2)
        );
        assert!(p.converged, "case {case}");
        assert!(p.scalar_gap_bits.unwrap().abs() < 1e-9);
    }
    println!("scalar Y, 40 random covariances: worst atom error {worst:e} bits");
    assert!(worst < 1e-9, "worst atom error {worst:e} bits");
}

/// The DESIGN §8 example: X1 = (a0, a1), X2 = (b0, b1) standard normal,
/// Y = a0 + b0 + N(0, 0.5²); I1 = I2 (the optimum lies on the boundary ‖Σ‖₂ = 1).
fn design_example() -> (Vec<f64>, Dims) {
    // Rows: a0, a1, b0, b1, Y over the latent (a0, a1, b0, b1, e).
    let a = [
        1.0, 0.0, 0.0, 0.0, 0.0, //
        0.0, 1.0, 0.0, 0.0, 0.0, //
        0.0, 0.0, 1.0, 0.0, 0.0, //
        0.0, 0.0, 0.0, 1.0, 0.0, //
        1.0, 0.0, 1.0, 0.0, 0.5,
    ];
    (gram(&a, 5, 5), Dims { x1: 2, x2: 2, y: 1 })
}

#[test]
fn the_design_example_has_its_closed_form() {
    let (cov, dims) = design_example();
    let p = solve(&cov, dims);
    let i1 = 0.5 * 1.8f64.log2();
    let i12 = 0.5 * 9.0f64.log2();
    let want = mmi(i1, i1, i12);
    println!(
        "DESIGN example: I∪ − I1 = {:e} bits after {} iterations ({:?})",
        p.union_bits - i1,
        p.iterations,
        p.stop
    );
    for (got, want) in atoms(&p).iter().zip(want) {
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }
    assert!((p.pid.mi_x1_y - i1).abs() < 1e-12);
    assert!((p.pid.mi_joint - i12).abs() < 1e-12);
}

#[test]
fn identities_hold_and_atoms_are_not_negative_for_vector_targets() {
    let mut rng = SplitMix64::new(7);
    for case in 0..20 {
        let dims = Dims {
            x1: 1 + case % 3,
            x2: 1 + (case / 3) % 3,
            y: 1 + case % 2 + case / 10,
        };
        let cov = random_covariance(&mut rng, dims);
        let p = solve(&cov, dims);
        let d = &p.pid;
        assert!((d.redundancy + d.unique1 - d.mi_x1_y).abs() < 1e-12);
        assert!((d.redundancy + d.unique2 - d.mi_x2_y).abs() < 1e-12);
        let sum = d.redundancy + d.unique1 + d.unique2 + d.synergy;
        assert!((sum - d.mi_joint).abs() < 1e-12);
        for atom in atoms(&p) {
            assert!(atom >= -1e-12, "case {case} {dims:?}: atom {atom}");
        }
        // Non-negative by the solve, not by the clamp: no clamping note.
        assert!(p.notes.is_empty(), "case {case}: {:?}", p.notes);
        assert!(p.converged, "case {case} {dims:?}");
    }
}

/// The covariance with the blocks X1 and X2 exchanged.
fn swapped(cov: &[f64], dims: Dims) -> (Vec<f64>, Dims) {
    let n = dims.total();
    let [x1, x2, y] = blocks(dims);
    let order: Vec<usize> = x2.iter().chain(&x1).chain(&y).copied().collect();
    let mut out = vec![0.0; n * n];
    for (i, &a) in order.iter().enumerate() {
        for (j, &b) in order.iter().enumerate() {
            out[i * n + j] = cov[a * n + b];
        }
    }
    let dims = Dims {
        x1: dims.x2,
        x2: dims.x1,
        y: dims.y,
    };
    (out, dims)
}

#[test]
fn swapping_x1_and_x2_swaps_the_unique_atoms() {
    let mut rng = SplitMix64::new(3);
    for case in 0..10 {
        let dims = Dims {
            x1: 1 + case % 3,
            x2: 2,
            y: 1 + case % 2,
        };
        let cov = random_covariance(&mut rng, dims);
        let (other, other_dims) = swapped(&cov, dims);
        let (a, b) = (solve(&cov, dims).pid, solve(&other, other_dims).pid);
        assert!((a.unique1 - b.unique2).abs() < 1e-9, "case {case}");
        assert!((a.unique2 - b.unique1).abs() < 1e-9, "case {case}");
        assert!((a.redundancy - b.redundancy).abs() < 1e-9, "case {case}");
        assert!((a.synergy - b.synergy).abs() < 1e-9, "case {case}");
    }
}

#[test]
fn an_invertible_linear_map_of_x1_changes_nothing() {
    let mut rng = SplitMix64::new(11);
    for case in 0..10 {
        let dims = Dims {
            x1: 2 + case % 2,
            x2: 2,
            y: 1 + case % 2,
        };
        let n = dims.total();
        let cov = random_covariance(&mut rng, dims);
        // T = I on X2 and Y, a random (almost surely invertible) block on X1.
        let mut t = vec![0.0; n * n];
        for i in 0..n {
            t[i * n + i] = 1.0;
        }
        for i in 0..dims.x1 {
            for j in 0..dims.x1 {
                t[i * n + j] = rng.normal() + if i == j { 2.0 } else { 0.0 };
            }
        }
        // T Σ Tᵀ.
        let mut ts = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                ts[i * n + j] = (0..n).map(|k| t[i * n + k] * cov[k * n + j]).sum();
            }
        }
        let mut mapped = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                mapped[i * n + j] = (0..n).map(|k| ts[i * n + k] * t[j * n + k]).sum();
            }
        }
        for i in 0..n {
            for j in 0..i {
                let v = 0.5 * (mapped[i * n + j] + mapped[j * n + i]);
                mapped[i * n + j] = v;
                mapped[j * n + i] = v;
            }
        }
        let (a, b) = (atoms(&solve(&cov, dims)), atoms(&solve(&mapped, dims)));
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-8, "case {case}: {a:?} vs {b:?}");
        }
    }
}

#[test]
fn a_duplicated_feature_gets_a_ridge_and_a_note() {
    let (cov, _) = design_example();
    // X1 = (a0, a0): the same column twice, a singular covariance.
    let index = [0, 0, 2, 3, 4];
    let n = 5;
    let dup: Vec<f64> = index
        .iter()
        .flat_map(|&i| index.iter().map(move |&j| (i, j)))
        .map(|(i, j)| cov[i * n + j])
        .collect();
    let p = solve(&dup, Dims { x1: 2, x2: 2, y: 1 });
    assert!(p.ridge > 0.0);
    assert!(p.notes.iter().any(|n| n.contains("ridge")), "{:?}", p.notes);
    let i1 = 0.5 * 1.8f64.log2();
    assert!((p.pid.mi_x1_y - i1).abs() < 1e-6, "{}", p.pid.mi_x1_y);
}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use pidscope::rng::SplitMix64;
    use serde_json::Value;
    use std::process::{Command, Output};

    fn pidscope(args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pidscope"))
            .args(args)
            .output()
            .expect("the pidscope binary runs")
    }

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("pidscope-gaussian-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `n` samples of X1 = (a0, a1), X2 = (b0, b1) standard normal and
    /// score = a0 + b0 + N(0, 0.5²) (DESIGN §8), plus a class column.
    fn design_samples(n: usize, seed: u64) -> std::path::PathBuf {
        let mut rng = SplitMix64::new(seed);
        let mut text = String::from("a0,a1,b0,b1,score,class\n");
        for _ in 0..n {
            let v: Vec<f64> = (0..4).map(|_| rng.normal()).collect();
            let score = v[0] + v[2] + 0.5 * rng.normal();
            let class = if score > 0.0 { "up" } else { "down" };
            text += &format!("{},{},{},{},{score},{class}\n", v[0], v[1], v[2], v[3]);
        }
        temp_file(&format!("design-{n}-{seed}.csv"), &text)
    }

    fn json_of(args: &[&str]) -> Value {
        let out = pidscope(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON object")
    }

    #[test]
    fn a_scalar_target_recovers_the_closed_form_within_its_sampling_error() {
        let path = design_samples(20_000, 1);
        let file = path.to_str().unwrap();
        let base = [
            "estimate", file, "--x1", "a0,a1", "--x2", "b0,b1", "--y", "score",
        ];
        let json = json_of(&[&base[..], &["--estimator", "gaussian", "--json"]].concat());
        // Closed form (DESIGN §8): I1 = I2 = ½ log2 1.8, I12 = ½ log2 9, R = I1, U = 0.
        let i1 = 0.5 * 1.8f64.log2();
        let i12 = 0.5 * 9.0f64.log2();
        let want = [
            ("redundancy", i1),
            ("unique1", 0.0),
            ("unique2", 0.0),
            ("synergy", i12 - i1),
            ("mi_x1_y", i1),
            ("mi_x2_y", i1),
            ("mi_joint", i12),
        ];
        // At n = 20,000 an MI of these sizes varies by about 0.005 bits between samples
        // and is biased by about dU·dV / (2n ln 2) ≤ 2e-4 bits (Cai et al. 2015).
        for (key, value) in want {
            let got = json[key].as_f64().unwrap();
            assert!((got - value).abs() < 0.03, "{key}: {got} vs {value}");
        }
        assert_eq!(json["estimator"], "gaussian");
        assert_eq!(json["samples"], 20_000);
        assert_eq!(json["dims"]["x1"], 2);
        assert_eq!(json["dims"]["y"], 1);
        assert_eq!(json["target_encoding"], "numeric");
        assert_eq!(json["converged"], true);
        assert!(json["scalar_gap_bits"].as_f64().unwrap().abs() < 1e-9);
        // The table prints the same atoms.
        let text = pidscope(&[&base[..], &["--estimator", "gaussian"]].concat());
        let out = String::from_utf8_lossy(&text.stdout);
        assert!(text.status.success());
        let r = format!("{:.6}", json["redundancy"].as_f64().unwrap());
        assert!(out.contains("Redundancy R") && out.contains(&r), "{out}");
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn a_class_label_is_one_hot_and_said_to_be_an_approximation() {
        let path = design_samples(500, 2);
        let file = path.to_str().unwrap();
        let json = json_of(&[
            "estimate",
            file,
            "--x1",
            "a0,a1",
            "--x2",
            "b0,b1",
            "--y",
            "class",
            "--estimator",
            "gaussian",
            "--json",
        ]);
        assert_eq!(json["target_encoding"], "one_hot");
        let notes = json["notes"].to_string();
        assert!(notes.contains("only an approximation"), "{notes}");
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn a_constant_column_and_too_few_samples_are_refused_by_name() {
        let constant = temp_file(
            "constant.csv",
            "a0,b0,score\n1,3,0.5\n2,3,0.1\n3,3,0.9\n4,3,0.2\n",
        );
        let file = constant.to_str().unwrap();
        let args = ["estimate", file, "--x1", "a0", "--x2", "b0", "--y", "score"];
        let out = pidscope(&[&args[..], &["--estimator", "gaussian"]].concat());
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'b0' (X2) is constant"), "{err}");
        let few = temp_file("few.csv", "a0,b0,score\n1,3,0.5\n2,1,0.1\n3,2,0.9\n");
        let file = few.to_str().unwrap();
        let args = ["estimate", file, "--x1", "a0", "--x2", "b0", "--y", "score"];
        let out = pidscope(&[&args[..], &["--estimator", "gaussian"]].concat());
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("3 samples for 3 dimensions"), "{err}");
        std::fs::remove_file(constant).ok();
        std::fs::remove_file(few).ok();
    }
}
