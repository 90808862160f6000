//! The Gaussian estimator's bias, plug-in against the analytic correction (Cai et al.
//! 2015; docs/gaussian.md, "Bias"):
//!
//!     cargo run --release --example gaussian_bias -- [SEEDS]
//!
//! Linear-Gaussian cases with known covariance Σ = M Mᵀ (truth: the PID of Σ itself),
//! N ∈ {200, 2,000} rows drawn as M z, z standard normal, SEEDS (100) seeds each. Prints
//! per case, N and term the truth, the mean error of the plug-in and of the corrected
//! value, and their ratio.

use pidscope::pid::gaussian::{corrected_atoms, pid_gaussian, SolverOptions};

#[path = "support/gaussian_cases.rs"]
mod gaussian_cases;
use gaussian_cases::{cases, covariance, sample_covariance};

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
        for n in [200usize, 2000] {
            let (mut plug, mut corr) = ([0.0; 7], [0.0; 7]);
            for seed in 0..seeds {
                let cov = sample_covariance(&case.m, n, seed * 7919 + n as u64);
                let pid = pid_gaussian(&cov, case.dims, &options).expect("solves");
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
