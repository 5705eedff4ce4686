//! Agglomerative hierarchical clustering with Ward linkage on Euclidean distances, by the
//! nearest-neighbour-chain algorithm with the Lance–Williams update exactly as
//! `scipy.cluster.hierarchy.linkage(method="ward")` performs it (Müllner 2011, arXiv:1109.2378),
//! so merge heights and the scipy-style linkage matrix agree; plus cutting the tree into k
//! clusters (scipy `fcluster(criterion="maxclust")` for distinct heights) with canonical labels.
//! Must not z-score (use `kmeans::zscore_columns`) or choose k.
use super::kmeans::canonical_labels;
use super::ModelError;
use ndarray::ArrayView2;

/// One merge, scipy linkage-matrix row: clusters `a < b` (ids < n are rows, id n + i is the
/// cluster made by merge i), Ward height, and the size of the new cluster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    pub a: usize,
    pub b: usize,
    pub height: f64,
    pub size: usize,
}

/// Ward distance between cluster y∪x and cluster i from Euclidean distances (Lance–Williams):
/// √[((n_i + n_x) d_xi² + (n_i + n_y) d_yi² − n_i d_xy²) / (n_x + n_y + n_i)] (rounding below 0 → 0).
fn ward_update(d_xi: f64, d_yi: f64, d_xy: f64, nx: f64, ny: f64, ni: f64) -> f64 {
    let t = 1.0 / (nx + ny + ni);
    ((ni + nx) * t * d_xi * d_xi + (ni + ny) * t * d_yi * d_yi - ni * t * d_xy * d_xy).max(0.0).sqrt()
}

/// Ward linkage of the rows of X: n − 1 merges sorted by height (stable), labelled as scipy does.
pub fn ward_linkage(x: ArrayView2<f64>) -> Result<Vec<Merge>, ModelError> {
    let n = x.nrows();
    if n < 2 {
        return Err(ModelError::Degenerate(format!("{n} rows; need at least 2 to cluster")));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    let mut d = vec![0.0; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let s: f64 = x.row(i).iter().zip(x.row(j).iter()).map(|(u, v)| (u - v) * (u - v)).sum();
            d[i * n + j] = s.sqrt();
            d[j * n + i] = d[i * n + j];
        }
    }
    let mut size = vec![1usize; n];
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    // Raw merges in slot ids (x, y, height, size); the merged cluster lives in slot y.
    let mut raw: Vec<(usize, usize, f64, usize)> = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push((0..n).find(|&i| size[i] > 0).unwrap_or(0));
        }
        let (mut x_slot, mut y_slot, current_min);
        loop {
            x_slot = chain[chain.len() - 1];
            let mut best_min = f64::INFINITY;
            let mut best_y = usize::MAX;
            if chain.len() > 1 {
                best_y = chain[chain.len() - 2];
                best_min = d[x_slot * n + best_y];
            }
            for i in 0..n {
                if size[i] == 0 || i == x_slot {
                    continue;
                }
                if d[x_slot * n + i] < best_min {
                    best_min = d[x_slot * n + i];
                    best_y = i;
                }
            }
            y_slot = best_y;
            if chain.len() > 1 && y_slot == chain[chain.len() - 2] {
                current_min = best_min;
                break;
            }
            chain.push(y_slot);
        }
        chain.truncate(chain.len() - 2);
        if x_slot > y_slot {
            std::mem::swap(&mut x_slot, &mut y_slot);
        }
        let (nx, ny) = (size[x_slot], size[y_slot]);
        raw.push((x_slot, y_slot, current_min, nx + ny));
        size[x_slot] = 0;
        size[y_slot] = nx + ny;
        for i in 0..n {
            if size[i] == 0 || i == y_slot {
                continue;
            }
            let nd =
                ward_update(d[i * n + x_slot], d[i * n + y_slot], current_min, nx as f64, ny as f64, size[i] as f64);
            d[i * n + y_slot] = nd;
            d[y_slot * n + i] = nd;
        }
    }
    raw.sort_by(|a, b| a.2.total_cmp(&b.2)); // stable, like numpy's mergesort
                                             // Relabel with union–find: merge i creates cluster id n + i.
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut next_label = n;
    let find = |parent: &mut Vec<usize>, mut v: usize| {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    };
    let mut merges = Vec::with_capacity(n - 1);
    for &(xs, ys, h, s) in &raw {
        let (ra, rb) = (find(&mut parent, xs), find(&mut parent, ys));
        parent[ra] = next_label;
        parent[rb] = next_label;
        merges.push(Merge { a: ra.min(rb), b: ra.max(rb), height: h, size: s });
        next_label += 1;
    }
    Ok(merges)
}

/// Cut a linkage of `n` rows into `k` clusters by undoing the last k − 1 merges; labels are
/// canonical (largest cluster 0, ties by first row).
pub fn cut_tree(merges: &[Merge], n: usize, k: usize) -> Result<Vec<usize>, ModelError> {
    if merges.len() + 1 != n || k == 0 || k > n {
        return Err(ModelError::InvalidParameter(format!("k = {k} for {n} rows and {} merges", merges.len())));
    }
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    for (i, m) in merges.iter().take(n - k).enumerate() {
        parent[m.a] = n + i;
        parent[m.b] = n + i;
    }
    let root = |mut v: usize| {
        while parent[v] != v {
            v = parent[v];
        }
        v
    };
    let roots: Vec<usize> = (0..n).map(root).collect();
    Ok(canonical_labels(&roots))
}
