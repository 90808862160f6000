//! The certificate: an exactly feasible primal point (matrix scaling per label) and a
//! feasible dual point bracket h* = max_{q ∈ Δp} H_q(Y | X1, X2), in nats.

use super::problem::Problem;
use super::CvxOptions;
use crate::numeric::cholesky::{cholesky_in_place, cholesky_solve};

/// A certified point, in nats: h_lower ≤ h* ≤ h_upper up to the infeasibility allowance.
#[derive(Clone)]
pub(super) struct Certified {
    /// The exactly feasible primal point (cell entries).
    pub(super) q: Vec<f64>,
    /// H_q(Y | X1, X2) of `q`.
    pub(super) h_lower: f64,
    /// The best upper bound on h*: min(H(Y|X1), H(Y|X2)) and the dual bounds.
    pub(super) h_upper: f64,
    /// The upper bound from each dual point given, in order.
    pub(super) dual_uppers: Vec<f64>,
    /// (h_upper − h_lower)⁺ + continuity bound of the residual + rounding allowance.
    pub(super) certificate: f64,
    /// L1 marginal residual of `q`.
    pub(super) residual: f64,
}

impl Problem {
    /// Makes cell entries `q` exactly feasible and brackets h* with the dual points
    /// `duals` (each a valid bound; the best is kept).
    pub(super) fn certify(
        &self,
        q: &[f64],
        duals: &[&[f64]],
        q0: &[f64],
        opts: &CvxOptions,
    ) -> Certified {
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
        let dual_uppers: Vec<f64> = duals.iter().map(|z| -self.dual_bound(z)).collect();
        let h_upper = dual_uppers
            .iter()
            .copied()
            .fold(self.h_upper_theory, f64::min);
        // Rounding allowance: a few ulps of the entropies summed over the entries.
        let rounding = 1e-14 * (1.0 + h_lower.abs());
        let certificate =
            (h_upper - h_lower).max(0.0) + continuity_bound(residual, self.ys.len()) + rounding;
        Certified {
            q: qf,
            h_lower,
            h_upper,
            dual_uppers,
            certificate,
            residual,
        }
    }

    /// Sinkhorn scaling per label onto the marginals α(·,y), β(·,y), in place.
    /// Returns the number of sweeps. Entries must be positive on every cell entry.
    pub(super) fn sinkhorn(&self, q: &mut [f64], max_sweeps: usize) -> usize {
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
    pub(super) fn newton_scaling(&self, q: &mut [f64]) {
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

    /// A feasible dual value (nats) from any (λ, μ): a certified lower bound on
    /// min_q −H_q(Y|X1,X2), so minus it is an upper bound on h*.
    ///
    /// Shifting λ(x1,·) by −a(x1) and μ(x2,·) by −b(x2) with a(x1) + b(x2) ≥ LSE_c for
    /// every cell makes every constraint LSE ≤ 0 hold and changes the dual objective by
    /// −Σ p(x1)a − Σ p(x2)b. The best such shift solves a small transport LP; we take
    /// a(x1) = max_x2 LSE_c (b = 0), then alternate b(x2) = max_x1 (LSE_c − a(x1)) and
    /// a(x1) = max_x2 (LSE_c − b(x2)) (each iterate is feasible, the objective never
    /// decreases), which recovers most of what a single row shift leaves on the table.
    pub(super) fn dual_bound(&self, z: &[f64]) -> f64 {
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

/// Alternating row/column passes when shifting a dual point to feasibility.
pub(super) const DUAL_SHIFT_ROUNDS: usize = 50;

/// Upper bound in nats on |H(q) − H(q')| when ‖q − q'‖₁ ≤ t over `n` cells
/// (Fannes–Audenaert-type continuity bound, applied to both entropies in
/// H(Y|X1,X2) = H(X1,X2,Y) − H(X1,X2)).
pub(super) fn continuity_bound(t: f64, n: usize) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    let t = t.min(0.5);
    let hb = -t * t.ln() - (1.0 - t) * (1.0 - t).ln();
    2.0 * (t * (n.max(2) as f64).ln() + hb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::cvx::test_table;

    #[test]
    fn any_dual_point_bounds_every_feasible_coupling() {
        let prob = Problem::new(&test_table());
        let q0 = prob.product_coupling();
        let h0 = prob.cond_entropy(&q0);
        let mut rng = crate::rng::SplitMix64::new(3);
        for _ in 0..20 {
            let z: Vec<f64> = (0..prob.nvars()).map(|_| rng.normal()).collect();
            assert!(-prob.dual_bound(&z) >= h0 - 1e-12);
        }
    }

    #[test]
    fn newton_scaling_restores_the_marginals() {
        let prob = Problem::new(&test_table());
        let mut q = prob.product_coupling();
        let mut rng = crate::rng::SplitMix64::new(5);
        for v in q.iter_mut() {
            *v *= 1.0 + 0.2 * (rng.uniform() - 0.5);
        }
        prob.newton_scaling(&mut q);
        assert!(prob.residual_l1(&q) < 1e-15);
    }

    #[test]
    fn continuity_bound_vanishes_with_the_residual() {
        assert_eq!(continuity_bound(0.0, 100), 0.0);
        assert!(continuity_bound(1e-16, 100) < 1e-13);
        assert!(continuity_bound(1e-3, 100) > 1e-3);
    }
}
