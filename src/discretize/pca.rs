//! Principal components of standardised features: the weighted covariance, then the
//! eigen solvers of [`crate::numeric::eigen`].

use super::{total_weight, weighted};
use crate::numeric::dot;
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
        let mut covariance = vec![0.0; d * d];
        for i in 0..d {
            let row = weighted(&columns[i], weights);
            for j in i..d {
                let c = dot(&row, &columns[j]) / total;
                covariance[i * d + j] = c;
                covariance[j * d + i] = c;
            }
        }
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

/// Largest matrix handed to [`symmetric_eigen`] by [`Pca::fit`]; larger ones go to
/// [`leading_eigen`] (Jacobi took 0.8 s at 256 and 19 s at 512 here).
pub const JACOBI_MAX_DIMENSION: usize = 128;
