//! The values of a numeric column or feature, stored as the source held them.
//!
//! A float32 source (`.npy` `<f4`, Parquet FLOAT, an embedding list of float32) is kept
//! as `f32`: half the memory of `f64`, which is what lets the page hold 200,000 × 768
//! floats per modality. Every `f32` is exactly an `f64`, so reading a value back gives
//! the bits a `f64` column of the same file would hold, and every computation (in `f64`)
//! gives the same result whichever storage the value came from. The `f32` storage is
//! shared ([`Arc`]): a dataset assembled from a file's rows in their order keeps the
//! file's values instead of copying them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// The values of one numeric column, one per row (missing: `NaN`).
#[derive(Debug, Clone, PartialEq)]
pub enum Numbers {
    F64(Vec<f64>),
    /// float32 values as a float32 source stored them (see the module docs).
    F32(Arc<[f32]>),
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::F64(Vec::new())
    }
}

impl From<Vec<f64>> for Numbers {
    fn from(values: Vec<f64>) -> Self {
        Numbers::F64(values)
    }
}

impl From<Vec<f32>> for Numbers {
    fn from(values: Vec<f32>) -> Self {
        Numbers::F32(values.into())
    }
}

impl Numbers {
    pub fn len(&self) -> usize {
        match self {
            Numbers::F64(v) => v.len(),
            Numbers::F32(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of row `i`.
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Numbers::F64(v) => v[i],
            Numbers::F32(v) => f64::from(v[i]),
        }
    }

    /// Every value as `f64`, in row order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        // One of the two slices is empty: no branch per value.
        let (wide, narrow): (&[f64], &[f32]) = match self {
            Numbers::F64(v) => (v, &[]),
            Numbers::F32(v) => (&[], v),
        };
        wide.iter()
            .copied()
            .chain(narrow.iter().map(|&x| f64::from(x)))
    }

    /// Bytes per stored value (8 or 4).
    pub fn bytes_per_value(&self) -> usize {
        match self {
            Numbers::F64(_) => 8,
            Numbers::F32(_) => 4,
        }
    }

    /// Every value as `f64`: borrowed from `f64` storage, converted (a copy) from `f32`.
    pub fn to_f64(&self) -> Cow<'_, [f64]> {
        match self {
            Numbers::F64(v) => Cow::Borrowed(v),
            Numbers::F32(v) => Cow::Owned(v.iter().map(|&x| f64::from(x)).collect()),
        }
    }

    /// Every value as an owned `f64` vector.
    pub fn into_f64(self) -> Vec<f64> {
        match self {
            Numbers::F64(v) => v,
            Numbers::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
        }
    }

    /// The values of `rows` into `out` (as long as the range), as `f64`.
    pub fn copy_range(&self, rows: Range<usize>, out: &mut [f64]) {
        match self {
            Numbers::F64(v) => out.copy_from_slice(&v[rows]),
            Numbers::F32(v) => out
                .iter_mut()
                .zip(&v[rows])
                .for_each(|(o, &x)| *o = f64::from(x)),
        }
    }

    /// The values of the given rows, in that order, in the same storage; every row in
    /// order (`rows` = 0, 1, …, len − 1) shares `f32` storage instead of copying it.
    pub fn gather(&self, rows: &[usize]) -> Numbers {
        match self {
            Numbers::F64(v) => Numbers::F64(rows.iter().map(|&r| v[r]).collect()),
            Numbers::F32(v)
                if rows.len() == v.len() && rows.iter().enumerate().all(|(i, &r)| i == r) =>
            {
                Numbers::F32(Arc::clone(v))
            }
            Numbers::F32(v) => Numbers::F32(rows.iter().map(|&r| v[r]).collect()),
        }
    }
}

// Saved datasets (analysis files) hold plain numbers whatever the storage was.
impl Serialize for Numbers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((0..self.len()).map(|i| self.get(i)))
    }
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<f64>::deserialize(deserializer).map(Numbers::F64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float32_storage_reads_back_the_bits_of_float64_storage() {
        let values = [0.1f32, -3.5, 1e-30, f32::NAN, 7.0];
        let narrow = Numbers::from(values.to_vec());
        let wide = Numbers::from(values.iter().map(|&x| f64::from(x)).collect::<Vec<_>>());
        for i in 0..values.len() {
            assert_eq!(narrow.get(i).to_bits(), wide.get(i).to_bits());
        }
        let mut tile = [0.0; 3];
        narrow.copy_range(1..4, &mut tile);
        assert_eq!(tile[0], -3.5);
        assert_eq!(narrow.bytes_per_value(), 4);
    }

    #[test]
    fn gathering_every_row_in_order_shares_the_storage() {
        let narrow = Numbers::from(vec![1.0f32, 2.0, 3.0]);
        let (Numbers::F32(a), Numbers::F32(b)) = (&narrow, narrow.gather(&[0, 1, 2])) else {
            panic!("float32 stays float32");
        };
        assert!(Arc::ptr_eq(a, &b));
        assert_eq!(narrow.gather(&[2, 0]), Numbers::from(vec![3.0f32, 1.0]));
    }
}
