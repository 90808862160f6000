//! What a BATCH estimate's numbers do not say by themselves, as sentences for the card
//! and the CLI: atoms clipped at 0 that break the identities, and models whose loss was
//! still falling when their epochs ran out.

use super::{BatchConfig, BatchPid, EpochLoss};

/// A curve counts as still falling when it ran every epoch it was given (early stopping
/// did not end it), its best validation loss is its last, and its last two epochs cut
/// the validation loss by more than this share of the whole run's drop: more epochs
/// would probably have moved the estimate.
const STILL_FALLING_SHARE: f64 = 0.02;

impl BatchPid {
    /// The notes of this estimate ([`BatchPid::clipping_note`],
    /// [`BatchPid::training_note`]), in that order.
    pub fn notes(&self, config: &BatchConfig) -> Vec<String> {
        [self.clipping_note(), self.training_note(config)]
            .into_iter()
            .flatten()
            .collect()
    }

    /// A sentence when clipping negative atom means at 0 breaks the identities
    /// R + U1 = I(X1;Y), R + U2 = I(X2;Y), R + U1 + U2 + S = I(X1,X2;Y) for the shown
    /// atoms (they hold for the unclipped means), naming the clipped atoms; `None` when
    /// no atom was clipped. Amounts in bits.
    pub fn clipping_note(&self) -> Option<String> {
        let clipped: Vec<String> = self
            .raw
            .terms()
            .filter(|(term, value)| term.atom && *value < 0.0)
            .map(|(term, value)| format!("{} {value:.4}", term.symbol))
            .collect();
        if clipped.is_empty() {
            return None;
        }
        let d = &self.decomposition;
        let sum = d.redundancy + d.unique1 + d.unique2 + d.synergy;
        Some(format!(
            "Some atoms came out negative and are shown as 0 (estimation error, bits: {}), so \
             the atoms shown sum to {sum:.4} bits, not I(X1,X2;Y) = {:.4}; the identities \
             R + U1 = I(X1;Y), R + U2 = I(X2;Y) and R + U1 + U2 + S = I(X1,X2;Y) hold for the \
             unclipped values.",
            clipped.join(", "),
            d.mi_joint,
        ))
    }

    /// A sentence naming the models whose validation loss was still falling at their
    /// last epoch (they ran every epoch, their best validation loss is the last, and the
    /// last two epochs cut it by more than 2 % of the run's drop); `None` when every model converged or
    /// stopped early.
    pub fn training_note(&self, config: &BatchConfig) -> Option<String> {
        let h = &self.history;
        let curves = [
            ("p̂(y|x1)", &h.classifier_x1, config.classifier_epochs),
            ("p̂(y|x2)", &h.classifier_x2, config.classifier_epochs),
            ("p̂(y|x1,x2)", &h.classifier_joint, config.classifier_epochs),
            ("the alignment q̃", &h.alignment, config.alignment_epochs),
        ];
        let falling: Vec<String> = curves
            .iter()
            .filter(|(_, curve, epochs)| still_falling(curve, *epochs))
            .map(|(name, curve, _)| format!("{name} (epoch {})", curve.len()))
            .collect();
        (!falling.is_empty()).then(|| {
            format!(
                "The validation loss of {} was still falling at the last epoch: the models \
                 are probably undertrained and the atoms may move with more epochs. Raise \
                 the epochs.",
                falling.join(", ")
            )
        })
    }
}

/// Whether a loss curve ran all `epochs` and was still improving at the end.
fn still_falling(curve: &[EpochLoss], epochs: usize) -> bool {
    let n = curve.len();
    if n < 3 || n < epochs {
        return false;
    }
    let loss: Vec<f64> = curve.iter().map(|e| e.validation).collect();
    let last = loss[n - 1];
    let best_before = loss[..n - 1].iter().copied().fold(f64::INFINITY, f64::min);
    let drop = loss[0] - last;
    last < best_before && drop > 0.0 && loss[n - 3] - last > STILL_FALLING_SHARE * drop
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pid::Decomposition;

    fn curve(validation: &[f64]) -> Vec<EpochLoss> {
        validation
            .iter()
            .enumerate()
            .map(|(i, &v)| EpochLoss {
                epoch: i + 1,
                train: v,
                validation: v,
            })
            .collect()
    }

    fn estimate(raw: Decomposition) -> BatchPid {
        let clip = |v: f64| v.max(0.0);
        BatchPid {
            decomposition: Decomposition {
                redundancy: clip(raw.redundancy),
                unique1: clip(raw.unique1),
                unique2: clip(raw.unique2),
                synergy: clip(raw.synergy),
                ..raw
            },
            mi_q: 0.0,
            raw,
            spread: Default::default(),
            history: Default::default(),
            epochs: 1,
            samples: Default::default(),
            test_batches: 1,
            sinkhorn_iterations: 1.0,
            sinkhorn_converged: 1.0,
            classifiers_trained: true,
        }
    }

    #[test]
    fn clipping_that_breaks_the_identity_is_said_with_both_sums() {
        // U2 = −0.151 clipped to 0: the shown atoms sum to 3.095 against I(X1,X2;Y) 2.944.
        let raw = Decomposition {
            redundancy: 1.0,
            unique1: 0.5,
            unique2: -0.151,
            synergy: 1.595,
            mi_x1_y: 1.5,
            mi_x2_y: 0.849,
            mi_joint: 2.944,
        };
        let note = estimate(raw).clipping_note().expect("clipped");
        assert!(note.contains("U2 -0.1510"), "{note}");
        assert!(
            note.contains("sum to 3.0950 bits, not I(X1,X2;Y) = 2.9440"),
            "{note}"
        );
        let unclipped = Decomposition {
            unique2: 0.1,
            ..raw
        };
        assert_eq!(estimate(unclipped).clipping_note(), None);
    }

    #[test]
    fn a_curve_cut_off_while_falling_is_flagged_and_a_flat_one_is_not() {
        assert!(still_falling(&curve(&[1.0, 0.8, 0.6, 0.5, 0.4]), 5));
        // Flat at the end: the last two epochs cut less than 2 % of the drop.
        assert!(!still_falling(&curve(&[1.0, 0.5, 0.401, 0.4005, 0.4]), 5));
        // Stopped early (fewer epochs than given): early stopping saw it level off.
        assert!(!still_falling(&curve(&[1.0, 0.8, 0.6, 0.5]), 10));
        // The best epoch is not the last.
        assert!(!still_falling(&curve(&[1.0, 0.5, 0.4, 0.3, 0.35]), 5));
    }
}
