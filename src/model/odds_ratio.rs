//! Odds ratio of a binary exposure (e.g. a radiomic subgroup) for a binary outcome from the 2×2
//! table a = exposed & outcome, b = exposed & no outcome, c = unexposed & outcome,
//! d = unexposed & no outcome: sample OR = ad / bc with Woolf's (1955) log-scale 95% CI
//! exp(ln OR ± 1.959964·√(1/a + 1/b + 1/c + 1/d)), Fisher's exact two-sided p and Pearson χ²
//! p with and without Yates' correction. The Haldane–Anscombe correction (+0.5 to every cell)
//! is applied to the OR and its CI only when a cell is zero; the p-values always use the raw
//! counts. Must not stratify, adjust for confounders or fit models.
use super::ModelError;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::gamma::ln_gamma;

/// Φ⁻¹(0.975) (scipy `ndtri(0.975)`).
const Z_975: f64 = 1.959_963_984_540_054;

/// The 2×2 table and its statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OddsRatio {
    /// [[a, b], [c, d]]: rows exposed / unexposed, columns outcome / no outcome.
    pub table: [[u64; 2]; 2],
    /// ad / bc (after +0.5 when a cell is zero); NaN when a row or column total is zero.
    pub or: f64,
    /// Woolf 95% CI on the same (possibly corrected) counts; NaN when `or` is NaN.
    pub ci95: [f64; 2],
    /// True when the Haldane–Anscombe +0.5 correction was applied (some cell was zero).
    pub haldane_corrected: bool,
    /// Fisher's exact two-sided p: Σ P(table) over tables (fixed margins) no more likely than the
    /// observed (relative tolerance 1e-7, as R's fisher.test); 1 when a margin is zero.
    pub p_fisher: f64,
    /// Pearson χ² (1 df) without continuity correction and its p; NaN when a margin is zero.
    pub chi2: f64,
    pub p_chi2: f64,
    /// Pearson χ² with Yates' correction (|O − E| reduced by min(0.5, |O − E|), as scipy
    /// `chi2_contingency` and R `chisq.test`) and its p; NaN when a margin is zero.
    pub chi2_yates: f64,
    pub p_chi2_yates: f64,
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// Fisher's exact two-sided p for [[a, b], [c, d]] (hypergeometric on the first cell).
fn fisher_two_sided(t: [[u64; 2]; 2]) -> f64 {
    let row1 = t[0][0] + t[0][1];
    let col1 = t[0][0] + t[1][0];
    let n = row1 + t[1][0] + t[1][1];
    let lo = col1.saturating_sub(n - row1);
    let hi = row1.min(col1);
    let ln_denominator = ln_choose(n, col1);
    let pmf = |x: u64| (ln_choose(row1, x) + ln_choose(n - row1, col1 - x) - ln_denominator).exp();
    let observed = pmf(t[0][0]);
    let p: f64 = (lo..=hi).map(pmf).filter(|&q| q <= observed * (1.0 + 1e-7)).sum();
    p.min(1.0)
}

/// Pearson χ² of a 2×2 table, optionally with Yates' correction.
fn pearson_chi2(t: [[u64; 2]; 2], yates: bool) -> f64 {
    let rows = [(t[0][0] + t[0][1]) as f64, (t[1][0] + t[1][1]) as f64];
    let cols = [(t[0][0] + t[1][0]) as f64, (t[0][1] + t[1][1]) as f64];
    let n = rows[0] + rows[1];
    let mut chi2 = 0.0;
    for i in 0..2 {
        for j in 0..2 {
            let expected = rows[i] * cols[j] / n;
            let mut diff = (t[i][j] as f64 - expected).abs();
            if yates {
                diff -= diff.min(0.5);
            }
            chi2 += diff * diff / expected;
        }
    }
    chi2
}

fn chi2_sf_1df(x: f64) -> f64 {
    match ChiSquared::new(1.0) {
        Ok(d) if x.is_finite() => d.sf(x),
        _ => f64::NAN,
    }
}

/// Odds ratio, Woolf CI, Fisher and χ² p-values for exposure vs outcome (equal-length slices).
pub fn odds_ratio(exposed: &[bool], outcome: &[bool]) -> Result<OddsRatio, ModelError> {
    if exposed.len() != outcome.len() {
        return Err(ModelError::DimensionMismatch(format!("{} exposures, {} outcomes", exposed.len(), outcome.len())));
    }
    if exposed.is_empty() {
        return Err(ModelError::Degenerate("no observations".into()));
    }
    let mut t = [[0u64; 2]; 2];
    for (&e, &o) in exposed.iter().zip(outcome) {
        t[usize::from(!e)][usize::from(!o)] += 1;
    }
    Ok(odds_ratio_from_table(t))
}

/// Same statistics from counts [[a, b], [c, d]] (rows exposed / unexposed, columns outcome / none).
pub fn odds_ratio_from_table(t: [[u64; 2]; 2]) -> OddsRatio {
    let margin_zero =
        t[0][0] + t[0][1] == 0 || t[1][0] + t[1][1] == 0 || t[0][0] + t[1][0] == 0 || t[0][1] + t[1][1] == 0;
    let haldane_corrected = t.iter().flatten().any(|&v| v == 0);
    let shift = if haldane_corrected { 0.5 } else { 0.0 };
    let [a, b, c, d] = [t[0][0], t[0][1], t[1][0], t[1][1]].map(|v| v as f64 + shift);
    let (or, ci95) = if margin_zero {
        (f64::NAN, [f64::NAN, f64::NAN])
    } else {
        let or = a * d / (b * c);
        let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
        (or, [(or.ln() - Z_975 * se).exp(), (or.ln() + Z_975 * se).exp()])
    };
    let (chi2, chi2_yates) =
        if margin_zero { (f64::NAN, f64::NAN) } else { (pearson_chi2(t, false), pearson_chi2(t, true)) };
    OddsRatio {
        table: t,
        or,
        ci95,
        haldane_corrected,
        p_fisher: if margin_zero { 1.0 } else { fisher_two_sided(t) },
        chi2,
        p_chi2: chi2_sf_1df(chi2),
        chi2_yates,
        p_chi2_yates: chi2_sf_1df(chi2_yates),
    }
}
