//! Replicates: bootstrap resamples and the three permutation nulls, each drawn from a
//! random stream fixed by (seed, kind, index) alone.

use super::estimators::terms_of;
use super::kink::{delta_of, subsample_rows, subsample_sizes};
use super::samples::{Mapped, Samples};
use super::{
    EstimatedEntropies, FiveTerms, KinkCorrection, Observed, RigorError, Settings, Surrogates,
};
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What a replicate does to the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicateKind {
    /// Rows drawn with replacement (circular blocks for time series).
    Bootstrap,
    /// X1 shuffled (or shifted) against (X2, Y): the null "X1 says nothing about
    /// (X2, Y)", where R = U1 = S = I(X1;Y) = 0.
    PermuteX1,
    /// X2 shuffled against (X1, Y): R = U2 = S = I(X2;Y) = 0.
    PermuteX2,
    /// Y shuffled against (X1, X2): every atom and MI term is 0.
    PermuteY,
}

impl ReplicateKind {
    /// Every kind, in the order [`super::estimate_uncertainty`] runs them.
    pub const ALL: [ReplicateKind; 4] = [
        ReplicateKind::Bootstrap,
        ReplicateKind::PermuteX1,
        ReplicateKind::PermuteX2,
        ReplicateKind::PermuteY,
    ];

    /// The stream code. X1's and X2's nulls share one: permutation i is the same
    /// whichever input it moves, so swapping X1 and X2 swaps the two nulls exactly
    /// (each null is tested on its own, so their sharing draws does not matter).
    fn code(self) -> u64 {
        match self {
            ReplicateKind::Bootstrap => 1,
            ReplicateKind::PermuteX1 | ReplicateKind::PermuteX2 => 2,
            ReplicateKind::PermuteY => 4,
        }
    }
}

/// One replicate's result: the plug-in five numbers of the resampled (or permuted) rows
/// and their formula-estimated entropies, bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Replicate {
    pub kind: ReplicateKind,
    pub index: usize,
    pub terms: FiveTerms,
    /// The formula estimators' entropies (bootstrap replicates of unweighted rows; a
    /// permutation null only uses the plug-in values, so there they are copies of them).
    pub estimated: EstimatedEntropies,
    /// For an iterated bootstrap: the five numbers of one resample of this resample.
    pub inner: Option<FiveTerms>,
    /// For the kink correction (bootstrap replicates): δ = I(X1;Y) − I(X2;Y), plug-in
    /// bits, of nested subsamples of ⌊N/2⌋ and ⌊N/8⌋ rows without replacement
    /// ([`super::subsample_rows`]), whose spreads give δ's rate.
    #[serde(default)]
    pub subsamples: Option<[f64; 2]>,
    /// Whether the replicate's h* reached the replicate tolerance.
    pub converged: bool,
}

/// The random stream of replicate `index` of `kind`: a function of (seed, kind, index)
/// only, so a replicate is the same whichever worker computes it, in whatever order.
pub fn stream(seed: u64, kind: ReplicateKind, index: usize) -> SplitMix64 {
    let mut mix = SplitMix64::new(seed);
    let a = mix.next_u64() ^ kind.code().wrapping_mul(0xD6E8_FEB8_6659_FD93);
    let b = SplitMix64::new(a).next_u64() ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    SplitMix64::new(SplitMix64::new(b).next_u64())
}

/// Uniform integer in 0..n (n ≥ 1), by the multiply-high method (Lemire 2019): bias
/// below n/2⁶⁴, integer arithmetic only.
pub(crate) fn below(rng: &mut SplitMix64, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// Bootstrap row indices: n rows drawn with replacement, or, for circular surrogates,
/// ⌈n/L⌉ blocks of L = ⌈n^{1/3}⌉ consecutive rows (wrapping at the end) cut to n
/// (the circular block bootstrap of Politis & Romano 1992).
pub fn bootstrap_rows(n: usize, surrogates: Surrogates, rng: &mut SplitMix64) -> Vec<usize> {
    match surrogates {
        Surrogates::Shuffle => (0..n).map(|_| below(rng, n)).collect(),
        Surrogates::Circular => {
            let block = block_length(n);
            let mut rows = Vec::with_capacity(n + block);
            while rows.len() < n {
                let start = below(rng, n);
                rows.extend((0..block).map(|k| (start + k) % n));
            }
            rows.truncate(n);
            rows
        }
    }
}

/// Circular-bootstrap block length ⌈n^{1/3}⌉ (integer arithmetic, so portable).
pub fn block_length(n: usize) -> usize {
    let mut l = 1;
    while l * l * l < n {
        l += 1;
    }
    l
}

/// A surrogate order of n rows: a uniform permutation (Fisher–Yates), or, for circular
/// surrogates, a shift i ↦ (i + s) mod n with s uniform in [⌈n/10⌉, n − ⌈n/10⌉]
/// (so no surrogate is close to the original alignment; n < 2 gives the identity).
pub fn surrogate_order(n: usize, surrogates: Surrogates, rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    match surrogates {
        Surrogates::Shuffle => {
            for i in (1..n).rev() {
                order.swap(i, below(rng, i + 1));
            }
        }
        Surrogates::Circular if n >= 2 => {
            let margin = n.div_ceil(10).min(n / 2).max(1);
            let shift = margin + below(rng, n - 2 * margin + 1);
            for (i, o) in order.iter_mut().enumerate() {
                *o = (i + shift) % n;
            }
        }
        Surrogates::Circular => {}
    }
    order
}

/// One piece of work: replicates `range` of `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicateJob {
    pub kind: ReplicateKind,
    pub start: usize,
    pub end: usize,
}

/// Every replicate of `settings` cut into about `pieces` jobs per kind, in the order of a
/// one-thread run (bootstraps, then each null, by index): the CLI's threads and the
/// page's workers take them in any order, and the records come out the same.
pub fn replicate_jobs(settings: &Settings, pieces: usize) -> Vec<ReplicateJob> {
    let mut jobs = Vec::new();
    for kind in ReplicateKind::ALL {
        let n = settings.count(kind);
        let step = n.div_ceil(pieces.max(1)).max(1);
        jobs.extend((0..n).step_by(step).map(|start| ReplicateJob {
            kind,
            start,
            end: (start + step).min(n),
        }));
    }
    jobs
}

/// Computes replicates `range` of `kind` (each from its own stream, see [`stream`]):
/// resample or permute the rows, count, and solve h* to the replicate tolerance.
/// Any partition of 0..count into ranges, run anywhere, gives the same records.
///
/// Independent rows (shuffle surrogates) are exchangeable, so they are first put in
/// their canonical order ([`Samples::in_cell_order`]): the records then depend only on
/// the counts table, and a shared table reproduces them. Time-series rows keep theirs.
pub fn replicates(
    samples: &Samples,
    observed: &Observed,
    settings: &Settings,
    kind: ReplicateKind,
    range: Range<usize>,
) -> Result<Vec<Replicate>, RigorError> {
    settings.validate()?;
    let canonical;
    let samples = if settings.surrogates == Surrogates::Shuffle && !samples.is_in_cell_order() {
        canonical = samples.in_cell_order();
        &canonical
    } else {
        samples
    };
    let opts = settings.replicate_options();
    let n = samples.rows();
    range
        .map(|index| {
            let mut rng = stream(settings.seed, kind, index);
            let mut inner_rows = None;
            let counts = match kind {
                ReplicateKind::Bootstrap => {
                    let rows = bootstrap_rows(n, settings.surrogates, &mut rng);
                    if settings.iterated {
                        let again = bootstrap_rows(n, settings.surrogates, &mut rng);
                        inner_rows = Some(again.iter().map(|&i| rows[i]).collect::<Vec<_>>());
                    }
                    samples.counts_mapped(&rows, Mapped::Rows)
                }
                _ => {
                    let order = surrogate_order(n, settings.surrogates, &mut rng);
                    let which = match kind {
                        ReplicateKind::PermuteX1 => Mapped::X1,
                        ReplicateKind::PermuteX2 => Mapped::X2,
                        _ => Mapped::Y,
                    };
                    samples.counts_mapped(&order, which)
                }
            };
            let bootstrap = kind == ReplicateKind::Bootstrap;
            let warm = (bootstrap && settings.warm_start).then_some(&observed.coupling);
            let (terms, estimated, h) = terms_of(
                &counts,
                samples.shape(),
                bootstrap && !samples.is_weighted(),
                &opts,
                warm,
            )?;
            // Drawn after the bootstrap rows, so those stay the same with the correction off.
            let subsamples = match subsample_sizes(n) {
                Some([near, far]) if bootstrap && settings.kink == KinkCorrection::RateAdaptive => {
                    let rows = subsample_rows(n, near, settings.surrogates, &mut rng);
                    let delta = |k: usize| {
                        delta_of(
                            &samples.counts_mapped(&rows[..k], Mapped::Rows),
                            samples.shape(),
                        )
                    };
                    Some([delta(near), delta(far)])
                }
                _ => None,
            };
            let (mut inner, mut converged) = (None, h.converged);
            if let Some(rows) = inner_rows {
                let counts = samples.counts_mapped(&rows, Mapped::Rows);
                let (t, _, h) = terms_of(
                    &counts,
                    samples.shape(),
                    !samples.is_weighted(),
                    &opts,
                    warm,
                )?;
                inner = Some(t);
                converged &= h.converged;
            }
            Ok(Replicate {
                kind,
                index,
                terms,
                estimated,
                inner,
                subsamples,
                converged,
            })
        })
        .collect()
}
