//! Benchmark of the CVX estimator: prints a table (no timing assertions).
//!
//! `cargo bench --bench cvx` (add `-- quick` for fewer repetitions). Sizes 2×2×2 …
//! 100×100×10, dense (Dirichlet(1)) and sparse (70 % zero cells), fixed seeds; median
//! wall time, Newton steps, CG iterations, certificate (bits) and, up to 20×20×10, the
//! error of h* against the clarabel exponential-cone oracle (with its time).

#[path = "../tests/common/oracle.rs"]
mod oracle;

use pidscope::info::InfoTerms;
use pidscope::pid::random::{random_table, TableKind};
use pidscope::pid::{max_entropy_coupling, CvxOptions};
use std::time::Instant;

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let sizes: [[usize; 3]; 5] = [
        [2, 2, 2],
        [10, 10, 5],
        [20, 20, 10],
        [50, 50, 10],
        [100, 100, 10],
    ];
    let kinds = [
        (
            "dense",
            TableKind::Dirichlet {
                concentration_percent: 100,
            },
        ),
        ("sparse", TableKind::Sparse { zero_percent: 70 }),
        ("near-det", TableKind::NearDeterministic),
    ];
    let opts = CvxOptions::default();
    println!(
        "| shape | kind | median ms | Newton | CG | certificate (bits) | converged | |h−oracle| (bits) | oracle ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for shape in sizes {
        for (name, kind) in kinds {
            let cells = shape.iter().product::<usize>();
            let reps = if quick {
                1
            } else if cells <= 5_000 {
                7
            } else {
                3
            };
            let table = random_table(shape, kind, 42);
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..reps {
                let t0 = Instant::now();
                let c = max_entropy_coupling(&table, &opts).expect("solver runs");
                times.push(t0.elapsed().as_secs_f64() * 1e3);
                last = Some(c);
            }
            times.sort_by(f64::total_cmp);
            let c = last.unwrap();
            let (err, oracle_ms) = if cells <= 4_000 {
                let t0 = Instant::now();
                let h = oracle::oracle_h_star_bits(&table);
                let ms = t0.elapsed().as_secs_f64() * 1e3;
                // Our h* as reported by pid_cvx: the certified primal value.
                let _ = InfoTerms::of(&table);
                match h {
                    Some(h) => (
                        format!("{:.1e}", (c.h_lower_bits - h).abs()),
                        format!("{ms:.0}"),
                    ),
                    None => ("oracle failed".into(), format!("{ms:.0}")),
                }
            } else {
                ("–".into(), "–".into())
            };
            println!(
                "| {}×{}×{} | {name} | {:.2} | {} | {} | {:.1e} | {} | {err} | {oracle_ms} |",
                shape[0],
                shape[1],
                shape[2],
                times[times.len() / 2],
                c.iterations,
                c.cg_iterations,
                c.certificate_bits,
                c.converged
            );
        }
    }
}
