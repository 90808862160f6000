//! The fidelity check (docs/fidelity.md): a table that lost the information warns, a
//! table that kept it does not, noise gives a bound near 0, counts have nothing to check.

use pidscope::analysis::{analyse, analyse_fidelity, AnalysisSettings};
use pidscope::data::{CsvReader, IngestOptions, ParsedTable};
use pidscope::fidelity::cases::{hidden_xor, planted_blobs, Case};
use pidscope::fidelity::{classifier_bounds, FidelityOptions};

fn settings() -> AnalysisSettings {
    AnalysisSettings {
        resamples: 0,
        permutations: 0,
        ..AnalysisSettings::default()
    }
}

/// The CVX analysis of a case and its fidelity.
fn check(case: &Case) -> pidscope::fidelity::Fidelity {
    let tables = [case.table.clone()];
    let analysis = analyse(&tables, Some(&case.roles), &settings(), &mut |_| {}).unwrap();
    let info = analysis.dataset.info;
    analyse_fidelity(&tables, Some(&case.roles), &settings(), &info, &mut |_| {})
        .unwrap()
        .expect("numeric samples are checked")
}

#[test]
fn the_hidden_xor_of_issue_14_warns() {
    // Smaller than the issue's 50,000 × (64 + 64) so the test stays fast; the truth is
    // the same: I(X1,X2;Y) ≈ 1.89 bits, I(X1;Y) ≈ 0.89.
    let f = check(&hidden_xor(6000, 16, 1).unwrap());
    assert!(f.table_bits < 0.5, "the default clustering loses it: {f:?}");
    assert!(f.classifier_bits > 1.0, "the classifiers find it: {f:?}");
    assert!(
        f.classifier_bits < 1.9,
        "a lower bound stays below the truth"
    );
    assert!(f.joint.lost && f.x1.lost, "{f:?}");
    assert!(!f.x2.lost, "X2 alone carries nothing: {f:?}");
    let warning = f.warning.expect("warns");
    assert!(
        warning.contains("I(X1,X2;Y)") && warning.contains("PCA"),
        "{warning}"
    );
    assert!(f.retained.unwrap() < 0.5);
}

#[test]
fn planted_blobs_the_clustering_keeps_do_not_warn() {
    let f = check(&planted_blobs(6000, 2).unwrap());
    assert_eq!(f.warning, None, "{f:?}");
    // Truth 1.497 bits: the table keeps it (its plug-in value lies above: 400 × 4 cells
    // on 6000 rows) and the bound is close below.
    assert!(f.table_bits > 1.45, "{f:?}");
    assert!(f.classifier_bits > 1.2, "{f:?}");
    assert!(f.retained.unwrap() > 0.9, "{f:?}");
}

#[test]
fn on_noise_the_bound_is_near_zero_and_nothing_warns() {
    let mut case = hidden_xor(3000, 4, 3).unwrap();
    // Replace the label by draws independent of the features.
    let mut rng = pidscope::rng::SplitMix64::new(9);
    let csv = pidscope::scenarios::write_csv(&case.table);
    let mut lines = csv.lines();
    let mut text = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let (features, _) = line.rsplit_once(',').unwrap();
        text += &format!("{features},{}\n", rng.next_u64() % 4);
    }
    case.table = parse("noise.csv", &text);
    let f = check(&case);
    for figure in [&f.x1, &f.x2, &f.joint] {
        assert!(
            figure.classifier_bits <= 2.0 * figure.standard_error_bits + 0.01,
            "{f:?}"
        );
    }
    assert_eq!(f.warning, None);
}

#[test]
fn the_same_seed_gives_the_same_bounds_and_another_seed_other_rows() {
    let case = planted_blobs(800, 4).unwrap();
    let dataset = pidscope::data::assemble(
        std::slice::from_ref(&case.table),
        &case.roles,
        &Default::default(),
    )
    .unwrap();
    let options = FidelityOptions {
        epochs: 3,
        ..FidelityOptions::default()
    };
    let mut steps = 0;
    let a = classifier_bounds(&dataset, &options, &mut |_| steps += 1).unwrap();
    assert!(steps > 0, "progress is reported");
    let b = classifier_bounds(&dataset, &options, &mut |_| {}).unwrap();
    assert_eq!(a, b);
    let other = FidelityOptions { seed: 1, ..options };
    let c = classifier_bounds(&dataset, &other, &mut |_| {}).unwrap();
    assert_ne!(a.joint, c.joint);
    assert_eq!(a.test_rows + a.train_rows + a.validation_rows, 800);
}

#[test]
fn counts_and_tiny_files_have_nothing_or_too_little_to_check() {
    let counts = parse(
        "c.csv",
        "x1,x2,y,count\n0,0,0,5\n0,1,1,5\n1,0,1,5\n1,1,0,5\n",
    );
    let tables = [counts];
    let analysis = analyse(&tables, None, &settings(), &mut |_| {}).unwrap();
    let info = analysis.dataset.info;
    let none = analyse_fidelity(&tables, None, &settings(), &info, &mut |_| {}).unwrap();
    assert_eq!(none, None);

    let tiny = hidden_xor(50, 2, 5).unwrap();
    let tables = [tiny.table.clone()];
    let err = analyse_fidelity(&tables, Some(&tiny.roles), &settings(), &info, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("too few samples") && err.contains("50"),
        "{err}"
    );
}

fn parse(name: &str, text: &str) -> ParsedTable {
    let mut reader = CsvReader::new(IngestOptions::named(name));
    reader.push(text.as_bytes()).unwrap();
    reader.finish().unwrap()
}
