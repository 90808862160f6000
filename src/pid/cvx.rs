//! The maximum-entropy coupling q* = argmax_{q ∈ Δp} H_q(Y | X1, X2), solved exactly.
//!
//! Method (see `docs/cvx.md`): Newton's method on an entropically smoothed dual with
//! only (|X1| + |X2|)·|Y| variables, followed along a decreasing smoothing parameter ε;
//! each Newton system is solved by preconditioned conjugate gradients using cheap
//! Hessian–vector products. The result is certified by a primal point made exactly
//! feasible (Sinkhorn scaling per label) and a feasible dual point.
//!
//! Everything inside this module is in **nats**; the public results are in **bits**.

use super::PidError;
use crate::numeric::cholesky::{cholesky_in_place, cholesky_solve, spd_inverse_from_cholesky};
use crate::numeric::dot;
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

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
}

/// The support-reduced problem: cells (x1, x2) with their admissible labels.
struct Problem {
    n1: usize,
    n2: usize,
    ny: usize,
    /// α(x1, y) = p(x1, y), `x1 * ny + y`.
    alpha: Vec<f64>,
    /// β(x2, y) = p(x2, y), `x2 * ny + y`.
    beta: Vec<f64>,
    /// p(y).
    p_y: Vec<f64>,
    /// p(x1) and p(x2).
    p_x1: Vec<f64>,
    p_x2: Vec<f64>,
    cell_x1: Vec<u32>,
    cell_x2: Vec<u32>,
    /// Entries of cell c are `start[c]..start[c+1]` in `ys`.
    start: Vec<u32>,
    ys: Vec<u32>,
    /// Upper bound min(H(Y|X1), H(Y|X2)) on h*, in nats.
    h_upper_theory: f64,
}

impl Problem {
    fn new(table: &JointTable) -> Problem {
        let [n1, n2, ny] = table.shape();
        let alpha = table.p_x1_y();
        let beta = table.p_x2_y();
        let p_y = table.p_y();
        let p_x1: Vec<f64> = alpha.chunks_exact(ny).map(|r| r.iter().sum()).collect();
        let p_x2: Vec<f64> = beta.chunks_exact(ny).map(|r| r.iter().sum()).collect();
        let mut cell_x1 = Vec::new();
        let mut cell_x2 = Vec::new();
        let mut start = vec![0u32];
        let mut ys = Vec::new();
        for x1 in 0..n1 {
            if p_x1[x1] <= 0.0 {
                continue;
            }
            for x2 in 0..n2 {
                if p_x2[x2] <= 0.0 {
                    continue;
                }
                let before = ys.len();
                for y in 0..ny {
                    if alpha[x1 * ny + y] > 0.0 && beta[x2 * ny + y] > 0.0 {
                        ys.push(y as u32);
                    }
                }
                if ys.len() > before {
                    cell_x1.push(x1 as u32);
                    cell_x2.push(x2 as u32);
                    start.push(ys.len() as u32);
                }
            }
        }
        let hc = |m: &[f64]| {
            crate::info::conditional_entropy(m, ny) * LN2 // bits → nats
        };
        let h_upper_theory = hc(&alpha).min(hc(&beta));
        Problem {
            n1,
            n2,
            ny,
            alpha,
            beta,
            p_y,
            p_x1,
            p_x2,
            cell_x1,
            cell_x2,
            start,
            ys,
            h_upper_theory,
        }
    }

    fn ncells(&self) -> usize {
        self.cell_x1.len()
    }

    fn nvars(&self) -> usize {
        (self.n1 + self.n2) * self.ny
    }

    #[inline]
    fn cell(&self, c: usize) -> (usize, usize, std::ops::Range<usize>) {
        (
            self.cell_x1[c] as usize * self.ny,
            (self.n1 + self.cell_x2[c] as usize) * self.ny,
            self.start[c] as usize..self.start[c + 1] as usize,
        )
    }

    /// The product coupling q0(x1,x2,y) = p(x1,y)·p(x2,y)/p(y) on the cell entries:
    /// always in Δp, and the maximiser of the joint entropy H(X1,X2,Y) over Δp.
    fn product_coupling(&self) -> Vec<f64> {
        let ny = self.ny;
        let mut q = vec![0.0; self.ys.len()];
        for c in 0..self.ncells() {
            let (x1, x2, r) = (
                self.cell_x1[c] as usize,
                self.cell_x2[c] as usize,
                self.cell(c).2,
            );
            for k in r {
                let y = self.ys[k] as usize;
                q[k] = self.alpha[x1 * ny + y] * self.beta[x2 * ny + y] / self.p_y[y];
            }
        }
        q
    }

    /// The dual point λ(x1,y) = ln p(x1,y), μ(x2,y) = ln p(x2,y) − ln p(y), which is
    /// exactly central at ε = 1: it yields the product coupling.
    fn central_start(&self) -> Vec<f64> {
        let ny = self.ny;
        let n1y = self.n1 * ny;
        let mut z = vec![0.0; self.nvars()];
        for (zi, &a) in z[..n1y].iter_mut().zip(&self.alpha) {
            if a > 0.0 {
                *zi = a.ln();
            }
        }
        for (i, (zi, &b)) in z[n1y..].iter_mut().zip(&self.beta).enumerate() {
            if b > 0.0 {
                *zi = b.ln() - self.p_y[i % ny].ln();
            }
        }
        z
    }

    /// H_q(Y | X1, X2) in nats of entries `q` (cell layout).
    fn cond_entropy(&self, q: &[f64]) -> f64 {
        let mut h = 0.0;
        for c in 0..self.ncells() {
            let r = self.cell(c).2;
            let w: f64 = q[r.clone()].iter().sum();
            if w <= 0.0 {
                continue;
            }
            for &v in &q[r] {
                if v > 0.0 {
                    h -= v * (v / w).ln();
                }
            }
        }
        h
    }

    /// L1 norm of the marginal residual of cell entries `q`.
    fn residual_l1(&self, q: &[f64]) -> f64 {
        let ny = self.ny;
        let mut m = vec![0.0; self.nvars()];
        for c in 0..self.ncells() {
            let (a, b, r) = self.cell(c);
            for k in r {
                let y = self.ys[k] as usize;
                m[a + y] += q[k];
                m[b + y] += q[k];
            }
        }
        let n1y = self.n1 * ny;
        let ra: f64 = self
            .alpha
            .iter()
            .zip(&m[..n1y])
            .map(|(a, b)| (a - b).abs())
            .sum();
        let rb: f64 = self
            .beta
            .iter()
            .zip(&m[n1y..])
            .map(|(a, b)| (a - b).abs())
            .sum();
        ra.max(rb)
    }

    /// Sinkhorn scaling per label onto the marginals α(·,y), β(·,y), in place.
    /// Returns the number of sweeps. Entries must be positive on every cell entry.
    fn sinkhorn(&self, q: &mut [f64], max_sweeps: usize) -> usize {
        let ny = self.ny;
        let n1y = self.n1 * ny;
        let mut m = vec![0.0; self.nvars()];
        let mut sweeps = 0;
        while sweeps < max_sweeps {
            sweeps += 1;
            // Rows (x1, y).
            m.iter_mut().for_each(|v| *v = 0.0);
            for c in 0..self.ncells() {
                let (a, _, r) = self.cell(c);
                for k in r {
                    m[a + self.ys[k] as usize] += q[k];
                }
            }
            let mut err = 0.0f64;
            for (mi, &a) in m[..n1y].iter_mut().zip(&self.alpha) {
                if *mi > 0.0 {
                    err += (*mi - a).abs();
                    *mi = a / *mi;
                }
            }
            if err <= 1e-16 && sweeps > 1 {
                break;
            }
            for c in 0..self.ncells() {
                let (a, _, r) = self.cell(c);
                for k in r {
                    q[k] *= m[a + self.ys[k] as usize];
                }
            }
            // Columns (x2, y).
            m.iter_mut().for_each(|v| *v = 0.0);
            for c in 0..self.ncells() {
                let (_, b, r) = self.cell(c);
                for k in r {
                    m[b + self.ys[k] as usize] += q[k];
                }
            }
            for (mi, &b) in m[n1y..].iter_mut().zip(&self.beta) {
                if *mi > 0.0 {
                    *mi = b / *mi;
                }
            }
            for c in 0..self.ncells() {
                let (_, b, r) = self.cell(c);
                for k in r {
                    q[k] *= m[b + self.ys[k] as usize];
                }
            }
        }
        sweeps
    }

    /// Matrix scaling by Newton's method, label by label: finds row and column factors
    /// e^a, e^b with q(x1,x2,y)·e^{a(x1)+b(x2)} matching α(·,y) and β(·,y). Converges
    /// quadratically from the nearly feasible points the dual solver produces, where
    /// Sinkhorn's alternating scaling can crawl (near-zero entries, sparse patterns).
    fn newton_scaling(&self, q: &mut [f64]) {
        let ny = self.ny;
        for y in 0..ny {
            // Entries of label y: (row, col, index into q).
            let rows: Vec<usize> = (0..self.n1)
                .filter(|&i| self.alpha[i * ny + y] > 0.0)
                .collect();
            let cols: Vec<usize> = (0..self.n2)
                .filter(|&j| self.beta[j * ny + y] > 0.0)
                .collect();
            if rows.is_empty() || cols.is_empty() {
                continue;
            }
            let mut row_pos = vec![usize::MAX; self.n1];
            let mut col_pos = vec![usize::MAX; self.n2];
            rows.iter().enumerate().for_each(|(p, &i)| row_pos[i] = p);
            cols.iter().enumerate().for_each(|(p, &j)| col_pos[j] = p);
            let mut ent = Vec::new();
            for c in 0..self.ncells() {
                for k in self.cell(c).2 {
                    if self.ys[k] as usize == y {
                        ent.push((
                            row_pos[self.cell_x1[c] as usize],
                            col_pos[self.cell_x2[c] as usize],
                            k,
                        ));
                    }
                }
            }
            let (nr, nc) = (rows.len(), cols.len());
            let n = nr + nc;
            let target: Vec<f64> = rows
                .iter()
                .map(|&i| self.alpha[i * ny + y])
                .chain(cols.iter().map(|&j| self.beta[j * ny + y]))
                .collect();
            let resid = |q: &[f64], sums: &mut Vec<f64>| {
                sums.iter_mut().for_each(|v| *v = 0.0);
                for &(i, j, k) in &ent {
                    sums[i] += q[k];
                    sums[nr + j] += q[k];
                }
                sums.iter()
                    .zip(&target)
                    .map(|(s, t)| (s - t).abs())
                    .sum::<f64>()
            };
            let mut sums = vec![0.0; n];
            let mut err = resid(q, &mut sums);
            // Entries grouped by their index on the larger side.
            let rows_big = nr >= nc;
            let (m, big_off, small_off) = if rows_big { (nc, 0, nr) } else { (nr, nr, 0) };
            let mut by_big: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n - m];
            for &(i, j, k) in &ent {
                if rows_big {
                    by_big[i].push((j, k));
                } else {
                    by_big[j].push((i, k));
                }
            }
            let mut jac = vec![0.0; m * m];
            let mut dense = vec![0.0; m];
            let mut old = vec![0.0; ent.len()];
            for _ in 0..30 {
                if err <= 1e-16 {
                    break;
                }
                // J = [[D_r, Q], [Qᵀ, D_c]]: eliminate the larger side (diagonal) and
                // factor the Schur complement D_s − Qᵀ D_b⁻¹ Q on the smaller one.
                let d: Vec<f64> = sums.iter().map(|v| v * (1.0 + 1e-12) + 1e-300).collect();
                let mut step: Vec<f64> = sums.iter().zip(&target).map(|(s, t)| t - s).collect();
                jac.iter_mut().for_each(|v| *v = 0.0);
                for sj in 0..m {
                    jac[sj * m + sj] = d[small_off + sj];
                }
                let mut rhs: Vec<f64> = step[small_off..small_off + m].to_vec();
                for (bi, group) in by_big.iter().enumerate() {
                    let db = d[big_off + bi];
                    let rb = step[big_off + bi] / db;
                    // The rank-one update q_b q_bᵀ / d_b by row slices of a dense copy of
                    // q_b (contiguous, bounds-check free; the indexed pair loop was
                    // half of the certificate's time at 50×50×10).
                    dense.iter_mut().for_each(|v| *v = 0.0);
                    for &(sj, k) in group {
                        dense[sj] = q[k];
                        rhs[sj] -= q[k] * rb;
                    }
                    for &(s1, _) in group {
                        let f = dense[s1] / db;
                        let row = &mut jac[s1 * m..s1 * m + s1 + 1];
                        for (jv, &qv) in row.iter_mut().zip(&dense[..=s1]) {
                            *jv -= f * qv;
                        }
                    }
                }
                cholesky_in_place(&mut jac, m);
                cholesky_solve(&jac, m, &mut rhs);
                for (bi, group) in by_big.iter().enumerate() {
                    let mut v = step[big_off + bi];
                    for &(sj, k) in group {
                        v -= q[k] * rhs[sj];
                    }
                    step[big_off + bi] = v / d[big_off + bi];
                }
                step[small_off..small_off + m].copy_from_slice(&rhs);
                for (o, &(_, _, k)) in old.iter_mut().zip(&ent) {
                    *o = q[k];
                }
                let mut t = 1.0;
                let mut improved = false;
                for _ in 0..30 {
                    for (&o, &(i, j, k)) in old.iter().zip(&ent) {
                        q[k] = o * (t * (step[i] + step[nr + j])).exp();
                    }
                    let e = resid(q, &mut sums);
                    if e < err {
                        err = e;
                        improved = true;
                        break;
                    }
                    t *= 0.5;
                }
                if !improved {
                    for (&o, &(_, _, k)) in old.iter().zip(&ent) {
                        q[k] = o;
                    }
                    break;
                }
            }
        }
    }

    /// The dual's linear part Σ α(x1,y)·λ(x1,y) + Σ β(x2,y)·μ(x2,y), in nats.
    fn linear_term(&self, z: &[f64]) -> f64 {
        let n1y = self.n1 * self.ny;
        let dot = |w: &[f64], v: &[f64]| w.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
        dot(&self.alpha, &z[..n1y]) + dot(&self.beta, &z[n1y..])
    }

    /// A feasible dual value (nats) from any (λ, μ): a certified lower bound on
    /// min_q −H_q(Y|X1,X2), so minus it is an upper bound on h*.
    ///
    /// Shifting λ(x1,·) by −a(x1) and μ(x2,·) by −b(x2) with a(x1) + b(x2) ≥ LSE_c for
    /// every cell makes every constraint LSE ≤ 0 hold and changes the dual objective by
    /// −Σ p(x1)a − Σ p(x2)b. The best such shift solves a small transport LP; we take
    /// a(x1) = max_x2 LSE_c (b = 0), then alternate b(x2) = max_x1 (LSE_c − a(x1)) and
    /// a(x1) = max_x2 (LSE_c − b(x2)) (each iterate is feasible, the objective never
    /// decreases), which recovers most of what a single row shift leaves on the table.
    fn dual_bound(&self, z: &[f64]) -> f64 {
        let ny = self.ny;
        let lin = self.linear_term(z);
        let mut s = vec![0.0; ny];
        let l: Vec<f64> = (0..self.ncells())
            .map(|c| self.cell_lse(c, z, &mut s))
            .collect();
        let value = |a: &[f64], b: &[f64]| {
            let sa: f64 = (0..self.n1)
                .filter(|&i| self.p_x1[i] > 0.0)
                .map(|i| self.p_x1[i] * a[i])
                .sum();
            let sb: f64 = (0..self.n2)
                .filter(|&i| self.p_x2[i] > 0.0)
                .map(|i| self.p_x2[i] * b[i])
                .sum();
            lin - sa - sb
        };
        let mut a = vec![f64::NEG_INFINITY; self.n1];
        let mut b = vec![0.0; self.n2];
        let mut best = f64::NEG_INFINITY;
        for round in 0..DUAL_SHIFT_ROUNDS {
            // Rows given columns.
            a.iter_mut().for_each(|v| *v = f64::NEG_INFINITY);
            for (c, &lc) in l.iter().enumerate() {
                let (x1, x2) = (self.cell_x1[c] as usize, self.cell_x2[c] as usize);
                a[x1] = a[x1].max(lc - b[x2]);
            }
            best = best.max(value(&a, &b));
            // Columns given rows.
            b.iter_mut().for_each(|v| *v = f64::NEG_INFINITY);
            for (c, &lc) in l.iter().enumerate() {
                let (x1, x2) = (self.cell_x1[c] as usize, self.cell_x2[c] as usize);
                b[x2] = b[x2].max(lc - a[x1]);
            }
            let v = value(&a, &b);
            let improved = v > best + 1e-15 * (1.0 + best.abs());
            best = best.max(v);
            if !improved && round > 0 {
                break;
            }
        }
        best
    }
}

/// e^x to within a few ulps, branch-free so that loops over it vectorise: x = k ln 2 + r
/// with |r| ≤ ln 2 / 2 (Cody–Waite), e^r by its Taylor polynomial of degree 13
/// (remainder < 1e-17), 2^k assembled in the exponent bits. 0 below −708 (where e^x is
/// subnormal), NaN for NaN; callers keep x ≤ 700. Replaces libm's `exp` in the solver's
/// hot loops: in WebAssembly that is a software routine and was 18 % of the profile.
#[inline(always)]
fn exp_fast(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // Adding 1.5·2^52 rounds to an integer, which then sits in the low mantissa bits.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let xc = if x < -708.0 { -708.0 } else { x };
    let v = xc * LOG2E + SHIFTER;
    let k = v - SHIFTER;
    let r = (xc - k * LN2_HI) - k * LN2_LO;
    // 1/k! for k = 13 down to 0, for Horner's scheme.
    const C: [f64; 14] = {
        let mut c = [1.0; 14];
        let mut k = 1;
        while k < 14 {
            c[13 - k] = c[14 - k] / k as f64;
            k += 1;
        }
        c
    };
    let mut p = C[0];
    for &ck in &C[1..] {
        p = p * r + ck;
    }
    // The low 11 bits of v's mantissa hold k (two's complement, k ≥ −1022): add the
    // exponent bias and move them into the exponent field.
    let scale = f64::from_bits(v.to_bits().wrapping_add(1023) << 52);
    if x < -708.0 {
        0.0
    } else {
        p * scale
    }
}

impl Problem {
    /// LSE_c = log Σ_y exp(λ(x1,y) + μ(x2,y)) of cell c at z, with `buf` (length ≥ ny) as
    /// scratch. The exponentials are [`exp_fast`]'s (within a few ulps: in the dual bound
    /// that is far inside the certificate's 1e-14 rounding allowance).
    fn cell_lse(&self, c: usize, z: &[f64], buf: &mut [f64]) -> f64 {
        let s = &mut buf[..self.cell(c).2.len()];
        self.gather_cell(c, z, s);
        let m = max_of(s);
        if !m.is_finite() {
            return m;
        }
        m + s.iter().map(|v| exp_fast(v - m)).sum::<f64>().ln()
    }
}

/// The largest element (−∞ if empty), NaNs ignored. Not `f64::max`: WebAssembly has no
/// instruction with its NaN rules and calls `fmax` (4 % of the wasm profile).
#[inline]
fn max_of(v: &[f64]) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for &x in v {
        if x > m {
            m = x;
        }
    }
    m
}

/// State of the smoothed dual at (z, ε): Φ_ε(z) = Σ α λ + Σ β μ − ε Σ_c w_c with
/// w_c = exp(LSE_c(λ+μ)/ε); primal point q_c = w_c softmax(λ+μ).
#[derive(Default)]
struct Eval {
    phi: f64,
    /// q on the cell entries.
    q: Vec<f64>,
    /// softmax(λ+μ) per cell entry.
    pi: Vec<f64>,
    /// w_c.
    w: Vec<f64>,
    /// LSE_c.
    l: Vec<f64>,
    /// ∇Φ = (α, β) − marginals(q).
    grad: Vec<f64>,
}

impl Problem {
    fn eval(&self, z: &[f64], eps: f64) -> Option<Eval> {
        let mut e = Eval::default();
        self.eval_into(z, eps, &mut e).then_some(e)
    }

    /// [`Problem::eval`] into `out`'s buffers (false on overflow): the line search and
    /// the predictor recycle them, because fresh 200 kB vectors per trial point cost page
    /// faults and zeroing natively (≈ 8 % of the profile at 50×50×10).
    fn eval_into(&self, z: &[f64], eps: f64, out: &mut Eval) -> bool {
        self.softmax_into(z, out);
        self.masses_into(z, eps, out)
    }

    /// The ε-independent part of an evaluation: π_c = softmax(λ+μ) and LSE_c per cell.
    fn softmax_into(&self, z: &[f64], out: &mut Eval) {
        let Eval {
            q, pi, w, l, grad, ..
        } = out;
        for (v, n) in [
            (&mut *q, self.ys.len()),
            (&mut *pi, self.ys.len()),
            (&mut *w, self.ncells()),
            (&mut *l, self.ncells()),
            (&mut *grad, self.nvars()),
        ] {
            v.resize(n, 0.0);
        }
        // Three passes so that the exponentials of all entries form one branch-free loop
        // (vectorised natively; no libm call in WebAssembly): λ+μ and the cell maxima,
        // then the shifted exponentials, then the per-cell sums.
        for (c, lc) in l.iter_mut().enumerate() {
            let s = &mut pi[self.cell(c).2];
            self.gather_cell(c, z, s);
            let mx = max_of(s);
            s.iter_mut().for_each(|v| *v -= mx);
            *lc = mx;
        }
        pi.iter_mut().for_each(|v| *v = exp_fast(*v));
        for (c, lc) in l.iter_mut().enumerate() {
            let pc = &mut pi[self.cell(c).2];
            let tot: f64 = pc.iter().sum();
            *lc += tot.ln();
            let inv = 1.0 / tot;
            pc.iter_mut().for_each(|p| *p *= inv);
        }
    }

    /// The rest of an evaluation at (z, ε) from `out`'s π and LSE: the masses
    /// w_c = exp(LSE_c/ε), q_c = w_c π_c, ∇Φ and Φ. False on overflow.
    fn masses_into(&self, z: &[f64], eps: f64, out: &mut Eval) -> bool {
        let Eval {
            phi,
            q,
            pi,
            w,
            l,
            grad,
        } = out;
        // The marginals of q first, the gradient (α, β) − marginals at the end.
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut wsum = 0.0;
        for c in 0..self.ncells() {
            let r = self.cell(c).2;
            let expo = l[c] / eps;
            if expo > 700.0 || expo.is_nan() {
                return false;
            }
            let wc = exp_fast(expo);
            w[c] = wc;
            wsum += wc;
            let qc = &mut q[r.clone()];
            for (qk, pk) in qc.iter_mut().zip(&pi[r]) {
                *qk = wc * pk;
            }
            self.scatter_cell(c, qc, grad);
        }
        let targets = self.alpha.iter().chain(&self.beta);
        for (g, t) in grad.iter_mut().zip(targets) {
            *g = t - *g;
        }
        *phi = self.linear_term(z) - eps * wsum;
        phi.is_finite()
    }

    /// Shifts every λ(x1,·) and then every μ(x2,·) by a constant so that the cell masses
    /// w_c = exp(LSE_c/ε) of each row x1 sum to p(x1), then of each column to p(x2):
    /// an exact block-coordinate step on the mass part of the dual, which repairs the
    /// row/column-separable part of a poor warm start in one pass. `l` holds LSE_c at z
    /// and is shifted along (π is unchanged by such shifts, so a [`Problem::softmax_into`]
    /// before and a [`Problem::masses_into`] after make a complete evaluation).
    fn balance_masses(&self, z: &mut [f64], l: &mut [f64], eps: f64, rounds: usize) {
        let ny = self.ny;
        // LSE_c/ε; a shift of λ(x1,·) or μ(x2,·) by ε·s moves it by exactly s.
        let mut lse_c: Vec<f64> = l.iter().map(|v| v / eps).collect();
        for pass in 0..2 * rounds {
            let rows = pass % 2 == 0;
            let (n, owner, target) = if rows {
                (self.n1, &self.cell_x1, &self.p_x1)
            } else {
                (self.n2, &self.cell_x2, &self.p_x2)
            };
            // Log-sum of masses per row (or column), in the log domain.
            let mut mx = vec![f64::NEG_INFINITY; n];
            for (lc, &o) in lse_c.iter().zip(owner) {
                mx[o as usize] = mx[o as usize].max(*lc);
            }
            let mut acc = vec![0.0; n];
            for (lc, &o) in lse_c.iter().zip(owner) {
                acc[o as usize] += exp_fast(lc - mx[o as usize]);
            }
            let mut shift = vec![0.0; n];
            for i in 0..n {
                if target[i] <= 0.0 || !mx[i].is_finite() {
                    continue;
                }
                shift[i] = target[i].ln() - mx[i] - acc[i].ln();
                let base = if rows { i * ny } else { (self.n1 + i) * ny };
                for v in &mut z[base..base + ny] {
                    *v += eps * shift[i];
                }
            }
            for ((lc, lo), &o) in lse_c.iter_mut().zip(l.iter_mut()).zip(owner) {
                *lc += shift[o as usize];
                *lo += eps * shift[o as usize];
            }
        }
    }

    /// Right-hand side M(q_c LSE_c)/ε² of the central path's tangent equation
    /// H dz/dε = M(q_c LSE_c)/ε² (M sums cell entries into their marginals).
    fn tangent_rhs(&self, e: &Eval, eps: f64) -> Vec<f64> {
        let mut rhs = vec![0.0; self.nvars()];
        for c in 0..self.ncells() {
            let (a, b, r) = self.cell(c);
            let f = e.l[c] / (eps * eps);
            for k in r {
                let y = self.ys[k] as usize;
                rhs[a + y] += e.q[k] * f;
                rhs[b + y] += e.q[k] * f;
            }
        }
        rhs
    }

    /// out = H v, H = −∇²Φ_ε = Σ_c P_cᵀ (diag(q_c) + κ w_c π_c π_cᵀ) P_c, κ = 1/ε − 1.
    /// Only the cells in `live` are included.
    fn hess_vec(&self, e: &Eval, kappa: f64, v: &[f64], out: &mut [f64], ridge: f64, live: &[u32]) {
        for (o, vi) in out.iter_mut().zip(v) {
            *o = ridge * vi;
        }
        let mut t = vec![0.0; self.ny];
        for &c in live {
            let c = c as usize;
            let r = self.cell(c).2;
            let (q, pi) = (&e.q[r.clone()], &e.pi[r]);
            let t = &mut t[..q.len()];
            self.gather_cell(c, v, t);
            let coef = kappa * e.w[c] * dot(pi, t);
            for ((tk, qk), pk) in t.iter_mut().zip(q).zip(pi) {
                *tk = qk * *tk + coef * pk;
            }
            self.scatter_cell(c, t, out);
        }
    }

    /// out_k = v(x1, y_k) + v(x2, y_k) over the entries k of cell c = (x1, x2).
    #[inline(always)]
    fn gather_cell(&self, c: usize, v: &[f64], out: &mut [f64]) {
        let (a, b, r) = self.cell(c);
        let ny = self.ny;
        if r.len() == ny {
            // Full cell (labels 0..ny in order): contiguous slices, no bounds checks.
            for ((o, x), y) in out.iter_mut().zip(&v[a..a + ny]).zip(&v[b..b + ny]) {
                *o = x + y;
            }
        } else {
            for (o, &y) in out.iter_mut().zip(&self.ys[r]) {
                *o = v[a + y as usize] + v[b + y as usize];
            }
        }
    }

    /// The transpose of [`Problem::gather_cell`]: out(x1, y_k) += u_k, out(x2, y_k) += u_k.
    #[inline(always)]
    fn scatter_cell(&self, c: usize, u: &[f64], out: &mut [f64]) {
        let (a, b, r) = self.cell(c);
        let ny = self.ny;
        if r.len() == ny {
            // x2's variables come after all of x1's, so b > a.
            let (lo, hi) = out.split_at_mut(b);
            for ((oa, ob), uk) in lo[a..a + ny].iter_mut().zip(&mut hi[..ny]).zip(u) {
                *oa += uk;
                *ob += uk;
            }
        } else {
            for (&uk, &y) in u.iter().zip(&self.ys[r]) {
                out[a + y as usize] += uk;
                out[b + y as usize] += uk;
            }
        }
    }

    /// The preconditioner's ny×ny blocks, as explicit inverses: per x1 the inverse of H's
    /// diagonal block D1(x1); per x2 the inverse of D2(x2) (block Jacobi) or, if
    /// `coupled`, of the diagonal block of the Schur complement D2 − Cᵀ D1⁻¹ C, where
    /// C holds the x1–x2 blocks T_c (block incomplete Cholesky, see
    /// [`Problem::apply_prec_coupled`]).
    fn preconditioner(
        &self,
        e: &Eval,
        kappa: f64,
        ridge: f64,
        live: &[u32],
        coupled: bool,
    ) -> Vec<f64> {
        let ny = self.ny;
        let nb = self.n1 + self.n2;
        let mut blocks = vec![0.0; nb * ny * ny];
        // Each live cell adds T = diag(q_c) + κ w_c π_c π_cᵀ (on its labels) to the blocks
        // of its x1 and of its x2: form T's lower triangle once, densely over all ny
        // labels (zeros off the cell's labels), then add it row slice by row slice; the
        // indexed triangle loop this replaces was ≈ 5 % of the native profile.
        let (mut pf, mut qf, mut tc) = (vec![0.0; ny], vec![0.0; ny], vec![0.0; ny * ny]);
        for &c in live {
            let c = c as usize;
            let (a, b) = self.dense_cell(e, c, &mut pf, &mut qf);
            let kw = kappa * e.w[c];
            for (i, row) in tc.chunks_exact_mut(ny).enumerate() {
                let f = kw * pf[i];
                for (t, &pj) in row[..=i].iter_mut().zip(&pf[..=i]) {
                    *t = f * pj;
                }
                row[i] += qf[i];
            }
            for base in [a / ny, b / ny] {
                let blk = &mut blocks[base * ny * ny..(base + 1) * ny * ny];
                for (i, (brow, trow)) in blk
                    .chunks_exact_mut(ny)
                    .zip(tc.chunks_exact(ny))
                    .enumerate()
                {
                    for (bv, &tv) in brow[..=i].iter_mut().zip(&trow[..=i]) {
                        *bv += tv;
                    }
                }
            }
        }
        // Replace each block by its explicit inverse: applying it is then a small dense
        // mat-vec, much faster than two triangular solves per CG iteration.
        let mut linv = vec![0.0; ny * ny];
        let invert = |blk: &mut [f64], linv: &mut [f64]| {
            for i in 0..ny {
                blk[i * ny + i] += ridge;
            }
            cholesky_in_place(blk, ny);
            spd_inverse_from_cholesky(blk, ny, linv);
        };
        if !coupled {
            for blk in blocks.chunks_exact_mut(ny * ny) {
                invert(blk, &mut linv);
            }
            return blocks;
        }
        // The eliminated side's blocks (`d`, first block index d0) and the other side's.
        let x1_first = self.eliminates_x1();
        let (lo, hi) = blocks.split_at_mut(self.n1 * ny * ny);
        let ((d, d0), (s2, s0)) = if x1_first {
            ((lo, 0), (hi, self.n1))
        } else {
            ((hi, self.n1), (lo, 0))
        };
        for blk in d.chunks_exact_mut(ny * ny) {
            invert(blk, &mut linv);
        }
        // Each live cell subtracts T D1⁻¹ T from its other side's block (D1 its
        // eliminated side's block); with T = diag(q) + κw ππᵀ and v = D1⁻¹π that is,
        // entry (i, j), q_i q_j D1⁻¹_ij + u_i π_j + π_i u_j + κ²w² (πᵀv) π_i π_j,
        // u = κw q∘v: O(ny²).
        let mut v = vec![0.0; ny];
        for &c in live {
            let c = c as usize;
            let (a, b) = self.dense_cell(e, c, &mut pf, &mut qf);
            let (from, to) = if x1_first {
                (a / ny, b / ny)
            } else {
                (b / ny, a / ny)
            };
            let kw = kappa * e.w[c];
            let dinv = &d[(from - d0) * ny * ny..(from - d0 + 1) * ny * ny];
            for (vi, row) in v.iter_mut().zip(dinv.chunks_exact(ny)) {
                *vi = dot(row, &pf);
            }
            let s = kw * kw * dot(&v, &pf);
            v.iter_mut().zip(&qf).for_each(|(vi, qi)| *vi *= kw * qi);
            let blk = &mut s2[(to - s0) * ny * ny..(to - s0 + 1) * ny * ny];
            for (i, (brow, drow)) in blk
                .chunks_exact_mut(ny)
                .zip(dinv.chunks_exact(ny))
                .enumerate()
            {
                let (qi, pfi, ci) = (qf[i], pf[i], v[i] + s * pf[i]);
                for (((bv, &dv), (&qj, &pj)), &uj) in brow[..=i]
                    .iter_mut()
                    .zip(&drow[..=i])
                    .zip(qf.iter().zip(&pf))
                    .zip(&v)
                {
                    *bv -= qi * qj * dv + ci * pj + pfi * uj;
                }
            }
        }
        for blk in s2.chunks_exact_mut(ny * ny) {
            invert(blk, &mut linv);
        }
        blocks
    }

    /// Whether the coupled preconditioner eliminates x1 (else x2): the side with more
    /// blocks, whose nodes then have fewer live cells each, so less of the Schur
    /// complement is dropped (20×100×10, seed 42, dense / near-det: CG 1253 / 1828
    /// eliminating the 20 x1 blocks, 592 / 646 eliminating the 100 x2 blocks).
    fn eliminates_x1(&self) -> bool {
        self.n1 >= self.n2
    }

    /// π_c and q_c of cell c spread densely over all ny labels (zeros elsewhere) into
    /// `pf` and `qf`; returns the offsets of its x1 and x2 variables.
    fn dense_cell(&self, e: &Eval, c: usize, pf: &mut [f64], qf: &mut [f64]) -> (usize, usize) {
        let (a, b, r) = self.cell(c);
        pf.iter_mut().for_each(|v| *v = 0.0);
        qf.iter_mut().for_each(|v| *v = 0.0);
        for (k, &y) in r.clone().zip(&self.ys[r]) {
            pf[y as usize] = e.pi[k];
            qf[y as usize] = e.q[k];
        }
        (a, b)
    }

    /// out −= T_c v across cell c's x1–x2 block of H: from v's x1 variables into out's
    /// x2 variables if `down`, else the other way (T_c = diag(q_c) + κ w_c π_c π_cᵀ is
    /// symmetric).
    #[inline(always)]
    fn sub_cross_block(
        &self,
        e: &Eval,
        kappa: f64,
        c: usize,
        v: &[f64],
        out: &mut [f64],
        down: bool,
    ) {
        let (a, b, r) = self.cell(c);
        let (from, to) = if down { (a, b) } else { (b, a) };
        let ny = self.ny;
        let (q, pi) = (&e.q[r.clone()], &e.pi[r.clone()]);
        if r.len() == ny {
            // Full cell: contiguous slices, as in [`Problem::gather_cell`].
            let vs = &v[from..from + ny];
            let coef = kappa * e.w[c] * dot(pi, vs);
            for (((o, x), qk), p) in out[to..to + ny].iter_mut().zip(vs).zip(q).zip(pi) {
                *o -= qk * x + coef * p;
            }
        } else {
            let ys = &self.ys[r];
            let s: f64 = ys
                .iter()
                .zip(pi)
                .map(|(&y, p)| p * v[from + y as usize])
                .sum();
            let coef = kappa * e.w[c] * s;
            for ((&y, p), qk) in ys.iter().zip(pi).zip(q) {
                out[to + y as usize] -= qk * v[from + y as usize] + coef * p;
            }
        }
    }

    /// out = M⁻¹ r for the block incomplete Cholesky factor M = [[D1, 0], [Cᵀ, S̃]]
    /// · [[I, D1⁻¹C], [0, I]] of H = [[D1, C], [Cᵀ, D2]] (side 1 the eliminated one, see
    /// [`Problem::eliminates_x1`]; S̃ the block diagonal of the Schur complement):
    /// forward y1 = D1⁻¹r1, out2 = S̃⁻¹(r2 − Cᵀy1), back out1 = D1⁻¹(r1 − C out2).
    /// Unlike block Jacobi it follows the x1–x2 coupling, which near the end is as strong
    /// as the diagonal blocks (each block then has only a few live cells; it is exact
    /// when every block of side 1 has one). `t` is nvars scratch.
    #[allow(clippy::too_many_arguments)]
    fn apply_prec_coupled(
        &self,
        e: &Eval,
        kappa: f64,
        live: &[u32],
        blocks: &[f64],
        r: &[f64],
        out: &mut [f64],
        t: &mut [f64],
    ) {
        let n1y = self.n1 * self.ny;
        let (b1, b2) = blocks.split_at(n1y * self.ny);
        let x1_first = self.eliminates_x1();
        // Variables and blocks of the eliminated side (d) and of the other side (s).
        let ((dv, db), (sv, sb)) = if x1_first {
            ((0..n1y, b1), (n1y..r.len(), b2))
        } else {
            ((n1y..r.len(), b2), (0..n1y, b1))
        };
        self.apply_prec(db, &r[dv.clone()], &mut out[dv.clone()]);
        t.copy_from_slice(r);
        for &c in live {
            self.sub_cross_block(e, kappa, c as usize, out, t, x1_first);
        }
        self.apply_prec(sb, &t[sv.clone()], &mut out[sv]);
        for &c in live {
            self.sub_cross_block(e, kappa, c as usize, out, t, !x1_first);
        }
        self.apply_prec(db, &t[dv.clone()], &mut out[dv]);
    }

    fn apply_prec(&self, blocks: &[f64], r: &[f64], out: &mut [f64]) {
        let ny = self.ny;
        for ((blk, rv), ov) in blocks
            .chunks_exact(ny * ny)
            .zip(r.chunks_exact(ny))
            .zip(out.chunks_exact_mut(ny))
        {
            // The blocks are symmetric: accumulate columns (independent lanes) rather
            // than row dot products (one latency-bound running sum per row).
            ov.iter_mut().for_each(|o| *o = 0.0);
            for (col, &rj) in blk.chunks_exact(ny).zip(rv) {
                for (o, &m) in ov.iter_mut().zip(col) {
                    *o += m * rj;
                }
            }
        }
    }

    /// Solves H d = g by preconditioned conjugate gradients to relative residual `tol`
    /// (relative to ‖g‖), starting from the best multiple of `x0` if one is given.
    fn pcg(
        &self,
        e: &Eval,
        kappa: f64,
        g: &[f64],
        x0: Option<&[f64]>,
        tol: f64,
        max_iter: usize,
    ) -> (Vec<f64>, usize) {
        let n = g.len();
        let gnorm = dot(g, g).sqrt();
        let scale = e.w.iter().sum::<f64>().max(1e-300);
        let ridge = 1e-13 * scale;
        // Cells whose whole contribution to H (entries ≤ w_c, rank-one ≤ κ w_c) is below
        // 1e-18·Σw are left out of H: summed over all cells that is still far below the
        // 1e-13·Σw ridge. Near the end most cells are dead (w_c ≪ ε), and the Hessian
        // products then only touch the live ones (≈ 20 % of the cells at 50×50×10).
        let thr = 1e-18 * scale / (1.0 + kappa);
        let live: Vec<u32> = (0..self.ncells() as u32)
            .filter(|&c| e.w[c as usize] > thr)
            .collect();
        // Early on block Jacobi needs only a few iterations and is cheaper to build.
        let coupled = kappa >= COUPLED_PREC_KAPPA;
        let blocks = self.preconditioner(e, kappa, ridge, &live, coupled);
        let mut pt = vec![0.0; if coupled { n } else { 0 }];
        let prec = |r: &[f64], out: &mut [f64], pt: &mut [f64]| {
            if coupled {
                self.apply_prec_coupled(e, kappa, &live, &blocks, r, out, pt);
            } else {
                self.apply_prec(&blocks, r, out);
            }
        };
        let mut hp = vec![0.0; n];
        let mut r = g.to_vec();
        let mut x = vec![0.0; n];
        if let Some(x0) = x0 {
            // Start from the multiple of x0 closest to the solution in the H-norm.
            self.hess_vec(e, kappa, x0, &mut hp, ridge, &live);
            let s = dot(x0, g) / dot(x0, &hp);
            if s.is_finite() {
                x.iter_mut().zip(x0).for_each(|(xi, v)| *xi = s * v);
                r.iter_mut().zip(&hp).for_each(|(ri, hi)| *ri -= s * hi);
            }
        }
        let mut zv = vec![0.0; n];
        prec(&r, &mut zv, &mut pt);
        let mut p = zv.clone();
        let mut rz = dot(&r, &zv);
        let mut it = 0;
        if gnorm == 0.0 || dot(&r, &r).sqrt() <= tol * gnorm {
            return (x, 0);
        }
        while it < max_iter {
            it += 1;
            self.hess_vec(e, kappa, &p, &mut hp, ridge, &live);
            let php = dot(&p, &hp);
            if php <= 0.0 || !php.is_finite() {
                break;
            }
            let step = rz / php;
            for (xi, pi) in x.iter_mut().zip(&p) {
                *xi += step * pi;
            }
            for (ri, hi) in r.iter_mut().zip(&hp) {
                *ri -= step * hi;
            }
            let rnorm = dot(&r, &r).sqrt();
            if rnorm <= tol * gnorm {
                break;
            }
            prec(&r, &mut zv, &mut pt);
            let rz_new = dot(&r, &zv);
            let beta = rz_new / rz;
            rz = rz_new;
            for (pi, zi) in p.iter_mut().zip(&zv) {
                *pi = zi + beta * *pi;
            }
        }
        if trace_enabled() {
            eprintln!(
                "    pcg tol={tol:.0e} its={it} live={} kappa={kappa:.1e} coupled={coupled}",
                live.len()
            );
        }
        (x, it)
    }
}

/// Upper bound in nats on |H(q) − H(q')| when ‖q − q'‖₁ ≤ t over `n` cells
/// (Fannes–Audenaert-type continuity bound, applied to both entropies in
/// H(Y|X1,X2) = H(X1,X2,Y) − H(X1,X2)).
fn continuity_bound(t: f64, n: usize) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    let t = t.min(0.5);
    let hb = -t * t.ln() - (1.0 - t) * (1.0 - t).ln();
    2.0 * (t * (n.max(2) as f64).ln() + hb)
}

struct Certified {
    q: Vec<f64>,
    h_lower: f64,
    h_upper: f64,
    certificate: f64,
    residual: f64,
}

impl Problem {
    /// Makes cell entries `q` exactly feasible and brackets h* with the dual point `z`.
    fn certify(&self, q: &[f64], duals: &[&[f64]], q0: &[f64], opts: &CvxOptions) -> Certified {
        // Mixing in a sliver of the (feasible, full-support) product coupling keeps every
        // admissible entry positive, so scaling is well defined; by concavity of
        // H_q(Y|X1,X2) it lowers the objective by at most θ·ln|Y|, and h_lower is
        // evaluated after the mix anyway.
        let theta = 1e-13;
        let mut qf: Vec<f64> = q
            .iter()
            .zip(q0)
            .map(|(a, b)| (1.0 - theta) * a + theta * b)
            .collect();
        self.sinkhorn(&mut qf, 5.min(opts.max_sinkhorn));
        self.newton_scaling(&mut qf);
        if self.residual_l1(&qf) > 1e-15 {
            self.sinkhorn(&mut qf, opts.max_sinkhorn);
        }
        let residual = self.residual_l1(&qf);
        let h_lower = self.cond_entropy(&qf);
        let h_upper = duals
            .iter()
            .map(|z| -self.dual_bound(z))
            .fold(self.h_upper_theory, f64::min);
        if trace_enabled() {
            // Which bound is the binding one (central or extrapolated dual).
            let ups: Vec<String> = duals
                .iter()
                .map(|z| format!("{:.12e}", -self.dual_bound(z) / LN2))
                .collect();
            eprintln!("    certify h_lower={:.12e} uppers={ups:?}", h_lower / LN2);
        }
        // Rounding allowance: a few ulps of the entropies summed over the entries.
        let rounding = 1e-14 * (1.0 + h_lower.abs());
        let certificate =
            (h_upper - h_lower).max(0.0) + continuity_bound(residual, self.ys.len()) + rounding;
        Certified {
            q: qf,
            h_lower,
            h_upper,
            certificate,
            residual,
        }
    }

    fn to_table_layout(&self, q: &[f64]) -> Vec<f64> {
        let ny = self.ny;
        let mut out = vec![0.0; self.n1 * self.n2 * ny];
        for c in 0..self.ncells() {
            let (x1, x2) = (self.cell_x1[c] as usize, self.cell_x2[c] as usize);
            for k in self.cell(c).2 {
                out[(x1 * self.n2 + x2) * ny + self.ys[k] as usize] = q[k];
            }
        }
        out
    }
}

/// Computes the maximum-entropy coupling q* = argmax_{q ∈ Δp} H_q(Y | X1, X2), where
/// Δp = {q ≥ 0 : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y)}, with a certified bracket
/// `h_lower_bits ≤ h* ≤ h_upper_bits` on h* = H_{q*}(Y | X1, X2) in **bits**.
///
/// Errors only on invalid options or an unrecoverable floating-point failure; when the
/// caps in `opts` are hit, the best certified point is returned with `converged = false`
/// and an honest (wider) `certificate_bits`.
pub fn max_entropy_coupling(table: &JointTable, opts: &CvxOptions) -> Result<Coupling, PidError> {
    let mut best = solve(table, opts)?;
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
        let next = solve(table, &gentler)?;
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

fn solve(table: &JointTable, opts: &CvxOptions) -> Result<Coupling, PidError> {
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
const CG_RELATIVE_TOLERANCE: f64 = 0.1;

/// Relative residual of the tangent solves (predictor and extrapolated certificate),
/// which start from the previous tangent. Total CG on 20 tables at 50×50×10 (5 seeds,
/// 4 kinds): 1e-6 from zero 26807; warm-started 1e-4 18018, 3e-5 17671 (with fewer
/// Newton steps and tighter certificates than 1e-4); 3e-4 failed more certificates.
const TANGENT_CG_TOLERANCE: f64 = 3e-5;

/// Largest change of one dual variable λ(x1,y) or μ(x2,y) in one Newton step, in nats.
/// Not scaled by ε: entries with tiny softmax weight must be free to move by many nats
/// (reviving a label inside a cell); overflow of the cell masses exp(LSE/ε) is caught
/// by the line search.
const MAX_STEP: f64 = 50.0;

/// Newton steps after which a stage counts as failed (and is retried with a shorter
/// step in ε).
const MAX_STAGE_STEPS: usize = 25;

/// Alternating row/column passes when shifting a dual point to feasibility.
const DUAL_SHIFT_ROUNDS: usize = 50;

/// Early certification (after Newton steps that cut the residual 10×) starts once
/// ε·(1 + ln #cells) ≤ CERT_ZONE × tolerance (nats). With the extrapolated dual the
/// certificate shrinks roughly like ε² (4.9e-7 bits at ε = 3.2e-5, 1e-7 at 1e-5, 7e-9 at
/// 1e-6 on a dense 50×50×10); certifying from larger ε (1e4) cost more than it saved.
const CERT_ZONE: f64 = 1e3;

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

/// Inside the certification zone, the first early certificate of a stage is tried once
/// ‖∇Φ‖₁ ≤ this (then after every further 10× drop). 1e-5 / 1e-4 / 1e-3: CG 1013 / 906 /
/// 871 on the dense 50×50×10, but 1e-3 costs more on the near-deterministic 20×20×10.
const EARLY_CERT_RESIDUAL: f64 = 1e-4;

/// Cap on CG iterations per Newton system (truncated CG still gives a descent
/// direction; the line search takes care of the rest). With 400 the stiff last stage of
/// near-deterministic tables spent 400-iteration solves for little extra progress:
/// 400 / 150 / 80 → CG 1847 / 1596 / 1560 (near-det 50×50×10), Newton steps 32 / 32 / 34.
const MAX_NEWTON_CG: usize = 150;

/// Largest marginal residual ‖∇Φ‖₁ accepted at a predicted point; beyond it the step
/// in ε is shortened. (Measured: a dead cell after a too-long step costs dozens of
/// capped Newton steps to revive, a shorter step costs one more predictor.) 0.05 was
/// best while stages centred to ‖∇Φ‖₁ ≤ 1e-3; with `CENTRED_RESIDUAL` = 1e-2, 0.1 / 0.2 /
/// 0.3 → Newton 373 / 382 / 392 and CPU −10 / −21 / −17 % over 16 tables at 50×50×10.
const PREDICTOR_ACCEPT: f64 = 0.2;

/// A stage counts as centred once ‖∇Φ‖₁ ≤ min(10 ε, this) (and the Newton decrement is
/// small). Early stages (large ε) are only stepping stones for the predictor, and
/// converge fast, so they need not be centred tightly: 1e-3 → 1e-2 cut Newton steps by
/// 21 % (474 → 374 over 16 tables at 50×50×10) without more failed predictions.
const CENTRED_RESIDUAL: f64 = 1e-2;

/// κ = 1/ε − 1 from which CG uses the block incomplete Cholesky preconditioner instead
/// of block Jacobi (ε ≤ 3.3e-4). Measured at 50×50×10 (CG dense / sparse / near-det):
/// block Jacobi 500 / 688 / 860, from κ = 300: 164 / 252 / 241, from 3000:
/// 186 / 283 / 289; from 3000 is the fastest in CPU time (the coupled preconditioner
/// costs about twice as much to build and apply, and the early stages need few iterations).
const COUPLED_PREC_KAPPA: f64 = 3e3;

/// Progress lines on stderr for native builds compiled with `CVX_TRACE` set.
fn trace_enabled() -> bool {
    cfg!(not(target_arch = "wasm32")) && option_env!("CVX_TRACE").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::random::{random_table, TableKind};

    fn table() -> JointTable {
        random_table(
            [4, 3, 3],
            TableKind::Dirichlet {
                concentration_percent: 100,
            },
            9,
        )
    }

    #[test]
    fn product_coupling_is_central_at_epsilon_one() {
        let prob = Problem::new(&table());
        let z = prob.central_start();
        let e = prob.eval(&z, 1.0).unwrap();
        let g: f64 = e.grad.iter().map(|v| v.abs()).sum();
        assert!(g < 1e-14, "gradient {g}");
    }

    #[test]
    fn any_dual_point_bounds_every_feasible_coupling() {
        let prob = Problem::new(&table());
        let q0 = prob.product_coupling();
        let h0 = prob.cond_entropy(&q0);
        let mut rng = crate::pid::random::SplitMix64::new(3);
        for _ in 0..20 {
            let z: Vec<f64> = (0..prob.nvars()).map(|_| rng.normal()).collect();
            assert!(-prob.dual_bound(&z) >= h0 - 1e-12);
        }
    }

    #[test]
    fn newton_scaling_restores_the_marginals() {
        let prob = Problem::new(&table());
        let mut q = prob.product_coupling();
        let mut rng = crate::pid::random::SplitMix64::new(5);
        for v in q.iter_mut() {
            *v *= 1.0 + 0.2 * (rng.uniform() - 0.5);
        }
        prob.newton_scaling(&mut q);
        assert!(prob.residual_l1(&q) < 1e-15);
    }

    #[test]
    fn coupled_preconditioner_is_exact_with_one_cell_per_block() {
        // With n2 = 1 (n1 = 1) every x1 (x2) has a single cell, the Schur complement has
        // no off-diagonal blocks to drop, and M = H: M⁻¹ solves H x = r.
        for shape in [[5, 1, 4], [1, 5, 4]] {
            coupled_preconditioner_solves(shape);
        }
    }

    fn coupled_preconditioner_solves(shape: [usize; 3]) {
        let t = random_table(
            shape,
            TableKind::Dirichlet {
                concentration_percent: 100,
            },
            3,
        );
        let prob = Problem::new(&t);
        let mut rng = crate::pid::random::SplitMix64::new(4);
        let mut z = prob.central_start();
        z.iter_mut().for_each(|v| *v += 0.2 * (rng.uniform() - 0.5));
        let (eps, n) = (0.2, prob.nvars());
        let e = prob.eval(&z, eps).unwrap();
        let live: Vec<u32> = (0..prob.ncells() as u32).collect();
        let kappa = 1.0 / eps - 1.0;
        let blocks = prob.preconditioner(&e, kappa, 0.0, &live, true);
        let v: Vec<f64> = (0..n).map(|_| rng.uniform() - 0.5).collect();
        let mut r = vec![0.0; n];
        prob.hess_vec(&e, kappa, &v, &mut r, 0.0, &live);
        let (mut x, mut t, mut hx) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        prob.apply_prec_coupled(&e, kappa, &live, &blocks, &r, &mut x, &mut t);
        prob.hess_vec(&e, kappa, &x, &mut hx, 0.0, &live);
        let err: f64 = hx.iter().zip(&r).map(|(a, b)| (a - b).abs()).sum();
        let scale: f64 = r.iter().map(|a| a.abs()).sum();
        assert!(err <= 1e-9 * scale, "{err:e} vs {scale:e}");
    }

    #[test]
    fn exp_fast_is_accurate() {
        let mut rng = crate::pid::random::SplitMix64::new(8);
        for i in 0..200_000 {
            let x = if i % 2 == 0 {
                -708.0 + 1408.0 * rng.uniform()
            } else {
                2.0 * rng.uniform() - 1.0
            };
            let (got, want) = (exp_fast(x), x.exp());
            assert!((got - want).abs() <= 4e-16 * want, "{x}: {got} vs {want}");
        }
        assert_eq!(exp_fast(-709.0), 0.0);
        assert_eq!(exp_fast(f64::NEG_INFINITY), 0.0);
        assert!(exp_fast(f64::NAN).is_nan());
        assert_eq!(exp_fast(0.0), 1.0);
    }

    #[test]
    fn continuity_bound_vanishes_with_the_residual() {
        assert_eq!(continuity_bound(0.0, 100), 0.0);
        assert!(continuity_bound(1e-16, 100) < 1e-13);
        assert!(continuity_bound(1e-3, 100) > 1e-3);
    }

    #[test]
    fn coupling_is_certified_and_feasible() {
        let t = table();
        let c = max_entropy_coupling(&t, &CvxOptions::default()).unwrap();
        assert!(c.converged && c.certificate_bits <= CvxOptions::default().tolerance_bits);
        assert!(c.h_lower_bits <= c.h_upper_bits + 1e-12);
        assert!(c.feasibility_l1 < 1e-14);
    }
}
