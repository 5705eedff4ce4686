//! Minimum-redundancy maximum-relevance feature ordering, FCQ variant (Ding & Peng 2005;
//! the `mrmr_selection` package's `mrmr_classif` defaults): relevance = ANOVA F, redundancy =
//! mean |Pearson r| with the already selected features (each floored at 0.001), score = F /
//! redundancy, greedy. Orders columns only; it must not scale data or fit a model.
use super::univariate::anova_f_oneway;
use ndarray::{Array1, Array2};

/// Floor on |r| (mrmr_selection's FLOOR), so a perfectly uncorrelated feature has a finite score.
pub const REDUNDANCY_FLOOR: f64 = 0.001;

/// ANOVA F of every column across the classes of `y` (sklearn `f_classif`); 0 where undefined
/// (constant column, a single class), as mrmr_selection fills missing relevance with 0.
pub fn anova_f_relevance(x: &Array2<f64>, y: &Array1<f64>) -> Vec<f64> {
    let mut classes: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    (0..x.ncols())
        .map(|j| {
            let col = x.column(j);
            let groups: Vec<Vec<f64>> = classes
                .iter()
                .map(|&c| col.iter().zip(y).filter(|(_, &t)| t == c).map(|(v, _)| *v).collect())
                .collect();
            let refs: Vec<&[f64]> = groups.iter().map(|g| g.as_slice()).collect();
            anova_f_oneway(&refs).map(|r| r.f).ok().filter(|f| f.is_finite()).unwrap_or(0.0)
        })
        .collect()
}

/// Pearson r of columns a and b (NaN if either is constant).
fn pearson(x: &Array2<f64>, a: usize, b: usize) -> f64 {
    let (ca, cb) = (x.column(a), x.column(b));
    let n = ca.len() as f64;
    let (ma, mb) = (ca.sum() / n, cb.sum() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (u, v) in ca.iter().zip(cb.iter()) {
        sab += (u - ma) * (v - mb);
        saa += (u - ma) * (u - ma);
        sbb += (v - mb) * (v - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// mRMR-FCQ order with the score at selection: first the largest F, then repeatedly the feature
/// maximising F_j / mean_{s ∈ S} max(|r_js|, 0.001) (undefined r counts as the floor; a mean of
/// exactly 1 scores 0). As mrmr_selection, only features with F > 0 are candidates, so fewer
/// than k may be returned. Ties go to the lower column index.
pub fn mrmr_fcq_with_scores(x: &Array2<f64>, y: &Array1<f64>, k: usize) -> Vec<(usize, f64)> {
    let p = x.ncols();
    let relevance = anova_f_relevance(x, y);
    let mut redundancy_sum = vec![0.0; p];
    let mut selected: Vec<(usize, f64)> = Vec::new();
    // features without positive relevance are never candidates (mrmr_selection)
    let mut taken: Vec<bool> = relevance.iter().map(|&f| f <= 0.0).collect();
    let candidates = taken.iter().filter(|&&t| !t).count();
    while selected.len() < k.min(candidates) {
        let m = selected.len() as f64;
        let mut best: Option<(usize, f64)> = None;
        for j in (0..p).filter(|&j| !taken[j]) {
            let mean_redundancy = if m == 0.0 { 1.0 } else { redundancy_sum[j] / m };
            let score = if m > 0.0 && mean_redundancy == 1.0 { 0.0 } else { relevance[j] / mean_redundancy };
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((j, score));
            }
        }
        let Some((chosen, score)) = best else { break };
        taken[chosen] = true;
        selected.push((chosen, score));
        for j in (0..p).filter(|&j| !taken[j]) {
            let r = pearson(x, j, chosen).abs();
            redundancy_sum[j] += if r.is_nan() { REDUNDANCY_FLOOR } else { r.max(REDUNDANCY_FLOOR) };
        }
    }
    selected
}

/// mRMR-FCQ: the first `k` columns in selection order (see `mrmr_fcq_with_scores`).
pub fn mrmr_fcq(x: &Array2<f64>, y: &Array1<f64>, k: usize) -> Vec<usize> {
    mrmr_fcq_with_scores(x, y, k).into_iter().map(|(j, _)| j).collect()
}
