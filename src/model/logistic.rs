//! Logistic regression by Newton–Raphson (IRLS) with an unpenalised intercept and either no
//! penalty or an L2 penalty in scikit-learn's C parameterisation:
//!   minimise  Σ_i [log(1 + e^{η_i}) − y_i η_i] + ‖w‖² / (2C),   η_i = b0 + x_iᵀw.
//! Works on X exactly as given (standardise beforehand with `standardize::Scaler` to match
//! references fitted on z-scores). Separation is reported as an error, never as NaN or ±∞.
//! This module must not select features or tune C.
use super::linalg::{cholesky, cholesky_solve};
use super::ModelError;
use ndarray::{Array1, Array2};

/// Penalty on the slope coefficients (never on the intercept).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Penalty {
    /// Plain maximum likelihood.
    None,
    /// Ridge with scikit-learn's C: adds ‖w‖² / (2C) to the negative log-likelihood.
    L2 { c: f64 },
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub struct LogisticOptions {
    pub penalty: Penalty,
    /// Newton iteration limit (default 100).
    pub max_iter: usize,
    /// Stop when max |Δθ| ≤ tol · (1 + max |θ|) (default 1e-10).
    pub tol: f64,
}

impl Default for LogisticOptions {
    fn default() -> Self {
        LogisticOptions { penalty: Penalty::None, max_iter: 100, tol: 1e-10 }
    }
}

/// A fitted logistic model.
#[derive(Debug, Clone)]
pub struct LogisticFit {
    pub intercept: f64,
    pub coef: Array1<f64>,
    /// Σ_i [y_i η_i − log(1 + e^{η_i})] at the solution (unpenalised).
    pub loglik: f64,
    /// Penalised objective that was minimised.
    pub objective: f64,
    pub iterations: usize,
}

/// log(1 + e^η) without overflow.
pub(crate) fn softplus(eta: f64) -> f64 {
    if eta > 0.0 {
        eta + (-eta).exp().ln_1p()
    } else {
        eta.exp().ln_1p()
    }
}

/// σ(η) = 1 / (1 + e^{−η}) without overflow.
pub(crate) fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

fn check_xy(x: &Array2<f64>, y: &Array1<f64>) -> Result<(), ModelError> {
    if x.nrows() != y.len() {
        return Err(ModelError::DimensionMismatch(format!("X has {} rows, y has {}", x.nrows(), y.len())));
    }
    if x.nrows() == 0 {
        return Err(ModelError::Degenerate("no rows".into()));
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    if y.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(ModelError::InvalidParameter("y must be 0/1".into()));
    }
    let s = y.sum();
    if s == 0.0 || s == y.len() as f64 {
        return Err(ModelError::Degenerate("y has a single class".into()));
    }
    Ok(())
}

/// η = b0 + X w.
pub fn linear_predictor(fit: &LogisticFit, x: &Array2<f64>) -> Result<Array1<f64>, ModelError> {
    if x.ncols() != fit.coef.len() {
        return Err(ModelError::DimensionMismatch(format!(
            "model has {} coefficients, X has {} columns",
            fit.coef.len(),
            x.ncols()
        )));
    }
    Ok(x.dot(&fit.coef) + fit.intercept)
}

/// P(y = 1 | x) = σ(b0 + xᵀw).
pub fn predict_proba(fit: &LogisticFit, x: &Array2<f64>) -> Result<Array1<f64>, ModelError> {
    Ok(linear_predictor(fit, x)?.mapv(sigmoid))
}

/// Penalised objective Σ softplus(η) − yη + ‖w‖²/(2C) and the unpenalised log-likelihood.
fn objective(x: &Array2<f64>, y: &Array1<f64>, theta: &Array1<f64>, ridge: f64) -> (f64, f64) {
    let p = x.ncols();
    let mut ll = 0.0;
    for (i, row) in x.rows().into_iter().enumerate() {
        let eta = theta[0] + (0..p).map(|j| row[j] * theta[j + 1]).sum::<f64>();
        ll += y[i] * eta - softplus(eta);
    }
    let pen = 0.5 * ridge * theta.iter().skip(1).map(|w| w * w).sum::<f64>();
    (pen - ll, ll)
}

/// Fit by Newton–Raphson with step halving: θ ← θ + t H⁻¹g, H = X̃ᵀVX̃ + diag(0, 1/C).
/// Errors: `Separation` when the unpenalised MLE diverges (fitted η beyond ±30),
/// `NotConverged` otherwise at `max_iter`, `Singular` for collinear unpenalised columns.
pub fn fit_logistic(x: &Array2<f64>, y: &Array1<f64>, opts: &LogisticOptions) -> Result<LogisticFit, ModelError> {
    check_xy(x, y)?;
    let ridge = match opts.penalty {
        Penalty::None => 0.0,
        Penalty::L2 { c } => {
            if !(c > 0.0 && c.is_finite()) {
                return Err(ModelError::InvalidParameter(format!("C must be positive, got {c}")));
            }
            1.0 / c
        }
    };
    let (n, p) = x.dim();
    let mut theta = Array1::<f64>::zeros(p + 1);
    let ybar = y.sum() / n as f64;
    theta[0] = (ybar / (1.0 - ybar)).ln();
    let (mut obj, mut ll) = objective(x, y, &theta, ridge);
    let mut last_change = f64::INFINITY;
    for iter in 1..=opts.max_iter {
        // gradient of the objective and Hessian
        let mut g = Array1::<f64>::zeros(p + 1);
        let mut h = Array2::<f64>::zeros((p + 1, p + 1));
        let mut xi = vec![1.0; p + 1];
        for (i, row) in x.rows().into_iter().enumerate() {
            for j in 0..p {
                xi[j + 1] = row[j];
            }
            let eta: f64 = (0..=p).map(|j| xi[j] * theta[j]).sum();
            let mu = sigmoid(eta);
            let v = mu * (1.0 - mu);
            let r = mu - y[i];
            for a in 0..=p {
                g[a] += r * xi[a];
                let va = v * xi[a];
                for b in 0..=a {
                    h[[a, b]] += va * xi[b];
                }
            }
        }
        for a in 0..=p {
            for b in 0..a {
                h[[b, a]] = h[[a, b]];
            }
        }
        for j in 1..=p {
            g[j] += ridge * theta[j];
            h[[j, j]] += ridge;
        }
        let l = match cholesky(&h) {
            Ok(l) => l,
            Err(e) => {
                let eta_max =
                    x.dot(&theta.slice(ndarray::s![1..])).mapv(|e| (e + theta[0]).abs()).fold(0.0f64, |a, &b| a.max(b));
                if eta_max > 30.0 {
                    return Err(ModelError::Separation {
                        iterations: iter,
                        detail: "fitted probabilities reached 0 or 1".into(),
                    });
                }
                return Err(e);
            }
        };
        let step = cholesky_solve(&l, &g);
        let step_max = step.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
        let scale = 1.0 + theta.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
        if step_max <= opts.tol * scale {
            theta = &theta - &step;
            let (o, l2) = objective(x, y, &theta, ridge);
            return Ok(LogisticFit {
                intercept: theta[0],
                coef: theta.slice(ndarray::s![1..]).to_owned(),
                loglik: l2,
                objective: o,
                iterations: iter,
            });
        }
        let mut t = 1.0;
        let mut accepted = false;
        let mut cand = theta.clone();
        for _ in 0..40 {
            cand = &theta - &(&step * t);
            let (o, l2) = objective(x, y, &cand, ridge);
            if o.is_finite() && o <= obj + 1e-12 * obj.abs().max(1.0) {
                obj = o;
                ll = l2;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
        last_change = (&cand - &theta).iter().fold(0.0f64, |a, &b| a.max(b.abs()));
        let scale = 1.0 + cand.iter().fold(0.0f64, |a, &b| a.max(b.abs()));
        theta = cand;
        if last_change <= opts.tol * scale {
            return Ok(LogisticFit {
                intercept: theta[0],
                coef: theta.slice(ndarray::s![1..]).to_owned(),
                loglik: ll,
                objective: obj,
                iterations: iter,
            });
        }
        if ridge == 0.0 && -ll < 1e-8 {
            return Err(ModelError::Separation {
                iterations: iter,
                detail: "log-likelihood reached 0: perfect separation".into(),
            });
        }
    }
    let eta_max = (x.dot(&theta.slice(ndarray::s![1..])) + theta[0]).iter().fold(0.0f64, |a, &b| a.max(b.abs()));
    if ridge == 0.0 && eta_max > 30.0 {
        return Err(ModelError::Separation {
            iterations: opts.max_iter,
            detail: format!("coefficients diverge (max |η| = {eta_max:.1})"),
        });
    }
    Err(ModelError::NotConverged { iterations: opts.max_iter, last_change })
}
