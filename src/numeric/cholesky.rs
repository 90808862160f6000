//! Dense Cholesky factorisation of small symmetric positive (semi)definite matrices,
//! row-major n×n in a flat slice: factor in place, solve, and form the explicit inverse.
//! The CVX solver uses them for its ny×ny preconditioner blocks and for the Schur
//! complement of matrix scaling.

/// In-place Cholesky A = L Lᵀ of a symmetric positive (semi)definite n×n matrix given
/// by its lower triangle (`a[i * n + j]`, j ≤ i; the strict upper triangle is not read
/// and is left as it was); L overwrites the lower triangle. Pivots ≤ 1e-300 (tiny or
/// negative) are replaced by 1, which keeps the factor usable as a preconditioner.
pub fn cholesky_in_place(a: &mut [f64], n: usize) {
    factor(a, n, |d, _| Some(if d > 1e-300 { d } else { 1.0 }));
}

/// The column loop of both factorisations: `pivot(d, a_jj)` turns column j's pivot d
/// (before its square root) into the one used, or stops the factorisation with `None`.
/// Returns whether every column was factored.
fn factor(a: &mut [f64], n: usize, mut pivot: impl FnMut(f64, f64) -> Option<f64>) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        let Some(d) = pivot(d, a[j * n + j]) else {
            return false;
        };
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    true
}

/// Overwrites the Cholesky factor `l` (lower triangle, as left by [`cholesky_in_place`])
/// with the full, symmetric inverse (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹; `linv` is n×n scratch. About
/// n³/3 flops and n divisions, versus n triangular solve pairs (n³ flops, n² divisions).
pub fn spd_inverse_from_cholesky(l: &mut [f64], n: usize, linv: &mut [f64]) {
    // `linv` holds L⁻¹ transposed (row j = column j of L⁻¹) so that both inner loops
    // run along contiguous rows; the summation order is that of the textbook loops.
    linv.iter_mut().for_each(|v| *v = 0.0);
    for j in 0..n {
        let col = &mut linv[j * n..(j + 1) * n];
        col[j] = 1.0 / l[j * n + j];
        for i in j + 1..n {
            let s = sum_products(&l[i * n + j..i * n + i], &col[j..i]);
            col[i] = -s / l[i * n + i];
        }
    }
    for i in 0..n {
        for j in 0..=i {
            let s = sum_products(&linv[i * n + i..(i + 1) * n], &linv[j * n + i..(j + 1) * n]);
            l[i * n + j] = s;
            l[j * n + i] = s;
        }
    }
}

/// Σ a_k b_k in index order (not [`crate::numeric::dot`]'s lanes: the inverse's
/// rounding stays that of the sequential loops).
#[inline(always)]
fn sum_products(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        s += x * y;
    }
    s
}

/// Solves L Lᵀ x = b in place (`x` holds b on entry) with the factor `l` left by
/// [`cholesky_in_place`]: a forward and a backward triangular solve.
pub fn cholesky_solve(l: &[f64], n: usize, x: &mut [f64]) {
    forward_solve(l, n, x);
    for i in (0..n).rev() {
        let mut s = x[i];
        for k in i + 1..n {
            s -= l[k * n + i] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
}

/// Strict in-place Cholesky A = L Lᵀ (lower triangle of `a`, as [`cholesky_in_place`]):
/// `None` when a pivot is not positive and finite (A is not positive definite to
/// working precision), else the smallest pivot ratio min_j L_jj² / A_jj, a measure of
/// how close A is to singular (1 for a diagonal matrix, → 0 near collinearity).
pub fn cholesky_strict(a: &mut [f64], n: usize) -> Option<f64> {
    let mut worst = f64::INFINITY;
    let positive = factor(a, n, |d, diagonal| {
        worst = worst.min(d / diagonal);
        (d > 0.0 && d.is_finite()).then_some(d)
    });
    positive.then_some(worst)
}

/// ln det A = 2 Σ_j ln L_jj from the Cholesky factor `l` of A (natural log).
pub fn log_det_from_cholesky(l: &[f64], n: usize) -> f64 {
    2.0 * (0..n).map(|j| l[j * n + j].ln()).sum::<f64>()
}

/// Solves L x = b in place (forward substitution only) with the factor `l`.
pub fn forward_solve(l: &[f64], n: usize, x: &mut [f64]) {
    for i in 0..n {
        let mut s = x[i];
        for k in 0..i {
            s -= l[i * n + k] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A symmetric positive definite 3×3 matrix, and its lower triangle alone.
    const FULL: [f64; 9] = [4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0];
    const LOWER: [f64; 9] = [4.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.5, 0.2, 2.0];

    fn identity_entry(i: usize, j: usize) -> f64 {
        f64::from(u8::from(i == j))
    }

    #[test]
    fn cholesky_solve_inverts_the_matrix() {
        let mut a = LOWER;
        cholesky_in_place(&mut a, 3);
        for j in 0..3 {
            let mut x = [0.0; 3];
            x[j] = 1.0;
            cholesky_solve(&a, 3, &mut x);
            for i in 0..3 {
                let row: f64 = (0..3).map(|k| FULL[i * 3 + k] * x[k]).sum();
                assert!((row - identity_entry(i, j)).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn spd_inverse_is_exact() {
        let mut a = FULL;
        let mut scratch = [0.0; 9];
        cholesky_in_place(&mut a, 3);
        spd_inverse_from_cholesky(&mut a, 3, &mut scratch);
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| FULL[i * 3 + k] * a[k * 3 + j]).sum();
                assert!((v - identity_entry(i, j)).abs() < 1e-14);
            }
        }
    }
}
