//! The analytic bias correction of Gaussian information terms (Cai, Liang & Zhou 2015,
//! as used by gpid): the log-determinant of a sample covariance of d Gaussian dimensions
//! from n samples is biased by b(d, n) = ½ Σ_{k=1..d} ln(1 − k/n) nats, so a plug-in
//! I(U;V) = ½ [ln det Σ_U + ln det Σ_V − ln det Σ_UV] is biased by
//! b(d_U) + b(d_V) − b(d_U + d_V) ≥ 0 nats.

use super::Dims;
use crate::pid::Decomposition;

/// b(d, n) = ½ Σ_{k=1..d} ln(1 − k/n), nats (needs n > d; `-inf` otherwise).
pub fn log_det_bias_nats(d: usize, n: f64) -> f64 {
    (1..=d)
        .map(|k| 0.5 * (1.0 - k as f64 / n).max(0.0).ln())
        .sum()
}

/// The plug-in bias of I(U;V) between blocks of `d_u` and `d_v` Gaussian dimensions from
/// `n` samples, bits: [b(d_u) + b(d_v) − b(d_u + d_v)] / ln 2.
pub fn mi_bias_bits(d_u: usize, d_v: usize, n: f64) -> f64 {
    (log_det_bias_nats(d_u, n) + log_det_bias_nats(d_v, n) - log_det_bias_nats(d_u + d_v, n))
        / std::f64::consts::LN_2
}

/// The three information terms with their Cai biases subtracted, bits.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CorrectedInformation {
    pub mi_x1_y: f64,
    pub mi_x2_y: f64,
    pub mi_joint: f64,
}

/// I(X1;Y), I(X2;Y) and I(X1,X2;Y) of `plug` less their plug-in biases from `n` samples
/// ([`mi_bias_bits`] with the blocks' dimensions), bits. The atoms are not corrected this
/// way: at a tie I1 ≈ I2 their bias is that of a minimum, which the formula does not
/// see, and shifting the terms made R and S worse there (docs/gaussian.md, "Bias").
pub fn corrected_information(plug: &Decomposition, dims: Dims, n: f64) -> CorrectedInformation {
    CorrectedInformation {
        mi_x1_y: plug.mi_x1_y - mi_bias_bits(dims.x1, dims.y, n),
        mi_x2_y: plug.mi_x2_y - mi_bias_bits(dims.x2, dims.y, n),
        mi_joint: plug.mi_joint - mi_bias_bits(dims.x1 + dims.x2, dims.y, n),
    }
}

/// A candidate, measured and not adopted (`examples/gaussian_bias.rs`): the atoms from
/// bias-corrected information terms, bits. I1, I2 and I12 lose their
/// Cai biases; the union information I∪ (an I(X1,X2;Y) under the optimal coupling)
/// loses I12's and is then clamped to [max(I1, I2), min(I1 + I2, I12)] of the
/// corrected terms. For a scalar Y, where I∪ = max(I1, I2) exactly (Barrett 2015),
/// the clamp makes the corrected PID the MMI PID of the corrected terms. The
/// identities R + U1 = I1, R + U2 = I2 and R + U1 + U2 + S = I12 hold for the result.
pub fn corrected_atoms(plug: &Decomposition, union_bits: f64, dims: Dims, n: f64) -> Decomposition {
    let c = corrected_information(plug, dims, n);
    let (i1, i2) = (c.mi_x1_y, c.mi_x2_y);
    let joint_bias = plug.mi_joint - c.mi_joint;
    let i12 = c.mi_joint.max(i1.max(i2));
    let (lo, hi) = (i1.max(i2), (i1 + i2).min(i12));
    let union = (union_bits - joint_bias).clamp(lo, hi.max(lo));
    super::atoms_from_union(i1, i2, i12, union)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bias_is_positive_grows_with_dimensions_and_vanishes_with_samples() {
        let small = mi_bias_bits(2, 1, 1000.0);
        // First order: d_u·d_v / (2n) nats.
        assert!(
            (small - 2.0 / 2000.0 / std::f64::consts::LN_2).abs() < 2e-5,
            "{small}"
        );
        assert!(mi_bias_bits(20, 1, 1000.0) > 9.0 * small);
        assert!(mi_bias_bits(2, 1, 1e7) < 1e-6);
    }

    #[test]
    fn on_independent_samples_the_corrected_terms_are_closer_to_zero_than_the_plug_in() {
        // X1, X2 two columns each, Y one, all independent: every true term is 0.
        let dims = Dims { x1: 2, x2: 2, y: 1 };
        let (n, seeds) = (200, 40);
        let (mut plug, mut corrected) = (0.0, 0.0);
        for seed in 0..seeds {
            let mut rng = crate::rng::SplitMix64::new(seed);
            let mut cov = super::super::StreamingCovariance::new(5);
            for _ in 0..n {
                let row: Vec<f64> = (0..5).map(|_| rng.normal()).collect();
                cov.push(&row, 1.0).unwrap();
            }
            let pid = super::super::pid_gaussian(
                &cov.correlation().unwrap(),
                dims,
                &super::super::SolverOptions::default(),
            )
            .unwrap();
            let c = corrected_information(&pid.pid, dims, n as f64);
            plug += pid.pid.mi_joint / seeds as f64;
            corrected += c.mi_joint / seeds as f64;
        }
        // Plug-in bias ≈ d·dy/(2n ln 2) = 4/(400 ln 2) ≈ 0.0144 bits.
        assert!(plug > 0.008, "plug-in mean {plug}");
        assert!(
            corrected.abs() < 0.4 * plug,
            "corrected mean {corrected}, plug-in {plug}"
        );
    }

    #[test]
    fn corrected_atoms_keep_the_identities_and_the_mmi_form_for_a_scalar_y() {
        let plug = Decomposition {
            redundancy: 0.40,
            unique1: 0.05,
            unique2: 0.0,
            synergy: 1.10,
            mi_x1_y: 0.45,
            mi_x2_y: 0.40,
            mi_joint: 1.55,
        };
        let dims = Dims {
            x1: 10,
            x2: 10,
            y: 1,
        };
        let c = corrected_atoms(&plug, 0.45, dims, 500.0);
        assert!((c.redundancy + c.unique1 - c.mi_x1_y).abs() < 1e-12);
        assert!((c.redundancy + c.unique2 - c.mi_x2_y).abs() < 1e-12);
        let sum = c.redundancy + c.unique1 + c.unique2 + c.synergy;
        assert!((sum - c.mi_joint).abs() < 1e-12);
        assert!(c.mi_x1_y < plug.mi_x1_y && c.mi_joint < plug.mi_joint);
        // MMI: the smaller input's uniqueness is 0 and R = min(I1, I2).
        assert!(c.unique2.abs() < 1e-12 && (c.redundancy - c.mi_x2_y).abs() < 1e-12);
    }
}
