//! Preconditioners for the Newton system H d = g (see [`super::newton`]): block Jacobi
//! over the ny×ny diagonal blocks of H per x1 and per x2, and a block incomplete Cholesky
//! factor that follows the x1–x2 coupling in the stiff stages.

use super::dual::Eval;
use super::problem::Problem;
use crate::numeric::cholesky::{cholesky_in_place, spd_inverse_from_cholesky};
use crate::numeric::dot;

/// Scratch for [`BlockScratch::invert`], sized for ny×ny blocks.
struct BlockScratch {
    ny: usize,
    active: Vec<usize>,
    sub: Vec<f64>,
    linv: Vec<f64>,
}

impl BlockScratch {
    fn new(ny: usize) -> Self {
        Self {
            ny,
            active: Vec::with_capacity(ny),
            sub: vec![0.0; ny * ny],
            linv: vec![0.0; ny * ny],
        }
    }

    /// Replaces the symmetric block (lower triangle filled) plus `ridge`·I by its
    /// explicit inverse. A label no cell of the block carries has a zero row, so the
    /// block is the direct sum of its active labels' k×k part and `ridge`·I: only the
    /// k×k part is factored (k³ instead of ny³ flops; with 1,000 classes and 20 clusters
    /// k is about a quarter of ny and the preconditioner ~60× cheaper). The arithmetic
    /// on the active part is the same as on the whole block (the skipped terms are
    /// exact zeros), so the solver's results are unchanged.
    /// Returns the active labels when they are fewer than ny.
    fn invert(&mut self, blk: &mut [f64], ridge: f64) -> Option<Vec<u32>> {
        let ny = self.ny;
        self.active.clear();
        self.active
            .extend((0..ny).filter(|&i| (0..ny).any(|j| blk[i.max(j) * ny + i.min(j)] != 0.0)));
        let k = self.active.len();
        if k == ny {
            for i in 0..ny {
                blk[i * ny + i] += ridge;
            }
            cholesky_in_place(blk, ny);
            spd_inverse_from_cholesky(blk, ny, &mut self.linv);
            return None;
        }
        let (sub, linv) = (&mut self.sub[..k * k], &mut self.linv[..k * k]);
        for (r, &i) in self.active.iter().enumerate() {
            for (c, &j) in self.active[..=r].iter().enumerate() {
                sub[r * k + c] = blk[i * ny + j];
            }
            sub[r * k + r] += ridge;
        }
        cholesky_in_place(sub, k);
        spd_inverse_from_cholesky(sub, k, linv);
        // An inactive label's 1×1 block: the same pivot rule as [`cholesky_in_place`].
        let pivot = if ridge > 1e-300 { ridge } else { 1.0 };
        let lone = 1.0 / pivot.sqrt();
        blk.iter_mut().for_each(|v| *v = 0.0);
        for i in 0..ny {
            blk[i * ny + i] = lone * lone;
        }
        for (r, &i) in self.active.iter().enumerate() {
            for (c, &j) in self.active.iter().enumerate() {
                blk[i * ny + j] = sub[r * k + c];
            }
        }
        Some(self.active.iter().map(|&i| i as u32).collect())
    }
}

/// The preconditioner's ny×ny inverse blocks, X1's then X2's, each with its active
/// labels when a block has fewer than ny (applying it then skips the zero rows).
pub(super) struct Blocks {
    pub(super) values: Vec<f64>,
    pub(super) active: Vec<Option<Vec<u32>>>,
}

impl Problem {
    /// The preconditioner's ny×ny blocks, as explicit inverses: per x1 the inverse of H's
    /// diagonal block D1(x1); per x2 the inverse of D2(x2) (block Jacobi) or, if
    /// `coupled`, of the diagonal block of the Schur complement D2 − Cᵀ D1⁻¹ C, where
    /// C holds the x1–x2 blocks T_c (block incomplete Cholesky, see
    /// [`Problem::apply_prec_coupled`]).
    pub(super) fn preconditioner(
        &self,
        e: &Eval,
        kappa: f64,
        ridge: f64,
        live: &[u32],
        coupled: bool,
    ) -> Blocks {
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
            let kw = kappa * e.w[c];
            let (a, b, r) = self.cell(c);
            if r.len() * 2 < ny {
                // A cell with few of the labels (many classes): add its entries one by
                // one, O(labels²) instead of O(ny²); the same sums as the dense path.
                let (ys, pi, q) = (&self.ys[r.clone()], &e.pi[r.clone()], &e.q[r]);
                for base in [a / ny, b / ny] {
                    let blk = &mut blocks[base * ny * ny..(base + 1) * ny * ny];
                    for (i, (&yi, &p_i)) in ys.iter().zip(pi).enumerate() {
                        let (row, f) = (yi as usize * ny, kw * p_i);
                        for (&yj, &p_j) in ys[..i].iter().zip(pi) {
                            blk[row + yj as usize] += f * p_j;
                        }
                        blk[row + yi as usize] += f * p_i + q[i];
                    }
                }
                continue;
            }
            self.dense_cell(e, c, &mut pf, &mut qf);
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
        let mut scratch = BlockScratch::new(ny);
        let mut active = vec![None; nb];
        let mut invert = |blk: &mut [f64], index: usize| active[index] = scratch.invert(blk, ridge);
        if !coupled {
            for (index, blk) in blocks.chunks_exact_mut(ny * ny).enumerate() {
                invert(blk, index);
            }
            return Blocks {
                values: blocks,
                active,
            };
        }
        // The eliminated side's blocks (`d`, first block index d0) and the other side's.
        let x1_first = self.eliminates_x1();
        let (lo, hi) = blocks.split_at_mut(self.n1 * ny * ny);
        let ((d, d0), (s2, s0)) = if x1_first {
            ((lo, 0), (hi, self.n1))
        } else {
            ((hi, self.n1), (lo, 0))
        };
        for (index, blk) in d.chunks_exact_mut(ny * ny).enumerate() {
            invert(blk, d0 + index);
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
            let blk = &mut s2[(to - s0) * ny * ny..(to - s0 + 1) * ny * ny];
            let r = self.cell(c).2;
            if r.len() * 2 < ny {
                // Few labels: only their rows and columns change (q, π and u vanish
                // elsewhere), O(labels·ny) instead of O(ny²); the same sums as below.
                let ys = &self.ys[r];
                for &y in ys {
                    let y = y as usize;
                    v[y] = dot(&dinv[y * ny..(y + 1) * ny], &pf);
                }
                let s = kw * kw * dot(&v, &pf);
                for &y in ys {
                    v[y as usize] *= kw * qf[y as usize];
                }
                for (i, &yi) in ys.iter().enumerate() {
                    let yi = yi as usize;
                    let (qi, pfi, ci) = (qf[yi], pf[yi], v[yi] + s * pf[yi]);
                    for &yj in &ys[..=i] {
                        let yj = yj as usize;
                        blk[yi * ny + yj] -=
                            qi * qf[yj] * dinv[yi * ny + yj] + ci * pf[yj] + pfi * v[yj];
                    }
                }
                // v off these labels must not leak into the next cell's dot(v, π).
                ys.iter().for_each(|&y| v[y as usize] = 0.0);
                continue;
            }
            for (vi, row) in v.iter_mut().zip(dinv.chunks_exact(ny)) {
                *vi = dot(row, &pf);
            }
            let s = kw * kw * dot(&v, &pf);
            v.iter_mut().zip(&qf).for_each(|(vi, qi)| *vi *= kw * qi);
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
        for (index, blk) in s2.chunks_exact_mut(ny * ny).enumerate() {
            invert(blk, s0 + index);
        }
        Blocks {
            values: blocks,
            active,
        }
    }

    /// Whether the coupled preconditioner eliminates x1 (else x2): the side with more
    /// blocks, whose nodes then have fewer live cells each, so less of the Schur
    /// complement is dropped (20×100×10, seed 42, dense / near-det: CG 1253 / 1828
    /// eliminating the 20 x1 blocks, 592 / 646 eliminating the 100 x2 blocks).
    pub(super) fn eliminates_x1(&self) -> bool {
        self.n1 >= self.n2
    }

    /// π_c and q_c of cell c spread densely over all ny labels (zeros elsewhere) into
    /// `pf` and `qf`; returns the offsets of its x1 and x2 variables.
    pub(super) fn dense_cell(
        &self,
        e: &Eval,
        c: usize,
        pf: &mut [f64],
        qf: &mut [f64],
    ) -> (usize, usize) {
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
    pub(super) fn sub_cross_block(
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
    pub(super) fn apply_prec_coupled(
        &self,
        e: &Eval,
        kappa: f64,
        live: &[u32],
        blocks: &Blocks,
        r: &[f64],
        out: &mut [f64],
        t: &mut [f64],
    ) {
        let n1y = self.n1 * self.ny;
        let (v1, v2) = blocks.values.split_at(n1y * self.ny);
        let (a1, a2) = blocks.active.split_at(self.n1);
        let (b1, b2) = ((v1, a1), (v2, a2));
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

    /// out = M⁻¹ r for block Jacobi: each variable block times its inverse block.
    pub(super) fn apply_prec(
        &self,
        (values, active): (&[f64], &[Option<Vec<u32>>]),
        r: &[f64],
        out: &mut [f64],
    ) {
        let ny = self.ny;
        for (((blk, labels), rv), ov) in values
            .chunks_exact(ny * ny)
            .zip(active)
            .zip(r.chunks_exact(ny))
            .zip(out.chunks_exact_mut(ny))
        {
            ov.iter_mut().for_each(|o| *o = 0.0);
            let Some(labels) = labels else {
                // The blocks are symmetric: accumulate columns (independent lanes)
                // rather than row dot products (one latency-bound running sum per row).
                for (col, &rj) in blk.chunks_exact(ny).zip(rv) {
                    for (o, &m) in ov.iter_mut().zip(col) {
                        *o += m * rj;
                    }
                }
                continue;
            };
            // Inactive labels have only their diagonal; the active part is the same sum
            // as above without its exact zeros.
            for (i, (o, &ri)) in ov.iter_mut().zip(rv).enumerate() {
                *o = blk[i * ny + i] * ri;
            }
            labels.iter().for_each(|&i| ov[i as usize] = 0.0);
            for &j in labels {
                let (col, rj) = (&blk[j as usize * ny..(j as usize + 1) * ny], rv[j as usize]);
                for &i in labels {
                    ov[i as usize] += col[i as usize] * rj;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::random::{random_table, TableKind};

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
        let mut rng = crate::rng::SplitMix64::new(4);
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
}
