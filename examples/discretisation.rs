//! Compares discretisations by how much of the held-out classifier bound on I(X1,X2;Y)
//! their table keeps (docs/ingest.md, "Which discretisation loses least"):
//!
//! - `default`: 5 PCA components, 20 clusters (the paper's);
//! - `pca90`: as many components as keep 90 % of each modality's variance (at most 64);
//! - `k_from_n`: 5 components, K = ⌊√(N / (5·|Y|))⌋ clusters (≈ 5 samples per cell of
//!   the K × K × |Y| table), within 2..200;
//! - `both`: pca90 and k_from_n together.
//!
//! The table's value is reported bias-corrected (plug-in minus the Miller–Madow bias), so
//! more cells cannot buy "retained" information with plug-in bias.
//!
//! `cargo run --release --example discretisation [-- --quick]` (`--quick`: the hidden XOR at
//! 20,000 rows instead of 50,000).

use std::time::Instant;

use pidscope::analysis::{analyse, AnalysisSettings};
use pidscope::data::{assemble, CsvReader, IngestOptions, ParsedTable, Roles};
use pidscope::discretize::{discretize, DiscretizeOptions};
use pidscope::fidelity::cases::hidden_xor;
use pidscope::fidelity::{classifier_bounds, FidelityOptions};
use pidscope::scenarios::{generate, Scenario, ScenarioSpec};

struct Case {
    name: String,
    tables: Vec<ParsedTable>,
    roles: Roles,
}

fn digits() -> Case {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/digits_halves.csv");
    let text = std::fs::read(path).expect("tests/data/digits_halves.csv");
    let mut reader = CsvReader::new(IngestOptions::named("digits_halves.csv"));
    reader.push(&text).expect("parses");
    let table = reader.finish().expect("parses");
    let names = table.column_names();
    let pick = |p: &str| {
        names
            .iter()
            .filter(|n| n.starts_with(p))
            .map(|n| n.to_string())
            .collect()
    };
    let roles = Roles {
        x1: pick("left_"),
        x2: pick("right_"),
        y: "label".into(),
        ..Roles::default()
    };
    Case {
        name: "digits, left | right halves".into(),
        tables: vec![table],
        roles,
    }
}

/// The components that keep `share` of a modality's variance, from a full PCA.
fn components_for(case: &Case, share: f64) -> usize {
    let dataset = assemble(&case.tables, &case.roles, &Default::default()).expect("assembles");
    let widest = case.roles.x1.len().max(case.roles.x2.len()).min(64);
    let options = DiscretizeOptions {
        pca_components: widest,
        clusters: 2,
        ..DiscretizeOptions::default()
    };
    let d = discretize(&dataset, None, &options, &mut |_| {}).expect("discretises");
    [&d.x1, &d.x2]
        .iter()
        .map(|m| {
            let mut kept = 0.0;
            let mut k = 0;
            for v in &m.explained_variance {
                if kept >= share * m.total_variance {
                    break;
                }
                kept += v;
                k += 1;
            }
            k.max(1)
        })
        .max()
        .unwrap_or(5)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut cases: Vec<Case> = Scenario::PRESETS
        .iter()
        .map(|&scenario| {
            let g = generate(&ScenarioSpec::new(scenario)).expect("generates");
            Case {
                name: scenario.name(),
                tables: g.tables,
                roles: g.roles,
            }
        })
        .collect();
    cases.push(digits());
    let rows = if quick { 20_000 } else { 50_000 };
    let xor = hidden_xor(rows, 64, 1).expect("generates");
    cases.push(Case {
        name: format!("hidden XOR ({rows} × 64+64)"),
        tables: vec![xor.table],
        roles: xor.roles,
    });
    println!(
        "| dataset | N | classifier bound (bits) | default 5 / 20 | pca90 | k_from_n | both |"
    );
    println!("|---|---|---|---|---|---|---|");
    for case in &cases {
        let dataset = assemble(&case.tables, &case.roles, &Default::default()).expect("assembles");
        let n = dataset.rows();
        let ny = dataset.y.levels.len();
        let t = Instant::now();
        let bound = classifier_bounds(&dataset, &FidelityOptions::default(), &mut |_| {})
            .expect("bounds")
            .joint;
        let bound_s = t.elapsed().as_secs_f64();
        let p90 = components_for(case, 0.9);
        let k_n = (((n as f64) / (5.0 * ny as f64)).sqrt().floor() as usize).clamp(2, 200);
        let mut cells = Vec::new();
        for (pca, clusters) in [(5, 20), (p90, 20), (5, k_n), (p90, k_n)] {
            let settings = AnalysisSettings {
                pca,
                clusters,
                resamples: 0,
                permutations: 0,
                ..AnalysisSettings::default()
            };
            let a =
                analyse(&case.tables, Some(&case.roles), &settings, &mut |_| {}).expect("analyses");
            let plug_in = a.dataset.info.mi_joint;
            let bias = a
                .dataset
                .stats
                .as_ref()
                .map_or(0.0, |s| s.miller_madow_bias_bits);
            let corrected = (plug_in - bias).max(0.0);
            let kept = if bound.bits > 0.0 {
                format!("{:.0} %", 100.0 * corrected / bound.bits)
            } else {
                "—".into()
            };
            cells.push(format!("{corrected:.3} ({kept}) [{pca}/{clusters}]"));
        }
        println!(
            "| {} | {n} | {:.3} ± {:.3} ({bound_s:.1} s) | {} |",
            case.name,
            bound.bits,
            bound.standard_error_bits,
            cells.join(" | ")
        );
    }
}
