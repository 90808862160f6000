//! The Gaussian estimator end to end: the assembled samples' columns, standardised and
//! streamed into one covariance (one pass, memory O((d1 + d2 + dy)²)), then
//! [`pid_gaussian`]. A numeric Y is used as it is (however many distinct values it
//! has); a class label is one-hot encoded (its last class left out, the columns would
//! otherwise sum to 1), and the result then says the Gaussian model is only an
//! approximation. With [`GaussianOptions::copula`] every column is first replaced by
//! the normal scores of its ranks (a Gaussian copula).

use serde::{Deserialize, Serialize};

use super::{data_notes, is_counts_input, resolve_roles, AnalysisError, AnalysisSettings, Names};
use crate::data::{AssemblyReport, Labels, Modality, ModalityFeatures, ParsedTable, Roles};
use crate::numeric::normal::normal_scores;
use crate::pid::gaussian::{
    corrected_information, pid_gaussian, CorrectedInformation, CovarianceError, Dims,
    GaussianError, GaussianPid, SolverOptions, StreamingCovariance,
};
use crate::rigor::gaussian::{gaussian_uncertainty, GaussianUncertainty, UncertaintyOptions};

/// How Y entered the covariance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetEncoding {
    /// A numeric column, as it is.
    Numeric,
    /// A class label, one indicator column per class but the last.
    OneHot,
}

/// The Gaussian estimator's own options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GaussianOptions {
    /// Replace every column (X1, X2 and Y) by the normal scores of its ranks,
    /// Φ⁻¹(rank / (n + 1)) with tied values at their average rank, before the
    /// covariance ([`crate::numeric::normal::normal_scores`]): the PID of a Gaussian
    /// copula, unchanged by strictly increasing maps of any column. Off by default.
    #[serde(default)]
    pub copula: bool,
    /// Only the point estimate, without the intervals and p-values even when the
    /// settings ask for resamples: the page's first pass, so that the card appears at
    /// once (its second pass computes them).
    #[serde(default)]
    pub point_only: bool,
}

/// The covariance's columns, block by block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianColumns {
    pub x1: Vec<String>,
    pub x2: Vec<String>,
    pub y: Vec<String>,
}

/// A Gaussian PID of samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GaussianAnalysis {
    pub names: Names,
    pub pid: GaussianPid,
    /// I(X1;Y), I(X2;Y), I(X1,X2;Y) with the analytic bias correction of Cai et al.
    /// (2015), bits ([`corrected_information`]; docs/gaussian.md, "Bias").
    pub corrected: CorrectedInformation,
    /// Intervals and p-values of every term by a parametric (Wishart) bootstrap of the
    /// covariance, with `settings.resamples` and `settings.permutations` draws (`None`
    /// when both are 0; docs/gaussian.md, "Intervals and p-values").
    pub uncertainty: Option<GaussianUncertainty>,
    /// Rows in the covariance.
    pub samples: usize,
    pub columns: GaussianColumns,
    pub target_encoding: TargetEncoding,
    /// Whether the columns were replaced by normal scores of their ranks.
    pub copula: bool,
    pub notes: Vec<String>,
    pub report: AssemblyReport,
    pub roles: Roles,
}

/// One-hot columns of a categorical variable, every level but the last.
fn one_hot(labels: &Labels) -> (Vec<String>, Vec<Vec<f64>>) {
    let kept = labels.levels.len().saturating_sub(1);
    let names = (0..kept)
        .map(|c| format!("{}={}", labels.name, labels.levels[c]))
        .collect();
    let columns = (0..kept as u32)
        .map(|c| {
            let column = labels.codes.iter().map(|&v| f64::from(u8::from(v == c)));
            column.collect()
        })
        .collect();
    (names, columns)
}

/// A modality's columns: numeric features as they are, a categorical modality one-hot.
fn modality_columns(modality: &Modality) -> (Vec<String>, Vec<Vec<f64>>) {
    match &modality.features {
        ModalityFeatures::Numeric { names, columns } => (
            names.clone(),
            columns.iter().map(|c| c.to_f64().into_owned()).collect(),
        ),
        ModalityFeatures::Categorical(labels) => one_hot(labels),
    }
}

/// Y's name: its column, or its columns separated by commas.
fn target_names(roles: &Roles) -> String {
    let all: Vec<&str> = std::iter::once(&roles.y)
        .chain(&roles.y_extra)
        .map(String::as_str)
        .collect();
    all.join(", ")
}

/// Analyses parsed samples with the Gaussian estimator: roles as for
/// [`super::analyse`] (guessed when `None`); Ŷ columns are not analysed.
pub fn analyse_gaussian(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    options: &GaussianOptions,
) -> Result<GaussianAnalysis, AnalysisError> {
    if tables.is_empty() {
        return Err(AnalysisError::NoInput);
    }
    if is_counts_input(tables) {
        return Err(GaussianError::NeedsSamples.into());
    }
    settings.validate()?;
    let roles = resolve_roles(tables, roles, settings)?;
    let assembly = crate::data::AssembleOptions {
        // A numeric Y is not a class here: any number of distinct values.
        max_label_states: usize::MAX,
        // Several target columns are one multivariate numeric Y here (and only here).
        several_targets: true,
        ..settings.assemble_options()
    };
    let dataset = super::assemble_within_memory(
        tables,
        &roles,
        settings,
        &assembly,
        super::WorkingCopies::Widened,
    )?;
    let (x1_names, mut x1) = modality_columns(&dataset.x1);
    let (x2_names, mut x2) = modality_columns(&dataset.x2);
    let (y_names, mut y, encoding) = match &dataset.y_values {
        Some(values) => {
            // The assembly checked that every further target column is numeric.
            let extra = dataset.y_extra.iter();
            (
                std::iter::once(dataset.y.name.clone())
                    .chain(extra.clone().map(|(name, _)| name.clone()))
                    .collect(),
                std::iter::once(values.clone())
                    .chain(extra.map(|(_, v)| v.clone()))
                    .collect(),
                TargetEncoding::Numeric,
            )
        }
        None => {
            let (names, columns) = one_hot(&dataset.y);
            (names, columns, TargetEncoding::OneHot)
        }
    };
    let dims = Dims {
        x1: x1.len(),
        x2: x2.len(),
        y: y.len(),
    };
    let samples = dataset.rows();
    if samples <= dims.total() {
        return Err(GaussianError::TooFewSamples {
            samples,
            dims: dims.total(),
        }
        .into());
    }
    if options.copula {
        for column in x1.iter_mut().chain(&mut x2).chain(&mut y) {
            *column = normal_scores(column);
        }
    }
    let columns: Vec<&Vec<f64>> = x1.iter().chain(&x2).chain(&y).collect();
    let mut covariance = StreamingCovariance::new(columns.len());
    let mut row = vec![0.0; columns.len()];
    for sample in 0..samples {
        for (v, column) in row.iter_mut().zip(&columns) {
            *v = column[sample];
        }
        let w = dataset.weights.as_ref().map_or(1.0, |w| w[sample]);
        covariance.push(&row, w).map_err(|e| GaussianError::Row {
            row: sample,
            message: e.to_string(),
        })?;
    }
    let all_names: Vec<(&String, &'static str)> = x1_names
        .iter()
        .map(|n| (n, "X1"))
        .chain(x2_names.iter().map(|n| (n, "X2")))
        .chain(y_names.iter().map(|n| (n, "Y")))
        .collect();
    let correlation = covariance.correlation().map_err(|e| match e {
        CovarianceError::Constant { column } => GaussianError::ConstantColumn {
            column: all_names[column].0.clone(),
            role: all_names[column].1,
        },
        other => GaussianError::Row {
            row: samples,
            message: other.to_string(),
        },
    })?;
    let pid = pid_gaussian(&correlation, dims, &SolverOptions::default())?;
    let wanted = settings.resamples > 0 || settings.permutations > 0;
    let uncertainty = (wanted && !options.point_only)
        .then(|| {
            let options = UncertaintyOptions {
                resamples: settings.resamples,
                permutations: settings.permutations,
                seed: settings.seed,
                confidence: crate::rigor::Settings::default().confidence,
            };
            gaussian_uncertainty(&correlation, dims, samples, &pid.pid, &options)
        })
        .transpose()?;
    // The assembly cut a scalar Y into bins for CVX and BATCH; here its values are used.
    let unbinned = AssemblyReport {
        y_binned: None,
        ..dataset.report.clone()
    };
    let mut notes = data_notes(Some(&unbinned), &[]);
    if dataset.y_extra.is_empty() && encoding == TargetEncoding::Numeric {
        if let Some(b) = &dataset.report.y_binned {
            notes.push(format!(
            "Y ('{}') is a scalar target ({} distinct values): the Gaussian estimator uses its values as they are (CVX and BATCH would cut it into {} quantile bins).",
            b.column, b.distinct, b.bins
        ));
        }
    } else if !dataset.y_extra.is_empty() {
        notes.push(format!(
            "Y is multivariate: {} numeric target columns ({}), used as they are",
            y_names.len(),
            y_names.join(", ")
        ));
    }
    if encoding == TargetEncoding::OneHot {
        notes.push(format!(
            "Y ('{}') is a class label: it enters the Gaussian model one-hot encoded ({} indicator columns), so the Gaussian PID is only an approximation of its PID",
            dataset.y.name,
            y_names.len()
        ));
    }
    if options.copula {
        notes.push(
            "Gaussian copula: every column was replaced by the normal scores of its ranks (ties at their average rank) before the covariance, so the result is unchanged by any strictly increasing transform of a column"
                .into(),
        );
        if dataset.weights.is_some() {
            notes.push(
                "the copula's ranks ignore the sample weights (the covariance uses them)".into(),
            );
        }
    }
    if !roles.yhat.is_empty() {
        notes.push("the Gaussian estimator does not analyse Ŷ columns (use CVX)".into());
    }
    notes.extend(pid.notes.iter().cloned());
    Ok(GaussianAnalysis {
        names: Names::of_roles(&roles.x1, &roles.x2, &target_names(&roles)),
        corrected: corrected_information(&pid.pid, dims, samples as f64),
        uncertainty,
        pid,
        samples,
        columns: GaussianColumns {
            x1: x1_names,
            x2: x2_names,
            y: y_names,
        },
        target_encoding: encoding,
        copula: options.copula,
        notes,
        report: dataset.report,
        roles,
    })
}
