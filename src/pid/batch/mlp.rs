//! A small multilayer perceptron with a hand-written backward pass, and Adam.
//!
//! Shape as the paper's `mlp(dim, hidden, out, layers)`: Linear(dim, hidden), ReLU,
//! then `layers` × [Linear(hidden, hidden), ReLU], then Linear(hidden, out). Weights
//! and biases are initialised like PyTorch's `nn.Linear`: uniform on ±1/√fan_in.
//! Batches are row-major `n × width` slices of `f64`; all loops run in a fixed order
//! (no BLAS, no threads), so results are bit-identical on every platform.

use crate::rng::SplitMix64;

/// Parameters of one MLP, flattened: for each layer, `W` (`out × in`, row-major) then `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    sizes: Vec<usize>,
    /// All weights and biases, layer by layer.
    pub params: Vec<f64>,
}

/// Activations kept by [`Mlp::forward`] for [`Mlp::backward`]: the input and each
/// layer's output (after ReLU for hidden layers; the raw output last).
#[derive(Debug, Clone, Default)]
pub struct MlpCache {
    acts: Vec<Vec<f64>>,
    rows: usize,
}

impl MlpCache {
    /// The network's output of the last forward pass, `rows × output` row-major.
    pub fn output(&self) -> &[f64] {
        self.acts.last().map_or(&[], Vec::as_slice)
    }
}

impl Mlp {
    /// A freshly initialised MLP `input → hidden (ReLU) → [hidden (ReLU)] × layers → output`.
    pub fn new(
        input: usize,
        hidden: usize,
        layers: usize,
        output: usize,
        rng: &mut SplitMix64,
    ) -> Mlp {
        let mut sizes = vec![input, hidden];
        sizes.extend(std::iter::repeat_n(hidden, layers));
        sizes.push(output);
        let mut params = Vec::new();
        for pair in sizes.windows(2) {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let bound = 1.0 / (fan_in.max(1) as f64).sqrt();
            for _ in 0..fan_out * fan_in + fan_out {
                params.push(bound * (2.0 * rng.uniform() - 1.0));
            }
        }
        Mlp { sizes, params }
    }

    /// Number of inputs.
    pub fn input_size(&self) -> usize {
        self.sizes[0]
    }

    /// Number of outputs.
    pub fn output_size(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    /// Offsets of each layer's (weights, biases) in `params`.
    fn offsets(&self) -> impl Iterator<Item = (usize, usize, usize, usize)> + '_ {
        let mut at = 0;
        self.sizes.windows(2).map(move |pair| {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let w = at;
            let b = at + fan_in * fan_out;
            at = b + fan_out;
            (fan_in, fan_out, w, b)
        })
    }

    /// Forward pass on `rows` samples `x` (`rows × input`); the output
    /// (`rows × output`) is `cache.output()`.
    pub fn forward(&self, x: &[f64], rows: usize, cache: &mut MlpCache) {
        let layers = self.sizes.len() - 1;
        cache.rows = rows;
        cache.acts.resize_with(layers + 1, Vec::new);
        cache.acts[0].clear();
        cache.acts[0].extend_from_slice(x);
        for (l, (fan_in, fan_out, w, b)) in self.offsets().enumerate() {
            let (done, rest) = cache.acts.split_at_mut(l + 1);
            let input = &done[l];
            let out = &mut rest[0];
            out.clear();
            out.resize(rows * fan_out, 0.0);
            // Wᵀ (`in × out`), so that each output row is x·Wᵀ ([`add_vec_mat`]); every
            // output sums its terms in input order, from −0.0 like `Iterator::sum`.
            let weights_t = transpose(&self.params[w..b], fan_out, fan_in);
            let bias = &self.params[b..b + fan_out];
            let relu = l + 1 < layers;
            let mut nonzero = Vec::with_capacity(fan_in);
            for (row_in, row_out) in input
                .chunks_exact(fan_in)
                .zip(out.chunks_exact_mut(fan_out))
            {
                row_out.fill(-0.0);
                add_vec_mat(row_in, &weights_t, row_out, &mut nonzero);
                for (o, &bo) in row_out.iter_mut().zip(bias) {
                    let z = bo + *o;
                    *o = if relu { z.max(0.0) } else { z };
                }
            }
        }
    }

    /// Backward pass of the last [`Mlp::forward`]: given ∂L/∂output (`rows × output`),
    /// adds ∂L/∂params into `grads`; returns ∂L/∂input (`rows × input`) when
    /// `input_grad` (an empty vector otherwise: training does not need it).
    pub fn backward(
        &self,
        cache: &MlpCache,
        grad_out: &[f64],
        grads: &mut [f64],
        input_grad: bool,
    ) -> Vec<f64> {
        let layers = self.sizes.len() - 1;
        let offsets: Vec<_> = self.offsets().collect();
        let rows = cache.rows;
        let mut delta = grad_out.to_vec();
        let mut nonzero = Vec::new();
        for l in (0..layers).rev() {
            let (fan_in, fan_out, w, b) = offsets[l];
            let input = &cache.acts[l];
            let weights = &self.params[w..b];
            // ∂L/∂W_j = Σ_rows δ_rj · input_r: row j of the gradient is (δᵀ)_j · input.
            let delta_t = transpose(&delta, rows, fan_out);
            let (gw, gb) = grads[w..b + fan_out].split_at_mut(fan_in * fan_out);
            for ((gw_row, g), d_col) in gw
                .chunks_exact_mut(fan_in)
                .zip(gb.iter_mut())
                .zip(delta_t.chunks_exact(rows))
            {
                *g += d_col.iter().sum::<f64>();
                add_vec_mat(d_col, input, gw_row, &mut nonzero);
            }
            if l == 0 && !input_grad {
                return Vec::new();
            }
            // ∂L/∂input_r = δ_r · W.
            let mut prev = vec![0.0; rows * fan_in];
            for (row_p, row_d) in prev
                .chunks_exact_mut(fan_in)
                .zip(delta.chunks_exact(fan_out))
            {
                add_vec_mat(row_d, weights, row_p, &mut nonzero);
            }
            if l > 0 {
                // The input of layer l is a ReLU output: the gradient passes where it is > 0.
                for (p, &a) in prev.iter_mut().zip(input) {
                    if a <= 0.0 {
                        *p = 0.0;
                    }
                }
            }
            delta = prev;
        }
        delta
    }
}

/// out ← out + x·M for M (`x.len() × out.len()`, row-major): each output adds its terms
/// x_k M_kj in k order (zero x_k skipped: ReLU outputs and their gradients are often 0),
/// the same order as a plain loop, so the same bits. Outputs go 16 at a time in
/// registers: sixteen independent sums hide the latency of each addition and vectorise.
pub(crate) fn add_vec_mat(x: &[f64], mat: &[f64], out: &mut [f64], nonzero: &mut Vec<usize>) {
    let cols = out.len();
    debug_assert_eq!(mat.len(), x.len() * cols);
    // The indices of non-zero x_k, written without a branch (zeros are unpredictable).
    nonzero.resize(x.len(), 0);
    let mut n = 0;
    for (k, &xk) in x.iter().enumerate() {
        nonzero[n] = k;
        n += usize::from(xk != 0.0);
    }
    let nonzero = &nonzero[..n];
    let mut j = 0;
    while j < cols {
        j += match cols - j {
            16.. => add_vec_mat_block::<16>(x, mat, out, nonzero, j),
            4.. => add_vec_mat_block::<4>(x, mat, out, nonzero, j),
            _ => add_vec_mat_block::<1>(x, mat, out, nonzero, j),
        };
    }
}

/// Outputs `j..j + N` of [`add_vec_mat`]; returns N.
fn add_vec_mat_block<const N: usize>(
    x: &[f64],
    mat: &[f64],
    out: &mut [f64],
    nonzero: &[usize],
    j: usize,
) -> usize {
    let cols = out.len();
    let mut acc = [0.0; N];
    acc.copy_from_slice(&out[j..j + N]);
    for &k in nonzero {
        let xk = x[k];
        let m = &mat[k * cols + j..k * cols + j + N];
        for i in 0..N {
            acc[i] += xk * m[i];
        }
    }
    out[j..j + N].copy_from_slice(&acc);
    N
}

/// The transpose of a `rows × cols` row-major matrix.
pub(crate) fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; a.len()];
    for (r, row) in a.chunks_exact(cols).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            t[c * rows + r] = v;
        }
    }
    t
}

/// y ← y + α x.
pub(crate) fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// Adam (Kingma & Ba 2015) with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8.
#[derive(Debug, Clone)]
pub struct Adam {
    lr: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    /// β1^t and β2^t, as running products (no `powi`: the same bits everywhere).
    beta1_t: f64,
    beta2_t: f64,
}

impl Adam {
    const BETA1: f64 = 0.9;
    const BETA2: f64 = 0.999;
    const EPS: f64 = 1e-8;

    /// An optimiser for `n` parameters with learning rate `lr`.
    pub fn new(n: usize, lr: f64) -> Adam {
        Adam {
            lr,
            m: vec![0.0; n],
            v: vec![0.0; n],
            beta1_t: 1.0,
            beta2_t: 1.0,
        }
    }

    /// One step θ ← θ − lr · m̂ / (√v̂ + ε) with bias-corrected moments of `grads`.
    pub fn step(&mut self, params: &mut [f64], grads: &[f64]) {
        self.beta1_t *= Self::BETA1;
        self.beta2_t *= Self::BETA2;
        let (c1, c2) = (1.0 - self.beta1_t, 1.0 - self.beta2_t);
        for (((p, &g), m), v) in params
            .iter_mut()
            .zip(grads)
            .zip(&mut self.m)
            .zip(&mut self.v)
        {
            // A non-finite gradient entry is skipped rather than poisoning the moments.
            let g = if g.is_finite() { g } else { 0.0 };
            *m = Self::BETA1 * *m + (1.0 - Self::BETA1) * g;
            *v = Self::BETA2 * *v + (1.0 - Self::BETA2) * g * g;
            *p -= self.lr * (*m / c1) / ((*v / c2).sqrt() + Self::EPS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::dot;

    #[test]
    fn backward_matches_finite_differences() {
        let mut rng = SplitMix64::new(3);
        let mlp = Mlp::new(4, 6, 2, 3, &mut rng);
        let rows = 5;
        let x: Vec<f64> = (0..rows * 4).map(|_| rng.normal()).collect();
        let weights: Vec<f64> = (0..rows * 3).map(|_| rng.normal()).collect();
        let loss = |m: &Mlp, x: &[f64]| {
            let mut c = MlpCache::default();
            m.forward(x, rows, &mut c);
            dot(c.output(), &weights)
        };
        let mut cache = MlpCache::default();
        mlp.forward(&x, rows, &mut cache);
        let mut grads = vec![0.0; mlp.params.len()];
        let gx = mlp.backward(&cache, &weights, &mut grads, true);
        let h = 1e-6;
        for (i, &g) in grads.iter().enumerate() {
            let (mut up, mut down) = (mlp.clone(), mlp.clone());
            up.params[i] += h;
            down.params[i] -= h;
            let fd = (loss(&up, &x) - loss(&down, &x)) / (2.0 * h);
            assert!((fd - g).abs() < 1e-6, "param {i}: {fd} vs {g}");
        }
        for i in 0..x.len() {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[i] += h;
            down[i] -= h;
            let fd = (loss(&mlp, &up) - loss(&mlp, &down)) / (2.0 * h);
            assert!((fd - gx[i]).abs() < 1e-6, "input {i}: {fd} vs {}", gx[i]);
        }
    }
}
