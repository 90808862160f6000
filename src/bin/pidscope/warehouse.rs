//! `pidscope fit` and `pidscope sql`: the discretiser fitted on a sample saved as JSON,
//! and written as one SQL query that counts a warehouse table into the counts table
//! `pidscope estimate` reads (docs/scale.md).

use clap::{Args, ValueEnum};
use pidscope::analysis::fit;
use pidscope::data::write_counts_csv;
use pidscope::discretize::sql::{counts_query, Dialect};
use pidscope::discretize::{DiscretiserModel, Method, ModalityModel};

use crate::cli::{read_inputs, CliError, EstimateArgs};

#[derive(Args)]
pub(crate) struct FitArgs {
    /// The files, roles and clustering options, as for `estimate`.
    #[command(flatten)]
    estimate: EstimateArgs,
    /// Where to write the fitted discretiser (JSON).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    save_model: String,
    /// Write the sample's counts table (x1,x2,y,count) here instead of printing it.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    counts_out: Option<String>,
}

#[derive(Args)]
pub(crate) struct SqlArgs {
    /// A discretiser saved by `pidscope fit --save-model`.
    #[arg(value_name = "MODEL")]
    model: String,
    /// The SQL dialect to write.
    #[arg(long, value_enum)]
    dialect: DialectChoice,
    /// The table to count (`db.schema.table`: each part is quoted).
    #[arg(long, value_name = "TABLE")]
    table: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectChoice {
    /// DuckDB ("identifiers", 'it''s').
    Duckdb,
    /// Spark SQL (`identifiers`, 'it\'s').
    Spark,
}

fn write(path: &str, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|e| CliError::input(format!("{path}: {e}")))
}

fn describe(axis: &str, m: &ModalityModel) -> String {
    let method = match m.rule.method() {
        Method::Categorical => "categories",
        Method::KMeans => "k-means",
        Method::QuantileBins => "quantile bins",
    };
    format!("{axis}: {} states ({method})", m.labels.len())
}

/// Fits the discretiser the CVX analysis would use and saves it (and the counts).
pub(crate) fn fit_command(args: &FitArgs) -> Result<(), CliError> {
    let (tables, roles) = read_inputs(&args.estimate)?;
    let settings = args.estimate.settings(&tables);
    let fitted =
        fit(&tables, roles.as_ref(), &settings, &mut |_| {}).map_err(CliError::analysis)?;
    write(&args.save_model, &fitted.model.to_json())?;
    let counts = write_counts_csv(&fitted.discrete.table);
    match &args.counts_out {
        Some(path) => write(path, &counts)?,
        None => print!("{counts}"),
    }
    let m = &fitted.model;
    eprintln!(
        "pidscope: fitted on {} rows; {}; {}; Y '{}': {} states; saved {}",
        fitted.dataset.rows(),
        describe("X1", &m.x1),
        describe("X2", &m.x2),
        m.y.column,
        m.y.labels.len(),
        args.save_model
    );
    Ok(())
}

/// Prints the counting query of a saved discretiser.
pub(crate) fn sql_command(args: &SqlArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.model)
        .map_err(|e| CliError::input(format!("{}: {e}", args.model)))?;
    let model = DiscretiserModel::from_json(&text)
        .map_err(|e| CliError::input(format!("{}: {e}", args.model)))?;
    let dialect = match args.dialect {
        DialectChoice::Duckdb => Dialect::DuckDb,
        DialectChoice::Spark => Dialect::Spark,
    };
    let query = counts_query(&model, dialect, &args.table)
        .map_err(|e| CliError::input(format!("{}: {e}", args.model)))?;
    print!("{query}");
    Ok(())
}
