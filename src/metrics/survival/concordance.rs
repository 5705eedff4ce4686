//! Concordance indices for risk scores on right-censored data: Harrell's C and Uno's IPCW C
//! with truncation τ, with scikit-survival's pair and tie conventions. O(n²) pair loop.
//! Higher score = higher risk. No confidence intervals here.
use super::check_survival;
use super::kaplan_meier::censoring_kaplan_meier;
use crate::metrics::error::{check_finite, check_len, Result, StatsError};

/// Risk scores closer than this count as tied (scikit-survival `tied_tol`).
pub const TIED_TOL: f64 = 1e-8;

/// Concordance index and pair counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Concordance {
    pub cindex: f64,
    /// Comparable pairs where the earlier event has the higher score.
    pub concordant: usize,
    pub discordant: usize,
    /// Comparable pairs with |score difference| ≤ 1e-8 (count ½).
    pub tied_risk: usize,
    /// Comparable pairs (event, censored) sharing the same time.
    pub tied_time: usize,
}

/// Harrell et al. (1996) C: over comparable pairs (i has an event and Tᵢ < Tⱼ, or Tᵢ = Tⱼ with
/// j censored), C = (concordant + ½ tied risk)/comparable. Equals lifelines
/// `concordance_index(T, −score, E)` and sksurv `concordance_index_censored`.
pub fn harrell_c(time: &[f64], event: &[bool], score: &[f64]) -> Result<Concordance> {
    check_survival(time, event)?;
    check_len("score", score.len(), time.len())?;
    check_finite("score", score)?;
    let w: Vec<f64> = event.iter().map(|&e| if e { 1.0 } else { 0.0 }).collect();
    weighted_concordance(time, event, score, &w)
}

/// Uno et al. (2011) C truncated at τ: as Harrell's but each pair with earlier event i weighted
/// by Ĝ(Tᵢ)⁻², Ĝ = Kaplan–Meier of the censoring times in the TRAINING data
/// (`censoring_kaplan_meier`), and only events with Tᵢ < τ count (τ = None: no truncation).
/// Same as sksurv `concordance_index_ipcw(train, test, score, tau)`. Errors if a test time
/// exceeds the last training time while Ĝ > 0 there, or Ĝ(Tᵢ) = 0.
pub fn uno_c(
    train_time: &[f64],
    train_event: &[bool],
    time: &[f64],
    event: &[bool],
    score: &[f64],
    tau: Option<f64>,
) -> Result<Concordance> {
    check_survival(time, event)?;
    check_len("score", score.len(), time.len())?;
    check_finite("score", score)?;
    let cens = censoring_kaplan_meier(train_time, train_event)?;
    let all_events = train_event.iter().all(|&e| e);
    let last = cens.steps.last().map_or(f64::NEG_INFINITY, |s| s.time);
    let last_g = cens.steps.last().map_or(1.0, |s| s.surv);
    let mut w = vec![0.0; time.len()];
    for i in 0..time.len() {
        let inside = tau.is_none_or(|t| time[i] < t);
        if !(event[i] && inside) {
            continue;
        }
        let g = if all_events {
            1.0
        } else if time[i] > last {
            if last_g > 0.0 {
                return Err(StatsError::InvalidArgument(format!(
                    "time {} beyond the last training time {last}; choose tau",
                    time[i]
                )));
            }
            0.0
        } else {
            cens.survival_at(time[i])
        };
        if g <= 0.0 {
            return Err(StatsError::InvalidArgument(format!("censoring survival is zero at time {}", time[i])));
        }
        w[i] = 1.0 / (g * g);
    }
    weighted_concordance(time, event, score, &w)
}

/// Σᵢ wᵢ(concordantᵢ + ½ tiedᵢ) / Σᵢ wᵢ·comparableᵢ over events i (sksurv `_estimate_concordance_index`).
fn weighted_concordance(time: &[f64], event: &[bool], score: &[f64], w: &[f64]) -> Result<Concordance> {
    let (mut num, mut den) = (0.0, 0.0);
    let (mut con, mut dis, mut tie_r, mut tie_t) = (0usize, 0usize, 0usize, 0usize);
    let mut any = false;
    for i in 0..time.len() {
        if !event[i] {
            continue;
        }
        let (mut ci, mut ti, mut mi) = (0usize, 0usize, 0usize);
        for j in 0..time.len() {
            let comparable = time[j] > time[i] || (time[j] == time[i] && !event[j]);
            if !comparable {
                continue;
            }
            mi += 1;
            if time[j] == time[i] {
                tie_t += 1;
            }
            if (score[j] - score[i]).abs() <= TIED_TOL {
                ti += 1;
            } else if score[j] < score[i] {
                ci += 1;
            }
        }
        if mi > 0 {
            any = true;
        }
        num += w[i] * (ci as f64 + 0.5 * ti as f64);
        den += w[i] * mi as f64;
        con += ci;
        tie_r += ti;
        dis += mi - ci - ti;
    }
    if !any || den <= 0.0 {
        return Err(StatsError::NoComparablePairs);
    }
    Ok(Concordance { cindex: num / den, concordant: con, discordant: dis, tied_risk: tie_r, tied_time: tie_t })
}
