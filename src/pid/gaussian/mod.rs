//! The Gaussian PID: the BROJA decomposition of jointly Gaussian X1 (d1 dims),
//! X2 (d2) and Y (dy) from their covariance matrix, in **bits**.
//!
//! For jointly Gaussian variables the BROJA optimum over
//! Δp = {q : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y)} is attained by a Gaussian q
//! (Zhao, Balachandran, Tian, Liang, NeurIPS 2025, "Thin-PID"), so the problem is a
//! small matrix problem (docs/gaussian.md):
//!
//! 1. whiten: Y ↦ Σ_Y^{-1/2} Y, and each X_i = H_i Y + n_i with n_i ~ N(0, I), where
//!    H_i = N_i^{-1/2} Cov(X_i, Y) Σ_Y^{-1/2} and N_i = Σ_{X_i|Y};
//! 2. I∪ = min over the d1×d2 noise cross-covariance Σ, ‖Σ‖₂ < 1, of
//!    f(Σ) = ½ ln det(I_dy + Hᵀ Σn⁻¹ H), Σn = [[I, Σ], [Σᵀ, I]], H = [H1; H2]
//!    (this is I_q(Y; X1, X2) for the Gaussian q with that noise coupling);
//! 3. atoms from I∪ clamped to [max(I1, I2), min(I1 + I2, I12)]:
//!    R = I1 + I2 − I∪, U1 = I∪ − I2, U2 = I∪ − I1, S = I12 − I∪.
//!
//! For a scalar Y the result is the MMI PID (Barrett 2015): R = min(I1, I2).

mod bias;
mod covariance;
mod solver;

pub use bias::{
    corrected_atoms, corrected_information, log_det_bias_nats, mi_bias_bits, CorrectedInformation,
};
pub use covariance::{CovarianceError, StreamingCovariance};
pub use solver::{SolverOptions, Stop, UnionSolution};

use crate::numeric::cholesky::{cholesky_strict, forward_solve, log_det_from_cholesky};
use crate::pid::Decomposition;
use serde::Serialize;
use std::f64::consts::LN_2;

/// Below this smallest Cholesky pivot ratio (min L_jj² / A_jj) the covariance is
/// treated as singular (collinear features) and a ridge is added.
pub const SINGULAR_PIVOT_RATIO: f64 = 1e-12;
/// The ridge added to every diagonal entry, relative to the mean diagonal entry; it is
/// multiplied by 10 until the covariance is positive definite (at most [`MAX_RIDGE`]).
pub const RIDGE: f64 = 1e-10;
/// The largest relative ridge tried before the covariance is refused.
pub const MAX_RIDGE: f64 = 1e-2;

/// The sizes of the three blocks of the covariance, in the order X1, X2, Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dims {
    pub x1: usize,
    pub x2: usize,
    pub y: usize,
}

impl Dims {
    /// d1 + d2 + dy: the side of the covariance matrix.
    pub fn total(&self) -> usize {
        self.x1 + self.x2 + self.y
    }
}

/// Why a Gaussian PID could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GaussianError {
    #[error("the Gaussian PID needs at least one dimension in each of X1, X2 and Y (got {x1}, {x2}, {y})")]
    EmptyBlock { x1: usize, x2: usize, y: usize },
    #[error(
        "the covariance has {len} entries, not {side}×{side} for dimensions {x1} + {x2} + {y}"
    )]
    WrongSize {
        len: usize,
        side: usize,
        x1: usize,
        x2: usize,
        y: usize,
    },
    #[error("covariance entry ({row}, {col}) is not a finite number")]
    NotFinite { row: usize, col: usize },
    #[error("the covariance is not symmetric at ({row}, {col}): {upper} vs {lower}")]
    NotSymmetric {
        row: usize,
        col: usize,
        upper: f64,
        lower: f64,
    },
    #[error("column '{column}' ({role}) is constant over the samples used: the Gaussian estimator needs every column to vary; leave it out of the roles")]
    ConstantColumn { column: String, role: &'static str },
    #[error("{samples} samples for {dims} dimensions (X1 + X2 + Y): the Gaussian estimator needs more samples than dimensions")]
    TooFewSamples { samples: usize, dims: usize },
    #[error("the Gaussian estimator needs samples (one row per sample), not a counts table")]
    NeedsSamples,
    #[error("row {row}: {message}")]
    Row { row: usize, message: String },
    #[error("the covariance is not positive definite even with a ridge of {ridge:e} × its mean variance (a variable with no variance, or negative eigenvalues)")]
    NotPositiveDefinite { ridge: f64 },
}

/// A Gaussian PID with what the solve did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianPid {
    /// The atoms and information terms, bits.
    #[serde(flatten)]
    pub pid: Decomposition,
    /// The union information I∪ = min_Σ f(Σ) the solver reached (before clamping), bits.
    pub union_bits: f64,
    /// Solver iterations (gradient steps).
    pub iterations: usize,
    /// Whether the stopping rule was met before the iteration limit.
    pub converged: bool,
    /// Which stopping rule ended the solve.
    pub stop: Stop,
    /// Decrease of f over the last [`SolverOptions::window`] iterations, bits: the
    /// convergence measure of the general (any dy) solve.
    pub last_decrease_bits: f64,
    /// ‖∇f‖ at the last iterate, bits per unit of Σ: 0 at an interior optimum, not at
    /// one on the boundary ‖Σ‖₂ = 1 (as for a scalar Y with I1 = I2).
    pub gradient_norm: f64,
    /// For a scalar Y only: I∪ − max(I1, I2), which bounds the solver's error because
    /// the exact I∪ equals max(I1, I2) there (Barrett 2015); `None` when dy > 1.
    pub scalar_gap_bits: Option<f64>,
    /// The ridge added to the diagonal (relative to the mean variance; 0 if none).
    pub ridge: f64,
    pub dims: Dims,
    /// Plain-language notes (ridge, clamping).
    pub notes: Vec<String>,
}

/// The PID from the three information terms and the union information I∪ (bits):
/// R = I1 + I2 − I∪, U1 = I∪ − I2, U2 = I∪ − I1, S = I12 − I∪, so R + U1 = I1,
/// R + U2 = I2 and R + U1 + U2 + S = I12 exactly.
pub(super) fn atoms_from_union(i1: f64, i2: f64, i12: f64, union: f64) -> Decomposition {
    Decomposition {
        redundancy: i1 + i2 - union,
        unique1: union - i2,
        unique2: union - i1,
        synergy: i12 - union,
        mi_x1_y: i1,
        mi_x2_y: i2,
        mi_joint: i12,
    }
}

/// The rows and columns `index` of the n×n row-major matrix `a`, as a k×k matrix.
fn sub_matrix(a: &[f64], n: usize, index: &[usize]) -> Vec<f64> {
    let mut out = Vec::with_capacity(index.len() * index.len());
    for &i in index {
        out.extend(index.iter().map(|&j| a[i * n + j]));
    }
    out
}

/// ln det of a symmetric positive definite matrix (natural log); `None` if it is not
/// positive definite to working precision.
fn log_det(mut a: Vec<f64>, n: usize) -> Option<f64> {
    cholesky_strict(&mut a, n).map(|_| log_det_from_cholesky(&a, n))
}

/// I(A;B) = ½ [ln det Σ_A + ln det Σ_B − ln det Σ_AB] / ln 2 in **bits**, for the blocks
/// `a` and `b` (index lists) of the n×n covariance `cov` of a Gaussian vector.
pub fn gaussian_mi_bits(cov: &[f64], n: usize, a: &[usize], b: &[usize]) -> Option<f64> {
    let both: Vec<usize> = a.iter().chain(b).copied().collect();
    let la = log_det(sub_matrix(cov, n, a), a.len())?;
    let lb = log_det(sub_matrix(cov, n, b), b.len())?;
    let lab = log_det(sub_matrix(cov, n, &both), both.len())?;
    Some(0.5 * (la + lb - lab) / LN_2)
}

/// Checks the shape, finiteness and symmetry of a covariance.
fn validate(cov: &[f64], dims: Dims) -> Result<(), GaussianError> {
    let Dims { x1, x2, y } = dims;
    if x1 == 0 || x2 == 0 || y == 0 {
        return Err(GaussianError::EmptyBlock { x1, x2, y });
    }
    let n = dims.total();
    if cov.len() != n * n {
        return Err(GaussianError::WrongSize {
            len: cov.len(),
            side: n,
            x1,
            x2,
            y,
        });
    }
    for row in 0..n {
        for col in 0..n {
            let v = cov[row * n + col];
            if !v.is_finite() {
                return Err(GaussianError::NotFinite { row, col });
            }
            let w = cov[col * n + row];
            if (v - w).abs() > 1e-9 * (v.abs() + w.abs()).max(1e-300) {
                return Err(GaussianError::NotSymmetric {
                    row,
                    col,
                    upper: v,
                    lower: w,
                });
            }
        }
    }
    Ok(())
}

/// `cov` itself when it is well conditioned, else with the smallest ridge
/// λ·mean(diag) (λ = [`RIDGE`], ×10 … up to [`MAX_RIDGE`]) that makes it so; returns λ.
/// (The point estimate's; `rigor::gaussian` draws its replicates from the same matrix.)
pub fn regularised(cov: &[f64], n: usize) -> Result<(Vec<f64>, f64), GaussianError> {
    let mean_var = (0..n).map(|i| cov[i * n + i]).sum::<f64>() / n as f64;
    let mut ridge = 0.0;
    loop {
        let mut a = cov.to_vec();
        for i in 0..n {
            a[i * n + i] += ridge * mean_var;
        }
        let mut l = a.clone();
        if mean_var > 0.0 && cholesky_strict(&mut l, n).is_some_and(|r| r > SINGULAR_PIVOT_RATIO) {
            return Ok((a, ridge));
        }
        ridge = if ridge == 0.0 { RIDGE } else { ridge * 10.0 };
        if ridge > MAX_RIDGE * 1.000_001 || mean_var <= 0.0 {
            return Err(GaussianError::NotPositiveDefinite { ridge: MAX_RIDGE });
        }
    }
}

/// H_i = N_i^{-1/2} C_i (d_i × dy, row-major) for the block `xi` of `cov`, with
/// C_i = Cov(X_i, Y) L_Y^{-T} and N_i = Σ_Xi − C_i C_iᵀ (L_Y the Cholesky factor of Σ_Y).
fn whitened_gain(
    cov: &[f64],
    n: usize,
    xi: &[usize],
    ys: &[usize],
    ly: &[f64],
) -> Option<Vec<f64>> {
    let (d, dy) = (xi.len(), ys.len());
    let mut c = vec![0.0; d * dy];
    for (r, &i) in xi.iter().enumerate() {
        let mut row: Vec<f64> = ys.iter().map(|&j| cov[i * n + j]).collect();
        forward_solve(ly, dy, &mut row); // row of C_i = L_Y^{-1} Cov(Y, x_r)
        c[r * dy..(r + 1) * dy].copy_from_slice(&row);
    }
    let mut noise = sub_matrix(cov, n, xi);
    for r in 0..d {
        for s in 0..d {
            let cc: f64 = (0..dy).map(|k| c[r * dy + k] * c[s * dy + k]).sum();
            noise[r * d + s] -= cc;
        }
    }
    // Positive definite: a Schur complement of the (regularised, definite) covariance.
    cholesky_strict(&mut noise, d)?;
    let mut h = vec![0.0; d * dy];
    for k in 0..dy {
        let mut col: Vec<f64> = (0..d).map(|r| c[r * dy + k]).collect();
        forward_solve(&noise, d, &mut col);
        for r in 0..d {
            h[r * dy + k] = col[r];
        }
    }
    Some(h)
}

/// H reduced to its signal subspace: when d > dy, the dy×dy factor Lᵀ of HᵀH = L Lᵀ
/// (H = Q Lᵀ with Q orthonormal; X ↦ Qᵀ X keeps the signal coordinates, and the other
/// d − dy coordinates are noise independent of Y, which the optimal coupling leaves
/// independent, so I∪ is unchanged). `h` itself when d ≤ dy or HᵀH is singular.
fn signal_subspace(h: Vec<f64>, d: usize, dy: usize) -> (Vec<f64>, usize) {
    if d <= dy {
        return (h, d);
    }
    let mut gram = vec![0.0; dy * dy];
    for a in 0..dy {
        for b in 0..dy {
            gram[a * dy + b] = (0..d).map(|r| h[r * dy + a] * h[r * dy + b]).sum();
        }
    }
    match cholesky_strict(&mut gram, dy) {
        Some(ratio) if ratio > SINGULAR_PIVOT_RATIO => {
            // Row a of Lᵀ is column a of L: (Lᵀ)[a][b] = L[b][a] for b ≥ a.
            let mut reduced = vec![0.0; dy * dy];
            for a in 0..dy {
                for b in a..dy {
                    reduced[a * dy + b] = gram[b * dy + a];
                }
            }
            (reduced, dy)
        }
        _ => (h, d),
    }
}

/// The Gaussian BROJA PID of the covariance `cov` (row-major, (d1+d2+dy)², blocks in
/// the order X1, X2, Y; any scale: the PID is invariant to invertible linear maps of
/// each block), in bits. Formulas in the module docs.
pub fn pid_gaussian(
    cov: &[f64],
    dims: Dims,
    options: &SolverOptions,
) -> Result<GaussianPid, GaussianError> {
    validate(cov, dims)?;
    let n = dims.total();
    let (cov, ridge) = regularised(cov, n)?;
    let x1: Vec<usize> = (0..dims.x1).collect();
    let x2: Vec<usize> = (dims.x1..dims.x1 + dims.x2).collect();
    let ys: Vec<usize> = (dims.x1 + dims.x2..n).collect();
    let x12: Vec<usize> = (0..dims.x1 + dims.x2).collect();
    let not_pd = GaussianError::NotPositiveDefinite { ridge };
    let i1 = gaussian_mi_bits(&cov, n, &x1, &ys).ok_or(not_pd.clone())?;
    let i2 = gaussian_mi_bits(&cov, n, &x2, &ys).ok_or(not_pd.clone())?;
    let i12 = gaussian_mi_bits(&cov, n, &x12, &ys).ok_or(not_pd.clone())?;
    let mut ly = sub_matrix(&cov, n, &ys);
    cholesky_strict(&mut ly, dims.y).ok_or(not_pd.clone())?;
    let h1 = whitened_gain(&cov, n, &x1, &ys, &ly).ok_or(not_pd.clone())?;
    let h2 = whitened_gain(&cov, n, &x2, &ys, &ly).ok_or(not_pd)?;
    let (h1, r1) = signal_subspace(h1, dims.x1, dims.y);
    let (h2, r2) = signal_subspace(h2, dims.x2, dims.y);
    let reduced = Dims {
        x1: r1,
        x2: r2,
        y: dims.y,
    };
    let solution = solver::union_information(&h1, &h2, reduced, options);
    let union_bits = solution.value_nats / LN_2;
    let low = i1.max(i2);
    let high = (i1 + i2).min(i12).max(low);
    let union = union_bits.clamp(low, high);
    let mut notes = Vec::new();
    if ridge > 0.0 {
        notes.push(format!(
            "the covariance is singular or nearly so (collinear or duplicated features): a ridge of {ridge:e} × the mean variance was added to its diagonal"
        ));
    }
    if (union - union_bits).abs() > 1e-9 {
        notes.push(format!(
            "the solver's union information {union_bits:.9} bits lay outside [max(I1, I2), min(I1 + I2, I12)] and was clamped to {union:.9}"
        ));
    }
    Ok(GaussianPid {
        pid: atoms_from_union(i1, i2, i12, union),
        union_bits,
        iterations: solution.iterations,
        converged: solution.converged,
        stop: solution.stop,
        last_decrease_bits: solution.last_decrease_nats / LN_2,
        gradient_norm: solution.gradient_norm / LN_2,
        scalar_gap_bits: (dims.y == 1).then_some(union_bits - low),
        ridge,
        dims,
        notes,
    })
}
