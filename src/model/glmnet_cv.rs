//! K-fold cross-validation of an elastic-net path over caller-given fold ids (no shuffling
//! here): per fold, fit the path on the other folds on the same λ grid, score the held-out
//! fold (binomial deviance −2·mean loglik and AUC; Gaussian mean squared error), aggregate,
//! and pick λ_min and λ_1se. Two aggregation rules, as the references use them:
//!  * `GlmnetWeighted` (cv.glmnet): cvm = Σ_k n_k L_k / Σ n_k,
//!    cvsd = sqrt( Σ_k n_k (L_k − cvm)² / Σ n_k / (K − 1) );
//!  * `SklearnUnweighted` (LassoCV): cvm = mean_k L_k, cvsd = sd_{ddof=1}(L_k) / sqrt(K).
//!
//! λ_min = the largest λ whose cvm equals the minimum; λ_1se = the largest λ with
//! cvm ≤ cvm[min] + cvsd[min]. Must not refit on all rows (call `enet_path` for that).
//! Folds are fitted in parallel (rayon); results are combined in fold order, so they do not
//! depend on the number of threads. X is validated once; each fold's design is built from its
//! rows directly, and held-out predictions skip zero coefficients (bit-identical to the dense
//! product, see `predict_rows`).
use super::glmnet::{
    check_binomial_y, check_inputs, check_options, path_on_design, Design, EnetOptions, EnetPath, Family,
};
use super::logistic::softplus;
use super::ModelError;
use ndarray::{Array1, Array2};
use rayon::prelude::*;

/// How per-fold losses are combined into cvm / cvsd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvAggregation {
    GlmnetWeighted,
    SklearnUnweighted,
}

/// Cross-validation summary along the λ grid.
#[derive(Debug, Clone)]
pub struct CvResult {
    pub lambdas: Vec<f64>,
    /// Held-out loss per fold (rows, in ascending fold id order) and λ (columns):
    /// binomial deviance −2·mean loglik, or Gaussian MSE.
    pub fold_loss: Array2<f64>,
    /// Held-out AUC per fold and λ (binomial only; NaN for Gaussian).
    pub fold_auc: Array2<f64>,
    pub fold_sizes: Vec<usize>,
    pub cvm: Vec<f64>,
    pub cvsd: Vec<f64>,
    /// AUC aggregated with the same weights as cvm.
    pub cv_auc: Vec<f64>,
    pub index_min: usize,
    pub index_1se: usize,
    pub lambda_min: f64,
    pub lambda_1se: f64,
    /// The per-fold paths (same order as `fold_loss` rows).
    pub fold_paths: Vec<EnetPath>,
}

/// AUC = P(score_pos > score_neg) + ½ P(tie) by ranking (Mann–Whitney); NaN if a class is empty.
pub(crate) fn auc(score: &[f64], y: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank = vec![0.0; score.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && score[idx[j + 1]] == score[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            rank[k] = r;
        }
        i = j + 1;
    }
    let n1 = y.iter().filter(|&&v| v == 1.0).count() as f64;
    let n0 = y.len() as f64 - n1;
    if n1 == 0.0 || n0 == 0.0 {
        return f64::NAN;
    }
    let rs: f64 = rank.iter().zip(y).filter(|(_, &v)| v == 1.0).map(|(r, _)| r).sum();
    (rs - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// η = b0 + x_iᵀw for the given rows of `x` (any layout), equal bit for bit to
/// `x.select(Axis(0), rows).dot(&w) + b0` — ndarray's row dot product (`unrolled_dot`: eight
/// lane sums over the first 8⌊p/8⌋ columns, lanes combined as ((0 + (l0 + l4)) + (l1 + l5)) +
/// …, then the tail in order) — but skipping w_j = 0: a lane that starts at +0 and adds only
/// ±0 products stays +0, and adding ±0 to any other value leaves it unchanged (X is finite).
fn predict_rows(x: &Array2<f64>, rows: &[usize], w: &[f64], b0: f64) -> Vec<f64> {
    let nz: Vec<usize> = (0..w.len()).filter(|&j| w[j] != 0.0).collect();
    let body = w.len() / 8 * 8;
    let split = nz.partition_point(|&j| j < body);
    rows.iter()
        .map(|&i| {
            let xi = x.row(i);
            let mut lane = [0.0f64; 8];
            for &j in &nz[..split] {
                lane[j % 8] += xi[j] * w[j];
            }
            let mut sum = 0.0;
            sum += lane[0] + lane[4];
            sum += lane[1] + lane[5];
            sum += lane[2] + lane[6];
            sum += lane[3] + lane[7];
            for &j in &nz[split..] {
                sum += xi[j] * w[j];
            }
            sum * 1.0 + b0
        })
        .collect()
}

/// Run K-fold CV of `enet_path` on the fixed `lambdas` grid; `folds[i]` is row i's fold id.
pub fn cv_enet_path(
    x: &Array2<f64>,
    y: &Array1<f64>,
    family: Family,
    folds: &[usize],
    lambdas: &[f64],
    opts: &EnetOptions,
    aggregation: CvAggregation,
) -> Result<CvResult, ModelError> {
    check_inputs(x, y, family)?;
    if folds.len() != y.len() {
        return Err(ModelError::DimensionMismatch(format!("{} fold ids for {} rows", folds.len(), y.len())));
    }
    if lambdas.is_empty() {
        return Err(ModelError::InvalidParameter("empty lambda grid".into()));
    }
    let mut ids: Vec<usize> = folds.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let k = ids.len();
    if k < 2 {
        return Err(ModelError::Degenerate("need at least 2 folds".into()));
    }
    let nl = lambdas.len();
    let per_fold = ids
        .par_iter()
        .map(|&id| -> Result<(Vec<f64>, Vec<f64>, usize, EnetPath), ModelError> {
            let test: Vec<usize> = (0..y.len()).filter(|&i| folds[i] == id).collect();
            let train: Vec<usize> = (0..y.len()).filter(|&i| folds[i] != id).collect();
            let ytr: Vec<f64> = train.iter().map(|&i| y[i]).collect();
            let yte: Vec<f64> = test.iter().map(|&i| y[i]).collect();
            // what enet_path would check on the fold (X and y are finite: checked above)
            if train.len() < 2 {
                return Err(ModelError::Degenerate("need at least 2 rows and 1 column".into()));
            }
            check_binomial_y(&ytr, family)?;
            check_options(lambdas, opts)?;
            let path = path_on_design(&Design::from_rows(x, &train), ytr, family, lambdas, opts);
            let (mut loss, mut auc_row) = (vec![0.0; nl], vec![f64::NAN; nl]);
            for l in 0..nl {
                let coef = path.coef.row(l);
                let eta = predict_rows(x, &test, coef.as_slice().unwrap_or(&coef.to_vec()), path.intercept[l]);
                let m = yte.len() as f64;
                loss[l] = match family {
                    Family::Binomial => {
                        -2.0 * eta.iter().zip(&yte).map(|(&e, &yv)| yv * e - softplus(e)).sum::<f64>() / m
                    }
                    Family::Gaussian => eta.iter().zip(&yte).map(|(e, yv)| (yv - e) * (yv - e)).sum::<f64>() / m,
                };
                if family == Family::Binomial {
                    auc_row[l] = auc(&eta, &yte);
                }
            }
            Ok((loss, auc_row, test.len(), path))
        })
        .collect::<Vec<_>>();
    let mut fold_loss = Array2::<f64>::zeros((k, nl));
    let mut fold_auc = Array2::<f64>::from_elem((k, nl), f64::NAN);
    let mut fold_sizes = vec![];
    let mut fold_paths = vec![];
    for (f, r) in per_fold.into_iter().enumerate() {
        let (loss, auc_row, size, path) = r?;
        fold_loss.row_mut(f).assign(&Array1::from(loss));
        fold_auc.row_mut(f).assign(&Array1::from(auc_row));
        fold_sizes.push(size);
        fold_paths.push(path);
    }
    let (cvm, cvsd, cv_auc) = aggregate(&fold_loss, &fold_auc, &fold_sizes, aggregation);
    let (index_min, index_1se) = choose(&cvm, &cvsd);
    Ok(CvResult {
        lambdas: lambdas.to_vec(),
        fold_loss,
        fold_auc,
        fold_sizes,
        lambda_min: lambdas[index_min],
        lambda_1se: lambdas[index_1se],
        cvm,
        cvsd,
        cv_auc,
        index_min,
        index_1se,
        fold_paths,
    })
}

/// cvm, cvsd and aggregated AUC per λ (see module doc for the two rules).
pub fn aggregate(
    loss: &Array2<f64>,
    auc: &Array2<f64>,
    sizes: &[usize],
    rule: CvAggregation,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k = loss.nrows();
    let wts: Vec<f64> = match rule {
        CvAggregation::GlmnetWeighted => sizes.iter().map(|&s| s as f64).collect(),
        CvAggregation::SklearnUnweighted => vec![1.0; k],
    };
    let wsum: f64 = wts.iter().sum();
    let kf = k as f64;
    let mut cvm = vec![];
    let mut cvsd = vec![];
    let mut cva = vec![];
    for l in 0..loss.ncols() {
        let m: f64 = (0..k).map(|f| wts[f] * loss[[f, l]]).sum::<f64>() / wsum;
        let ss: f64 = (0..k).map(|f| wts[f] * (loss[[f, l]] - m).powi(2)).sum::<f64>();
        let sd = match rule {
            CvAggregation::GlmnetWeighted => (ss / wsum / (kf - 1.0)).sqrt(),
            CvAggregation::SklearnUnweighted => (ss / (kf - 1.0)).sqrt() / kf.sqrt(),
        };
        cvm.push(m);
        cvsd.push(sd);
        cva.push((0..k).map(|f| wts[f] * auc[[f, l]]).sum::<f64>() / wsum);
    }
    (cvm, cvsd, cva)
}

/// (index_min, index_1se) for a loss to minimise on a decreasing λ grid.
pub fn choose(cvm: &[f64], cvsd: &[f64]) -> (usize, usize) {
    let mut imin = 0;
    for (i, &v) in cvm.iter().enumerate() {
        if v < cvm[imin] || cvm[imin].is_nan() {
            imin = i;
        }
    }
    let bound = cvm[imin] + cvsd[imin];
    let i1se = cvm.iter().position(|&v| v <= bound).unwrap_or(imin);
    (imin, i1se)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Axis;

    #[test]
    fn sparse_prediction_equals_dense_product_bit_for_bit() {
        let mut state = 99u64;
        let mut unif = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64 - 0.5
        };
        for p in [1usize, 3, 8, 13, 40, 67] {
            let x = Array2::from_shape_fn((30, p), |_| unif() * 1e3);
            let xf = x.t().as_standard_layout().t().to_owned();
            let rows: Vec<usize> = (0..30).filter(|i| i % 3 != 1).collect();
            for density in [0.0, 0.2, 0.7, 1.0] {
                let w: Vec<f64> = (0..p).map(|_| if unif() + 0.5 < density { unif() * 1e-3 } else { 0.0 }).collect();
                for xx in [&x, &xf] {
                    let dense = xx.select(Axis(0), &rows).dot(&Array1::from(w.clone())) + 0.37;
                    let sparse = predict_rows(xx, &rows, &w, 0.37);
                    let bits = |v: &[f64]| v.iter().map(|e| e.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&sparse), bits(dense.as_slice().unwrap()), "p {p} density {density}");
                }
            }
        }
    }
}
