//! The uncertainty estimate (`pidscope::rigor`) gives bit-identical results natively and
//! in WebAssembly: the same fingerprint is asserted on both (run the wasm side with
//! `cargo test --target wasm32-unknown-unknown --test determinism_rigor`).

use pidscope::examples::Gate;
use pidscope::pid::random::{random_table, TableKind};
use pidscope::rigor::{estimate_uncertainty, KinkCorrection, Samples, Settings, Surrogates};
use pidscope::rng::SplitMix64;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// FNV-1a over 64-bit words (as in tests/determinism.rs).
fn fingerprint(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, w| {
        (h ^ w).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

fn words(u: &pidscope::rigor::Uncertainty) -> Vec<u64> {
    u.terms()
        .into_iter()
        .flat_map(|t| {
            [
                Some(t.corrected),
                t.low,
                t.high,
                t.p_value,
                t.null_mean,
                Some(t.plug_in),
            ]
        })
        .map(|v| v.map_or(u64::MAX, f64::to_bits))
        .collect()
}

/// Independent rows are exchangeable: their uncertainty depends only on their counts, so
/// a shared counts table reproduces its sample's intervals and p-values to the bit.
#[test]
fn a_counts_table_gives_the_same_uncertainty_as_its_rows() {
    let table = random_table(
        [3, 3, 2],
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        5,
    );
    let rows = Samples::draw(&table, 300, &mut SplitMix64::new(2)).expect("draws");
    let counts = Samples::from_counts(rows.shape(), &rows.counts()).expect("whole counts");
    assert!(!rows.is_in_cell_order() && counts.is_in_cell_order());
    let settings = Settings {
        resamples: 12,
        permutations: 8,
        seed: 4,
        ..Settings::default()
    };
    let run = |s: &Samples| estimate_uncertainty(s, &settings, &mut |_, _| true).expect("runs");
    assert_eq!(words(&run(&rows)), words(&run(&counts)));
    // Time-series rows keep their order, which the table does not have.
    let circular = Settings {
        surrogates: Surrogates::Circular,
        ..settings
    };
    let run = |s: &Samples| estimate_uncertainty(s, &circular, &mut |_, _| true).expect("runs");
    assert_ne!(words(&run(&rows)), words(&run(&counts)));
}

#[test]
fn uncertainty_fingerprint_is_the_same_on_every_platform() {
    let table = random_table(
        [4, 3, 3],
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        21,
    );
    let samples = Samples::draw(&table, 500, &mut SplitMix64::new(8)).expect("draws");
    // AND sits at the kink of h* (U1 = U2 = 0), so its sample also runs the kink
    // correction: subsamples, their rate (libm::pow) and the rescaled h*.
    let and = Samples::draw(&Gate::And.table(), 400, &mut SplitMix64::new(8)).expect("draws");
    let mut all = Vec::new();
    for samples in [&samples, &and] {
        for surrogates in [Surrogates::Shuffle, Surrogates::Circular] {
            let settings = Settings {
                resamples: 24,
                permutations: 16,
                seed: 3,
                surrogates,
                ..Settings::default()
            };
            let u = estimate_uncertainty(samples, &settings, &mut |_, _| true).expect("runs");
            all.extend(words(&u));
        }
    }
    // The AND figures do depend on the correction (else the fingerprint would not test it).
    let at_kink = |kink| {
        let settings = Settings {
            resamples: 24,
            permutations: 0,
            seed: 3,
            kink,
            ..Settings::default()
        };
        let u = estimate_uncertainty(&and, &settings, &mut |_, _| true).expect("runs");
        u.synergy.corrected
    };
    assert_ne!(
        at_kink(KinkCorrection::Off),
        at_kink(KinkCorrection::RateAdaptive)
    );
    assert_eq!(fingerprint(all), EXPECTED);
}

/// The entropy path alone (no solver): counts, `libm` logarithms, digamma, the
/// replicates' resampling and permutations.
#[test]
fn entropy_fingerprint_is_the_same_on_every_platform() {
    use pidscope::rigor::ReplicateKind;
    use pidscope::rigor::{bootstrap_rows, plug_in_entropy, stream, surrogate_order};
    use pidscope::rigor::{chao_shen_entropy, grassberger_entropy, miller_madow_entropy};
    let mut words = Vec::new();
    for index in 0..20 {
        let mut rng = stream(5, ReplicateKind::Bootstrap, index);
        let rows = bootstrap_rows(300, Surrogates::Shuffle, &mut rng);
        let order = surrogate_order(300, Surrogates::Shuffle, &mut rng);
        let mut counts = vec![0.0; 37];
        for (&r, &o) in rows.iter().zip(&order) {
            counts[(r * 7 + o) % 37] += 1.0;
        }
        for f in [
            plug_in_entropy,
            miller_madow_entropy,
            grassberger_entropy,
            chao_shen_entropy,
        ] {
            words.push(f(&counts).to_bits());
        }
    }
    assert_eq!(fingerprint(words), ENTROPY_EXPECTED);
}

const ENTROPY_EXPECTED: u64 = 3032252807335076771;

/// Computed natively; the wasm run must reproduce it bit for bit.
const EXPECTED: u64 = 2800131859235166447;
