//! C-support-vector classifier for a binary outcome, solved by SMO with libsvm's WSS3
//! second-order working-set selection (Fan, Chen & Lin 2005, JMLR 6:1889) and libsvm's
//! stopping rule (max violating pair gap < tol, default 1e-3) and bias (mean of y_i∇_i over free
//! support vectors). Kernels: linear x·z and RBF exp(−γ‖x − z‖²) with γ = "scale" =
//! 1 / (p · Var(X)) when unspecified (scikit-learn). Rows are ordered and labelled as
//! scikit-learn's libsvm orders them (class 0 first, internal label +1 for class 0), so the SMO
//! path matches `sklearn.svm.SVC`, not only its optimum; for the same reason the solver's cached
//! kernel matrix is rounded to single precision like libsvm's `Qfloat` cache (the step-size
//! diagonal K_ii and the final decision function stay in double). The full n × n kernel matrix is held in memory
//! (fine for a few thousand rows). Positive decision values favour `true`.
//! Must not scale features, calibrate probabilities (see `platt`) or tune C / γ.
use super::forest::check_binary_xy;
use super::ModelError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// Kernel choice; `Rbf { gamma: None }` means γ = "scale".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kernel {
    Linear,
    Rbf { gamma: Option<f64> },
}

/// SVC settings (defaults = scikit-learn's `SVC()` with an RBF kernel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvmParams {
    pub kernel: Kernel,
    /// Box constraint C > 0.
    pub c: f64,
    /// Stop when the maximal KKT violation m(α) − M(α) < tol (libsvm `eps`).
    pub tol: f64,
    /// SMO iteration limit; `None` = max(10⁷, 100·n) as libsvm.
    pub max_iter: Option<usize>,
}

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams { kernel: Kernel::Rbf { gamma: None }, c: 1.0, tol: 1e-3, max_iter: None }
    }
}

/// A fitted SVC: f(x) = Σ_s coef_s K(sv_s, x) + intercept, coef_s = α_s·y_s (y = ±1, +1 = true).
#[derive(Debug, Clone, PartialEq)]
pub struct SvmModel {
    /// Kernel with γ resolved (`Rbf { gamma: Some(γ) }`).
    pub kernel: Kernel,
    pub support_vectors: Array2<f64>,
    /// Row of each support vector in the training X.
    pub support_rows: Vec<usize>,
    pub dual_coef: Array1<f64>,
    pub intercept: f64,
    /// SMO iterations used.
    pub iterations: usize,
}

/// γ = 1 / (p · Var(X)) over all entries of X (ddof 0), scikit-learn's `gamma="scale"`;
/// 1.0 when Var(X) = 0 (as scikit-learn).
pub fn gamma_scale(x: ArrayView2<f64>) -> f64 {
    let n = x.len() as f64;
    let mean = x.sum() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    if var > 0.0 {
        1.0 / (x.ncols() as f64 * var)
    } else {
        1.0
    }
}

/// K(a, b) for a resolved kernel.
fn kernel_value(kernel: Kernel, a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    match kernel {
        Kernel::Linear => a.dot(&b),
        Kernel::Rbf { gamma } => {
            let d2: f64 = a.iter().zip(b.iter()).map(|(u, v)| (u - v) * (u - v)).sum();
            (-gamma.unwrap_or(1.0) * d2).exp()
        }
    }
}

/// Fit an SVC on X (n × p) and y (true = positive class) by SMO.
pub fn fit_svm(x: ArrayView2<f64>, y: &[bool], params: &SvmParams) -> Result<SvmModel, ModelError> {
    check_binary_xy(x, y)?;
    let valid = params.c > 0.0 && params.c.is_finite() && params.tol > 0.0;
    if !valid {
        return Err(ModelError::InvalidParameter(format!("C = {}, tol = {}", params.c, params.tol)));
    }
    let kernel = match params.kernel {
        Kernel::Linear => Kernel::Linear,
        Kernel::Rbf { gamma: Some(g) } if !(g > 0.0 && g.is_finite()) => {
            return Err(ModelError::InvalidParameter(format!("gamma = {g}")));
        }
        Kernel::Rbf { gamma: Some(g) } => Kernel::Rbf { gamma: Some(g) },
        Kernel::Rbf { gamma: None } => Kernel::Rbf { gamma: Some(gamma_scale(x)) },
    };
    // libsvm (as bundled in scikit-learn) groups rows by class, class 0 (false) first, and
    // gives the first class the internal label +1.
    let order: Vec<usize> = (0..y.len()).filter(|&i| !y[i]).chain((0..y.len()).filter(|&i| y[i])).collect();
    let xs = x.select(Axis(0), &order);
    let ys: Vec<f64> = order.iter().map(|&i| if y[i] { -1.0 } else { 1.0 }).collect();
    let n = order.len();
    // libsvm caches Q in single precision (`Qfloat`); rounding the same way keeps the SMO path
    // (which pair is chosen at each step) identical to libsvm's.
    let k = Array2::from_shape_fn((n, n), |(i, j)| kernel_value(kernel, xs.row(i), xs.row(j)) as f32 as f64);
    let qd: Vec<f64> = (0..n).map(|i| kernel_value(kernel, xs.row(i), xs.row(i))).collect();
    let max_iter = params.max_iter.unwrap_or((100 * n).max(10_000_000));
    let sol = smo(&k, &qd, &ys, params.c, params.tol, max_iter)?;
    // Internal +1 = false, so flip signs to make positive values favour `true`.
    let support: Vec<usize> = (0..n).filter(|&i| sol.alpha[i] > 0.0).collect();
    let support_rows: Vec<usize> = support.iter().map(|&i| order[i]).collect();
    Ok(SvmModel {
        kernel,
        support_vectors: x.select(Axis(0), &support_rows),
        dual_coef: support.iter().map(|&i| -sol.alpha[i] * ys[i]).collect(),
        support_rows,
        intercept: sol.rho,
        iterations: sol.iterations,
    })
}

impl SvmModel {
    /// Decision values f(x) = Σ_s coef_s K(sv_s, x) + intercept for every row of X.
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        if x.ncols() != self.support_vectors.ncols() {
            return Err(ModelError::DimensionMismatch(format!(
                "SVM fitted on {} features, X has {}",
                self.support_vectors.ncols(),
                x.ncols()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite("X".into()));
        }
        Ok(x.rows()
            .into_iter()
            .map(|row| {
                let s: f64 = self
                    .support_vectors
                    .rows()
                    .into_iter()
                    .zip(self.dual_coef.iter())
                    .map(|(sv, c)| c * kernel_value(self.kernel, sv, row))
                    .sum();
                s + self.intercept
            })
            .collect())
    }
}

struct SmoSolution {
    alpha: Vec<f64>,
    /// libsvm's ρ in the internal labelling (decision_internal = Σ α y K − ρ).
    rho: f64,
    iterations: usize,
}

/// libsvm's τ for non-positive-definite pairs.
const TAU: f64 = 1e-12;

/// Solve min ½αᵀQα − eᵀα, 0 ≤ α ≤ C, yᵀα = 0 with Q_ij = y_i y_j K_ij (libsvm `Solver`
/// without shrinking, which only saves time; `qd` = exact diagonal K_ii).
fn smo(k: &Array2<f64>, qd: &[f64], y: &[f64], c: f64, tol: f64, max_iter: usize) -> Result<SmoSolution, ModelError> {
    let n = y.len();
    let mut alpha = vec![0.0; n];
    let mut grad = vec![-1.0; n];
    let upper = |a: f64| a >= c;
    let lower = |a: f64| a <= 0.0;
    let mut iter = 0;
    loop {
        // WSS3: i maximises −y_t ∇_t over I_up; j minimises the second-order objective decrease.
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        let mut i_sel: Option<usize> = None;
        for t in 0..n {
            if y[t] > 0.0 {
                if !upper(alpha[t]) && -grad[t] >= gmax {
                    gmax = -grad[t];
                    i_sel = Some(t);
                }
            } else if !lower(alpha[t]) && grad[t] >= gmax {
                gmax = grad[t];
                i_sel = Some(t);
            }
        }
        let mut j_sel: Option<usize> = None;
        let mut obj_diff_min = f64::INFINITY;
        for t in 0..n {
            let candidate = if y[t] > 0.0 {
                if lower(alpha[t]) {
                    continue;
                }
                gmax2 = gmax2.max(grad[t]);
                gmax + grad[t]
            } else {
                if upper(alpha[t]) {
                    continue;
                }
                gmax2 = gmax2.max(-grad[t]);
                gmax - grad[t]
            };
            if let Some(i) = i_sel {
                if candidate > 0.0 {
                    let quad = qd[i] + qd[t] - 2.0 * k[[i, t]];
                    let obj_diff = -(candidate * candidate) / if quad > 0.0 { quad } else { TAU };
                    if obj_diff <= obj_diff_min {
                        j_sel = Some(t);
                        obj_diff_min = obj_diff;
                    }
                }
            }
        }
        let (Some(i), Some(j)) = (i_sel, j_sel) else { break };
        if gmax + gmax2 < tol {
            break;
        }
        if iter >= max_iter {
            return Err(ModelError::NotConverged { iterations: iter, last_change: gmax + gmax2 });
        }
        iter += 1;
        update_pair(&Problem { k, qd, y, c }, &mut alpha, &grad, (i, j)).apply(k, y, &mut grad, i, j);
    }
    Ok(SmoSolution { rho: compute_rho(y, &alpha, &grad, c), alpha, iterations: iter })
}

/// Change of α_i and α_j after one analytic two-variable step.
struct PairStep {
    d_i: f64,
    d_j: f64,
}

impl PairStep {
    /// ∇_t += Q_ti Δα_i + Q_tj Δα_j.
    fn apply(&self, k: &Array2<f64>, y: &[f64], grad: &mut [f64], i: usize, j: usize) {
        for (t, g) in grad.iter_mut().enumerate() {
            *g += y[t] * (y[i] * k[[t, i]] * self.d_i + y[j] * k[[t, j]] * self.d_j);
        }
    }
}

/// The fixed data of the dual problem: kernel (single-precision-rounded), exact diagonal, ±1
/// labels and C.
struct Problem<'a> {
    k: &'a Array2<f64>,
    qd: &'a [f64],
    y: &'a [f64],
    c: f64,
}

/// libsvm's clipped update of (α_i, α_j) on the segment keeping yᵀα fixed.
fn update_pair(pb: &Problem, alpha: &mut [f64], grad: &[f64], (i, j): (usize, usize)) -> PairStep {
    let Problem { k, qd, y, c } = *pb;
    let (old_i, old_j) = (alpha[i], alpha[j]);
    let q_ij = y[i] * y[j] * k[[i, j]];
    if y[i] != y[j] {
        let quad = qd[i] + qd[j] + 2.0 * q_ij;
        let delta = (-grad[i] - grad[j]) / if quad > 0.0 { quad } else { TAU };
        let diff = alpha[i] - alpha[j];
        alpha[i] += delta;
        alpha[j] += delta;
        if diff > 0.0 {
            if alpha[j] < 0.0 {
                alpha[j] = 0.0;
                alpha[i] = diff;
            }
        } else if alpha[i] < 0.0 {
            alpha[i] = 0.0;
            alpha[j] = -diff;
        }
        if diff > 0.0 {
            if alpha[i] > c {
                alpha[i] = c;
                alpha[j] = c - diff;
            }
        } else if alpha[j] > c {
            alpha[j] = c;
            alpha[i] = c + diff;
        }
    } else {
        let quad = qd[i] + qd[j] - 2.0 * q_ij;
        let delta = (grad[i] - grad[j]) / if quad > 0.0 { quad } else { TAU };
        let sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if sum > c {
            if alpha[i] > c {
                alpha[i] = c;
                alpha[j] = sum - c;
            }
        } else if alpha[j] < 0.0 {
            alpha[j] = 0.0;
            alpha[i] = sum;
        }
        if sum > c {
            if alpha[j] > c {
                alpha[j] = c;
                alpha[i] = sum - c;
            }
        } else if alpha[i] < 0.0 {
            alpha[i] = 0.0;
            alpha[j] = sum;
        }
    }
    PairStep { d_i: alpha[i] - old_i, d_j: alpha[j] - old_j }
}

/// libsvm's ρ: mean of y_i∇_i over free α_i, else the midpoint of the feasible interval.
fn compute_rho(y: &[f64], alpha: &[f64], grad: &[f64], c: f64) -> f64 {
    let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut n_free, mut sum_free) = (0usize, 0.0);
    for t in 0..y.len() {
        let yg = y[t] * grad[t];
        if alpha[t] >= c {
            if y[t] < 0.0 {
                ub = ub.min(yg);
            } else {
                lb = lb.max(yg);
            }
        } else if alpha[t] <= 0.0 {
            if y[t] > 0.0 {
                ub = ub.min(yg);
            } else {
                lb = lb.max(yg);
            }
        } else {
            n_free += 1;
            sum_free += yg;
        }
    }
    if n_free > 0 {
        sum_free / n_free as f64
    } else {
        (ub + lb) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn separable_pair_gives_hard_margin_solution() {
        // Two points at ±1 on a line: w = 1, b = 0, both support vectors with α = 0.5.
        let x = array![[-1.0], [1.0]];
        let m = fit_svm(x.view(), &[false, true], &SvmParams { kernel: Kernel::Linear, c: 10.0, ..Default::default() })
            .unwrap();
        let f = m.decision_function(array![[-1.0], [0.0], [1.0], [3.0]].view()).unwrap();
        for (a, b) in f.iter().zip([-1.0, 0.0, 1.0, 3.0]) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn gamma_scale_is_inverse_of_p_times_variance() {
        let x = array![[0.0, 2.0], [2.0, 4.0]];
        // mean 2, var = (4 + 0 + 0 + 4) / 4 = 2 → γ = 1 / (2·2).
        assert!((gamma_scale(x.view()) - 0.25).abs() < 1e-15);
    }
}
