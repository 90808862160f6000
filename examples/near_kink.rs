//! Bias next to AND's kink (docs/rigor.md, "The kink"): AND with P(X2 = 1) = q, so that
//! U1 = I(X1;Y) − I(X2;Y) > 0 grows with q while U2 = 0. Mean error of the plug-in and of
//! the default with the kink correction off and on (the same replicates), and coverage.
//!
//! `nice -n 19 cargo run --release --example near_kink`
use pidscope::pid::pid_cvx;
use pidscope::rigor::{
    observe, replicates, summarise, KinkCorrection, ReplicateKind, Samples, Settings,
};
use pidscope::rng::SplitMix64;
use pidscope::JointTable;
fn main() {
    for q in [0.5, 0.51, 0.52, 0.54, 0.57, 0.6] {
        let mut w = vec![0.0; 8];
        for x1 in 0..2 {
            for x2 in 0..2 {
                let p = 0.5 * if x2 == 1 { q } else { 1.0 - q };
                let y = x1 & x2;
                w[(x1 * 2 + x2) * 2 + y] = p;
            }
        }
        let table = JointTable::from_weights([2, 2, 2], w).unwrap();
        let t = pid_cvx(&table).unwrap().decomposition.values();
        for n in [200usize, 2000] {
            let seeds = 300;
            let mut acc = [[0.0f64; 4]; 3];
            let mut cov = [[0usize; 4]; 2];
            for seed in 0..seeds {
                let s = Samples::draw(
                    &table,
                    n,
                    &mut SplitMix64::new(0x77 + seed as u64 * 7919 + n as u64),
                )
                .unwrap();
                let base = Settings {
                    resamples: 200,
                    permutations: 0,
                    seed: seed as u64,
                    ..Settings::default()
                };
                let o = observe(&s).unwrap();
                let r = replicates(&s, &o, &base, ReplicateKind::Bootstrap, 0..200).unwrap();
                for (v, kink) in [KinkCorrection::Off, KinkCorrection::RateAdaptive]
                    .into_iter()
                    .enumerate()
                {
                    let u = summarise(&o, &r, &Settings { kink, ..base });
                    for (j, term) in u.terms().into_iter().take(4).enumerate() {
                        acc[v + 1][j] += (term.corrected - t[j]) / seeds as f64;
                        if v == 0 {
                            acc[0][j] += (term.plug_in - t[j]) / seeds as f64;
                        }
                        cov[v][j] += (term.low.unwrap() <= t[j] + 1e-9
                            && t[j] <= term.high.unwrap() + 1e-9)
                            as usize;
                    }
                }
            }
            println!(
                "q={q} N={n} truth R {:.4} U1 {:.4} U2 {:.4} S {:.4}",
                t[0], t[1], t[2], t[3]
            );
            for (name, a) in ["plug", "off", "on"].iter().zip(acc) {
                println!(
                    "   {name:4} bias R {:+.4} U1 {:+.4} U2 {:+.4} S {:+.4}",
                    a[0], a[1], a[2], a[3]
                );
            }
            println!(
                "   cov off {:?} on {:?}",
                cov[0].map(|c| c * 100 / seeds),
                cov[1].map(|c| c * 100 / seeds)
            );
        }
    }
}
