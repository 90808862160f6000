//! Unrolled Sinkhorn scaling of one label's score matrix, in log-potential form, with
//! its exact reverse-mode derivative.
//!
//! For scores S (`rows × cols`) and targets r (rows), c (columns), the scaled matrix is
//! M_ab = exp(f_a + S_ab + g_b). Starting from f⁰ = 0, the paper's order alternates
//!
//! - column step k: g^k_b = ln c_b − LSE_a(f^{k−1}_a + S_ab)   (columns sum to c),
//! - row step k:    f^k_a = ln r_a − LSE_b(S_ab + g^k_b)       (rows sum to r),
//!
//! and stops when, after a column step, every row sum is within `atol` of r, or, after
//! a row step, every column sum is within `atol` of c, or after `max_iterations`
//! (column, row) pairs. Every log-sum-exp is evaluated as
//! LSE_a(f_a + S_ab) = max f + s₀ + ln Σ_a e^{f_a − max f} K_ab with the kernel
//! K = exp(S − s₀), s₀ = max S, computed once: exact log-domain arithmetic at the cost
//! of one matrix–vector product per step. The kernel lies in (0, 1] and is bounded
//! below by exp(−(max S − min S)); BATCH's scores are inner products of standardised
//! embeddings, |S| ≤ (d − 1)/√d, so it never underflows there.
//!
//! **Backward.** With P^k_ab = e^{f^{k−1}_a} K_ab / t^k_b (the column-softmax of step k)
//! and Q^k_ab = K_ab e^{g^k_b} / z^k_a (the row-softmax), the adjoints are
//! f̄^{k−1}_a = −Σ_b ḡ^k_b P^k_ab, ḡ^k_b = −Σ_a f̄^k_a Q^k_ab and
//! S̄_ab = −Σ_k (ḡ^k_b P^k_ab + f̄^k_a Q^k_ab); the potentials of every step are kept,
//! so the backward pass costs two matrix–vector products per step and, at the end, the
//! rank-2K sum of outer products as one matrix product.

use super::mlp::{add_vec_mat, transpose};
use crate::numeric::dot;
use libm::{exp, log};

/// When to stop the alternating scaling (the paper: 500 iterations, atol 0.01).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SinkhornOptions {
    /// Cap on (column, row) step pairs.
    pub max_iterations: usize,
    /// Absolute tolerance on the marginal sums.
    pub atol: f64,
}

/// The forward pass of [`sinkhorn`], kept for [`SinkhornTrace::backward`].
#[derive(Debug, Clone)]
pub struct SinkhornTrace {
    rows: usize,
    cols: usize,
    /// K = exp(S − s₀), row-major.
    kernel: Vec<f64>,
    /// s₀ = max S (0 when not finite).
    s0: f64,
    /// Per column step: (e^{f − max f}, t = Kᵀ e^{f − max f}).
    col_steps: Vec<(Vec<f64>, Vec<f64>)>,
    /// Per row step: (e^{g − max g}, z = K e^{g − max g}).
    row_steps: Vec<(Vec<f64>, Vec<f64>)>,
    /// The final column log-potential g (of the last column step).
    pub log_v: Vec<f64>,
    /// (Column, row) step pairs started.
    pub iterations: usize,
    /// Whether the tolerance was met before the cap.
    pub converged: bool,
}

/// exp(v − max v) and max v.
fn shifted_exp(v: &[f64]) -> (Vec<f64>, f64) {
    let top = v.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
    (v.iter().map(|&x| exp(x - top)).collect(), top)
}

/// ln of a positive sum; a sum that underflowed to 0 is read as the smallest normal.
fn ln_sum(x: f64) -> f64 {
    log(x.max(f64::MIN_POSITIVE))
}

/// Scales `scores` (`rows × cols`, row-major) towards row sums `r` and column sums `c`
/// (given as their natural logs `log_r`, `log_c`, entries finite) as the module docs
/// describe; returns the trace with the final column log-potential.
pub fn sinkhorn(
    scores: &[f64],
    rows: usize,
    cols: usize,
    log_r: &[f64],
    log_c: &[f64],
    opts: &SinkhornOptions,
) -> SinkhornTrace {
    let s0 = scores.iter().fold(f64::NEG_INFINITY, |m, &x| m.max(x));
    let s0 = if s0.is_finite() { s0 } else { 0.0 };
    let kernel: Vec<f64> = scores.iter().map(|&s| exp(s - s0)).collect();
    let mut trace = SinkhornTrace {
        rows,
        cols,
        kernel,
        s0,
        col_steps: Vec::new(),
        row_steps: Vec::new(),
        log_v: vec![0.0; cols],
        iterations: 0,
        converged: false,
    };
    // Column sums of the current (f, S) product, for the first step from f = 0.
    let mut u = vec![1.0; rows];
    let mut f_max = 0.0;
    let mut t = trace.col_sums(&u);
    let close = |log_sum: f64, log_target: f64| (exp(log_sum) - exp(log_target)).abs() <= opts.atol;
    for _ in 0..opts.max_iterations.max(1) {
        trace.iterations += 1;
        // Column step.
        let g: Vec<f64> = log_c
            .iter()
            .zip(&t)
            .map(|(&lc, &tb)| lc - f_max - s0 - ln_sum(tb))
            .collect();
        let (v, g_max) = shifted_exp(&g);
        let z = trace.row_sums(&v);
        // Row a of the scaled matrix now sums to e^{f_a + max g + s₀} z_a.
        let rows_ok = u
            .iter()
            .zip(&z)
            .zip(log_r)
            .all(|((&ua, &za), &lr)| close(ln_sum(ua) + f_max + g_max + s0 + ln_sum(za), lr));
        trace.col_steps.push((u, t));
        trace.log_v = g;
        if rows_ok {
            trace.converged = true;
            break;
        }
        // Row step.
        let f: Vec<f64> = log_r
            .iter()
            .zip(&z)
            .map(|(&lr, &za)| lr - g_max - s0 - ln_sum(za))
            .collect();
        trace.row_steps.push((v, z));
        let (u_new, f_max_new) = shifted_exp(&f);
        t = trace.col_sums(&u_new);
        // Column b now sums to e^{g_b + max f + s₀} t_b.
        let cols_ok = trace
            .log_v
            .iter()
            .zip(&t)
            .zip(log_c)
            .all(|((&gb, &tb), &lc)| close(gb + f_max_new + s0 + ln_sum(tb), lc));
        u = u_new;
        f_max = f_max_new;
        if cols_ok {
            trace.converged = true;
            break;
        }
    }
    trace
}

impl SinkhornTrace {
    /// Kᵀ u: t_b = Σ_a u_a K_ab.
    fn col_sums(&self, u: &[f64]) -> Vec<f64> {
        let mut t = vec![0.0; self.cols];
        add_vec_mat(u, &self.kernel, &mut t, &mut Vec::new());
        t
    }

    /// K v: z_a = Σ_b K_ab v_b.
    fn row_sums(&self, v: &[f64]) -> Vec<f64> {
        self.kernel
            .chunks_exact(self.cols)
            .map(|krow| dot(krow, v))
            .collect()
    }

    /// The row-normalised scaled matrix q_ab = softmax_b(S_ab + g_b) and its log, for the
    /// final column potential g, from the kernel already formed (no exp per entry):
    /// q_ab = K_ab v_b / z_a with v = e^{g − max g}, z = K v, and
    /// ln q_ab = S_ab − s₀ + g_b − max g − ln z_a. Returns (q, ln q), row-major.
    pub fn row_softmax(&self, scores: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let (v, g_max) = shifted_exp(&self.log_v);
        let z = self.row_sums(&v);
        let shift: Vec<f64> = self.log_v.iter().map(|&g| g - g_max - self.s0).collect();
        let mut q = Vec::with_capacity(self.kernel.len());
        let mut log_q = Vec::with_capacity(self.kernel.len());
        for ((krow, srow), &za) in self
            .kernel
            .chunks_exact(self.cols)
            .zip(scores.chunks_exact(self.cols))
            .zip(&z)
        {
            let za = za.max(f64::MIN_POSITIVE);
            let ln_za = log(za);
            q.extend(krow.iter().zip(&v).map(|(&k, &vb)| k * vb / za));
            log_q.extend(srow.iter().zip(&shift).map(|(&sab, &sh)| sab + sh - ln_za));
        }
        (q, log_q)
    }

    /// Reverse pass: given ∂L/∂g for the final column log-potential, adds ∂L/∂S into
    /// `grad_scores` (`rows × cols`) through every unrolled step.
    pub fn backward(&self, grad_log_v: &[f64], grad_scores: &mut [f64]) {
        let (rows, cols) = (self.rows, self.cols);
        // S̄ = K ⊙ O with O = Σ_steps (−e^f)(ḡ/t)ᵀ + (−f̄/z)(e^g)ᵀ, kept as its factors
        // (a column over rows and a row over columns per term) and multiplied once at the
        // end: one register-blocked pass instead of two m×m updates per step.
        let mut left_t: Vec<f64> = Vec::new();
        let mut right: Vec<f64> = Vec::new();
        let mut g_bar = grad_log_v.to_vec();
        for k in (0..self.col_steps.len()).rev() {
            // Column step k (0-based): g = ln c − max f − s₀ − ln(Kᵀ u).
            let (u, t) = &self.col_steps[k];
            let w: Vec<f64> = g_bar
                .iter()
                .zip(t)
                .map(|(&gb, &tb)| gb / tb.max(f64::MIN_POSITIVE))
                .collect();
            let f_bar: Vec<f64> = u
                .iter()
                .zip(self.row_sums(&w))
                .map(|(&ua, kw)| -ua * kw)
                .collect();
            left_t.extend(u.iter().map(|&ua| -ua));
            right.extend_from_slice(&w);
            if k == 0 {
                break;
            }
            // Row step k − 1 produced the f used by column step k.
            let (v, z) = &self.row_steps[k - 1];
            let w: Vec<f64> = f_bar
                .iter()
                .zip(z)
                .map(|(&fa, &za)| fa / za.max(f64::MIN_POSITIVE))
                .collect();
            g_bar = self
                .col_sums(&w)
                .iter()
                .zip(v)
                .map(|(&ktw, &vb)| -ktw * vb)
                .collect();
            left_t.extend(w.iter().map(|&wa| -wa));
            right.extend_from_slice(v);
        }
        let terms = right.len() / cols;
        let left = transpose(&left_t, terms, rows);
        let (mut outer, mut nonzero) = (vec![0.0; cols], Vec::new());
        for ((gs_row, krow), lrow) in grad_scores
            .chunks_exact_mut(cols)
            .zip(self.kernel.chunks_exact(cols))
            .zip(left.chunks_exact(terms))
        {
            outer.fill(0.0);
            add_vec_mat(lrow, &right, &mut outer, &mut nonzero);
            for ((gs, &o), &kab) in gs_row.iter_mut().zip(&outer).zip(krow) {
                *gs += o * kab;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn log_probs(rng: &mut SplitMix64, n: usize, total: f64) -> Vec<f64> {
        let w: Vec<f64> = (0..n).map(|_| rng.gamma(1.0) + 0.01).collect();
        let s: f64 = w.iter().sum();
        w.iter().map(|v| (v / s * total).ln()).collect()
    }

    /// Row and column sums of exp(f + S + g) for the final potentials.
    fn scaled(trace: &SinkhornTrace, scores: &[f64], log_r: &[f64], cols: usize) -> Vec<f64> {
        // The row potential matching the final g: f_a = ln r_a − LSE_b(S_ab + g_b).
        let mut m = Vec::with_capacity(scores.len());
        for (row, &lr) in scores.chunks_exact(cols).zip(log_r) {
            let l: Vec<f64> = row.iter().zip(&trace.log_v).map(|(s, g)| s + g).collect();
            let top = l.iter().fold(f64::NEG_INFINITY, |t, &v| t.max(v));
            let lse = top + l.iter().map(|v| (v - top).exp()).sum::<f64>().ln();
            m.extend(l.iter().map(|v| (v - lse + lr).exp()));
        }
        m
    }

    #[test]
    fn consistent_marginals_are_matched() {
        let mut rng = SplitMix64::new(5);
        let (rows, cols) = (7, 5);
        let scores: Vec<f64> = (0..rows * cols).map(|_| 2.0 * rng.normal()).collect();
        let (lr, lc) = (
            log_probs(&mut rng, rows, 1.0),
            log_probs(&mut rng, cols, 1.0),
        );
        let opts = SinkhornOptions {
            max_iterations: 500,
            atol: 1e-10,
        };
        let trace = sinkhorn(&scores, rows, cols, &lr, &lc, &opts);
        assert!(trace.converged, "{} iterations", trace.iterations);
        let m = scaled(&trace, &scores, &lr, cols);
        for b in 0..cols {
            let col: f64 = (0..rows).map(|a| m[a * cols + b]).sum();
            assert!((col - lc[b].exp()).abs() < 1e-8);
        }
    }

    /// Finite differences of L = Σ_b w_b g_b(S) through 1, 3 and 12 unrolled pairs, with
    /// targets whose totals disagree (so the iterations never settle).
    #[test]
    fn backward_matches_finite_differences() {
        for (seed, pairs) in [(1, 1), (2, 3), (3, 12)] {
            let mut rng = SplitMix64::new(seed);
            let (rows, cols) = (5, 4);
            let scores: Vec<f64> = (0..rows * cols).map(|_| 1.5 * rng.normal()).collect();
            let (lr, lc) = (
                log_probs(&mut rng, rows, 1.0),
                log_probs(&mut rng, cols, 1.3),
            );
            let w: Vec<f64> = (0..cols).map(|_| rng.normal()).collect();
            let opts = SinkhornOptions {
                max_iterations: pairs,
                atol: 0.0,
            };
            let loss = |s: &[f64]| dot(&sinkhorn(s, rows, cols, &lr, &lc, &opts).log_v, &w);
            let trace = sinkhorn(&scores, rows, cols, &lr, &lc, &opts);
            assert_eq!(trace.iterations, pairs);
            let mut grad = vec![0.0; rows * cols];
            trace.backward(&w, &mut grad);
            let h = 1e-6;
            for i in 0..scores.len() {
                let (mut up, mut down) = (scores.clone(), scores.clone());
                up[i] += h;
                down[i] -= h;
                let fd = (loss(&up) - loss(&down)) / (2.0 * h);
                assert!(
                    (fd - grad[i]).abs() < 1e-7,
                    "pairs {pairs}, score {i}: fd {fd} vs {}",
                    grad[i]
                );
            }
        }
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        let (rows, cols) = (4, 3);
        let scores = [
            700.0, -700.0, 0.0, 1e3, -1e3, 5.0, 0.0, 0.0, 0.0, -50.0, 50.0, 600.0,
        ];
        let lr = [0.0, (1e-12f64).ln(), (0.5f64).ln(), (1e-300f64).ln()];
        let lc = [(1e-12f64).ln(), 0.0, (0.3f64).ln()];
        let opts = SinkhornOptions {
            max_iterations: 50,
            atol: 0.01,
        };
        let trace = sinkhorn(&scores, rows, cols, &lr, &lc, &opts);
        assert!(trace.log_v.iter().all(|v| v.is_finite()));
        let mut grad = vec![0.0; rows * cols];
        trace.backward(&[1.0, -2.0, 0.5], &mut grad);
        assert!(grad.iter().all(|v| v.is_finite()));
    }
}
