//! The reference cases of `../shared/reference/cases.json`, read at test time (CI
//! clones the project with `shared/` beside it).

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
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (the reference cases live in ../shared beside the project)")
    });
    serde_json::from_str(&text).expect("cases.json parses")
}
