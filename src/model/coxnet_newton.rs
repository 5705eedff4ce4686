//! Exact-Hessian pieces of the coxnet solver (proximal Newton): the Breslow gradient in η and
//! the product of the exact Hessian −∂²l/∂η² with a vector in O(n) by prefix sums over the
//! time-sorted risk sets,
//!   (H x)_i = r_i (A_i x_i − C_i),  A_i = Σ_{event times t_k ≤ t_i} d_k / S0_k,
//!   C_i = Σ_{t_k ≤ t_i} d_k S1_k(x) / S0_k²,  S1_k(x) = Σ_{t_l ≥ t_k} r_l x_l,
//! and coordinate descent of the L1 / elastic-net penalised quadratic model on its m × m
//! matrix (O(m) per coordinate update). It must not change the objective (see `coxnet`).
use super::cox::Surv;
use super::glmnet::soft;
use ndarray::Array2;

/// Risk weights and Breslow derivatives at one η.
pub(crate) struct Curvature {
    /// g_i = ∂l/∂η_i.
    pub g: Vec<f64>,
    /// r_i = exp(η_i − max η).
    r: Vec<f64>,
    /// Tied-time groups of the descending order: (start, end, S0, events).
    groups: Vec<(usize, usize, f64, f64)>,
}

impl Curvature {
    pub fn new(s: &Surv, eta: &[f64], order: &[usize]) -> Curvature {
        let n = eta.len();
        let shift = eta.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let r: Vec<f64> = eta.iter().map(|e| (e - shift).exp()).collect();
        let mut groups = Vec::new();
        let (mut s0, mut i) = (0.0, 0);
        while i < n {
            let t = s.time[order[i]];
            let (mut j, mut d) = (i, 0.0);
            while j < n && s.time[order[j]] == t {
                s0 += r[order[j]];
                d += s.event[order[j]] as u8 as f64;
                j += 1;
            }
            groups.push((i, j, s0, d));
            i = j;
        }
        let mut g = vec![0.0; n];
        let mut a = 0.0;
        for &(st, en, s0, d) in groups.iter().rev() {
            if d > 0.0 {
                a += d / s0;
            }
            for &k in &order[st..en] {
                g[k] = s.event[k] as u8 as f64 - r[k] * a;
            }
        }
        Curvature { g, r, groups }
    }

    /// out = H x with H = −∂²l/∂η² (Breslow); `s1` is scratch.
    pub fn hess_times(&self, order: &[usize], x: &[f64], out: &mut [f64], s1: &mut Vec<f64>) {
        s1.clear();
        let mut acc = 0.0;
        for &(st, en, _, _) in &self.groups {
            for &k in &order[st..en] {
                acc += self.r[k] * x[k];
            }
            s1.push(acc);
        }
        let (mut a, mut c) = (0.0, 0.0);
        for (gi, &(st, en, s0, d)) in self.groups.iter().enumerate().rev() {
            if d > 0.0 {
                a += d / s0;
                c += d * s1[gi] / (s0 * s0);
            }
            for &k in &order[st..en] {
                out[k] = self.r[k] * (a * x[k] - c);
            }
        }
    }
}

/// Penalties and stopping rule of `cd_on_quadratic`; `floor` bounds Q_kk away from 0.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CdSettings {
    pub l1: f64,
    pub l2: f64,
    pub floor: f64,
    pub tol: f64,
    pub max_passes: usize,
}

/// Coordinate descent on ½ dᵀQd + qᵀd + l1‖β‖₁ + l2/2‖β‖² over β = β₀ + d (`beta` holds β₀
/// on entry, the minimiser on return; `q` the model gradient at β₀, updated in place).
/// Converged when a full pass changes no coordinate by more than max_k Q_kk Δ_k² ≥ tol.
/// Returns (converged, passes used).
pub(crate) fn cd_on_quadratic(qm: &Array2<f64>, q: &mut [f64], beta: &mut [f64], set: &CdSettings) -> (bool, usize) {
    let CdSettings { l1, l2, floor, tol, max_passes } = *set;
    let m = beta.len();
    let diag: Vec<f64> = (0..m).map(|k| qm[[k, k]].max(floor)).collect();
    let mut full = true;
    let mut passes = 0;
    loop {
        passes += 1;
        if passes > max_passes {
            return (false, passes);
        }
        let mut dlx = 0.0f64;
        for k in 0..m {
            let b = beta[k];
            if !full && b == 0.0 {
                continue;
            }
            let new = soft(diag[k] * b - q[k], l1) / (diag[k] + l2);
            if new != b {
                let d = new - b;
                beta[k] = new;
                if let Some(row) = qm.row(k).as_slice() {
                    q.iter_mut().zip(row).for_each(|(qi, r)| *qi += r * d);
                } else {
                    q.iter_mut().zip(qm.row(k)).for_each(|(qi, r)| *qi += r * d);
                }
                dlx = dlx.max(diag[k] * d * d);
            }
        }
        if dlx < tol {
            if full {
                return (true, passes);
            }
            full = true;
        } else {
            full = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// H x against a finite difference of the gradient g(η) (H = −∂g/∂η), with ties.
    #[test]
    fn hessian_product_matches_finite_difference() {
        let s = Surv {
            time: vec![5.0, 3.0, 3.0, 8.0, 1.0, 6.0, 3.0],
            event: vec![true, true, false, false, true, true, true],
        };
        let order = super::super::cox::order_desc(&s.time);
        let eta = vec![0.3, -0.2, 0.5, 0.1, -0.7, 0.0, 0.4];
        let x = vec![1.0, -2.0, 0.5, 0.3, 1.5, -0.4, 0.9];
        let c = Curvature::new(&s, &eta, &order);
        let mut hx = vec![0.0; 7];
        c.hess_times(&order, &x, &mut hx, &mut vec![]);
        let h = 1e-6;
        let up: Vec<f64> = eta.iter().zip(&x).map(|(e, v)| e + h * v).collect();
        let dn: Vec<f64> = eta.iter().zip(&x).map(|(e, v)| e - h * v).collect();
        let (gu, gd) = (Curvature::new(&s, &up, &order).g, Curvature::new(&s, &dn, &order).g);
        for i in 0..7 {
            let fd = -(gu[i] - gd[i]) / (2.0 * h);
            assert!((fd - hx[i]).abs() < 1e-8, "{i}: {fd} vs {}", hx[i]);
        }
    }
}
