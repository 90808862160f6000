//! The path-following driver: one solve along one ε schedule.
//!
//! It follows the central path of the smoothed dual Φ_ε(λ,μ) = Σ αλ + Σ βμ − ε Σ_c
//! exp(LSE_c(λ+μ)/ε), whose maximiser gives the primal point q_c = w_c softmax(λ+μ),
//! w_c = exp(LSE_c/ε), the optimum of min Σ g(q_c) − ε H(w) (entropy of the cell masses
//! w). At ε = 1 the product coupling is exactly central: λ(x1,y) = ln p(x1,y),
//! μ(x2,y) = ln p(x2,y) − ln p(y). Each stage shrinks ε and
//!
//! 1. **predicts** the next central point along the path's tangent dz/dε
//!    ([`PathFollower::predict`]),
//! 2. **corrects** it by damped Newton–CG steps ([`PathFollower::correct`]), and
//! 3. near the end **certifies** the point ([`PathFollower::certify`]); a stage that
//!    fails to centre goes back to the last central point with a shorter step in ε
//!    ([`PathFollower::retreat`]).
//!
//! All quantities are in nats; [`solve`] converts the result to bits.

use super::certificate::Certified;
use super::dual::Eval;
use super::newton::CgStats;
use super::observe::{CgSystem, SolveObserver, TraceEvent};
use super::problem::Problem;
use super::warm::{DualStart, WARM_EPSILON_MAX};
use super::{Coupling, CvxOptions, PidError, LN2};
use crate::table::JointTable;

/// The smallest smoothing the path goes to.
const EPS_MIN: f64 = 1e-13;

/// One solve of [`super::max_entropy_coupling`] along the ε schedule of `opts` (no
/// retries) from the start of the central path: the best certified point found within
/// the caps.
pub(super) fn solve(
    table: &JointTable,
    opts: &CvxOptions,
    observer: &mut dyn SolveObserver,
) -> Result<Coupling, PidError> {
    let (prob, q0, start) = prepare(table, opts, false, observer)?;
    if let Some(done) = shortcut(&prob, opts, &start) {
        return Ok(done);
    }
    let mut path = PathFollower::cold(&prob, opts, q0, start, observer)?;
    path.run()?;
    Ok(path.finish())
}

/// How a warm-started solve ended.
pub(super) enum Warm {
    /// Certified to the tolerance.
    Solved(Coupling),
    /// The start did not fit the table, or the path from it failed (the first stage did
    /// not centre, a numerical failure, or no certificate within the caps), after
    /// `newton` Newton steps and `cg` CG iterations: solve cold.
    Failed { newton: usize, cg: usize },
}

/// [`solve`] from a previous solution's dual point instead.
pub(super) fn solve_warm(
    table: &JointTable,
    opts: &CvxOptions,
    dual: &DualStart,
    observer: &mut dyn SolveObserver,
) -> Result<Warm, PidError> {
    let (prob, q0, start) = prepare(table, opts, true, observer)?;
    if let Some(done) = shortcut(&prob, opts, &start) {
        return Ok(Warm::Solved(done));
    }
    let Some((z, eps, e)) = dual.start_for(&prob, observer) else {
        return Ok(Warm::Failed { newton: 0, cg: 0 });
    };
    let point = StartPoint {
        z,
        eps,
        e,
        warm: true,
    };
    let mut path = PathFollower::at(&prob, opts, q0, start, point, observer);
    let ran = path.run();
    let (newton, cg) = (path.newton, path.cg);
    Ok(match ran.map(|()| path.finish()) {
        Ok(done) if done.converged => Warm::Solved(done),
        _ => Warm::Failed { newton, cg },
    })
}

/// Checks the options, reduces the table to its problem and certifies the product
/// coupling q0 (the starting bracket); returns the problem, q0 and that certificate.
fn prepare(
    table: &JointTable,
    opts: &CvxOptions,
    warm: bool,
    observer: &mut dyn SolveObserver,
) -> Result<(Problem, Vec<f64>, Certified), PidError> {
    let valid = opts.tolerance_bits > 0.0
        && opts.epsilon_factor > 0.0
        && opts.epsilon_factor < 1.0
        && opts.tolerance_bits.is_finite();
    if !valid {
        return Err(PidError::InvalidOptions);
    }
    let prob = Problem::new(table);
    let q0 = prob.product_coupling();
    let start = prob.certify(&q0, &[], &q0, opts);
    observer.event(&TraceEvent::Start {
        epsilon_factor: opts.epsilon_factor,
        cells: prob.ncells(),
        variables: prob.nvars(),
        warm,
        h_lower_bits: start.h_lower / LN2,
        certificate_bits: start.certificate / LN2,
    });
    Ok((prob, q0, start))
}

/// The product coupling is optimal whenever it already attains the upper bound (e.g. one
/// variable carries no information about Y, n1 = 1, ny = 1): then it is the result, with
/// 0 iterations (and the exactly central ε = 1 point as its dual).
fn shortcut(prob: &Problem, opts: &CvxOptions, start: &Certified) -> Option<Coupling> {
    if start.certificate > opts.tolerance_bits * LN2 && prob.ncells() > 0 {
        return None;
    }
    let dual = DualStart::new(prob, vec![(1.0, prob.central_start())]);
    Some(to_coupling(prob, opts, start.clone(), 0, 0, dual))
}

/// The public result (bits, table layout) of a certified point.
fn to_coupling(
    prob: &Problem,
    opts: &CvxOptions,
    cert: Certified,
    iterations: usize,
    cg_iterations: usize,
    dual: DualStart,
) -> Coupling {
    let certificate_bits = cert.certificate / LN2;
    Coupling {
        q: prob.to_table_layout(&cert.q),
        h_lower_bits: cert.h_lower / LN2,
        h_upper_bits: cert.h_upper / LN2,
        certificate_bits,
        feasibility_l1: cert.residual,
        iterations,
        cg_iterations,
        converged: certificate_bits <= opts.tolerance_bits,
        dual,
    }
}

/// The state of the path-following: the current point on (or near) the central path,
/// what the next steps reuse, and the counters.
struct PathFollower<'a> {
    prob: &'a Problem,
    opts: &'a CvxOptions,
    /// `opts.tolerance_bits` in nats.
    tol: f64,
    /// ln max(#cells, 2): the entropy scale of the cell masses, which sets where the
    /// certification zones begin (ε·(1 + ln #cells) against the tolerance).
    log_n: f64,
    /// The product coupling on the cell entries (feasible, full support): a sliver of it
    /// is mixed into every certified primal point.
    q0: Vec<f64>,
    /// The current dual point z = (λ, μ), nats.
    z: Vec<f64>,
    /// The current smoothing ε.
    eps: f64,
    /// Φ_ε and its derivatives' ingredients at (z, ε).
    e: Eval,
    /// Scratch evaluation for trial points (its buffers are recycled).
    spare: Eval,
    /// The best certificate so far.
    best: Certified,
    /// Newton steps taken.
    newton: usize,
    /// Conjugate-gradient iterations taken (Newton systems and tangent solves).
    cg: usize,
    /// The current stage, from 1 (the start point's stage, which has no predictor).
    stage: usize,
    /// The factor by which the next stage shrinks ε: squared after a prediction that
    /// worked at once, √ after one that did not or after a retreat.
    factor: f64,
    /// A one-off factor for the next stage only, aimed from a failed certificate.
    next_factor: Option<f64>,
    /// The last central point (z, ε), to retreat to when a stage fails to centre.
    center: Option<(Vec<f64>, f64)>,
    /// Whether the stage just started after a retreat (then a good prediction does not
    /// lengthen the step again at once).
    retreated: bool,
    /// The last tangent dz/dε solved for: the next tangent solve's warm start.
    tangent: Option<Vec<f64>>,
    /// Whether `tangent` was solved at the current point (then the predictor uses it as
    /// it is).
    tangent_current: bool,
    /// Whether the path started from a previous solution's dual point.
    warm: bool,
    /// The central points (ε, z) reached at ε ≤ `WARM_EPSILON_MAX`, for warm starts.
    central: Vec<(f64, Vec<f64>)>,
    /// Receives the [`TraceEvent`]s.
    observer: &'a mut dyn SolveObserver,
}

/// Where a path starts: z at smoothing ε, its evaluation, and whether it is a previous
/// solution's point.
struct StartPoint {
    z: Vec<f64>,
    eps: f64,
    e: Eval,
    warm: bool,
}

/// How a stage's corrector ended.
enum Corrected {
    /// Centred: on to the next stage.
    Centred,
    /// Not centred (line search exhausted or `MAX_STAGE_STEPS`): retreat if possible.
    Stalled,
    /// Certified to the tolerance, or out of Newton steps: the solve is over.
    Finished,
}

/// A predicted point for the next stage, with its marginal residual ‖∇Φ‖₁.
struct Prediction {
    residual: f64,
    z: Vec<f64>,
    eps: f64,
    e: Eval,
}

/// ‖v‖₁.
fn l1(v: &[f64]) -> f64 {
    v.iter().map(|x| x.abs()).sum()
}

impl<'a> PathFollower<'a> {
    /// Starts at the point of the central path that is known exactly: the product
    /// coupling's dual at ε = 1. `best` is the start point's certificate.
    fn cold(
        prob: &'a Problem,
        opts: &'a CvxOptions,
        q0: Vec<f64>,
        best: Certified,
        observer: &'a mut dyn SolveObserver,
    ) -> Result<Self, PidError> {
        let z = prob.central_start();
        let e = prob
            .eval(&z, 1.0)
            .ok_or(PidError::Numerical("overflow at the start point"))?;
        let point = StartPoint {
            z,
            eps: 1.0,
            e,
            warm: false,
        };
        Ok(Self::at(prob, opts, q0, best, point, observer))
    }

    /// Starts at `point`.
    fn at(
        prob: &'a Problem,
        opts: &'a CvxOptions,
        q0: Vec<f64>,
        best: Certified,
        point: StartPoint,
        observer: &'a mut dyn SolveObserver,
    ) -> Self {
        let StartPoint { z, eps, e, warm } = point;
        PathFollower {
            prob,
            opts,
            tol: opts.tolerance_bits * LN2,
            log_n: (prob.ncells().max(2) as f64).ln(),
            q0,
            z,
            eps,
            e,
            spare: Eval::default(),
            best,
            newton: 0,
            cg: 0,
            stage: 0,
            factor: opts.epsilon_factor,
            next_factor: None,
            center: None,
            retreated: false,
            tangent: None,
            tangent_current: false,
            warm,
            central: Vec::new(),
            observer,
        }
    }

    /// The result: the best certificate, and the dual point to warm-start from.
    fn finish(self) -> Coupling {
        let mut central = self.central;
        if central.is_empty() {
            central.push((self.eps, self.z));
        }
        let dual = DualStart::new(self.prob, central);
        to_coupling(self.prob, self.opts, self.best, self.newton, self.cg, dual)
    }

    /// Adds a CG solve to the count and reports it.
    fn count_cg(&mut self, system: CgSystem, tolerance: f64, kappa: f64, stats: &CgStats) {
        self.cg += stats.iterations;
        self.observer.event(&TraceEvent::Cg {
            system,
            tolerance,
            iterations: stats.iterations,
            live_cells: stats.live_cells,
            kappa,
            coupled: stats.coupled,
        });
    }

    /// Reports the end of a stage, with its certificate and primal residual if any.
    fn stage_end(&mut self, certified: Option<(f64, f64)>) {
        self.observer.event(&TraceEvent::StageEnd {
            stage: self.stage,
            eps: self.eps,
            newton: self.newton,
            cg: self.cg,
            certificate_bits: certified.map(|(c, _)| c / LN2),
            feasibility_l1: certified.map(|(_, r)| r),
        });
    }

    /// Stage after stage until a certificate meets the tolerance, ε reaches its floor or
    /// the Newton steps run out; `best` then holds the result.
    fn run(&mut self) -> Result<(), PidError> {
        loop {
            self.stage += 1;
            if self.stage > 1 {
                self.predict()?;
            }
            match self.correct() {
                Corrected::Finished => return Ok(()),
                // A warm start has no central point to go back to: start cold instead.
                Corrected::Stalled if self.warm && self.stage == 1 => {
                    return Err(PidError::Numerical("the warm start did not centre"));
                }
                // A stage that did not centre went too far along the path: go back to
                // the last central point and take a shorter step in ε.
                Corrected::Stalled if self.factor < 0.95 && self.center.is_some() => {
                    self.retreat()?;
                    continue;
                }
                Corrected::Centred => {
                    if self.eps <= WARM_EPSILON_MAX {
                        self.central.push((self.eps, self.z.clone()));
                    }
                }
                Corrected::Stalled => {}
            }
            if self.eps * (1.0 + self.log_n) <= END_CERT_ZONE * self.tol || self.eps <= EPS_MIN {
                if self.certify_end_of_stage() {
                    return Ok(());
                }
            } else {
                self.stage_end(None);
            }
        }
    }
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
    fn solve_tangent(&mut self, previous: Option<&[f64]>) -> Vec<f64> {
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
    fn predict(&mut self) -> Result<(), PidError> {
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
    fn correct(&mut self) -> Corrected {
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
    fn retreat(&mut self) -> Result<(), PidError> {
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

/// Each stage ends with a certificate once ε·(1 + ln #cells) ≤ END_CERT_ZONE × tolerance
/// (nats). A failed certificate is not wasted: its tangent solve is the next predictor's,
/// and its value sets the next step in ε (see `CERT_AIM`). Measured on 50×50×10 and
/// 100×100×10: 100 (certify only at ε ≈ 1e-6) / 3000 / 10000 → CG 1281 / 1013 / 779 on
/// the dense 50×50×10 but more (failed, costly) certificates at 100×100×10 with 10000.
const END_CERT_ZONE: f64 = 3e3;

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
    fn certify(&mut self, early: bool) -> (f64, f64) {
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
    fn certify_end_of_stage(&mut self) -> bool {
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
