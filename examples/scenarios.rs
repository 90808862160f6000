//! Generates every preset scenario and prints its PID under the recommended settings
//! (the figures in docs/scenarios.md):
//! `cargo run --example scenarios -- [--clusters K] [--csv DIR] [SAMPLES] [SEED...]`
//! (`--clusters` overrides every scenario's recommended cluster count; `--csv DIR` also
//! writes each generated table as `DIR/<scenario>_seed<SEED>.csv`, the files
//! `scripts/paper_reference.py` reads).

use pidscope::analysis::analyse;
use pidscope::examples::Atom;
use pidscope::scenarios::{generate, write_csv, Scenario, ScenarioSpec, DEFAULT_SAMPLES};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let clusters: Option<usize> = args.iter().position(|a| a == "--clusters").map(|i| {
        let k = args
            .get(i + 1)
            .expect("--clusters K")
            .parse()
            .expect("K is a number");
        args.drain(i..i + 2);
        k
    });
    let csv_dir: Option<String> = args.iter().position(|a| a == "--csv").map(|i| {
        let dir = args.get(i + 1).expect("--csv DIR").clone();
        args.drain(i..i + 2);
        dir
    });
    let mut args = args.into_iter();
    let samples = args
        .next()
        .map_or(DEFAULT_SAMPLES, |s| s.parse().expect("SAMPLES is a number"));
    let mut seeds: Vec<u64> = args.map(|s| s.parse().expect("SEED is a number")).collect();
    if seeds.is_empty() {
        seeds.push(1);
    }
    println!("| scenario | seed | R | U1 | U2 | S | I(X1,X2;Y) | largest |");
    println!("|---|---|---|---|---|---|---|---|");
    for scenario in Scenario::PRESETS {
        for &seed in &seeds {
            let spec = ScenarioSpec {
                scenario,
                seed,
                samples,
            };
            let mut generated = generate(&spec).expect("presets generate");
            if let Some(dir) = &csv_dir {
                let path = format!("{dir}/{}_seed{seed}.csv", scenario.name());
                std::fs::write(&path, write_csv(&generated.tables[0])).expect("CSV written");
            }
            if let Some(k) = clusters {
                generated.recommended.clusters = k;
            }
            let analysis = analyse(
                &generated.tables,
                Some(&generated.roles),
                &generated.recommended,
                &mut |_| {},
            )
            .expect("presets analyse");
            let pid = &analysis.dataset.pid;
            let largest: Vec<String> = Atom::dominant(pid, 0.0)
                .iter()
                .map(|a| format!("{a:?}"))
                .collect();
            println!(
                "| {} | {seed} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                scenario.name(),
                pid.redundancy,
                pid.unique1,
                pid.unique2,
                pid.synergy,
                pid.mi_joint,
                largest.join(", ")
            );
        }
    }
}
