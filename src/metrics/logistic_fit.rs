//! Unpenalised logistic regression by Newton–Raphson (= IRLS) with an optional offset, for a
//! handful of columns (calibration fits). Not a general modelling API: no penalties, no
//! separation handling beyond reporting non-convergence.
use super::error::{check_finite, check_len, Result, StatsError};

/// Maximum-likelihood coefficients and their Wald covariance (inverse Fisher information).
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticFit {
    /// Coefficients, in the order of the design columns.
    pub coef: Vec<f64>,
    /// Standard errors √diag(I(β)⁻¹).
    pub se: Vec<f64>,
    /// Log-likelihood at the estimate.
    pub loglik: f64,
    /// Newton iterations used.
    pub iterations: usize,
}

/// Fits logit P(y=1) = offset + Σ_j β_j·x_j by Newton–Raphson
/// (β ← β + I⁻¹·Xᵀ(y − π), I = XᵀWX, W = π(1−π)); stops when max |Δβ| < 1e-13·(1+|β|).
/// `columns` are the design columns (include a column of ones for an intercept).
pub fn fit_logistic(columns: &[Vec<f64>], offset: Option<&[f64]>, y: &[bool]) -> Result<LogisticFit> {
    let n = y.len();
    let p = columns.len();
    if p == 0 {
        return Err(StatsError::InvalidArgument("no design columns".into()));
    }
    for c in columns {
        check_len("design column", c.len(), n)?;
        check_finite("design column", c)?;
    }
    if let Some(o) = offset {
        check_len("offset", o.len(), n)?;
        check_finite("offset", o)?;
    }
    let mut beta = vec![0.0; p];
    let max_iter = 200;
    for iter in 1..=max_iter {
        let (grad, info, _) = score_and_information(columns, offset, y, &beta);
        let inv = invert_spd(&info)
            .ok_or_else(|| StatsError::NotConverged("singular information matrix (separation?)".into()))?;
        let step: Vec<f64> = (0..p).map(|a| (0..p).map(|b| inv[a][b] * grad[b]).sum()).collect();
        let mut done = true;
        for a in 0..p {
            beta[a] += step[a];
            if !beta[a].is_finite() {
                return Err(StatsError::NotConverged("coefficients diverged".into()));
            }
            if step[a].abs() >= 1e-13 * (1.0 + beta[a].abs()) {
                done = false;
            }
        }
        if done {
            let (_, info, loglik) = score_and_information(columns, offset, y, &beta);
            let inv =
                invert_spd(&info).ok_or_else(|| StatsError::NotConverged("singular information matrix".into()))?;
            let se = (0..p).map(|a| inv[a][a].sqrt()).collect();
            return Ok(LogisticFit { coef: beta, se, loglik, iterations: iter });
        }
    }
    Err(StatsError::NotConverged(format!("no convergence in {max_iter} Newton steps")))
}

/// Gradient Xᵀ(y − π), information XᵀWX and log-likelihood at β.
fn score_and_information(
    columns: &[Vec<f64>],
    offset: Option<&[f64]>,
    y: &[bool],
    beta: &[f64],
) -> (Vec<f64>, Vec<Vec<f64>>, f64) {
    let p = columns.len();
    let mut grad = vec![0.0; p];
    let mut info = vec![vec![0.0; p]; p];
    let mut loglik = 0.0;
    for i in 0..y.len() {
        let mut eta = offset.map_or(0.0, |o| o[i]);
        for (c, b) in columns.iter().zip(beta) {
            eta += c[i] * b;
        }
        let pi = 1.0 / (1.0 + (-eta).exp());
        let yi = if y[i] { 1.0 } else { 0.0 };
        // log-likelihood y·η − log(1 + e^η), computed stably
        loglik += yi * eta - softplus(eta);
        let w = pi * (1.0 - pi);
        for a in 0..p {
            grad[a] += columns[a][i] * (yi - pi);
            for b in 0..=a {
                info[a][b] += w * columns[a][i] * columns[b][i];
            }
        }
    }
    // mirror the lower triangle into the upper one
    for a in 1..p {
        let (upper, lower) = info.split_at_mut(a);
        for (b, row) in upper.iter_mut().enumerate() {
            row[a] = lower[0][b];
        }
    }
    (grad, info, loglik)
}

/// log(1 + e^x) without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Inverse of a small symmetric positive-definite matrix by Gauss–Jordan with partial pivoting;
/// None if (numerically) singular.
pub(crate) fn invert_spd(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = m.len();
    let mut a: Vec<Vec<f64>> = m.to_vec();
    let mut inv: Vec<Vec<f64>> = (0..p).map(|i| (0..p).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let scale = m.iter().flat_map(|r| r.iter()).fold(0.0_f64, |s, v| s.max(v.abs()));
    for col in 0..p {
        let piv = (col..p).max_by(|&r1, &r2| a[r1][col].abs().total_cmp(&a[r2][col].abs()))?;
        if a[piv][col].abs() <= 1e-300_f64.max(scale * 1e-15) || !a[piv][col].is_finite() {
            return None;
        }
        a.swap(col, piv);
        inv.swap(col, piv);
        let d = a[col][col];
        for j in 0..p {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for r in 0..p {
            if r != col {
                let f = a[r][col];
                if f != 0.0 {
                    for j in 0..p {
                        a[r][j] -= f * a[col][j];
                        inv[r][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    Some(inv)
}
