//! Two-group log-rank test (Mantel 1966; Peto & Peto 1972). Test statistic only.
use super::check_survival;
use crate::metrics::distributions::chi2_sf;
use crate::metrics::error::{check_len, Result, StatsError};
use crate::metrics::ranks::argsort;

/// Log-rank χ² (1 df) comparing group `true` with group `false`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    pub chi2: f64,
    pub p: f64,
    /// Observed and expected events in group `true`.
    pub observed: f64,
    pub expected: f64,
    /// Hypergeometric variance of observed − expected.
    pub variance: f64,
}

/// χ² = (O₁ − E₁)²/V, E₁ = Σ d·n₁/n, V = Σ d(n₁/n)(1 − n₁/n)(n − d)/(n − 1) over distinct event
/// times; p from χ²₁. Needs both groups non-empty.
pub fn logrank_test(time: &[f64], event: &[bool], group: &[bool]) -> Result<LogRank> {
    check_survival(time, event)?;
    check_len("group", group.len(), time.len())?;
    let n1_total = group.iter().filter(|&&g| g).count();
    if n1_total == 0 || n1_total == group.len() {
        return Err(StatsError::EmptyClass { needed: 1, positives: n1_total, negatives: group.len() - n1_total });
    }
    let order = argsort(time);
    let (mut n, mut n1) = (time.len() as f64, n1_total as f64);
    let (mut obs, mut exp, mut var) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let t = time[order[i]];
        let (mut d, mut d1, mut leave, mut leave1) = (0.0, 0.0, 0.0, 0.0);
        while i < order.len() && time[order[i]] == t {
            let k = order[i];
            if event[k] {
                d += 1.0;
                if group[k] {
                    d1 += 1.0;
                }
            }
            leave += 1.0;
            if group[k] {
                leave1 += 1.0;
            }
            i += 1;
        }
        if d > 0.0 {
            obs += d1;
            exp += d * n1 / n;
            if n > 1.0 {
                var += d * (n1 / n) * (1.0 - n1 / n) * (n - d) / (n - 1.0);
            }
        }
        n -= leave;
        n1 -= leave1;
    }
    let chi2 = (obs - exp).powi(2) / var;
    Ok(LogRank { chi2, p: chi2_sf(chi2, 1.0), observed: obs, expected: exp, variance: var })
}
