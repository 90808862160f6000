//! The settings of an uncertainty estimate and their defaults (the measured best; see
//! docs/rigor.md).

use super::{EntropyEstimator, ReplicateKind, RigorError};
use crate::pid::CvxOptions;
use serde::{Deserialize, Serialize};

/// How surrogate rows are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surrogates {
    /// Independent rows: permutations shuffle a column, the bootstrap draws rows with
    /// replacement.
    #[default]
    Shuffle,
    /// Time-series rows: permutations shift a column circularly by a random offset in
    /// [⌈n/10⌉, n − ⌈n/10⌉] (keeping its autocorrelation), the bootstrap draws circular
    /// blocks of ⌈n^{1/3}⌉ consecutive rows.
    Circular,
}

/// How the interval is placed around the corrected estimate c, from the bootstrap
/// replicates t*ᵦ of the same estimator (mean m, quantiles q_lo, q_hi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalShape {
    /// [c − (q_hi − m), c + (m − q_lo)]: the deviations mirrored, as in the basic
    /// bootstrap (Davison & Hinkley 1997, §5.2).
    Basic,
    /// [c + (q_lo − m), c + (q_hi − m)]: the percentile interval moved onto c (the
    /// default: at and near zero atoms it covers where the mirrored one does not).
    #[default]
    Percentile,
}

/// Which of the four entropies the formula estimator corrects (the others, and h*, are
/// corrected by the bootstrap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimatorScope {
    /// Only H(Y|X1,X2), the one term counted over the whole n1·n2·ny table: R, U1 and
    /// U2 then come from bootstrap-corrected numbers only (whose errors cancel), S and
    /// I(X1,X2;Y) from the estimator.
    #[default]
    Joint,
    /// All four entropies.
    AllFour,
}

/// Whether h*'s bootstrap correction is rescaled at the kink where U1 and U2 tie at 0
/// (`src/rigor/kink.rs`, docs/rigor.md "The kink").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KinkCorrection {
    /// The bootstrap correction alone, which assumes every bias falls as 1/N.
    Off,
    /// The default: the kink's part of the correction (the Jensen gap of
    /// |I(X1;Y) − I(X2;Y)| over the replicates) is multiplied by 1/(2^β − 1), β the rate
    /// measured from subsamples of N/2 and N/8 rows, on the share of replicates where
    /// the kink is in h*. Ignored with [`Settings::iterated`].
    #[default]
    RateAdaptive,
}

/// The settings of an uncertainty estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Bootstrap replicates (0: no interval, and h* is not bias-corrected).
    pub resamples: usize,
    /// Permutations per null (0: no p-values and no null means).
    pub permutations: usize,
    /// Seed of every replicate's random stream.
    pub seed: u64,
    /// Coverage of the two-sided interval, in (0, 1).
    pub confidence: f64,
    /// Shuffles for independent rows, circular shifts and blocks for time series.
    pub surrogates: Surrogates,
    /// How the four plug-in entropies are bias-corrected.
    pub estimator: EntropyEstimator,
    /// Which entropies `estimator` corrects.
    pub scope: EstimatorScope,
    /// Iterated bootstrap bias correction 3θ̂ − 3·mean(θ*) + mean(θ**) of the numbers
    /// the bootstrap corrects (one inner resample per replicate: a second solve each).
    pub iterated: bool,
    /// Rate-adaptive correction at the kink of h* (U1 = U2 = 0 with informative inputs,
    /// as at AND), where the bias falls as 1/√N and the bootstrap removes only part of it.
    pub kink: KinkCorrection,
    /// How the interval is placed around the corrected value.
    pub interval: IntervalShape,
    /// Widen both ends by |bootstrap bias correction| of the term: an allowance for the
    /// error of the bias estimate itself, O(1/N) for smooth terms (negligible next to the
    /// O(1/√N) spread) but O(1/√N) at kinks, where the bootstrap is inconsistent.
    pub bias_allowance: bool,
    /// Solver tolerance of a replicate's h*, in bits (the sample's own h* is solved to
    /// [`CvxOptions::default`]'s 1e-7).
    pub replicate_tolerance_bits: f64,
    /// Start each bootstrap replicate's solve from the sample's own central points
    /// (`max_entropy_coupling_from`): a resample's marginals are close to the sample's.
    /// Permutation replicates always start cold: a shuffle moves the marginals far.
    pub warm_start: bool,
    /// Below this many samples per cell of the n1·n2·ny table the intervals are
    /// labelled approximate.
    pub min_samples_per_cell: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            resamples: crate::meta::RESAMPLES.default,
            permutations: crate::meta::PERMUTATIONS.default,
            seed: 0,
            confidence: 0.95,
            surrogates: Surrogates::Shuffle,
            estimator: EntropyEstimator::Grassberger,
            scope: EstimatorScope::Joint,
            iterated: false,
            kink: KinkCorrection::RateAdaptive,
            interval: IntervalShape::Percentile,
            bias_allowance: true,
            replicate_tolerance_bits: 1e-5,
            warm_start: true,
            min_samples_per_cell: 5.0,
        }
    }
}

impl Settings {
    /// Checks the ranges (confidence in (0, 1), positive finite tolerance).
    pub fn validate(&self) -> Result<(), RigorError> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(RigorError::InvalidSettings("confidence must be in (0, 1)"));
        }
        if !(self.replicate_tolerance_bits > 0.0 && self.replicate_tolerance_bits.is_finite()) {
            return Err(RigorError::InvalidSettings(
                "the replicate tolerance must be a positive number of bits",
            ));
        }
        if self.min_samples_per_cell.is_nan() {
            return Err(RigorError::InvalidSettings("min_samples_per_cell is NaN"));
        }
        Ok(())
    }

    /// The solver options of a replicate (default caps, the replicate tolerance).
    pub fn replicate_options(&self) -> CvxOptions {
        CvxOptions {
            tolerance_bits: self.replicate_tolerance_bits,
            ..CvxOptions::default()
        }
    }

    /// Replicates per kind: `resamples` bootstraps, `permutations` of each null.
    pub fn count(&self, kind: ReplicateKind) -> usize {
        match kind {
            ReplicateKind::Bootstrap => self.resamples,
            _ => self.permutations,
        }
    }
}
