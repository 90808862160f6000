//! The JavaScript boundary: the only module that uses wasm-bindgen.
//!
//! Every export takes plain numbers, arrays, strings or JSON-like objects and returns
//! a JSON-compatible object; every core error becomes one `js_sys::Error` (with
//! `name` set to the area it came from) through [`BoundaryError`].

use std::sync::Mutex;

mod sweep;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::analysis::{
    analyse, analyse_batch, analyse_batch_null, analyse_fidelity, analyse_gaussian,
    analyse_joint_table, open_shared, Analysis, AnalysisError, AnalysisKind, AnalysisSettings,
    GaussianOptions, Names, ShareMeta, TableView,
};
use crate::data::{
    feature_concern, join_column, looks_like_counts_table, matching_columns, DataError,
    FeatureConcern, FileReader, IngestOptions, ParsedTable, Roles,
};
use crate::examples::{gallery_entry, Atom, LessonError, LinearGaussian, GALLERY};
use crate::pid::batch::BatchConfig;
use crate::rigor::{
    observe, replicate_jobs, replicates, summarise, Replicate, ReplicateJob, Samples,
    Settings as UncertaintySettings,
};
use crate::scenarios::{generate, write_csv, GeneratedScenario, Scenario, ScenarioSpec};
use crate::share::{
    decode_file, decode_link, encode_file, encode_link, uncertainty_mismatches, ShareError,
    ShareState, StoredUncertainty,
};
use crate::table::{JointTable, TableError};

/// Errors from any core area, on their way to JavaScript.
#[derive(Debug, thiserror::Error)]
enum BoundaryError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Lesson(#[from] LessonError),
    #[error("unknown example '{0}'")]
    UnknownExample(String),
    #[error("shape must have 3 entries (n1, n2, ny), got {0}")]
    ShapeArity(usize),
    #[error("a file named '{0}' is already loaded; remove it first or rename the new one")]
    DuplicateFile(String),
    #[error("no file named '{0}' is loaded")]
    NoSuchFile(String),
    #[error("no file is being read (call startFile first)")]
    NotReading,
    #[error(
        "the last estimate has no samples for '{0}' (a table of probabilities has no sample size)"
    )]
    NoSamples(String),
    #[error("invalid request from the page: {0}")]
    Request(String),
    #[error("could not convert the result for JavaScript: {0}")]
    Serialize(String),
}

impl BoundaryError {
    fn area(&self) -> &'static str {
        match self {
            BoundaryError::Table(_) | BoundaryError::ShapeArity(_) => "TableError",
            BoundaryError::Data(_)
            | BoundaryError::DuplicateFile(_)
            | BoundaryError::NoSuchFile(_)
            | BoundaryError::NotReading => "DataError",
            BoundaryError::NoSamples(_) => "AnalysisError",
            // The page asks before running it anyway.
            BoundaryError::Analysis(AnalysisError::SlowSolve { .. }) => "SlowSolveError",
            BoundaryError::Analysis(_) => "AnalysisError",
            BoundaryError::Share(_) => "ShareError",
            BoundaryError::UnknownExample(_) | BoundaryError::Lesson(_) => "ExampleError",
            BoundaryError::Request(_) | BoundaryError::Serialize(_) => "InternalError",
        }
    }
}

impl From<BoundaryError> for JsValue {
    fn from(e: BoundaryError) -> JsValue {
        let err = js_sys::Error::new(&e.to_string());
        err.set_name(e.area());
        err.into()
    }
}

type Result<T> = std::result::Result<T, BoundaryError>;
type JsResult<T = JsValue> = std::result::Result<T, JsValue>;

/// Runs one export's body: its error, whatever core area it comes from, crosses as one `js_sys::Error`.
fn boundary<T>(body: impl FnOnce() -> Result<T>) -> JsResult<T> {
    body().map_err(JsValue::from)
}

/// The message of the last panic, kept so the worker can report it after the trap.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// The message of the last Rust panic (taken: a second call returns `undefined`).
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut m| m.take())
}

/// Panics on purpose, so tests can check that a panic reaches the page readably.
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("deliberate panic for testing: {message}");
}

/// The crate version, so the page can show which core it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| BoundaryError::Serialize(e.to_string()))
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value(value).map_err(|e| BoundaryError::Request(e.to_string()))
}

fn table_from(shape: &[u32], weights: Vec<f64>) -> Result<JointTable> {
    let &[n1, n2, ny] = shape else {
        return Err(BoundaryError::ShapeArity(shape.len()));
    };
    Ok(JointTable::from_weights(
        [n1 as usize, n2 as usize, ny as usize],
        weights,
    )?)
}

/// PID (bits) of the table with `shape = [n1, n2, ny]` and row-major non-negative
/// `weights` (normalised here); `labels`, if given, are the states' names per axis.
#[wasm_bindgen(js_name = analyseTable)]
pub fn analyse_table(shape: Vec<u32>, weights: Vec<f64>, labels: JsValue) -> JsResult {
    boundary(|| {
        let mut table = table_from(&shape, weights)?;
        if !labels.is_null() && !labels.is_undefined() {
            table = table.with_labels(from_js(labels)?)?;
        }
        let settings = AnalysisSettings::default();
        to_js(&analyse_joint_table(
            AnalysisKind::Table,
            &table,
            Names::plain(),
            None,
            &settings,
        )?)
    })
}

/// The defaults, limits and names the page shares with the CLI ([`crate::meta`]).
#[wasm_bindgen]
pub fn meta() -> JsResult {
    boundary(|| to_js(&crate::meta::meta()))
}

/// A discrete table (as an analysis carries it) as the counts CSV the CLI reads: the
/// one writer, so the page's export keeps every cell, zero counts included.
#[wasm_bindgen(js_name = countsCsv)]
pub fn counts_csv(table: JsValue) -> JsResult<String> {
    boundary(|| {
        let view: TableView = from_js(table)?;
        Ok(crate::data::write_counts_csv(&view.to_table()?))
    })
}

/// A gallery example (`XOR`, `AND`, …, `dit_pnt_unq`; see [`gallery`]) and its PID.
#[wasm_bindgen(js_name = analyseExample)]
pub fn analyse_example(name: &str) -> JsResult {
    boundary(|| {
        let entry =
            gallery_entry(name).ok_or_else(|| BoundaryError::UnknownExample(name.into()))?;
        let settings = AnalysisSettings::default();
        let mut analysis = analyse_joint_table(
            AnalysisKind::Example,
            &entry.table(),
            Names::plain(),
            None,
            &settings,
        )?;
        analysis.example = Some(entry.name.to_string());
        to_js(&analysis)
    })
}

/// The share-link state of an analysis (as `analyse*` returned it) with its meta data.
fn share_state(analysis: JsValue, meta: JsValue) -> Result<ShareState> {
    let analysis: Analysis = from_js(analysis)?;
    let meta: ShareMeta = from_js(meta)?;
    let state = analysis.to_share_state(&meta);
    state.validate()?;
    Ok(state)
}

/// The link data (`<version>.<data>`, to put after `#s=`) for an analysis.
#[wasm_bindgen(js_name = shareLink)]
pub fn share_link(analysis: JsValue, meta: JsValue) -> JsResult<String> {
    boundary(|| Ok(encode_link(&share_state(analysis, meta)?)))
}

/// The downloadable analysis file (`.pidscope.json`) for an analysis.
#[wasm_bindgen(js_name = shareFile)]
pub fn share_file(analysis: JsValue, meta: JsValue) -> JsResult<String> {
    boundary(|| Ok(encode_file(&share_state(analysis, meta)?)))
}

fn open_with(
    text: &str,
    decode: fn(&str) -> std::result::Result<ShareState, ShareError>,
    allow_slow: bool,
) -> JsResult {
    boundary(|| to_js(&open_shared(&decode(text)?, allow_slow)?))
}

/// Opens a share link (the part after `#s=`, or the whole URL): the analysis
/// recomputed from its table, with any disagreement with the stored numbers.
/// `allow_slow`: solve even a table estimated to be slow (the page asks first).
#[wasm_bindgen(js_name = openLink)]
pub fn open_link(text: &str, allow_slow: bool) -> JsResult {
    open_with(text, decode_link, allow_slow)
}

/// Opens a `.pidscope.json` analysis file, like [`open_link`].
#[wasm_bindgen(js_name = openFile)]
pub fn open_file(text: &str, allow_slow: bool) -> JsResult {
    open_with(text, decode_file, allow_slow)
}

/// The positions in `names` of the columns a pattern list (`cam_*, label`) names, by the
/// CLI's rule ([`crate::data::expand_patterns`]).
#[wasm_bindgen(js_name = matchColumns)]
pub fn match_columns(patterns: &str, names: Vec<String>) -> Vec<u32> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    matching_columns(patterns, &names)
        .into_iter()
        .map(|i| i as u32)
        .collect()
}

/// The names of the gallery examples.
#[wasm_bindgen(js_name = exampleNames)]
pub fn example_names() -> Vec<String> {
    GALLERY.iter().map(|e| e.name.to_string()).collect()
}

/// The learn-mode gallery: name, title, explanation and dominant atom(s) of each
/// example (the atoms themselves are computed on demand, never stored).
#[wasm_bindgen]
pub fn gallery() -> JsResult {
    boundary(|| to_js(&GALLERY))
}

/// A scenario preset as the page lists it.
#[derive(Serialize)]
struct ScenarioEntry {
    id: String,
    title: String,
    description: String,
    intended: Option<Atom>,
    seed: u64,
    samples: usize,
}

/// Learn mode's Gaussian example: the exact covariance of the slider settings `model`
/// ([`LinearGaussian`]) and its Gaussian PID (bits, with the solve's measures).
#[wasm_bindgen(js_name = gaussianLesson)]
pub fn gaussian_lesson(model: JsValue) -> JsResult {
    boundary(|| {
        let model: LinearGaussian = from_js(model)?;
        to_js(&model.solve()?)
    })
}

fn preset(id: &str) -> Result<Scenario> {
    Scenario::PRESETS
        .into_iter()
        .find(|s| s.name() == id)
        .ok_or_else(|| BoundaryError::UnknownExample(id.into()))
}

fn generated(id: &str, seed: u64) -> Result<GeneratedScenario> {
    let spec = ScenarioSpec {
        seed,
        ..ScenarioSpec::new(preset(id)?)
    };
    generate(&spec).map_err(|e| BoundaryError::Request(e.to_string()))
}

/// The scenario presets: the hallway robot's three settings and the synthetic datasets.
#[wasm_bindgen(js_name = scenarioList)]
pub fn scenario_list() -> JsResult {
    boundary(|| {
        let list: Vec<ScenarioEntry> = Scenario::PRESETS
            .into_iter()
            .map(|scenario| {
                let spec = ScenarioSpec::new(scenario);
                // Generating a handful of samples is the cheapest way to get the texts.
                let texts = generate(&ScenarioSpec { samples: 8, ..spec });
                let (title, description) = texts
                    .map(|g| (g.title, g.description))
                    .unwrap_or_else(|_| (scenario.name(), String::new()));
                ScenarioEntry {
                    id: scenario.name(),
                    title,
                    description,
                    intended: scenario.intended(),
                    seed: spec.seed,
                    samples: spec.samples,
                }
            })
            .collect();
        to_js(&list)
    })
}

/// A scenario's run, as the page shows it.
#[derive(Serialize)]
struct ScenarioRun {
    analysis: Analysis,
    title: String,
    intended: Option<Atom>,
}

/// A generated scenario analysed through the same path as a user's file (clustering
/// with the scenario's recommended settings, then the exact PID).
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(id: &str, seed: u64, progress: &js_sys::Function) -> JsResult {
    boundary(|| {
        let scenario = generated(id, seed)?;
        let analysis = analyse(
            &scenario.tables,
            Some(&scenario.roles),
            &scenario.recommended,
            &mut |stage| report_progress(progress, &stage),
        )?;
        to_js(&ScenarioRun {
            analysis,
            title: format!("{} (seed {seed})", scenario.title),
            intended: scenario.intended,
        })
    })
}

/// A generated scenario's samples as CSV text, for download.
#[wasm_bindgen(js_name = scenarioCsv)]
pub fn scenario_csv(id: &str, seed: u64) -> JsResult<String> {
    boundary(|| {
        let scenario = generated(id, seed)?;
        Ok(scenario
            .tables
            .iter()
            .map(write_csv)
            .collect::<Vec<_>>()
            .join("\n"))
    })
}

/// Sends one progress report to the page; a failing callback must not stop the work.
fn report_progress<T: Serialize>(progress: &js_sys::Function, stage: &T) {
    if let Ok(value) = to_js(stage) {
        let _ = progress.call1(&JsValue::NULL, &value);
    }
}

/// Rows shown in a file's preview.
const PREVIEW_ROWS: usize = 8;

/// What the page shows of a loaded file.
#[derive(Serialize)]
struct FileSummary {
    name: String,
    bytes: u64,
    rows: usize,
    kind: &'static str,
    columns: Vec<crate::data::ColumnReport>,
    preview: Vec<Vec<String>>,
    missing_values: usize,
}

/// A column as the role picker lists it.
#[derive(Serialize)]
struct ColumnEntry {
    /// The name roles use: the column's name, or `FILE::column` where several files have it.
    qualified: String,
    name: String,
    file: Option<String>,
    kind: crate::data::ColumnKind,
    /// Why it makes a poor feature (a row key, a constant), if it does.
    concern: Option<FeatureConcern>,
}

/// Roles as the page holds them: Y, weight and id may be unset.
#[derive(Serialize, Deserialize, Default)]
struct PageRoles {
    x1: Vec<String>,
    x2: Vec<String>,
    y: Option<String>,
    /// Further target columns (the Gaussian estimator's multivariate Y).
    #[serde(default)]
    y_extra: Vec<String>,
    yhat: Vec<String>,
    weight: Option<String>,
    id: Option<String>,
    #[serde(default)]
    p_x1: Vec<String>,
    #[serde(default)]
    p_x2: Vec<String>,
    #[serde(default)]
    p_joint: Vec<String>,
}

impl From<Roles> for PageRoles {
    fn from(r: Roles) -> Self {
        PageRoles {
            x1: r.x1,
            x2: r.x2,
            y: Some(r.y),
            y_extra: r.y_extra,
            yhat: r.yhat,
            weight: r.weight,
            id: None,
            p_x1: r.p_x1,
            p_x2: r.p_x2,
            p_joint: r.p_joint,
        }
    }
}

#[derive(Serialize)]
struct ColumnsAndRoles {
    columns: Vec<ColumnEntry>,
    roles: PageRoles,
    /// Why roles could not be guessed, if they could not.
    roles_hint: Option<String>,
}

/// The parsed files of a session, kept inside the worker so rows never cross to the page.
#[wasm_bindgen]
pub struct Workspace {
    tables: Vec<ParsedTable>,
    reading: Option<FileReader>,
    /// The discrete rows behind each target of the last CVX estimate (Y, then each Ŷ),
    /// for its uncertainty.
    samples: Vec<(String, Samples)>,
    /// The rows of the last planned sensitivity sweep (`wasm/sweep.rs`).
    sweep: Option<crate::data::Dataset>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Workspace {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Workspace {
        Workspace {
            tables: Vec::new(),
            reading: None,
            samples: Vec::new(),
            sweep: None,
        }
    }

    /// Forgets every file.
    pub fn clear(&mut self) {
        self.tables.clear();
        self.reading = None;
        self.sweep = None;
    }

    /// Starts reading a file of `size` bytes; its bytes follow through
    /// [`Workspace::push`].
    #[wasm_bindgen(js_name = startFile)]
    pub fn start_file(&mut self, name: &str, size: f64) -> JsResult<()> {
        boundary(|| {
            if self.tables.iter().any(|t| t.name() == name) {
                return Err(BoundaryError::DuplicateFile(name.into()));
            }
            let mut reader = FileReader::new(IngestOptions::named(name));
            reader.expect_bytes(size as usize);
            self.reading = Some(reader);
            Ok(())
        })
    }

    /// Parses the next chunk of the file being read.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<()> {
        boundary(|| {
            let reader = self.reading.as_mut().ok_or(BoundaryError::NotReading)?;
            reader.push(chunk).inspect_err(|_| self.reading = None)?;
            Ok(())
        })
    }

    /// Appends a number column of a Parquet row group (hyparquet's output in the
    /// worker; NaN: missing); `float32`: the column is FLOAT, kept as float32.
    #[wasm_bindgen(js_name = pushNumbers)]
    pub fn push_numbers(&mut self, name: &str, values: &[f64], float32: bool) -> JsResult<()> {
        self.with_columns(|builder| builder.numbers_of(name, values, float32))
    }

    /// Appends a list (embedding) column of a Parquet row group: row `r` has
    /// `lengths[r]` numbers of `values` (0: a null or empty list); it becomes the
    /// columns `name[0]` ….
    #[wasm_bindgen(js_name = pushList)]
    pub fn push_list(
        &mut self,
        name: &str,
        lengths: &[u32],
        values: &[f64],
        float32: bool,
    ) -> JsResult<()> {
        self.with_columns(|builder| builder.list(name, lengths, values, float32))
    }

    /// Appends a text column of a Parquet row group (`null`: missing).
    #[wasm_bindgen(js_name = pushTexts)]
    pub fn push_texts(&mut self, name: &str, values: Vec<JsValue>) -> JsResult<()> {
        let texts: Vec<Option<String>> = values.iter().map(JsValue::as_string).collect();
        self.with_columns(|builder| builder.texts(name, texts.iter().map(|t| t.as_deref())))
    }

    /// Ends a Parquet row group: its columns must have as many rows as each other.
    #[wasm_bindgen(js_name = endBatch)]
    pub fn end_batch(&mut self) -> JsResult<()> {
        self.with_columns(|builder| builder.end_batch())
    }

    /// Ends the file being read and returns its summary (columns, types, preview).
    #[wasm_bindgen(js_name = finishFile)]
    pub fn finish_file(&mut self) -> JsResult {
        boundary(|| self.finish_reading())
    }

    /// Forgets one file.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(&mut self, name: &str) -> JsResult<()> {
        boundary(|| {
            let before = self.tables.len();
            self.tables.retain(|t| t.name() != name);
            if self.tables.len() == before {
                return Err(BoundaryError::NoSuchFile(name.into()));
            }
            Ok(())
        })
    }

    /// Every column of every file, and the roles guessed from their names.
    #[wasm_bindgen(js_name = columnsAndRoles)]
    pub fn columns_and_roles(&self) -> JsResult {
        boundary(|| to_js(&self.columns_with_roles()))
    }

    /// Analyses the loaded files with the page's roles and settings, reporting each
    /// stage to `progress` (a JS function taking one object).
    pub fn estimate(
        &mut self,
        roles: JsValue,
        settings: JsValue,
        progress: &js_sys::Function,
    ) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let analysis = analyse(&self.tables, Some(&roles), &settings, &mut |stage| {
                report_progress(progress, &stage)
            })?;
            let targets = std::iter::once(&analysis.dataset).chain(&analysis.models);
            self.samples = targets
                .filter_map(|t| Some((t.name.clone(), t.samples.clone()?)))
                .collect();
            to_js(&analysis)
        })
    }

    /// Analyses the loaded files with the Gaussian estimator ([`analyse_gaussian`]): the
    /// PID of the samples' covariance, with the bias-corrected information terms;
    /// `gaussian` is its own options ([`GaussianOptions`]: `{copula}`).
    #[wasm_bindgen(js_name = estimateGaussian)]
    pub fn estimate_gaussian(
        &self,
        roles: JsValue,
        settings: JsValue,
        gaussian: JsValue,
    ) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let options: GaussianOptions = if gaussian.is_undefined() {
                GaussianOptions::default()
            } else {
                from_js(gaussian)?
            };
            to_js(&analyse_gaussian(
                &self.tables,
                Some(&roles),
                &settings,
                &options,
            )?)
        })
    }

    /// The discrete rows behind `target`'s table in the last estimate, for the workers
    /// that compute its uncertainty ([`uncertainty_replicates`]).
    #[wasm_bindgen(js_name = uncertaintyInput)]
    pub fn uncertainty_input(&self, target: &str) -> JsResult {
        boundary(|| {
            let (_, samples) = self
                .samples
                .iter()
                .find(|(name, _)| name == target)
                .ok_or_else(|| BoundaryError::NoSamples(target.into()))?;
            to_js(&UncertaintyInput::of(samples))
        })
    }

    /// Shuffled-label run `index` of the BATCH estimate [`Workspace::estimate_batch`]
    /// makes with these arguments (its bias floor), or `null` when a model's own
    /// probabilities stood in for the classifiers.
    #[wasm_bindgen(js_name = estimateBatchNull)]
    pub fn estimate_batch_null(
        &self,
        roles: JsValue,
        settings: JsValue,
        config: JsValue,
        index: u64,
        progress: &js_sys::Function,
    ) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let config: BatchConfig = from_js(config)?;
            let null = analyse_batch_null(
                &self.tables,
                Some(&roles),
                &settings,
                &config,
                index,
                &mut |step| report_progress(progress, &step),
            )?;
            to_js(&null)
        })
    }

    /// The fidelity check of a CVX estimate of the loaded files ([`analyse_fidelity`]):
    /// `info` is that estimate's information terms of Y; `null` when there is nothing
    /// clustering could lose. Every classifier training batch goes to `progress`.
    pub fn fidelity(
        &self,
        roles: JsValue,
        settings: JsValue,
        info: JsValue,
        progress: &js_sys::Function,
    ) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let info: crate::info::InfoTerms = from_js(info)?;
            let fidelity =
                analyse_fidelity(&self.tables, Some(&roles), &settings, &info, &mut |step| {
                    report_progress(progress, &step)
                })?;
            to_js(&fidelity)
        })
    }

    /// Estimates the PID with the neural BATCH estimator on the continuous features
    /// (`config`: a partial `BatchConfig`, the paper's defaults filling the rest),
    /// reporting every training batch to `progress`.
    #[wasm_bindgen(js_name = estimateBatch)]
    pub fn estimate_batch(
        &self,
        roles: JsValue,
        settings: JsValue,
        config: JsValue,
        progress: &js_sys::Function,
    ) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let config: BatchConfig = from_js(config)?;
            let analysis = analyse_batch(
                &self.tables,
                Some(&roles),
                &settings,
                &config,
                &mut |step| report_progress(progress, &step),
            )?;
            to_js(&analysis)
        })
    }
}

/// The rows of an uncertainty estimate as they travel between the page's workers.
#[derive(Serialize, Deserialize)]
struct UncertaintyInput {
    shape: [usize; 3],
    x1: Vec<u32>,
    x2: Vec<u32>,
    y: Vec<u32>,
    weights: Option<Vec<f64>>,
}

impl UncertaintyInput {
    fn of(samples: &Samples) -> UncertaintyInput {
        let [x1, x2, y] = samples.states().map(<[u32]>::to_vec);
        UncertaintyInput {
            shape: samples.shape(),
            x1,
            x2,
            y,
            weights: samples.weights().map(<[f64]>::to_vec),
        }
    }

    fn samples(&self) -> Result<Samples> {
        let weights = self.weights.as_deref();
        Ok(
            Samples::new(self.shape, &self.x1, &self.x2, &self.y, weights)
                .map_err(AnalysisError::from)?,
        )
    }
}

/// The rows of a table of whole counts (a shared analysis's table, as the page holds
/// it), for its uncertainty; a table of probabilities has no sample size.
#[wasm_bindgen(js_name = uncertaintyInputOfTable)]
pub fn uncertainty_input_of_table(table: JsValue) -> JsResult {
    boundary(|| {
        let view: TableView = from_js(table)?;
        let samples = Samples::from_table(&view.to_table()?).map_err(AnalysisError::from)?;
        to_js(&UncertaintyInput::of(&samples))
    })
}

/// The page's settings (`resamples`, `permutations`, `surrogates`, `seed`) as the
/// uncertainty estimate takes them.
fn uncertainty_settings(settings: JsValue) -> Result<UncertaintySettings> {
    let settings: AnalysisSettings = from_js(settings)?;
    settings.validate()?;
    Ok(settings.uncertainty())
}

/// The replicate jobs of an uncertainty estimate, about `pieces` per kind, for the
/// page's pool of workers to share.
#[wasm_bindgen(js_name = uncertaintyJobs)]
pub fn uncertainty_jobs(settings: JsValue, pieces: usize) -> JsResult {
    boundary(|| to_js(&replicate_jobs(&uncertainty_settings(settings)?, pieces)))
}

/// Replicates `start..end` of `kind` (`bootstrap`, `permute_x1`, `permute_x2`,
/// `permute_y`): any wasm instance computes the same records for the same input.
#[wasm_bindgen(js_name = uncertaintyReplicates)]
pub fn uncertainty_replicates(input: JsValue, settings: JsValue, job: JsValue) -> JsResult {
    boundary(|| {
        let input: UncertaintyInput = from_js(input)?;
        let settings = uncertainty_settings(settings)?;
        let job: ReplicateJob = from_js(job)?;
        let samples = input.samples()?;
        let observed = observe(&samples).map_err(AnalysisError::from)?;
        let records = replicates(&samples, &observed, &settings, job.kind, job.start..job.end)
            .map_err(AnalysisError::from)?;
        to_js(&records)
    })
}

/// The uncertainty of every term from all the replicates' records.
#[wasm_bindgen(js_name = uncertaintySummarise)]
pub fn uncertainty_summarise(input: JsValue, settings: JsValue, records: JsValue) -> JsResult {
    boundary(|| {
        let input: UncertaintyInput = from_js(input)?;
        let settings = uncertainty_settings(settings)?;
        let records: Vec<Replicate> = from_js(records)?;
        let samples = input.samples()?;
        let observed = observe(&samples).map_err(AnalysisError::from)?;
        to_js(&summarise(&observed, &records, &settings))
    })
}

/// A BATCH estimate's uncertainty given its shuffled-label runs (see
/// [`crate::pid::batch::batch_uncertainty`]).
#[wasm_bindgen(js_name = batchUncertainty)]
pub fn batch_uncertainty_js(pid: JsValue, nulls: JsValue) -> JsResult {
    boundary(|| {
        let pid: crate::pid::batch::BatchPid = from_js(pid)?;
        let nulls: Vec<crate::pid::batch::BatchPid> = from_js(nulls)?;
        to_js(&crate::pid::batch::batch_uncertainty(
            &pid,
            &nulls,
            crate::meta::SIGNIFICANCE_LEVEL,
        ))
    })
}

/// What differs between a shared analysis's stored uncertainty and the one estimated
/// again here, in words (empty when they agree).
#[wasm_bindgen(js_name = uncertaintyMismatches)]
pub fn uncertainty_mismatches_js(stored: JsValue, recomputed: JsValue) -> JsResult {
    boundary(|| {
        let stored: StoredUncertainty = from_js(stored)?;
        let recomputed: crate::rigor::Uncertainty = from_js(recomputed)?;
        to_js(&uncertainty_mismatches(&stored, &recomputed))
    })
}

/// The page's roles and settings as the core takes them (an id column means a join).
/// The most a wasm32 heap can hold, and what an analysis leaves free for the rest.
const PAGE_MEMORY_BYTES: u64 = 4 << 30;
const PAGE_MEMORY_MARGIN: u64 = 256 << 20;

fn roles_and_settings(roles: JsValue, settings: JsValue) -> Result<(Roles, AnalysisSettings)> {
    let page_roles: PageRoles = from_js(roles)?;
    let mut settings: AnalysisSettings = from_js(settings)?;
    settings.join_on = page_roles.id.clone();
    // What the wasm heap can still grow by: wasm32 addresses 4 GiB, less a margin for
    // the solver and the results.
    let used = (wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()) as u64;
    settings.memory_limit_bytes =
        Some((PAGE_MEMORY_BYTES - PAGE_MEMORY_MARGIN).saturating_sub(used));
    let roles = Roles {
        x1: page_roles.x1,
        x2: page_roles.x2,
        y: page_roles.y.unwrap_or_default(),
        y_extra: page_roles.y_extra,
        yhat: page_roles.yhat,
        weight: page_roles.weight,
        p_x1: page_roles.p_x1,
        p_x2: page_roles.p_x2,
        p_joint: page_roles.p_joint,
    };
    Ok((roles, settings))
}

impl Workspace {
    /// Runs `push` on the Parquet file being read; a failure forgets the file.
    fn with_columns(
        &mut self,
        push: impl FnOnce(&mut crate::data::TableBuilder) -> std::result::Result<(), DataError>,
    ) -> JsResult<()> {
        boundary(|| {
            let reader = self.reading.as_mut().ok_or(BoundaryError::NotReading)?;
            let builder = reader.columns().ok_or(BoundaryError::NotReading)?;
            push(builder).inspect_err(|_| self.reading = None)?;
            Ok(())
        })
    }

    fn finish_reading(&mut self) -> Result<JsValue> {
        let reader = self.reading.take().ok_or(BoundaryError::NotReading)?;
        let table = reader.finish()?;
        let report = table.report();
        let preview = (0..table.rows().min(PREVIEW_ROWS))
            .map(|row| table.columns().iter().map(|c| c.text(row)).collect())
            .collect();
        let summary = FileSummary {
            name: table.name().to_string(),
            bytes: report.bytes,
            rows: report.rows,
            kind: if looks_like_counts_table(&table.column_names()) {
                "counts"
            } else {
                "samples"
            },
            missing_values: report.columns.iter().map(|c| c.missing).sum(),
            columns: report.columns,
            preview,
        };
        self.tables.push(table);
        to_js(&summary)
    }

    fn columns_with_roles(&self) -> ColumnsAndRoles {
        let all: Vec<&str> = self.tables.iter().flat_map(|t| t.column_names()).collect();
        let columns = self
            .tables
            .iter()
            .flat_map(|t| {
                let several = self.tables.len() > 1;
                let all = &all;
                t.columns().iter().map(move |c| {
                    let shared = all.iter().filter(|n| **n == c.name).count() > 1;
                    ColumnEntry {
                        qualified: if shared {
                            format!("{}::{}", t.name(), c.name)
                        } else {
                            c.name.clone()
                        },
                        name: c.name.clone(),
                        file: several.then(|| t.name().to_string()),
                        kind: c.kind(),
                        concern: feature_concern(c),
                    }
                })
            })
            .collect();
        let (roles, roles_hint) = if self.tables.is_empty() {
            (PageRoles::default(), None)
        } else {
            let (mut roles, hint) = match Roles::guess_tables(&self.tables) {
                Ok(r) => (PageRoles::from(r), None),
                Err(e) => (PageRoles::default(), Some(e.to_string())),
            };
            // Files that share an id column are joined on it (shown in the role picker).
            roles.id = join_column(&self.tables);
            (roles, hint)
        };
        ColumnsAndRoles {
            columns,
            roles,
            roles_hint,
        }
    }
}

/// Benchmark hook for `scripts/bench-wasm.mjs`: solves the CVX problem on a seeded random
/// table of the same kinds as `cargo bench --bench cvx` (`kind` = "sparse": 70 % zero
/// cells, "near-det": near-deterministic, anything else: Dirichlet(1)) and returns
/// `{ms, iterations, cg_iterations, certificate, converged}` (certificate in bits).
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_cvx(n1: usize, n2: usize, ny: usize, seed: u64, kind: &str) -> JsValue {
    use crate::pid::random::{random_table, TableKind};
    use crate::pid::{max_entropy_coupling, CvxOptions};
    let kind = match kind {
        "sparse" => TableKind::Sparse { zero_percent: 70 },
        "near-det" => TableKind::NearDeterministic,
        _ => TableKind::Dirichlet {
            concentration_percent: 100,
        },
    };
    let table = random_table([n1, n2, ny], kind, seed);
    let t0 = js_sys::Date::now();
    let result = max_entropy_coupling(&table, &CvxOptions::default());
    let ms = js_sys::Date::now() - t0;
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    };
    set("ms", ms.into());
    match result {
        Ok(c) => {
            set("iterations", (c.iterations as f64).into());
            set("cg_iterations", (c.cg_iterations as f64).into());
            set("certificate", c.certificate_bits.into());
            set("converged", c.converged.into());
        }
        Err(e) => set("error", JsValue::from_str(&e.to_string())),
    }
    out.into()
}

/// Benchmark of the Gaussian solve (`scripts/bench-wasm.mjs --gaussian`): the PID of a
/// seeded random covariance of dimensions `d1 + d2 + dy`
/// ([`crate::pid::random::random_covariance`], seed 1 as `examples/gaussian_timing.rs`),
/// `repeats` times; returns `{ms: [...], iterations, stop, redundancy}` or `{error}`.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_gaussian(d1: usize, d2: usize, dy: usize, repeats: usize) -> JsValue {
    use crate::pid::gaussian::{pid_gaussian, Dims, SolverOptions};
    let dims = Dims {
        x1: d1,
        x2: d2,
        y: dy,
    };
    let cov = crate::pid::random::random_covariance(dims.total(), 1);
    let mut ms = Vec::new();
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let t0 = js_sys::Date::now();
        last = Some(pid_gaussian(&cov, dims, &SolverOptions::default()));
        ms.push(js_sys::Date::now() - t0);
    }
    let out = match last {
        Some(Ok(p)) => serde_json::json!({
            "ms": ms, "iterations": p.iterations, "stop": p.stop, "redundancy": p.pid.redundancy,
            "synergy": p.pid.synergy,
        }),
        Some(Err(e)) => serde_json::json!({ "error": e.to_string() }),
        None => serde_json::json!({ "error": "no repeat" }),
    };
    to_js(&out).unwrap_or(JsValue::NULL)
}

/// Benchmark of BATCH (`scripts/bench-wasm.mjs --batch`): `gate` "xor" or "and";
/// the pipeline on `samples` samples of two `dim`-dimensional modalities with the
/// paper's defaults and `alignment_epochs` alignment epochs, and (with `step_reps` > 0)
/// one alignment step timed by part. Returns `{ pipeline, step }` in seconds and
/// milliseconds (see `pid::batch::bench`), or `{ error }`.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_batch(
    gate: &str,
    samples: usize,
    dim: usize,
    alignment_epochs: usize,
    step_reps: usize,
) -> JsValue {
    use crate::examples::Gate;
    use crate::pid::batch::bench::{time_alignment_step, time_pipeline};
    let gate = if gate.eq_ignore_ascii_case("and") {
        Gate::And
    } else {
        Gate::Xor
    };
    let mut now = || js_sys::Date::now() / 1e3;
    // The pipeline first, as a page runs it (cold); then the step, with the engine's
    // optimising tier warmed up.
    let out = time_pipeline(gate, samples, dim, alignment_epochs, &mut now)
        .map_err(|e| e.to_string())
        .and_then(|pipeline| {
            let step = (step_reps > 0).then(|| time_alignment_step(gate, step_reps, &mut now));
            to_js(&serde_json::json!({ "pipeline": pipeline, "step": step }))
                .map_err(|e| e.to_string())
        });
    out.unwrap_or_else(|e| to_js(&serde_json::json!({ "error": e })).unwrap_or(JsValue::NULL))
}
