//! What a solve will cost, known before it starts: the size of the coupling q(x1,x2,y)
//! the solver works on, and a wall-time estimate calibrated on this machine
//! (`examples/cvx_cost.rs`; docs/cvx.md, "Cost before solving").

use crate::table::JointTable;
use serde::Serialize;

/// Per y, how many states of one input occur with it: |{x : p(x,y) > 0}|, from that
/// input's p(x, y) (x-major, ny per x).
fn states_per_label(p_xy: &[f64], ny: usize) -> Vec<u64> {
    (0..ny)
        .map(|y| {
            p_xy.iter()
                .skip(y)
                .step_by(ny)
                .filter(|&&v| v > 0.0)
                .count() as u64
        })
        .collect()
}

/// Σ over the states x of one input of (labels seen with x)²: the entries of the
/// preconditioner's blocks the solver factors and applies.
fn active_block_entries(p_xy: &[f64], ny: usize) -> u64 {
    p_xy.chunks_exact(ny)
        .map(|row| row.iter().filter(|&&v| v > 0.0).count() as u64)
        .map(|k| k * k)
        .sum()
}

/// Entries of the support-reduced coupling: Σ_y |{x1 : p(x1,y) > 0}| · |{x2 : p(x2,y) > 0}|,
/// every (x1, x2, y) a coupling in Δp may make positive. Each Newton step and each
/// conjugate-gradient product touches all of them. O((n1 + n2)·ny) to count.
pub fn coupling_entries(table: &JointTable) -> u64 {
    entries_of(&table.p_x1_y(), &table.p_x2_y(), table.shape()[2])
}

fn entries_of(p_x1_y: &[f64], p_x2_y: &[f64], ny: usize) -> u64 {
    let a = states_per_label(p_x1_y, ny);
    let b = states_per_label(p_x2_y, ny);
    a.iter().zip(&b).map(|(x, y)| x * y).sum()
}

/// One default solve of [`REFERENCE_ENTRIES`] coupling entries took about this many
/// seconds, and the time grows as entries^[`GROWTH`] (more entries need more Newton
/// steps and CG iterations): fitted to `examples/cvx_cost.rs` on this project's 2-core
/// machine, native, while other work ran (docs/cvx.md, "Cost before solving").
const SECONDS_AT_REFERENCE: f64 = 8.5;
const REFERENCE_ENTRIES: f64 = 640_000.0;
const GROWTH: f64 = 1.5;
/// Seconds per active preconditioner entry of one solve (factored and applied in every
/// Newton step), for ny ≥ [`ACTIVE_FULL_LABELS`]; fewer labels need fewer steps, and the
/// figure is scaled by ny / [`ACTIVE_FULL_LABELS`] below it. With …
const SECONDS_PER_ACTIVE_ENTRY: f64 = 4.7e-6;
const ACTIVE_FULL_LABELS: f64 = 1000.0;
/// … seconds per stored preconditioner entry (every block is stored densely, ny×ny,
/// and cleared in every Newton step): both fitted to the many-label rows of
/// `examples/cvx_cost.rs`.
const SECONDS_PER_STORED_ENTRY: f64 = 8.2e-8;

/// What a solve will cost, counted from the table's marginals before solving.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolveCost {
    /// Entries of the support-reduced coupling ([`coupling_entries`]).
    pub entries: u64,
    /// Labels ny (the preconditioner's block size).
    pub labels: u64,
    /// Entries of the block preconditioner as stored: one dense ny×ny block per state
    /// of X1 and of X2, (n1 + n2)·ny², 8 bytes each. With many labels these, not the
    /// coupling, set the time and the memory.
    pub preconditioner: u64,
    /// Of those, the entries on labels each block's state occurs with:
    /// Σ_x |{y : p(x,y) > 0}|² over the states of X1 and of X2.
    pub active: u64,
}

impl SolveCost {
    /// The cost of solving `table` with the default options.
    pub fn of(table: &JointTable) -> Self {
        let [n1, n2, ny] = table.shape();
        let (p_x1_y, p_x2_y) = (table.p_x1_y(), table.p_x2_y());
        Self {
            entries: entries_of(&p_x1_y, &p_x2_y, ny),
            labels: ny as u64,
            preconditioner: ((n1 + n2) * ny * ny) as u64,
            active: active_block_entries(&p_x1_y, ny) + active_block_entries(&p_x2_y, ny),
        }
    }

    /// Estimated wall seconds of one default solve, native:
    /// 8.5 s·(entries / 640,000)^1.5 + 4.7 µs·min(1, ny/1000)·active +
    /// 82 ns·preconditioner. An estimate to decide whether to ask before solving, not
    /// a promise (docs/cvx.md gives its measured error).
    pub fn seconds(&self) -> f64 {
        let labels = (self.labels as f64 / ACTIVE_FULL_LABELS).min(1.0);
        SECONDS_AT_REFERENCE * (self.entries as f64 / REFERENCE_ENTRIES).powf(GROWTH)
            + SECONDS_PER_ACTIVE_ENTRY * labels * self.active as f64
            + SECONDS_PER_STORED_ENTRY * self.preconditioner as f64
    }

    /// Bytes of the preconditioner's blocks, the solver's largest allocation.
    pub fn preconditioner_bytes(&self) -> u64 {
        self.preconditioner * std::mem::size_of::<f64>() as u64
    }
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
        let cost = SolveCost::of(&table);
        assert_eq!(cost.preconditioner, 4 * 4);
        // x1 = 0 sees y = 0; x1 = 1 both labels; x2 = 0 both; x2 = 1 y = 1.
        assert_eq!(cost.active, 1 + 4 + 4 + 1);
        assert!(cost.seconds() < 1e-3);
        let big = |entries| SolveCost {
            entries,
            labels: 2,
            preconditioner: 0,
            active: 0,
        };
        assert!(big(2_000_000).seconds() > big(1_000_000).seconds() * 2.0);
    }
}
