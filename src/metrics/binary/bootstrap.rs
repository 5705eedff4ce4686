//! Percentile bootstrap confidence intervals of any binary-outcome metric, from an explicit
//! resample index matrix or from seeded stratified resamples (ChaCha8).
//! Resampling only; the metric itself is passed in.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::metrics::error::{check_len, Result, StatsError};
use crate::metrics::quantile::quantile_type7_sorted;

/// Bootstrap distribution summary and percentile CI.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapCi {
    /// Resamples given.
    pub n_boot_requested: usize,
    /// Resamples on which the metric was defined (e.g. both classes present).
    pub n_boot_used: usize,
    pub mean: f64,
    /// Standard deviation with n − 1 denominator.
    pub sd: f64,
    /// Type-7 quantile at (1 − level)/2.
    pub lower: f64,
    /// Type-7 quantile at (1 + level)/2.
    pub upper: f64,
}

/// Stratified bootstrap resamples: each row draws n₊ positives and n₋ negatives uniformly with
/// replacement (positives first), from `ChaCha8Rng::seed_from_u64(seed)`. Indices are positions in `y`.
pub fn stratified_bootstrap_indices(y: &[bool], n_boot: usize, seed: u64) -> Vec<Vec<usize>> {
    let pos: Vec<usize> = (0..y.len()).filter(|&i| y[i]).collect();
    let neg: Vec<usize> = (0..y.len()).filter(|&i| !y[i]).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n_boot)
        .map(|_| {
            let mut row = Vec::with_capacity(y.len());
            for group in [&pos, &neg] {
                for _ in 0..group.len() {
                    row.push(group[rng.random_range(0..group.len())]);
                }
            }
            row
        })
        .collect()
}

/// Percentile bootstrap CI (Efron & Tibshirani 1993): the metric on each resample
/// (y[idx], score[idx]); resamples where the metric errors are skipped; bounds are R type-7
/// quantiles at (1∓level)/2. Errors if an index is out of range or no resample is usable.
pub fn bootstrap_percentile_ci<F>(
    y: &[bool],
    score: &[f64],
    indices: &[Vec<usize>],
    level: f64,
    metric: F,
) -> Result<BootstrapCi>
where
    F: Fn(&[bool], &[f64]) -> Result<f64>,
{
    check_len("score", score.len(), y.len())?;
    if !(level > 0.0 && level < 1.0) {
        return Err(StatsError::InvalidArgument(format!("level {level} not in (0, 1)")));
    }
    let mut values = Vec::with_capacity(indices.len());
    let mut yb = Vec::new();
    let mut sb = Vec::new();
    for row in indices {
        yb.clear();
        sb.clear();
        for &i in row {
            if i >= y.len() {
                return Err(StatsError::InvalidArgument(format!(
                    "bootstrap index {i} out of range for {} rows",
                    y.len()
                )));
            }
            yb.push(y[i]);
            sb.push(score[i]);
        }
        if let Ok(v) = metric(&yb, &sb) {
            values.push(v);
        }
    }
    if values.is_empty() {
        return Err(StatsError::InvalidArgument("metric undefined on every bootstrap resample".into()));
    }
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0)).sqrt();
    values.sort_by(f64::total_cmp);
    let alpha = 1.0 - level;
    Ok(BootstrapCi {
        n_boot_requested: indices.len(),
        n_boot_used: values.len(),
        mean,
        sd,
        lower: quantile_type7_sorted(&values, alpha / 2.0),
        upper: quantile_type7_sorted(&values, 1.0 - alpha / 2.0),
    })
}
