//! What happened to the rows and columns on the way to the table, in sentences the
//! page's result card and the CLI show alike (and `--json` lists as `notes`).

use crate::data::AssemblyReport;

/// The sentences for an assembly report and each modality's constant features
/// (`(name, features)`, e.g. `("X1", …)`): the join and its unmatched rows, values that
/// were not numbers counted as missing, features left out for having one value only.
pub fn data_notes(report: Option<&AssemblyReport>, constant: &[(&str, &[String])]) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(report) = report {
        if let Some(id) = &report.joined_on {
            let unmatched: Vec<String> = report
                .unmatched_by_file
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(file, n)| format!("{} of {file}", rows(*n)))
                .collect();
            notes.push(if unmatched.is_empty() {
                format!("Files joined on '{id}': every row has a match in every file.")
            } else {
                format!(
                    "Files joined on '{id}': {} have no match in every other file and are left out.",
                    unmatched.join(", ")
                )
            });
        }
        if let Some(b) = &report.y_binned {
            notes.push(format!(
                "Y ('{}') is a scalar target ({} distinct values): it is cut into {} quantile \
                 bins of about equal counts (the Y bins setting), named by their ranges. To \
                 read every value as a class instead, set the target kind to class.",
                b.column, b.distinct, b.bins
            ));
        }
        for (column, n) in &report.text_as_missing {
            notes.push(format!(
                "Column '{column}' is read as numbers: {} that {} not a number {} as missing.",
                plural(*n, "value", "values"),
                if *n == 1 { "is" } else { "are" },
                if *n == 1 { "counts" } else { "count" },
            ));
        }
    }
    for (name, features) in constant {
        if features.is_empty() {
            continue;
        }
        let one = features.len() == 1;
        let list = features
            .iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", ");
        notes.push(format!(
            "{name}: {} {list} {} the same value in every sample and {} left out (no information).",
            if one { "feature" } else { "features" },
            if one { "has" } else { "have" },
            if one { "is" } else { "are" },
        ));
    }
    notes
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn rows(n: usize) -> String {
    plural(n, "row", "rows")
}
