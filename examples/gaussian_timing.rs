//! Times the Gaussian PID solve from a given covariance (docs/gaussian.md):
//! `cargo run --release --example gaussian_timing -- D1 D2 DY [REPEATS]`. The
//! covariance is A Aᵀ for a seeded Gaussian A with d + 3 latent factors.

use pidscope::pid::gaussian::{pid_gaussian, Dims, SolverOptions};
use pidscope::pid::random::random_covariance;
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a whole number"))
        .collect();
    let (d1, d2, dy) = (args[0], args[1], args[2]);
    let repeats = args.get(3).copied().unwrap_or(5);
    let dims = Dims {
        x1: d1,
        x2: d2,
        y: dy,
    };
    let cov = random_covariance(dims.total(), 1);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        last = Some(pid_gaussian(&cov, dims, &SolverOptions::default()).expect("solvable"));
        times.push(start.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    let p = last.expect("at least one repeat");
    println!(
        "d1 {d1} d2 {d2} dy {dy}: median {:.2} ms (min {:.2}, max {:.2}) over {repeats}; {} iterations, stop {:?}, last decrease {:.1e} bits, gradient norm {:.1e}; R {:.6} U1 {:.6} U2 {:.6} S {:.6} bits",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        p.iterations,
        p.stop,
        p.last_decrease_bits,
        p.gradient_norm,
        p.pid.redundancy,
        p.pid.unique1,
        p.pid.unique2,
        p.pid.synergy
    );
}
