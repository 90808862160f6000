//! One home for what the page and the CLI both show: the settings' defaults and bounds,
//! the input limits, the names of the atoms and terms, the estimators and the units.
//!
//! The CLI builds its help and its range checks from these constants; the page reads
//! [`meta`] (through the wasm module, at build time) instead of writing its own copies,
//! so changing a default here changes both with no other edit.

use serde::{Deserialize, Serialize};

/// How numeric features are prepared for PCA (defined with the discretisation).
pub use crate::discretize::Normalisation;

/// A setting's default and its inclusive bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound<T> {
    pub default: T,
    pub min: T,
    pub max: T,
}

impl<T: PartialOrd + Copy + std::fmt::Display> Bound<T> {
    /// Whether `value` lies within the bounds.
    pub fn contains(&self, value: T) -> bool {
        self.min <= value && value <= self.max
    }

    /// `value` if it lies within the bounds, else a message naming the setting.
    pub fn check(&self, name: &str, value: T) -> Result<T, String> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(format!(
                "{name} must be between {} and {}, not {value}",
                self.min, self.max
            ))
        }
    }
}

/// Clusters (states) per numeric modality before the exact PID (the paper: 20).
pub const CLUSTERS: Bound<usize> = Bound {
    default: 20,
    min: 2,
    max: 200,
};
/// Quantile bins a scalar (numeric, many-valued) target Y is cut into for CVX and BATCH.
pub const Y_BINS: Bound<usize> = Bound {
    default: 10,
    min: 2,
    max: 100,
};
/// A numeric Y with at most this many distinct values is a class label.
pub const Y_CLASS_MAX_DISTINCT: usize = 20;
/// A numeric Y of whole numbers with at most this many distinct values is a class label
/// too (class ids such as 0…99); above it, or with fractions, it is a scalar target.
pub const Y_INTEGER_CLASS_MAX_DISTINCT: usize = 100;

/// PCA components kept per modality before clustering (the paper: 5).
pub const PCA_COMPONENTS: Bound<usize> = Bound {
    default: 5,
    min: 1,
    max: 64,
};
/// Beyond this many multiply-adds for the covariance (rows × features² / 2, with more
/// than 128 features), PCA is computed by randomized subspace iteration
/// (`discretize::PcaMethod::Auto`): about a second natively, three in the page.
pub const EXACT_PCA_MAX_PRODUCTS: f64 = 4e9;
/// k-means runs per modality from different seeds, the one of least inertia kept
/// (pidscope: 1; the paper's scikit-learn: 10).
pub const RESTARTS: Bound<usize> = Bound {
    default: 1,
    min: 1,
    max: 50,
};

/// A named set of discretisation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The paper's released code (DESIGN §4): each row L2-normalised (scikit-learn's
    /// `normalize`), PCA to 2 components, k-means with K = 20 and 10 restarts.
    Paper,
}

/// What a [`Preset`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PresetSettings {
    pub preset: Preset,
    pub normalisation: Normalisation,
    pub pca: usize,
    pub clusters: usize,
    pub restarts: usize,
}

impl Preset {
    /// Every preset, as the page lists them.
    pub const ALL: [Preset; 1] = [Preset::Paper];

    /// Its settings.
    pub const fn settings(self) -> PresetSettings {
        match self {
            Preset::Paper => PresetSettings {
                preset: Preset::Paper,
                normalisation: Normalisation::NormaliseRows,
                pca: 2,
                clusters: 20,
                restarts: 10,
            },
        }
    }
}

/// The seed of every random choice (clustering starts, BATCH's split and training);
/// at most 2^53 − 1 so that JavaScript numbers hold it exactly.
pub const SEED: Bound<u64> = Bound {
    default: 0,
    min: 0,
    max: (1 << 53) - 1,
};
/// BATCH: samples per mini-batch (the paper: 256).
pub const BATCH_SIZE: Bound<usize> = Bound {
    default: 256,
    min: 8,
    max: 4096,
};
/// BATCH: training epochs of each classifier (the paper: 40).
pub const CLASSIFIER_EPOCHS: Bound<usize> = Bound {
    default: 40,
    min: 1,
    max: 1000,
};
/// BATCH: training epochs of the alignment model (the paper: 10).
pub const ALIGNMENT_EPOCHS: Bound<usize> = Bound {
    default: 10,
    min: 1,
    max: 1000,
};
/// BATCH: Adam's learning rate (the paper: 0.001).
pub const LEARNING_RATE: Bound<f64> = Bound {
    default: 1e-3,
    min: 1e-6,
    max: 1.0,
};

/// Bootstrap replicates behind each interval and bias correction (0 turns them off).
pub const RESAMPLES: Bound<usize> = Bound {
    default: 200,
    min: 0,
    max: 10_000,
};
/// Permutations per null behind each p-value and bias floor (0 turns them off).
pub const PERMUTATIONS: Bound<usize> = Bound {
    default: 200,
    min: 0,
    max: 10_000,
};

/// BATCH trainings on shuffled labels: their mean is BATCH's bias floor, and 19 or more
/// give each atom a permutation p-value (each costs one more training).
pub const BATCH_NULL_RUNS: Bound<usize> = Bound {
    default: 1,
    min: 0,
    max: 199,
};

/// An atom whose p-value is at or above this is "not distinguishable from noise": drawn
/// muted, left out of shares and of the plain-language reading.
pub const SIGNIFICANCE_LEVEL: f64 = 0.05;

/// Fidelity check: a table that keeps less than this fraction of the held-out classifier
/// bound on an information term is flagged (docs/fidelity.md).
pub const FIDELITY_MIN_RETAINED: f64 = 0.7;
/// Fidelity check: … or that lies more than this many bits below it.
pub const FIDELITY_MAX_LOSS_BITS: f64 = 0.1;
/// Fidelity check: gaps of at most this many bits are never flagged (a ratio of two tiny
/// numbers says nothing).
pub const FIDELITY_MIN_GAP_BITS: f64 = 0.02;
/// Fidelity check: fewer rows than this and the check is skipped (too few held-out rows).
pub const FIDELITY_MIN_ROWS: usize = 100;
/// Fidelity check: most rows the classifiers train on (its time grows with them).
pub const FIDELITY_MAX_TRAIN_ROWS: usize = 20_000;
/// Fidelity check: the classifiers' hidden width and extra hidden layers.
pub const FIDELITY_HIDDEN: usize = 32;
pub const FIDELITY_LAYERS: usize = 1;
/// Fidelity check: most epochs per classifier, and epochs without a better validation
/// loss before it stops.
pub const FIDELITY_EPOCHS: usize = 30;
pub const FIDELITY_PATIENCE: usize = 3;

/// "Both" (CVX beside BATCH): an atom is flagged when the two disagree beyond their
/// intervals: CVX's bootstrap interval (its plug-in value without one) and BATCH's
/// value ± this many standard deviations across test batches do not overlap …
pub const DISAGREEMENT_SPREADS: f64 = 2.0;
/// … and differ by more than this many bits.
pub const DISAGREEMENT_MIN_BITS: f64 = 0.02;

/// Sensitivity sweep ("How stable is this?"): the clusters per modality tried (the
/// analysis's own K is added when it is not among them).
pub const SWEEP_CLUSTERS: [usize; 7] = [2, 3, 5, 8, 12, 20, 30];
/// Sensitivity sweep: the PCA components tried (those above a modality's feature count
/// are left out: PCA keeps at most one component per feature).
pub const SWEEP_PCA: [usize; 7] = [1, 2, 3, 5, 8, 12, 20];
/// Sensitivity sweep: the sample sizes tried, as divisors of the row count (¼, ½, all).
pub const SWEEP_SAMPLE_DIVISORS: [usize; 3] = [4, 2, 1];
/// Sensitivity sweep: bootstrap replicates per point, fewer than a single analysis's
/// [`RESAMPLES`] so that a sweep of seven points takes seconds; no permutations (the
/// sweep asks how the estimate moves, not whether it is noise). docs/rigor.md, "Sweep".
pub const SWEEP_RESAMPLES: usize = 50;

/// A CVX solve estimated to take longer than this many seconds (native; the page's
/// wasm is slower) is not started unless asked for: the CLI refuses and names
/// `--allow-slow`, the page asks ([`crate::pid::SolveCost::seconds`]).
pub const SLOW_SOLVE_SECONDS: f64 = 30.0;
/// The CVX solver's preconditioner may take at most this many megabytes; a table that
/// needs more (thousands of target classes) is refused even when asked for, since a
/// page has at most 4 GB and a tab that asks for more crashes
/// ([`crate::pid::SolveCost::preconditioner_bytes`]).
pub const SOLVER_MEMORY_MB: f64 = 1500.0;
/// The CLI skips an uncertainty pass estimated to take longer than this many seconds on
/// the machine's cores unless `--allow-slow` (the page runs it with progress, a measured
/// time left and Cancel).
pub const SLOW_UNCERTAINTY_SECONDS: f64 = 120.0;

/// Links longer than this many characters may be cut by chat apps: the page and the CLI
/// offer an analysis file instead / warn.
pub const LONG_LINK_CHARS: usize = 2000;

/// Which estimator computes the PID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Estimator {
    /// The exact PID of the (clustered) discrete table.
    #[default]
    Cvx,
    /// The neural estimator on the continuous features.
    Batch,
    /// The exact PID of a Gaussian model of the features and the target, from their
    /// covariance (docs/gaussian.md).
    Gaussian,
}

impl Estimator {
    /// Every estimator, in the order the page offers them.
    pub const ALL: [Estimator; 3] = [Estimator::Cvx, Estimator::Batch, Estimator::Gaussian];
}

/// Display units: every number is computed in bits and shown in either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    /// log base 2.
    #[default]
    Bits,
    /// natural log.
    Nats,
}

impl Units {
    /// The factor from bits to this unit (ln 2 for nats).
    pub fn per_bit(self) -> f64 {
        match self {
            Units::Bits => 1.0,
            Units::Nats => std::f64::consts::LN_2,
        }
    }

    /// The unit's name as printed (`bits`, `nats`).
    pub fn name(self) -> &'static str {
        match self {
            Units::Bits => "bits",
            Units::Nats => "nats",
        }
    }
}

/// Defaults of every setting a user can change.
#[derive(Debug, Clone, Serialize)]
pub struct Defaults {
    pub clusters: usize,
    pub target_kind: crate::data::TargetKind,
    pub y_bins: usize,
    /// The rule that makes a numeric Y a class ([`Y_CLASS_MAX_DISTINCT`],
    /// [`Y_INTEGER_CLASS_MAX_DISTINCT`]), for the role picker to state.
    pub y_class_max_distinct: usize,
    pub y_integer_class_max_distinct: usize,
    pub pca: usize,
    pub normalisation: Normalisation,
    pub restarts: usize,
    pub seed: u64,
    pub estimator: Estimator,
    pub units: Units,
    pub batch_size: usize,
    pub classifier_epochs: usize,
    pub alignment_epochs: usize,
    pub learning_rate: f64,
    pub resamples: usize,
    pub permutations: usize,
    pub batch_null_runs: usize,
    pub surrogates: crate::rigor::Surrogates,
    /// The Gaussian estimator's copula transform ([`crate::analysis::GaussianOptions`]).
    pub gaussian_copula: bool,
    /// Coverage of every interval.
    pub confidence: f64,
    /// p-values below this call a term distinguishable from noise.
    pub significance_level: f64,
    /// "Both": BATCH's interval is its value ± this many spreads ([`DISAGREEMENT_SPREADS`]).
    pub disagreement_spreads: f64,
    /// "Both": smaller differences are never flagged, bits ([`DISAGREEMENT_MIN_BITS`]).
    pub disagreement_min_bits: f64,
}

/// Bounds of the settings and the inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Limits {
    pub clusters: Bound<usize>,
    pub y_bins: Bound<usize>,
    pub pca: Bound<usize>,
    pub restarts: Bound<usize>,
    pub seed: Bound<u64>,
    pub batch_size: Bound<usize>,
    pub classifier_epochs: Bound<usize>,
    pub alignment_epochs: Bound<usize>,
    pub learning_rate: Bound<f64>,
    pub resamples: Bound<usize>,
    pub permutations: Bound<usize>,
    pub batch_null_runs: Bound<usize>,
    /// Links over this many characters get an analysis file offered instead.
    pub long_link_chars: usize,
    pub slow_solve_seconds: f64,
    /// Largest analysis (`.pidscope.json`) file read, bytes.
    pub analysis_file_bytes: usize,
    /// Largest discrete table, cells n1·n2·ny.
    pub table_cells: usize,
    /// Most numeric features in one modality.
    pub features_per_modality: usize,
    /// Resolution of the uncertainty figures a share link stores, bits.
    pub stored_uncertainty_resolution_bits: f64,
}

/// Everything [`meta`] tells the page.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub version: &'static str,
    pub defaults: Defaults,
    pub limits: Limits,
    /// The four atoms then the three information terms, in display order.
    pub terms: &'static [crate::pid::Term],
    /// The estimators ([`Estimator::ALL`]), as the page names them in Settings.
    pub estimators: [Estimator; 3],
    pub messages: Messages,
    pub sweep: SweepGrid,
    /// The discretisation presets and what each sets ([`Preset::settings`]).
    pub presets: Vec<PresetSettings>,
}

/// The sensitivity sweep's settings ([`SWEEP_CLUSTERS`] and the others).
#[derive(Debug, Clone, Serialize)]
pub struct SweepGrid {
    pub clusters: &'static [usize],
    pub pca: &'static [usize],
    pub sample_divisors: &'static [usize],
    pub resamples: usize,
}

/// What a table without whole counts is told, on the card and in the CLI: probabilities
/// have no sample size.
pub const NO_SAMPLE_SIZE: &str = "this table holds probabilities, not whole counts of samples, so it has no sample size: its numbers are exact for the table, and intervals and p-values need the counts (or the samples) it came from";

/// Sentences the page and the CLI both print.
#[derive(Debug, Clone, Serialize)]
pub struct Messages {
    pub no_sample_size: &'static str,
}

/// The defaults, limits and names the page and the CLI share.
pub fn meta() -> Meta {
    Meta {
        version: env!("CARGO_PKG_VERSION"),
        defaults: Defaults {
            clusters: CLUSTERS.default,
            target_kind: crate::data::TargetKind::Auto,
            y_bins: Y_BINS.default,
            y_class_max_distinct: Y_CLASS_MAX_DISTINCT,
            y_integer_class_max_distinct: Y_INTEGER_CLASS_MAX_DISTINCT,
            pca: PCA_COMPONENTS.default,
            normalisation: Normalisation::default(),
            restarts: RESTARTS.default,
            seed: SEED.default,
            estimator: Estimator::default(),
            units: Units::default(),
            batch_size: BATCH_SIZE.default,
            classifier_epochs: CLASSIFIER_EPOCHS.default,
            alignment_epochs: ALIGNMENT_EPOCHS.default,
            learning_rate: LEARNING_RATE.default,
            resamples: RESAMPLES.default,
            permutations: PERMUTATIONS.default,
            batch_null_runs: BATCH_NULL_RUNS.default,
            surrogates: crate::rigor::Surrogates::default(),
            gaussian_copula: crate::analysis::GaussianOptions::default().copula,
            confidence: crate::rigor::Settings::default().confidence,
            significance_level: SIGNIFICANCE_LEVEL,
            disagreement_spreads: DISAGREEMENT_SPREADS,
            disagreement_min_bits: DISAGREEMENT_MIN_BITS,
        },
        limits: Limits {
            clusters: CLUSTERS,
            y_bins: Y_BINS,
            pca: PCA_COMPONENTS,
            restarts: RESTARTS,
            seed: SEED,
            batch_size: BATCH_SIZE,
            classifier_epochs: CLASSIFIER_EPOCHS,
            alignment_epochs: ALIGNMENT_EPOCHS,
            learning_rate: LEARNING_RATE,
            resamples: RESAMPLES,
            permutations: PERMUTATIONS,
            batch_null_runs: BATCH_NULL_RUNS,
            long_link_chars: LONG_LINK_CHARS,
            slow_solve_seconds: SLOW_SOLVE_SECONDS,
            analysis_file_bytes: crate::share::MAX_FILE_BYTES,
            table_cells: crate::table::MAX_CELLS,
            features_per_modality: crate::discretize::MAX_FEATURES,
            stored_uncertainty_resolution_bits: crate::share::STORED_RESOLUTION_BITS,
        },
        terms: &crate::pid::TERMS,
        estimators: Estimator::ALL,
        messages: Messages {
            no_sample_size: NO_SAMPLE_SIZE,
        },
        sweep: SweepGrid {
            clusters: &SWEEP_CLUSTERS,
            pca: &SWEEP_PCA,
            sample_divisors: &SWEEP_SAMPLE_DIVISORS,
            resamples: SWEEP_RESAMPLES,
        },
        presets: Preset::ALL.iter().map(|p| p.settings()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_within_their_bounds() {
        assert!(CLUSTERS.contains(CLUSTERS.default));
        assert!(Y_BINS.contains(Y_BINS.default));
        assert!(PCA_COMPONENTS.contains(PCA_COMPONENTS.default));
        assert!(SEED.contains(SEED.default));
        assert!(RESTARTS.contains(RESTARTS.default));
        for p in Preset::ALL.map(Preset::settings) {
            assert!(PCA_COMPONENTS.contains(p.pca) && CLUSTERS.contains(p.clusters));
            assert!(RESTARTS.contains(p.restarts));
        }
        assert!(BATCH_SIZE.contains(BATCH_SIZE.default));
        assert!(CLASSIFIER_EPOCHS.contains(CLASSIFIER_EPOCHS.default));
        assert!(ALIGNMENT_EPOCHS.contains(ALIGNMENT_EPOCHS.default));
        assert!(LEARNING_RATE.contains(LEARNING_RATE.default));
        assert!(RESAMPLES.contains(RESAMPLES.default));
        assert!(PERMUTATIONS.contains(PERMUTATIONS.default));
        assert!(BATCH_NULL_RUNS.contains(BATCH_NULL_RUNS.default));
    }

    #[test]
    fn a_value_out_of_bounds_is_named() {
        assert_eq!(
            CLUSTERS.check("clusters", 1).unwrap_err(),
            "clusters must be between 2 and 200, not 1"
        );
        assert_eq!(CLUSTERS.check("clusters", 7), Ok(7));
    }

    #[test]
    fn meta_serialises_the_defaults_the_settings_use() {
        let json = serde_json::to_value(meta()).unwrap();
        assert_eq!(json["defaults"]["clusters"], CLUSTERS.default);
        assert_eq!(json["limits"]["clusters"]["max"], CLUSTERS.max);
        assert_eq!(json["defaults"]["units"], "bits");
        assert_eq!(json["terms"][3]["key"], "synergy");
        assert_eq!(json["terms"].as_array().unwrap().len(), 7);
        assert_eq!(json["estimators"][2], "gaussian");
        assert_eq!(json["defaults"]["normalisation"], "standardise_columns");
        assert_eq!(json["presets"][0]["preset"], "paper");
        assert_eq!(json["presets"][0]["normalisation"], "normalise_rows");
        assert_eq!(json["presets"][0]["restarts"], 10);
    }
}
