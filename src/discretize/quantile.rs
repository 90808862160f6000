//! Weighted quantile bins for a modality of one numeric column.

use super::{group_means, weight_of, Method, ModalityStates};

/// A short rendering of a number for bin labels (4 significant digits).
fn short_number(x: f64) -> String {
    let text = format!("{x:.4e}");
    match text.parse::<f64>() {
        Ok(rounded) => crate::data::column::format_number(rounded),
        Err(_) => text,
    }
}

/// Cuts one column into at most `bins` weighted quantile bins; equal values always
/// share a bin, so there are fewer bins when values repeat.
pub(super) fn quantile_states(
    values: &[f64],
    weights: Option<&[f64]>,
    bins: usize,
) -> ModalityStates {
    let n = values.len();
    let weight = |i: usize| weight_of(weights, i);
    let total: f64 = (0..n).map(weight).sum();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut bin_of = vec![0u32; n];
    let mut before = 0.0;
    let mut start = 0;
    while start < n {
        let value = values[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| values[i] == value)
                .count();
        let fraction = if total > 0.0 {
            before / total
        } else {
            start as f64 / n as f64
        };
        let bin = ((fraction * bins as f64) as usize).min(bins - 1);
        for &i in &order[start..end] {
            bin_of[i] = bin as u32;
            before += weight(i);
        }
        start = end;
    }
    // Number the used bins in increasing value order and name them by their range.
    let mut used: Vec<u32> = order.iter().map(|&i| bin_of[i]).collect();
    used.dedup();
    let mut renumber = vec![0u32; bins];
    for (new, &old) in used.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    let assignment: Vec<u32> = bin_of.iter().map(|&b| renumber[b as usize]).collect();
    let mut ranges = vec![(f64::INFINITY, f64::NEG_INFINITY); used.len()];
    for (i, &b) in assignment.iter().enumerate() {
        let r = &mut ranges[b as usize];
        *r = (r.0.min(values[i]), r.1.max(values[i]));
    }
    let labels = ranges
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                short_number(lo)
            } else {
                format!("{}–{}", short_number(lo), short_number(hi))
            }
        })
        .collect();
    let centres = group_means(&[values], &assignment, used.len(), weights);
    ModalityStates {
        centres,
        ..ModalityStates::new(Method::QuantileBins, labels, assignment)
    }
}
