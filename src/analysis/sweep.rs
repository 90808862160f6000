//! "How stable is this?": the same analysis of samples repeated along one setting — the
//! clusters K, the PCA components, or the sample size — with each point's plug-in and
//! bias-corrected atoms and their intervals (docs/rigor.md, "Sensitivity sweep").
//!
//! The grids are [`meta::SWEEP_CLUSTERS`], [`meta::SWEEP_PCA`] and
//! [`meta::SWEEP_SAMPLE_DIVISORS`]. A sweep is made of pieces so that the page can spread
//! each point's replicates over its workers as the CLI spreads them over its threads:
//! [`sweep_plan`] lists the points, [`sweep_table`] discretises and solves one,
//! [`SweepPoint::of`] joins it with its uncertainty, and [`sweep_reading`] says in words
//! what moves. [`run_sweep`] runs them in order with any uncertainty runner.

use serde::{Deserialize, Serialize};

use crate::data::{
    Dataset, Labels, Modality, ModalityFeatures, ModelConditionals, ParsedTable, Roles,
};
use crate::discretize::discretize;
use crate::meta;
use crate::pid::{pid_cvx, Decomposition};
use crate::rigor::{
    RigorError, Samples, Settings as UncertaintySettings, TermUncertainty, Uncertainty,
};
use crate::rng::SplitMix64;
use crate::table::TableStats;

mod reading;
pub use reading::sweep_reading;

use super::{check_solve_cost, samples_dataset, AnalysisError, AnalysisSettings};

/// The setting a sweep varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepAxis {
    /// Clusters per numeric modality, K.
    Clusters,
    /// PCA components kept per modality before clustering.
    Pca,
    /// Rows: nested seeded subsets of ¼, ½ and all of them.
    Samples,
}

impl SweepAxis {
    /// Every axis, in the order the page draws them.
    pub const ALL: [SweepAxis; 3] = [SweepAxis::Clusters, SweepAxis::Pca, SweepAxis::Samples];

    /// How the axis is named in headings ("K", "PCA components", "sample size").
    pub fn symbol(self) -> &'static str {
        match self {
            SweepAxis::Clusters => "K",
            SweepAxis::Pca => "PCA components",
            SweepAxis::Samples => "sample size",
        }
    }

    /// "as K goes 2→30", "as the PCA components go 1→8".
    pub(crate) fn span(self, from: usize, to: usize) -> String {
        match self {
            SweepAxis::Clusters => format!("as K goes {from}→{to}"),
            SweepAxis::Pca => format!("as the PCA components go {from}→{to}"),
            SweepAxis::Samples => format!("as the sample size goes {from}→{to}"),
        }
    }

    /// What a large change along this axis means.
    pub(crate) fn dependence(self) -> &'static str {
        match self {
            SweepAxis::Clusters => "the answer depends on the clustering",
            SweepAxis::Pca => "the answer depends on how many components are kept",
            SweepAxis::Samples => {
                "the answer depends on the sample size: more data would likely move it further"
            }
        }
    }
}

/// One point of a sweep, before it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSetting {
    pub axis: SweepAxis,
    /// K, the PCA components, or the rows used.
    pub value: usize,
    /// The divisor of the row count (4: a quarter), for the samples axis; else 1.
    pub divisor: usize,
    /// Whether this is the analysis's own setting.
    pub current: bool,
    /// The analysis settings of this point: the varied setting, and the sweep's
    /// uncertainty counts ([`sweep_uncertainty_counts`]).
    pub settings: AnalysisSettings,
}

impl SweepSetting {
    /// "K = 5", "PCA 3", "¼ (1,000 rows)".
    pub fn label(&self) -> String {
        match self.axis {
            SweepAxis::Clusters => format!("K = {}", self.value),
            SweepAxis::Pca => format!("PCA {}", self.value),
            SweepAxis::Samples => {
                let part = match self.divisor {
                    1 => "all".to_string(),
                    2 => "½".to_string(),
                    4 => "¼".to_string(),
                    d => format!("1/{d}"),
                };
                format!("{part} ({} rows)", self.value)
            }
        }
    }
}

/// The uncertainty counts of every sweep point: at most [`meta::SWEEP_RESAMPLES`]
/// bootstrap replicates (none when the analysis has none) and no permutations.
pub fn sweep_uncertainty_counts(base: &AnalysisSettings) -> (usize, usize) {
    (base.resamples.min(meta::SWEEP_RESAMPLES), 0)
}

/// The assembled rows of samples files for a sweep; a counts table has none to cluster
/// again, so it is refused with the reason.
pub fn sweep_dataset(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
) -> Result<Dataset, AnalysisError> {
    let why_not = "its cells are fixed, so there is no clustering or PCA to vary and no rows to subsample; a sweep needs the samples";
    Ok(samples_dataset(tables, roles, settings, why_not)?.1)
}

/// Most numeric features of a modality (0: both are categorical).
fn most_features(dataset: &Dataset) -> usize {
    let count = |m: &Modality| match &m.features {
        ModalityFeatures::Numeric { columns, .. } => columns.len(),
        ModalityFeatures::Categorical(_) => 0,
    };
    count(&dataset.x1).max(count(&dataset.x2))
}

/// The points of a sweep along `axis` around the analysis settings `base`, in
/// increasing order of the varied setting; the current setting is always among them.
/// Fails when the axis changes nothing (both modalities categorical; PCA with at most
/// one feature per modality).
pub fn sweep_plan(
    dataset: &Dataset,
    base: &AnalysisSettings,
    axis: SweepAxis,
) -> Result<Vec<SweepSetting>, AnalysisError> {
    base.validate()?;
    let features = most_features(dataset);
    let (resamples, permutations) = sweep_uncertainty_counts(base);
    let point_settings = AnalysisSettings {
        resamples,
        permutations,
        ..base.clone()
    };
    let nothing = |why: &str| Err(AnalysisError::InvalidSetting(why.to_string()));
    let values: Vec<(usize, usize)> = match axis {
        SweepAxis::Clusters => {
            if features == 0 {
                return nothing("both modalities are categorical: there is no clustering to vary");
            }
            with_current(&meta::SWEEP_CLUSTERS, base.clusters)
                .into_iter()
                .map(|k| (k, 1))
                .collect()
        }
        SweepAxis::Pca => {
            if features < 2 {
                return nothing("no modality has two numeric features: PCA changes nothing here");
            }
            with_current(&meta::SWEEP_PCA, base.pca)
                .into_iter()
                .filter(|&c| c <= features || c == base.pca)
                .map(|c| (c, 1))
                .collect()
        }
        SweepAxis::Samples => meta::SWEEP_SAMPLE_DIVISORS
            .iter()
            .map(|&d| (dataset.rows().div_ceil(d), d))
            .collect(),
    };
    Ok(values
        .into_iter()
        .map(|(value, divisor)| {
            let mut settings = point_settings.clone();
            match axis {
                SweepAxis::Clusters => settings.clusters = value,
                SweepAxis::Pca => settings.pca = value,
                SweepAxis::Samples => {}
            }
            let current = match axis {
                SweepAxis::Clusters => value == base.clusters,
                SweepAxis::Pca => value == base.pca,
                SweepAxis::Samples => divisor == 1,
            };
            SweepSetting {
                axis,
                value,
                divisor,
                current,
                settings,
            }
        })
        .collect())
}

/// `grid` with `current` added, sorted, without repeats.
fn with_current(grid: &[usize], current: usize) -> Vec<usize> {
    let mut values: Vec<usize> = grid.iter().copied().chain([current]).collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// The first `⌈n/divisor⌉` rows of one seeded permutation of `0..n`, in row order: the
/// subsets of one seed are nested (a quarter lies within the half), and the same seed
/// always gives the same rows.
pub fn nested_rows(n: usize, divisor: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // Fisher–Yates with the one PRNG; the stream is apart from the clustering's.
    let mut rng = SplitMix64::new(seed ^ 0x5355_4253_4554_5321);
    for i in (1..n).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut rows = order[..n.div_ceil(divisor.max(1))].to_vec();
    // Row order is kept: circular surrogates of a time series need it.
    rows.sort_unstable();
    rows
}

/// `dataset` restricted to `rows` (every column, weight and model output; the levels
/// stay, so states keep their names).
fn select_rows(dataset: &Dataset, rows: &[usize]) -> Dataset {
    let pick = |v: &[u32]| rows.iter().map(|&r| v[r]).collect::<Vec<u32>>();
    let labels = |l: &Labels| Labels {
        codes: pick(&l.codes),
        ..l.clone()
    };
    let modality = |m: &Modality| Modality {
        columns: m.columns.clone(),
        features: match &m.features {
            ModalityFeatures::Categorical(l) => ModalityFeatures::Categorical(labels(l)),
            ModalityFeatures::Numeric { names, columns } => ModalityFeatures::Numeric {
                names: names.clone(),
                columns: columns.iter().map(|c| c.gather(rows)).collect(),
            },
        },
    };
    let floats = |v: &Vec<f64>| rows.iter().map(|&r| v[r]).collect::<Vec<f64>>();
    let probs = |v: &Vec<Vec<f64>>| rows.iter().map(|&r| v[r].clone()).collect();
    Dataset {
        x1: modality(&dataset.x1),
        x2: modality(&dataset.x2),
        y: labels(&dataset.y),
        y_values: dataset.y_values.as_ref().map(floats),
        y_extra: dataset
            .y_extra
            .iter()
            .map(|(name, v)| (name.clone(), floats(v)))
            .collect(),
        y_upper: dataset.y_upper.clone(),
        yhat: dataset.yhat.iter().map(labels).collect(),
        weights: dataset.weights.as_ref().map(floats),
        conditionals: dataset.conditionals.as_ref().map(|c| ModelConditionals {
            x1: probs(&c.x1),
            x2: probs(&c.x2),
            joint: probs(&c.joint),
        }),
        report: dataset.report.clone(),
    }
}

/// One point discretised and solved: the plug-in PID of Y, the table's statistics, and
/// the rows behind it for the uncertainty.
#[derive(Debug, Clone)]
pub struct SweepTable {
    pub setting: SweepSetting,
    pub pid: Decomposition,
    pub certificate_bits: f64,
    pub stats: TableStats,
    pub samples: Samples,
}

/// Discretises `dataset` (or its nested subset, on the samples axis) with the point's
/// settings and solves the PID of Y.
pub fn sweep_table(dataset: &Dataset, setting: &SweepSetting) -> Result<SweepTable, AnalysisError> {
    let settings = &setting.settings;
    let subset;
    let data = if setting.divisor > 1 {
        subset = select_rows(
            dataset,
            &nested_rows(dataset.rows(), setting.divisor, settings.seed),
        );
        &subset
    } else {
        dataset
    };
    let discrete = discretize(data, None, &settings.discretize_options(), &mut |_| {})?;
    check_solve_cost(&discrete.table, settings)?;
    let pid = pid_cvx(&discrete.table)?;
    let shape = [
        discrete.x1.labels.len(),
        discrete.x2.labels.len(),
        data.y.levels.len(),
    ];
    let samples = Samples::new(
        shape,
        &discrete.x1.assignment,
        &discrete.x2.assignment,
        &data.y.codes,
        data.weights.as_deref(),
    )?;
    Ok(SweepTable {
        setting: setting.clone(),
        pid: pid.decomposition,
        certificate_bits: pid.certificate_bits,
        stats: discrete.stats,
        samples,
    })
}

/// One atom at one point, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtomPoint {
    pub plug_in: f64,
    /// Bias-corrected (the plug-in value when the point has no uncertainty).
    pub corrected: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// The four atoms of a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SweepAtoms {
    pub redundancy: AtomPoint,
    pub unique1: AtomPoint,
    pub unique2: AtomPoint,
    pub synergy: AtomPoint,
}

impl SweepAtoms {
    /// R, U1, U2, S in the order of [`crate::pid::TERMS`].
    pub fn all(&self) -> [&AtomPoint; 4] {
        [
            &self.redundancy,
            &self.unique1,
            &self.unique2,
            &self.synergy,
        ]
    }
}

/// One computed point of a sweep, every value in bits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    pub axis: SweepAxis,
    pub value: usize,
    pub label: String,
    pub current: bool,
    /// Rows behind the point.
    pub rows: usize,
    /// `[n1, n2, ny]` of its table.
    pub shape: [usize; 3],
    pub samples_per_cell: f64,
    /// "standard", "approximate (few samples per cell)", or "plug-in only" without
    /// resamples.
    pub reliability: String,
    /// Bootstrap replicates behind its intervals.
    pub resamples: usize,
    pub certificate_bits: f64,
    pub atoms: SweepAtoms,
    /// I(X1,X2;Y): plug-in and corrected, bits.
    pub mi_joint: AtomPoint,
}

impl SweepPoint {
    /// The point `table` with its uncertainty (`None`: plug-in only).
    pub fn of(table: &SweepTable, uncertainty: Option<&Uncertainty>) -> SweepPoint {
        let atom = |plug_in: f64, u: Option<&TermUncertainty>| AtomPoint {
            plug_in,
            corrected: u.map_or(plug_in, |u| u.corrected),
            low: u.and_then(|u| u.low),
            high: u.and_then(|u| u.high),
        };
        let d = &table.pid;
        let terms = uncertainty.map(|u| u.terms());
        let term = |i: usize| terms.map(|t| t[i]);
        let rows = table.samples.rows();
        let samples_per_cell = table.stats.samples / table.stats.cells.max(1) as f64;
        SweepPoint {
            axis: table.setting.axis,
            value: table.setting.value,
            label: table.setting.label(),
            current: table.setting.current,
            rows,
            shape: table.samples.shape(),
            samples_per_cell,
            reliability: uncertainty
                .map_or_else(|| "plug-in only".to_string(), |u| u.intervals.clone()),
            resamples: uncertainty.map_or(0, |u| u.resamples),
            certificate_bits: table.certificate_bits,
            atoms: SweepAtoms {
                redundancy: atom(d.redundancy, term(0)),
                unique1: atom(d.unique1, term(1)),
                unique2: atom(d.unique2, term(2)),
                synergy: atom(d.synergy, term(3)),
            },
            mi_joint: atom(d.mi_joint, term(6)),
        }
    }
}

/// Gives a point's uncertainty from its rows and settings (`None`: none).
pub type UncertaintyRunner<'a> =
    dyn FnMut(&Samples, &UncertaintySettings) -> Result<Option<Uncertainty>, RigorError> + 'a;

/// Runs the sweep along `axis` point by point: `uncertainty(samples, settings)` gives a
/// point's uncertainty (the CLI spreads it over its threads; `None` for none), and
/// `progress(done, total)` follows each point, returning `false` to stop.
pub fn run_sweep(
    dataset: &Dataset,
    base: &AnalysisSettings,
    axis: SweepAxis,
    uncertainty: &mut UncertaintyRunner,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<SweepPoint>, AnalysisError> {
    let plan = sweep_plan(dataset, base, axis)?;
    let mut points = Vec::with_capacity(plan.len());
    for (i, setting) in plan.iter().enumerate() {
        if !progress(i, plan.len()) {
            return Err(RigorError::Cancelled.into());
        }
        let table = sweep_table(dataset, setting)?;
        let rigor = setting.settings.uncertainty();
        let u = if rigor.resamples > 0 {
            uncertainty(&table.samples, &rigor)?
        } else {
            None
        };
        points.push(SweepPoint::of(&table, u.as_ref()));
    }
    Ok(points)
}

#[cfg(test)]
mod tests;
