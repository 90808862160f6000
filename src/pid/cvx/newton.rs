//! The Newton system of the smoothed dual: H d = ∇Φ_ε with
//! H = −∇²Φ_ε = Σ_c P_cᵀ (diag(q_c) + κ w_c π_c π_cᵀ) P_c, κ = 1/ε − 1, solved by
//! preconditioned conjugate gradients from Hessian–vector products (O(#entries) each).

use super::dual::Eval;
use super::problem::Problem;
use crate::numeric::dot;

/// κ = 1/ε − 1 from which CG uses the block incomplete Cholesky preconditioner instead
/// of block Jacobi (ε ≤ 3.3e-4). Measured at 50×50×10 (CG dense / sparse / near-det):
/// block Jacobi 500 / 688 / 860, from κ = 300: 164 / 252 / 241, from 3000:
/// 186 / 283 / 289; from 3000 is the fastest in CPU time (the coupled preconditioner
/// costs about twice as much to build and apply, and the early stages need few iterations).
pub(super) const COUPLED_PREC_KAPPA: f64 = 3e3;

/// What one [`Problem::pcg`] solve took.
pub(super) struct CgStats {
    /// CG iterations.
    pub(super) iterations: usize,
    /// Cells included in the Hessian products.
    pub(super) live_cells: usize,
    /// Whether the block incomplete Cholesky preconditioner was used.
    pub(super) coupled: bool,
}

impl Problem {
    /// out = H v, H = −∇²Φ_ε = Σ_c P_cᵀ (diag(q_c) + κ w_c π_c π_cᵀ) P_c, κ = 1/ε − 1.
    /// Only the cells in `live` are included.
    pub(super) fn hess_vec(
        &self,
        e: &Eval,
        kappa: f64,
        v: &[f64],
        out: &mut [f64],
        ridge: f64,
        live: &[u32],
    ) {
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

    /// Solves H d = g by preconditioned conjugate gradients to relative residual `tol`
    /// (relative to ‖g‖), starting from the best multiple of `x0` if one is given.
    /// Returns d and what the solve took.
    pub(super) fn pcg(
        &self,
        e: &Eval,
        kappa: f64,
        g: &[f64],
        x0: Option<&[f64]>,
        tol: f64,
        max_iter: usize,
    ) -> (Vec<f64>, CgStats) {
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
                self.apply_prec((&blocks.values, &blocks.active), r, out);
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
        let stats = |iterations| CgStats {
            iterations,
            live_cells: live.len(),
            coupled,
        };
        if gnorm == 0.0 || dot(&r, &r).sqrt() <= tol * gnorm {
            return (x, stats(0));
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
        (x, stats(it))
    }
}
