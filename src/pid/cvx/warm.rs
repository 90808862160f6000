//! Warm starts: points of one solve's central path, to start the path of a similar
//! table (a bootstrap replicate, the next table in interactive use) from.
//!
//! A table that differs from the source by a marginal change of δ (L1, of (α, β))
//! makes the source's central point z(ε) a point with marginal residual ‖∇Φ_ε‖₁ ≈ δ for
//! the new table, whatever ε. How large a residual damped Newton absorbs in a few steps
//! shrinks with ε, so the start is the source's central point at the smallest ε where
//! the residual is below `WARM_ACCEPT`·√ε; the stages above that ε are skipped.

use super::dual::Eval;
use super::observe::{SolveObserver, TraceEvent};
use super::problem::Problem;
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// Central points are kept for warm starts from ε ≤ this (the stages above it take a
/// few cheap Newton steps; the first ones are exact or nearly so). With the default ε
/// factor 0.1 the first one kept is the stage at ε = 0.01.
pub(super) const WARM_EPSILON_MAX: f64 = 0.03;

/// A warm start from the central point at ε is taken if its marginal residual for the
/// new table is ≤ WARM_ACCEPT·√ε (after mass balancing). Measured on 20×20×10 tables
/// of N multinomial samples and their resamples (`examples/warm.rs`, residual ≈ 0.15 at
/// N = 20,000 … 0.015 at N = 2·10⁶): from ε = 1e-4 the median Newton / CG were
/// 28 / 1108 at residual 0.15, 21 / 425 at 0.088, 17 / 184 at 0.047 and 13 / 163 at
/// 0.015 (against 20 / 207, 19 / 181, 17 / 188 and 16 / 180 from ε = 1e-3); from 1e-5,
/// 26 / 2421 at 0.047 and 14 / 365 at 0.015 (13 / 163 from 1e-4). 4·√ε accepts 0.04
/// at 1e-4 and 0.013 at 1e-5.
const WARM_ACCEPT: f64 = 4.0;

/// Row/column mass-balancing passes at a warm start (they repair the row and column
/// sums p(x1), p(x2) of the new table exactly).
const WARM_BALANCE_ROUNDS: usize = 2;

/// Points of a solve's central path — dual variables z = (λ, μ) at several smoothing
/// levels ε, in nats — with the shape and support of the table they came from. Every
/// [`super::Coupling`] carries one (`dual`); [`super::max_entropy_coupling_from`]
/// starts from it.
///
/// A start *fits* a table of the same shape `[n1, n2, ny]` whose support lies within
/// the source's: every p(x1, y) > 0 and p(x2, y) > 0 of the new table was positive in
/// the source table too (so a multinomial resample of a table always fits it: it can
/// only lose cells and labels). Variables of the source's that the new table no longer
/// uses are dropped. A start that does not fit is ignored (the solve starts cold).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DualStart {
    shape: [usize; 3],
    /// Whether each variable entered the source problem (p(x1, y) > 0, p(x2, y) > 0).
    known: Vec<bool>,
    /// The central points, by decreasing ε.
    points: Vec<CentralPoint>,
}

/// One point z(ε) of a central path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CentralPoint {
    epsilon: f64,
    /// λ(x1, y) at `x1 * ny + y`, then μ(x2, y) at `(n1 + x2) * ny + y`; nats.
    z: Vec<f64>,
}

impl DualStart {
    /// The central points `(ε, z)` of `prob`'s dual (in any order).
    pub(super) fn new(prob: &Problem, points: Vec<(f64, Vec<f64>)>) -> DualStart {
        let mut points: Vec<CentralPoint> = points
            .into_iter()
            .map(|(epsilon, z)| CentralPoint { epsilon, z })
            .collect();
        points.sort_by(|a, b| b.epsilon.total_cmp(&a.epsilon));
        DualStart {
            shape: [prob.n1, prob.n2, prob.ny],
            known: support(&prob.alpha, &prob.beta),
            points,
        }
    }

    /// `[n1, n2, ny]` of the source table (all zero for an empty start).
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// How many central points there are.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there is no point (a start deserialised without one): it fits no table.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The smoothing ε of point `i` (by decreasing ε), nats.
    pub fn epsilon(&self, i: usize) -> f64 {
        self.points[i].epsilon
    }

    /// λ(x1, y) of point `i` at `x1 * ny + y`, nats (0 where the source had p(x1, y) = 0).
    pub fn lambda(&self, i: usize) -> &[f64] {
        &self.points[i].z[..self.shape[0] * self.shape[2]]
    }

    /// μ(x2, y) of point `i` at `x2 * ny + y`, nats (0 where the source had p(x2, y) = 0).
    pub fn mu(&self, i: usize) -> &[f64] {
        &self.points[i].z[self.shape[0] * self.shape[2]..]
    }

    /// Whether a solve of `table` would start from this start (see the type's docs).
    pub fn fits(&self, table: &JointTable) -> bool {
        self.fits_support(table.shape(), &table.p_x1_y(), &table.p_x2_y())
    }

    fn fits_support(&self, shape: [usize; 3], alpha: &[f64], beta: &[f64]) -> bool {
        let n = (shape[0] + shape[1]) * shape[2];
        let valid = !self.points.is_empty()
            && self.known.len() == n
            && self.points.iter().all(|p| {
                p.epsilon > 0.0
                    && p.epsilon.is_finite()
                    && p.z.len() == n
                    && p.z.iter().all(|v| v.is_finite())
            });
        valid
            && shape == self.shape
            && support(alpha, beta)
                .iter()
                .zip(&self.known)
                .all(|(&needed, &known)| known || !needed)
    }

    /// The start point for `prob`: the central point at the smallest ε whose marginal
    /// residual, after mass balancing, is at most `WARM_ACCEPT`·√ε, as (z, ε, its
    /// evaluation); each point tried is reported as a [`TraceEvent::Predicted`] with
    /// `fraction` 0. `None` if the start does not fit or no point qualifies.
    pub(super) fn start_for(
        &self,
        prob: &Problem,
        observer: &mut dyn SolveObserver,
    ) -> Option<(Vec<f64>, f64, Eval)> {
        if !self.fits_support([prob.n1, prob.n2, prob.ny], &prob.alpha, &prob.beta) {
            return None;
        }
        let used = support(&prob.alpha, &prob.beta);
        for p in self.points.iter().rev() {
            let eps = p.epsilon;
            // Variables `prob` does not use are set to 0, as in `Problem::central_start`.
            let mut z: Vec<f64> =
                p.z.iter()
                    .zip(&used)
                    .map(|(&v, &used)| if used { v } else { 0.0 })
                    .collect();
            let mut e = Eval::default();
            prob.softmax_into(&z, &mut e);
            prob.balance_masses(&mut z, &mut e.l, eps, WARM_BALANCE_ROUNDS);
            if !prob.masses_into(&z, eps, &mut e) {
                continue;
            }
            let residual_l1: f64 = e.grad.iter().map(|g| g.abs()).sum();
            observer.event(&TraceEvent::Predicted {
                eps,
                fraction: 0.0,
                residual_l1,
            });
            if residual_l1 <= WARM_ACCEPT * eps.sqrt() {
                return Some((z, eps, e));
            }
        }
        None
    }
}

/// Which dual variables a problem uses: p(x1, y) > 0 for λ(x1, y), then p(x2, y) > 0
/// for μ(x2, y) (each such marginal entry lies in at least one cell).
fn support(alpha: &[f64], beta: &[f64]) -> Vec<bool> {
    alpha.iter().chain(beta).map(|&p| p > 0.0).collect()
}
