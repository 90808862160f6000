//! Built-in toy distributions: the classic logic gates over independent uniform bits,
//! the textbook cases of PID (Bertschinger et al. 2014), the learn-mode [`GALLERY`] of named
//! examples with plain-language explanations, and learn mode's Gaussian example with
//! sliders ([`LinearGaussian`]).
//!
//! The gallery's atoms are never stored here: they are computed by the solver
//! ([`crate::pid::pid_cvx`]) from each entry's [`GalleryEntry::table`]. The tests
//! check each table and its atoms against `tests/data/reference.json`.

use crate::table::JointTable;
use serde::{Deserialize, Serialize};

pub mod gaussian;
pub use gaussian::{GaussianLesson, LessonError, LinearGaussian};

/// A named toy example. Each builds X1, X2 as independent fair bits (except RDN,
/// where X1 = X2) and Y as a function of them: exactly here ([`Gate::table`]), or
/// from noisy continuous samples for BATCH ([`crate::pid::batch::bench::gate_samples`]).
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

    /// Y's state of the input bits (a, b), an index into [`Gate::y_labels`].
    pub fn y_of(self, a: usize, b: usize) -> usize {
        match self {
            Gate::Xor => a ^ b,
            Gate::And => a & b,
            Gate::Or => a | b,
            Gate::Copy => 2 * a + b,
            Gate::Rdn | Gate::Unq => a,
            Gate::Sum => a + b,
        }
    }

    /// The names of Y's states.
    pub fn y_labels(self) -> &'static [&'static str] {
        match self {
            Gate::Copy => &["00", "01", "10", "11"],
            Gate::Sum => &["0", "1", "2"],
            _ => &["0", "1"],
        }
    }

    /// Whether X2 is a copy of X1 (RDN) rather than an independent bit.
    pub fn copies_x1(self) -> bool {
        self == Gate::Rdn
    }

    /// The joint distribution p(x1, x2, y) of the gate, with readable state labels.
    pub fn table(self) -> JointTable {
        let bits = || vec!["0".to_string(), "1".to_string()];
        let y_labels = self.y_labels();
        let ny = y_labels.len();
        let mut weights = vec![0.0; 4 * ny];
        for a in 0..2 {
            for b in 0..2 {
                if self.copies_x1() && a != b {
                    continue;
                }
                weights[(a * 2 + b) * ny + self.y_of(a, b)] += 1.0;
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

// The atoms are named once, in `pid`; the gallery states its dominant ones with them.
pub use crate::pid::Atom;

/// Where a gallery entry's table comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// One of the [`Gate`]s.
    Gate(Gate),
    /// The support of p(x1, x2, y): `(x1, x2, y, weight)` cells of a `[n1, n2, ny]`
    /// table with states named `0, 1, …` (weights are normalised).
    Support {
        shape: [usize; 3],
        cells: &'static [(usize, usize, usize, f64)],
    },
}

/// A named example of the learn-mode gallery: a small joint distribution with a
/// plain-language explanation of its decomposition and the atom(s) a student should
/// predict to dominate.
///
/// The page asks for a prediction before it shows the decomposition, so what it shows
/// first ([`label`](Self::label), [`title`](Self::title), [`setup`](Self::setup)) describes
/// the variables only: no atom's name and no amount of information (`tests/gallery.rs`
/// checks this). The answer is in [`explanation`](Self::explanation), shown after.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GalleryEntry {
    /// The stable id, as in the reference cases and share links (`XOR`, `dit_pnt_unq`, …);
    /// never shown on the page.
    pub name: &'static str,
    /// A short display name for the gallery's button.
    pub label: &'static str,
    /// A neutral title for the lesson: what the example is, not what its PID is.
    pub title: &'static str,
    /// One or two sentences shown before the prediction: what X1, X2 and Y are.
    pub setup: &'static str,
    /// Two or three sentences shown after it: why the PID comes out as it does.
    pub explanation: &'static str,
    /// The largest atom(s); several when they tie exactly.
    pub dominant: &'static [Atom],
    #[serde(skip)]
    source: Source,
}

impl GalleryEntry {
    /// The joint distribution p(x1, x2, y).
    pub fn table(&self) -> JointTable {
        match self.source {
            Source::Gate(gate) => gate.table(),
            Source::Support { shape, cells } => {
                let mut weights = vec![0.0; shape.iter().product()];
                for &(x1, x2, y, w) in cells {
                    weights[(x1 * shape[1] + x2) * shape[2] + y] += w;
                }
                let states = |n: usize| (0..n).map(|s| s.to_string()).collect();
                JointTable::from_weights(shape, weights)
                    .and_then(|t| t.with_labels(shape.map(states)))
                    .expect("gallery tables are valid by construction")
            }
        }
    }
}

use Atom::{Redundancy as R, Synergy as S, Unique1 as U1, Unique2 as U2};

/// The learn-mode gallery, simplest first: the seven gates, then compositions and
/// the named cases of dit's test-suite that teach something.
pub const GALLERY: &[GalleryEntry] = &[
    GalleryEntry {
        name: "XOR",
        label: "XOR",
        title: "Exclusive or",
        setup: "X1 and X2 are independent fair coins and Y = X1 XOR X2: Y is 1 when the two coins differ and 0 when they agree.",
        explanation: "Either coin alone says nothing about Y (Y is still 50/50 whatever one coin shows), but the two together fix it: \
the whole bit is synergy.",
        dominant: &[S],
        source: Source::Gate(Gate::Xor),
    },
    GalleryEntry {
        name: "AND",
        label: "AND",
        title: "And",
        setup: "X1 and X2 are independent fair coins and Y = X1 AND X2: Y is 1 only when both coins show 1.",
        explanation: "Seeing a 0 on either coin already settles Y = 0, a piece of knowledge both inputs offer (redundancy, 0.311 bits); \
telling apart the remaining cases needs both coins at once (synergy, 0.5 bits).",
        dominant: &[S],
        source: Source::Gate(Gate::And),
    },
    GalleryEntry {
        name: "OR",
        label: "OR",
        title: "Or",
        setup: "X1 and X2 are independent fair coins and Y = X1 OR X2: Y is 1 when at least one coin shows 1.",
        explanation: "It is AND with 0 and 1 swapped everywhere, and relabelling states never changes information: \
the same 0.311 bits of redundancy and 0.5 bits of synergy.",
        dominant: &[S],
        source: Source::Gate(Gate::Or),
    },
    GalleryEntry {
        name: "COPY",
        label: "COPY",
        title: "Copy both coins",
        setup: "X1 and X2 are independent fair coins and Y is the pair (X1, X2): four values, one for each way the coins can fall.",
        explanation: "Each coin supplies its own bit of Y that the other cannot know, so each input has 1 bit of unique information \
and there is nothing redundant or synergistic.",
        dominant: &[U1, U2],
        source: Source::Gate(Gate::Copy),
    },
    GalleryEntry {
        name: "RDN",
        label: "Same coin twice",
        title: "One coin, read twice",
        setup: "One fair coin is tossed and read twice: X1, X2 and Y all show the same face.",
        explanation: "Either input alone tells Y completely and the other adds nothing, so the whole bit is redundant.",
        dominant: &[R],
        source: Source::Gate(Gate::Rdn),
    },
    GalleryEntry {
        name: "UNQ",
        label: "Y = X1",
        title: "Y copies X1; X2 is an unrelated coin",
        setup: "X1 and X2 are independent fair coins and Y = X1: Y repeats the first coin and ignores the second.",
        explanation: "X1 tells Y completely and X2 is unrelated noise, so the whole bit is unique to X1.",
        dominant: &[U1],
        source: Source::Gate(Gate::Unq),
    },
    GalleryEntry {
        name: "SUM",
        label: "SUM",
        title: "The sum of two coins",
        setup: "X1 and X2 are independent fair coins and Y = X1 + X2, which is 0, 1 or 2.",
        explanation: "Either coin alone narrows Y to two of its values, the same half bit from each (redundancy 0.5 bits); \
whether the sum is 1 or the other remaining value needs both coins, like XOR (synergy 1 bit).",
        dominant: &[S],
        source: Source::Gate(Gate::Sum),
    },
    GalleryEntry {
        name: "XORAND",
        label: "XOR & AND",
        title: "XOR and AND at once",
        setup: "X1 and X2 are independent fair coins and Y is the pair (X1 XOR X2, X1 AND X2), which takes three values.",
        explanation: "Those three values are exactly the three sums 0, 1, 2 under other names, so the atoms are SUM's: \
0.5 bits of redundancy and 1 bit of synergy.",
        dominant: &[S],
        source: Source::Support {
            shape: [2, 2, 3],
            cells: &[(0, 0, 0, 1.0), (0, 1, 2, 1.0), (1, 0, 2, 1.0), (1, 1, 1, 1.0)],
        },
    },
    GalleryEntry {
        name: "RDNXOR",
        label: "Shared coin + XOR",
        title: "A shared coin plus an XOR",
        setup: "Three fair coins r, a, b: X1 = (r, a), X2 = (r, b) and Y = (r, a XOR b). Both inputs see the coin r.",
        explanation: "The shared coin r is one bit of redundancy and the XOR is one bit of synergy; \
independent pieces of a system contribute their atoms side by side.",
        dominant: &[R, S],
        source: Source::Support {
            shape: [4, 4, 4],
            cells: &[
                (0, 0, 0, 1.0),
                (0, 2, 2, 1.0),
                (1, 1, 1, 1.0),
                (1, 3, 3, 1.0),
                (2, 0, 2, 1.0),
                (2, 2, 0, 1.0),
                (3, 1, 3, 1.0),
                (3, 3, 1, 1.0),
            ],
        },
    },
    GalleryEntry {
        name: "RDNUNQXOR",
        label: "Five coins",
        title: "A shared coin, a private coin each, and an XOR",
        setup: "Five fair coins r, u1, u2, a, b: X1 = (r, u1, a), X2 = (r, u2, b) and Y = (r, u1, u2, a XOR b).",
        explanation: "The shared coin is redundant, u1 and u2 are unique to their input and the XOR is synergistic: \
1 bit of each atom, 4 bits in all.",
        dominant: &[R, U1, U2, S],
        source: Source::Support {
            shape: [8, 8, 16],
            cells: RDNUNQXOR_CELLS,
        },
    },
    GalleryEntry {
        name: "dit_imp_rdn",
        label: "Rare error",
        title: "Two sensors, one with a rare error",
        setup: "Y is a fair coin; X1 = Y always, and X2 = Y except that in one case in a thousand X2 reads 1 when Y is 0.",
        explanation: "Almost everything is redundant (0.990 bits), but the rare mistakes leave X1 a sliver of unique \
information (0.010 bits): PID notices even small differences in reliability.",
        dominant: &[R],
        source: Source::Support {
            shape: [2, 2, 2],
            cells: &[(0, 0, 0, 499.0), (0, 1, 0, 1.0), (1, 1, 1, 500.0)],
        },
    },
    GalleryEntry {
        name: "dit_pnt_unq",
        label: "One speaks",
        title: "One input speaks at a time",
        setup: "Y is a fair coin, and on every draw exactly one of X1, X2 shows it (as state 1 or 2) while the other shows 0.",
        explanation: "Each single observation is informative through one input only, but on average both inputs \
tell Y equally well and only together tell which one is speaking: 0.5 bits of redundancy, 0.5 bits of synergy, no uniqueness.",
        dominant: &[R, S],
        source: Source::Support {
            shape: [3, 3, 2],
            cells: &[(0, 1, 0, 1.0), (0, 2, 1, 1.0), (1, 0, 0, 1.0), (2, 0, 1, 1.0)],
        },
    },
    GalleryEntry {
        name: "dit_reduced_or",
        label: "OR, no double one",
        title: "OR without the double-one case",
        setup: "X1 and X2 are never both 1: (0,0) has probability 1/2, (0,1) and (1,0) 1/4 each, and Y = X1 OR X2.",
        explanation: "Each input alone gives the same partial hint (a 1 means Y = 1: 0.311 bits of redundancy), while a 0 on one input \
only helps once the other is seen, so synergy dominates (0.689 bits).",
        dominant: &[S],
        source: Source::Support {
            shape: [2, 2, 2],
            cells: &[(0, 0, 0, 2.0), (0, 1, 1, 1.0), (1, 0, 1, 1.0)],
        },
    },
    GalleryEntry {
        name: "dit_wb_2",
        label: "Uneven inputs",
        title: "Two inputs that tell different things",
        setup: "X1 and X2 are fair coins and Y is 0 for (0,0), 2 for (1,0) and 1 whenever X2 = 1.",
        explanation: "X2 alone separates {0, 2} from 1 (1 bit) that X1 cannot, and X1 alone tells 0 from 2 once X2 = 0 (0.5 bits) that X2 cannot: \
both inputs carry unique information, X2's the larger.",
        dominant: &[U2],
        source: Source::Support {
            shape: [2, 2, 3],
            cells: &[(0, 0, 0, 1.0), (0, 1, 1, 1.0), (1, 0, 2, 1.0), (1, 1, 1, 1.0)],
        },
    },
];

/// RDNUNQXOR's support: X1 = 4·u1 + 2·a + r, X2 = 4·u2 + 2·b + r (see [`GALLERY`]).
const RDNUNQXOR_CELLS: &[(usize, usize, usize, f64)] = &rdnunqxor_cells();

/// Builds RDNUNQXOR's 32 cells: Y = 8·(a ⊕ b) + 4·u1 + 2·u2 + r.
const fn rdnunqxor_cells() -> [(usize, usize, usize, f64); 32] {
    let mut cells = [(0, 0, 0, 1.0); 32];
    let mut i = 0;
    while i < 32 {
        let (r, u1, u2, a, b) = (
            i & 1,
            (i >> 1) & 1,
            (i >> 2) & 1,
            (i >> 3) & 1,
            (i >> 4) & 1,
        );
        cells[i] = (
            4 * u1 + 2 * a + r,
            4 * u2 + 2 * b + r,
            8 * (a ^ b) + 4 * u1 + 2 * u2 + r,
            1.0,
        );
        i += 1;
    }
    cells
}

/// The gallery entry named `name` (case-insensitive).
pub fn gallery_entry(name: &str) -> Option<&'static GalleryEntry> {
    GALLERY.iter().find(|e| e.name.eq_ignore_ascii_case(name))
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
