//! An analysis as a share link carries it, and a shared analysis opened again.

use serde::{Deserialize, Serialize};

use crate::meta::Units;
use crate::share::{
    results_agree, CountTable, Estimator, PidResults, Settings as ShareSettings, ShareRoles,
    ShareState, Source, StoredUncertainty, UncertaintySettings,
};

use super::{
    analyse_joint_table, sample_stats, Analysis, AnalysisError, AnalysisKind, AnalysisSettings,
    Names, TargetAnalysis,
};

/// What a share link carries besides the analysis itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShareMeta {
    pub title: Option<String>,
    pub note: Option<String>,
    /// `bits` or `nats`: the unit the numbers were shown in.
    pub units: Option<Units>,
    /// Names of the analysed files (never their contents).
    pub files: Vec<String>,
}

impl PidResults {
    fn of(target: &TargetAnalysis) -> PidResults {
        let pid = &target.pid;
        PidResults {
            redundancy: pid.redundancy,
            unique1: pid.unique1,
            unique2: pid.unique2,
            synergy: pid.synergy,
            mi_x1_y: pid.mi_x1_y,
            mi_x2_y: pid.mi_x2_y,
            mi_joint: pid.mi_joint,
            certificate_bits: Some(pid.certificate_bits),
            uncertainty: target
                .uncertainty
                .as_ref()
                .map(|u| StoredUncertainty::of(u, u.weighted)),
        }
    }
}

impl Analysis {
    /// The share-link state of this analysis: its discrete table (never raw rows), the
    /// settings and roles, and the results as shown.
    pub fn to_share_state(&self, meta: &ShareMeta) -> ShareState {
        let table = &self.dataset.table;
        let counts = CountTable {
            shape: table.shape,
            labels: table.labels.clone(),
            weights: table.weights(),
        };
        let source = match (self.kind, &self.example) {
            (AnalysisKind::Example, Some(name)) => Source::Example { name: name.clone() },
            (AnalysisKind::Edited, base) => Source::EditedTable {
                base_example: base.clone(),
                table: counts,
            },
            _ => Source::Table(counts),
        };
        let clustered = self.kind == AnalysisKind::Samples;
        let clusters = self.settings.clusters.min(u32::MAX as usize) as u32;
        ShareState {
            source,
            settings: ShareSettings {
                estimator: Some(Estimator::Cvx),
                clusters: clustered.then_some([clusters, clusters]),
                pca_components: clustered
                    .then_some(self.settings.pca.min(u32::MAX as usize) as u32),
                seed: clustered.then_some(self.settings.seed),
                units: meta.units,
                roles: self.roles.as_ref().map(|r| ShareRoles {
                    x1: r.x1.clone(),
                    x2: r.x2.clone(),
                    y: r.y.clone(),
                    yhat: r.yhat.clone(),
                    weight: r.weight.clone(),
                }),
                files: meta.files.clone(),
                // Only what differs from the default, so a default link reads as before.
                normalisation: (clustered
                    && self.settings.normalisation != crate::discretize::Normalisation::default())
                .then_some(self.settings.normalisation),
                restarts: (clustered && self.settings.restarts > 1)
                    .then_some(self.settings.restarts.min(u32::MAX as usize) as u32),
                uncertainty: self
                    .dataset
                    .uncertainty
                    .as_ref()
                    .map(UncertaintySettings::of),
            },
            title: meta.title.clone(),
            note: meta.note.clone(),
            results: PidResults::of(&self.dataset),
            model: self.models.first().map(PidResults::of),
        }
    }
}

/// A shared analysis opened again: recomputed from its table and checked against
/// the numbers the link carried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedAnalysis {
    /// The analysis recomputed from the shared table.
    pub analysis: Analysis,
    /// The results as stored in the link.
    pub stored: PidResults,
    /// The model's results as stored (not recomputable: the link has no model table).
    pub stored_model: Option<PidResults>,
    /// Every number that differs from the stored one beyond the tolerance, in words.
    pub mismatches: Vec<String>,
    /// The tolerance used, in bits.
    pub tolerance_bits: f64,
    /// The uncertainty as stored in the link, if it carried one. The analysis's
    /// settings hold the resamples, permutations, surrogates and seed it was made with,
    /// so estimating it again ([`super::target_uncertainty`]) and comparing with
    /// [`crate::share::uncertainty_mismatches`] checks it.
    pub stored_uncertainty: Option<StoredUncertainty>,
    /// Why the stored uncertainty cannot be checked from the table, when it cannot.
    pub uncertainty_unchecked: Option<String>,
    pub title: Option<String>,
    pub note: Option<String>,
    pub units: Option<Units>,
    pub files: Vec<String>,
}

/// Recomputes a shared analysis from its table and compares it with the stored
/// results (agreeing to within both certificates, and never looser than 1e-6 bits).
/// A table estimated to be slow to solve is refused unless `allow_slow`
/// ([`super::check_solve_cost`]).
pub fn open_shared(state: &ShareState, allow_slow: bool) -> Result<SharedAnalysis, AnalysisError> {
    let table = state.table()?;
    let (kind, example) = match &state.source {
        Source::Example { name } => (AnalysisKind::Example, Some(name.clone())),
        Source::EditedTable { base_example, .. } => (AnalysisKind::Edited, base_example.clone()),
        Source::Table(_) => (AnalysisKind::Shared, None),
    };
    let names = match &state.settings.roles {
        Some(roles) => Names::of_roles(&roles.x1, &roles.x2, &roles.y),
        None => Names::plain(),
    };
    // Only a table of data has a sample size; gallery examples and tables edited in
    // learn mode are distributions, whatever their weights (as when they were made).
    let stats = match &state.source {
        Source::Table(_) => sample_stats(&table),
        _ => None,
    };
    let settings = AnalysisSettings {
        allow_slow,
        ..AnalysisSettings::default()
    };
    let mut analysis = analyse_joint_table(kind, &table, names, stats, &settings)?;
    analysis.example = example;
    if let Some(clusters) = state.settings.clusters {
        analysis.settings.clusters = clusters[0] as usize;
    }
    if let Some(pca) = state.settings.pca_components {
        analysis.settings.pca = pca as usize;
    }
    if let Some(seed) = state.settings.seed {
        analysis.settings.seed = seed;
    }
    if let Some(normalisation) = state.settings.normalisation {
        analysis.settings.normalisation = normalisation;
    }
    if let Some(restarts) = state.settings.restarts {
        analysis.settings.restarts = restarts as usize;
    }
    if state.settings.clusters.is_some() {
        // The table came from clustering: say how, as the original card did.
        analysis.preprocessing = Some(analysis.settings.preprocessing(false));
    }
    if let Some(u) = state.settings.uncertainty {
        analysis.settings.resamples = u.resamples as usize;
        analysis.settings.permutations = u.permutations as usize;
        analysis.settings.surrogates = u.surrogates;
        analysis.settings.seed = u.seed;
    }
    let stored_uncertainty = state.results.uncertainty;
    let uncertainty_unchecked = stored_uncertainty
        .and_then(|u| unchecked_because(&state.settings, u.weighted_rows, &analysis.dataset));
    let recomputed = PidResults::of(&analysis.dataset);
    let tolerance_bits = (state.results.certificate_bits.unwrap_or(0.0)
        + analysis.dataset.pid.certificate_bits)
        .max(1e-6);
    let mismatches = match results_agree(&state.results, &recomputed, tolerance_bits) {
        Ok(()) => Vec::new(),
        Err(list) => list.iter().map(|m| m.to_string()).collect(),
    };
    Ok(SharedAnalysis {
        analysis,
        stored: state.results,
        stored_model: state.model,
        mismatches,
        tolerance_bits,
        stored_uncertainty,
        uncertainty_unchecked,
        title: state.title.clone(),
        note: state.note.clone(),
        units: state.settings.units,
        files: state.settings.files.clone(),
    })
}

/// Why a link's stored uncertainty cannot be estimated again from its table: the rows
/// were weighted or a time series (the table keeps neither weights per row nor order),
/// or the table holds no whole counts.
fn unchecked_because(
    settings: &ShareSettings,
    weighted_rows: bool,
    recomputed: &TargetAnalysis,
) -> Option<String> {
    let circular = settings
        .uncertainty
        .is_some_and(|u| u.surrogates == crate::rigor::Surrogates::Circular);
    let why = if weighted_rows {
        "it was estimated from weighted rows, and the link carries only their table"
    } else if circular {
        "it was estimated from rows in time order (circular surrogates), and the link carries only their table"
    } else if recomputed.samples.is_none() {
        "the link's table does not hold whole counts"
    } else {
        return None;
    };
    Some(format!(
        "The intervals and p-values are shown as the link stores them, not checked: {why}."
    ))
}
