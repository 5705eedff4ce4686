//! Empirical ROC curve (all distinct thresholds) for plotting and threshold search.
//! No smoothing, no interpolation, no AUC confidence bands.
use crate::metrics::error::{check_finite, check_len, class_counts, Result};
use crate::metrics::ranks::argsort;

/// ROC points ordered by decreasing threshold; point k classifies score ≥ thresholds[k] positive.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    /// +∞ first (the (0,0) point), then every distinct score, descending.
    pub thresholds: Vec<f64>,
}

/// ROC curve like `sklearn.metrics.roc_curve(drop_intermediate=False)`:
/// tpr = TP(t)/P, fpr = FP(t)/N at each distinct score t, positive iff score ≥ t.
pub fn roc_curve(y: &[bool], score: &[f64]) -> Result<RocCurve> {
    check_len("score", score.len(), y.len())?;
    check_finite("score", score)?;
    let (n_pos, n_neg) = class_counts(y, 1)?;
    let mut order = argsort(score);
    order.reverse();
    let mut fpr = vec![0.0];
    let mut tpr = vec![0.0];
    let mut thresholds = vec![f64::INFINITY];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < order.len() {
        let t = score[order[i]];
        while i < order.len() && score[order[i]] == t {
            if y[order[i]] {
                tp += 1;
            } else {
                fp += 1;
            }
            i += 1;
        }
        tpr.push(tp as f64 / n_pos as f64);
        fpr.push(fp as f64 / n_neg as f64);
        thresholds.push(t);
    }
    Ok(RocCurve { fpr, tpr, thresholds })
}

impl RocCurve {
    /// Trapezoidal area under the curve (equals the Mann–Whitney AUC with ties = ½).
    pub fn area(&self) -> f64 {
        self.fpr.windows(2).zip(self.tpr.windows(2)).map(|(f, t)| (f[1] - f[0]) * (t[1] + t[0]) / 2.0).sum()
    }
}
