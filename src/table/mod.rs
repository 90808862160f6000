//! The joint distribution p(x1, x2, y) of two inputs and a label over finite alphabets.
//!
//! Layout is row-major: the cell (x1, x2, y) lives at index `(x1 * n2 + x2) * ny + y`,
//! the same as `tests/data/reference.json`. [`TableStats`] says how well samples fill
//! a table of counts.

use serde::{Deserialize, Serialize};

mod stats;

pub use stats::TableStats;

/// Which of the three variables an axis is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Axis {
    X1,
    X2,
    Y,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::X1, Axis::X2, Axis::Y];

    pub fn index(self) -> usize {
        match self {
            Axis::X1 => 0,
            Axis::X2 => 1,
            Axis::Y => 2,
        }
    }
}

impl std::fmt::Display for Axis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Axis::X1 => "X1",
            Axis::X2 => "X2",
            Axis::Y => "Y",
        })
    }
}

/// Why a table could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error("variable {axis} has no states (shape {shape:?})")]
    EmptyAxis { axis: Axis, shape: [usize; 3] },
    #[error("shape {shape:?} needs {expected} weights, got {got}")]
    ShapeMismatch {
        shape: [usize; 3],
        expected: usize,
        got: usize,
    },
    #[error("shape {shape:?} is too large ({cells} cells; at most {max})")]
    TooLarge {
        shape: [usize; 3],
        cells: u128,
        max: usize,
    },
    #[error("weight of cell (x1={x1}, x2={x2}, y={y}) is negative: {value}")]
    Negative {
        x1: usize,
        x2: usize,
        y: usize,
        value: f64,
    },
    #[error("weight of cell (x1={x1}, x2={x2}, y={y}) is not a finite number: {value}")]
    NotFinite {
        x1: usize,
        x2: usize,
        y: usize,
        value: f64,
    },
    #[error("all weights are zero: there is no distribution to analyse")]
    AllZero,
    #[error("the total weight is not finite (weights too large)")]
    TotalNotFinite,
    #[error("variable {axis} has {states} states but {labels} labels")]
    LabelCount {
        axis: Axis,
        states: usize,
        labels: usize,
    },
}

/// Largest number of cells a table may have (n1·n2·ny). 50 million doubles is 400 MB:
/// beyond that a browser tab would fail anyway, so say so up front.
pub const MAX_CELLS: usize = 50_000_000;

/// A normalised joint distribution p(x1, x2, y) with a display label for every state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointTable {
    shape: [usize; 3],
    p: Vec<f64>,
    /// Sum of the weights before normalisation (the sample count when built from counts).
    total_weight: f64,
    labels: [Vec<String>; 3],
}

impl JointTable {
    /// Builds a table from non-negative weights (counts or probabilities) in row-major
    /// order; they are normalised to sum to 1. States are labelled `0, 1, …`.
    pub fn from_weights(shape: [usize; 3], weights: Vec<f64>) -> Result<Self, TableError> {
        for axis in Axis::ALL {
            if shape[axis.index()] == 0 {
                return Err(TableError::EmptyAxis { axis, shape });
            }
        }
        let cells = shape.iter().map(|&n| n as u128).product::<u128>();
        if cells > MAX_CELLS as u128 {
            return Err(TableError::TooLarge {
                shape,
                cells,
                max: MAX_CELLS,
            });
        }
        if weights.len() as u128 != cells {
            return Err(TableError::ShapeMismatch {
                shape,
                expected: cells as usize,
                got: weights.len(),
            });
        }
        let [_, n2, ny] = shape;
        let position = |i: usize| (i / (n2 * ny), (i / ny) % n2, i % ny);
        let mut total = 0.0;
        for (i, &w) in weights.iter().enumerate() {
            let (x1, x2, y) = position(i);
            if !w.is_finite() {
                return Err(TableError::NotFinite {
                    x1,
                    x2,
                    y,
                    value: w,
                });
            }
            if w < 0.0 {
                return Err(TableError::Negative {
                    x1,
                    x2,
                    y,
                    value: w,
                });
            }
            total += w;
        }
        if !total.is_finite() {
            return Err(TableError::TotalNotFinite);
        }
        if total <= 0.0 {
            return Err(TableError::AllZero);
        }
        let p = weights.into_iter().map(|w| w / total).collect();
        let labels = shape.map(|n| (0..n).map(|i| i.to_string()).collect());
        Ok(JointTable {
            shape,
            p,
            total_weight: total,
            labels,
        })
    }

    /// Replaces the display labels of every state (one list per axis: X1, X2, Y).
    pub fn with_labels(mut self, labels: [Vec<String>; 3]) -> Result<Self, TableError> {
        for axis in Axis::ALL {
            let (states, got) = (self.shape[axis.index()], labels[axis.index()].len());
            if states != got {
                return Err(TableError::LabelCount {
                    axis,
                    states,
                    labels: got,
                });
            }
        }
        self.labels = labels;
        Ok(self)
    }

    /// `[n1, n2, ny]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }
    pub fn n1(&self) -> usize {
        self.shape[0]
    }
    pub fn n2(&self) -> usize {
        self.shape[1]
    }
    pub fn ny(&self) -> usize {
        self.shape[2]
    }

    /// The probabilities, row-major, summing to 1.
    pub fn p(&self) -> &[f64] {
        &self.p
    }

    /// Index of the cell (x1, x2, y) in [`JointTable::p`].
    #[inline]
    pub fn index(&self, x1: usize, x2: usize, y: usize) -> usize {
        (x1 * self.shape[1] + x2) * self.shape[2] + y
    }

    /// p(x1, x2, y).
    #[inline]
    pub fn get(&self, x1: usize, x2: usize, y: usize) -> f64 {
        self.p[self.index(x1, x2, y)]
    }

    /// Sum of the weights the table was built from (the sample count for counts).
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Display labels of the states of one variable.
    pub fn labels(&self, axis: Axis) -> &[String] {
        &self.labels[axis.index()]
    }

    /// p(x1, y), row-major `x1 * ny + y`.
    pub fn p_x1_y(&self) -> Vec<f64> {
        let [n1, n2, ny] = self.shape;
        let mut out = vec![0.0; n1 * ny];
        for x1 in 0..n1 {
            for x2 in 0..n2 {
                for y in 0..ny {
                    out[x1 * ny + y] += self.get(x1, x2, y);
                }
            }
        }
        out
    }

    /// p(x2, y), row-major `x2 * ny + y`.
    pub fn p_x2_y(&self) -> Vec<f64> {
        let [n1, n2, ny] = self.shape;
        let mut out = vec![0.0; n2 * ny];
        for x1 in 0..n1 {
            for x2 in 0..n2 {
                for y in 0..ny {
                    out[x2 * ny + y] += self.get(x1, x2, y);
                }
            }
        }
        out
    }

    /// p(x1, x2), row-major `x1 * n2 + x2`.
    pub fn p_x1_x2(&self) -> Vec<f64> {
        self.p
            .chunks_exact(self.ny())
            .map(|c| c.iter().sum())
            .collect()
    }

    /// p(y).
    pub fn p_y(&self) -> Vec<f64> {
        let ny = self.ny();
        let mut out = vec![0.0; ny];
        for (i, &v) in self.p.iter().enumerate() {
            out[i % ny] += v;
        }
        out
    }

    /// The same distribution with X1 and X2 exchanged: p'(x2, x1, y) = p(x1, x2, y).
    pub fn swapped(&self) -> JointTable {
        let [n1, n2, ny] = self.shape;
        let mut p = vec![0.0; self.p.len()];
        for x1 in 0..n1 {
            for x2 in 0..n2 {
                for y in 0..ny {
                    p[(x2 * n1 + x1) * ny + y] = self.get(x1, x2, y);
                }
            }
        }
        JointTable {
            shape: [n2, n1, ny],
            p,
            total_weight: self.total_weight,
            labels: [
                self.labels[1].clone(),
                self.labels[0].clone(),
                self.labels[2].clone(),
            ],
        }
    }

    /// Number of cells (x1, x2, y) with non-zero probability.
    pub fn support_size(&self) -> usize {
        self.p.iter().filter(|&&v| v > 0.0).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_indexes_row_major() {
        let t = JointTable::from_weights([2, 2, 2], vec![1., 0., 0., 1., 0., 1., 1., 0.]).unwrap();
        assert_eq!(t.get(0, 0, 0), 0.25);
        assert_eq!(t.get(0, 1, 1), 0.25);
        assert_eq!(t.get(1, 1, 0), 0.25);
        assert_eq!(t.total_weight(), 4.0);
        assert_eq!(t.p_y(), vec![0.5, 0.5]);
        assert_eq!(t.p_x1_y(), vec![0.25, 0.25, 0.25, 0.25]);
        assert_eq!(t.p_x1_x2(), vec![0.25; 4]);
    }

    #[test]
    fn rejects_bad_weights_with_their_cell() {
        let err = JointTable::from_weights([1, 2, 2], vec![1., 1., -1., 1.]).unwrap_err();
        assert_eq!(
            err,
            TableError::Negative {
                x1: 0,
                x2: 1,
                y: 0,
                value: -1.
            }
        );
        assert!(matches!(
            JointTable::from_weights([1, 1, 2], vec![1., f64::NAN]),
            Err(TableError::NotFinite { y: 1, .. })
        ));
        assert!(matches!(
            JointTable::from_weights([1, 1, 2], vec![f64::INFINITY, 1.]),
            Err(TableError::NotFinite { .. })
        ));
        assert_eq!(
            JointTable::from_weights([1, 1, 2], vec![0., 0.]),
            Err(TableError::AllZero)
        );
        assert!(matches!(
            JointTable::from_weights([2, 2, 2], vec![1.; 7]),
            Err(TableError::ShapeMismatch {
                expected: 8,
                got: 7,
                ..
            })
        ));
        assert!(matches!(
            JointTable::from_weights([2, 0, 2], vec![]),
            Err(TableError::EmptyAxis { axis: Axis::X2, .. })
        ));
        assert!(matches!(
            JointTable::from_weights([100_000, 100_000, 10], vec![]),
            Err(TableError::TooLarge { .. })
        ));
    }

    #[test]
    fn swapping_exchanges_axes_and_labels() {
        let t = JointTable::from_weights([2, 3, 1], (1..=6).map(f64::from).collect())
            .unwrap()
            .with_labels([
                vec!["a".into(), "b".into()],
                vec!["u".into(), "v".into(), "w".into()],
                vec!["y".into()],
            ])
            .unwrap();
        let s = t.swapped();
        assert_eq!(s.shape(), [3, 2, 1]);
        assert_eq!(s.get(2, 0, 0), t.get(0, 2, 0));
        assert_eq!(s.labels(Axis::X1)[1], "v");
        assert_eq!(s.swapped(), t);
        assert!(t.clone().with_labels([vec![], vec![], vec![]]).is_err());
    }
}
