//! Pointwise bootstrap confidence band of an ROC curve: on a fixed false-positive-rate grid,
//! the TPR of every resample's empirical ROC (linear interpolation between ROC vertices; at a
//! vertical step the highest TPR) and its type-7 percentiles. Evaluates given scores only;
//! the resample indices come from `binary::stratified_bootstrap_indices`.

use super::binary::roc_curve;
use super::error::{check_len, Result, StatsError};
use super::quantile::quantile_type7_sorted;

/// A pointwise band: for each `fpr` grid value, lower and upper TPR.
#[derive(Debug, Clone, PartialEq)]
pub struct RocBand {
    pub fpr: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Resamples with both classes (the others are skipped).
    pub n_used: usize,
}

/// `n + 1` equally spaced FPR values 0, 1/n, …, 1.
pub fn fpr_grid(n: usize) -> Vec<f64> {
    let n = n.max(1);
    (0..=n).map(|k| k as f64 / n as f64).collect()
}

/// TPR of the ROC polyline (`fpr` non-decreasing) at `f`: the highest TPR among vertices at
/// exactly `f`, else linear interpolation between the neighbouring vertices.
pub fn tpr_at(fpr: &[f64], tpr: &[f64], f: f64) -> f64 {
    let mut best: Option<f64> = None;
    for (k, (&x, &t)) in fpr.iter().zip(tpr).enumerate() {
        if x == f {
            best = Some(best.map_or(t, |b: f64| b.max(t)));
        } else if x > f {
            if best.is_some() {
                break;
            }
            if k == 0 {
                return t;
            }
            let (x0, t0) = (fpr[k - 1], tpr[k - 1]);
            return t0 + (t - t0) * (f - x0) / (x - x0);
        }
    }
    best.unwrap_or_else(|| *tpr.last().unwrap_or(&f64::NAN))
}

/// Pointwise percentile band (`level`, e.g. 0.95) of the ROC over the resamples `indices`.
pub fn roc_band(y: &[bool], score: &[f64], indices: &[Vec<usize>], grid: &[f64], level: f64) -> Result<RocBand> {
    check_len("score", score.len(), y.len())?;
    if !(level > 0.0 && level < 1.0) {
        return Err(StatsError::InvalidArgument(format!("level {level} not in (0, 1)")));
    }
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(indices.len()); grid.len()];
    let (mut yb, mut sb) = (Vec::new(), Vec::new());
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
        let Ok(roc) = roc_curve(&yb, &sb) else { continue };
        for (c, &f) in cols.iter_mut().zip(grid) {
            c.push(tpr_at(&roc.fpr, &roc.tpr, f));
        }
    }
    let n_used = cols.first().map_or(0, Vec::len);
    if n_used == 0 {
        return Err(StatsError::InvalidArgument("no bootstrap resample has both classes".into()));
    }
    let a = (1.0 - level) / 2.0;
    let (mut lower, mut upper) = (Vec::new(), Vec::new());
    for c in &mut cols {
        c.sort_by(f64::total_cmp);
        lower.push(quantile_type7_sorted(c, a));
        upper.push(quantile_type7_sorted(c, 1.0 - a));
    }
    Ok(RocBand { fpr: grid.to_vec(), lower, upper, n_used })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpr_at_takes_top_of_vertical_steps_and_interpolates() {
        let fpr = [0.0, 0.0, 0.5, 0.5, 1.0];
        let tpr = [0.0, 0.4, 0.6, 0.9, 1.0];
        assert_eq!(tpr_at(&fpr, &tpr, 0.0), 0.4);
        assert_eq!(tpr_at(&fpr, &tpr, 0.5), 0.9);
        assert!((tpr_at(&fpr, &tpr, 0.25) - 0.5).abs() < 1e-15);
        assert!((tpr_at(&fpr, &tpr, 0.75) - 0.95).abs() < 1e-15);
        assert_eq!(tpr_at(&fpr, &tpr, 1.0), 1.0);
    }
}
