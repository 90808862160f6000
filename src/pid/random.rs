//! Seeded random joint tables for tests and benchmarks (one generator, no `rand`).

use crate::table::JointTable;

/// SplitMix64: a tiny, fast, seeded 64-bit generator (Steele, Lea & Flood 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(shape, 1) (Marsaglia–Tsang; boosted for shape < 1).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

/// The kinds of random table used to exercise the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Dirichlet weights with the given concentration ×100 (e.g. 10 → 0.1, 100 → 1.0).
    Dirichlet { concentration_percent: u32 },
    /// Dirichlet(1) weights with each cell zeroed with probability `zero_percent`%.
    Sparse { zero_percent: u32 },
    /// Y almost a function of (X1, X2): one label per cell gets nearly all its mass.
    NearDeterministic,
}

/// A random joint table of shape `[n1, n2, ny]` drawn with `seed` (never all zero).
pub fn random_table(shape: [usize; 3], kind: TableKind, seed: u64) -> JointTable {
    let mut rng = SplitMix64::new(seed);
    let [n1, n2, ny] = shape;
    let n = n1 * n2 * ny;
    let mut w: Vec<f64> = match kind {
        TableKind::Dirichlet {
            concentration_percent,
        } => {
            let a = concentration_percent.max(1) as f64 / 100.0;
            (0..n).map(|_| rng.gamma(a)).collect()
        }
        TableKind::Sparse { zero_percent } => (0..n)
            .map(|_| {
                let keep = rng.next_u64() % 100 >= zero_percent as u64;
                let g = rng.gamma(1.0);
                if keep {
                    g
                } else {
                    0.0
                }
            })
            .collect(),
        TableKind::NearDeterministic => {
            let mut w = vec![0.0; n];
            for cell in w.chunks_exact_mut(ny) {
                let mass = rng.gamma(1.0);
                let y = (rng.next_u64() % ny as u64) as usize;
                for (k, v) in cell.iter_mut().enumerate() {
                    *v = if k == y {
                        mass
                    } else {
                        mass * 1e-4 * rng.uniform()
                    };
                }
            }
            w
        }
    };
    if w.iter().all(|&v| v == 0.0) {
        w[(rng.next_u64() % n as u64) as usize] = 1.0;
    }
    JointTable::from_weights(shape, w).expect("random weights are valid")
}
