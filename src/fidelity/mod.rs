//! Is the discrete table faithful? The exact PID is exact for the table it is given, but
//! the table of samples comes from standardise → PCA → k-means, which can throw away
//! most of what the features say about Y. This room measures that loss: held-out
//! classifiers on the continuous features give lower bounds on I(X1;Y), I(X2;Y) and
//! I(X1,X2;Y) ([`classifier_bounds`]), and [`compare`] sets the table's plug-in values against them
//! and words a warning when the table keeps clearly less (thresholds: [`crate::meta`]).
//! docs/fidelity.md has the measurements behind the defaults.

mod bound;
pub mod cases;

pub use bound::{
    classifier_bounds, has_numeric_features, Bound, ClassifierBounds, FidelityOptions,
};

use serde::{Deserialize, Serialize};

use crate::info::InfoTerms;
use crate::meta;
use crate::pid::batch::BatchError;

/// Why the fidelity check could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FidelityError {
    #[error("too few samples for the fidelity check: {samples} (need at least {needed})")]
    TooFewSamples { samples: usize, needed: usize },
    #[error("invalid fidelity-check settings: {0}")]
    InvalidOptions(String),
    #[error(transparent)]
    Batch(#[from] BatchError),
}

/// One information term: the table's value against the classifier bound, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The discrete table's plug-in value, bits.
    pub table_bits: f64,
    /// The held-out classifier lower bound, bits.
    pub classifier_bits: f64,
    /// Its standard error, bits.
    pub standard_error_bits: f64,
    /// table / classifier (`None` when the bound is 0: nothing to keep).
    pub retained: Option<f64>,
    /// Whether the table keeps clearly less than the bound ([`Figure::new`]).
    pub lost: bool,
}

impl Figure {
    /// The comparison of `table_bits` with `bound`. `lost` when the gap
    /// g = bound − table exceeds both [`meta::FIDELITY_MIN_GAP_BITS`] and twice the bound's
    /// standard error (so that noise cannot raise it), and either the table keeps less
    /// than [`meta::FIDELITY_MIN_RETAINED`] of the bound or g > [`meta::FIDELITY_MAX_LOSS_BITS`].
    pub fn new(table_bits: f64, bound: &Bound) -> Figure {
        let (t, b) = (table_bits.max(0.0), bound.bits);
        let gap = b - t;
        let clear = gap > meta::FIDELITY_MIN_GAP_BITS.max(2.0 * bound.standard_error_bits);
        let lost =
            clear && (t < meta::FIDELITY_MIN_RETAINED * b || gap > meta::FIDELITY_MAX_LOSS_BITS);
        Figure {
            table_bits,
            classifier_bits: b,
            standard_error_bits: bound.standard_error_bits,
            retained: (b > 0.0).then(|| t / b),
            lost,
        }
    }
}

/// The fidelity of a discrete table. The headline fields are I(X1,X2;Y); `warning` is
/// set when any of the three terms is [`Figure::lost`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fidelity {
    /// The table's I(X1,X2;Y), bits.
    pub table_bits: f64,
    /// The classifier lower bound on I(X1,X2;Y), bits.
    pub classifier_bits: f64,
    /// table / classifier for I(X1,X2;Y) (`None` when the bound is 0).
    pub retained: Option<f64>,
    /// What was lost and what to try, or `None` when the table keeps the information.
    pub warning: Option<String>,
    /// I(X1;Y), I(X2;Y) and I(X1,X2;Y) compared.
    pub x1: Figure,
    pub x2: Figure,
    pub joint: Figure,
    /// The classifiers and the split behind the bounds.
    pub bounds: ClassifierBounds,
}

/// The table's information terms set against the classifier bounds.
pub fn compare(table: &InfoTerms, bounds: &ClassifierBounds) -> Fidelity {
    let x1 = Figure::new(table.mi_x1_y, &bounds.x1);
    let x2 = Figure::new(table.mi_x2_y, &bounds.x2);
    let joint = Figure::new(table.mi_joint, &bounds.joint);
    let lost: Vec<String> = [("I(X1,X2;Y)", &joint), ("I(X1;Y)", &x1), ("I(X2;Y)", &x2)]
        .iter()
        .filter(|(_, f)| f.lost)
        .map(|(name, f)| {
            format!(
                "{name} {:.3} of at least {:.3} bits ({:.0} %)",
                f.table_bits,
                f.classifier_bits,
                100.0 * f.retained.unwrap_or(0.0)
            )
        })
        .collect();
    let warning = (!lost.is_empty()).then(|| {
        format!(
            "the discrete table keeps clearly less than the continuous features carry about Y \
             ({}, the bound from classifiers scored on held-out rows): the clustering lost \
             information, so the atoms describe the clusters more than the data. Try more PCA \
             components or clusters, a different discretisation, or the BATCH estimator on the \
             continuous features.",
            lost.join("; ")
        )
    });
    Fidelity {
        table_bits: table.mi_joint,
        classifier_bits: joint.classifier_bits,
        retained: joint.retained,
        warning,
        x1,
        x2,
        joint,
        bounds: bounds.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(bits: f64, se: f64) -> Bound {
        Bound {
            bits,
            entropy_bits: 1.0,
            cross_entropy_bits: 1.0 - bits,
            standard_error_bits: se,
            epochs: 1,
        }
    }

    #[test]
    fn a_table_far_below_the_bound_is_lost() {
        assert!(Figure::new(0.047, &bound(1.85, 0.01)).lost);
        // 80 % kept but 0.2 bits below: the absolute rule fires.
        assert!(Figure::new(0.8, &bound(1.0, 0.01)).lost);
    }

    #[test]
    fn a_table_close_to_the_bound_or_above_it_is_kept() {
        assert!(!Figure::new(0.95, &bound(1.0, 0.01)).lost);
        assert!(!Figure::new(1.2, &bound(1.0, 0.01)).lost);
        // Under 70 % of a tiny bound: the gap is below the minimum that warns.
        assert!(!Figure::new(0.005, &bound(0.015, 0.001)).lost);
    }

    #[test]
    fn a_gap_within_the_bounds_noise_is_not_lost() {
        // 0.3 bits below, but the bound's standard error is 0.2 bits.
        assert!(!Figure::new(0.5, &bound(0.8, 0.2)).lost);
        assert!(Figure::new(0.5, &bound(0.8, 0.1)).lost);
    }

    #[test]
    fn the_warning_names_the_lost_terms_and_what_to_try() {
        let bounds = ClassifierBounds {
            x1: bound(0.9, 0.01),
            x2: bound(0.0, 0.0),
            joint: bound(1.85, 0.01),
            train_rows: 10,
            validation_rows: 10,
            test_rows: 10,
            model: "m".into(),
            seed: 0,
        };
        let table = InfoTerms {
            h_y: 1.9,
            h_y_given_x1: 1.05,
            h_y_given_x2: 1.9,
            h_y_given_x1x2: 1.853,
            mi_x1_y: 0.85,
            mi_x2_y: 0.0,
            mi_joint: 0.047,
            cmi_x1_y_given_x2: 0.047,
            cmi_x2_y_given_x1: -0.803,
            co_information: 0.803,
        };
        let f = compare(&table, &bounds);
        let w = f.warning.expect("warns");
        assert!(
            w.contains("I(X1,X2;Y) 0.047 of at least 1.850 bits (3 %)"),
            "{w}"
        );
        assert!(!w.contains("I(X1;Y)"), "X1 keeps 94 %: {w}");
        assert!(w.contains("more PCA components or clusters") && w.contains("BATCH"));
        assert_eq!(f.x2.retained, None);
        assert!((f.retained.unwrap() - 0.047 / 1.85).abs() < 1e-12);
    }
}
