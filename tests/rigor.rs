//! Uncertainty of the PID (`pidscope::rigor`): a reduced, seeded version of the
//! simulation study in `examples/rigor_study.rs` that fails if coverage collapses or
//! the false-positive rate explodes, plus unit and property tests.

use pidscope::examples::Gate;
use pidscope::pid::random::{random_table, TableKind};
use pidscope::pid::{pid_cvx, TERMS};
use pidscope::rigor::{
    bootstrap_rows, estimate_uncertainty, observe, replicates, summarise, surrogate_order,
    upper_p_value, KinkCorrection, ReplicateKind, RigorError, Samples, Settings, Surrogates,
    Uncertainty,
};
use pidscope::rng::SplitMix64;
use pidscope::JointTable;

fn truth(table: &JointTable) -> [f64; 7] {
    pid_cvx(table)
        .expect("exact PID")
        .decomposition
        .values()
        .map(|v| if v.abs() < 1e-7 { 0.0 } else { v })
}

fn settings(seed: u64, resamples: usize, permutations: usize) -> Settings {
    Settings {
        resamples,
        permutations,
        seed,
        ..Settings::default()
    }
}

fn run(samples: &Samples, s: &Settings) -> Uncertainty {
    estimate_uncertainty(samples, s, &mut |_, _| true).expect("estimates")
}

/// Coverage, false positives and bias over `seeds` samples of `n` rows from `table`.
struct Tally {
    covered: [usize; 7],
    significant: [usize; 7],
    error: [f64; 7],
    plug_error: [f64; 7],
    seeds: usize,
}

fn tally(table: &JointTable, n: usize, seeds: usize, reps: usize) -> (Tally, [f64; 7]) {
    let t = truth(table);
    let mut out = Tally {
        covered: [0; 7],
        significant: [0; 7],
        error: [0.0; 7],
        plug_error: [0.0; 7],
        seeds,
    };
    for seed in 0..seeds as u64 {
        let samples =
            Samples::draw(table, n, &mut SplitMix64::new(0x5EED_0000 + seed)).expect("draws");
        let u = run(&samples, &settings(seed, reps, reps));
        for (j, term) in u.terms().into_iter().enumerate() {
            let (lo, hi) = (term.low.unwrap(), term.high.unwrap());
            out.covered[j] += (lo <= t[j] + 1e-9 && t[j] <= hi + 1e-9) as usize;
            out.significant[j] += (term.p_value.unwrap() < 0.05) as usize;
            out.error[j] += term.corrected - t[j];
            out.plug_error[j] += term.plug_in - t[j];
        }
    }
    (out, t)
}

/// The reduced study: 40 seeds, 100 replicates each (the full study uses 100 and 200).
/// Thresholds are loose (binomial noise at 40 seeds is about ±7 points) but catch a
/// collapse of coverage or an explosion of false positives.
#[test]
fn reduced_study_coverage_false_positives_and_bias() {
    let dir = random_table(
        [5, 5, 3],
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        3,
    );
    let cases: Vec<(&str, JointTable, usize)> = vec![
        ("XOR", Gate::Xor.table(), 400),
        ("AND", Gate::And.table(), 2000),
        ("UNQ", Gate::Unq.table(), 400),
        ("DIR", dir.clone(), 2000),
        ("DIR sparse", dir, 200),
    ];
    for (name, table, n) in cases {
        let (r, t) = tally(&table, n, 40, 100);
        for (j, &truth) in t.iter().enumerate() {
            let coverage = r.covered[j] as f64 / r.seeds as f64;
            assert!(
                coverage >= 0.8,
                "{name} N={n} term {j}: coverage {coverage}"
            );
            if truth == 0.0 && j < 4 {
                let fpr = r.significant[j] as f64 / r.seeds as f64;
                assert!(fpr <= 0.15, "{name} N={n} atom {j}: false positives {fpr}");
            }
        }
        if name == "DIR sparse" {
            // The sparse regime: synergy's bias must shrink by at least half.
            let (bias, plug) = (r.error[3].abs(), r.plug_error[3].abs());
            assert!(
                bias < 0.5 * plug,
                "DIR N=200 synergy bias {bias} vs plug-in {plug}"
            );
        }
    }
}

/// AND at N = 2,000 sits at the kink of h* (U1 = U2 = 0 with informative inputs): issue
/// #13 asks for at most half the plug-in's mean error there. 200 seeds (the Monte Carlo
/// error of a mean error is then about an eighth of the plug-in's bias), no permutations.
#[test]
fn the_kink_correction_halves_and_s_bias() {
    let table = Gate::And.table();
    let t = truth(&table);
    let seeds = 200;
    let (mut error, mut plug_error) = ([0.0; 4], [0.0; 4]);
    for seed in 0..seeds {
        let samples = sample_of(&table, 2000, 0xA4D_0000 + seed);
        let u = run(&samples, &settings(seed, 100, 0));
        for (j, term) in u.terms().into_iter().take(4).enumerate() {
            error[j] += term.corrected - t[j];
            plug_error[j] += term.plug_in - t[j];
        }
    }
    for j in 0..4 {
        let (bias, plug) = (error[j].abs(), plug_error[j].abs());
        assert!(
            bias <= 0.5 * plug,
            "AND atom {j}: bias {bias} vs plug-in {plug}"
        );
    }
}

fn sample_of(table: &JointTable, n: usize, seed: u64) -> Samples {
    Samples::draw(table, n, &mut SplitMix64::new(seed)).expect("draws")
}

#[test]
fn identities_hold_on_corrected_values_and_intervals_are_ordered() {
    let table = random_table(
        [4, 3, 3],
        TableKind::Dirichlet {
            concentration_percent: 50,
        },
        11,
    );
    for (seed, n) in [(1, 60), (2, 500), (3, 3000)] {
        let u = run(&sample_of(&table, n, seed), &settings(seed, 40, 30));
        let (r, u1, u2, s) = (
            u.redundancy.corrected,
            u.unique1.corrected,
            u.unique2.corrected,
            u.synergy.corrected,
        );
        assert!((r + u1 - u.mi_x1_y.corrected).abs() < 1e-12);
        assert!((r + u2 - u.mi_x2_y.corrected).abs() < 1e-12);
        assert!((r + u1 + u2 + s - u.mi_joint.corrected).abs() < 1e-12);
        for t in u.terms() {
            let (lo, hi) = (t.low.unwrap(), t.high.unwrap());
            assert!(0.0 <= lo && lo <= hi, "{lo} {hi}");
            assert!(lo <= t.corrected.max(0.0) && t.corrected <= hi, "{t:?}");
            let p = t.p_value.unwrap();
            assert!(p > 0.0 && p <= 1.0);
            assert!(t.p_permutation.unwrap() >= 1.0 / 31.0);
        }
        assert_eq!(u.approximate, u.samples_per_cell < 5.0);
        assert_eq!(u.samples_per_cell, n as f64 / 36.0);
    }
}

fn swapped(samples: &Samples) -> Samples {
    let [x1, x2, y] = samples.states();
    let [n1, n2, ny] = samples.shape();
    Samples::new([n2, n1, ny], x2, x1, y, None).expect("valid")
}

#[test]
fn swapping_inputs_swaps_unique_atoms_and_their_nulls() {
    let table = random_table(
        [3, 4, 2],
        TableKind::Dirichlet {
            concentration_percent: 100,
        },
        5,
    );
    let samples = sample_of(&table, 400, 9);
    let s = settings(4, 60, 60);
    let (a, b) = (run(&samples, &s), run(&swapped(&samples), &s));
    // The plug-in values swap exactly. The replicates resample the rows in their
    // canonical (cell) order, which swapping X1 and X2 changes, so the rest agrees to the
    // replicates' Monte Carlo error: about sd/√B, with sd ≈ the interval's width / 3.92,
    // and never finer than the replicate solves' tolerance.
    let mc = |t: &pidscope::rigor::TermUncertainty| {
        let sd = (t.high.unwrap() - t.low.unwrap()) / 3.92;
        4.0 * sd / (s.resamples as f64).sqrt() + 2.0 * s.replicate_tolerance_bits
    };
    for (p, q) in [(&a.unique1, &b.unique2), (&a.unique2, &b.unique1)] {
        assert!((p.plug_in - q.plug_in).abs() < 1e-9, "{p:?} {q:?}");
        let tol = mc(p).max(mc(q));
        assert!((p.corrected - q.corrected).abs() < tol, "{p:?} {q:?} {tol}");
        assert!((p.low.unwrap() - q.low.unwrap()).abs() < 2.0 * tol);
        assert!((p.null_mean.unwrap() - q.null_mean.unwrap()).abs() < 2.0 * tol);
        assert_eq!(p.null, if q.null == "x1" { "x2" } else { "x1" });
        assert_ne!(p.null, q.null);
    }
    let tol = mc(&a.mi_x1_y).max(mc(&b.mi_x2_y));
    assert!((a.mi_x1_y.null_mean.unwrap() - b.mi_x2_y.null_mean.unwrap()).abs() < tol);
    let tol = mc(&a.synergy).max(mc(&b.synergy));
    assert!((a.synergy.corrected - b.synergy.corrected).abs() < tol);
}

#[test]
fn replicates_do_not_depend_on_how_work_is_partitioned() {
    let samples = sample_of(&Gate::And.table(), 300, 2);
    let s = settings(17, 12, 12);
    let observed = observe(&samples).unwrap();
    let mut all = Vec::new();
    let mut chunked = Vec::new();
    for kind in ReplicateKind::ALL {
        all.extend(replicates(&samples, &observed, &s, kind, 0..12).unwrap());
        // Two chunks, the second first.
        chunked.extend(replicates(&samples, &observed, &s, kind, 5..12).unwrap());
        chunked.extend(replicates(&samples, &observed, &s, kind, 0..5).unwrap());
    }
    let mut sorted = chunked.clone();
    sorted.sort_by_key(|r| (r.kind, r.index));
    assert_eq!(all, sorted);
    let whole = summarise(&observed, &all, &s);
    assert_eq!(whole, summarise(&observed, &chunked, &s));
    assert_eq!(whole, run(&samples, &s));
    // Duplicates (a replicate computed twice by two workers) are ignored.
    chunked.extend(replicates(&samples, &observed, &s, ReplicateKind::Bootstrap, 3..6).unwrap());
    assert_eq!(whole, summarise(&observed, &chunked, &s));
}

#[test]
fn counts_tables_expand_to_rows_and_probabilities_are_refused() {
    let counts = vec![3.0, 0.0, 1.0, 2.0, 0.0, 0.0, 4.0, 1.0];
    let samples = Samples::from_counts([2, 2, 2], &counts).unwrap();
    assert_eq!(samples.rows(), 11);
    assert_eq!(samples.counts(), counts);
    let table = JointTable::from_weights([2, 2, 2], counts.clone()).unwrap();
    assert_eq!(Samples::from_table(&table).unwrap(), samples);
    let probabilities = JointTable::from_weights([2, 2, 2], vec![0.125; 8]).unwrap();
    assert!(matches!(
        Samples::from_table(&probabilities),
        Err(RigorError::NotCounts { .. })
    ));
    let message = Samples::from_counts([1, 1, 2], &[0.3, 0.7])
        .unwrap_err()
        .to_string();
    assert!(message.contains("no sample size"), "{message}");
    assert!(matches!(
        Samples::from_counts([1, 1, 2], &[0.0, 0.0]),
        Err(RigorError::NoSamples)
    ));
}

#[test]
fn invalid_rows_are_explained() {
    assert!(matches!(
        Samples::new([2, 2, 2], &[0, 1], &[0], &[0, 1], None),
        Err(RigorError::LengthMismatch { .. })
    ));
    assert!(matches!(
        Samples::new([2, 2, 2], &[0, 2], &[0, 1], &[0, 1], None),
        Err(RigorError::StateOutOfRange {
            row: 1,
            state: 2,
            ..
        })
    ));
    assert!(matches!(
        Samples::new([2, 2, 2], &[0, 1], &[0, 1], &[0, 1], Some(&[1.0, -1.0])),
        Err(RigorError::BadWeight { row: 1, .. })
    ));
    let bad = Settings {
        confidence: 1.0,
        ..Settings::default()
    };
    let samples = sample_of(&Gate::Xor.table(), 20, 1);
    assert!(matches!(
        estimate_uncertainty(&samples, &bad, &mut |_, _| true),
        Err(RigorError::InvalidSettings(_))
    ));
}

#[test]
fn zero_replicates_turn_intervals_and_p_values_off_and_progress_can_cancel() {
    let samples = sample_of(&Gate::Xor.table(), 100, 3);
    let u = run(&samples, &settings(0, 0, 0));
    for t in u.terms() {
        assert_eq!(
            (t.low, t.high, t.p_value, t.null_mean),
            (None, None, None, None)
        );
    }
    let mut calls = Vec::new();
    let result = estimate_uncertainty(&samples, &settings(0, 5, 5), &mut |done, total| {
        calls.push((done, total));
        done < 3
    });
    assert_eq!(result, Err(RigorError::Cancelled));
    assert_eq!(calls, vec![(0, 20), (1, 20), (2, 20), (3, 20)]);
    assert_eq!(upper_p_value(0.5, &[], 0.0), 1.0);
    assert_eq!(upper_p_value(0.5, &[0.1, 0.6, 0.2, 0.3], 0.0), 0.4);
}

/// The kink correction moves h* only where h* = min(H(Y|X1), H(Y|X2)) in the replicates:
/// at AND it lifts h* (so lowers U1 and U2), at COPY (m = U1 = U2 = 1, whose kink
/// cancels |δ|'s) it changes nothing, and with it off the bootstrap alone remains.
#[test]
fn the_kink_correction_acts_at_the_kink_only() {
    let s = settings(6, 60, 20);
    let off = Settings {
        kink: KinkCorrection::Off,
        ..s
    };
    let and = sample_of(&Gate::And.table(), 1000, 4);
    let (on_and, off_and) = (run(&and, &s), run(&and, &off));
    assert!(on_and.unique1.corrected < off_and.unique1.corrected);
    assert!(on_and.synergy.corrected > off_and.synergy.corrected);
    assert!(on_and.method.contains("rate-adaptive"), "{}", on_and.method);
    assert!(
        !off_and.method.contains("rate-adaptive"),
        "{}",
        off_and.method
    );
    // The MI terms do not involve h*.
    assert_eq!(on_and.mi_x1_y, off_and.mi_x1_y);
    let copy = sample_of(&Gate::Copy.table(), 1000, 4);
    let (on_copy, off_copy) = (run(&copy, &s), run(&copy, &off));
    for (a, b) in on_copy.terms().into_iter().zip(off_copy.terms()) {
        assert_eq!(a.corrected, b.corrected);
        assert_eq!((a.low, a.high, a.p_value), (b.low, b.high, b.p_value));
    }
}

#[test]
fn weighted_rows_use_the_bootstrap_for_every_correction() {
    let samples = sample_of(&Gate::And.table(), 200, 8);
    let [x1, x2, y] = samples.states();
    let w: Vec<f64> = (0..200).map(|i| 1.0 + (i % 3) as f64).collect();
    let weighted = Samples::new([2, 2, 2], x1, x2, y, Some(&w)).unwrap();
    assert!(weighted.is_weighted());
    let u = run(&weighted, &settings(1, 30, 30));
    assert!(u.method.starts_with("bootstrap-corrected"), "{}", u.method);
    // Weights of 1 are no weights.
    let ones = Samples::new([2, 2, 2], x1, x2, y, Some(&[1.0; 200])).unwrap();
    assert_eq!(ones, samples);
}

#[test]
fn circular_surrogates_shift_and_blocks_are_consecutive() {
    let mut rng = SplitMix64::new(3);
    for n in [2usize, 7, 100, 1001] {
        let order = surrogate_order(n, Surrogates::Circular, &mut rng);
        let shift = order[0];
        let margin = n.div_ceil(10).min(n / 2).max(1);
        assert!(
            shift >= margin && shift <= n - margin,
            "n={n} shift={shift}"
        );
        assert!(order.iter().enumerate().all(|(i, &o)| o == (i + shift) % n));
        let rows = bootstrap_rows(n, Surrogates::Circular, &mut rng);
        assert_eq!(rows.len(), n);
        let block = pidscope::rigor::block_length(n);
        for chunk in rows.chunks(block) {
            assert!(chunk.windows(2).all(|w| w[1] == (w[0] + 1) % n));
        }
        let mut perm = surrogate_order(n, Surrogates::Shuffle, &mut rng);
        perm.sort_unstable();
        assert_eq!(perm, (0..n).collect::<Vec<_>>());
    }
}

/// Two independent slowly switching binary series (switch probability 0.1): shuffles
/// destroy their autocorrelation and call the spurious I(X1;Y) significant (16/60
/// seeds); circular shifts keep it (2/60).
#[test]
fn circular_shifts_keep_autocorrelation_out_of_the_null() {
    let (mut shuffle_hits, mut circular_hits) = (0, 0);
    let seeds = 60;
    for seed in 0..seeds {
        let mut rng = SplitMix64::new(100 + seed);
        let mut chain = |stay: f64| {
            let mut state = 0u32;
            (0..400)
                .map(|_| {
                    if rng.next_f64() > stay {
                        state ^= 1;
                    }
                    state
                })
                .collect::<Vec<u32>>()
        };
        let (x1, x2, y) = (chain(0.9), chain(0.5), chain(0.9));
        let samples = Samples::new([2, 2, 2], &x1, &x2, &y, None).unwrap();
        for (surrogates, hits) in [
            (Surrogates::Shuffle, &mut shuffle_hits),
            (Surrogates::Circular, &mut circular_hits),
        ] {
            let s = Settings {
                surrogates,
                ..settings(seed, 0, 100)
            };
            *hits += (run(&samples, &s).mi_x1_y.p_value.unwrap() < 0.05) as usize;
        }
    }
    eprintln!("false positives: shuffle {shuffle_hits}/{seeds}, circular {circular_hits}/{seeds}");
    assert!(circular_hits <= 6, "circular: {circular_hits}/{seeds}");
    assert!(
        shuffle_hits >= 2 * circular_hits.max(3),
        "shuffle: {shuffle_hits}/{seeds}"
    );
}

#[test]
fn the_output_serialises_with_the_documented_keys() {
    let u = run(&sample_of(&Gate::Unq.table(), 300, 4), &settings(0, 20, 20));
    let v = serde_json::to_value(&u).unwrap();
    for key in [
        "method",
        "resamples",
        "permutations",
        "seed",
        "confidence",
        "approximate",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for term in TERMS.map(|t| t.key) {
        for key in ["corrected", "low", "high", "p_value", "null_mean"] {
            assert!(v[term][key].is_number(), "{term}.{key}");
        }
    }
    assert_eq!(v["resamples"], 20);
    assert_eq!(v["unique1"]["null"], "x1");
    let back: Uncertainty = serde_json::from_value(v).unwrap();
    assert_eq!(back, u);
    // UNQ: X1's uniqueness is significant and its interval excludes 0 widely.
    assert!(u.unique1.p_value.unwrap() < 0.05);
    assert!(u.unique1.low.unwrap() > 0.8);
}
