//! What a solve reports as it goes: [`TraceEvent`]s to a [`SolveObserver`]. The solver
//! itself prints nothing and reads no clock; `examples/trace.rs` turns the events into
//! progress lines (with timings).

/// Which linear system a conjugate-gradient solve was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgSystem {
    /// A Newton step: H d = ∇Φ_ε.
    Newton,
    /// The central path's tangent: H dz/dε = M(q_c LSE_c)/ε² (for the predictor and the
    /// extrapolated dual of a certificate).
    Tangent,
}

/// One event of a solve. Smoothing ε, κ and the marginal residual ‖∇Φ_ε‖₁ (the L1 norm
/// of (α, β) − marginals(q), a probability mass) are those of the smoothed dual;
/// entropies and certificates are in **bits**. Stages count from 1 (the start point's).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum TraceEvent {
    /// A solve along one ε schedule begins (the first, then each retry), after the
    /// product coupling was certified as a starting bracket.
    Start {
        /// The ε factor per stage of this schedule.
        epsilon_factor: f64,
        /// Cells (x1, x2) with at least one admissible label.
        cells: usize,
        /// Dual variables, (n1 + n2)·ny.
        variables: usize,
        /// Whether the path starts from a previous solution's dual point.
        warm: bool,
        /// H_q(Y | X1, X2) of the product coupling, bits.
        h_lower_bits: f64,
        /// Its certificate (against min(H(Y|X1), H(Y|X2))), bits.
        certificate_bits: f64,
    },
    /// A preconditioned conjugate-gradient solve finished.
    Cg {
        /// Which system.
        system: CgSystem,
        /// The relative residual it was asked for.
        tolerance: f64,
        /// Iterations taken.
        iterations: usize,
        /// Cells included in the Hessian products (the others carry no weight).
        live_cells: usize,
        /// κ = 1/ε − 1.
        kappa: f64,
        /// Whether the block incomplete Cholesky preconditioner was used (else block
        /// Jacobi).
        coupled: bool,
    },
    /// A candidate point for the next stage was evaluated (also each central point a
    /// warm start tries, with `fraction` 0).
    Predicted {
        /// The next stage's ε.
        eps: f64,
        /// How far along the tangent: 1 = the full predicted step, 0 = the old point.
        fraction: f64,
        /// ‖∇Φ_ε‖₁ there, after mass balancing.
        residual_l1: f64,
    },
    /// A Newton step was accepted.
    NewtonStep {
        stage: usize,
        eps: f64,
        /// The line search's step length t ∈ (0, 1].
        step: f64,
        /// The Newton decrement dᵀ∇Φ_ε (nats).
        decrement: f64,
        /// CG iterations of this step's system.
        cg_iterations: usize,
        /// ‖∇Φ_ε‖₁ after the step.
        residual_l1: f64,
    },
    /// The current point was certified (an exactly feasible primal point and two dual
    /// bounds).
    Certified {
        stage: usize,
        eps: f64,
        /// True inside a stage (after a Newton step), false at its end.
        early: bool,
        /// ‖∇Φ_ε‖₁ of the point certified.
        residual_l1: f64,
        /// H_q(Y | X1, X2) of the exactly feasible q, bits.
        h_lower_bits: f64,
        /// The upper bound on h* from the dual point z itself, bits.
        h_upper_central_bits: f64,
        /// The upper bound from z extrapolated to ε = 0 (z − ε dz/dε), bits.
        h_upper_extrapolated_bits: f64,
        /// The certificate (bracket width + infeasibility allowance), bits.
        certificate_bits: f64,
        /// L1 marginal residual of the primal point after matrix scaling.
        feasibility_l1: f64,
    },
    /// A stage failed to centre: back to the last central point with a shorter step.
    Retreat {
        stage: usize,
        /// The central point's ε (where the path resumes).
        eps: f64,
        /// The new ε factor.
        factor: f64,
    },
    /// A stage ended (centred, or given up), with the running totals.
    StageEnd {
        stage: usize,
        eps: f64,
        /// Newton steps so far in this schedule.
        newton: usize,
        /// CG iterations so far in this schedule.
        cg: usize,
        /// The end-of-stage certificate, bits, if one was computed.
        certificate_bits: Option<f64>,
        /// Its primal L1 residual.
        feasibility_l1: Option<f64>,
    },
}

/// Receives the [`TraceEvent`]s of a solve. Any `FnMut(&TraceEvent)` closure is one;
/// `&mut |_: &TraceEvent| {}` observes nothing.
pub trait SolveObserver {
    /// Called once per event, in the order they happen.
    fn event(&mut self, event: &TraceEvent);
}

impl<F: FnMut(&TraceEvent)> SolveObserver for F {
    fn event(&mut self, event: &TraceEvent) {
        self(event)
    }
}
