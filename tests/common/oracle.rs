//! Independent oracle for h* = max_{q ∈ Δp} H_q(Y|X1,X2): the exponential-cone program
//! solved by the generic interior-point solver clarabel (a dev-dependency only).
//!
//! Variables x = [q_k, t_k] over the admissible entries k = (x1, x2, y); maximise Σ t_k
//! subject to (t_k, q_k, Σ_y' q(x1,x2,y')) ∈ K_exp, i.e. q·exp(t/q) ≤ w, which is
//! t ≤ q ln(w/q) (clarabel's convention: (x, y, z) with y·exp(x/y) ≤ z), and the
//! marginal equalities q(x1,y) = p(x1,y), q(x2,y) = p(x2,y) (one redundant column
//! equality per label dropped).

#![allow(dead_code)]

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};
use pidscope::JointTable;

/// h* in bits, or `None` if clarabel did not report a solution.
pub fn oracle_h_star_bits(table: &JointTable) -> Option<f64> {
    let [n1, n2, ny] = table.shape();
    let alpha = table.p_x1_y();
    let beta = table.p_x2_y();
    // Admissible entries, grouped by cell.
    let mut entries = Vec::new(); // (x1, x2, y)
    let mut cells: Vec<(usize, usize)> = Vec::new(); // range in entries
    for x1 in 0..n1 {
        for x2 in 0..n2 {
            let start = entries.len();
            for y in 0..ny {
                if alpha[x1 * ny + y] > 0.0 && beta[x2 * ny + y] > 0.0 {
                    entries.push((x1, x2, y));
                }
            }
            if entries.len() > start {
                cells.push((start, entries.len()));
            }
        }
    }
    let m = entries.len();
    if m == 0 {
        return Some(0.0);
    }
    let nvar = 2 * m;
    let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
    let mut b = Vec::new();
    // Equalities.
    let mut row = 0;
    for x1 in 0..n1 {
        for y in 0..ny {
            if alpha[x1 * ny + y] > 0.0 {
                for (k, &(a, _, yy)) in entries.iter().enumerate() {
                    if a == x1 && yy == y {
                        rows.push(row);
                        cols.push(k);
                        vals.push(1.0);
                    }
                }
                b.push(alpha[x1 * ny + y]);
                row += 1;
            }
        }
    }
    for y in 0..ny {
        let active: Vec<usize> = (0..n2).filter(|&x2| beta[x2 * ny + y] > 0.0).collect();
        // The last column equality of each label is implied by the others and the rows.
        for &x2 in active.iter().take(active.len().saturating_sub(1)) {
            for (k, &(_, c, yy)) in entries.iter().enumerate() {
                if c == x2 && yy == y {
                    rows.push(row);
                    cols.push(k);
                    vals.push(1.0);
                }
            }
            b.push(beta[x2 * ny + y]);
            row += 1;
        }
    }
    let n_eq = row;
    let mut cones = vec![SupportedConeT::ZeroConeT(n_eq)];
    // Exponential cones: s = b − A x = (t_k, q_k, w_c).
    for &(start, end) in &cells {
        for k in start..end {
            rows.push(row);
            cols.push(m + k);
            vals.push(-1.0);
            rows.push(row + 1);
            cols.push(k);
            vals.push(-1.0);
            for j in start..end {
                rows.push(row + 2);
                cols.push(j);
                vals.push(-1.0);
            }
            b.extend([0.0, 0.0, 0.0]);
            row += 3;
            cones.push(SupportedConeT::ExponentialConeT());
        }
    }
    let a = CscMatrix::new_from_triplets(row, nvar, rows, cols, vals);
    let p = CscMatrix::zeros((nvar, nvar));
    let mut c = vec![0.0; nvar];
    c[m..].iter_mut().for_each(|v| *v = -1.0);
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .tol_gap_abs(1e-11)
        .tol_gap_rel(1e-11)
        .tol_feas(1e-11)
        .max_iter(400)
        .build()
        .unwrap();
    let mut solver = DefaultSolver::new(&p, &c, &a, &b, &cones, settings).ok()?;
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {}
        _ => return None,
    }
    // Evaluate the objective at the returned q (clipped to ≥ 0) rather than trusting t.
    let q: Vec<f64> = solver.solution.x[..m].iter().map(|v| v.max(0.0)).collect();
    let mut h = 0.0;
    for &(start, end) in &cells {
        let w: f64 = q[start..end].iter().sum();
        for &v in &q[start..end] {
            if v > 0.0 {
                h -= v * (v / w).ln();
            }
        }
    }
    let by_objective = -solver.solution.obj_val;
    // Both should agree; prefer the mean of the primal objective and the evaluated value.
    Some(0.5 * (h + by_objective) / std::f64::consts::LN_2)
}
