//! Area under the ROC curve as the Mann–Whitney probability P(score₊ > score₋) + ½P(tie).
//! Only the point estimate; uncertainty lives in `delong` and `bootstrap`.
use crate::metrics::error::{check_finite, check_len, class_counts, Result};
use crate::metrics::ranks::midranks;

/// AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋), R₊ = sum of mid-ranks of positive scores
/// (Mann & Whitney 1947; Hanley & McNeil 1982). Ties count ½. Needs ≥ 1 of each class.
pub fn auc(y: &[bool], score: &[f64]) -> Result<f64> {
    check_len("score", score.len(), y.len())?;
    check_finite("score", score)?;
    let (n_pos, n_neg) = class_counts(y, 1)?;
    let ranks = midranks(score);
    let r_pos: f64 = ranks.iter().zip(y).filter(|(_, &l)| l).map(|(r, _)| r).sum();
    let n1 = n_pos as f64;
    Ok((r_pos - n1 * (n1 + 1.0) / 2.0) / (n1 * n_neg as f64))
}
