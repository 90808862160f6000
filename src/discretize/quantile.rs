//! Weighted quantile bins for a modality of one numeric column
//! ([`crate::data::quantile_bins`], with each bin's weighted mean as its centre).

use super::{group_means, Method, ModalityStates};
use crate::data::quantile_bins;
use crate::data::Numbers;

/// Cuts one column into at most `bins` weighted quantile bins; equal values always
/// share a bin, so there are fewer bins when values repeat.
pub(super) fn quantile_states(
    values: &[f64],
    weights: Option<&[f64]>,
    bins: usize,
) -> ModalityStates {
    let cut = quantile_bins(values, weights, bins);
    let column = [Numbers::from(values.to_vec())];
    let centres = group_means(&column, &cut.assignment, cut.labels.len(), weights);
    ModalityStates {
        centres,
        ..ModalityStates::new(Method::QuantileBins, cut.labels, cut.assignment)
    }
}
