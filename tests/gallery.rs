//! The learn-mode gallery against `tests/data/reference.json`: each entry's table
//! is the reference case's, its atoms (computed by the solver) match to 1e-6 bits and
//! its stated dominant atoms are exactly the largest ones.
// Native only: reads the reference file.
#![cfg(not(target_arch = "wasm32"))]

use pidscope::examples::{gallery_entry, Atom, GALLERY};
use pidscope::pid::pid_cvx;

#[path = "common/reference.rs"]
mod reference;
use reference::cases;

#[test]
fn every_gallery_entry_is_its_reference_case_with_the_same_atoms() {
    let cases = cases();
    assert!(GALLERY.len() >= 14);
    for entry in GALLERY {
        let case = cases
            .iter()
            .find(|c| c.name == entry.name)
            .unwrap_or_else(|| panic!("{} is not a reference case", entry.name));
        let table = entry.table();
        assert_eq!(table.shape(), case.shape, "{}: shape", entry.name);
        for (i, (&ours, &theirs)) in table.p().iter().zip(&case.p).enumerate() {
            assert!(
                (ours - theirs).abs() < 1e-12,
                "{}: p[{i}] = {ours}, reference {theirs}",
                entry.name
            );
        }
        let pid = pid_cvx(&table).unwrap();
        let atoms = [pid.redundancy, pid.unique1, pid.unique2, pid.synergy];
        let reference = [case.r, case.u1, case.u2, case.s];
        assert!(
            (pid.mi_joint - case.mi).abs() <= case.tol,
            "{}: I(X1,X2;Y)",
            entry.name
        );
        for ((atom, ours), theirs) in Atom::ALL.iter().zip(atoms).zip(reference) {
            assert!(
                (ours - theirs).abs() <= case.tol.min(1e-6),
                "{}: {atom:?} = {ours}, reference {theirs}",
                entry.name
            );
        }
        assert_eq!(
            Atom::dominant(&pid, 1e-6),
            entry.dominant,
            "{}: the stated dominant atoms are not the largest",
            entry.name
        );
    }
}

#[test]
fn gallery_names_are_unique_and_entries_are_documented() {
    for (i, entry) in GALLERY.iter().enumerate() {
        assert_eq!(gallery_entry(&entry.name.to_lowercase()), Some(entry));
        assert!(GALLERY[..i].iter().all(|e| e.name != entry.name));
        for (what, text, most) in [
            ("setup", entry.setup, 2),
            ("explanation", entry.explanation, 3),
        ] {
            let sentences = text.matches(". ").count() + 1;
            assert!(
                (1..=most).contains(&sentences),
                "{} {what}: {sentences} sentences",
                entry.name
            );
        }
        assert!(!entry.title.is_empty() && !entry.label.is_empty() && !entry.dominant.is_empty());
    }
    assert_eq!(gallery_entry("nope"), None);
}

/// What the page shows before the prediction gives no answer away: `None` when `text`
/// names no atom and states no amount of information, else the giveaway found.
fn giveaway(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let stems = ["synerg", "redundan", "unique", "dominat", "pure"];
    if let Some(stem) = stems.iter().find(|s| lower.contains(*s)) {
        return Some(stem.to_string());
    }
    let words = lower.split(|c: char| !c.is_alphanumeric());
    if let Some(word) = words
        .into_iter()
        .find(|w| ["bit", "bits", "nats"].contains(w))
    {
        return Some(word.to_string());
    }
    // An amount: a decimal number ("0.311") or a percentage.
    let chars: Vec<char> = text.chars().collect();
    let decimal = chars
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == '.' && w[2].is_ascii_digit());
    (decimal || text.contains('%')).then(|| "a number".to_string())
}

#[test]
fn what_the_page_shows_before_the_prediction_gives_no_answer_away() {
    // The check itself catches the old titles and setups.
    assert_eq!(
        giveaway("Exclusive or: pure synergy").as_deref(),
        Some("synerg")
    );
    assert_eq!(giveaway("Copy: two unique bits").as_deref(), Some("unique"));
    assert_eq!(giveaway("the whole bit").as_deref(), Some("bit"));
    assert_eq!(giveaway("in 0.1 of cases").as_deref(), Some("a number"));
    assert_eq!(
        giveaway("Y = X1 AND X2: Y is 1 only when both are 1."),
        None
    );
    for entry in GALLERY {
        for (what, text) in [
            ("label", entry.label),
            ("title", entry.title),
            ("setup", entry.setup),
        ] {
            assert_eq!(giveaway(text), None, "{} {what}: {text:?}", entry.name);
        }
        // The label is a display name, never the internal id of a dit test case.
        assert!(
            !entry.label.contains('_'),
            "{}: label {:?}",
            entry.name,
            entry.label
        );
        assert!(!entry.explanation.is_empty());
    }
}
