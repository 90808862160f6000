//! Planted cases for the fidelity check's tests, benchmarks and docs (docs/fidelity.md):
//! one where PCA + k-means loses the information, one where it keeps it.

use crate::data::{Column, ColumnData, DataError, ParsedTable, Roles};
use crate::rng::SplitMix64;

/// A generated case: one table of samples and its roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub table: ParsedTable,
    pub roles: Roles,
}

/// The case of issue #14: `dims` + `dims` standard-normal features `a_0…`, `b_0…` and a
/// label of four classes y = 2·[sign a_0 ≠ sign b_0] + [a_1 > 0.5]. The truth is
/// I(X1,X2;Y) = 1 + h(P(a_1 > 0.5)) ≈ 1.891 bits (U1 ≈ 0.891 from a_1, S = 1 from the
/// XOR), carried by three of 2·`dims` directions that PCA has no reason to keep.
pub fn hidden_xor(rows: usize, dims: usize, seed: u64) -> Result<Case, DataError> {
    let mut rng = SplitMix64::new(seed);
    let dims = dims.max(2);
    let mut a = columns(rows, dims);
    let mut b = columns(rows, dims);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        for column in a.iter_mut().chain(b.iter_mut()) {
            column.push(round4(rng.normal()));
        }
        let (a0, a1, b0) = (
            a[0][a[0].len() - 1],
            a[1][a[1].len() - 1],
            b[0][b[0].len() - 1],
        );
        let xor = u32::from((a0 > 0.0) != (b0 > 0.0));
        y.push(2 * xor + u32::from(a1 > 0.5));
    }
    let levels = ["0", "1", "2", "3"].map(String::from).to_vec();
    case("hidden_xor.csv", [("a", a), ("b", b)], y, levels)
}

/// A low-dimensional planted case clustering keeps: hidden states s1, s2 uniform on
/// 0..4, X1 = c(s1) + 0.3·noise and X2 = c(s2) + 0.3·noise in two dimensions, with
/// c(s) the corners (±2, ±2), so each state is a well-separated blob that k-means cells
/// never straddle; y = 2·[s1 odd ≠ s2 odd] + [s1 ≥ 2] like [`hidden_xor`], with 10 %
/// of the labels replaced by a uniformly random class. The truth is
/// I(X1,X2;Y) = 2 − H(0.925, 0.025, 0.025, 0.025) ≈ 1.497 bits and I(X1;Y) ≈ 0.714.
pub fn planted_blobs(rows: usize, seed: u64) -> Result<Case, DataError> {
    let mut rng = SplitMix64::new(seed);
    let mut a = columns(rows, 2);
    let mut b = columns(rows, 2);
    let mut y = Vec::with_capacity(rows);
    let corner = |s: u32| {
        [
            if s % 2 == 1 { 2.0 } else { -2.0 },
            if s >= 2 { 2.0 } else { -2.0 },
        ]
    };
    for _ in 0..rows {
        let (s1, s2) = ((rng.next_u64() % 4) as u32, (rng.next_u64() % 4) as u32);
        for (columns, s) in [(&mut a, s1), (&mut b, s2)] {
            for (column, c) in columns.iter_mut().zip(corner(s)) {
                column.push(round4(c + 0.3 * rng.normal()));
            }
        }
        let clean = 2 * u32::from(s1 % 2 != s2 % 2) + u32::from(s1 >= 2);
        let replace = rng.uniform() < 0.1;
        y.push(if replace {
            (rng.next_u64() % 4) as u32
        } else {
            clean
        });
    }
    let levels = ["0", "1", "2", "3"].map(String::from).to_vec();
    case("planted.csv", [("a", a), ("b", b)], y, levels)
}

/// `count` empty columns with room for `rows` values.
fn columns(rows: usize, count: usize) -> Vec<Vec<f64>> {
    (0..count).map(|_| Vec::with_capacity(rows)).collect()
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn case(
    name: &str,
    modalities: [(&str, Vec<Vec<f64>>); 2],
    y: Vec<u32>,
    levels: Vec<String>,
) -> Result<Case, DataError> {
    let column = |name: String, data: ColumnData| Column {
        name,
        data,
        missing: 0,
        became_categorical_at: None,
    };
    let mut columns = Vec::new();
    let mut names: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for ((prefix, features), names) in modalities.into_iter().zip(&mut names) {
        for (j, values) in features.into_iter().enumerate() {
            let name = format!("{prefix}_{j}");
            names.push(name.clone());
            columns.push(column(name, ColumnData::Numeric(values.into())));
        }
    }
    columns.push(column(
        "label".into(),
        ColumnData::Categorical { codes: y, levels },
    ));
    let [x1, x2] = names;
    Ok(Case {
        table: ParsedTable::from_columns(name.to_string(), columns)?,
        roles: Roles {
            x1,
            x2,
            y: "label".into(),
            ..Roles::default()
        },
    })
}
