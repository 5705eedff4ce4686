//! The study's metric table: one row per model × cohort with AUC (DeLong and bootstrap CIs),
//! threshold metrics at the training-chosen threshold, Brier, calibration and Hosmer–Lemeshow
//! (g = 10, R `hoslem.test` quantile grouping); also one row per internal-CV repeat.
//! Only evaluates given predictions; never fits a prediction model or chooses a threshold
//! from test data.

use super::binary::{
    auc as auc_bool, bootstrap_percentile_ci, brier_score, calibration, confusion_at_threshold, delong_auc,
    hosmer_lemeshow, stratified_bootstrap_indices, youden_threshold as youden_bool, HlGrouping,
};
use crate::validate::ModelResult;

/// One row of metrics.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub model: String,
    pub cohort: String,
    pub n: usize,
    pub events: usize,
    pub auc: f64,
    pub auc_se: f64,
    pub auc_ci: (f64, f64),
    pub boot_ci: (f64, f64),
    /// Internal CV: mean, min and max of the per-repeat AUCs.
    pub repeat_auc: Option<(f64, f64, f64)>,
    pub threshold: f64,
    pub sensitivity: f64,
    pub specificity: f64,
    pub accuracy: f64,
    pub ppv: f64,
    pub npv: f64,
    pub f1: f64,
    pub brier: f64,
    pub scaled_brier: f64,
    pub cal_slope: f64,
    pub cal_intercept: f64,
    /// Calibration-in-the-large: intercept of logit(y) with the linear predictor as offset.
    pub citl: f64,
    pub hl_chi2: f64,
    pub hl_df: usize,
    pub hl_p: f64,
}

/// Groups of the Hosmer–Lemeshow test, and how they are formed (printed in metrics.csv).
pub const HL_GROUPS: usize = 10;
pub const HL_GROUPING: &str = "R ResourceSelection::hoslem.test deciles (type-7 quantile breaks), df = g - 2";

/// 0/1 outcomes as booleans.
pub fn to_bool(y: &[f64]) -> Vec<bool> {
    y.iter().map(|&v| v == 1.0).collect()
}

/// AUC of scores against 0/1 outcomes (NaN when undefined).
pub fn auc(scores: &[f64], y: &[f64]) -> f64 {
    auc_bool(&to_bool(y), scores).unwrap_or(f64::NAN)
}

/// Youden-optimal probability threshold (highest among ties); 0.5 when undefined.
pub fn youden_threshold(prob: &[f64], y: &[f64]) -> f64 {
    youden_bool(&to_bool(y), prob).map(|t| t.threshold).unwrap_or(0.5)
}

/// Metric rows for every model × cohort. Bootstrap resamples are seeded from `seed` and the
/// row's position, so the table is reproducible.
pub fn metric_rows(results: &[ModelResult], n_boot: usize, seed: u64) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for (mi, r) in results.iter().enumerate() {
        for (ci, c) in r.cohorts.iter().enumerate() {
            let boot_seed = crate::validate::derive_seed(seed, 50_000 + (mi * 100 + ci) as u64);
            let mut row = metric_row(&r.model, &c.cohort, &c.y, &c.prob, r.threshold, n_boot, boot_seed);
            row.repeat_auc = (!c.per_repeat_auc.is_empty()).then(|| {
                let a = &c.per_repeat_auc;
                let mean = a.iter().sum::<f64>() / a.len() as f64;
                let lo = a.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = a.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                (mean, lo, hi)
            });
            if let Some(o) = &c.optimism {
                // bootstrap optimism-corrected row: the AUC is `corrected`, no CI of its own
                row.auc = o.corrected;
                row.auc_se = f64::NAN;
                row.auc_ci = (f64::NAN, f64::NAN);
                row.boot_ci = (f64::NAN, f64::NAN);
            }
            rows.push(row);
        }
    }
    rows
}

/// One row per model × internal-CV repeat (cohort "internal CV repeat k", k from 1), on that
/// repeat's out-of-fold predictions, at the model's training-chosen threshold.
pub fn per_repeat_rows(results: &[ModelResult], n_boot: usize, seed: u64) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for (mi, r) in results.iter().enumerate() {
        for c in &r.cohorts {
            for (k, p) in c.per_repeat_prob.iter().enumerate() {
                let boot_seed = crate::validate::derive_seed(seed, 70_000 + (mi * 1000 + k) as u64);
                let label = format!("internal CV repeat {}", k + 1);
                rows.push(metric_row(&r.model, &label, &c.y, p, r.threshold, n_boot, boot_seed));
            }
        }
    }
    rows
}

/// Every metric of one model on one set of predictions (`y` 0/1, `p` probabilities).
pub fn metric_row(model: &str, cohort: &str, y: &[f64], p: &[f64], t: f64, n_boot: usize, seed: u64) -> MetricRow {
    let y = to_bool(y);
    let d = delong_auc(&y, p).ok();
    let boot = if n_boot > 0 {
        let idx = stratified_bootstrap_indices(&y, n_boot, seed);
        bootstrap_percentile_ci(&y, p, &idx, 0.95, auc_bool).map(|b| (b.lower, b.upper)).unwrap_or((f64::NAN, f64::NAN))
    } else {
        (f64::NAN, f64::NAN)
    };
    let cm = confusion_at_threshold(&y, p, t).ok();
    let br = brier_score(&y, p).ok();
    let cal = calibration(&y, p, 1e-6).ok();
    let hl = hosmer_lemeshow(&y, p, HL_GROUPS, HlGrouping::RQuantile).ok();
    let nan = f64::NAN;
    MetricRow {
        model: model.to_string(),
        cohort: cohort.to_string(),
        n: y.len(),
        events: y.iter().filter(|&&v| v).count(),
        auc: d.as_ref().map(|d| d.auc).unwrap_or(nan),
        auc_se: d.as_ref().map(|d| d.se).unwrap_or(nan),
        auc_ci: d.as_ref().map(|d| (d.ci_lower, d.ci_upper)).unwrap_or((nan, nan)),
        boot_ci: boot,
        repeat_auc: None,
        threshold: t,
        sensitivity: cm.as_ref().map(|m| m.sensitivity).unwrap_or(nan),
        specificity: cm.as_ref().map(|m| m.specificity).unwrap_or(nan),
        accuracy: cm.as_ref().map(|m| m.accuracy).unwrap_or(nan),
        ppv: cm.as_ref().map(|m| m.ppv).unwrap_or(nan),
        npv: cm.as_ref().map(|m| m.npv).unwrap_or(nan),
        f1: cm.as_ref().map(|m| m.f1).unwrap_or(nan),
        brier: br.as_ref().map(|b| b.brier).unwrap_or(nan),
        scaled_brier: br.as_ref().map(|b| b.brier_scaled).unwrap_or(nan),
        cal_slope: cal.as_ref().map(|c| c.slope).unwrap_or(nan),
        cal_intercept: cal.as_ref().map(|c| c.intercept_joint).unwrap_or(nan),
        citl: cal.as_ref().map(|c| c.citl_intercept).unwrap_or(nan),
        hl_chi2: hl.as_ref().map(|h| h.chi2).unwrap_or(nan),
        hl_df: hl.as_ref().map(|h| h.df).unwrap_or(0),
        hl_p: hl.as_ref().map(|h| h.p_value).unwrap_or(nan),
    }
}
