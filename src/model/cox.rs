//! Cox proportional-hazards regression by Newton–Raphson with step halving, maximising the
//! log partial likelihood with Efron or Breslow handling of tied event times:
//!   Breslow: l(β) = Σ_t [ Σ_{i∈D_t} η_i − d_t log S_t ],                S_t = Σ_{j∈R_t} e^{η_j}
//!   Efron:   l(β) = Σ_t [ Σ_{i∈D_t} η_i − Σ_{k<d_t} log(S_t − (k/d_t) Σ_{i∈D_t} e^{η_i}) ]
//! (Cox 1972; Breslow 1974; Efron 1977), η = xᵀβ. SEs from the inverse observed information,
//! likelihood-ratio test against β = 0. Covariates are used as given (no scaling). The
//! baseline hazard lives in `cox_baseline`; penalised fits in `coxnet`.
use super::linalg::{cholesky, cholesky_solve, spd_inverse};
use super::ModelError;
use ndarray::{Array1, Array2};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ties {
    Efron,
    Breslow,
}

impl Ties {
    /// "efron" / "breslow", for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
        }
    }
}

/// Survival outcome: follow-up time and event indicator (true = event, false = censored).
#[derive(Debug, Clone)]
pub struct Surv {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
}

/// A fitted Cox model.
#[derive(Debug, Clone)]
pub struct CoxFit {
    pub ties: Ties,
    pub coef: Array1<f64>,
    pub se: Array1<f64>,
    /// Inverse observed information at β̂.
    pub vcov: Array2<f64>,
    /// Log partial likelihood at β̂ and at β = 0.
    pub loglik: f64,
    pub loglik_null: f64,
    /// LR statistic 2 (l(β̂) − l(0)), its df (= p) and χ² p-value.
    pub lr_stat: f64,
    pub lr_df: usize,
    pub lr_p: f64,
    pub iterations: usize,
}

pub(crate) fn check_surv(n: usize, s: &Surv) -> Result<(), ModelError> {
    if s.time.len() != n || s.event.len() != n {
        return Err(ModelError::DimensionMismatch(format!(
            "{} rows but {} times / {} events",
            n,
            s.time.len(),
            s.event.len()
        )));
    }
    if s.time.iter().any(|t| !t.is_finite()) {
        return Err(ModelError::NonFinite("time".into()));
    }
    if !s.event.iter().any(|&e| e) {
        return Err(ModelError::Degenerate("no events".into()));
    }
    Ok(())
}

/// Row order by time, descending (risk sets are then prefixes).
pub(crate) fn order_desc(time: &[f64]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..time.len()).collect();
    o.sort_by(|&a, &b| time[b].total_cmp(&time[a]));
    o
}

/// Log partial likelihood, gradient and information (−Hessian) at η = Xβ.
/// `need` = 0: value only, 1: + gradient, 2: + information.
/// One descending pass over the risk sets with running sums S0, S1, S2 (lower triangle);
/// flat buffers, no per-time allocation: O(n p²) for the information.
pub(crate) fn partial_loglik(
    x: &Array2<f64>,
    s: &Surv,
    beta: &Array1<f64>,
    ties: Ties,
    need: u8,
) -> (f64, Array1<f64>, Array2<f64>) {
    let (n, p) = x.dim();
    let eta_raw = x.dot(beta);
    let shift = eta_raw.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let r: Vec<f64> = eta_raw.iter().map(|e| (e - shift).exp()).collect();
    let order = order_desc(&s.time);
    let efron = ties == Ties::Efron;
    let (g1, g2) = (need >= 1, need >= 2);
    let pp = if g2 { p * p } else { 0 };
    let (mut s0, mut s1, mut s2) = (0.0, vec![0.0; p], vec![0.0; pp]);
    // sums over the tied events of one time (Efron only)
    let (mut sd1, mut sd2) = (vec![0.0; if efron { p } else { 0 }], vec![0.0; if efron { pp } else { 0 }]);
    let mut ll = 0.0;
    let mut grad = vec![0.0; p];
    let mut info = vec![0.0; pp];
    let mut a1 = vec![0.0; p];
    let mut row = vec![0.0; p];
    // add w · x xᵀ (lower triangle) to m
    let add_outer = |m: &mut [f64], w: f64, xk: &[f64]| {
        for a in 0..p {
            let wa = w * xk[a];
            for (mab, xb) in m[a * p..a * p + a + 1].iter_mut().zip(&xk[..=a]) {
                *mab += wa * xb;
            }
        }
    };
    let mut i = 0;
    while i < n {
        let t = s.time[order[i]];
        let mut j = i;
        let (mut d, mut sd0) = (0usize, 0.0);
        while j < n && s.time[order[j]] == t {
            let k = order[j];
            row.iter_mut().zip(x.row(k)).for_each(|(o, &v)| *o = v);
            let rk = r[k];
            s0 += rk;
            if g1 {
                s1.iter_mut().zip(&row).for_each(|(o, &v)| *o += rk * v);
            }
            if g2 {
                add_outer(&mut s2, rk, &row);
            }
            if s.event[k] {
                d += 1;
                ll += eta_raw[k] - shift;
                sd0 += rk;
                if g1 {
                    grad.iter_mut().zip(&row).for_each(|(o, &v)| *o += v);
                    if efron {
                        sd1.iter_mut().zip(&row).for_each(|(o, &v)| *o += rk * v);
                    }
                }
                if g2 && efron {
                    add_outer(&mut sd2, rk, &row);
                }
            }
            j += 1;
        }
        // Breslow: the d tied events share one term; Efron: d terms with f = m/d
        let terms = if efron { d } else { d.min(1) };
        let mult = if efron { 1.0 } else { d as f64 };
        for m in 0..terms {
            let f = if efron { m as f64 / d as f64 } else { 0.0 };
            let phi = s0 - f * sd0;
            ll -= mult * phi.ln();
            if g1 {
                for a in 0..p {
                    let sd = if efron { sd1[a] } else { 0.0 };
                    a1[a] = (s1[a] - f * sd) / phi;
                    grad[a] -= mult * a1[a];
                }
            }
            if g2 {
                for a in 0..p {
                    for b in 0..=a {
                        let sd = if efron { sd2[a * p + b] } else { 0.0 };
                        info[a * p + b] += mult * ((s2[a * p + b] - f * sd) / phi - a1[a] * a1[b]);
                    }
                }
            }
        }
        if efron && d > 0 {
            sd1.iter_mut().for_each(|v| *v = 0.0);
            sd2.iter_mut().for_each(|v| *v = 0.0);
        }
        i = j;
    }
    let mut info_m = Array2::<f64>::zeros((p, p));
    if g2 {
        for a in 0..p {
            for b in 0..=a {
                info_m[[a, b]] = info[a * p + b];
                info_m[[b, a]] = info[a * p + b];
            }
        }
    }
    (ll, Array1::from(grad), info_m)
}

/// Fit β̂ = argmax l(β) by Newton–Raphson (start 0, step halving, stop when
/// max |Δβ| ≤ 1e-10 (1 + max |β|)). Errors: `Singular` for collinear covariates,
/// `NotConverged` (e.g. monotone likelihood: a covariate separating events) at `max_iter`.
pub fn fit_cox(x: &Array2<f64>, surv: &Surv, ties: Ties, max_iter: usize) -> Result<CoxFit, ModelError> {
    let (n, p) = x.dim();
    check_surv(n, surv)?;
    if x.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X".into()));
    }
    // centre columns for stability (the partial likelihood is invariant to centring)
    let means: Vec<f64> = x.columns().into_iter().map(|c| c.sum() / n as f64).collect();
    let xc = Array2::from_shape_fn((n, p), |(i, j)| x[[i, j]] - means[j]);
    let mut beta = Array1::<f64>::zeros(p);
    let (l0, _, _) = partial_loglik(&xc, surv, &beta, ties, 0);
    let mut ll = l0;
    let mut last = f64::INFINITY;
    for it in 1..=max_iter {
        let (_, g, info) = partial_loglik(&xc, surv, &beta, ties, 2);
        let l = cholesky(&info)?;
        let step = cholesky_solve(&l, &g);
        let scale = 1.0 + beta.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let smax = step.iter().fold(0.0f64, |a, b| a.max(b.abs()));
        let mut t = 1.0;
        let mut cand = &beta + &step;
        let mut lc = partial_loglik(&xc, surv, &cand, ties, 0).0;
        while !(lc.is_finite() && lc >= ll - 1e-12 * ll.abs()) && t > 1e-8 {
            t *= 0.5;
            cand = &beta + &(&step * t);
            lc = partial_loglik(&xc, surv, &cand, ties, 0).0;
        }
        last = smax * t;
        beta = cand;
        ll = lc;
        if smax <= 1e-10 * scale {
            let (ll, _, info) = partial_loglik(&xc, surv, &beta, ties, 2);
            let vcov = spd_inverse(&info)?;
            let se = vcov.diag().mapv(f64::sqrt);
            let lr = 2.0 * (ll - l0);
            let lr_p =
                if p > 0 { ChiSquared::new(p as f64).map(|c| c.sf(lr.max(0.0))).unwrap_or(f64::NAN) } else { f64::NAN };
            return Ok(CoxFit {
                ties,
                coef: beta,
                se,
                vcov,
                loglik: ll,
                loglik_null: l0,
                lr_stat: lr,
                lr_df: p,
                lr_p,
                iterations: it,
            });
        }
    }
    Err(ModelError::NotConverged { iterations: max_iter, last_change: last })
}

/// Log partial likelihood l(β) on (X, surv) (e.g. for CV partial likelihood).
pub fn cox_loglik(x: &Array2<f64>, surv: &Surv, beta: &Array1<f64>, ties: Ties) -> Result<f64, ModelError> {
    check_surv(x.nrows(), surv)?;
    if beta.len() != x.ncols() {
        return Err(ModelError::DimensionMismatch("beta vs X columns".into()));
    }
    Ok(partial_loglik(x, surv, beta, ties, 0).0)
}

/// Linear predictor η = xᵀβ (uncentred).
pub fn linear_predictor(coef: &Array1<f64>, x: &Array2<f64>) -> Result<Array1<f64>, ModelError> {
    if x.ncols() != coef.len() {
        return Err(ModelError::DimensionMismatch(format!("{} coefficients, X has {} columns", coef.len(), x.ncols())));
    }
    Ok(x.dot(coef))
}
