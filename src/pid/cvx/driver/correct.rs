//! The corrector: damped Newton–CG steps at a fixed ε until the point is central.

use super::{l1, PathFollower};
use crate::pid::cvx::observe::{CgSystem, TraceEvent};
use crate::pid::PidError;

/// How a stage's corrector ended.
pub(super) enum Corrected {
    /// Centred: on to the next stage.
    Centred,
    /// Not centred (line search exhausted or `MAX_STAGE_STEPS`): retreat if possible.
    Stalled,
    /// Certified to the tolerance, or out of Newton steps: the solve is over.
    Finished,
}

/// Relative residual at which conjugate gradients stop (inexact Newton; measured:
/// 0.1 needs ~25 % more Newton steps than 1e-3 but half the CG work).
const CG_RELATIVE_TOLERANCE: f64 = 0.1;

/// Cap on CG iterations per Newton system (truncated CG still gives a descent
/// direction; the line search takes care of the rest). With 400 the stiff last stage of
/// near-deterministic tables spent 400-iteration solves for little extra progress:
/// 400 / 150 / 80 → CG 1847 / 1596 / 1560 (near-det 50×50×10), Newton steps 32 / 32 / 34.
const MAX_NEWTON_CG: usize = 150;

/// Largest change of one dual variable λ(x1,y) or μ(x2,y) in one Newton step, in nats.
/// Not scaled by ε: entries with tiny softmax weight must be free to move by many nats
/// (reviving a label inside a cell); overflow of the cell masses exp(LSE/ε) is caught
/// by the line search.
const MAX_STEP: f64 = 50.0;

/// Newton steps after which a stage counts as failed (and is retried with a shorter
/// step in ε).
const MAX_STAGE_STEPS: usize = 25;

/// Newton steps after which the first stage of a warm start counts as failed (then the
/// solve starts cold). The warm starts that centred took at most 7 in the measurements
/// of `warm::WARM_ACCEPT`; one that fails should not cost a whole stage's 25.
const WARM_STAGE_STEPS: usize = 12;

/// Early certification (after Newton steps that cut the residual 10×) starts once
/// ε·(1 + ln #cells) ≤ CERT_ZONE × tolerance (nats). With the extrapolated dual the
/// certificate shrinks roughly like ε² (4.9e-7 bits at ε = 3.2e-5, 1e-7 at 1e-5, 7e-9 at
/// 1e-6 on a dense 50×50×10); certifying from larger ε (1e4) cost more than it saved.
const CERT_ZONE: f64 = 1e3;

/// Inside the certification zone, the first early certificate of a stage is tried once
/// ‖∇Φ‖₁ ≤ this (then after every further 10× drop). 1e-5 / 1e-4 / 1e-3: CG 1013 / 906 /
/// 871 on the dense 50×50×10, but 1e-3 costs more on the near-deterministic 20×20×10.
const EARLY_CERT_RESIDUAL: f64 = 1e-4;

/// A stage counts as centred once ‖∇Φ‖₁ ≤ min(10 ε, this) (and the Newton decrement is
/// small). Early stages (large ε) are only stepping stones for the predictor, and
/// converge fast, so they need not be centred tightly: 1e-3 → 1e-2 cut Newton steps by
/// 21 % (474 → 374 over 16 tables at 50×50×10) without more failed predictions.
const CENTRED_RESIDUAL: f64 = 1e-2;

/// Per-stage state of the corrector.
struct Stage {
    /// κ = 1/ε − 1, the weight of the rank-one terms of H.
    kappa: f64,
    /// Newton steps taken in this stage.
    steps: usize,
    /// Whether this stage is inside the early-certification zone (`CERT_ZONE`).
    certify_early: bool,
    /// ‖∇Φ‖₁ at or below which the next early certificate is tried.
    next_cert_at: f64,
    /// The relative residual of the next Newton system's CG solve.
    cg_tol: f64,
    /// ‖∇Φ‖₁ after the previous step.
    g1_prev: f64,
}

impl Stage {
    fn new(eps: f64, tol: f64, log_n: f64) -> Stage {
        Stage {
            kappa: 1.0 / eps - 1.0,
            steps: 0,
            certify_early: eps * (1.0 + log_n) <= CERT_ZONE * tol,
            next_cert_at: EARLY_CERT_RESIDUAL,
            cg_tol: CG_RELATIVE_TOLERANCE,
            g1_prev: f64::INFINITY,
        }
    }

    /// A loose CG solve can leave out exactly the low-curvature directions that matter;
    /// when the residual ‖∇Φ‖₁ = `g1` stops falling, solve more accurately. (×0.1 rather
    /// than ×0.01: CG −13 % and CPU −1…−4 % at 20×20×10 … 100×100×10, Newton +3 %; the
    /// ×0.01 solves mostly ran into the CG cap.)
    fn adapt_cg_tolerance(&mut self, g1: f64) {
        self.cg_tol = if g1 > 0.5 * self.g1_prev {
            (self.cg_tol * 0.1).max(1e-12)
        } else {
            (self.cg_tol * 10.0).min(CG_RELATIVE_TOLERANCE)
        };
        self.g1_prev = g1;
    }
}

impl PathFollower<'_> {
    /// Damped Newton steps at the current ε until the point is central, the stage stalls,
    /// or (inside the certification zone) an early certificate meets the tolerance.
    pub(super) fn correct(&mut self) -> Corrected {
        let mut stage = Stage::new(self.eps, self.tol, self.log_n);
        loop {
            if self.newton >= self.opts.max_newton {
                return Corrected::Finished;
            }
            stage.steps += 1;
            let Some((t, dec, its)) = self.newton_step(stage.kappa, stage.cg_tol) else {
                return Corrected::Stalled;
            };
            let g1 = l1(&self.e.grad);
            self.observer.event(&TraceEvent::NewtonStep {
                stage: self.stage,
                eps: self.eps,
                step: t,
                decrement: dec,
                cg_iterations: its,
                residual_l1: g1,
            });
            stage.adapt_cg_tolerance(g1);
            // Close to the end, try to certify early: the exact-feasibility step repairs
            // a small marginal residual, so full centring is often unnecessary.
            if stage.certify_early && g1 <= stage.next_cert_at {
                stage.next_cert_at = g1 * 0.1;
                let (certificate, _) = self.certify(true);
                if certificate <= self.tol {
                    return Corrected::Finished;
                }
            }
            let gtol = self.tol.max((10.0 * self.eps).min(CENTRED_RESIDUAL));
            if t == 1.0 && dec <= 1e-2 * self.eps && g1 <= gtol {
                return Corrected::Centred;
            }
            let max_steps = if self.warm && self.stage == 1 {
                WARM_STAGE_STEPS
            } else {
                MAX_STAGE_STEPS
            };
            if stage.steps >= max_steps {
                return Corrected::Stalled;
            }
        }
    }

    /// One Newton step: solves H d = ∇Φ by CG to relative residual `cg_tol`, clips it,
    /// and backtracks (Armijo) until Φ rises enough. Returns the step length t, the
    /// Newton decrement dᵀ∇Φ and the CG iterations, or `None` if the line search failed
    /// (the point is then unchanged).
    fn newton_step(&mut self, kappa: f64, cg_tol: f64) -> Option<(f64, f64, usize)> {
        let prob = self.prob;
        let max_cg = self.opts.max_cg.min(MAX_NEWTON_CG);
        let (mut d, stats) = prob.pcg(&self.e, kappa, &self.e.grad, None, cg_tol, max_cg);
        self.count_cg(CgSystem::Newton, cg_tol, kappa, &stats);
        let its = stats.iterations;
        self.newton += 1;
        // Clip each component of the step to ±MAX_STEP nats: directions that only
        // touch (nearly) dead entries have almost no curvature, and without the clip
        // they would dominate the step and force the line search to shrink it all.
        for v in d.iter_mut() {
            *v = v.clamp(-MAX_STEP, MAX_STEP);
        }
        let dec: f64 = d.iter().zip(&self.e.grad).map(|(a, b)| a * b).sum();
        let mut t = 1.0;
        for _ in 0..40 {
            let trial: Vec<f64> = self.z.iter().zip(&d).map(|(a, b)| a + t * b).collect();
            if prob.eval_into(&trial, self.eps, &mut self.spare) {
                let gain = self.spare.phi - self.e.phi;
                let noise = 1e-15 * (1.0 + self.e.phi.abs());
                if gain >= 0.25 * t * dec || (dec <= noise && gain >= -noise) {
                    self.z = trial;
                    std::mem::swap(&mut self.e, &mut self.spare);
                    self.tangent_current = false;
                    return Some((t, dec, its));
                }
            }
            t *= 0.5;
        }
        None
    }

    /// Goes back to the last central point with a shorter step in ε (√factor).
    pub(super) fn retreat(&mut self) -> Result<(), PidError> {
        let Some((zc, ec)) = &self.center else {
            return Ok(());
        };
        self.factor = self.factor.sqrt();
        self.retreated = true;
        self.tangent_current = false;
        self.z = zc.clone();
        self.eps = *ec;
        self.e = self
            .prob
            .eval(&self.z, self.eps)
            .ok_or(PidError::Numerical("overflow in the smoothed dual"))?;
        self.observer.event(&TraceEvent::Retreat {
            stage: self.stage,
            eps: self.eps,
            factor: self.factor,
        });
        Ok(())
    }
}
