//! Built-in toy distributions: the classic logic gates over independent uniform bits,
//! the textbook cases of PID (DESIGN.md §1).

use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// Y as a function of the two input bits.
type GateFn = fn(usize, usize) -> usize;

/// A named toy example. Each builds X1, X2 as independent fair bits (except RDN,
/// where X1 = X2) and Y as a function of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Gate {
    /// Y = X1 ⊕ X2: pure synergy (1 bit).
    Xor,
    /// Y = X1 ∧ X2: redundancy 0.311 bits and synergy 0.5 bits.
    And,
    /// Y = X1 ∨ X2: the mirror image of AND.
    Or,
    /// Y = (X1, X2): each input is uniquely informative (1 bit each).
    Copy,
    /// X1 = X2 = Y: pure redundancy (1 bit).
    Rdn,
    /// Y = X1, X2 independent noise: X1's uniqueness (1 bit).
    Unq,
    /// Y = X1 + X2 (0, 1 or 2): redundancy 0.5 bits and synergy 1 bit.
    Sum,
}

impl Gate {
    pub const ALL: [Gate; 7] = [
        Gate::Xor,
        Gate::And,
        Gate::Or,
        Gate::Copy,
        Gate::Rdn,
        Gate::Unq,
        Gate::Sum,
    ];

    /// The short name, as in the reference cases (`XOR`, `AND`, …).
    pub fn name(self) -> &'static str {
        match self {
            Gate::Xor => "XOR",
            Gate::And => "AND",
            Gate::Or => "OR",
            Gate::Copy => "COPY",
            Gate::Rdn => "RDN",
            Gate::Unq => "UNQ",
            Gate::Sum => "SUM",
        }
    }

    /// Looks a gate up by its short name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Gate> {
        Gate::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(name))
    }

    /// The joint distribution p(x1, x2, y) of the gate, with readable state labels.
    pub fn table(self) -> JointTable {
        let bits = || vec!["0".to_string(), "1".to_string()];
        let (y_labels, y_of): (&[&str], GateFn) = match self {
            Gate::Xor => (&["0", "1"], |a, b| a ^ b),
            Gate::And => (&["0", "1"], |a, b| a & b),
            Gate::Or => (&["0", "1"], |a, b| a | b),
            Gate::Copy => (&["00", "01", "10", "11"], |a, b| 2 * a + b),
            Gate::Rdn | Gate::Unq => (&["0", "1"], |a, _| a),
            Gate::Sum => (&["0", "1", "2"], |a, b| a + b),
        };
        let ny = y_labels.len();
        let mut weights = vec![0.0; 4 * ny];
        for a in 0..2 {
            for b in 0..2 {
                if self == Gate::Rdn && a != b {
                    continue;
                }
                weights[(a * 2 + b) * ny + y_of(a, b)] += 1.0;
            }
        }
        JointTable::from_weights([2, 2, ny], weights)
            .and_then(|t| {
                t.with_labels([
                    bits(),
                    bits(),
                    y_labels.iter().map(|s| s.to_string()).collect(),
                ])
            })
            .expect("gate tables are valid by construction")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::info::InfoTerms;

    #[test]
    fn gates_have_their_textbook_mutual_information() {
        let mi = |g: Gate| InfoTerms::of(&g.table());
        assert!((mi(Gate::Xor).mi_joint - 1.0).abs() < 1e-12);
        assert!(mi(Gate::Xor).mi_x1_y.abs() < 1e-12);
        assert!((mi(Gate::Copy).mi_joint - 2.0).abs() < 1e-12);
        assert!((mi(Gate::Rdn).mi_x2_y - 1.0).abs() < 1e-12);
        assert!(mi(Gate::Unq).mi_x2_y.abs() < 1e-12);
        assert!((mi(Gate::Sum).mi_joint - 1.5).abs() < 1e-12);
        assert_eq!(Gate::from_name("xor"), Some(Gate::Xor));
        assert_eq!(Gate::from_name("nope"), None);
    }
}
