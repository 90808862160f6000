//! The predictor: the next stage's starting point along the central path's tangent.

use super::{l1, PathFollower, EPS_MIN};
use crate::pid::cvx::dual::Eval;
use crate::pid::cvx::observe::{CgSystem, TraceEvent};
use crate::pid::PidError;

/// A predicted point for the next stage, with its marginal residual ‖∇Φ‖₁.
struct Prediction {
    residual: f64,
    z: Vec<f64>,
    eps: f64,
    e: Eval,
}

/// Relative residual of the tangent solves (predictor and extrapolated certificate),
/// which start from the previous tangent. Total CG on 20 tables at 50×50×10 (5 seeds,
/// 4 kinds): 1e-6 from zero 26807; warm-started 1e-4 18018, 3e-5 17671 (with fewer
/// Newton steps and tighter certificates than 1e-4); 3e-4 failed more certificates.
const TANGENT_CG_TOLERANCE: f64 = 3e-5;

/// Largest marginal residual ‖∇Φ‖₁ accepted at a predicted point; beyond it the step
/// in ε is shortened. (Measured: a dead cell after a too-long step costs dozens of
/// capped Newton steps to revive, a shorter step costs one more predictor.) 0.05 was
/// best while stages centred to ‖∇Φ‖₁ ≤ 1e-3; with `CENTRED_RESIDUAL` = 1e-2, 0.1 / 0.2 /
/// 0.3 → Newton 373 / 382 / 392 and CPU −10 / −21 / −17 % over 16 tables at 50×50×10.
const PREDICTOR_ACCEPT: f64 = 0.2;

impl PathFollower<'_> {
    /// The tangent dz/dε of the central path, H dz/dε = M(q_c LSE_c)/ε², warm-started
    /// from `previous` (the path is z(ε) ≈ z* + ε z₁, so dz/dε changes slowly).
    pub(super) fn solve_tangent(&mut self, previous: Option<&[f64]>) -> Vec<f64> {
        let (prob, e, eps) = (self.prob, &self.e, self.eps);
        let rhs = prob.tangent_rhs(e, eps);
        let kappa = 1.0 / eps - 1.0;
        let tol = TANGENT_CG_TOLERANCE;
        let (dz, stats) = prob.pcg(e, kappa, &rhs, previous, tol, self.opts.max_cg);
        self.count_cg(CgSystem::Tangent, tol, kappa, &stats);
        dz
    }

    /// Moves to the next stage: shrinks ε by `factor` and predicts the central point
    /// there along the tangent; if the predicted point is far from central (marginal
    /// residual above `PREDICTOR_ACCEPT`) it takes a shorter step instead. Long steps come
    /// back as soon as they work again.
    pub(super) fn predict(&mut self) -> Result<(), PidError> {
        self.center = Some((self.z.clone(), self.eps));
        let dz = match self.tangent.take() {
            Some(dz) if self.tangent_current => dz,
            previous => self.solve_tangent(previous.as_deref()),
        };
        self.tangent_current = false;
        let saved_factor = self
            .next_factor
            .take()
            .map(|f| std::mem::replace(&mut self.factor, f));
        let mut chosen: Option<Prediction> = None;
        for attempt in 0..5 {
            let eps_new = (self.eps * self.factor).max(EPS_MIN);
            for frac in [1.0, 0.0] {
                // The old point (frac 0) only matters when the prediction is poor.
                let predicted_well = chosen
                    .as_ref()
                    .is_some_and(|p| p.residual <= PREDICTOR_ACCEPT);
                if frac == 0.0 && predicted_well {
                    continue;
                }
                self.try_prediction(&dz, frac, eps_new, &mut chosen);
            }
            let good = chosen
                .as_ref()
                .is_some_and(|p| p.residual <= PREDICTOR_ACCEPT);
            if good || attempt == 4 {
                if good && attempt == 0 && !self.retreated {
                    self.factor = (self.factor * self.factor).max(self.opts.epsilon_factor);
                }
                self.retreated = false;
                break;
            }
            if let Some(p) = chosen.take() {
                self.spare = p.e;
            }
            self.factor = self.factor.sqrt();
        }
        self.tangent = Some(dz);
        if let Some(f) = saved_factor {
            self.factor = f;
        }
        let p = chosen.ok_or(PidError::Numerical("overflow in the smoothed dual"))?;
        self.eps = p.eps;
        self.z = p.z;
        self.spare = std::mem::replace(&mut self.e, p.e);
        Ok(())
    }

    /// Evaluates the point z + frac·(ε_new − ε)·dz at ε_new, after balancing its masses,
    /// and keeps it in `chosen` if its marginal residual is the smallest yet.
    fn try_prediction(
        &mut self,
        dz: &[f64],
        frac: f64,
        eps_new: f64,
        chosen: &mut Option<Prediction>,
    ) {
        let prob = self.prob;
        let de = eps_new - self.eps;
        let mut zp: Vec<f64> = self
            .z
            .iter()
            .zip(dz)
            .map(|(a, b)| a + frac * de * b)
            .collect();
        // Balancing needs LSE_c, which the evaluation computes anyway; the shifts leave
        // π unchanged, so only the masses are redone after it.
        prob.softmax_into(&zp, &mut self.spare);
        prob.balance_masses(&mut zp, &mut self.spare.l, eps_new, 2);
        if !prob.masses_into(&zp, eps_new, &mut self.spare) {
            return;
        }
        let residual = l1(&self.spare.grad);
        self.observer.event(&TraceEvent::Predicted {
            eps: eps_new,
            fraction: frac,
            residual_l1: residual,
        });
        if chosen.as_ref().is_none_or(|p| residual < p.residual) {
            let e = std::mem::take(&mut self.spare);
            let p = Prediction {
                residual,
                z: zp,
                eps: eps_new,
                e,
            };
            if let Some(old) = chosen.replace(p) {
                self.spare = old.e;
            }
        }
    }
}
