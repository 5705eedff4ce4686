//! ComBat batch harmonisation (Johnson, Li & Rabinovic 2007, Biostatistics 8:118; imaging use
//! Fortin et al. 2017/2018) split into `combat_fit` (training rows only) and
//! `CombatModel::apply` (any rows), reproducing the `neuroCombat` Python package 0.2.12:
//! design = batch indicators + covariates, per-feature least squares, pooled variance over the
//! fit's rows, standardisation, parametric or non-parametric empirical Bayes, optional mean-only
//! and reference-batch variants. Must not see held-out rows while fitting, and must not decide
//! how to treat a batch unseen in fitting: that is the caller's `UnseenBatch` choice.
use super::combat_eb::{batch_prior, mean_var, nonparametric_eb, parametric_eb, BatchPrior};
use super::error::CombatError;
use crate::model::linalg::{cholesky, cholesky_solve};
use ndarray::{Array1, Array2, Axis};

/// What `CombatModel::apply` does with rows of a batch that was not in the training rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnseenBatch {
    /// Fail with `CombatError::UnseenBatch` (default).
    #[default]
    Error,
    /// Return those rows unchanged.
    NoCorrection,
    /// Standardise with the pooled grand mean / variance (and covariate effects) and map back
    /// with no batch term (γ* = 0, δ* = 1). In ComBat's location/scale model that mapping is
    /// the identity, so the rows come back unchanged, exactly as with `NoCorrection`.
    PooledOnly,
}

/// ComBat settings (neuroCombat defaults: parametric EB, location and scale, no reference).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CombatOptions {
    /// Parametric EB priors (`true`, neuroCombat default) or non-parametric integration.
    pub parametric: bool,
    /// Adjust the location only (δ* = 1).
    pub mean_only: bool,
    /// Treatment of batches absent from the training rows.
    pub unseen: UnseenBatch,
    /// Harmonise towards this batch (kept unchanged; its mean and variance define the scale).
    pub reference_batch: Option<String>,
}

impl CombatOptions {
    /// neuroCombat's defaults: parametric, location and scale, unseen batches are an error.
    pub fn neurocombat_default() -> CombatOptions {
        CombatOptions { parametric: true, ..Default::default() }
    }
}

/// ComBat estimates from the training rows; applies to any rows of the same features.
#[derive(Debug, Clone, PartialEq)]
pub struct CombatModel {
    /// Training batch labels, sorted (row order of `gamma_star` / `delta_star`).
    pub batches: Vec<String>,
    /// Index of the reference batch in `batches`.
    pub reference: Option<usize>,
    /// Per feature: α̂ = Σ_b (n_b/N) β̂_b (or the reference batch's β̂).
    pub grand_mean: Array1<f64>,
    /// Per feature: pooled residual variance σ̂² (divided by N, or by n_ref with a reference).
    pub var_pooled: Array1<f64>,
    /// Covariate coefficients β̂ (covariates × features).
    pub covariate_coef: Array2<f64>,
    /// Per feature: mean covariate effect over the training rows (used when `apply` gets no covariates).
    pub mean_covariate_effect: Array1<f64>,
    /// Unshrunken batch location / scale on the standardised scale (batches × features).
    pub gamma_hat: Array2<f64>,
    pub delta_hat: Array2<f64>,
    /// Empirical Bayes location / scale (batches × features).
    pub gamma_star: Array2<f64>,
    pub delta_star: Array2<f64>,
    /// EB hyper-parameters per batch.
    pub priors: Vec<BatchPrior>,
    pub options: CombatOptions,
}

fn check_finite(what: &str, x: &Array2<f64>) -> Result<(), CombatError> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(CombatError::NonFinite(what.to_string()))
    }
}

/// Least-squares coefficients of every column of `y` on `d`: (DᵀD)⁻¹Dᵀy (columns of y).
fn least_squares(d: &Array2<f64>, y: &Array2<f64>) -> Result<Array2<f64>, CombatError> {
    let l = cholesky(&d.t().dot(d)).map_err(|e| CombatError::Confounded(e.to_string()))?;
    let dty = d.t().dot(y);
    let mut beta = Array2::<f64>::zeros(dty.dim());
    for (j, col) in dty.columns().into_iter().enumerate() {
        beta.column_mut(j).assign(&cholesky_solve(&l, &col.to_owned()));
    }
    Ok(beta)
}

/// Fit ComBat on training rows: `x` is patients × features, `batch` one label per row,
/// `covariates` (patients × q, numeric; dummy-code categories) are effects to preserve.
/// Standardise s = (x − α̂ − Zβ̂)/σ̂, γ̂_b = batch means of s (regression with a reference),
/// δ̂_b = batch variances (n − 1), then EB shrinkage to γ*, δ* (neuroCombat 0.2.12).
pub fn combat_fit(
    x: &Array2<f64>,
    batch: &[String],
    covariates: Option<&Array2<f64>>,
    opts: &CombatOptions,
) -> Result<CombatModel, CombatError> {
    let (n, p) = x.dim();
    if batch.len() != n {
        return Err(CombatError::DimensionMismatch(format!("{n} rows but {} batch labels", batch.len())));
    }
    check_finite("data", x)?;
    let q = covariates.map_or(0, |c| c.ncols());
    if let Some(c) = covariates {
        if c.nrows() != n {
            return Err(CombatError::DimensionMismatch(format!("{n} rows but {} covariate rows", c.nrows())));
        }
        check_finite("covariates", c)?;
    }
    if p < 2 {
        return Err(CombatError::TooFewFeatures(p));
    }
    let mut batches: Vec<String> = batch.to_vec();
    batches.sort();
    batches.dedup();
    if batches.len() < 2 {
        return Err(CombatError::TooFewBatches { found: batches.len() });
    }
    let nb = batches.len();
    let code: Vec<usize> = batch.iter().map(|b| batches.binary_search(b).unwrap_or(0)).collect();
    let rows: Vec<Vec<usize>> = (0..nb).map(|b| (0..n).filter(|&i| code[i] == b).collect()).collect();
    for (b, r) in rows.iter().enumerate() {
        if r.len() < 2 {
            return Err(CombatError::BatchTooSmall { batch: batches[b].clone(), n: r.len() });
        }
    }
    let reference = match &opts.reference_batch {
        None => None,
        Some(r) => Some(batches.binary_search(r).map_err(|_| CombatError::UnknownReference { batch: r.clone() })?),
    };

    // design: batch one-hot (reference column all ones) + covariates
    let mut design = Array2::<f64>::zeros((n, nb + q));
    for i in 0..n {
        design[[i, code[i]]] = 1.0;
        if let Some(r) = reference {
            design[[i, r]] = 1.0;
        }
        if let Some(c) = covariates {
            for k in 0..q {
                design[[i, nb + k]] = c[[i, k]];
            }
        }
    }
    let beta = least_squares(&design, x)?;
    let grand_mean: Array1<f64> = match reference {
        Some(r) => beta.row(r).to_owned(),
        None => (0..p).map(|j| (0..nb).map(|b| rows[b].len() as f64 / n as f64 * beta[[b, j]]).sum()).collect(),
    };
    let covariate_coef = beta.slice(ndarray::s![nb.., ..]).to_owned();
    let cov_effect: Array2<f64> = match covariates {
        Some(c) => c.dot(&covariate_coef),
        None => Array2::zeros((n, p)),
    };
    let fitted = design.dot(&beta);
    let pool_rows: Vec<usize> = match reference {
        Some(r) => rows[r].clone(),
        None => (0..n).collect(),
    };
    let var_pooled: Array1<f64> = (0..p)
        .map(|j| {
            let v =
                pool_rows.iter().map(|&i| (x[[i, j]] - fitted[[i, j]]).powi(2)).sum::<f64>() / pool_rows.len() as f64;
            // neuroCombat replaces a zero pooled variance by median(var != 0), i.e. 1 in practice
            if v == 0.0 {
                1.0
            } else {
                v
            }
        })
        .collect();
    let mut s = x.clone();
    for i in 0..n {
        for j in 0..p {
            s[[i, j]] = (x[[i, j]] - grand_mean[j] - cov_effect[[i, j]]) / var_pooled[j].sqrt();
        }
    }

    // location / scale estimates per batch
    let gamma_hat = least_squares(&design.slice(ndarray::s![.., ..nb]).to_owned(), &s)?;
    let mut delta_hat = Array2::<f64>::ones((nb, p));
    if !opts.mean_only {
        for b in 0..nb {
            let sb = s.select(Axis(0), &rows[b]);
            for j in 0..p {
                let (_, v) = mean_var(sb.column(j));
                delta_hat[[b, j]] = if v == 0.0 { 1.0 } else { v };
            }
        }
    }
    let mut gamma_star = Array2::<f64>::zeros((nb, p));
    let mut delta_star = Array2::<f64>::ones((nb, p));
    let mut priors = Vec::with_capacity(nb);
    for b in 0..nb {
        let prior = batch_prior(gamma_hat.row(b), delta_hat.row(b), opts.mean_only);
        let sb = s.select(Axis(0), &rows[b]);
        let (g, d) = match (opts.parametric, opts.mean_only) {
            (true, true) => {
                (gamma_hat.row(b).mapv(|g| (prior.t2 * g + prior.gamma_bar) / (prior.t2 + 1.0)), Array1::ones(p))
            }
            (true, false) => parametric_eb(&sb, gamma_hat.row(b), delta_hat.row(b), &prior, &batches[b])?,
            (false, _) => nonparametric_eb(&sb, gamma_hat.row(b), delta_hat.row(b)),
        };
        gamma_star.row_mut(b).assign(&g);
        delta_star.row_mut(b).assign(&d);
        priors.push(prior);
    }
    if let Some(r) = reference {
        gamma_star.row_mut(r).fill(0.0);
        delta_star.row_mut(r).fill(1.0);
    }
    let mean_covariate_effect = cov_effect.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(p));
    Ok(CombatModel {
        batches,
        reference,
        grand_mean,
        var_pooled,
        covariate_coef,
        mean_covariate_effect,
        gamma_hat,
        delta_hat,
        gamma_star,
        delta_star,
        priors,
        options: opts.clone(),
    })
}

impl CombatModel {
    /// Harmonise rows: x* = (x − α̂ − Zβ̂ − σ̂γ*_b)/√δ*_b + α̂ + Zβ̂ (neuroCombat's adjustment).
    /// Without `covariates` a model fitted with covariates uses their mean training effect for
    /// Zβ̂ (as `neuroCombatFromTraining`). Reference-batch rows are returned unchanged.
    /// Unseen batches follow `options.unseen`.
    pub fn apply(
        &self,
        x: &Array2<f64>,
        batch: &[String],
        covariates: Option<&Array2<f64>>,
    ) -> Result<Array2<f64>, CombatError> {
        let (n, p) = x.dim();
        if p != self.grand_mean.len() {
            return Err(CombatError::DimensionMismatch(format!(
                "model has {} features, data has {p}",
                self.grand_mean.len()
            )));
        }
        if batch.len() != n {
            return Err(CombatError::DimensionMismatch(format!("{n} rows but {} batch labels", batch.len())));
        }
        check_finite("data", x)?;
        let q = self.covariate_coef.nrows();
        let cov_effect: Option<Array2<f64>> = match covariates {
            None => None,
            Some(c) if c.ncols() != q || c.nrows() != n => {
                return Err(CombatError::CovariateMismatch(format!(
                    "model was fitted with {q} covariate(s); got {} rows × {} columns for {n} rows",
                    c.nrows(),
                    c.ncols()
                )))
            }
            Some(c) => {
                check_finite("covariates", c)?;
                Some(c.dot(&self.covariate_coef))
            }
        };
        let mut out = x.clone();
        for i in 0..n {
            let level = self.batches.binary_search(&batch[i]).ok();
            let (gamma, delta) = match level {
                Some(b) if Some(b) == self.reference => continue,
                Some(b) => (self.gamma_star.row(b), self.delta_star.row(b)),
                None => match self.options.unseen {
                    UnseenBatch::Error => return Err(CombatError::UnseenBatch { batch: batch[i].clone() }),
                    UnseenBatch::NoCorrection => continue,
                    // no batch term: x = α̂ + Zβ̂ + σ̂z maps back to itself
                    UnseenBatch::PooledOnly => continue,
                },
            };
            for j in 0..p {
                let mean = self.location(&cov_effect, i, j);
                let sd = self.var_pooled[j].sqrt();
                let z = (x[[i, j]] - mean) / sd;
                out[[i, j]] = (z - gamma[j]) / delta[j].sqrt() * sd + mean;
            }
        }
        Ok(out)
    }

    /// α̂_j + (Zβ̂)_ij, or α̂_j + mean training covariate effect without covariates.
    fn location(&self, cov_effect: &Option<Array2<f64>>, i: usize, j: usize) -> f64 {
        self.grand_mean[j]
            + match cov_effect {
                Some(e) => e[[i, j]],
                None => self.mean_covariate_effect[j],
            }
    }
}
