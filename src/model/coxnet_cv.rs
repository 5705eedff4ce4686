//! Cross-validation of a coxnet path over caller-given folds (no shuffling here), by
//!  * held-out Harrell's C (mean over folds, unweighted), and
//!  * grouped cross-validated partial likelihood (Verweij & van Houwelingen 1993):
//!    CVPL(λ) = Σ_k [ l(β̂₋ₖ(λ); all rows) − l(β̂₋ₖ(λ); rows not in fold k) ] (Breslow l),
//!
//! Each criterion is maximised (first maximum = largest λ). Also Harrell's C itself. It must
//! not refit on all rows (call `coxnet_path` for that). Fold fits skip the Newton polish.
use super::cox::{order_desc, Surv};
use super::coxnet::{breslow_loglik_eta, coxnet_path, CoxnetOptions, CoxnetPath};
use super::ModelError;
use ndarray::{Array2, ArrayView1, Axis};
use rayon::prelude::*;

/// Harrell's C: over comparable pairs (t_i < t_j with δ_i = 1, or t_i = t_j with δ_i = 1,
/// δ_j = 0), the share with risk_i > risk_j, ties in risk counting ½; NaN if no pair.
pub fn harrell_c(time: &[f64], event: &[bool], risk: &[f64]) -> f64 {
    let n = time.len();
    let (mut conc, mut total) = (0.0, 0.0);
    for i in 0..n {
        if !event[i] {
            continue;
        }
        for j in 0..n {
            if time[j] > time[i] || (time[j] == time[i] && !event[j]) {
                total += 1.0;
                if risk[i] > risk[j] {
                    conc += 1.0;
                } else if risk[i] == risk[j] {
                    conc += 0.5;
                }
            }
        }
    }
    if total == 0.0 {
        f64::NAN
    } else {
        conc / total
    }
}

/// CV summary along the λ grid.
#[derive(Debug, Clone)]
pub struct CoxnetCv {
    pub lambdas: Vec<f64>,
    /// Held-out Harrell's C per fold (rows, ascending fold id) and λ.
    pub fold_c: Array2<f64>,
    /// Mean held-out C per λ and the argmax.
    pub cv_c: Vec<f64>,
    pub index_best_c: usize,
    /// CVPL per λ and the argmax.
    pub cvpl: Vec<f64>,
    pub index_best_cvpl: usize,
    pub fold_paths: Vec<CoxnetPath>,
}

fn first_argmax(v: &[f64]) -> usize {
    let mut b = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[b] || v[b].is_nan() {
            b = i;
        }
    }
    b
}

/// η = X β over the non-zero coefficients only (a path has few), into `eta`.
fn sparse_predictor(x: &Array2<f64>, beta: ArrayView1<f64>, eta: &mut [f64]) {
    let nz: Vec<(usize, f64)> = beta.iter().enumerate().filter(|(_, &b)| b != 0.0).map(|(j, &b)| (j, b)).collect();
    for (e, row) in eta.iter_mut().zip(x.rows()) {
        *e = nz.iter().map(|&(j, b)| row[j] * b).sum();
    }
}

/// K-fold CV of `coxnet_path` on the fixed grid; `folds[i]` is row i's fold id.
pub fn cv_coxnet_path(
    x: &Array2<f64>,
    surv: &Surv,
    folds: &[usize],
    lambdas: &[f64],
    opts: &CoxnetOptions,
) -> Result<CoxnetCv, ModelError> {
    let n = x.nrows();
    if folds.len() != n || surv.time.len() != n {
        return Err(ModelError::DimensionMismatch("folds / surv vs X rows".into()));
    }
    let mut ids = folds.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() < 2 {
        return Err(ModelError::Degenerate("need at least 2 folds".into()));
    }
    let nl = lambdas.len();
    let order_all = order_desc(&surv.time);
    // Fold fits only rank their test patients: coordinate descent converged to `tol` is
    // enough there (no Newton polish). Folds run in parallel; results are combined in fold order.
    let fold_opts = CoxnetOptions { polish: false, ..*opts };
    let per_fold = ids
        .par_iter()
        .map(|&id| -> Result<(Vec<f64>, Vec<f64>, CoxnetPath), ModelError> {
            let train: Vec<usize> = (0..n).filter(|&i| folds[i] != id).collect();
            let test: Vec<usize> = (0..n).filter(|&i| folds[i] == id).collect();
            let sub = |rows: &[usize]| Surv {
                time: rows.iter().map(|&i| surv.time[i]).collect(),
                event: rows.iter().map(|&i| surv.event[i]).collect(),
            };
            let (str_, ste) = (sub(&train), sub(&test));
            let xtr = x.select(Axis(0), &train);
            let path = coxnet_path(&xtr, &str_, lambdas, &fold_opts)?;
            let order_tr = order_desc(&str_.time);
            let (mut c, mut pl) = (vec![0.0; nl], vec![0.0; nl]);
            let mut eta_all = vec![0.0; n];
            for l in 0..nl {
                sparse_predictor(x, path.coef.row(l), &mut eta_all);
                let eta_te: Vec<f64> = test.iter().map(|&i| eta_all[i]).collect();
                c[l] = harrell_c(&ste.time, &ste.event, &eta_te);
                let eta_tr: Vec<f64> = train.iter().map(|&i| eta_all[i]).collect();
                pl[l] = breslow_loglik_eta(surv, &eta_all, &order_all) - breslow_loglik_eta(&str_, &eta_tr, &order_tr);
            }
            Ok((c, pl, path))
        })
        .collect::<Vec<_>>();
    let mut fold_c = Array2::<f64>::zeros((ids.len(), nl));
    let mut cvpl = vec![0.0; nl];
    let mut fold_paths = vec![];
    for (f, r) in per_fold.into_iter().enumerate() {
        let (c, pl, path) = r?;
        fold_c.row_mut(f).assign(&ndarray::Array1::from(c));
        cvpl.iter_mut().zip(&pl).for_each(|(a, b)| *a += b);
        fold_paths.push(path);
    }
    let cv_c: Vec<f64> = (0..nl).map(|l| fold_c.column(l).sum() / ids.len() as f64).collect();
    Ok(CoxnetCv {
        lambdas: lambdas.to_vec(),
        index_best_c: first_argmax(&cv_c),
        index_best_cvpl: first_argmax(&cvpl),
        fold_c,
        cv_c,
        cvpl,
        fold_paths,
    })
}
