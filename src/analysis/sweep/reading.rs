//! The sentence a sweep ends with: which atom moves most along the setting, from where
//! to where, and whether beyond its intervals — only what is true of the points.

use super::{SweepAxis, SweepPoint};
use crate::meta;
use crate::pid::TERMS;

/// How far an atom moves along a sweep.
enum Move {
    /// By at most [`meta::DISAGREEMENT_MIN_BITS`].
    Still,
    /// More, but the intervals of its lowest and highest points overlap.
    WithinIntervals,
    /// Beyond the intervals (or, without intervals, by more than the minimum).
    Beyond,
}

/// The atom whose corrected value changes most over `points`, its lowest and highest
/// points, and how far it moves.
fn largest_move(points: &[SweepPoint]) -> Option<(usize, &SweepPoint, &SweepPoint, Move)> {
    let mut best: Option<(usize, &SweepPoint, &SweepPoint, f64)> = None;
    for a in 0..4 {
        let value = |p: &&SweepPoint| p.atoms.all()[a].corrected;
        let low = points.iter().min_by(|x, y| value(x).total_cmp(&value(y)))?;
        let high = points.iter().max_by(|x, y| value(x).total_cmp(&value(y)))?;
        let range = value(&high) - value(&low);
        if best.is_none_or(|b| range > b.3) {
            best = Some((a, low, high, range));
        }
    }
    let (a, low, high, range) = best?;
    let (lo, hi) = (low.atoms.all()[a], high.atoms.all()[a]);
    let how = if range <= meta::DISAGREEMENT_MIN_BITS {
        Move::Still
    } else {
        match (lo.high, hi.low) {
            (Some(lo_high), Some(hi_low)) if hi_low <= lo_high => Move::WithinIntervals,
            _ => Move::Beyond,
        }
    };
    Some((a, low, high, how))
}

/// One sentence on what moves along the sweep, true of these points: the atom whose
/// corrected value changes most, from where to where (in the sweep's order), and
/// whether that change is beyond the intervals of its two ends. `unit_per_bit` and
/// `unit` set the printed unit.
pub fn sweep_reading(points: &[SweepPoint], unit_per_bit: f64, unit: &str) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return String::new();
    };
    let Some((a, low, high, how)) = largest_move(points) else {
        return String::new();
    };
    let axis = first.axis;
    let span = axis.span(first.value, last.value);
    let v = |x: f64| format!("{:.2} {unit}", x * unit_per_bit);
    let value = |p: &SweepPoint| p.atoms.all()[a].corrected;
    let name = TERMS[a].label;
    // In the sweep's order, so the sentence reads along the axis.
    let (from, to) = if low.value <= high.value {
        (low, high)
    } else {
        (high, low)
    };
    let at = |p: &SweepPoint| match axis {
        SweepAxis::Samples => format!("{} rows", p.value),
        _ => p.label.clone(),
    };
    let moved = format!(
        "{name} moves from {} ({}) to {} ({}) {span}",
        v(value(from)),
        at(from),
        v(value(to)),
        at(to)
    );
    match how {
        Move::Beyond => format!("{moved}: {}.", axis.dependence()),
        Move::WithinIntervals => format!(
            "{moved}, within the intervals of both ends: no atom moves beyond its uncertainty."
        ),
        Move::Still => format!(
            "No atom moves by more than {} {span}: stable along this setting.",
            v(meta::DISAGREEMENT_MIN_BITS)
        ),
    }
}
