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
mod kink;
mod resample;
mod samples;
mod settings;
mod summary;

/// The Gaussian PID's intervals and p-values (a Wishart bootstrap of its covariance).
pub mod gaussian;

pub use estimators::{
    chao_shen_entropy, digamma, grassberger_entropy, miller_madow_entropy, on_grid,
    plug_in_entropy, EntropyEstimator, EstimatedEntropies, H_STAR_GRID_BITS,
};
pub use kink::{
    kink_factor, kink_shift, spread_rate, subsample_rows, KinkShift, SUBSAMPLE_DIVISORS,
};
pub use resample::{
    block_length, bootstrap_rows, replicate_jobs, replicates, stream, surrogate_order, Replicate,
    ReplicateJob, ReplicateKind,
};
pub use samples::{Samples, MAX_ROWS};
pub use settings::{EstimatorScope, IntervalShape, KinkCorrection, Settings, Surrogates};
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

    /// The seven terms in the order of [`crate::pid::TERMS`].
    pub fn values(&self) -> [f64; 7] {
        self.decomposition().values()
    }
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub null: String,
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
    pub intervals: String,
    pub min_samples_per_cell: f64,
    pub surrogates: Surrogates,
    /// Whether the rows carried weights (then every correction is the bootstrap's, and
    /// the counts table alone does not reproduce the estimate).
    #[serde(default)]
    pub weighted: bool,
    pub replicate_tolerance_bits: f64,
    /// Replicate solves that stopped short of the replicate tolerance.
    pub unconverged_replicates: usize,
}

impl Uncertainty {
    /// The seven terms in the order of [`crate::pid::TERMS`].
    pub fn terms(&self) -> [&TermUncertainty; 7] {
        crate::per_term!(self)
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
