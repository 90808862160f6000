//! Standardising numeric features: weighted mean 0, standard deviation 1.

use super::{total_weight, weighted};
use crate::numeric::dot;

/// Each column minus its weighted mean over its weighted standard deviation; constant
/// columns (s.d. 0) are dropped, as they carry no information.
pub fn standardise(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Vec<Vec<f64>> {
    let n = columns.first().map_or(0, Vec::len);
    let total = total_weight(n, weights);
    let ones = vec![1.0; n];
    columns
        .iter()
        .filter_map(|column| {
            let mean = dot(&weighted(column, weights), &ones) / total;
            let centred: Vec<f64> = column.iter().map(|v| v - mean).collect();
            let variance = dot(&weighted(&centred, weights), &centred) / total;
            let sd = variance.sqrt();
            // Relative test: a column of identical large numbers still has rounding noise.
            let scale = column.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
            (sd > 1e-12 * scale && sd.is_finite())
                .then(|| centred.into_iter().map(|v| v / sd).collect())
        })
        .collect()
}
