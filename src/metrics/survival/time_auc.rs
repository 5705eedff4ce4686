//! Time-dependent (cumulative/dynamic) AUC of a risk score on right-censored data, as
//! scikit-survival `sksurv.metrics.cumulative_dynamic_auc` defines it (Uno et al. 2007; Hung &
//! Chiang 2010; Lambert & Chevret 2014), and its mean over the evaluation times.
//! Cases at t: events with Tᵢ ≤ t, weighted by 1/Ĝ(Tᵢ) (Ĝ = Kaplan–Meier of the censoring times in
//! the TRAINING data); controls: everyone with Tᵢ > t. Evaluates given scores only; never fits a
//! model, and never picks evaluation times (the caller drops times outside the follow-up).
use super::check_survival;
use super::concordance::TIED_TOL;
use super::kaplan_meier::{censoring_kaplan_meier, kaplan_meier, KaplanMeier};
use crate::metrics::error::{check_finite, check_len, Result, StatsError};

/// AUC(t) at each (sorted, de-duplicated) evaluation time and their mean.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAuc {
    /// Evaluation times, ascending and unique (as `np.unique(times)`).
    pub times: Vec<f64>,
    /// AUC(t) per time; NaN when no event lies at or before t (sksurv gives NaN there too).
    pub auc: Vec<f64>,
    /// ∫ AUC(t) dŜ(t) / (1 − Ŝ(t_last)) over the times, Ŝ = Kaplan–Meier of the test data
    /// (sksurv `mean_auc`); equals AUC(t) for a single time.
    pub mean_auc: f64,
}

/// The follow-up window of a cohort inside which AUC(t) is defined: [min time, max time).
/// sksurv raises for a time outside it; callers use this to drop (and report) such times.
pub fn follow_up_window(time: &[f64]) -> (f64, f64) {
    let lo = time.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = time.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

/// Cumulative/dynamic AUC of `score` (higher = higher risk) on the test data (`time`,
/// `event`) at `times`, with inverse-probability-of-censoring weights from the training data.
///
/// AUC(t) is the trapezoidal area under the weighted ROC curve built by walking the subjects in
/// descending score: TPR = Σ case weights so far / Σ all case weights, FPR = controls so far /
/// controls; within a run of scores tied within 1e-8 only the last point is kept, and the curve
/// starts at (0, 0). Errors (as sksurv) when a time is outside [min test time, max test time),
/// the test or training data have no event, or Ĝ = 0 at a case's time.
///
/// One deliberate difference: sksurv computes Ĝ for every test event and so raises when any
/// event lies after the last training time, even one later than every evaluation time. Only
/// cases (events at or before the last evaluation time) carry a weight, so Ĝ is required only
/// for them here; wherever sksurv returns a value, the value is the same.
pub fn cumulative_dynamic_auc(
    train_time: &[f64],
    train_event: &[bool],
    time: &[f64],
    event: &[bool],
    score: &[f64],
    times: &[f64],
) -> Result<TimeAuc> {
    check_survival(train_time, train_event)?;
    check_survival(time, event)?;
    check_len("score", score.len(), time.len())?;
    check_finite("score", score)?;
    check_finite("times", times)?;
    if !event.iter().any(|&e| e) {
        return Err(StatsError::InvalidArgument("all test samples are censored".into()));
    }
    if !train_event.iter().any(|&e| e) {
        return Err(StatsError::InvalidArgument("all training samples are censored".into()));
    }
    let times = unique_sorted(times);
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return Err(StatsError::InvalidArgument("no evaluation times".into()));
    };
    let (lo, hi) = follow_up_window(time);
    if last >= hi || first < lo {
        return Err(StatsError::InvalidArgument(format!(
            "all times must be within the follow-up of the test data: [{lo}; {hi}["
        )));
    }
    let weights = case_weights(train_time, train_event, time, event, last)?;
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    let auc: Vec<f64> = times.iter().map(|&t| auc_at(t, &order, time, event, score, &weights)).collect();
    let mean_auc = if auc.len() == 1 { auc[0] } else { mean_over_survival(&kaplan_meier(time, event)?, &times, &auc) };
    Ok(TimeAuc { times, auc, mean_auc })
}

/// `np.unique`: ascending, exact duplicates removed.
fn unique_sorted(times: &[f64]) -> Vec<f64> {
    let mut t = times.to_vec();
    t.sort_by(f64::total_cmp);
    t.dedup();
    t
}

/// 1/Ĝ(Tᵢ) for events with Tᵢ ≤ `last` (0 otherwise), Ĝ = censoring KM of the training data
/// (sksurv `CensoringDistributionEstimator.predict_ipcw`).
fn case_weights(train_time: &[f64], train_event: &[bool], time: &[f64], event: &[bool], last: f64) -> Result<Vec<f64>> {
    let cens = censoring_kaplan_meier(train_time, train_event)?;
    let all_events = train_event.iter().all(|&e| e);
    let (last_train, g_last) = cens.steps.last().map_or((f64::NEG_INFINITY, 1.0), |s| (s.time, s.surv));
    let mut w = vec![0.0; time.len()];
    for i in (0..time.len()).filter(|&i| event[i] && time[i] <= last) {
        let g = if time[i] > last_train {
            if all_events || g_last > 0.0 {
                return Err(StatsError::InvalidArgument(format!(
                    "event time {} is after the last training time {last_train}: the censoring distribution is unknown there",
                    time[i]
                )));
            }
            0.0
        } else if all_events {
            1.0
        } else {
            cens.survival_at(time[i])
        };
        if g <= 0.0 {
            return Err(StatsError::InvalidArgument(format!(
                "censoring survival function is zero at time {}",
                time[i]
            )));
        }
        w[i] = 1.0 / g;
    }
    Ok(w)
}

/// AUC at one time: trapezoidal area under the IPC-weighted ROC curve (ties collapsed).
fn auc_at(t: f64, order: &[usize], time: &[f64], event: &[bool], score: &[f64], w: &[f64]) -> f64 {
    let n_controls = order.iter().filter(|&&i| time[i] > t).count() as f64;
    let (mut cum_tp, mut cum_fp) = (0.0, 0.0);
    // (cumulative weighted cases, cumulative controls) at the last subject of every tie run
    let mut points: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    for (k, &i) in order.iter().enumerate() {
        if event[i] && time[i] <= t {
            cum_tp += w[i];
        }
        if time[i] > t {
            cum_fp += 1.0;
        }
        let next_tied = order.get(k + 1).is_some_and(|&j| (score[j] - score[i]).abs() <= TIED_TOL);
        if !next_tied {
            points.push((cum_tp, cum_fp));
        }
    }
    let total_tp = cum_tp;
    let mut area = 0.0;
    for p in points.windows(2) {
        let (tp0, fp0) = (p[0].0 / total_tp, p[0].1 / n_controls);
        let (tp1, fp1) = (p[1].0 / total_tp, p[1].1 / n_controls);
        area += (fp1 - fp0) * (tp1 + tp0) / 2.0;
    }
    area
}

/// Σ AUC(tₖ)·(Ŝ(tₖ₋₁) − Ŝ(tₖ)) / (1 − Ŝ(t_last)), Ŝ(t₀) = 1 (sksurv `mean_auc`).
fn mean_over_survival(km: &KaplanMeier, times: &[f64], auc: &[f64]) -> f64 {
    let mut prev = 1.0;
    let mut integral = 0.0;
    for (&t, &a) in times.iter().zip(auc) {
        let s = km.survival_at(t);
        integral += a * (prev - s);
        prev = s;
    }
    integral / (1.0 - prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_reversed_scores() {
        // events at 1, 2; controls beyond 2.5; no censoring in training → weights 1
        let time = [1.0, 2.0, 3.0, 4.0];
        let event = [true, true, true, false];
        let train_t = [1.0, 2.0, 3.0, 5.0];
        let train_e = [true, true, true, false];
        let good = cumulative_dynamic_auc(&train_t, &train_e, &time, &event, &[4.0, 3.0, 2.0, 1.0], &[2.5]).unwrap();
        assert_eq!(good.auc, vec![1.0]);
        let bad = cumulative_dynamic_auc(&train_t, &train_e, &time, &event, &[1.0, 2.0, 3.0, 4.0], &[2.5]).unwrap();
        assert_eq!(bad.auc, vec![0.0]);
        let tied = cumulative_dynamic_auc(&train_t, &train_e, &time, &event, &[1.0; 4], &[2.5]).unwrap();
        assert_eq!(tied.auc, vec![0.5]);
    }

    #[test]
    fn times_outside_follow_up_are_errors() {
        let time = [1.0, 2.0, 3.0, 4.0];
        let event = [true, true, true, false];
        let s = [4.0, 3.0, 2.0, 1.0];
        assert!(cumulative_dynamic_auc(&time, &event, &time, &event, &s, &[4.0]).is_err());
        assert!(cumulative_dynamic_auc(&time, &event, &time, &event, &s, &[0.5]).is_err());
        assert!(cumulative_dynamic_auc(&time, &event, &time, &event, &s, &[]).is_err());
        assert_eq!(follow_up_window(&time), (1.0, 4.0));
    }
}
