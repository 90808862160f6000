//! Partial Information Decomposition of a discrete joint table, in **bits**.
//!
//! The decomposition is the one of Bertschinger et al. (2014) ("BROJA"), as used by
//! Liang et al. (NeurIPS 2023) under the name CVX: with
//! Δp = {q ≥ 0 : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y)} and
//! h* = max_{q ∈ Δp} H_q(Y | X1, X2),
//!
//! - synergy    S  = h* − H_p(Y | X1, X2)
//! - unique1    U1 = H_p(Y | X2) − h*
//! - unique2    U2 = H_p(Y | X1) − h*
//! - redundancy R  = I_p(X1; Y) − U1
//!
//! so R + U1 = I(X1;Y), R + U2 = I(X2;Y) and R + U1 + U2 + S = I(X1,X2;Y) hold exactly.

pub mod batch;
mod cvx;
pub mod gaussian;
pub mod random;

pub use cvx::{
    coupling_entries, max_entropy_coupling, max_entropy_coupling_from,
    max_entropy_coupling_observed, CgSystem, Coupling, CvxOptions, DualStart, SolveCost,
    SolveObserver, TraceEvent,
};

use crate::info::InfoTerms;
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// Why a decomposition could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PidError {
    /// The solver options are out of range (tolerance ≤ 0, ε factor outside (0, 1)).
    #[error("invalid solver options: tolerance must be positive and the epsilon factor in (0, 1)")]
    InvalidOptions,
    /// A floating-point failure the solver could not recover from.
    #[error("numerical failure in the CVX solver: {0}")]
    Numerical(&'static str),
}

/// The four atoms and the three terms they split, in bits: I(X1;Y) = R + U1,
/// I(X2;Y) = R + U2, I(X1,X2;Y) = R + U1 + U2 + S. Every estimator reports one.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Decomposition {
    /// Redundancy R: what X1 and X2 both say about Y, bits.
    pub redundancy: f64,
    /// Uniqueness U1: what only X1 says about Y, bits.
    pub unique1: f64,
    /// Uniqueness U2: what only X2 says about Y, bits.
    pub unique2: f64,
    /// Synergy S: what only X1 and X2 together say about Y, bits.
    pub synergy: f64,
    /// I(X1;Y), bits.
    pub mi_x1_y: f64,
    /// I(X2;Y), bits.
    pub mi_x2_y: f64,
    /// I(X1,X2;Y), bits.
    pub mi_joint: f64,
}

/// One number of a [`Decomposition`]: an atom or an information term, named once for
/// the CLI, the page and the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The field's name in results and JSON (`redundancy`, …, `mi_joint`).
    pub key: &'static str,
    /// The short symbol (`R`, `U1`, `U2`, `S`, `I(X1;Y)`, …).
    pub symbol: &'static str,
    /// The name in the paper's words (`Redundancy`, `Unique to X1`, …).
    pub label: &'static str,
    /// What it measures, in a few words.
    pub meaning: &'static str,
    /// Whether it is one of the four atoms (else an information term they add up to).
    pub atom: bool,
}

/// `[&x.redundancy, &x.unique1, …, &x.mi_joint]`: the seven per-term fields of a struct
/// that has one field per term, in the order of [`TERMS`] (one list, so no struct spells
/// the order again).
#[macro_export]
macro_rules! per_term {
    ($x:expr) => {
        [
            &$x.redundancy,
            &$x.unique1,
            &$x.unique2,
            &$x.synergy,
            &$x.mi_x1_y,
            &$x.mi_x2_y,
            &$x.mi_joint,
        ]
    };
}

/// The four atoms, then the three terms they split, in display order.
pub const TERMS: [Term; 7] = [
    Term {
        key: "redundancy",
        symbol: "R",
        label: "Redundancy",
        meaning: "said by both X1 and X2",
        atom: true,
    },
    Term {
        key: "unique1",
        symbol: "U1",
        label: "Unique to X1",
        meaning: "said only by X1",
        atom: true,
    },
    Term {
        key: "unique2",
        symbol: "U2",
        label: "Unique to X2",
        meaning: "said only by X2",
        atom: true,
    },
    Term {
        key: "synergy",
        symbol: "S",
        label: "Synergy",
        meaning: "said only by X1 and X2 together",
        atom: true,
    },
    Term {
        key: "mi_x1_y",
        symbol: "I(X1;Y)",
        label: "I(X1;Y)",
        meaning: "what X1 says about Y",
        atom: false,
    },
    Term {
        key: "mi_x2_y",
        symbol: "I(X2;Y)",
        label: "I(X2;Y)",
        meaning: "what X2 says about Y",
        atom: false,
    },
    Term {
        key: "mi_joint",
        symbol: "I(X1,X2;Y)",
        label: "I(X1,X2;Y)",
        meaning: "what both say together = R + U1 + U2 + S",
        atom: false,
    },
];

/// One of the four PID atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Atom {
    /// R: what both inputs say about Y.
    Redundancy,
    /// U1: what only X1 says.
    Unique1,
    /// U2: what only X2 says.
    Unique2,
    /// S: what only the two inputs together say.
    Synergy,
}

impl Atom {
    /// The four atoms in the order R, U1, U2, S.
    pub const ALL: [Atom; 4] = [
        Atom::Redundancy,
        Atom::Unique1,
        Atom::Unique2,
        Atom::Synergy,
    ];

    /// The atom's names ([`TERMS`] holds them).
    pub fn term(self) -> &'static Term {
        &TERMS[self as usize]
    }

    /// The atom's value in `pid`, bits.
    pub fn of(self, pid: &Decomposition) -> f64 {
        match self {
            Atom::Redundancy => pid.redundancy,
            Atom::Unique1 => pid.unique1,
            Atom::Unique2 => pid.unique2,
            Atom::Synergy => pid.synergy,
        }
    }

    /// The atoms within `tolerance` bits of the largest one, in the order R, U1, U2, S
    /// (several when they tie, as in COPY's U1 = U2).
    pub fn dominant(pid: &Decomposition, tolerance: f64) -> Vec<Atom> {
        let largest = Atom::ALL
            .iter()
            .map(|a| a.of(pid))
            .fold(f64::NEG_INFINITY, f64::max);
        Atom::ALL
            .into_iter()
            .filter(|a| a.of(pid) >= largest - tolerance)
            .collect()
    }
}

impl Decomposition {
    /// The seven numbers in the order of [`TERMS`], in bits.
    pub fn values(&self) -> [f64; 7] {
        [
            self.redundancy,
            self.unique1,
            self.unique2,
            self.synergy,
            self.mi_x1_y,
            self.mi_x2_y,
            self.mi_joint,
        ]
    }

    /// The terms with their values, in bits, in display order.
    pub fn terms(&self) -> impl Iterator<Item = (&'static Term, f64)> {
        TERMS.iter().zip(self.values())
    }
}

/// A Partial Information Decomposition I(X1,X2;Y) = R + U1 + U2 + S by CVX, in bits:
/// R = I(X1;Y) − U1, U1 = H(Y|X2) − h*, U2 = H(Y|X1) − h*, S = h* − H(Y|X1,X2).
/// It reads as its [`Decomposition`] (`pid.synergy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pid {
    #[serde(flatten)]
    pub decomposition: Decomposition,
    /// Certified upper bound, in bits, on the error of every atom (the width of the
    /// bracket on h* from an exactly feasible primal point and a feasible dual point).
    pub certificate_bits: f64,
    /// Newton steps the solver took (0 when the start point was already certified).
    pub iterations: usize,
    /// The optimal coupling q*(x1, x2, y), row-major like the table.
    pub q_star: Vec<f64>,
    /// Whether the certificate reached the requested tolerance within the caps.
    pub converged: bool,
    /// `[n1, n2, ny]`.
    pub shape: [usize; 3],
}

impl std::ops::Deref for Pid {
    type Target = Decomposition;
    fn deref(&self) -> &Decomposition {
        &self.decomposition
    }
}

/// PID of `table` by the exact CVX (BROJA) definition with default options, in bits.
///
/// h* = max_{q ∈ Δp} H_q(Y|X1,X2) is computed by [`max_entropy_coupling`]; then
/// S = h* − H(Y|X1,X2), U1 = H(Y|X2) − h*, U2 = H(Y|X1) − h*, R = I(X1;Y) − U1.
pub fn pid_cvx(table: &JointTable) -> Result<Pid, PidError> {
    pid_cvx_with(table, &CvxOptions::default())
}

/// [`pid_cvx`] with explicit solver options.
///
/// The reported h* is the value of an exactly feasible coupling, moved (only within the
/// certified bracket) into the interval where all four atoms are non-negative:
/// max(H(Y|X1,X2), H(Y|X1) + H(Y|X2) − H(Y)) ≤ h* ≤ min(H(Y|X1), H(Y|X2)).
/// If that move were ever larger than the certificate, the certificate is widened to
/// cover it rather than hiding the discrepancy.
pub fn pid_cvx_with(table: &JointTable, opts: &CvxOptions) -> Result<Pid, PidError> {
    pid_cvx_from(table, opts, None).map(|(pid, _)| pid)
}

/// [`pid_cvx_with`] starting the solver from a previous solution's dual point (see
/// [`max_entropy_coupling_from`]: as exact and as certified as a cold solve), e.g. the
/// original table's for each bootstrap replicate. Returns the PID and this solution's
/// own dual point.
pub fn pid_cvx_from(
    table: &JointTable,
    opts: &CvxOptions,
    start: Option<&DualStart>,
) -> Result<(Pid, DualStart), PidError> {
    let info = InfoTerms::of(table);
    let coupling = max_entropy_coupling_from(table, opts, start)?;
    let lo = info
        .h_y_given_x1x2
        .max(info.h_y_given_x1 + info.h_y_given_x2 - info.h_y);
    let hi = info.h_y_given_x1.min(info.h_y_given_x2);
    let raw = coupling.h_lower_bits;
    let h = if lo <= hi { raw.clamp(lo, hi) } else { hi };
    let certificate_bits = coupling.certificate_bits.max((h - raw).abs());
    let tidy = |v: f64| if v < 0.0 && v > -1e-12 { 0.0 } else { v };
    let unique1 = tidy(info.h_y_given_x2 - h);
    let unique2 = tidy(info.h_y_given_x1 - h);
    let synergy = tidy(h - info.h_y_given_x1x2);
    let redundancy = tidy(info.mi_x1_y - (info.h_y_given_x2 - h));
    let pid = Pid {
        decomposition: Decomposition {
            redundancy,
            unique1,
            unique2,
            synergy,
            mi_x1_y: info.mi_x1_y,
            mi_x2_y: info.mi_x2_y,
            mi_joint: info.mi_joint,
        },
        certificate_bits,
        iterations: coupling.iterations,
        q_star: coupling.q,
        converged: coupling.converged && certificate_bits <= opts.tolerance_bits,
        shape: table.shape(),
    };
    Ok((pid, coupling.dual))
}
