//! The Gaussian estimator's bias, plug-in against the analytic correction (Cai et al.
//! 2015; docs/gaussian.md, "Bias"):
//!
//!     cargo run --release --example gaussian_bias -- [SEEDS]
//!
//! Linear-Gaussian cases with known covariance Σ = M Mᵀ (truth: the PID of Σ itself),
//! N ∈ {200, 2,000} rows drawn as M z, z standard normal, SEEDS (100) seeds each. Prints
//! per case, N and term the truth, the mean error of the plug-in and of the corrected
//! value, and their ratio.

use pidscope::pid::gaussian::{
    corrected_atoms, pid_gaussian, Dims, SolverOptions, StreamingCovariance,
};
use pidscope::rng::SplitMix64;

/// A case: the rows of M (one per variable: X1's, X2's, then Y's), over `latent` factors.
struct Case {
    name: &'static str,
    dims: Dims,
    m: Vec<Vec<f64>>,
}

/// A unit vector on factor `i` of `latent`, plus `extra` on other factors.
fn factor(latent: usize, parts: &[(usize, f64)]) -> Vec<f64> {
    let mut row = vec![0.0; latent];
    for &(i, w) in parts {
        row[i] += w;
    }
    row
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for d in [2, 10] {
        // Factors: X1's d, X2's d, one noise for each Y.
        let latent = 2 * d + 2;
        let mut m: Vec<Vec<f64>> = (0..2 * d).map(|i| factor(latent, &[(i, 1.0)])).collect();
        m.push(factor(latent, &[(0, 1.0), (d, 1.0), (2 * d, 0.5)]));
        out.push(Case {
            name: if d == 2 { "sum, d=2" } else { "sum, d=10" },
            dims: Dims { x1: d, x2: d, y: 1 },
            m: m.clone(),
        });
        if d == 2 {
            // Unique: Y = a0 + noise, X2 unrelated.
            let mut unique = m.clone();
            unique[2 * d] = factor(latent, &[(0, 1.0), (2 * d, 0.7)]);
            out.push(Case {
                name: "unique, d=2",
                dims: Dims { x1: d, x2: d, y: 1 },
                m: unique,
            });
            // Independent: every atom 0.
            let mut independent = m.clone();
            independent[2 * d] = factor(latent, &[(2 * d, 1.0)]);
            out.push(Case {
                name: "independent, d=2",
                dims: Dims { x1: d, x2: d, y: 1 },
                m: independent,
            });
            // Two targets: Y1 = a0 + b0 + e1, Y2 = a1 − b1 + e2.
            let mut two = m.clone();
            two.push(factor(latent, &[(1, 1.0), (d + 1, -1.0), (2 * d + 1, 0.5)]));
            out.push(Case {
                name: "two targets, d=2",
                dims: Dims { x1: d, x2: d, y: 2 },
                m: two,
            });
        }
    }
    out
}

fn covariance(m: &[Vec<f64>]) -> Vec<f64> {
    let n = m.len();
    let mut cov = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            cov[i * n + j] = m[i].iter().zip(&m[j]).map(|(a, b)| a * b).sum();
        }
    }
    cov
}

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let options = SolverOptions::default();
    let names = ["R", "U1", "U2", "S", "I(X1;Y)", "I(X2;Y)", "I(X1,X2;Y)"];
    println!("| case | N | term | truth | plug-in mean error | corrected mean error | ratio |");
    println!("|---|---|---|---|---|---|---|");
    for case in cases() {
        let truth = pid_gaussian(&covariance(&case.m), case.dims, &options)
            .expect("exact")
            .pid
            .values();
        let latent = case.m[0].len();
        for n in [200usize, 2000] {
            let (mut plug, mut corr) = ([0.0; 7], [0.0; 7]);
            for seed in 0..seeds {
                let mut rng = SplitMix64::new(seed * 7919 + n as u64);
                let mut cov = StreamingCovariance::new(case.m.len());
                let mut row = vec![0.0; case.m.len()];
                for _ in 0..n {
                    let z: Vec<f64> = (0..latent).map(|_| rng.normal()).collect();
                    for (v, m) in row.iter_mut().zip(&case.m) {
                        *v = m.iter().zip(&z).map(|(a, b)| a * b).sum();
                    }
                    cov.push(&row, 1.0).expect("finite");
                }
                let pid = pid_gaussian(&cov.correlation().expect("full rank"), case.dims, &options)
                    .expect("solves");
                let c = corrected_atoms(&pid.pid, pid.union_bits, case.dims, n as f64).values();
                for (k, (&p, &c)) in pid.pid.values().iter().zip(&c).enumerate() {
                    plug[k] += (p - truth[k]) / seeds as f64;
                    corr[k] += (c - truth[k]) / seeds as f64;
                }
            }
            for k in 0..7 {
                let ratio = if plug[k].abs() > 1e-4 {
                    format!("{:.2}", corr[k].abs() / plug[k].abs())
                } else {
                    "–".into()
                };
                println!(
                    "| {} | {n} | {} | {:.4} | {:+.4} | {:+.4} | {ratio} |",
                    case.name, names[k], truth[k], plug[k], corr[k]
                );
            }
        }
    }
}
