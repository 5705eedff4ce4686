//! Classification at a probability threshold (confusion counts and derived rates) and the
//! Youden-optimal threshold. Chooses thresholds only on the data it is given.
use super::roc::roc_curve;
use crate::metrics::error::{check_finite, check_len, Result};

/// Confusion matrix at a threshold and the usual rates (NaN where a denominator is 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfusionMetrics {
    pub threshold: f64,
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    pub fn_: usize,
    /// TP/(TP+FN).
    pub sensitivity: f64,
    /// TN/(TN+FP).
    pub specificity: f64,
    /// (TP+TN)/n.
    pub accuracy: f64,
    /// TP/(TP+FP).
    pub ppv: f64,
    /// TN/(TN+FN).
    pub npv: f64,
    /// 2TP/(2TP+FP+FN).
    pub f1: f64,
    /// (sensitivity + specificity)/2.
    pub balanced_accuracy: f64,
}

/// Youden-optimal threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct YoudenThreshold {
    /// The score value t; classify positive iff score ≥ t.
    pub threshold: f64,
    /// J = sensitivity + specificity − 1 at t.
    pub j: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// Confusion counts with the rule "positive iff score ≥ threshold", and the derived rates.
pub fn confusion_at_threshold(y: &[bool], score: &[f64], threshold: f64) -> Result<ConfusionMetrics> {
    check_len("score", score.len(), y.len())?;
    check_finite("score", score)?;
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    for (&s, &l) in score.iter().zip(y) {
        match (s >= threshold, l) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
    }
    let sensitivity = ratio(tp, tp + fn_);
    let specificity = ratio(tn, tn + fp);
    Ok(ConfusionMetrics {
        threshold,
        tp,
        fp,
        tn,
        fn_,
        sensitivity,
        specificity,
        accuracy: ratio(tp + tn, y.len()),
        ppv: ratio(tp, tp + fp),
        npv: ratio(tn, tn + fn_),
        f1: ratio(2 * tp, 2 * tp + fp + fn_),
        balanced_accuracy: (sensitivity + specificity) / 2.0,
    })
}

/// Youden (1950) threshold: argmax over distinct scores t of J(t) = TPR(t) − FPR(t), positive iff
/// score ≥ t. Tie rule (as sklearn `roc_curve` + `np.argmax`): the first maximum in descending
/// threshold order, i.e. the HIGHEST threshold among equal J. Never returns the +∞ start point
/// unless every J ≤ 0 there (then J = 0 at +∞ is returned).
pub fn youden_threshold(y: &[bool], score: &[f64]) -> Result<YoudenThreshold> {
    let roc = roc_curve(y, score)?;
    let mut best = 0;
    let mut best_j = f64::NEG_INFINITY;
    for k in 0..roc.thresholds.len() {
        let j = roc.tpr[k] - roc.fpr[k];
        if j > best_j {
            best_j = j;
            best = k;
        }
    }
    Ok(YoudenThreshold { threshold: roc.thresholds[best], j: best_j })
}
