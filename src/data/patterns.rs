//! Column patterns, as `--x1 'cam_*'` takes them on the command line and the page's
//! role picker in its pattern box: one rule, here, for both.
//!
//! A pattern list is comma-separated; each pattern is either a column's name (matched
//! exactly), the name of an array or list column (`emb`: its elements `emb[0]`, `emb[1]`,
//! … when no column is called `emb` itself), or a prefix followed by `*` (every column
//! whose name starts with it, in column order). Spaces around a pattern are ignored;
//! empty patterns are skipped.

/// The patterns of a comma-separated list, trimmed, without empty ones.
fn split(patterns: &str) -> impl Iterator<Item = &str> {
    patterns.split(',').map(str::trim).filter(|p| !p.is_empty())
}

/// Whether `name` is an element `pattern[i]` of an array or list column.
fn is_element(pattern: &str, name: &str) -> bool {
    name.strip_prefix(pattern)
        .and_then(|rest| rest.strip_prefix('['))
        .is_some_and(|rest| rest.ends_with(']'))
}

/// Whether one pattern (`name`, an array's `name`, or `prefix*`) matches `name`, among
/// the columns `names` (an exact column name takes precedence over elements).
fn matches(pattern: &str, name: &str, names: &[&str]) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None if names.contains(&pattern) => name == pattern,
        None => is_element(pattern, name),
    }
}

/// The columns a pattern list names, pattern by pattern (a `prefix*` in column order).
/// A name that is no column, or a `prefix*` that matches none, is kept as written, so
/// that assembling the samples then names it as an unknown column.
pub fn expand_patterns(patterns: &str, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for pattern in split(patterns) {
        let matched: Vec<String> = names
            .iter()
            .filter(|n| matches(pattern, n, names))
            .map(|n| n.to_string())
            .collect();
        if matched.is_empty() {
            out.push(pattern.to_string());
        } else {
            out.extend(matched);
        }
    }
    out
}

/// The positions in `names` of the columns any pattern of the list matches, in column
/// order (each once): the page's pattern box, which only assigns columns that exist.
pub fn matching_columns(patterns: &str, names: &[&str]) -> Vec<usize> {
    let patterns: Vec<&str> = split(patterns).collect();
    (0..names.len())
        .filter(|&i| patterns.iter().any(|p| matches(p, names[i], names)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = ["cam_0", "cam_1", "lidar_0", "camera", "label"];

    #[test]
    fn a_prefix_pattern_takes_every_column_it_starts() {
        assert_eq!(
            expand_patterns("cam_*, label", &NAMES),
            ["cam_0", "cam_1", "label"]
        );
        assert_eq!(matching_columns("cam*", &NAMES), [0, 1, 3]);
        assert_eq!(matching_columns(" lidar_* ,label,, ", &NAMES), [2, 4]);
    }

    #[test]
    fn unknown_names_are_kept_for_the_error_and_left_out_of_the_positions() {
        assert_eq!(
            expand_patterns("radar_*,cam_0,zzz", &NAMES),
            ["radar_*", "cam_0", "zzz"]
        );
        assert_eq!(matching_columns("radar_*,zzz", &NAMES), Vec::<usize>::new());
        // An exact name is not a prefix.
        assert_eq!(matching_columns("cam", &NAMES), Vec::<usize>::new());
    }

    #[test]
    fn an_array_columns_name_takes_its_elements_unless_a_column_has_that_name() {
        let names = ["emb[0]", "emb[1]", "emb_x", "y", "y[0]"];
        assert_eq!(expand_patterns("emb", &names), ["emb[0]", "emb[1]"]);
        assert_eq!(matching_columns("emb", &names), [0, 1]);
        // `y` is a column: it means that column, not `y[0]`.
        assert_eq!(expand_patterns("y", &names), ["y"]);
    }
}
