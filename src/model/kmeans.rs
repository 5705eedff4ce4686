//! k-means clustering (Lloyd 1982) with greedy k-means++ seeding (Arthur & Vassilvitskii 2007,
//! 2 + ⌊ln k⌋ candidates per step as scikit-learn), `n_init` seeded restarts keeping the lowest
//! inertia, plus the helpers shared by the clustering modules: column z-scoring and canonical
//! cluster labels (largest cluster = 0, ties by first row). One ChaCha8 stream drives all
//! restarts, so results depend only on the seed. Must not choose k or read files.
use super::ModelError;
use ndarray::{Array2, ArrayView1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// k-means settings (defaults as scikit-learn's `KMeans`, except k which must be given).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansParams {
    pub k: usize,
    pub n_init: usize,
    pub max_iter: usize,
    /// Stop when Σ‖Δcentre‖² ≤ tol · mean column variance (or labels stop changing).
    pub tol: f64,
    pub seed: u64,
}

impl KMeansParams {
    /// Defaults: n_init 10, max_iter 300, tol 1e-4, seed 0.
    pub fn new(k: usize) -> Self {
        KMeansParams { k, n_init: 10, max_iter: 300, tol: 1e-4, seed: 0 }
    }
}

/// Best k-means solution over the restarts, with canonical labels (see [`canonical_labels`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansFit {
    pub labels: Vec<usize>,
    /// Centres, row c = centre of label c (fewer than k rows only if a centre captured no row,
    /// which needs duplicated rows).
    pub centers: Array2<f64>,
    /// Σ_i ‖x_i − centre(label_i)‖².
    pub inertia: f64,
    /// Lloyd iterations of the chosen restart.
    pub iterations: usize,
}

/// z = (x − mean) / sd per column, sd with ddof 0 (scikit-learn `StandardScaler`); a constant
/// column becomes all zeros. Errors on non-finite input.
pub fn zscore_columns(x: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    let mut z = x.to_owned();
    let n = x.nrows() as f64;
    for mut col in z.columns_mut() {
        let mean = col.sum() / n;
        let sd = (col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        col.mapv_inplace(|v| if sd > 0.0 { (v - mean) / sd } else { 0.0 });
    }
    Ok(z)
}

/// Relabel clusters 0..m by decreasing size, ties broken by the first row in each cluster, so
/// equal partitions always get equal label vectors.
pub fn canonical_labels(labels: &[usize]) -> Vec<usize> {
    let m = labels.iter().max().map_or(0, |&v| v + 1);
    let mut size = vec![0usize; m];
    let mut first = vec![usize::MAX; m];
    for (i, &l) in labels.iter().enumerate() {
        size[l] += 1;
        first[l] = first[l].min(i);
    }
    let mut order: Vec<usize> = (0..m).filter(|&c| size[c] > 0).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
    let mut new_label = vec![0; m];
    for (rank, &c) in order.iter().enumerate() {
        new_label[c] = rank;
    }
    labels.iter().map(|&l| new_label[l]).collect()
}

fn sq_dist(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(u, v)| (u - v) * (u - v)).sum()
}

/// Greedy k-means++: first centre uniform, then the best of 2 + ⌊ln k⌋ D²-sampled candidates.
fn kmeanspp(x: ArrayView2<f64>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let n = x.nrows();
    let trials = 2 + (k as f64).ln().floor() as usize;
    let mut centers = Array2::zeros((k, x.ncols()));
    let first = rng.random_range(0..n);
    centers.row_mut(0).assign(&x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(x.row(i), x.row(first))).collect();
    for c in 1..k {
        let pot: f64 = closest.iter().sum();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let target = rng.random::<f64>() * pot;
            let mut acc = 0.0;
            let mut cand = n - 1;
            for (i, d) in closest.iter().enumerate() {
                acc += d;
                if acc > target {
                    cand = i;
                    break;
                }
            }
            let new_closest: Vec<f64> = (0..n).map(|i| closest[i].min(sq_dist(x.row(i), x.row(cand)))).collect();
            let new_pot: f64 = new_closest.iter().sum();
            if best.as_ref().is_none_or(|b| new_pot < b.0) {
                best = Some((new_pot, cand, new_closest));
            }
        }
        let (_, cand, new_closest) = best.unwrap_or((0.0, 0, closest.clone()));
        centers.row_mut(c).assign(&x.row(cand));
        closest = new_closest;
    }
    centers
}

/// Index of the nearest centre (lowest index on ties) and its squared distance.
fn nearest(row: ArrayView1<f64>, centers: &Array2<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, ctr) in centers.rows().into_iter().enumerate() {
        let d = sq_dist(row, ctr);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

/// Lloyd iterations from `centers`; an emptied cluster is moved to the row farthest from its centre.
fn lloyd(x: ArrayView2<f64>, mut centers: Array2<f64>, max_iter: usize, tol: f64) -> KMeansFit {
    let (n, p) = x.dim();
    let k = centers.nrows();
    let mut labels = vec![usize::MAX; n];
    let mut iterations = 0;
    for _ in 0..max_iter {
        iterations += 1;
        let assign: Vec<(usize, f64)> = (0..n).map(|i| nearest(x.row(i), &centers)).collect();
        let changed = assign.iter().zip(&labels).any(|(a, &l)| a.0 != l);
        labels = assign.iter().map(|a| a.0).collect();
        let mut sums = Array2::<f64>::zeros((k, p));
        let mut counts = vec![0usize; k];
        for i in 0..n {
            sums.row_mut(labels[i]).scaled_add(1.0, &x.row(i));
            counts[labels[i]] += 1;
        }
        let mut far: Vec<usize> = (0..n).collect();
        far.sort_by(|&a, &b| assign[b].1.total_cmp(&assign[a].1).then(a.cmp(&b)));
        let mut far_iter = far.into_iter();
        let mut new_centers = centers.clone();
        for (c, &count) in counts.iter().enumerate() {
            if count > 0 {
                new_centers.row_mut(c).assign(&(&sums.row(c) / count as f64));
            } else if let Some(i) = far_iter.next() {
                new_centers.row_mut(c).assign(&x.row(i));
            }
        }
        let shift: f64 = (0..k).map(|c| sq_dist(centers.row(c), new_centers.row(c))).sum();
        centers = new_centers;
        if !changed || shift <= tol {
            break;
        }
    }
    let assign: Vec<(usize, f64)> = (0..n).map(|i| nearest(x.row(i), &centers)).collect();
    KMeansFit {
        labels: assign.iter().map(|a| a.0).collect(),
        inertia: assign.iter().map(|a| a.1).sum(),
        centers,
        iterations,
    }
}

/// k-means on the rows of X (as given; z-score first with [`zscore_columns`] if wanted).
pub fn kmeans(x: ArrayView2<f64>, params: &KMeansParams) -> Result<KMeansFit, ModelError> {
    let n = x.nrows();
    if params.k == 0 || params.k > n || params.n_init == 0 || params.max_iter == 0 || params.tol.is_nan() {
        return Err(ModelError::InvalidParameter(format!("k = {} for {n} rows, n_init {}", params.k, params.n_init)));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    let mean_var = x
        .columns()
        .into_iter()
        .map(|c| {
            let m = c.sum() / n as f64;
            c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64
        })
        .sum::<f64>()
        / x.ncols().max(1) as f64;
    let tol = params.tol * mean_var;
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut best: Option<KMeansFit> = None;
    for _ in 0..params.n_init {
        let fit = lloyd(x, kmeanspp(x, params.k, &mut rng), params.max_iter, tol);
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
    }
    let best = best.ok_or_else(|| ModelError::Degenerate("no k-means restart".into()))?;
    let labels = canonical_labels(&best.labels);
    let m = labels.iter().max().map_or(0, |&v| v + 1);
    let mut centers = Array2::zeros((m, x.ncols()));
    for (old, &new) in best.labels.iter().zip(&labels) {
        centers.row_mut(new).assign(&best.centers.row(*old));
    }
    Ok(KMeansFit { labels, centers, inertia: best.inertia, iterations: best.iterations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_labels_order_by_size_then_first_row() {
        assert_eq!(canonical_labels(&[2, 2, 0, 1, 1, 5]), vec![0, 0, 2, 1, 1, 3]);
    }
}
