//! Benchmark of the uncertainty pass: prints figures (no timing assertions).
//!
//! `cargo bench --bench rigor` (add `-- quick` for one repetition). A 20×20×10
//! Dirichlet(1) table, 20,000 samples drawn from it; the default pass (200 bootstrap
//! resamples + 200 permutations of each of the three nulls = 800 replicate solves),
//! single-threaded and split over two threads, bootstrap replicates started cold and
//! warm (from the sample's central points, the default), at replicate tolerances 1e-4,
//! 1e-5 (the default) and 1e-7 bits; then the bootstrap replicates alone with the kink
//! correction off and on.

use pidscope::pid::random::{random_table, TableKind};
use pidscope::rigor::{
    observe, replicates, summarise, KinkCorrection, ReplicateKind, Samples, Settings,
};
use pidscope::rng::SplitMix64;
use std::time::Instant;

fn draw(p: &[f64], shape: [usize; 3], n: usize, seed: u64) -> Samples {
    let mut cdf = Vec::with_capacity(p.len());
    let mut acc = 0.0;
    for &v in p {
        acc += v;
        cdf.push(acc);
    }
    let mut rng = SplitMix64::new(seed);
    let [_, n2, ny] = shape;
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let u = rng.next_f64() * acc;
        let cell = cdf.partition_point(|&c| c <= u).min(p.len() - 1);
        x1.push((cell / (n2 * ny)) as u32);
        x2.push(((cell / ny) % n2) as u32);
        y.push((cell % ny) as u32);
    }
    Samples::new(shape, &x1, &x2, &y, None).expect("valid rows")
}

/// CPU seconds used by this process so far (all threads; Linux `/proc`, 10 ms ticks),
/// so the figures mean something on a machine shared with other work.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn run(samples: &Samples, settings: &Settings, threads: usize) -> (f64, [f64; 4], usize, f64) {
    let t0 = Instant::now();
    let c0 = cpu_seconds();
    let observed = observe(samples).expect("observes");
    let mut per_kind = [0.0; 4];
    let mut records = Vec::new();
    for (k, kind) in ReplicateKind::ALL.into_iter().enumerate() {
        let count = settings.count(kind);
        let t = Instant::now();
        if threads <= 1 {
            records.extend(replicates(samples, &observed, settings, kind, 0..count).expect("runs"));
        } else {
            let chunk = count.div_ceil(threads);
            let parts: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads)
                    .map(|w| {
                        let range = (w * chunk).min(count)..((w + 1) * chunk).min(count);
                        let observed = &observed;
                        s.spawn(move || replicates(samples, observed, settings, kind, range))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("joins"))
                    .collect()
            });
            for p in parts {
                records.extend(p.expect("runs"));
            }
        }
        per_kind[k] = t.elapsed().as_secs_f64();
    }
    let u = summarise(&observed, &records, settings);
    (
        t0.elapsed().as_secs_f64(),
        per_kind,
        u.unconverged_replicates,
        cpu_seconds() - c0,
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let shape = [20, 20, 10];
    let table = random_table(
        shape,
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        42,
    );
    let samples = draw(table.p(), shape, 20_000, 7);
    println!("20×20×10 Dirichlet(1) table, 20,000 samples; 200 resamples + 3 × 200 permutations\n");
    println!("| replicate tolerance (bits) | bootstrap start | threads | wall s (median) | CPU s | bootstrap s | perm X1 s | perm X2 s | perm Y s | unconverged |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for tol in [1e-4, 1e-5, 1e-7] {
        for (warm_start, threads) in [(false, 1), (true, 1), (false, 2), (true, 2)] {
            let settings = Settings {
                replicate_tolerance_bits: tol,
                warm_start,
                ..Settings::default()
            };
            let start = if warm_start { "warm" } else { "cold" };
            let reps = if quick { 1 } else { 3 };
            let mut results: Vec<_> = (0..reps)
                .map(|_| run(&samples, &settings, threads))
                .collect();
            results.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (total, k, unconverged, cpu) = results[reps / 2];
            println!(
                "| {tol:e} | {start} | {threads} | {total:.2} | {cpu:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {unconverged} |",
                k[0], k[1], k[2], k[3]
            );
        }
    }
    // The kink correction's own cost: two subsample δs per bootstrap replicate (no solve).
    println!("\nThe 200 bootstrap replicates alone (default settings, one thread), kink correction off and on:\n");
    println!("| kink correction | wall s (median) | CPU s |");
    println!("|---|---|---|");
    for kink in [KinkCorrection::Off, KinkCorrection::RateAdaptive] {
        let settings = Settings {
            permutations: 0,
            kink,
            ..Settings::default()
        };
        let reps = if quick { 1 } else { 5 };
        let mut results: Vec<_> = (0..reps).map(|_| run(&samples, &settings, 1)).collect();
        results.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (total, _, _, cpu) = results[reps / 2];
        println!("| {kink:?} | {total:.2} | {cpu:.2} |");
    }
}
