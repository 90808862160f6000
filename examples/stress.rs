//! Stress: many random tables up to 8×8×6 (or 50×50×10 with `big`); failures go to
//! /tmp as JSON. `cargo run --release --example stress -- N SEED [big]`.
use pidscope::pid::random::{random_table, TableKind};
use pidscope::rng::SplitMix64;
fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(5000);
    let seed: u64 = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(7);
    let mut rng = SplitMix64::new(seed);
    let mut fails = 0;
    // A third argument `big` draws shapes up to 50×50×10 instead of 8×8×6.
    let (m, my) = if std::env::args().nth(3).as_deref() == Some("big") {
        (50, 10)
    } else {
        (8, 6)
    };
    for i in 0..n {
        let shape = [
            1 + (rng.next_u64() % m) as usize,
            1 + (rng.next_u64() % m) as usize,
            1 + (rng.next_u64() % my) as usize,
        ];
        let kind = match rng.next_u64() % 4 {
            0 => TableKind::Dirichlet {
                concentration_percent: 10,
            },
            1 => TableKind::Dirichlet {
                concentration_percent: 500,
            },
            2 => TableKind::Sparse {
                zero_percent: 30 + (rng.next_u64() % 60) as u32,
            },
            _ => TableKind::NearDeterministic,
        };
        let t = random_table(shape, kind, rng.next_u64());
        let p = pidscope::pid::pid_cvx(&t).unwrap();
        if !p.converged || p.certificate_bits > 1e-6 {
            fails += 1;
            let path = format!("/tmp/stress_fail_{i}.json");
            std::fs::write(
                &path,
                serde_json::json!({"shape": t.shape(), "p": t.p()}).to_string(),
            )
            .unwrap();
            println!(
                "FAIL {i} {shape:?} {kind:?} cert {:.2e} it {} -> {path}",
                p.certificate_bits, p.iterations
            );
        }
    }
    println!("{n} tables, {fails} failures");
}
