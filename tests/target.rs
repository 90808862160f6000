//! Scalar targets: a numeric Y with many distinct values is cut into quantile bins for
//! CVX (and its Ŷ columns at the same edges), a numeric class stays a class, and the
//! override in either direction works and is said.
#![cfg(not(target_arch = "wasm32"))]

use pidscope::analysis::{analyse, AnalysisSettings};
use pidscope::data::{parse_csv, IngestOptions, ParsedTable, TargetKind};
use pidscope::rng::SplitMix64;

fn table(name: &str, text: &str) -> ParsedTable {
    parse_csv(IngestOptions::named(name), text.as_bytes()).expect("test CSV parses")
}

/// X1 = (a0, a1), X2 = (b0, b1) standard normal; score = a0 + b0 + N(0, 0.5²); a model's
/// prediction yhat = a0 (it ignores X2); cls = an integer class 0…49.
fn scalar_file(n: usize) -> ParsedTable {
    let mut rng = SplitMix64::new(11);
    let mut normal = || rng.normal();
    let mut text = String::from("a_0,a_1,b_0,b_1,score,yhat,cls\n");
    for i in 0..n {
        let (a0, a1, b0, b1, e) = (normal(), normal(), normal(), normal(), normal());
        let score = a0 + b0 + 0.5 * e;
        text += &format!("{a0},{a1},{b0},{b1},{score},{a0},{}\n", i % 50);
    }
    table("scalar.csv", &text)
}

fn roles(y: &str, yhat: &[&str]) -> pidscope::data::Roles {
    pidscope::data::Roles {
        x1: vec!["a_0".into(), "a_1".into()],
        x2: vec!["b_0".into(), "b_1".into()],
        y: y.into(),
        yhat: yhat.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn settings(kind: TargetKind, y_bins: usize) -> AnalysisSettings {
    AnalysisSettings {
        clusters: 6,
        target_kind: kind,
        y_bins,
        resamples: 0,
        permutations: 0,
        ..AnalysisSettings::default()
    }
}

#[test]
fn a_scalar_target_is_cut_into_quantile_bins_and_its_prediction_at_the_same_edges() {
    let file = [scalar_file(3000)];
    let a = analyse(
        &file,
        Some(&roles("score", &["yhat"])),
        &settings(TargetKind::Auto, 8),
        &mut |_| {},
    )
    .expect("a scalar Y is accepted");
    let y_labels = &a.dataset.table.labels[2];
    assert_eq!(y_labels.len(), 8, "{y_labels:?}");
    assert!(
        y_labels[0].contains('–'),
        "bins are named by range: {y_labels:?}"
    );
    let binned = a
        .report
        .as_ref()
        .and_then(|r| r.y_binned.clone())
        .expect("binned");
    assert_eq!((binned.distinct, binned.bins), (3000, 8));
    assert!(
        a.notes
            .iter()
            .any(|n| n.contains("scalar target (3000 distinct values)")
                && n.contains("8 quantile bins")),
        "{:?}",
        a.notes
    );
    // Both inputs inform the sum; together much more than either alone.
    let info = &a.dataset.info;
    assert!(info.mi_x1_y > 0.2 && info.mi_x2_y > 0.2, "{info:?}");
    assert!(info.mi_joint > info.mi_x1_y + 0.3, "{info:?}");
    // The prediction a0 shares Y's states and carries nothing from X2.
    let model = &a.models[0];
    assert_eq!(&model.table.labels[2], y_labels);
    assert!(model.info.mi_x2_y < 0.05, "{:?}", model.info);
}

#[test]
fn integer_classes_stay_classes_and_the_override_works_both_ways() {
    let file = [scalar_file(3000)];
    let auto = analyse(
        &file,
        Some(&roles("cls", &[])),
        &settings(TargetKind::Auto, 10),
        &mut |_| {},
    )
    .expect("a class");
    assert_eq!(auto.dataset.table.labels[2].len(), 50);
    assert!(auto.report.as_ref().unwrap().y_binned.is_none());
    let scalar = analyse(
        &file,
        Some(&roles("cls", &[])),
        &settings(TargetKind::Scalar, 10),
        &mut |_| {},
    )
    .expect("binned on request");
    assert_eq!(scalar.dataset.table.labels[2].len(), 10);
    // As classes, 3000 distinct values are over the label limit: a clear refusal.
    let error = analyse(
        &file,
        Some(&roles("score", &[])),
        &settings(TargetKind::Class, 10),
        &mut |_| {},
    )
    .expect_err("too many classes");
    assert!(
        error
            .to_string()
            .contains("3000 distinct values as a label"),
        "{error}"
    );
}
