//! Eigenpairs of symmetric matrices (row-major `n × n` slices): every pair by cyclic
//! Jacobi rotations ([`symmetric_eigen`]), or the leading few by subspace iteration
//! ([`leading_eigen`]). Plain `f64` loops in a fixed order, so the same bits natively and
//! in WebAssembly (docs/ingest.md, "Linear algebra").

use super::dot;
use crate::rng::SplitMix64;

/// Leading `k` eigenpairs of a symmetric positive semi-definite `n × n` matrix
/// (row-major) by subspace iteration on a block of `k + 5` vectors with a
/// Rayleigh–Ritz step (the small projected matrix is solved by Jacobi), in the same
/// order and sign convention as [`symmetric_eigen`]. Deterministic: the start block
/// comes from a fixed-seed [`SplitMix64`].
pub fn leading_eigen(a: &[f64], n: usize, k: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let multiply =
        |v: &Vec<f64>| -> Vec<f64> { a.chunks_exact(n).map(|row| dot(row, v)).collect() };
    subspace_eigen(
        n,
        k,
        Subspace {
            seed: 0x9CA,
            iterations: 1000,
            check_every: 10,
        },
        &mut |block| block.iter().map(multiply).collect(),
    )
}

/// The images A·v of a block of vectors v under an operator A.
pub type BlockProduct<'a> = dyn FnMut(&[Vec<f64>]) -> Vec<Vec<f64>> + 'a;

/// How [`subspace_eigen`] iterates.
#[derive(Debug, Clone, Copy)]
pub struct Subspace {
    /// Seed of the start block.
    pub seed: u64,
    /// Products with the matrix at most (the last one feeds the Rayleigh–Ritz step).
    pub iterations: usize,
    /// A Rayleigh–Ritz step every this many products (and after the last); it stops
    /// early when the `k` Ritz values changed by at most 1e-12 of the largest.
    pub check_every: usize,
}

/// Leading `k` eigenpairs of a symmetric positive semi-definite `n × n` operator given
/// only by its product with a block of vectors (`apply`: the images of every vector),
/// by subspace iteration on `k + 5` vectors from a seeded random start, with a
/// Rayleigh–Ritz step; order and signs as [`symmetric_eigen`]. A fixed, small
/// `iterations` is the randomized range finder with power iterations (Halko, Martinsson
/// & Tropp 2011, Algorithm 4.4).
pub fn subspace_eigen(
    n: usize,
    k: usize,
    plan: Subspace,
    apply: &mut BlockProduct,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = k.min(n);
    let block = (k + 5).min(n);
    let mut rng = SplitMix64::new(plan.seed);
    let random_vector =
        |rng: &mut SplitMix64| -> Vec<f64> { (0..n).map(|_| rng.next_f64() - 0.5).collect() };
    let mut basis: Vec<Vec<f64>> = (0..block).map(|_| random_vector(&mut rng)).collect();
    orthonormalise(&mut basis, &mut || random_vector(&mut rng));
    let mut previous: Vec<f64> = Vec::new();
    let mut ritz = (Vec::new(), Vec::new());
    let last = plan.iterations.max(1);
    for iteration in 1..=last {
        let images = apply(&basis);
        if iteration % plan.check_every.max(1) == 0 || iteration == last {
            // Rayleigh–Ritz: the projected matrix Vᵀ A V and its eigenpairs.
            let mut projected = vec![0.0; block * block];
            for i in 0..block {
                for j in 0..block {
                    projected[i * block + j] = dot(&basis[i], &images[j]);
                }
            }
            let (values, small) = symmetric_eigen(projected, block);
            let scale = values
                .first()
                .copied()
                .unwrap_or(0.0)
                .abs()
                .max(f64::MIN_POSITIVE);
            let settled = previous.len() == k
                && values
                    .iter()
                    .zip(&previous)
                    .all(|(v, p)| (v - p).abs() <= 1e-12 * scale);
            previous = values[..k].to_vec();
            ritz = (values, small);
            if settled || iteration == last {
                // `basis` is still the block that `ritz` was computed from.
                break;
            }
        }
        basis = images;
        orthonormalise(&mut basis, &mut || random_vector(&mut rng));
    }
    // Ritz vectors: the basis combined by the small eigenvectors.
    let (values, small) = ritz;
    let vectors = small
        .iter()
        .take(k)
        .map(|coefficients| {
            let mut vector = vec![0.0; n];
            for (c, v) in coefficients.iter().zip(&basis) {
                for (x, y) in vector.iter_mut().zip(v) {
                    *x += c * y;
                }
            }
            let norm = dot(&vector, &vector).sqrt().max(f64::MIN_POSITIVE);
            let largest =
                vector
                    .iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            let sign = if largest < 0.0 { -1.0 } else { 1.0 };
            vector.iter_mut().for_each(|x| *x *= sign / norm);
            vector
        })
        .collect();
    (values.into_iter().take(k).collect(), vectors)
}

/// Modified Gram–Schmidt, replacing a vector that collapses (the matrix has lower
/// rank than the block) with a fresh random one.
fn orthonormalise(vectors: &mut [Vec<f64>], fresh: &mut dyn FnMut() -> Vec<f64>) {
    for i in 0..vectors.len() {
        for attempt in 0..3 {
            let (done, rest) = vectors.split_at_mut(i);
            let v = &mut rest[0];
            let before = dot(v, v).sqrt();
            for u in done.iter() {
                let projection = dot(u, v);
                v.iter_mut().zip(u).for_each(|(x, y)| *x -= projection * y);
            }
            let norm = dot(v, v).sqrt();
            if norm > 1e-10 * before.max(f64::MIN_POSITIVE) && norm > 0.0 {
                v.iter_mut().for_each(|x| *x /= norm);
                break;
            }
            if attempt < 2 {
                *v = fresh();
            }
        }
    }
}

/// Eigen-decomposition of a symmetric `n × n` matrix (row-major) by cyclic Jacobi
/// rotations: eigenvalues in decreasing order and their unit eigenvectors, each signed
/// so that its largest-magnitude entry is positive (a stable convention for display).
pub fn symmetric_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let norm2: f64 = a.iter().map(|x| x * x).sum();
    for _sweep in 0..100 {
        let off2: f64 = (0..n)
            .flat_map(|p| (0..n).filter(move |&q| q != p).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off2 <= 1e-30 * norm2 || off2 == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                // The smaller root of t² + 2θt − 1 = 0, written to avoid overflow.
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let vectors = order
        .iter()
        .map(|&col| {
            let mut vector: Vec<f64> = (0..n).map(|row| v[row * n + col]).collect();
            let largest =
                vector
                    .iter()
                    .copied()
                    .fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
            if largest < 0.0 {
                vector.iter_mut().for_each(|x| *x = -*x);
            }
            vector
        })
        .collect();
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalises_a_known_matrix() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 along (1, 1) and (1, −1).
        let (values, vectors) = symmetric_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        assert!((values[0] - 3.0).abs() < 1e-12 && (values[1] - 1.0).abs() < 1e-12);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        assert!((vectors[0][0] - h).abs() < 1e-12 && (vectors[0][1] - h).abs() < 1e-12);
    }

    #[test]
    fn subspace_iteration_agrees_with_jacobi() {
        let n = 40;
        let mut rng = SplitMix64::new(5);
        let m: Vec<f64> = (0..n * 6).map(|_| rng.next_f64() - 0.5).collect();
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..6)
                    .map(|r| m[i * 6 + r] * m[j * 6 + r] * (r + 1) as f64)
                    .sum();
            }
        }
        let (all_values, all_vectors) = symmetric_eigen(a.clone(), n);
        let (values, vectors) = leading_eigen(&a, n, 3);
        for c in 0..3 {
            assert!(
                (values[c] - all_values[c]).abs() < 1e-9,
                "{values:?} vs {all_values:?}"
            );
            let agreement: f64 = vectors[c]
                .iter()
                .zip(&all_vectors[c])
                .map(|(x, y)| x * y)
                .sum();
            assert!((agreement - 1.0).abs() < 1e-9, "component {c}: {agreement}");
        }
        // Rank 6 < block of 8: collapsing vectors are replaced, not divided by zero.
        let (values, _) = leading_eigen(&a, n, 5);
        assert!(values.iter().all(|v| v.is_finite()));
    }
}
