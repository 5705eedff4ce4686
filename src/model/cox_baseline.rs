//! Breslow estimator of the baseline cumulative hazard of a Cox model and the implied
//! survival / absolute risk: H0(t) = Σ_{t_k ≤ t} d_k / Σ_{j ∈ R(t_k)} e^{η_j},
//! S(t | x) = exp(−H0(t) e^{xᵀβ}) (Breslow 1972). η is the linear predictor the caller used
//! (uncentred xᵀβ unless the caller centred X). It does not fit β (see `cox`).
use super::cox::{check_surv, order_desc, Surv};
use super::ModelError;

/// Step function H0 at the distinct event times (ascending).
#[derive(Debug, Clone)]
pub struct BaselineHazard {
    pub times: Vec<f64>,
    pub cumhaz: Vec<f64>,
}

/// Breslow baseline cumulative hazard from the training outcome and linear predictor η.
pub fn breslow_baseline(surv: &Surv, eta: &[f64]) -> Result<BaselineHazard, ModelError> {
    check_surv(eta.len(), surv)?;
    if eta.iter().any(|e| !e.is_finite()) {
        return Err(ModelError::NonFinite("linear predictor".into()));
    }
    let order = order_desc(&surv.time);
    let n = eta.len();
    let mut s0 = 0.0;
    let mut steps = vec![];
    let mut i = 0;
    while i < n {
        let t = surv.time[order[i]];
        let mut d = 0usize;
        let mut j = i;
        while j < n && surv.time[order[j]] == t {
            s0 += eta[order[j]].exp();
            d += surv.event[order[j]] as usize;
            j += 1;
        }
        if d > 0 {
            steps.push((t, d as f64 / s0));
        }
        i = j;
    }
    steps.reverse();
    let mut acc = 0.0;
    let (times, cumhaz) = steps
        .into_iter()
        .map(|(t, h)| {
            acc += h;
            (t, acc)
        })
        .unzip();
    Ok(BaselineHazard { times, cumhaz })
}

impl BaselineHazard {
    /// H0(t): the last step at or before t (0 before the first event time).
    pub fn at(&self, t: f64) -> f64 {
        let k = self.times.partition_point(|&s| s <= t);
        if k == 0 {
            0.0
        } else {
            self.cumhaz[k - 1]
        }
    }

    /// S(t | η) = exp(−H0(t) e^η).
    pub fn survival(&self, t: f64, eta: f64) -> f64 {
        (-self.at(t) * eta.exp()).exp()
    }

    /// Absolute risk by time t: 1 − S(t | η).
    pub fn absolute_risk(&self, t: f64, eta: f64) -> f64 {
        1.0 - self.survival(t, eta)
    }
}
