//! `pidscope estimate … --sweep clusters|pca|samples`: the analysis repeated along one
//! setting (the core's `analysis::sweep`), each point's replicates on every core, printed
//! as a table with a sentence on what moves, or as a JSON array.

use clap::ValueEnum;
use pidscope::analysis::{
    run_sweep, sweep_dataset, sweep_reading, AtomPoint, SweepAxis, SweepPoint,
};
use pidscope::meta::Units;
use pidscope::pid::TERMS;
use serde_json::json;

use crate::cli::{read_inputs, CliError, EstimateArgs};

/// The settings `--sweep` varies.
#[derive(Clone, Copy, ValueEnum)]
pub enum SweepChoice {
    /// Clusters per modality K ∈ {2, 3, 5, 8, 12, 20, 30} and the current one.
    Clusters,
    /// PCA components ∈ {1, 2, 3, 5, 8, 12, 20} up to the feature count, and the current one.
    Pca,
    /// A quarter, a half and all of the rows (nested seeded subsets).
    Samples,
}

impl SweepChoice {
    fn axis(self) -> SweepAxis {
        match self {
            SweepChoice::Clusters => SweepAxis::Clusters,
            SweepChoice::Pca => SweepAxis::Pca,
            SweepChoice::Samples => SweepAxis::Samples,
        }
    }
}

/// Runs the sweep the options ask for and prints it.
pub fn estimate_sweep(args: &EstimateArgs, choice: SweepChoice) -> Result<(), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let settings = args.settings(&tables);
    let dataset = sweep_dataset(&tables, roles.as_ref(), &settings).map_err(CliError::analysis)?;
    let points = run_sweep(
        &dataset,
        &settings,
        choice.axis(),
        &mut |samples, rigor| Ok(Some(crate::parallel::uncertainty(samples, rigor)?)),
        &mut |_, _| true,
    )
    .map_err(CliError::analysis)?;
    let units = args.units();
    if args.json {
        // Every value in bits, as `"uncertainty"` is in `estimate --json`.
        let array: Vec<_> = points
            .iter()
            .map(|p| {
                let mut value = json!(p);
                value["units"] = json!(Units::Bits);
                value
            })
            .collect();
        println!("{}", serde_json::Value::Array(array));
    } else {
        print_sweep(&points, units, &args.files);
    }
    Ok(())
}

fn cell(a: &AtomPoint, per_bit: f64) -> String {
    match (a.low, a.high) {
        (Some(low), Some(high)) => format!(
            "{:.3} [{:.3}, {:.3}]",
            a.corrected * per_bit,
            low * per_bit,
            high * per_bit
        ),
        _ => format!("{:.3}", a.plug_in * per_bit),
    }
}

/// The sweep as a table: one line per setting (the current one starred), the corrected
/// atoms with their intervals, samples per cell and the intervals' label.
fn print_sweep(points: &[SweepPoint], units: Units, files: &[String]) {
    let Some(first) = points.first() else {
        return;
    };
    let per_bit = units.per_bit();
    let what = if first.resamples > 0 {
        format!(
            "bias-corrected atoms [95 % interval], {} resamples per point, no permutations",
            first.resamples
        )
    } else {
        "plug-in atoms (no resamples)".to_string()
    };
    println!(
        "Sweep of {} for {}: {what}, {}",
        first.axis.symbol(),
        files.join(" + "),
        units.name()
    );
    let width = 24;
    let mut header = format!("  {:<22}", "setting");
    for term in TERMS.iter().filter(|t| t.atom) {
        header += &format!("{:<width$}", term.symbol);
    }
    println!("{header}{:>13}  intervals", "samples/cell");
    for p in points {
        let mark = if p.current { "*" } else { " " };
        let mut line = format!("{mark} {:<22}", p.label);
        for a in p.atoms.all() {
            line += &format!("{:<width$}", cell(a, per_bit));
        }
        println!("{line}{:>13.1}  {}", p.samples_per_cell, p.reliability);
    }
    println!("  (* the analysis's own setting)");
    println!("\n{}", sweep_reading(points, per_bit, units.name()));
}
