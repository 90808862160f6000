//! The maximum-entropy coupling q* = argmax_{q ∈ Δp} H_q(Y | X1, X2), solved exactly.
//!
//! Method (see `docs/cvx.md`): Newton's method on an entropically smoothed dual with
//! only (|X1| + |X2|)·|Y| variables, followed along a decreasing smoothing parameter ε;
//! each Newton system is solved by preconditioned conjugate gradients using cheap
//! Hessian–vector products. The result is certified by a primal point made exactly
//! feasible (matrix scaling per label) and a feasible dual point.
//!
//! One file per step: [`problem`] (cells and labels), [`dual`] (Φ_ε and its
//! evaluation), [`newton`] and [`precond`] (the Newton systems), [`certificate`],
//! [`driver`] (the path-following: predict, correct, certify), [`warm`] (starting from
//! another solution) and [`observe`] (progress events; the solver prints nothing).
//!
//! Everything inside this module is in **nats**; the public results are in **bits**.

use super::PidError;
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// ln 2: nats per bit.
const LN2: f64 = std::f64::consts::LN_2;

/// Tolerances and iteration caps of [`max_entropy_coupling`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CvxOptions {
    /// Stop once the certified bracket on h* is at most this wide, in bits.
    pub tolerance_bits: f64,
    /// Cap on the total number of Newton steps.
    pub max_newton: usize,
    /// Cap on conjugate-gradient iterations per Newton system.
    pub max_cg: usize,
    /// Cap on Sinkhorn sweeps when making the primal point exactly feasible.
    pub max_sinkhorn: usize,
    /// Factor by which the smoothing ε shrinks between stages (0 < factor < 1).
    pub epsilon_factor: f64,
}

impl Default for CvxOptions {
    fn default() -> Self {
        CvxOptions {
            tolerance_bits: 1e-7,
            max_newton: 400,
            max_cg: 400,
            max_sinkhorn: 5000,
            epsilon_factor: 0.1,
        }
    }
}

/// The optimal coupling and its certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coupling {
    /// q*(x1, x2, y), same layout as the table; exactly in Δp up to `feasibility_l1`.
    pub q: Vec<f64>,
    /// H_q(Y | X1, X2) of the returned `q`, in bits: a certified lower bound on h*.
    pub h_lower_bits: f64,
    /// A certified upper bound on h* = max_{q ∈ Δp} H_q(Y | X1, X2), in bits
    /// (from a feasible dual point, or from min(H(Y|X1), H(Y|X2))).
    pub h_upper_bits: f64,
    /// Width of the bracket plus a bound for the residual infeasibility, in bits.
    pub certificate_bits: f64,
    /// L1 norm of the marginal residual of `q` (its distance from Δp's constraints).
    pub feasibility_l1: f64,
    /// Newton steps taken.
    pub iterations: usize,
    /// Conjugate-gradient iterations taken in total.
    pub cg_iterations: usize,
    /// Whether `certificate_bits <= tolerance_bits` was reached within the caps.
    pub converged: bool,
    /// Central points (λ, μ) of this solve's path at several smoothing levels ε, to
    /// start the solve of a similar table from ([`max_entropy_coupling_from`]); empty
    /// when deserialised without one.
    #[serde(default)]
    pub dual: DualStart,
}

mod certificate;
mod cost;
mod driver;
mod dual;
mod newton;
mod observe;
mod precond;
mod problem;
mod warm;
pub use cost::{coupling_entries, SolveCost};

pub use observe::{CgSystem, SolveObserver, TraceEvent};
pub use warm::DualStart;

/// Computes the maximum-entropy coupling q* = argmax_{q ∈ Δp} H_q(Y | X1, X2), where
/// Δp = {q ≥ 0 : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y)}, with a certified bracket
/// `h_lower_bits ≤ h* ≤ h_upper_bits` on h* = H_{q*}(Y | X1, X2) in **bits**.
///
/// Errors only on invalid options or an unrecoverable floating-point failure; when the
/// caps in `opts` are hit, the best certified point is returned with `converged = false`
/// and an honest (wider) `certificate_bits`.
pub fn max_entropy_coupling(table: &JointTable, opts: &CvxOptions) -> Result<Coupling, PidError> {
    max_entropy_coupling_observed(table, opts, None, &mut |_: &TraceEvent| {})
}

/// [`max_entropy_coupling`] starting from a previous solution's dual point `start`
/// (its [`Coupling::dual`]), typically of a table close to this one: a bootstrap
/// replicate, or the previous table in interactive use. The result is as exact and as
/// certified as a cold solve's (the certificate does not depend on the start). A start
/// that does not fit the table ([`DualStart::fits`]), or a path from it that fails,
/// falls back to the cold solve; `iterations` then count both attempts.
pub fn max_entropy_coupling_from(
    table: &JointTable,
    opts: &CvxOptions,
    start: Option<&DualStart>,
) -> Result<Coupling, PidError> {
    max_entropy_coupling_observed(table, opts, start, &mut |_: &TraceEvent| {})
}

/// [`max_entropy_coupling_from`] reporting its progress to `observer`, one
/// [`TraceEvent`] per step (observing changes nothing in the result).
pub fn max_entropy_coupling_observed(
    table: &JointTable,
    opts: &CvxOptions,
    start: Option<&DualStart>,
    observer: &mut dyn SolveObserver,
) -> Result<Coupling, PidError> {
    // Newton steps and CG iterations of a warm start that failed.
    let mut spent = (0, 0);
    if let Some(start) = start.filter(|s| s.fits(table)) {
        match driver::solve_warm(table, opts, start, observer)? {
            driver::Warm::Solved(done) => return Ok(done),
            driver::Warm::Failed { newton, cg } => spent = (newton, cg),
        }
    }
    let mut best = driver::solve(table, opts, observer)?;
    best.iterations += spent.0;
    best.cg_iterations += spent.1;
    // Rare stalls (seen on small near-deterministic tables, ~1 in 10,000) depend on the
    // path taken: retry along gentler ε schedules and keep the best certificate.
    for factor in RETRY_FACTORS {
        if best.converged || factor <= opts.epsilon_factor {
            continue;
        }
        let gentler = CvxOptions {
            epsilon_factor: factor,
            ..*opts
        };
        let next = driver::solve(table, &gentler, observer)?;
        let (iterations, cg) = (
            best.iterations + next.iterations,
            best.cg_iterations + next.cg_iterations,
        );
        if next.certificate_bits < best.certificate_bits {
            best = next;
        }
        best.iterations = iterations;
        best.cg_iterations = cg;
    }
    Ok(best)
}

/// ε factors of the retries after a stalled solve (measured on the stalls found by
/// `examples/stress.rs`: 0.7 solved every one in 40–50 Newton steps).
const RETRY_FACTORS: [f64; 2] = [0.7, 0.9];

/// The table of the unit tests: 4×3×3, Dirichlet(1), seed 9.
#[cfg(test)]
fn test_table() -> JointTable {
    crate::pid::random::random_table(
        [4, 3, 3],
        crate::pid::random::TableKind::Dirichlet {
            concentration_percent: 100,
        },
        9,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coupling_is_certified_and_feasible() {
        let t = test_table();
        let c = max_entropy_coupling(&t, &CvxOptions::default()).unwrap();
        assert!(c.converged && c.certificate_bits <= CvxOptions::default().tolerance_bits);
        assert!(c.h_lower_bits <= c.h_upper_bits + 1e-12);
        assert!(c.feasibility_l1 < 1e-14);
    }
}
