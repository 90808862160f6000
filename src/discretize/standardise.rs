//! Standardising numeric features: weighted mean 0, standard deviation 1, whatever the
//! feature's scale or offset.
//!
//! z_i = (v_i − μ) / σ with μ = Σ w_i v_i / W and σ² = Σ w_i (v_i − μ)² / W
//! (W = Σ w_i; w_i = 1 unweighted), computed so that the result does not depend on
//! the feature's units:
//!
//! - each column is first multiplied by the power of two 2^−e that brings its largest
//!   |v| into [1, 2). Scaling by a power of two is exact, so for features of ordinary
//!   size z is bit for bit what the unscaled formula gives, and a feature with s.d.
//!   1e-13 or 1e160 (whose σ² would underflow or overflow) gives the same z as the same
//!   feature in ordinary units;
//! - the mean is computed in two passes: after centring on μ, the mean of the centred
//!   values is subtracted again when it is not negligible (more than 2^−26 σ), which
//!   happens when the offset dwarfs the spread (a feature shifted by 1e15): the rounding
//!   error of the first mean then cancels instead of inflating σ;
//! - a column is *constant*, and dropped, only when every value (of positive weight) is
//!   the same number; its index is reported so the caller can name it.

use super::pca::FeatureTiles;
use super::{total_weight, weighted};
use crate::data::Numbers;
use crate::numeric::dot;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;

/// Standardised features and the columns left out because they are constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardised {
    /// The non-constant columns, standardised, in their original order.
    pub columns: Vec<Vec<f64>>,
    /// How each of `columns` was standardised (the same order), so a new row can be
    /// standardised with the same bits ([`super::DiscretiserModel`]).
    pub standardisers: Vec<Standardiser>,
    /// Indices (into the input) of the constant columns.
    pub constant: Vec<usize>,
}

/// The standardisation of one column as the pipeline applies it:
/// z = ((v · scale − mean) − recentre) / sd, with `scale` the power of two of the
/// module docs, `mean` the weighted mean of the scaled column, `recentre` the second
/// pass's residual mean (0 when it was negligible) and `sd` the weighted standard
/// deviation of the centred column (all in the scaled units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Standardiser {
    pub scale: f64,
    pub mean: f64,
    pub recentre: f64,
    pub sd: f64,
}

impl Standardiser {
    /// z of one value: the same operations, in the same order, as the pipeline (x − 0
    /// is x exactly, so a zero `recentre` changes no bit).
    pub fn apply(&self, v: f64) -> f64 {
        ((v * self.scale - self.mean) - self.recentre) / self.sd
    }
}

/// A centred mean is re-subtracted when it exceeds this share of σ (see the module docs).
const RECENTRE_SHARE: f64 = 1.0 / (1u64 << 26) as f64;

/// Each column minus its weighted mean over its weighted standard deviation; constant
/// columns are dropped (see [`standardise_features`] for which were).
pub fn standardise(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Vec<Vec<f64>> {
    standardise_features(columns, weights).columns
}

/// Standardises every column (formula and scaling in the module docs) and lists the
/// constant ones.
pub fn standardise_features(columns: &[Vec<f64>], weights: Option<&[f64]>) -> Standardised {
    transform_features(columns, weights, standardise_one)
}

/// Applies to every column the [`Standardiser`] `fit(column, weights, W, ones)` makes
/// for it (W the total weight), or lists the column as constant when it makes none.
pub(super) fn transform_features(
    columns: &[Vec<f64>],
    weights: Option<&[f64]>,
    fit: impl Fn(&[f64], Option<&[f64]>, f64, &[f64]) -> Option<Standardiser>,
) -> Standardised {
    let mut standardised = Vec::with_capacity(columns.len());
    let (standardisers, constant) = fit_columns(
        columns.iter().map(|c| Cow::Borrowed(&c[..])),
        weights,
        fit,
        |column, standardiser| {
            standardised.push(column.iter().map(|&v| standardiser.apply(v)).collect())
        },
    );
    Standardised {
        columns: standardised,
        standardisers,
        constant,
    }
}

/// The standardisers `fit` makes for the columns (each also handed to `keep` with its
/// column) and the indices of the constant ones.
fn fit_columns<'c>(
    columns: impl Iterator<Item = Cow<'c, [f64]>>,
    weights: Option<&[f64]>,
    fit: impl Fn(&[f64], Option<&[f64]>, f64, &[f64]) -> Option<Standardiser>,
    mut keep: impl FnMut(&[f64], Standardiser),
) -> (Vec<Standardiser>, Vec<usize>) {
    let (mut standardisers, mut constant) = (Vec::new(), Vec::new());
    let mut ones: Vec<f64> = Vec::new();
    for (index, column) in columns.enumerate() {
        if ones.len() != column.len() {
            ones = vec![1.0; column.len()];
        }
        let total = total_weight(column.len(), weights);
        match fit(&column, weights, total, &ones) {
            Some(standardiser) => {
                keep(&column, standardiser);
                standardisers.push(standardiser);
            }
            None => constant.push(index),
        }
    }
    (standardisers, constant)
}

/// Standardised features computed as they are read: the non-constant source columns
/// and their standardisers. A tile gives the bits [`standardise_features`]' columns
/// hold there, without a standardised copy of the features (rows × features × 8 bytes).
pub struct LazyStandardised<'a> {
    columns: Vec<&'a Numbers>,
    rows: usize,
    /// How each non-constant column is standardised, in order.
    pub standardisers: Vec<Standardiser>,
    /// Indices (into the input) of the constant columns.
    pub constant: Vec<usize>,
}

/// Fits every column's [`Standardiser`] (one column converted at a time) and returns
/// the features standardised lazily.
pub fn standardise_lazily<'a>(
    columns: &'a [Numbers],
    weights: Option<&[f64]>,
) -> LazyStandardised<'a> {
    let (standardisers, constant) = fit_columns(
        columns.iter().map(Numbers::to_f64),
        weights,
        standardise_one,
        |_, _| {},
    );
    LazyStandardised {
        columns: (0..columns.len())
            .filter(|i| !constant.contains(i))
            .map(|i| &columns[i])
            .collect(),
        rows: columns.first().map_or(0, Numbers::len),
        standardisers,
        constant,
    }
}

impl FeatureTiles for LazyStandardised<'_> {
    fn rows(&self) -> usize {
        self.rows
    }

    fn features(&self) -> usize {
        self.columns.len()
    }

    fn fill(&self, feature: usize, rows: Range<usize>, out: &mut [f64]) {
        self.columns[feature].copy_range(rows, out);
        let standardiser = self.standardisers[feature];
        out.iter_mut().for_each(|v| *v = standardiser.apply(*v));
    }
}

/// How one column is standardised, or `None` when it is constant.
fn standardise_one(
    column: &[f64],
    weights: Option<&[f64]>,
    total: f64,
    ones: &[f64],
) -> Option<Standardiser> {
    if is_constant(column.iter().copied(), weights) {
        return None;
    }
    let top = column.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale = power_of_two_below(top);
    let scaled: Vec<f64> = column.iter().map(|v| v * scale).collect();
    let mean = dot(&weighted(&scaled, weights), ones) / total;
    let mut centred: Vec<f64> = scaled.iter().map(|v| v - mean).collect();
    drop(scaled);
    let mut variance = dot(&weighted(&centred, weights), &centred) / total;
    let residual = dot(&weighted(&centred, weights), ones) / total;
    let mut recentre = 0.0;
    if residual.abs() > RECENTRE_SHARE * variance.sqrt() {
        recentre = residual;
        centred.iter_mut().for_each(|c| *c -= residual);
        variance = dot(&weighted(&centred, weights), &centred) / total;
    }
    let sd = variance.sqrt();
    (sd > 0.0 && sd.is_finite()).then_some(Standardiser {
        scale,
        mean,
        recentre,
        sd,
    })
}

/// Whether every value (in row order) of positive weight is the same number (or there
/// is none).
pub(super) fn is_constant(values: impl Iterator<Item = f64>, weights: Option<&[f64]>) -> bool {
    let mut counted = values
        .enumerate()
        .filter(|(i, _)| weights.is_none_or(|w| w[*i] > 0.0))
        .map(|(_, v)| v);
    let first = counted.next();
    counted.all(|v| Some(v) == first)
}

/// 2^−e for the exponent e of `top` (so `top` × 2^−e is in [1, 2); [2, 4) when e is
/// 1023), exact; for 0, subnormal or non-finite `top` a factor that keeps every value
/// finite.
fn power_of_two_below(top: f64) -> f64 {
    let biased = ((top.to_bits() >> 52) & 0x7ff) as i64;
    // Normal numbers: exponent e = biased − 1023, and 2^−e has biased exponent 2046 − biased.
    match biased {
        // Zero or subnormal: 2^1022 brings them up without overflow.
        0 => f64::from_bits(2045u64 << 52),
        0x7ff => 1.0,
        // The largest exponent: 2^−1023 is subnormal, so 2^−1022 (top × it is in [2, 4)).
        b => f64::from_bits(((2046 - b).max(1) as u64) << 52),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_two_bring_the_largest_value_into_one_to_two() {
        for top in [
            1.0,
            1.5,
            3e-13,
            2.5e160,
            1e15 + 3.0,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let s = power_of_two_below(top);
            let bound = if top > 2f64.powi(1023) { 4.0 } else { 2.0 };
            assert!((1.0..bound).contains(&(top * s)), "{top} × {s}");
            assert_eq!(s.to_bits() & ((1 << 52) - 1), 0, "{s} is a power of two");
        }
    }

    #[test]
    fn constant_columns_are_listed_and_nearly_constant_ones_kept() {
        let columns = vec![
            vec![7.0; 4],
            vec![1e15, 1e15 + 1.0, 1e15, 1e15 + 1.0],
            vec![0.0, 1e-300, 0.0, 2e-300],
        ];
        let s = standardise_features(&columns, None);
        assert_eq!(s.constant, [0]);
        assert_eq!(s.columns[0], [-1.0, 1.0, -1.0, 1.0]);
        assert_eq!(s.columns.len(), 2);
        // A column constant where it has weight is constant.
        let weighted = standardise_features(&[vec![1.0, 1.0, 5.0]], Some(&[1.0, 2.0, 0.0]));
        assert_eq!(weighted.constant, [0]);
    }
}
