//! Writes float32 embeddings with a planted PID as `.npy` files, for the scale benchmark
//! and the accuracy table of docs/scale.md:
//! `cargo run --release --example embeddings -- --rows 200000 --dim 768 --out DIR`.
//!
//! Latent variables (seeded): a shared s, x1's own u and a1, x2's own a2, all standard
//! normal. Y has 8 classes, y = [s > 0] + 2·[u > 0] + 4·([a1 > 0] xor [a2 > 0]): one bit
//! each of redundancy (s), uniqueness of X1 (u) and synergy (a1, a2). Each modality is
//! `dim` float32 features: its latents (x1: s, u, a1; x2: s, a2) along fixed random unit
//! directions with amplitude 2, plus independent standard-normal noise in every feature,
//! so the signal sits in a few leading principal components as in an encoder's output.
//! Writes `x1.npy` and `x2.npy` (rows × dim, C order) and `y.npy` (int64).

use pidscope::data::npy::write_npy;
use pidscope::rng::SplitMix64;
use std::path::PathBuf;

const AMPLITUDE: f64 = 2.0;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rows = 20_000usize;
    let mut dim = 768usize;
    let mut out = PathBuf::from(".");
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--rows" => rows = value()?.parse()?,
            "--dim" => dim = value()?.parse()?,
            "--out" => out = value()?.into(),
            "--seed" => seed = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    std::fs::create_dir_all(&out)?;
    let mut rng = SplitMix64::new(seed);
    let mut direction = || {
        let v: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.into_iter()
            .map(|x| AMPLITUDE * x / norm)
            .collect::<Vec<f64>>()
    };
    let x1_directions = [direction(), direction(), direction()];
    let x2_directions = [direction(), direction()];
    let mut x1 = Vec::with_capacity(rows * dim * 4);
    let mut x2 = Vec::with_capacity(rows * dim * 4);
    let mut y = Vec::with_capacity(rows * 8);
    let push_row =
        |latents: &[f64], directions: &[Vec<f64>], into: &mut Vec<u8>, rng: &mut SplitMix64| {
            for j in 0..dim {
                let signal: f64 = latents.iter().zip(directions).map(|(z, d)| z * d[j]).sum();
                into.extend_from_slice(&((signal + rng.normal()) as f32).to_le_bytes());
            }
        };
    for _ in 0..rows {
        let [s, u, a1, a2] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
        let class =
            i64::from(s > 0.0) + 2 * i64::from(u > 0.0) + 4 * i64::from((a1 > 0.0) != (a2 > 0.0));
        push_row(&[s, u, a1], &x1_directions, &mut x1, &mut rng);
        push_row(&[s, a2], &x2_directions, &mut x2, &mut rng);
        y.extend_from_slice(&class.to_le_bytes());
    }
    for (name, shape, descr, data) in [
        ("x1.npy", vec![rows, dim], "<f4", x1),
        ("x2.npy", vec![rows, dim], "<f4", x2),
        ("y.npy", vec![rows], "<i8", y),
    ] {
        std::fs::write(out.join(name), write_npy(descr, false, &shape, &data))?;
    }
    eprintln!(
        "wrote {rows} × {dim} float32 per modality to {}",
        out.display()
    );
    Ok(())
}
