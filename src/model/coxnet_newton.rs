//! Exact-Hessian pieces of the coxnet solver (proximal Newton) on rows sorted by time,
//! descending (risk sets are then prefixes, sorted once per fit by `coxnet`): the Breslow
//! gradient in η and the product of the exact Hessian −∂²l/∂η² with a vector in O(n) by
//! prefix sums over the tied-time groups,
//!   (H x)_i = r_i (A_i x_i − C_i),  A_i = Σ_{event times t_k ≤ t_i} d_k / S0_k,
//!   C_i = Σ_{t_k ≤ t_i} d_k S1_k(x) / S0_k²,  S1_k(x) = Σ_{t_l ≥ t_k} r_l x_l,
//! and coordinate descent of the L1 / elastic-net penalised quadratic model
//!   ½ ΔβᵀQΔβ + q₀ᵀΔβ + pen(β),  Q = X_S H X_Sᵀ / n,
//! kept in η-space: the model gradient of coordinate k is q₀_k + x_kᵀ v with v = H X_Sᵀ Δβ / n
//! (one O(n) dot per visit, one O(n) update per change), so Q itself is never formed.
//! The vector kernels of that loop (dot product, fused update + next dot) have AVX-512 and
//! AVX2+FMA paths chosen at run time; all paths do the same fused multiply-adds in the same
//! lane order, so results are bit-identical on every machine and thread count.
//! It must not change the objective (see `coxnet`) and does not sort.
use super::cox::Surv;
use super::glmnet::soft;

/// Tied-time groups of rows sorted by time, descending: group g is rows `ends[g-1]..ends[g]`
/// with `d[g]` events. Depends only on the outcome, so it is built once per fit.
pub(crate) struct RiskSets {
    ends: Vec<usize>,
    d: Vec<f64>,
    /// δ_i as 0 / 1.
    event: Vec<f64>,
}

impl RiskSets {
    /// `s.time` must be sorted descending.
    pub fn new(s: &Surv) -> RiskSets {
        let n = s.time.len();
        debug_assert!(s.time.windows(2).all(|w| w[0] >= w[1]));
        let (mut ends, mut d) = (vec![], vec![]);
        let mut i = 0;
        while i < n {
            let (mut j, mut dg) = (i, 0.0);
            while j < n && s.time[j] == s.time[i] {
                dg += s.event[j] as u8 as f64;
                j += 1;
            }
            ends.push(j);
            d.push(dg);
            i = j;
        }
        RiskSets { ends, d, event: s.event.iter().map(|&e| e as u8 as f64).collect() }
    }

    /// Breslow log partial likelihood at η (rows in this order).
    pub fn loglik(&self, eta: &[f64]) -> f64 {
        let shift = eta.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let (mut s0, mut ll, mut st) = (0.0, 0.0, 0);
        for (&en, &dg) in self.ends.iter().zip(&self.d) {
            for (e, &ev) in eta[st..en].iter().zip(&self.event[st..en]) {
                s0 += (e - shift).exp();
                ll += ev * (e - shift);
            }
            if dg > 0.0 {
                ll -= dg * s0.ln();
            }
            st = en;
        }
        ll
    }
}

/// Risk weights and Breslow derivatives at one η, per row.
pub(crate) struct Curvature {
    /// g_i = ∂l/∂η_i.
    pub g: Vec<f64>,
    /// r_i = exp(η_i − max η).
    r: Vec<f64>,
    /// A_i (cumulative d/S0 over row i's group and the later ones).
    a: Vec<f64>,
    /// d_g / S0_g² on the last row of each group g, 0 elsewhere.
    cf: Vec<f64>,
}

impl Curvature {
    pub fn new(rs: &RiskSets, eta: &[f64]) -> Curvature {
        let n = eta.len();
        let shift = eta.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let r: Vec<f64> = eta.iter().map(|e| (e - shift).exp()).collect();
        let ng = rs.ends.len();
        let mut ag = vec![0.0; ng];
        let mut cf = vec![0.0; n];
        let (mut s0, mut st) = (0.0, 0);
        for (gi, &en) in rs.ends.iter().enumerate() {
            s0 += r[st..en].iter().sum::<f64>();
            if rs.d[gi] > 0.0 {
                ag[gi] = rs.d[gi] / s0;
                cf[en - 1] = rs.d[gi] / (s0 * s0);
            }
            st = en;
        }
        let (mut g, mut a) = (vec![0.0; n], vec![0.0; n]);
        let mut acc = 0.0;
        for gi in (0..ng).rev() {
            acc += ag[gi];
            let st = if gi == 0 { 0 } else { rs.ends[gi - 1] };
            for i in st..rs.ends[gi] {
                a[i] = acc;
                g[i] = rs.event[i] - r[i] * acc;
            }
        }
        Curvature { g, r, a, cf }
    }

    /// out[b·n..(b+1)·n] = c · H x_b for each column x_b, H = −∂²l/∂η² (Breslow).
    pub fn hess_times(&self, xs: &[&[f64]], c: f64, out: &mut [f64]) {
        let n = self.r.len();
        for (blk, ob) in xs.chunks(4).zip(out.chunks_mut(4 * n)) {
            match *blk {
                [x0, x1, x2, x3] => self.hess_block([x0, x1, x2, x3], c, ob),
                _ => {
                    for (x, o) in blk.iter().zip(ob.chunks_mut(n)) {
                        self.hess_block([*x], c, o);
                    }
                }
            }
        }
    }

    /// B columns at once (independent running sums keep the adder busy):
    /// S1 prefix sums P_i = Σ_{j ≤ i} r_j x_j (stored in `out`), then from the last row
    /// C_i = Σ_{j ≥ i} cf_j P_j and out_i = c r_i (A_i x_i − C_i).
    #[inline(always)]
    fn hess_block<const B: usize>(&self, x: [&[f64]; B], c: f64, out: &mut [f64]) {
        let n = self.r.len();
        let (r, a, cf) = (&self.r[..n], &self.a[..n], &self.cf[..n]);
        let x: [&[f64]; B] = x.map(|v| &v[..n]);
        let out = &mut out[..B * n];
        let mut p = [0.0f64; B];
        for i in 0..n {
            for b in 0..B {
                p[b] += r[i] * x[b][i];
                out[b * n + i] = p[b];
            }
        }
        let mut cc = [0.0f64; B];
        for i in (0..n).rev() {
            for b in 0..B {
                cc[b] += cf[i] * out[b * n + i];
                out[b * n + i] = c * r[i] * (a[i] * x[b][i] - cc[b]);
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

/// The quadratic model of one outer step on the strong set S (m coordinates, n rows):
/// `xs[k]` = x_k, `hq` (m × n, row-major) = H x_k / n, `q0` = model gradient at β₀,
/// `diag` = max(Q_kk, floor).
pub(crate) struct Model<'a> {
    pub xs: &'a [&'a [f64]],
    pub hq: &'a [f64],
    pub q0: &'a [f64],
    pub diag: &'a [f64],
}

/// Coordinate descent on ½ dᵀQd + q₀ᵀd + l1‖β‖₁ + l2/2‖β‖² over β = β₀ + d (`beta` holds β₀
/// on entry, the minimiser on return); `v` (length n, zero on entry) holds H X_Sᵀ d / n.
/// Full passes alternate with passes over the non-zero coordinates; converged when a full pass
/// changes no coordinate by max_k Q_kk Δ_k² ≥ tol. Returns (converged, passes used).
pub(crate) fn cd_on_quadratic(md: &Model, beta: &mut [f64], v: &mut [f64], set: &CdSettings) -> (bool, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (checked just above). Every path does the same
            // IEEE operations (fused multiply-adds, exactly rounded) in the same order, so all
            // give bit-identical results.
            return unsafe { cd_avx512(md, beta, v, set) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: as above, for AVX2 and FMA.
            return unsafe { cd_fma(md, beta, v, set) };
        }
    }
    cd_body(md, beta, v, set, Portable)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn cd_avx512(md: &Model, beta: &mut [f64], v: &mut [f64], set: &CdSettings) -> (bool, usize) {
    cd_body(md, beta, v, set, Avx512)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn cd_fma(md: &Model, beta: &mut [f64], v: &mut [f64], set: &CdSettings) -> (bool, usize) {
    cd_body(md, beta, v, set, Portable)
}

/// The CD loop. `kern.dot(x, v)` = x·v; `kern.axpy_dot(v, d, h, x)` does v += d·h and returns
/// x·v (the next coordinate's product) in one sweep — the same values as the two steps apart.
/// Updates of v are fused multiply-adds v_i = fma(d, h_i, v_i) on every path.
#[inline(always)]
fn cd_body<K: Kernels>(md: &Model, beta: &mut [f64], v: &mut [f64], set: &CdSettings, kern: K) -> (bool, usize) {
    let CdSettings { l1, l2, tol, max_passes, .. } = *set;
    let (m, n) = (beta.len(), v.len());
    let next_visit = |beta: &[f64], from: usize, full: bool| (from..m).find(|&k| full || beta[k] != 0.0);
    let mut full = true;
    let mut passes = 0;
    loop {
        passes += 1;
        if passes > max_passes {
            return (false, passes);
        }
        let mut dlx = 0.0f64;
        // Coordinates after k are untouched in this pass until visited, so the next one to
        // visit is known when k changes, and its product x·v comes with the update of v.
        let mut at = next_visit(beta, 0, full);
        let mut pending: Option<f64> = None;
        while let Some(k) = at {
            let xv = match pending.take() {
                Some(p) => p,
                None => kern.dot(md.xs[k], v),
            };
            let (b, dk) = (beta[k], md.diag[k]);
            let new = soft(dk * b - (md.q0[k] + xv), l1) / (dk + l2);
            let next = next_visit(beta, k + 1, full);
            if new != b {
                let d = new - b;
                beta[k] = new;
                let h = &md.hq[k * n..(k + 1) * n];
                match next {
                    Some(k2) => pending = Some(kern.axpy_dot(v, d, h, md.xs[k2])),
                    None => v.iter_mut().zip(h).for_each(|(vi, hi)| *vi = d.mul_add(*hi, *vi)),
                }
                dlx = dlx.max(dk * d * d);
            }
            at = next;
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

/// The two vector kernels of `cd_body`.
trait Kernels: Copy {
    fn dot(self, a: &[f64], b: &[f64]) -> f64;
    fn axpy_dot(self, v: &mut [f64], d: f64, h: &[f64], x: &[f64]) -> f64;
}

#[derive(Clone, Copy)]
struct Portable;

impl Kernels for Portable {
    #[inline(always)]
    fn dot(self, a: &[f64], b: &[f64]) -> f64 {
        dot_lanes(a, b)
    }
    #[inline(always)]
    fn axpy_dot(self, v: &mut [f64], d: f64, h: &[f64], x: &[f64]) -> f64 {
        v.iter_mut().zip(h).for_each(|(vi, hi)| *vi = d.mul_add(*hi, *vi));
        dot_lanes(x, v)
    }
}

#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct Avx512;

#[cfg(target_arch = "x86_64")]
impl Kernels for Avx512 {
    #[inline(always)]
    fn dot(self, a: &[f64], b: &[f64]) -> f64 {
        // SAFETY: only constructed in `cd_avx512`, after the AVX-512F check.
        unsafe { dot_avx512(a, b) }
    }
    #[inline(always)]
    fn axpy_dot(self, v: &mut [f64], d: f64, h: &[f64], x: &[f64]) -> f64 {
        // SAFETY: as above.
        unsafe { axpy_dot_avx512(v, d, h, x) }
    }
}

/// v += d·h, then `dot_lanes(x, v)`, in one sweep with AVX-512 registers (same operations,
/// same order as the two apart, so bit-identical).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn axpy_dot_avx512(v: &mut [f64], d: f64, h: &[f64], x: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let n = v.len();
    let (h, x) = (&h[..n], &x[..n]);
    let n32 = n / 32 * 32;
    let n8 = n / 8 * 8;
    let ld = |s: &[f64], i: usize| {
        let c: &[f64; 8] = s[i..i + 8].try_into().expect("8 lanes");
        // SAFETY: `c` is 8 valid f64 (unaligned load allowed).
        unsafe { _mm512_loadu_pd(c.as_ptr()) }
    };
    let dd = _mm512_set1_pd(d);
    let mut acc = [_mm512_setzero_pd(); 4];
    let mut i = 0;
    while i < n8 {
        let lanes = if i < n32 { 4 } else { 1 };
        for (u, a) in acc.iter_mut().enumerate().take(lanes) {
            let j = i + 8 * u;
            let nv = _mm512_fmadd_pd(dd, ld(h, j), ld(v, j));
            let c: &mut [f64; 8] = (&mut v[j..j + 8]).try_into().expect("8 lanes");
            // SAFETY: `c` is 8 valid, writable f64.
            unsafe { _mm512_storeu_pd(c.as_mut_ptr(), nv) };
            *a = _mm512_fmadd_pd(ld(x, j), nv, *a);
        }
        i += 8 * lanes;
    }
    for (vi, hi) in v[n8..].iter_mut().zip(&h[n8..]) {
        *vi = d.mul_add(*hi, *vi);
    }
    let t = _mm512_add_pd(_mm512_add_pd(acc[0], acc[1]), _mm512_add_pd(acc[2], acc[3]));
    let mut l = [0.0f64; 8];
    // SAFETY: `l` holds 8 f64.
    unsafe { _mm512_storeu_pd(l.as_mut_ptr(), t) };
    let mut s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    for (xi, vi) in x[n8..].iter().zip(&v[n8..]) {
        s = xi.mul_add(*vi, s);
    }
    s
}

/// `dot_lanes`, with AVX-512 registers where the CPU has them (bit-identical either way).
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F (checked just above).
            return unsafe { dot_avx512(a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above).
            return unsafe { dot_fma(a, b) };
        }
    }
    dot_lanes(a, b)
}

/// `dot_lanes` with AVX2 registers and hardware fused multiply-add.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_fma(a: &[f64], b: &[f64]) -> f64 {
    dot_lanes(a, b)
}

/// Σ a_i b_i in a fixed order on every machine, by fused multiply-adds (exactly rounded, so
/// the same everywhere; without hardware FMA `f64::mul_add` is slow but still exact):
/// 32 lanes (lane l sums the elements l, l + 32, … of the 32-blocks), then the 8-blocks left
/// over into lanes 0..8; lanes combined as t_k = (L_k + L_{8+k}) + (L_{16+k} + L_{24+k}), then
/// ((t₀+t₁)+(t₂+t₃))+((t₄+t₅)+(t₆+t₇)), then the last < 8 elements one by one. Four
/// independent 8-lane chains keep the FMA units busy.
#[inline(always)]
fn dot_lanes(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 32];
    let n32 = n / 32 * 32;
    for (x, y) in a[..n32].chunks_exact(32).zip(b[..n32].chunks_exact(32)) {
        for k in 0..32 {
            acc[k] = x[k].mul_add(y[k], acc[k]);
        }
    }
    let n8 = n / 8 * 8;
    for (x, y) in a[n32..n8].chunks_exact(8).zip(b[n32..n8].chunks_exact(8)) {
        for k in 0..8 {
            acc[k] = x[k].mul_add(y[k], acc[k]);
        }
    }
    let t: [f64; 8] = std::array::from_fn(|k| (acc[k] + acc[8 + k]) + (acc[16 + k] + acc[24 + k]));
    let mut s = ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    for (x, y) in a[n8..].iter().zip(&b[n8..]) {
        s = x.mul_add(*y, s);
    }
    s
}

/// `dot_lanes` with AVX-512 registers (the same operations in the same order).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
fn dot_avx512(a: &[f64], b: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let n32 = n / 32 * 32;
    let n8 = n / 8 * 8;
    let ld = |s: &[f64], i: usize| {
        let c: &[f64; 8] = s[i..i + 8].try_into().expect("8 lanes");
        // SAFETY: `c` is 8 valid f64 (unaligned load allowed).
        unsafe { _mm512_loadu_pd(c.as_ptr()) }
    };
    let (mut a0, mut a1, mut a2, mut a3) =
        (_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd());
    let mut i = 0;
    while i < n32 {
        a0 = _mm512_fmadd_pd(ld(a, i), ld(b, i), a0);
        a1 = _mm512_fmadd_pd(ld(a, i + 8), ld(b, i + 8), a1);
        a2 = _mm512_fmadd_pd(ld(a, i + 16), ld(b, i + 16), a2);
        a3 = _mm512_fmadd_pd(ld(a, i + 24), ld(b, i + 24), a3);
        i += 32;
    }
    while i < n8 {
        a0 = _mm512_fmadd_pd(ld(a, i), ld(b, i), a0);
        i += 8;
    }
    let t = _mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3));
    let mut l = [0.0f64; 8];
    // SAFETY: `l` holds 8 f64.
    unsafe { _mm512_storeu_pd(l.as_mut_ptr(), t) };
    let mut s = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    for (x, y) in a[n8..].iter().zip(&b[n8..]) {
        s = x.mul_add(*y, s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_surv() -> Surv {
        Surv { time: vec![8.0, 6.0, 5.0, 3.0, 3.0, 3.0, 1.0], event: vec![false, true, true, true, false, true, true] }
    }

    /// H x against a finite difference of the gradient g(η) (H = −∂g/∂η), with ties.
    #[test]
    fn hessian_product_matches_finite_difference() {
        let s = sorted_surv();
        let rs = RiskSets::new(&s);
        let eta = vec![0.3, -0.2, 0.5, 0.1, -0.7, 0.0, 0.4];
        let x = vec![1.0, -2.0, 0.5, 0.3, 1.5, -0.4, 0.9];
        let c = Curvature::new(&rs, &eta);
        let mut hx = vec![0.0; 7];
        c.hess_times(&[&x], 1.0, &mut hx);
        // five columns: a block of four and a single one
        let xs: Vec<Vec<f64>> = (0..5).map(|k| x.iter().map(|v| v * (k as f64 - 1.5)).collect()).collect();
        let refs: Vec<&[f64]> = xs.iter().map(|v| v.as_slice()).collect();
        let mut many = vec![0.0; 35];
        c.hess_times(&refs, 1.0, &mut many);
        for k in 0..5 {
            for i in 0..7 {
                assert!((many[k * 7 + i] - (k as f64 - 1.5) * hx[i]).abs() < 1e-12);
            }
        }
        let h = 1e-6;
        let up: Vec<f64> = eta.iter().zip(&x).map(|(e, v)| e + h * v).collect();
        let dn: Vec<f64> = eta.iter().zip(&x).map(|(e, v)| e - h * v).collect();
        let (gu, gd) = (Curvature::new(&rs, &up).g, Curvature::new(&rs, &dn).g);
        for i in 0..7 {
            let fd = -(gu[i] - gd[i]) / (2.0 * h);
            assert!((fd - hx[i]).abs() < 1e-8, "{i}: {fd} vs {}", hx[i]);
        }
    }

    /// g is the derivative of the log likelihood (central difference per coordinate).
    #[test]
    fn gradient_matches_loglik_difference() {
        let s = sorted_surv();
        let rs = RiskSets::new(&s);
        let eta = vec![0.3, -0.2, 0.5, 0.1, -0.7, 0.0, 0.4];
        let g = Curvature::new(&rs, &eta).g;
        for i in 0..7 {
            let (mut up, mut dn) = (eta.clone(), eta.clone());
            up[i] += 1e-6;
            dn[i] -= 1e-6;
            let fd = (rs.loglik(&up) - rs.loglik(&dn)) / 2e-6;
            assert!((fd - g[i]).abs() < 1e-8, "{i}: {fd} vs {}", g[i]);
        }
    }
}
#[cfg(test)]
mod dot_tests {
    use super::*;
    #[test]
    fn fused_update_agrees_bitwise() {
        for n in [0usize, 5, 8, 13, 32, 45, 64, 270, 300, 301] {
            let f = |m: usize, s: f64| -> Vec<f64> { (0..n).map(|i| ((i * m) % 101) as f64 / s - 6.0).collect() };
            let (v0, h, x) = (f(7919, 7.3), f(104729, 3.1), f(613, 5.7));
            let mut v1 = v0.clone();
            let want = Portable.axpy_dot(&mut v1, 0.37, &h, &x);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") {
                let mut v2 = v0.clone();
                let got = Avx512.axpy_dot(&mut v2, 0.37, &h, &x);
                assert_eq!(got.to_bits(), want.to_bits(), "n {n}");
                assert!(v1.iter().zip(&v2).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }

    #[test]
    fn dot_paths_agree_bitwise() {
        for n in [0usize, 5, 8, 13, 32, 45, 64, 270, 300, 301] {
            let a: Vec<f64> = (0..n).map(|i| ((i * 7919) % 101) as f64 / 7.3 - 6.0).collect();
            let b: Vec<f64> = (0..n).map(|i| ((i * 104729) % 97) as f64 / 3.1 - 15.0).collect();
            let g = dot_lanes(&a, &b);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") {
                assert_eq!(unsafe { dot_avx512(&a, &b) }.to_bits(), g.to_bits(), "n {n}");
            }
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((plain - g).abs() <= 1e-9 * (1.0 + plain.abs()));
        }
    }
}
