//! Hazard ratio of a binary grouping from a one-covariate Cox model with Efron ties
//! (Cox 1972; Efron 1977), fitted by Newton–Raphson. Not a general Cox regression.
use super::check_survival;
use crate::metrics::distributions::{normal_two_sided_p, Z_975};
use crate::metrics::error::{check_len, Result, StatsError};
use crate::metrics::ranks::argsort;

/// Cox estimate of exp(β) for group `true` vs `false`.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardRatio {
    pub log_hr: f64,
    /// 1/√I(β̂), I = observed information.
    pub se: f64,
    pub hr: f64,
    /// exp(β̂ ∓ 1.959964·se).
    pub ci95: [f64; 2],
    pub wald_z: f64,
    pub wald_p: f64,
    /// Efron log partial likelihood at β̂.
    pub loglik: f64,
    pub iterations: usize,
}

/// Per distinct event time: (events in group 1, events total, at-risk in group 1, at-risk total).
fn event_time_counts(time: &[f64], event: &[bool], group: &[bool]) -> Vec<[f64; 4]> {
    let order = argsort(time);
    let (mut r1, mut r) = (group.iter().filter(|&&g| g).count() as f64, time.len() as f64);
    let mut out = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let t = time[order[i]];
        let (mut d1, mut d, mut l1, mut l) = (0.0, 0.0, 0.0, 0.0);
        while i < order.len() && time[order[i]] == t {
            let k = order[i];
            if event[k] {
                d += 1.0;
                d1 += f64::from(u8::from(group[k]));
            }
            l += 1.0;
            l1 += f64::from(u8::from(group[k]));
            i += 1;
        }
        if d > 0.0 {
            out.push([d1, d, r1, r]);
        }
        r -= l;
        r1 -= l1;
    }
    out
}

/// Efron log partial likelihood, score and information at β for a 0/1 covariate:
/// ℓ = Σ_t [β·d₁ − Σ_{l<d} log(S0_R − (l/d)·S0_D)], S0 = Σ e^{βx}, S1 = S2 = Σ x·e^{βx}.
fn efron(counts: &[[f64; 4]], beta: f64) -> (f64, f64, f64) {
    let e = beta.exp();
    let (mut ll, mut u, mut info) = (0.0, 0.0, 0.0);
    for &[d1, d, r1, r] in counts {
        let s0_r = (r - r1) + r1 * e;
        let s1_r = r1 * e;
        let s0_d = (d - d1) + d1 * e;
        let s1_d = d1 * e;
        ll += beta * d1;
        u += d1;
        let mut l = 0.0;
        while l < d {
            let f = l / d;
            let a = s0_r - f * s0_d;
            let b = s1_r - f * s1_d;
            ll -= a.ln();
            u -= b / a;
            info += b / a - (b / a).powi(2);
            l += 1.0;
        }
    }
    (ll, u, info)
}

/// Cox hazard ratio of `group` (true vs false), Efron ties, Newton–Raphson from β = 0 with step
/// halving, stopping when |Δβ| < 1e-12 (lifelines `CoxPHFitter` default tolerance class).
/// Errors on empty groups, no events, or a diverging fit (monotone likelihood).
pub fn cox_hazard_ratio_binary(time: &[f64], event: &[bool], group: &[bool]) -> Result<HazardRatio> {
    check_survival(time, event)?;
    check_len("group", group.len(), time.len())?;
    let n1 = group.iter().filter(|&&g| g).count();
    if n1 == 0 || n1 == group.len() {
        return Err(StatsError::EmptyClass { needed: 1, positives: n1, negatives: group.len() - n1 });
    }
    let counts = event_time_counts(time, event, group);
    if counts.is_empty() {
        return Err(StatsError::InvalidArgument("no events".into()));
    }
    let mut beta = 0.0;
    let (mut ll, mut u, mut info) = efron(&counts, beta);
    for iter in 1..=100 {
        if info.is_nan() || info <= 0.0 {
            break;
        }
        let mut step = u / info;
        let mut next = efron(&counts, beta + step);
        while next.0 < ll - 1e-12 * ll.abs() && step.abs() > 1e-15 {
            step *= 0.5;
            next = efron(&counts, beta + step);
        }
        beta += step;
        (ll, u, info) = next;
        if beta.abs() > 50.0 {
            break;
        }
        if step.abs() < 1e-12 {
            let se = 1.0 / info.sqrt();
            let z = beta / se;
            return Ok(HazardRatio {
                log_hr: beta,
                se,
                hr: beta.exp(),
                ci95: [(beta - Z_975 * se).exp(), (beta + Z_975 * se).exp()],
                wald_z: z,
                wald_p: normal_two_sided_p(z),
                loglik: ll,
                iterations: iter,
            });
        }
    }
    Err(StatsError::NotConverged("Cox fit diverged (one group has no events or separation)".into()))
}
