//! Certification of the current point, early inside a stage or at its end.

use super::{l1, PathFollower, EPS_MIN};
use crate::pid::cvx::observe::TraceEvent;
use crate::pid::cvx::LN2;

/// Each stage ends with a certificate once ε·(1 + ln #cells) ≤ END_CERT_ZONE × tolerance
/// (nats). A failed certificate is not wasted: its tangent solve is the next predictor's,
/// and its value sets the next step in ε (see `CERT_AIM`). Measured on 50×50×10 and
/// 100×100×10: 100 (certify only at ε ≈ 1e-6) / 3000 / 10000 → CG 1281 / 1013 / 779 on
/// the dense 50×50×10 but more (failed, costly) certificates at 100×100×10 with 10000.
pub(super) const END_CERT_ZONE: f64 = 3e3;

/// After a failed end-of-stage certificate c, the next ε is ε·√(CERT_AIM·tol / c)
/// (clamped to [epsilon_factor, 0.7]): the extrapolated certificate shrinks roughly like
/// ε², so this aims a few times below the tolerance instead of a blind ×0.1 step that
/// overshoots (7e-9 bits where 1e-7 was asked) into the stiffest, most expensive stage.
/// Measured 0.15 / 0.3 / 0.5: CG 1175 / 1013 / 936 (dense 50×50×10); 0.3 keeps margin.
const CERT_AIM: f64 = 0.3;

impl PathFollower<'_> {
    /// Certifies the current point with two dual candidates: z itself and z extrapolated
    /// to ε = 0 along the path's tangent (z − ε dz/dε), which is usually much closer to
    /// the exact dual optimum; both bounds are valid, the better one is kept. The
    /// tangent is kept for the next predictor (it is the same system). Returns the
    /// certificate and the primal residual (nats, L1); `best` keeps the best certificate.
    /// `early`: inside a stage (for the observer).
    pub(super) fn certify(&mut self, early: bool) -> (f64, f64) {
        let previous = self.tangent.take();
        let dz = self.solve_tangent(previous.as_deref());
        let z0: Vec<f64> = self
            .z
            .iter()
            .zip(&dz)
            .map(|(a, b)| a - self.eps * b)
            .collect();
        let cert = self
            .prob
            .certify(&self.e.q, &[&self.z, &z0], &self.q0, self.opts);
        self.tangent = Some(dz);
        self.tangent_current = true;
        let (certificate, residual) = (cert.certificate, cert.residual);
        self.observer.event(&TraceEvent::Certified {
            stage: self.stage,
            eps: self.eps,
            early,
            residual_l1: l1(&self.e.grad),
            h_lower_bits: cert.h_lower / LN2,
            h_upper_central_bits: cert.dual_uppers[0] / LN2,
            h_upper_extrapolated_bits: cert.dual_uppers[1] / LN2,
            certificate_bits: certificate / LN2,
            feasibility_l1: residual,
        });
        if certificate < self.best.certificate {
            self.best = cert;
        }
        (certificate, residual)
    }

    /// The certificate at the end of a stage inside `END_CERT_ZONE`; true if the solve
    /// is over (certified, or ε at its floor). A failed certificate c aims the next
    /// stage's ε.
    pub(super) fn certify_end_of_stage(&mut self) -> bool {
        let (certificate, residual) = self.certify(false);
        // The extrapolated certificate shrinks roughly like ε²: aim the next stage at a
        // few times below the tolerance instead of a full factor-10 step.
        if certificate > self.tol {
            let f = (CERT_AIM * self.tol / certificate).sqrt();
            self.next_factor = Some(f.clamp(self.opts.epsilon_factor, 0.7));
        }
        self.stage_end(Some((certificate, residual)));
        certificate <= self.tol || self.eps <= EPS_MIN
    }
}
