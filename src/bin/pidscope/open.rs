//! `pidscope open LINK|FILE`: a shared analysis recomputed from its table and checked
//! against the numbers it carries, its uncertainty included.

use pidscope::analysis::{open_shared, Analysis, SharedAnalysis};
use pidscope::meta::Units;
use pidscope::share::{decode_file, decode_link, uncertainty_mismatches, ShareState};

use crate::cli::{print_json, print_table, CliError};

/// How the text names an analysis: a file on disk, or the link itself.
fn decode(source: &str) -> Result<ShareState, CliError> {
    let path = std::path::Path::new(source);
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).map_err(|e| CliError::input(format!("{source}: {e}")))?;
        decode_file(&text).map_err(|e| CliError::input(format!("{source}: {e}")))
    } else {
        decode_link(source).map_err(|e| CliError::input(format!("the link: {e}")))
    }
}

/// Recomputes the uncertainty with the link's settings where the table reproduces it;
/// returns what differs from the stored figures (or why nothing could be checked).
fn check_uncertainty(opened: &mut SharedAnalysis) -> Result<Vec<String>, CliError> {
    let analysis: &mut Analysis = &mut opened.analysis;
    let settings = analysis.settings.clone();
    if settings.resamples + settings.permutations == 0 {
        return Ok(Vec::new());
    }
    if opened.uncertainty_unchecked.is_some() {
        return Ok(Vec::new());
    }
    let Some(samples) = &analysis.dataset.samples else {
        return Ok(Vec::new());
    };
    let estimate =
        crate::parallel::uncertainty(samples, &settings.uncertainty()).map_err(CliError::input)?;
    let mismatches = opened
        .stored_uncertainty
        .as_ref()
        .map(|stored| uncertainty_mismatches(stored, &estimate))
        .unwrap_or_default();
    analysis.dataset.uncertainty = Some(estimate);
    Ok(mismatches)
}

/// Opens, recomputes, prints; fails (status 1) when a recomputed number disagrees.
pub fn open(source: &str, json: bool, units: Units, allow_slow: bool) -> Result<(), CliError> {
    let mut opened = open_shared(&decode(source)?, allow_slow).map_err(CliError::input)?;
    let uncertainty_mismatches = check_uncertainty(&mut opened)?;
    let title = opened
        .title
        .clone()
        .unwrap_or_else(|| "shared analysis".into());
    if json {
        print_json(&opened.analysis, units);
    } else {
        print_table(&opened.analysis, &[title], units);
        println!();
        if opened.mismatches.is_empty() {
            println!(
                "The atoms agree with the link's to within {:.0e} bits.",
                opened.tolerance_bits
            );
        }
        match (&opened.stored_uncertainty, &opened.uncertainty_unchecked) {
            (Some(_), Some(why)) => println!("{why}"),
            (Some(_), None) if uncertainty_mismatches.is_empty() => println!(
                "The intervals and p-values agree with the link's (to its {:.0e}-bit resolution).",
                pidscope::share::STORED_RESOLUTION_BITS
            ),
            (None, _) if opened.analysis.dataset.uncertainty.is_some() => {
                println!("The link carried no intervals; they were estimated here.")
            }
            _ => {}
        }
    }
    let differ: Vec<String> = opened
        .mismatches
        .iter()
        .chain(&uncertainty_mismatches)
        .cloned()
        .collect();
    if differ.is_empty() {
        Ok(())
    } else {
        Err(CliError::input(format!(
            "recomputed from the shared table, these numbers differ from the link's: {}",
            differ.join("; ")
        )))
    }
}
