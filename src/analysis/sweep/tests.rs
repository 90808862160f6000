//! Tests of the sensitivity sweep: grid order, nested subsets, the PID identities at
//! every point, determinism, and the sentence on what moves.

use super::*;
use crate::data::{parse_csv, IngestOptions};
use crate::rigor::estimate_uncertainty;
use crate::scenarios::{generate, LatentMix, Scenario, ScenarioSpec};

/// The synthetic D_S scenario (synergy), `rows` rows, assembled.
fn synergy_dataset(rows: usize) -> (Dataset, AnalysisSettings) {
    let spec = ScenarioSpec {
        samples: rows,
        ..ScenarioSpec::new(Scenario::Synthetic {
            mix: LatentMix::D_S,
        })
    };
    let generated = generate(&spec).unwrap();
    let settings = AnalysisSettings {
        resamples: 20,
        ..generated.recommended.clone()
    };
    let dataset = sweep_dataset(&generated.tables, Some(&generated.roles), &settings).unwrap();
    (dataset, settings)
}

fn single_thread(
    samples: &Samples,
    settings: &UncertaintySettings,
) -> Result<Option<Uncertainty>, crate::rigor::RigorError> {
    Ok(Some(estimate_uncertainty(
        samples,
        settings,
        &mut |_, _| true,
    )?))
}

fn sweep(dataset: &Dataset, settings: &AnalysisSettings, axis: SweepAxis) -> Vec<SweepPoint> {
    run_sweep(dataset, settings, axis, &mut single_thread, &mut |_, _| {
        true
    })
    .unwrap()
}

#[test]
fn the_clusters_grid_is_increasing_and_holds_the_current_k_once() {
    let (dataset, base) = synergy_dataset(400);
    for k in [7, 20] {
        let settings = AnalysisSettings {
            clusters: k,
            ..base.clone()
        };
        let plan = sweep_plan(&dataset, &settings, SweepAxis::Clusters).unwrap();
        let values: Vec<usize> = plan.iter().map(|p| p.value).collect();
        assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
        for g in meta::SWEEP_CLUSTERS {
            assert!(values.contains(&g), "{g} missing from {values:?}");
        }
        let current: Vec<usize> = plan.iter().filter(|p| p.current).map(|p| p.value).collect();
        assert_eq!(current, vec![k]);
        assert!(plan.iter().all(|p| p.settings.clusters == p.value));
        // The sweep's uncertainty counts, whatever the analysis asked for.
        assert!(plan.iter().all(|p| p.settings.permutations == 0
            && p.settings.resamples == settings.resamples.min(meta::SWEEP_RESAMPLES)));
    }
}

#[test]
fn the_pca_grid_stops_at_the_feature_count() {
    let (dataset, base) = synergy_dataset(400);
    let features = most_features(&dataset);
    let plan = sweep_plan(&dataset, &base, SweepAxis::Pca).unwrap();
    assert!(plan.iter().all(|p| p.value <= features || p.current));
    assert!(plan.iter().any(|p| p.current && p.value == base.pca));
}

#[test]
fn subsets_are_nested_seeded_and_sized() {
    let n = 1001;
    let quarter = nested_rows(n, 4, 3);
    let half = nested_rows(n, 2, 3);
    let all = nested_rows(n, 1, 3);
    assert_eq!((quarter.len(), half.len(), all.len()), (251, 501, 1001));
    assert!(quarter.iter().all(|r| half.binary_search(r).is_ok()));
    assert_eq!(all, (0..n).collect::<Vec<_>>());
    assert!(half.windows(2).all(|w| w[0] < w[1]), "row order is kept");
    assert_eq!(nested_rows(n, 2, 3), half, "same seed, same rows");
    assert_ne!(nested_rows(n, 2, 4), half, "another seed, other rows");
    // Not simply the first rows.
    assert_ne!(half, (0..501).collect::<Vec<_>>());
}

#[test]
fn every_point_keeps_the_identities_and_a_seed_repeats_the_sweep() {
    let (dataset, settings) = synergy_dataset(600);
    let points = sweep(&dataset, &settings, SweepAxis::Clusters);
    assert_eq!(points.len(), meta::SWEEP_CLUSTERS.len());
    for p in &points {
        let atoms = p.atoms.all();
        let sum = |f: fn(&AtomPoint) -> f64| atoms.iter().map(|a| f(a)).sum::<f64>();
        assert!(
            (sum(|a| a.plug_in) - p.mi_joint.plug_in).abs() < 1e-6,
            "{p:?}"
        );
        assert!(
            (sum(|a| a.corrected) - p.mi_joint.corrected).abs() < 1e-9,
            "{p:?}"
        );
        for a in atoms {
            let (low, high) = (a.low.unwrap(), a.high.unwrap());
            assert!(low <= high, "{p:?}");
        }
        assert!(p.shape[0] <= p.value && p.shape[1] <= p.value);
        assert_eq!(p.rows, 600);
        assert_eq!(p.resamples, 20);
    }
    assert_eq!(sweep(&dataset, &settings, SweepAxis::Clusters), points);
}

#[test]
fn the_samples_axis_uses_a_quarter_a_half_and_all_rows() {
    let (dataset, settings) = synergy_dataset(800);
    let points = sweep(&dataset, &settings, SweepAxis::Samples);
    let rows: Vec<usize> = points.iter().map(|p| p.rows).collect();
    assert_eq!(rows, vec![200, 400, 800]);
    assert_eq!(
        points.iter().map(|p| p.current).collect::<Vec<_>>(),
        [false, false, true]
    );
    // The full point is the analysis itself (at the sweep's resamples).
    let full = sweep_table(
        &dataset,
        &sweep_plan(&dataset, &settings, SweepAxis::Samples).unwrap()[2],
    )
    .unwrap();
    assert_eq!(points[2].atoms.synergy.plug_in, full.pid.synergy);
}

#[test]
fn a_counts_table_and_categorical_modalities_have_nothing_to_sweep() {
    let parse =
        |name: &str, text: &str| parse_csv(IngestOptions::named(name), text.as_bytes()).unwrap();
    let counts = parse("c.csv", "x1,x2,y,count\n0,0,0,3\n1,1,1,4\n");
    let error = sweep_dataset(&[counts], None, &AnalysisSettings::default()).unwrap_err();
    assert!(error.to_string().contains("counts table"), "{error}");

    let rows: String = (0..40)
        .map(|i| {
            format!(
                "{},{},{}\n",
                ["a", "b"][i % 2],
                ["c", "d"][i % 3 % 2],
                i % 2
            )
        })
        .collect();
    let table = parse("cat.csv", &format!("x1,x2,y\n{rows}"));
    let roles = Roles::guess(&table.column_names()).unwrap();
    let dataset = sweep_dataset(&[table], Some(&roles), &AnalysisSettings::default()).unwrap();
    let error =
        sweep_plan(&dataset, &AnalysisSettings::default(), SweepAxis::Clusters).unwrap_err();
    assert!(error.to_string().contains("categorical"), "{error}");
    // The samples axis still applies.
    assert_eq!(
        sweep_plan(&dataset, &AnalysisSettings::default(), SweepAxis::Samples)
            .unwrap()
            .len(),
        3
    );
}

/// A point with the same value for every atom except synergy, with intervals ± `half`.
fn point(value: usize, synergy: f64, half: Option<f64>) -> SweepPoint {
    let atom = |v: f64| AtomPoint {
        plug_in: v,
        corrected: v,
        low: half.map(|h| v - h),
        high: half.map(|h| v + h),
    };
    SweepPoint {
        axis: SweepAxis::Clusters,
        value,
        label: format!("K = {value}"),
        current: value == 20,
        rows: 1000,
        shape: [value, value, 2],
        samples_per_cell: 1000.0 / (2 * value * value) as f64,
        reliability: "standard".into(),
        resamples: usize::from(half.is_some()) * 50,
        certificate_bits: 1e-8,
        atoms: SweepAtoms {
            redundancy: atom(0.1),
            unique1: atom(0.0),
            unique2: atom(0.0),
            synergy: atom(synergy),
        },
        mi_joint: atom(0.1 + synergy),
    }
}

#[test]
fn the_reading_names_the_atom_that_moves_and_whether_beyond_its_intervals() {
    let moving = [
        point(2, 0.01, Some(0.02)),
        point(20, 0.3, Some(0.02)),
        point(30, 0.54, Some(0.02)),
    ];
    assert_eq!(
        sweep_reading(&moving, 1.0, "bits"),
        "Synergy moves from 0.01 bits (K = 2) to 0.54 bits (K = 30) as K goes 2→30: the answer depends on the clustering."
    );
    let within = [point(2, 0.10, Some(0.2)), point(30, 0.2, Some(0.2))];
    assert!(sweep_reading(&within, 1.0, "bits").contains("within the intervals"));
    let still = [point(2, 0.100, None), point(30, 0.105, None)];
    assert!(sweep_reading(&still, 1.0, "bits").starts_with("No atom moves by more than 0.02 bits"));
    // Falling values read along the axis too.
    let falling = [point(2, 0.5, None), point(30, 0.1, None)];
    assert!(sweep_reading(&falling, 1.0, "bits")
        .starts_with("Synergy moves from 0.50 bits (K = 2) to 0.10 bits (K = 30)"));
}
