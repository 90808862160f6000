//! From the sample and its replicates to corrected values, intervals and p-values.

use super::kink::kink_shift;
use super::resample::{Replicate, ReplicateKind};
use super::{
    EntropyEstimator, EstimatorScope, FiveTerms, IntervalShape, KinkCorrection, Observed, Settings,
    TermUncertainty, Uncertainty,
};

/// The permutation null of each term, in the order R, U1, U2, S, I(X1;Y), I(X2;Y),
/// I(X1,X2;Y) (justified in docs/rigor.md).
pub const NULLS: [ReplicateKind; 7] = [
    ReplicateKind::PermuteY,
    ReplicateKind::PermuteX1,
    ReplicateKind::PermuteX2,
    ReplicateKind::PermuteY,
    ReplicateKind::PermuteX1,
    ReplicateKind::PermuteX2,
    ReplicateKind::PermuteY,
];

/// Quantile of `sorted` (ascending, non-empty) at level `q` ∈ [0, 1], interpolating
/// linearly between order statistics at position (n − 1)·q (Hyndman–Fan type 7).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// One-sided p-value (1 + #{v ∈ null : v ≥ observed − tie}) / (1 + |null|): the +1
/// correction makes it a valid p-value for a Monte Carlo test (never 0); `tie` (bits)
/// counts values that equal the observation up to solver tolerance as ties.
pub fn upper_p_value(observed: f64, null: &[f64], tie: f64) -> f64 {
    let at_least = null.iter().filter(|&&v| v >= observed - tie).count();
    (1 + at_least) as f64 / (1 + null.len()) as f64
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Which of the five numbers (H(Y), H(Y|X1), H(Y|X2), H(Y|X1,X2), h*) the formula
/// estimator supplies; the others are bootstrap-corrected.
fn by_formula(settings: &Settings, weighted: bool) -> [bool; 5] {
    if settings.estimator == EntropyEstimator::Bootstrap || weighted {
        return [false; 5];
    }
    match settings.scope {
        EstimatorScope::Joint => [false, false, false, true, false],
        EstimatorScope::AllFour => [true, true, true, true, false],
    }
}

/// The five numbers of a replicate (or of the sample) as the chosen method sees them:
/// the formula estimator's entropies where it applies, the plug-in elsewhere.
fn method_terms(
    terms: &FiveTerms,
    estimated: &super::EstimatedEntropies,
    settings: &Settings,
    formula: [bool; 5],
) -> [f64; 5] {
    let mut v = terms.to_array();
    if let Some(h) = estimated.get(settings.estimator) {
        for k in 0..4 {
            if formula[k] {
                v[k] = h[k];
            }
        }
    }
    v
}

/// Builds the [`Uncertainty`] from the sample and any set of its replicates (records
/// are sorted by (kind, index) and deduplicated first, so their order does not matter).
///
/// Corrected values, bits: the numbers `settings.estimator` covers (by default
/// Grassberger's H(Y|X1,X2)) by the formula; the others by the bootstrap bias
/// correction 2θ̂ − mean(θ*) (the iterated 3θ̂ − 3·mean(θ*) + mean(θ**) if asked),
/// h*'s plus the rate-adaptive kink correction ([`super::kink_shift`], by default);
/// every term is the linear combination of these five. Interval: from the bootstrap
/// replicates tᵦ of the same method (mean m, quantiles at (1 ∓ confidence)/2), placed
/// around the corrected value c by `settings.interval`, widened by the bias allowance
/// and cut to [0, ∞). p-values: see [`TermUncertainty`].
pub fn summarise(observed: &Observed, records: &[Replicate], settings: &Settings) -> Uncertainty {
    let mut records: Vec<&Replicate> = records.iter().collect();
    records.sort_by_key(|r| (r.kind, r.index));
    records.dedup_by_key(|r| (r.kind, r.index));
    let of_kind = |k: ReplicateKind| -> Vec<&Replicate> {
        records.iter().copied().filter(|r| r.kind == k).collect()
    };
    let boot = of_kind(ReplicateKind::Bootstrap);
    let plug = observed.terms;
    let plug_values = plug.values();
    let formula = by_formula(settings, observed.weighted);

    // Corrected five numbers: the formula where it applies, else 2θ̂ − mean(θ*) (or the
    // iterated 3θ̂ − 3·mean(θ*) + mean(θ**)), else (no resamples) the plug-in.
    let observed_method = method_terms(&plug, &observed.estimated, settings, formula);
    let plug_array = plug.to_array();
    let iterated = settings.iterated && !boot.is_empty() && boot.iter().all(|r| r.inner.is_some());
    let mut corrected = [0.0; 5];
    for k in 0..5 {
        corrected[k] = if formula[k] {
            observed_method[k]
        } else if boot.is_empty() {
            plug_array[k]
        } else {
            let m1 = mean(
                &boot
                    .iter()
                    .map(|r| r.terms.to_array()[k])
                    .collect::<Vec<_>>(),
            );
            if iterated {
                let inner: Vec<f64> = boot
                    .iter()
                    .filter_map(|r| r.inner.map(|t| t.to_array()[k]))
                    .collect();
                3.0 * plug_array[k] - 3.0 * m1 + mean(&inner)
            } else {
                2.0 * plug_array[k] - m1
            }
        };
    }
    // The kink of h* where U1 and U2 tie at 0: its part of h*'s correction scaled to
    // δ's measured rate (kink.rs). h* is one of the five numbers, so the identities hold.
    let kink = (settings.kink == KinkCorrection::RateAdaptive && !iterated)
        .then(|| {
            let delta = plug.h_y_given_x2 - plug.h_y_given_x1;
            let reps: Vec<_> = boot.iter().map(|r| (r.terms, r.subsamples)).collect();
            kink_shift(
                delta,
                &reps,
                observed.samples,
                settings.replicate_tolerance_bits,
            )
        })
        .flatten();
    if let Some(k) = kink {
        corrected[4] += k.h_star_bits;
    }
    let corrected_values = FiveTerms::from_array(corrected).values();
    // The part of each term's correction that the bootstrap made (formula terms kept at
    // their plug-in value): the bias allowance.
    let mut boot_only = plug_array;
    for k in 0..5 {
        if !formula[k] {
            boot_only[k] = corrected[k];
        }
    }
    let boot_only = FiveTerms::from_array(boot_only).values();
    let replicate_values: Vec<[f64; 7]> = boot
        .iter()
        .map(|r| {
            FiveTerms::from_array(method_terms(&r.terms, &r.estimated, settings, formula)).values()
        })
        .collect();

    let alpha = 1.0 - settings.confidence;
    let tie = settings.replicate_tolerance_bits;
    let nulls: Vec<Vec<[f64; 7]>> = [
        ReplicateKind::PermuteX1,
        ReplicateKind::PermuteX2,
        ReplicateKind::PermuteY,
    ]
    .into_iter()
    .map(|k| of_kind(k).iter().map(|r| r.terms.values()).collect())
    .collect();
    let null_of = |k: ReplicateKind| match k {
        ReplicateKind::PermuteX1 => &nulls[0],
        ReplicateKind::PermuteX2 => &nulls[1],
        _ => &nulls[2],
    };
    let term = |j: usize| -> TermUncertainty {
        let c = corrected_values[j];
        let (mut low, mut high, mut p_bootstrap) = (None, None, None);
        if !replicate_values.is_empty() {
            let mut t: Vec<f64> = replicate_values.iter().map(|v| v[j]).collect();
            let m = mean(&t);
            t.sort_by(f64::total_cmp);
            let (q_lo, q_hi) = (quantile(&t, alpha / 2.0), quantile(&t, 1.0 - alpha / 2.0));
            let (lo, hi) = match settings.interval {
                IntervalShape::Basic => (c - (q_hi - m), c + (m - q_lo)),
                IntervalShape::Percentile => (c + (q_lo - m), c + (q_hi - m)),
            };
            let (lo, hi) = if settings.bias_allowance {
                let a = (boot_only[j] - plug_values[j]).abs();
                (lo - a, hi + a)
            } else {
                (lo, hi)
            };
            // The test inverts the one-sided *basic* lower bound c − (q_{1−p} − m) ≥ 0
            // whatever the interval's shape: replicates pile up against 0 at a zero atom,
            // and the mirrored deviations keep that skew on the conservative side
            // (docs/rigor.md: 5 % at AND's kink, where the percentile form gives 7–8 %).
            let exceed: Vec<f64> = t.iter().map(|v| v - m).collect();
            // Every atom and MI term is ≥ 0: the interval is cut to [0, ∞) (an interval
            // wholly below 0 becomes [0, 0]); c itself is not, so the identities hold.
            low = Some(lo.min(c).max(0.0));
            high = Some(hi.max(c).max(0.0));
            p_bootstrap = Some(upper_p_value(c, &exceed, tie));
        }
        let null = null_of(NULLS[j]);
        let (p_permutation, null_mean) = if null.is_empty() {
            (None, None)
        } else {
            let values: Vec<f64> = null.iter().map(|v| v[j]).collect();
            (
                Some(upper_p_value(plug_values[j], &values, tie)),
                Some(mean(&values)),
            )
        };
        let p_value = match (p_permutation, p_bootstrap) {
            (Some(p), Some(b)) if j < 4 => Some(p.max(b)),
            (p, _) => p,
        };
        TermUncertainty {
            corrected: c,
            low,
            high,
            p_value,
            null_mean,
            plug_in: plug_values[j],
            p_permutation,
            p_bootstrap,
            null: match NULLS[j] {
                ReplicateKind::PermuteX1 => "x1",
                ReplicateKind::PermuteX2 => "x2",
                _ => "y",
            }
            .to_string(),
        }
    };
    let cells = observed.shape.iter().product::<usize>() as f64;
    let samples_per_cell = observed.samples as f64 / cells;
    let approximate = samples_per_cell < settings.min_samples_per_cell;
    let method = describe(settings, formula, iterated, kink.is_some());
    Uncertainty {
        method,
        resamples: boot.len(),
        permutations: nulls.iter().map(Vec::len).min().unwrap_or(0),
        seed: settings.seed,
        confidence: settings.confidence,
        redundancy: term(0),
        unique1: term(1),
        unique2: term(2),
        synergy: term(3),
        mi_x1_y: term(4),
        mi_x2_y: term(5),
        mi_joint: term(6),
        samples: observed.samples,
        samples_per_cell,
        approximate,
        intervals: if approximate {
            "approximate (few samples per cell)"
        } else {
            "standard"
        }
        .to_string(),
        min_samples_per_cell: settings.min_samples_per_cell,
        surrogates: settings.surrogates,
        weighted: observed.weighted,
        replicate_tolerance_bits: settings.replicate_tolerance_bits,
        unconverged_replicates: records.iter().filter(|r| !r.converged).count(),
    }
}

/// E.g. "grassberger H(Y|X1,X2) + bootstrap-corrected H(Y), H(Y|X1), H(Y|X2), h*;
/// basic interval".
fn describe(settings: &Settings, formula: [bool; 5], iterated: bool, kink: bool) -> String {
    const NAMES: [&str; 5] = ["H(Y)", "H(Y|X1)", "H(Y|X2)", "H(Y|X1,X2)", "h*"];
    let pick = |want: bool| -> Vec<&str> {
        (0..5)
            .filter(|&k| formula[k] == want)
            .map(|k| NAMES[k])
            .collect()
    };
    let boot = format!(
        "{}bootstrap-corrected {}{}",
        if iterated { "iterated " } else { "" },
        pick(false).join(", "),
        if kink {
            " (h* rate-adaptive at the kink)"
        } else {
            ""
        }
    );
    let interval = match settings.interval {
        IntervalShape::Basic => "basic",
        IntervalShape::Percentile => "percentile",
    };
    if formula.contains(&true) {
        format!(
            "{} {} + {boot}; {interval} interval",
            settings.estimator.name(),
            pick(true).join(", ")
        )
    } else {
        format!("{boot}; {interval} interval")
    }
}
