//! What a BATCH estimate's numbers can claim: an interval over its test batches and a
//! bias floor from one run on shuffled labels (docs/batch.md, "Uncertainty").
//!
//! BATCH reads its atoms out on held-out test batches. Their spread says how much that
//! read-out varies given the trained networks; it is not an interval for the estimate,
//! and the networks' own training noise and bias are not in it. The bias is measured
//! instead: the same training on the same features with Y shuffled (every true atom 0)
//! gives what BATCH reports on nothing, its floor at this sample size.

use super::BatchPid;
use crate::pid::TERMS;
use serde::{Deserialize, Serialize};

/// Two-sided 95 % quantiles t₀.₉₇₅ of Student's t with 1 to 30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// t₀.₉₇₅ with `df` degrees of freedom (above 30: 1.96 + 2.4/df, within 0.002 of the
/// exact quantile); `None` for 0.
pub fn t_975(df: usize) -> Option<f64> {
    match df {
        0 => None,
        1..=30 => Some(T_975[df - 1]),
        _ => Some(1.96 + 2.4 / df as f64),
    }
}

/// Fewest shuffled-label runs whose p-value can fall below 0.05: (1 + 0) / (1 + 20).
pub const MIN_NULLS_FOR_TEST: usize = 20;

/// One term of a BATCH estimate with what can be said of it, bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BatchTermUncertainty {
    /// The mean over test batches (unclipped).
    pub estimate: f64,
    /// The mean of what the same training reports with Y shuffled (unclipped), when it
    /// was run.
    pub null_floor: Option<f64>,
    /// `estimate − null_floor` (the estimate without a shuffled-label run).
    pub corrected: f64,
    /// `corrected ± t₀.₉₇₅(B − 1) · s/√B` over the B test batches (s: their spread), cut
    /// at 0: the read-out's variation given the trained networks, **not** the training's;
    /// `None` with a single test batch.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// (1 + #{null runs ≥ estimate}) / (1 + runs), when there were runs.
    pub p_value: Option<f64>,
    /// Whether p < `significance`, when there were at least [`MIN_NULLS_FOR_TEST`] runs.
    pub detected: Option<bool>,
}

/// A BATCH estimate's uncertainty, every term in bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchUncertainty {
    pub method: String,
    pub confidence: f64,
    pub test_batches: usize,
    /// Shuffled-label trainings behind the floor and the p-values.
    pub null_runs: usize,
    pub redundancy: BatchTermUncertainty,
    pub unique1: BatchTermUncertainty,
    pub unique2: BatchTermUncertainty,
    pub synergy: BatchTermUncertainty,
    pub mi_x1_y: BatchTermUncertainty,
    pub mi_x2_y: BatchTermUncertainty,
    pub mi_joint: BatchTermUncertainty,
}

impl BatchUncertainty {
    /// The seven terms in the order of [`TERMS`].
    pub fn terms(&self) -> [&BatchTermUncertainty; 7] {
        crate::per_term!(self)
    }
}

/// The uncertainty of `pid` given the same training on shuffled labels, `nulls` times:
/// floor = mean of the nulls, corrected = estimate − floor, the read-out interval
/// corrected ± t₀.₉₇₅(B − 1) · s/√B, and the permutation p-value of each term; bits.
/// `significance` decides `detected`.
pub fn batch_uncertainty(
    pid: &BatchPid,
    nulls: &[BatchPid],
    significance: f64,
) -> BatchUncertainty {
    let estimate = pid.raw.values();
    let spread = pid.spread.decomposition.values();
    let null_values: Vec<[f64; 7]> = nulls.iter().map(|n| n.raw.values()).collect();
    let runs = nulls.len();
    let half = |i: usize| {
        t_975(pid.test_batches.saturating_sub(1))
            .map(|t| t * spread[i] / (pid.test_batches as f64).sqrt())
    };
    let term = |i: usize| {
        let floor = (runs > 0).then(|| null_values.iter().map(|v| v[i]).sum::<f64>() / runs as f64);
        let corrected = estimate[i] - floor.unwrap_or(0.0);
        let above = null_values.iter().filter(|v| v[i] >= estimate[i]).count();
        let p_value = (runs > 0).then(|| (1 + above) as f64 / (1 + runs) as f64);
        BatchTermUncertainty {
            estimate: estimate[i],
            null_floor: floor,
            corrected,
            low: half(i).map(|h| (corrected - h).max(0.0)),
            high: half(i).map(|h| (corrected + h).max(0.0)),
            p_value,
            detected: p_value
                .filter(|_| runs >= MIN_NULLS_FOR_TEST)
                .map(|p| p < significance),
        }
    };
    let method = if runs == 0 {
        "mean over test batches (no shuffled-label run: no floor, no p-values); t interval of the read-out".to_string()
    } else {
        format!("mean over test batches minus the mean of {runs} shuffled-label run{}; t interval of the read-out; permutation p-values", if runs == 1 { "" } else { "s" })
    };
    debug_assert_eq!(TERMS.len(), 7);
    BatchUncertainty {
        method,
        confidence: 0.95,
        test_batches: pid.test_batches,
        null_runs: runs,
        redundancy: term(0),
        unique1: term(1),
        unique2: term(2),
        synergy: term(3),
        mi_x1_y: term(4),
        mi_x2_y: term(5),
        mi_joint: term(6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_are_students() {
        assert_eq!(t_975(0), None);
        assert_eq!(t_975(1), Some(12.706));
        assert!((t_975(40).unwrap() - 2.021).abs() < 0.002);
        assert!((t_975(120).unwrap() - 1.980).abs() < 0.002);
        assert!((t_975(10_000).unwrap() - 1.960).abs() < 0.001);
    }
}
