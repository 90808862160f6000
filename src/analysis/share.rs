//! An analysis as a share link carries it, and a shared analysis opened again.

use serde::{Deserialize, Serialize};

use crate::meta::Units;
use crate::pid::Pid;
use crate::share::{
    results_agree, CountTable, Estimator, PidResults, Settings as ShareSettings, ShareRoles,
    ShareState, Source,
};

use super::{
    analyse_joint_table, sample_stats, Analysis, AnalysisError, AnalysisKind, AnalysisSettings,
    Names,
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
    fn of(pid: &Pid) -> PidResults {
        PidResults {
            redundancy: pid.redundancy,
            unique1: pid.unique1,
            unique2: pid.unique2,
            synergy: pid.synergy,
            mi_x1_y: pid.mi_x1_y,
            mi_x2_y: pid.mi_x2_y,
            mi_joint: pid.mi_joint,
            certificate_bits: Some(pid.certificate_bits),
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
            },
            title: meta.title.clone(),
            note: meta.note.clone(),
            results: PidResults::of(&self.dataset.pid),
            model: self.models.first().map(|m| PidResults::of(&m.pid)),
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
    pub title: Option<String>,
    pub note: Option<String>,
    pub units: Option<Units>,
    pub files: Vec<String>,
}

/// Recomputes a shared analysis from its table and compares it with the stored
/// results (agreeing to within both certificates, and never looser than 1e-6 bits).
pub fn open_shared(state: &ShareState) -> Result<SharedAnalysis, AnalysisError> {
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
    let stats = sample_stats(&table);
    let mut analysis =
        analyse_joint_table(kind, &table, names, stats, &AnalysisSettings::default())?;
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
    let recomputed = PidResults::of(&analysis.dataset.pid);
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
        title: state.title.clone(),
        note: state.note.clone(),
        units: state.settings.units,
        files: state.settings.files.clone(),
    })
}
