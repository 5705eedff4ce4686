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
//! The strong-rule and KKT checks screen features with a rigorous bound (Cauchy–Schwarz on the
//! residual change since a snapshot, with rounding margins) and compute x_jᵀr only where the
//! bound cannot decide: the decisions and every gradient used are those of the full check.
//! On x86-64 CPUs with AVX2 the solver runs as an AVX2 copy of the same code (the same IEEE
//! operations in the same order, no fused multiply-add, so bit-identical results).
//! X is used as given: it does NOT standardise (z-score beforehand with `standardize::Scaler`
//! as the references do). Cross-validation lives in `glmnet_cv`.
use super::kernels::{axpy_dot8, dot8_fast, dot8_x4, sq_wdot8_fast};
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
        if x.is_standard_layout() && p > 1 && n > 1 {
            return Design::from_rows(x, &(0..n).collect::<Vec<_>>());
        }
        let mut cols = Vec::with_capacity(n * p);
        let mut mean = Vec::with_capacity(p);
        for c in x.columns() {
            let m = c.sum() / n as f64;
            mean.push(m);
            cols.extend(c.iter().map(|v| v - m));
        }
        Design { n, p, cols, mean }
    }
    /// The design of `x.select(Axis(0), rows)` without the intermediate copy, bit-identical to
    /// `Design::new` of it: for a standard-layout row selection with p > 1 and ≥ 2 rows every
    /// column is strided, so ndarray's `sum` adds its elements one by one in row order, as here.
    pub fn from_rows(x: &Array2<f64>, rows: &[usize]) -> Design {
        let (n, p) = (rows.len(), x.ncols());
        if p <= 1 || n <= 1 {
            return Design::new(&x.select(ndarray::Axis(0), rows));
        }
        let xs = match (x.as_slice(), x.t().as_slice()) {
            (Some(xs), _) => xs,
            (None, Some(xt)) => return Design::from_rows_column_major(xt, x.nrows(), p, rows),
            (None, None) => return Design::new(&x.select(ndarray::Axis(0), rows)),
        };
        let row = |i: usize| &xs[i * p..(i + 1) * p];
        let mut sum = vec![0.0f64; p];
        for &i in rows {
            for (s, v) in sum.iter_mut().zip(row(i)) {
                *s += v;
            }
        }
        let mean: Vec<f64> = sum.iter().map(|s| (0.0 + s) / n as f64).collect();
        // transpose in blocks of 8 rows: each column receives 8 contiguous values at a time
        let mut cols = vec![0.0; n * p];
        for (b, block) in rows.chunks(8).enumerate() {
            let t0 = b * 8;
            let src: Vec<&[f64]> = block.iter().map(|&i| row(i)).collect();
            for (j, m) in mean.iter().enumerate() {
                let out = &mut cols[j * n + t0..j * n + t0 + block.len()];
                for (o, r) in out.iter_mut().zip(&src) {
                    *o = r[j] - m;
                }
            }
        }
        Design { n, p, cols, mean }
    }
    /// `from_rows` for a column-major X (`xt` = its columns one after another, `nrows` each):
    /// the same sums in the same row order, read down each column.
    fn from_rows_column_major(xt: &[f64], nrows: usize, p: usize, rows: &[usize]) -> Design {
        let n = rows.len();
        let mut cols = vec![0.0; n * p];
        let mut mean = Vec::with_capacity(p);
        for (j, out) in cols.chunks_exact_mut(n).enumerate() {
            let src = &xt[j * nrows..(j + 1) * nrows];
            let m = (0.0 + rows.iter().fold(0.0f64, |s, &i| s + src[i])) / n as f64;
            mean.push(m);
            for (o, &i) in out.iter_mut().zip(rows) {
                *o = src[i] - m;
            }
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
    dot8_fast(a, b)
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
    check_binomial_y(y.as_slice().unwrap_or(&y.to_vec()), family)
}

/// The binomial part of `check_inputs` (0/1 and both classes present).
pub(crate) fn check_binomial_y(y: &[f64], family: Family) -> Result<(), ModelError> {
    if family == Family::Binomial {
        if y.iter().any(|&v| v != 0.0 && v != 1.0) {
            return Err(ModelError::InvalidParameter("binomial y must be 0/1".into()));
        }
        let s = y.iter().sum::<f64>();
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
    check_options(lambdas, opts)?;
    let d = Design::new(x);
    Ok(path_on_design(&d, y.as_slice().map(|s| s.to_vec()).unwrap_or_else(|| y.to_vec()), family, lambdas, opts))
}

/// The α and λ checks of `enet_path`.
pub(crate) fn check_options(lambdas: &[f64], opts: &EnetOptions) -> Result<(), ModelError> {
    if !(opts.alpha > 0.0 && opts.alpha <= 1.0) {
        return Err(ModelError::InvalidParameter(format!("alpha must be in (0,1], got {}", opts.alpha)));
    }
    if lambdas.iter().any(|l| !(*l >= 0.0 && l.is_finite())) {
        return Err(ModelError::InvalidParameter("lambdas must be finite and >= 0".into()));
    }
    Ok(())
}

/// `enet_path` on an already validated design (`check_inputs`, `check_options`).
pub(crate) fn path_on_design(d: &Design, y: Vec<f64>, family: Family, lambdas: &[f64], opts: &EnetOptions) -> EnetPath {
    let mut solver = Solver::new(d, y, family, *opts);
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
    out
}

/// Euclidean norm, to a relative error far below the screening margin (sum of squares, or
/// rescaled by the largest |element| where that sum would underflow or overflow); NaN or ∞ if
/// an element is.
fn norm2(v: &[f64]) -> f64 {
    let s = dot8_fast(v, v);
    if s.is_finite() && s > 1e-250 {
        return s.sqrt();
    }
    let m = v.iter().fold(0.0f64, |a, x| if x.abs() > a || x.is_nan() { x.abs() } else { a });
    if m == 0.0 || !m.is_finite() {
        return m;
    }
    m * v.iter().map(|x| (x / m) * (x / m)).sum::<f64>().sqrt()
}

/// Fraction of features (1 / REFRESH_DIV) the screening bound may leave undecided before the
/// snapshot is refreshed with a full gradient.
const REFRESH_DIV: usize = 4;

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
    /// Gradient x_jᵀ(y − μ)/n at the current solution, valid where `known[j]` (for strong rules
    /// / KKT; the others are bounded through the snapshot, see `grad_upper`).
    grad: Vec<f64>,
    known: Vec<bool>,
    /// Snapshot: residual y − μ, the exact gradient there and the residual's norm.
    snap_r: Vec<f64>,
    snap_g: Vec<f64>,
    snap_norm: f64,
    /// ‖resid − snap_r‖ and ‖resid‖ as computed (rounding is covered by `eps`).
    drift: f64,
    rnorm: f64,
    /// ‖x_j‖ of the centred columns.
    colnorm: Vec<f64>,
    /// Relative rounding margin of the screening bound.
    eps: f64,
    strong: Vec<bool>,
    /// Scratch: y − μ(η).
    resid: Vec<f64>,
    /// Scratch: resid − snap_r.
    diff: Vec<f64>,
    /// Σ_i x_ij² v_i for the weights of the last `cd_weighted` call (where it computed it).
    xv: Vec<f64>,
}

impl<'a> Solver<'a> {
    fn new(d: &'a Design, y: Vec<f64>, family: Family, opts: EnetOptions) -> Solver<'a> {
        let n = d.n as f64;
        let ybar = y.iter().sum::<f64>() / n;
        let b0 = match family {
            Family::Gaussian => ybar,
            Family::Binomial => (ybar / (1.0 - ybar)).ln(),
        };
        let colnorm = (0..d.p).map(|j| norm2(d.col(j))).collect();
        let mut s = Solver {
            d,
            y,
            family,
            opts,
            b0,
            w: vec![0.0; d.p],
            eta: vec![b0; d.n],
            grad: vec![0.0; d.p],
            known: vec![false; d.p],
            snap_r: vec![0.0; d.n],
            snap_g: vec![0.0; d.p],
            snap_norm: 0.0,
            drift: 0.0,
            rnorm: 0.0,
            colnorm,
            eps: 8.0 * (n + 16.0) * f64::EPSILON,
            strong: vec![false; d.p],
            resid: vec![0.0; d.n],
            diff: vec![0.0; d.n],
            xv: vec![0.0; d.p],
        };
        s.update_grad(f64::INFINITY);
        s.refresh();
        s
    }

    #[inline(always)]
    fn mu(&self, eta: f64) -> f64 {
        match self.family {
            Family::Gaussian => eta,
            Family::Binomial => sigmoid(eta),
        }
    }

    /// max_j |grad_j| (all gradients are exact right after `new`).
    fn grad_inf(&self) -> f64 {
        self.grad.iter().fold(0.0f64, |a, g| a.max(g.abs()))
    }

    /// New residual y − μ(η); gradients become unknown, to be bounded from the snapshot, unless
    /// more than 1/REFRESH_DIV of the features could reach `hint` (then all are computed and
    /// the snapshot moves here).
    #[inline(always)]
    fn update_grad(&mut self, hint: f64) {
        for i in 0..self.d.n {
            self.resid[i] = self.y[i] - self.mu(self.eta[i]);
        }
        self.known.iter_mut().for_each(|k| *k = false);
        for ((d, r), s) in self.diff.iter_mut().zip(&self.resid).zip(&self.snap_r) {
            *d = r - s;
        }
        self.drift = norm2(&self.diff);
        self.rnorm = norm2(&self.resid);
        let unsure =
            (0..self.d.p).filter(|&j| self.grad_upper(j).partial_cmp(&hint) != Some(std::cmp::Ordering::Less)).count();
        if unsure * REFRESH_DIV > self.d.p {
            self.refresh();
        }
    }

    /// grad_j = x_jᵀ(y − μ)/n for every column; the snapshot moves to the current residual.
    #[inline(always)]
    fn refresh(&mut self) {
        let (d, nf) = (self.d, self.d.n as f64);
        let mut j = 0;
        while j + 4 <= d.p {
            let g = dot8_x4([d.col(j), d.col(j + 1), d.col(j + 2), d.col(j + 3)], &self.resid);
            for (k, gk) in g.iter().enumerate() {
                self.grad[j + k] = gk / nf;
                self.known[j + k] = true;
            }
            j += 4;
        }
        for j in j..d.p {
            self.exact_grad(j);
        }
        self.snap_r.copy_from_slice(&self.resid);
        self.snap_g.copy_from_slice(&self.grad);
        self.snap_norm = self.rnorm;
        self.drift = 0.0;
    }

    /// The gradient x_jᵀ(y − μ)/n as the full check computes it.
    #[inline(always)]
    fn exact_grad(&mut self, j: usize) -> f64 {
        if !self.known[j] {
            self.grad[j] = dot8_fast(self.d.col(j), &self.resid) / self.d.n as f64;
            self.known[j] = true;
        }
        self.grad[j]
    }

    /// An upper bound on |exact_grad(j)|: |x_jᵀr| ≤ |x_jᵀs| + ‖x_j‖‖r − s‖ for the snapshot s,
    /// widened by the rounding error of both dot products and of the norms (relative `eps`,
    /// far above n·2⁻⁵³). NaN when an input is not finite (the caller then computes).
    #[inline(always)]
    fn grad_upper(&self, j: usize) -> f64 {
        if self.known[j] {
            return self.grad[j].abs();
        }
        let e = self.eps;
        let spread = (self.drift + e * (self.rnorm + self.snap_norm)) * (1.0 + e);
        (self.snap_g[j].abs() * (1.0 + e) + self.colnorm[j] * spread / self.d.n as f64) * (1.0 + e)
    }

    /// |grad_j| >= thr, computing the gradient only when the bound cannot decide.
    #[inline(always)]
    fn grad_at_least(&mut self, j: usize, thr: f64) -> bool {
        if self.grad_upper(j) < thr {
            return false;
        }
        self.exact_grad(j).abs() >= thr
    }

    /// |grad_j| > thr, computing the gradient only when the bound cannot decide.
    #[inline(always)]
    fn grad_above(&mut self, j: usize, thr: f64) -> bool {
        if self.grad_upper(j) < thr {
            return false;
        }
        self.exact_grad(j).abs() > thr
    }

    /// Penalised objective at (b0, w) with linear predictor eta.
    #[inline(always)]
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
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.solve_avx2(lam, lam_prev) };
        }
        self.solve_impl(lam, lam_prev)
    }

    /// `solve_impl` compiled for AVX2 (same operations: Rust never fuses multiply-adds).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn solve_avx2(&mut self, lam: f64, lam_prev: f64) -> bool {
        self.solve_impl(lam, lam_prev)
    }

    #[inline(always)]
    fn solve_impl(&mut self, lam: f64, lam_prev: f64) -> bool {
        let a = self.opts.alpha;
        let cut = a * (2.0 * lam - lam_prev);
        for j in 0..self.d.p {
            self.strong[j] = self.w[j] != 0.0 || self.grad_at_least(j, cut);
        }
        let bound = a * lam * (1.0 + 1e-9) + 1e-14;
        // the next checks: this KKT bound, then the next λ's strong-rule cut (smaller)
        let hint = 0.8 * a * lam;
        for _round in 0..100 {
            let ok = match self.family {
                Family::Gaussian => self.solve_quadratic_gaussian(lam),
                Family::Binomial => self.solve_binomial(lam),
            };
            self.update_grad(hint);
            let outside: Vec<usize> = (0..self.d.p).filter(|&j| !self.strong[j] && self.grad_above(j, bound)).collect();
            if !outside.is_empty() {
                outside.into_iter().for_each(|j| self.strong[j] = true);
                continue;
            }
            if !self.opts.polish {
                return ok;
            }
            let polished = self.polish(lam) && ok;
            self.update_grad(hint);
            let viol: Vec<usize> = (0..self.d.p).filter(|&j| self.w[j] == 0.0 && self.grad_above(j, bound)).collect();
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

    #[inline(always)]
    fn solve_quadratic_gaussian(&mut self, lam: f64) -> bool {
        let n = self.d.n;
        let v = vec![1.0 / n as f64; n];
        let mut r: Vec<f64> = self.y.iter().zip(&self.eta).map(|(y, e)| (y - e) / n as f64).collect();
        let (ok, _) = self.cd_weighted(&v, &mut r, lam);
        ok
    }

    /// Outer quadratic approximation with step halving on the penalised objective.
    #[inline(always)]
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
                    // only strong features move; cd_weighted stored Σ x_ij² v_i for them
                    let xv = self.xv[j];
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

    #[inline(always)]
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
    #[inline(always)]
    fn cd_weighted(&mut self, v: &[f64], r: &mut [f64], lam: f64) -> (bool, usize) {
        let a = self.opts.alpha;
        let (l1, l2) = (lam * a, lam * (1.0 - a));
        let strong: Vec<usize> = (0..self.d.p).filter(|&j| self.strong[j]).collect();
        // Σ x_ij² v_i on first need: a zero coefficient with |x_jᵀr| ≤ l1 stays exactly zero
        // whatever it is, as long as it is known to be > 0 (or l2 > 0) — else 0/0 would be NaN.
        // It is > 0 when ‖x_j‖² v_min / n (a lower bound of its largest term) cannot underflow.
        let d = self.d;
        let mut has_xv = vec![false; strong.len()];
        let vmin = v.iter().fold(f64::INFINITY, |m, &x| m.min(x));
        let nf = d.n as f64;
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
            // x_jᵀr of the next feature to visit, fused into the previous update's sweep over r
            let mut pending: Option<(usize, f64)> = None;
            for (k, &j) in strong.iter().enumerate() {
                let wj = self.w[j];
                if !full && wj == 0.0 {
                    continue;
                }
                let xj = d.col(j);
                let xr = match pending.take() {
                    Some((q, xr)) if q == k => xr,
                    _ => dot8_fast(xj, r),
                };
                let cn = self.colnorm[j];
                if wj == 0.0 && xr.abs() <= l1 && (l2 > 0.0 || cn * cn * vmin > 1e-280 * nf) {
                    continue; // soft(x_jᵀr + 0, l1) = 0 and 0 / (xv + l2) = 0 = w_j
                }
                if !has_xv[k] {
                    has_xv[k] = true;
                    self.xv[j] = sq_wdot8_fast(xj, v);
                }
                let xvk = self.xv[j];
                let g = xr + xvk * wj;
                let new = soft(g, l1) / (xvk + l2);
                if new != wj {
                    let dj = new - wj;
                    self.w[j] = new;
                    // r is unchanged until the next visited feature (later ones keep their w)
                    match (k + 1..strong.len()).find(|&q| full || self.w[strong[q]] != 0.0) {
                        Some(q) => pending = Some((q, axpy_dot8(r, dj, xj, v, d.col(strong[q])))),
                        None => {
                            for ((ri, x), vi) in r.iter_mut().zip(xj).zip(v) {
                                *ri -= dj * x * vi;
                            }
                        }
                    }
                    dlx = dlx.max(xvk * dj * dj);
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
