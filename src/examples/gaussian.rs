//! Learn mode's Gaussian example: two noisy views of correlated sources and a linear
//! target, whose **exact** covariance (no samples) goes to the Gaussian PID solver, so
//! the page's sliders move the atoms with no sampling noise.
//!
//! The model: sources A, B ~ N(0, 1) with correlation ρ; the inputs
//! X1 = A + σ1·E1 and X2 = B + σ2·E2; the target Y = w1·A + w2·B + σy·Ey, with
//! E1, E2, Ey independent N(0, 1) noises.

use serde::{Deserialize, Serialize};

use crate::pid::gaussian::{pid_gaussian, Dims, GaussianError, GaussianPid, SolverOptions};

/// The target's own noise σy: fixed, so that Y is never a deterministic function of
/// the inputs (which would make I(X1,X2;Y) infinite).
pub const TARGET_NOISE: f64 = 0.5;
/// Largest |ρ| accepted: at |ρ| = 1 with no input noise X1 and X2 would be collinear.
pub const MAX_CORRELATION: f64 = 0.99;
/// Largest noise level and weight accepted.
pub const MAX_LEVEL: f64 = 10.0;

/// The sliders of the example.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinearGaussian {
    /// σ1, the noise level of X1 (standard deviation; the source has variance 1).
    pub noise1: f64,
    /// σ2, the noise level of X2.
    pub noise2: f64,
    /// ρ, the correlation of the sources A and B.
    pub correlation: f64,
    /// w1, the weight of A in Y.
    pub weight1: f64,
    /// w2, the weight of B in Y.
    pub weight2: f64,
}

/// Why the example's settings were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LessonError {
    #[error("{name} must be a number between {min} and {max}, not {value}")]
    OutOfRange {
        name: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    #[error(transparent)]
    Gaussian(#[from] GaussianError),
}

impl LinearGaussian {
    fn check(&self) -> Result<(), LessonError> {
        let fields = [
            ("the noise of X1", self.noise1, 0.0, MAX_LEVEL),
            ("the noise of X2", self.noise2, 0.0, MAX_LEVEL),
            (
                "the correlation",
                self.correlation,
                -MAX_CORRELATION,
                MAX_CORRELATION,
            ),
            (
                "the weight of X1's source",
                self.weight1,
                -MAX_LEVEL,
                MAX_LEVEL,
            ),
            (
                "the weight of X2's source",
                self.weight2,
                -MAX_LEVEL,
                MAX_LEVEL,
            ),
        ];
        for (name, value, min, max) in fields {
            // `!(..)` also refuses NaN.
            if !(min..=max).contains(&value) {
                return Err(LessonError::OutOfRange {
                    name,
                    value,
                    min,
                    max,
                });
            }
        }
        Ok(())
    }

    /// The exact 3×3 covariance of (X1, X2, Y), row-major:
    /// Var X1 = 1 + σ1², Var X2 = 1 + σ2², Cov(X1, X2) = ρ,
    /// Cov(X1, Y) = w1 + ρ·w2, Cov(X2, Y) = ρ·w1 + w2,
    /// Var Y = w1² + w2² + 2ρ·w1·w2 + σy² (σy = [`TARGET_NOISE`]); unitless.
    pub fn covariance(&self) -> [f64; 9] {
        let LinearGaussian {
            noise1: s1,
            noise2: s2,
            correlation: r,
            weight1: w1,
            weight2: w2,
        } = *self;
        let c1y = w1 + r * w2;
        let c2y = r * w1 + w2;
        let vy = w1 * w1 + w2 * w2 + 2.0 * r * w1 * w2 + TARGET_NOISE * TARGET_NOISE;
        [1.0 + s1 * s1, r, c1y, r, 1.0 + s2 * s2, c2y, c1y, c2y, vy]
    }

    /// The Gaussian PID of the model (bits), from [`Self::covariance`].
    pub fn pid(&self) -> Result<GaussianPid, LessonError> {
        Ok(self.solve()?.pid)
    }

    /// The covariance and its Gaussian PID, for the page to show both.
    pub fn solve(&self) -> Result<GaussianLesson, LessonError> {
        self.check()?;
        let covariance = self.covariance();
        let dims = Dims { x1: 1, x2: 1, y: 1 };
        let pid = pid_gaussian(&covariance, dims, &SolverOptions::default())?;
        Ok(GaussianLesson {
            pid,
            covariance,
            target_noise: TARGET_NOISE,
        })
    }
}

/// What the page draws for one setting of the sliders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianLesson {
    /// The atoms and terms (bits) with the solve's measures.
    pub pid: GaussianPid,
    /// The covariance of (X1, X2, Y), row-major 3×3.
    pub covariance: [f64; 9],
    /// σy, the target's own noise ([`TARGET_NOISE`]).
    pub target_noise: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: LinearGaussian = LinearGaussian {
        noise1: 0.5,
        noise2: 1.0,
        correlation: 0.3,
        weight1: 1.0,
        weight2: 1.0,
    };

    /// I(X;Y) of two jointly Gaussian scalars, bits: −½ log2(1 − r²).
    fn mi(cov: &[f64; 9], i: usize, j: usize) -> f64 {
        let r2 = cov[i * 3 + j].powi(2) / (cov[i * 3 + i] * cov[j * 3 + j]);
        -0.5 * (1.0 - r2).log2()
    }

    #[test]
    fn the_scalar_closed_form_holds_on_the_exact_covariance() {
        for model in [
            BASE,
            LinearGaussian {
                correlation: -0.8,
                ..BASE
            },
            LinearGaussian {
                weight2: 0.0,
                noise1: 0.0,
                ..BASE
            },
        ] {
            let cov = model.covariance();
            let (i1, i2) = (mi(&cov, 0, 2), mi(&cov, 1, 2));
            let p = model.pid().unwrap();
            assert!((p.pid.mi_x1_y - i1).abs() < 1e-12, "{model:?}");
            assert!((p.pid.mi_x2_y - i2).abs() < 1e-12, "{model:?}");
            // Barrett 2015: R = min(I1, I2) for a scalar Gaussian target.
            assert!((p.pid.redundancy - i1.min(i2)).abs() < 1e-9, "{model:?}");
        }
    }

    #[test]
    fn more_noise_on_x1_lowers_what_it_says() {
        let quiet = BASE.pid().unwrap().pid.mi_x1_y;
        let noisy = LinearGaussian {
            noise1: 2.0,
            ..BASE
        }
        .pid()
        .unwrap()
        .pid
        .mi_x1_y;
        assert!(noisy < quiet - 0.1, "{noisy} vs {quiet}");
    }

    #[test]
    fn settings_out_of_range_are_named() {
        let err = LinearGaussian {
            correlation: 1.0,
            ..BASE
        }
        .pid()
        .unwrap_err();
        assert!(err.to_string().contains("the correlation"), "{err}");
        assert!(LinearGaussian {
            noise2: f64::NAN,
            ..BASE
        }
        .pid()
        .is_err());
    }
}
