//! `--estimator gaussian` in the CLI: the Gaussian PID of the samples' covariance,
//! printed like CVX's table, and `--json` with the same term keys.

use pidscope::analysis::{analyse_gaussian, GaussianAnalysis};
use pidscope::meta::Units;
use pidscope::pid::TERMS;
use serde_json::{json, Map, Value};

use crate::cli::{
    fixed, print_term_uncertainty, read_inputs, row_label, terms_json, CliError, EstimateArgs,
    UncertaintyHeading,
};

/// The JSON object of a Gaussian analysis: the seven terms in `units` (as CVX), the
/// solve's convergence measures in bits, the dimensions and samples.
fn gaussian_json(result: &GaussianAnalysis, units: Units) -> Value {
    let p = &result.pid;
    let mut out = Map::new();
    out.insert("estimator".into(), json!("gaussian"));
    out.insert("target".into(), json!(result.names.y));
    terms_json(&p.pid, units, &mut out);
    out.insert("certificate".into(), Value::Null);
    let c = &result.corrected;
    let scale = units.per_bit();
    out.insert(
        "corrected".into(),
        json!({"mi_x1_y": c.mi_x1_y * scale, "mi_x2_y": c.mi_x2_y * scale, "mi_joint": c.mi_joint * scale}),
    );
    if let Some(u) = &result.uncertainty {
        // Always in bits, whatever --nats says (as CVX's): the key below says so.
        out.insert("uncertainty".into(), json!(u));
        out.insert("uncertainty_units".into(), json!(Units::Bits));
    }
    out.insert("converged".into(), json!(p.converged));
    out.insert("iterations".into(), json!(p.iterations));
    out.insert("stop".into(), json!(p.stop));
    out.insert("union_bits".into(), json!(p.union_bits));
    out.insert("last_decrease_bits".into(), json!(p.last_decrease_bits));
    out.insert("gradient_norm".into(), json!(p.gradient_norm));
    out.insert("scalar_gap_bits".into(), json!(p.scalar_gap_bits));
    out.insert("ridge".into(), json!(p.ridge));
    out.insert("dims".into(), json!(p.dims));
    out.insert("samples".into(), json!(result.samples));
    out.insert("columns".into(), json!(result.columns));
    out.insert("target_encoding".into(), json!(result.target_encoding));
    out.insert("copula".into(), json!(result.copula));
    out.insert("units".into(), json!(units));
    out.insert("names".into(), json!(result.names));
    out.insert("rows".into(), json!(result.report));
    out.insert("notes".into(), json!(result.notes));
    Value::Object(out)
}

/// Runs and prints the Gaussian estimate the options describe.
pub fn estimate_gaussian(args: &EstimateArgs) -> Result<(), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let settings = args.settings(&tables);
    let result = analyse_gaussian(&tables, roles.as_ref(), &settings, &args.gaussian_options())
        .map_err(CliError::analysis)?;
    let units = args.units();
    if args.json {
        println!("{}", gaussian_json(&result, units));
        return Ok(());
    }
    let p = &result.pid;
    println!(
        "Gaussian{} PID of {} — X1: {}, X2: {}, Y: {}",
        if result.copula { " copula" } else { "" },
        args.files.join(" + "),
        result.names.x1,
        result.names.x2,
        result.names.y
    );
    let r = &result.report;
    println!(
        "{} samples used of {} rows ({} dropped for missing values, {} unmatched); dimensions X1 {}, X2 {}, Y {}",
        result.samples, r.rows_in, r.rows_dropped_missing, r.rows_unmatched, p.dims.x1, p.dims.x2, p.dims.y
    );
    println!(
        "\n{:<18}{:>24}{:>14}",
        "",
        format!("{} ({})", result.names.y, units.name()),
        "corrected"
    );
    let atoms = TERMS.iter().filter(|t| t.atom).count();
    let c = &result.corrected;
    let corrected = [
        None,
        None,
        None,
        None,
        Some(c.mi_x1_y),
        Some(c.mi_x2_y),
        Some(c.mi_joint),
    ];
    for (i, (term, bits)) in p.pid.terms().enumerate() {
        if i == atoms {
            println!("{:<18}{}", "", "-".repeat(38));
        }
        let cell = if term.atom && p.pid.mi_joint > 0.0 {
            format!(
                "{} {:>5.1}%",
                fixed(bits * units.per_bit()),
                100.0 * bits.max(0.0) / p.pid.mi_joint
            )
        } else {
            fixed(bits * units.per_bit())
        };
        let fixed_corrected = corrected[i].map_or_else(String::new, |v| fixed(v * units.per_bit()));
        println!("{:<18}{cell:>24}{fixed_corrected:>14}", row_label(term));
    }
    println!();
    let measure = match p.scalar_gap_bits {
        Some(gap) => format!(
            "scalar Y: I∪ − max(I1, I2) = {:.1e} {} bounds the error (exact I∪ = max(I1, I2), Barrett 2015)",
            gap * units.per_bit(),
            units.name()
        ),
        None => format!(
            "stopped: {:?}; the union information fell by {:.1e} {} over the last iterations",
            p.stop,
            p.last_decrease_bits * units.per_bit(),
            units.name()
        ),
    };
    println!(
        "{}: {} after {} iterations; {measure}",
        result.names.y,
        if p.converged {
            "converged"
        } else {
            "NOT converged (iteration limit)"
        },
        p.iterations
    );
    println!(
        "(plug-in values of the sample covariance; 'corrected' subtracts each information term's analytic bias, Cai et al. 2015; see docs/gaussian.md)"
    );
    for note in &result.notes {
        println!("note: {note}");
    }
    if let Some(u) = &result.uncertainty {
        let heading = UncertaintyHeading {
            method: u.method,
            confidence: u.confidence,
            resamples: u.resamples,
            permutations: u.permutations,
            seed: u.seed,
        };
        let terms = pidscope::per_term!(u);
        print_term_uncertainty(&result.names.y, &heading, terms, units, &|| {});
    }
    Ok(())
}
