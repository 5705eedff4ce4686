//! The survival metric table: one row per Cox model × cohort with Harrell's C (stratified
//! bootstrap percentile CI), Uno's C (τ = last training follow-up, same bootstrap CI), the
//! hazard ratio and log-rank test of the high- vs low-risk group split at the training-chosen
//! cut-off, the Kaplan–Meier table of each risk group (km.csv) and the time-dependent
//! cumulative/dynamic AUC at the manifest's times (time_auc.csv).
//! Only evaluates given risk scores; never fits the prediction model or picks the cut-off.

use super::binary::{bootstrap_percentile_ci, stratified_bootstrap_indices};
use super::quantile::quantile_type7_sorted;
use super::summary::to_bool;
use super::survival::{
    cox_hazard_ratio_binary, cumulative_dynamic_auc, follow_up_window, harrell_c, kaplan_meier, logrank_test, uno_c,
};
use crate::validate::ModelResult;

/// One row of metrics.csv for a survival study.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalRow {
    pub model: String,
    pub cohort: String,
    pub n: usize,
    pub events: usize,
    pub harrell_c: f64,
    pub c_ci: (f64, f64),
    pub uno_c: f64,
    pub uno_ci: (f64, f64),
    pub tau: f64,
    /// Internal CV: mean, min and max of the per-repeat Harrell C.
    pub repeat_c: Option<(f64, f64, f64)>,
    pub cutoff: f64,
    pub n_high: usize,
    pub hr: f64,
    pub hr_ci: (f64, f64),
    pub logrank_chi2: f64,
    pub logrank_p: f64,
}

/// A metric of one bootstrap resample (event flags, row positions as f64).
type BootMetric<'a> = dyn Fn(&[bool], &[f64]) -> crate::metrics::error::Result<f64> + 'a;

/// Survival rows for every model × cohort; bootstrap seeded from `seed` and the row position.
pub fn survival_rows(results: &[ModelResult], n_boot: usize, seed: u64) -> Vec<SurvivalRow> {
    let mut rows = Vec::new();
    for (mi, r) in results.iter().enumerate() {
        let train = &r.cohorts[0];
        let train_event = to_bool(&train.y);
        let tau = train.time.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for (ci, c) in r.cohorts.iter().enumerate() {
            let ev = to_bool(&c.y);
            let hc = harrell_c(&c.time, &ev, &c.prob).map(|h| h.cindex).unwrap_or(f64::NAN);
            // bootstrap optimism-corrected row: C is `corrected`, no CI of its own
            let hc = c.optimism.as_ref().map_or(hc, |o| o.corrected);
            let (boot, uno_boot) = if n_boot > 0 && c.optimism.is_none() {
                let idx = stratified_bootstrap_indices(
                    &ev,
                    n_boot,
                    crate::validate::derive_seed(seed, 60_000 + (mi * 100 + ci) as u64),
                );
                let pos: Vec<f64> = (0..ev.len()).map(|i| i as f64).collect();
                let pick = |p: &[f64], v: &[f64]| -> Vec<f64> { p.iter().map(|&k| v[k as usize]).collect() };
                let harrell =
                    |e: &[bool], p: &[f64]| harrell_c(&pick(p, &c.time), e, &pick(p, &c.prob)).map(|h| h.cindex);
                let uno = |e: &[bool], p: &[f64]| {
                    uno_c(&train.time, &train_event, &pick(p, &c.time), e, &pick(p, &c.prob), Some(tau))
                        .map(|u| u.cindex)
                };
                let ci = |m: &BootMetric| {
                    bootstrap_percentile_ci(&ev, &pos, &idx, 0.95, m)
                        .map(|b| (b.lower, b.upper))
                        .unwrap_or((f64::NAN, f64::NAN))
                };
                (ci(&harrell), ci(&uno))
            } else {
                ((f64::NAN, f64::NAN), (f64::NAN, f64::NAN))
            };
            let uc = uno_c(&train.time, &train_event, &c.time, &ev, &c.prob, Some(tau))
                .map(|u| u.cindex)
                .unwrap_or(f64::NAN);
            let high: Vec<bool> = c.prob.iter().map(|&s| s > r.threshold).collect();
            let hr = cox_hazard_ratio_binary(&c.time, &ev, &high).ok();
            let lr = logrank_test(&c.time, &ev, &high).ok();
            let repeat_c = (!c.per_repeat_auc.is_empty()).then(|| {
                let a = &c.per_repeat_auc;
                let mean = a.iter().sum::<f64>() / a.len() as f64;
                (
                    mean,
                    a.iter().cloned().fold(f64::INFINITY, f64::min),
                    a.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                )
            });
            rows.push(SurvivalRow {
                model: r.model.clone(),
                cohort: c.cohort.clone(),
                n: ev.len(),
                events: ev.iter().filter(|&&e| e).count(),
                harrell_c: hc,
                c_ci: boot,
                uno_c: uc,
                uno_ci: uno_boot,
                tau,
                repeat_c,
                cutoff: r.threshold,
                n_high: high.iter().filter(|&&h| h).count(),
                hr: hr.as_ref().map(|h| h.hr).unwrap_or(f64::NAN),
                hr_ci: hr.as_ref().map(|h| (h.ci95[0], h.ci95[1])).unwrap_or((f64::NAN, f64::NAN)),
                logrank_chi2: lr.as_ref().map(|l| l.chi2).unwrap_or(f64::NAN),
                logrank_p: lr.as_ref().map(|l| l.p).unwrap_or(f64::NAN),
            });
        }
    }
    rows
}

/// One line of km.csv: the Kaplan–Meier estimate of one risk group at one event time.
#[derive(Debug, Clone, PartialEq)]
pub struct KmRow {
    pub model: String,
    pub cohort: String,
    pub group: &'static str,
    pub time: f64,
    pub n_at_risk: usize,
    pub n_events: usize,
    pub n_censored: usize,
    pub surv: f64,
    pub se_greenwood: f64,
    pub ci_loglog: (f64, f64),
}

/// Kaplan–Meier of the low- and high-risk groups (split at the training cut-off) of every
/// survival model × cohort, one row per distinct time.
pub fn km_rows(results: &[ModelResult]) -> Vec<KmRow> {
    let mut out = Vec::new();
    for r in results.iter().filter(|r| r.survival) {
        for c in &r.cohorts {
            for (group, high) in [("low risk", false), ("high risk", true)] {
                let idx: Vec<usize> = (0..c.prob.len()).filter(|&i| (c.prob[i] > r.threshold) == high).collect();
                let t: Vec<f64> = idx.iter().map(|&i| c.time[i]).collect();
                let e: Vec<bool> = idx.iter().map(|&i| c.y[i] == 1.0).collect();
                let Ok(km) = kaplan_meier(&t, &e) else { continue };
                for st in &km.steps {
                    let pt = km.point_at(st.time);
                    out.push(KmRow {
                        model: r.model.clone(),
                        cohort: c.cohort.clone(),
                        group,
                        time: st.time,
                        n_at_risk: st.n_at_risk,
                        n_events: st.n_events,
                        n_censored: st.n_censored,
                        surv: pt.surv,
                        se_greenwood: pt.se_greenwood,
                        ci_loglog: (pt.ci_loglog[0], pt.ci_loglog[1]),
                    });
                }
            }
        }
    }
    out
}

/// One row of time_auc.csv: the cumulative/dynamic AUC of one survival model × cohort at one
/// evaluation time (IPC weights from the training cohort's censoring distribution).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAucRow {
    pub model: String,
    pub cohort: String,
    pub time: f64,
    /// Cumulative cases (events at or before `time`) and dynamic controls (alive after it).
    pub cases: usize,
    pub controls: usize,
    pub auc: f64,
    /// sksurv `mean_auc` over this cohort's evaluated times (same on every row of the cohort).
    pub mean_auc: f64,
}

/// Time-dependent AUC of every survival model × cohort, and a warning for every time or
/// cohort that could not be evaluated (a time outside the cohort's follow-up [first; last[,
/// or an IPCW failure). `times` empty: the 25th, 50th and 75th percentiles (type 7) of the
/// training cohort's event times. The training cohort is `cohorts[0]` (as for Uno's C);
/// bootstrap optimism-corrected cohorts are skipped (their predictions are apparent ones).
pub fn time_auc_rows(results: &[ModelResult], times: &[f64]) -> (Vec<TimeAucRow>, Vec<String>) {
    let (mut rows, mut warnings) = (Vec::new(), Vec::new());
    for r in results.iter().filter(|r| r.survival) {
        let Some(train) = r.cohorts.first() else { continue };
        let train_event = to_bool(&train.y);
        let times = if times.is_empty() { default_auc_times(&train.time, &train_event) } else { times.to_vec() };
        for c in r.cohorts.iter().filter(|c| c.optimism.is_none()) {
            let (lo, hi) = follow_up_window(&c.time);
            let (inside, outside): (Vec<f64>, Vec<f64>) = times.iter().partition(|&&t| t >= lo && t < hi);
            if !outside.is_empty() {
                let list = outside.iter().map(|t| format!("{t}")).collect::<Vec<_>>().join(", ");
                warnings.push(format!(
                    "{} · {}: time-dependent AUC not computed at t = {list} (outside this cohort's follow-up, {lo} to before {hi})",
                    r.model, c.cohort
                ));
            }
            if inside.is_empty() {
                continue;
            }
            let ev = to_bool(&c.y);
            match cumulative_dynamic_auc(&train.time, &train_event, &c.time, &ev, &c.prob, &inside) {
                Ok(a) => {
                    for (&t, &auc) in a.times.iter().zip(&a.auc) {
                        rows.push(TimeAucRow {
                            model: r.model.clone(),
                            cohort: c.cohort.clone(),
                            time: t,
                            cases: (0..ev.len()).filter(|&i| ev[i] && c.time[i] <= t).count(),
                            controls: c.time.iter().filter(|&&x| x > t).count(),
                            auc,
                            mean_auc: a.mean_auc,
                        });
                    }
                }
                Err(e) => warnings.push(format!("{} · {}: time-dependent AUC not computed: {e}", r.model, c.cohort)),
            }
        }
    }
    (rows, warnings)
}

/// Quartiles (25th, 50th, 75th percentile, type 7) of the event times, de-duplicated.
pub fn default_auc_times(time: &[f64], event: &[bool]) -> Vec<f64> {
    let mut ev: Vec<f64> = time.iter().zip(event).filter(|(_, &e)| e).map(|(&t, _)| t).collect();
    if ev.is_empty() {
        return Vec::new();
    }
    ev.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = [0.25, 0.5, 0.75].iter().map(|&p| quantile_type7_sorted(&ev, p)).collect();
    out.dedup();
    out
}
