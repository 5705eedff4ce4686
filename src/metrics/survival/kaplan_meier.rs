//! Kaplan–Meier survival curve with Greenwood variance and pointwise log / log-log 95% CIs,
//! and the "reverse" Kaplan–Meier of the censoring distribution used for IPCW.
//! Estimation only; group comparisons live in `logrank`.
use super::check_survival;
use crate::metrics::distributions::Z_975;
use crate::metrics::error::Result;
use crate::metrics::ranks::argsort;

/// One distinct observed time of the Kaplan–Meier table.
#[derive(Debug, Clone, PartialEq)]
pub struct KmStep {
    pub time: f64,
    /// Subjects with time ≥ this time.
    pub n_at_risk: usize,
    pub n_events: usize,
    pub n_censored: usize,
    /// Ŝ(t) = Π_{tⱼ ≤ t} (1 − dⱼ/nⱼ).
    pub surv: f64,
    /// Greenwood sum Σ_{tⱼ ≤ t} dⱼ / (nⱼ(nⱼ − dⱼ)); +∞ once Ŝ = 0 (a step with nⱼ = dⱼ).
    pub greenwood_sum: f64,
}

/// Kaplan–Meier estimate: one step per distinct observed time (events or censorings).
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    pub steps: Vec<KmStep>,
}

/// Ŝ(t) with Greenwood SE and 95% CIs at one time point.
#[derive(Debug, Clone, PartialEq)]
pub struct KmPoint {
    pub time: f64,
    pub surv: f64,
    /// Ŝ·√(Greenwood sum); NaN once Ŝ = 0.
    pub se_greenwood: f64,
    /// exp(log Ŝ ∓ z·√V), V = Greenwood sum; upper clipped at 1 (R `conf.type = "log"`).
    pub ci_log: [f64; 2],
    /// Ŝ^{exp(±z·√V / log Ŝ)} (R `"log-log"`, lifelines, sksurv); [1,1] before the first event.
    /// Both CIs are NaN once Ŝ = 0 (undefined, as R's NA).
    pub ci_loglog: [f64; 2],
}

/// Kaplan & Meier (1958) estimator with Greenwood (1926) variance terms.
pub fn kaplan_meier(time: &[f64], event: &[bool]) -> Result<KaplanMeier> {
    check_survival(time, event)?;
    let mut steps = Vec::new();
    let (mut surv, mut gw) = (1.0, 0.0);
    for (t, n, d, c) in count_at_times(time, event) {
        if d > 0 {
            surv *= 1.0 - d as f64 / n as f64;
            gw += if n > d { d as f64 / (n as f64 * (n - d) as f64) } else { f64::INFINITY };
        }
        steps.push(KmStep { time: t, n_at_risk: n, n_events: d, n_censored: c, surv, greenwood_sum: gw });
    }
    Ok(KaplanMeier { steps })
}

/// Kaplan–Meier of the censoring distribution Ĝ(t) = P(C > t), as scikit-survival
/// `CensoringDistributionEstimator`: censorings are the events and subjects who die at t are
/// removed from the risk set first (Ĝ factor 1 − cⱼ/(nⱼ − dⱼ)). Greenwood fields are 0.
pub fn censoring_kaplan_meier(time: &[f64], event: &[bool]) -> Result<KaplanMeier> {
    check_survival(time, event)?;
    let mut steps = Vec::new();
    let mut g = 1.0;
    for (t, n, d, c) in count_at_times(time, event) {
        let at_risk = n - d;
        if c > 0 {
            g *= 1.0 - c as f64 / at_risk as f64;
        }
        steps.push(KmStep { time: t, n_at_risk: at_risk, n_events: c, n_censored: d, surv: g, greenwood_sum: 0.0 });
    }
    Ok(KaplanMeier { steps })
}

/// (time, at risk, events, censored) at each distinct time, ascending.
fn count_at_times(time: &[f64], event: &[bool]) -> Vec<(f64, usize, usize, usize)> {
    let order = argsort(time);
    let mut out = Vec::new();
    let mut at_risk = time.len();
    let mut i = 0;
    while i < order.len() {
        let t = time[order[i]];
        let (mut d, mut c) = (0, 0);
        while i < order.len() && time[order[i]] == t {
            if event[order[i]] {
                d += 1;
            } else {
                c += 1;
            }
            i += 1;
        }
        out.push((t, at_risk, d, c));
        at_risk -= d + c;
    }
    out
}

impl KaplanMeier {
    /// Index of the last step with time ≤ t (None before the first step).
    fn step_index(&self, t: f64) -> Option<usize> {
        let k = self.steps.partition_point(|s| s.time <= t);
        k.checked_sub(1)
    }

    /// Ŝ(t) as a right-continuous step function (1 before the first time).
    pub fn survival_at(&self, t: f64) -> f64 {
        self.step_index(t).map_or(1.0, |k| self.steps[k].surv)
    }

    /// Ŝ(t), Greenwood SE and both 95% CIs (z = 1.959964) at time t.
    pub fn point_at(&self, t: f64) -> KmPoint {
        let (s, v) = self.step_index(t).map_or((1.0, 0.0), |k| (self.steps[k].surv, self.steps[k].greenwood_sum));
        let sd = v.sqrt();
        if s <= 0.0 {
            return KmPoint {
                time: t,
                surv: s,
                se_greenwood: f64::NAN,
                ci_log: [f64::NAN; 2],
                ci_loglog: [f64::NAN; 2],
            };
        }
        let ci_log = [s * (-Z_975 * sd).exp(), (s * (Z_975 * sd).exp()).min(1.0)];
        let ci_loglog = if s >= 1.0 {
            [1.0, 1.0]
        } else {
            let se_theta = sd / s.ln().abs();
            [s.powf((Z_975 * se_theta).exp()), s.powf((-Z_975 * se_theta).exp())]
        };
        KmPoint { time: t, surv: s, se_greenwood: s * sd, ci_log, ci_loglog }
    }
}
