//! Principal components of standardised features: the weighted covariance, then the
//! eigen solvers of [`crate::numeric::eigen`].

use super::{total_weight, weighted};
use crate::numeric::eigen::{leading_eigen, symmetric_eigen};

/// Principal components of standardised columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Unit vectors (one per kept component, each of the columns' dimension), by
    /// decreasing variance; signed so their largest entry is positive.
    pub components: Vec<Vec<f64>>,
    pub explained_variance: Vec<f64>,
    pub total_variance: f64,
}

impl Pca {
    /// Fits at most `k` components (weighted covariance, Jacobi eigen-decomposition).
    pub fn fit(columns: &[Vec<f64>], weights: Option<&[f64]>, k: usize) -> Pca {
        let d = columns.len();
        let n = columns.first().map_or(0, Vec::len);
        let total = total_weight(n, weights);
        let mut covariance = weighted_products(columns, weights);
        covariance.iter_mut().for_each(|c| *c /= total);
        let total_variance = (0..d).map(|i| covariance[i * d + i]).sum();
        let kept = k.min(d);
        // Jacobi gives every eigenpair and is exact enough, but costs O(d³) per sweep;
        // beyond a few hundred features only the leading `kept` pairs are computed.
        let (values, vectors) = if d <= JACOBI_MAX_DIMENSION {
            symmetric_eigen(covariance, d)
        } else {
            leading_eigen(&covariance, d, kept)
        };
        Pca {
            components: vectors.into_iter().take(kept).collect(),
            explained_variance: values.into_iter().take(kept).collect(),
            total_variance,
        }
    }

    /// The samples in component coordinates, row-major (`sample * k + component`).
    pub fn project(&self, columns: &[Vec<f64>]) -> Vec<f64> {
        let k = self.components.len();
        let n = columns.first().map_or(0, Vec::len);
        let mut points = vec![0.0; n * k];
        for (c, component) in self.components.iter().enumerate() {
            for (column, &loading) in columns.iter().zip(component) {
                for (i, v) in column.iter().enumerate() {
                    points[i * k + c] += loading * v;
                }
            }
        }
        points
    }
}

/// Rows per tile of [`weighted_products`]: a tile of every column (with d = 128, 256 KB)
/// stays in cache while all d²/2 pairs read it. A multiple of 4 (`dot`'s lanes).
const TILE_ROWS: usize = 256;

/// The `d × d` matrix (row-major) of Σ_r w_r a_r b_r over every pair of `columns`:
/// the same bits as `numeric::dot(&weighted(a, weights), b)` per pair, computed a tile
/// of rows at a time so each pair's four lanes add the same terms in the same order
/// while the columns are read from memory once, not once per pair.
fn weighted_products(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Vec<f64> {
    let d = columns.len();
    let n = columns.first().map_or(0, Vec::len);
    let whole = n - n % 4;
    // Lanes of pair (i, j ≥ i), pairs in row order.
    let mut lanes = vec![[0.0f64; 4]; d * (d + 1) / 2];
    let add = |rows: std::ops::Range<usize>, lanes: &mut [[f64; 4]]| {
        let scaled: Vec<_> = columns
            .iter()
            .map(|c| weighted(&c[rows.clone()], weights.map(|w| &w[rows.clone()])))
            .collect();
        let mut pair = 0;
        for (i, a) in scaled.iter().enumerate() {
            for b in &columns[i..] {
                let mut acc = lanes[pair];
                let b = &b[rows.clone()];
                let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
                let tail = ac.remainder().iter().zip(bc.remainder());
                for (x, y) in ac.zip(bc) {
                    for l in 0..4 {
                        acc[l] += x[l] * y[l];
                    }
                }
                // A tail (fewer than 4 rows) goes to lanes 0, 1, 2 as in `dot`.
                for (lane, (x, y)) in acc.iter_mut().zip(tail) {
                    *lane += x * y;
                }
                lanes[pair] = acc;
                pair += 1;
            }
        }
    };
    for start in (0..whole).step_by(TILE_ROWS) {
        add(start..(start + TILE_ROWS).min(whole), &mut lanes);
    }
    add(whole..n, &mut lanes);
    let mut products = vec![0.0; d * d];
    let mut pair = 0;
    for i in 0..d {
        for j in i..d {
            let [s0, s1, s2, s3] = lanes[pair];
            products[i * d + j] = (s0 + s1) + (s2 + s3);
            products[j * d + i] = products[i * d + j];
            pair += 1;
        }
    }
    products
}

/// Largest matrix handed to [`symmetric_eigen`] by [`Pca::fit`]; larger ones go to
/// [`leading_eigen`] (Jacobi took 0.8 s at 256 and 19 s at 512 here).
pub const JACOBI_MAX_DIMENSION: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::dot;
    use crate::rng::SplitMix64;

    #[test]
    fn tiled_products_have_the_bits_of_dot() {
        let mut rng = SplitMix64::new(9);
        for n in [0, 1, 3, 4, 7, 255, 256, 257, 1030] {
            let columns: Vec<Vec<f64>> = (0..5)
                .map(|_| (0..n).map(|_| rng.next_f64() - 0.3).collect())
                .collect();
            let w: Vec<f64> = (0..n).map(|_| rng.next_f64() * 2.0).collect();
            for weights in [None, Some(&w[..])] {
                let products = weighted_products(&columns, weights);
                for i in 0..5 {
                    for j in 0..5 {
                        // Pair (i, j ≤ i) is mirrored from (j, i), as Pca::fit always did.
                        let (a, b) = (i.min(j), i.max(j));
                        let expected = dot(&weighted(&columns[a], weights), &columns[b]);
                        assert_eq!(products[i * 5 + j].to_bits(), expected.to_bits(), "n = {n}");
                    }
                }
            }
        }
    }
}
