//! Elastic-net regression paths by glmnet-style cyclical coordinate descent
//! (Friedman, Hastie & Tibshirani 2010, J Stat Softw 33(1)):
//!   binomial: minimise −(1/n) Σ [y_i η_i − log(1 + e^{η_i})] + λ (α‖w‖₁ + (1−α)/2 ‖w‖²)
//!   gaussian: minimise  (1/2n) Σ (y_i − η_i)²               + λ (α‖w‖₁ + (1−α)/2 ‖w‖²)
//! with η_i = b0 + x_iᵀw and the intercept b0 unpenalised. Binomial uses an outer quadratic
//! (IRLS) approximation with step halving on the objective and naive residual updates inside.
//! Speed: contiguous centred column-major copy of X, warm starts along a decreasing λ grid,
//! sequential strong rules (Tibshirani et al. 2012) with a KKT check of the features outside
//! the strong set (coordinate descent itself settles the strong set), active-set cycling,
//! 8-lane dot kernels; the optional Newton polish runs once per λ after the KKT loop.
//! X is used as given: it does NOT standardise (z-score beforehand with `standardize::Scaler`
//! as the references do). Cross-validation lives in `glmnet_cv`.
use super::kernels::{dot8, sq_wdot8};
use super::logistic::{sigmoid, softplus};
use super::orthant_newton::orthant_newton;
use super::ModelError;
use ndarray::{Array1, Array2};

/// Response family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Binomial,
    Gaussian,
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub struct EnetOptions {
    /// Mixing α ∈ (0, 1]: 1 = LASSO.
    pub alpha: f64,
    /// Coordinate-descent convergence: max_j v_j Δw_j² < tol (v_j = weighted column sum of squares).
    pub tol: f64,
    /// Outer (IRLS) iterations per λ.
    pub max_outer: usize,
    /// Coordinate passes per λ (all inner loops together).
    pub max_passes: usize,
    /// Finish each λ with an orthant-restricted Newton solve of the active set (exact to
    /// ~1e-13 even where coordinate descent crawls on highly correlated columns).
    pub polish: bool,
}

impl Default for EnetOptions {
    fn default() -> Self {
        EnetOptions { alpha: 1.0, tol: 1e-9, max_outer: 200, max_passes: 100_000, polish: true }
    }
}

/// Coefficients along a λ path (row k of `coef` belongs to `lambdas[k]`).
#[derive(Debug, Clone)]
pub struct EnetPath {
    pub lambdas: Vec<f64>,
    pub intercept: Vec<f64>,
    pub coef: Array2<f64>,
    /// False where the pass / iteration limits stopped the solver early.
    pub converged: Vec<bool>,
}

impl EnetPath {
    /// Column indices with a non-zero coefficient at path position k.
    pub fn selected(&self, k: usize) -> Vec<usize> {
        self.coef.row(k).iter().enumerate().filter(|(_, &w)| w != 0.0).map(|(j, _)| j).collect()
    }
    /// Linear predictor η = b0 + X w at path position k.
    pub fn linear_predictor(&self, k: usize, x: &Array2<f64>) -> Array1<f64> {
        x.dot(&self.coef.row(k)) + self.intercept[k]
    }
}

/// Column-major, column-centred copy of X with the column means.
pub(crate) struct Design {
    pub n: usize,
    pub p: usize,
    pub cols: Vec<f64>,
    pub mean: Vec<f64>,
}

impl Design {
    pub fn new(x: &Array2<f64>) -> Design {
        let (n, p) = x.dim();
        let mut cols = Vec::with_capacity(n * p);
        let mut mean = Vec::with_capacity(p);
        for c in x.columns() {
            let m = c.sum() / n as f64;
            mean.push(m);
            cols.extend(c.iter().map(|v| v - m));
        }
        Design { n, p, cols, mean }
    }
    #[inline]
    pub fn col(&self, j: usize) -> &[f64] {
        &self.cols[j * self.n..(j + 1) * self.n]
    }
}

#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    dot8(a, b)
}

#[inline]
pub(crate) fn soft(z: f64, g: f64) -> f64 {
    if z > g {
        z - g
    } else if z < -g {
        z + g
    } else {
        0.0
    }
}

pub(crate) fn check_inputs(x: &Array2<f64>, y: &Array1<f64>, family: Family) -> Result<(), ModelError> {
    if x.nrows() != y.len() {
        return Err(ModelError::DimensionMismatch(format!("X has {} rows, y has {}", x.nrows(), y.len())));
    }
    if x.nrows() < 2 || x.ncols() == 0 {
        return Err(ModelError::Degenerate("need at least 2 rows and 1 column".into()));
    }
    if x.iter().chain(y.iter()).any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("X or y".into()));
    }
    if family == Family::Binomial {
        if y.iter().any(|&v| v != 0.0 && v != 1.0) {
            return Err(ModelError::InvalidParameter("binomial y must be 0/1".into()));
        }
        let s = y.sum();
        if s == 0.0 || s == y.len() as f64 {
            return Err(ModelError::Degenerate("y has a single class".into()));
        }
    }
    Ok(())
}

/// λ_max = max_j |x_jᵀ(y − ȳ)| / (n α): the smallest λ with all slopes zero (both families).
pub fn lambda_max(x: &Array2<f64>, y: &Array1<f64>, alpha: f64) -> Result<f64, ModelError> {
    if x.nrows() != y.len() || x.nrows() == 0 {
        return Err(ModelError::DimensionMismatch("X rows vs y".into()));
    }
    if !(alpha > 0.0 && alpha <= 1.0) {
        return Err(ModelError::InvalidParameter(format!("alpha must be in (0,1], got {alpha}")));
    }
    let n = y.len() as f64;
    let ybar = y.sum() / n;
    let r = y.mapv(|v| v - ybar);
    let m = x.columns().into_iter().map(|c| c.dot(&r).abs()).fold(0.0f64, f64::max);
    Ok(m / n / alpha)
}

/// Log-spaced grid λ_k = λ_max · ratio^{k/(n−1)}, k = 0..n−1 (glmnet / numpy.logspace).
pub fn lambda_grid(lambda_max: f64, ratio: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![lambda_max];
    }
    let (a, b) = (lambda_max.log10(), (lambda_max * ratio).log10());
    (0..n).map(|k| 10f64.powf(a + (b - a) * k as f64 / (n - 1) as f64)).collect()
}

/// Fit the path over the given decreasing `lambdas` with warm starts (see module doc for the
/// objective). Coefficients are on the scale of X; the intercept is for uncentred X.
pub fn enet_path(
    x: &Array2<f64>,
    y: &Array1<f64>,
    family: Family,
    lambdas: &[f64],
    opts: &EnetOptions,
) -> Result<EnetPath, ModelError> {
    check_inputs(x, y, family)?;
    if !(opts.alpha > 0.0 && opts.alpha <= 1.0) {
        return Err(ModelError::InvalidParameter(format!("alpha must be in (0,1], got {}", opts.alpha)));
    }
    if lambdas.iter().any(|l| !(*l >= 0.0 && l.is_finite())) {
        return Err(ModelError::InvalidParameter("lambdas must be finite and >= 0".into()));
    }
    let d = Design::new(x);
    let mut solver = Solver::new(&d, y.as_slice().map(|s| s.to_vec()).unwrap_or_else(|| y.to_vec()), family, *opts);
    let mut out = EnetPath {
        lambdas: lambdas.to_vec(),
        intercept: vec![],
        coef: Array2::zeros((lambdas.len(), d.p)),
        converged: vec![],
    };
    let mut lam_prev = lambdas.first().copied().unwrap_or(0.0).max(solver.grad_inf() / opts.alpha);
    for (k, &lam) in lambdas.iter().enumerate() {
        let ok = solver.solve(lam, lam_prev);
        lam_prev = lam;
        let b0 = solver.b0 - solver.w.iter().zip(&d.mean).map(|(w, m)| w * m).sum::<f64>();
        out.intercept.push(b0);
        out.coef.row_mut(k).assign(&Array1::from(solver.w.clone()));
        out.converged.push(ok);
    }
    Ok(out)
}

/// Coordinate-descent state for one design matrix along the path.
struct Solver<'a> {
    d: &'a Design,
    y: Vec<f64>,
    family: Family,
    opts: EnetOptions,
    /// Intercept on the centred scale and slopes.
    b0: f64,
    w: Vec<f64>,
    /// η_i on the centred scale.
    eta: Vec<f64>,
    /// Gradient x_jᵀ(y − μ)/n at the current solution (for strong rules / KKT).
    grad: Vec<f64>,
    strong: Vec<bool>,
    /// Scratch: y − μ(η).
    resid: Vec<f64>,
}

impl<'a> Solver<'a> {
    fn new(d: &'a Design, y: Vec<f64>, family: Family, opts: EnetOptions) -> Solver<'a> {
        let n = d.n as f64;
        let ybar = y.iter().sum::<f64>() / n;
        let b0 = match family {
            Family::Gaussian => ybar,
            Family::Binomial => (ybar / (1.0 - ybar)).ln(),
        };
        let mut s = Solver {
            d,
            y,
            family,
            opts,
            b0,
            w: vec![0.0; d.p],
            eta: vec![b0; d.n],
            grad: vec![0.0; d.p],
            strong: vec![false; d.p],
            resid: vec![0.0; d.n],
        };
        s.update_grad();
        s
    }

    fn mu(&self, eta: f64) -> f64 {
        match self.family {
            Family::Gaussian => eta,
            Family::Binomial => sigmoid(eta),
        }
    }

    fn grad_inf(&self) -> f64 {
        self.grad.iter().fold(0.0f64, |a, g| a.max(g.abs()))
    }

    /// grad_j = x_jᵀ(y − μ)/n for every column.
    fn update_grad(&mut self) {
        let n = self.d.n as f64;
        for i in 0..self.d.n {
            self.resid[i] = self.y[i] - self.mu(self.eta[i]);
        }
        for j in 0..self.d.p {
            self.grad[j] = dot8(self.d.col(j), &self.resid) / n;
        }
    }

    /// Penalised objective at (b0, w) with linear predictor eta.
    fn objective(&self, eta: &[f64], w: &[f64], lam: f64) -> f64 {
        let n = self.d.n as f64;
        let loss: f64 = match self.family {
            Family::Gaussian => self.y.iter().zip(eta).map(|(y, e)| (y - e) * (y - e)).sum::<f64>() / (2.0 * n),
            Family::Binomial => self.y.iter().zip(eta).map(|(y, &e)| softplus(e) - y * e).sum::<f64>() / n,
        };
        let a = self.opts.alpha;
        loss + lam * w.iter().map(|v| a * v.abs() + 0.5 * (1.0 - a) * v * v).sum::<f64>()
    }

    /// Solve at λ (warm start): strong set from the previous λ, coordinate descent on it, KKT
    /// check of the features outside it (repeat with the violators added); then, with
    /// `polish`, an orthant Newton solve of the active set and a KKT check of every zero
    /// coefficient (the polish may zero a coordinate), repeating while there are violators.
    fn solve(&mut self, lam: f64, lam_prev: f64) -> bool {
        let a = self.opts.alpha;
        let cut = a * (2.0 * lam - lam_prev);
        for j in 0..self.d.p {
            self.strong[j] = self.w[j] != 0.0 || self.grad[j].abs() >= cut;
        }
        let bound = a * lam * (1.0 + 1e-9) + 1e-14;
        for _round in 0..100 {
            let ok = match self.family {
                Family::Gaussian => self.solve_quadratic_gaussian(lam),
                Family::Binomial => self.solve_binomial(lam),
            };
            self.update_grad();
            let outside: Vec<usize> =
                (0..self.d.p).filter(|&j| !self.strong[j] && self.grad[j].abs() > bound).collect();
            if !outside.is_empty() {
                outside.into_iter().for_each(|j| self.strong[j] = true);
                continue;
            }
            if !self.opts.polish {
                return ok;
            }
            let polished = self.polish(lam) && ok;
            self.update_grad();
            let viol: Vec<usize> = (0..self.d.p).filter(|&j| self.w[j] == 0.0 && self.grad[j].abs() > bound).collect();
            if viol.is_empty() {
                return polished;
            }
            viol.into_iter().for_each(|j| self.strong[j] = true);
        }
        false
    }

    /// Orthant-restricted Newton on (b0, active w); see `orthant_newton`.
    fn polish(&mut self, lam: f64) -> bool {
        let (n, p) = (self.d.n, self.d.p);
        let nf = n as f64;
        let a = self.opts.alpha;
        let l2 = lam * (1.0 - a);
        let mut theta = Vec::with_capacity(p + 1);
        theta.push(self.b0);
        theta.extend_from_slice(&self.w);
        let mut l1 = vec![lam * a; p + 1];
        l1[0] = 0.0;
        let d = self.d;
        let y = &self.y;
        let family = self.family;
        let eta_of = |t: &[f64]| {
            let mut eta = vec![t[0]; n];
            for j in 0..p {
                if t[j + 1] != 0.0 {
                    for (e, x) in eta.iter_mut().zip(d.col(j)) {
                        *e += t[j + 1] * x;
                    }
                }
            }
            eta
        };
        let value = |t: &[f64]| {
            let eta = eta_of(t);
            let loss: f64 = match family {
                Family::Gaussian => y.iter().zip(&eta).map(|(y, e)| (y - e) * (y - e)).sum::<f64>() / (2.0 * nf),
                Family::Binomial => y.iter().zip(&eta).map(|(y, &e)| softplus(e) - y * e).sum::<f64>() / nf,
            };
            loss + 0.5 * l2 * t[1..].iter().map(|v| v * v).sum::<f64>()
        };
        let grad_hess = |t: &[f64], idx: &[usize]| {
            let eta = eta_of(t);
            let (dv, vv): (Vec<f64>, Vec<f64>) = match family {
                Family::Gaussian => (y.iter().zip(&eta).map(|(y, e)| (e - y) / nf).collect(), vec![1.0 / nf; n]),
                Family::Binomial => eta
                    .iter()
                    .zip(y)
                    .map(|(&e, y)| {
                        let m = sigmoid(e);
                        ((m - y) / nf, m * (1.0 - m) / nf)
                    })
                    .unzip(),
            };
            let ones = vec![1.0; n];
            let cols: Vec<&[f64]> = idx.iter().map(|&j| if j == 0 { &ones[..] } else { d.col(j - 1) }).collect();
            let m = idx.len();
            let mut g = vec![0.0; m];
            let mut h = Array2::<f64>::zeros((m, m));
            for k in 0..m {
                g[k] = dot(cols[k], &dv) + if idx[k] > 0 { l2 * t[idx[k]] } else { 0.0 };
                let cv: Vec<f64> = cols[k].iter().zip(&vv).map(|(c, v)| c * v).collect();
                for q in 0..=k {
                    let hv = dot(&cv, cols[q]);
                    h[[k, q]] = hv;
                    h[[q, k]] = hv;
                }
                if idx[k] > 0 {
                    h[[k, k]] += l2;
                }
            }
            (g, h)
        };
        let res = orthant_newton(&mut theta, &l1, &value, &grad_hess, 100, 1e-9);
        self.b0 = theta[0];
        self.w.copy_from_slice(&theta[1..]);
        self.recompute_eta();
        res.converged
    }

    fn solve_quadratic_gaussian(&mut self, lam: f64) -> bool {
        let n = self.d.n;
        let v = vec![1.0 / n as f64; n];
        let mut r: Vec<f64> = self.y.iter().zip(&self.eta).map(|(y, e)| (y - e) / n as f64).collect();
        let (ok, _) = self.cd_weighted(&v, &mut r, lam);
        ok
    }

    /// Outer quadratic approximation with step halving on the penalised objective.
    fn solve_binomial(&mut self, lam: f64) -> bool {
        let n = self.d.n;
        let nf = n as f64;
        let mut obj = self.objective(&self.eta, &self.w, lam);
        for _ in 0..self.opts.max_outer {
            let mut v = vec![0.0; n];
            let mut r = vec![0.0; n];
            for i in 0..n {
                let m = sigmoid(self.eta[i]);
                v[i] = (m * (1.0 - m)).max(1e-5) / nf;
                r[i] = (self.y[i] - m) / nf;
            }
            let (b0_old, w_old, eta_old) = (self.b0, self.w.clone(), self.eta.clone());
            let (ok, _) = self.cd_weighted(&v, &mut r, lam);
            if !ok {
                return false;
            }
            self.recompute_eta();
            let mut new_obj = self.objective(&self.eta, &self.w, lam);
            let mut t = 1.0;
            while new_obj > obj + 1e-15 * obj.abs() && t > 1e-10 {
                t *= 0.5;
                self.b0 = b0_old + t * (self.b0 - b0_old);
                for (w, wo) in self.w.iter_mut().zip(&w_old) {
                    *w = wo + t * (*w - wo);
                }
                for (e, eo) in self.eta.iter_mut().zip(&eta_old) {
                    *e = eo + t * (*e - eo);
                }
                new_obj = self.objective(&self.eta, &self.w, lam);
            }
            // convergence on the weighted change of all parameters
            let mut dlx = (self.b0 - b0_old).powi(2) * 0.25;
            for (j, wo) in w_old.iter().enumerate() {
                let dj = self.w[j] - wo;
                if dj != 0.0 {
                    let xv = sq_wdot8(self.d.col(j), &v);
                    dlx = dlx.max(xv * dj * dj);
                }
            }
            obj = new_obj;
            if dlx < self.opts.tol {
                return true;
            }
        }
        false
    }

    fn recompute_eta(&mut self) {
        self.eta.iter_mut().for_each(|e| *e = self.b0);
        for j in 0..self.d.p {
            let wj = self.w[j];
            if wj != 0.0 {
                for (e, x) in self.eta.iter_mut().zip(self.d.col(j)) {
                    *e += wj * x;
                }
            }
        }
    }

    /// Coordinate descent on ½ Σ v_i (z_i − b0 − x_iᵀw)² + λ(α‖w‖₁ + (1−α)/2‖w‖²) over the
    /// strong set, with r_i = v_i (z_i − η_i) kept up to date (naive updates). Updates b0, w, η
    /// for the Gaussian family (for binomial η is recomputed by the caller).
    fn cd_weighted(&mut self, v: &[f64], r: &mut [f64], lam: f64) -> (bool, usize) {
        let a = self.opts.alpha;
        let (l1, l2) = (lam * a, lam * (1.0 - a));
        let strong: Vec<usize> = (0..self.d.p).filter(|&j| self.strong[j]).collect();
        let xv: Vec<f64> = strong.iter().map(|&j| sq_wdot8(self.d.col(j), v)).collect();
        let sv: f64 = v.iter().sum();
        let mut passes = 0;
        let mut full = true; // full pass over the strong set, else over the active subset
        loop {
            passes += 1;
            if passes > self.opts.max_passes {
                return (false, passes);
            }
            let mut dlx = 0.0f64;
            // intercept
            let d0 = r.iter().sum::<f64>() / sv;
            if d0 != 0.0 {
                self.b0 += d0;
                for (ri, vi) in r.iter_mut().zip(v) {
                    *ri -= d0 * vi;
                }
                dlx = dlx.max(sv * d0 * d0);
            }
            for (k, &j) in strong.iter().enumerate() {
                let wj = self.w[j];
                if !full && wj == 0.0 {
                    continue;
                }
                let xj = self.d.col(j);
                let g = dot8(xj, r) + xv[k] * wj;
                let new = soft(g, l1) / (xv[k] + l2);
                if new != wj {
                    let dj = new - wj;
                    self.w[j] = new;
                    for ((ri, x), vi) in r.iter_mut().zip(xj).zip(v) {
                        *ri -= dj * x * vi;
                    }
                    dlx = dlx.max(xv[k] * dj * dj);
                }
            }
            if dlx < self.opts.tol {
                if full {
                    break;
                }
                full = true;
            } else {
                full = false;
            }
        }
        if self.family == Family::Gaussian {
            self.recompute_eta();
        }
        (true, passes)
    }
}
