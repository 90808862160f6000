//! The standard normal quantile function Φ⁻¹ and normal scores of ranks (the
//! Gaussian-copula transform of the Gaussian estimator, docs/gaussian.md).

/// Φ⁻¹(p) for 0 < p < 1 (the standard normal quantile; ±∞ at 0 and 1), by Acklam's
/// rational approximations (relative error below 1.15e-9). That accuracy is ample for
/// normal scores: what matters there is a fixed strictly increasing map of the ranks,
/// which this is, with the same bits on every target (basic arithmetic, `sqrt`, `ln`).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    // The lower tail's rational function of q = √(−2 ln p); the upper tail by symmetry.
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The normal scores of `values`' ranks: Φ⁻¹(r / (n + 1)) for each value's rank r in
/// 1..n (tied values share their average rank). A strictly increasing map of a column
/// leaves its scores unchanged; a constant column stays constant.
pub fn normal_scores(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![0.0; n];
    let mut first = 0;
    while first < n {
        let mut last = first;
        while last + 1 < n && values[order[last + 1]] == values[order[first]] {
            last += 1;
        }
        // Ranks first+1 … last+1 share their mean.
        let rank = (first + last) as f64 / 2.0 + 1.0;
        let score = inverse_normal_cdf(rank / (n as f64 + 1.0));
        for &i in &order[first..=last] {
            scores[i] = score;
        }
        first = last + 1;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles_and_symmetry() {
        // Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.001) = −3.090232306167814.
        assert!((inverse_normal_cdf(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((inverse_normal_cdf(0.001) + 3.090_232_306_167_814).abs() < 1e-8);
        assert_eq!(inverse_normal_cdf(0.5), 0.0);
        for p in [0.01, 0.2, 0.4] {
            assert!((inverse_normal_cdf(p) + inverse_normal_cdf(1.0 - p)).abs() < 1e-12);
        }
    }

    #[test]
    fn ties_share_the_average_rank() {
        let s = normal_scores(&[3.0, 1.0, 3.0, 2.0]);
        // Ranks 4, 1, 4 (mean of 3 and 4 is 3.5), 2 of n = 4.
        assert_eq!(s[0], s[2]);
        assert_eq!(s[0], inverse_normal_cdf(3.5 / 5.0));
        assert_eq!(s[1], inverse_normal_cdf(1.0 / 5.0));
        assert_eq!(normal_scores(&[2.0, 2.0]), vec![0.0, 0.0]);
    }
}
