//! The fidelity check of an analysis of samples: the same files and roles, the
//! continuous features through held-out classifiers ([`crate::fidelity`]), compared
//! with the discrete table's information terms.

use super::{is_counts_input, resolve_roles, AnalysisError, AnalysisSettings};
use crate::data::ParsedTable;
use crate::data::Roles;
use crate::fidelity::{
    classifier_bounds, compare, has_numeric_features, Fidelity, FidelityOptions,
};
use crate::info::InfoTerms;
use crate::pid::batch::BatchProgress;

/// The fidelity of the table behind an analysis of `tables` (roles as for
/// [`super::analyse`]): `table` is that analysis's information terms of Y. `None` when
/// there is nothing clustering could lose (a counts table, or no numeric modality).
/// The split and the classifiers are seeded with the analysis's seed.
pub fn analyse_fidelity(
    tables: &[ParsedTable],
    roles: Option<&Roles>,
    settings: &AnalysisSettings,
    table: &InfoTerms,
    progress: &mut dyn FnMut(BatchProgress),
) -> Result<Option<Fidelity>, AnalysisError> {
    if tables.is_empty() {
        return Err(AnalysisError::NoInput);
    }
    if is_counts_input(tables) {
        return Ok(None);
    }
    settings.validate()?;
    let roles = resolve_roles(tables, roles, settings)?;
    let dataset = super::assemble_within_memory(
        tables,
        &roles,
        settings,
        &settings.assemble_options(),
        super::WorkingCopies::Widened,
    )?;
    if !has_numeric_features(&dataset) {
        return Ok(None);
    }
    let options = FidelityOptions {
        seed: settings.seed,
        ..FidelityOptions::default()
    };
    let bounds = classifier_bounds(&dataset, &options, progress)?;
    Ok(Some(compare(table, &bounds)))
}
