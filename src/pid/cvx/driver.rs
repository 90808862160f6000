//! The path-following driver: follows the central path of the smoothed dual along a
//! decreasing smoothing ε (predict along the tangent, correct by damped Newton), and
//! certifies points near the end.

use super::certificate::Certified;
use super::dual::Eval;
use super::problem::Problem;
use super::{trace_enabled, Coupling, CvxOptions, PidError, LN2};
use crate::table::JointTable;

pub(super) fn solve(table: &JointTable, opts: &CvxOptions) -> Result<Coupling, PidError> {
    let valid = opts.tolerance_bits > 0.0
        && opts.epsilon_factor > 0.0
        && opts.epsilon_factor < 1.0
        && opts.tolerance_bits.is_finite();
    if !valid {
        return Err(PidError::InvalidOptions);
    }
    let prob = Problem::new(table);
    let tol = opts.tolerance_bits * LN2;
    let q0 = prob.product_coupling();
    let finish = |cert: Certified, iterations: usize, cg: usize| {
        let certificate_bits = cert.certificate / LN2;
        Coupling {
            q: prob.to_table_layout(&cert.q),
            h_lower_bits: cert.h_lower / LN2,
            h_upper_bits: cert.h_upper / LN2,
            certificate_bits,
            feasibility_l1: cert.residual,
            iterations,
            cg_iterations: cg,
            converged: certificate_bits <= opts.tolerance_bits,
        }
    };
    // The product coupling is optimal whenever it already attains the upper bound
    // (e.g. one variable carries no information about Y, n1 = 1, ny = 1).
    let start = prob.certify(&q0, &[], &q0, opts);
    if start.certificate <= tol || prob.ncells() == 0 {
        return Ok(finish(start, 0, 0));
    }

    // Central path of the smoothed dual Φ_ε(λ,μ) = Σ αλ + Σ βμ − ε Σ_c exp(LSE_c(λ+μ)/ε),
    // whose maximiser gives the primal point q_c = w_c softmax(λ+μ), w_c = exp(LSE_c/ε),
    // the optimum of min Σ g(q_c) − ε H(w) (entropy of the cell masses w). At ε = 1 the
    // product coupling is exactly central: λ(x1,y) = ln p(x1,y), μ(x2,y) = ln p(x2,y) − ln p(y).
    // Each stage shrinks ε, predicts along the path's tangent and corrects by damped Newton.
    let mut z = prob.central_start();
    let mut eps = 1.0;
    let mut e = prob
        .eval(&z, eps)
        .ok_or(PidError::Numerical("overflow at the start point"))?;
    // Scratch evaluation for trial points (its buffers are recycled).
    let mut spare = Eval::default();
    let mut newton = 0;
    let mut cg_total = 0;
    let mut best = start;
    let eps_min = 1e-13;
    let mut factor = opts.epsilon_factor;
    let log_n = (prob.ncells().max(2) as f64).ln();
    let trace = trace_enabled();
    // Certify a central point with two dual candidates: z itself and z extrapolated to
    // ε = 0 along the path's tangent (z − ε dz/dε), which is usually much closer to the
    // exact dual optimum; both bounds are valid, the better one is kept. When the
    // certificate fails at the end of a stage, the next predictor reuses its tangent.
    //
    // The tangent dz/dε of the central path, H dz/dε = M(q_c LSE_c)/ε², warm-started
    // from the previous tangent (the path is z(ε) ≈ z* + ε z₁, so dz/dε changes slowly).
    let solve_tangent = |e: &Eval, eps: f64, previous: Option<&[f64]>| {
        prob.pcg(
            e,
            1.0 / eps - 1.0,
            &prob.tangent_rhs(e, eps),
            previous,
            TANGENT_CG_TOLERANCE,
            opts.max_cg,
        )
    };
    let certify_here = |e: &Eval, z: &[f64], eps: f64, dz: &[f64]| {
        let z0: Vec<f64> = z.iter().zip(dz).map(|(a, b)| a - eps * b).collect();
        prob.certify(&e.q, &[z, &z0], &q0, opts)
    };
    // The last tangent solved for, and whether it was solved at the current point (then
    // the predictor reuses it as is; otherwise it is the next solve's warm start).
    let mut tangent: Option<Vec<f64>> = None;
    let mut tangent_current = false;
    // A one-off ε factor for the next stage, chosen from a failed certificate.
    let mut next_factor: Option<f64> = None;
    // The last central point, to retreat to when a stage fails to centre.
    let mut center: Option<(Vec<f64>, f64)> = None;
    let mut retreated = false;
    'stages: for stage in 1.. {
        if stage > 1 {
            center = Some((z.clone(), eps));
            // Predictor: H dz/dε = M(q_c LSE_c)/ε², the tangent of the central path.
            let dz = match tangent.take() {
                Some(dz) if tangent_current => dz,
                previous => {
                    let (dz, its) = solve_tangent(&e, eps, previous.as_deref());
                    cg_total += its;
                    dz
                }
            };
            tangent_current = false;
            let saved_factor = next_factor.map(|f| std::mem::replace(&mut factor, f));
            next_factor = None;
            // Adaptive step along the path: shrink ε by `factor`, predict, rebalance the
            // masses; if the predicted point is far from central (marginal residual above
            // PREDICTOR_ACCEPT) take a shorter step instead. Long steps come back as soon
            // as they work again.
            let mut chosen: Option<(f64, Vec<f64>, Eval, f64)> = None;
            for attempt in 0..5 {
                let eps_new = (eps * factor).max(eps_min);
                let de = eps_new - eps;
                for frac in [1.0, 0.0] {
                    // The old point (frac 0) only matters when the prediction is poor.
                    let predicted_well = chosen
                        .as_ref()
                        .is_some_and(|(g1, ..)| *g1 <= PREDICTOR_ACCEPT);
                    if frac == 0.0 && predicted_well {
                        continue;
                    }
                    let mut zp: Vec<f64> =
                        z.iter().zip(&dz).map(|(a, b)| a + frac * de * b).collect();
                    // Balancing needs LSE_c, which the evaluation computes anyway; the
                    // shifts leave π unchanged, so only the masses are redone after it.
                    prob.softmax_into(&zp, &mut spare);
                    prob.balance_masses(&mut zp, &mut spare.l, eps_new, 2);
                    if prob.masses_into(&zp, eps_new, &mut spare) {
                        let g1: f64 = spare.grad.iter().map(|v| v.abs()).sum();
                        if trace {
                            eprintln!("  predictor eps={eps_new:.2e} frac={frac} |g|1={g1:.2e}");
                        }
                        if chosen.as_ref().is_none_or(|(best, ..)| g1 < *best) {
                            let p = std::mem::take(&mut spare);
                            if let Some((_, _, old, _)) = chosen.replace((g1, zp, p, eps_new)) {
                                spare = old;
                            }
                        }
                    }
                }
                let good = chosen
                    .as_ref()
                    .is_some_and(|(g1, ..)| *g1 <= PREDICTOR_ACCEPT);
                if good || attempt == 4 {
                    if good && attempt == 0 && !retreated {
                        factor = (factor * factor).max(opts.epsilon_factor);
                    }
                    retreated = false;
                    break;
                }
                if let Some((_, _, old, _)) = chosen.take() {
                    spare = old;
                }
                factor = factor.sqrt();
            }
            tangent = Some(dz);
            if let Some(f) = saved_factor {
                factor = f;
            }
            let (_, zp, p, eps_new) =
                chosen.ok_or(PidError::Numerical("overflow in the smoothed dual"))?;
            eps = eps_new;
            z = zp;
            spare = std::mem::replace(&mut e, p);
        }
        let kappa = 1.0 / eps - 1.0;
        let mut steps_here = 0;
        let cert_zone = eps * (1.0 + log_n) <= CERT_ZONE * tol;
        let mut next_cert_at = EARLY_CERT_RESIDUAL;
        let mut cg_tol = CG_RELATIVE_TOLERANCE;
        let mut centred = true;
        let mut g1_prev = f64::INFINITY;
        loop {
            if newton >= opts.max_newton {
                break 'stages;
            }
            let (mut d, its) = prob.pcg(
                &e,
                kappa,
                &e.grad,
                None,
                cg_tol,
                opts.max_cg.min(MAX_NEWTON_CG),
            );
            cg_total += its;
            newton += 1;
            steps_here += 1;
            // Clip each component of the step to ±MAX_STEP nats: directions that only
            // touch (nearly) dead entries have almost no curvature, and without the clip
            // they would dominate the step and force the line search to shrink it all.
            for v in d.iter_mut() {
                *v = v.clamp(-MAX_STEP, MAX_STEP);
            }
            let dec: f64 = d.iter().zip(&e.grad).map(|(a, b)| a * b).sum();
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..40 {
                let trial: Vec<f64> = z.iter().zip(&d).map(|(a, b)| a + t * b).collect();
                if prob.eval_into(&trial, eps, &mut spare) {
                    let gain = spare.phi - e.phi;
                    let noise = 1e-15 * (1.0 + e.phi.abs());
                    if gain >= 0.25 * t * dec || (dec <= noise && gain >= -noise) {
                        accepted = Some(trial);
                        break;
                    }
                }
                t *= 0.5;
            }
            let Some(nz) = accepted else {
                centred = false;
                break;
            };
            z = nz;
            std::mem::swap(&mut e, &mut spare);
            tangent_current = false;
            if trace {
                let gn: f64 = e.grad.iter().map(|v| v.abs()).sum();
                eprintln!(
                    "  stage {stage} eps={eps:.1e} t={t} dec={dec:.2e} cg={its} |g|1={gn:.2e}"
                );
            }
            let g1: f64 = e.grad.iter().map(|v| v.abs()).sum();
            // A loose CG solve can leave out exactly the low-curvature directions that
            // matter; when the residual stops falling, solve more accurately. (×0.1
            // rather than ×0.01: CG −13 % and CPU −1…−4 % at 20×20×10 … 100×100×10,
            // Newton +3 %; the ×0.01 solves mostly ran into the CG cap.)
            cg_tol = if g1 > 0.5 * g1_prev {
                (cg_tol * 0.1).max(1e-12)
            } else {
                (cg_tol * 10.0).min(CG_RELATIVE_TOLERANCE)
            };
            g1_prev = g1;
            // Close to the end, try to certify early: the exact-feasibility step repairs
            // a small marginal residual, so full centring is often unnecessary.
            if cert_zone && g1 <= next_cert_at {
                next_cert_at = g1 * 0.1;
                let (dz, its) = solve_tangent(&e, eps, tangent.as_deref());
                cg_total += its;
                let cert = certify_here(&e, &z, eps, &dz);
                tangent = Some(dz);
                tangent_current = true;
                if trace {
                    eprintln!(
                        "  early cert={:.2e} at |g|1={g1:.1e}",
                        cert.certificate / LN2
                    );
                }
                let done = cert.certificate <= tol;
                if cert.certificate < best.certificate {
                    best = cert;
                }
                if done {
                    break 'stages;
                }
            }
            let gtol = tol.max((10.0 * eps).min(CENTRED_RESIDUAL));
            if t == 1.0 && dec <= 1e-2 * eps && g1 <= gtol {
                break;
            }
            if steps_here >= MAX_STAGE_STEPS {
                centred = false;
                break;
            }
        }
        // A stage that did not centre went too far along the path: go back to the last
        // central point and take a shorter step in ε.
        if !centred && factor < 0.95 {
            if let Some((zc, ec)) = &center {
                factor = factor.sqrt();
                retreated = true;
                tangent_current = false;
                z = zc.clone();
                eps = *ec;
                e = prob
                    .eval(&z, eps)
                    .ok_or(PidError::Numerical("overflow in the smoothed dual"))?;
                if trace {
                    eprintln!(
                        "stage {stage} failed to centre: back to eps={eps:.1e}, factor {factor:.3}"
                    );
                }
                continue 'stages;
            }
        }
        if eps * (1.0 + log_n) <= END_CERT_ZONE * tol || eps <= eps_min {
            let (dz, its) = solve_tangent(&e, eps, tangent.as_deref());
            cg_total += its;
            let cert = certify_here(&e, &z, eps, &dz);
            tangent = Some(dz);
            tangent_current = true;
            // The extrapolated certificate shrinks roughly like ε²: aim the next stage
            // at a few times below the tolerance instead of a full factor-10 step.
            if cert.certificate > tol {
                let f = (CERT_AIM * tol / cert.certificate).sqrt();
                next_factor = Some(f.clamp(opts.epsilon_factor, 0.7));
            }
            if trace {
                eprintln!(
                    "stage {stage} eps={eps:.1e} newton={newton} cg={cg_total} cert={:.2e} res={:.1e}",
                    cert.certificate / LN2,
                    cert.residual
                );
            }
            let done = cert.certificate <= tol;
            if cert.certificate < best.certificate {
                best = cert;
            }
            if done || eps <= eps_min {
                break;
            }
        } else if trace {
            eprintln!("stage {stage} eps={eps:.1e} newton={newton} cg={cg_total}");
        }
    }
    Ok(finish(best, newton, cg_total))
}

/// Relative residual at which conjugate gradients stop (inexact Newton; measured:
/// 0.1 needs ~25 % more Newton steps than 1e-3 but half the CG work).
pub(super) const CG_RELATIVE_TOLERANCE: f64 = 0.1;

/// Relative residual of the tangent solves (predictor and extrapolated certificate),
/// which start from the previous tangent. Total CG on 20 tables at 50×50×10 (5 seeds,
/// 4 kinds): 1e-6 from zero 26807; warm-started 1e-4 18018, 3e-5 17671 (with fewer
/// Newton steps and tighter certificates than 1e-4); 3e-4 failed more certificates.
pub(super) const TANGENT_CG_TOLERANCE: f64 = 3e-5;

/// Largest change of one dual variable λ(x1,y) or μ(x2,y) in one Newton step, in nats.
/// Not scaled by ε: entries with tiny softmax weight must be free to move by many nats
/// (reviving a label inside a cell); overflow of the cell masses exp(LSE/ε) is caught
/// by the line search.
pub(super) const MAX_STEP: f64 = 50.0;

/// Newton steps after which a stage counts as failed (and is retried with a shorter
/// step in ε).
pub(super) const MAX_STAGE_STEPS: usize = 25;

/// Early certification (after Newton steps that cut the residual 10×) starts once
/// ε·(1 + ln #cells) ≤ CERT_ZONE × tolerance (nats). With the extrapolated dual the
/// certificate shrinks roughly like ε² (4.9e-7 bits at ε = 3.2e-5, 1e-7 at 1e-5, 7e-9 at
/// 1e-6 on a dense 50×50×10); certifying from larger ε (1e4) cost more than it saved.
pub(super) const CERT_ZONE: f64 = 1e3;

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
pub(super) const CERT_AIM: f64 = 0.3;

/// Inside the certification zone, the first early certificate of a stage is tried once
/// ‖∇Φ‖₁ ≤ this (then after every further 10× drop). 1e-5 / 1e-4 / 1e-3: CG 1013 / 906 /
/// 871 on the dense 50×50×10, but 1e-3 costs more on the near-deterministic 20×20×10.
pub(super) const EARLY_CERT_RESIDUAL: f64 = 1e-4;

/// Cap on CG iterations per Newton system (truncated CG still gives a descent
/// direction; the line search takes care of the rest). With 400 the stiff last stage of
/// near-deterministic tables spent 400-iteration solves for little extra progress:
/// 400 / 150 / 80 → CG 1847 / 1596 / 1560 (near-det 50×50×10), Newton steps 32 / 32 / 34.
pub(super) const MAX_NEWTON_CG: usize = 150;

/// Largest marginal residual ‖∇Φ‖₁ accepted at a predicted point; beyond it the step
/// in ε is shortened. (Measured: a dead cell after a too-long step costs dozens of
/// capped Newton steps to revive, a shorter step costs one more predictor.) 0.05 was
/// best while stages centred to ‖∇Φ‖₁ ≤ 1e-3; with `CENTRED_RESIDUAL` = 1e-2, 0.1 / 0.2 /
/// 0.3 → Newton 373 / 382 / 392 and CPU −10 / −21 / −17 % over 16 tables at 50×50×10.
pub(super) const PREDICTOR_ACCEPT: f64 = 0.2;

/// A stage counts as centred once ‖∇Φ‖₁ ≤ min(10 ε, this) (and the Newton decrement is
/// small). Early stages (large ε) are only stepping stones for the predictor, and
/// converge fast, so they need not be centred tightly: 1e-3 → 1e-2 cut Newton steps by
/// 21 % (474 → 374 over 16 tables at 50×50×10) without more failed predictions.
pub(super) const CENTRED_RESIDUAL: f64 = 1e-2;
