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
//! All quantities are in nats; [`solve`] converts the result to bits. This file holds the
//! entry points and the state; each step has its own file (`predict.rs`, `correct.rs`,
//! `certify.rs`), with the constants that tune it.

mod certify;
mod correct;
mod predict;

use super::certificate::Certified;
use super::dual::Eval;
use super::newton::CgStats;
use super::observe::{CgSystem, SolveObserver, TraceEvent};
use super::problem::Problem;
use super::warm::{DualStart, WARM_EPSILON_MAX};
use super::{Coupling, CvxOptions, PidError, LN2};
use crate::table::JointTable;
use certify::END_CERT_ZONE;
use correct::Corrected;

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

/// ‖v‖₁.
fn l1(v: &[f64]) -> f64 {
    v.iter().map(|x| x.abs()).sum()
}
