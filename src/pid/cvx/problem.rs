//! The support-reduced problem: cells (x1, x2) with their admissible labels, the
//! marginals α, β that constrain them, and the dual variables' layout.
//!
//! A *cell* is a pair (x1, x2) with p(x1) > 0 and p(x2) > 0; its admissible labels are
//! the y with α(x1,y) > 0 and β(x2,y) > 0 (every other entry of a coupling in Δp is 0).
//! Cells without admissible labels are dropped. Cell entries are stored flat: entry k of
//! cell c is label `ys[k]`, k ∈ `start[c]..start[c+1]`. The dual variables z = (λ, μ) are
//! λ(x1,y) at `x1 * ny + y` followed by μ(x2,y) at `(n1 + x2) * ny + y`, in nats.

use super::LN2;
use crate::table::JointTable;

/// The support-reduced problem: cells (x1, x2) with their admissible labels.
pub(super) struct Problem {
    /// The table's shape `[n1, n2, ny]`.
    pub(super) n1: usize,
    pub(super) n2: usize,
    pub(super) ny: usize,
    /// α(x1, y) = p(x1, y), `x1 * ny + y`.
    pub(super) alpha: Vec<f64>,
    /// β(x2, y) = p(x2, y), `x2 * ny + y`.
    pub(super) beta: Vec<f64>,
    /// p(y).
    pub(super) p_y: Vec<f64>,
    /// p(x1) and p(x2).
    pub(super) p_x1: Vec<f64>,
    pub(super) p_x2: Vec<f64>,
    /// x1 and x2 of cell c.
    pub(super) cell_x1: Vec<u32>,
    pub(super) cell_x2: Vec<u32>,
    /// Entries of cell c are `start[c]..start[c+1]` in `ys`.
    pub(super) start: Vec<u32>,
    /// The label y of each cell entry.
    pub(super) ys: Vec<u32>,
    /// Upper bound min(H(Y|X1), H(Y|X2)) on h*, in nats.
    pub(super) h_upper_theory: f64,
}

impl Problem {
    /// The cells and admissible labels of `table`, with its marginals.
    pub(super) fn new(table: &JointTable) -> Problem {
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

    /// Cells with at least one admissible label.
    pub(super) fn ncells(&self) -> usize {
        self.cell_x1.len()
    }

    /// Dual variables, (n1 + n2)·ny.
    pub(super) fn nvars(&self) -> usize {
        (self.n1 + self.n2) * self.ny
    }

    /// Cell c's offsets of its λ(x1, ·) and μ(x2, ·) in z, and the range of its entries.
    #[inline]
    pub(super) fn cell(&self, c: usize) -> (usize, usize, std::ops::Range<usize>) {
        (
            self.cell_x1[c] as usize * self.ny,
            (self.n1 + self.cell_x2[c] as usize) * self.ny,
            self.start[c] as usize..self.start[c + 1] as usize,
        )
    }

    /// The product coupling q0(x1,x2,y) = p(x1,y)·p(x2,y)/p(y) on the cell entries:
    /// always in Δp, and the maximiser of the joint entropy H(X1,X2,Y) over Δp.
    pub(super) fn product_coupling(&self) -> Vec<f64> {
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
    pub(super) fn central_start(&self) -> Vec<f64> {
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
    pub(super) fn cond_entropy(&self, q: &[f64]) -> f64 {
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
    pub(super) fn residual_l1(&self, q: &[f64]) -> f64 {
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

    /// Cell entries `q` spread into the table's layout `(x1 * n2 + x2) * ny + y` (zeros
    /// elsewhere).
    pub(super) fn to_table_layout(&self, q: &[f64]) -> Vec<f64> {
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

    /// out_k = v(x1, y_k) + v(x2, y_k) over the entries k of cell c = (x1, x2).
    #[inline(always)]
    pub(super) fn gather_cell(&self, c: usize, v: &[f64], out: &mut [f64]) {
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
    pub(super) fn scatter_cell(&self, c: usize, u: &[f64], out: &mut [f64]) {
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
}
