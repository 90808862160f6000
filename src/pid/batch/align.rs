//! The alignment model: two encoders, per-label standardised embeddings, the score
//! tensor, Sinkhorn onto the classifiers' conditionals, and the loss I_q̃(X2;Y|X1) with
//! its exact gradient.
//!
//! For a batch of m samples with classifier outputs p̂(y|x1_a), p̂(y|x2_b):
//!
//! - e1_{a,y} = standardise(f1(x1_a)_y), e2_{b,y} likewise, each d-vector to mean 0
//!   and unbiased variance 1 over its d components (+1e-8), as the paper's code does;
//! - S_{aby} = ⟨e1_{a,y}, e2_{b,y}⟩ / √d, and A = exp(S);
//! - per label y, Sinkhorn scales A[·,·,y] to rows p̂(y|x1_a), columns p̂(y|x2_b)
//!   rescaled to the rows' total (a deviation from the paper, see [`balanced_targets`])
//!   ([`super::sinkhorn`]), giving the column log-potential g_{by};
//! - q̃(b|a,y) = softmax_b(S_{aby} + g_{by}) (each row renormalised, as the paper),
//!   q̃(a,b,y) = p̂(y|x1_a) q̃(b|a,y) / m;
//! - loss = I_q̃(X2;Y|X1) = (1/m) Σ_a Σ_{b,y} p̂(y|x1_a) q̃(b|a,y) ln(q̃(b|a,y) / ρ_ab),
//!   ρ_ab = Σ_y p̂(y|x1_a) q̃(b|a,y), in nats.

use super::mlp::{axpy, Mlp, MlpCache};
use super::sinkhorn::{sinkhorn, SinkhornOptions, SinkhornTrace};
use crate::numeric::dot;
use libm::log;

/// Probability floor before taking logs (classifier outputs or given columns).
pub const PROB_FLOOR: f64 = 1e-12;
/// Variance offset of the embedding standardisation (the paper's 1e-8).
const VAR_EPS: f64 = 1e-8;

/// The two encoders f1, f2 (each `input → ny·d`).
#[derive(Debug, Clone)]
pub struct Encoders {
    pub f1: Mlp,
    pub f2: Mlp,
    pub labels: usize,
    pub embed: usize,
}

/// One batch's inputs: features and the classifiers' conditionals, row-major.
pub struct AlignBatch<'a> {
    pub rows: usize,
    pub x1: &'a [f64],
    pub x2: &'a [f64],
    /// p̂(y|x1_a), `rows × ny`, floored at [`PROB_FLOOR`] and renormalised.
    pub p1: &'a [f64],
    /// p̂(y|x2_b), `rows × ny`, floored and renormalised.
    pub p2: &'a [f64],
}

/// What one forward (and optional backward) pass gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignOutcome {
    /// I_q̃(X2;Y|X1) on the batch, nats.
    pub loss: f64,
    /// Sinkhorn (column, row) pairs, summed over labels.
    pub iterations: usize,
    /// Labels whose Sinkhorn met the tolerance.
    pub converged: usize,
}

/// Per row and label: e = (h − mean) / σ, σ = √(var + ε), var unbiased over d entries.
/// Returns (e, σ per row·label).
fn standardise_embeddings(h: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut e = Vec::with_capacity(h.len());
    let mut sigmas = Vec::with_capacity(h.len() / d);
    let denom = (d.max(2) - 1) as f64;
    for chunk in h.chunks_exact(d) {
        let mean = chunk.iter().sum::<f64>() / d as f64;
        let var = chunk.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / denom;
        let sigma = (var + VAR_EPS).sqrt();
        e.extend(chunk.iter().map(|v| (v - mean) / sigma));
        sigmas.push(sigma);
    }
    (e, sigmas)
}

/// Backward of [`standardise_embeddings`]:
/// h̄ = (ē − mean ē)/σ − e · (Σ ē·e) / ((d − 1) σ).
fn standardise_backward(e: &[f64], sigmas: &[f64], e_bar: &[f64], d: usize) -> Vec<f64> {
    let denom = (d.max(2) - 1) as f64;
    let mut h_bar = Vec::with_capacity(e.len());
    for ((ec, gc), &sigma) in e.chunks_exact(d).zip(e_bar.chunks_exact(d)).zip(sigmas) {
        let mean_g = gc.iter().sum::<f64>() / d as f64;
        let proj = dot(ec, gc) / denom;
        h_bar.extend(
            ec.iter()
                .zip(gc)
                .map(|(&ei, &gi)| (gi - mean_g - ei * proj) / sigma),
        );
    }
    h_bar
}

/// Sinkhorn's log targets for label y: rows ln p̂(y|x1_a) and columns ln p̂(y|x2_b)
/// rescaled to the rows' total, ln p̂(y|x2_b) + ln Σ_a p̂(y|x1_a) − ln Σ_b p̂(y|x2_b).
///
/// A deviation from the paper: on a batch the two classifiers rarely give a label the
/// same total mass, and no matrix has row sums r and column sums c when Σr ≠ Σc, so
/// the alternating scaling would oscillate until its iteration cap. After the rescale a
/// fixed point exists and the scaling meets the tolerance in a few steps. The result
/// keeps the rows (q̃(b|a,y) is renormalised per row anyway) and the columns' shape;
/// the factor depends only on the classifiers' outputs, a constant for the encoders.
pub fn balanced_targets(p1: &[f64], p2: &[f64], ny: usize, y: usize) -> (Vec<f64>, Vec<f64>) {
    let column = |p: &[f64]| -> Vec<f64> { p.chunks_exact(ny).map(|row| row[y]).collect() };
    let (r, c) = (column(p1), column(p2));
    let shift = log(r.iter().sum::<f64>()) - log(c.iter().sum::<f64>());
    (
        r.iter().map(|&v| log(v)).collect(),
        c.iter().map(|&v| log(v) + shift).collect(),
    )
}

/// Gradients of both encoders, flattened like their `params`.
pub struct EncoderGrads {
    pub g1: Vec<f64>,
    pub g2: Vec<f64>,
}

impl EncoderGrads {
    /// Zero gradients shaped like `enc`'s parameters.
    pub fn zeros(enc: &Encoders) -> EncoderGrads {
        EncoderGrads {
            g1: vec![0.0; enc.f1.params.len()],
            g2: vec![0.0; enc.f2.params.len()],
        }
    }
}

impl Encoders {
    /// Fresh encoders `dim → hidden → [hidden] × layers → labels·embed` for X1 and X2.
    pub fn new(
        dims: [usize; 2],
        hidden: usize,
        layers: usize,
        labels: usize,
        embed: usize,
        rng: &mut crate::rng::SplitMix64,
    ) -> Encoders {
        Encoders {
            f1: Mlp::new(dims[0], hidden, layers, labels * embed, rng),
            f2: Mlp::new(dims[1], hidden, layers, labels * embed, rng),
            labels,
            embed,
        }
    }

    /// Forward pass of the loss on one batch; with `grads`, also adds ∂loss/∂params.
    pub fn loss(
        &self,
        batch: &AlignBatch<'_>,
        opts: &SinkhornOptions,
        grads: Option<&mut EncoderGrads>,
    ) -> AlignOutcome {
        let (m, ny, d) = (batch.rows, self.labels, self.embed);
        let (mut c1, mut c2) = (MlpCache::default(), MlpCache::default());
        self.f1.forward(batch.x1, m, &mut c1);
        self.f2.forward(batch.x2, m, &mut c2);
        let (e1, s1) = standardise_embeddings(c1.output(), d);
        let (e2, s2) = standardise_embeddings(c2.output(), d);
        let scale = 1.0 / (d as f64).sqrt();
        let width = ny * d;
        let mut outcome = AlignOutcome {
            loss: 0.0,
            iterations: 0,
            converged: 0,
        };

        // Per label: S_y, its Sinkhorn trace, q̃(b|a,y) and ln q̃(b|a,y) (`m × m`).
        let mut scores = Vec::with_capacity(ny);
        let mut traces: Vec<SinkhornTrace> = Vec::with_capacity(ny);
        let mut q = Vec::with_capacity(ny);
        let mut log_q = Vec::with_capacity(ny);
        for y in 0..ny {
            let s = label_scores(&e1, &e2, m, width, y * d, d, scale);
            let (log_r, log_c) = balanced_targets(batch.p1, batch.p2, ny, y);
            let trace = sinkhorn(&s, m, m, &log_r, &log_c, opts);
            outcome.iterations += trace.iterations;
            outcome.converged += usize::from(trace.converged);
            let (qy, lqy) = trace.row_softmax(&s);
            q.push(qy);
            log_q.push(lqy);
            scores.push(s);
            traces.push(trace);
        }

        // Row a at a time: ρ_ab = Σ_y p̂(y|x1_a) q̃(b|a,y), the loss terms
        // p̂ q̃ ln(q̃/ρ) / m, and G_aby = ∂loss/∂q̃(b|a,y) = p̂(y|x1_a) ln(q̃/ρ) / m.
        let inv_m = 1.0 / m as f64;
        let mut big_g: Vec<Vec<f64>> = vec![vec![0.0; m * m]; ny];
        let mut rho = vec![0.0; m];
        for a in 0..m {
            let pa = &batch.p1[a * ny..(a + 1) * ny];
            let row = a * m..(a + 1) * m;
            rho.fill(0.0);
            for (y, &py) in pa.iter().enumerate() {
                axpy(py, &q[y][row.clone()], &mut rho);
            }
            let log_rho: Vec<f64> = rho.iter().map(|&r| log(r.max(f64::MIN_POSITIVE))).collect();
            for (y, &py) in pa.iter().enumerate() {
                let w = py * inv_m;
                let grow = &mut big_g[y][row.clone()];
                for ((gv, &lq), &lr) in grow.iter_mut().zip(&log_q[y][row.clone()]).zip(&log_rho) {
                    *gv = w * (lq - lr);
                }
                outcome.loss += dot(&q[y][row.clone()], grow);
            }
        }
        let Some(grads) = grads else {
            return outcome;
        };

        let mut e1_bar = vec![0.0; m * width];
        let mut e2_bar = vec![0.0; m * width];
        for y in 0..ny {
            // Softmax backward: ℓ̄ = q̃ (G − Σ_b q̃ G); S̄ = ℓ̄ (+ Sinkhorn), ḡ_b = Σ_a ℓ̄_ab.
            let mut s_bar = vec![0.0; m * m];
            let mut g_bar = vec![0.0; m];
            for ((qrow, grow), sbrow) in q[y]
                .chunks_exact(m)
                .zip(big_g[y].chunks_exact(m))
                .zip(s_bar.chunks_exact_mut(m))
            {
                let mean = dot(qrow, grow);
                for ((sb, &qb), &gv) in sbrow.iter_mut().zip(qrow).zip(grow) {
                    *sb = qb * (gv - mean);
                }
                axpy(1.0, sbrow, &mut g_bar);
            }
            traces[y].backward(&g_bar, &mut s_bar);
            label_scores_backward(
                &e1,
                &e2,
                &s_bar,
                m,
                width,
                y * d,
                d,
                scale,
                &mut e1_bar,
                &mut e2_bar,
            );
        }
        let h1_bar = standardise_backward(&e1, &s1, &e1_bar, d);
        let h2_bar = standardise_backward(&e2, &s2, &e2_bar, d);
        self.f1.backward(&c1, &h1_bar, &mut grads.g1, false);
        self.f2.backward(&c2, &h2_bar, &mut grads.g2, false);
        outcome
    }
}

/// Label y's d-vectors of all `m` rows of `e` (`m × width`, label y at `at..at + d`),
/// transposed to `d × m`.
fn label_columns(e: &[f64], m: usize, width: usize, at: usize, d: usize) -> Vec<f64> {
    let mut t = vec![0.0; d * m];
    for (b, row) in e.chunks_exact(width).enumerate() {
        for (k, &v) in row[at..at + d].iter().enumerate() {
            t[k * m + b] = v;
        }
    }
    t
}

/// S_ab = ⟨e1_a, e2_b⟩ · scale for one label (`m × m`): row a accumulates
/// e1_ak · (e2ᵀ)_k over k, a loop over b that vectorises.
fn label_scores(
    e1: &[f64],
    e2: &[f64],
    m: usize,
    width: usize,
    at: usize,
    d: usize,
    scale: f64,
) -> Vec<f64> {
    let e2t = label_columns(e2, m, width, at, d);
    let mut s = vec![0.0; m * m];
    for (srow, e1row) in s.chunks_exact_mut(m).zip(e1.chunks_exact(width)) {
        for (&x, e2k) in e1row[at..at + d].iter().zip(e2t.chunks_exact(m)) {
            axpy(x, e2k, srow);
        }
        srow.iter_mut().for_each(|v| *v *= scale);
    }
    s
}

/// Backward of [`label_scores`]: ē1_a += scale · Σ_b S̄_ab e2_b and
/// ē2_b += scale · Σ_a S̄_ab e1_a.
#[allow(clippy::too_many_arguments)]
fn label_scores_backward(
    e1: &[f64],
    e2: &[f64],
    s_bar: &[f64],
    m: usize,
    width: usize,
    at: usize,
    d: usize,
    scale: f64,
    e1_bar: &mut [f64],
    e2_bar: &mut [f64],
) {
    let e2t = label_columns(e2, m, width, at, d);
    // (ē2)ᵀ_k = Σ_a e1_ak S̄_a·, accumulated over a as whole rows of S̄.
    let mut e2t_bar = vec![0.0; d * m];
    for (sbrow, (e1row, e1brow)) in s_bar
        .chunks_exact(m)
        .zip(e1.chunks_exact(width).zip(e1_bar.chunks_exact_mut(width)))
    {
        for ((&x, xb), (e2k, e2bk)) in e1row[at..at + d]
            .iter()
            .zip(&mut e1brow[at..at + d])
            .zip(e2t.chunks_exact(m).zip(e2t_bar.chunks_exact_mut(m)))
        {
            *xb += scale * dot(sbrow, e2k);
            axpy(x, sbrow, e2bk);
        }
    }
    for (k, col) in e2t_bar.chunks_exact(m).enumerate() {
        for (row, &v) in e2_bar.chunks_exact_mut(width).zip(col) {
            row[at + k] += scale * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn probs(rng: &mut SplitMix64, m: usize, ny: usize) -> Vec<f64> {
        let mut p = Vec::with_capacity(m * ny);
        for _ in 0..m {
            let row: Vec<f64> = (0..ny).map(|_| rng.gamma(1.0) + 0.05).collect();
            let s: f64 = row.iter().sum();
            p.extend(row.iter().map(|v| v / s));
        }
        p
    }

    /// Label totals that disagree (AND-like: ½ on 32 rows of X1, 28 rows of X2) would
    /// keep the paper's scaling oscillating to its cap; balanced, it converges.
    #[test]
    fn sinkhorn_converges_when_label_totals_disagree() {
        let mut rng = SplitMix64::new(4);
        let (m, n, ny, d) = (64, 3, 2, 10);
        let enc = Encoders::new([n, n], 8, 1, ny, d, &mut rng);
        let x1: Vec<f64> = (0..m * n).map(|_| rng.normal()).collect();
        let x2: Vec<f64> = (0..m * n).map(|_| rng.normal()).collect();
        let and_like = |on: fn(usize) -> bool| -> Vec<f64> {
            (0..m)
                .flat_map(|a| {
                    if on(a) {
                        [0.5, 0.5]
                    } else {
                        [1.0 - 1e-12, 1e-12]
                    }
                })
                .collect()
        };
        let (p1, p2) = (
            and_like(|a| a % 2 == 0),
            and_like(|a| a % 2 == 0 && a % 16 != 0),
        );
        let batch = AlignBatch {
            rows: m,
            x1: &x1,
            x2: &x2,
            p1: &p1,
            p2: &p2,
        };
        let opts = SinkhornOptions {
            max_iterations: 500,
            atol: 0.01,
        };
        let out = enc.loss(&batch, &opts, None);
        assert_eq!(out.converged, ny);
        assert!(out.iterations < 2 * 50, "{} pairs", out.iterations);
    }

    /// Central differences of the full loss (encoders → standardisation → scores →
    /// several unrolled Sinkhorn steps → I_q̃(X2;Y|X1)) against the backward pass.
    #[test]
    fn loss_gradient_matches_finite_differences() {
        let mut rng = SplitMix64::new(11);
        let (m, n1, n2, ny, d) = (6, 3, 4, 3, 4);
        let enc = Encoders {
            f1: Mlp::new(n1, 5, 1, ny * d, &mut rng),
            f2: Mlp::new(n2, 5, 1, ny * d, &mut rng),
            labels: ny,
            embed: d,
        };
        let x1: Vec<f64> = (0..m * n1).map(|_| rng.normal()).collect();
        let x2: Vec<f64> = (0..m * n2).map(|_| rng.normal()).collect();
        let (p1, p2) = (probs(&mut rng, m, ny), probs(&mut rng, m, ny));
        // atol 0: a fixed number of unrolled steps (here 4 pairs) for every perturbation.
        let opts = SinkhornOptions {
            max_iterations: 4,
            atol: 0.0,
        };
        let batch = AlignBatch {
            rows: m,
            x1: &x1,
            x2: &x2,
            p1: &p1,
            p2: &p2,
        };
        let mut grads = EncoderGrads {
            g1: vec![0.0; enc.f1.params.len()],
            g2: vec![0.0; enc.f2.params.len()],
        };
        let out = enc.loss(&batch, &opts, Some(&mut grads));
        assert_eq!(out.iterations, 4 * ny);
        assert!(out.loss.is_finite() && out.loss >= 0.0);
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        for which in 0..2 {
            let n = if which == 0 {
                enc.f1.params.len()
            } else {
                enc.f2.params.len()
            };
            for i in 0..n {
                let eval = |delta: f64| {
                    let mut e = enc.clone();
                    let p = if which == 0 {
                        &mut e.f1.params
                    } else {
                        &mut e.f2.params
                    };
                    p[i] += delta;
                    e.loss(&batch, &opts, None).loss
                };
                let fd = (eval(h) - eval(-h)) / (2.0 * h);
                let an = if which == 0 { grads.g1[i] } else { grads.g2[i] };
                worst = worst.max((fd - an).abs() / (1e-4 + an.abs()));
                assert!(
                    (fd - an).abs() < 1e-6 + 1e-4 * an.abs(),
                    "encoder {which} param {i}: fd {fd} vs {an}"
                );
            }
        }
        assert!(worst < 1e-3);
    }
}
