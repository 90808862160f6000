//! The uncertainty a link carries (version 2 on): the settings it was estimated with and,
//! per term, the corrected value, interval, p-value and null mean, in bits rounded to
//! [`STORED_RESOLUTION_BITS`] (the page shows at most four decimals; full precision would
//! add ~300 characters to every link).

use super::ShareError;
use crate::rigor::{Surrogates, TermUncertainty, Uncertainty};
use serde::{Deserialize, Serialize};

/// The resolution of the stored uncertainty figures, in bits.
pub const STORED_RESOLUTION_BITS: f64 = 1e-6;

/// How the uncertainty was estimated: enough to estimate it again from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySettings {
    /// Bootstrap replicates (0: no intervals).
    pub resamples: u32,
    /// Permutations per null (0: no p-values).
    pub permutations: u32,
    /// Shuffles (independent rows) or circular shifts (a time series).
    pub surrogates: Surrogates,
    /// Seed of every replicate's stream.
    pub seed: u64,
}

/// One term's stored uncertainty, bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredTerm {
    /// Bias-corrected estimate.
    pub corrected: f64,
    /// The 95 % interval's ends (absent without resamples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// p-value of "this term is 0" (absent without permutations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// The permutation null's mean: the plug-in's bias floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_mean: Option<f64>,
}

/// A PID's stored uncertainty, every term in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredUncertainty {
    pub redundancy: StoredTerm,
    pub unique1: StoredTerm,
    pub unique2: StoredTerm,
    pub synergy: StoredTerm,
    pub mi_x1_y: StoredTerm,
    pub mi_x2_y: StoredTerm,
    pub mi_joint: StoredTerm,
    /// The intervals were "approximate (few samples per cell)".
    #[serde(default, skip_serializing_if = "is_false")]
    pub approximate: bool,
    /// Estimated from weighted rows: the table alone cannot reproduce it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub weighted_rows: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `x` on the stored grid.
fn stored(x: f64) -> f64 {
    (x / STORED_RESOLUTION_BITS).round() * STORED_RESOLUTION_BITS
}

impl StoredTerm {
    fn of(t: &TermUncertainty) -> StoredTerm {
        StoredTerm {
            corrected: stored(t.corrected),
            low: t.low.map(stored),
            high: t.high.map(stored),
            p_value: t.p_value.map(stored),
            null_mean: t.null_mean.map(stored),
        }
    }

    /// The five figures with their names (absent ones as `None`).
    pub fn named(&self) -> [(&'static str, Option<f64>); 5] {
        [
            ("corrected", Some(self.corrected)),
            ("low", self.low),
            ("high", self.high),
            ("p_value", self.p_value),
            ("null_mean", self.null_mean),
        ]
    }
}

impl StoredUncertainty {
    /// What a link stores of `u`, rounded to [`STORED_RESOLUTION_BITS`].
    pub fn of(u: &Uncertainty, weighted_rows: bool) -> StoredUncertainty {
        let t = |x: &TermUncertainty| StoredTerm::of(x);
        StoredUncertainty {
            redundancy: t(&u.redundancy),
            unique1: t(&u.unique1),
            unique2: t(&u.unique2),
            synergy: t(&u.synergy),
            mi_x1_y: t(&u.mi_x1_y),
            mi_x2_y: t(&u.mi_x2_y),
            mi_joint: t(&u.mi_joint),
            approximate: u.approximate,
            weighted_rows,
        }
    }

    /// The seven terms with their keys, in the order of [`crate::pid::TERMS`].
    pub fn terms(&self) -> [(&'static str, &StoredTerm); 7] {
        let terms = crate::per_term!(self);
        std::array::from_fn(|i| (crate::pid::TERMS[i].key, terms[i]))
    }

    pub(super) fn validate(&self, field: &str) -> Result<(), ShareError> {
        for (term, figures) in self.terms() {
            for (name, value) in figures.named() {
                if let Some(value) = value.filter(|v| !v.is_finite()) {
                    return Err(ShareError::NotFiniteResult {
                        field: format!("{field}.{term}.{name}"),
                        value,
                    });
                }
            }
        }
        Ok(())
    }
}

impl UncertaintySettings {
    /// The settings `u` was estimated with.
    pub fn of(u: &Uncertainty) -> UncertaintySettings {
        UncertaintySettings {
            resamples: u.resamples.min(u32::MAX as usize) as u32,
            permutations: u.permutations.min(u32::MAX as usize) as u32,
            surrogates: u.surrogates,
            seed: u.seed,
        }
    }
}
