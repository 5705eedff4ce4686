//! Univariate filter selection: rank features by one univariate score against a binary outcome
//! (Mann–Whitney p, ANOVA F or |AUC − 0.5|) and keep the k best or a top percentile.
//! Ties are broken by column index (lower index first); undefined scores rank last.
//! Only ranks and picks columns; it must not scale data or adjust p-values.
use super::univariate::{anova_f_oneway, mann_whitney_u};
use crate::metrics::binary::auc;
use ndarray::{Array1, Array2};
use std::cmp::Ordering;

/// The univariate score used to rank features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnivariateScore {
    /// Two-sided Mann–Whitney p (tie and continuity corrected); smaller is better.
    MannWhitneyP,
    /// One-way ANOVA F (sklearn `f_classif`); larger is better.
    AnovaF,
    /// |AUC − 0.5| with the feature as the score; larger is better.
    AucDistance,
}

impl UnivariateScore {
    fn smaller_is_better(self) -> bool {
        matches!(self, UnivariateScore::MannWhitneyP)
    }
}

/// Split column `j` into (positives, negatives) by y == 1.
pub(crate) fn split_by_class(x: &Array2<f64>, y: &Array1<f64>, j: usize) -> (Vec<f64>, Vec<f64>) {
    let col = x.column(j);
    let pos = col.iter().zip(y).filter(|(_, &t)| t == 1.0).map(|(v, _)| *v).collect();
    let neg = col.iter().zip(y).filter(|(_, &t)| t != 1.0).map(|(v, _)| *v).collect();
    (pos, neg)
}

/// The chosen score of every column against the 0/1 outcome `y` (NaN where undefined, e.g. a
/// single class, non-finite values or, for ANOVA F, a constant column).
pub fn univariate_scores(x: &Array2<f64>, y: &Array1<f64>, score: UnivariateScore) -> Vec<f64> {
    let yb: Vec<bool> = y.iter().map(|&v| v == 1.0).collect();
    (0..x.ncols())
        .map(|j| {
            let (pos, neg) = split_by_class(x, y, j);
            let v = match score {
                UnivariateScore::MannWhitneyP => mann_whitney_u(&pos, &neg).map(|r| r.p),
                UnivariateScore::AnovaF => anova_f_oneway(&[&pos, &neg]).map(|r| r.f),
                UnivariateScore::AucDistance => auc(&yb, &x.column(j).to_vec()).map(|a| (a - 0.5).abs()),
            };
            v.ok().filter(|s| !s.is_nan()).unwrap_or(f64::NAN)
        })
        .collect()
}

/// Column indices ordered best first by `scores`; ties by column index, NaN last.
pub fn rank_by_score(scores: &[f64], smaller_is_better: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (scores[a], scores[b]);
        let by_value = match (sa.is_nan(), sb.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ if smaller_is_better => sa.total_cmp(&sb),
            _ => sb.total_cmp(&sa),
        };
        by_value.then(a.cmp(&b))
    });
    order
}

/// Features ranked best first by `score` (ties by column index, undefined scores last).
pub fn rank_features(x: &Array2<f64>, y: &Array1<f64>, score: UnivariateScore) -> Vec<usize> {
    rank_by_score(&univariate_scores(x, y, score), score.smaller_is_better())
}

/// The `k` best columns by `score`, returned in ascending column order (all if k ≥ p).
pub fn k_best(x: &Array2<f64>, y: &Array1<f64>, score: UnivariateScore, k: usize) -> Vec<usize> {
    let mut keep: Vec<usize> = rank_features(x, y, score).into_iter().take(k).collect();
    keep.sort_unstable();
    keep
}

/// The best ⌊p · percentile / 100⌋ columns (scikit-learn `SelectPercentile`'s count), ascending
/// column order; `percentile` is clamped to [0, 100].
pub fn percentile_best(x: &Array2<f64>, y: &Array1<f64>, score: UnivariateScore, percentile: f64) -> Vec<usize> {
    let pct = if percentile.is_nan() { 0.0 } else { percentile.clamp(0.0, 100.0) };
    let k = (x.ncols() as f64 * pct / 100.0).floor() as usize;
    k_best(x, y, score, k)
}
