//! LASSO selection as radiomics studies use it: an L1-logistic path (glmnet parameterisation,
//! unpenalised intercept) on z-scored training features, λ chosen by inner cross-validated
//! binomial deviance (λ_min or the 1-SE rule), coefficients refitted on all training rows at
//! that λ. Must be given training rows only (the caller passes a split's `TrainSet` data).

use super::glmnet::{enet_path, lambda_grid, lambda_max, EnetOptions, Family};
use super::glmnet_cv::{cv_enet_path, CvAggregation};
use ndarray::{Array1, Array2};

/// Number of λ values on the path (log-spaced from λ_max).
pub const N_LAMBDA: usize = 50;

/// Coefficients at the CV-chosen λ (`use_min`: λ_min, else λ_1se). `z` must be z-scored.
/// `folds[i]` is row i's inner fold id. λ_min/λ_max = 0.01 when n < p, else 1e-3.
pub fn lasso_logistic_cv_coefficients(
    z: &Array2<f64>,
    y: &Array1<f64>,
    folds: &[usize],
    use_min: bool,
) -> anyhow::Result<Array1<f64>> {
    let opts = EnetOptions { tol: 1e-7, ..EnetOptions::default() };
    let lmax = lambda_max(z, y, 1.0)?;
    let ratio = if z.nrows() < z.ncols() { 1e-2 } else { 1e-3 };
    let lambdas = lambda_grid(lmax, ratio, N_LAMBDA);
    let cv = cv_enet_path(z, y, Family::Binomial, folds, &lambdas, &opts, CvAggregation::GlmnetWeighted)?;
    let k = if use_min { cv.index_min } else { cv.index_1se };
    let path = enet_path(z, y, Family::Binomial, &lambdas[..=k], &opts)?;
    Ok(path.coef.row(k).to_owned())
}
