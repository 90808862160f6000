//! k-means on points in PCA space: k-means++ seeding from a seeded [`SplitMix64`],
//! Lloyd iterations, and clusters renumbered by first appearance.

use super::{weight_of, DiscretizeStage};
use crate::rng::SplitMix64;

/// The outcome of [`kmeans`].
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansResult {
    /// Cluster of every point; clusters are numbered by first appearance.
    pub assignment: Vec<u32>,
    /// Centre of every cluster (`dim` coordinates each).
    pub centres: Vec<Vec<f64>>,
    /// The rule that gives [`KMeansResult::assignment`]: every point is in the state
    /// of its nearest of these centres (the first on ties), which are the centres
    /// of the last assignment step in their working order, each with its state (clusters
    /// that ended empty are left out; no point is nearest to them). They equal
    /// [`KMeansResult::centres`] reordered when Lloyd converged; after the last allowed
    /// iteration the centres moved once more than the assignment.
    pub assigned_by: Vec<(u32, Vec<f64>)>,
    pub iterations: usize,
    pub converged: bool,
    /// Σ_i w_i ‖p_i − c(p_i)‖², the (weighted) squared distance of every point to the
    /// centre it is assigned by ([`KMeansResult::assigned_by`]): what restarts compare.
    pub inertia: f64,
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Index of the nearest centre (the lowest index on ties) and the squared distance
/// Σ_j (point_j − centre_j)², summed in coordinate order.
pub(super) fn nearest<'a>(
    point: &[f64],
    centres: impl IntoIterator<Item = &'a [f64]>,
) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.into_iter().enumerate() {
        let d = squared_distance(point, centre);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// k-means++ seeding: the first centre drawn by weight, each next one with probability
/// ∝ weight × squared distance to the nearest centre. Stops early when every point
/// coincides with a centre (fewer distinct points than `k`).
fn seed_centres(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    k: usize,
    rng: &mut SplitMix64,
) -> Vec<f64> {
    let n = points.len() / dim;
    let weight = |i: usize| weight_of(weights, i);
    let draw = |scores: &dyn Fn(usize) -> f64, total: f64, rng: &mut SplitMix64| {
        let target = rng.next_f64() * total;
        let mut acc = 0.0;
        let mut last_positive = 0;
        for i in 0..n {
            let s = scores(i);
            if s > 0.0 {
                acc += s;
                last_positive = i;
                if acc > target {
                    return i;
                }
            }
        }
        last_positive
    };
    let total: f64 = (0..n).map(weight).sum();
    let first = if total > 0.0 {
        draw(&weight, total, rng)
    } else {
        0
    };
    let mut centres = points[first * dim..(first + 1) * dim].to_vec();
    let mut distance: Vec<f64> = (0..n)
        .map(|i| squared_distance(&points[i * dim..(i + 1) * dim], &centres))
        .collect();
    while centres.len() / dim < k {
        // Zero-weight points still count as distinct: they become states too.
        let score = |i: usize| distance[i] * weight(i).max(f64::MIN_POSITIVE);
        let total: f64 = (0..n).map(score).sum();
        if total <= 0.0 {
            break;
        }
        let next = draw(&score, total, rng);
        let new_centre = points[next * dim..(next + 1) * dim].to_vec();
        for (i, d) in distance.iter_mut().enumerate() {
            *d = d.min(squared_distance(
                &points[i * dim..(i + 1) * dim],
                &new_centre,
            ));
        }
        centres.extend_from_slice(&new_centre);
    }
    centres
}

/// Lloyd's k-means on `points` (row-major, `dim` coordinates each, `weights` one per
/// point) into at most `k` clusters, seeded by k-means++ from `seed`. A cluster left empty is re-seeded with
/// the point farthest from its centre. Deterministic for a given seed.
pub fn kmeans(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    k: usize,
    seed: u64,
    max_iterations: usize,
    report: &mut dyn FnMut(DiscretizeStage),
) -> KMeansResult {
    let n = points.len().checked_div(dim).unwrap_or(0);
    if n == 0 || k == 0 {
        return KMeansResult {
            assignment: Vec::new(),
            centres: Vec::new(),
            assigned_by: Vec::new(),
            iterations: 0,
            converged: true,
            inertia: 0.0,
        };
    }
    // One weight per point or none; a mismatched slice is ignored rather than indexed.
    let weights = weights.filter(|w| w.len() == n);
    report(DiscretizeStage::Seeding);
    let mut rng = SplitMix64::new(seed);
    let centres = seed_centres(points, dim, weights, k, &mut rng);
    lloyd(points, dim, weights, centres, max_iterations, report)
}

/// The seed of restart `r` of [`kmeans_best_of`]: restart 0 uses `seed` itself (so one
/// restart is exactly [`kmeans`]), later ones the draws of a [`SplitMix64`] seeded by it.
pub fn restart_seeds(seed: u64, restarts: usize) -> Vec<u64> {
    let mut rng = SplitMix64::new(seed);
    std::iter::once(seed)
        .chain(std::iter::repeat_with(move || rng.next_u64()))
        .take(restarts.max(1))
        .collect()
}

/// [`kmeans`] from `restarts` seeds ([`restart_seeds`]) keeping the run of least
/// [`KMeansResult::inertia`] (the first on ties), as scikit-learn's `n_init` does.
/// Deterministic for a given seed; `restarts` 0 or 1 is one run.
#[allow(clippy::too_many_arguments)]
pub fn kmeans_best_of(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    k: usize,
    seed: u64,
    max_iterations: usize,
    restarts: usize,
    report: &mut dyn FnMut(DiscretizeStage),
) -> KMeansResult {
    let mut best: Option<KMeansResult> = None;
    for s in restart_seeds(seed, restarts) {
        let run = kmeans(points, dim, weights, k, s, max_iterations, report);
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    best.expect("at least one restart")
}

/// Σ_i w_i ‖p_i − c_{a_i}‖² over the centres the assignment was made by (working order).
fn inertia(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    assignment: &[u32],
    centres: &[f64],
) -> f64 {
    assignment
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let c = c as usize;
            weight_of(weights, i)
                * squared_distance(
                    &points[i * dim..(i + 1) * dim],
                    &centres[c * dim..(c + 1) * dim],
                )
        })
        .sum()
}

/// Lloyd iterations from the given initial `centres` (row-major, `dim` each).
fn lloyd(
    points: &[f64],
    dim: usize,
    weights: Option<&[f64]>,
    mut centres: Vec<f64>,
    max_iterations: usize,
    report: &mut dyn FnMut(DiscretizeStage),
) -> KMeansResult {
    let n = points.len() / dim;
    let k = centres.len() / dim;
    let weight = |i: usize| weight_of(weights, i);
    let mut assignment = vec![u32::MAX; n];
    let mut distance = vec![0.0; n];
    let mut iterations = 0;
    let mut converged = false;
    // The centres the current assignment is nearest to.
    let mut assigned_by = centres.clone();
    while iterations < max_iterations {
        iterations += 1;
        report(DiscretizeStage::Lloyd {
            iteration: iterations,
            max_iterations,
        });
        let mut changed = 0usize;
        for i in 0..n {
            let (c, d) = nearest(&points[i * dim..(i + 1) * dim], centres.chunks_exact(dim));
            if assignment[i] != c as u32 {
                assignment[i] = c as u32;
                changed += 1;
            }
            distance[i] = d;
        }
        assigned_by.copy_from_slice(&centres);
        if changed == 0 {
            converged = true;
            break;
        }
        // New centres: weighted means (plain means for clusters of zero weight).
        let mut sums = vec![0.0; k * dim];
        let mut plain_sums = vec![0.0; k * dim];
        let mut mass = vec![0.0; k];
        let mut members = vec![0usize; k];
        for i in 0..n {
            let c = assignment[i] as usize;
            let w = weight(i);
            mass[c] += w;
            members[c] += 1;
            for j in 0..dim {
                sums[c * dim + j] += w * points[i * dim + j];
                plain_sums[c * dim + j] += points[i * dim + j];
            }
        }
        for c in 0..k {
            if members[c] == 0 {
                // Empty cluster: move it onto the point worst served by its centre.
                let far = (0..n).fold(0, |best, i| {
                    if distance[i] > distance[best] {
                        i
                    } else {
                        best
                    }
                });
                centres[c * dim..(c + 1) * dim]
                    .copy_from_slice(&points[far * dim..(far + 1) * dim]);
                distance[far] = 0.0;
                continue;
            }
            for j in 0..dim {
                centres[c * dim + j] = if mass[c] > 0.0 {
                    sums[c * dim + j] / mass[c]
                } else {
                    plain_sums[c * dim + j] / members[c] as f64
                };
            }
        }
    }
    let inertia = inertia(points, dim, weights, &assignment, &assigned_by);
    relabel_by_first_appearance(assignment, &centres, &assigned_by, dim)
        .with_progress(iterations, converged, inertia)
}

impl KMeansResult {
    fn with_progress(mut self, iterations: usize, converged: bool, inertia: f64) -> Self {
        self.iterations = iterations;
        self.converged = converged;
        self.inertia = inertia;
        self
    }
}

/// Renumbers clusters by the first sample in each (dropping empty ones), so labels are
/// stable and readable: `c0` is the cluster of the first sample. `assigned_by` (the
/// centres of the last assignment step) keeps its order, with the new numbers.
fn relabel_by_first_appearance(
    assignment: Vec<u32>,
    centres: &[f64],
    assigned_by: &[f64],
    dim: usize,
) -> KMeansResult {
    let k = centres.len() / dim;
    let mut new_index = vec![u32::MAX; k];
    let mut ordered = Vec::new();
    let assignment = assignment
        .into_iter()
        .map(|c| {
            let c = c as usize;
            if new_index[c] == u32::MAX {
                new_index[c] = ordered.len() as u32;
                ordered.push(centres[c * dim..(c + 1) * dim].to_vec());
            }
            new_index[c]
        })
        .collect();
    let assigned_by = assigned_by
        .chunks_exact(dim)
        .zip(&new_index)
        .filter(|(_, &state)| state != u32::MAX)
        .map(|(centre, &state)| (state, centre.to_vec()))
        .collect();
    KMeansResult {
        assignment,
        centres: ordered,
        assigned_by,
        iterations: 0,
        converged: false,
        inertia: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cluster_is_reseeded_at_the_farthest_point() {
        // Two groups on a line; the second initial centre is far from every point.
        let points = [0.0, 0.1, 0.2, 10.0, 10.1];
        let result = lloyd(&points, 1, None, vec![0.0, 1000.0], 100, &mut |_| {});
        assert!(result.converged);
        assert_eq!(result.assignment, [0, 0, 0, 1, 1]);
        assert!((result.centres[1][0] - 10.05).abs() < 1e-12);
        // Inertia: 0.01 + 0 + 0.01 around 0.1, 0.0025 twice around 10.05.
        assert!((result.inertia - 0.025).abs() < 1e-12, "{}", result.inertia);
    }

    /// Points in a few uneven blobs, where single k-means++ starts differ.
    fn blobs(n: usize) -> Vec<f64> {
        let mut rng = SplitMix64::new(3);
        let centres = [[0.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 3.0], [1.5, 6.0]];
        (0..n)
            .flat_map(|i| {
                let c = centres[i % centres.len()];
                [c[0] + 0.8 * rng.normal(), c[1] + 0.8 * rng.normal()]
            })
            .collect()
    }

    #[test]
    fn the_best_of_several_restarts_is_at_most_any_single_run() {
        let points = blobs(600);
        let single = |s| kmeans(&points, 2, None, 7, s, 100, &mut |_| {});
        let seeds = restart_seeds(11, 10);
        assert_eq!(seeds[0], 11, "restart 0 is the plain run");
        let best = kmeans_best_of(&points, 2, None, 7, 11, 100, 10, &mut |_| {});
        let runs: Vec<f64> = seeds.iter().map(|&s| single(s).inertia).collect();
        let least = runs.iter().cloned().fold(f64::INFINITY, f64::min);
        assert_eq!(best.inertia, least, "the best run is kept: {runs:?}");
        assert!(best.inertia <= single(11).inertia);
        // The starts do differ here, so the choice matters.
        assert!(runs.iter().any(|&r| r > least), "{runs:?}");
        // One restart is exactly the plain run.
        assert_eq!(
            kmeans_best_of(&points, 2, None, 7, 11, 100, 1, &mut |_| {}),
            single(11)
        );
    }
}
