//! Principal components of standardised features: the weighted covariance, then the
//! eigen solvers of [`crate::numeric::eigen`]; or, for many rows of many features,
//! randomized subspace iteration over the rows ([`PcaMethod`]).

use super::{total_weight, weighted};
use crate::numeric::dot;
use crate::numeric::eigen::{leading_eigen, subspace_eigen, symmetric_eigen, Subspace};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The prepared (standardised) features PCA reads, a tile of rows at a time, so a
/// caller can standardise as the rows are read instead of holding a standardised copy
/// (`LazyStandardised`), or hand over columns it already holds (`Vec<Vec<f64>>`).
pub trait FeatureTiles {
    /// Rows (samples).
    fn rows(&self) -> usize;
    /// Features (columns).
    fn features(&self) -> usize;
    /// Feature `feature`'s values at `rows` into `out` (as long as the range).
    fn fill(&self, feature: usize, rows: Range<usize>, out: &mut [f64]);
}

impl FeatureTiles for Vec<Vec<f64>> {
    fn rows(&self) -> usize {
        self.first().map_or(0, Vec::len)
    }

    fn features(&self) -> usize {
        self.len()
    }

    fn fill(&self, feature: usize, rows: Range<usize>, out: &mut [f64]) {
        out.copy_from_slice(&self[feature][rows]);
    }
}

/// Calls `each(rows, tile)` for consecutive ranges of `rows` (at most `size` long, or
/// the given `ranges`), with `tile[j]` feature j's values there; one buffer reused.
fn for_each_tile(
    features: &dyn FeatureTiles,
    ranges: impl Iterator<Item = Range<usize>>,
    mut each: impl FnMut(Range<usize>, &[Vec<f64>]),
) {
    let mut tile: Vec<Vec<f64>> = vec![Vec::new(); features.features()];
    for rows in ranges {
        for (j, values) in tile.iter_mut().enumerate() {
            values.resize(rows.len(), 0.0);
            features.fill(j, rows.clone(), values);
        }
        each(rows, &tile);
    }
}

/// Consecutive ranges of `size` rows covering `0..n`.
fn tiles_of(n: usize, size: usize) -> impl Iterator<Item = Range<usize>> {
    (0..n)
        .step_by(size)
        .map(move |start| start..(start + size).min(n))
}

/// How the principal components are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcaMethod {
    /// Exact up to [`crate::meta::EXACT_PCA_MAX_PRODUCTS`], randomized beyond.
    #[default]
    Auto,
    /// The covariance matrix, then its eigenvectors (n·d²/2 multiply-adds).
    Exact,
    /// Randomized subspace iteration on the rows ([`RANDOMIZED_PASSES`] passes of
    /// 2·n·d·(k + 5) multiply-adds); the covariance is never formed.
    Randomized,
}

impl PcaMethod {
    /// Whether `Auto` (and this choice) computes `rows × features` randomized.
    pub fn is_randomized(self, rows: usize, features: usize) -> bool {
        match self {
            PcaMethod::Exact => false,
            PcaMethod::Randomized => true,
            PcaMethod::Auto => {
                features > JACOBI_MAX_DIMENSION
                    && rows as f64 * (features * features) as f64 / 2.0
                        > crate::meta::EXACT_PCA_MAX_PRODUCTS
            }
        }
    }
}

/// Passes over the rows of the randomized method: the range finder's start and power
/// iterations, then one for the Rayleigh–Ritz step. Measured against the exact method
/// in docs/scale.md ("Randomized PCA").
pub const RANDOMIZED_PASSES: usize = 5;

/// Principal components of standardised columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Unit vectors (one per kept component, each of the columns' dimension), by
    /// decreasing variance; signed so their largest entry is positive.
    pub components: Vec<Vec<f64>>,
    pub explained_variance: Vec<f64>,
    pub total_variance: f64,
    /// Whether the randomized method computed them.
    pub randomized: bool,
}

impl Pca {
    /// Fits at most `k` components of the weighted covariance: exactly (Jacobi, or
    /// subspace iteration to convergence beyond [`JACOBI_MAX_DIMENSION`] features), or
    /// by randomized subspace iteration seeded by `seed` ([`PcaMethod`]); `progress`
    /// hears of each pass over the rows as it starts (pass, passes), from 1.
    pub fn fit(
        features: &dyn FeatureTiles,
        weights: Option<&[f64]>,
        k: usize,
        method: PcaMethod,
        seed: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Pca {
        let d = features.features();
        let n = features.rows();
        let total = total_weight(n, weights);
        let kept = k.min(d);
        if method.is_randomized(n, d) {
            return randomized(features, weights, total, kept, seed, progress);
        }
        progress(1, 1);
        let mut covariance = weighted_products(features, weights);
        covariance.iter_mut().for_each(|c| *c /= total);
        let total_variance = (0..d).map(|i| covariance[i * d + i]).sum();
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
            randomized: false,
        }
    }

    /// The samples in component coordinates, row-major (`sample * k + component`).
    pub fn project(&self, features: &dyn FeatureTiles) -> Vec<f64> {
        let k = self.components.len();
        let n = features.rows();
        let mut points = vec![0.0; n * k];
        // Each point's sum runs over the features in order, as a column-by-column
        // loop over whole columns would add it.
        for_each_tile(features, tiles_of(n, TILE_ROWS), |rows, tile| {
            for (c, component) in self.components.iter().enumerate() {
                for (column, &loading) in tile.iter().zip(component) {
                    for (i, v) in rows.clone().zip(column) {
                        points[i * k + c] += loading * v;
                    }
                }
            }
        });
        points
    }
}

/// [`PcaMethod::Randomized`]: subspace iteration with the covariance applied as a pass
/// over the rows, C·v = Σ_r w_r z_r (z_r · v) / W, for the whole block at once.
fn randomized(
    features: &dyn FeatureTiles,
    weights: Option<&[f64]>,
    total: f64,
    kept: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Pca {
    let n = features.rows();
    // One pass for the total variance, then the products.
    let passes = 1 + RANDOMIZED_PASSES;
    progress(1, passes);
    let mut total_variance = 0.0;
    for_each_tile(features, tiles_of(n, TILE_ROWS), |rows, tile| {
        let w = weights.map(|w| &w[rows.clone()]);
        total_variance += tile.iter().map(|z| dot(&weighted(z, w), z)).sum::<f64>();
    });
    let plan = Subspace {
        seed,
        iterations: RANDOMIZED_PASSES,
        check_every: RANDOMIZED_PASSES,
    };
    let mut pass = 1;
    let (values, vectors) = subspace_eigen(features.features(), kept, plan, &mut |block| {
        pass += 1;
        progress(pass, passes);
        let mut images = vec![vec![0.0; features.features()]; block.len()];
        let mut scores = vec![Vec::new(); block.len()];
        for_each_tile(features, tiles_of(n, TILE_ROWS), |rows, tile| {
            for (score, v) in scores.iter_mut().zip(block) {
                score.clear();
                score.resize(rows.len(), 0.0);
                for (column, &loading) in tile.iter().zip(v) {
                    score
                        .iter_mut()
                        .zip(column)
                        .for_each(|(s, z)| *s += loading * z);
                }
                if let Some(w) = weights {
                    score
                        .iter_mut()
                        .zip(&w[rows.clone()])
                        .for_each(|(s, w)| *s *= w);
                }
            }
            for (image, score) in images.iter_mut().zip(&scores) {
                for (x, column) in image.iter_mut().zip(tile) {
                    *x += dot(score, column);
                }
            }
        });
        images.iter_mut().flatten().for_each(|x| *x /= total);
        images
    });
    Pca {
        components: vectors,
        explained_variance: values,
        total_variance: total_variance / total,
        randomized: true,
    }
}

/// Rows per tile of [`weighted_products`]: a tile of every column (with d = 128, 256 KB)
/// stays in cache while all d²/2 pairs read it. A multiple of 4 (`dot`'s lanes).
const TILE_ROWS: usize = 256;

/// The `d × d` matrix (row-major) of Σ_r w_r a_r b_r over every pair of features:
/// the same bits as `numeric::dot(&weighted(a, weights), b)` per pair, computed a tile
/// of rows at a time so each pair's four lanes add the same terms in the same order
/// while the features are read once, not once per pair.
fn weighted_products(features: &dyn FeatureTiles, weights: Option<&[f64]>) -> Vec<f64> {
    let d = features.features();
    let n = features.rows();
    let whole = n - n % 4;
    // Lanes of pair (i, j ≥ i), pairs in row order.
    let mut lanes = vec![[0.0f64; 4]; d * (d + 1) / 2];
    // Whole tiles, then the tail of fewer than 4 rows, which goes to lanes 0, 1, 2 as
    // in `dot`.
    let ranges = tiles_of(whole, TILE_ROWS).chain(std::iter::once(whole..n));
    for_each_tile(features, ranges, |rows, tile| {
        let scaled: Vec<_> = tile
            .iter()
            .map(|c| weighted(c, weights.map(|w| &w[rows.clone()])))
            .collect();
        let mut pair = 0;
        for (i, a) in scaled.iter().enumerate() {
            for b in &tile[i..] {
                let mut acc = lanes[pair];
                let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
                let tail = ac.remainder().iter().zip(bc.remainder());
                for (x, y) in ac.zip(bc) {
                    for l in 0..4 {
                        acc[l] += x[l] * y[l];
                    }
                }
                for (lane, (x, y)) in acc.iter_mut().zip(tail) {
                    *lane += x * y;
                }
                lanes[pair] = acc;
                pair += 1;
            }
        }
    });
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
