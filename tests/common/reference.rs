//! The reference cases of `tests/data/reference.json` (where they come from:
//! `tests/data/README.md`), read at test time.

use serde::Deserialize;

/// One reference case: p(x1, x2, y) row-major and its atoms in bits.
#[derive(Deserialize)]
pub struct Case {
    pub name: String,
    pub shape: [usize; 3],
    pub p: Vec<f64>,
    #[serde(rename = "R")]
    pub r: f64,
    #[serde(rename = "U1")]
    pub u1: f64,
    #[serde(rename = "U2")]
    pub u2: f64,
    #[serde(rename = "S")]
    pub s: f64,
    #[serde(rename = "MI")]
    pub mi: f64,
    pub tol: f64,
}

/// Every case; fails with a clear message when the file is missing.
pub fn cases() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/reference.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("reference.json parses")
}
