//! Comparing stored results with recomputed ones.

use super::{PidResults, StoredUncertainty, STORED_RESOLUTION_BITS};
use std::cmp::Ordering::{Equal, Less};
use std::fmt;

/// One stored number that the recomputation does not reproduce.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mismatch {
    /// The field: `redundancy`, `unique1`, `unique2`, `synergy`, `mi_x1_y`, `mi_x2_y`
    /// or `mi_joint`.
    pub field: &'static str,
    /// The value stored in the link, in bits.
    pub stored: f64,
    /// The value computed now, in bits.
    pub recomputed: f64,
}

impl Mismatch {
    /// |stored − recomputed| in bits (NaN if either is NaN).
    pub fn difference(&self) -> f64 {
        (self.stored - self.recomputed).abs()
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the link says {} bits, recomputed {} bits (difference {:.3e} bits)",
            self.field,
            self.stored,
            self.recomputed,
            self.difference()
        )
    }
}

/// Checks that every recomputed number is within `tol_bits` of the stored one; on
/// failure lists each number that differs (a NaN anywhere, tolerance included, always
/// differs). The
/// certificates are not compared: they bound accuracy, they are not results.
pub fn results_agree(
    stored: &PidResults,
    recomputed: &PidResults,
    tol_bits: f64,
) -> Result<(), Vec<Mismatch>> {
    let mismatches: Vec<Mismatch> = stored
        .named_values()
        .into_iter()
        .zip(recomputed.named_values())
        .map(|((field, stored), (_, recomputed))| Mismatch {
            field,
            stored,
            recomputed,
        })
        // Agreement needs `difference <= tol_bits`; any NaN (value or tolerance) fails.
        .filter(|m| !matches!(m.difference().partial_cmp(&tol_bits), Some(Less | Equal)))
        .collect();
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(mismatches)
    }
}

/// Every figure of a recomputed uncertainty that differs from the stored one by more
/// than the storage resolution (plus rounding), in words; empty when they agree. A figure
/// present on one side only differs too.
pub fn uncertainty_mismatches(
    stored: &StoredUncertainty,
    recomputed: &crate::rigor::Uncertainty,
) -> Vec<String> {
    let again = StoredUncertainty::of(recomputed, recomputed.weighted);
    // Both sides are on the same grid: they agree to one step at most (a value at a
    // rounding boundary may land on either neighbour).
    let tolerance = STORED_RESOLUTION_BITS * 1.5;
    let mut out = Vec::new();
    for ((term, a), (_, b)) in stored.terms().into_iter().zip(again.terms()) {
        for ((figure, x), (_, y)) in a.named().into_iter().zip(b.named()) {
            let agree = match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() <= tolerance,
                (None, None) => true,
                _ => false,
            };
            if !agree {
                let show = |v: Option<f64>| v.map_or("none".to_string(), |v| format!("{v}"));
                out.push(format!(
                    "{term} {figure}: the link says {}, recomputed {}",
                    show(x),
                    show(y)
                ));
            }
        }
    }
    out
}
