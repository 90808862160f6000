//! What a CVX solve costs against the size of its coupling (the calibration behind
//! `pid::cvx::estimated_solve_seconds`; figures in docs/cvx.md, "Cost before solving"):
//!
//!     cargo run --release --example cvx_cost
//!
//! Dirichlet(1) tables of growing shape, and multinomial samples of them (sparser, as
//! real data are); per table the coupling entries Σ_y |{x1: p(x1,y) > 0}|·|{x2: p(x2,y) > 0}|,
//! the wall seconds of one default solve, and seconds per million entries.

use pidscope::pid::random::{multinomial_table, random_table, TableKind};
use pidscope::pid::{pid_cvx, SolveCost};
use pidscope::rng::SplitMix64;
use pidscope::table::JointTable;
use std::time::Instant;

fn main() {
    let shapes = [
        [20, 20, 10],
        [50, 50, 10],
        [100, 100, 5],
        [200, 200, 5],
        [300, 300, 4],
        [400, 400, 4],
    ];
    println!(
        "| shape | samples | coupling entries | preconditioner entries | solve s | estimate s |"
    );
    println!("|---|---|---|---|---|---|");
    // `-- --many`: only the many-label rows.
    let many_only = std::env::args().any(|a| a == "--many");
    for (i, shape) in shapes.into_iter().enumerate().filter(|_| !many_only) {
        let dense = dirichlet(shape, i as u64 + 1);
        let cells: usize = shape.iter().product();
        let mut rng = SplitMix64::new(7);
        let sampled = multinomial_table(&dense, 5 * cells, &mut rng);
        row(&dense, "exact");
        row(&sampled, &(5 * cells).to_string());
    }
    // Many labels: the preconditioner's ny×ny blocks, not the coupling, set the cost.
    for (i, (shape, samples)) in [
        ([20, 20, 250], 5_000),
        ([20, 20, 500], 5_000),
        ([20, 20, 1000], 5_000),
        ([20, 20, 1000], 20_000),
        ([50, 50, 1000], 20_000),
        ([20, 20, 2000], 5_000),
    ]
    .into_iter()
    .enumerate()
    {
        let mut rng = SplitMix64::new(11);
        let sampled = multinomial_table(&dirichlet(shape, 100 + i as u64), samples, &mut rng);
        row(&sampled, &samples.to_string());
    }
}

fn dirichlet(shape: [usize; 3], seed: u64) -> JointTable {
    let kind = TableKind::Dirichlet {
        concentration_percent: 100,
    };
    random_table(shape, kind, seed)
}

/// Solves `table` once and prints its table row.
fn row(table: &JointTable, samples: &str) {
    let cost = SolveCost::of(table);
    let start = Instant::now();
    let pid = pid_cvx(table).expect("solves");
    let seconds = start.elapsed().as_secs_f64();
    assert!(pid.mi_joint.is_finite());
    let [n1, n2, ny] = table.shape();
    println!(
        "| {n1}×{n2}×{ny} | {samples} | {} | {} | {seconds:.3} | {:.3} |",
        cost.entries,
        cost.preconditioner,
        cost.seconds()
    );
}
