//! Writes the NumPy and Parquet test fixtures of tests/data/formats/ and the CSV with the
//! same samples, so anyone can remake them: `cargo run --example make_format_fixtures`.
//!
//! The samples (seeded): 240 rows, a label `y` in {0, 1, 2}; `x1` three float64
//! features (one-hot of y plus noise), `x2` two float32 features (one follows y, one is
//! noise). The CSV holds each value in the shortest decimal form that reads back to the
//! same float64, so every file gives the same numbers and the same atoms.

use std::path::Path;

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use pidscope::data::npy::write_npy;
use pidscope::data::npz::write_zip;
use pidscope::data::parquet_write::{write_parquet, WriteColumn};
use pidscope::rng::SplitMix64;

const ROWS: usize = 240;

struct Samples {
    x1: Vec<[f64; 3]>,
    x2: Vec<[f32; 2]>,
    y: Vec<i64>,
}

fn samples() -> Samples {
    let mut rng = SplitMix64::new(17);
    let y: Vec<i64> = (0..ROWS).map(|_| (rng.next_u64() % 3) as i64).collect();
    let x1 = y
        .iter()
        .map(|&y| std::array::from_fn(|j| f64::from(u8::from(j as i64 == y)) + 0.4 * rng.normal()))
        .collect();
    let x2 = y
        .iter()
        .map(|&y| {
            [
                (0.5 * y as f64 + 0.5 * rng.normal()) as f32,
                rng.normal() as f32,
            ]
        })
        .collect();
    Samples { x1, x2, y }
}

fn bytes_of<T: Copy, const N: usize>(
    values: impl Iterator<Item = T>,
    to: fn(T) -> [u8; N],
) -> Vec<u8> {
    values.flat_map(to).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    std::fs::create_dir_all(&dir)?;
    let s = samples();
    let n = ROWS;

    // NumPy: x1 in C order, x2 in Fortran order (column after column), y as int64.
    let x1 = write_npy(
        "<f8",
        false,
        &[n, 3],
        &bytes_of(s.x1.iter().flatten().copied(), f64::to_le_bytes),
    );
    let x2_columns = (0..2).flat_map(|j| s.x2.iter().map(move |r| r[j]));
    let x2 = write_npy(
        "<f4",
        true,
        &[n, 2],
        &bytes_of(x2_columns, f32::to_le_bytes),
    );
    let y = write_npy(
        "<i8",
        false,
        &[n],
        &bytes_of(s.y.iter().copied(), i64::to_le_bytes),
    );
    for (name, data) in [("x1.npy", &x1), ("x2.npy", &x2), ("y.npy", &y)] {
        std::fs::write(dir.join(name), data)?;
    }
    let members = [("x1.npy", &x1[..]), ("x2.npy", &x2[..]), ("y.npy", &y[..])];
    std::fs::write(dir.join("arrays.npz"), write_zip(&members, false))?;
    std::fs::write(dir.join("arrays_compressed.npz"), write_zip(&members, true))?;

    // Parquet: x1 and x2 as list (embedding) columns, in row groups of 100 (three).
    let columns = |compression| -> Result<Vec<u8>, parquet::errors::ParquetError> {
        let mut out = Vec::new();
        write_parquet(
            &mut out,
            &[
                (
                    "x1",
                    WriteColumn::List {
                        rows: s.x1.iter().map(|r| r.to_vec()).collect(),
                        float32: false,
                    },
                ),
                (
                    "x2",
                    WriteColumn::List {
                        rows: s
                            .x2
                            .iter()
                            .map(|r| r.iter().map(|&v| f64::from(v)).collect())
                            .collect(),
                        float32: true,
                    },
                ),
                ("y", WriteColumn::Ints(s.y.clone())),
            ],
            100,
            compression,
        )?;
        Ok(out)
    };
    std::fs::write(dir.join("embedding.parquet"), columns(Compression::SNAPPY)?)?;
    std::fs::write(
        dir.join("embedding_zstd.parquet"),
        columns(Compression::ZSTD(ZstdLevel::default()))?,
    )?;
    std::fs::write(
        dir.join("embedding_gzip.parquet"),
        columns(Compression::GZIP(GzipLevel::default()))?,
    )?;

    // The same samples as CSV.
    let mut csv = String::from("x1[0],x1[1],x1[2],x2[0],x2[1],y\n");
    for i in 0..n {
        let [a, b, c] = s.x1[i];
        let [d, e] = s.x2[i].map(f64::from);
        csv += &format!("{a},{b},{c},{d},{e},{}\n", s.y[i]);
    }
    std::fs::write(dir.join("arrays.csv"), csv)?;

    // Kinds: strings (with a null), nullable doubles, and a list whose row 5 is short.
    let label: Vec<Option<String>> = (0..12)
        .map(|i| (i != 3).then(|| ["cat", "dog", "owl"][i % 3].to_string()))
        .collect();
    let score: Vec<f64> = (0..12)
        .map(|i| if i == 7 { f64::NAN } else { i as f64 / 2.0 })
        .collect();
    let mut out = Vec::new();
    write_parquet(
        &mut out,
        &[
            ("label", WriteColumn::Texts(label)),
            ("score", WriteColumn::Doubles(score)),
        ],
        5,
        Compression::UNCOMPRESSED,
    )?;
    std::fs::write(dir.join("kinds.parquet"), out)?;
    let ragged: Vec<Vec<f64>> = (0..8)
        .map(|i| vec![i as f64; if i == 5 { 3 } else { 4 }])
        .collect();
    let mut out = Vec::new();
    write_parquet(
        &mut out,
        &[
            (
                "emb",
                WriteColumn::List {
                    rows: ragged,
                    float32: false,
                },
            ),
            ("y", WriteColumn::Ints((0..8).collect())),
        ],
        8,
        Compression::SNAPPY,
    )?;
    std::fs::write(dir.join("ragged.parquet"), out)?;
    println!("wrote the fixtures to {}", dir.display());
    Ok(())
}
