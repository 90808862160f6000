//! Warm starts measured on bootstrap replicates (figures in docs/cvx.md):
//!
//!     cargo run --release --example warm -- [SEED] [REPLICATES] [SAMPLES]
//!
//! A 20×20×10 table of SAMPLES (20,000) multinomial samples from a random Dirichlet(1)
//! table (SEED 1) is solved once; then each of REPLICATES (200) multinomial resamples of
//! it (SAMPLES each) is solved cold and warm-started from the original's dual points,
//! alternately, at `tolerance_bits` 1e-7 and 1e-5. Prints a table of median wall ms,
//! Newton steps and CG iterations of both, how many warm starts fell back to a cold
//! solve, whether every solve was certified, and the largest |h_cold − h_warm| (bits;
//! within the sum of the two certificates).
use pidscope::pid::random::{multinomial_table, random_table, TableKind};
use pidscope::pid::{max_entropy_coupling_observed, Coupling, CvxOptions, DualStart, TraceEvent};
use pidscope::rng::SplitMix64;
use pidscope::JointTable;
use std::time::Instant;

const SHAPE: [usize; 3] = [20, 20, 10];

/// One solve: the coupling, its wall ms, and whether a warm start fell back to cold.
fn solve(t: &JointTable, opts: &CvxOptions, start: Option<&DualStart>) -> (Coupling, f64, bool) {
    let mut starts = Vec::new();
    let mut observer = |ev: &TraceEvent| {
        if let TraceEvent::Start { warm, .. } = ev {
            starts.push(*warm);
        }
    };
    let t0 = Instant::now();
    let c = max_entropy_coupling_observed(t, opts, start, &mut observer).unwrap();
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    let fell_back = start.is_some() && starts.first() == Some(&true) && starts.len() > 1;
    (c, ms, fell_back)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().map_or(1, |s| s.parse().unwrap());
    let replicates: usize = args.next().map_or(200, |s| s.parse().unwrap());
    let samples: usize = args.next().map_or(20_000, |s| s.parse().unwrap());
    let dirichlet = TableKind::Dirichlet {
        concentration_percent: 100,
    };
    let mut rng = SplitMix64::new(seed);
    let truth = random_table(SHAPE, dirichlet, seed);
    let table = multinomial_table(&truth, samples, &mut rng);
    let resamples: Vec<JointTable> = (0..replicates)
        .map(|_| multinomial_table(&table, samples, &mut rng))
        .collect();
    println!("{SHAPE:?} from {samples} samples (seed {seed}), {replicates} resamples");
    println!("| tolerance (bits) | start | median ms | median Newton | median CG | fallbacks | all certified | max |h_cold − h_warm| (bits) |");
    println!("|---|---|---|---|---|---|---|---|");
    for tolerance_bits in [1e-7, 1e-5] {
        let opts = CvxOptions {
            tolerance_bits,
            ..CvxOptions::default()
        };
        let (original, ..) = solve(&table, &opts, None);
        let mut rows = [(vec![], vec![], vec![]), (vec![], vec![], vec![])];
        let (mut fallbacks, mut certified, mut worst) = (0, true, 0.0f64);
        for (i, t) in resamples.iter().enumerate() {
            // Alternate which runs first, so that drifts in machine load hit both alike.
            let order = if i % 2 == 0 {
                [false, true]
            } else {
                [true, false]
            };
            let mut h = [0.0; 2];
            for warm in order {
                let start = warm.then_some(&original.dual);
                let (c, ms, fell_back) = solve(t, &opts, start);
                let row = &mut rows[usize::from(warm)];
                row.0.push(ms);
                row.1.push(c.iterations as f64);
                row.2.push(c.cg_iterations as f64);
                fallbacks += usize::from(fell_back);
                certified &= c.converged && c.certificate_bits <= tolerance_bits;
                h[usize::from(warm)] = c.h_lower_bits;
            }
            worst = worst.max((h[0] - h[1]).abs());
        }
        for (name, (ms, newton, cg)) in ["cold", "warm"].iter().zip(rows) {
            let fb = if *name == "warm" {
                fallbacks.to_string()
            } else {
                "–".into()
            };
            println!(
                "| {tolerance_bits:.0e} | {name} | {:.2} | {} | {} | {fb} | {certified} | {worst:.1e} |",
                median(ms),
                median(newton),
                median(cg),
            );
        }
    }
}
