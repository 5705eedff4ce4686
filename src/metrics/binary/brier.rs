//! Brier score and scaled Brier score of predicted probabilities. Pure arithmetic.
use crate::metrics::error::{check_finite, check_len, Result, StatsError};

/// Brier score, its null-model reference and the scaled version.
#[derive(Debug, Clone, PartialEq)]
pub struct BrierScore {
    /// mean (p − y)² (Brier 1950).
    pub brier: f64,
    /// Brier of always predicting the observed prevalence: ȳ(1 − ȳ).
    pub brier_null_prevalence: f64,
    /// 1 − brier / brier_null (Steyerberg et al. 2010); NaN when the null Brier is 0.
    pub brier_scaled: f64,
}

/// Brier = (1/n)Σ(pᵢ − yᵢ)², null = ȳ(1−ȳ), scaled = 1 − Brier/null. Errors on empty input.
pub fn brier_score(y: &[bool], p: &[f64]) -> Result<BrierScore> {
    check_len("probability", p.len(), y.len())?;
    check_finite("probability", p)?;
    if y.is_empty() {
        return Err(StatsError::InvalidArgument("empty input".into()));
    }
    let n = y.len() as f64;
    let brier = p.iter().zip(y).map(|(pi, &yi)| (pi - if yi { 1.0 } else { 0.0 }).powi(2)).sum::<f64>() / n;
    let prev = y.iter().filter(|&&v| v).count() as f64 / n;
    let null = prev * (1.0 - prev);
    let scaled = if null > 0.0 { 1.0 - brier / null } else { f64::NAN };
    Ok(BrierScore { brier, brier_null_prevalence: null, brier_scaled: scaled })
}
