//! Seeded random joint tables for tests and benchmarks (one generator, no `rand`).

use crate::rng::SplitMix64;
use crate::table::JointTable;

/// The kinds of random table used to exercise the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Dirichlet weights with the given concentration ×100 (e.g. 10 → 0.1, 100 → 1.0).
    Dirichlet { concentration_percent: u32 },
    /// Dirichlet(1) weights with each cell zeroed with probability `zero_percent`%.
    Sparse { zero_percent: u32 },
    /// Y almost a function of (X1, X2): one label per cell gets nearly all its mass.
    NearDeterministic,
}

/// A random covariance A Aᵀ of side `n` (row-major), A an n×(n + 3) matrix of seeded
/// standard normals: positive definite, with every block correlated (the Gaussian
/// solver's benchmarks: `examples/gaussian_timing.rs`, the wasm `bench_gaussian`).
pub fn random_covariance(n: usize, seed: u64) -> Vec<f64> {
    let k = n + 3;
    let mut rng = SplitMix64::new(seed);
    let a: Vec<f64> = (0..n * k).map(|_| rng.normal()).collect();
    let mut cov = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            cov[i * n + j] = (0..k).map(|t| a[i * k + t] * a[j * k + t]).sum();
        }
    }
    cov
}

/// A random joint table of shape `[n1, n2, ny]` drawn with `seed` (never all zero).
pub fn random_table(shape: [usize; 3], kind: TableKind, seed: u64) -> JointTable {
    let mut rng = SplitMix64::new(seed);
    let [n1, n2, ny] = shape;
    let n = n1 * n2 * ny;
    let mut w: Vec<f64> = match kind {
        TableKind::Dirichlet {
            concentration_percent,
        } => {
            let a = concentration_percent.max(1) as f64 / 100.0;
            (0..n).map(|_| rng.gamma(a)).collect()
        }
        TableKind::Sparse { zero_percent } => (0..n)
            .map(|_| {
                let keep = rng.next_u64() % 100 >= zero_percent as u64;
                let g = rng.gamma(1.0);
                if keep {
                    g
                } else {
                    0.0
                }
            })
            .collect(),
        TableKind::NearDeterministic => {
            let mut w = vec![0.0; n];
            for cell in w.chunks_exact_mut(ny) {
                let mass = rng.gamma(1.0);
                let y = (rng.next_u64() % ny as u64) as usize;
                for (k, v) in cell.iter_mut().enumerate() {
                    *v = if k == y {
                        mass
                    } else {
                        mass * 1e-4 * rng.uniform()
                    };
                }
            }
            w
        }
    };
    if w.iter().all(|&v| v == 0.0) {
        w[(rng.next_u64() % n as u64) as usize] = 1.0;
    }
    JointTable::from_weights(shape, w).expect("random weights are valid")
}

/// The table of `samples` draws from `table`'s distribution (multinomial counts, as
/// weights): a sample of size `samples`, or a bootstrap replicate of a table of counts.
/// Cells of zero probability stay zero; at least one draw is made. Each draw is one uniform, located in the
/// cumulative distribution by bisection.
pub fn multinomial_table(table: &JointTable, samples: usize, rng: &mut SplitMix64) -> JointTable {
    let p = table.p();
    let mut cdf = Vec::with_capacity(p.len());
    let mut acc = 0.0;
    for &v in p {
        acc += v;
        cdf.push(acc);
    }
    let mut counts = vec![0.0; p.len()];
    for _ in 0..samples.max(1) {
        let u = rng.next_f64() * acc;
        // The first cell whose cumulative mass exceeds u (never a zero cell).
        let k = cdf.partition_point(|&c| c <= u).min(p.len() - 1);
        counts[k] += 1.0;
    }
    JointTable::from_weights(table.shape(), counts).expect("counts are valid weights")
}
