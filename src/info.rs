//! Information measures in **bits** (log base 2), with the convention 0·log 0 = 0.

use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// Shannon entropy H(P) = −Σ p·log2 p, in bits, of a (normalised) distribution.
pub fn entropy(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|&&v| v > 0.0)
        .map(|&v| v * v.log2())
        .sum::<f64>()
}

/// Conditional entropy H(B|A) = −Σ p(a,b)·log2 p(b|a), in bits, of a joint p(a, b)
/// laid out row-major with `nb` values of B per row.
pub fn conditional_entropy(p_ab: &[f64], nb: usize) -> f64 {
    p_ab.chunks_exact(nb)
        .map(|row| {
            let pa: f64 = row.iter().sum();
            if pa <= 0.0 {
                return 0.0;
            }
            -row.iter()
                .filter(|&&v| v > 0.0)
                .map(|&v| v * (v / pa).log2())
                .sum::<f64>()
        })
        .sum::<f64>()
        .max(0.0)
}

/// Mutual information I(A;B) = H(B) − H(B|A), in bits, of a joint p(a, b) laid out
/// row-major with `nb` values of B per row. Clamped at 0 against rounding.
pub fn mutual_information(p_ab: &[f64], nb: usize) -> f64 {
    let mut pb = vec![0.0; nb];
    for row in p_ab.chunks_exact(nb) {
        for (acc, &v) in pb.iter_mut().zip(row) {
            *acc += v;
        }
    }
    (entropy(&pb) - conditional_entropy(p_ab, nb)).max(0.0)
}

/// Every classical term of a joint table that PID is measured against, in bits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InfoTerms {
    /// H(Y)
    pub h_y: f64,
    /// H(Y|X1)
    pub h_y_given_x1: f64,
    /// H(Y|X2)
    pub h_y_given_x2: f64,
    /// H(Y|X1,X2)
    pub h_y_given_x1x2: f64,
    /// I(X1;Y) = H(Y) − H(Y|X1)
    pub mi_x1_y: f64,
    /// I(X2;Y) = H(Y) − H(Y|X2)
    pub mi_x2_y: f64,
    /// I(X1,X2;Y) = H(Y) − H(Y|X1,X2)
    pub mi_joint: f64,
    /// I(X1;Y|X2) = H(Y|X2) − H(Y|X1,X2)
    pub cmi_x1_y_given_x2: f64,
    /// I(X2;Y|X1) = H(Y|X1) − H(Y|X1,X2)
    pub cmi_x2_y_given_x1: f64,
    /// Co-information I(X1;X2;Y) = I(X1;Y) − I(X1;Y|X2) (= R − S under any PID).
    pub co_information: f64,
}

impl InfoTerms {
    /// Computes all terms of `table` from its conditional entropies.
    pub fn of(table: &JointTable) -> InfoTerms {
        let ny = table.ny();
        let h_y = entropy(&table.p_y());
        let h_y_given_x1 = conditional_entropy(&table.p_x1_y(), ny).min(h_y);
        let h_y_given_x2 = conditional_entropy(&table.p_x2_y(), ny).min(h_y);
        let h_y_given_x1x2 = conditional_entropy(table.p(), ny)
            .min(h_y_given_x1)
            .min(h_y_given_x2);
        let mi_x1_y = h_y - h_y_given_x1;
        let mi_x2_y = h_y - h_y_given_x2;
        let mi_joint = h_y - h_y_given_x1x2;
        let cmi_x1_y_given_x2 = h_y_given_x2 - h_y_given_x1x2;
        let cmi_x2_y_given_x1 = h_y_given_x1 - h_y_given_x1x2;
        InfoTerms {
            h_y,
            h_y_given_x1,
            h_y_given_x2,
            h_y_given_x1x2,
            mi_x1_y,
            mi_x2_y,
            mi_joint,
            cmi_x1_y_given_x2,
            cmi_x2_y_given_x1,
            co_information: mi_x1_y - cmi_x1_y_given_x2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn entropy_of_fair_coin_and_certainty() {
        assert!(close(entropy(&[0.5, 0.5]), 1.0));
        assert!(close(entropy(&[1.0, 0.0]), 0.0));
        assert!(close(entropy(&[0.25; 4]), 2.0));
    }

    #[test]
    fn xor_has_only_joint_information() {
        // Y = X1 xor X2 with uniform inputs.
        let t = JointTable::from_weights([2, 2, 2], vec![1., 0., 0., 1., 0., 1., 1., 0.]).unwrap();
        let i = InfoTerms::of(&t);
        assert!(close(i.mi_x1_y, 0.0));
        assert!(close(i.mi_x2_y, 0.0));
        assert!(close(i.mi_joint, 1.0));
        assert!(close(i.cmi_x1_y_given_x2, 1.0));
        assert!(close(i.co_information, -1.0));
    }

    #[test]
    fn redundant_copy_has_positive_co_information() {
        // X1 = X2 = Y.
        let t = JointTable::from_weights([2, 2, 2], vec![1., 0., 0., 0., 0., 0., 0., 1.]).unwrap();
        let i = InfoTerms::of(&t);
        assert!(close(i.mi_x1_y, 1.0));
        assert!(close(i.mi_joint, 1.0));
        assert!(close(i.co_information, 1.0));
        assert!(close(mutual_information(&t.p_x1_y(), 2), 1.0));
    }
}
