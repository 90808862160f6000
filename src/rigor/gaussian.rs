//! Intervals and p-values of the Gaussian PID by a **parametric (Wishart) bootstrap**:
//! the estimate is the PID of the Gaussian model fitted to n rows, so its sampling
//! distribution under that model is that of the PID of a sample covariance of n
//! Gaussian rows, S/(n − 1) with S ~ Wishart(n − 1, Σ̂). Each replicate draws S by the
//! Bartlett decomposition (S = L A Aᵀ Lᵀ, Σ̂ = L Lᵀ, A lower triangular with
//! A_ii = √χ²(n − 1 − i), A_ij ~ N(0, 1) below the diagonal): O(p³) per replicate
//! whatever n, from the covariance alone. Conventions as `crate::rigor`
//! (docs/rigor.md): corrected c = 2θ̂ − mean(θ*); interval [c + q_lo − m, c + q_hi − m]
//! widened by the bias allowance |c − θ̂| and cut to [0, ∞); p-values with the +1
//! correction; an atom's p-value is max(p_null, p_bootstrap).
//!
//! **Nulls** (the Gaussian form of rigor's permutations): a permutation of X1's rows
//! against (X2, Y) keeps Σ_X1 and Σ_(X2,Y) and breaks every cross-covariance between
//! them; the Gaussian model of that is Σ̂ with the X1–X2 and X1–Y blocks set to 0.
//! Null replicates are Wishart draws from that block-diagonal Σ₀: "x1" (X1 ⊥ (X2, Y)) for
//! I(X1;Y) and U1, "x2" for I(X2;Y) and U2, "y" (Y ⊥ (X1, X2)) for I(X1,X2;Y), R and S.
//!
//! **Determinism**: the draws use `libm` and the replicate values are rounded to a grid
//! of 2⁻³² bits, so the platform's last bits (`ln` in the log-determinants, the solver's
//! path) do not reach the quantiles: the same numbers natively and in wasm.

use super::{quantile, upper_p_value, TermUncertainty};
use crate::pid::gaussian::{pid_gaussian, regularised, Dims, GaussianError, SolverOptions};
use crate::pid::Decomposition;
use crate::rng::SplitMix64;
use serde::Serialize;

/// Values within this many bits are ties in the p-values (the replicate grid's scale).
pub const TIE_BITS: f64 = 1e-9;

/// The uncertainty of a Gaussian PID, bits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianUncertainty {
    pub method: &'static str,
    pub resamples: usize,
    pub permutations: usize,
    pub seed: u64,
    pub confidence: f64,
    pub redundancy: TermUncertainty,
    pub unique1: TermUncertainty,
    pub unique2: TermUncertainty,
    pub synergy: TermUncertainty,
    pub mi_x1_y: TermUncertainty,
    pub mi_x2_y: TermUncertainty,
    pub mi_joint: TermUncertainty,
}

/// How many replicates, and their seed and coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UncertaintyOptions {
    pub resamples: usize,
    pub permutations: usize,
    pub seed: u64,
    pub confidence: f64,
}

/// Rounds to the 2⁻³² grid (≈ 2.3e-10 bits).
fn grid(v: f64) -> f64 {
    const SCALE: f64 = 4_294_967_296.0;
    (v * SCALE).round() / SCALE
}

/// Standard normal by Box–Muller with `libm` (the same bits on every target).
fn normal(rng: &mut SplitMix64) -> f64 {
    let (u, v) = (rng.uniform(), rng.uniform());
    libm::sqrt(-2.0 * libm::log(u)) * libm::cos(std::f64::consts::TAU * v)
}

/// Gamma(shape, 1) by Marsaglia–Tsang (boosted by U^{1/shape} below 1), with `libm`.
fn gamma(rng: &mut SplitMix64, shape: f64) -> f64 {
    if shape < 1.0 {
        let u = rng.uniform();
        return gamma(rng, shape + 1.0) * libm::pow(u, 1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / libm::sqrt(9.0 * d);
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = rng.uniform();
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v;
        }
    }
}

/// χ²(ν) = 2·Gamma(ν/2).
fn chi_square(rng: &mut SplitMix64, nu: f64) -> f64 {
    2.0 * gamma(rng, nu / 2.0)
}

/// A sample covariance of `n` Gaussian rows of covariance L Lᵀ (`l` lower, p×p):
/// L A Aᵀ Lᵀ / (n − 1) by the Bartlett decomposition.
fn wishart_covariance(rng: &mut SplitMix64, l: &[f64], p: usize, n: usize) -> Vec<f64> {
    let k = (n - 1) as f64;
    let mut a = vec![0.0; p * p];
    for i in 0..p {
        a[i * p + i] = libm::sqrt(chi_square(rng, k - i as f64));
        for j in 0..i {
            a[i * p + j] = normal(rng);
        }
    }
    // B = L A (lower triangular), then B Bᵀ / k.
    let mut b = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            b[i * p + j] = (j..=i).map(|t| l[i * p + t] * a[t * p + j]).sum();
        }
    }
    let mut s = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let v = (0..=j).map(|t| b[i * p + t] * b[j * p + t]).sum::<f64>() / k;
            s[i * p + j] = v;
            s[j * p + i] = v;
        }
    }
    s
}

/// Which block is made independent of the rest: the nulls of [`NULL_OF_TERM`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Null {
    X1,
    X2,
    Y,
}

/// Each term's null, in the order of [`Decomposition::values`] (as rigor's table, docs/rigor.md).
const NULL_OF_TERM: [Null; 7] = [
    Null::Y,
    Null::X1,
    Null::X2,
    Null::Y,
    Null::X1,
    Null::X2,
    Null::Y,
];

/// `cov` with every covariance between the null's block and the rest set to 0.
fn null_covariance(cov: &[f64], dims: Dims, null: Null) -> Vec<f64> {
    let n = dims.total();
    let block = |i: usize| match i {
        i if i < dims.x1 => Null::X1,
        i if i < dims.x1 + dims.x2 => Null::X2,
        _ => Null::Y,
    };
    let mut out = cov.to_vec();
    for i in 0..n {
        for j in 0..n {
            if (block(i) == null) != (block(j) == null) {
                out[i * n + j] = 0.0;
            }
        }
    }
    out
}

/// The seven terms of one replicate: the PID of a Wishart draw from L Lᵀ, on the grid.
fn replicate(l: &[f64], dims: Dims, samples: usize, seed: u64) -> Result<[f64; 7], GaussianError> {
    let mut rng = SplitMix64::new(SplitMix64::new(seed).next_u64());
    let cov = wishart_covariance(&mut rng, l, dims.total(), samples);
    let pid = pid_gaussian(&cov, dims, &SolverOptions::default())?;
    Ok(pid.pid.values().map(grid))
}

/// The lower Cholesky factor of the covariance, with the ridge the point estimate
/// would add ([`regularised`]) when it is singular.
fn factor(cov: &[f64], n: usize) -> Result<Vec<f64>, GaussianError> {
    let (mut l, ridge) = regularised(cov, n)?;
    crate::numeric::cholesky::cholesky_strict(&mut l, n)
        .ok_or(GaussianError::NotPositiveDefinite { ridge })?;
    for i in 0..n {
        for j in i + 1..n {
            l[i * n + j] = 0.0;
        }
    }
    Ok(l)
}

/// Intervals and p-values of the Gaussian PID `plug_in` of the covariance `cov` of
/// `samples` rows (module docs for the method), bits.
pub fn gaussian_uncertainty(
    cov: &[f64],
    dims: Dims,
    samples: usize,
    plug_in: &Decomposition,
    options: &UncertaintyOptions,
) -> Result<GaussianUncertainty, GaussianError> {
    let n = dims.total();
    let observed = plug_in.values().map(grid);
    // Replicate i of stream `kind` has its own seed: any order of work gives the same bits.
    let stream = |kind: u64, i: usize| {
        options.seed
            ^ kind.wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    };
    let l = factor(cov, n)?;
    let boot: Vec<[f64; 7]> = (0..options.resamples)
        .map(|i| replicate(&l, dims, samples, stream(1, i)))
        .collect::<Result<_, _>>()?;
    let mut nulls: Vec<Vec<[f64; 7]>> = Vec::new();
    for (k, null) in [Null::X1, Null::X2, Null::Y].into_iter().enumerate() {
        let l0 = factor(&null_covariance(cov, dims, null), n)?;
        nulls.push(
            (0..options.permutations)
                .map(|i| replicate(&l0, dims, samples, stream(2 + k as u64, i)))
                .collect::<Result<_, _>>()?,
        );
    }
    let alpha = 1.0 - options.confidence;
    let term = |t: usize| -> TermUncertainty {
        let theta = observed[t];
        let null_index = NULL_OF_TERM[t] as usize;
        let is_atom = t < 4;
        let mut reps: Vec<f64> = boot.iter().map(|r| r[t]).collect();
        reps.sort_by(f64::total_cmp);
        let (corrected, low, high, p_bootstrap) = if reps.is_empty() {
            (theta, None, None, None)
        } else {
            let m = reps.iter().sum::<f64>() / reps.len() as f64;
            let c = 2.0 * theta - m;
            let allowance = (c - theta).abs();
            let lo = c + quantile(&reps, alpha / 2.0) - m - allowance;
            let hi = c + quantile(&reps, 1.0 - alpha / 2.0) - m + allowance;
            let deviations: Vec<f64> = reps.iter().map(|t| t - m).collect();
            let p = upper_p_value(c, &deviations, TIE_BITS);
            (c, Some(lo.max(0.0)), Some(hi.max(0.0)), Some(p))
        };
        let null: Vec<f64> = nulls[null_index].iter().map(|r| r[t]).collect();
        let (p_permutation, null_mean) = if null.is_empty() {
            (None, None)
        } else {
            (
                Some(upper_p_value(theta, &null, TIE_BITS)),
                Some(null.iter().sum::<f64>() / null.len() as f64),
            )
        };
        let p_value = match (p_permutation, p_bootstrap) {
            (Some(a), Some(b)) if is_atom => Some(a.max(b)),
            (a, _) => a,
        };
        TermUncertainty {
            corrected,
            low,
            high,
            p_value,
            null_mean,
            plug_in: theta,
            p_permutation,
            p_bootstrap,
            null: ["x1", "x2", "y"][null_index].into(),
        }
    };
    Ok(GaussianUncertainty {
        method:
            "parametric (Wishart) bootstrap of the covariance; block-independent Gaussian nulls",
        resamples: options.resamples,
        permutations: options.permutations,
        seed: options.seed,
        confidence: options.confidence,
        redundancy: term(0),
        unique1: term(1),
        unique2: term(2),
        synergy: term(3),
        mi_x1_y: term(4),
        mi_x2_y: term(5),
        mi_joint: term(6),
    })
}
