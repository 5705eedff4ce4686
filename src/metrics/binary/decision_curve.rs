//! Decision-curve analysis: net benefit of a model vs treat-all and treat-none
//! (Vickers & Elkin 2006). Only net-benefit arithmetic at given thresholds.
use crate::metrics::error::{check_finite, check_len, Result, StatsError};

/// Net benefit at one threshold probability.
#[derive(Debug, Clone, PartialEq)]
pub struct NetBenefitPoint {
    pub threshold: f64,
    /// Subjects with p ≥ t that are positive / negative.
    pub tp: usize,
    pub fp: usize,
    /// TP/n − FP/n · t/(1−t).
    pub net_benefit: f64,
    /// prevalence − (1 − prevalence) · t/(1−t).
    pub net_benefit_treat_all: f64,
    /// Always 0.
    pub net_benefit_treat_none: f64,
    /// net_benefit / prevalence (Kerr et al. 2016).
    pub standardized_net_benefit: f64,
    /// 100 (NB_model − NB_all) / (t/(1−t)).
    pub interventions_avoided_per_100: f64,
}

/// Net benefit for each threshold t ∈ (0,1): treat iff p ≥ t; NB = TP/n − FP/n·t/(1−t).
pub fn net_benefit_curve(y: &[bool], p: &[f64], thresholds: &[f64]) -> Result<Vec<NetBenefitPoint>> {
    check_len("probability", p.len(), y.len())?;
    check_finite("probability", p)?;
    if y.is_empty() {
        return Err(StatsError::InvalidArgument("empty input".into()));
    }
    let n = y.len() as f64;
    let prev = y.iter().filter(|&&v| v).count() as f64 / n;
    thresholds
        .iter()
        .map(|&t| {
            if !(t > 0.0 && t < 1.0) {
                return Err(StatsError::InvalidArgument(format!("threshold {t} not in (0, 1)")));
            }
            let (mut tp, mut fp) = (0usize, 0usize);
            for (&pi, &yi) in p.iter().zip(y) {
                if pi >= t {
                    if yi {
                        tp += 1;
                    } else {
                        fp += 1;
                    }
                }
            }
            let odds = t / (1.0 - t);
            let nb = tp as f64 / n - fp as f64 / n * odds;
            let nb_all = prev - (1.0 - prev) * odds;
            Ok(NetBenefitPoint {
                threshold: t,
                tp,
                fp,
                net_benefit: nb,
                net_benefit_treat_all: nb_all,
                net_benefit_treat_none: 0.0,
                standardized_net_benefit: if prev > 0.0 { nb / prev } else { f64::NAN },
                interventions_avoided_per_100: 100.0 * (nb - nb_all) / odds,
            })
        })
        .collect()
}
