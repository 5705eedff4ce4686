//! DeLong standard error / confidence interval of one AUC and the paired DeLong test of two AUCs
//! on the same subjects, by the fast mid-rank algorithm of Sun & Xu (2014).
//! No resampling here (see `bootstrap`).
use crate::metrics::distributions::{normal_two_sided_p, Z_975};
use crate::metrics::error::{check_finite, check_len, class_counts, Result};
use crate::metrics::ranks::midranks;

/// AUC with its DeLong variance and 95% Wald CI.
#[derive(Debug, Clone, PartialEq)]
pub struct DelongAuc {
    pub auc: f64,
    pub var: f64,
    pub se: f64,
    /// auc ∓ z·se clipped to [0, 1].
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub ci_lower_unclipped: f64,
    pub ci_upper_unclipped: f64,
}

/// Paired DeLong comparison of AUC₁ and AUC₂.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedDelong {
    pub auc1: f64,
    pub auc2: f64,
    /// auc1 − auc2.
    pub diff: f64,
    /// Var(AUC₁ − AUC₂) = V₁ + V₂ − 2·Cov₁₂.
    pub var_diff: f64,
    pub cov12: f64,
    /// diff / √var_diff.
    pub z: f64,
    /// 2·(1 − Φ(|z|)).
    pub p_two_sided: f64,
}

/// Structural components (placement values) of one score vector, Sun & Xu (2014) eq. 6–7:
/// V10ᵢ = (Tzᵢ − Txᵢ)/n₋ for positives, V01ⱼ = 1 − (Tzⱼ − Tyⱼ)/n₊ for negatives,
/// Tz = mid-ranks among all, Tx / Ty = mid-ranks within positives / negatives.
fn placements(y: &[bool], score: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let pos: Vec<f64> = score.iter().zip(y).filter(|(_, &l)| l).map(|(s, _)| *s).collect();
    let neg: Vec<f64> = score.iter().zip(y).filter(|(_, &l)| !l).map(|(s, _)| *s).collect();
    let (m, n) = (pos.len() as f64, neg.len() as f64);
    let tz = midranks(score);
    let tx = midranks(&pos);
    let ty = midranks(&neg);
    let tz_pos = tz.iter().zip(y).filter(|(_, &l)| l).map(|(t, _)| *t);
    let tz_neg = tz.iter().zip(y).filter(|(_, &l)| !l).map(|(t, _)| *t);
    let v10 = tz_pos.zip(&tx).map(|(z, x)| (z - x) / n).collect();
    let v01 = tz_neg.zip(&ty).map(|(z, t)| 1.0 - (z - t) / m).collect();
    (v10, v01)
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample covariance with n − 1 denominator (NaN when n < 2).
fn cov(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let s: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    s / (a.len() as f64 - 1.0)
}

/// DeLong et al. (1988) variance Var(AUC) = S10/n₊ + S01/n₋ (S = n−1 sample variances of the
/// placement values), computed with Sun & Xu (2014); CI = AUC ± 1.959964·SE clipped to [0,1].
/// Needs ≥ 2 of each class.
pub fn delong_auc(y: &[bool], score: &[f64]) -> Result<DelongAuc> {
    check_len("score", score.len(), y.len())?;
    check_finite("score", score)?;
    let (m, n) = class_counts(y, 2)?;
    let (v10, v01) = placements(y, score);
    let auc = mean(&v10);
    let var = cov(&v10, &v10) / m as f64 + cov(&v01, &v01) / n as f64;
    let se = var.sqrt();
    let lo = auc - Z_975 * se;
    let hi = auc + Z_975 * se;
    Ok(DelongAuc {
        auc,
        var,
        se,
        ci_lower: lo.clamp(0.0, 1.0),
        ci_upper: hi.clamp(0.0, 1.0),
        ci_lower_unclipped: lo,
        ci_upper_unclipped: hi,
    })
}

/// Paired DeLong test of AUC(score1) = AUC(score2) on the same subjects (DeLong et al. 1988):
/// z = (A₁ − A₂)/√(V₁ + V₂ − 2C₁₂), C₁₂ = Cov(V10¹,V10²)/n₊ + Cov(V01¹,V01²)/n₋; two-sided normal p.
pub fn delong_paired(y: &[bool], score1: &[f64], score2: &[f64]) -> Result<PairedDelong> {
    check_len("score1", score1.len(), y.len())?;
    check_len("score2", score2.len(), y.len())?;
    check_finite("score1", score1)?;
    check_finite("score2", score2)?;
    let (m, n) = class_counts(y, 2)?;
    let (a10, a01) = placements(y, score1);
    let (b10, b01) = placements(y, score2);
    let (m, n) = (m as f64, n as f64);
    let var1 = cov(&a10, &a10) / m + cov(&a01, &a01) / n;
    let var2 = cov(&b10, &b10) / m + cov(&b01, &b01) / n;
    let cov12 = cov(&a10, &b10) / m + cov(&a01, &b01) / n;
    let (auc1, auc2) = (mean(&a10), mean(&b10));
    let diff = auc1 - auc2;
    let var_diff = var1 + var2 - 2.0 * cov12;
    let z = diff / var_diff.sqrt();
    Ok(PairedDelong { auc1, auc2, diff, var_diff, cov12, z, p_two_sided: normal_two_sided_p(z) })
}
