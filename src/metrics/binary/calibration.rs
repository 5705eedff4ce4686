//! Logistic recalibration of predicted probabilities: calibration slope, the joint-fit
//! intercept and calibration-in-the-large (Cox 1958; Steyerberg 2019, ch. 15).
//! Evaluates given probabilities; does not recalibrate a model.
use crate::metrics::distributions::Z_975;
use crate::metrics::error::{check_finite, check_len, Result, StatsError};
use crate::metrics::logistic_fit::fit_logistic;

/// Calibration slope / intercepts with Wald standard errors.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Clip ε: probabilities are clipped to [ε, 1−ε] before the logit.
    pub eps_clip: f64,
    /// Number of probabilities outside [ε, 1−ε].
    pub n_clipped: usize,
    /// b in y ~ a + b·logit(p).
    pub slope: f64,
    pub slope_se: f64,
    /// slope ± 1.959964·se.
    pub slope_ci95: [f64; 2],
    /// a in y ~ a + b·logit(p) (joint fit).
    pub intercept_joint: f64,
    pub intercept_joint_se: f64,
    /// a in y ~ a + offset(logit(p)) (slope fixed at 1): calibration-in-the-large.
    pub citl_intercept: f64,
    pub citl_se: f64,
    pub citl_ci95: [f64; 2],
    /// mean of the unclipped p.
    pub mean_predicted: f64,
    /// ȳ.
    pub observed_rate: f64,
}

/// Fits logit P(y=1) = a + b·logit(p̃) and logit P(y=1) = a + logit(p̃) (offset) by Newton,
/// p̃ = clip(p, ε, 1−ε). Errors if p ∉ [0,1], ε ∉ (0, ½), or a fit does not converge.
pub fn calibration(y: &[bool], p: &[f64], eps: f64) -> Result<Calibration> {
    check_len("probability", p.len(), y.len())?;
    check_finite("probability", p)?;
    if !(eps > 0.0 && eps < 0.5) {
        return Err(StatsError::InvalidArgument(format!("eps {eps} not in (0, 0.5)")));
    }
    if p.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
        return Err(StatsError::InvalidArgument("probability outside [0, 1]".into()));
    }
    if y.is_empty() {
        return Err(StatsError::InvalidArgument("empty input".into()));
    }
    let n_clipped = p.iter().filter(|&&v| v < eps || v > 1.0 - eps).count();
    let lp: Vec<f64> = p
        .iter()
        .map(|&v| {
            let c = v.clamp(eps, 1.0 - eps);
            (c / (1.0 - c)).ln()
        })
        .collect();
    let ones = vec![1.0; y.len()];
    let joint = fit_logistic(&[ones.clone(), lp.clone()], None, y)?;
    let citl = fit_logistic(&[ones], Some(&lp), y)?;
    let n = y.len() as f64;
    let (slope, slope_se) = (joint.coef[1], joint.se[1]);
    let (a, a_se) = (citl.coef[0], citl.se[0]);
    Ok(Calibration {
        eps_clip: eps,
        n_clipped,
        slope,
        slope_se,
        slope_ci95: [slope - Z_975 * slope_se, slope + Z_975 * slope_se],
        intercept_joint: joint.coef[0],
        intercept_joint_se: joint.se[0],
        citl_intercept: a,
        citl_se: a_se,
        citl_ci95: [a - Z_975 * a_se, a + Z_975 * a_se],
        mean_predicted: p.iter().sum::<f64>() / n,
        observed_rate: y.iter().filter(|&&v| v).count() as f64 / n,
    })
}
