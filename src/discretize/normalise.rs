//! The paper's preprocessing (DESIGN §4): scikit-learn's `normalize`, an L2
//! normalisation of each **row** (sample) of a modality's features, x_i / ‖x_i‖₂ with
//! ‖x_i‖₂ = √(Σ_j x_ij²), followed by centring each column (PCA centres its input) but
//! not scaling it.
//!
//! A row of zeros has no direction: like scikit-learn (which divides by 1 where the norm
//! is 0) it is left as zeros, so it never produces NaN; after centring it sits at the
//! negative column means, and it is clustered like any other row. A row whose squares
//! overflow (entries beyond about 1e154) has an infinite norm and becomes zeros, as in
//! scikit-learn; standardising columns (the default) has neither limit.

use super::standardise::{is_constant, transform_features, Standardised, Standardiser};
use super::weighted;
use crate::numeric::dot;

/// The divisor of a row: ‖x‖₂ = √(Σ_j x_j²) summed in feature order, 1 for a zero row
/// (as scikit-learn's `normalize`). The pipeline and the saved model both call this, so
/// a row gets the same bits in both.
pub fn row_divisor(squares_sum: f64) -> f64 {
    let norm = squares_sum.sqrt();
    if norm > 0.0 {
        norm
    } else {
        1.0
    }
}

/// Every row of `columns` (column-major, one `Vec` per feature) divided by its L2 norm
/// ([`row_divisor`]); rows of zeros stay zeros.
pub fn normalise_rows<C: AsRef<[f64]>>(columns: &[C]) -> Vec<Vec<f64>> {
    let n = columns.first().map_or(0, |c| c.as_ref().len());
    let mut squares = vec![0.0; n];
    for column in columns {
        for (s, v) in squares.iter_mut().zip(column.as_ref()) {
            *s += v * v;
        }
    }
    let divisors: Vec<f64> = squares.into_iter().map(row_divisor).collect();
    columns
        .iter()
        .map(|c| {
            c.as_ref()
                .iter()
                .zip(&divisors)
                .map(|(v, d)| v / d)
                .collect()
        })
        .collect()
}

/// Each column minus its weighted mean, not scaled: z = v − μ, μ = Σ w_i v_i / W, as a
/// [`Standardiser`] of scale 1 and s.d. 1 (whose `apply` is then exactly v − μ). Columns
/// with one value only are dropped and listed, as [`super::standardise_features`] does.
pub fn centre_features(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Standardised {
    transform_features(columns, weights, |column, weights, total, ones| {
        (!is_constant(column.iter().copied(), weights)).then(|| Standardiser {
            scale: 1.0,
            mean: dot(&weighted(column, weights), ones) / total,
            recentre: 0.0,
            sd: 1.0,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_get_unit_length_and_a_zero_row_stays_zero() {
        // Rows (3, 4), (0, 0), (−1e-200, 0), (1e200, 1e200).
        let columns = vec![vec![3.0, 0.0, -1e-200, 1e200], vec![4.0, 0.0, 0.0, 1e200]];
        let rows = normalise_rows(&columns);
        assert_eq!((rows[0][0], rows[1][0]), (0.6, 0.8));
        assert_eq!(
            (rows[0][1], rows[1][1]),
            (0.0, 0.0),
            "zero row: zeros, no NaN"
        );
        // Subnormal squares underflow to a zero norm: left as they are (finite, tiny).
        assert!(rows[0][2].is_finite() && rows[0][2] <= 0.0);
        // Squares that overflow give an infinite norm and zeros, never NaN.
        assert!(rows.iter().flatten().all(|v| !v.is_nan()), "{rows:?}");
        let length: f64 = rows.iter().map(|c| c[0] * c[0]).sum();
        assert!((length - 1.0).abs() < 1e-15);
        // The overflowing row (1e200, 1e200): zeros, not NaN.
        assert_eq!((rows[0][3], rows[1][3]), (0.0, 0.0));
    }

    #[test]
    fn row_normalisation_ignores_each_row_s_scale() {
        let a = vec![vec![1.0, -2.0, 0.5], vec![2.0, 1.0, 0.25]];
        let scaled: Vec<Vec<f64>> = a
            .iter()
            .map(|c| {
                c.iter()
                    .zip([10.0, 0.001, 7.0])
                    .map(|(v, s)| v * s)
                    .collect()
            })
            .collect();
        let (x, y) = (normalise_rows(&a), normalise_rows(&scaled));
        for (cx, cy) in x.iter().zip(&y) {
            for (p, q) in cx.iter().zip(cy) {
                assert!((p - q).abs() < 1e-15, "{p} vs {q}");
            }
        }
    }

    #[test]
    fn centring_subtracts_the_weighted_mean_and_drops_constant_columns() {
        let columns = vec![vec![1.0, 2.0, 6.0], vec![5.0; 3]];
        let plain = centre_features(&columns, None);
        assert_eq!(plain.constant, [1]);
        assert_eq!(plain.columns, [vec![-2.0, -1.0, 3.0]]);
        let weighted = centre_features(&columns, Some(&[1.0, 1.0, 2.0]));
        assert_eq!(weighted.columns, [vec![-2.75, -1.75, 2.25]]);
    }
}
