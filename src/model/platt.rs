//! Platt scaling of decision values into probabilities, P(y = 1 | f) = 1 / (1 + exp(A·f + B)),
//! fitted with Platt's (1999) prior-corrected targets t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2)
//! by the Newton method with backtracking of Lin, Lin & Weng (2007, Mach Learn 68:267), and an
//! SVC calibrated the way scikit-learn's `CalibratedClassifierCV(SVC, method="sigmoid", cv=k,
//! ensemble=False)` does: Platt fitted on out-of-fold decision values of k SVCs, then the SVC
//! refitted on all rows. Folds come from the caller or from [`stratified_kfold_unshuffled`].
//! Must not scale features or choose C / γ.
use super::svm::{fit_svm, SvmModel, SvmParams};
use super::ModelError;
use ndarray::{Array1, ArrayView2, Axis};

/// Sigmoid parameters: P(y = 1 | f) = 1 / (1 + exp(A·f + B)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlattScaling {
    pub a: f64,
    pub b: f64,
    /// Newton iterations used.
    pub iterations: usize,
}

impl PlattScaling {
    /// 1 / (1 + exp(A·f + B)), evaluated without overflow.
    pub fn probability(&self, f: f64) -> f64 {
        let z = self.a * f + self.b;
        if z >= 0.0 {
            let e = (-z).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + z.exp())
        }
    }
}

/// Cross-entropy of the prior-corrected targets at (A, B) (Lin–Lin–Weng's stable form).
fn platt_objective(f: &[f64], t: &[f64], a: f64, b: f64) -> f64 {
    f.iter()
        .zip(t)
        .map(|(&fi, &ti)| {
            let z = fi * a + b;
            if z >= 0.0 {
                ti * z + (-z).exp().ln_1p()
            } else {
                (ti - 1.0) * z + z.exp().ln_1p()
            }
        })
        .sum()
}

/// Fit Platt's sigmoid to decision values `f` and labels `y` (Lin–Lin–Weng 2007, Algorithm 1,
/// stopping when both gradient components are below 1e-10·n or after 100 Newton steps).
pub fn fit_platt(f: &[f64], y: &[bool]) -> Result<PlattScaling, ModelError> {
    if f.len() != y.len() {
        return Err(ModelError::DimensionMismatch(format!("{} decision values, {} labels", f.len(), y.len())));
    }
    if f.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("decision values".into()));
    }
    let n_pos = y.iter().filter(|&&v| v).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return Err(ModelError::Degenerate("Platt scaling needs both classes".into()));
    }
    let hi = (n_pos + 1.0) / (n_pos + 2.0);
    let lo = 1.0 / (n_neg + 2.0);
    let t: Vec<f64> = y.iter().map(|&v| if v { hi } else { lo }).collect();
    let (mut a, mut b) = (0.0, ((n_neg + 1.0) / (n_pos + 1.0)).ln());
    let mut fval = platt_objective(f, &t, a, b);
    let eps = 1e-10 * f.len() as f64;
    let mut iterations = 0;
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (&fi, &ti) in f.iter().zip(&t) {
            let p = PlattScaling { a, b, iterations: 0 }.probability(fi);
            let d2 = p * (1.0 - p);
            h11 += fi * fi * d2;
            h22 += d2;
            h21 += fi * d2;
            let d1 = ti - p;
            g1 += fi * d1;
            g2 += d1;
        }
        if g1.abs() < eps && g2.abs() < eps {
            break;
        }
        iterations += 1;
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = platt_objective(f, &t, na, nb);
            if nf < fval + 1e-4 * step * gd {
                (a, b, fval) = (na, nb, nf);
                break;
            }
            step /= 2.0;
        }
        if step < 1e-10 {
            break; // line search cannot decrease further: at the optimum to machine precision
        }
    }
    Ok(PlattScaling { a, b, iterations })
}

/// Test-fold index (0..k) of each row, as scikit-learn's `StratifiedKFold(k, shuffle=False)`:
/// class labels in sorted order, row order kept, fold sizes per class allocated round-robin.
pub fn stratified_kfold_unshuffled(y: &[bool], k: usize) -> Result<Vec<usize>, ModelError> {
    let n_pos = y.iter().filter(|&&v| v).count();
    let n_neg = y.len() - n_pos;
    if k < 2 || n_pos < k || n_neg < k {
        return Err(ModelError::InvalidParameter(format!("{k} folds for {n_neg} negatives and {n_pos} positives")));
    }
    // y sorted by encoded class; classes encoded in order of first appearance.
    let first_is_pos = y[0];
    let (n_first, n_second) = if first_is_pos { (n_pos, n_neg) } else { (n_neg, n_pos) };
    let sorted_codes: Vec<usize> = std::iter::repeat_n(0, n_first).chain(std::iter::repeat_n(1, n_second)).collect();
    let mut alloc = vec![[0usize; 2]; k];
    for (pos, &code) in sorted_codes.iter().enumerate() {
        alloc[pos % k][code] += 1;
    }
    let mut fold = vec![0; y.len()];
    for code in 0..2 {
        let folds_for_class: Vec<usize> =
            alloc.iter().enumerate().flat_map(|(f, counts)| std::iter::repeat_n(f, counts[code])).collect();
        let rows = (0..y.len()).filter(|&i| (y[i] != first_is_pos) as usize == code);
        for (row, f) in rows.zip(folds_for_class) {
            fold[row] = f;
        }
    }
    Ok(fold)
}

/// An SVC refitted on all rows plus the Platt sigmoid learned from out-of-fold decision values.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedSvm {
    pub svm: SvmModel,
    pub platt: PlattScaling,
    /// Out-of-fold decision values the sigmoid was fitted on.
    pub oof_decision: Array1<f64>,
}

/// Fit SVCs on all folds but one (γ = "scale" recomputed per fit, as scikit-learn), Platt on the
/// pooled out-of-fold decision values, then the SVC on all rows. `folds[i]` = test fold of row i.
pub fn fit_calibrated_svm(
    x: ArrayView2<f64>,
    y: &[bool],
    params: &SvmParams,
    folds: &[usize],
) -> Result<CalibratedSvm, ModelError> {
    if folds.len() != y.len() || x.nrows() != y.len() {
        return Err(ModelError::DimensionMismatch(format!(
            "X has {} rows, y {}, folds {}",
            x.nrows(),
            y.len(),
            folds.len()
        )));
    }
    let n_folds = folds.iter().max().map_or(0, |m| m + 1);
    let mut oof = Array1::from_elem(y.len(), f64::NAN);
    for f in 0..n_folds {
        let train: Vec<usize> = (0..y.len()).filter(|&i| folds[i] != f).collect();
        let test: Vec<usize> = (0..y.len()).filter(|&i| folds[i] == f).collect();
        if test.is_empty() {
            continue;
        }
        let y_train: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let model = fit_svm(x.select(Axis(0), &train).view(), &y_train, params)?;
        let dec = model.decision_function(x.select(Axis(0), &test).view())?;
        for (&i, d) in test.iter().zip(dec) {
            oof[i] = d;
        }
    }
    let oof_vec = oof.to_vec();
    let platt = fit_platt(&oof_vec, y)?;
    let svm = fit_svm(x, y, params)?;
    Ok(CalibratedSvm { svm, platt, oof_decision: oof })
}

impl CalibratedSvm {
    /// Platt probabilities P(y = 1 | x) for every row of X.
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        Ok(self.svm.decision_function(x)?.mapv(|f| self.platt.probability(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_folds_match_sklearn_allocation() {
        // scikit-learn 1.9.1: StratifiedKFold(3).split(y, y) test folds for this y (and for 1 − y).
        let y = [false, false, false, false, true, true, true, false, false, true];
        let f = stratified_kfold_unshuffled(&y, 3).unwrap();
        assert_eq!(f, vec![0, 0, 1, 1, 0, 0, 1, 2, 2, 2]);
        let flipped: Vec<bool> = y.iter().map(|v| !v).collect();
        assert_eq!(stratified_kfold_unshuffled(&flipped, 3).unwrap(), f);
    }

    #[test]
    fn platt_on_symmetric_data_has_zero_intercept() {
        let f = [-2.0, -1.0, 1.0, 2.0];
        let y = [false, false, true, true];
        let s = fit_platt(&f, &y).unwrap();
        assert!(s.b.abs() < 1e-9 && s.a < 0.0, "{s:?}");
    }
}
