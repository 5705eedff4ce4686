//! ComBat's empirical Bayes step (Johnson, Li & Rabinovic 2007): from the standardised data
//! and the per-batch location/scale estimates (γ̂, δ̂), the shrunken γ*, δ*. Parametric
//! (normal / inverse-gamma priors, iterated to convergence) and non-parametric (integration
//! over the other features' estimates), each exactly as neuroCombat 0.2.12 computes them.
//! Works on one batch's standardised rows at a time; it must not standardise or adjust data.
use super::error::CombatError;
use ndarray::{Array1, Array2, ArrayView1};

/// Convergence tolerance of the parametric iteration (neuroCombat `it_sol`, sva `it.sol`).
pub const EB_CONVERGENCE: f64 = 1e-4;
/// Safety cap on the parametric iteration (neuroCombat has none).
pub const EB_MAX_ITER: usize = 10_000;

/// Sample mean and variance (n − 1) of a slice.
pub(crate) fn mean_var(v: ArrayView1<f64>) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.sum() / n;
    let ss: f64 = v.iter().map(|x| (x - m) * (x - m)).sum();
    (m, ss / (n - 1.0))
}

/// Inverse-gamma prior shape from δ̂ over features: a = (2s² + m²)/s² (neuroCombat `aprior`).
pub fn a_prior(delta_hat: ArrayView1<f64>) -> f64 {
    let (m, s2) = mean_var(delta_hat);
    (2.0 * s2 + m * m) / s2
}

/// Inverse-gamma prior scale from δ̂ over features: b = (m s² + m³)/s² (neuroCombat `bprior`).
pub fn b_prior(delta_hat: ArrayView1<f64>) -> f64 {
    let (m, s2) = mean_var(delta_hat);
    (m * s2 + m * m * m) / s2
}

/// Posterior mean of γ: (τ² n γ̂ + δ* γ̄) / (τ² n + δ*).
fn postmean(g_hat: f64, g_bar: f64, n: f64, d_star: f64, t2: f64) -> f64 {
    (t2 * n * g_hat + d_star * g_bar) / (t2 * n + d_star)
}

/// Posterior mean of δ: (½ Σ(x − γ*)² + b) / (n/2 + a − 1).
fn postvar(sum2: f64, n: f64, a: f64, b: f64) -> f64 {
    (0.5 * sum2 + b) / (n / 2.0 + a - 1.0)
}

/// numpy `max` over an array: NaN if any element is NaN.
fn nan_max(v: impl Iterator<Item = f64>) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for x in v {
        if x.is_nan() {
            return f64::NAN;
        }
        m = m.max(x);
    }
    m
}

/// Prior hyper-parameters of one batch, computed from its γ̂ and δ̂ over features.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchPrior {
    /// Mean of γ̂ over features.
    pub gamma_bar: f64,
    /// Variance (n − 1) of γ̂ over features.
    pub t2: f64,
    /// Inverse-gamma shape and scale (NaN when only the mean is adjusted).
    pub a: f64,
    pub b: f64,
}

/// γ̄, τ², a, b for one batch (a, b only when the scale is adjusted).
pub fn batch_prior(gamma_hat: ArrayView1<f64>, delta_hat: ArrayView1<f64>, mean_only: bool) -> BatchPrior {
    let (gamma_bar, t2) = mean_var(gamma_hat);
    let (a, b) = if mean_only { (f64::NAN, f64::NAN) } else { (a_prior(delta_hat), b_prior(delta_hat)) };
    BatchPrior { gamma_bar, t2, a, b }
}

/// Parametric EB for one batch (neuroCombat `it_sol`): alternate γ* = postmean(γ̂, γ̄, n, δ*, τ²)
/// and δ* = postvar(Σ(s − γ*)², n, a, b) from (γ̂, δ̂) until max relative change ≤ 1e-4.
/// `s` is the batch's standardised rows (rows × features). The stopping rule copies
/// neuroCombat/sva literally: max(|Δγ|/γ_old) and max(|Δδ|/δ_old) with signed denominators.
pub fn parametric_eb(
    s: &Array2<f64>,
    gamma_hat: ArrayView1<f64>,
    delta_hat: ArrayView1<f64>,
    prior: &BatchPrior,
    batch: &str,
) -> Result<(Array1<f64>, Array1<f64>), CombatError> {
    let n = s.nrows() as f64;
    let mut g_old = gamma_hat.to_owned();
    let mut d_old = delta_hat.to_owned();
    for _ in 0..EB_MAX_ITER {
        let g_new: Array1<f64> =
            gamma_hat.iter().zip(d_old.iter()).map(|(&g, &d)| postmean(g, prior.gamma_bar, n, d, prior.t2)).collect();
        let d_new: Array1<f64> = s
            .columns()
            .into_iter()
            .zip(g_new.iter())
            .map(|(col, &g)| {
                let sum2: f64 = col.iter().map(|v| (v - g) * (v - g)).sum();
                postvar(sum2, n, prior.a, prior.b)
            })
            .collect();
        let cg = nan_max(g_new.iter().zip(g_old.iter()).map(|(a, b)| (a - b).abs() / b));
        let cd = nan_max(d_new.iter().zip(d_old.iter()).map(|(a, b)| (a - b).abs() / b));
        // Python's builtin max(cg, cd): returns cg unless cd > cg.
        let change = if cd > cg { cd } else { cg };
        g_old = g_new;
        d_old = d_new;
        // `while change > conv` in neuroCombat: a NaN change also stops the iteration
        if change.is_nan() || change <= EB_CONVERGENCE {
            return Ok((g_old, d_old));
        }
    }
    Err(CombatError::NotConverged { batch: batch.to_string(), iterations: EB_MAX_ITER })
}

/// Non-parametric EB for one batch (neuroCombat `int_eprior`): for feature i,
/// γ*_i = Σ_{k≠i} γ̂_k L_k / Σ L_k and δ*_i = Σ δ̂_k L_k / Σ L_k with the normal likelihood
/// L_k = (2π δ̂_k)^(−n/2) exp(−Σ_r (s_ri − γ̂_k)² / (2 δ̂_k)) of feature i's n values.
/// Evaluated in log space (same ratio, no underflow for large batches).
pub fn nonparametric_eb(
    s: &Array2<f64>,
    gamma_hat: ArrayView1<f64>,
    delta_hat: ArrayView1<f64>,
) -> (Array1<f64>, Array1<f64>) {
    let n = s.nrows() as f64;
    let p = s.ncols();
    let log_norm: Vec<f64> = delta_hat.iter().map(|&d| -0.5 * n * (2.0 * std::f64::consts::PI * d).ln()).collect();
    let mut g_star = Array1::<f64>::zeros(p);
    let mut d_star = Array1::<f64>::zeros(p);
    let mut log_lh = vec![0.0; p];
    for i in 0..p {
        let col = s.column(i);
        let mean = col.sum() / n;
        let ss: f64 = col.iter().map(|v| (v - mean) * (v - mean)).sum();
        let mut max_ll = f64::NEG_INFINITY;
        for k in (0..p).filter(|&k| k != i) {
            // Σ_r (s_ri − γ_k)² = SS_i + n (mean_i − γ_k)²
            let sum2 = ss + n * (mean - gamma_hat[k]) * (mean - gamma_hat[k]);
            log_lh[k] = log_norm[k] - sum2 / (2.0 * delta_hat[k]);
            max_ll = max_ll.max(log_lh[k]);
        }
        let (mut sw, mut sg, mut sd) = (0.0, 0.0, 0.0);
        for k in (0..p).filter(|&k| k != i) {
            let w = (log_lh[k] - max_ll).exp();
            sw += w;
            sg += w * gamma_hat[k];
            sd += w * delta_hat[k];
        }
        g_star[i] = sg / sw;
        d_star[i] = sd / sw;
    }
    (g_star, d_star)
}
