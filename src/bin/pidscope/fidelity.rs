//! The fidelity check in the CLI: run after a CVX analysis of samples (unless
//! `--no-fidelity`), printed under the table and carried in `--json`.

use pidscope::analysis::{analyse_fidelity, Analysis, AnalysisKind};
use pidscope::data::ParsedTable;
use pidscope::fidelity::{Fidelity, Figure};
use pidscope::meta::Units;
use serde_json::{json, Map, Value};

/// What the check gave.
pub enum Outcome {
    /// Turned off, or nothing clustering could lose (a counts table, no numeric features).
    None,
    /// Could not run (e.g. too few rows): the reason, printed as a note.
    Skipped(String),
    Checked(Box<Fidelity>),
}

/// The check of `analysis` (a CVX analysis of `tables`), with its roles and seed.
pub fn check(tables: &[ParsedTable], analysis: &Analysis) -> Outcome {
    if analysis.kind != AnalysisKind::Samples {
        return Outcome::None;
    }
    let info = &analysis.dataset.info;
    let roles = analysis.roles.as_ref();
    match analyse_fidelity(tables, roles, &analysis.settings, info, &mut |_| {}) {
        Ok(Some(f)) => Outcome::Checked(Box::new(f)),
        Ok(None) => Outcome::None,
        Err(e) => Outcome::Skipped(e.to_string()),
    }
}

/// `"fidelity"` (and `"fidelity_skipped"` with the reason when it could not run), in bits.
pub fn insert_json(outcome: &Outcome, out: &mut Map<String, Value>) {
    let value = match outcome {
        Outcome::Checked(f) => json!(f),
        Outcome::Skipped(reason) => {
            out.insert("fidelity_skipped".into(), json!(reason));
            Value::Null
        }
        Outcome::None => Value::Null,
    };
    out.insert("fidelity".into(), value);
}

fn line(name: &str, f: &Figure, units: Units) {
    let v = |bits: f64| format!("{:.3}", bits * units.per_bit());
    let kept = f
        .retained
        .map_or_else(|| "—".to_string(), |r| format!("{:.0} %", 100.0 * r));
    println!(
        "  {name:<11} table {}  classifiers ≥ {} ± {} {}  kept {kept}{}",
        v(f.table_bits),
        v(f.classifier_bits),
        v(f.standard_error_bits),
        units.name(),
        if f.lost { "  (lost)" } else { "" }
    );
}

/// The check's lines under the table.
pub fn print(outcome: &Outcome, units: Units) {
    match outcome {
        Outcome::None => {}
        Outcome::Skipped(reason) => println!("\nfidelity check skipped: {reason}"),
        Outcome::Checked(f) => {
            let b = &f.bounds;
            println!(
                "\nFidelity of the table: what it keeps of the held-out classifier bound I ≥ H(Y) − CE ({}; {} training, {} held-out rows, seed {}):",
                b.model, b.train_rows, b.test_rows, b.seed
            );
            line("I(X1,X2;Y)", &f.joint, units);
            line("I(X1;Y)", &f.x1, units);
            line("I(X2;Y)", &f.x2, units);
            match &f.warning {
                Some(w) => {
                    println!("warning: {w}");
                    println!("         (here: --pca N, --clusters K, or --estimator batch)");
                }
                None => println!("  the table keeps what the classifiers find"),
            }
        }
    }
}
