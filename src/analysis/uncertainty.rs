//! How far a sample's numbers can be trusted: the uncertainty of a target's PID from the
//! rows its table was counted from (the method and its measured coverage: docs/rigor.md).

use crate::rigor::{estimate_uncertainty, Samples, Uncertainty};

use super::{AnalysisError, AnalysisSettings, TargetAnalysis};

use crate::meta::NO_SAMPLE_SIZE;

/// The rows behind `target`'s table, or why there are none.
pub fn uncertainty_samples(target: &TargetAnalysis) -> Result<&Samples, AnalysisError> {
    target
        .samples
        .as_ref()
        .ok_or(AnalysisError::NoSampleSize(NO_SAMPLE_SIZE))
}

/// The uncertainty of every term of `target`'s PID with `settings`' resamples,
/// permutations, surrogates and seed, computed here in one thread; `progress(done,
/// total)` after each replicate, returning `false` to cancel. Callers with several
/// cores split the replicates instead (`rigor::replicates` runs any range anywhere).
pub fn target_uncertainty(
    target: &TargetAnalysis,
    settings: &AnalysisSettings,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Uncertainty, AnalysisError> {
    let samples = uncertainty_samples(target)?;
    Ok(estimate_uncertainty(
        samples,
        &settings.uncertainty(),
        progress,
    )?)
}

/// Estimated seconds of `target`'s uncertainty pass on one core, before it starts: one
/// solve per replicate ([`crate::pid::SolveCost::seconds`] of its table times
/// resamples + permutations; bootstrap replicates start warm and are a little faster).
pub fn estimated_uncertainty_seconds(
    target: &TargetAnalysis,
    settings: &AnalysisSettings,
) -> Result<f64, AnalysisError> {
    let table = target.table.to_table()?;
    let replicates = settings.resamples + settings.permutations;
    Ok(crate::pid::SolveCost::of(&table).seconds() * replicates as f64)
}
