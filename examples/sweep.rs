//! Robustness sweep: many random tables, prints any that fail to converge.
use pidscope::pid::random::{random_table, TableKind};
fn main() {
    let kinds = [
        TableKind::Dirichlet {
            concentration_percent: 10,
        },
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        TableKind::Dirichlet {
            concentration_percent: 1000,
        },
        TableKind::Sparse { zero_percent: 50 },
        TableKind::Sparse { zero_percent: 90 },
        TableKind::NearDeterministic,
    ];
    let mut worst: f64 = 0.0;
    let mut n = 0;
    let mut maxms: f64 = 0.0;
    for seed in 0..6u64 {
        for (ki, kind) in kinds.iter().enumerate() {
            for shape in [
                [3, 7, 2],
                [12, 9, 4],
                [30, 30, 8],
                [50, 50, 10],
                [50, 20, 3],
            ] {
                let t = random_table(shape, *kind, seed * 1000 + ki as u64);
                let t0 = std::time::Instant::now();
                let p = pidscope::pid::pid_cvx(&t).unwrap();
                let ms = t0.elapsed().as_secs_f64() * 1e3;
                maxms = maxms.max(ms);
                n += 1;
                worst = worst.max(p.certificate_bits);
                if !p.converged || p.certificate_bits > 1e-7 {
                    println!(
                        "FAIL {shape:?} {kind:?} seed {seed}: cert {:.2e} it {} ms {ms:.0}",
                        p.certificate_bits, p.iterations
                    );
                }
            }
        }
    }
    println!("{n} tables, worst certificate {worst:.2e} bits, slowest {maxms:.0} ms");
}
