//! The native command-line face of the pidscope core: the same ingestion, clustering
//! and solver as the page.

use std::fs::File;
use std::io::Read;
use std::process::ExitCode;

use pidscope::analysis::{
    analyse, analyse_batch, Analysis, AnalysisSettings, ShareMeta, TargetAnalysis,
};
use pidscope::data::{CsvReader, IngestOptions, ParsedTable, Roles};
use pidscope::pid::batch::BatchConfig;
use pidscope::share::share_url;
use serde_json::{json, Map, Value};

const HELP: &str = "\
pidscope — Partial Information Decomposition: redundancy, uniqueness and synergy, in bits

USAGE:
    pidscope estimate FILE.csv [FILE2.csv …] [OPTIONS]
    pidscope link FILE.csv [FILE2.csv …] [OPTIONS] [--base URL] [--title TEXT]
    pidscope --help | --version

`link` prints a share link for the analysis: the page opened with it recomputes and
shows the same atoms. The link carries the discrete table and the results, never the
raw rows (default base: http://127.0.0.1:8080/, where `npm start` serves the page).

A counts table (columns x1, x2, y, count) is analysed directly. A samples file (one
row per sample) needs roles; without role options they are guessed from column names
(Y: label/y/target/class; Ŷ: pred*/yhat; X1, X2: the first two column-name prefixes).

ROLE OPTIONS (comma-separated column names; `prefix*` matches every column starting
with prefix; `FILE::column` names a column of one file):
    --x1 COLS            columns of the first modality
    --x2 COLS            columns of the second modality
    --y COL              the label
    --yhat COLS          model prediction columns: their PID is shown beside Y's
    --weight COL         per-sample weights
    --p-x1 COLS          (batch) a model's p̂(y|x1), one column per state of Y named
                         …_<state>; guessed from names p_x1_<state>
    --p-x2 COLS          (batch) a model's p̂(y|x2) (guessed: p_x2_<state>)
    --p-joint COLS       (batch) a model's p̂(y|x1,x2) (guessed: p_x1x2_<state>);
                         with all three, BATCH uses them instead of training classifiers

ESTIMATOR OPTIONS:
    --estimator E        cvx (exact PID of the clustered table; default) or batch
                         (the neural estimator on the continuous features)
    --clusters K         clusters per numeric modality (default 20)
    --pca N              PCA components before clustering (default 5)
    --seed N             seed of the clustering / BATCH training (default 0)
    --epochs N           (batch) alignment epochs (default 10, the paper's)
    --classifier-epochs N  (batch) classifier epochs (default 40, the paper's)
    --batch-size M       (batch) samples per mini-batch (default 256, the paper's)
    --learning-rate F    (batch) Adam's step size (default 0.001, the paper's)

OUTPUT:
    --json               one JSON object (atoms, MI terms, certificate, statistics)
    --nats               natural-log units instead of bits
    --base URL           (link) the page's address the link starts with
    --title TEXT         (link) a title shown with the shared analysis
";

const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

/// A command-line error: printed as one line, exit status 2 (usage) or 1 (input).
struct CliError {
    message: String,
    usage: bool,
}

impl CliError {
    fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            usage: true,
        }
    }
    fn input(message: impl ToString) -> Self {
        CliError {
            message: message.to_string(),
            usage: false,
        }
    }
}

#[derive(Default)]
struct EstimateArgs {
    files: Vec<String>,
    x1: Option<String>,
    x2: Option<String>,
    y: Option<String>,
    yhat: Option<String>,
    weight: Option<String>,
    p_x1: Option<String>,
    p_x2: Option<String>,
    p_joint: Option<String>,
    settings: AnalysisSettings,
    json: bool,
    nats: bool,
    base: Option<String>,
    title: Option<String>,
    batch: Option<BatchConfig>,
}

fn parse_estimate(args: &[String]) -> Result<EstimateArgs, CliError> {
    let mut out = EstimateArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| CliError::usage(format!("{name} needs a value")))
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| CliError::usage(format!("{name} takes a whole number, not '{text}'")))
        };
        match arg.as_str() {
            "--x1" => out.x1 = Some(value("--x1")?),
            "--x2" => out.x2 = Some(value("--x2")?),
            "--y" => out.y = Some(value("--y")?),
            "--yhat" => out.yhat = Some(value("--yhat")?),
            "--weight" => out.weight = Some(value("--weight")?),
            "--p-x1" => out.p_x1 = Some(value("--p-x1")?),
            "--p-x2" => out.p_x2 = Some(value("--p-x2")?),
            "--p-joint" => out.p_joint = Some(value("--p-joint")?),
            "--clusters" => {
                out.settings.clusters = number("--clusters", value("--clusters")?)? as usize
            }
            "--pca" => out.settings.pca = number("--pca", value("--pca")?)? as usize,
            "--seed" => out.settings.seed = number("--seed", value("--seed")?)?,
            "--estimator" => match value("--estimator")?.as_str() {
                "cvx" => out.batch = None,
                "batch" => out.batch = Some(out.batch.take().unwrap_or_default()),
                other => {
                    return Err(CliError::usage(format!(
                        "--estimator is cvx or batch, not '{other}'"
                    )))
                }
            },
            "--epochs" => {
                let n = number("--epochs", value("--epochs")?)? as usize;
                out.batch
                    .get_or_insert_with(BatchConfig::default)
                    .alignment_epochs = n;
            }
            "--classifier-epochs" => {
                let n = number("--classifier-epochs", value("--classifier-epochs")?)? as usize;
                out.batch
                    .get_or_insert_with(BatchConfig::default)
                    .classifier_epochs = n;
            }
            "--batch-size" => {
                let n = number("--batch-size", value("--batch-size")?)? as usize;
                out.batch
                    .get_or_insert_with(BatchConfig::default)
                    .batch_size = n;
            }
            "--learning-rate" => {
                let text = value("--learning-rate")?;
                let rate = text.parse::<f64>().map_err(|_| {
                    CliError::usage(format!("--learning-rate takes a number, not '{text}'"))
                })?;
                out.batch
                    .get_or_insert_with(BatchConfig::default)
                    .learning_rate = rate;
            }
            "--base" => out.base = Some(value("--base")?),
            "--title" => out.title = Some(value("--title")?),
            "--json" => out.json = true,
            "--nats" => out.nats = true,
            flag if flag.starts_with("--") => {
                return Err(CliError::usage(format!(
                    "unknown option '{flag}' (try --help)"
                )))
            }
            file => out.files.push(file.to_string()),
        }
    }
    if out.files.is_empty() {
        return Err(CliError::usage("needs a CSV file (try --help)"));
    }
    Ok(out)
}

/// Reads a file in chunks through the streaming parser, as the page does.
fn read_file(path: &str) -> Result<ParsedTable, CliError> {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
    let mut file = File::open(path).map_err(|e| CliError::input(format!("{path}: {e}")))?;
    let mut reader = CsvReader::new(IngestOptions::named(name));
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

/// Expands comma-separated column patterns (`a,b`, `cam_*`) against the files' columns.
fn expand(patterns: &str, tables: &[ParsedTable]) -> Vec<String> {
    let all: Vec<&str> = tables.iter().flat_map(|t| t.column_names()).collect();
    let mut out = Vec::new();
    for pattern in patterns.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match pattern.strip_suffix('*') {
            Some(prefix) => {
                let matched: Vec<String> = all
                    .iter()
                    .filter(|c| c.starts_with(prefix))
                    .map(|c| c.to_string())
                    .collect();
                if matched.is_empty() {
                    // Keep the pattern: assembling then names it as an unknown column.
                    out.push(pattern.to_string());
                }
                out.extend(matched);
            }
            None => out.push(pattern.to_string()),
        }
    }
    out
}

/// Roles from the options; what an option does not name keeps its guess, minus any
/// column that an option put in another role.
fn roles_from(args: &EstimateArgs, tables: &[ParsedTable]) -> Option<Roles> {
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
        return None;
    }
    let guess = Roles::guess_tables(tables).unwrap_or_default();
    let list = |option: &Option<String>| option.as_deref().map(|p| expand(p, tables));
    let (x1, x2, yhat) = (list(&args.x1), list(&args.x2), list(&args.yhat));
    let (p_x1, p_x2, p_joint) = (list(&args.p_x1), list(&args.p_x2), list(&args.p_joint));
    let explicit: Vec<String> = [&x1, &x2, &yhat, &p_x1, &p_x2, &p_joint]
        .into_iter()
        .flatten()
        .flatten()
        .chain([&args.y, &args.weight].into_iter().flatten())
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
        y: single(&args.y, Some(guess.y)).unwrap_or_default(),
        yhat: yhat.unwrap_or_else(|| unclaimed(guess.yhat)),
        weight: single(&args.weight, guess.weight),
        p_x1: p_x1.unwrap_or_else(|| unclaimed(guess.p_x1)),
        p_x2: p_x2.unwrap_or_else(|| unclaimed(guess.p_x2)),
        p_joint: p_joint.unwrap_or_else(|| unclaimed(guess.p_joint)),
    })
}

const ATOMS: [(&str, &str); 4] = [
    ("redundancy", "Redundancy R"),
    ("unique1", "Unique to X1 U1"),
    ("unique2", "Unique to X2 U2"),
    ("synergy", "Synergy S"),
];
const TERMS: [(&str, &str); 3] = [
    ("mi_x1_y", "I(X1;Y)"),
    ("mi_x2_y", "I(X2;Y)"),
    ("mi_joint", "I(X1,X2;Y)"),
];

/// The numbers of one target as JSON, in the chosen unit.
fn target_json(t: &TargetAnalysis, scale: f64) -> Map<String, Value> {
    let pid = serde_json::to_value(&t.pid).unwrap_or(Value::Null);
    let mut out = Map::new();
    out.insert("target".into(), json!(t.name));
    for key in ATOMS.iter().chain(&TERMS).map(|(k, _)| *k) {
        out.insert(
            key.into(),
            json!(pid[key].as_f64().unwrap_or(f64::NAN) * scale),
        );
    }
    out.insert("certificate".into(), json!(t.pid.certificate_bits * scale));
    out.insert("iterations".into(), json!(t.pid.iterations));
    out.insert("converged".into(), json!(t.pid.converged));
    out.insert("shape".into(), json!(t.table.shape));
    if let Some(stats) = &t.stats {
        out.insert("stats".into(), json!(stats));
    }
    out
}

fn print_json(analysis: &Analysis, unit: &str, scale: f64) {
    let mut out = target_json(&analysis.dataset, scale);
    out.insert("units".into(), json!(unit));
    out.insert("kind".into(), json!(analysis.kind));
    out.insert("names".into(), json!(analysis.names));
    out.insert(
        "models".into(),
        Value::Array(
            analysis
                .models
                .iter()
                .map(|m| Value::Object(target_json(m, scale)))
                .collect(),
        ),
    );
    if let Some(report) = &analysis.report {
        out.insert("rows".into(), json!(report));
    }
    out.insert("settings".into(), json!(analysis.settings));
    println!("{}", Value::Object(out));
}

fn print_table(analysis: &Analysis, files: &[String], unit: &str, scale: f64) {
    let names = &analysis.names;
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
    let targets: Vec<&TargetAnalysis> = std::iter::once(&analysis.dataset)
        .chain(&analysis.models)
        .collect();
    let values: Vec<Value> = targets
        .iter()
        .map(|t| serde_json::to_value(&t.pid).unwrap_or(Value::Null))
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
    for (i, (key, label)) in ATOMS.iter().chain(&TERMS).enumerate() {
        if i == ATOMS.len() {
            println!("{:<18}{}", "", "-".repeat(24 * targets.len()));
        }
        print!("{label:<18}");
        for v in &values {
            let bits = v[*key].as_f64().unwrap_or(f64::NAN);
            let total = v["mi_joint"].as_f64().unwrap_or(0.0);
            let cell = if i < ATOMS.len() && total > 0.0 {
                format!(
                    "{:.6} {:>5.1}%",
                    bits * scale,
                    100.0 * bits.max(0.0) / total
                )
            } else {
                format!("{:.6}", bits * scale)
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
            p.certificate_bits * scale,
            p.iterations,
            t.table.shape[0],
            t.table.shape[1],
            t.table.shape[2],
        );
        if let Some(warning) = t.stats.as_ref().and_then(|s| s.warning.as_ref()) {
            println!("warning: {warning}");
        }
    }
}

/// Reads every file and resolves the roles the options give.
fn read_inputs(args: &EstimateArgs) -> Result<(Vec<ParsedTable>, Option<Roles>), CliError> {
    let tables = args
        .files
        .iter()
        .map(|f| read_file(f))
        .collect::<Result<Vec<_>, _>>()?;
    let roles = roles_from(args, &tables);
    Ok((tables, roles))
}

/// Reads the files and runs the analysis the options describe.
fn run(args: &EstimateArgs) -> Result<(Analysis, Vec<ParsedTable>), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let analysis =
        analyse(&tables, roles.as_ref(), &args.settings, &mut |_| {}).map_err(CliError::input)?;
    Ok((analysis, tables))
}

fn link(args: &[String]) -> Result<(), CliError> {
    let args = parse_estimate(args)?;
    let (analysis, tables) = run(&args)?;
    let meta = ShareMeta {
        title: Some(args.title.clone().unwrap_or_else(|| {
            tables
                .iter()
                .map(|t| t.name())
                .collect::<Vec<_>>()
                .join(" + ")
        })),
        units: Some(if args.nats { "nats" } else { "bits" }.to_string()),
        files: tables.iter().map(|t| t.name().to_string()).collect(),
        note: None,
    };
    let state = analysis.to_share_state(&meta);
    state.validate().map_err(CliError::input)?;
    let url = share_url(args.base.as_deref().unwrap_or(DEFAULT_BASE), &state);
    println!("{url}");
    if url.len() > 2000 {
        eprintln!(
            "pidscope: note: the link has {} characters; chat apps may cut links over about 2,000",
            url.len()
        );
    }
    Ok(())
}

/// The BATCH estimate, printed with the same JSON keys as CVX.
fn estimate_batch(args: &EstimateArgs, config: &BatchConfig) -> Result<(), CliError> {
    let (tables, roles) = read_inputs(args)?;
    let mut config = config.clone();
    config.seed = args.settings.seed;
    let result = analyse_batch(
        &tables,
        roles.as_ref(),
        &args.settings,
        &config,
        &mut |_| {},
    )
    .map_err(CliError::input)?;
    let scale = if args.nats {
        std::f64::consts::LN_2
    } else {
        1.0
    };
    let pid = serde_json::to_value(&result.dataset).unwrap_or(Value::Null);
    let mut out = Map::new();
    out.insert("estimator".into(), json!("batch"));
    out.insert("target".into(), json!(result.names.y));
    for key in ATOMS.iter().chain(&TERMS).map(|(k, _)| *k) {
        out.insert(
            key.into(),
            json!(pid[key].as_f64().unwrap_or(f64::NAN) * scale),
        );
    }
    out.insert("certificate".into(), Value::Null);
    out.insert("raw".into(), pid["raw"].clone());
    out.insert("spread".into(), pid["spread"].clone());
    out.insert("epochs".into(), pid["epochs"].clone());
    out.insert(
        "units".into(),
        json!(if args.nats { "nats" } else { "bits" }),
    );
    out.insert("names".into(), json!(result.names));
    if args.json {
        println!("{}", Value::Object(out));
    } else {
        println!(
            "BATCH PID of {} — X1: {}, X2: {}, Y: {}",
            args.files.join(" + "),
            result.names.x1,
            result.names.x2,
            result.names.y
        );
        for (key, label) in ATOMS.iter().chain(&TERMS) {
            println!(
                "{label:<18}{:>12.6}",
                out[*key].as_f64().unwrap_or(f64::NAN)
            );
        }
        println!("(neural estimate, averaged over test batches; no accuracy certificate)");
    }
    Ok(())
}

fn estimate(args: &[String]) -> Result<(), CliError> {
    let args = parse_estimate(args)?;
    if let Some(config) = &args.batch {
        return estimate_batch(&args, config);
    }
    let (analysis, tables) = run(&args)?;
    let (unit, scale) = if args.nats {
        ("nats", std::f64::consts::LN_2)
    } else {
        ("bits", 1.0)
    };
    if args.json {
        print_json(&analysis, unit, scale);
    } else {
        let names: Vec<String> = tables.iter().map(|t| t.name().to_string()).collect();
        print_table(&analysis, &names, unit, scale);
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => {
            print!("{HELP}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("pidscope {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("estimate") => estimate(&args[1..]),
        Some("link") => link(&args[1..]),
        Some(other) => Err(CliError::usage(format!(
            "unknown command '{other}' (try --help)"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pidscope: {}", e.message);
            ExitCode::from(if e.usage { 2 } else { 1 })
        }
    }
}
