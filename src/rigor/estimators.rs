//! Entropy estimators from counts, and the five numbers every PID atom is made of.
//!
//! Every function here takes a vector of (possibly weighted) cell counts and returns
//! **bits**. Logarithms go through `libm`, so a count vector gives the same bits natively
//! and in WebAssembly.

use super::{FiveTerms, RigorError};
use crate::pid::{max_entropy_coupling_from, Coupling, CvxOptions};
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

const LN2: f64 = std::f64::consts::LN_2;

/// Which estimator corrects the four plug-in entropies H(Y), H(Y|X1), H(Y|X2),
/// H(Y|X1,X2). h* is always corrected by the bootstrap (it depends only on p(x1,y) and
/// p(x2,y), whose cells are far better filled than the joint table's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntropyEstimator {
    /// Bootstrap bias correction 2·θ̂ − mean(θ*) of all five numbers (Efron 1979).
    Bootstrap,
    /// Miller–Madow: Ĥ + (m − 1)/(2N) nats, m the occupied cells (Miller 1955).
    MillerMadow,
    /// Grassberger (2003): Ĥ = ln N − (1/N) Σ nᵢ G(nᵢ) nats, with
    /// G(n) = ψ(n) + ½(−1)ⁿ(ψ((n+1)/2) − ψ(n/2)).
    Grassberger,
    /// Chao–Shen (2003): coverage-adjusted Horvitz–Thompson,
    /// Ĥ = −Σ C p̂ᵢ ln(C p̂ᵢ) / (1 − (1 − C p̂ᵢ)^N) nats, C = 1 − f₁/N.
    ChaoShen,
}

impl EntropyEstimator {
    /// The estimators that correct entropies by formula (not by resampling), in the
    /// order of [`EstimatedEntropies`]' fields.
    pub const FORMULAS: [EntropyEstimator; 3] = [
        EntropyEstimator::MillerMadow,
        EntropyEstimator::Grassberger,
        EntropyEstimator::ChaoShen,
    ];

    /// The short name used in [`super::Uncertainty::method`].
    pub fn name(self) -> &'static str {
        match self {
            EntropyEstimator::Bootstrap => "bootstrap",
            EntropyEstimator::MillerMadow => "miller-madow",
            EntropyEstimator::Grassberger => "grassberger",
            EntropyEstimator::ChaoShen => "chao-shen",
        }
    }
}

/// Plug-in entropy H = log₂ W − (1/W) Σ wᵢ log₂ wᵢ of counts wᵢ ≥ 0 summing to W, in
/// bits (0 for an empty vector).
pub fn plug_in_entropy(counts: &[f64]) -> f64 {
    count_sum(counts, libm::log2).map_or(0.0, |(total, s)| (libm::log2(total) - s / total).max(0.0))
}

/// (W, Σ cᵢ f(cᵢ)) over the positive counts cᵢ summing to W; `None` when W ≤ 0.
fn count_sum(counts: &[f64], f: impl Fn(f64) -> f64) -> Option<(f64, f64)> {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let s = counts.iter().filter(|&&c| c > 0.0).map(|&c| c * f(c)).sum();
    Some((total, s))
}

/// Miller–Madow entropy Ĥ_plug + (m − 1)/(2N ln 2) in bits, m = occupied cells.
pub fn miller_madow_entropy(counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let m = counts.iter().filter(|&&c| c > 0.0).count() as f64;
    plug_in_entropy(counts) + (m - 1.0) / (2.0 * total * LN2)
}

/// Digamma ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the
/// asymptotic series ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) through x⁻¹⁰ (truncation error
/// below 3e-14).
pub fn digamma(mut x: f64) -> f64 {
    let mut r = 0.0;
    while x < 10.0 {
        r -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    let tail =
        f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))));
    r + libm::log(x) - 0.5 / x - tail
}

/// Grassberger's (2003) G(n) = ψ(n) + ½(−1)ⁿ(ψ((n+1)/2) − ψ(n/2)), for a count n ≥ 1.
fn grassberger_g(n: f64) -> f64 {
    let sign = if (n as u64) % 2 == 0 { 1.0 } else { -1.0 };
    digamma(n) + 0.5 * sign * (digamma((n + 1.0) / 2.0) - digamma(n / 2.0))
}

/// Grassberger (2003) entropy (ln N − (1/N) Σ nᵢ G(nᵢ)) / ln 2 in bits, for whole counts.
pub fn grassberger_entropy(counts: &[f64]) -> f64 {
    count_sum(counts, grassberger_g).map_or(0.0, |(total, s)| (libm::log(total) - s / total) / LN2)
}

/// Chao–Shen (2003) entropy in bits, for whole counts: with f₁ the singletons
/// (f₁ = N is taken as N − 1) and C = 1 − f₁/N,
/// Ĥ = −Σ C p̂ᵢ ln(C p̂ᵢ) / (1 − (1 − C p̂ᵢ)^N) / ln 2.
pub fn chao_shen_entropy(counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut f1 = counts.iter().filter(|&&c| c == 1.0).count() as f64;
    if f1 >= total {
        f1 = total - 1.0;
    }
    let coverage = 1.0 - f1 / total;
    let h: f64 = counts
        .iter()
        .filter(|&&c| c > 0.0)
        .map(|&c| {
            let pa = coverage * c / total;
            let inclusion = 1.0 - libm::pow(1.0 - pa, total);
            -pa * libm::log(pa) / inclusion
        })
        .sum();
    h / LN2
}

fn entropy_with(estimator: EntropyEstimator, counts: &[f64]) -> f64 {
    match estimator {
        EntropyEstimator::Bootstrap => plug_in_entropy(counts),
        EntropyEstimator::MillerMadow => miller_madow_entropy(counts),
        EntropyEstimator::Grassberger => grassberger_entropy(counts),
        EntropyEstimator::ChaoShen => chao_shen_entropy(counts),
    }
}

/// The marginal count vectors of a `[n1, n2, ny]` count table (layout as
/// [`JointTable`]): (x1,y), (x1), (x2,y), (x2), (x1,x2), (y).
pub(crate) struct Marginals {
    x1y: Vec<f64>,
    x1: Vec<f64>,
    x2y: Vec<f64>,
    x2: Vec<f64>,
    x1x2: Vec<f64>,
    y: Vec<f64>,
}

impl Marginals {
    pub(crate) fn of(counts: &[f64], shape: [usize; 3]) -> Marginals {
        let [n1, n2, ny] = shape;
        let mut m = Marginals {
            x1y: vec![0.0; n1 * ny],
            x1: vec![0.0; n1],
            x2y: vec![0.0; n2 * ny],
            x2: vec![0.0; n2],
            x1x2: vec![0.0; n1 * n2],
            y: vec![0.0; ny],
        };
        for (cell, row) in counts.chunks_exact(ny).enumerate() {
            let (x1, x2) = (cell / n2, cell % n2);
            for (y, &c) in row.iter().enumerate() {
                if c == 0.0 {
                    continue;
                }
                m.x1y[x1 * ny + y] += c;
                m.x1[x1] += c;
                m.x2y[x2 * ny + y] += c;
                m.x2[x2] += c;
                m.x1x2[cell] += c;
                m.y[y] += c;
            }
        }
        m
    }
}

/// The four entropies [H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2)] in bits by one estimator,
/// each conditional one as H(A,Y) − H(A) with the same estimator on both terms.
/// The plug-in ones are kept in the order H(Y|X1,X2) ≤ H(Y|Xi) ≤ H(Y) against rounding.
pub(crate) fn four_entropies(
    estimator: EntropyEstimator,
    counts: &[f64],
    m: &Marginals,
) -> [f64; 4] {
    let h = |c: &[f64]| entropy_with(estimator, c);
    let h_y = h(&m.y);
    let h1 = h(&m.x1y) - h(&m.x1);
    let h2 = h(&m.x2y) - h(&m.x2);
    let h12 = h(counts) - h(&m.x1x2);
    if estimator == EntropyEstimator::Bootstrap {
        let (h1, h2) = (h1.clamp(0.0, h_y), h2.clamp(0.0, h_y));
        [h_y, h1, h2, h12.clamp(0.0, h1.min(h2))]
    } else {
        [h_y, h1, h2, h12]
    }
}

/// The four entropies of a count table by the three formula estimators, in bits, in the
/// order of [`EntropyEstimator::FORMULAS`]; each is `[H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2)]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EstimatedEntropies {
    pub miller_madow: [f64; 4],
    pub grassberger: [f64; 4],
    pub chao_shen: [f64; 4],
}

impl EstimatedEntropies {
    pub(crate) fn of(counts: &[f64], m: &Marginals, whole_counts: bool) -> EstimatedEntropies {
        if !whole_counts {
            // Weighted rows (the formulas need whole counts; the bootstrap corrects
            // instead), or a permutation replicate (which needs the plug-in only).
            let plug = four_entropies(EntropyEstimator::Bootstrap, counts, m);
            return EstimatedEntropies {
                miller_madow: plug,
                grassberger: plug,
                chao_shen: plug,
            };
        }
        EstimatedEntropies {
            miller_madow: four_entropies(EntropyEstimator::MillerMadow, counts, m),
            grassberger: four_entropies(EntropyEstimator::Grassberger, counts, m),
            chao_shen: four_entropies(EntropyEstimator::ChaoShen, counts, m),
        }
    }

    /// The four entropies by `estimator` (`None` for [`EntropyEstimator::Bootstrap`]).
    pub fn get(&self, estimator: EntropyEstimator) -> Option<[f64; 4]> {
        match estimator {
            EntropyEstimator::Bootstrap => None,
            EntropyEstimator::MillerMadow => Some(self.miller_madow),
            EntropyEstimator::Grassberger => Some(self.grassberger),
            EntropyEstimator::ChaoShen => Some(self.chao_shen),
        }
    }
}

/// Spacing of the grid h* is rounded to: 2⁻³² bits ≈ 2.3e-10, far below the solver's
/// tolerance (1e-7 bits for the sample, 1e-5 for a replicate).
pub const H_STAR_GRID_BITS: f64 = 1.0 / 4_294_967_296.0;

/// `x` rounded to the nearest multiple of [`H_STAR_GRID_BITS`] (exact arithmetic: a
/// power-of-two scale and `round`). The solver takes logarithms with the platform's
/// `ln`, whose last bits differ between native code and WebAssembly; rounding makes
/// h* — and so every number here — bit-identical on both, except in the rare case that
/// the two values straddle a grid midpoint.
pub fn on_grid(x: f64) -> f64 {
    (x / H_STAR_GRID_BITS).round() * H_STAR_GRID_BITS
}

/// A solved h* and whether its solve reached the requested tolerance.
pub(crate) struct HStar {
    pub bits: f64,
    pub converged: bool,
    pub coupling: Coupling,
}

/// h* = max_{q ∈ Δp} H_q(Y|X1,X2) in bits for a count table, moved into the interval
/// where every atom is non-negative, max(H(Y|X1,X2), H(Y|X1) + H(Y|X2) − H(Y)) ≤ h* ≤
/// min(H(Y|X1), H(Y|X2)), with `plug` the plug-in [H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2)].
///
/// `warm`, when given, is the original sample's solution: the solve starts from its
/// central points where they fit (`max_entropy_coupling_from`; as exact and as certified
/// as a cold solve).
pub(crate) fn solve_h_star(
    counts: &[f64],
    shape: [usize; 3],
    plug: &[f64; 4],
    opts: &CvxOptions,
    warm: Option<&Coupling>,
) -> Result<HStar, RigorError> {
    let [h_y, h1, h2, h12] = *plug;
    let table = JointTable::from_weights(shape, counts.to_vec())?;
    let coupling = max_entropy_coupling_from(&table, opts, warm.map(|c| &c.dual))?;
    let lo = h12.max(h1 + h2 - h_y);
    let hi = h1.min(h2);
    let raw = on_grid(coupling.h_lower_bits);
    let bits = if lo <= hi { raw.clamp(lo, hi) } else { hi };
    Ok(HStar {
        bits,
        converged: coupling.converged,
        coupling,
    })
}

/// The plug-in five numbers and the formula estimators' entropies of one count table
/// (`estimate = false` skips the formulas and copies the plug-in entropies: a
/// permutation null only needs the plug-in values).
pub(crate) fn terms_of(
    counts: &[f64],
    shape: [usize; 3],
    estimate: bool,
    opts: &CvxOptions,
    warm: Option<&Coupling>,
) -> Result<(FiveTerms, EstimatedEntropies, HStar), RigorError> {
    let m = Marginals::of(counts, shape);
    let plug = four_entropies(EntropyEstimator::Bootstrap, counts, &m);
    let h = solve_h_star(counts, shape, &plug, opts, warm)?;
    let five = FiveTerms::from_parts(plug, h.bits);
    Ok((five, EstimatedEntropies::of(counts, &m, estimate), h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_matches_known_values() {
        let gamma = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + gamma).abs() < 1e-12);
        assert!((digamma(0.5) + gamma + 2.0 * std::f64::consts::LN_2).abs() < 1e-12);
        assert!((digamma(10.0) - 2.251_752_589_066_721).abs() < 1e-12);
    }

    #[test]
    fn estimators_agree_on_well_filled_counts() {
        let counts = [5000.0, 3000.0, 2000.0];
        let plug = plug_in_entropy(&counts);
        for f in [miller_madow_entropy, grassberger_entropy, chao_shen_entropy] {
            assert!((f(&counts) - plug).abs() < 1e-3);
        }
        assert!((plug_in_entropy(&[1.0, 1.0]) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn corrections_raise_undersampled_entropy() {
        // 20 samples over 40 equally likely cells: the plug-in is far too low.
        let counts: Vec<f64> = (0..40).map(|i| if i < 20 { 1.0 } else { 0.0 }).collect();
        let plug = plug_in_entropy(&counts);
        assert!(miller_madow_entropy(&counts) > plug);
        assert!(grassberger_entropy(&counts) > miller_madow_entropy(&counts));
        assert!(chao_shen_entropy(&counts) > plug);
    }
}
