//! Uncertainty of a sample's PID: bias-corrected atoms, confidence intervals and
//! permutation p-values, in **bits** (see `docs/rigor.md` for the method, the nulls and
//! the simulation study that chose them).
//!
//! Every atom is linear in five numbers — H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2) and
//! h* = max_{q∈Δp} H_q(Y|X1,X2) ([`FiveTerms`]) — so corrections and resamples are made
//! on those five and the atoms follow; R + U1 = I(X1;Y), R + U2 = I(X2;Y) and
//! R + U1 + U2 + S = I(X1,X2;Y) hold for the corrected values and for every replicate.
//!
//! The work is split into *replicates* ([`replicates`]) that can run in any order on any
//! number of workers: each replicate's random stream depends only on
//! (seed, [`ReplicateKind`], index), and [`summarise`] sorts what it is given, so the
//! result does not depend on how the work was partitioned. [`estimate_uncertainty`]
//! runs them all in one go, single-threaded. No clocks, files or threads here.

mod estimators;
mod resample;
mod samples;
mod summary;

pub use estimators::{
    chao_shen_entropy, digamma, grassberger_entropy, miller_madow_entropy, on_grid,
    plug_in_entropy, EntropyEstimator, EstimatedEntropies, H_STAR_GRID_BITS,
};
pub use resample::{
    block_length, bootstrap_rows, replicates, stream, surrogate_order, Replicate, ReplicateKind,
};
pub use samples::{Samples, MAX_ROWS};
pub use summary::{quantile, summarise, upper_p_value, NULLS};

use crate::pid::{Coupling, CvxOptions, Decomposition, PidError};
use crate::table::TableError;
use serde::{Deserialize, Serialize};

/// Why an uncertainty estimate could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RigorError {
    #[error("there are no samples: an uncertainty needs at least one row")]
    NoSamples,
    #[error("{what} has {found} entries but there are {expected} rows")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("row {row}: state {state} of {axis} is out of range (it has {states} states)")]
    StateOutOfRange {
        axis: crate::table::Axis,
        row: usize,
        state: u32,
        states: usize,
    },
    #[error("row {row}: weight {weight} is not a finite non-negative number")]
    BadWeight { row: usize, weight: f64 },
    #[error(
        "cell {cell} holds {value}, not a whole count: a table of probabilities has no sample size, so its uncertainty cannot be estimated (give counts, or the samples)"
    )]
    NotCounts { cell: usize, value: f64 },
    #[error("the table holds {total} samples; at most {max} can be resampled")]
    TooManySamples { total: f64, max: usize },
    #[error("invalid uncertainty settings: {0}")]
    InvalidSettings(&'static str),
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Pid(#[from] PidError),
    #[error(transparent)]
    Table(#[from] TableError),
}

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
    /// How the interval is placed around the corrected value.
    pub interval: IntervalShape,
    /// Widen both ends by |bootstrap bias correction| of the term: an allowance for the
    /// error of the bias estimate itself, O(1/N) for smooth terms (negligible next to the
    /// O(1/√N) spread) but O(1/√N) at kinks, where the bootstrap is inconsistent.
    pub bias_allowance: bool,
    /// Solver tolerance of a replicate's h*, in bits (the sample's own h* is solved to
    /// [`CvxOptions::default`]'s 1e-7).
    pub replicate_tolerance_bits: f64,
    /// Below this many samples per cell of the n1·n2·ny table the intervals are
    /// labelled approximate.
    pub min_samples_per_cell: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            resamples: 200,
            permutations: 200,
            seed: 0,
            confidence: 0.95,
            surrogates: Surrogates::Shuffle,
            estimator: EntropyEstimator::Grassberger,
            scope: EstimatorScope::Joint,
            iterated: false,
            interval: IntervalShape::Percentile,
            bias_allowance: true,
            replicate_tolerance_bits: 1e-5,
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

/// The five numbers every atom is linear in, in bits: H(Y), H(Y|X1), H(Y|X2),
/// H(Y|X1,X2) and h* = max_{q∈Δp} H_q(Y|X1,X2).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct FiveTerms {
    pub h_y: f64,
    pub h_y_given_x1: f64,
    pub h_y_given_x2: f64,
    pub h_y_given_x1x2: f64,
    pub h_star: f64,
}

impl FiveTerms {
    fn from_parts(h: [f64; 4], h_star: f64) -> FiveTerms {
        FiveTerms {
            h_y: h[0],
            h_y_given_x1: h[1],
            h_y_given_x2: h[2],
            h_y_given_x1x2: h[3],
            h_star,
        }
    }

    /// `[H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2), h*]`.
    pub fn to_array(&self) -> [f64; 5] {
        [
            self.h_y,
            self.h_y_given_x1,
            self.h_y_given_x2,
            self.h_y_given_x1x2,
            self.h_star,
        ]
    }

    /// The inverse of [`FiveTerms::to_array`].
    pub fn from_array(v: [f64; 5]) -> FiveTerms {
        FiveTerms::from_parts([v[0], v[1], v[2], v[3]], v[4])
    }

    /// The atoms and MI terms in bits: S = h* − H(Y|X1,X2), U1 = H(Y|X2) − h*,
    /// U2 = H(Y|X1) − h*, R = I(X1;Y) − U1, I(Xi;Y) = H(Y) − H(Y|Xi),
    /// I(X1,X2;Y) = H(Y) − H(Y|X1,X2). Not clamped: corrected atoms may be negative.
    pub fn decomposition(&self) -> Decomposition {
        let mi_x1_y = self.h_y - self.h_y_given_x1;
        let mi_x2_y = self.h_y - self.h_y_given_x2;
        let unique1 = self.h_y_given_x2 - self.h_star;
        Decomposition {
            redundancy: mi_x1_y - unique1,
            unique1,
            unique2: self.h_y_given_x1 - self.h_star,
            synergy: self.h_star - self.h_y_given_x1x2,
            mi_x1_y,
            mi_x2_y,
            mi_joint: self.h_y - self.h_y_given_x1x2,
        }
    }

    /// The seven terms in the order of [`TERM_NAMES`].
    pub fn values(&self) -> [f64; 7] {
        term_values(&self.decomposition())
    }
}

/// The seven terms' keys in the output, in the order R, U1, U2, S, I(X1;Y), I(X2;Y),
/// I(X1,X2;Y) used by every `[f64; 7]` here.
pub const TERM_NAMES: [&str; 7] = [
    "redundancy",
    "unique1",
    "unique2",
    "synergy",
    "mi_x1_y",
    "mi_x2_y",
    "mi_joint",
];

/// A decomposition's seven terms in the order of [`TERM_NAMES`], bits.
pub fn term_values(d: &Decomposition) -> [f64; 7] {
    [
        d.redundancy,
        d.unique1,
        d.unique2,
        d.synergy,
        d.mi_x1_y,
        d.mi_x2_y,
        d.mi_joint,
    ]
}

/// What the sample itself gives: the plug-in five numbers (h* solved to 1e-7 bits) and
/// the formula estimators' entropies.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub terms: FiveTerms,
    pub estimated: EstimatedEntropies,
    /// Rows (samples).
    pub samples: usize,
    /// `[n1, n2, ny]`.
    pub shape: [usize; 3],
    /// Whether the rows carry weights (then every correction is the bootstrap's).
    pub weighted: bool,
    /// Certified error bound of the sample's h*, in bits.
    pub certificate_bits: f64,
    /// The sample's optimal coupling: the warm start a replicate solve may start from.
    pub coupling: Coupling,
}

/// The plug-in five numbers of the sample, with h* solved to the default 1e-7 bits.
pub fn observe(samples: &Samples) -> Result<Observed, RigorError> {
    let counts = samples.counts();
    let (terms, estimated, h) = estimators::terms_of(
        &counts,
        samples.shape(),
        !samples.is_weighted(),
        &CvxOptions::default(),
        None,
    )?;
    Ok(Observed {
        terms,
        estimated,
        samples: samples.rows(),
        shape: samples.shape(),
        weighted: samples.is_weighted(),
        certificate_bits: h.coupling.certificate_bits,
        coupling: h.coupling,
    })
}

/// One term's uncertainty, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TermUncertainty {
    /// The bias-corrected estimate.
    pub corrected: f64,
    /// The interval's ends (`None` without resamples).
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// One-sided p-value of "this term is 0" (`None` without permutations): for an
    /// atom the larger of the permutation and the bootstrap p-value, for an MI term the
    /// permutation p-value; all with the +1 correction.
    pub p_value: Option<f64>,
    /// Mean of the plug-in term under its permutation null: its bias floor.
    pub null_mean: Option<f64>,
    /// The plug-in value of the sample.
    pub plug_in: f64,
    /// (1 + #{null ≥ observed}) / (1 + permutations), plug-in statistic.
    pub p_permutation: Option<f64>,
    /// (1 + #{b : tᵦ − m ≥ corrected}) / (1 + resamples): the one-sided basic bootstrap
    /// test of "this term is 0".
    pub p_bootstrap: Option<f64>,
    /// Which rows the permutation null shuffles: "x1", "x2" or "y".
    pub null: &'static str,
}

/// The uncertainty of a sample's PID, every value in bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uncertainty {
    /// E.g. "grassberger entropies + bootstrap h*, basic interval".
    pub method: String,
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
    /// Rows, and rows per cell of the n1·n2·ny table.
    pub samples: usize,
    pub samples_per_cell: f64,
    /// True when samples_per_cell < `min_samples_per_cell`: the intervals are then
    /// "approximate (few samples per cell)" (their measured coverage is in docs/rigor.md).
    pub approximate: bool,
    /// "approximate (few samples per cell)" or "standard".
    pub intervals: &'static str,
    pub min_samples_per_cell: f64,
    pub surrogates: Surrogates,
    pub replicate_tolerance_bits: f64,
    /// Replicate solves that stopped short of the replicate tolerance.
    pub unconverged_replicates: usize,
}

impl Uncertainty {
    /// The seven terms in the order of [`TERM_NAMES`].
    pub fn terms(&self) -> [&TermUncertainty; 7] {
        [
            &self.redundancy,
            &self.unique1,
            &self.unique2,
            &self.synergy,
            &self.mi_x1_y,
            &self.mi_x2_y,
            &self.mi_joint,
        ]
    }
}

/// Observes the sample, runs every replicate (bootstraps, then the three permutation
/// nulls) single-threaded, and summarises. `progress(done, total)` is called after each
/// replicate; returning `false` cancels with [`RigorError::Cancelled`].
pub fn estimate_uncertainty(
    samples: &Samples,
    settings: &Settings,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Uncertainty, RigorError> {
    settings.validate()?;
    let observed = observe(samples)?;
    let total: usize = ReplicateKind::ALL.iter().map(|&k| settings.count(k)).sum();
    let mut records = Vec::with_capacity(total);
    if !progress(0, total) {
        return Err(RigorError::Cancelled);
    }
    for kind in ReplicateKind::ALL {
        for i in 0..settings.count(kind) {
            records.extend(replicates(samples, &observed, settings, kind, i..i + 1)?);
            if !progress(records.len(), total) {
                return Err(RigorError::Cancelled);
            }
        }
    }
    Ok(summarise(&observed, &records, settings))
}
