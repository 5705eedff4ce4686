//! The survival metric table: one row per Cox model × cohort with Harrell's C (stratified
//! bootstrap percentile CI), Uno's C (τ = last training follow-up), and the hazard ratio and
//! log-rank test of the high- vs low-risk group split at the training-chosen cut-off.
//! Only evaluates given risk scores; never fits the prediction model or picks the cut-off.

use super::binary::{bootstrap_percentile_ci, stratified_bootstrap_indices};
use super::summary::to_bool;
use super::survival::{cox_hazard_ratio_binary, harrell_c, logrank_test, uno_c};
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
            let boot = if n_boot > 0 && c.optimism.is_none() {
                let idx = stratified_bootstrap_indices(
                    &ev,
                    n_boot,
                    crate::validate::derive_seed(seed, 60_000 + (mi * 100 + ci) as u64),
                );
                let pos: Vec<f64> = (0..ev.len()).map(|i| i as f64).collect();
                let metric = |e: &[bool], p: &[f64]| {
                    let t: Vec<f64> = p.iter().map(|&k| c.time[k as usize]).collect();
                    let s: Vec<f64> = p.iter().map(|&k| c.prob[k as usize]).collect();
                    harrell_c(&t, e, &s).map(|h| h.cindex)
                };
                bootstrap_percentile_ci(&ev, &pos, &idx, 0.95, metric)
                    .map(|b| (b.lower, b.upper))
                    .unwrap_or((f64::NAN, f64::NAN))
            } else {
                (f64::NAN, f64::NAN)
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
