//! What a CVX solve costs against the size of its coupling (the calibration behind
//! `pid::cvx::estimated_solve_seconds`; figures in docs/cvx.md, "Cost before solving"):
//!
//!     cargo run --release --example cvx_cost
//!
//! Dirichlet(1) tables of growing shape, and multinomial samples of them (sparser, as
//! real data are); per table the coupling entries Σ_y |{x1: p(x1,y) > 0}|·|{x2: p(x2,y) > 0}|,
//! the wall seconds of one default solve, and seconds per million entries.

use pidscope::pid::random::{multinomial_table, random_table, TableKind};
use pidscope::pid::{coupling_entries, estimated_solve_seconds, pid_cvx};
use pidscope::rng::SplitMix64;
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
    println!("| shape | samples | coupling entries | solve s | s per 1e6 entries | estimate s |");
    println!("|---|---|---|---|---|---|");
    for (i, shape) in shapes.into_iter().enumerate() {
        let dense = random_table(
            shape,
            TableKind::Dirichlet {
                concentration_percent: 100,
            },
            i as u64 + 1,
        );
        let cells: usize = shape.iter().product();
        let mut rng = SplitMix64::new(7);
        let sampled = multinomial_table(&dense, 5 * cells, &mut rng);
        for (table, samples) in [
            (&dense, "exact".to_string()),
            (&sampled, format!("{}", 5 * cells)),
        ] {
            let entries = coupling_entries(table);
            let start = Instant::now();
            let pid = pid_cvx(table).expect("solves");
            let seconds = start.elapsed().as_secs_f64();
            assert!(pid.mi_joint.is_finite());
            println!(
                "| {}×{}×{} | {samples} | {entries} | {seconds:.3} | {:.2} | {:.3} |",
                shape[0],
                shape[1],
                shape[2],
                seconds / entries as f64 * 1e6,
                estimated_solve_seconds(entries)
            );
        }
    }
}
