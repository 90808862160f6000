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
        let sentences = entry.explanation.matches(". ").count() + 1;
        assert!(
            (2..=3).contains(&sentences),
            "{}: {sentences} sentences",
            entry.name
        );
        assert!(!entry.title.is_empty() && !entry.dominant.is_empty());
    }
    assert_eq!(gallery_entry("nope"), None);
}
