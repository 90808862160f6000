//! Weighted quantile bins of one numeric column: the states of a scalar target Y (and of
//! its Ŷ columns, cut at Y's edges) and of a modality of one numeric feature
//! ([`crate::discretize`]).

use super::column::format_number;

/// A numeric column cut into bins: each value's bin (numbered in increasing value order),
/// each bin's name (the range of its values) and its largest value, the edge that
/// [`QuantileBins::bin_of`] cuts other values at.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileBins {
    pub assignment: Vec<u32>,
    pub labels: Vec<String>,
    /// The largest value of each bin, increasing.
    pub upper: Vec<f64>,
}

impl QuantileBins {
    /// The bin of a value by these bins' edges: the first bin whose largest value is at
    /// least `value`, the last bin above them all (so Ŷ values share Y's states).
    pub fn bin_of(&self, value: f64) -> u32 {
        bin_at(&self.upper, value)
    }
}

/// The bin of `value` given the bins' largest values `upper` (increasing): the first bin
/// whose largest value is at least `value`, the last above them all.
pub fn bin_at(upper: &[f64], value: f64) -> u32 {
    let i = upper.partition_point(|&u| u < value);
    i.min(upper.len().saturating_sub(1)) as u32
}

/// A short rendering of a number for bin labels (4 significant digits).
fn short_number(x: f64) -> String {
    let text = format!("{x:.4e}");
    match text.parse::<f64>() {
        Ok(rounded) => format_number(rounded),
        Err(_) => text,
    }
}

/// Cuts `values` into at most `bins` weighted quantile bins (a value's bin is
/// ⌊bins · W_below / W⌋, W_below the weight of smaller values); equal values always share
/// a bin, so there are fewer bins when values repeat. `bins` ≥ 1.
pub fn quantile_bins(values: &[f64], weights: Option<&[f64]>, bins: usize) -> QuantileBins {
    let bins = bins.max(1);
    let n = values.len();
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
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
    QuantileBins {
        assignment,
        labels,
        upper: ranges.iter().map(|r| r.1).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_quantiles_named_by_range_and_cut_other_values_at_their_edges() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        let bins = quantile_bins(&values, None, 4);
        assert_eq!(bins.labels, ["0–24", "25–49", "50–74", "75–99"]);
        assert_eq!(bins.assignment[24], 0);
        assert_eq!(bins.assignment[25], 1);
        assert_eq!(bins.bin_of(-5.0), 0);
        assert_eq!(bins.bin_of(24.5), 1);
        assert_eq!(bins.bin_of(1e9), 3);
        // Repeated values share a bin, so there may be fewer bins than asked.
        let repeated = quantile_bins(&[1.0, 1.0, 1.0, 2.0], None, 4);
        assert_eq!(repeated.labels, ["1", "2"]);
    }
}
