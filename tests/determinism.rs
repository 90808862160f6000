//! The discretisation gives bit-identical results natively and in WebAssembly: the
//! same fingerprint is asserted on both (run the wasm side with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --target wasm32-unknown-unknown --test determinism`).

use pidscope::data::{assemble, AssembleOptions, CsvReader, IngestOptions, Roles};
use pidscope::discretize::{discretize, DiscretizeOptions};
use pidscope::rng::SplitMix64;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// FNV-1a over 64-bit words.
fn fingerprint(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, w| {
        (h ^ w).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// Noise from uniforms only (no `ln`/`cos`, whose last bits may differ by platform).
fn noise(rng: &mut SplitMix64) -> f64 {
    (0..4).map(|_| rng.next_f64()).sum::<f64>() - 2.0
}

#[test]
fn discretisation_fingerprint_is_the_same_on_every_platform() {
    let mut rng = SplitMix64::new(99);
    let mut csv = String::from("a_0,a_1,a_2,b_0,b_1,label,weight\n");
    for _ in 0..3000 {
        let (u, v) = (rng.next_f64() * 3.0, rng.next_f64() * 3.0);
        let label = if u + v + noise(&mut rng) > 3.0 {
            "hi"
        } else {
            "lo"
        };
        csv += &format!(
            "{},{},{},{},{},{label},{}\n",
            u + noise(&mut rng),
            2.0 * u - v + noise(&mut rng),
            u * v + noise(&mut rng),
            v + 0.1 * noise(&mut rng),
            v * v + noise(&mut rng),
            1.0 + rng.next_f64(),
        );
    }
    let mut reader = CsvReader::new(IngestOptions::named("det.csv"));
    for chunk in csv.as_bytes().chunks(4096) {
        reader.push(chunk).expect("generated CSV parses");
    }
    let table = reader.finish().expect("generated CSV parses");
    let roles = Roles::guess(&table.column_names()).expect("roles are guessable");
    let data = assemble(&[table], &roles, &AssembleOptions::default()).expect("assembles");
    let result =
        discretize(&data, None, &DiscretizeOptions::default(), &mut |_| {}).expect("discretises");
    let words = result
        .x1
        .assignment
        .iter()
        .chain(&result.x2.assignment)
        .map(|&s| u64::from(s))
        .chain(result.table.p().iter().map(|p| p.to_bits()))
        .chain(result.x1.pca_centres.iter().flatten().map(|c| c.to_bits()))
        .chain(result.x2.explained_variance.iter().map(|v| v.to_bits()));
    assert_eq!(result.table.shape(), [20, 20, 2]);
    assert_eq!(fingerprint(words), EXPECTED);
}

/// Computed natively; the wasm run must reproduce it bit for bit.
const EXPECTED: u64 = 12735629690931249249;

/// BATCH (classifiers, alignment through Sinkhorn, read-out) on a small XOR-like set
/// built from uniforms only: the same bits natively and in WebAssembly.
#[test]
fn batch_fingerprint_is_the_same_on_every_platform() {
    use pidscope::pid::batch::{pid_batch_arrays, BatchConfig};
    let mut rng = SplitMix64::new(5);
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..240 {
        let (a, b) = (rng.next_u64() & 1, rng.next_u64() & 1);
        x1.push(
            (0..4)
                .map(|_| a as f64 + 0.3 * noise(&mut rng))
                .collect::<Vec<f64>>(),
        );
        x2.push(
            (0..4)
                .map(|_| b as f64 + 0.3 * noise(&mut rng))
                .collect::<Vec<f64>>(),
        );
        y.push((a ^ b) as u32);
    }
    let config = BatchConfig {
        batch_size: 32,
        classifier_epochs: 4,
        alignment_epochs: 2,
        sinkhorn_max_iterations: 20,
        seed: 3,
        ..BatchConfig::default()
    };
    let pid = pid_batch_arrays(&x1, &x2, &y, 2, None, &config, &mut |_| {}).expect("runs");
    let h = &pid.history;
    let words = [
        pid.raw.redundancy,
        pid.raw.unique1,
        pid.raw.unique2,
        pid.raw.synergy,
        pid.mi_joint,
        pid.spread.decomposition.synergy,
    ]
    .into_iter()
    .chain(
        h.classifier_x1
            .iter()
            .chain(&h.classifier_joint)
            .chain(&h.alignment)
            .flat_map(|e| [e.train, e.validation]),
    )
    .map(f64::to_bits);
    assert_eq!(fingerprint(words), BATCH_EXPECTED);
}

/// Computed natively; the wasm run must reproduce it bit for bit.
const BATCH_EXPECTED: u64 = 11846235675777040738;

/// The fidelity check's classifiers (BATCH's training loop on its own split) on data
/// from uniforms only: the same held-out cross-entropies natively and in WebAssembly.
/// (H(Y) is left out: it goes through `f64::log2`, whose last bit may differ.)
#[test]
fn fidelity_fingerprint_is_the_same_on_every_platform() {
    use pidscope::fidelity::{classifier_bounds, FidelityOptions};
    let mut rng = SplitMix64::new(13);
    let mut csv = String::from("a_0,a_1,b_0,b_1,label\n");
    for _ in 0..400 {
        let (u, v) = (rng.next_f64(), rng.next_f64());
        let label = u8::from((u > 0.5) != (v > 0.5));
        csv += &format!(
            "{},{},{},{},{label}\n",
            u + 0.1 * noise(&mut rng),
            noise(&mut rng),
            v + 0.1 * noise(&mut rng),
            noise(&mut rng)
        );
    }
    let mut reader = CsvReader::new(IngestOptions::named("fid.csv"));
    reader.push(csv.as_bytes()).expect("generated CSV parses");
    let table = reader.finish().expect("generated CSV parses");
    let roles = Roles::guess(&table.column_names()).expect("roles are guessable");
    let data = assemble(&[table], &roles, &AssembleOptions::default()).expect("assembles");
    let options = FidelityOptions {
        epochs: 4,
        seed: 2,
        ..FidelityOptions::default()
    };
    let b = classifier_bounds(&data, &options, &mut |_| {}).expect("runs");
    let words = [&b.x1, &b.x2, &b.joint]
        .into_iter()
        .flat_map(|bound| [bound.cross_entropy_bits.to_bits(), bound.epochs as u64])
        .chain([b.train_rows as u64, b.test_rows as u64]);
    assert_eq!(fingerprint(words), FIDELITY_EXPECTED);
}

/// Computed natively; the wasm run must reproduce it bit for bit.
const FIDELITY_EXPECTED: u64 = 1852944079724672466;
