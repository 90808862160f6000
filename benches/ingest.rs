//! Throughput of CSV ingestion and of the discretisation pipeline, printed as figures.
//!
//! Run with `cargo bench --bench ingest` (release profile). Plain `Instant` timing: the
//! point is the order of magnitude against the targets (≤ 2 s to parse 100 MB, ≤ 3 s to
//! cluster 100,000 × 64 into 20 states after PCA to 5), not statistics.

use pidscope::data::{CsvReader, IngestOptions};
use pidscope::discretize::{kmeans, standardise, Pca, PcaMethod, JACOBI_MAX_DIMENSION};
use pidscope::numeric::eigen::{leading_eigen, symmetric_eigen};
use pidscope::rng::SplitMix64;
use std::time::Instant;

const TARGET_BYTES: usize = 100 * 1000 * 1000;
const CHUNK: usize = 64 * 1024;

/// A numeric CSV of about `bytes` bytes: 16 columns of numbers with 6 decimals.
fn numeric_csv(bytes: usize) -> Vec<u8> {
    use std::fmt::Write;
    let mut rng = SplitMix64::new(1);
    let columns = 16;
    let mut text = String::with_capacity(bytes + 1024);
    let header: Vec<String> = (0..columns).map(|c| format!("f_{c}")).collect();
    text += &header.join(",");
    text.push('\n');
    while text.len() < bytes {
        for c in 0..columns {
            if c > 0 {
                text.push(',');
            }
            let _ = write!(text, "{:.6}", rng.next_f64() * 200.0 - 100.0);
        }
        text.push('\n');
    }
    text.into_bytes()
}

fn bench_parse() {
    let csv = numeric_csv(TARGET_BYTES);
    let start = Instant::now();
    let mut reader = CsvReader::new(IngestOptions::named("bench.csv"));
    for chunk in csv.chunks(CHUNK) {
        if let Err(e) = reader.push(chunk) {
            panic!("benchmark data must parse: {e}");
        }
    }
    let table = match reader.finish() {
        Ok(t) => t,
        Err(e) => panic!("benchmark data must parse: {e}"),
    };
    let seconds = start.elapsed().as_secs_f64();
    let mb = csv.len() as f64 / 1e6;
    println!(
        "parse: {mb:.1} MB, {} rows × {} columns in 64 KiB chunks: {seconds:.3} s = {:.0} MB/s",
        table.rows(),
        table.columns().len(),
        mb / seconds
    );
    println!(
        "parse: memory of parsed columns {:.1} MB = {:.0}% of the input",
        table.parsed_bytes() as f64 / 1e6,
        100.0 * table.parsed_bytes() as f64 / csv.len() as f64
    );
}

/// `n` samples of `d` features: 20 blobs in a 5-dimensional latent space, mapped
/// linearly to the features plus noise.
fn blob_columns(n: usize, d: usize, rng: &mut SplitMix64) -> Vec<Vec<f64>> {
    let blobs = 20;
    let latent_centres: Vec<[f64; 5]> = (0..blobs)
        .map(|_| std::array::from_fn(|_| rng.next_f64() * 10.0))
        .collect();
    let mixing: Vec<[f64; 5]> = (0..d)
        .map(|_| std::array::from_fn(|_| rng.next_f64() - 0.5))
        .collect();
    let mut columns = vec![vec![0.0; n]; d];
    for i in 0..n {
        let centre = latent_centres[(rng.next_u64() % blobs as u64) as usize];
        let latent: [f64; 5] = std::array::from_fn(|j| centre[j] + rng.next_f64() - 0.5);
        for (j, column) in columns.iter_mut().enumerate() {
            let clean: f64 = mixing[j].iter().zip(latent).map(|(m, z)| m * z).sum();
            column[i] = clean + 0.1 * (rng.next_f64() - 0.5);
        }
    }
    columns
}

fn bench_cluster() {
    let (n, d, k) = (100_000, 64, 20);
    let columns = blob_columns(n, d, &mut SplitMix64::new(2));
    let start = Instant::now();
    let z = standardise(&columns, None);
    let t_standardise = start.elapsed().as_secs_f64();
    let pca = Pca::fit(&z, None, 5, PcaMethod::Exact, 0, &mut |_, _| {});
    let points = pca.project(&z);
    let t_pca = start.elapsed().as_secs_f64() - t_standardise;
    let result = kmeans(&points, 5, None, k, 0x5EED, 100, &mut |_| {});
    let total = start.elapsed().as_secs_f64();
    println!(
        "cluster: {n} × {d} → PCA 5 → k-means K = {k}: {total:.3} s \
         (standardise {t_standardise:.3} s, PCA {t_pca:.3} s, k-means {:.3} s, {} iterations, converged {})",
        total - t_standardise - t_pca,
        result.iterations,
        result.converged
    );
}

/// The eigen-decomposition alone, on a covariance-like matrix of `d` features, by the
/// method `Pca::fit` picks for that size.
fn bench_eigen(d: usize) {
    let mut rng = SplitMix64::new(3);
    let m: Vec<f64> = (0..d * 8).map(|_| rng.next_f64() - 0.5).collect();
    // A = M Mᵀ (d × d, rank ≤ 8, plus a ridge) is symmetric positive definite.
    let mut a = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..d {
            a[i * d + j] = (0..8).map(|r| m[i * 8 + r] * m[j * 8 + r]).sum::<f64>()
                + if i == j { 0.01 } else { 0.0 };
        }
    }
    let start = Instant::now();
    let (method, (values, _)) = if d <= JACOBI_MAX_DIMENSION {
        ("Jacobi, all pairs", symmetric_eigen(a, d))
    } else {
        ("subspace iteration, 5 pairs", leading_eigen(&a, d, 5))
    };
    println!(
        "eigen: {d} × {d} symmetric ({method}): {:.3} s (largest eigenvalue {:.3})",
        start.elapsed().as_secs_f64(),
        values[0]
    );
}

/// PCA alone (top 5 components) on standardised blob features, by each method: the
/// figures behind docs/ingest.md, "Linear algebra", and docs/scale.md ("Randomized
/// PCA"): time, and how far the randomized components are from the exact ones (the
/// smallest |cosine| between matching components, and the relative gap of the
/// explained variance of the five).
fn bench_pca(n: usize, d: usize) {
    let z = standardise(&blob_columns(n, d, &mut SplitMix64::new(2)), None);
    let timed = |method| {
        let start = Instant::now();
        let pca = Pca::fit(&z, None, 5, method, 0x5EED, &mut |_, _| {});
        (start.elapsed().as_secs_f64(), pca)
    };
    let (exact_seconds, exact) = timed(PcaMethod::Exact);
    let (randomized_seconds, randomized) = timed(PcaMethod::Randomized);
    let cosine = exact
        .components
        .iter()
        .zip(&randomized.components)
        .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>().abs())
        .fold(1.0f64, f64::min);
    let explained = |p: &Pca| p.explained_variance.iter().sum::<f64>();
    println!(
        "pca: {n} × {d}, top 5: exact {exact_seconds:.3} s, randomized {randomized_seconds:.3} s \
         (min |cos| {cosine:.4}, explained variance {:+.2e} relative)",
        explained(&randomized) / explained(&exact) - 1.0
    );
}

fn main() {
    bench_parse();
    bench_cluster();
    bench_pca(20_000, 64);
    bench_pca(200_000, 128);
    bench_pca(50_000, 768);
    for d in [64, 128, 256, 1024] {
        bench_eigen(d);
    }
}
