//! The kink of h* where U1 and U2 tie at 0, and its rate-adaptive bias correction
//! (docs/rigor.md, "The kink").
//!
//! With a = H(Y|X1), b = H(Y|X2), δ = b − a = I(X1;Y) − I(X2;Y) and m = min(U1, U2),
//! h* = (a + b)/2 − |δ|/2 − m exactly. Where m = 0 (h* = min(a, b), as at AND), h* keeps
//! the kink of |δ| at δ = 0. If δ's estimate has first-order noise (spread ∝ N^{−1/2}),
//! the plug-in's bias there falls as N^{−1/2}, not N^{−1}, and the bootstrap bias
//! correction, which extrapolates as if it fell as N^{−1}, removes only part of it.
//! Where m > 0 (e.g. COPY) m carries the opposite kink and h* is smooth: nothing to do.
//!
//! The correction rescales the part of the bootstrap's correction that comes from the
//! kink (the Jensen gap of |δ| over the replicates) by the Richardson factor of the
//! measured rate, and only on the share of replicates where the kink is present in h*.

use super::estimators::{four_entropies, Marginals};
use super::resample::below;
use super::{EntropyEstimator, FiveTerms, Surrogates};
use crate::rng::SplitMix64;

/// The subsample sizes, as divisors of the sample size N: δ is computed on ⌊N/2⌋ and
/// ⌊N/8⌋ rows drawn without replacement, whose spreads give δ's rate.
pub const SUBSAMPLE_DIVISORS: [usize; 2] = [2, 8];

/// The smallest subsample the rate is measured on (smaller samples get no kink
/// correction): below a handful of rows δ's spread says nothing about its rate.
const MIN_SUBSAMPLE_ROWS: usize = 4;

/// The two subsample sizes of an N-row sample (`None` when the smaller is below a few
/// rows).
pub(crate) fn subsample_sizes(n: usize) -> Option<[usize; 2]> {
    let sizes = SUBSAMPLE_DIVISORS.map(|d| n / d);
    (sizes[1] >= MIN_SUBSAMPLE_ROWS).then_some(sizes)
}

/// `size` of `n` row indices drawn without replacement (size ≤ n): the first `size`
/// positions of a Fisher–Yates shuffle, so every prefix is itself a uniform subsample
/// and the two subsamples of a replicate are nested. For circular surrogates (time
/// series), `size` consecutive rows from a uniform start, wrapping at the end: the
/// subsampling of Politis & Romano (1994) for dependent rows, whose prefixes are again
/// windows.
pub fn subsample_rows(
    n: usize,
    size: usize,
    surrogates: Surrogates,
    rng: &mut SplitMix64,
) -> Vec<usize> {
    let size = size.min(n);
    match surrogates {
        Surrogates::Shuffle => {
            let mut order: Vec<usize> = (0..n).collect();
            for i in 0..size {
                order.swap(i, i + below(rng, n - i));
            }
            order.truncate(size);
            order
        }
        Surrogates::Circular => {
            let start = below(rng, n.max(1));
            (0..size).map(|k| (start + k) % n).collect()
        }
    }
}

/// δ = H(Y|X2) − H(Y|X1) = I(X1;Y) − I(X2;Y) in bits, plug-in, of a count table
/// (layout as [`crate::JointTable`]).
pub(crate) fn delta_of(counts: &[f64], shape: [usize; 3]) -> f64 {
    let m = Marginals::of(counts, shape);
    let [_, h1, h2, _] = four_entropies(EntropyEstimator::Bootstrap, counts, &m);
    h2 - h1
}

/// The rate β of a statistic whose spread at n rows is ∝ n^{−β}, from its subsamples:
/// for nested subsamples of N/k rows, Var(θ_{N/k} − θ_N) ∝ k^{2β} − 1 (exactly so for a
/// linear statistic, β = ½, and for a degenerate second-order one, β = 1, by Hoeffding's
/// decomposition), so `ratio` = rms(θ_{N/k2} − θ_N) / rms(θ_{N/k1} − θ_N) solves
/// ratio² = (k2^{2β} − 1)/(k1^{2β} − 1). Returns β ∈ [½, 1] (clamped: ½ is the rate of
/// a smooth statistic, 1 that of a degenerate one), by bisection; dimensionless.
/// Bertail, Politis & Romano (1999) estimate rates from subsample spreads in this way.
pub fn spread_rate(k1: f64, k2: f64, ratio: f64) -> f64 {
    let g = |beta: f64| (libm::pow(k2, 2.0 * beta) - 1.0) / (libm::pow(k1, 2.0 * beta) - 1.0);
    let target = ratio * ratio;
    let (mut lo, mut hi) = (0.5, 1.0);
    if target.is_nan() || target <= g(lo) {
        return lo;
    }
    if target >= g(hi) {
        return hi;
    }
    // g increases with β for k2 > k1 > 1; 60 halvings reach the last bit of [½, 1].
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if g(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The Richardson factor 1/(2^β − 1) of a bias that falls as N^{−β}: the sample's bias
/// is c·v^β at variance v ∝ 1/N and the bootstrap's mean sits at 2v, so
/// θ = θ̂ − (mean θ* − θ̂)/(2^β − 1). It is 1 for β = 1 (the bootstrap's own correction)
/// and 1 + √2 for β = ½ (a kink under first-order noise); dimensionless.
pub fn kink_factor(beta: f64) -> f64 {
    1.0 / (libm::pow(2.0, beta) - 1.0)
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (n, s) = values.fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    s / n as f64
}

/// What the kink correction measured on a set of bootstrap replicates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KinkShift {
    /// Share of replicates whose h* sits at min(H(Y|X1), H(Y|X2)) (m* within the
    /// replicate tolerance of 0): where the kink of |δ| is in h*.
    pub share: f64,
    /// The Jensen gap mean|δ*| − |mean δ*| over the replicates, bits: the kink's part of
    /// the bootstrap's correction of |δ|.
    pub gap_bits: f64,
    /// δ's rate β ([`spread_rate`]).
    pub rate: f64,
    /// The amount added to the bootstrap-corrected h*, bits:
    /// (λ(β) − 1)·share·gap/2, λ = [`kink_factor`].
    pub h_star_bits: f64,
}

/// The kink correction of h* from the sample's δ̂ (`delta`, bits) and bootstrap
/// replicates (their five numbers and their subsample δs, see [`super::Replicate`]):
/// [`KinkShift::h_star_bits`] is added to the bootstrap-corrected h*. h* contains
/// −|δ|/2 where m = 0; the bootstrap corrects the Jensen gap of |δ| once, the rate asks
/// for λ(β) times it. `None` when a replicate lacks its subsamples or δ has no spread.
pub fn kink_shift(
    delta: f64,
    replicates: &[(FiveTerms, Option<[f64; 2]>)],
    samples: usize,
    tolerance_bits: f64,
) -> Option<KinkShift> {
    if replicates.is_empty() {
        return None;
    }
    let sizes = subsample_sizes(samples)?;
    let mut sub = Vec::with_capacity(replicates.len());
    for (_, s) in replicates {
        sub.push((*s)?);
    }
    let rms = |j: usize| mean(sub.iter().map(|s| (s[j] - delta) * (s[j] - delta))).sqrt();
    let (near, far) = (rms(0), rms(1));
    if !(near > 0.0 && far > 0.0) {
        return None;
    }
    let k = sizes.map(|s| samples as f64 / s as f64);
    let rate = spread_rate(k[0], k[1], far / near);
    let deltas = || {
        replicates
            .iter()
            .map(|(t, _)| t.h_y_given_x2 - t.h_y_given_x1)
    };
    let gap_bits = (mean(deltas().map(f64::abs)) - mean(deltas()).abs()).max(0.0);
    let at_kink = replicates
        .iter()
        .filter(|(t, _)| t.h_y_given_x1.min(t.h_y_given_x2) - t.h_star <= tolerance_bits)
        .count();
    let share = at_kink as f64 / replicates.len() as f64;
    Some(KinkShift {
        share,
        gap_bits,
        rate,
        h_star_bits: (kink_factor(rate) - 1.0) * share * gap_bits / 2.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_inverts_the_spread_ratio() {
        for beta in [0.5, 0.6, 0.75, 0.9, 1.0] {
            let ratio =
                ((libm::pow(8.0, 2.0 * beta) - 1.0) / (libm::pow(2.0, 2.0 * beta) - 1.0)).sqrt();
            assert!(
                (spread_rate(2.0, 8.0, ratio) - beta).abs() < 1e-12,
                "{beta}"
            );
        }
        assert_eq!(spread_rate(2.0, 8.0, 1.0), 0.5);
        assert_eq!(spread_rate(2.0, 8.0, 100.0), 1.0);
    }

    #[test]
    fn the_factor_is_the_bootstrap_s_at_rate_one_and_one_plus_root_two_at_a_half() {
        assert!((kink_factor(1.0) - 1.0).abs() < 1e-15);
        assert!((kink_factor(0.5) - (1.0 + std::f64::consts::SQRT_2)).abs() < 1e-12);
    }

    #[test]
    fn subsamples_are_distinct_rows_and_nested() {
        let mut rng = SplitMix64::new(3);
        let rows = subsample_rows(100, 50, Surrogates::Shuffle, &mut rng);
        let mut sorted = rows.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 50);
        let window = subsample_rows(10, 4, Surrogates::Circular, &mut rng);
        for pair in window.windows(2) {
            assert_eq!(pair[1], (pair[0] + 1) % 10);
        }
        assert_eq!(subsample_sizes(31), None);
        assert_eq!(subsample_sizes(32), Some([16, 4]));
    }
}
