//! Linear-Gaussian cases of known covariance Σ = M Mᵀ shared by the Gaussian examples
//! (`gaussian_bias`, `gaussian_coverage`), and rows drawn from them.
#![allow(dead_code)]

use pidscope::pid::gaussian::{Dims, StreamingCovariance};
use pidscope::rng::SplitMix64;

/// A case: the rows of M (one per variable: X1's, X2's, then Y's), over `latent` factors.
pub struct Case {
    pub name: &'static str,
    pub dims: Dims,
    pub m: Vec<Vec<f64>>,
}

/// A unit vector on factor `i` of `latent`, plus `extra` on other factors.
fn factor(latent: usize, parts: &[(usize, f64)]) -> Vec<f64> {
    let mut row = vec![0.0; latent];
    for &(i, w) in parts {
        row[i] += w;
    }
    row
}

pub fn cases() -> Vec<Case> {
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
            // Unequal: Y = a0 + ½b0 + ½e, so I1 > I2 (no tie): R = I2, U1 = I1 − I2, U2 = 0.
            let mut unequal = m.clone();
            unequal[2 * d] = factor(latent, &[(0, 1.0), (d, 0.5), (2 * d, 0.5)]);
            out.push(Case {
                name: "unequal, d=2",
                dims: Dims { x1: d, x2: d, y: 1 },
                m: unequal,
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

pub fn covariance(m: &[Vec<f64>]) -> Vec<f64> {
    let n = m.len();
    let mut cov = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            cov[i * n + j] = m[i].iter().zip(&m[j]).map(|(a, b)| a * b).sum();
        }
    }
    cov
}

/// The correlation matrix of `n` rows M z (z standard normal), seeded.
pub fn sample_covariance(m: &[Vec<f64>], n: usize, seed: u64) -> Vec<f64> {
    let latent = m[0].len();
    let mut rng = SplitMix64::new(seed);
    let mut cov = StreamingCovariance::new(m.len());
    let mut row = vec![0.0; m.len()];
    for _ in 0..n {
        let z: Vec<f64> = (0..latent).map(|_| rng.normal()).collect();
        for (v, m) in row.iter_mut().zip(m) {
            *v = m.iter().zip(&z).map(|(a, b)| a * b).sum();
        }
        cov.push(&row, 1.0).expect("finite");
    }
    cov.correlation().expect("full rank")
}
