//! Tables that compare strategies on the same patients: decision-curve net benefit per
//! threshold (with treat-all / treat-none) and the paired DeLong test between every pair of
//! models on the same cohort. Evaluates given predictions only.

use super::binary::{delong_paired, net_benefit_curve};
use super::summary::to_bool;
use crate::validate::ModelResult;

/// One line of dca.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct DcaRow {
    pub model: String,
    pub cohort: String,
    pub threshold: f64,
    pub net_benefit: f64,
    pub treat_all: f64,
    pub treat_none: f64,
}

/// One line of delong_paired.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedRow {
    pub cohort: String,
    pub model_1: String,
    pub model_2: String,
    pub n: usize,
    pub auc_1: f64,
    pub auc_2: f64,
    pub diff: f64,
    pub z: f64,
    pub p: f64,
}

/// Threshold probabilities 0.05, 0.06, …, 0.95 (exact hundredths).
pub fn dca_thresholds() -> Vec<f64> {
    (5..=95).map(|k| k as f64 / 100.0).collect()
}

/// Net benefit of every model on every cohort at `thresholds`; cohorts where the curve is
/// undefined (no patients) are skipped.
pub fn dca_rows(results: &[ModelResult], thresholds: &[f64]) -> Vec<DcaRow> {
    let mut out = Vec::new();
    for r in results.iter().filter(|r| !r.survival) {
        for c in &r.cohorts {
            let Ok(curve) = net_benefit_curve(&to_bool(&c.y), &c.prob, thresholds) else { continue };
            out.extend(curve.into_iter().map(|pt| DcaRow {
                model: r.model.clone(),
                cohort: c.cohort.clone(),
                threshold: pt.threshold,
                net_benefit: pt.net_benefit,
                treat_all: pt.net_benefit_treat_all,
                treat_none: pt.net_benefit_treat_none,
            }));
        }
    }
    out
}

/// Paired DeLong test for every pair of binary models evaluated on the same cohort with the
/// same patients in the same order.
pub fn paired_delong_rows(results: &[ModelResult]) -> Vec<PairedRow> {
    let mut out = Vec::new();
    let binary: Vec<&ModelResult> = results.iter().filter(|r| !r.survival).collect();
    for (a, ra) in binary.iter().enumerate() {
        for rb in &binary[a + 1..] {
            for ca in &ra.cohorts {
                let Some(cb) = rb.cohorts.iter().find(|c| c.cohort == ca.cohort && c.rows == ca.rows) else {
                    continue;
                };
                let Ok(d) = delong_paired(&to_bool(&ca.y), &ca.prob, &cb.prob) else { continue };
                out.push(PairedRow {
                    cohort: ca.cohort.clone(),
                    model_1: ra.model.clone(),
                    model_2: rb.model.clone(),
                    n: ca.y.len(),
                    auc_1: d.auc1,
                    auc_2: d.auc2,
                    diff: d.diff,
                    z: d.z,
                    p: d.p_two_sided,
                });
            }
        }
    }
    out
}
