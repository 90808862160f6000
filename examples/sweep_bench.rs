//! Times the CLI's sensitivity sweep (`pidscope estimate FILE --sweep AXIS --json`) on
//! the preset scenarios at their default 4,000 rows, with the default settings (docs/rigor.md,
//! "Sensitivity sweep"). Build the CLI first:
//! `cargo build --release --bin pidscope && cargo run --release --example sweep_bench -- [SAMPLES]`.

use std::process::Command;
use std::time::Instant;

use pidscope::scenarios::{generate, write_csv, Scenario, ScenarioSpec, DEFAULT_SAMPLES};

fn main() {
    let samples = std::env::args()
        .nth(1)
        .map_or(DEFAULT_SAMPLES, |s| s.parse().expect("SAMPLES is a number"));
    let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pidscope");
    assert!(
        cli.exists(),
        "build it first: cargo build --release --bin pidscope"
    );
    let dir = std::env::temp_dir().join("pidscope-sweep-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{samples} rows, default settings, {threads} threads");
    println!("| scenario | axis | points | seconds |");
    println!("|---|---|---|---|");
    for scenario in Scenario::PRESETS {
        let spec = ScenarioSpec {
            samples,
            ..ScenarioSpec::new(scenario)
        };
        let generated = generate(&spec).expect("a scenario");
        let file = dir.join(format!("{}.csv", scenario.name()));
        std::fs::write(&file, write_csv(&generated.tables[0])).expect("the CSV written");
        let roles = &generated.roles;
        for axis in ["clusters", "pca", "samples"] {
            let started = Instant::now();
            let output = Command::new(&cli)
                .arg("estimate")
                .arg(&file)
                .args(["--x1", &roles.x1.join(","), "--x2", &roles.x2.join(",")])
                .args(["--y", &roles.y, "--sweep", axis, "--json"])
                .output()
                .expect("the CLI runs");
            let seconds = started.elapsed().as_secs_f64();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let points: Vec<serde_json::Value> =
                serde_json::from_slice(&output.stdout).expect("a JSON array");
            println!(
                "| {} | {axis} | {} | {seconds:.2} |",
                scenario.name(),
                points.len()
            );
        }
    }
}
