//! LASSO selection as radiomics studies use it: an L1-logistic path (glmnet parameterisation,
//! unpenalised intercept) on z-scored training features, λ chosen by inner cross-validated
//! binomial deviance (λ_min or the 1-SE rule), coefficients refitted on all training rows at
//! that λ. Must be given training rows only (the caller passes a split's `TrainSet` data).

use super::glmnet::{lambda_grid, lambda_max, path_on_design, Design, EnetOptions, Family};
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
    // Selection needs the support and the CV deviance, not coefficients to 1e-13: coordinate
    // descent converged to `tol` (as glmnet itself), no Newton polish.
    let opts = EnetOptions { tol: 1e-7, polish: false, ..EnetOptions::default() };
    let lmax = lambda_max(z, y, 1.0)?;
    let ratio = if z.nrows() < z.ncols() { 1e-2 } else { 1e-3 };
    let lambdas = lambda_grid(lmax, ratio, N_LAMBDA);
    let cv = cv_enet_path(z, y, Family::Binomial, folds, &lambdas, &opts, CvAggregation::GlmnetWeighted)?;
    let k = if use_min { cv.index_min } else { cv.index_1se };
    // z, y, α and the grid were validated by the CV: refit without checking them again
    let path = path_on_design(&Design::new(z), y.to_vec(), Family::Binomial, &lambdas[..=k], &opts);
    Ok(path.coef.row(k).to_owned())
}

/// LASSO-Cox coefficients at the CV-chosen λ (Breslow partial likelihood, glmnet
/// parameterisation). `use_min`: the λ with the best cross-validated partial likelihood
/// (Verweij & van Houwelingen); otherwise the largest λ whose mean held-out Harrell C is within
/// one standard error of the best. `z` must be z-scored.
pub fn lasso_cox_cv_coefficients(
    z: &Array2<f64>,
    time: &Array1<f64>,
    event: &Array1<f64>,
    folds: &[usize],
    use_min: bool,
) -> anyhow::Result<Array1<f64>> {
    use super::cox::Surv;
    use super::coxnet::{coxnet_lambda_max, coxnet_path, CoxnetOptions};
    use super::coxnet_cv::cv_coxnet_path;
    let surv = Surv { time: time.to_vec(), event: event.iter().map(|&e| e == 1.0).collect() };
    let opts = CoxnetOptions { tol: 1e-8, ..CoxnetOptions::default() };
    let lmax = coxnet_lambda_max(z, &surv, 1.0)?;
    let ratio = if z.nrows() < z.ncols() { 5e-2 } else { 1e-2 };
    let lambdas = lambda_grid(lmax, ratio, N_LAMBDA);
    let cv = cv_coxnet_path(z, &surv, folds, &lambdas, &opts)?;
    let k = if use_min { cv.index_best_cvpl } else { one_se_index(&cv.fold_c, cv.index_best_c) };
    let path = coxnet_path(z, &surv, &lambdas[..=k], &opts)?;
    Ok(path.coef.row(k).to_owned())
}

/// Largest λ (smallest index) whose mean fold C is within one SE of the best index's mean.
fn one_se_index(fold_c: &Array2<f64>, best: usize) -> usize {
    let k = fold_c.nrows() as f64;
    let col = |l: usize| -> (f64, f64) {
        let v: Vec<f64> = fold_c.column(l).iter().copied().filter(|x| x.is_finite()).collect();
        let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len().max(2) - 1) as f64;
        (m, (var / k).sqrt())
    };
    let (best_m, best_se) = col(best);
    (0..=best).find(|&l| col(l).0 >= best_m - best_se).unwrap_or(best)
}
