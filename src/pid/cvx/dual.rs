//! The entropically smoothed dual and its evaluation.
//!
//! Φ_ε(λ,μ) = Σ α λ + Σ β μ − ε Σ_c exp(LSE_c/ε), LSE_c = ln Σ_y exp(λ(x1,y) + μ(x2,y))
//! (nats). Its maximiser gives the primal point q_c = w_c softmax(λ+μ) with cell masses
//! w_c = exp(LSE_c/ε), and ∇Φ_ε = (α, β) − marginals(q) is the marginal residual.

use super::problem::Problem;

/// e^x to within a few ulps, branch-free so that loops over it vectorise: x = k ln 2 + r
/// with |r| ≤ ln 2 / 2 (Cody–Waite), e^r by its Taylor polynomial of degree 13
/// (remainder < 1e-17), 2^k assembled in the exponent bits. 0 below −708 (where e^x is
/// subnormal), NaN for NaN; callers keep x ≤ 700. Replaces libm's `exp` in the solver's
/// hot loops: in WebAssembly that is a software routine and was 18 % of the profile.
#[inline(always)]
pub(super) fn exp_fast(x: f64) -> f64 {
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

/// The largest element (−∞ if empty), NaNs ignored. Not `f64::max`: WebAssembly has no
/// instruction with its NaN rules and calls `fmax` (4 % of the wasm profile).
#[inline]
pub(super) fn max_of(v: &[f64]) -> f64 {
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
pub(super) struct Eval {
    /// Φ_ε(z), nats.
    pub(super) phi: f64,
    /// q on the cell entries.
    pub(super) q: Vec<f64>,
    /// softmax(λ+μ) per cell entry.
    pub(super) pi: Vec<f64>,
    /// The cell masses w_c = exp(LSE_c/ε).
    pub(super) w: Vec<f64>,
    /// LSE_c = ln Σ_y exp(λ(x1,y) + μ(x2,y)), nats.
    pub(super) l: Vec<f64>,
    /// ∇Φ = (α, β) − marginals(q).
    pub(super) grad: Vec<f64>,
}

impl Problem {
    /// The dual's linear part Σ α(x1,y)·λ(x1,y) + Σ β(x2,y)·μ(x2,y), in nats.
    pub(super) fn linear_term(&self, z: &[f64]) -> f64 {
        let n1y = self.n1 * self.ny;
        let dot = |w: &[f64], v: &[f64]| w.iter().zip(v).map(|(a, b)| a * b).sum::<f64>();
        dot(&self.alpha, &z[..n1y]) + dot(&self.beta, &z[n1y..])
    }

    /// LSE_c = log Σ_y exp(λ(x1,y) + μ(x2,y)) of cell c at z, with `buf` (length ≥ ny) as
    /// scratch. The exponentials are [`exp_fast`]'s (within a few ulps: in the dual bound
    /// that is far inside the certificate's 1e-14 rounding allowance).
    pub(super) fn cell_lse(&self, c: usize, z: &[f64], buf: &mut [f64]) -> f64 {
        let s = &mut buf[..self.cell(c).2.len()];
        self.gather_cell(c, z, s);
        let m = max_of(s);
        if !m.is_finite() {
            return m;
        }
        m + s.iter().map(|v| exp_fast(v - m)).sum::<f64>().ln()
    }

    pub(super) fn eval(&self, z: &[f64], eps: f64) -> Option<Eval> {
        let mut e = Eval::default();
        self.eval_into(z, eps, &mut e).then_some(e)
    }

    /// [`Problem::eval`] into `out`'s buffers (false on overflow): the line search and
    /// the predictor recycle them, because fresh 200 kB vectors per trial point cost page
    /// faults and zeroing natively (≈ 8 % of the profile at 50×50×10).
    pub(super) fn eval_into(&self, z: &[f64], eps: f64, out: &mut Eval) -> bool {
        self.softmax_into(z, out);
        self.masses_into(z, eps, out)
    }

    /// The ε-independent part of an evaluation: π_c = softmax(λ+μ) and LSE_c per cell.
    pub(super) fn softmax_into(&self, z: &[f64], out: &mut Eval) {
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
    pub(super) fn masses_into(&self, z: &[f64], eps: f64, out: &mut Eval) -> bool {
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
    pub(super) fn balance_masses(&self, z: &mut [f64], l: &mut [f64], eps: f64, rounds: usize) {
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
    pub(super) fn tangent_rhs(&self, e: &Eval, eps: f64) -> Vec<f64> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::cvx::test_table;

    #[test]
    fn product_coupling_is_central_at_epsilon_one() {
        let prob = Problem::new(&test_table());
        let z = prob.central_start();
        let e = prob.eval(&z, 1.0).unwrap();
        let g: f64 = e.grad.iter().map(|v| v.abs()).sum();
        assert!(g < 1e-14, "gradient {g}");
    }

    #[test]
    fn exp_fast_is_accurate() {
        let mut rng = crate::rng::SplitMix64::new(8);
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
}
