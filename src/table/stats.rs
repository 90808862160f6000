//! How well the samples fill a table ([`TableStats`]). A counts table has these as
//! well as a discretised dataset, so they belong to the table, not to clustering.

use super::JointTable;
use serde::{Deserialize, Serialize};

/// Honest statistics about how well the samples fill the table.
///
/// **Reliability**: the plug-in estimate of I(X1,X2;Y) from N samples is biased upward
/// by about (C_xy − C_x − C_y + 1) / (2 N ln 2) bits (Miller–Madow, first order), where
/// C_xy, C_x and C_y count the occupied cells (x1,x2,y), (x1,x2) and states y. The
/// table is flagged unreliable when the mean number of samples per occupied cell is
/// below 5, or when the table has at least half as many cells (n1·n2·ny) as there are
/// samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    pub samples: f64,
    /// n1 · n2 · ny.
    pub cells: usize,
    /// Cells (x1, x2, y) with at least one sample.
    pub occupied_cells: usize,
    /// Cells (x1, x2) with at least one sample.
    pub occupied_input_cells: usize,
    /// States of y with at least one sample.
    pub occupied_labels: usize,
    pub min_samples_per_occupied_cell: f64,
    pub median_samples_per_occupied_cell: f64,
    pub mean_samples_per_occupied_cell: f64,
    /// First-order Miller–Madow estimate of the upward bias of I(X1,X2;Y), in bits.
    pub miller_madow_bias_bits: f64,
    /// Whether the plug-in estimate should not be trusted (rule above).
    pub unreliable: bool,
    /// A sentence for the user when `unreliable`.
    pub warning: Option<String>,
}

impl TableStats {
    /// Statistics of sample counts per cell, laid out like a [`JointTable`] of `shape`.
    pub fn from_counts(shape: [usize; 3], counts: &[f64]) -> TableStats {
        let [n1, n2, ny] = shape;
        let samples: f64 = counts.iter().sum();
        let mut occupied: Vec<f64> = counts.iter().copied().filter(|&c| c > 0.0).collect();
        occupied.sort_by(f64::total_cmp);
        let occupied_input_cells = counts
            .chunks(ny.max(1))
            .filter(|cell| cell.iter().any(|&c| c > 0.0))
            .count();
        let occupied_labels = (0..ny)
            .filter(|&y| counts.iter().skip(y).step_by(ny.max(1)).any(|&c| c > 0.0))
            .count();
        let occupied_cells = occupied.len();
        let median = match occupied_cells {
            0 => 0.0,
            n if n % 2 == 1 => occupied[n / 2],
            n => 0.5 * (occupied[n / 2 - 1] + occupied[n / 2]),
        };
        let mean = if occupied_cells > 0 {
            samples / occupied_cells as f64
        } else {
            0.0
        };
        let bias = if samples > 0.0 {
            let excess =
                occupied_cells as f64 - occupied_input_cells as f64 - occupied_labels as f64 + 1.0;
            (excess / (2.0 * samples * std::f64::consts::LN_2)).max(0.0)
        } else {
            0.0
        };
        let sparse = mean < 5.0;
        let cells = n1 * n2 * ny;
        let crowded = 2.0 * cells as f64 >= samples;
        let unreliable = sparse || crowded;
        let warning =
            unreliable.then(|| {
                format!(
                "The plug-in estimate is unreliable: {samples} samples fill {occupied_cells} of \
                 {cells} cells (a mean of {} per occupied cell{}{}); I(X1,X2;Y) is biased upward \
                 by about {bias:.3} bits (Miller–Madow). Use fewer clusters or more samples.",
                mean_per_cell(mean, sparse),
                if sparse { ", fewer than 5" } else { "" },
                if crowded { "; the table has at least half as many cells as samples" } else { "" },
            )
            });
        TableStats {
            samples,
            cells,
            occupied_cells,
            occupied_input_cells,
            occupied_labels,
            min_samples_per_occupied_cell: occupied.first().copied().unwrap_or(0.0),
            median_samples_per_occupied_cell: median,
            mean_samples_per_occupied_cell: mean,
            miller_madow_bias_bits: bias,
            unreliable,
            warning,
        }
    }

    /// Statistics of a table whose weights were sample counts (e.g. a counts file).
    /// Meaningless for a table of probabilities (its "samples" sum to 1).
    pub fn of_table(table: &JointTable) -> TableStats {
        let counts: Vec<f64> = table.p().iter().map(|p| p * table.total_weight()).collect();
        TableStats::from_counts(table.shape(), &counts)
    }
}

/// The mean samples per occupied cell as the warning prints it: two decimals, rounded
/// down when the table is sparse, so a mean of 4.996 never reads "5.00 …, fewer than 5".
fn mean_per_cell(mean: f64, sparse: bool) -> String {
    let shown = if sparse {
        (mean * 100.0).floor() / 100.0
    } else {
        mean
    };
    format!("{shown:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mean_just_below_five_does_not_read_five() {
        // 99 samples in 20 occupied cells of a 2×2×5 table: a mean of 4.95.
        let mut counts = vec![5.0; 20];
        counts[0] = 4.0;
        let stats = TableStats::from_counts([2, 2, 5], &counts);
        let warning = stats.warning.expect("sparse");
        assert!(
            warning.contains("a mean of 4.95 per occupied cell, fewer than 5"),
            "{warning}"
        );
        let just_below = mean_per_cell(4.996, true);
        assert_eq!(just_below, "4.99");
    }
}
