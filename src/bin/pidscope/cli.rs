//! The CLI itself: options (clap), reading files, printing results.

use std::fs::File;
use std::io::Read;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use pidscope::analysis::AnalysisError;
use pidscope::analysis::{
    analyse, analyse_batch, analyse_batch_null, Analysis, AnalysisSettings, GaussianOptions,
    ShareMeta, TargetAnalysis,
};
use pidscope::data::parquet::read_parquet;
use pidscope::data::{
    expand_patterns, join_column, DataError, FileReader, Format, IngestOptions, ParsedTable, Roles,
    TargetKind,
};
use pidscope::discretize::PcaMethod;
use pidscope::meta::{self, Bound, Units};
use pidscope::pid::batch::{batch_uncertainty, BatchConfig, BatchUncertainty, MIN_NULLS_FOR_TEST};
use pidscope::pid::{Decomposition, Term, TERMS};
use pidscope::rigor::{Surrogates, TermUncertainty, Uncertainty};
use pidscope::share::share_url;
use serde_json::{json, Map, Value};

const ABOUT: &str =
    "pidscope — Partial Information Decomposition: redundancy, uniqueness and synergy, in bits";

const LONG_ABOUT: &str = "\
pidscope — Partial Information Decomposition: redundancy, uniqueness and synergy, in bits

A counts table (columns x1, x2, y, count) is analysed directly. A samples file (one row
per sample) needs roles; without role options they are guessed from column names (Y:
label/y/target/class; Ŷ: pred*/yhat; X1, X2: the first two column-name prefixes).
Files are CSV/TSV, NumPy (.npy, .npz: a 2-D array NAME is the columns NAME[0]…, one
modality) or Parquet (.parquet: a list column NAME is the columns NAME[0]…).";

const EXAMPLES: &str = "\
Examples:
  pidscope estimate counts.csv
  pidscope estimate samples.csv --x1 'cam_*' --x2 'lidar_*' --y label --json
  pidscope estimate samples.csv --yhat pred
  pidscope estimate arrays.npz
  pidscope estimate emb.parquet --x1 emb --x2 audio --y label
  pidscope estimate samples.csv --estimator batch --seed 1
  pidscope estimate samples.csv --y score --estimator gaussian
  pidscope link samples.csv --base https://you.example/pidscope/
  pidscope open 'http://127.0.0.1:8080/#s=2.…'
  pidscope fit sample.csv --save-model model.json --counts-out counts.csv
  pidscope sql model.json --dialect duckdb --table events
  pidscope completions bash > /etc/bash_completion.d/pidscope";

const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

#[derive(Parser)]
#[command(name = "pidscope", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Estimate the PID of CSV, NumPy or Parquet files (samples or a counts table).
    #[command(after_help = EXAMPLES)]
    Estimate(EstimateArgs),
    /// Print a share link: the page opened with it recomputes and shows the same atoms.
    ///
    /// The link carries the discrete table and the results, never the raw rows.
    Link(LinkArgs),
    /// Open a share link or `.pidscope.json` analysis file: recompute it from its table
    /// and check the numbers it carries (exit status 1 when they differ).
    Open(OpenArgs),
    /// Fit the discretiser on samples and save it as JSON (with the sample's counts
    /// table), for `pidscope sql` to apply on a warehouse (docs/scale.md).
    Fit(crate::warehouse::FitArgs),
    /// Print one SQL query (DuckDB or Spark) that counts a table into the cells of a
    /// saved discretiser: columns x1, x2, y, count, as `estimate` reads them.
    Sql(crate::warehouse::SqlArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
pub(crate) struct EstimateArgs {
    /// CSV, .npy, .npz or .parquet files: one counts table, or samples files with the same rows.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<String>,
    #[command(flatten)]
    roles: RoleArgs,
    #[command(flatten)]
    estimator: EstimatorArgs,
    /// One JSON object (atoms, MI terms, certificate, statistics).
    #[arg(long, help_heading = "Output")]
    pub(crate) json: bool,
    /// Natural-log units instead of bits.
    #[arg(long, help_heading = "Output")]
    nats: bool,
    /// Skip the fidelity check (held-out classifiers on the continuous features, set against the table; docs/fidelity.md).
    #[arg(long)]
    no_fidelity: bool,
    /// "How stable is this?": the corrected atoms and intervals as this setting varies (samples only, CVX; docs/rigor.md).
    #[arg(long, value_enum, value_name = "SETTING", help_heading = "Output")]
    pub(crate) sweep: Option<crate::sweep::SweepChoice>,
}

#[derive(Args)]
struct LinkArgs {
    #[command(flatten)]
    estimate: EstimateArgs,
    /// The page's address the link starts with (`npm start` serves it here).
    #[arg(long, default_value = DEFAULT_BASE, help_heading = "Output")]
    base: String,
    /// A title shown with the shared analysis (default: the file names).
    #[arg(long, help_heading = "Output")]
    title: Option<String>,
}

#[derive(Args)]
struct OpenArgs {
    /// The link (a full URL, `#s=…` or `2.…`) or the path of an analysis file.
    #[arg(value_name = "LINK|FILE")]
    source: String,
    /// One JSON object, as `estimate --json` prints.
    #[arg(long, help_heading = "Output")]
    json: bool,
    /// Natural-log units instead of bits.
    #[arg(long, help_heading = "Output")]
    nats: bool,
    /// Solve even a table estimated to take longer than 30 s (otherwise refused, saying so).
    #[arg(long = "allow-slow")]
    allow_slow: bool,
}

/// Comma-separated column names; `prefix*` matches every column starting with prefix;
/// `FILE::column` names a column of one file.
#[derive(Args, Default)]
#[command(
    next_help_heading = "Roles (comma-separated columns; `cam_*` matches a prefix, `FILE::col` one file's column)"
)]
struct RoleArgs {
    /// Columns of the first modality.
    #[arg(long, value_name = "COLS")]
    x1: Option<String>,
    /// Columns of the second modality.
    #[arg(long, value_name = "COLS")]
    x2: Option<String>,
    /// The target column (several, comma-separated, only with --estimator gaussian: a multivariate numeric Y).
    #[arg(long, value_name = "COL")]
    y: Option<String>,
    /// Model prediction columns: their PID is shown beside Y's.
    #[arg(long, value_name = "COLS")]
    yhat: Option<String>,
    /// Per-sample weights.
    #[arg(long, value_name = "COL")]
    weight: Option<String>,
    /// (batch) A model's p̂(y|x1), one column per state of Y named …_<state> (guessed: p_x1_<state>).
    #[arg(long = "p-x1", value_name = "COLS")]
    p_x1: Option<String>,
    /// (batch) A model's p̂(y|x2) (guessed: p_x2_<state>).
    #[arg(long = "p-x2", value_name = "COLS")]
    p_x2: Option<String>,
    /// (batch) A model's p̂(y|x1,x2) (guessed: p_x1x2_<state>); with all three, BATCH uses them instead of training classifiers.
    #[arg(long = "p-joint", value_name = "COLS")]
    p_joint: Option<String>,
    /// Join the files on this id column (default: an id/index/idx/row column all files share; else row by row).
    #[arg(long = "join-on", value_name = "COL")]
    join_on: Option<String>,
    /// Read these columns of numbers and text as numbers: values that are not numbers count as missing.
    #[arg(long, value_name = "COLS")]
    numeric: Option<String>,
    /// Read these columns of numbers and text as text: every distinct value is a category.
    #[arg(long, value_name = "COLS")]
    text: Option<String>,
    /// What a numeric Y is: auto (a class with at most 20 distinct values, or 100 whole
    /// numbers; else a scalar), class (every value a class) or scalar (cut into --y-bins
    /// quantile bins for cvx and batch; gaussian uses the values).
    #[arg(long = "y-as", value_enum, default_value = "auto")]
    y_as: TargetChoice,
}

#[derive(Clone, Copy, Default, ValueEnum)]
enum TargetChoice {
    #[default]
    Auto,
    Class,
    Scalar,
}

#[derive(Clone, Copy, ValueEnum)]
enum EstimatorChoice {
    /// Exact PID of the clustered table.
    Cvx,
    /// The neural estimator on the continuous features.
    Batch,
    /// The exact PID of jointly Gaussian features and target, from their covariance (docs/gaussian.md).
    Gaussian,
}

#[derive(Args)]
#[command(next_help_heading = "Estimator")]
struct EstimatorArgs {
    /// Which estimator computes the PID.
    #[arg(long, value_enum, default_value = "cvx")]
    estimator: EstimatorChoice,
    /// A named discretisation: `paper` is the paper's released code (each row
    /// L2-normalised, PCA 2, K = 20, best of 10 k-means runs); an explicit --pca or
    /// --clusters wins over the preset's.
    #[arg(long, value_enum, value_name = "NAME")]
    preset: Option<PresetChoice>,
    #[arg(long, value_name = "K",
          value_parser = |s: &str| bounded(s, &meta::CLUSTERS),
          help = preset_ranged("Clusters per numeric modality", &meta::CLUSTERS, meta::Preset::Paper.settings().clusters))]
    clusters: Option<usize>,
    /// Solve even a table estimated to take longer than 30 s (otherwise refused, saying so).
    #[arg(long = "allow-slow")]
    allow_slow: bool,
    /// (gaussian) Replace every column by the normal scores of its ranks first (a Gaussian copula; docs/gaussian.md).
    #[arg(long)]
    copula: bool,
    #[arg(long = "y-bins", value_name = "N", default_value_t = meta::Y_BINS.default,
          value_parser = |s: &str| bounded(s, &meta::Y_BINS),
          help = ranged("Quantile bins of a scalar Y (cvx, batch)", &meta::Y_BINS))]
    y_bins: usize,
    #[arg(long, value_name = "N",
          value_parser = |s: &str| bounded(s, &meta::PCA_COMPONENTS),
          help = preset_ranged("PCA components before clustering", &meta::PCA_COMPONENTS, meta::Preset::Paper.settings().pca))]
    pca: Option<usize>,
    /// How PCA is computed: exact up to ~4e9 covariance multiply-adds, randomized beyond
    /// (auto), or always one way (docs/scale.md, "Randomized PCA").
    #[arg(long = "pca-method", value_enum, default_value_t = PcaChoice::Auto)]
    pca_method: PcaChoice,
    #[arg(long, value_name = "N", default_value_t = meta::SEED.default,
          value_parser = |s: &str| bounded(s, &meta::SEED),
          help = ranged("Seed of the clustering and of BATCH's training", &meta::SEED))]
    seed: u64,
    #[arg(long, value_name = "N", default_value_t = meta::ALIGNMENT_EPOCHS.default,
          value_parser = |s: &str| bounded(s, &meta::ALIGNMENT_EPOCHS),
          help = ranged("(batch) Alignment epochs", &meta::ALIGNMENT_EPOCHS))]
    epochs: usize,
    #[arg(long, value_name = "N", default_value_t = meta::CLASSIFIER_EPOCHS.default,
          value_parser = |s: &str| bounded(s, &meta::CLASSIFIER_EPOCHS),
          help = ranged("(batch) Classifier epochs", &meta::CLASSIFIER_EPOCHS))]
    classifier_epochs: usize,
    #[arg(long, value_name = "M", default_value_t = meta::BATCH_SIZE.default,
          value_parser = |s: &str| bounded(s, &meta::BATCH_SIZE),
          help = ranged("(batch) Samples per mini-batch", &meta::BATCH_SIZE))]
    batch_size: usize,
    #[arg(long, value_name = "F", default_value_t = meta::LEARNING_RATE.default,
          value_parser = |s: &str| bounded(s, &meta::LEARNING_RATE),
          help = ranged("(batch) Adam's step size", &meta::LEARNING_RATE))]
    learning_rate: f64,
    #[arg(long, value_name = "N", default_value_t = meta::BATCH_NULL_RUNS.default,
          value_parser = |s: &str| bounded(s, &meta::BATCH_NULL_RUNS),
          help = ranged("(batch) Trainings on shuffled labels: their mean is the bias floor; 20 or more give p-values (0: none)", &meta::BATCH_NULL_RUNS))]
    batch_null_runs: usize,
    #[arg(long, value_name = "N", default_value_t = meta::RESAMPLES.default,
          value_parser = |s: &str| bounded(s, &meta::RESAMPLES),
          help = ranged("Bootstrap replicates behind every interval and bias correction (0: none)", &meta::RESAMPLES),
          help_heading = "Uncertainty (docs/rigor.md)")]
    resamples: usize,
    #[arg(long, value_name = "N", default_value_t = meta::PERMUTATIONS.default,
          value_parser = |s: &str| bounded(s, &meta::PERMUTATIONS),
          help = ranged("Permutations per null behind every p-value and bias floor (0: none)", &meta::PERMUTATIONS),
          help_heading = "Uncertainty (docs/rigor.md)")]
    permutations: usize,
    /// How surrogate rows are made: shuffles for independent rows, circular shifts and blocks for a time series.
    #[arg(
        long,
        value_enum,
        default_value = "shuffle",
        help_heading = "Uncertainty (docs/rigor.md)"
    )]
    surrogates: SurrogateChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum PresetChoice {
    /// The paper's released code: each row L2-normalised (scikit-learn's `normalize`), PCA 2, K = 20, 10 k-means restarts.
    Paper,
}

#[derive(Clone, Copy, ValueEnum)]
enum PcaChoice {
    /// Exact for small inputs, randomized for many rows of many features.
    Auto,
    /// The covariance matrix and its eigenvectors.
    Exact,
    /// Randomized subspace iteration over the rows.
    Randomized,
}

#[derive(Clone, Copy, ValueEnum)]
enum SurrogateChoice {
    /// Rows are independent samples.
    Shuffle,
    /// Rows are a time series, in order.
    Circular,
}

/// A number within `bound`, or clap's message naming the range.
fn bounded<T>(text: &str, bound: &Bound<T>) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
{
    let value = text
        .trim()
        .parse::<T>()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if bound.contains(value) {
        Ok(value)
    } else {
        Err(format!("must be between {} and {}", bound.min, bound.max))
    }
}

/// The help line of an option a preset also sets: its range, its default and the
/// preset's value (an explicit value wins over the preset's).
fn preset_ranged(what: &str, bound: &Bound<usize>, paper: usize) -> String {
    format!(
        "{}; --preset paper sets {paper}, an explicit value wins [default: {}]",
        ranged(what, bound),
        bound.default
    )
}

/// An option's help line with its range (the default is added by clap).
fn ranged<T: std::fmt::Display>(what: &str, bound: &Bound<T>) -> String {
    format!("{what}; {}–{}", bound.min, bound.max)
}

impl EstimateArgs {
    /// The settings the options give, for these files (the join column is detected
    /// when not given).
    // Settings without an option keep their defaults when fields are added.
    #[allow(clippy::needless_update)]
    pub(crate) fn settings(&self, tables: &[ParsedTable]) -> AnalysisSettings {
        let list = |option: &Option<String>| {
            option
                .as_deref()
                .map_or_else(Vec::new, |p| expand(p, tables))
        };
        let base = match self.estimator.preset {
            Some(PresetChoice::Paper) => {
                AnalysisSettings::default().with_preset(meta::Preset::Paper)
            }
            None => AnalysisSettings::default(),
        };
        AnalysisSettings {
            join_on: self.roles.join_on(tables),
            numeric_columns: list(&self.roles.numeric),
            text_columns: list(&self.roles.text),
            clusters: self.estimator.clusters.unwrap_or(base.clusters),
            pca: self.estimator.pca.unwrap_or(base.pca),
            pca_method: match self.estimator.pca_method {
                PcaChoice::Auto => PcaMethod::Auto,
                PcaChoice::Exact => PcaMethod::Exact,
                PcaChoice::Randomized => PcaMethod::Randomized,
            },
            seed: self.estimator.seed,
            resamples: self.estimator.resamples,
            permutations: self.estimator.permutations,
            surrogates: match self.estimator.surrogates {
                SurrogateChoice::Shuffle => Surrogates::Shuffle,
                SurrogateChoice::Circular => Surrogates::Circular,
            },
            target_kind: match self.roles.y_as {
                TargetChoice::Auto => TargetKind::Auto,
                TargetChoice::Class => TargetKind::Class,
                TargetChoice::Scalar => TargetKind::Scalar,
            },
            y_bins: self.estimator.y_bins,
            allow_slow: self.estimator.allow_slow,
            ..base
        }
    }

    /// BATCH's configuration, or `None` for CVX.
    fn batch(&self) -> Option<BatchConfig> {
        let e = &self.estimator;
        matches!(e.estimator, EstimatorChoice::Batch).then(|| BatchConfig {
            batch_size: e.batch_size,
            classifier_epochs: e.classifier_epochs,
            alignment_epochs: e.epochs,
            learning_rate: e.learning_rate,
            seed: e.seed,
            null_runs: e.batch_null_runs,
            ..BatchConfig::default()
        })
    }

    /// The Gaussian estimator's options (`--copula`).
    pub(crate) fn gaussian_options(&self) -> GaussianOptions {
        GaussianOptions {
            copula: self.estimator.copula,
            point_only: false,
        }
    }

    pub(crate) fn units(&self) -> Units {
        if self.nats {
            Units::Nats
        } else {
            Units::Bits
        }
    }
}

/// A command-line input error: printed as one line, exit status 1 (clap's own usage
/// errors exit with 2).
pub(crate) struct CliError(String);

impl CliError {
    pub(crate) fn input(message: impl ToString) -> Self {
        CliError(message.to_string())
    }

    /// An analysis error, with the option that resolves it where there is one.
    pub(crate) fn analysis(error: AnalysisError) -> Self {
        let hint = match &error {
            AnalysisError::Data(DataError::MixedColumn { column, .. }) => {
                format!(" (--numeric '{column}' or --text '{column}')")
            }
            AnalysisError::Data(DataError::IdsDisagree { column, .. }) => {
                format!(" (--join-on '{column}')")
            }
            _ => String::new(),
        };
        CliError(format!("{error}{hint}"))
    }
}

/// Reads a file by its format: CSV and NumPy in chunks through the core's reader, as
/// the page does; Parquet row group by row group from the file.
fn read_file(path: &str) -> Result<ParsedTable, CliError> {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
    let mut file = File::open(path).map_err(|e| CliError::input(format!("{path}: {e}")))?;
    let options = IngestOptions::named(name);
    if Format::of_name(&options.display_name) == Format::Parquet {
        return read_parquet(&options.display_name, file, options.limits).map_err(CliError::input);
    }
    let mut reader = FileReader::new(options);
    if let Ok(metadata) = file.metadata() {
        reader.expect_bytes(metadata.len() as usize);
    }
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut chunk)
            .map_err(|e| CliError::input(format!("{path}: {e}")))?;
        if n == 0 {
            break;
        }
        reader.push(&chunk[..n]).map_err(CliError::input)?;
    }
    reader.finish().map_err(CliError::input)
}

/// Expands comma-separated column patterns (`a,b`, `cam_*`, `emb` for an array or list
/// column's elements `emb[0]`…) against the files' columns (the core's rule, which the
/// page's pattern box uses too).
fn expand(patterns: &str, tables: &[ParsedTable]) -> Vec<String> {
    let all: Vec<&str> = tables.iter().flat_map(|t| t.column_names()).collect();
    expand_patterns(patterns, &all)
}

impl RoleArgs {
    /// The id column to join on: `--join-on`, or the one the files share.
    fn join_on(&self, tables: &[ParsedTable]) -> Option<String> {
        self.join_on.clone().or_else(|| join_column(tables))
    }
}

/// Roles from the options; what an option does not name keeps its guess, minus any
/// column that an option put in another role.
fn roles_from(args: &RoleArgs, tables: &[ParsedTable]) -> Option<Roles> {
    let given = [
        &args.x1,
        &args.x2,
        &args.y,
        &args.yhat,
        &args.weight,
        &args.p_x1,
        &args.p_x2,
        &args.p_joint,
    ];
    if given.iter().all(|o| o.is_none()) {
        return None; // guessed by the analysis, which leaves out the join column too
    }
    let guess = Roles::guess_joined(tables, args.join_on(tables).as_deref()).unwrap_or_default();
    let list = |option: &Option<String>| option.as_deref().map(|p| expand(p, tables));
    let (x1, x2, yhat) = (list(&args.x1), list(&args.x2), list(&args.yhat));
    // `--y y1,y2`: the first is Y, the others further target columns (Gaussian only).
    let ys = list(&args.y);
    let (p_x1, p_x2, p_joint) = (list(&args.p_x1), list(&args.p_x2), list(&args.p_joint));
    let explicit: Vec<String> = [&x1, &x2, &ys, &yhat, &p_x1, &p_x2, &p_joint]
        .into_iter()
        .flatten()
        .flatten()
        .chain(args.weight.iter())
        .cloned()
        .collect();
    let unclaimed = |cols: Vec<String>| -> Vec<String> {
        cols.into_iter().filter(|c| !explicit.contains(c)).collect()
    };
    let single = |option: &Option<String>, guessed: Option<String>| {
        option
            .clone()
            .or_else(|| guessed.filter(|g| !explicit.contains(g)))
    };
    Some(Roles {
        x1: x1.unwrap_or_else(|| unclaimed(guess.x1)),
        x2: x2.unwrap_or_else(|| unclaimed(guess.x2)),
        y: single(&ys.as_ref().and_then(|v| v.first().cloned()), Some(guess.y)).unwrap_or_default(),
        y_extra: ys
            .and_then(|v| v.get(1..).map(<[String]>::to_vec))
            .unwrap_or_default(),
        yhat: yhat.unwrap_or_else(|| unclaimed(guess.yhat)),
        weight: single(&args.weight, guess.weight),
        p_x1: p_x1.unwrap_or_else(|| unclaimed(guess.p_x1)),
        p_x2: p_x2.unwrap_or_else(|| unclaimed(guess.p_x2)),
        p_joint: p_joint.unwrap_or_else(|| unclaimed(guess.p_joint)),
    })
}

/// The seven numbers of a decomposition under their keys, in `units`.
pub(crate) fn terms_json(d: &Decomposition, units: Units, out: &mut Map<String, Value>) {
    for (term, bits) in d.terms() {
        out.insert(term.key.into(), json!(bits * units.per_bit()));
    }
}

/// The numbers of one target as JSON, in the chosen unit.
fn target_json(t: &TargetAnalysis, units: Units) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("target".into(), json!(t.name));
    terms_json(&t.pid, units, &mut out);
    out.insert(
        "certificate".into(),
        json!(t.pid.certificate_bits * units.per_bit()),
    );
    out.insert("iterations".into(), json!(t.pid.iterations));
    out.insert("converged".into(), json!(t.pid.converged));
    out.insert("shape".into(), json!(t.table.shape));
    if let Some(stats) = &t.stats {
        out.insert("stats".into(), json!(stats));
    }
    if let Some(note) = &t.uncertainty_note {
        out.insert("uncertainty_note".into(), json!(note));
    } else if t.samples.is_none() {
        out.insert("uncertainty_note".into(), json!(meta::NO_SAMPLE_SIZE));
    }
    if let Some(u) = &t.uncertainty {
        // Always in bits, whatever --nats says: the key below says so.
        out.insert("uncertainty".into(), json!(u));
        out.insert("uncertainty_units".into(), json!(Units::Bits));
    }
    out
}

/// Whether a term's p-value calls it distinguishable from noise.
fn significant(term: &TermUncertainty) -> bool {
    term.p_value.is_some_and(|p| p < meta::SIGNIFICANCE_LEVEL)
}

/// `S 0.146 → 0.003 bits [−0.010, 0.018] p = 0.41`: plug-in → corrected, interval, p.
fn uncertainty_line(symbol: &str, term: &TermUncertainty, units: Units) -> String {
    let v = |bits: f64| format!("{:.4}", bits * units.per_bit()).replace('-', "−");
    let mut line = format!(
        "{symbol} {} → {} {}",
        v(term.plug_in),
        v(term.corrected),
        units.name()
    );
    if let (Some(low), Some(high)) = (term.low, term.high) {
        line += &format!(" [{}, {}]", v(low), v(high));
    }
    if let Some(p) = term.p_value {
        line += &format!(
            " p = {}",
            if p < 0.001 {
                "<0.001".into()
            } else {
                format!("{p:.3}")
            }
        );
    }
    line
}

/// How an uncertainty block was made, for its heading.
pub(crate) struct UncertaintyHeading<'a> {
    pub method: &'a str,
    pub confidence: f64,
    pub resamples: usize,
    pub permutations: usize,
    pub seed: u64,
}

/// The uncertainty block under a table: every term plug-in → corrected with its
/// interval and p-value, and the atoms' shares from the significant corrected values;
/// then whether any atom was detected. CVX's and the Gaussian estimator's.
pub(crate) fn print_term_uncertainty(
    name: &str,
    heading: &UncertaintyHeading,
    terms: [&TermUncertainty; 7],
    units: Units,
    after_terms: &dyn Fn(),
) {
    println!(
        "\n{name}: bias-corrected values, {:.0} % intervals and p-values ({}; {} resamples, {} permutations per null, seed {}):",
        100.0 * heading.confidence,
        heading.method,
        heading.resamples,
        heading.permutations,
        heading.seed
    );
    let shown: Vec<(&Term, &TermUncertainty)> = TERMS.iter().zip(terms).collect();
    let signal: f64 = shown
        .iter()
        .filter(|(t, u)| t.atom && significant(u))
        .map(|(_, u)| u.corrected.max(0.0))
        .sum();
    for (term, tu) in &shown {
        let mut line = format!("  {:<42}", uncertainty_line(term.symbol, tu, units));
        if !significant(tu) && tu.p_value.is_some() {
            line += "  not distinguishable from noise";
        } else if term.atom && signal > 0.0 {
            line += &format!(
                "  {:>5.1} % of what is detected",
                100.0 * tu.corrected.max(0.0) / signal
            );
        }
        if let Some(floor) = tu.null_mean {
            line += &format!("  (noise floor {:.4})", floor * units.per_bit());
        }
        println!("{}", line.trim_end());
    }
    after_terms();
    if heading.permutations > 0
        && shown
            .iter()
            .filter(|(t, _)| t.atom)
            .all(|(_, u)| !significant(u))
    {
        println!("  No information about {name} was detected: every atom is within what noise alone gives.");
    }
}

/// CVX's uncertainty block ([`print_term_uncertainty`]), saying when the intervals are
/// approximate (few samples per cell).
fn print_uncertainty(name: &str, u: &Uncertainty, units: Units) {
    let heading = UncertaintyHeading {
        method: &u.method,
        confidence: u.confidence,
        resamples: u.resamples,
        permutations: u.permutations,
        seed: u.seed,
    };
    let approximate = || {
        if u.approximate {
            println!(
                "  intervals are approximate (few samples per cell: {:.1} per cell, fewer than {})",
                u.samples_per_cell, u.min_samples_per_cell
            );
        }
    };
    print_term_uncertainty(name, &heading, u.terms(), units, &approximate);
}

pub(crate) fn print_json(analysis: &Analysis, units: Units) {
    print_json_with(analysis, units, &crate::fidelity::Outcome::None);
}

/// [`print_json`] with the fidelity check's outcome (`"fidelity"`).
fn print_json_with(analysis: &Analysis, units: Units, fidelity: &crate::fidelity::Outcome) {
    let mut out = target_json(&analysis.dataset, units);
    out.insert("units".into(), json!(units));
    out.insert("kind".into(), json!(analysis.kind));
    out.insert("names".into(), json!(analysis.names));
    let models = analysis.models.iter();
    let models = models.map(|m| Value::Object(target_json(m, units)));
    out.insert("models".into(), Value::Array(models.collect()));
    if let Some(report) = &analysis.report {
        out.insert("rows".into(), json!(report));
    }
    out.insert("settings".into(), json!(analysis.settings));
    out.insert("preprocessing".into(), json!(analysis.preprocessing));
    crate::fidelity::insert_json(fidelity, &mut out);
    out.insert("notes".into(), json!(analysis.notes));
    println!("{}", Value::Object(out));
}

/// A value with six decimals; one that rounds to zero is `0.000000`, never `-0.000000`
/// (a solver's −1e-12 is not a negative amount of information).
pub(crate) fn fixed(value: f64) -> String {
    let text = format!("{value:.6}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

/// A row label: the term's name with its symbol (`Redundancy R`, `I(X1;Y)`).
pub(crate) fn row_label(term: &Term) -> String {
    if term.atom {
        format!("{} {}", term.label, term.symbol)
    } else {
        term.label.to_string()
    }
}

pub(crate) fn print_table(analysis: &Analysis, files: &[String], units: Units) {
    let names = &analysis.names;
    let unit = units.name();
    println!(
        "PID of {} — X1: {}, X2: {}, Y: {}",
        files.join(" + "),
        names.x1,
        names.x2,
        names.y
    );
    if let Some(report) = &analysis.report {
        println!(
            "{} samples used of {} rows ({} dropped for missing values, {} unmatched)",
            report.rows_used, report.rows_in, report.rows_dropped_missing, report.rows_unmatched
        );
    }
    if let Some(preprocessing) = &analysis.preprocessing {
        println!("discretised: {preprocessing}");
    }
    for note in &analysis.notes {
        println!("note: {note}");
    }
    let targets: Vec<&TargetAnalysis> = std::iter::once(&analysis.dataset)
        .chain(&analysis.models)
        .collect();
    print!("\n{:<18}", "");
    for (i, t) in targets.iter().enumerate() {
        let head = if i == 0 {
            format!("{} ({unit})", t.name)
        } else {
            format!("model {} ({unit})", t.name)
        };
        print!("{head:>24}");
    }
    println!();
    let atoms = TERMS.iter().filter(|t| t.atom).count();
    for (i, term) in TERMS.iter().enumerate() {
        if i == atoms {
            println!("{:<18}{}", "", "-".repeat(24 * targets.len()));
        }
        print!("{:<18}", row_label(term));
        for t in &targets {
            let bits = t.pid.values()[i];
            let total = t.pid.mi_joint;
            let cell = if term.atom && total > 0.0 {
                format!(
                    "{} {:>5.1}%",
                    fixed(bits * units.per_bit()),
                    100.0 * bits.max(0.0) / total
                )
            } else {
                fixed(bits * units.per_bit())
            };
            print!("{cell:>24}");
        }
        println!();
    }
    println!();
    for t in &targets {
        let p = &t.pid;
        println!(
            "{}: {} to within {:.1e} {unit} ({} solver iterations); table {}×{}×{}",
            t.name,
            if p.converged {
                "exact"
            } else {
                "NOT converged; certified only"
            },
            p.certificate_bits * units.per_bit(),
            p.iterations,
            t.table.shape[0],
            t.table.shape[1],
            t.table.shape[2],
        );
        if let Some(warning) = t.stats.as_ref().and_then(|s| s.warning.as_ref()) {
            println!("warning: {warning}");
            if t.uncertainty.is_some() {
                println!("         (the bias-corrected values and intervals below allow for it)");
            }
        }
    }
    for t in &targets {
        if let Some(u) = &t.uncertainty {
            print_uncertainty(&t.name, u, units);
        } else if let Some(note) = &t.uncertainty_note {
            println!("\n{}: {note}.", t.name);
        } else if t.samples.is_none() {
            println!(
                "\n{}: no intervals or p-values: {}.",
                t.name,
                meta::NO_SAMPLE_SIZE
            );
        }
    }
}

/// Reads every file and resolves the roles the options give.
pub(crate) fn read_inputs(
    args: &EstimateArgs,
) -> Result<(Vec<ParsedTable>, Option<Roles>), CliError> {
    let tables = args
        .files
        .iter()
        .map(|f| read_file(f))
        .collect::<Result<Vec<_>, _>>()?;
    let roles = roles_from(&args.roles, &tables);
    Ok((tables, roles))
}

/// Reads the files and runs the CVX analysis the options describe.
fn run(args: &EstimateArgs) -> Result<(Analysis, Vec<ParsedTable>), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let settings = args.settings(&tables);
    let mut analysis =
        analyse(&tables, roles.as_ref(), &settings, &mut |_| {}).map_err(CliError::analysis)?;
    if settings.resamples + settings.permutations > 0 {
        let rigor = settings.uncertainty();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for target in std::iter::once(&mut analysis.dataset).chain(&mut analysis.models) {
            // A table of probabilities has no sample size: its output says so instead.
            let Some(samples) = &target.samples else {
                continue;
            };
            let seconds = pidscope::analysis::estimated_uncertainty_seconds(target, &settings)
                .map_err(CliError::analysis)?
                / threads as f64;
            if seconds > meta::SLOW_UNCERTAINTY_SECONDS && !settings.allow_slow {
                target.uncertainty_note = Some(format!(
                    "uncertainty not estimated: {} replicates would take about {} here, more than {:.0} s. Ask for fewer (--resamples, --permutations) or run it anyway with --allow-slow",
                    settings.resamples + settings.permutations,
                    format_duration(seconds),
                    meta::SLOW_UNCERTAINTY_SECONDS
                ));
                continue;
            }
            let estimate = crate::parallel::uncertainty(samples, &rigor);
            target.uncertainty = Some(estimate.map_err(CliError::input)?);
        }
    }
    Ok((analysis, tables))
}

/// "40 s", "12 min", "3.5 h".
fn format_duration(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

fn link(args: &LinkArgs) -> Result<(), CliError> {
    if matches!(args.estimate.estimator.estimator, EstimatorChoice::Gaussian) {
        return Err(CliError::input(
            "a share link carries a discrete table and its CVX results: there is no link for --estimator gaussian yet",
        ));
    }
    let (analysis, tables) = run(&args.estimate)?;
    let files: Vec<String> = tables.iter().map(|t| t.name().to_string()).collect();
    let meta = ShareMeta {
        title: Some(args.title.clone().unwrap_or_else(|| files.join(" + "))),
        units: Some(args.estimate.units()),
        files,
        note: None,
    };
    let state = analysis.to_share_state(&meta);
    state.validate().map_err(CliError::input)?;
    let url = share_url(&args.base, &state);
    println!("{url}");
    if url.len() > meta::LONG_LINK_CHARS {
        eprintln!(
            "pidscope: note: the link has {} characters; chat apps may cut links over about {}",
            url.len(),
            meta::LONG_LINK_CHARS
        );
    }
    Ok(())
}

/// The BATCH estimate, printed with the same JSON keys as CVX; with permutations on,
/// also trained once on shuffled labels for its bias floor.
fn estimate_batch(args: &EstimateArgs, config: &BatchConfig) -> Result<(), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let settings = args.settings(&tables);
    let mut result = analyse_batch(&tables, roles.as_ref(), &settings, config, &mut |_| {})
        .map_err(CliError::analysis)?;
    let mut nulls = Vec::new();
    for index in 0..config.null_runs as u64 {
        let null = analyse_batch_null(
            &tables,
            roles.as_ref(),
            &settings,
            config,
            index,
            &mut |_| {},
        )
        .map_err(CliError::analysis)?;
        nulls.extend(null);
    }
    result.uncertainty = batch_uncertainty(&result.dataset, &nulls, meta::SIGNIFICANCE_LEVEL);
    let units = args.units();
    let pid = serde_json::to_value(&result.dataset).unwrap_or(Value::Null);
    let mut out = Map::new();
    out.insert("estimator".into(), json!("batch"));
    out.insert("target".into(), json!(result.names.y));
    terms_json(&result.dataset, units, &mut out);
    out.insert("certificate".into(), Value::Null);
    for key in [
        "raw",
        "spread",
        "epochs",
        "samples",
        "test_batches",
        "history",
    ] {
        out.insert(key.into(), pid[key].clone());
    }
    out.insert("units".into(), json!(units));
    out.insert("names".into(), json!(result.names));
    out.insert("rows".into(), json!(result.report));
    // Always in bits, as for CVX.
    out.insert("uncertainty".into(), json!(result.uncertainty));
    out.insert("uncertainty_units".into(), json!(Units::Bits));
    out.insert("notes".into(), json!(result.notes));
    out.insert("estimate_notes".into(), json!(result.estimate_notes));
    if args.json {
        println!("{}", Value::Object(out));
        return Ok(());
    }
    println!(
        "BATCH PID of {} — X1: {}, X2: {}, Y: {}",
        args.files.join(" + "),
        result.names.x1,
        result.names.x2,
        result.names.y
    );
    for (term, bits) in result.dataset.terms() {
        println!(
            "{:<18}{:>12}",
            row_label(term),
            fixed(bits * units.per_bit())
        );
    }
    let s = &result.dataset.samples;
    println!(
        "(neural estimate: mean over {} test batches of {} held-out samples; trained on {}, {} for early stopping; no accuracy certificate)",
        result.dataset.test_batches, s.test, s.train, s.validation
    );
    print_batch_uncertainty(&result.uncertainty, units);
    for note in result.estimate_notes.iter().chain(&result.notes) {
        println!("note: {note}");
    }
    Ok(())
}

/// Each term as `S 0.146 → 0.003 bits [0.000, 0.018]` (estimate → minus the
/// shuffled-label floor, t interval over test batches), and what the interval means.
fn print_batch_uncertainty(u: &BatchUncertainty, units: Units) {
    let v = |bits: f64| format!("{:.4}", bits * units.per_bit()).replace('-', "−");
    println!("\n{} ({:.0} %):", u.method, 100.0 * u.confidence);
    for (term, t) in TERMS.iter().zip(u.terms()) {
        let mut line = format!(
            "  {} {} → {} {}",
            term.symbol,
            v(t.estimate),
            v(t.corrected),
            units.name()
        );
        if let (Some(low), Some(high)) = (t.low, t.high) {
            line += &format!(" [{}, {}]", v(low), v(high));
        }
        if let Some(p) = t.p_value {
            line += &format!(" p = {p:.3}");
        }
        if let Some(floor) = t.null_floor {
            line += &format!("  (shuffled-label floor {})", v(floor));
        }
        if term.atom && t.detected == Some(false) {
            line += "  not distinguishable from noise";
        }
        println!("{line}");
    }
    if u.test_batches < 2 {
        println!("  One test batch: no interval (the test split needs two batches or more: more samples, or a smaller --batch-size).");
    } else {
        println!("  The interval covers how the read-out varies across test batches, given the trained networks; their training noise is not in it (docs/batch.md).");
    }
    if u.null_runs == 0 {
        println!("  No shuffled-label run (--batch-null-runs 0, or the model's own probabilities were given): no bias floor was subtracted.");
    } else if u.null_runs < MIN_NULLS_FOR_TEST {
        println!("  {} shuffled-label run(s): a bias floor, but too few for a test (--batch-null-runs {MIN_NULLS_FOR_TEST} or more gives p-values).", u.null_runs);
    }
}

fn estimate(args: &EstimateArgs) -> Result<(), CliError> {
    if let Some(axis) = args.sweep {
        if !matches!(args.estimator.estimator, EstimatorChoice::Cvx) {
            return Err(CliError::input(
                "--sweep varies the clustering behind CVX: use it with --estimator cvx",
            ));
        }
        return crate::sweep::estimate_sweep(args, axis);
    }
    if matches!(args.estimator.estimator, EstimatorChoice::Gaussian) {
        return crate::gaussian::estimate_gaussian(args);
    }
    if args.estimator.copula {
        return Err(CliError::input(
            "--copula is a transform of the Gaussian estimator: use it with --estimator gaussian",
        ));
    }
    if let Some(config) = args.batch() {
        return estimate_batch(args, &config);
    }
    let (analysis, tables) = run(args)?;
    let fidelity = if args.no_fidelity {
        crate::fidelity::Outcome::None
    } else {
        crate::fidelity::check(&tables, &analysis)
    };
    if args.json {
        print_json_with(&analysis, args.units(), &fidelity);
    } else {
        let names: Vec<String> = tables.iter().map(|t| t.name().to_string()).collect();
        print_table(&analysis, &names, args.units());
        crate::fidelity::print(&fidelity, args.units());
    }
    Ok(())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Estimate(args) => estimate(args),
        Command::Link(args) => link(args),
        Command::Fit(args) => crate::warehouse::fit_command(args),
        Command::Sql(args) => crate::warehouse::sql_command(args),
        Command::Open(args) => crate::open::open(
            &args.source,
            args.json,
            if args.nats { Units::Nats } else { Units::Bits },
            args.allow_slow,
        ),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(*shell, &mut command, "pidscope", &mut std::io::stdout());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            eprintln!("pidscope: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn values_that_round_to_zero_carry_no_sign() {
        assert_eq!(fixed(-1e-12), "0.000000");
        assert_eq!(fixed(-0.0), "0.000000");
        assert_eq!(fixed(-0.0000004), "0.000000");
        assert_eq!(fixed(-0.0000006), "-0.000001");
        assert_eq!(fixed(0.25), "0.250000");
    }
}
