//! The union information of the Gaussian PID: the minimum over the noise
//! cross-covariance Σ (d1×d2, ‖Σ‖₂ < 1) of
//! f(Σ) = ½ ln det(I + Hᵀ Σn⁻¹ H) nats, Σn = [[I, Σ], [Σᵀ, I]], H = [H1; H2].
//!
//! Gradient: with W = Σn⁻¹ H = [W1; W2] and M = I + Hᵀ W,
//! df = −½ tr(M⁻¹ Wᵀ dΣn W), so ∇_Σ f = −W1 M⁻¹ W2ᵀ.
//!
//! Method: gradient descent from Σ = 0 with Barzilai–Borwein trial steps and an Armijo
//! backtracking line search that also halves any step leaving the feasible set (Σn
//! positive definite, every Cholesky pivot ratio above [`SolverOptions::min_pivot`]),
//! so every iterate is a feasible Gaussian coupling q and f(Σ) is an upper bound on
//! the exact I∪ that decreases monotonically. It stops when f decreased by at most
//! [`SolverOptions::tolerance_nats`] over the last [`SolverOptions::window`]
//! iterations, or the gradient vanishes.

use super::Dims;
use crate::numeric::cholesky::{cholesky_solve, cholesky_strict, log_det_from_cholesky};
use crate::numeric::dot;

/// Stopping rule and feasibility margin of the union-information solve.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverOptions {
    /// Most gradient steps.
    pub max_iterations: usize,
    /// Iterations over which the decrease of f is measured.
    pub window: usize,
    /// Stop when f decreased by at most this over the window, nats.
    pub tolerance_nats: f64,
    /// Smallest Cholesky pivot ratio of Σn accepted (distance to the boundary ‖Σ‖₂ = 1).
    pub min_pivot: f64,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            max_iterations: 20_000,
            window: 20,
            tolerance_nats: 1e-14,
            min_pivot: 1e-13,
        }
    }
}

/// Why the solve stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// ‖∇f‖ ≤ 1e-15: an interior stationary point.
    Gradient,
    /// f fell by at most the tolerance over the window.
    Stalled,
    /// No feasible step of any length lowered f (the optimum at the feasibility margin).
    LineSearch,
    /// The iteration limit: not converged.
    IterationLimit,
}

/// What the solve reached.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionSolution {
    /// f at the last iterate, nats (an upper bound on the exact I∪: a feasible q).
    pub value_nats: f64,
    /// The noise cross-covariance Σ reached (d1×d2, row-major).
    pub sigma: Vec<f64>,
    pub iterations: usize,
    /// Whether the stopping rule held before the iteration limit.
    pub converged: bool,
    pub stop: Stop,
    /// Decrease of f over the last window (or every iteration, if fewer), nats.
    pub last_decrease_nats: f64,
    /// ‖∇f‖ (Frobenius) at the last iterate, nats; not 0 when the optimum lies on the
    /// boundary ‖Σ‖₂ = 1 (e.g. I1 = I2 for a scalar Y).
    pub gradient_norm: f64,
}

/// The problem data: H1 (d1×dy) and H2 (d2×dy), row-major.
struct Problem<'a> {
    h1: &'a [f64],
    h2: &'a [f64],
    dims: Dims,
    min_pivot: f64,
}

impl Problem<'_> {
    /// f(Σ) in nats and ∇f (d1×d2), or `None` when Σ is not (safely) feasible.
    fn evaluate(&self, sigma: &[f64]) -> Option<(f64, Vec<f64>)> {
        let Dims {
            x1: d1,
            x2: d2,
            y: dy,
        } = self.dims;
        let dx = d1 + d2;
        let mut sn = vec![0.0; dx * dx];
        for i in 0..dx {
            sn[i * dx + i] = 1.0;
        }
        for i in 0..d1 {
            for j in 0..d2 {
                sn[i * dx + d1 + j] = sigma[i * d2 + j];
                sn[(d1 + j) * dx + i] = sigma[i * d2 + j];
            }
        }
        if cholesky_strict(&mut sn, dx)? <= self.min_pivot {
            return None;
        }
        // W = Σn⁻¹ H, stored column by column (dy columns of length dx).
        let h_row = |r: usize| {
            if r < d1 {
                &self.h1[r * dy..(r + 1) * dy]
            } else {
                &self.h2[(r - d1) * dy..(r - d1 + 1) * dy]
            }
        };
        let mut w = vec![0.0; dy * dx];
        for k in 0..dy {
            let col = &mut w[k * dx..(k + 1) * dx];
            for (r, v) in col.iter_mut().enumerate() {
                *v = h_row(r)[k];
            }
            cholesky_solve(&sn, dx, col);
        }
        let mut m = vec![0.0; dy * dy];
        for a in 0..dy {
            for b in 0..dy {
                let hw: f64 = (0..dx).map(|r| h_row(r)[a] * w[b * dx + r]).sum();
                m[a * dy + b] = f64::from(u8::from(a == b)) + hw;
            }
        }
        let mut sym = m.clone();
        for a in 0..dy {
            for b in 0..dy {
                sym[a * dy + b] = 0.5 * (m[a * dy + b] + m[b * dy + a]);
            }
        }
        cholesky_strict(&mut sym, dy)?;
        let value = 0.5 * log_det_from_cholesky(&sym, dy);
        // ∇f = −W1 M⁻¹ W2ᵀ: z_j = M⁻¹ (row j of W2), then −(row i of W1) · z_j.
        let row = |r: usize| (0..dy).map(|k| w[k * dx + r]).collect::<Vec<f64>>();
        let w1: Vec<Vec<f64>> = (0..d1).map(row).collect();
        let mut grad = vec![0.0; d1 * d2];
        for j in 0..d2 {
            let mut z = row(d1 + j);
            cholesky_solve(&sym, dy, &mut z);
            for i in 0..d1 {
                grad[i * d2 + j] = -dot(&w1[i], &z);
            }
        }
        Some((value, grad))
    }
}

/// Minimises f over Σ (module docs) for the whitened gains `h1` (d1×dy) and `h2`
/// (d2×dy); the value is in nats.
pub fn union_information(
    h1: &[f64],
    h2: &[f64],
    dims: Dims,
    options: &SolverOptions,
) -> UnionSolution {
    let problem = Problem {
        h1,
        h2,
        dims,
        min_pivot: options.min_pivot,
    };
    let size = dims.x1 * dims.x2;
    let mut sigma = vec![0.0; size];
    // Σ = 0 (independent noises) is always feasible: Σn = I.
    let (mut value, mut grad) = problem
        .evaluate(&sigma)
        .expect("Σ = 0 gives Σn = I, which is positive definite");
    let mut history = vec![value];
    let mut step = 1.0;
    let mut previous: Option<(Vec<f64>, Vec<f64>)> = None;
    let mut stop = Stop::IterationLimit;
    let mut iterations = 0;
    while iterations < options.max_iterations {
        let g2 = dot(&grad, &grad);
        if g2.sqrt() <= 1e-15 {
            stop = Stop::Gradient;
            break;
        }
        // Barzilai–Borwein trial step sᵀs / sᵀy, else twice the last accepted one.
        if let Some((last_sigma, last_grad)) = &previous {
            let s: Vec<f64> = sigma.iter().zip(last_sigma).map(|(a, b)| a - b).collect();
            let y: Vec<f64> = grad.iter().zip(last_grad).map(|(a, b)| a - b).collect();
            let sy = dot(&s, &y);
            step = if sy > 0.0 {
                dot(&s, &s) / sy
            } else {
                2.0 * step
            };
        }
        step = step.clamp(1e-30, 1e30);
        let mut accepted = None;
        for _ in 0..200 {
            let trial: Vec<f64> = sigma.iter().zip(&grad).map(|(s, g)| s - step * g).collect();
            if let Some((v, g)) = problem.evaluate(&trial) {
                if v <= value - 1e-4 * step * g2 {
                    accepted = Some((trial, v, g));
                    break;
                }
            }
            step *= 0.5;
        }
        let Some((trial, v, g)) = accepted else {
            // No feasible descent step at this precision: f cannot be lowered further.
            stop = Stop::LineSearch;
            break;
        };
        previous = Some((
            std::mem::replace(&mut sigma, trial),
            std::mem::replace(&mut grad, g),
        ));
        value = v;
        history.push(value);
        iterations += 1;
        if history.len() > options.window {
            let old = history[history.len() - 1 - options.window];
            if old - value <= options.tolerance_nats {
                stop = Stop::Stalled;
                break;
            }
        }
    }
    let k = history.len();
    let last_decrease_nats = history[k.saturating_sub(options.window + 1)] - value;
    UnionSolution {
        value_nats: value,
        gradient_norm: dot(&grad, &grad).sqrt(),
        sigma,
        iterations,
        converged: stop != Stop::IterationLimit,
        stop,
        last_decrease_nats,
    }
}
