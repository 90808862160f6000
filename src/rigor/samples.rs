//! The rows an uncertainty is estimated from: per-row states of X1, X2 and Y, with
//! optional per-row weights, or a table of whole counts expanded to rows.

use super::RigorError;
use crate::rng::SplitMix64;
use crate::table::{Axis, JointTable};

/// Most rows a counts table may expand to (each row costs 12 bytes).
pub const MAX_ROWS: usize = 50_000_000;

/// Validated rows over a `[n1, n2, ny]` alphabet. Row order matters only for circular
/// surrogates.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    shape: [usize; 3],
    x1: Vec<u32>,
    x2: Vec<u32>,
    y: Vec<u32>,
    weights: Option<Vec<f64>>,
}

impl Samples {
    /// Rows from per-row states (`x1[i] < n1`, `x2[i] < n2`, `y[i] < ny`) and optional
    /// non-negative per-row weights.
    pub fn new(
        shape: [usize; 3],
        x1: &[u32],
        x2: &[u32],
        y: &[u32],
        weights: Option<&[f64]>,
    ) -> Result<Samples, RigorError> {
        let rows = y.len();
        if rows == 0 {
            return Err(RigorError::NoSamples);
        }
        for (what, len) in [("the X1 states", x1.len()), ("the X2 states", x2.len())] {
            if len != rows {
                return Err(RigorError::LengthMismatch {
                    what,
                    expected: rows,
                    found: len,
                });
            }
        }
        for (axis, column) in [(Axis::X1, x1), (Axis::X2, x2), (Axis::Y, y)] {
            let states = shape[axis.index()];
            if let Some((row, &state)) = column
                .iter()
                .enumerate()
                .find(|(_, &s)| s as usize >= states)
            {
                return Err(RigorError::StateOutOfRange {
                    axis,
                    row,
                    state,
                    states,
                });
            }
        }
        if let Some(w) = weights {
            if w.len() != rows {
                return Err(RigorError::LengthMismatch {
                    what: "the weight column",
                    expected: rows,
                    found: w.len(),
                });
            }
            if let Some((row, &weight)) = w
                .iter()
                .enumerate()
                .find(|(_, &v)| !(v.is_finite() && v >= 0.0))
            {
                return Err(RigorError::BadWeight { row, weight });
            }
            if w.iter().sum::<f64>() <= 0.0 {
                return Err(RigorError::NoSamples);
            }
        }
        // Weights that are all 1 are no weights: the formula estimators then apply.
        let weights = weights
            .filter(|w| w.iter().any(|&v| v != 1.0))
            .map(<[f64]>::to_vec);
        Ok(Samples {
            shape,
            x1: x1.to_vec(),
            x2: x2.to_vec(),
            y: y.to_vec(),
            weights,
        })
    }

    /// Rows from whole counts in table layout (index (x1·n2 + x2)·ny + y): cell c
    /// becomes `counts[c]` rows, in cell order. Counts within 1e-9 (relative) of a whole
    /// number are rounded; anything else is a table of probabilities or weights, which
    /// has no sample size: [`RigorError::NotCounts`].
    pub fn from_counts(shape: [usize; 3], counts: &[f64]) -> Result<Samples, RigorError> {
        let cells = shape.iter().product::<usize>();
        if counts.len() != cells {
            return Err(RigorError::LengthMismatch {
                what: "the counts",
                expected: cells,
                found: counts.len(),
            });
        }
        let mut whole = Vec::with_capacity(cells);
        for (cell, &value) in counts.iter().enumerate() {
            let r = value.round();
            if !(value.is_finite() && value >= 0.0 && (value - r).abs() <= 1e-9 * r.max(1.0)) {
                return Err(RigorError::NotCounts { cell, value });
            }
            whole.push(r);
        }
        let total: f64 = whole.iter().sum();
        if total > MAX_ROWS as f64 {
            return Err(RigorError::TooManySamples {
                total,
                max: MAX_ROWS,
            });
        }
        let [_, n2, ny] = shape;
        let rows = total as usize;
        let (mut x1, mut x2, mut y) = (
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
            Vec::with_capacity(rows),
        );
        for (cell, &c) in whole.iter().enumerate() {
            for _ in 0..c as usize {
                x1.push((cell / (n2 * ny)) as u32);
                x2.push(((cell / ny) % n2) as u32);
                y.push((cell % ny) as u32);
            }
        }
        Samples::new(shape, &x1, &x2, &y, None)
    }

    /// Rows from a table built from counts: its weights are p · total weight, which must
    /// be whole numbers (see [`Samples::from_counts`]).
    pub fn from_table(table: &JointTable) -> Result<Samples, RigorError> {
        let total = table.total_weight();
        let counts: Vec<f64> = table.p().iter().map(|&p| p * total).collect();
        Samples::from_counts(table.shape(), &counts)
    }

    /// `n` rows drawn independently from the distribution of `table` (inverse CDF of a
    /// uniform from `rng` over the cells in table order): a simulation of a sample.
    pub fn draw(table: &JointTable, n: usize, rng: &mut SplitMix64) -> Result<Samples, RigorError> {
        let mut cdf = Vec::with_capacity(table.p().len());
        let mut acc = 0.0;
        for &v in table.p() {
            acc += v;
            cdf.push(acc);
        }
        let [_, n2, ny] = table.shape();
        let last = cdf.len() - 1;
        let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let u = rng.next_f64() * acc;
            // The first cell whose cumulative mass exceeds u (never an empty cell).
            let cell = cdf.partition_point(|&c| c <= u).min(last);
            x1.push((cell / (n2 * ny)) as u32);
            x2.push(((cell / ny) % n2) as u32);
            y.push((cell % ny) as u32);
        }
        Samples::new(table.shape(), &x1, &x2, &y, None)
    }

    /// `[n1, n2, ny]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// The per-row states of X1, X2 and Y.
    pub fn states(&self) -> [&[u32]; 3] {
        [&self.x1, &self.x2, &self.y]
    }

    /// The per-row weights, if any differs from 1.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }

    /// Whether the rows carry weights other than 1.
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Whether the rows are sorted by cell (table layout order), as
    /// [`Samples::from_counts`] makes them.
    pub fn is_in_cell_order(&self) -> bool {
        (1..self.rows()).all(|i| self.cell(i - 1) <= self.cell(i))
    }

    /// The same rows sorted by cell (stably, weights kept): the canonical order of
    /// exchangeable rows. Resampling these gives the same bits as resampling the counts
    /// table of the rows ([`Samples::from_counts`]), so a shared table reproduces its
    /// sample's uncertainty exactly.
    pub fn in_cell_order(&self) -> Samples {
        let mut order: Vec<usize> = (0..self.rows()).collect();
        order.sort_by_key(|&i| self.cell(i));
        let pick = |v: &[u32]| order.iter().map(|&i| v[i]).collect::<Vec<u32>>();
        Samples {
            shape: self.shape,
            x1: pick(&self.x1),
            x2: pick(&self.x2),
            y: pick(&self.y),
            weights: self
                .weights
                .as_ref()
                .map(|w| order.iter().map(|&i| w[i]).collect()),
        }
    }

    /// The table-layout cell of row `i`.
    fn cell(&self, i: usize) -> usize {
        let [_, n2, ny] = self.shape;
        (self.x1[i] as usize * n2 + self.x2[i] as usize) * ny + self.y[i] as usize
    }

    /// The (weighted) count of every cell, table layout.
    pub fn counts(&self) -> Vec<f64> {
        self.counts_of(|i| i)
    }

    /// Counts after a row mapping: for [`Mapped::Rows`] row i is the whole row
    /// `map[i]` (a bootstrap); otherwise row i keeps its own values and weight except the
    /// one variable named, which it takes from row `map[i]` (a permutation).
    pub(crate) fn counts_mapped(&self, map: &[usize], which: Mapped) -> Vec<f64> {
        let [_, n2, ny] = self.shape;
        let mut counts = vec![0.0; self.shape.iter().product()];
        // Inlined rather than `cell`: a replicate mixes rows.
        for (i, &j) in map.iter().enumerate() {
            let (a, b, c, w) = match which {
                Mapped::Rows => (j, j, j, j),
                Mapped::X1 => (j, i, i, i),
                Mapped::X2 => (i, j, i, i),
                Mapped::Y => (i, i, j, i),
            };
            let cell = (self.x1[a] as usize * n2 + self.x2[b] as usize) * ny + self.y[c] as usize;
            counts[cell] += self.weights.as_ref().map_or(1.0, |v| v[w]);
        }
        counts
    }

    fn counts_of(&self, f: impl Fn(usize) -> usize) -> Vec<f64> {
        let map: Vec<usize> = (0..self.rows()).map(f).collect();
        self.counts_mapped(&map, Mapped::Rows)
    }
}

/// Which variable a row mapping moves (see [`Samples::counts_mapped`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mapped {
    Rows,
    X1,
    X2,
    Y,
}
