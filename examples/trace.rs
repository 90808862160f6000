use pidscope::pid::random::{random_table, TableKind};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let t = if a[1] == "json" {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&a[2]).unwrap()).unwrap();
        let shape: [usize; 3] = serde_json::from_value(v["shape"].clone()).unwrap();
        let p: Vec<f64> = serde_json::from_value(v["p"].clone()).unwrap();
        pidscope::JointTable::from_weights(shape, p).unwrap()
    } else {
        let n1: usize = a[1].parse().unwrap();
        let n2: usize = a[2].parse().unwrap();
        let ny: usize = a[3].parse().unwrap();
        let kind = match a[4].as_str() {
            "dense" => TableKind::Dirichlet {
                concentration_percent: 100,
            },
            "d01" => TableKind::Dirichlet {
                concentration_percent: 10,
            },
            "sparse" => TableKind::Sparse { zero_percent: 70 },
            _ => TableKind::NearDeterministic,
        };
        let seed: u64 = a[5].parse().unwrap();
        random_table([n1, n2, ny], kind, seed)
    };
    let mut opts = pidscope::pid::CvxOptions::default();
    if let Some(f) = std::env::args().nth(6).filter(|f| f != "-") {
        opts.epsilon_factor = f.parse().unwrap();
    }
    // An optional 7th argument repeats the solve (for CPU-time measurements by
    // difference, e.g. under `perf stat`); the time printed is the last solve's.
    let reps: usize = std::env::args().nth(7).map_or(1, |r| r.parse().unwrap());
    for _ in 1..reps {
        pidscope::pid::max_entropy_coupling(&t, &opts).unwrap();
    }
    let t0 = std::time::Instant::now();
    let c = pidscope::pid::max_entropy_coupling(&t, &opts).unwrap();
    println!(
        "{:?} ms={:.2} it={} cg={} cert={:.2e} conv={} res={:.1e}",
        t.shape(),
        t0.elapsed().as_secs_f64() * 1e3,
        c.iterations,
        c.cg_iterations,
        c.certificate_bits,
        c.converged,
        c.feasibility_l1
    );
}
