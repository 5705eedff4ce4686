//! Hosmer–Lemeshow goodness-of-fit χ² with two groupings of the predicted risks.
//! Grouping and the χ² only; the probabilities come from elsewhere.
use crate::metrics::distributions::chi2_sf;
use crate::metrics::error::{check_finite, check_len, Result, StatsError};
use crate::metrics::quantile::quantile_type7_sorted;
use crate::metrics::ranks::argsort;

/// How subjects are split into g risk groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HlGrouping {
    /// R `ResourceSelection::hoslem.test`: breaks = unique type-7 quantiles of p at k·(1/g),
    /// right-closed intervals including the lowest (`cut(..., include.lowest = TRUE)`);
    /// empty groups vanish, so ties can give fewer than g groups.
    RQuantile,
    /// Stable sort by p, then consecutive groups of ⌈n/g⌉ / ⌊n/g⌋ (numpy `array_split`:
    /// the first n mod g groups get the extra subject). Tied p may straddle groups.
    EqualSize,
}

/// One risk group.
#[derive(Debug, Clone, PartialEq)]
pub struct HlGroup {
    pub n: usize,
    pub obs_events: usize,
    /// Σ p in the group.
    pub exp_events: f64,
    pub p_min: f64,
    pub p_max: f64,
}

/// Hosmer–Lemeshow statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct HosmerLemeshow {
    pub grouping: HlGrouping,
    pub g: usize,
    /// Σ over groups and both cells (events, non-events) of (O − E)²/E; NaN if any E = 0.
    pub chi2: f64,
    /// Same with 0/0 cells counted as 0 (x/0 with x > 0 stays +∞).
    pub chi2_zero_cells_as_0: f64,
    /// g − 2 (fixed, even if fewer groups are non-empty).
    pub df: usize,
    /// P(χ²_{g−2} > chi2).
    pub p_value: f64,
    pub p_value_zero_cells_as_0: f64,
    /// P(χ²_g > chi2) (the df often used for external validation).
    pub p_value_df_g: f64,
    pub groups: Vec<HlGroup>,
}

/// Hosmer & Lemeshow (1980) χ² = Σ_groups [(O−E)²/E + (O′−E′)²/E′], O/E events, O′/E′ non-events,
/// E = Σp; p-value on g − 2 df. Needs g ≥ 3 and p ∈ [0,1].
pub fn hosmer_lemeshow(y: &[bool], p: &[f64], g: usize, grouping: HlGrouping) -> Result<HosmerLemeshow> {
    check_len("probability", p.len(), y.len())?;
    check_finite("probability", p)?;
    if g < 3 {
        return Err(StatsError::InvalidArgument(format!("g = {g} < 3 groups")));
    }
    if y.is_empty() {
        return Err(StatsError::InvalidArgument("empty input".into()));
    }
    if p.iter().any(|&v| !(0.0..=1.0).contains(&v)) {
        return Err(StatsError::InvalidArgument("probability outside [0, 1]".into()));
    }
    let labels = match grouping {
        HlGrouping::RQuantile => r_quantile_groups(p, g),
        HlGrouping::EqualSize => equal_size_groups(p, g),
    };
    let n_labels = labels.iter().max().map_or(0, |m| m + 1);
    let mut groups: Vec<HlGroup> = (0..n_labels)
        .map(|_| HlGroup { n: 0, obs_events: 0, exp_events: 0.0, p_min: f64::INFINITY, p_max: f64::NEG_INFINITY })
        .collect();
    for ((&l, &pi), &yi) in labels.iter().zip(p).zip(y) {
        let gr = &mut groups[l];
        gr.n += 1;
        gr.obs_events += usize::from(yi);
        gr.exp_events += pi;
        gr.p_min = gr.p_min.min(pi);
        gr.p_max = gr.p_max.max(pi);
    }
    groups.retain(|gr| gr.n > 0);
    let (mut chi2, mut chi2_zero) = (0.0, 0.0);
    for gr in &groups {
        let n = gr.n as f64;
        let o = gr.obs_events as f64;
        for (obs, exp) in [(o, gr.exp_events), (n - o, n - gr.exp_events)] {
            if exp == 0.0 {
                chi2 = f64::NAN;
                if obs != 0.0 {
                    chi2_zero = f64::INFINITY;
                }
            } else {
                let term = (obs - exp).powi(2) / exp;
                chi2 += term;
                chi2_zero += term;
            }
        }
    }
    let df = g - 2;
    Ok(HosmerLemeshow {
        grouping,
        g,
        chi2,
        chi2_zero_cells_as_0: chi2_zero,
        df,
        p_value: chi2_sf(chi2, df as f64),
        p_value_zero_cells_as_0: chi2_sf(chi2_zero, df as f64),
        p_value_df_g: chi2_sf(chi2, g as f64),
        groups,
    })
}

/// Group label per subject: number of interior type-7 quantile breaks strictly below p
/// (right-closed intervals), labels then compacted over non-empty groups by the caller.
fn r_quantile_groups(p: &[f64], g: usize) -> Vec<usize> {
    let mut sorted = p.to_vec();
    sorted.sort_by(f64::total_cmp);
    // probabilities k·(1/g) exactly as R `seq(0, 1, 1/g)` / numpy `linspace` produce them
    // (7·0.1 = 0.7000000000000001, not 7/10): this decides which group a tied quantile joins
    let step = 1.0 / g as f64;
    let mut breaks: Vec<f64> = (0..=g).map(|k| quantile_type7_sorted(&sorted, k as f64 * step)).collect();
    breaks.dedup();
    let interior = &breaks[1..breaks.len().saturating_sub(1).max(1)];
    p.iter().map(|&v| interior.iter().filter(|&&b| b < v).count()).collect()
}

/// Group label per subject for consecutive near-equal groups of the stably sorted p.
fn equal_size_groups(p: &[f64], g: usize) -> Vec<usize> {
    let n = p.len();
    let order = argsort(p);
    let (base, extra) = (n / g, n % g);
    let mut labels = vec![0; n];
    let mut pos = 0;
    for k in 0..g {
        let size = base + usize::from(k < extra);
        for &i in &order[pos..pos + size] {
            labels[i] = k;
        }
        pos += size;
    }
    labels
}
