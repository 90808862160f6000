//! Numeric building blocks shared by the estimators and the discretisation: one home for
//! dot products and dense linear algebra, so that every caller sums in the same order
//! (the determinism fingerprints depend on it).

pub mod cholesky;
pub mod eigen;
pub mod normal;

/// Σ_k a_k b_k as four interleaved partial sums (k mod 4) added as (s₀ + s₁) + (s₂ + s₃):
/// a fixed order, so the same bits on every target, that LLVM can still vectorise
/// (one running sum is bound by the latency of each addition).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail = ac.remainder().iter().zip(bc.remainder());
    for (x, y) in ac.zip(bc) {
        for i in 0..4 {
            acc[i] += x[i] * y[i];
        }
    }
    for (lane, (x, y)) in acc.iter_mut().zip(tail) {
        *lane += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}
