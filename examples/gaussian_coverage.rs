//! Coverage of the Gaussian PID's intervals and the false-positive rate of its p-values
//! (the parametric Wishart bootstrap, `rigor::gaussian::gaussian_uncertainty`;
//! docs/gaussian.md, "Intervals and p-values"):
//!
//!     cargo run --release --example gaussian_coverage -- [SEEDS] [REPLICATES]
//!
//! Linear-Gaussian cases of known covariance (`support/gaussian_cases.rs`; truth the PID
//! of the covariance itself: for a scalar Y the MMI closed form R = min(I1, I2); for the
//! two-target case the solver on the exact covariance), rows
//! drawn as M z, SEEDS (100) seeds per case and N ∈ {200, 2,000}, REPLICATES (200)
//! bootstrap and null draws. Prints per case, N and term: the truth, the share of seeds
//! whose 95 % interval holds it, the mean width, and for a term whose truth is 0 the
//! share with p < 0.05.

#[path = "support/gaussian_cases.rs"]
mod gaussian_cases;

use gaussian_cases::{cases, covariance, sample_covariance};
use pidscope::pid::gaussian::{pid_gaussian, SolverOptions};
use pidscope::rigor::gaussian::{gaussian_uncertainty, UncertaintyOptions};

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|s| s.parse::<usize>().expect("a number"));
    let seeds = args.next().unwrap_or(100);
    let replicates = args.next().unwrap_or(200);
    let names = ["R", "U1", "U2", "S", "I(X1;Y)", "I(X2;Y)", "I(X1,X2;Y)"];
    let solver = SolverOptions::default();
    println!("| case | N | term | truth | coverage | mean width | p < 0.05 (truth 0) |");
    println!("|---|---|---|---|---|---|---|");
    for case in cases() {
        let truth = pid_gaussian(&covariance(&case.m), case.dims, &solver)
            .unwrap()
            .pid
            .values();
        for n in [200usize, 2000] {
            let (mut covered, mut width, mut rejected) = ([0usize; 7], [0.0; 7], [0usize; 7]);
            for seed in 0..seeds as u64 {
                let cov = sample_covariance(&case.m, n, seed * 7919 + n as u64 + 1);
                let pid = pid_gaussian(&cov, case.dims, &solver).unwrap();
                let options = UncertaintyOptions {
                    resamples: replicates,
                    permutations: replicates,
                    seed,
                    confidence: 0.95,
                };
                let u = gaussian_uncertainty(&cov, case.dims, n, &pid.pid, &options).unwrap();
                let terms = [
                    &u.redundancy,
                    &u.unique1,
                    &u.unique2,
                    &u.synergy,
                    &u.mi_x1_y,
                    &u.mi_x2_y,
                    &u.mi_joint,
                ];
                for (k, t) in terms.iter().enumerate() {
                    let (lo, hi) = (t.low.unwrap(), t.high.unwrap());
                    covered[k] += usize::from(lo - 1e-9 <= truth[k] && truth[k] <= hi + 1e-9);
                    width[k] += (hi - lo) / seeds as f64;
                    rejected[k] += usize::from(t.p_value.unwrap() < 0.05);
                }
            }
            for k in 0..7 {
                let fpr = if truth[k].abs() < 1e-9 {
                    format!("{:.0} %", 100.0 * rejected[k] as f64 / seeds as f64)
                } else {
                    "–".into()
                };
                println!(
                    "| {} | {n} | {} | {:.4} | {:.0} % | {:.4} | {fpr} |",
                    case.name,
                    names[k],
                    truth[k],
                    100.0 * covered[k] as f64 / seeds as f64,
                    width[k]
                );
            }
        }
    }
}
