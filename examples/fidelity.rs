//! Measures the fidelity check (docs/fidelity.md): the discrete table's information
//! against the held-out classifier bounds, with the time each takes.
//!
//! `cargo run --release --example fidelity -- [hidden_xor|planted] [ROWS] [DIMS]
//!  [--hidden H] [--layers L] [--epochs E] [--train N] [--clusters K] [--pca P] [--seed S]
//!  [--csv PATH]`: with `--csv`, writes the case's samples to PATH and stops.

use std::time::Instant;

use pidscope::analysis::{analyse, AnalysisSettings};
use pidscope::fidelity::cases::{hidden_xor, planted_blobs};
use pidscope::fidelity::{classifier_bounds, compare, FidelityOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| -> Option<usize> {
        let at = args.iter().position(|a| a == name)?;
        args.get(at + 1)?.parse().ok()
    };
    let positional: Vec<&String> = {
        let mut out = Vec::new();
        let mut skip = false;
        for a in &args {
            if skip {
                skip = false;
            } else if a.starts_with("--") {
                skip = true;
            } else {
                out.push(a);
            }
        }
        out
    };
    let which = positional.first().map_or("hidden_xor", |s| s.as_str());
    let rows: usize = positional
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    let dims: usize = positional.get(2).and_then(|s| s.parse().ok()).unwrap_or(64);
    let seed = flag("--seed").unwrap_or(0) as u64;
    let case = match which {
        "planted" => planted_blobs(rows, seed + 1),
        _ => hidden_xor(rows, dims, seed + 1),
    }
    .expect("generates");
    if let Some(at) = args.iter().position(|a| a == "--csv") {
        let path = args.get(at + 1).expect("--csv PATH");
        std::fs::write(path, pidscope::scenarios::write_csv(&case.table)).expect("writes");
        return;
    }
    let settings = AnalysisSettings {
        clusters: flag("--clusters").unwrap_or(pidscope::meta::CLUSTERS.default),
        pca: flag("--pca").unwrap_or(pidscope::meta::PCA_COMPONENTS.default),
        seed,
        resamples: 0,
        permutations: 0,
        ..AnalysisSettings::default()
    };
    let tables = [case.table];
    let t0 = Instant::now();
    let analysis = analyse(&tables, Some(&case.roles), &settings, &mut |_| {}).expect("analyses");
    let cvx_s = t0.elapsed().as_secs_f64();
    let d = &analysis.dataset.pid;
    println!(
        "{which} {rows} rows, {} + {} features; K {} PCA {}: CVX R {:.3} U1 {:.3} U2 {:.3} S {:.3} (I {:.3}) in {cvx_s:.1} s",
        case.roles.x1.len(),
        case.roles.x2.len(),
        settings.clusters,
        settings.pca,
        d.redundancy,
        d.unique1,
        d.unique2,
        d.synergy,
        d.mi_joint
    );
    let defaults = FidelityOptions::default();
    let options = FidelityOptions {
        seed,
        hidden: flag("--hidden").unwrap_or(defaults.hidden),
        layers: flag("--layers").unwrap_or(defaults.layers),
        epochs: flag("--epochs").unwrap_or(defaults.epochs),
        max_train_rows: flag("--train").unwrap_or(defaults.max_train_rows),
        ..defaults
    };
    let dataset =
        pidscope::data::assemble(&tables, &case.roles, &Default::default()).expect("assembles");
    let t1 = Instant::now();
    let bounds = classifier_bounds(&dataset, &options, &mut |_| {}).expect("bounds");
    let bound_s = t1.elapsed().as_secs_f64();
    let f = compare(&analysis.dataset.info, &bounds);
    println!(
        "  bounds ({}, {} train / {} validation / {} test rows) in {bound_s:.1} s:",
        bounds.model, bounds.train_rows, bounds.validation_rows, bounds.test_rows
    );
    for (name, fig, b) in [
        ("I(X1;Y)", &f.x1, &bounds.x1),
        ("I(X2;Y)", &f.x2, &bounds.x2),
        ("I(X1,X2;Y)", &f.joint, &bounds.joint),
    ] {
        println!(
            "  {name:<11} table {:.3}  bound {:.3} ± {:.3} ({} epochs)  kept {}{}",
            fig.table_bits,
            fig.classifier_bits,
            fig.standard_error_bits,
            b.epochs,
            fig.retained
                .map_or("—".into(), |r| format!("{:.0} %", 100.0 * r)),
            if fig.lost { "  LOST" } else { "" }
        );
    }
    println!(
        "  warning: {}",
        f.warning.as_deref().map_or("none", |_| "yes")
    );
}
