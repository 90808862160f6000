//! Comparing stored results with recomputed ones.

use super::PidResults;
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
