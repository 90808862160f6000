//! What a solve will cost, known before it starts: the size of the coupling q(x1,x2,y)
//! the solver works on, and a wall-time estimate calibrated on this machine
//! (`examples/cvx_cost.rs`; docs/cvx.md, "Cost before solving").

use crate::table::JointTable;

/// Entries of the support-reduced coupling: Σ_y |{x1 : p(x1,y) > 0}| · |{x2 : p(x2,y) > 0}|,
/// every (x1, x2, y) a coupling in Δp may make positive. Each Newton step and each
/// conjugate-gradient product touches all of them. O((n1 + n2)·ny) to count.
pub fn coupling_entries(table: &JointTable) -> u64 {
    let [_, _, ny] = table.shape();
    let positive = |marginal: Vec<f64>| -> Vec<u64> {
        (0..ny)
            .map(|y| {
                marginal
                    .iter()
                    .skip(y)
                    .step_by(ny)
                    .filter(|&&v| v > 0.0)
                    .count() as u64
            })
            .collect()
    };
    let (a, b) = (positive(table.p_x1_y()), positive(table.p_x2_y()));
    a.iter().zip(&b).map(|(x, y)| x * y).sum()
}

/// One default solve of [`REFERENCE_ENTRIES`] coupling entries took about this many
/// seconds, and the time grows as entries^[`GROWTH`] (more entries need more Newton
/// steps and CG iterations): fitted to `examples/cvx_cost.rs` on this project's 2-core
/// machine, native, while other work ran (docs/cvx.md, "Cost before solving").
const SECONDS_AT_REFERENCE: f64 = 8.5;
const REFERENCE_ENTRIES: f64 = 640_000.0;
const GROWTH: f64 = 1.5;

/// The estimated wall seconds of one default solve of a coupling of `entries`, native:
/// 8.5 s · (entries / 640,000)^1.5. An estimate to decide whether to ask before solving,
/// not a promise (measured within −30 % / +55 % from 25,000 to 640,000 entries).
pub fn estimated_solve_seconds(entries: u64) -> f64 {
    SECONDS_AT_REFERENCE * (entries as f64 / REFERENCE_ENTRIES).powf(GROWTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_count_only_the_labels_both_inputs_admit() {
        // 2×2×2: y = 0 seen with x1 ∈ {0, 1} and x2 = 0 only; y = 1 with x1 = 1, x2 ∈ {0, 1}.
        let mut w = vec![0.0; 8];
        let at = |x1: usize, x2: usize, y: usize| (x1 * 2 + x2) * 2 + y;
        w[at(0, 0, 0)] = 1.0;
        w[at(1, 0, 0)] = 1.0;
        w[at(1, 0, 1)] = 1.0;
        w[at(1, 1, 1)] = 1.0;
        let table = JointTable::from_weights([2, 2, 2], w).unwrap();
        assert_eq!(coupling_entries(&table), 2 + 2);
        assert!(estimated_solve_seconds(4) < 1e-3);
        assert!(estimated_solve_seconds(2_000_000) > estimated_solve_seconds(1_000_000) * 2.0);
    }
}
