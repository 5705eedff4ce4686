//! Exact "polishing" of an L1-penalised smooth convex problem once coordinate descent has
//! found the active set: Newton's method restricted to the sign orthant of the current
//! non-zero coordinates,
//!   minimise  f(θ) + Σ_j c_j |θ_j|   over {θ : sign θ_j fixed, θ_j = 0 where it is 0},
//! with backtracking (Armijo) and truncation at the first zero crossing (that coordinate is
//! set to exactly 0 and leaves the set). It does NOT check optimality of the zero
//! coordinates (the caller runs the KKT check). Used by `glmnet` and `coxnet`.
use super::linalg::{cholesky, cholesky_solve};
use ndarray::Array1;

/// Gradient and Hessian of the smooth part restricted to the listed coordinates.
pub(crate) type GradHess<'a> = &'a dyn Fn(&[f64], &[usize]) -> (Vec<f64>, ndarray::Array2<f64>);

/// Outcome of a polishing run.
#[allow(dead_code)]
pub(crate) struct Polish {
    pub converged: bool,
    pub iterations: usize,
}

/// Newton on the free coordinates `idx` of θ. `value(θ)` = f(θ); `grad_hess(θ, idx)` = the
/// gradient and Hessian of f restricted to `idx`; `l1[j]` the L1 weight (0 = unpenalised).
pub(crate) fn orthant_newton(
    theta: &mut [f64],
    l1: &[f64],
    value: &dyn Fn(&[f64]) -> f64,
    grad_hess: GradHess<'_>,
    max_iter: usize,
    tol: f64,
) -> Polish {
    let total = |t: &[f64]| value(t) + t.iter().zip(l1).map(|(v, c)| c * v.abs()).sum::<f64>();
    let mut obj = total(theta);
    for it in 1..=max_iter {
        let idx: Vec<usize> = (0..theta.len()).filter(|&j| l1[j] == 0.0 || theta[j] != 0.0).collect();
        let (mut g, h) = grad_hess(theta, &idx);
        for (k, &j) in idx.iter().enumerate() {
            g[k] += l1[j] * theta[j].signum() * (theta[j] != 0.0) as i32 as f64;
        }
        let l = match cholesky(&h) {
            Ok(l) => l,
            Err(_) => return Polish { converged: false, iterations: it },
        };
        let step = cholesky_solve(&l, &Array1::from(g.clone()));
        // Newton decrement-based stop
        let dec: f64 = step.iter().zip(&g).map(|(s, gi)| s * gi).sum();
        let smax = step.iter().fold(0.0f64, |a, s| a.max(s.abs()));
        let scale = 1.0 + idx.iter().fold(0.0f64, |a, &j| a.max(theta[j].abs()));
        if smax <= tol * scale || dec.abs() < 1e-30 {
            for (k, &j) in idx.iter().enumerate() {
                let nv = theta[j] - step[k];
                // never cross zero in the final tiny step
                if l1[j] == 0.0 || nv.signum() == theta[j].signum() {
                    theta[j] = nv;
                }
            }
            return Polish { converged: true, iterations: it };
        }
        // largest step inside the orthant
        let mut tmax = 1.0f64;
        let mut hit = None;
        for (k, &j) in idx.iter().enumerate() {
            if l1[j] > 0.0 {
                let nv = theta[j] - step[k];
                if nv.signum() != theta[j].signum() || nv == 0.0 {
                    let t = theta[j] / step[k];
                    if t < tmax {
                        tmax = t;
                        hit = Some(j);
                    }
                }
            }
        }
        let old: Vec<f64> = theta.to_vec();
        let mut t = tmax;
        let mut accepted = false;
        for _ in 0..60 {
            for (k, &j) in idx.iter().enumerate() {
                theta[j] = old[j] - t * step[k];
            }
            if t == tmax {
                if let Some(j) = hit {
                    theta[j] = 0.0;
                }
            }
            let o = total(theta);
            // below rounding level of the objective the Newton step is trusted as is
            let tiny = dec.abs() < 1e-12 * (1.0 + obj.abs());
            if o.is_finite() && (o <= obj - 1e-4 * t * dec.max(0.0) || (tiny && t == tmax)) {
                obj = o;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            theta.copy_from_slice(&old);
            // no further decrease possible at machine precision
            return Polish { converged: smax <= 1e-8 * scale, iterations: it };
        }
    }
    Polish { converged: false, iterations: max_iter }
}
