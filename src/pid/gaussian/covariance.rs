//! A one-pass (streamed) weighted covariance: Welford's update generalised to weights
//! (West 1979), memory O(d²) whatever the number of rows. Its correlation matrix is the
//! covariance of the standardised columns, which is what the Gaussian PID reads (the
//! PID is invariant to rescaling each column).

/// Why a covariance could not be formed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CovarianceError {
    #[error("row {row}: {len} values, expected {expected}")]
    WrongLength {
        row: usize,
        len: usize,
        expected: usize,
    },
    #[error("row {row}, column {column}: {value} is not a finite number")]
    NotFinite {
        row: usize,
        column: usize,
        value: f64,
    },
    #[error("row {row}: weight {weight} is not a finite number ≥ 0")]
    BadWeight { row: usize, weight: f64 },
    #[error("column {column} is constant over the samples: it carries no information and has no correlation")]
    Constant { column: usize },
    #[error("fewer than two samples with positive weight: no covariance")]
    TooFewSamples,
}

/// Running mean and co-moment of d columns.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamingCovariance {
    d: usize,
    rows: usize,
    weight: f64,
    mean: Vec<f64>,
    /// Σ_t w_t (x_t − mean)(x_t − mean)ᵀ, row-major d×d (full, kept symmetric).
    comoment: Vec<f64>,
    delta: Vec<f64>,
}

impl StreamingCovariance {
    /// An empty accumulator for rows of `d` values.
    pub fn new(d: usize) -> Self {
        StreamingCovariance {
            d,
            rows: 0,
            weight: 0.0,
            mean: vec![0.0; d],
            comoment: vec![0.0; d * d],
            delta: vec![0.0; d],
        }
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds one row with weight `w` (1 for unweighted samples): with W' = W + w,
    /// δ = x − mean, mean += (w/W') δ, C += w (W/W') δ δᵀ.
    pub fn push(&mut self, row: &[f64], w: f64) -> Result<(), CovarianceError> {
        let index = self.rows;
        if row.len() != self.d {
            return Err(CovarianceError::WrongLength {
                row: index,
                len: row.len(),
                expected: self.d,
            });
        }
        if !(w.is_finite() && w >= 0.0) {
            return Err(CovarianceError::BadWeight {
                row: index,
                weight: w,
            });
        }
        if let Some((column, &value)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(CovarianceError::NotFinite {
                row: index,
                column,
                value,
            });
        }
        self.rows += 1;
        if w == 0.0 {
            return Ok(());
        }
        let total = self.weight + w;
        let scale = w * self.weight / total;
        for (delta, (x, mean)) in self.delta.iter_mut().zip(row.iter().zip(&mut self.mean)) {
            *delta = x - *mean;
            *mean += w / total * *delta;
        }
        let d = self.d;
        for i in 0..d {
            let di = scale * self.delta[i];
            // Slices, not indices: no bounds checks, so the loop vectorises (same sums).
            let upper = &mut self.comoment[i * d + i..(i + 1) * d];
            for (c, &dj) in upper.iter_mut().zip(&self.delta[i..]) {
                *c += di * dj;
            }
        }
        self.weight = total;
        Ok(())
    }

    /// The correlation matrix (the covariance of the standardised columns), d×d
    /// row-major; a constant column is refused with its index.
    pub fn correlation(&self) -> Result<Vec<f64>, CovarianceError> {
        let d = self.d;
        if self.weight <= 0.0 || self.rows < 2 {
            return Err(CovarianceError::TooFewSamples);
        }
        let scale: Vec<f64> = (0..d).map(|i| self.comoment[i * d + i].sqrt()).collect();
        for (column, &s) in scale.iter().enumerate() {
            // Relative to the column's magnitude: rounding leaves ~1e-16·|mean| behind.
            if s <= 1e-12 * self.mean[column].abs() * self.weight.sqrt() {
                return Err(CovarianceError::Constant { column });
            }
        }
        let mut out = vec![0.0; d * d];
        for i in 0..d {
            for j in i..d {
                let v = if i == j {
                    1.0
                } else {
                    self.comoment[i * d + j] / (scale[i] * scale[j])
                };
                out[i * d + j] = v;
                out[j * d + i] = v;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_two_pass_correlation() {
        let rows = [
            [1.0, 2.0, 0.5],
            [2.0, 1.0, 0.1],
            [4.0, 3.0, -1.0],
            [0.5, 5.0, 2.0],
        ];
        let mut acc = StreamingCovariance::new(3);
        for r in &rows {
            acc.push(r, 1.0).unwrap();
        }
        let got = acc.correlation().unwrap();
        let n = rows.len() as f64;
        let mean: Vec<f64> = (0..3)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let cov = |a: usize, b: usize| {
            rows.iter()
                .map(|r| (r[a] - mean[a]) * (r[b] - mean[b]))
                .sum::<f64>()
        };
        for a in 0..3 {
            for b in 0..3 {
                let want = cov(a, b) / (cov(a, a) * cov(b, b)).sqrt();
                assert!((got[a * 3 + b] - want).abs() < 1e-14, "{a},{b}");
            }
        }
    }

    #[test]
    fn a_weight_of_two_is_a_repeated_row() {
        let mut weighted = StreamingCovariance::new(2);
        let mut repeated = StreamingCovariance::new(2);
        for (r, w) in [([1.0, 3.0], 2.0), ([2.0, 1.0], 1.0), ([5.0, 4.0], 1.0)] {
            weighted.push(&r, w).unwrap();
            for _ in 0..w as usize {
                repeated.push(&r, 1.0).unwrap();
            }
        }
        let (a, b) = (
            weighted.correlation().unwrap(),
            repeated.correlation().unwrap(),
        );
        assert!((a[1] - b[1]).abs() < 1e-14);
    }

    #[test]
    fn a_constant_column_is_named() {
        let mut acc = StreamingCovariance::new(2);
        for x in [1.0, 2.0, 3.0] {
            acc.push(&[x, 7.25], 1.0).unwrap();
        }
        assert_eq!(
            acc.correlation(),
            Err(CovarianceError::Constant { column: 1 })
        );
    }
}
