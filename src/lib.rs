//! # pidscope
//!
//! Partial Information Decomposition (PID) of what two inputs X1, X2 say about a
//! label Y, in the definition of Bertschinger et al. (2014) as estimated by Liang et
//! al. (NeurIPS 2023): I(X1,X2;Y) = redundancy + unique1 + unique2 + synergy, in bits.
//!
//! The core (joint tables, information measures, estimators, ingestion) knows nothing
//! of JavaScript, files or clocks; the `wasm` module (built for wasm32 only) is the only one that talks to the
//! browser, and the `pidscope` binary reuses the same core natively.

pub mod analysis;
pub mod data;
pub mod discretize;
pub mod examples;
pub mod fidelity;
pub mod info;
pub mod meta;
pub mod numeric;
pub mod pid;
pub mod rigor;
pub mod rng;
pub mod scenarios;
pub mod share;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use table::{JointTable, TableError};
